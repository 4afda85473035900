//! GetFeatureInfo: the features of the queried layers under a pixel of a map. A polygon
//! counts when it holds the pixel's centre; a line or point when it passes within a few
//! pixels of it. An elevation layer answers with one feature at the pixel's centre whose
//! `height` is the bilinear height there at the finest level (and its vertical datum),
//! or none where there is no height.

use super::request::{GetMap, WmsVersion};
use super::WmsError;
use crate::features::encode::write_feature;
use crate::features::Api;
use crate::reply::Reply;
use crate::wfs::gml::{FeatureWriter, GML_311};
use crate::wfs::{Kvp, NAMESPACE};
use fjord_core::{transform, AxisOrder, BBox, Crs, Field, FieldType, GeometryKind, Schema, Value, STORAGE_CRS};
use fjord_store::raster::RasterLayer;
use fjord_store::{Feature, FeatureSource, FgbLayer};
use geo::{Contains, Intersects};
use geo_types::{coord, Geometry, Point, Rect};
use quick_xml::escape::escape;
use std::fmt::Write;

/// How far (in pixels) a line or point may be from the pixel and still be found.
const TOLERANCE_PX: f64 = 4.0;
/// The most features FEATURE_COUNT may ask for per layer.
const MAX_FEATURE_COUNT: usize = 1000;

/// The encodings of the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum InfoFormat {
    Text,
    Html,
    Json,
    Gml,
}

impl InfoFormat {
    fn parse(v: Option<&str>) -> Result<InfoFormat, WmsError> {
        let Some(v) = v else { return Ok(InfoFormat::Text) };
        match v.trim().to_ascii_lowercase().split(';').next().unwrap_or("") {
            "text/plain" => Ok(InfoFormat::Text),
            "text/html" => Ok(InfoFormat::Html),
            "application/json" | "application/geo+json" | "geojson" => Ok(InfoFormat::Json),
            "application/vnd.ogc.gml" | "application/vnd.ogc.gml/3.1.1" | "text/xml" => Ok(InfoFormat::Gml),
            _ => Err(WmsError {
                code: "InvalidFormat",
                ..WmsError::invalid("INFO_FORMAT", format!("'{v}' is not offered"))
            }),
        }
    }
}

/// The MIME types of the answers, for capabilities documents.
pub const INFO_FORMATS: [&str; 4] = ["text/plain", "text/html", "application/json", "application/vnd.ogc.gml"];

/// The pixel asked about (I/J in 1.3.0, X/Y in 1.1.1), within the map.
fn pixel(kvp: &Kvp, m: &GetMap) -> Result<(u32, u32), WmsError> {
    let (ki, kj) = match m.version {
        WmsVersion::V1_3_0 => ("I", "J"),
        WmsVersion::V1_1_1 => ("X", "Y"),
    };
    let read = |k: &str, max: u32| -> Result<u32, WmsError> {
        let v = kvp.get(k).ok_or_else(|| WmsError::missing(k))?;
        let n: u32 = v.trim().parse().map_err(|_| WmsError::invalid(k, format!("'{v}' is not a pixel")))?;
        if n >= max {
            return Err(WmsError { code: "InvalidPoint", ..WmsError::invalid(k, format!("{n} is outside the map")) });
        }
        Ok(n)
    };
    Ok((read(ki, m.width)?, read(kj, m.height)?))
}

/// One queried layer's hits, with the fields they carry.
struct Hits {
    name: String,
    schema: Schema,
    features: Vec<Feature>,
}

/// The height under map point `at` (map CRS) as a feature of [`height_schema`]; none
/// outside `area` when the caller is limited to one.
fn height_hit(
    layer: &RasterLayer,
    m: &GetMap,
    at: (f64, f64),
    area: Option<&crate::area::Area>,
) -> Result<Vec<Feature>, WmsError> {
    let mut p = [at];
    transform::transform_in_place(m.crs, STORAGE_CRS, &mut p)?;
    let (x, y) = p[0];
    if area.is_some_and(|a| !a.contains(x, y)) {
        return Ok(Vec::new());
    }
    Ok(match layer.height_at(x, y)? {
        Some(z) => vec![Feature {
            id: 1,
            geometry: Geometry::Point(Point::new(x, y)),
            values: vec![Value::Real((z * 100.0).round() / 100.0), Value::Text(layer.header().vertical_datum.clone())],
        }],
        None => Vec::new(),
    })
}

/// The fields of an elevation layer's answer.
fn height_schema() -> Schema {
    Schema {
        geometry: GeometryKind::Point,
        fields: vec![Field::new("height", FieldType::Real), Field::new("vertical_datum", FieldType::String)],
    }
}

/// The features of `layer` at map point `at` (map CRS) with the tolerance box `near`.
fn hits(layer: &FgbLayer, m: &GetMap, at: (f64, f64), near: &BBox, count: usize) -> Result<Vec<Feature>, WmsError> {
    let near_storage = transform::transform_bbox(m.crs, STORAGE_CRS, near)?;
    let mut p = [at];
    transform::transform_in_place(m.crs, STORAGE_CRS, &mut p)?;
    let point = Point::new(p[0].0, p[0].1);
    let rect = Rect::new(
        coord! { x: near_storage.minx, y: near_storage.miny },
        coord! { x: near_storage.maxx, y: near_storage.maxy },
    );
    let mut positions = layer.candidates(&near_storage);
    positions.sort_unstable();
    let mut out = Vec::new();
    for pos in positions {
        let f = layer.fetch(pos, None)?;
        let found = match &f.geometry {
            g @ (Geometry::Polygon(_) | Geometry::MultiPolygon(_)) => g.contains(&point),
            g => g.intersects(&rect),
        };
        if found {
            out.push(f);
            if out.len() == count {
                break;
            }
        }
    }
    Ok(out)
}

/// `REQUEST=GetFeatureInfo`
pub fn get_feature_info(api: &Api, params: &[(String, String)]) -> Result<Reply, WmsError> {
    // FORMAT describes the map the client shows; it is not needed to answer
    let mut params = params.to_vec();
    if Kvp::new(&params).get("FORMAT").is_none() {
        params.push(("FORMAT".into(), "image/png".into()));
    }
    let kvp = Kvp::new(&params);
    let m = GetMap::parse(&kvp, api.crs, api.max_map_size)?;
    let format = InfoFormat::parse(kvp.get("INFO_FORMAT"))?;
    let query = kvp.get("QUERY_LAYERS").ok_or_else(|| WmsError::missing("QUERY_LAYERS"))?;
    let count = match kvp.get("FEATURE_COUNT") {
        None => 1,
        Some(v) => v
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_FEATURE_COUNT).contains(n))
            .ok_or_else(|| WmsError::invalid("FEATURE_COUNT", format!("'{v}' is not 1–{MAX_FEATURE_COUNT}")))?,
    };
    let (i, j) = pixel(&kvp, &m)?;
    let (px, py) = (m.bbox.width() / f64::from(m.width), m.bbox.height() / f64::from(m.height));
    let at = (m.bbox.minx + (f64::from(i) + 0.5) * px, m.bbox.maxy - (f64::from(j) + 0.5) * py);
    let (tx, ty) = (TOLERANCE_PX * px, TOLERANCE_PX * py);
    let near = BBox { minx: at.0 - tx, miny: at.1 - ty, maxx: at.0 + tx, maxy: at.1 + ty };
    let mut found = Vec::new();
    for name in query.split(',').map(str::trim) {
        if !m.layers.iter().any(|l| l == name) {
            return Err(WmsError {
                code: "LayerNotQueryable",
                ..WmsError::invalid("QUERY_LAYERS", format!("'{name}' is not among LAYERS"))
            });
        }
        let hit = match api.readable_in_area(name, crate::features::Holding::Elevation) {
            Ok((slug, version, _, area)) => {
                let layer = api.store.raster_at(&slug, version)?;
                let features = height_hit(&layer, &m, at, area.as_deref())?;
                Hits { name: name.to_string(), schema: height_schema(), features }
            }
            Err(e) if e.status == 404 => {
                let (_, layer, area) = api.open_in_area(name).map_err(|e| match e.status {
                    404 => WmsError::layer(name),
                    _ => WmsError::from(e),
                })?;
                let mut features = hits(&layer, &m, at, &near, count)?;
                if let Some(a) = &area {
                    features.retain(|f| geo::Intersects::intersects(&f.geometry, &a.geometry));
                }
                Hits { name: name.to_string(), schema: layer.schema().clone(), features }
            }
            Err(e) => return Err(e.into()),
        };
        found.push(hit);
    }
    encode(&found, format, m.crs)
}

fn encode(found: &[Hits], format: InfoFormat, crs: Crs) -> Result<Reply, WmsError> {
    Ok(match format {
        InfoFormat::Text => {
            let mut t = String::new();
            for h in found {
                let s = &h.schema;
                let _ = writeln!(t, "Layer '{}': {} feature(s)", h.name, h.features.len());
                for f in &h.features {
                    let _ = writeln!(t, "  Feature {}:", f.id);
                    for (field, v) in s.fields.iter().zip(&f.values) {
                        let _ = writeln!(t, "    {} = {}", field.name, v.to_text());
                    }
                }
            }
            Reply::new("text/plain; charset=utf-8", t)
        }
        InfoFormat::Html => {
            let mut t = String::from(
                "<!doctype html><html><head><meta charset=\"utf-8\"><title>Feature info</title></head><body>",
            );
            for h in found {
                let s = &h.schema;
                let _ = write!(t, "<h2>{}</h2><table><tr><th>id</th>", escape(&h.name));
                for field in &s.fields {
                    let _ = write!(t, "<th>{}</th>", escape(&field.name));
                }
                t.push_str("</tr>");
                for f in &h.features {
                    let _ = write!(t, "<tr><td>{}</td>", f.id);
                    for v in &f.values {
                        let _ = write!(t, "<td>{}</td>", escape(v.to_text()));
                    }
                    t.push_str("</tr>");
                }
                t.push_str("</table>");
            }
            t.push_str("</body></html>");
            Reply::new("text/html; charset=utf-8", t)
        }
        InfoFormat::Json => {
            let mut out = b"{\"type\":\"FeatureCollection\",\"features\":[".to_vec();
            let mut first = true;
            let order = crs.axis_order()?;
            for h in found {
                let s = &h.schema;
                let all: Vec<usize> = (0..s.fields.len()).collect();
                for f in &h.features {
                    if !first {
                        out.push(b',');
                    }
                    first = false;
                    write_feature(&mut out, f, s, &all, crs, order)?;
                    // name the layer inside the feature, as GeoServer does with its id
                    out.pop();
                    let _ = std::io::Write::write_fmt(
                        &mut out,
                        format_args!(",\"layer\":{}}}", serde_json::Value::from(h.name.as_str())),
                    );
                }
            }
            out.extend_from_slice(b"]}");
            Reply::new("application/json", out)
        }
        InfoFormat::Gml => {
            let mut x = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wfs:FeatureCollection xmlns:wfs=\"http://www.opengis.net/wfs\" \
                 xmlns:gml=\"{}\" xmlns:fjord=\"{NAMESPACE}\">",
                GML_311.namespace
            );
            for h in found {
                let s = &h.schema;
                let all: Vec<usize> = (0..s.fields.len()).collect();
                let name = crs.to_string();
                let w = FeatureWriter::new(&h.name, s, &all, true, (crs, AxisOrder::EastNorth), &name);
                for f in &h.features {
                    x.push_str("<gml:featureMember>");
                    w.write(&mut x, f, "")?;
                    x.push_str("</gml:featureMember>");
                }
            }
            x.push_str("</wfs:FeatureCollection>");
            Reply::new("application/vnd.ogc.gml", x)
        }
    })
}
