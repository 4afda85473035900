//! `/wcs`: WCS 2.0.1 by KVP. The handler sends fjord-ogc's document or coverage, or its
//! OWS 2.0 ExceptionReport; the coverage is read and written (GDAL) off the runtime.

use crate::auth::Ctx;
use crate::ogcapi::{api, base, send};
use axum::extract::Query;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use fjord_ogc::wcs::{self, WcsError};

fn exception(e: WcsError) -> Response {
    if e.status >= 500 {
        tracing::error!(code = e.code, text = %e.text, "wcs failed");
    } else {
        tracing::info!(code = e.code, locator = %e.locator, text = %e.text, "wcs request refused");
    }
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, "application/xml")], e.report()).into_response()
}

/// `GET /wcs?SERVICE=WCS&REQUEST=...`
pub async fn get(Ctx(state): Ctx, headers: HeaderMap, Query(params): Query<Vec<(String, String)>>) -> Response {
    let base = base(&headers, "/wcs");
    match state.blocking(move |state| wcs::handle(&api(state, base.clone(), base.clone()), &base, &params)).await {
        Ok(Ok(reply)) => send(reply, &headers),
        Ok(Err(e)) => exception(e),
        Err(e) => exception(WcsError::internal(e)),
    }
}
