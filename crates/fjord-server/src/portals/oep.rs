//! OEP over the one catalogue: citizens search the agencies' journals
//! (`GET /api/oep/records?q=&agency=&from=&to=`, the page `/oep`), an exempt entry shown
//! without its content to all but the agency's members; a logged-in citizen asks for
//! access to an entry (`POST /api/oep/records/{uuid}/requests`), which goes to the
//! agency; the agency's members list their requests (`GET /api/oep/requests`, the citizen
//! lists their own) and answer them (`POST /api/oep/requests/{uuid}/answer`).

use super::records::{may_write, write};
use super::{search_form, tr};
use crate::app::AppState;
use crate::auth::Ctx;
use crate::catalogue_api::{parse_search, readable, run_search_all};
use crate::home::esc;
use crate::pages::i18n::Lang;
use crate::pages::layout::Visit;
use crate::problem::Problem;
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Json;
use fjord_catalogue::{Record, SearchQuery};
use fjord_portals::{oep, Draft};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::fmt::Write;

/// The routes: the JSON API and the page.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/oep/records", get(search))
        .route("/api/oep/records/{uuid}/requests", post(request))
        .route("/api/oep/requests", get(requests))
        .route("/api/oep/requests/{uuid}/answer", post(answer))
        .route("/oep", get(page))
}

/// An entry as the caller sees it: whole for the agency's members (and any entry that is
/// public), else masked.
fn shown(state: &AppState, r: &Record) -> Value {
    let props = r.properties.clone().unwrap_or(Value::Null);
    let whole = readable(state, &r.access);
    json!({
        "uuid": r.uuid,
        "agency": {"id": r.organisation.id, "name": r.organisation.name},
        "record": if whole { props } else { oep::mask(&props) },
    })
}

/// A `from`/`to` date parameter, checked.
fn date(params: &HashMap<String, String>, name: &str) -> Result<Option<String>, Problem> {
    match params.get(name).map(|d| d.trim()).filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(d) if chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok() => Ok(Some(d.to_string())),
        Some(d) => Err(Problem::bad_request(format!("{name}: '{d}' is not a date (YYYY-MM-DD)"))),
    }
}

/// The journal entries a citizen's search finds: the one catalogue search over kind
/// `public-record` (`agency` is the owner organisation), then the document dates
/// `from`..=`to`; newest first. (total, the page as the caller sees it)
async fn find(state: &AppState, params: &HashMap<String, String>) -> Result<(usize, Vec<Value>), Problem> {
    let mut q = parse_search(params, state.config.limits.max_search_limit).map_err(Problem::bad_request)?;
    let (limit, offset) = (q.limit, q.offset);
    let (from, to) = (date(params, "from")?, date(params, "to")?);
    q.kind = Some(oep::RECORD.into());
    q.org = params.get("agency").map(|a| a.trim().to_string()).filter(|a| !a.is_empty());
    let day = |r: &Record| r.properties.as_ref().and_then(|p| p["document_date"].as_str()).unwrap_or("").to_string();
    let mut found: Vec<Record> = run_search_all(state, q)
        .await?
        .into_iter()
        .filter(|r| from.as_ref().is_none_or(|f| day(r) >= *f) && to.as_ref().is_none_or(|t| day(r) <= *t))
        .collect();
    found.sort_by_key(|r| std::cmp::Reverse(day(r)));
    let total = found.len();
    Ok((total, found.iter().skip(offset).take(limit).map(|r| shown(state, r)).collect()))
}

/// `GET /api/oep/records?q=&agency=&from=&to=&limit=&offset=`
async fn search(Ctx(state): Ctx, Query(params): Query<HashMap<String, String>>) -> Result<Json<Value>, Problem> {
    let (total, records) = find(&state, &params).await?;
    Ok(Json(json!({ "total": total, "records": records })))
}

/// The record `uuid` of `kind`, whatever the caller may read of it; 404 when none.
async fn of_kind(state: &AppState, uuid: &str, kind: &'static str) -> Result<Record, Problem> {
    let id = uuid.to_string();
    let found = state.blocking(move |s| s.catalogue.get(&id)).await.map_err(Problem::internal)??;
    found.filter(|r| r.kind == kind).ok_or_else(|| Problem::not_found(format!("no {kind} '{uuid}'")))
}

/// `POST /api/oep/records/{uuid}/requests` with `{"message": "..."}` (optional): a logged-in
/// citizen asks the entry's agency for access; 201 with the request.
async fn request(Ctx(state): Ctx, Path(uuid): Path<String>, body: Bytes) -> Result<Response, Problem> {
    let Some(me) = state.caller.subject.clone() else {
        return Err(Problem { status: StatusCode::UNAUTHORIZED, detail: "log in to ask for access".into() });
    };
    let ask: Value = if body.is_empty() {
        json!({})
    } else {
        serde_json::from_slice(&body).map_err(|e| Problem::bad_request(format!("the request: {e}")))?
    };
    let entry = of_kind(&state, &uuid, oep::RECORD).await?;
    let case = entry.properties.as_ref().and_then(|p| p["case_number"].as_str()).unwrap_or("").to_string();
    let mut props = json!({"record": entry.uuid, "case_number": case, "requester": me, "status": "pending"});
    if let Some(m) = ask.get("message") {
        props["message"] = m.clone();
    }
    let id = uuid::Uuid::new_v4().to_string();
    let draft = Draft {
        uuid: Some(id.clone()),
        kind: oep::REQUEST.into(),
        title: format!("Innsynskrav i sak {case}"),
        abstract_text: String::new(),
        organisation: entry.organisation.clone(),
        keywords: Vec::new(),
        theme: None,
        bbox: None,
        access: oep::request_access(&me, &entry.organisation.id),
        properties: Some(props),
    };
    let record = write(&state, None, draft.into_record(&id, None, &fjord_core::time::now_rfc3339())).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/catalogue/records/{id}"))], Json(record))
        .into_response())
}

/// The access requests the caller may read (their own, or their agency's), newest first.
async fn visible_requests(state: &AppState) -> Result<Vec<Record>, Problem> {
    let q = SearchQuery {
        kind: Some(oep::REQUEST.into()),
        order: fjord_catalogue::Order::Newest,
        ..SearchQuery::default()
    };
    // another's request is never listed ([`fjord_portals::UNLISTED_KINDS`])
    run_search_all(state, q).await
}

/// `GET /api/oep/requests?status=`: the requests the caller may read (their own, or
/// their agency's), newest first.
async fn requests(Ctx(state): Ctx, Query(params): Query<HashMap<String, String>>) -> Result<Json<Value>, Problem> {
    if state.caller.subject.is_none() {
        return Err(Problem { status: StatusCode::UNAUTHORIZED, detail: "log in to see your requests".into() });
    }
    let status = params.get("status").map(String::as_str).filter(|s| !s.is_empty());
    let list: Vec<Value> = visible_requests(&state)
        .await?
        .into_iter()
        .filter(|r| status.is_none_or(|s| r.properties.as_ref().is_some_and(|p| p["status"] == s)))
        .map(|r| json!({"uuid": r.uuid, "agency": r.organisation.id, "created": r.created, "request": r.properties}))
        .collect();
    Ok(Json(json!({ "total": list.len(), "requests": list })))
}

/// `POST /api/oep/requests/{uuid}/answer` with `{"status": "granted"|"refused", "reason"}`:
/// the agency's writers answer a pending request; a refusal needs a reason.
async fn answer(Ctx(state): Ctx, Path(uuid): Path<String>, body: Bytes) -> Result<Json<Record>, Problem> {
    let change: Value = serde_json::from_slice(&body).map_err(|e| Problem::bad_request(format!("the answer: {e}")))?;
    let old = of_kind(&state, &uuid, oep::REQUEST).await?;
    may_write(&state, &old.organisation.id)?;
    let by = state.caller.subject.clone().unwrap_or_default();
    let props = old.properties.clone().unwrap_or(Value::Null);
    let answered = oep::answer(&props, change["status"].as_str().unwrap_or(""), change["reason"].as_str(), &by)?;
    let mut draft = Draft::of(&old);
    draft.properties = Some(answered);
    let record = draft.into_record(&uuid, Some(&old), &fjord_core::time::now_rfc3339());
    Ok(Json(write(&state, Some(old), record).await?))
}

/// `GET /oep?q=&agency=&from=&to=`: the journal search for citizens.
async fn page(Ctx(state): Ctx, visit: Visit) -> Response {
    let l = visit.lang;
    let mut params = visit.params();
    params.entry("limit".into()).or_insert_with(|| "50".into());
    let (total, records) = match find(&state, &params).await {
        Ok(found) => found,
        Err(p) => return visit.error(p.status, &p.detail),
    };
    let field = |name: &str| esc(visit.param(name).unwrap_or(""));
    let mut h = search_form(
        &visit,
        "/oep",
        tr(l, "Offentlig elektronisk postjournal", "Public electronic mail journal"),
        tr(
            l,
            "Søk i journalene til offentlige virksomheter og be om innsyn i dokumentene.",
            "Search the public agencies' journals and ask for access to their documents.",
        ),
    );
    let _ = write!(
        h,
        "<label for=\"agency\">{agency}</label><input id=\"agency\" name=\"agency\" value=\"{agency_v}\">\
         <label for=\"from\">{from}</label><input id=\"from\" name=\"from\" type=\"date\" value=\"{from_v}\">\
         <label for=\"to\">{to}</label><input id=\"to\" name=\"to\" type=\"date\" value=\"{to_v}\"></form>\
         <h2>{total} {hits}</h2><table><caption class=\"help\">{caption}</caption><thead><tr><th scope=\"col\">{date}</th>\
         <th scope=\"col\">{agency}</th><th scope=\"col\">{case}</th><th scope=\"col\">{doc}</th><th scope=\"col\">{party}</th>\
         <th scope=\"col\">{code}</th><th scope=\"col\">{ask}</th></tr></thead><tbody>",
        ask = tr(l, "Innsyn", "Access"),
        agency = tr(l, "Virksomhet", "Agency"),
        agency_v = field("agency"),
        from = tr(l, "Fra dato", "From date"),
        from_v = field("from"),
        to = tr(l, "Til dato", "To date"),
        to_v = field("to"),
        hits = tr(l, "journalposter", "entries"),
        caption = tr(
            l,
            "Unntatte dokumenter vises uten innhold; virksomhet, saksnummer og dato er alltid synlige.",
            "Exempt documents are shown without their content; agency, case number and date are always shown."
        ),
        date = tr(l, "Dato", "Date"),
        case = tr(l, "Sak/dok.", "Case/doc."),
        doc = tr(l, "Dokument", "Document"),
        party = tr(l, "Avsender/mottaker", "Sender/recipient"),
        code = tr(l, "Tilgangskode", "Access code"),
    );
    for r in &records {
        let p = &r["record"];
        let s = |k: &str| esc(p[k].as_str().unwrap_or(""));
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}/{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            s("document_date"),
            esc(r["agency"]["name"].as_str().unwrap_or("")),
            s("case_number"),
            p["document_number"],
            s("document_title"),
            s("sender_recipient"),
            s("access_code"),
            ask_button(&state, l, r["uuid"].as_str().unwrap_or(""), &s("case_number")),
        );
    }
    h.push_str("</tbody></table><p role=\"status\" id=\"oep-result\"></p>");
    if state.caller.subject.is_none() {
        let _ = write!(
            h,
            "<p class=\"notice\"><a href=\"{}\">{}</a></p>",
            esc(&visit.login_href()),
            tr(l, "Logg inn for å be om innsyn", "Log in to ask for access")
        );
    } else {
        h.push_str(&requests_section(&state, l).await);
    }
    visit.page(tr(l, "Postjournal", "Mail journal"), &h, &["oep.js"])
}

/// The button asking for access to entry `uuid` (case `case`), for a logged-in visitor.
fn ask_button(state: &AppState, l: Lang, uuid: &str, case: &str) -> String {
    if state.caller.subject.is_none() {
        return String::new();
    }
    format!(
        "<button type=\"button\" data-request=\"{}\" aria-label=\"{} {case}\">{}</button>",
        esc(uuid),
        tr(l, "Be om innsyn i sak", "Ask for access to case"),
        tr(l, "Be om innsyn", "Ask for access"),
    )
}

/// The caller's access requests (their own, or their agency's), with the agency's
/// writers' buttons to answer those pending.
async fn requests_section(state: &AppState, l: Lang) -> String {
    let list = visible_requests(state).await.unwrap_or_default();
    let mut h = format!(
        "<h2 id=\"requests\">{}</h2><table aria-labelledby=\"requests\"><thead><tr><th scope=\"col\">{}</th>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
        tr(l, "Innsynskrav", "Access requests"),
        tr(l, "Sak", "Case"),
        tr(l, "Fra", "From"),
        tr(l, "Status", "Status"),
        tr(l, "Begrunnelse", "Reason"),
        tr(l, "Svar", "Answer"),
    );
    for r in &list {
        let p = r.properties.clone().unwrap_or(Value::Null);
        let s = |k: &str| esc(p[k].as_str().unwrap_or(""));
        let answer = if p["status"] == "pending" && state.caller.may_upload(&r.organisation.id) {
            format!(
                "<label for=\"reason-{id}\">{reason}</label><input id=\"reason-{id}\">\
                 <button type=\"button\" data-answer=\"{id}\" data-status=\"granted\">{grant}</button> \
                 <button type=\"button\" data-answer=\"{id}\" data-status=\"refused\">{refuse}</button>",
                id = esc(&r.uuid),
                reason = tr(l, "Begrunnelse", "Reason"),
                grant = tr(l, "Gi innsyn", "Grant"),
                refuse = tr(l, "Avslå", "Refuse"),
            )
        } else {
            String::new()
        };
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{answer}</td></tr>",
            s("case_number"),
            s("requester"),
            s("status"),
            s("reason")
        );
    }
    h.push_str("</tbody></table>");
    h
}

/// The OpenAPI paths of these routes.
pub fn openapi() -> Vec<(&'static str, Value)> {
    let q = |name: &str, about: &str| json!({"name": name, "in": "query", "required": false, "description": about, "schema": {"type": "string"}});
    let path_uuid = json!([{"name": "uuid", "in": "path", "required": true, "schema": {"type": "string"}}]);
    let answer_body = json!({"required": true, "content": {"application/json": {"schema": {
        "type": "object", "required": ["status"],
        "properties": {"status": {"enum": ["granted", "refused"]}, "reason": {"type": "string"}}
    }}}});
    let refusals = |ok: &str| {
        json!({
            ok: {"description": "done", "content": {"application/json": {}}},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "403": {"$ref": "#/components/responses/Forbidden"},
            "404": {"$ref": "#/components/responses/NotFound"}
        })
    };
    vec![
        (
            "/api/oep/records",
            json!({"get": {
                "summary": "Search the journals (exempt entries without their content)",
                "tags": ["OEP"],
                "parameters": [q("q", "free text"), q("agency", "the agency's organisation id"), q("from", "first document date (YYYY-MM-DD)"), q("to", "last document date"), q("limit", "page size"), q("offset", "hits skipped")],
                "responses": {"200": {"description": "{total, records}", "content": {"application/json": {}}}, "400": {"$ref": "#/components/responses/BadRequest"}}
            }}),
        ),
        (
            "/api/oep/records/{uuid}/requests",
            json!({"parameters": path_uuid, "post": {
                "summary": "Ask the agency for access to an entry (logged in)",
                "tags": ["OEP"],
                "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {"message": {"type": "string"}}}}}},
                "responses": refusals("201")
            }}),
        ),
        (
            "/api/oep/requests",
            json!({"get": {
                "summary": "The access requests the caller may read: their own, or their agency's",
                "tags": ["OEP"],
                "parameters": [q("status", "pending, granted or refused")],
                "responses": {"200": {"description": "{total, requests}", "content": {"application/json": {}}}, "401": {"$ref": "#/components/responses/Unauthorized"}}
            }}),
        ),
        (
            "/api/oep/requests/{uuid}/answer",
            json!({"parameters": path_uuid, "post": {
                "summary": "Grant or refuse an access request (the agency's writers; a refusal gives its reason)",
                "tags": ["OEP"],
                "requestBody": answer_body,
                "responses": refusals("200")
            }}),
        ),
    ]
}
