//! `/api/register` and `/api/register/{name}`: the code lists the services and portals
//! name things from, as GeoNorge's Register serves them: county and municipality numbers
//! (kept by the catalogue in step with the boundary datasets, retired items with their
//! validity), the EPSG codes downloads are offered in, and the partner organisations with
//! their organisation numbers. Each item has `label`, `codevalue`, `status` (`valid`,
//! `retired`), `validFrom` and `validTo`; JSON by default, XML with `?f=xml` or
//! `Accept: application/xml`.

use crate::app::AppState;
use crate::auth::Ctx;
use crate::home::esc;
use crate::ogcapi::base;
use crate::problem::Problem;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use std::fmt::Write;

/// Where a register's items are kept.
#[derive(Clone, Copy)]
enum Source {
    /// a register of the catalogue, by its name there
    Catalogue(&'static str),
    /// the partner organisations of the identity database
    Organisations,
}

/// The registers: (name in the URL, label, where its items are kept).
const REGISTERS: [(&str, &str, Source); 4] = [
    ("fylkesnummer", "Fylkesnummer", Source::Catalogue(fjord_download::offer::COUNTIES)),
    ("kommunenummer", "Kommunenummer", Source::Catalogue(fjord_download::offer::MUNICIPALITIES)),
    ("epsg-koder", "EPSG-koder", Source::Catalogue(fjord_download::offer::PROJECTIONS)),
    ("organisasjoner", "Organisasjoner", Source::Organisations),
];

/// One item of a register.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    label: String,
    codevalue: String,
    status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    valid_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    valid_to: Option<String>,
}

/// The items kept in `source`. Blocks (SQLite).
fn items(s: &AppState, source: Source) -> Result<Vec<Item>, Problem> {
    Ok(match source {
        Source::Catalogue(register) => s
            .catalogue
            .register(register)
            .map_err(Problem::internal)?
            .into_iter()
            .map(|i| Item {
                label: i.name,
                codevalue: i.code,
                status: i.status,
                valid_from: Some(i.valid_from),
                valid_to: i.valid_to,
            })
            .collect(),
        Source::Organisations => s
            .identities
            .orgs()
            .map_err(Problem::internal)?
            .into_iter()
            .map(|o| Item {
                label: o.name,
                codevalue: o.number,
                status: "valid".into(),
                valid_from: None,
                valid_to: None,
            })
            .collect(),
    })
}

/// Whether the client asks for XML.
fn wants_xml(params: &HashMap<String, String>, headers: &HeaderMap) -> bool {
    match params.get("f").map(String::as_str) {
        Some(f) => f == "xml",
        None => headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("xml") && !a.contains("json")),
    }
}

/// `GET /api/register`: the registers there are.
pub async fn index(headers: HeaderMap) -> Response {
    let root = base(&headers, "");
    let list: Vec<_> = REGISTERS
        .iter()
        .map(|(name, label, _)| json!({ "name": name, "label": label, "url": format!("{root}/api/register/{name}") }))
        .collect();
    axum::Json(json!({ "registers": list })).into_response()
}

/// `GET /api/register/{name}[?f=xml]`
pub async fn register(
    Ctx(state): Ctx,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, Problem> {
    let Some(&(_, label, source)) = REGISTERS.iter().find(|(n, _, _)| *n == name) else {
        let known: Vec<&str> = REGISTERS.iter().map(|(n, _, _)| *n).collect();
        return Err(Problem::not_found(format!("no register '{name}'; there are {}", known.join(", "))));
    };
    let items = state.blocking(move |s| items(s, source)).await.map_err(Problem::internal)??;
    if !wants_xml(&params, &headers) {
        return Ok(axum::Json(json!({ "name": name, "label": label, "containeditems": items })).into_response());
    }
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<register name=\"{}\" label=\"{}\">",
        esc(&name),
        esc(label)
    );
    for i in &items {
        let _ = write!(
            x,
            "<item><label>{}</label><codevalue>{}</codevalue><status>{}</status>",
            esc(&i.label),
            esc(&i.codevalue),
            esc(&i.status)
        );
        for (tag, v) in [("validFrom", &i.valid_from), ("validTo", &i.valid_to)] {
            if let Some(v) = v {
                let _ = write!(x, "<{tag}>{}</{tag}>", esc(v));
            }
        }
        x.push_str("</item>");
    }
    x.push_str("</register>");
    Ok(([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], x).into_response())
}
