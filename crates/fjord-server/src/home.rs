//! `GET /`: a plain HTML front page: search the catalogue, see each dataset's facts.
//! The full citizen pages (map preview, basket, login) come with the catalogue issue.

use crate::auth::Ctx;
use crate::catalogue_api::{parse_search, run_search};
use crate::problem::Problem;
use axum::extract::Query;
use axum::response::Html;
use std::collections::HashMap;
use std::fmt::Write;

/// Escape text for HTML element content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// `GET /?q=`
pub async fn page(Ctx(state): Ctx, Query(params): Query<HashMap<String, String>>) -> Result<Html<String>, Problem> {
    let mut params = params;
    params.entry("limit".into()).or_insert_with(|| "50".into());
    let q = parse_search(&params, state.config.limits.max_search_limit.max(50)).map_err(Problem::bad_request)?;
    let text = q.q.clone().unwrap_or_default();
    let result = run_search(&state, q).await?;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"no\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>fjord – kartkatalog</title><style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}}\
         li{{margin:.8rem 0}} .meta{{color:#555;font-size:.9rem}}</style></head><body>\
         <h1>fjord kartkatalog</h1><form action=\"/\" method=\"get\" role=\"search\"><label for=\"q\">Søk i katalogen</label> \
         <input id=\"q\" name=\"q\" value=\"{}\" placeholder=\"f.eks. høydedata, fylker\"> <button>Søk</button></form>\
         <p>{} treff</p><ul>",
        esc(&text),
        result.total
    );
    for hit in &result.hits {
        let r = &hit.record;
        let _ = write!(
            h,
            "<li><a href=\"/api/catalogue/records/{uuid}\"><strong>{title}</strong></a><br>{abs}<div class=\"meta\">{org} · {theme} · {n} objekter · versjon {v}</div></li>",
            uuid = esc(&r.uuid),
            title = esc(&r.title),
            abs = esc(&r.abstract_text),
            org = esc(&r.organisation.name),
            theme = esc(r.theme.as_deref().unwrap_or("")),
            n = r.feature_count.unwrap_or(0),
            v = r.version.unwrap_or(0),
        );
    }
    h.push_str("</ul><p class=\"meta\">JSON: <a href=\"/api/catalogue/search\">/api/catalogue/search</a> · <a href=\"/health\">/health</a> · <a href=\"/metrics\">/metrics</a></p></body></html>");
    Ok(Html(h))
}
