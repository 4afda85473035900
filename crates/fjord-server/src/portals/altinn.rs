//! Altinn's JSON API: a citizen or business fills in a form (`form` records, from the one
//! catalogue) as a draft, edits it, submits it (checked against the form's schema, with
//! a receipt), and the receiving authority's clerks move it on. Submissions are
//! `form-submission` records in the catalogue, private to whom they concern
//! ([`fjord_portals::altinn::submission_access`]); the workflow is
//! [`fjord_portals::altinn::Status::may_become`]. The pages are in `altinn_pages`.
//!
//! - `POST /api/altinn/forms/{form}/submissions` `{"data": {...}, "organisation": "org"?}`: a draft (201)
//! - `GET|PUT /api/altinn/submissions/{id}` `{"data": {...}}`: read it; change a draft's data
//! - `POST /api/altinn/submissions/{id}/submit`: send it (400 naming the bad field; 409 past the form's deadline)
//! - `POST /api/altinn/submissions/{id}/status` `{"status": "received", "reason"?}`: a clerk moves it
//! - `GET /api/altinn/submissions/{id}/receipt`: the receipt as a printable HTML page

use super::records::{existing, write};
use crate::app::AppState;
use crate::auth::Ctx;
use crate::catalogue_api::readable;
use crate::home::esc;
use crate::pages::layout::Visit;
use crate::problem::Problem;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use fjord_catalogue::{Organisation, Record};
use fjord_portals::altinn::{self, Actor, Form, Status};
use fjord_portals::Draft;
use serde::Deserialize;
use serde_json::{json, Value};

/// The routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/altinn/forms/{form}/submissions", post(create))
        .route("/api/altinn/submissions/{id}", get(one).put(edit))
        .route("/api/altinn/submissions/{id}/submit", post(submit))
        .route("/api/altinn/submissions/{id}/status", post(move_on))
        .route("/api/altinn/submissions/{id}/receipt", get(receipt))
}

/// A problem with `status` saying `detail`.
fn problem(status: StatusCode, detail: impl Into<String>) -> Problem {
    Problem { status, detail: detail.into() }
}

/// A refused change of the workflow: 409, saying why.
fn conflict(e: fjord_portals::Error) -> Problem {
    problem(StatusCode::CONFLICT, e.to_string())
}

/// The caller's user name, logged in at level substantial or above; 401 (saying why)
/// otherwise.
pub fn citizen(state: &AppState) -> Result<String, Problem> {
    match &state.caller.subject {
        Some(user) if state.caller.loa >= fjord_auth::Loa::Substantial => Ok(user.clone()),
        Some(_) => Err(problem(StatusCode::UNAUTHORIZED, "log in again at level substantial (MinID) or high")),
        None => Err(problem(
            StatusCode::UNAUTHORIZED,
            state.caller.refused.clone().unwrap_or_else(|| "log in at level substantial or high".into()),
        )),
    }
}

/// The form `uuid` and its properties read; 404 when there is no such form.
pub async fn form(state: &AppState, uuid: &str) -> Result<(Record, Form), Problem> {
    let record = existing(state, uuid).await?.filter(|r| r.kind == altinn::FORM);
    let record = record.ok_or_else(|| Problem::not_found(format!("no form '{uuid}'")))?;
    let form = Form::of(record.properties.as_ref()).map_err(Problem::internal)?;
    Ok((record, form))
}

/// The submission `id` if the caller may read it; 404 when there is none or not (a
/// stranger learns nothing of it).
async fn submission(state: &AppState, id: &str) -> Result<Record, Problem> {
    match existing(state, id).await? {
        Some(r) if r.kind == altinn::SUBMISSION && readable(state, &r.access) => Ok(r),
        _ => Err(Problem::not_found(format!("no submission '{id}' of yours"))),
    }
}

/// Set a submission's property `key` (its properties are an object: the kind's schema
/// says so on every write).
fn set(r: &mut Record, key: &str, value: Value) {
    if let Some(Value::Object(m)) = &mut r.properties {
        m.insert(key.into(), value);
    }
}

/// Its status; a submission whose status cannot be read counts as a draft.
fn status_of(r: &Record) -> Status {
    r.properties
        .as_ref()
        .and_then(|p| p["status"].as_str())
        .and_then(|s| Status::parse(s).ok())
        .unwrap_or(Status::Draft)
}

/// Move `r` to `to` by `by`, noted in its history (with a reason when given).
fn note(r: &mut Record, to: Status, by: &str, reason: Option<&str>) {
    let mut entry = json!({"status": to.name(), "at": fjord_core::time::now_rfc3339(), "by": by});
    if let Some(why) = reason {
        entry["reason"] = why.into();
    }
    set(r, "status", to.name().into());
    if let Some(history) = r.properties.as_mut().and_then(|p| p.get_mut("history")).and_then(Value::as_array_mut) {
        history.push(entry);
    } else {
        set(r, "history", json!([entry]));
    }
}

/// Only the person who filled it in changes or sends a submission: 403 for others who
/// may read it (the authority's clerks).
fn submitter_only(state: &AppState, r: &Record) -> Result<String, Problem> {
    let user = citizen(state)?;
    let own = r.properties.as_ref().and_then(|p| p["submitter"]["user"].as_str()) == Some(user.as_str());
    if !own {
        return Err(problem(StatusCode::FORBIDDEN, "only its submitter changes or sends a submission"));
    }
    Ok(user)
}

/// A request body: read as JSON into `T`, or a 400 saying what is wrong.
fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    serde_json::from_slice(bytes).map_err(|e| Problem::bad_request(format!("the body: {e}")))
}

/// The data of a draft: any JSON object (it is checked against the form on submitting).
fn object(data: Value) -> Result<Value, Problem> {
    if data.is_object() {
        Ok(data)
    } else {
        Err(Problem::bad_request("data: must be a JSON object of the form's fields"))
    }
}

/// A new draft's body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Start {
    /// the fields filled in so far
    #[serde(default = "empty")]
    data: Value,
    /// the organisation it is sent on behalf of (the caller must be a member)
    #[serde(default)]
    organisation: Option<String>,
}

/// An empty object.
fn empty() -> Value {
    json!({})
}

/// A draft's changed data.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    /// the fields filled in so far
    data: Value,
}

/// A clerk's move.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Move {
    /// the new status
    status: String,
    /// why (needed for `rejected`)
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /api/altinn/forms/{form}/submissions`: a new draft of the caller's; 201.
async fn create(Ctx(state): Ctx, Path(form_id): Path<String>, bytes: Bytes) -> Result<Response, Problem> {
    let user = citizen(&state)?;
    let start: Start = body(&bytes)?;
    let data = object(start.data)?;
    let (form_record, form) = form(&state, &form_id).await?;
    form.may_submit(start.organisation.is_some()).map_err(|e| Problem::bad_request(e.to_string()))?;
    if let Some(org) = &start.organisation {
        if !state.caller.memberships.iter().any(|m| m.org == *org) {
            return Err(problem(StatusCode::FORBIDDEN, format!("organisation: you are no member of '{org}'")));
        }
    }
    let mut submitter = json!({"user": user});
    if let Some(org) = &start.organisation {
        submitter["organisation"] = org.clone().into();
    }
    let uuid = uuid::Uuid::new_v4().to_string();
    let draft = Draft {
        uuid: Some(uuid.clone()),
        kind: altinn::SUBMISSION.into(),
        title: form_record.title.clone(),
        abstract_text: format!("{} → {}", form_record.title, form.receiver.name),
        organisation: Organisation { id: form.receiver.id.clone(), name: form.receiver.name.clone() },
        keywords: Vec::new(),
        theme: form_record.theme.clone(),
        bbox: None,
        access: altinn::submission_access(&user, &form.receiver.id, start.organisation.as_deref()),
        properties: Some(json!({
            "form": form_record.uuid,
            "status": "draft",
            "submitter": submitter,
            "data": data,
            "history": [{"status": "draft", "at": fjord_core::time::now_rfc3339(), "by": user}]
        })),
    };
    let record = write(&state, None, draft.into_record(&uuid, None, &fjord_core::time::now_rfc3339())).await?;
    let location = format!("/api/altinn/submissions/{uuid}");
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(record)).into_response())
}

/// `GET /api/altinn/submissions/{id}`: a submission its readers may see.
async fn one(Ctx(state): Ctx, Path(id): Path<String>) -> Result<Json<Record>, Problem> {
    citizen(&state)?;
    Ok(Json(submission(&state, &id).await?))
}

/// `PUT /api/altinn/submissions/{id}`: change a draft's data (its submitter only).
async fn edit(Ctx(state): Ctx, Path(id): Path<String>, bytes: Bytes) -> Result<Json<Record>, Problem> {
    citizen(&state)?;
    let edit: Edit = body(&bytes)?;
    let mut r = submission(&state, &id).await?;
    submitter_only(&state, &r)?;
    if status_of(&r) != Status::Draft {
        return Err(problem(StatusCode::CONFLICT, "status: only a draft is changed; this one is sent"));
    }
    set(&mut r, "data", object(edit.data)?);
    r.updated = fjord_core::time::now_rfc3339();
    Ok(Json(write(&state, None, r).await?))
}

/// A receipt number, `AR` and ten digits, from a fresh random uuid.
fn receipt_number() -> String {
    format!("AR{:010}", uuid::Uuid::new_v4().as_u128() % 10_000_000_000)
}

/// `POST /api/altinn/submissions/{id}/submit`: send a draft: its data checked against the
/// form's schema (400 naming the field), status `submitted`, a receipt number.
async fn submit(Ctx(state): Ctx, Path(id): Path<String>) -> Result<Json<Record>, Problem> {
    citizen(&state)?;
    let mut r = submission(&state, &id).await?;
    let user = submitter_only(&state, &r)?;
    status_of(&r).may_become(Status::Submitted, Actor::Submitter).map_err(conflict)?;
    let form_id = r.properties.as_ref().and_then(|p| p["form"].as_str()).unwrap_or_default().to_string();
    let (form_record, form) = form(&state, &form_id).await?;
    form.open_on(fjord_core::time::now_rfc3339().get(..10).unwrap_or_default()).map_err(conflict)?;
    let data = r.properties.as_ref().map_or(Value::Null, |p| p["data"].clone());
    altinn::check_data(form_record.properties.as_ref().unwrap_or(&Value::Null), &data)?;
    if form_id == fjord_portals::kostra::FORM {
        let organisation = r.properties.as_ref().and_then(|p| p["submitter"]["organisation"].as_str());
        fjord_portals::kostra::check_reporter(organisation, &data)?;
    }
    note(&mut r, Status::Submitted, &user, None);
    set(&mut r, "receipt", receipt_number().into());
    r.updated = fjord_core::time::now_rfc3339();
    Ok(Json(write(&state, None, r).await?))
}

/// `POST /api/altinn/submissions/{id}/status`: the receiving authority's clerk (an
/// uploader or admin there) moves a sent submission on; `rejected` needs a reason. A
/// KOSTRA report marked `processed` publishes the KOSTRA dataset again.
async fn move_on(Ctx(state): Ctx, Path(id): Path<String>, bytes: Bytes) -> Result<Json<Record>, Problem> {
    let user = citizen(&state)?;
    let asked: Move = body(&bytes)?;
    let to = Status::parse(&asked.status).map_err(|e| Problem::bad_request(e.to_string()))?;
    let reason = asked.reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if to == Status::Rejected && reason.is_none() {
        return Err(Problem::bad_request("reason: say why the submission is rejected"));
    }
    let mut r = submission(&state, &id).await?;
    if !state.caller.may_upload(&r.organisation.id) {
        return Err(problem(
            StatusCode::FORBIDDEN,
            format!("only clerks of '{}' move this submission", r.organisation.id),
        ));
    }
    status_of(&r).may_become(to, Actor::Receiver).map_err(conflict)?;
    note(&mut r, to, &user, reason);
    if let Some(why) = reason {
        set(&mut r, "reason", why.into());
    }
    r.updated = fjord_core::time::now_rfc3339();
    let form_id = r.properties.as_ref().and_then(|p| p["form"].as_str()).unwrap_or_default().to_string();
    let r = write(&state, None, r).await?;
    if to == Status::Processed && form_id == fjord_portals::kostra::FORM {
        if let Err(e) = super::kostra::publish(&state, &user).await {
            tracing::error!(error = %e.detail, "the KOSTRA dataset could not be published");
        }
    }
    Ok(Json(r))
}

/// `GET /api/altinn/submissions/{id}/receipt`: the receipt of a sent submission, as a
/// page to print: receipt number, form, receiver, when, by whom, and the data sent.
async fn receipt(Ctx(state): Ctx, visit: Visit, Path(id): Path<String>) -> Response {
    let nb = visit.lang == crate::pages::i18n::Lang::Nb;
    let l = |a: &'static str, b: &'static str| if nb { a } else { b };
    let r = match citizen(&state) {
        Ok(_) => submission(&state, &id).await,
        Err(p) => Err(p),
    };
    let r = match r {
        Ok(r) => r,
        Err(p) => return super::altinn_pages::refused(&visit, &p),
    };
    let p = r.properties.clone().unwrap_or_default();
    let Some(number) = p["receipt"].as_str() else {
        return visit.error(StatusCode::CONFLICT, l("Skjemaet er ikke sendt inn ennå.", "The form is not sent yet."));
    };
    let sent = p["history"]
        .as_array()
        .and_then(|h| h.iter().find(|e| e["status"] == "submitted"))
        .and_then(|e| e["at"].as_str())
        .unwrap_or("");
    // each field by its title in the form's schema
    let titles = form(&state, p["form"].as_str().unwrap_or_default()).await.ok().and_then(|(f, _)| f.properties);
    let mut rows = String::new();
    for (k, v) in p["data"].as_object().into_iter().flatten() {
        let title = titles.as_ref().and_then(|t| t["schema"]["properties"][k]["title"].as_str()).unwrap_or(k);
        let shown = match v {
            Value::Bool(b) => l(if *b { "ja" } else { "nei" }, if *b { "yes" } else { "no" }).to_string(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        rows.push_str(&format!("<tr><th scope=\"row\">{}</th><td>{}</td></tr>", esc(title), esc(&shown)));
    }
    let on_behalf = p["submitter"]["organisation"]
        .as_str()
        .map_or(String::new(), |o| format!("<dt>{}</dt><dd>{}</dd>", l("På vegne av", "On behalf of"), esc(o)));
    let body = format!(
        "<h1>{title}</h1><dl class=\"receipt\"><dt>{n}</dt><dd data-receipt>{number}</dd>\
         <dt>{f}</dt><dd>{form}</dd><dt>{to}</dt><dd>{receiver}</dd><dt>{at}</dt><dd>{sent}</dd>\
         <dt>{by}</dt><dd>{user}</dd>{on_behalf}<dt>{s}</dt><dd>{status}</dd></dl>\
         <table><caption>{d}</caption><tbody>{rows}</tbody></table>\
         <p><button type=\"button\" onclick=\"window.print()\">{print}</button> <a href=\"/minside\">{mine}</a></p>",
        title = l("Kvittering", "Receipt"),
        n = l("Kvitteringsnummer", "Receipt number"),
        number = esc(number),
        f = l("Skjema", "Form"),
        form = esc(&r.title),
        to = l("Mottaker", "Receiver"),
        receiver = esc(&r.organisation.name),
        at = l("Sendt inn", "Submitted"),
        sent = esc(sent),
        by = l("Sendt av", "Submitted by"),
        user = esc(p["submitter"]["user"].as_str().unwrap_or("")),
        s = l("Status", "Status"),
        status = esc(super::altinn_pages::status_label(&visit, p["status"].as_str().unwrap_or(""))),
        d = l("Opplysninger som ble sendt", "The data sent"),
        print = l("Skriv ut", "Print"),
        mine = l("Til Min side", "To MyPage"),
    );
    visit.page(l("Kvittering", "Receipt"), &body, &[])
}

/// The OpenAPI paths of these routes.
pub fn openapi() -> Vec<(&'static str, Value)> {
    let id = json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]);
    let record = json!({"description": "the submission", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PortalRecord"}}}});
    let refusals = |extra: Value| {
        let mut r = json!({
            "200": record,
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "403": {"$ref": "#/components/responses/Forbidden"},
            "404": {"$ref": "#/components/responses/NotFound"}
        });
        if let (Some(r), Some(e)) = (r.as_object_mut(), extra.as_object()) {
            r.extend(e.clone());
        }
        r
    };
    let json_body = |schema: Value| json!({"required": true, "content": {"application/json": {"schema": schema}}});
    let data = json!({"type": "object", "description": "the form's fields, as its JSON Schema names them"});
    let bad = json!({"400": {"$ref": "#/components/responses/BadRequest"}});
    let bad_or_conflict = json!({"400": {"$ref": "#/components/responses/BadRequest"}, "409": {"$ref": "#/components/responses/Conflict"}});
    let mut created = refusals(bad.clone());
    if let Some(o) = created.as_object_mut() {
        o.remove("200");
        o.insert("201".into(), record.clone());
    }
    vec![
        (
            "/api/altinn/forms/{form}/submissions",
            json!({"post": {
                "summary": "Start filling in a form: a draft of the caller's (level substantial)",
                "tags": ["Altinn"],
                "parameters": [{"name": "form", "in": "path", "required": true, "schema": {"type": "string"}}],
                "requestBody": json_body(json!({"type": "object", "properties": {
                    "data": data, "organisation": {"type": "string", "description": "sent on behalf of this organisation (a member's)"}
                }})),
                "responses": created
            }}),
        ),
        (
            "/api/altinn/submissions/{id}",
            json!({
                "parameters": id,
                "get": {"summary": "A submission (its submitter's, the receiver's clerks')", "tags": ["Altinn"], "responses": refusals(json!({}))},
                "put": {"summary": "Change a draft's data (its submitter)", "tags": ["Altinn"],
                        "requestBody": json_body(json!({"type": "object", "required": ["data"], "properties": {"data": data}})),
                        "responses": refusals(bad_or_conflict.clone())}
            }),
        ),
        (
            "/api/altinn/submissions/{id}/submit",
            json!({"parameters": id, "post": {
                "summary": "Send a draft: its data checked against the form's schema (a 400 names the field), a receipt number",
                "tags": ["Altinn"], "responses": refusals(bad_or_conflict.clone())
            }}),
        ),
        (
            "/api/altinn/submissions/{id}/status",
            json!({"parameters": id, "post": {
                "summary": "The receiving authority's clerk moves a submission: submitted → received → processed, or rejected with a reason",
                "tags": ["Altinn"],
                "requestBody": json_body(json!({"type": "object", "required": ["status"], "properties": {
                    "status": {"type": "string", "enum": ["received", "processed", "rejected"]},
                    "reason": {"type": "string"}
                }})),
                "responses": refusals(bad_or_conflict)
            }}),
        ),
        (
            "/api/altinn/submissions/{id}/receipt",
            json!({"parameters": id, "get": {
                "summary": "The receipt of a sent submission, as a printable HTML page",
                "tags": ["Altinn"],
                "responses": {"200": {"description": "the receipt", "content": {"text/html": {}}},
                              "401": {"$ref": "#/components/responses/Unauthorized"},
                              "404": {"$ref": "#/components/responses/NotFound"},
                              "409": {"$ref": "#/components/responses/Conflict"}}
            }}),
        ),
    ]
}
