//! Regelhjelp over the one catalogue: which rules (kind `regulation`) apply to a
//! business in an industry (NACE code) on a topic, across every authority, grouped by
//! authority (`fjord_portals::regelhjelp`). JSON at `/api/regelhjelp`, the guide at
//! `/regelhjelp`.

use super::{every, given, option, tr};
use crate::app::AppState;
use crate::auth::Ctx;
use crate::home::esc;
use crate::pages::layout::Visit;
use crate::problem::Problem;
use axum::extract::Query;
use axum::response::Response;
use axum::routing::get;
use axum::Json;
use fjord_catalogue::{Organisation, Record};
use fjord_portals::draft::text;
use fjord_portals::regelhjelp::{self, INDUSTRIES, REGULATION};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::fmt::Write;

/// The routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/api/regelhjelp", get(guide)).route("/regelhjelp", get(page))
}

/// The rules that apply to industry `nace` (any when absent; refused naming `nace` when
/// not a code) on `topic` (any when absent), grouped by authority.
async fn applicable(
    state: &AppState,
    nace: Option<&str>,
    topic: Option<&str>,
) -> Result<Vec<(Organisation, Vec<Record>)>, Problem> {
    let nace = nace.map(regelhjelp::parse_nace).transpose()?;
    let all = every(state, REGULATION, None).await?;
    let rules = all.into_iter().filter(|r| regelhjelp::applies(r, nace.as_deref(), topic)).collect();
    Ok(regelhjelp::by_authority(rules))
}

/// `GET /api/regelhjelp?nace=&topic=`: the rules that apply, grouped by authority.
async fn guide(Ctx(state): Ctx, Query(p): Query<HashMap<String, String>>) -> Result<Json<Value>, Problem> {
    let groups = applicable(&state, given(&p, "nace"), given(&p, "topic")).await?;
    let total: usize = groups.iter().map(|(_, rules)| rules.len()).sum();
    let authorities: Vec<Value> =
        groups.into_iter().map(|(org, rules)| json!({"authority": org, "regulations": rules})).collect();
    Ok(Json(
        json!({"nace": given(&p, "nace"), "topic": given(&p, "topic"), "total": total, "authorities": authorities}),
    ))
}

/// `GET /regelhjelp?nace=&topic=`: the guide: an industry and a topic to choose, and the
/// rules that apply, by authority.
async fn page(Ctx(state): Ctx, visit: Visit) -> Response {
    let lang = visit.lang;
    let (nace, topic) = (visit.param("nace"), visit.param("topic"));
    let all_topics: Vec<String> = match every(&state, REGULATION, None).await {
        Ok(all) => {
            let mut t: Vec<String> = all.into_iter().filter_map(|r| r.theme).collect();
            t.sort_unstable();
            t.dedup();
            t
        }
        Err(p) => return visit.error(p.status, &p.detail),
    };
    let groups = match applicable(&state, nace, topic).await {
        Ok(g) => g,
        Err(p) => return visit.error(p.status, &p.detail),
    };
    let title = "Regelhjelp";
    let industries: String = std::iter::once(option("", tr(lang, "Alle bransjer", "Every industry"), nace.is_none()))
        .chain(
            INDUSTRIES
                .iter()
                .map(|(code, nb, en)| option(code, &format!("{code} {}", tr(lang, nb, en)), nace == Some(*code))),
        )
        .collect();
    let topics: String = std::iter::once(option("", tr(lang, "Alle tema", "Every topic"), topic.is_none()))
        .chain(all_topics.iter().map(|t| option(t, t, topic == Some(t.as_str()))))
        .collect();
    let total: usize = groups.iter().map(|(_, rules)| rules.len()).sum();
    let mut h = format!(
        "<h1>{title}</h1><p>{intro}</p><form method=\"get\" action=\"/regelhjelp\" class=\"portal\">\
         <label for=\"nace\">{industry_l}</label><select id=\"nace\" name=\"nace\">{industries}</select>\
         <label for=\"topic\">{topic_l}</label><select id=\"topic\" name=\"topic\">{topics}</select>\
         <button>{show}</button></form><h2 id=\"rules\" role=\"status\">{total} {rules_l}</h2>",
        intro = tr(
            lang,
            "Velg bransje og tema, og se hvilke regler som gjelder for virksomheten din, fra alle myndigheter.",
            "Choose an industry and a topic to see the rules that apply to your business, from every authority."
        ),
        industry_l = tr(lang, "Bransje (NACE)", "Industry (NACE)"),
        topic_l = tr(lang, "Tema", "Topic"),
        show = tr(lang, "Vis regler", "Show rules"),
        rules_l = tr(lang, "regler gjelder", "rules apply"),
    );
    for (org, rules) in &groups {
        let _ = write!(h, "<section><h3>{}</h3><ul class=\"lines\">", esc(&org.name));
        for r in rules {
            let _ = write!(
                h,
                "<li id=\"{uuid}\"><strong>{title}</strong> <span class=\"meta\">({theme})</span><br>{req}<br>\
                 <span class=\"meta\">{legal_l}: <a href=\"{url}\">{legal}</a></span></li>",
                uuid = esc(&r.uuid),
                title = esc(&r.title),
                theme = esc(r.theme.as_deref().unwrap_or("")),
                req = esc(text(r, "requirement")),
                legal_l = tr(lang, "Hjemmel", "Legal basis"),
                url = esc(text(r, "url")),
                legal = esc(text(r, "legal_reference")),
            );
        }
        h.push_str("</ul></section>");
    }
    visit.page(title, &h, &[])
}

/// The OpenAPI paths of these routes.
pub fn openapi() -> Vec<(&'static str, Value)> {
    let query = |name: &str, description: &str| json!({"name": name, "in": "query", "required": false, "schema": {"type": "string"}, "description": description});
    vec![(
        "/api/regelhjelp",
        json!({"get": {
            "summary": "The rules that apply to a business, across every authority, grouped by authority",
            "tags": ["Regelhjelp"],
            "parameters": [
                query("nace", "the business's NACE code (56.101); a rule for 56 applies to 56.101"),
                query("topic", "only rules on this topic")
            ],
            "responses": {
                "200": {"description": "the rules by authority", "content": {"application/json": {}}},
                "400": {"$ref": "#/components/responses/BadRequest"}
            }
        }}),
    )]
}
