//! `/ogcapi`: OGC API – Features, Tiles and Coverages. The handlers only pick the
//! request apart and send the adapter's [`Reply`]; fjord-ogc does the rest.

use crate::app::AppState;
use crate::auth::Ctx;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use fjord_ogc::features::{self, Api};
use fjord_ogc::{Body, Format, OgcError, Reply};

pub(crate) type Params = Vec<(String, String)>;

/// A service's URL as clients reach it, from the Host header.
pub(crate) fn base(headers: &HeaderMap, path: &str) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    format!("http://{host}{path}")
}

/// The adapters' view of the server state.
pub(crate) fn api(state: &AppState, base: String, wfs: String) -> Api<'_> {
    Api {
        store: &state.store,
        catalogue: &state.catalogue,
        base,
        wfs,
        max_limit: state.config.limits.max_features_per_page,
        max_count: state.config.limits.max_wfs_features,
        crs: &state.crs,
        records: &state.records,
        styles: &state.styles,
        max_map_size: state.config.limits.max_map_size,
        map_cache: &state.map_cache,
        terrain: &state.config.services.terrain,
        caller: &state.caller,
        areas: &state.areas,
    }
}

/// The format asked for; FlatGeobuf and GML only where the resource is `features`.
pub(crate) fn format(params: &Params, headers: &HeaderMap, features: bool) -> Result<Format, OgcError> {
    let f = params.iter().find(|(k, _)| k == "f").map(|(_, v)| v.as_str());
    let accept = headers.get(header::ACCEPT).and_then(|h| h.to_str().ok());
    let offered = if features { "json, html, fgb or gml" } else { "json or html" };
    Format::negotiate(f, accept, features)
        .ok_or_else(|| OgcError::invalid(format!("f={} is not offered here; use {offered}", f.unwrap_or(""))))
}

/// An OGC API exception: `{"code", "description"}` with the status.
pub(crate) fn exception(e: OgcError) -> Response {
    if e.status >= 500 {
        tracing::error!(error = %e, "ogcapi failed");
    } else {
        tracing::info!(status = e.status, error = %e, "ogcapi request refused");
    }
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let description = if e.status >= 500 { "internal error; it has been logged".to_string() } else { e.description };
    let body = serde_json::json!({ "code": e.code, "description": description });
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

/// Whether the request's If-None-Match names `tag` (the client has that representation).
pub(crate) fn seen(tag: &HeaderValue, headers: &HeaderMap) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|seen| seen.to_str().is_ok_and(|s| s.split(',').any(|t| t.trim() == tag.to_str().unwrap_or(""))))
}

/// Send an adapter's reply: 304 when the client's If-None-Match names its ETag.
pub(crate) fn send(reply: Reply, headers: &HeaderMap) -> Response {
    let etag = reply.etag.as_deref().and_then(|e| HeaderValue::from_str(e).ok());
    if let Some(tag) = etag.as_ref().filter(|t| seen(t, headers)) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, tag.clone())]).into_response();
    }
    let body = match reply.body {
        Body::Bytes(bytes) => axum::body::Body::from(bytes),
        Body::Stream(producer) => crate::stream::body(producer),
    };
    let mut res = (StatusCode::OK, [(header::CONTENT_TYPE, reply.content_type)], body).into_response();
    if let Some(tag) = etag {
        res.headers_mut().insert(header::ETAG, tag);
    }
    for (name, value) in reply.headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            res.headers_mut().insert(name, v);
        }
    }
    res
}

/// Run an adapter call off the async runtime (store and catalogue block); `features`
/// says whether the resource is features (FlatGeobuf and GML offered).
pub(crate) async fn run(
    state: AppState,
    headers: HeaderMap,
    params: Params,
    features: bool,
    call: impl FnOnce(&Api, Format, &Params) -> Result<Reply, OgcError> + Send + 'static,
) -> Response {
    match format(&params, &headers, features) {
        Ok(f) => run_raw(state, headers, move |api| call(api, f, &params)).await,
        Err(e) => exception(e),
    }
}

/// Run an adapter call that reads its own format (coverages) off the async runtime.
async fn run_raw(
    state: AppState,
    headers: HeaderMap,
    call: impl FnOnce(&Api) -> Result<Reply, OgcError> + Send + 'static,
) -> Response {
    let (base, wfs) = (base(&headers, "/ogcapi"), base(&headers, "/wfs"));
    match state.blocking(move |state| call(&api(state, base, wfs))).await {
        Ok(Ok(reply)) => send(reply, &headers),
        Ok(Err(e)) => exception(e),
        Err(e) => exception(OgcError::internal(e)),
    }
}

/// `GET /ogcapi`
pub async fn landing(Ctx(s): Ctx, headers: HeaderMap, Query(p): Query<Params>) -> Response {
    run(s, headers, p, false, |api, f, _| features::landing(api, f)).await
}

/// `GET /ogcapi/api`: the OpenAPI 3.0 document.
pub async fn openapi(Ctx(s): Ctx, headers: HeaderMap) -> Response {
    run(s, headers, Vec::new(), false, |api, _, _| {
        Ok(Reply::json(&features::openapi(api), "application/vnd.oai.openapi+json;version=3.0"))
    })
    .await
}

/// `GET /ogcapi/conformance`
pub async fn conformance(Ctx(s): Ctx, headers: HeaderMap, Query(p): Query<Params>) -> Response {
    run(s, headers, p, false, |_, f, _| Ok(features::conformance(f))).await
}

/// `GET /ogcapi/collections`
pub async fn collections(Ctx(s): Ctx, headers: HeaderMap, Query(p): Query<Params>) -> Response {
    run(s, headers, p, false, |api, f, _| features::collections(api, f)).await
}

/// `GET /ogcapi/collections/{id}`
pub async fn collection(Ctx(s): Ctx, Path(id): Path<String>, headers: HeaderMap, Query(p): Query<Params>) -> Response {
    run(s, headers, p, false, move |api, f, _| features::collection(api, &id, f)).await
}

/// `GET /ogcapi/collections/{id}/queryables`
pub async fn queryables(Ctx(s): Ctx, Path(id): Path<String>, headers: HeaderMap, Query(p): Query<Params>) -> Response {
    run(s, headers, p, false, move |api, f, _| features::queryables(api, &id, f)).await
}

/// `GET /ogcapi/collections/{id}/items`
pub async fn items(Ctx(s): Ctx, Path(id): Path<String>, headers: HeaderMap, Query(p): Query<Params>) -> Response {
    run(s, headers, p, true, move |api, f, p| features::items(api, &id, p, f)).await
}

/// `GET /ogcapi/collections/{id}/items/{featureId}`
pub async fn item(
    Ctx(s): Ctx,
    Path((id, fid)): Path<(String, String)>,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> Response {
    run(s, headers, p, true, move |api, f, p| features::item(api, &id, &fid, p, f)).await
}

/// `GET /ogcapi/collections/{id}/coverage`: GeoTIFF, or Esri ASCII grid with `f=ascii`.
pub async fn coverage(Ctx(s): Ctx, Path(id): Path<String>, headers: HeaderMap, Query(p): Query<Params>) -> Response {
    run_raw(s, headers, move |api| fjord_ogc::coverages::coverage(api, &id, &p)).await
}

/// `GET /ogcapi/collections/{id}/coverage/domainset`
pub async fn coverage_domainset(Ctx(s): Ctx, Path(id): Path<String>, headers: HeaderMap) -> Response {
    run_raw(s, headers, move |api| fjord_ogc::coverages::domainset(api, &id)).await
}

/// `GET /ogcapi/collections/{id}/coverage/rangetype`
pub async fn coverage_rangetype(Ctx(s): Ctx, Path(id): Path<String>, headers: HeaderMap) -> Response {
    run_raw(s, headers, move |api| fjord_ogc::coverages::rangetype(api, &id)).await
}

/// `GET /hoydedata/v1/punkt`: heights at points, as Kartverket's height API answers.
pub async fn hoydedata_punkt(Ctx(s): Ctx, headers: HeaderMap, Query(p): Query<Params>) -> Response {
    run(s, headers, p, false, |api, _, p| fjord_ogc::elevation::punkt(api, p)).await
}

/// `POST /hoydedata/v1/punkt` with the same parameters as a form body, for batches of
/// points too long for a URL (servers refuse URLs over 64 KiB; 10,000 points need more)
pub async fn hoydedata_punkt_form(Ctx(s): Ctx, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    match serde_urlencoded::from_bytes::<Params>(&body) {
        Ok(p) => run(s, headers, p, false, |api, _, p| fjord_ogc::elevation::punkt(api, p)).await,
        Err(e) => exception(OgcError::invalid(format!("the body is no form (koordsys=...&punkter=...): {e}"))),
    }
}

/// `GET /api/elevation/point?x=&y=&crs=`
pub async fn elevation_point(Ctx(s): Ctx, headers: HeaderMap, Query(p): Query<Params>) -> Response {
    run(s, headers, p, false, |api, _, p| fjord_ogc::elevation::point(api, p)).await
}

/// `POST /api/elevation/profile`
pub async fn elevation_profile(Ctx(s): Ctx, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    run(s, headers, Vec::new(), false, move |api, _, _| fjord_ogc::elevation::profile(api, &body)).await
}
