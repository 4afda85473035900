//! The portals' HTTP side: the record writes every portal shares (`records`), and one
//! module per portal with its JSON API and pages. A portal's kinds, workflow and sample
//! records live in fjord-portals; here only the routes, over the one catalogue, search
//! and access policy.

pub mod doffin;
pub mod folkeregister;
pub mod oep;
pub mod records;

use crate::app::AppState;
use serde_json::Value;

/// Every portal's routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .merge(records::routes())
        .merge(doffin::routes())
        .merge(folkeregister::routes())
        .merge(oep::routes())
}

/// Every portal's paths for the OpenAPI document: (path, path item).
pub fn openapi() -> Vec<(&'static str, Value)> {
    [records::openapi(), doffin::openapi(), folkeregister::openapi(), oep::openapi()].concat()
}

/// What follows a write (or removal) of portal record `record` by `by`, off the runtime:
/// Doffin's map layer follows its notices past a draft.
pub(crate) fn after_write(s: &AppState, record: &fjord_catalogue::Record, by: &str) -> Result<(), String> {
    use fjord_portals::doffin;
    if record.kind == doffin::KIND && doffin::status_of(record) != Some(doffin::Status::Draft) {
        self::doffin::layer::publish(&s.store, &s.catalogue, &s.config.data.dir.join("tmp"), by)?;
    }
    Ok(())
}

/// A text in the page's language (each portal keeps its texts beside its pages).
pub(crate) fn tr(lang: crate::pages::i18n::Lang, nb: &'static str, en: &'static str) -> &'static str {
    match lang {
        crate::pages::i18n::Lang::Nb => nb,
        crate::pages::i18n::Lang::En => en,
    }
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
