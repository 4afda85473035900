//! Writing portal records: `POST /api/catalogue/records`, `PUT` and `DELETE
//! /api/catalogue/records/{uuid}`, and the declared kinds at `GET /api/portals/kinds`.
//! A member (uploader or admin) of the owning organisation writes its records; each write
//! is checked against the kind's schema, and a refusal names the field. Datasets and
//! services are not written here: publishing data makes their records.

use crate::app::AppState;
use crate::auth::Ctx;
use crate::problem::Problem;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use fjord_catalogue::Record;
use fjord_portals::Draft;
use serde_json::{json, Value};

/// The routes (the record's GET sits with the catalogue API's).
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/api/portals/kinds", get(kinds)).route("/api/catalogue/records", post(create))
}

/// `GET /api/portals/kinds`: every declared record kind with its JSON Schema.
async fn kinds(Ctx(state): Ctx) -> Json<Value> {
    Json(json!({ "kinds": state.catalogue.kinds() }))
}

/// A problem with `status` saying `detail`.
fn problem(status: StatusCode, detail: impl Into<String>) -> Problem {
    Problem { status, detail: detail.into() }
}

/// Read a request body as a draft of a declared (portal) kind, or say what is wrong.
fn draft_of(state: &AppState, body: &[u8]) -> Result<Draft, Problem> {
    let draft: Draft = serde_json::from_slice(body).map_err(|e| Problem::bad_request(format!("the record: {e}")))?;
    if !state.catalogue.is_declared(&draft.kind) {
        let kinds = state.catalogue.kinds();
        let names: Vec<&str> = kinds.iter().map(|k| k.name.as_str()).collect();
        return Err(Problem::bad_request(format!(
            "kind: '{}' is not a portal record kind; the kinds are {}",
            draft.kind,
            names.join(", ")
        )));
    }
    workflow_kind(&draft.kind)?;
    Ok(draft)
}

/// 409 for a kind whose records only its portal's API writes
/// ([`fjord_portals::WORKFLOW_KINDS`]).
fn workflow_kind(kind: &str) -> Result<(), Problem> {
    if fjord_portals::WORKFLOW_KINDS.contains(&kind) {
        return Err(problem(
            StatusCode::CONFLICT,
            format!("kind: '{kind}' records follow a workflow and are written through their portal's API"),
        ));
    }
    Ok(())
}

/// Whether the caller may write records of organisation `org`: 401 anonymous, 403 when not
/// an uploader or admin there.
pub fn may_write(state: &AppState, org: &str) -> Result<(), Problem> {
    if state.caller.subject.is_none() {
        let why = state.caller.refused.clone().unwrap_or_else(|| "log in: a bearer token or HTTP Basic".into());
        return Err(problem(StatusCode::UNAUTHORIZED, why));
    }
    if !state.caller.may_upload(org) {
        return Err(problem(StatusCode::FORBIDDEN, format!("you may not write records of '{org}'")));
    }
    Ok(())
}

/// Write `record` in place of `old` (off the runtime), checked against its kind's schema
/// and workflow (a refusal is a 400 naming the field), and carry its portal's follow-up
/// out ([`super::after_write`]) before answering.
pub(crate) async fn write(state: &AppState, old: Option<Record>, record: Record) -> Result<Record, Problem> {
    let by = state.caller.subject.clone().unwrap_or_else(|| "-".into());
    state
        .blocking(move |s| -> Result<Record, Problem> {
            fjord_portals::check_change(old.as_ref(), &record)?;
            s.catalogue.upsert(&record)?;
            super::after_write(s, &record, &by);
            Ok(record)
        })
        .await
        .map_err(Problem::internal)?
}

/// The record `uuid` (off the runtime), if any.
pub(crate) async fn existing(state: &AppState, uuid: &str) -> Result<Option<Record>, Problem> {
    let id = uuid.to_string();
    state.blocking(move |s| s.catalogue.get(&id)).await.map_err(Problem::internal)?.map_err(Problem::from)
}

/// `POST /api/catalogue/records`: a new record of a portal kind; 201 with its URL.
async fn create(Ctx(state): Ctx, body: Bytes) -> Result<Response, Problem> {
    let draft = draft_of(&state, &body)?;
    may_write(&state, &draft.organisation.id)?;
    let uuid = match &draft.uuid {
        Some(u) if u.is_empty() || u.len() > 100 || !u.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') => {
            return Err(Problem::bad_request("uuid: letters, digits and dashes, at most 100"))
        }
        Some(u) => u.clone(),
        None => uuid::Uuid::new_v4().to_string(),
    };
    if existing(&state, &uuid).await?.is_some() {
        return Err(problem(StatusCode::CONFLICT, format!("uuid: a record '{uuid}' exists; PUT replaces it")));
    }
    let record = write(&state, None, draft.into_record(&uuid, None, &fjord_core::time::now_rfc3339())).await?;
    let location = format!("/api/catalogue/records/{uuid}");
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(record)).into_response())
}

/// `PUT /api/catalogue/records/{uuid}`: replace a portal record (its organisation's
/// writers, for the old and the new owner alike).
pub async fn replace(Ctx(state): Ctx, Path(uuid): Path<String>, body: Bytes) -> Result<Json<Record>, Problem> {
    let draft = draft_of(&state, &body)?;
    if draft.uuid.as_ref().is_some_and(|u| *u != uuid) {
        return Err(Problem::bad_request("uuid: the body's uuid differs from the path's"));
    }
    may_write(&state, &draft.organisation.id)?;
    let old = existing(&state, &uuid).await?;
    if let Some(old) = &old {
        changeable(&state, old)?;
    }
    let record = draft.into_record(&uuid, old.as_ref(), &fjord_core::time::now_rfc3339());
    Ok(Json(write(&state, old, record).await?))
}

/// Whether the caller may replace or remove record `old` here: a writer of its
/// organisation, a portal kind no workflow keeps (409 otherwise, as for a dataset's or
/// service's record, which publishing its data makes and `fjord datasets delete` removes).
fn changeable(state: &AppState, old: &Record) -> Result<(), Problem> {
    may_write(state, &old.organisation.id)?;
    workflow_kind(&old.kind)?;
    if old.dataset.is_some() || !state.catalogue.is_declared(&old.kind) {
        return Err(problem(
            StatusCode::CONFLICT,
            "a dataset's or service's record goes with its data: publish or delete the dataset",
        ));
    }
    Ok(())
}

/// `DELETE /api/catalogue/records/{uuid}`: remove a portal record; 204.
pub async fn remove(Ctx(state): Ctx, Path(uuid): Path<String>) -> Result<StatusCode, Problem> {
    let Some(old) = existing(&state, &uuid).await? else {
        return Err(Problem::not_found(format!("no record with uuid '{uuid}'")));
    };
    changeable(&state, &old)?;
    let by = state.caller.subject.clone().unwrap_or_else(|| "-".into());
    state
        .blocking(move |s| -> Result<(), Problem> {
            s.catalogue.delete(&uuid)?;
            super::after_write(s, &old, &by);
            Ok(())
        })
        .await
        .map_err(Problem::internal)??;
    Ok(StatusCode::NO_CONTENT)
}

/// The OpenAPI paths of these routes.
pub fn openapi() -> Vec<(&'static str, Value)> {
    let record_body = json!({
        "required": true,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PortalRecord"}}}
    });
    let refusals = json!({
        "400": {"$ref": "#/components/responses/BadRequest"},
        "401": {"$ref": "#/components/responses/Unauthorized"},
        "403": {"$ref": "#/components/responses/Forbidden"}
    });
    let with = |mut base: Value, extra: &Value| {
        if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
            b.extend(e.clone());
        }
        base
    };
    vec![
        (
            "/api/portals/kinds",
            json!({"get": {
                "summary": "The record kinds the portals declare, each with its JSON Schema",
                "tags": ["Portals"],
                "responses": {"200": {"description": "the kinds", "content": {"application/json": {}}}}
            }}),
        ),
        (
            "/api/catalogue/records",
            json!({"post": {
                "summary": "Add a record of a portal kind (an organisation's uploader or admin)",
                "tags": ["Portals"],
                "requestBody": record_body,
                "responses": with(json!({
                    "201": {"description": "written", "content": {"application/json": {}}},
                    "409": {"$ref": "#/components/responses/Conflict"}
                }), &refusals)
            }}),
        ),
        (
            "/api/catalogue/records/{uuid}",
            json!({
                "parameters": [{"name": "uuid", "in": "path", "required": true, "schema": {"type": "string"}}],
                "get": {
                    "summary": "One record as JSON (append .xml for ISO 19139)",
                    "tags": ["Catalogue"],
                    "responses": {"200": {"description": "the record", "content": {"application/json": {}}},
                                  "404": {"$ref": "#/components/responses/NotFound"}}
                },
                "put": {
                    "summary": "Replace a record of a portal kind",
                    "tags": ["Portals"],
                    "requestBody": record_body,
                    "responses": with(json!({
                        "200": {"description": "written", "content": {"application/json": {}}},
                        "409": {"$ref": "#/components/responses/Conflict"}
                    }), &refusals)
                },
                "delete": {
                    "summary": "Remove a record of a portal kind",
                    "tags": ["Portals"],
                    "responses": with(json!({
                        "204": {"description": "removed"},
                        "404": {"$ref": "#/components/responses/NotFound"},
                        "409": {"$ref": "#/components/responses/Conflict"}
                    }), &refusals)
                }
            }),
        ),
    ]
}
