//! `GET /`: the catalogue's search page, as Kartkatalog's: free text with suggestions,
//! facets (theme, organisation, type, access) that narrow the search, an area filter
//! drawn on a map (or typed as a box), and the hits with a thumbnail from our own WMS.

use super::layout::{query_string, Visit};
use super::Texts;
use crate::auth::Ctx;
use crate::catalogue_api::{parse_search, run_search};
use crate::home::esc;
use axum::http::StatusCode;
use axum::response::Response;
use fjord_catalogue::SearchQuery;
use fjord_catalogue::{FacetCount, GeoBox, Order, Record, SearchResult};
use std::fmt::Write;

/// Hits per page.
const PAGE: usize = 20;

/// The facets a page offers, with the query parameter each sets.
const FACETS: [&str; 4] = ["theme", "org", "kind", "access"];

/// `GET /?q=&theme=&org=&kind=&access=&bbox=&orderby=&offset=&lang=`
pub async fn page(Ctx(state): Ctx, visit: Visit) -> Response {
    let mut params = visit.params();
    params.insert("limit".into(), PAGE.to_string());
    let q = match parse_search(&params, PAGE) {
        Ok(q) => SearchQuery { metadata_only: true, ..q },
        Err(why) => return visit.error(StatusCode::BAD_REQUEST, &why),
    };
    let offset = q.offset;
    let result = match run_search(&state, q).await {
        Ok(r) => r,
        Err(p) => return visit.error(p.status, &p.detail),
    };
    let t = visit.lang.texts();
    let mut h = String::new();
    search_form(&mut h, &visit, t);
    h.push_str("<div class=\"results\">");
    facets(&mut h, &visit, t, &result);
    h.push_str("<section aria-labelledby=\"hits-heading\">");
    let _ = write!(h, "<h2 id=\"hits-heading\" role=\"status\">{} {}</h2>", result.total, t.hits);
    if result.hits.is_empty() {
        let _ = write!(h, "<p>{}</p>", t.no_hits);
    }
    h.push_str("<ol class=\"hits\">");
    for hit in &result.hits {
        let readable = crate::catalogue_api::readable(&state, &hit.record.access);
        hit_item(&mut h, t, &hit.record, readable);
    }
    h.push_str("</ol>");
    pages(&mut h, &visit, t, offset, result.total as usize);
    h.push_str("</section></div>");
    let title = visit.param("q").map_or_else(|| t.nav_search.to_string(), |q| format!("{} «{q}»", t.nav_search));
    visit.page(&title, &h, &["ol.js", "search.js"])
}

/// The search field (with a list the page's script fills with suggestions), the facet
/// filters in force as hidden fields, and the area filter.
fn search_form(h: &mut String, visit: &Visit, t: &Texts) {
    let _ = write!(
        h,
        "<h1>{site}</h1><form class=\"search\" action=\"/\" method=\"get\" role=\"search\">\
         <label for=\"q\">{label}</label><div class=\"bar\">\
         <input id=\"q\" name=\"q\" type=\"search\" value=\"{q}\" placeholder=\"{ph}\" list=\"suggestions\" autocomplete=\"off\">\
         <datalist id=\"suggestions\"></datalist><button>{button}</button></div>",
        site = t.site,
        label = t.search_label,
        q = esc(visit.param("q").unwrap_or("")),
        ph = t.search_placeholder,
        button = t.search_button,
    );
    let _ = write!(h, "<label for=\"orderby\">{}</label><select id=\"orderby\" name=\"orderby\">", t.sort_by);
    let chosen = visit.param("orderby").unwrap_or("score");
    for ((name, _), label) in Order::NAMES.iter().zip(t.orders) {
        let on = if *name == chosen { " selected" } else { "" };
        let _ = write!(h, "<option value=\"{name}\"{on}>{label}</option>");
    }
    h.push_str("</select>");
    for f in FACETS {
        if let Some(v) = visit.param(f) {
            let _ = write!(h, "<input type=\"hidden\" name=\"{f}\" value=\"{}\">", esc(v));
        }
    }
    let bbox = visit.param("bbox").unwrap_or("");
    let _ = write!(
        h,
        "<details class=\"area\"{open}><summary>{title}</summary>\
         <div id=\"area-map\" class=\"map\" tabindex=\"0\" role=\"application\" aria-label=\"{map}\" data-bbox=\"{bbox}\"></div>\
         <label for=\"bbox\">{label}</label><input id=\"bbox\" name=\"bbox\" value=\"{bbox}\" \
         inputmode=\"decimal\" aria-describedby=\"bbox-help\" placeholder=\"4.5,58,12,62\">\
         <p id=\"bbox-help\" class=\"help\">{help}</p></details></form>",
        open = if bbox.is_empty() { "" } else { " open" },
        title = t.area_filter,
        map = t.area_map,
        bbox = esc(bbox),
        label = t.bbox_label,
        help = t.bbox_help,
    );
}

/// GeoNorge's access constraint as the page says it.
pub fn access_label<'a>(t: &'a Texts, constraint: &'a str) -> &'a str {
    match constraint {
        "no restrictions" => t.access_open,
        "norway digital restricted" => t.access_partners,
        "restricted" => t.access_restricted,
        other => other,
    }
}

/// A facet value as the page shows it.
fn facet_label<'a>(t: &'a Texts, facet: &str, value: &'a str, result: &'a SearchResult) -> &'a str {
    match (facet, value) {
        ("kind", "dataset") => t.kind_dataset,
        ("access", constraint) => access_label(t, constraint),
        ("org", id) => {
            result.hits.iter().map(|h| &h.record.organisation).find(|o| o.id == id).map_or(id, |o| o.name.as_str())
        }
        _ => value,
    }
}

/// The facets as lists of links: a value narrows the search to it, the value in force
/// widens it again.
fn facets(h: &mut String, visit: &Visit, t: &Texts, result: &SearchResult) {
    // open, but folded by the page's script on a phone, as Kartkatalog does
    let _ = write!(
        h,
        "<aside class=\"facets\" aria-labelledby=\"facets-heading\"><details open>\
         <summary><h2 id=\"facets-heading\">{}</h2></summary>",
        t.filters
    );
    let lists: [(&str, &str, &Vec<FacetCount>); 4] = [
        ("theme", t.theme, &result.facets.theme),
        ("org", t.organisation, &result.facets.org),
        ("kind", t.kind, &result.facets.kind),
        ("access", t.access, &result.facets.access),
    ];
    for (facet, heading, counts) in lists {
        if counts.is_empty() {
            continue;
        }
        let _ = write!(h, "<h3>{heading}</h3><ul>");
        let chosen = visit.param(facet);
        for c in counts {
            let on = chosen == Some(c.value.as_str());
            let href = link(visit, facet, if on { None } else { Some(&c.value) });
            let _ = write!(
                h,
                "<li><a href=\"{}\"{}>{}</a> <span class=\"n\">({})</span></li>",
                esc(&href),
                if on { " aria-current=\"true\" class=\"on\"" } else { "" },
                esc(facet_label(t, facet, &c.value, result)),
                c.count
            );
        }
        h.push_str("</ul>");
    }
    if FACETS.iter().chain(&["bbox"]).any(|f| visit.param(f).is_some()) {
        let q: Vec<(String, String)> = visit.param("q").map(|q| ("q".to_string(), q.to_string())).into_iter().collect();
        let _ = write!(h, "<p><a href=\"/?{}\">{}</a></p>", esc(&query_string(&q)), t.clear_filters);
    }
    h.push_str("</details></aside>");
}

/// This search with `name` set to `value` (or removed), from the first page.
fn link(visit: &Visit, name: &str, value: Option<&str>) -> String {
    let mut pairs: Vec<(String, String)> = ["q", "theme", "org", "kind", "access", "bbox", "orderby"]
        .iter()
        .filter(|k| **k != name)
        .filter_map(|k| visit.param(k).map(|v| (k.to_string(), v.to_string())))
        .collect();
    if let Some(v) = value {
        pairs.push((name.to_string(), v.to_string()));
    }
    format!("/?{}", query_string(&pairs))
}

/// One hit: thumbnail (when the caller may see the data), title linking to the dataset
/// page, the start of the abstract and who and what it is.
fn hit_item(h: &mut String, t: &Texts, r: &Record, readable: bool) {
    h.push_str("<li class=\"hit\">");
    if let (Some(layer), Some(b), true) = (&r.dataset, r.bbox, readable) {
        let _ = write!(
            h,
            "<img class=\"thumb\" src=\"{}\" alt=\"\" width=\"{THUMB_W}\" height=\"{THUMB_H}\" loading=\"lazy\">",
            esc(&thumbnail(layer, b))
        );
    }
    let abstract_start: String = r.abstract_text.chars().take(280).collect();
    let more = if abstract_start.len() < r.abstract_text.len() { " …" } else { "" };
    let access = access_label(t, fjord_catalogue::iso19139::access_constraint(&r.access));
    let _ = write!(
        h,
        "<div><h3><a href=\"/metadata/{uuid}\">{title}</a></h3><p>{abs}{more}</p>\
         <p class=\"meta\">{org} · {theme} · {access}</p></div></li>",
        uuid = esc(&r.uuid),
        title = esc(&r.title),
        abs = esc(&abstract_start),
        org = esc(&r.organisation.name),
        theme = esc(r.theme.as_deref().unwrap_or("")),
        access = esc(access),
    );
}

const THUMB_W: u32 = 120;
const THUMB_H: u32 = 90;

/// A small PNG of `layer` over its extent from our WMS, in Web Mercator with the box
/// widened to the thumbnail's shape so the map is not stretched.
fn thumbnail(layer: &str, b: GeoBox) -> String {
    let r = 6_378_137.0_f64;
    let x = |lon: f64| r * lon.to_radians();
    let y = |lat: f64| r * (std::f64::consts::FRAC_PI_4 + lat.clamp(-85.0, 85.0).to_radians() / 2.0).tan().ln();
    let (mut x0, mut y0, mut x1, mut y1) = (x(b.west), y(b.south), x(b.east), y(b.north));
    let aspect = f64::from(THUMB_W) / f64::from(THUMB_H);
    let (w, hgt) = ((x1 - x0).max(1.0), (y1 - y0).max(1.0));
    if w / hgt < aspect {
        let grow = (hgt * aspect - w) / 2.0;
        (x0, x1) = (x0 - grow, x1 + grow);
    } else {
        let grow = (w / aspect - hgt) / 2.0;
        (y0, y1) = (y0 - grow, y1 + grow);
    }
    format!(
        "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS={}&STYLES=&CRS=EPSG:3857&BBOX={x0:.0},{y0:.0},{x1:.0},{y1:.0}\
         &WIDTH={THUMB_W}&HEIGHT={THUMB_H}&FORMAT=image/png&TRANSPARENT=TRUE",
        fjord_core::url::encode_component(layer)
    )
}

/// Links to the previous and next page of hits.
fn pages(h: &mut String, visit: &Visit, t: &Texts, offset: usize, total: usize) {
    if offset == 0 && total <= PAGE {
        return;
    }
    let page_link = |to: usize, label: &str, rel: &str| {
        let mut href = link(visit, "offset", None);
        if to > 0 {
            href.push_str(&format!("&offset={to}"));
        }
        format!("<a rel=\"{rel}\" href=\"{}\">{label}</a> ", esc(&href))
    };
    h.push_str("<nav class=\"pages\">");
    if offset > 0 {
        h.push_str(&page_link(offset.saturating_sub(PAGE), t.previous, "prev"));
    }
    if offset + PAGE < total {
        h.push_str(&page_link(offset + PAGE, t.next, "next"));
    }
    h.push_str("</nav>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbnails_keep_their_shape() {
        let url = thumbnail("hoyde", GeoBox { west: 4.0, south: 58.0, east: 31.0, north: 71.0 });
        let bbox: Vec<f64> = url
            .split("BBOX=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .split(',')
            .map(|v| v.parse().unwrap())
            .collect();
        let ratio = (bbox[2] - bbox[0]) / (bbox[3] - bbox[1]);
        assert!((ratio - 4.0 / 3.0).abs() < 0.01, "{url}");
        assert!(url.contains("LAYERS=hoyde&"));
    }
}
