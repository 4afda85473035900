//! The National Register over the one catalogue: a public office reads an entry by
//! national identity number, cut down to what the office may see
//! (`GET /api/folkeregister/persons/{id}`), the person reads their own whole entry at
//! level high (`GET /api/folkeregister/me`, and MyPage's `/minside/folkeregister`). Every
//! read, and every refusal, goes to the audit log (`folkeregister.read`). The entries are
//! private records: no search lists them to anyone but the person.

use super::tr;
use crate::app::AppState;
use crate::auth::Ctx;
use crate::catalogue_api::run_search;
use crate::home::esc;
use crate::pages::i18n::Lang;
use crate::pages::layout::Visit;
use crate::problem::Problem;
use axum::extract::{ConnectInfo, Path};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Json;
use fjord_auth::Loa;
use fjord_catalogue::SearchQuery;
use fjord_portals::folkeregister as register;
use serde_json::{json, Value};
use std::fmt::Write;
use std::net::SocketAddr;

/// The routes: the JSON API and MyPage's page.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/folkeregister/persons/{id}", get(person))
        .route("/api/folkeregister/me", get(me))
        .route("/minside/folkeregister", get(page))
}

/// Write a read of the register (or its refusal) to the audit log.
fn audit(s: &AppState, what: &str, from: &SocketAddr, outcome: &str) {
    let who = s.caller.subject.clone().unwrap_or_else(|| "-".into());
    let e = fjord_auth::AuditEntry::new(&who, "folkeregister.read", what, &from.ip().to_string(), outcome);
    if let Err(err) = s.identities.audit(&e) {
        tracing::error!(error = %err, "the audit log could not be written");
    }
}

/// The outcome of an answer as the audit log says it.
fn outcome<T>(r: &Result<T, Problem>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(p) => format!("refused: {}", p.status.as_u16()),
    }
}

fn problem(status: StatusCode, detail: &str) -> Problem {
    Problem { status, detail: detail.into() }
}

/// The entry of national identity number `id`, if any (of the register's kind).
async fn entry(state: &AppState, id: &str) -> Result<Option<Value>, Problem> {
    let uuid = register::uuid_of(id);
    let found = state.blocking(move |s| s.catalogue.get(&uuid)).await.map_err(Problem::internal)??;
    Ok(found.filter(|r| r.kind == register::KIND).and_then(|r| r.properties))
}

/// An office's view of entry `id`: 401 anonymous, 403 for anyone but the offices' members,
/// 404 when there is no such entry or (a municipality) it is not the office's resident.
async fn office_view(state: &AppState, id: &str) -> Result<Value, Problem> {
    if state.caller.subject.is_none() {
        return Err(problem(StatusCode::UNAUTHORIZED, "log in as a member of a public office"));
    }
    let offices: Vec<&str> =
        state.caller.memberships.iter().map(|m| m.org.as_str()).filter(|o| register::is_office(o)).collect();
    if offices.is_empty() {
        return Err(problem(StatusCode::FORBIDDEN, "only the public offices that use the National Register read it"));
    }
    if id.len() != 11 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::bad_request("id: a national identity number is 11 digits"));
    }
    let missing = || Problem::not_found(format!("no entry for '{id}' that you may read"));
    let entry = entry(state, id).await?.ok_or_else(missing)?;
    let municipality = entry["municipality"]["number"].as_str().unwrap_or_default();
    let mut fields: Vec<&str> =
        offices.iter().filter_map(|o| register::office_fields(o, municipality)).flatten().copied().collect();
    if fields.is_empty() {
        return Err(missing());
    }
    fields.sort_unstable();
    fields.dedup();
    let seen_as: Vec<&str> =
        offices.into_iter().filter(|o| register::office_fields(o, municipality).is_some()).collect();
    Ok(json!({ "entry": register::view(&entry, &fields), "seen_as": seen_as }))
}

/// `GET /api/folkeregister/persons/{id}`: an entry as an office sees it; audited.
async fn person(
    Ctx(state): Ctx,
    ConnectInfo(from): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
) -> Result<Json<Value>, Problem> {
    let answer = office_view(&state, &id).await;
    let what: String = format!("person {}", id.chars().take(11).collect::<String>());
    audit(&state, &what, &from, &outcome(&answer));
    answer.map(Json)
}

/// The caller's own entry: 401 unless logged in at level high, 404 when the register
/// holds none for them.
async fn own_entry(state: &AppState) -> Result<Value, Problem> {
    let Some(me) = state.caller.subject.clone() else {
        return Err(problem(StatusCode::UNAUTHORIZED, "log in at level high (with a one-time code)"));
    };
    if state.caller.loa != Loa::High {
        return Err(problem(StatusCode::UNAUTHORIZED, "your entry needs a login at level high (with a one-time code)"));
    }
    let q = SearchQuery { kind: Some(register::KIND.into()), limit: 10, ..SearchQuery::default() };
    let found = run_search(state, q).await?;
    found
        .hits
        .into_iter()
        .filter_map(|h| h.record.properties)
        .find(|p| p["username"] == me.as_str())
        .ok_or_else(|| Problem::not_found("the National Register has no entry for you"))
}

/// `GET /api/folkeregister/me`: the person's whole entry; audited.
async fn me(Ctx(state): Ctx, ConnectInfo(from): ConnectInfo<SocketAddr>) -> Result<Json<Value>, Problem> {
    let answer = own_entry(&state).await;
    audit(&state, "own entry", &from, &outcome(&answer));
    answer.map(|e| Json(json!({ "entry": e })))
}

/// A marital status as the page names it.
fn marital(l: Lang, status: &str) -> &str {
    match status {
        "unmarried" => tr(l, "Ugift", "Unmarried"),
        "married" => tr(l, "Gift", "Married"),
        "registered-partner" => tr(l, "Registrert partner", "Registered partner"),
        "separated" => tr(l, "Separert", "Separated"),
        "divorced" => tr(l, "Skilt", "Divorced"),
        "widowed" => tr(l, "Enke eller enkemann", "Widowed"),
        other => other,
    }
}

/// `GET /minside/folkeregister`: MyPage's view of the person's own entry; audited.
async fn page(Ctx(state): Ctx, ConnectInfo(from): ConnectInfo<SocketAddr>, visit: Visit) -> Response {
    let l = visit.lang;
    let title = tr(l, "Mine opplysninger i folkeregisteret", "My entry in the National Register");
    let answer = own_entry(&state).await;
    audit(&state, "own entry", &from, &outcome(&answer));
    let e = match answer {
        Ok(e) => e,
        Err(p) if p.status == StatusCode::UNAUTHORIZED => {
            let body = format!(
                "<h1>{title}</h1><p class=\"notice\" role=\"alert\">{why} <a href=\"{href}\">{login}</a></p>",
                why = tr(
                    l,
                    "Folkeregisteret viser deg dine opplysninger når du har logget inn på sikkerhetsnivå høyt (med engangskode).",
                    "The National Register shows you your entry once you have logged in at level high (with a one-time code)."
                ),
                href = esc(&visit.login_href()),
                login = tr(l, "Logg inn", "Log in"),
            );
            let mut res = visit.page(title, &body, &[]);
            *res.status_mut() = StatusCode::UNAUTHORIZED;
            return res;
        }
        Err(p) => return visit.error(p.status, &p.detail),
    };
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "),
        _ => String::new(),
    };
    let rows = [
        (tr(l, "Fødselsnummer", "National identity number"), text(&e["national_id"])),
        (tr(l, "Navn", "Name"), format!("{} {}", text(&e["name"]["given"]), text(&e["name"]["family"]))),
        (
            tr(l, "Adresse", "Address"),
            format!(
                "{}, {} {}",
                text(&e["address"]["street"]),
                text(&e["address"]["postcode"]),
                text(&e["address"]["town"])
            ),
        ),
        (
            tr(l, "Kommune", "Municipality"),
            format!("{} ({})", text(&e["municipality"]["name"]), text(&e["municipality"]["number"])),
        ),
        (tr(l, "Fødselsdato", "Date of birth"), text(&e["birth_date"])),
        (tr(l, "Statsborgerskap", "Citizenship"), text(&e["citizenship"])),
        (tr(l, "Sivilstand", "Marital status"), marital(l, e["marital_status"].as_str().unwrap_or("")).to_string()),
    ];
    let mut h = format!("<h1>{title}</h1><dl class=\"facts\" id=\"entry\">");
    for (k, v) in rows {
        let _ = write!(h, "<dt>{k}</dt><dd>{}</dd>", esc(&v));
    }
    let _ = write!(
        h,
        "</dl><p class=\"help\">{}</p>",
        tr(
            l,
            "Offentlige kontorer ser bare de opplysningene oppgaven deres krever, og hver innsyn logges.",
            "Public offices see only what their task needs, and every read is logged."
        )
    );
    visit.page(title, &h, &[])
}

/// The OpenAPI paths of these routes.
pub fn openapi() -> Vec<(&'static str, Value)> {
    let refusals = json!({
        "401": {"$ref": "#/components/responses/Unauthorized"},
        "403": {"$ref": "#/components/responses/Forbidden"},
        "404": {"$ref": "#/components/responses/NotFound"}
    });
    let mut person = refusals.clone();
    person["200"] = json!({"description": "the entry as the office sees it, and as which office", "content": {"application/json": {}}});
    person["400"] = json!({"$ref": "#/components/responses/BadRequest"});
    let mut me = refusals;
    me["200"] = json!({"description": "the person's whole entry", "content": {"application/json": {}}});
    vec![
        (
            "/api/folkeregister/persons/{id}",
            json!({
                "parameters": [{"name": "id", "in": "path", "required": true, "description": "national identity number (11 digits)", "schema": {"type": "string"}}],
                "get": {"summary": "A National Register entry, cut down to what the calling office may see (audited)", "tags": ["Folkeregister"], "responses": person}
            }),
        ),
        (
            "/api/folkeregister/me",
            json!({"get": {"summary": "The caller's own entry, at level high (audited)", "tags": ["Folkeregister"], "responses": me}}),
        ),
    ]
}
