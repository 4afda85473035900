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

/// A source of vector features: the whole interface a protocol adapter needs.
pub trait FeatureSource: Send + Sync {
    /// The attribute schema and geometry kind.
    fn schema(&self) -> &Schema;

    /// Features matching `q`, with the exact count.
    fn items(&self, q: &Query) -> Result<Page>;

    /// Features matching `q` for which `keep` (given the whole feature, every field) is
    /// true, with the exact count. Each candidate is decoded, so attribute filters cost a
    /// pass over the bbox's features.
    fn items_where(&self, q: &Query, keep: &dyn Fn(&Feature) -> bool) -> Result<Page>;

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
