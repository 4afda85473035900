//! OGC API – Records, Part 1 (Core), over the catalogue: the collection `catalogue`
//! (`/ogcapi/collections/catalogue`), its records searched at `…/items` with `q`,
//! `bbox`, `type`, `externalId`, a CQL2 `filter` over the catalogue queryables,
//! `limit` and `offset` (facet counts beside the hits), and each record at
//! `…/items/{id}`, as GeoJSON (record-core) or HTML. The search is the catalogue's own;
//! records the caller may not see are left out.

mod encode;
mod request;

pub use encode::item_url;

use crate::error::OgcError;
use crate::features::encode::{link, page};
use crate::reply::{Format, Reply};
use fjord_catalogue::{Catalogue, SearchQuery};
use fjord_core::url::encode_component;
use serde_json::{json, Value};

/// What a records request can reach.
pub struct Records<'a> {
    /// the catalogue
    pub catalogue: &'a Catalogue,
    /// the server's root URL (`http://host`)
    pub base: &'a str,
    /// the records (uuids) the caller may not see
    pub hidden: &'a [String],
    /// the largest `limit` honoured; larger ones are cut to it
    pub max_limit: usize,
}

const GEOJSON: &str = "application/geo+json";

fn answer(value: Value, f: Format, title: &str, html: impl FnOnce(&Value) -> String) -> Reply {
    match f {
        Format::Html => Reply::html(page(title, &html(&value))),
        _ => Reply::json(&value, if value["type"] == "Collection" { "application/json" } else { GEOJSON }),
    }
}

/// `/collections/catalogue`: the catalogue as a collection of records.
pub fn collection(r: &Records, f: Format) -> Reply {
    let url = format!("{}/ogcapi/collections/catalogue", r.base);
    answer(description(r.base), f, "fjord catalogue", |v| {
        format!("<p>{}</p><p><a href=\"{}/items?f=html\">Records</a></p>", v["description"].as_str().unwrap_or(""), url)
    })
}

/// The catalogue collection's description, under the server root `base` (also listed
/// among the collections).
pub(crate) fn description(base: &str) -> Value {
    let url = format!("{base}/ogcapi/collections/catalogue");
    json!({
        "id": "catalogue",
        "type": "Collection",
        "itemType": "record",
        "title": "fjord catalogue",
        "description": "Every dataset of the fjord spatial data infrastructure, with the services it is served in",
        "extent": { "spatial": { "bbox": [[-180.0, -90.0, 180.0, 90.0]], "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84" } },
        "links": [
            link(&url, "self", "application/json", "this collection"),
            link(&format!("{url}/items"), "items", GEOJSON, "the records"),
            link(&format!("{url}/items?f=html"), "items", "text/html", "the records as HTML"),
        ],
    })
}

/// `/collections/catalogue/items`: a page of the search, with links to the next and
/// previous pages and the facet counts.
pub fn items(r: &Records, params: &[(String, String)], f: Format) -> Result<Reply, OgcError> {
    let query = SearchQuery { hidden: r.hidden.to_vec(), metadata_only: true, ..request::parse(params, r.max_limit)? };
    let result = r.catalogue.search(&query).map_err(|e| match e {
        fjord_catalogue::Error::BadQuery(why) => OgcError::invalid(why),
        other => OgcError::internal(other),
    })?;
    let url = format!("{}/ogcapi/collections/catalogue/items", r.base);
    let page_link = |offset: usize, rel: &str| {
        let mut qs: Vec<String> = params
            .iter()
            .filter(|(k, _)| k != "offset")
            .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
            .collect();
        qs.push(format!("offset={offset}"));
        link(&format!("{url}?{}", qs.join("&")), rel, if f == Format::Html { "text/html" } else { GEOJSON }, rel)
    };
    let mut links = vec![
        link(&url, "self", GEOJSON, "this page"),
        link(&format!("{url}?f=html"), "alternate", "text/html", "as HTML"),
    ];
    if query.offset + result.hits.len() < result.total as usize {
        links.push(page_link(query.offset + query.limit, "next"));
    }
    if query.offset > 0 {
        links.push(page_link(query.offset.saturating_sub(query.limit), "prev"));
    }
    let value = json!({
        "type": "FeatureCollection",
        "timeStamp": fjord_core::now_rfc3339(),
        "numberMatched": result.total,
        "numberReturned": result.hits.len(),
        "features": result.hits.iter().map(|h| encode::record(&h.record, r.base)).collect::<Vec<_>>(),
        "links": links,
        "facets": result.facets,
    });
    Ok(answer(value, f, "fjord catalogue: records", encode::items_html))
}

/// `/collections/catalogue/items/{id}`: one record; 404 when there is none the caller
/// may see.
pub fn item(r: &Records, id: &str, f: Format) -> Result<Reply, OgcError> {
    let missing = || OgcError::not_found(format!("no record '{id}'"));
    if r.hidden.iter().any(|h| h == id) {
        return Err(missing());
    }
    let record = r.catalogue.get(id)?.filter(|rec| !r.catalogue.is_declared(&rec.kind)).ok_or_else(missing)?;
    let value = encode::record(&record, r.base);
    Ok(answer(value, f, &record.title, encode::record_html))
}
