//! `/wfs`: WFS 2.0 by KVP. The handler picks the request apart and sends fjord-ogc's
//! answer, or its OWS ExceptionReport.

use crate::app::AppState;
use crate::ogcapi::{api, base, send};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use fjord_ogc::wfs::{self, WfsError};

fn exception(e: WfsError) -> Response {
    if e.status >= 500 {
        tracing::error!(code = e.code, text = %e.text, "wfs failed");
    } else {
        tracing::info!(code = e.code, locator = %e.locator, text = %e.text, "wfs request refused");
    }
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, "application/xml")], e.report()).into_response()
}

/// `GET /wfs?SERVICE=WFS&REQUEST=...`
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let base = base(&headers, "/wfs");
    match state.blocking(move |state| wfs::handle(&api(state, base.clone(), base.clone()), &base, &params)).await {
        Ok(Ok(reply)) => send(reply, &headers),
        Ok(Err(e)) => exception(e),
        Err(e) => exception(WfsError::internal(e)),
    }
}
