//! `/tileMatrixSets` and `/tileMatrixSets/{id}`: the tile matrix sets as OGC Two
//! Dimensional Tile Matrix Set 2.0 JSON.

use super::matrix_set;
use crate::error::OgcError;
use crate::features::encode::link;
use crate::features::Api;
use crate::reply::Reply;
use fjord_core::TileMatrixSet;
use serde_json::{json, Value};

/// The OGC registry URI of a tile matrix set, where it is a registered one.
pub(crate) fn registered_uri(tms: &TileMatrixSet) -> Option<String> {
    (tms.id == "WebMercatorQuad").then(|| format!("http://www.opengis.net/def/tilematrixset/OGC/1.0/{}", tms.id))
}

/// A human title of a tile matrix set.
fn title(tms: &TileMatrixSet) -> &'static str {
    match tms.id {
        "WebMercatorQuad" => "Google Maps compatible for the world (EPSG:3857)",
        _ => "EUREF89 UTM zone 33N, as Kartverket's national WMTS (EPSG:25833)",
    }
}

/// Link to a tile matrix set's definition.
pub(crate) fn definition_link(api: &Api, tms: &TileMatrixSet) -> Value {
    link(
        &format!("{}/tileMatrixSets/{}", api.base, tms.id),
        "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme",
        "application/json",
        &format!("the {} tile matrix set", tms.id),
    )
}

/// `GET /tileMatrixSets`.
pub fn tile_matrix_sets(api: &Api) -> Reply {
    let sets: Vec<Value> = TileMatrixSet::all()
        .iter()
        .map(|t| {
            let mut v = json!({
                "id": t.id,
                "title": title(t),
                "crs": t.crs.uri(),
                "links": [link(&format!("{}/tileMatrixSets/{}", api.base, t.id), "self", "application/json", t.id)],
            });
            if let Some(uri) = registered_uri(t) {
                v["uri"] = uri.into();
            }
            v
        })
        .collect();
    let links = [link(&format!("{}/tileMatrixSets", api.base), "self", "application/json", "the tile matrix sets")];
    Reply::json(&json!({ "links": links, "tileMatrixSets": sets }), "application/json")
}

/// `GET /tileMatrixSets/{id}`: the definition, every level with its scale, cell size,
/// top-left origin and size in tiles.
pub fn tile_matrix_set(api: &Api, id: &str) -> Result<Reply, OgcError> {
    let t = matrix_set(id)?;
    let matrices: Vec<Value> = t
        .matrices
        .iter()
        .map(|m| {
            json!({
                "id": m.id,
                "scaleDenominator": m.scale_denominator,
                "cellSize": m.cell_size,
                "cornerOfOrigin": "topLeft",
                "pointOfOrigin": [t.origin.0, t.origin.1],
                "tileWidth": t.tile_size,
                "tileHeight": t.tile_size,
                "matrixWidth": m.matrix_width,
                "matrixHeight": m.matrix_height,
            })
        })
        .collect();
    let mut doc = json!({
        "id": t.id,
        "title": title(t),
        "crs": t.crs.uri(),
        "orderedAxes": ["E", "N"],
        "tileMatrices": matrices,
        "links": [link(&format!("{}/tileMatrixSets/{}", api.base, t.id), "self", "application/json", t.id)],
    });
    if let Some(uri) = registered_uri(t) {
        doc["uri"] = uri.into();
        doc["wellKnownScaleSet"] = "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible".into();
    }
    Ok(Reply::json(&doc, "application/json"))
}
