//! Anskaffelser/Doffin over the one catalogue: suppliers search the notices
//! (`GET /api/doffin/notices?q=&cpv=&status=&bbox=`), a buyer (an uploader of the buying
//! organisation) drafts one (`POST /api/doffin/notices`) and moves it on
//! (`POST /api/doffin/notices/{uuid}/status`); every change past a draft publishes the map
//! layer anew ([`layer`]). The pages are in [`pages`].

pub mod layer;
mod pages;

use super::records::{may_write, write};
use crate::app::AppState;
use crate::auth::Ctx;
use crate::catalogue_api::{parse_search, readable, run_search_all};
use crate::problem::Problem;
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use fjord_catalogue::Record;
use fjord_portals::doffin::{self, Status};
use fjord_portals::Draft;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The routes: the JSON API and the pages.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/doffin/notices", get(search).post(create))
        .route("/api/doffin/notices/{uuid}/status", post(set_status))
        .merge(pages::routes())
}

/// The notices a supplier's search finds, as the caller may read them: the one catalogue
/// search over kind `tender-notice`, then the CPV prefix (`cpv=45`) and `status` filters;
/// drafts only for their buyer. (total, the page of records)
pub(crate) async fn find(state: &AppState, params: &HashMap<String, String>) -> Result<(usize, Vec<Record>), Problem> {
    let mut q = parse_search(params, state.config.limits.max_search_limit).map_err(Problem::bad_request)?;
    let (limit, offset) = (q.limit, q.offset);
    let cpv = params.get("cpv").map(|c| c.trim()).filter(|c| !c.is_empty());
    if cpv.is_some_and(|c| c.len() > 10 || !c.bytes().all(|b| b.is_ascii_digit() || b == b'-')) {
        return Err(Problem::bad_request("cpv: a CPV code or its first digits, e.g. 45 or 45233141-9"));
    }
    let status = match params.get("status").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(Status::parse(s).ok_or_else(|| {
            Problem::bad_request(format!("status: '{s}' is none of draft, published, awarded, closed"))
        })?),
    };
    q.kind = Some(doffin::KIND.into());
    let found: Vec<Record> = run_search_all(state, q)
        .await?
        .into_iter()
        .filter(|r| cpv.is_none_or(|c| doffin::has_cpv(r, c)) && status.is_none_or(|s| doffin::status_of(r) == Some(s)))
        .collect();
    let total = found.len();
    Ok((total, found.into_iter().skip(offset).take(limit).collect()))
}

/// `GET /api/doffin/notices?q=&cpv=&status=&bbox=&limit=&offset=`
async fn search(Ctx(state): Ctx, Query(params): Query<HashMap<String, String>>) -> Result<Json<Value>, Problem> {
    let (total, notices) = find(&state, &params).await?;
    Ok(Json(json!({ "total": total, "notices": notices })))
}

/// The notice `uuid` (if `to_read`, only when the caller may read it): 404 otherwise.
async fn notice(state: &AppState, uuid: &str, to_read: bool) -> Result<Record, Problem> {
    let id = uuid.to_string();
    let record = state.blocking(move |s| s.catalogue.get(&id)).await.map_err(Problem::internal)??;
    match record {
        Some(r) if r.kind == doffin::KIND && (!to_read || readable(state, &r.access)) => Ok(r),
        _ => Err(Problem::not_found(format!("no tender notice '{uuid}'"))),
    }
}

/// `POST /api/doffin/notices`: a buyer's new notice, as a draft (a portal record's fields;
/// `kind`, `status`, `access` and `bbox` are set here); 201 with its URL.
async fn create(Ctx(state): Ctx, body: Bytes) -> Result<Response, Problem> {
    let mut draft: Draft =
        serde_json::from_slice(&body).map_err(|e| Problem::bad_request(format!("the notice: {e}")))?;
    may_write(&state, &draft.organisation.id)?;
    if !draft.properties.as_ref().is_some_and(Value::is_object) {
        return Err(Problem::bad_request("properties: the notice's fields (buyer, cpv, deadline, ...) are required"));
    }
    let uuid = uuid::Uuid::new_v4().to_string();
    draft.uuid = Some(uuid.clone());
    let record = doffin::prepare(draft, Status::Draft).into_record(&uuid, None, &fjord_core::time::now_rfc3339());
    let record = write(&state, None, record).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/doffin/{uuid}"))], Json(record)).into_response())
}

/// `POST /api/doffin/notices/{uuid}/status` with `{"status": "published"}` (and for an
/// award `"awarded_to"`): move a notice on; 400 naming the field when the workflow or the
/// deadline forbids it, 403 for anyone but the buyer's uploaders (who learn no more than the buyer's name).
async fn set_status(Ctx(state): Ctx, Path(uuid): Path<String>, body: Bytes) -> Result<Json<Record>, Problem> {
    let change: Value = serde_json::from_slice(&body).map_err(|e| Problem::bad_request(format!("the change: {e}")))?;
    let name = change["status"].as_str().unwrap_or_default();
    let next = Status::parse(name).ok_or_else(|| {
        Problem::bad_request(format!("status: '{name}' is none of draft, published, awarded, closed"))
    })?;
    let old = notice(&state, &uuid, false).await?;
    may_write(&state, &old.organisation.id)?;
    let mut draft = Draft::of(&old);
    if let (Some(p), Some(to)) = (draft.properties.as_mut(), change.get("awarded_to")) {
        p["awarded_to"] = to.clone();
    }
    let record = doffin::prepare(draft, next).into_record(&uuid, Some(&old), &fjord_core::time::now_rfc3339());
    Ok(Json(write(&state, Some(old), record).await?))
}

/// The OpenAPI paths of these routes.
pub fn openapi() -> Vec<(&'static str, Value)> {
    let q = |name: &str, about: &str| json!({"name": name, "in": "query", "required": false, "description": about, "schema": {"type": "string"}});
    let refusals = json!({
        "400": {"$ref": "#/components/responses/BadRequest"},
        "401": {"$ref": "#/components/responses/Unauthorized"},
        "403": {"$ref": "#/components/responses/Forbidden"},
        "404": {"$ref": "#/components/responses/NotFound"}
    });
    let with = |extra: Value| {
        let mut all = refusals.clone();
        if let (Some(a), Some(e)) = (all.as_object_mut(), extra.as_object()) {
            a.extend(e.clone());
        }
        all
    };
    vec![
        (
            "/api/doffin/notices",
            json!({
                "get": {
                    "summary": "Search the tender notices (suppliers): text, CPV prefix, status, box",
                    "tags": ["Doffin"],
                    "parameters": [
                        q("q", "free text"), q("cpv", "a CPV code or its first digits (45)"),
                        q("status", "draft, published, awarded or closed"),
                        q("bbox", "west,south,east,north in EPSG:4258"), q("limit", "page size"), q("offset", "hits skipped")
                    ],
                    "responses": {"200": {"description": "{total, notices}", "content": {"application/json": {}}},
                                  "400": {"$ref": "#/components/responses/BadRequest"}}
                },
                "post": {
                    "summary": "Draft a tender notice (an uploader of the buying organisation)",
                    "tags": ["Doffin"],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PortalRecord"}}}},
                    "responses": with(json!({"201": {"description": "the draft", "content": {"application/json": {}}}}))
                }
            }),
        ),
        (
            "/api/doffin/notices/{uuid}/status",
            json!({
                "parameters": [{"name": "uuid", "in": "path", "required": true, "schema": {"type": "string"}}],
                "post": {
                    "summary": "Publish, award or close a tender notice (draft → published → awarded | closed)",
                    "tags": ["Doffin"],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["status"],
                        "properties": {"status": {"enum": ["draft", "published", "awarded", "closed"]}, "awarded_to": {"type": "string"}}
                    }}}},
                    "responses": with(json!({"200": {"description": "the notice", "content": {"application/json": {}}}}))
                }
            }),
        ),
    ]
}
