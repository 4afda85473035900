//! The portals' HTTP side: the record writes every portal shares (`records`), and one
//! module per portal with its JSON API and pages. A portal's kinds, workflow and sample
//! records live in fjord-portals; here only the routes, over the one catalogue, search
//! and access policy.

pub mod records;

use crate::app::AppState;
use serde_json::Value;

/// Every portal's routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().merge(records::routes())
}

/// Every portal's paths for the OpenAPI document: (path, path item).
pub fn openapi() -> Vec<(&'static str, Value)> {
    [records::openapi()].concat()
}
