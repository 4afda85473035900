//! `GET /nedlasting`: the download basket, as Kartkatalog's. The basket itself lives in
//! the browser (localStorage, kept by `static/basket.js`); this page lists it, asks who
//! orders and why (GeoNorge's usage groups and purposes), and orders everything through
//! the Download API (`POST /api/order`), then opens the order's page.

use super::i18n::Lang;
use super::layout::Visit;
use crate::home::esc;
use axum::response::Response;
use std::fmt::Write;

/// GeoNorge's usage groups: the value sent, then its bokmål and English labels.
const USAGE_GROUPS: [(&str, &str, &str); 5] = [
    ("Privatperson", "Privatperson", "Private person"),
    ("Offentlig forvaltning", "Offentlig forvaltning", "Public administration"),
    ("Næringsliv", "Næringsliv", "Business"),
    ("Utdanning og forskning", "Utdanning og forskning", "Education and research"),
    ("Frivillig organisasjon", "Frivillig organisasjon", "Voluntary organisation"),
];

/// GeoNorge's usage purposes, as [`USAGE_GROUPS`].
const PURPOSES: [(&str, &str, &str); 7] = [
    ("Beredskap", "Beredskap", "Emergency preparedness"),
    ("Fritid", "Fritid", "Leisure"),
    ("Forskning", "Forskning", "Research"),
    ("Næringsvirksomhet", "Næringsvirksomhet", "Business"),
    ("Offentlig saksbehandling", "Offentlig saksbehandling", "Public case work"),
    ("Undervisning", "Undervisning", "Teaching"),
    ("Annet", "Annet", "Other"),
];

/// `<option>`s of a list in the page's language.
fn options(h: &mut String, lang: Lang, list: &[(&str, &str, &str)]) {
    for (value, nb, en) in list {
        let label = if lang == Lang::En { en } else { nb };
        let _ = write!(h, "<option value=\"{}\">{}</option>", esc(value), esc(label));
    }
}

/// `GET /nedlasting`
pub async fn page(visit: Visit) -> Response {
    let t = visit.lang.texts();
    let mut h = String::new();
    let _ = write!(
        h,
        "<h1>{title}</h1><div id=\"basket\" data-logged-in=\"{logged_in}\" data-login=\"{login}\" \
         data-remove=\"{remove}\" data-log-in=\"{log_in}\" data-login-needed=\"{needed}\" \
         data-area=\"{area}\" data-projection=\"{projection}\" data-format=\"{format}\">\
         <p id=\"basket-empty\">{empty}</p><ul id=\"basket-lines\" class=\"lines\"></ul>\
         <form id=\"order\" hidden><label for=\"email\" data-needed=\"{email_needed}\">{email}</label>\
         <input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\">\
         <label for=\"usage-group\">{group}</label><select id=\"usage-group\" name=\"usageGroup\">",
        title = t.basket,
        logged_in = visit.logged_in,
        login = esc(&visit.login_href()),
        remove = t.remove,
        log_in = t.log_in,
        needed = t.login_to_download,
        area = t.area,
        projection = t.projection,
        format = t.format,
        empty = t.basket_empty,
        email = t.email,
        email_needed = t.email_needed,
        group = t.usage_group,
    );
    options(&mut h, visit.lang, &USAGE_GROUPS);
    let _ = write!(
        h,
        "</select><label for=\"purpose\">{}</label><select id=\"purpose\" name=\"usagePurpose\">",
        t.usage_purpose
    );
    options(&mut h, visit.lang, &PURPOSES);
    let _ = write!(
        h,
        "</select><button type=\"submit\" data-busy=\"{}\">{}</button><p id=\"order-status\" role=\"status\"></p></form></div>",
        t.ordering, t.order
    );
    visit.page(t.basket, &h, &[])
}
