//! `/ogcapi/collections/catalogue`: OGC API – Records over the catalogue. The handlers
//! find the records the caller may not see and send fjord-ogc's answer, or its JSON
//! exception.

use crate::app::AppState;
use crate::auth::Ctx;
use crate::catalogue_api::hidden;
use crate::ogcapi::{base, exception, format, send, Params};
use axum::extract::{Path, Query};
use axum::http::HeaderMap;
use axum::response::Response;
use fjord_ogc::records::{self, Records};
use fjord_ogc::{Format, OgcError, Reply};

/// Answer off the async runtime with the caller's view of the catalogue.
async fn answer(
    state: AppState,
    headers: HeaderMap,
    params: &Params,
    work: impl FnOnce(&Records, Format) -> Result<Reply, OgcError> + Send + 'static,
) -> Response {
    let f = match format(params, &headers, false) {
        Ok(f) => f,
        Err(e) => return exception(e),
    };
    let root = base(&headers, "");
    let result = state
        .blocking(move |s| {
            let hidden = hidden(s).map_err(OgcError::internal)?;
            let max_limit = s.config.limits.max_search_limit;
            work(&Records { catalogue: &s.catalogue, base: &root, hidden: &hidden, max_limit }, f)
        })
        .await;
    match result {
        Ok(Ok(reply)) => send(reply, &headers),
        Ok(Err(e)) => exception(e),
        Err(e) => exception(OgcError::internal(e)),
    }
}

/// `GET /ogcapi/collections/catalogue`
pub async fn collection(Ctx(s): Ctx, headers: HeaderMap, Query(p): Query<Params>) -> Response {
    answer(s, headers, &p, |r, f| Ok(records::collection(r, f))).await
}

/// `GET /ogcapi/collections/catalogue/items?q=&bbox=&type=&externalId=&filter=&limit=&offset=`
pub async fn items(Ctx(s): Ctx, headers: HeaderMap, Query(p): Query<Params>) -> Response {
    let params = p.clone();
    answer(s, headers, &p, move |r, f| records::items(r, &params, f)).await
}

/// `GET /ogcapi/collections/catalogue/items/{id}`
pub async fn item(Ctx(s): Ctx, headers: HeaderMap, Path(id): Path<String>, Query(p): Query<Params>) -> Response {
    answer(s, headers, &p, move |r, f| records::item(r, &id, f)).await
}
