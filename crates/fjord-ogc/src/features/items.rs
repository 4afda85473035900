//! `/collections/{id}/items` and `/collections/{id}/items/{featureId}`.

use super::encode::{esc, link, page, write_feature};
use super::request::ItemsRequest;
use super::Api;
use crate::error::OgcError;
use crate::reply::{Format, Reply};
use fjord_core::url::encode_component;
use fjord_core::{transform, Value, STORAGE_CRS};
use fjord_store::{Feature, FeatureSource, Query};

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
    match v {
        Value::Null => String::new(),
        Value::Text(s) => esc(s),
        other => other.to_json().to_string(),
    }
}

/// `GET /collections/{id}/items`: GeoJSON FeatureCollection with exact numberMatched,
/// paging links and `Content-Crs`.
pub fn items(api: &Api, id: &str, params: &[(String, String)], f: Format) -> Result<Reply, OgcError> {
    let (record, layer) = api.open(id)?;
    let schema = layer.schema();
    let req = ItemsRequest::parse(params, api.max_limit, &api.crs, schema)?;
    let bbox = req.bbox.map(|b| transform::transform_bbox(req.bbox_crs, STORAGE_CRS, &b)).transpose()?;
    // a spatial filter narrows the R-tree search when no bbox does
    let bbox = bbox.or_else(|| req.filter.as_ref().and_then(|f| f.bbox_hint()));
    let query = Query { bbox, properties: None, limit: Some(req.limit), offset: req.offset };
    let found =
        if req.filters() { layer.items_where(&query, &|f: &Feature| req.keeps(f))? } else { layer.items(&query)? };
    let href = format!("{}/collections/{id}/items", api.base);
    let returned = found.features.len();
    let mut links = vec![
        link(&page_href(&href, params, req.offset, "json"), "self", "application/geo+json", "this page"),
        link(&page_href(&href, params, req.offset, "html"), "alternate", "text/html", "this page as HTML"),
        link(&format!("{}/collections/{id}", api.base), "collection", "application/json", "the collection"),
    ];
    if (req.offset + returned) < found.number_matched as usize {
        links.push(link(
            &page_href(&href, params, req.offset + req.limit, "json"),
            "next",
            "application/geo+json",
            "next page",
        ));
    }
    if req.offset > 0 {
        let prev = req.offset.saturating_sub(req.limit);
        links.push(link(&page_href(&href, params, prev, "json"), "prev", "application/geo+json", "previous page"));
    }
    let mut reply = match f {
        Format::Json => {
            let all: Vec<usize> = (0..schema.fields.len()).collect();
            let mut out = Vec::with_capacity(256 + returned * 512);
            out.extend_from_slice(b"{\"type\":\"FeatureCollection\",\"numberMatched\":");
            out.extend_from_slice(found.number_matched.to_string().as_bytes());
            out.extend_from_slice(b",\"numberReturned\":");
            out.extend_from_slice(returned.to_string().as_bytes());
            out.extend_from_slice(b",\"links\":");
            serde_json::to_writer(&mut out, &links).map_err(OgcError::internal)?;
            out.extend_from_slice(b",\"features\":[");
            for (n, feature) in found.features.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                write_feature(&mut out, feature, schema, &all, req.crs, req.crs.axis_order()?)?;
            }
            out.extend_from_slice(b"]}");
            Reply { content_type: "application/geo+json", headers: Vec::new(), etag: None, body: out }
        }
        Format::Html => {
            let head: String = schema.fields.iter().map(|f| format!("<th>{}</th>", esc(&f.name))).collect();
            let rows: String = found
                .features
                .iter()
                .map(|ft| {
                    let cells: String = ft.values.iter().map(|v| format!("<td>{}</td>", html_value(v))).collect();
                    format!("<tr><td><a href=\"{href}/{0}?f=html\">{0}</a></td>{cells}</tr>", ft.id)
                })
                .collect();
            let next = links
                .iter()
                .filter(|l| l["rel"] == "next" || l["rel"] == "prev")
                .map(|l| {
                    format!(
                        " <a href=\"{}\">{}</a>",
                        esc(&l["href"].as_str().unwrap_or("").replace("f=json", "f=html")),
                        l["rel"].as_str().unwrap_or("")
                    )
                })
                .collect::<String>();
            let body = format!(
                "<p>{} of {} features.{next}</p><table><tr><th>id</th>{head}</tr>{rows}</table>",
                returned, found.number_matched
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
    let (record, layer) = api.open(id)?;
    let crs_only: Vec<(String, String)> = params.iter().filter(|(k, _)| k == "crs" || k == "f").cloned().collect();
    if let Some((k, _)) = params.iter().find(|(k, _)| k != "crs" && k != "f") {
        return Err(OgcError::invalid(format!("unknown query parameter '{k}'")));
    }
    let missing = || OgcError::not_found(format!("no feature '{fid}' in '{id}'"));
    let n: u64 = fid.parse().map_err(|_| missing())?;
    let schema = layer.schema();
    let req = ItemsRequest::parse(&crs_only, api.max_limit, &api.crs, schema)?;
    let feature: Feature = layer.item(n, None)?.ok_or_else(missing)?;
    let href = format!("{}/collections/{id}/items/{fid}", api.base);
    let mut reply = match f {
        Format::Json => {
            let mut out = Vec::with_capacity(1024);
            let all: Vec<usize> = (0..schema.fields.len()).collect();
            write_feature(&mut out, &feature, schema, &all, req.crs, req.crs.axis_order()?)?;
            // add the links inside the feature object
            out.pop();
            out.extend_from_slice(b",\"links\":");
            let links = [
                link(&format!("{href}?f=json"), "self", "application/geo+json", "this feature"),
                link(&format!("{href}?f=html"), "alternate", "text/html", "this feature as HTML"),
                link(&format!("{}/collections/{id}", api.base), "collection", "application/json", "the collection"),
            ];
            serde_json::to_writer(&mut out, &links).map_err(OgcError::internal)?;
            out.push(b'}');
            Reply { content_type: "application/geo+json", headers: Vec::new(), etag: None, body: out }
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
