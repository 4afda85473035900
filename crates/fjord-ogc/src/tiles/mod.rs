//! Vector tiles: OGC API – Tiles (tile matrix sets, a collection's tilesets, tiles) and
//! XYZ tiles with a TileJSON 3.0.0 document, both as Mapbox Vector Tiles.
//!
//! A tile is found first ([`locate`]: the collection is readable, the tile matrix set
//! known, the tile inside it and no deeper than [`max_level`]), with the dataset version
//! it is cut from, so the server can look it up in its cache before it asks for the tile
//! to be cut ([`mvt`]). Levels go down to about a metre a pixel; clients zoom further
//! into the last level's tiles.

mod matrix_sets;
mod terrain;
mod tilesets;

pub use matrix_sets::{tile_matrix_set, tile_matrix_sets};
pub use terrain::{terrain, TerrainEncoding};
pub use tilesets::{maplibre_style, tilejson, tileset, tilesets};

use crate::error::OgcError;
use crate::features::Api;
pub use crate::features::Holding;
use fjord_core::{Slug, TileMatrixSet, STORAGE_CRS};
use fjord_render::mvt::{self, TileBounds, TileFeature, TileLayer};
use fjord_store::{FeatureSource, Store};
use std::sync::Arc;

/// The media type of Mapbox Vector Tiles.
pub const MVT: &str = "application/vnd.mapbox-vector-tile";

/// One tile of a readable collection, and the dataset version it is cut from.
#[derive(Clone, Debug, PartialEq)]
pub struct TileAddress {
    /// the dataset (the collection, the layer)
    pub dataset: Slug,
    /// the version served when the tile was asked for
    pub version: u32,
    /// the tile matrix set
    pub tms: &'static TileMatrixSet,
    /// level
    pub z: u32,
    /// row, counting down from the top
    pub row: u32,
    /// column, counting from the left
    pub col: u32,
    /// whether the dataset is open data, so shared caches may keep its tiles
    pub open: bool,
    /// the area (storage CRS) the caller may see, when their access is limited to one:
    /// the tile holds only what lies in it and is cut for them alone
    pub area: Option<Arc<crate::area::Area>>,
}

impl TileAddress {
    /// An entity tag that changes with the dataset version.
    pub fn etag(&self) -> String {
        // a tile clipped to a caller's area is another picture of the same address
        let clipped = if self.area.is_some() { "-area" } else { "" };
        format!("\"{}-{}-{}-{}-{}-{}{clipped}\"", self.dataset, self.version, self.tms.id, self.z, self.row, self.col)
    }
}

/// The deepest level vector tiles are cut at: the last whose pixel is at least a metre
/// (a CRS unit) across.
pub fn max_level(tms: &TileMatrixSet) -> u32 {
    let deepest = tms.matrices.iter().rposition(|m| m.cell_size >= 1.0).unwrap_or(0);
    u32::try_from(deepest).unwrap_or(0)
}

/// A tile matrix set by id; 404 when fjord has none of that name.
pub(crate) fn matrix_set(id: &str) -> Result<&'static TileMatrixSet, OgcError> {
    TileMatrixSet::by_id(id).ok_or_else(|| {
        let known: Vec<&str> = TileMatrixSet::all().iter().map(|t| t.id).collect();
        OgcError::not_found(format!("no tile matrix set '{id}'; known: {}", known.join(", ")))
    })
}

/// A tile index from the path: 400 when it is not a whole number.
fn index(what: &str, v: &str) -> Result<u32, OgcError> {
    v.parse().map_err(|_| OgcError::invalid(format!("{what} '{v}' is not a whole number")))
}

/// The tile (`tms`, `z`, `row`, `col`) checked against the set and [`max_level`] (404
/// outside), given the dataset's id and version.
fn address(
    dataset: Slug,
    version: u32,
    open: bool,
    (tms, z, row, col): (&str, &str, &str, &str),
) -> Result<TileAddress, OgcError> {
    let tms = matrix_set(tms)?;
    let (z, row, col) = (index("tile matrix", z)?, index("tile row", row)?, index("tile column", col)?);
    let deepest = max_level(tms);
    if z > deepest {
        return Err(OgcError::not_found(format!(
            "tile matrix {z} of {} is deeper than the last served, {deepest}",
            tms.id
        )));
    }
    if tms.tile_bbox(z, row, col).is_err() {
        return Err(OgcError::not_found(format!("tile {z}/{row}/{col} lies outside tile matrix set {}", tms.id)));
    }
    Ok(TileAddress { dataset, version, tms, z, row, col, open, area: None })
}

/// Find tile `z`/`row`/`col` of tile matrix set `tms` of dataset `id`, which must hold
/// `what`: 404 for an unknown dataset or one holding the other kind, an unknown tile
/// matrix set or a tile outside it, 400 for an index that is not a number, 401 for a
/// dataset that is not open.
pub fn locate(api: &Api, id: &str, what: Holding, t: (&str, &str, &str, &str)) -> Result<TileAddress, OgcError> {
    let (slug, version, record, area) = api.readable_in_area(id, what)?;
    let mut at = address(slug, version, record.access == fjord_catalogue::Access::Open, t)?;
    at.area = area;
    Ok(at)
}

/// [`locate`] without touching the catalogue (one read of `CURRENT`), for the cached
/// path; `Ok(None)` when the dataset's record is not cached yet.
pub fn locate_cached(
    api: &Api,
    id: &str,
    what: Holding,
    t: (&str, &str, &str, &str),
) -> Result<Option<TileAddress>, OgcError> {
    match api.readable_cached(id, what)? {
        Some((slug, version, record)) => {
            address(slug, version, record.access == fjord_catalogue::Access::Open, t).map(Some)
        }
        None => Ok(None),
    }
}

/// The Mapbox Vector Tile at `at`, cut from the version it names: one layer named after
/// the dataset; zero bytes when no feature reaches the tile.
pub fn mvt(store: &Store, at: &TileAddress) -> Result<Vec<u8>, OgcError> {
    let layer = store.layer_at(&at.dataset, at.version)?;
    let mut features = layer.tile(at.tms, at.z, at.row, at.col)?;
    if let Some(area) = &at.area {
        features.retain(|f| geo::Intersects::intersects(&f.geometry, &area.geometry));
    }
    let spec = TileLayer { name: at.dataset.as_str(), fields: &layer.schema().fields, crs: STORAGE_CRS };
    let bounds = TileBounds::of(at.tms, at.z, at.row, at.col)?;
    let features = features.iter().map(|f| TileFeature { id: f.id, geometry: &f.geometry, values: &f.values });
    mvt::encode(&spec, features, &bounds).map_err(OgcError::internal)
}

/// The map tile at `at` as PNG, drawn as WMS draws maps: the layer's default style (or
/// `style`) on a transparent background.
pub fn png(api: &Api, at: &TileAddress, style: &str) -> Result<Vec<u8>, OgcError> {
    let size = at.tms.tile_size;
    let m = crate::wms::GetMap {
        version: crate::wms::WmsVersion::V1_3_0,
        layers: vec![at.dataset.to_string()],
        styles: vec![style.to_string()],
        crs: at.tms.crs,
        bbox: at.tms.tile_bbox(at.z, at.row, at.col)?,
        width: size,
        height: size,
        format: fjord_render::ImageFormat::Png,
        transparent: true,
        bgcolor: fjord_render::Color { r: 255, g: 255, b: 255, a: 255 },
        sld_body: None,
        light: crate::wms::Light::default(),
    };
    let (bytes, _) = crate::wms::draw(api, &m).map_err(|e| match e.code {
        "StyleNotDefined" => OgcError::not_found(e.text),
        _ => OgcError::internal(e.text),
    })?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_stop_near_a_metre_a_pixel() {
        assert_eq!(max_level(&TileMatrixSet::web_mercator_quad()), 17);
        assert_eq!(max_level(&TileMatrixSet::utm33n()), 14);
    }

    #[test]
    fn addresses_are_checked() {
        let s = Slug::new("kommuner").unwrap();
        let a = address(s.clone(), 3, true, ("webmercatorquad", "10", "293", "538")).unwrap();
        assert_eq!((a.tms.id, a.z, a.row, a.col), ("WebMercatorQuad", 10, 293, 538));
        assert_eq!(a.etag(), "\"kommuner-3-WebMercatorQuad-10-293-538\"");
        let status = |t: &str, z: &str, r: &str, c: &str| address(s.clone(), 1, true, (t, z, r, c)).unwrap_err().status;
        assert_eq!(status("nope", "1", "0", "0"), 404);
        assert_eq!(status("WebMercatorQuad", "x", "0", "0"), 400);
        assert_eq!(status("WebMercatorQuad", "1", "-1", "0"), 400);
        assert_eq!(status("WebMercatorQuad", "1", "2", "0"), 404);
        assert_eq!(status("WebMercatorQuad", "18", "0", "0"), 404);
        assert_eq!(status("utm33n", "15", "0", "0"), 404);
    }
}
