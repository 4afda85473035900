//! `/api/catalogue`: search and single records, as JSON, a record as ISO 19139 XML, and
//! the whole catalogue as DCAT-AP-NO JSON-LD.

use crate::app::AppState;
use crate::auth::Ctx;
use crate::ogcapi::base;
use crate::problem::Problem;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use fjord_catalogue::{dcat, iso19139, service_links, GeoBox, Record, SearchQuery, SearchResult};
use fjord_core::url::encode_component;
use fjord_core::BBox;
use fjord_ogc::records::item_url;
use serde_json::{json, Value};
use std::collections::HashMap;

fn number<T: std::str::FromStr>(params: &HashMap<String, String>, name: &str, default: T) -> Result<T, String> {
    match params.get(name) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| format!("{name} must be a non-negative integer, got '{v}'")),
    }
}

fn text(params: &HashMap<String, String>, name: &str) -> Option<String> {
    params.get(name).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Turn the query string into a checked search, or say what is wrong with it.
pub fn parse_search(params: &HashMap<String, String>, max_limit: usize) -> Result<SearchQuery, String> {
    let limit: usize = number(params, "limit", 10)?;
    if limit == 0 || limit > max_limit {
        return Err(format!("limit must be between 1 and {max_limit}"));
    }
    let offset: usize = number(params, "offset", 0)?;
    let bbox = match text(params, "bbox") {
        None => None,
        Some(s) => {
            let b = BBox::parse(&s).map_err(|e| format!("bbox: {e} (expected west,south,east,north in EPSG:4258)"))?;
            if b.minx < -180.0 || b.maxx > 180.0 || b.miny < -90.0 || b.maxy > 90.0 {
                return Err("bbox: longitudes must lie in -180..180 and latitudes in -90..90 (EPSG:4258)".into());
            }
            Some(GeoBox { west: b.minx, south: b.miny, east: b.maxx, north: b.maxy })
        }
    };
    if let Some(q) = params.get("q").filter(|q| q.len() > 1000) {
        return Err(format!("q is {} bytes; at most 1000", q.len()));
    }
    Ok(SearchQuery {
        q: text(params, "q"),
        theme: text(params, "theme"),
        org: text(params, "org"),
        kind: text(params, "kind"),
        access: text(params, "access"),
        bbox,
        fields: Vec::new(),
        ids: Vec::new(),
        limit,
        offset,
        hidden: Vec::new(),
        order: fjord_catalogue::Order::parse(params.get("orderby").map_or("", |o| o.trim()))?,
        metadata_only: false,
    })
}

/// The records (uuids) the caller may not see: private ones (a person's form or register
/// entry) it may not read, and the restricted ones it may not read where
/// `auth.hide_restricted_records` hides them. Blocks (SQLite).
pub fn hidden(s: &AppState) -> fjord_catalogue::Result<Vec<String>> {
    Ok(s.catalogue.restricted()?.into_iter().filter(|(_, k, a)| !shown(s, k, a)).map(|(u, _, _)| u).collect())
}

/// Whether the caller may see a record of `kind` with constraint `access` listed or
/// described: when they may read it, or else when it names no person, is of no kind
/// whose unreadable records stay unlisted ([`fjord_portals::UNLISTED_KINDS`]: a buyer's
/// draft tender) and `auth.hide_restricted_records` does not hide restricted records.
pub(crate) fn shown(s: &AppState, kind: &str, access: &fjord_catalogue::Access) -> bool {
    readable(s, access)
        || !(access.is_private()
            || fjord_portals::UNLISTED_KINDS.contains(&kind)
            || s.config.auth.hide_restricted_records)
}

/// Run a search off the async runtime (SQLite blocks).
/// Restricted records the caller may not read are left out where `auth.hide_restricted_records`
/// says so (else they are shown, marked `readable: false`).
pub async fn run_search(state: &AppState, mut q: SearchQuery) -> Result<SearchResult, Problem> {
    state
        .blocking(move |s| {
            q.hidden = hidden(s)?;
            s.catalogue.search(&q)
        })
        .await
        .map_err(Problem::internal)?
        .map_err(Problem::from)
}

/// Every record a search matches that the caller may see ([`run_search`] without pages).
pub async fn run_search_all(state: &AppState, mut q: SearchQuery) -> Result<Vec<Record>, Problem> {
    state
        .blocking(move |s| {
            q.hidden = hidden(s)?;
            s.catalogue.search_all(&q)
        })
        .await
        .map_err(Problem::internal)?
        .map_err(Problem::from)
}

/// `GET /api/catalogue/search?q=&theme=&org=&kind=&access=&bbox=&orderby=&limit=&offset=`
pub async fn search(Ctx(state): Ctx, Query(params): Query<HashMap<String, String>>) -> Result<Json<Value>, Problem> {
    let q = parse_search(&params, state.config.limits.max_search_limit).map_err(Problem::bad_request)?;
    let result = run_search(&state, q.clone()).await?;
    let page_link = |offset: usize, rel: &str| {
        let mut p: Vec<(String, String)> =
            params.iter().filter(|(k, _)| *k != "offset").map(|(k, v)| (k.clone(), v.clone())).collect();
        p.sort();
        p.push(("offset".into(), offset.to_string()));
        let qs: Vec<String> =
            p.iter().map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v))).collect();
        json!({ "rel": rel, "type": "application/json", "href": format!("/api/catalogue/search?{}", qs.join("&")) })
    };
    let mut links = Vec::new();
    if q.offset + result.hits.len() < result.total as usize {
        links.push(page_link(q.offset + q.limit, "next"));
    }
    if q.offset > 0 {
        links.push(page_link(q.offset.saturating_sub(q.limit), "prev"));
    }
    let mut body = serde_json::to_value(&result).map_err(Problem::internal)?;
    // metadata is public, as in GeoNorge's catalogue; each hit says whether the caller
    // may read the data itself
    for (hit, h) in body["hits"].as_array_mut().into_iter().flatten().zip(&result.hits) {
        mark_readable(hit, &state, &h.record.access);
    }
    body["links"] = Value::Array(links);
    Ok(Json(body))
}

/// Whether the request's caller may read a dataset with constraint `access` (if only
/// within an area).
pub(crate) fn readable(state: &AppState, access: &fjord_catalogue::Access) -> bool {
    matches!(fjord_auth::decide(&state.caller, access), fjord_auth::Decision::Allow { .. })
}

/// Mark a record's JSON with whether the caller may read its data (`readable`), and the
/// municipalities they may read it within when limited to some (`readable_within`). A
/// portal record's `properties` are its data: left out for a caller who may not read it
/// (an exempt journal entry's title, a draft tender's terms).
fn mark_readable(body: &mut Value, state: &AppState, access: &fjord_catalogue::Access) {
    let decision = fjord_auth::decide(&state.caller, access);
    let allowed = matches!(decision, fjord_auth::Decision::Allow { .. });
    if !allowed {
        if let Some(o) = body.as_object_mut() {
            o.remove("properties");
        }
    }
    body["readable"] = allowed.into();
    if let fjord_auth::Decision::Allow { areas } = decision {
        if !areas.is_empty() {
            body["readable_within"] = areas.into();
        }
    }
}

/// The record `uuid` if the caller may see it ([`shown`]): 404 when there is none or not.
async fn visible_record(state: &AppState, uuid: &str) -> Result<Record, Problem> {
    let id = uuid.to_string();
    let record = state.blocking(move |s| s.catalogue.get(&id)).await.map_err(Problem::internal)??;
    match record {
        Some(r) if shown(state, &r.kind, &r.access) => Ok(r),
        _ => Err(Problem::not_found(format!("no record with uuid '{uuid}'"))),
    }
}

/// `GET /api/catalogue/dcat`: every dataset record the caller may see, as DCAT-AP-NO
/// JSON-LD, each identified by its OGC API – Records page.
pub async fn dcat(Ctx(state): Ctx, headers: HeaderMap) -> Result<Response, Problem> {
    let root = base(&headers, "");
    let body = state
        .blocking(move |s| -> fjord_catalogue::Result<Value> {
            let q = SearchQuery { kind: Some("dataset".into()), hidden: hidden(s)?, ..SearchQuery::default() };
            let datasets = s.catalogue.search_all(&q)?;
            let datasets =
                datasets.iter().map(|r| dcat::dataset(r, &item_url(&root, &r.uuid), &service_links(r, &root)));
            Ok(dcat::catalog(&format!("{root}/api/catalogue/dcat"), datasets.collect()))
        })
        .await
        .map_err(Problem::internal)??;
    Ok(([(header::CONTENT_TYPE, "application/ld+json")], body.to_string()).into_response())
}

/// `GET /api/catalogue/records/{uuid}` as JSON, and `/api/catalogue/records/{uuid}.xml`
/// as ISO 19139 with the dataset's services and downloads linked.
pub async fn record(Ctx(state): Ctx, headers: HeaderMap, Path(uuid): Path<String>) -> Result<Response, Problem> {
    if let Some(uuid) = uuid.strip_suffix(".xml") {
        let r = visible_record(&state, uuid).await?;
        let root = base(&headers, "");
        let mut links = service_links(&r, &root);
        links.extend(fjord_download::api::online_resources(&r, &root));
        let xml = iso19139::document(&r, &links);
        return Ok(([(header::CONTENT_TYPE, "application/xml")], xml).into_response());
    }
    let r = visible_record(&state, &uuid).await?;
    let mut body = serde_json::to_value(&r).map_err(Problem::internal)?;
    mark_readable(&mut body, &state, &r.access);
    Ok(Json(body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn bad_parameters_say_what_is_wrong() {
        assert!(parse_search(&p(&[("bbox", "1,2,3")]), 100).unwrap_err().contains("bbox"));
        assert!(parse_search(&p(&[("limit", "-5")]), 100).unwrap_err().contains("limit"));
        assert!(parse_search(&p(&[("limit", "0")]), 100).is_err());
        assert!(parse_search(&p(&[("limit", "101")]), 100).is_err());
        assert!(parse_search(&p(&[("offset", "x")]), 100).is_err());
        assert!(parse_search(&p(&[("bbox", "0,0,200,10")]), 100).is_err());
        let ok = parse_search(&p(&[("q", " høyde "), ("bbox", "4,57,31,72"), ("limit", "5")]), 100).unwrap();
        assert_eq!(ok.q.as_deref(), Some("høyde"));
        assert_eq!(ok.limit, 5);
    }
}
