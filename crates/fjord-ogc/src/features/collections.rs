//! Landing page, conformance, and the collection documents.

use super::encode::{esc, link, page};
use super::Api;
use crate::error::OgcError;
use crate::reply::{Format, Reply};
use fjord_catalogue::Record;
use fjord_core::{FieldType, STORAGE_CRS};
use serde_json::{json, Value};

/// The conformance classes implemented.
pub const CONFORMANCE: [&str; 29] = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
    "http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
    "http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/json",
    "http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-coverages-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-coverages-1/1.0/conf/subsetting",
    "http://www.opengis.net/spec/ogcapi-coverages-1/1.0/conf/scaling",
    "http://www.opengis.net/spec/ogcapi-coverages-1/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-coverages-1/1.0/conf/geotiff",
];

fn html_list(items: &[(String, String)]) -> String {
    let li: String =
        items.iter().map(|(href, text)| format!("<li><a href=\"{}\">{}</a></li>", esc(href), esc(text))).collect();
    format!("<ul>{li}</ul>")
}

/// `GET /` of the API.
pub fn landing(api: &Api, f: Format) -> Result<Reply, OgcError> {
    let b = &api.base;
    let links = vec![
        link(&format!("{b}?f=json"), "self", "application/json", "this document"),
        link(&format!("{b}?f=html"), "alternate", "text/html", "this document as HTML"),
        link(&format!("{b}/api"), "service-desc", "application/vnd.oai.openapi+json;version=3.0", "the API definition"),
        link(&format!("{b}/conformance"), "conformance", "application/json", "conformance classes"),
        link(&format!("{b}/collections"), "data", "application/json", "the collections"),
        link(
            &format!("{b}/tileMatrixSets"),
            "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes",
            "application/json",
            "the tile matrix sets of the vector tiles",
        ),
    ];
    Ok(match f {
        Format::Html => Reply::html(page(
            "fjord OGC API – Features",
            &html_list(&[
                (format!("{b}/collections?f=html"), "Collections".into()),
                (format!("{b}/conformance?f=html"), "Conformance".into()),
                (format!("{b}/api"), "API definition (OpenAPI 3.0)".into()),
            ]),
        )),
        _ => Reply::json(
            &json!({ "title": "fjord OGC API – Features", "description": "Vector datasets of the fjord spatial data infrastructure", "links": links }),
            "application/json",
        ),
    })
}

/// `GET /conformance`.
pub fn conformance(f: Format) -> Reply {
    match f {
        Format::Html => {
            let li: String = CONFORMANCE.iter().map(|c| format!("<li>{c}</li>")).collect();
            Reply::html(page("Conformance", &format!("<ul>{li}</ul>")))
        }
        _ => Reply::json(&json!({ "conformsTo": CONFORMANCE }), "application/json"),
    }
}

/// The members every collection has, with `kind` (its `itemType` or `layerDataType`)
/// and its links after its `self` link.
pub(crate) fn collection_members(api: &Api, r: &Record, kind: (&str, &str), links: Vec<Value>) -> Value {
    let id = r.dataset.as_deref().unwrap_or_default();
    let href = format!("{}/collections/{id}", api.base);
    let bbox = r.bbox.map(|b| vec![vec![b.west, b.south, b.east, b.north]]).unwrap_or_default();
    let mut all = vec![link(&format!("{href}?f=json"), "self", "application/json", "this collection")];
    all.extend(links);
    let mut members = json!({
        "id": id,
        "title": r.title,
        "description": r.abstract_text,
        "keywords": r.keywords,
        "extent": { "spatial": { "bbox": bbox, "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84" } },
        "crs": api.crs.iter().map(|c| c.uri()).collect::<Vec<_>>(),
        "storageCrs": STORAGE_CRS.uri(),
        "links": all,
    });
    members[kind.0] = json!(kind.1);
    members
}

/// The JSON of one feature collection.
fn collection_json(api: &Api, r: &Record) -> Value {
    let href = format!("{}/collections/{}", api.base, r.dataset.as_deref().unwrap_or_default());
    let links = vec![
        link(&format!("{href}?f=html"), "alternate", "text/html", "this collection as HTML"),
        link(&format!("{href}/items?f=json"), "items", "application/geo+json", "the features"),
        link(&format!("{href}/items?f=html"), "items", "text/html", "the features as HTML"),
        link(&format!("{href}/items?f=fgb"), "items", "application/flatgeobuf", "the features as FlatGeobuf"),
        link(&format!("{href}/items?f=gml"), "items", "application/gml+xml; version=3.2", "the features as GML 3.2"),
        link(
            &format!("{href}/queryables"),
            "http://www.opengis.net/def/rel/ogc/1.0/queryables",
            "application/schema+json",
            "the queryables",
        ),
        link(
            &format!("{href}/tiles"),
            "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector",
            "application/json",
            "the vector tilesets",
        ),
    ];
    collection_members(api, r, ("itemType", "feature"), links)
}

/// The JSON of a collection: features, or an elevation coverage.
fn any_collection_json(api: &Api, r: &Record) -> Value {
    match r.schema {
        Some(_) => collection_json(api, r),
        None => crate::coverages::collection_json(api, r),
    }
}

/// `GET /collections`: the feature collections and the elevation coverages, by id.
pub fn collections(api: &Api, f: Format) -> Result<Reply, OgcError> {
    let mut records = api.open_records()?;
    records.extend(api.open_elevation_records()?);
    records.sort_by(|a, b| a.dataset.cmp(&b.dataset));
    let b = &api.base;
    Ok(match f {
        Format::Html => {
            let items: Vec<(String, String)> = records
                .iter()
                .map(|r| {
                    (format!("{b}/collections/{}?f=html", r.dataset.as_deref().unwrap_or_default()), r.title.clone())
                })
                .collect();
            Reply::html(page("Collections", &html_list(&items)))
        }
        _ => Reply::json(
            &json!({
                "links": [
                    link(&format!("{b}/collections?f=json"), "self", "application/json", "the collections"),
                    link(&format!("{b}/collections?f=html"), "alternate", "text/html", "the collections as HTML"),
                ],
                "collections": records
                    .iter()
                    .map(|r| any_collection_json(api, r))
                    .chain([crate::records::description(b.strip_suffix("/ogcapi").unwrap_or(b))])
                    .collect::<Vec<_>>(),
            }),
            "application/json",
        ),
    })
}

/// `GET /collections/{id}`: a feature collection or an elevation coverage.
pub fn collection(api: &Api, id: &str, f: Format) -> Result<Reply, OgcError> {
    let (_, _, record) = api.described(id, super::Holding::Either)?;
    let mut reply = match f {
        Format::Html => {
            let b = &api.base;
            let (count, link) = match record.schema {
                Some(_) => (
                    format!("{} features", record.feature_count.unwrap_or(0)),
                    (format!("{b}/collections/{id}/items?f=html"), "Features".into()),
                ),
                None => (
                    "elevation coverage".into(),
                    (format!("{b}/collections/{id}/coverage"), "Coverage (GeoTIFF)".into()),
                ),
            };
            let body = format!(
                "<p>{}</p><p>{count} · {}</p>{}",
                esc(&record.abstract_text),
                esc(&record.organisation.name),
                html_list(&[link])
            );
            Reply::html(page(&record.title, &body))
        }
        _ => Reply::json(&any_collection_json(api, &record), "application/json"),
    };
    reply.etag = record.version.map(|v| format!("\"{id}-{v}\""));
    Ok(reply)
}

/// `GET /collections/{id}/queryables`: a JSON Schema of the properties that can be used
/// as `property=value` filters on the items.
pub fn queryables(api: &Api, id: &str, f: Format) -> Result<Reply, OgcError> {
    let (record, layer) = api.open_described(id)?;
    let schema = fjord_store::FeatureSource::schema(&*layer);
    let mut properties = serde_json::Map::new();
    for field in &schema.fields {
        let t = match field.ty {
            FieldType::Boolean => json!({ "type": "boolean" }),
            FieldType::Integer => json!({ "type": "integer" }),
            FieldType::Real => json!({ "type": "number" }),
            FieldType::String => json!({ "type": "string" }),
            FieldType::Date => json!({ "type": "string", "format": "date" }),
            FieldType::DateTime => json!({ "type": "string", "format": "date-time" }),
        };
        properties.insert(field.name.clone(), t);
    }
    properties.insert("geometry".into(), json!({ "$ref": "https://geojson.org/schema/Geometry.json" }));
    let mut reply = match f {
        Format::Html => {
            let rows: String = schema
                .fields
                .iter()
                .map(|f| format!("<tr><td>{}</td><td>{:?}</td></tr>", esc(&f.name), f.ty))
                .collect();
            Reply::html(page(&format!("{} – queryables", record.title), &format!("<table>{rows}</table>")))
        }
        _ => {
            let doc = json!({
                "$schema": "https://json-schema.org/draft/2019-09/schema",
                "$id": format!("{}/collections/{id}/queryables", api.base),
                "type": "object",
                "title": record.title,
                "properties": properties,
            });
            Reply::json(&doc, "application/schema+json")
        }
    };
    reply.etag = record.version.map(|v| format!("\"{id}-{v}\""));
    Ok(reply)
}
