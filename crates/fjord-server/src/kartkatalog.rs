//! `GET /api/search`: the catalogue search in the shape of GeoNorge's Kartkatalog API, so
//! scripts written against `kartkatalog.geonorge.no/api/search` work by changing the host:
//! `text`, `limit`, a 1-based `offset`, `orderby` (score, title, organization, newest,
//! updated) and facet filters as `facets[0]name=type&facets[0]value=dataset`; the answer
//! has `NumFound`, `Limit`, `Offset`, `Results` and `Facets` with `FacetField` and
//! `FacetResults` of `Name` and `Count`. It runs fjord's one catalogue search, with the
//! same hiding of restricted records.

use crate::auth::Ctx;
use crate::catalogue_api::run_search;
use crate::ogcapi::base;
use crate::problem::Problem;
use axum::extract::Query;
use axum::http::HeaderMap;
use axum::Json;
use fjord_catalogue::{service_links, Access, FacetCount, Order, Record, SearchQuery};
use serde_json::{json, Value};

/// Most results a page holds.
const MAX_LIMIT: usize = 100;

/// The facets that can filter, as Kartkatalog names them.
const FACETS: [&str; 3] = ["type", "theme", "organization"];

/// The search asked for, or what is wrong with it.
fn parse(params: &[(String, String)]) -> Result<SearchQuery, String> {
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim());
    let count = |k: &str, default: usize| -> Result<usize, String> {
        get(k).map_or(Ok(default), |v| v.parse().map_err(|_| format!("{k} must be a whole number, got '{v}'")))
    };
    let limit = count("limit", 10)?;
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(format!("limit must be between 1 and {MAX_LIMIT}"));
    }
    let offset = count("offset", 1)?;
    if offset == 0 {
        return Err("offset counts from 1 (the first result)".into());
    }
    let order = Order::parse(get("orderby").unwrap_or(""))?;
    let text = get("text").filter(|t| !t.is_empty());
    if text.is_some_and(|t| t.len() > 1000) {
        return Err("text is longer than 1000 bytes".into());
    }
    let mut q = SearchQuery {
        q: text.map(str::to_string),
        limit,
        offset: offset - 1,
        order,
        metadata_only: true,
        ..SearchQuery::default()
    };
    // facets[N]name and facets[N]value pair up by N
    for (key, name) in params {
        let Some(n) = key.strip_prefix("facets[").and_then(|k| k.strip_suffix("]name")) else { continue };
        let value = get(&format!("facets[{n}]value")).filter(|v| !v.is_empty());
        let Some(value) = value.map(str::to_string) else { continue };
        let slot = match name.trim() {
            "type" => &mut q.kind,
            "theme" => &mut q.theme,
            "organization" => &mut q.org,
            other => return Err(format!("facet '{other}' is not known; use {}", FACETS.join(", "))),
        };
        *slot = Some(value);
    }
    Ok(q)
}

/// One result as Kartkatalog shows it, with its first service as the distribution.
fn hit_json(r: &Record, root: &str) -> Value {
    let links = service_links(r, root);
    let first = links.first();
    let thumbnail = r.bbox.filter(|_| r.schema.is_some() || r.coverage.is_some()).map(|b| {
        format!(
            "{root}/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={}&STYLES=&CRS=EPSG:4258&BBOX={},{},{},{}&WIDTH=180&HEIGHT=180&FORMAT=image/png",
            r.dataset.as_deref().unwrap_or_default(),
            b.south,
            b.west,
            b.north,
            b.east
        )
    });
    json!({
        "Uuid": r.uuid,
        "Title": r.title,
        "Abstract": r.abstract_text,
        "Type": r.kind,
        "Theme": r.theme,
        "Organization": r.organisation.name,
        "OrganizationId": r.organisation.id,
        "ThumbnailUrl": thumbnail,
        "ShowDetailsUrl": format!("{root}/api/catalogue/records/{}", r.uuid),
        "MetadataXmlUrl": format!("{root}/api/catalogue/records/{}.xml", r.uuid),
        "DistributionProtocol": first.map(|l| l.protocol.as_str()),
        "DistributionUrl": first.map(|l| l.url.clone()),
        "IsOpenData": r.access == Access::Open,
        "Date": r.updated,
    })
}

/// A facet as Kartkatalog lists it.
fn facet(field: &str, counts: &[FacetCount]) -> Value {
    let results: Vec<Value> = counts.iter().map(|c| json!({ "Name": c.value, "Count": c.count })).collect();
    json!({ "FacetField": field, "FacetResults": results })
}

/// `GET /api/search?text=&limit=&offset=&orderby=&facets[0]name=&facets[0]value=`
pub async fn search(
    Ctx(state): Ctx,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, Problem> {
    let q = parse(&params).map_err(Problem::bad_request)?;
    let result = run_search(&state, q).await?;
    let root = base(&headers, "");
    let f = &result.facets;
    Ok(Json(json!({
        "NumFound": result.total,
        "Limit": result.limit,
        "Offset": result.offset + 1,
        "Results": result.hits.iter().map(|h| hit_json(&h.record, &root)).collect::<Vec<_>>(),
        "Facets": [facet("type", &f.kind), facet("theme", &f.theme), facet("organization", &f.org)],
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(qs: &str) -> Vec<(String, String)> {
        serde_urlencoded::from_str(qs).unwrap()
    }

    #[test]
    fn kartkatalog_parameters() {
        let q = parse(&params("text=h%C3%B8yde&limit=5&offset=6&orderby=title&facets%5B0%5Dname=type&facets%5B0%5Dvalue=dataset&facets%5B1%5Dname=organization&facets%5B1%5Dvalue=kartverket")).unwrap();
        assert_eq!((q.q.as_deref(), q.limit, q.offset, q.order), (Some("høyde"), 5, 5, Order::Title));
        assert_eq!((q.kind.as_deref(), q.org.as_deref()), (Some("dataset"), Some("kartverket")));
        for bad in ["offset=0", "limit=0", "limit=101", "orderby=size", "facets[0]name=colour&facets[0]value=red"] {
            assert!(parse(&params(bad)).is_err(), "{bad}");
        }
        assert_eq!(parse(&[]).unwrap().offset, 0, "offset 1 is the first result");
    }
}
