//! `/wms`: WMS 1.3.0 and 1.1.1 by KVP. The handler sends fjord-ogc's map or document, or
//! its refusal: a ServiceExceptionReport, or an image when the GetMap asked for one.

use crate::auth::Ctx;
use crate::ogcapi::{api, base, send};
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use fjord_ogc::wms::{self, WmsError};

/// `GET /wms?SERVICE=WMS&REQUEST=...`
pub async fn get(Ctx(state): Ctx, headers: HeaderMap, Query(params): Query<Vec<(String, String)>>) -> Response {
    let base = base(&headers, "/wms");
    let answer = state
        .blocking(move |state| {
            let api = api(state, base.clone(), base.clone());
            wms::handle(&api, &base, &params).map_err(|e| {
                if e.status >= 500 {
                    tracing::error!(code = e.code, text = %e.text, "wms failed");
                } else {
                    tracing::info!(code = e.code, locator = %e.locator, text = %e.text, "wms request refused");
                }
                (wms::refusal(&api, &params, &e), e.status)
            })
        })
        .await;
    match answer {
        Ok(Ok(reply)) => send(reply, &headers),
        Ok(Err((reply, status))) => {
            let mut res = send(reply, &headers);
            // an exception image is what the client asked for; a report is a refusal
            if !res.headers().get("content-type").is_some_and(|c| c.as_bytes().starts_with(b"image/")) {
                *res.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
            }
            res
        }
        Err(e) => {
            tracing::error!(error = %e, "wms failed");
            let (body, ct) = WmsError::internal(e).report(wms::WmsVersion::V1_3_0);
            (StatusCode::INTERNAL_SERVER_ERROR, [("content-type", ct)], body).into_response()
        }
    }
}
