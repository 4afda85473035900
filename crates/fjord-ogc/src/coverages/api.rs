//! OGC API – Coverages (Part 1) over the elevation datasets: each is a collection with a
//! `coverage` link; `/collections/{id}/coverage?bbox=&bbox-crs=&width=&height=&crs=&f=`
//! answers GeoTIFF (the default) or Esri ASCII grid (`f=ascii`), and `/coverage/domainset`
//! and `/coverage/rangetype` describe the grid and the one field (CIS 1.1 JSON).

use super::{grid_format, render, reply, window, Area, NativeGrid, Scale};
use crate::features::collection_members;
use crate::features::encode::link;
use crate::features::request::{bbox_param, supported};
use crate::features::Api;
use crate::reply::Reply;
use crate::OgcError;
use fjord_catalogue::Record;
use fjord_core::{Crs, STORAGE_CRS};
use fjord_ingest::export::{GridFormat, NODATA};
use fjord_store::raster::{Interpolation, RasterLayer};
use serde_json::{json, Value};
use std::sync::Arc;

/// The query parameters `/coverage` takes.
const PARAMETERS: [&str; 6] = ["bbox", "bbox-crs", "width", "height", "crs", "f"];

/// The JSON of an elevation dataset's collection: its coverage, domain set and range
/// type. Its `layerDataType` is named as Ecere's servers name it, so GDAL's OAPIF driver
/// leaves it out of its feature layers.
pub(crate) fn collection_json(api: &Api, r: &Record) -> Value {
    let href = format!("{}/collections/{}", api.base, r.dataset.as_deref().unwrap_or_default());
    let rel = |what: &str| format!("http://www.opengis.net/def/rel/ogc/1.0/{what}");
    let links = vec![
        link(
            &format!("{href}/coverage"),
            &rel("coverage"),
            "image/tiff; application=geotiff",
            "the coverage as GeoTIFF",
        ),
        link(&format!("{href}/coverage?f=ascii"), &rel("coverage"), "text/plain", "the coverage as Esri ASCII grid"),
        link(&format!("{href}/coverage/domainset"), &rel("coverage-domainset"), "application/json", "the grid"),
        link(&format!("{href}/coverage/rangetype"), &rel("coverage-rangetype"), "application/json", "the field"),
    ];
    collection_members(api, r, ("layerDataType", "Coverage"), links)
}

/// The served layer of a readable elevation dataset, and the area the caller may read
/// its heights within when they are limited to one.
fn open(api: &Api, id: &str) -> Result<(Arc<RasterLayer>, Option<Arc<crate::area::Area>>), OgcError> {
    let (slug, version, _, within) = api.readable_in_area(id, crate::features::Holding::Elevation)?;
    Ok((api.store.raster_at(&slug, version)?, within))
}

/// `GET /collections/{id}/coverage`: the whole coverage at its stored resolution in
/// EPSG:25833 by default; `bbox` (in `bbox-crs`, CRS84 by default) trims it, `crs` puts
/// it in another CRS, `width` and `height` scale it (one alone keeps the aspect).
pub fn coverage(api: &Api, id: &str, params: &[(String, String)]) -> Result<Reply, OgcError> {
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if let Some((k, _)) = params.iter().find(|(k, _)| !PARAMETERS.contains(&k.as_str())) {
        return Err(OgcError::invalid(format!("unknown query parameter '{k}'; use {}", PARAMETERS.join(", "))));
    }
    let format = match get("f") {
        None => GridFormat::GeoTiff,
        Some(f) => {
            grid_format(f).ok_or_else(|| OgcError::invalid(format!("f={f} is not offered; use tif or ascii")))?
        }
    };
    let bbox_crs = get("bbox-crs").map_or(Ok(Crs::Crs84), |v| supported("bbox-crs", v, api.crs))?;
    let area = match get("bbox") {
        Some(v) => {
            let b = bbox_param(v, bbox_crs)?;
            Area { crs: bbox_crs, x: (Some(b.minx), Some(b.maxx)), y: (Some(b.miny), Some(b.maxy)) }
        }
        None => Area::whole(),
    };
    let output = get("crs").map_or(Ok(STORAGE_CRS), |v| supported("crs", v, api.crs))?;
    let count = |k: &str| -> Result<Option<usize>, OgcError> {
        get(k)
            .map(|v| {
                v.trim().parse().map_err(|_| OgcError::invalid(format!("{k} must be a positive integer, got '{v}'")))
            })
            .transpose()
    };
    let scale = match (count("width")?, count("height")?) {
        (None, None) => Scale::Native,
        (width, height) => Scale::Size { width, height, keep_aspect: true },
    };
    let (layer, within) = open(api, id)?;
    let w = window(&NativeGrid::of(layer.header()), &area, output, &scale, api.max_map_size)?;
    let mut answer = reply(id, render(&layer, &w, Interpolation::Nearest, format, within.as_deref())?, format);
    answer.headers.push(("Content-Crs", format!("<{}>", w.crs.uri())));
    Ok(answer)
}

/// `GET /collections/{id}/coverage/domainset`: the stored grid (CIS 1.1 JSON).
pub fn domainset(api: &Api, id: &str) -> Result<Reply, OgcError> {
    let g = NativeGrid::of(open(api, id)?.0.header());
    let e = &g.extent;
    let axis = |label: &str, low: f64, high: f64, resolution: f64| json!({ "type": "RegularAxisType", "axisLabel": label, "lowerBound": low, "upperBound": high, "uomLabel": "m", "resolution": resolution });
    let index = |label: &str, n: usize| json!({ "type": "IndexAxisType", "axisLabel": label, "lowerBound": 0, "upperBound": n.saturating_sub(1) });
    let doc = json!({
        "type": "DomainSetType",
        "generalGrid": {
            "type": "GeneralGridCoverageType",
            "srsName": STORAGE_CRS.uri(),
            "axisLabels": ["E", "N"],
            "axis": [axis("E", e.minx, e.maxx, g.cell), axis("N", e.miny, e.maxy, -g.cell)],
            "gridLimits": {
                "type": "GridLimitsType",
                "srsName": "http://www.opengis.net/def/crs/OGC/0/Index2D",
                "axisLabels": ["i", "j"],
                "axis": [index("i", g.width), index("j", g.height)],
            },
        },
    });
    Ok(Reply::json(&doc, "application/json"))
}

/// `GET /collections/{id}/coverage/rangetype`: the one field, heights in metres.
pub fn rangetype(api: &Api, id: &str) -> Result<Reply, OgcError> {
    let (layer, _) = open(api, id)?;
    let h = layer.header();
    let doc = json!({
        "type": "DataRecordType",
        "field": [{
            "type": "QuantityType",
            "id": "height",
            "name": "height",
            "definition": "http://www.opengis.net/def/property/OGC/0/Elevation",
            "description": format!("height above {} in metres", h.vertical_datum),
            "uom": { "type": "UnitReference", "code": "m" },
            "nilValues": [{ "reason": "http://www.opengis.net/def/nil/OGC/0/missing", "value": NODATA }],
            "constraint": { "interval": [h.stats.min, h.stats.max] },
        }],
    });
    Ok(Reply::json(&doc, "application/json"))
}
