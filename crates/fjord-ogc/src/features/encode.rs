//! Encoders: GeoJSON features written straight into the body, links, and HTML pages.

use crate::error::OgcError;
use fjord_core::{transform, AxisOrder, Crs, Schema, STORAGE_CRS};
use fjord_store::Feature;
use geo_types::Geometry;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::io::Write;

/// A link object.
pub(crate) fn link(href: &str, rel: &str, media: &str, title: &str) -> Value {
    json!({ "href": href, "rel": rel, "type": media, "title": title })
}

/// A feature's geometry as it goes on the wire: in `crs`, coordinates in `order`
/// (borrowed, not copied, when that is how it is stored).
pub(crate) fn wire_geometry(f: &Feature, crs: Crs, order: AxisOrder) -> Result<Cow<'_, Geometry<f64>>, OgcError> {
    if crs == STORAGE_CRS && order == AxisOrder::EastNorth {
        return Ok(Cow::Borrowed(&f.geometry));
    }
    let mut g = f.geometry.clone();
    transform::transform_geometry(STORAGE_CRS, crs, &mut g)?;
    if order == AxisOrder::NorthEast {
        transform::swap_axes(&mut g);
    }
    Ok(Cow::Owned(g))
}

/// Write one feature as GeoJSON in `crs` with coordinates in `order` (OGC API Part 2:
/// the CRS's own axis order), with the schema fields at `fields` (indexes, in order).
pub(crate) fn write_feature(
    out: &mut Vec<u8>,
    f: &Feature,
    schema: &Schema,
    fields: &[usize],
    crs: Crs,
    order: AxisOrder,
) -> Result<(), OgcError> {
    let g = wire_geometry(f, crs, order)?;
    let _ = write!(out, "{{\"type\":\"Feature\",\"id\":{},\"geometry\":", f.id);
    super::geojson::write_geometry(out, &g);
    out.extend_from_slice(b",\"properties\":{");
    for (n, (&i, v)) in fields.iter().zip(&f.values).enumerate() {
        if n > 0 {
            out.push(b',');
        }
        let name = schema.fields.get(i).map_or("", |f| f.name.as_str());
        serde_json::to_writer(&mut *out, name).map_err(OgcError::internal)?;
        out.push(b':');
        serde_json::to_writer(&mut *out, &v.to_json()).map_err(OgcError::internal)?;
    }
    out.extend_from_slice(b"}}");
    Ok(())
}

/// Escape text for HTML.
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A whole HTML page around `body`.
pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"no\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{t}</title><style>body{{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}}\
         table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}}</style></head>\
         <body><h1>{t}</h1>{body}</body></html>",
        t = esc(title)
    )
}
