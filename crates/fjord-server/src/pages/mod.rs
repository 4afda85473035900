//! The citizen web pages, as GeoNorge's Kartkatalog: search (`/`), a dataset
//! (`/metadata/{uuid}`), the download basket (`/nedlasting`), an order (the Download
//! API's `/api/order/{ref}` in a browser) and logging in (`/login`); server-rendered HTML
//! in bokmål or English, with a little JavaScript and OpenLayers, all embedded in the
//! binary and served under `/static/`.

mod basket;
mod dataset;
pub mod i18n;
pub mod layout;
mod login;
pub mod order;
mod search;

use crate::app::AppState;
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use i18n::Texts;

/// The embedded files: name, content type, bytes. OpenLayers comes from `web/` (npm),
/// found by the build script; the rest sits beside this module.
const STATIC: [(&str, &str, &[u8]); 10] = [
    ("ol.js", "text/javascript; charset=utf-8", include_bytes!(env!("FJORD_OL_JS"))),
    ("ol.css", "text/css; charset=utf-8", include_bytes!(env!("FJORD_OL_CSS"))),
    ("fjord.css", "text/css; charset=utf-8", include_bytes!("static/fjord.css")),
    ("basket.js", "text/javascript; charset=utf-8", include_bytes!("static/basket.js")),
    ("search.js", "text/javascript; charset=utf-8", include_bytes!("static/search.js")),
    ("dataset.js", "text/javascript; charset=utf-8", include_bytes!("static/dataset.js")),
    ("order.js", "text/javascript; charset=utf-8", include_bytes!("static/order.js")),
    ("doffin.js", "text/javascript; charset=utf-8", include_bytes!("static/doffin.js")),
    ("oep.js", "text/javascript; charset=utf-8", include_bytes!("static/oep.js")),
    ("altinn.js", "text/javascript; charset=utf-8", include_bytes!("static/altinn.js")),
];

/// `GET /static/{file}`
async fn asset(Path(file): Path<String>) -> Response {
    match STATIC.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, bytes)) => {
            ([(header::CONTENT_TYPE, *content_type), (header::CACHE_CONTROL, "public, max-age=3600")], *bytes)
                .into_response()
        }
        None => crate::problem::Problem { status: StatusCode::NOT_FOUND, detail: format!("no static file '{file}'") }
            .into_response(),
    }
}

/// The pages' routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/", get(search::page))
        .route("/metadata/{uuid}", get(dataset::page))
        .route("/nedlasting", get(basket::page))
        .route("/login", get(login::page).post(login::submit))
        .route("/static/{file}", get(asset))
}
