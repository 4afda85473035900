//! The portals' HTTP side: the record writes every portal shares (`records`), and one
//! module per portal with its JSON API and pages. A portal's kinds, workflow and sample
//! records live in fjord-portals; here only the routes, over the one catalogue, search
//! and access policy.

pub mod altinn;
pub mod altinn_pages;
pub mod doffin;
pub mod folkeregister;
pub mod kostra;
pub mod layer;
pub mod mypage;
pub mod norway;
pub mod oep;
pub mod records;
pub mod regelhjelp;
pub mod standards;

use crate::app::AppState;
use crate::catalogue_api::run_search_all;
use crate::problem::Problem;
use fjord_catalogue::{Order, Record, SearchQuery};
use serde_json::Value;

/// Every portal's routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .merge(records::routes())
        .merge(norway::routes())
        .merge(standards::routes())
        .merge(regelhjelp::routes())
        .merge(doffin::routes())
        .merge(folkeregister::routes())
        .merge(oep::routes())
        .merge(altinn::routes())
        .merge(altinn_pages::routes())
        .merge(kostra::routes())
        .merge(mypage::routes())
}

/// Every portal's paths for the OpenAPI document: (path, path item).
pub fn openapi() -> Vec<(&'static str, Value)> {
    [
        records::openapi(),
        norway::openapi(),
        standards::openapi(),
        regelhjelp::openapi(),
        doffin::openapi(),
        folkeregister::openapi(),
        oep::openapi(),
        altinn::openapi(),
        kostra::openapi(),
        mypage::openapi(),
    ]
    .concat()
}

/// Every record of `kind` (on `theme` when given) the caller may see, by title, through
/// the one catalogue search and its access policy.
pub async fn every(state: &AppState, kind: &str, theme: Option<&str>) -> Result<Vec<Record>, Problem> {
    let q = SearchQuery {
        kind: Some(kind.to_string()),
        theme: theme.map(str::to_string),
        order: Order::Title,
        ..SearchQuery::default()
    };
    run_search_all(state, q).await
}

/// The record `uuid` of `kind` if the caller may see it; 404 otherwise.
pub async fn one(state: &AppState, kind: &str, uuid: &str) -> Result<Record, Problem> {
    let id = uuid.to_string();
    let found = state.blocking(move |s| s.catalogue.get(&id)).await.map_err(Problem::internal)??;
    match found {
        Some(r) if r.kind == kind && crate::catalogue_api::shown(state, &r.kind, &r.access) => Ok(r),
        _ => Err(Problem::not_found(format!("no {kind} '{uuid}'"))),
    }
}

/// What follows a write (or removal) of portal record `record` by `by`, off the runtime:
/// Doffin's map layer follows its notices past a draft. The record is written whatever
/// happens here: a layer that cannot be published again is logged, keeps serving its
/// last version, and catches up at the next change.
pub(crate) fn after_write(s: &AppState, record: &fjord_catalogue::Record, by: &str) {
    use fjord_portals::doffin;
    if record.kind == doffin::KIND && doffin::status_of(record) != Some(doffin::Status::Draft) {
        if let Err(e) = self::doffin::layer::publish(&s.store, &s.catalogue, &s.config.data.dir.join("tmp"), by) {
            tracing::error!(error = %e, record = %record.uuid, "the tender notices' map layer could not be published");
        }
    }
}

/// A text in the page's language (each portal keeps its texts beside its pages).
pub(crate) fn tr(lang: crate::pages::i18n::Lang, nb: &'static str, en: &'static str) -> &'static str {
    match lang {
        crate::pages::i18n::Lang::Nb => nb,
        crate::pages::i18n::Lang::En => en,
    }
}

/// Where a record of any kind is shown to a citizen: its portal's page, or the
/// catalogue's.
pub fn page_of(r: &Record) -> String {
    let uuid = fjord_core::url::encode_component(&r.uuid);
    match r.kind.as_str() {
        fjord_portals::norway::AUTHORITY => format!("/norge/virksomheter/{uuid}"),
        fjord_portals::standards::STANDARD => format!("/standarder/{uuid}"),
        fjord_portals::regelhjelp::REGULATION => format!("/regelhjelp#{uuid}"),
        fjord_portals::doffin::KIND => format!("/doffin/{uuid}"),
        fjord_portals::altinn::FORM => format!("/skjema/{uuid}"),
        fjord_portals::oep::RECORD => format!("/oep?q={}", fjord_core::url::encode_component(&r.title)),
        "dataset" | "service" => format!("/metadata/{uuid}"),
        _ => format!("/api/catalogue/records/{uuid}"),
    }
}

/// A query parameter, trimmed; `None` when absent or empty.
pub fn given<'a>(p: &'a std::collections::HashMap<String, String>, name: &str) -> Option<&'a str> {
    p.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// An `<option>` of a page's `<select>`, selected when `on`.
pub fn option(value: &str, label: &str, on: bool) -> String {
    use crate::home::esc;
    format!("<option value=\"{}\"{}>{}</option>", esc(value), if on { " selected" } else { "" }, esc(label))
}

/// The start of a portal's search page: its heading, a line about it and the search
/// form with its text field, left open for the portal's own filters.
pub(crate) fn search_form(visit: &crate::pages::layout::Visit, action: &str, title: &str, intro: &str) -> String {
    let l = visit.lang;
    format!(
        "<h1>{title}</h1><p>{intro}</p><form class=\"search\" method=\"get\" action=\"{action}\" role=\"search\">\
         <label for=\"q\">{words}</label><div class=\"bar\"><input id=\"q\" name=\"q\" type=\"search\" value=\"{q}\">\
         <button type=\"submit\">{find}</button></div>",
        words = tr(l, "Søkeord", "Search words"),
        q = crate::home::esc(visit.param("q").unwrap_or("")),
        find = tr(l, "Søk", "Search"),
    )
}
