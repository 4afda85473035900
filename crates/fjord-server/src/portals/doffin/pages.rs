//! Doffin's pages, in the catalogue pages' frame: `/doffin` (the suppliers' search with a
//! map of the notices from OGC API Features), `/doffin/{uuid}` (one notice, with the
//! buyer's buttons to publish, award or close it) and `/doffin/ny` (the buyer's form to
//! draft and publish a notice). The texts, bokmål and English, live here.

use super::super::{search_form, tr};
use crate::app::AppState;
use crate::auth::Ctx;
use crate::home::esc;
use crate::pages::i18n::Lang;
use crate::pages::layout::{query_string, Visit};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use fjord_catalogue::Record;
use fjord_portals::doffin::{self, Status};
use serde_json::Value;
use std::fmt::Write;

/// The page routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/doffin", get(search))
        .route("/doffin/ny", get(new_notice))
        .route("/doffin/{uuid}", get(notice))
}

/// A status as the pages name it.
fn status_label(lang: Lang, s: Option<Status>) -> &'static str {
    match s {
        Some(Status::Draft) => tr(lang, "Utkast", "Draft"),
        Some(Status::Published) => tr(lang, "Kunngjort", "Published"),
        Some(Status::Awarded) => tr(lang, "Tildelt", "Awarded"),
        Some(Status::Closed) => tr(lang, "Avsluttet", "Closed"),
        None => "",
    }
}

/// A property of a notice as text.
fn prop(r: &Record, path: &[&str]) -> String {
    let mut v = r.properties.as_ref().unwrap_or(&Value::Null);
    for p in path {
        v = &v[*p];
    }
    match v {
        Value::String(s) => s.clone(),
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `GET /doffin?q=&cpv=&status=`: the search form, the hits and the map.
async fn search(Ctx(state): Ctx, visit: Visit) -> Response {
    let l = visit.lang;
    let mut params = visit.params();
    params.entry("limit".into()).or_insert_with(|| "50".into());
    let (total, hits) = match super::find(&state, &params).await {
        Ok(found) => found,
        Err(p) => return visit.error(p.status, &p.detail),
    };
    let field = |name: &str| esc(visit.param(name).unwrap_or(""));
    let mut h = search_form(
        &visit,
        "/doffin",
        tr(l, "Doffin – offentlige anskaffelser", "Doffin – public procurement"),
        tr(
            l,
            "Finn kunngjorte konkurranser fra offentlige oppdragsgivere over hele landet.",
            "Find calls for tenders from public buyers all over Norway.",
        ),
    );
    let _ = write!(
        h,
        "<label for=\"cpv\">{cpv}</label><input id=\"cpv\" name=\"cpv\" inputmode=\"numeric\" value=\"{cpv_v}\">\
         <label for=\"status\">{status}</label><select id=\"status\" name=\"status\"><option value=\"\">{any}</option>",
        cpv = tr(l, "CPV-kode (eller de første sifrene)", "CPV code (or its first digits)"),
        cpv_v = field("cpv"),
        status = tr(l, "Status", "Status"),
        any = tr(l, "Alle", "Any"),
    );
    for s in Status::ALL {
        let on = if visit.param("status") == Some(s.name()) { " selected" } else { "" };
        let _ = write!(h, "<option value=\"{}\"{on}>{}</option>", s.name(), status_label(l, Some(s)));
    }
    let _ = write!(
        h,
        "</select></form><p><a href=\"/doffin/ny\">{new}</a></p>\
         <section aria-labelledby=\"map-heading\"><h2 id=\"map-heading\">{map}</h2>\
         <div id=\"doffin-map\" class=\"map preview\" tabindex=\"0\" role=\"region\" aria-label=\"{map}\" \
         data-collection=\"{layer}\"></div><p class=\"help\">{map_help}</p></section>\
         <section aria-labelledby=\"hits-heading\"><h2 id=\"hits-heading\">{n} {found}</h2><ul class=\"hits\">",
        new = tr(l, "Ny kunngjøring (for oppdragsgivere)", "New notice (for buyers)"),
        map = tr(l, "Kart over kunngjøringene", "Map of the notices"),
        layer = doffin::LAYER,
        map_help = tr(
            l,
            "Kartet viser kunngjorte, tildelte og avsluttede konkurranser fra OGC API Features.",
            "The map shows published, awarded and closed notices from OGC API Features."
        ),
        n = total,
        found = tr(l, "treff", "found"),
    );
    for r in &hits {
        let _ = write!(
            h,
            "<li class=\"hit\"><div><h3><a href=\"/doffin/{uuid}\">{title}</a></h3>\
             <p class=\"meta\">{buyer} · CPV {cpv} · {deadline_l} {deadline} · <span class=\"badge\">{status}</span></p>\
             <p>{abs}</p></div></li>",
            uuid = esc(&r.uuid),
            title = esc(&r.title),
            buyer = esc(&prop(r, &["buyer", "name"])),
            cpv = esc(&prop(r, &["cpv"])),
            deadline_l = tr(l, "frist", "deadline"),
            deadline = esc(&prop(r, &["deadline"])),
            status = status_label(l, doffin::status_of(r)),
            abs = esc(&r.abstract_text),
        );
    }
    h.push_str("</ul>");
    if total > hits.len() {
        let mut more = visit.params().into_iter().filter(|(k, _)| k != "limit").collect::<Vec<_>>();
        more.push(("limit".into(), "200".into()));
        more.sort();
        let _ = write!(
            h,
            "<p class=\"pages\"><a href=\"/doffin?{}\">{}</a></p>",
            esc(&query_string(&more)),
            tr(l, "Vis flere", "Show more")
        );
    }
    h.push_str("</section>");
    visit.page(tr(l, "Doffin", "Doffin"), &h, &["ol.js", "doffin.js"])
}

/// `GET /doffin/{uuid}`: one notice; its buyer's uploaders get the next steps' buttons.
async fn notice(Ctx(state): Ctx, visit: Visit, Path(uuid): Path<String>) -> Response {
    let l = visit.lang;
    let r = match super::notice(&state, &uuid, true).await {
        Ok(r) => r,
        Err(p) if p.status == StatusCode::NOT_FOUND => return visit.error(StatusCode::NOT_FOUND, &p.detail),
        Err(p) => return visit.error(p.status, &p.detail),
    };
    let status = doffin::status_of(&r);
    let mut h = String::new();
    let _ = write!(
        h,
        "<h1>{title}</h1><p class=\"meta\">{buyer} · <span class=\"badge\" id=\"status\">{status}</span></p>\
         <div class=\"columns\"><section aria-labelledby=\"about\"><h2 id=\"about\">{about}</h2><p>{abs}</p><dl class=\"facts\">",
        title = esc(&r.title),
        buyer = esc(&prop(&r, &["buyer", "name"])),
        status = status_label(l, status),
        about = tr(l, "Om konkurransen", "About the call"),
        abs = esc(&r.abstract_text),
    );
    let value = match (prop(&r, &["value_estimate", "amount"]), prop(&r, &["value_estimate", "currency"])) {
        (a, c) if !a.is_empty() => format!("{a} {c}"),
        _ => String::new(),
    };
    let facts = [
        (tr(l, "Oppdragsgiver", "Buyer"), prop(&r, &["buyer", "name"])),
        (tr(l, "Organisasjonsnummer", "Organisation number"), prop(&r, &["buyer", "organisation_number"])),
        ("CPV", prop(&r, &["cpv"])),
        (tr(l, "Tilbudsfrist", "Tender deadline"), prop(&r, &["deadline"])),
        (tr(l, "Anslått verdi", "Estimated value"), value),
        (tr(l, "Prosedyre", "Procedure"), prop(&r, &["procedure"])),
        (tr(l, "Tildelt til", "Awarded to"), prop(&r, &["awarded_to"])),
    ];
    for (name, v) in facts.iter().filter(|(_, v)| !v.is_empty()) {
        let _ = write!(h, "<dt>{name}</dt><dd>{}</dd>", esc(v));
    }
    h.push_str("</dl>");
    if state.caller.may_upload(&r.organisation.id) {
        let next: Vec<Status> =
            Status::ALL.into_iter().filter(|n| status.is_some_and(|s| s != *n && s.may_become(*n))).collect();
        if !next.is_empty() {
            let _ = write!(
                h,
                "<h2>{}</h2><div class=\"actions\" data-notice=\"{}\">",
                tr(l, "Neste steg", "Next step"),
                esc(&r.uuid)
            );
            for n in next {
                let verb = match n {
                    Status::Published => tr(l, "Kunngjør", "Publish"),
                    Status::Awarded => tr(l, "Tildel", "Award"),
                    _ => tr(l, "Avslutt", "Close"),
                };
                let _ = write!(h, "<button type=\"button\" data-status=\"{}\">{verb}</button> ", n.name());
            }
            h.push_str("<p role=\"status\" class=\"error\" id=\"action-result\"></p></div>");
        }
    }
    h.push_str("</section>");
    if let Some(b) = r.bbox {
        let _ = write!(
            h,
            "<section aria-labelledby=\"place\"><h2 id=\"place\">{place}</h2><div id=\"doffin-place\" class=\"map\" \
             tabindex=\"0\" role=\"region\" aria-label=\"{place}\" data-extent=\"{},{},{},{}\"></div></section>",
            b.west,
            b.south,
            b.east,
            b.north,
            place = tr(l, "Sted", "Place"),
        );
    }
    h.push_str("</div>");
    visit.page(&r.title, &h, &["ol.js", "doffin.js"])
}

/// `GET /doffin/ny`: the buyer's form (log in first; the organisations the caller writes
/// for to choose from).
async fn new_notice(Ctx(state): Ctx, visit: Visit) -> Response {
    let l = visit.lang;
    if state.caller.subject.is_none() {
        let body = format!(
            "<h1>{}</h1><p class=\"notice\">{} <a href=\"{}\">{}</a></p>",
            tr(l, "Ny kunngjøring", "New notice"),
            tr(l, "Oppdragsgivere logger inn for å kunngjøre.", "Buyers log in to publish notices."),
            esc(&visit.login_href()),
            tr(l, "Logg inn", "Log in"),
        );
        return visit.page(tr(l, "Ny kunngjøring", "New notice"), &body, &[]);
    }
    let orgs: Vec<&str> =
        state.caller.memberships.iter().map(|m| m.org.as_str()).filter(|o| state.caller.may_upload(o)).collect();
    if orgs.is_empty() {
        return visit
            .error(StatusCode::FORBIDDEN, tr(l, "Du skriver ikke for noen oppdragsgiver.", "You write for no buyer."));
    }
    let mut options = String::new();
    for o in &orgs {
        let _ = write!(options, "<option value=\"{0}\">{0}</option>", esc(o));
    }
    let input = |id: &str, label: &str, kind: &str, extra: &str| {
        format!("<label for=\"{id}\">{label}</label><input id=\"{id}\" name=\"{id}\" type=\"{kind}\" {extra}>")
    };
    let mut h = format!(
        "<h1>{title}</h1><form id=\"notice-form\" class=\"login\">\
         <label for=\"org\">{org}</label><select id=\"org\" name=\"org\">{options}</select>",
        title = tr(l, "Ny kunngjøring", "New notice"),
        org = tr(l, "Oppdragsgiver (organisasjon)", "Buyer (organisation)"),
    );
    h.push_str(&input("title", tr(l, "Tittel", "Title"), "text", "required"));
    h.push_str(&input("abstract", tr(l, "Beskrivelse", "Description"), "text", ""));
    h.push_str(&input("buyer_name", tr(l, "Oppdragsgivers navn", "Buyer's name"), "text", "required"));
    h.push_str(&input(
        "orgnr",
        tr(l, "Organisasjonsnummer", "Organisation number"),
        "text",
        "required inputmode=\"numeric\"",
    ));
    h.push_str(&input(
        "cpv",
        tr(l, "CPV-koder (komma mellom)", "CPV codes (comma between)"),
        "text",
        "required placeholder=\"45233141-9\"",
    ));
    h.push_str(&input("deadline", tr(l, "Tilbudsfrist (UTC)", "Tender deadline (UTC)"), "datetime-local", "required"));
    h.push_str(&input("amount", tr(l, "Anslått verdi (NOK)", "Estimated value (NOK)"), "number", "min=\"0\""));
    let _ = write!(
        h,
        "<label for=\"procedure\">{p}</label><select id=\"procedure\" name=\"procedure\">\
         <option value=\"open\">{open}</option><option value=\"restricted\">{restricted}</option>\
         <option value=\"negotiated\">{negotiated}</option><option value=\"below-threshold\">{below}</option></select>",
        p = tr(l, "Prosedyre", "Procedure"),
        open = tr(l, "Åpen anbudskonkurranse", "Open procedure"),
        restricted = tr(l, "Begrenset anbudskonkurranse", "Restricted procedure"),
        negotiated = tr(l, "Konkurranse med forhandling", "Negotiated procedure"),
        below = tr(l, "Under terskelverdi", "Below threshold"),
    );
    h.push_str(&input("lon", tr(l, "Sted: lengdegrad", "Place: longitude"), "number", "required step=\"any\""));
    h.push_str(&input("lat", tr(l, "Sted: breddegrad", "Place: latitude"), "number", "required step=\"any\""));
    let _ = write!(
        h,
        "<p class=\"help\">{click}</p><div id=\"pick-map\" class=\"map\" tabindex=\"0\" role=\"region\" aria-label=\"{pick}\"></div>\
         <button type=\"submit\" name=\"then\" value=\"draft\">{save}</button> \
         <button type=\"submit\" name=\"then\" value=\"published\">{publish}</button>\
         <p role=\"status\" class=\"error\" id=\"form-result\"></p></form>",
        click = tr(l, "Klikk i kartet for å velge stedet.", "Click the map to pick the place."),
        pick = tr(l, "Velg sted", "Pick the place"),
        save = tr(l, "Lagre utkast", "Save draft"),
        publish = tr(l, "Kunngjør", "Publish"),
    );
    visit.page(tr(l, "Ny kunngjøring", "New notice"), &h, &["ol.js", "doffin.js"])
}
