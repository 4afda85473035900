//! `/collections/{id}/items` and `/collections/{id}/items/{featureId}`, in GeoJSON,
//! HTML, FlatGeobuf and GML 3.2. A page is selected first (positions and the exact
//! count), then written feature by feature as it is sent.

use super::encode::{esc, link, page, write_feature};
use super::request::ItemsRequest;
use super::Api;
use crate::error::OgcError;
use crate::reply::{Body, Format, Reply};
use crate::stream::Selected;
use crate::wfs::gml::FeatureWriter;
use crate::wfs::NAMESPACE;
use fjord_core::url::encode_component;
use fjord_core::{transform, AxisOrder, Crs, Schema, Value, STORAGE_CRS};
use fjord_store::{Feature, FeatureSource, FgbFile, FgbLayer, Keep, Query, Selection};
use quick_xml::escape::escape;
use serde_json::Value as Json;
use std::sync::Arc;

/// Media type of the GML answers.
const GML: &str = "application/gml+xml; version=3.2";
/// Media type of the FlatGeobuf answers.
const FGB: &str = "application/flatgeobuf";

/// Each feature format: its `f` value, media type and name, for links.
const FORMATS: [(Format, &str, &str, &str); 4] = [
    (Format::Json, "json", "application/geo+json", "GeoJSON"),
    (Format::Html, "html", "text/html", "HTML"),
    (Format::FlatGeobuf, "fgb", FGB, "FlatGeobuf"),
    (Format::Gml, "gml", GML, "GML 3.2"),
];

/// The `f` value and media type of a format.
fn spelled(f: Format) -> (&'static str, &'static str) {
    FORMATS.iter().find(|x| x.0 == f).map_or(("json", "application/geo+json"), |x| (x.1, x.2))
}

/// The query string of a page link: the request's parameters with `offset` replaced.
fn page_href(base: &str, params: &[(String, String)], offset: usize, f: &str) -> String {
    let mut qs: Vec<String> = params
        .iter()
        .filter(|(k, _)| k != "offset" && k != "f")
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect();
    qs.push(format!("offset={offset}"));
    qs.push(format!("f={f}"));
    format!("{base}?{}", qs.join("&"))
}

fn html_value(v: &Value) -> String {
    esc(&v.to_text())
}

/// Links as an HTTP `Link` header, for the formats that cannot carry them.
fn link_header(links: &[Json]) -> String {
    links
        .iter()
        .map(|l| {
            let s = |k: &str| l[k].as_str().unwrap_or("").replace('"', "%22");
            format!("<{}>; rel=\"{}\"; type=\"{}\"", s("href"), s("rel"), s("type"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A FlatGeobuf file of the selected features (without index: a client reads it
/// front to back), coordinates in `crs` in x/y order as FlatGeobuf has them.
fn flatgeobuf(features: Selected, name: String, schema: Schema, crs: Crs) -> std::io::Result<Body> {
    Body::features(
        features.len(),
        Box::new(move |w| {
            let all: Vec<usize> = (0..schema.fields.len()).collect();
            let mut file = FgbFile::new(&name, &schema, &all, crs, false).map_err(std::io::Error::other)?;
            features.each(|_, f| {
                let g = super::encode::wire_geometry(&f, crs, AxisOrder::EastNorth).map_err(std::io::Error::other)?;
                file.add(f.id, &g, &f.values).map_err(std::io::Error::other)
            })?;
            file.write(w).map_err(std::io::Error::other)
        }),
    )
}

/// The features a checked request selects.
fn select(layer: &FgbLayer, req: &ItemsRequest) -> Result<Selection, OgcError> {
    let bbox = req.bbox.map(|b| transform::transform_bbox(req.bbox_crs, STORAGE_CRS, &b)).transpose()?;
    // a spatial filter narrows the R-tree search when no bbox does
    let bbox = bbox.or_else(|| req.filter.as_ref().and_then(|f| f.bbox_hint()));
    let query = Query { bbox, properties: None, limit: Some(req.limit), offset: req.offset };
    let keep = |f: &Feature| req.keeps(f);
    Ok(layer.select(&query, req.filters().then_some(&keep as Keep))?)
}

/// `GET /collections/{id}/items`: a FeatureCollection with exact numberMatched,
/// paging links and `Content-Crs`, in the negotiated format.
pub fn items(api: &Api, id: &str, params: &[(String, String)], f: Format) -> Result<Reply, OgcError> {
    let (record, layer, area) = api.open_in_area(id)?;
    let schema = layer.schema().clone();
    let mut req = ItemsRequest::parse(params, api.max_limit, api.crs, &schema)?;
    req.filter = crate::filter::within_area(req.filter.take(), area.map(|a| a.geometry.clone()));
    let order = req.crs.axis_order()?;
    let sel = select(&layer, &req)?;
    let (matched, returned) = (sel.number_matched, sel.positions.len());
    let href = format!("{}/collections/{id}/items", api.base);
    let (fv, media) = spelled(f);
    let this = |offset: usize, rel: &str, title: &str| link(&page_href(&href, params, offset, fv), rel, media, title);
    let mut links = vec![this(req.offset, "self", "this page")];
    for (_, other, other_media, name) in FORMATS.into_iter().filter(|x| x.0 != f) {
        let title = format!("this page as {name}");
        links.push(link(&page_href(&href, params, req.offset, other), "alternate", other_media, &title));
    }
    links.push(link(&format!("{}/collections/{id}", api.base), "collection", "application/json", "the collection"));
    if req.offset + returned < matched as usize {
        links.push(this(req.offset + req.limit, "next", "next page"));
    }
    if req.offset > 0 {
        links.push(this(req.offset.saturating_sub(req.limit), "prev", "previous page"));
    }
    let all: Vec<usize> = (0..schema.fields.len()).collect();
    let features = Selected::new(Arc::clone(&layer), sel, None);
    let internal = |e: std::io::Error| OgcError::internal(e);
    let mut reply = match f {
        Format::Json => {
            let mut head = format!(
                "{{\"type\":\"FeatureCollection\",\"numberMatched\":{matched},\"numberReturned\":{returned},\"links\":"
            )
            .into_bytes();
            serde_json::to_writer(&mut head, &links).map_err(OgcError::internal)?;
            head.extend_from_slice(b",\"features\":[");
            let crs = req.crs;
            let body = features
                .text(head, b",", b"]}".to_vec(), move |out, ft| write_feature(out, ft, &schema, &all, crs, order));
            Reply {
                content_type: "application/geo+json",
                headers: Vec::new(),
                etag: None,
                body: body.map_err(internal)?,
            }
        }
        Format::Gml => {
            let head = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sf:FeatureCollection xmlns:sf=\"http://www.opengis.net/ogcapi-features-1/1.0/sf\" \
                 xmlns:gml=\"http://www.opengis.net/gml/3.2\" xmlns:fjord=\"{NAMESPACE}\" \
                 xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"{NAMESPACE} {}\" \
                 numberMatched=\"{matched}\" numberReturned=\"{returned}\" timeStamp=\"{}\">",
                escape(format!("{}?SERVICE=WFS&VERSION=2.0.0&REQUEST=DescribeFeatureType&TYPENAMES=fjord:{id}", api.wfs)),
                fjord_core::now_rfc3339()
            );
            let gml = FeatureWriter::new(id, &schema, &all, true, (req.crs, order), &req.crs.uri());
            let body = gml.document(features, head, "sf:featureMember", "</sf:FeatureCollection>");
            let mut reply = Reply { content_type: GML, headers: Vec::new(), etag: None, body: body.map_err(internal)? };
            reply.headers.push(("Link", link_header(&links)));
            reply
        }
        Format::FlatGeobuf => {
            let body = flatgeobuf(features, id.to_string(), schema, req.crs).map_err(internal)?;
            let mut reply = Reply { content_type: FGB, headers: Vec::new(), etag: None, body };
            reply.headers.push(("Link", link_header(&links)));
            reply.headers.push(("OGC-NumberMatched", matched.to_string()));
            reply.headers.push(("OGC-NumberReturned", returned.to_string()));
            reply
        }
        Format::Html => {
            let head: String = schema.fields.iter().map(|f| format!("<th>{}</th>", esc(&f.name))).collect();
            let mut rows = String::new();
            features
                .each(|_, ft| {
                    let cells: String = ft.values.iter().map(|v| format!("<td>{}</td>", html_value(v))).collect();
                    rows.push_str(&format!("<tr><td><a href=\"{href}/{0}?f=html\">{0}</a></td>{cells}</tr>", ft.id));
                    Ok(())
                })
                .map_err(internal)?;
            let next = links
                .iter()
                .filter(|l| l["rel"] == "next" || l["rel"] == "prev")
                .map(|l| {
                    format!(
                        " <a href=\"{}\">{}</a>",
                        esc(l["href"].as_str().unwrap_or("")),
                        l["rel"].as_str().unwrap_or("")
                    )
                })
                .collect::<String>();
            let body = format!(
                "<p>{returned} of {matched} features.{next}</p><table><tr><th>id</th>{head}</tr>{rows}</table>"
            );
            Reply::html(page(&record.title, &body))
        }
    };
    reply.headers.push(("Content-Crs", format!("<{}>", req.crs.uri())));
    reply.etag = record.version.map(|v| format!("\"{id}-{v}\""));
    Ok(reply)
}

/// `GET /collections/{id}/items/{featureId}`.
pub fn item(api: &Api, id: &str, fid: &str, params: &[(String, String)], f: Format) -> Result<Reply, OgcError> {
    let (record, layer, area) = api.open_in_area(id)?;
    let crs_only: Vec<(String, String)> = params.iter().filter(|(k, _)| k == "crs" || k == "f").cloned().collect();
    if let Some((k, _)) = params.iter().find(|(k, _)| k != "crs" && k != "f") {
        return Err(OgcError::invalid(format!("unknown query parameter '{k}'")));
    }
    let missing = || OgcError::not_found(format!("no feature '{fid}' in '{id}'"));
    let n: u64 = fid.parse().map_err(|_| missing())?;
    let schema = layer.schema();
    let req = ItemsRequest::parse(&crs_only, api.max_limit, api.crs, schema)?;
    let position = layer.position(n).ok_or_else(missing)?;
    let feature: Feature = layer.fetch(position, None)?;
    if area.is_some_and(|a| !geo::Intersects::intersects(&feature.geometry, &a.geometry)) {
        return Err(missing());
    }
    let href = format!("{}/collections/{id}/items/{fid}", api.base);
    let all: Vec<usize> = (0..schema.fields.len()).collect();
    let order = req.crs.axis_order()?;
    let mut reply = match f {
        Format::Json => {
            let mut out = Vec::with_capacity(1024);
            write_feature(&mut out, &feature, schema, &all, req.crs, order)?;
            // add the links inside the feature object
            out.pop();
            out.extend_from_slice(b",\"links\":");
            let mut links = vec![link(&format!("{href}?f=json"), "self", "application/geo+json", "this feature")];
            for (_, fv, media, name) in FORMATS.into_iter().skip(1) {
                links.push(link(&format!("{href}?f={fv}"), "alternate", media, &format!("this feature as {name}")));
            }
            links.push(link(
                &format!("{}/collections/{id}", api.base),
                "collection",
                "application/json",
                "the collection",
            ));
            serde_json::to_writer(&mut out, &links).map_err(OgcError::internal)?;
            out.push(b'}');
            Reply::new("application/geo+json", out)
        }
        Format::Gml => {
            let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
            let ns = format!(" xmlns:fjord=\"{NAMESPACE}\" xmlns:gml=\"http://www.opengis.net/gml/3.2\"");
            FeatureWriter::new(id, schema, &all, true, (req.crs, order), &req.crs.uri())
                .write(&mut x, &feature, &ns)?;
            Reply::new(GML, x)
        }
        Format::FlatGeobuf => {
            let one =
                Selected::new(Arc::clone(&layer), Selection { positions: vec![position], number_matched: 1 }, None);
            let body = flatgeobuf(one, id.to_string(), schema.clone(), req.crs).map_err(OgcError::internal)?;
            Reply { content_type: FGB, headers: Vec::new(), etag: None, body }
        }
        Format::Html => {
            let rows: String = schema
                .fields
                .iter()
                .zip(&feature.values)
                .map(|(f, v)| format!("<tr><th>{}</th><td>{}</td></tr>", esc(&f.name), html_value(v)))
                .collect();
            Reply::html(page(&format!("{} – {fid}", record.title), &format!("<table>{rows}</table>")))
        }
    };
    reply.headers.push(("Content-Crs", format!("<{}>", req.crs.uri())));
    reply.etag = record.version.map(|v| format!("\"{id}-{v}\""));
    Ok(reply)
}
