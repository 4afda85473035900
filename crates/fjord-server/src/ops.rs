//! Operator endpoints: `/health` and `/metrics`.

use crate::app::AppState;
use crate::problem::Problem;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};

/// `GET /health`: 200 with counts while the catalogue and store answer.
pub async fn health(State(state): State<AppState>) -> Result<Json<Value>, Problem> {
    let (catalogue, store) = (state.catalogue.clone(), state.store.clone());
    let (records, datasets) = tokio::task::spawn_blocking(move || -> Result<(u64, usize), Problem> {
        let records = catalogue.counts()?.iter().map(|(_, n)| n).sum();
        let datasets = store.datasets().map_err(Problem::internal)?.len();
        Ok((records, datasets))
    })
    .await
    .map_err(Problem::internal)??;
    Ok(Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION"), "records": records, "datasets": datasets })))
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, Problem> {
    let catalogue = state.catalogue.clone();
    let counts = tokio::task::spawn_blocking(move || catalogue.counts()).await.map_err(Problem::internal)??;
    let records: u64 = counts.iter().map(|(_, n)| n).sum();
    let text = state.metrics.render(&[("fjord_catalogue_records", "Records in the catalogue.", records as f64)]);
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text))
}
