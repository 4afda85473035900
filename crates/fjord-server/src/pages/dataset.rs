//! `GET /metadata/{uuid}`: a dataset's page, as Kartkatalog's: its metadata, a map
//! preview (OpenLayers over our WMS), each service's URL with a copy button, and the
//! download options (area, projection, format from the Download API's codelists) with
//! an "add to basket" button; a restricted dataset the visitor may not read asks them to
//! log in instead.

use super::layout::Visit;
use super::search::access_label;
use super::Texts;
use crate::auth::Ctx;
use crate::home::esc;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use fjord_catalogue::{service_links, Record};
use serde_json::Value;
use std::fmt::Write;

/// What the visitor may download of a dataset.
enum Offer {
    /// the areas codelist (each area with its projections and their formats)
    Areas(Value),
    /// restricted, and the visitor may not read it: log in first
    LogIn,
    /// no downloads (not a dataset the download service serves)
    None,
}

/// `GET /metadata/{uuid}`
pub async fn page(Ctx(state): Ctx, visit: Visit, headers: HeaderMap, Path(uuid): Path<String>) -> Response {
    let id = uuid.clone();
    let found = state
        .blocking(move |s| -> Result<Option<(Record, Offer)>, String> {
            let Some(record) = s.catalogue.get(&id).map_err(|e| e.to_string())? else { return Ok(None) };
            let readable = crate::catalogue_api::readable(s, &record.access);
            if !crate::catalogue_api::shown(s, &record.kind, &record.access) {
                return Ok(None);
            }
            let offer = match s.downloads.dataset(&id) {
                Err(fjord_download::Error::NotFound(_)) => Offer::None,
                Err(e) => return Err(e.to_string()),
                Ok(_) if !readable => Offer::LogIn,
                Ok((r, _)) => {
                    Offer::Areas(fjord_download::api::areas(&s.downloads.offer(&r).map_err(|e| e.to_string())?))
                }
            };
            Ok(Some((record, offer)))
        })
        .await
        .and_then(|r| r);
    let (record, offer) = match found {
        Ok(Some(found)) => found,
        Ok(None) => return visit.error(StatusCode::NOT_FOUND, &format!("no dataset with uuid '{uuid}'")),
        Err(e) => {
            tracing::error!(error = %e, "the dataset page failed");
            return visit.error(StatusCode::INTERNAL_SERVER_ERROR, "the catalogue could not be read");
        }
    };
    let t = visit.lang.texts();
    let root = crate::ogcapi::base(&headers, "");
    let mut h = String::new();
    let access = access_label(t, fjord_catalogue::iso19139::access_constraint(&record.access));
    let _ = write!(
        h,
        "<h1>{title}</h1><p class=\"meta\">{org} · {theme} · <span class=\"badge\">{access}</span></p>\
         <div class=\"columns\"><section aria-labelledby=\"about\"><h2 id=\"about\">{about}</h2><p>{abs}</p>",
        title = esc(&record.title),
        org = esc(&record.organisation.name),
        theme = esc(record.theme.as_deref().unwrap_or("")),
        about = t.about,
        abs = esc(&record.abstract_text),
    );
    facts(&mut h, t, &record, access);
    h.push_str("</section>");
    if let (Some(layer), Some(b)) = (&record.dataset, record.bbox) {
        let _ = write!(
            h,
            "<section aria-labelledby=\"preview-heading\"><h2 id=\"preview-heading\">{preview}</h2>\
             <div id=\"preview\" class=\"map preview\" tabindex=\"0\" role=\"region\" aria-label=\"{preview}: {title}\" \
             data-layer=\"{layer}\" data-extent=\"{},{},{},{}\"></div></section>",
            b.west,
            b.south,
            b.east,
            b.north,
            preview = t.preview,
            title = esc(&record.title),
            layer = esc(layer),
        );
    }
    h.push_str("</div>");
    services(&mut h, t, &record, &root);
    downloads(&mut h, t, &record, &offer, &visit);
    visit.page(&record.title, &h, &["ol.js", "dataset.js"])
}

/// The metadata as a definition list.
fn facts(h: &mut String, t: &Texts, r: &Record, access: &str) {
    let _ = write!(h, "<h2>{}</h2><dl class=\"facts\">", t.facts);
    let mut fact = |name: &str, value: &str| {
        if !value.is_empty() {
            let _ = write!(h, "<dt>{name}</dt><dd>{}</dd>", esc(value));
        }
    };
    fact(t.organisation, &r.organisation.name);
    fact(t.theme, r.theme.as_deref().unwrap_or(""));
    fact(t.topic, r.topic_category.as_deref().unwrap_or(""));
    fact(t.access, access);
    fact(t.license, r.license.as_deref().unwrap_or(""));
    fact(t.updated, r.updated.get(..10).unwrap_or(&r.updated));
    fact(t.version, &r.version.map(|v| v.to_string()).unwrap_or_default());
    fact(t.features, &r.feature_count.map(|n| n.to_string()).unwrap_or_default());
    fact(t.crs, &r.crs.join(", "));
    fact(t.formats, &r.formats.join(", "));
    let extent = r.bbox.map(|b| format!("{:.2}, {:.2}, {:.2}, {:.2} (EPSG:4258)", b.west, b.south, b.east, b.north));
    fact(t.extent, &extent.unwrap_or_default());
    h.push_str("</dl>");
}

/// Each service URL with a copy button, and the metadata documents.
fn services(h: &mut String, t: &Texts, r: &Record, root: &str) {
    let links = service_links(r, root);
    let _ = write!(
        h,
        "<section aria-labelledby=\"services\"><h2 id=\"services\">{}</h2><ul class=\"services\">",
        t.services
    );
    for (i, l) in links.iter().enumerate() {
        let _ = write!(
            h,
            "<li><span class=\"protocol\">{p}</span> <code id=\"service-{i}\">{url}</code> \
             <button type=\"button\" class=\"copy\" data-copy=\"service-{i}\" data-copied=\"{copied}\" \
             aria-label=\"{copy} {p}\">{copy}</button></li>",
            p = esc(l.protocol.as_str()),
            url = esc(&l.url),
            copy = t.copy,
            copied = t.copied,
        );
    }
    let _ = write!(
        h,
        "<li><a href=\"/api/catalogue/records/{u}.xml\">{}</a></li></ul></section>",
        t.metadata_xml,
        u = esc(&r.uuid)
    );
}

/// The download form: area, projection and format as the codelists offer them.
fn downloads(h: &mut String, t: &Texts, r: &Record, offer: &Offer, visit: &Visit) {
    let _ = write!(h, "<section aria-labelledby=\"download\"><h2 id=\"download\">{}</h2>", t.download);
    match offer {
        Offer::None => {
            let _ = write!(h, "<p>{}</p>", t.no_download);
        }
        Offer::LogIn => {
            let _ = write!(
                h,
                "<p class=\"notice\">{} <a href=\"{}\">{}</a></p>",
                t.login_to_download,
                esc(&visit.login_href()),
                t.log_in
            );
        }
        Offer::Areas(areas) => download_form(h, t, r, areas),
    }
    h.push_str("</section>");
}

/// The form itself, with the codelist for the page's script.
fn download_form(h: &mut String, t: &Texts, r: &Record, areas: &Value) {
    // the country, counties and municipalities; not the map-sheet cells, which run to
    // thousands for a national elevation dataset (an area drawn on the map stands in)
    let list: Vec<&Value> = areas
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|a| ["landsdekkende", "fylke", "kommune"].contains(&a["type"].as_str().unwrap_or("")))
        .collect();
    let _ = write!(
        h,
        "<form id=\"order-form\" class=\"download\" data-uuid=\"{}\" data-title=\"{}\" data-restricted=\"{}\">\
         <label for=\"area\">{}</label><select id=\"area\" name=\"area\">",
        esc(&r.uuid),
        esc(&r.title),
        r.access != fjord_catalogue::Access::Open,
        t.area
    );
    for (kind, label) in
        [("landsdekkende", t.area_country), ("fylke", t.area_counties), ("kommune", t.area_municipalities)]
    {
        let of_kind: Vec<&Value> = list.iter().copied().filter(|a| a["type"] == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        let _ = write!(h, "<optgroup label=\"{label}\">");
        for a in of_kind {
            let (code, name) = (a["code"].as_str().unwrap_or(""), a["name"].as_str().unwrap_or(""));
            let shown = if kind == "landsdekkende" { name.to_string() } else { format!("{code} {name}") };
            let _ = write!(
                h,
                "<option value=\"{}\" data-type=\"{}\" data-name=\"{}\">{}</option>",
                esc(code),
                kind,
                esc(name),
                esc(&shown)
            );
        }
        h.push_str("</optgroup>");
    }
    // a polygon drawn on the preview map (the Download API's area "Kart"), clipped from
    // the whole country's files' projections and formats
    let _ = write!(
        h,
        "<optgroup label=\"{}\"><option value=\"Kart\" data-type=\"polygon\" data-name=\"{drawn}\">{drawn}</option></optgroup>",
        t.area_own,
        drawn = t.area_drawn
    );
    // the first area's projections and formats; the page's script follows the area chosen
    let first = list.first().map_or(Value::Null, |a| (*a).clone());
    let _ = write!(
        h,
        "</select><label for=\"projection\">{}</label><select id=\"projection\" name=\"projection\">",
        t.projection
    );
    for p in first["projections"].as_array().into_iter().flatten() {
        let (code, name) = (p["code"].as_str().unwrap_or(""), p["name"].as_str().unwrap_or(""));
        let _ = write!(h, "<option value=\"{}\">{}</option>", esc(code), esc(name));
    }
    let _ = write!(h, "</select><label for=\"format\">{}</label><select id=\"format\" name=\"format\">", t.format);
    let formats = first["projections"][0]["formats"].as_array().cloned().unwrap_or_default();
    for f in &formats {
        let name = f["name"].as_str().unwrap_or("");
        let _ = write!(h, "<option>{}</option>", esc(name));
    }
    let _ = write!(
        h,
        "</select><p id=\"draw-help\" class=\"help\" hidden data-first=\"{}\">{}</p>\
         <button type=\"submit\">{}</button><p id=\"added\" role=\"status\" data-added=\"{}\"></p></form>\
         <script type=\"application/json\" id=\"areas\">{}</script>",
        t.draw_first,
        t.draw_help,
        t.add_to_basket,
        t.added,
        // JSON inside a script element: `<` escaped so no `</script>` can end it early
        Value::from(list.into_iter().cloned().collect::<Vec<_>>()).to_string().replace('<', "\\u003c")
    );
}
