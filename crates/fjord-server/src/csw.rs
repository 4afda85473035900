//! `/csw`: CSW 2.0.2 by KVP (GET) and in the XML encoding (POST). The handlers find the
//! records the caller may not see and send fjord-ogc's answer, or its ExceptionReport.

use crate::app::AppState;
use crate::auth::Ctx;
use crate::catalogue_api::hidden;
use crate::ogcapi::{base, send};
use crate::problem::ows_exception;
use axum::body::Body;
use axum::extract::Query;
use axum::http::HeaderMap;
use axum::response::Response;
use fjord_ogc::csw::{self, Csw};
use fjord_ogc::{OwsError, Reply};

fn exception(e: OwsError) -> Response {
    let report = csw::exception_report(&e);
    ows_exception("csw", &e, report)
}

/// Answer off the async runtime with the caller's view of the catalogue.
async fn answer(
    state: AppState,
    headers: &HeaderMap,
    work: impl FnOnce(&Csw) -> Result<Reply, OwsError> + Send + 'static,
) -> Response {
    let root = base(headers, "");
    let result = state
        .blocking(move |s| {
            let hidden = hidden(s).map_err(OwsError::internal)?;
            let csw = Csw {
                catalogue: &s.catalogue,
                base: &root,
                hidden: &hidden,
                max_records: s.config.limits.max_search_limit,
            };
            work(&csw)
        })
        .await;
    match result {
        Ok(Ok(reply)) => send(reply, headers),
        Ok(Err(e)) => exception(e),
        Err(e) => exception(OwsError::internal(e)),
    }
}

/// `GET /csw?service=CSW&request=...`
pub async fn get(Ctx(state): Ctx, headers: HeaderMap, Query(params): Query<Vec<(String, String)>>) -> Response {
    answer(state, &headers, move |csw| csw::handle(csw, &params)).await
}

/// `POST /csw` with a request in the XML encoding (any content type), at most
/// [`csw::MAX_POST_BYTES`]; a larger body is refused unread.
pub async fn post(Ctx(state): Ctx, headers: HeaderMap, body: Body) -> Response {
    let Ok(body) = axum::body::to_bytes(body, csw::MAX_POST_BYTES).await else {
        return exception(csw::too_large());
    };
    answer(state, &headers, move |csw| csw::handle_post(csw, &body)).await
}
