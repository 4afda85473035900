//! Records as OGC API – Records Part 1 GeoJSON (record-core) and as HTML.

use crate::features::encode::{esc, link};
use fjord_catalogue::{iso19139, service_links, Record};
use serde_json::{json, Value};

/// Where the record of `uuid` is, under the server root `base`.
pub fn item_url(base: &str, uuid: &str) -> String {
    format!("{base}/ogcapi/collections/catalogue/items/{}", fjord_core::url::encode_component(uuid))
}

/// One record as a GeoJSON feature (record-core), its services linked as GeoNorge types
/// them and its ISO 19139 document as an alternate.
pub fn record(r: &Record, base: &str) -> Value {
    let url = item_url(base, &r.uuid);
    let geometry = r.bbox.map(|b| {
        json!({ "type": "Polygon", "coordinates": [[[b.west, b.south], [b.east, b.south], [b.east, b.north], [b.west, b.north], [b.west, b.south]]] })
    });
    let mut themes = Vec::new();
    if let Some(theme) = &r.theme {
        themes.push(json!({ "concepts": [{ "id": theme }], "scheme": "https://register.geonorge.no/metadata-kodelister/tematiske-omrader" }));
    }
    if let Some(topic) = &r.topic_category {
        themes.push(json!({ "concepts": [{ "id": topic }], "scheme": "https://standards.iso.org/iso/19139/resources/gmxCodelists.xml#MD_TopicCategoryCode" }));
    }
    let mut links = vec![
        link(&url, "self", "application/geo+json", "this record"),
        link(&format!("{url}?f=html"), "alternate", "text/html", "this record as HTML"),
        link(&format!("{base}/api/catalogue/records/{}.xml", r.uuid), "alternate", "application/xml", "ISO 19139"),
        link(&format!("{base}/ogcapi/collections/catalogue"), "collection", "application/json", "the catalogue"),
    ];
    for l in service_links(r, base) {
        links.push(json!({ "href": l.url, "rel": "service", "title": l.description, "protocol": l.protocol.as_str(), "name": l.name }));
    }
    json!({
        "id": r.uuid,
        "type": "Feature",
        "conformsTo": ["http://www.opengis.net/spec/ogcapi-records-1/1.0/req/record-core"],
        "geometry": geometry,
        "time": null,
        "properties": {
            "type": iso19139::scope(&r.kind),
            "title": r.title,
            "description": r.abstract_text,
            "keywords": r.keywords,
            "themes": themes,
            "language": { "code": "no" },
            "created": r.created,
            "updated": r.updated,
            "contacts": [{ "organization": r.organisation.name, "roles": ["owner"] }],
            "license": r.license,
            "rights": iso19139::access_constraint(&r.access),
            "formats": r.formats.iter().map(|f| json!({ "name": f })).collect::<Vec<_>>(),
            "externalIds": r.dataset.iter().map(|d| json!({ "scheme": "https://fjord.example.no/datasets", "value": d })).collect::<Vec<_>>(),
        },
        "links": links,
    })
}

/// A record's HTML: its fields and links.
pub fn record_html(r: &Value) -> String {
    let p = &r["properties"];
    let text = |v: &Value| esc(v.as_str().unwrap_or(""));
    let mut body = format!(
        "<p>{}</p><dl><dt>Type</dt><dd>{}</dd><dt>Owner</dt><dd>{}</dd><dt>Access</dt><dd>{}</dd>\
         <dt>License</dt><dd>{}</dd><dt>Keywords</dt><dd>{}</dd><dt>Updated</dt><dd>{}</dd></dl><h2>Links</h2><ul>",
        text(&p["description"]),
        text(&p["type"]),
        text(&p["contacts"][0]["organization"]),
        text(&p["rights"]),
        text(&p["license"]),
        esc(&p["keywords"].as_array().into_iter().flatten().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")),
        text(&p["updated"]),
    );
    for l in r["links"].as_array().into_iter().flatten() {
        let label = l["protocol"].as_str().or(l["title"].as_str()).unwrap_or("");
        body.push_str(&format!("<li><a href=\"{}\">{}</a></li>", text(&l["href"]), esc(label)));
    }
    body.push_str("</ul>");
    body
}

/// An items page's HTML: a table of the records, and the page links.
pub fn items_html(items: &Value) -> String {
    let mut body = format!(
        "<p>{} records matched, {} shown.</p><table><tr><th>Title</th><th>Type</th><th>Owner</th></tr>",
        items["numberMatched"], items["numberReturned"]
    );
    for r in items["features"].as_array().into_iter().flatten() {
        let p = &r["properties"];
        let html = r["links"].as_array().into_iter().flatten().find(|l| l["type"] == "text/html");
        let href = html.and_then(|l| l["href"].as_str()).unwrap_or("");
        body.push_str(&format!(
            "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td></tr>",
            esc(href),
            esc(p["title"].as_str().unwrap_or("")),
            esc(p["type"].as_str().unwrap_or("")),
            esc(p["contacts"][0]["organization"].as_str().unwrap_or(""))
        ));
    }
    body.push_str("</table><p>");
    for l in
        items["links"].as_array().into_iter().flatten().filter(|l| matches!(l["rel"].as_str(), Some("next" | "prev")))
    {
        body.push_str(&format!(
            "<a href=\"{}\">{}</a> ",
            esc(l["href"].as_str().unwrap_or("")),
            esc(l["rel"].as_str().unwrap_or(""))
        ));
    }
    body.push_str("</p>");
    body
}
