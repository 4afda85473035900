//! Standardisation over the one catalogue: the standards (kind `standard`) and which of
//! fjord's own services conform to each, matched from what the services declare (the OGC
//! API's conformance classes as `/ogcapi/conformance` lists them, the namespaces of the
//! classic services' capabilities) against the standards' identifying URIs
//! (`fjord_portals::standards::conforms`). JSON under `/api/standards`, pages under
//! `/standarder`.
//!
//! Dataset records are left as they are: a dataset does not conform to a protocol, the
//! services serving it do; its record already links those services, and
//! `/api/standards/services` says which standards each of them conforms to.

use super::{every, one, tr};
use crate::app::AppState;
use crate::auth::Ctx;
use crate::home::esc;
use crate::pages::layout::Visit;
use crate::problem::Problem;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::get;
use axum::Json;
use fjord_catalogue::Record;
use fjord_portals::draft::text;
use fjord_portals::standards::{self, Service, STANDARD};
use serde_json::{json, Value};
use std::fmt::Write;

/// The routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/api/standards", get(list))
        .route("/api/standards/services", get(services_api))
        .route("/api/standards/{uuid}", get(standard))
        .route("/standarder", get(list_page))
        .route("/standarder/{uuid}", get(standard_page))
}

/// fjord's own services as they declare themselves: the OGC API by its conformance
/// classes, the classic OGC services by the namespaces (and versions) of the
/// capabilities and documents they answer with, the catalogue's DCAT by its vocabulary.
pub fn services() -> Vec<Service> {
    let service = |id: &str, title: &str, url: &str, declares: &[&str]| Service {
        id: id.into(),
        title: title.into(),
        url: url.into(),
        declares: declares.iter().map(|d| d.to_string()).collect(),
    };
    vec![
        service("wms", "WMS 1.3.0", "/wms?SERVICE=WMS&REQUEST=GetCapabilities", &["http://www.opengis.net/wms"]),
        service(
            "wmts",
            "WMTS 1.0.0",
            "/wmts?SERVICE=WMTS&REQUEST=GetCapabilities",
            &["http://www.opengis.net/wmts/1.0"],
        ),
        service(
            "wfs",
            "WFS 2.0",
            "/wfs?SERVICE=WFS&REQUEST=GetCapabilities",
            &["http://www.opengis.net/wfs/2.0", "http://www.opengis.net/gml/3.2"],
        ),
        service("wcs", "WCS 2.0", "/wcs?SERVICE=WCS&REQUEST=GetCapabilities", &["http://www.opengis.net/wcs/2.0"]),
        service(
            "csw",
            "CSW 2.0.2",
            "/csw?SERVICE=CSW&REQUEST=GetCapabilities",
            &["http://www.opengis.net/cat/csw/2.0.2", "http://www.isotc211.org/2005/gmd"],
        ),
        service("ogcapi", "OGC API", "/ogcapi/conformance", &fjord_ogc::features::CONFORMANCE),
        service("dcat", "DCAT-AP-NO", "/api/catalogue/dcat", &["http://www.w3.org/ns/dcat#"]),
    ]
}

/// A standard's facts and the services conforming to it, each with the URIs by which.
fn with_services(r: &Record) -> Value {
    let conforming: Vec<Value> = services()
        .iter()
        .filter_map(|s| {
            let by = standards::conforms(r, &s.declares);
            (!by.is_empty()).then(|| json!({"id": s.id, "title": s.title, "url": s.url, "conforms_by": by}))
        })
        .collect();
    json!({"standard": r, "services": conforming})
}

/// `GET /api/standards`: every standard, each with the services conforming to it.
async fn list(Ctx(state): Ctx) -> Result<Json<Value>, Problem> {
    let all = every(&state, STANDARD, None).await?;
    Ok(Json(json!({"total": all.len(), "standards": all.iter().map(with_services).collect::<Vec<_>>()})))
}

/// `GET /api/standards/{uuid}`: one standard with the services conforming to it.
async fn standard(Ctx(state): Ctx, Path(uuid): Path<String>) -> Result<Json<Value>, Problem> {
    Ok(Json(with_services(&one(&state, STANDARD, &uuid).await?)))
}

/// `GET /api/standards/services`: each of fjord's services with the standards it
/// conforms to.
async fn services_api(Ctx(state): Ctx) -> Result<Json<Value>, Problem> {
    let all = every(&state, STANDARD, None).await?;
    let list: Vec<Value> = services()
        .iter()
        .map(|s| {
            let conforms: Vec<Value> = standards::of_service(s, &all)
                .into_iter()
                .map(|r| {
                    json!({"uuid": r.uuid, "title": r.title, "status": text(r, "status"),
                           "href": format!("/api/standards/{}", r.uuid)})
                })
                .collect();
            json!({"id": s.id, "title": s.title, "url": s.url, "declares": s.declares, "standards": conforms})
        })
        .collect();
    Ok(Json(json!({ "services": list })))
}

/// A standard's status as the page says it.
fn status_label(lang: crate::pages::i18n::Lang, status: &str) -> &'static str {
    match status {
        "mandatory" => tr(lang, "Obligatorisk", "Mandatory"),
        _ => tr(lang, "Anbefalt", "Recommended"),
    }
}

/// `GET /standarder`: the standards by area, with status and fjord's services that
/// conform to each.
async fn list_page(Ctx(state): Ctx, visit: Visit) -> Response {
    let lang = visit.lang;
    let mut all = match every(&state, STANDARD, None).await {
        Ok(a) => a,
        Err(p) => return visit.error(p.status, &p.detail),
    };
    all.sort_by(|a, b| text(a, "area").cmp(text(b, "area")).then(a.title.cmp(&b.title)));
    let title = tr(lang, "Standarder", "Standards");
    let mut h = format!(
        "<h1>{title}</h1><p>{intro}</p><table><thead><tr><th scope=\"col\">{std_l}</th><th scope=\"col\">{ver_l}</th>\
         <th scope=\"col\">{status_l}</th><th scope=\"col\">{area_l}</th><th scope=\"col\">{services_l}</th></tr></thead><tbody>",
        intro = tr(
            lang,
            "Standardene i referansekatalogen som fjord bruker, og hvilke av fjords tjenester som følger dem.",
            "The reference catalogue's standards fjord uses, and which of fjord's services conform to them."
        ),
        std_l = tr(lang, "Standard", "Standard"),
        ver_l = tr(lang, "Versjon", "Version"),
        status_l = tr(lang, "Status", "Status"),
        area_l = tr(lang, "Område", "Area"),
        services_l = tr(lang, "Tjenester i fjord", "fjord's services"),
    );
    for r in &all {
        let conforming: Vec<String> = services()
            .iter()
            .filter(|s| !standards::conforms(r, &s.declares).is_empty())
            .map(|s| s.title.clone())
            .collect();
        let _ = write!(
            h,
            "<tr><td><a href=\"/standarder/{uuid}\">{title}</a></td><td>{version}</td><td>{status}</td><td>{area}</td><td>{services}</td></tr>",
            uuid = esc(&fjord_core::url::encode_component(&r.uuid)),
            title = esc(&r.title),
            version = esc(text(r, "version")),
            status = status_label(lang, text(r, "status")),
            area = esc(text(r, "area")),
            services = esc(&conforming.join(", ")),
        );
    }
    h.push_str("</tbody></table>");
    visit.page(title, &h, &[])
}

/// `GET /standarder/{uuid}`: one standard, its identifiers and the services conforming.
async fn standard_page(Ctx(state): Ctx, visit: Visit, Path(uuid): Path<String>) -> Response {
    let lang = visit.lang;
    let r = match one(&state, STANDARD, &uuid).await {
        Ok(r) => r,
        Err(p) => return visit.error(p.status, &p.detail),
    };
    let spec = text(&r, "specification");
    let ids: String = standards::identifiers(&r).iter().map(|i| format!("<li><code>{}</code></li>", esc(i))).collect();
    let mut h = format!(
        "<h1>{title}</h1><p>{abs}</p><dl class=\"facts\"><dt>{name_l}</dt><dd>{name}</dd><dt>{ver_l}</dt><dd>{version}</dd>\
         <dt>{status_l}</dt><dd>{status}</dd><dt>{area_l}</dt><dd>{area}</dd>\
         <dt>{spec_l}</dt><dd><a href=\"{spec}\">{spec}</a></dd></dl><h2>{ids_l}</h2><ul>{ids}</ul><h2>{services_l}</h2>",
        title = esc(&r.title),
        abs = esc(&r.abstract_text),
        name_l = tr(lang, "Navn", "Name"),
        name = esc(text(&r, "name")),
        ver_l = tr(lang, "Versjon", "Version"),
        version = esc(text(&r, "version")),
        status_l = tr(lang, "Status", "Status"),
        status = status_label(lang, text(&r, "status")),
        area_l = tr(lang, "Område", "Area"),
        area = esc(text(&r, "area")),
        spec_l = tr(lang, "Spesifikasjon", "Specification"),
        spec = esc(spec),
        ids_l = tr(lang, "Identifisert ved", "Identified by"),
        services_l = tr(lang, "Tjenester i fjord som følger standarden", "fjord's services conforming to it"),
    );
    let conforming: Vec<(Service, Vec<String>)> = services()
        .into_iter()
        .filter_map(|s| {
            let by: Vec<String> = standards::conforms(&r, &s.declares).into_iter().map(str::to_string).collect();
            (!by.is_empty()).then_some((s, by))
        })
        .collect();
    if conforming.is_empty() {
        let _ = write!(
            h,
            "<p>{}</p>",
            tr(lang, "Ingen av fjords tjenester erklærer denne standarden.", "None of fjord's services declares it.")
        );
    }
    h.push_str("<ul class=\"services\">");
    for (s, by) in &conforming {
        let _ = write!(
            h,
            "<li><a class=\"protocol\" href=\"{url}\">{title}</a>: {by}</li>",
            url = esc(&s.url),
            title = esc(&s.title),
            by = by.iter().map(|b| format!("<code>{}</code>", esc(b))).collect::<Vec<_>>().join(", "),
        );
    }
    h.push_str("</ul>");
    visit.page(&r.title, &h, &[])
}

/// The OpenAPI paths of these routes.
pub fn openapi() -> Vec<(&'static str, Value)> {
    let ok = |what: &str| json!({"description": what, "content": {"application/json": {}}});
    vec![
        (
            "/api/standards",
            json!({"get": {"summary": "Every standard (kind standard), each with fjord's services conforming to it",
                           "tags": ["Standardisation"], "responses": {"200": ok("the standards")}}}),
        ),
        (
            "/api/standards/services",
            json!({"get": {"summary": "fjord's services (WMS, WMTS, WFS, WCS, CSW, OGC API, DCAT), each with what it declares and the standards it conforms to",
                           "tags": ["Standardisation"], "responses": {"200": ok("the services")}}}),
        ),
        (
            "/api/standards/{uuid}",
            json!({"get": {"summary": "One standard with fjord's services conforming to it and the declared URIs by which",
                           "tags": ["Standardisation"],
                           "parameters": [{"name": "uuid", "in": "path", "required": true, "schema": {"type": "string"}}],
                           "responses": {"200": ok("the standard"), "404": {"$ref": "#/components/responses/NotFound"}}}}),
        ),
    ]
}
