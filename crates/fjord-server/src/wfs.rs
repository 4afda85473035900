//! `/wfs`: WFS 2.0 by KVP (GET) and in the XML encoding (POST). The handlers pick the
//! request apart and send fjord-ogc's answer, or its OWS ExceptionReport.

use crate::auth::Ctx;
use crate::ogcapi::{api, base, send};
use crate::problem::ows_exception;
use axum::body::Body;
use axum::extract::Query;
use axum::http::HeaderMap;
use axum::response::Response;
use fjord_ogc::wfs::{self, Version, WfsError};
use fjord_ogc::Reply;

fn exception(e: WfsError, version: Version) -> Response {
    let report = e.report(version);
    ows_exception("wfs", &e, report)
}

/// Send what the blocking work answered; a refusal in the version `version` names.
fn answer(
    result: Result<Result<Reply, WfsError>, String>,
    headers: &HeaderMap,
    version: impl FnOnce() -> Version,
) -> Response {
    match result {
        Ok(Ok(reply)) => send(reply, headers),
        Ok(Err(e)) => exception(e, version()),
        Err(e) => exception(WfsError::internal(e), version()),
    }
}

/// `GET /wfs?SERVICE=WFS&REQUEST=...`
pub async fn get(Ctx(state): Ctx, headers: HeaderMap, Query(params): Query<Vec<(String, String)>>) -> Response {
    let base = base(&headers, "/wfs");
    let version = wfs::exception_version(&params);
    answer(
        state.blocking(move |state| wfs::handle(&api(state, base.clone(), base.clone()), &base, &params)).await,
        &headers,
        || version,
    )
}

/// `POST /wfs` with a request in the XML encoding (any content type), at most
/// [`wfs::MAX_POST_BYTES`]; a larger body is refused unread.
pub async fn post(Ctx(state): Ctx, headers: HeaderMap, body: Body) -> Response {
    let base = base(&headers, "/wfs");
    let Ok(body) = axum::body::to_bytes(body, wfs::MAX_POST_BYTES).await else {
        return exception(wfs::too_large(), Version::V2_0_0);
    };
    let read = body.clone();
    answer(
        state.blocking(move |state| wfs::handle_post(&api(state, base.clone(), base.clone()), &base, &body)).await,
        &headers,
        move || wfs::post_exception_version(&read),
    )
}
