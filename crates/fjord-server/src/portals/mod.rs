//! The portals' HTTP side: the record writes every portal shares (`records`), and one
//! module per portal with its JSON API and pages. A portal's kinds, workflow and sample
//! records live in fjord-portals; here only the routes, over the one catalogue, search
//! and access policy.

pub mod altinn;
pub mod altinn_pages;
pub mod kostra;
pub mod mypage;
pub mod records;

use crate::app::AppState;
use serde_json::Value;

/// Every portal's routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .merge(records::routes())
        .merge(altinn::routes())
        .merge(altinn_pages::routes())
        .merge(kostra::routes())
        .merge(mypage::routes())
}

/// Every portal's paths for the OpenAPI document: (path, path item).
pub fn openapi() -> Vec<(&'static str, Value)> {
    [records::openapi(), altinn::openapi(), kostra::openapi(), mypage::openapi()].concat()
}
