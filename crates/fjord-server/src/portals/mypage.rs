//! MyPage (`/minside`, `GET /api/mypage`): a logged-in citizen's own page, at level
//! substantial or above: their download orders (fjord-download, theirs only), the forms
//! they filled in with their status (the one search, kind `form-submission`, their own
//! records), and a link to their entry in the National Register
//! (`/minside/folkeregister`, the register's own page).

use super::altinn::citizen;
use super::altinn_pages::{refused, say, status_label as status};
use crate::app::AppState;
use crate::auth::Ctx;
use crate::catalogue_api::run_search;
use crate::home::esc;
use crate::pages::layout::Visit;
use crate::problem::Problem;
use axum::response::Response;
use axum::routing::get;
use axum::Json;
use fjord_catalogue::{Order, SearchQuery};
use serde_json::{json, Value};
use std::fmt::Write;

/// How many orders and submissions the page lists, the newest first.
const SHOWN: usize = 100;

/// The routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/api/mypage", get(api)).route("/minside", get(page))
}

/// An epoch time as RFC 3339.
fn time(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0).map_or_else(String::new, |t| t.to_rfc3339())
}

/// What MyPage shows the caller: 401 unless logged in at level substantial or above.
async fn mine(state: &AppState) -> Result<Value, Problem> {
    let user = citizen(state)?;
    let owner = user.clone();
    let orders = state
        .blocking(move |s| -> fjord_download::Result<Vec<Value>> {
            let db = &s.downloads.db;
            let mut out = Vec::new();
            for o in db.orders_of(&owner, SHOWN)? {
                let files: Vec<Value> = db
                    .order_files(&o.reference)?
                    .iter()
                    .map(|f| json!({"name": f.spec.name, "dataset": f.spec.dataset, "status": f.status.api_name()}))
                    .collect();
                let href = format!("/api/order/{}", o.reference);
                out.push(json!({"reference": o.reference, "created": time(o.created), "href": href, "files": files}));
            }
            Ok(out)
        })
        .await
        .map_err(Problem::internal)?
        .map_err(Problem::internal)?;
    let q = SearchQuery {
        kind: Some(fjord_portals::altinn::SUBMISSION.into()),
        limit: 1000,
        order: Order::Updated,
        ..SearchQuery::default()
    };
    let found = run_search(state, q).await?;
    let submissions: Vec<Value> = found
        .hits
        .iter()
        .map(|h| &h.record)
        .filter(|r| r.properties.as_ref().is_some_and(|p| p["submitter"]["user"] == user.as_str()))
        .take(SHOWN)
        .map(|r| {
            let p = r.properties.clone().unwrap_or_default();
            let href = if p["status"] == "draft" {
                format!("/skjema/{}?utkast={}", p["form"].as_str().unwrap_or(""), r.uuid)
            } else {
                format!("/api/altinn/submissions/{}/receipt", r.uuid)
            };
            json!({
                "uuid": r.uuid, "title": r.title, "form": p["form"], "status": p["status"],
                "receipt": p["receipt"], "receiver": r.organisation.name, "updated": r.updated,
                "reason": p["reason"], "href": href
            })
        })
        .collect();
    Ok(json!({
        "user": user,
        "orders": orders,
        "submissions": submissions,
        "folkeregister": {"href": "/minside/folkeregister"}
    }))
}

/// `GET /api/mypage`
async fn api(Ctx(state): Ctx) -> Result<Json<Value>, Problem> {
    Ok(Json(mine(&state).await?))
}

/// `GET /minside`: MyPage; logging in asked for where the session is missing or too weak.
async fn page(Ctx(state): Ctx, visit: Visit) -> Response {
    let mine = match mine(&state).await {
        Ok(m) => m,
        Err(p) => return refused(&visit, &p),
    };
    let title = say(&visit, "Min side", "MyPage");
    let mut h = format!(
        "<h1>{title}</h1><p>{} {}</p>",
        say(&visit, "Innlogget som", "Logged in as"),
        esc(mine["user"].as_str().unwrap_or(""))
    );
    let _ = write!(
        h,
        "<section aria-labelledby=\"forms-h\"><h2 id=\"forms-h\">{}</h2><p><a href=\"/skjema\">{}</a></p>",
        say(&visit, "Mine skjema", "My forms"),
        say(&visit, "Alle skjema du kan fylle ut", "All forms to fill in")
    );
    let subs = mine["submissions"].as_array().cloned().unwrap_or_default();
    if subs.is_empty() {
        let _ =
            write!(h, "<p>{}</p>", say(&visit, "Du har ikke fylt ut noe skjema.", "You have not filled in any form."));
    } else {
        let _ = write!(
            h,
            "<table id=\"submissions\"><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
            say(&visit, "Skjema", "Form"),
            say(&visit, "Mottaker", "Receiver"),
            say(&visit, "Status", "Status"),
            say(&visit, "Kvittering", "Receipt"),
            say(&visit, "Endret", "Changed"),
        );
        for s in &subs {
            let st = s["status"].as_str().unwrap_or("");
            let why = s["reason"].as_str().map_or(String::new(), |r| format!(": {}", esc(r)));
            let _ = write!(
                h,
                "<tr data-status=\"{}\"><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}{why}</td><td>{}</td><td>{}</td></tr>",
                esc(st),
                esc(s["href"].as_str().unwrap_or("")),
                esc(s["title"].as_str().unwrap_or("")),
                esc(s["receiver"].as_str().unwrap_or("")),
                esc(status(&visit, st)),
                esc(s["receipt"].as_str().unwrap_or("")),
                esc(&s["updated"].as_str().unwrap_or("").chars().take(10).collect::<String>()),
            );
        }
        h.push_str("</tbody></table>");
    }
    let _ = write!(
        h,
        "</section><section aria-labelledby=\"orders-h\"><h2 id=\"orders-h\">{}</h2>",
        say(&visit, "Mine bestillinger og nedlastinger", "My orders and downloads")
    );
    let orders = mine["orders"].as_array().cloned().unwrap_or_default();
    if orders.is_empty() {
        let _ = write!(h, "<p>{}</p>", say(&visit, "Du har ingen bestillinger.", "You have no orders."));
    } else {
        h.push_str("<ul id=\"orders\">");
        for o in &orders {
            let files: Vec<String> = o["files"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| {
                    format!(
                        "{} ({})",
                        esc(f["name"].as_str().unwrap_or("")),
                        esc(status(&visit, f["status"].as_str().unwrap_or("")))
                    )
                })
                .collect();
            let _ = write!(
                h,
                "<li><a href=\"{}\">{}</a> · {} · {}</li>",
                esc(o["href"].as_str().unwrap_or("")),
                esc(o["reference"].as_str().unwrap_or("")),
                esc(&o["created"].as_str().unwrap_or("").chars().take(10).collect::<String>()),
                files.join(", ")
            );
        }
        h.push_str("</ul>");
    }
    let _ = write!(
        h,
        "</section><section aria-labelledby=\"register-h\"><h2 id=\"register-h\">{}</h2><p><a href=\"/minside/folkeregister\">{}</a></p></section>",
        say(&visit, "Folkeregisteret", "The National Register"),
        say(&visit, "Se hva Folkeregisteret har registrert om deg", "See what the National Register holds about you"),
    );
    visit.page(title, &h, &[])
}

/// The OpenAPI paths of these routes.
pub fn openapi() -> Vec<(&'static str, Value)> {
    vec![(
        "/api/mypage",
        json!({"get": {
            "summary": "MyPage: the caller's download orders, form submissions with their status, and the link to their National Register entry (level substantial)",
            "tags": ["MyPage"],
            "responses": {
                "200": {"description": "the caller's own things", "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {
                        "user": {"type": "string"},
                        "orders": {"type": "array", "items": {"type": "object"}},
                        "submissions": {"type": "array", "items": {"type": "object"}},
                        "folkeregister": {"type": "object"}
                    }
                }}}},
                "401": {"$ref": "#/components/responses/Unauthorized"}
            }
        }}),
    )]
}
