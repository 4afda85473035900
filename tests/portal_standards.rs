//! Standardisation over the one catalogue: the standards are seeded as records of kind
//! `standard`, and each of fjord's services is linked to the standards it conforms to
//! from its own declarations (the OGC API's `/ogcapi/conformance`, the classic services'
//! namespaces); bad records are refused with a 400 naming the field; the pages answer;
//! the OpenAPI document still validates.

mod common;

use common::*;
use serde_json::{json, Value};

fn titles(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|s| s["title"].as_str().unwrap().to_string()).collect()
}

#[test]
fn every_fjord_service_is_linked_to_the_standards_it_declares() {
    let (dir, s) = seeded();
    let d = dir.path();

    let all = s.json("/api/standards", 200);
    assert!(all["total"].as_u64().unwrap() >= 15, "{all}");
    assert_eq!(s.json("/api/catalogue/search?kind=standard&q=wms", 200)["hits"][0]["record"]["uuid"], "standard-wms");

    // from the services' side: each with the standards it conforms to
    let services = s.json("/api/standards/services", 200);
    let service = |id: &str| services["services"].as_array().unwrap().iter().find(|x| x["id"] == id).unwrap().clone();
    for (id, expected) in [
        ("wms", vec!["WMS 1.3.0"]),
        ("wmts", vec!["WMTS 1.0.0"]),
        ("wfs", vec!["GML 3.2", "WFS 2.0"]),
        ("wcs", vec!["WCS 2.0"]),
        ("csw", vec!["CSW 2.0.2", "ISO 19115/19139"]),
        ("dcat", vec!["DCAT-AP-NO"]),
    ] {
        assert_eq!(titles(&service(id)["standards"]), expected, "{id}");
    }
    // the OGC API: exactly what /ogcapi/conformance declares
    let api = service("ogcapi");
    let declared = s.json("/ogcapi/conformance", 200)["conformsTo"].clone();
    assert_eq!(api["declares"], declared);
    let api_standards = titles(&api["standards"]);
    for t in [
        "OGC API – Features – Part 1: Core",
        "OGC API – Features – Part 2: CRS by reference",
        "OGC API – Features – Part 3: Filtering (CQL2)",
        "OGC API – Tiles",
        "OGC API – Records",
        "OGC API – Coverages",
        "GeoJSON",
    ] {
        assert!(api_standards.contains(&t.to_string()), "{t}: {api_standards:?}");
    }
    assert!(!api_standards.contains(&"WMS 1.3.0".to_string()));

    // from the standard's side: which services conform, and by which declared URIs
    let wms = s.json("/api/standards/standard-wms", 200);
    assert_eq!(wms["standard"]["properties"]["status"], "mandatory");
    assert_eq!(wms["services"][0]["id"], "wms");
    let geojson = s.json("/api/standards/standard-geojson", 200);
    assert_eq!(
        geojson["services"][0]["conforms_by"],
        json!(["http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"])
    );
    let sosi = s.json("/api/standards/standard-sosi", 200);
    assert_eq!(sosi["services"], json!([]), "no fjord service declares SOSI");
    assert_eq!(s.get("/api/standards/authority-nav").0, 404, "not a standard");
    assert_eq!(s.get("/api/standards/nope").0, 404);

    // a standard written through the API is checked against its kind
    ok(d, &["orgs", "add", "digdir", "--number", "991825827", "--name", "Digdir"]);
    add_user(d, "eva", "referansekatalogen 2026");
    ok(d, &["orgs", "member", "digdir", "eva", "--role", "uploader"]);
    let eva = basic("eva", "referansekatalogen 2026");
    let good = json!({"kind": "standard", "title": "OGC API – Processes", "organisation": {"id": "digdir", "name": "Digdir"},
        "properties": {"name": "OGC API – Processes", "version": "1.0", "status": "recommended", "area": "Geografisk informasjon",
                       "identifiers": ["http://www.opengis.net/spec/ogcapi-processes-1/1.0"]}});
    let post = |body: &Value, auth: Option<&str>| send(&s, "POST", "/api/catalogue/records", auth, body);
    assert_eq!(post(&good, None).0, 401);
    let mut bad = good.clone();
    bad["properties"]["status"] = json!("optional");
    let (status, problem) = post(&bad, Some(&eva));
    assert_eq!(status, 400);
    assert!(problem["detail"].as_str().unwrap().starts_with("properties.status:"), "{problem}");
    let mut bad = good.clone();
    bad["properties"]["identifiers"] = json!(["not a uri"]);
    let (status, problem) = post(&bad, Some(&eva));
    assert_eq!(status, 400);
    assert!(problem["detail"].as_str().unwrap().starts_with("properties.identifiers[0]:"), "{problem}");
    let (status, made) = post(&good, Some(&eva));
    assert_eq!(status, 201, "{made}");
    let made = s.json(&format!("/api/standards/{}", made["uuid"].as_str().unwrap()), 200);
    assert_eq!(made["services"], json!([]), "fjord does not declare OGC API – Processes");

    // the pages
    let (status, _, list) = s.get("/standarder");
    assert_eq!(status, 200);
    assert!(list.contains("href=\"/standarder/standard-wms\"") && list.contains("Obligatorisk"), "{list}");
    let (_, _, page) = s.get("/standarder/standard-ogcapi-features-1?lang=en");
    assert!(page.contains("OGC API") && page.contains("/conf/core") && page.contains("Recommended"), "{page}");
    assert_eq!(s.get("/standarder/nope").0, 404);

    let doc = s.json("/api/openapi.json", 200);
    for p in ["/api/standards", "/api/standards/services", "/api/standards/{uuid}"] {
        assert!(doc["paths"][p].is_object(), "{p} missing");
    }
    assert_valid_openapi(&doc, d);
}
