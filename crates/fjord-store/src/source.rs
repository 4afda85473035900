//! The read interface of a vector data source: features by bbox, by id, by tile.

use crate::error::Result;
use fjord_core::{transform, BBox, Crs, Schema, TileMatrixSet, Value, STORAGE_CRS};
use geo_types::Geometry;

/// One feature as read from the store, geometry in the storage CRS.
#[derive(Clone, Debug, PartialEq)]
pub struct Feature {
    /// stable id within the version (the source's feature id where it had one)
    pub id: u64,
    /// geometry in EPSG:25833
    pub geometry: Geometry<f64>,
    /// attribute values, aligned with the query's property list (or the whole schema)
    pub values: Vec<Value>,
}

/// A bbox query with attribute projection and paging.
#[derive(Clone, Debug, Default)]
pub struct Query {
    /// only features whose geometry intersects this box (storage CRS); `None` = all
    pub bbox: Option<BBox>,
    /// schema field indexes to return, in this order; `None` = every field
    pub properties: Option<Vec<usize>>,
    /// at most this many features (`None` = no limit)
    pub limit: Option<usize>,
    /// skip this many matching features first
    pub offset: usize,
}

/// A page of features and the exact number of features matching the query.
#[derive(Clone, Debug, Default)]
pub struct Page {
    /// the features of this page, in the source's stable order
    pub features: Vec<Feature>,
    /// how many features match in all
    pub number_matched: u64,
}

/// The features a query selects, as positions to [`FeatureSource::fetch`], in the
/// source's stable order, and the exact number of features matching in all. Four bytes
/// a feature: a response of a million features is selected first and then read and
/// sent one by one.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// the page's features, in order
    pub positions: Vec<u32>,
    /// how many features match in all
    pub number_matched: u64,
}

/// A test on a whole feature (every field), for attribute and CQL2/FES filters.
pub type Keep<'a> = &'a dyn Fn(&Feature) -> bool;

/// A source of vector features: the whole interface a protocol adapter needs.
pub trait FeatureSource: Send + Sync {
    /// The attribute schema and geometry kind.
    fn schema(&self) -> &Schema;

    /// The page of features matching `q` (its bbox, offset and limit; its property list
    /// is for [`FeatureSource::fetch`]) for which `keep` is true, with the exact count.
    /// Without `keep` only the bbox's edge candidates are decoded; with it, each of the
    /// bbox's features is.
    fn select(&self, q: &Query, keep: Option<Keep>) -> Result<Selection>;

    /// One selected feature, with the given fields (`None` = all).
    fn fetch(&self, position: u32, properties: Option<&[usize]>) -> Result<Feature>;

    /// Features matching `q`, with the exact count, read at once.
    fn items(&self, q: &Query) -> Result<Page> {
        read_page(self, q, None)
    }

    /// Features matching `q` for which `keep` is true, with the exact count.
    fn items_where(&self, q: &Query, keep: Keep) -> Result<Page> {
        read_page(self, q, Some(keep))
    }

    /// One feature by id, with the given fields (`None` = all).
    fn item(&self, id: u64, properties: Option<&[usize]>) -> Result<Option<Feature>>;

    /// The extent of all features in the storage CRS, `None` when empty.
    fn extent(&self) -> Option<BBox>;

    /// The features intersecting tile (`z`, `row`, `col`) of `tms`, from the index.
    ///
    /// A tile in another CRS is first cut to the layer's extent in CRS84, so a world tile
    /// of WebMercatorQuad never asks PROJ for UTM coordinates half a world away.
    fn tile(&self, tms: &TileMatrixSet, z: u32, row: u32, col: u32) -> Result<Vec<Feature>> {
        let tile = tms.tile_bbox(z, row, col)?;
        let Some(extent) = self.extent() else {
            return Ok(Vec::new());
        };
        let bbox = if tms.crs == STORAGE_CRS {
            tile
        } else {
            let tile84 = transform::transform_bbox(tms.crs, Crs::Crs84, &tile)?;
            let extent84 = transform::transform_bbox(STORAGE_CRS, Crs::Crs84, &extent)?;
            match tile84.intersection(&extent84) {
                Some(b) => transform::transform_bbox(Crs::Crs84, STORAGE_CRS, &b)?,
                None => return Ok(Vec::new()),
            }
        };
        Ok(self.items(&Query { bbox: Some(bbox), ..Query::default() })?.features)
    }
}

/// [`FeatureSource::select`], then every selected feature read.
fn read_page<S: FeatureSource + ?Sized>(source: &S, q: &Query, keep: Option<Keep>) -> Result<Page> {
    let sel = source.select(q, keep)?;
    let features =
        sel.positions.iter().map(|&p| source.fetch(p, q.properties.as_deref())).collect::<Result<Vec<_>>>()?;
    Ok(Page { features, number_matched: sel.number_matched })
}
