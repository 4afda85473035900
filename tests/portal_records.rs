//! Portal records over the one catalogue: the sample records are seeded and searched with
//! every other record, an organisation's uploader writes its records through the API, the
//! kind's schema refuses bad fields with a 400 naming the field, a private record is
//! listed to nobody but the person it names, and the OpenAPI document of fjord's JSON APIs
//! validates.

mod common;

use common::*;
use serde_json::{json, Value};

fn authority(uuid: &str, email: &str) -> Value {
    json!({
        "uuid": uuid,
        "kind": "authority",
        "title": "Statens kartverk, Hønefoss",
        "abstract": "Kontoret på Hønefoss.",
        "organisation": {"id": "kartverket", "name": "Kartverket"},
        "theme": "Bolig og eiendom",
        "properties": {
            "organisation_number": "971040238",
            "offers": ["Tinglysing"],
            "contact": {"email": email}
        }
    })
}

#[test]
fn portal_records_are_written_checked_searched_and_kept_private() {
    let (dir, s) = seeded();
    let d = dir.path();
    ok(d, &["orgs", "add", "kartverket", "--number", "971040238", "--name", "Kartverket"]);
    add_user(d, "kari", "fjell og fjord 2026");
    add_user(d, "ola", "dal og elv 2026!");
    ok(d, &["orgs", "member", "kartverket", "kari", "--role", "uploader"]);
    ok(d, &["orgs", "member", "kartverket", "ola", "--role", "viewer"]);
    let kari = basic("kari", "fjell og fjord 2026");
    let ola = basic("ola", "dal og elv 2026!");

    // the kinds, and the samples found by the one search beside the datasets
    let kinds = s.json("/api/portals/kinds", 200);
    let authority_kind = kinds["kinds"].as_array().unwrap().iter().find(|k| k["name"] == "authority").unwrap();
    assert!(authority_kind["schema"]["required"].to_string().contains("organisation_number"));
    let found = s.json("/api/catalogue/search?q=kartverket&kind=authority", 200);
    assert_eq!(found["total"], 1, "{found}");
    assert_eq!(found["hits"][0]["record"]["properties"]["organisation_number"], "971040238");
    let all = s.json("/api/catalogue/search?q=kartverket", 200);
    let kinds_found: Vec<&str> =
        all["facets"]["kind"].as_array().unwrap().iter().map(|f| f["value"].as_str().unwrap()).collect();
    assert!(kinds_found.contains(&"authority") && kinds_found.contains(&"dataset"), "{kinds_found:?}");

    // the spatial catalogue's services list datasets and services, not portal records
    assert_eq!(s.json("/api/catalogue/search?q=eiendomsregister", 200)["total"], 1);
    assert_eq!(s.json("/api/search?text=eiendomsregister", 200)["NumFound"], 0);
    assert_eq!(s.json("/ogcapi/collections/catalogue/items?q=eiendomsregister", 200)["numberMatched"], 0);
    assert_eq!(s.get("/ogcapi/collections/catalogue/items/authority-kartverket").0, 404);

    // writing: anonymous 401, a viewer 403, another organisation's 403, the uploader 201
    let path = "/api/catalogue/records";
    let good = authority("kv-honefoss", "honefoss@kartverket.no");
    assert_eq!(send(&s, "POST", path, None, &good).0, 401);
    assert_eq!(send(&s, "POST", path, Some(&ola), &good).0, 403);
    let mut other = good.clone();
    other["organisation"] = json!({"id": "nve", "name": "NVE"});
    assert_eq!(send(&s, "POST", path, Some(&kari), &other).0, 403);
    let (status, made) = send(&s, "POST", path, Some(&kari), &good);
    assert_eq!(status, 201, "{made}");
    assert_eq!(send(&s, "POST", path, Some(&kari), &good).0, 409, "the uuid exists");
    assert_eq!(s.json("/api/catalogue/search?q=hønefoss", 200)["total"], 1);

    // each refusal names the field
    let refused = |body: &Value| {
        let (status, problem) = send(&s, "POST", path, Some(&kari), body);
        assert_eq!(status, 400, "{problem}");
        problem["detail"].as_str().unwrap().to_string()
    };
    assert!(refused(&authority("kv-x", "not an address")).starts_with("properties.contact.email:"));
    let mut no_number = authority("kv-x", "x@kartverket.no");
    no_number["properties"].as_object_mut().unwrap().remove("organisation_number");
    assert!(refused(&no_number).starts_with("properties.organisation_number:"), "{}", refused(&no_number));
    let mut bad_offer = authority("kv-x", "x@kartverket.no");
    bad_offer["properties"]["offers"] = json!(["Tinglysing", 7]);
    assert!(refused(&bad_offer).starts_with("properties.offers[1]:"));
    let mut no_title = authority("kv-x", "x@kartverket.no");
    no_title["title"] = json!("  ");
    assert!(refused(&no_title).starts_with("title:"));
    let mut unknown = authority("kv-x", "x@kartverket.no");
    unknown["kind"] = json!("spaceship");
    assert!(refused(&unknown).contains("kind: 'spaceship' is not a portal record kind"));
    assert!(refused(&json!({"kind": "authority"})).contains("missing field"));
    let (status, _) = send(&s, "POST", path, Some(&kari), &Value::String("{not json".into()));
    assert_eq!(status, 400);
    assert!(s.json("/api/catalogue/search?q=kv-x", 200)["total"] == 0, "nothing refused was written");

    // replace and remove; a dataset's record is not written here
    let mut changed = good.clone();
    changed["title"] = json!("Kartverket Hønefoss");
    let (status, body) = send(&s, "PUT", "/api/catalogue/records/kv-honefoss", Some(&kari), &changed);
    assert_eq!((status, body["title"].as_str()), (200, Some("Kartverket Hønefoss")));
    assert_eq!(body["created"], made["created"], "a replaced record keeps its creation time");
    let dataset = s.json("/api/catalogue/search?kind=dataset&org=kartverket&limit=1", 200)["hits"][0]["record"].clone();
    let ds_path = format!("/api/catalogue/records/{}", dataset["uuid"].as_str().unwrap());
    assert_eq!(send(&s, "DELETE", &ds_path, Some(&kari), &Value::Null).0, 409, "publishing makes it");
    assert_eq!(send(&s, "PUT", &ds_path, Some(&kari), &good).0, 400, "the body's uuid is another");
    assert_eq!(send(&s, "DELETE", "/api/catalogue/records/kv-honefoss", Some(&ola), &Value::Null).0, 403);
    assert_eq!(send(&s, "DELETE", "/api/catalogue/records/kv-honefoss", Some(&kari), &Value::Null).0, 204);
    assert_eq!(send(&s, "GET", "/api/catalogue/records/kv-honefoss", None, &Value::Null).0, 404);

    // a record naming a person is listed and shown to that person only
    let mut private = authority("kv-private", "kari@kartverket.no");
    private["title"] = json!("Karis egen henvendelse");
    private["access"] = json!({"person": "ola"});
    assert_eq!(send(&s, "POST", path, Some(&kari), &private).0, 201);
    assert_eq!(s.json("/api/catalogue/search?q=henvendelse", 200)["total"], 0, "hidden from anonymous");
    let as_kari = send(&s, "GET", "/api/catalogue/search?q=henvendelse", Some(&kari), &Value::Null).1;
    assert_eq!(as_kari["total"], 0, "hidden from its writer, who is not the person");
    let as_ola = send(&s, "GET", "/api/catalogue/search?q=henvendelse", Some(&ola), &Value::Null).1;
    assert_eq!(as_ola["total"], 1, "{as_ola}");
    assert_eq!(send(&s, "GET", "/api/catalogue/records/kv-private", None, &Value::Null).0, 404);
    assert_eq!(send(&s, "GET", "/api/catalogue/records/kv-private", Some(&ola), &Value::Null).0, 200);
    let csw = s.get("/csw?service=CSW&version=2.0.2&request=GetRecords&typeNames=csw:Record&resultType=results&constraintLanguage=CQL_TEXT&constraint=AnyText%20LIKE%20%27%25henvendelse%25%27").2;
    assert!(csw.contains("numberOfRecordsMatched=\"0\""), "{csw}");

    // the OpenAPI document of fjord's own JSON APIs
    let doc = s.json("/api/openapi.json", 200);
    for p in ["/api/catalogue/search", "/api/catalogue/records", "/api/catalogue/records/{uuid}", "/api/portals/kinds"]
    {
        assert!(doc["paths"][p].is_object(), "{p} missing");
    }
    assert_valid_openapi(&doc, d);
}
