//! Altinn's pages, in the catalogue pages' frame: `/skjema` lists the forms (the one
//! search, kind `form`), `/skjema/{uuid}` is a form to fill in, generated from its JSON
//! Schema (`?utkast={id}` goes on with a draft). `static/altinn.js` saves the draft and
//! sends it through the JSON API, then opens the receipt.

use super::altinn::{citizen, form};
use crate::app::AppState;
use crate::auth::Ctx;
use crate::catalogue_api::run_search;
use crate::home::esc;
use crate::pages::i18n::Lang;
use crate::pages::layout::Visit;
use crate::problem::Problem;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use fjord_catalogue::SearchQuery;
use serde_json::Value;
use std::fmt::Write;

/// The routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/skjema", get(list)).route("/skjema/{uuid}", get(fill))
}

/// Bokmål or English, as the visit asks.
pub fn say(visit: &Visit, nb: &'static str, en: &'static str) -> &'static str {
    if visit.lang == Lang::Nb {
        nb
    } else {
        en
    }
}

/// A submission's or a download file's status as the page says it.
pub fn status_label<'a>(visit: &Visit, s: &'a str) -> &'a str {
    let (nb, en) = match s {
        "draft" => ("Utkast", "Draft"),
        "submitted" => ("Sendt inn", "Submitted"),
        "received" => ("Mottatt", "Received"),
        "processed" => ("Behandlet", "Processed"),
        "rejected" => ("Avvist", "Rejected"),
        "ReadyForDownload" => ("Klar", "Ready"),
        "WaitingForProcessing" => ("Lages", "Being made"),
        "Error" => ("Feilet", "Failed"),
        other => return other,
    };
    say(visit, nb, en)
}

/// Why a page cannot be shown, with its status; a link to log in when logging in helps.
pub fn refused(visit: &Visit, p: &Problem) -> Response {
    let mut h = format!("<h1>{}</h1><p role=\"alert\">{}</p>", say(visit, "Feil", "Error"), esc(&p.detail));
    if p.status == StatusCode::UNAUTHORIZED {
        let _ = write!(h, "<p><a href=\"{}\">{}</a></p>", esc(&visit.login_href()), say(visit, "Logg inn", "Log in"));
    }
    let mut res = visit.page(say(visit, "Feil", "Error"), &h, &[]);
    *res.status_mut() = p.status;
    res
}

/// `GET /skjema`: every form, by title.
async fn list(Ctx(state): Ctx, visit: Visit) -> Response {
    let q = SearchQuery { kind: Some(fjord_portals::altinn::FORM.into()), limit: 200, ..SearchQuery::default() };
    let found = match run_search(&state, q).await {
        Ok(f) => f,
        Err(p) => return refused(&visit, &p),
    };
    let title = say(&visit, "Skjema", "Forms");
    let mut h = format!(
        "<h1>{title}</h1><p>{}</p><ul class=\"forms\">",
        say(
            &visit,
            "Skjema du kan fylle ut og sende inn til offentlige virksomheter.",
            "Forms to fill in and send to public authorities."
        )
    );
    for r in found.hits.iter().map(|h| &h.record) {
        let p = r.properties.clone().unwrap_or_default();
        let deadline = p["deadline"]
            .as_str()
            .map_or(String::new(), |d| format!(" · {} {}", say(&visit, "frist", "deadline"), esc(d)));
        let _ = write!(
            h,
            "<li><a href=\"/skjema/{}\">{}</a><p>{}</p><p class=\"meta\">{} {}{deadline}</p></li>",
            esc(&r.uuid),
            esc(&r.title),
            esc(&r.abstract_text),
            say(&visit, "Mottaker:", "Receiver:"),
            esc(p["receiver"]["name"].as_str().unwrap_or("")),
        );
    }
    h.push_str("</ul>");
    let _ = write!(
        h,
        "<p><a href=\"/minside\">{}</a></p>",
        say(&visit, "Skjema du har fylt ut, på Min side", "Forms you filled in, on MyPage")
    );
    visit.page(title, &h, &[])
}

/// `GET /skjema/{uuid}`: the form to fill in (logged in), with the draft `?utkast=` when
/// one is given.
async fn fill(Ctx(state): Ctx, visit: Visit, Path(uuid): Path<String>) -> Response {
    let (record, form) = match form(&state, &uuid).await {
        Ok(f) => f,
        Err(p) => return refused(&visit, &p),
    };
    let user = match citizen(&state) {
        Ok(u) => u,
        Err(p) => return refused(&visit, &p),
    };
    let mut draft_id = String::new();
    let mut values = Value::Null;
    if let Some(id) = visit.param("utkast") {
        let id = id.to_string();
        let draft = state.blocking(move |s| s.catalogue.get(&id)).await.ok().and_then(Result::ok).flatten();
        if let Some(d) = draft.filter(|d| {
            d.kind == fjord_portals::altinn::SUBMISSION
                && d.properties
                    .as_ref()
                    .is_some_and(|p| p["submitter"]["user"] == user.as_str() && p["status"] == "draft")
        }) {
            draft_id = d.uuid.clone();
            values = d.properties.as_ref().map_or(Value::Null, |p| p["data"].clone());
        }
    }
    let p = record.properties.clone().unwrap_or_default();
    let mut h = format!(
        "<h1>{}</h1><p>{}</p><dl class=\"receipt\"><dt>{}</dt><dd>{}</dd>",
        esc(&record.title),
        esc(&record.abstract_text),
        say(&visit, "Mottaker", "Receiver"),
        esc(&form.receiver.name)
    );
    for (key, nb, en) in [("deadline", "Frist", "Deadline"), ("period", "Periode", "Period")] {
        if let Some(v) = p[key].as_str() {
            let _ = write!(h, "<dt>{}</dt><dd>{}</dd>", say(&visit, nb, en), esc(v));
        }
    }
    let _ = write!(
        h,
        "</dl><form id=\"altinn\" class=\"login\" data-form=\"{}\" data-submission=\"{}\" data-saved-text=\"{}\" novalidate>\
         <p class=\"meta\">{}</p>",
        esc(&record.uuid),
        esc(&draft_id),
        say(&visit, "Utkastet er lagret.", "The draft is saved."),
        say(&visit, "Felt merket * må fylles ut før du sender inn.", "Fields marked * must be filled in before you send.")
    );
    h.push_str(&organisations(&state, &visit, &form));
    h.push_str(&fields(&p["schema"], &values));
    let _ = write!(
        h,
        "<p><button type=\"button\" data-save>{}</button> <button type=\"button\" data-send>{}</button></p>\
         <p role=\"status\" data-saved></p><p class=\"error\" role=\"alert\" data-problem></p></form>",
        say(&visit, "Lagre utkast", "Save draft"),
        say(&visit, "Send inn", "Send"),
    );
    visit.page(&record.title, &h, &["altinn.js"])
}

/// The choice of organisation to send on behalf of, where the form allows it: the
/// caller's organisations (and "myself" where citizens may send it too).
fn organisations(state: &AppState, visit: &Visit, form: &fjord_portals::altinn::Form) -> String {
    if !form.submitters.iter().any(|s| s == "organisation") {
        return String::new();
    }
    let mut orgs: Vec<&str> = state.caller.memberships.iter().map(|m| m.org.as_str()).collect();
    orgs.sort();
    orgs.dedup();
    let mut h = format!(
        "<label for=\"organisation\">{}</label><select id=\"organisation\" name=\"organisation\">",
        say(visit, "På vegne av", "On behalf of")
    );
    if form.submitters.iter().any(|s| s == "citizen") {
        let _ = write!(h, "<option value=\"\">{}</option>", say(visit, "meg selv", "myself"));
    }
    for o in orgs {
        let _ = write!(h, "<option value=\"{0}\">{0}</option>", esc(o));
    }
    h.push_str("</select>");
    h
}

/// Input fields for a JSON Schema's top-level properties, the required ones first:
/// text, number, date, a choice (`enum`) or a checkbox, each with its label; `values`
/// fills them in.
pub fn fields(schema: &Value, values: &Value) -> String {
    let empty = serde_json::Map::new();
    let props = schema["properties"].as_object().unwrap_or(&empty);
    let required: Vec<&str> = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let mut names: Vec<&str> = required.iter().copied().filter(|n| props.contains_key(*n)).collect();
    names.extend(props.keys().map(String::as_str).filter(|n| !required.contains(n)));
    let mut h = String::new();
    for name in names {
        let s = &props[name];
        let must = required.contains(&name);
        let id = format!("f-{}", esc(name));
        let label = format!("{}{}", esc(s["title"].as_str().unwrap_or(name)), if must { " *" } else { "" });
        let value = &values[name];
        let text = value
            .as_str()
            .map_or_else(|| if value.is_null() { String::new() } else { value.to_string() }, str::to_string);
        let req = if must { " aria-required=\"true\"" } else { "" };
        let kind = s["type"].as_str().unwrap_or("string");
        if let Some(options) = s["enum"].as_array() {
            let _ = write!(h, "<label for=\"{id}\">{label}</label><select id=\"{id}\" name=\"{}\" data-type=\"{kind}\"{req}><option value=\"\"></option>", esc(name));
            for o in options {
                let o = o.as_str().map_or_else(|| o.to_string(), str::to_string);
                let sel = if o == text { " selected" } else { "" };
                let _ = write!(h, "<option{sel}>{}</option>", esc(&o));
            }
            h.push_str("</select>");
        } else if kind == "boolean" {
            let checked = if value == true { " checked" } else { "" };
            let _ = write!(h, "<p class=\"check\"><input type=\"checkbox\" id=\"{id}\" name=\"{}\" data-type=\"boolean\"{checked}> <label for=\"{id}\">{label}</label></p>", esc(name));
        } else {
            let input = match (kind, s["format"].as_str()) {
                ("integer", _) => "number\" step=\"1",
                ("number", _) => "number\" step=\"any",
                (_, Some("date")) => "date",
                (_, Some("email")) => "email",
                _ => "text",
            };
            let _ = write!(h, "<label for=\"{id}\">{label}</label><input type=\"{input}\" id=\"{id}\" name=\"{}\" data-type=\"{kind}\" value=\"{}\"{req}>", esc(name), esc(&text));
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_schema_makes_labelled_inputs_required_first() {
        let schema = json!({
            "type": "object",
            "required": ["when", "count"],
            "properties": {
                "a_note": {"type": "string", "title": "Merknad"},
                "count": {"type": "integer", "title": "Antall"},
                "when": {"type": "string", "format": "date", "title": "Dato"},
                "kind": {"type": "string", "enum": ["hus", "<hytte>"]},
                "secret": {"type": "boolean", "title": "Skjermet"}
            }
        });
        let h = fields(&schema, &json!({"count": 3, "kind": "<hytte>"}));
        let at = |s: &str| h.find(s).unwrap_or_else(|| panic!("{s} in {h}"));
        assert!(at("f-when") < at("f-count") && at("f-count") < at("f-a_note"), "{h}");
        assert!(h.contains("<label for=\"f-when\">Dato *</label><input type=\"date\""), "{h}");
        assert!(h.contains("type=\"number\" step=\"1\" id=\"f-count\" name=\"count\" data-type=\"integer\" value=\"3\" aria-required=\"true\""), "{h}");
        assert!(h.contains("<option selected>&lt;hytte&gt;</option>"), "{h}");
        assert!(h.contains("type=\"checkbox\" id=\"f-secret\""), "{h}");
        assert_eq!(fields(&json!({"type": 3}), &Value::Null), "");
    }
}
