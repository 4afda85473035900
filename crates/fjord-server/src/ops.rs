//! Operator endpoints: `/health` and `/metrics`.

use crate::auth::Ctx;
use crate::problem::Problem;

use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::{json, Value};

/// `GET /health`: 200 with counts while the catalogue and store answer.
pub async fn health(Ctx(state): Ctx) -> Result<Json<Value>, Problem> {
    let (records, datasets) = state
        .blocking(|s| -> Result<(u64, usize), Problem> {
            let records = s.catalogue.counts()?.iter().map(|(_, n)| n).sum();
            let datasets = s.store.datasets().map_err(Problem::internal)?.len();
            Ok((records, datasets))
        })
        .await
        .map_err(Problem::internal)??;
    Ok(Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION"), "records": records, "datasets": datasets })))
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics(Ctx(state): Ctx) -> Result<impl IntoResponse, Problem> {
    let counts = state.blocking(|s| s.catalogue.counts()).await.map_err(Problem::internal)??;
    let records: u64 = counts.iter().map(|(_, n)| n).sum();
    let text = state.metrics.render(&[("fjord_catalogue_records", "Records in the catalogue.", records as f64)]);
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text))
}
