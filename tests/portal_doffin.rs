//! Anskaffelser/Doffin: a buyer drafts a tender notice and publishes it; it then shows in
//! the suppliers' search (CPV prefix, status, box), in WFS GetFeature, OGC API Features
//! items and WMS GetMap (the layer `doffin-kunngjoringer`, published through the ingest
//! path). A bad CPV code is a 400 naming `properties.cpv[0]`, a past deadline one naming
//! `properties.deadline`; a stranger cannot publish; a draft is its buyer's alone; the
//! workflow goes forward only; the paths are in the OpenAPI document.

mod common;

use common::*;
use serde_json::{json, Value};

fn notice(cpv: &str, deadline: &str) -> Value {
    json!({
        "kind": "tender-notice",
        "title": "Ny kai i Ålesund sentrum",
        "abstract": "Riving av gammel kai og bygging av ny kaifront.",
        "organisation": {"id": "alesund", "name": "Ålesund kommune"},
        "properties": {
            "buyer": {"name": "Ålesund kommune", "organisation_number": "942953119"},
            "cpv": [cpv],
            "deadline": deadline,
            "value_estimate": {"amount": 75000000, "currency": "NOK"},
            "procedure": "open",
            "status": "draft",
            "place": {"type": "Point", "coordinates": [6.1495, 62.4722]}
        }
    })
}

#[test]
fn a_buyer_publishes_a_tender_and_suppliers_find_it_on_the_map() {
    let (dir, s) = seeded();
    let d = dir.path();
    ok(d, &["orgs", "add", "alesund", "--number", "942953119", "--name", "Ålesund kommune"]);
    add_user(d, "berit", "kaifront og anbud 2026");
    add_user(d, "sven", "leverandør med tilbud 2026");
    ok(d, &["orgs", "member", "alesund", "berit", "--role", "uploader"]);
    let berit = basic("berit", "kaifront og anbud 2026");
    let sven = basic("sven", "leverandør med tilbud 2026");

    // the samples: published ones in the search and on the layer, the draft in neither
    let published = s.json("/api/doffin/notices?status=published&limit=100", 200);
    assert_eq!(published["total"], 7, "{published}");
    let all = s.json("/api/doffin/notices?limit=100", 200);
    assert_eq!(all["total"], 9, "the draft is its buyer's");
    let items = s.json("/ogcapi/collections/doffin-kunngjoringer/items?limit=100", 200);
    assert_eq!(items["features"].as_array().unwrap().len(), 9, "published, awarded, closed");
    assert_eq!(s.json("/api/doffin/notices?cpv=4522", 200)["total"], 2, "bru and tunnel");
    assert_eq!(s.json("/api/doffin/notices?q=brøyting", 200)["total"], 1);
    assert_eq!(s.json("/api/doffin/notices?bbox=18,69,20,70", 200)["total"], 1, "Tromsø");
    assert_eq!(s.get("/api/doffin/notices?cpv=abc").0, 400);
    assert_eq!(s.get("/api/doffin/notices?status=withdrawn").0, 400);

    // refusals: anonymous 401, a stranger 403, a bad CPV code 400 naming the field
    let path = "/api/doffin/notices";
    let good = notice("45241100-9", "2027-06-01T12:00:00+02:00");
    assert_eq!(send(&s, "POST", path, None, &good).0, 401);
    assert_eq!(send(&s, "POST", path, Some(&sven), &good).0, 403);
    let (status, problem) = send(&s, "POST", path, Some(&berit), &notice("4524110", "2027-06-01T12:00:00Z"));
    assert_eq!(status, 400, "{problem}");
    assert!(problem["detail"].as_str().unwrap().starts_with("properties.cpv[0]:"), "{problem}");

    // the buyer drafts: the draft is hers, not on the map
    let (status, draft) = send(&s, "POST", path, Some(&berit), &good);
    assert_eq!(status, 201, "{draft}");
    let uuid = draft["uuid"].as_str().unwrap().to_string();
    assert_eq!(draft["properties"]["status"], "draft");
    let found =
        |auth: Option<&str>| send(&s, "GET", "/api/doffin/notices?q=kaifront", auth, &Value::Null).1["total"].clone();
    assert_eq!((found(None), found(Some(&sven)), found(Some(&berit))), (json!(0), json!(0), json!(1)));
    assert_eq!(s.get(&format!("/doffin/{uuid}")).0, 404, "the draft's page is hers");
    let listed =
        |auth: Option<&str>| send(&s, "GET", "/api/catalogue/search?q=kaifront", auth, &Value::Null).1["total"].clone();
    assert_eq!(
        (listed(None), listed(Some(&sven)), listed(Some(&berit))),
        (json!(0), json!(0), json!(1)),
        "the one search"
    );
    let to = format!("/api/doffin/notices/{uuid}/status");

    // a stranger cannot publish it; a past deadline is refused naming the field
    assert_eq!(send(&s, "POST", &to, Some(&sven), &json!({"status": "published"})).0, 403);
    assert_eq!(send(&s, "POST", &to, None, &json!({"status": "published"})).0, 401);
    let mut late = good.clone();
    late["properties"]["deadline"] = json!("2020-01-01T12:00:00Z");
    let (status, late_draft) = send(&s, "POST", path, Some(&berit), &late);
    assert_eq!(status, 201);
    let late_to = format!("/api/doffin/notices/{}/status", late_draft["uuid"].as_str().unwrap());
    let (status, problem) = send(&s, "POST", &late_to, Some(&berit), &json!({"status": "published"}));
    assert_eq!(status, 400, "{problem}");
    assert!(problem["detail"].as_str().unwrap().starts_with("properties.deadline:"), "{problem}");
    assert_eq!(send(&s, "POST", &to, Some(&berit), &json!({"status": "awarded"})).0, 400, "not yet published");

    // published: in the search, WFS, OGC API items and the map
    let (status, notice) = send(&s, "POST", &to, Some(&berit), &json!({"status": "published"}));
    assert_eq!(status, 200, "{notice}");
    assert_eq!(notice["access"], "open");
    assert_eq!(found(None), json!(1));
    let hit = s.json("/api/doffin/notices?cpv=45241&status=published", 200);
    assert_eq!(hit["notices"][0]["uuid"], uuid.as_str(), "{hit}");
    let items = s.json("/ogcapi/collections/doffin-kunngjoringer/items?limit=100", 200);
    let ours: Vec<&Value> =
        items["features"].as_array().unwrap().iter().filter(|f| f["properties"]["uuid"] == uuid.as_str()).collect();
    assert_eq!(ours.len(), 1, "{items}");
    assert_eq!(ours[0]["properties"]["status"], "published");
    assert_eq!(ours[0]["properties"]["cpv"], "45241100-9");
    let c = &ours[0]["geometry"]["coordinates"];
    assert!((c[0].as_f64().unwrap() - 6.1495).abs() < 1e-6 && (c[1].as_f64().unwrap() - 62.4722).abs() < 1e-6, "{c}");
    let (status, _, gml) =
        s.get("/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=doffin-kunngjoringer&COUNT=100");
    assert_eq!(status, 200, "{gml}");
    assert!(gml.contains("Ny kai i Ålesund sentrum") && gml.contains(&uuid), "{gml}");
    let (status, ct, png) = fetch(
        &s,
        "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=doffin-kunngjoringer&STYLES=&CRS=EPSG:4326\
         &BBOX=62.4,6.0,62.55,6.3&WIDTH=64&HEIGHT=64&FORMAT=image/png&TRANSPARENT=TRUE",
    );
    assert_eq!((status, ct.as_str()), (200, "image/png"));
    let map = Picture::decode(&png);
    assert!(map.rgba.iter().any(|p| p[3] > 0 && p[0] > 150 && p[2] < 80), "the orange dot is drawn");
    let (status, _, page) = s.get("/doffin?cpv=45241");
    assert_eq!(status, 200);
    assert!(page.contains("Ny kai i Ålesund sentrum") && page.contains("doffin-map"), "{page}");
    assert!(s.get(&format!("/doffin/{uuid}")).2.contains("942953119"));

    assert_eq!(send(&s, "POST", &to, Some(&sven), &json!({"status": "closed"})).0, 403);
    assert_eq!(send(&s, "POST", "/api/doffin/notices/nope/status", Some(&berit), &json!({"status": "closed"})).0, 404);

    // forward only: a published notice is not edited through the records API either
    let mut edited = notice.clone();
    edited["properties"]["cpv"] = json!(["45000000-7"]);
    let (status, problem) = send(&s, "PUT", &format!("/api/catalogue/records/{uuid}"), Some(&berit), &edited);
    assert_eq!(status, 400, "{problem}");
    let (status, awarded) =
        send(&s, "POST", &to, Some(&berit), &json!({"status": "awarded", "awarded_to": "Sunnmøre Kai AS"}));
    assert_eq!(status, 200, "{awarded}");
    assert_eq!(awarded["properties"]["awarded_to"], "Sunnmøre Kai AS");
    let (status, problem) = send(&s, "POST", &to, Some(&berit), &json!({"status": "closed"}));
    assert_eq!(status, 400, "{problem}");
    assert!(problem["detail"].as_str().unwrap().starts_with("properties.status:"));
    let items = s.json("/ogcapi/collections/doffin-kunngjoringer/items?limit=100", 200);
    let now: Vec<&Value> =
        items["features"].as_array().unwrap().iter().filter(|f| f["properties"]["uuid"] == uuid.as_str()).collect();
    assert_eq!(now[0]["properties"]["status"], "awarded");

    // the OpenAPI document
    let doc = s.json("/api/openapi.json", 200);
    assert!(doc["paths"]["/api/doffin/notices"]["get"].is_object());
    assert!(doc["paths"]["/api/doffin/notices/{uuid}/status"]["post"].is_object());
    assert_valid_openapi(&doc, d);
}
