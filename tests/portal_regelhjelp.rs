//! Regelhjelp over the one catalogue: the guide narrows the regulations of every
//! authority by industry (a rule for NACE 56 applies to 56.101) and topic, groups them by
//! authority, refuses a bad code with a 400 naming the field, and its page lists the
//! same; a regulation written through the API is checked against its kind; the OpenAPI
//! document still validates.

mod common;

use common::*;
use serde_json::{json, Value};

fn uuids(guide: &Value) -> Vec<String> {
    guide["authorities"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["regulations"].as_array().unwrap().iter().map(|r| r["uuid"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn the_guide_lists_what_applies_to_an_industry_across_authorities() {
    let (dir, s) = seeded();
    let d = dir.path();

    let every = s.json("/api/regelhjelp", 200);
    let total = every["total"].as_u64().unwrap();
    assert!((15..=25).contains(&total), "{total}");

    // a restaurant: food rules (56), serving licences (56.101), and what applies to all
    let restaurant = s.json("/api/regelhjelp?nace=56.101", 200);
    let found = uuids(&restaurant);
    for u in
        ["regulation-smilefjes", "regulation-serving-licence", "regulation-vat-registration", "regulation-fire-safety"]
    {
        assert!(found.contains(&u.to_string()), "{u}: {found:?}");
    }
    assert!(!found.contains(&"regulation-construction-hms-card".to_string()));
    assert!(!found.contains(&"regulation-taxi-taximeter".to_string()));
    let authorities: Vec<&str> = restaurant["authorities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["authority"]["name"].as_str().unwrap())
        .collect();
    let mut sorted = authorities.clone();
    sorted.sort_unstable();
    assert_eq!(authorities, sorted, "grouped by authority, by name");
    assert!(authorities.len() >= 5, "{authorities:?}");

    // narrowed by topic; a whole division; a building firm
    let food = s.json("/api/regelhjelp?nace=56.101&topic=Mat%20og%20landbruk", 200);
    assert_eq!(food["authorities"].as_array().unwrap().len(), 1);
    assert_eq!(food["authorities"][0]["authority"]["id"], "mattilsynet");
    let builder = uuids(&s.json("/api/regelhjelp?nace=41.200", 200));
    assert!(
        builder.contains(&"regulation-construction-hms-card".to_string())
            && builder.contains(&"regulation-building-permit".to_string())
    );
    assert!(!builder.contains(&"regulation-smilefjes".to_string()));
    let pub_rules = uuids(&s.json("/api/regelhjelp?nace=56.301", 200));
    assert!(pub_rules.contains(&"regulation-serving-licence".to_string()), "56.3 covers 56.301");

    // bad codes name the field
    for bad in ["5", "56101", "abc", "56.1011"] {
        let (status, _, body) = s.get(&format!("/api/regelhjelp?nace={bad}"));
        assert_eq!(status, 400, "{bad}");
        assert!(body.contains("\"detail\":\"nace:"), "{body}");
    }

    // a regulation written through the API is checked against its kind
    ok(d, &["orgs", "add", "mattilsynet", "--number", "985399077", "--name", "Mattilsynet"]);
    add_user(d, "mari", "tilsyn med maten 2026");
    ok(d, &["orgs", "member", "mattilsynet", "mari", "--role", "uploader"]);
    let mari = basic("mari", "tilsyn med maten 2026");
    let rule = json!({"kind": "regulation", "title": "Merking av kjøttets opprinnelse", "theme": "Mat og landbruk",
        "organisation": {"id": "mattilsynet", "name": "Mattilsynet"},
        "properties": {"nace": ["56.101"], "requirement": "Opplys om opprinnelseslandet til storfekjøtt.",
                       "legal_reference": "Matinformasjonsforskriften § 11"}});
    let post = |body: &Value| send(&s, "POST", "/api/catalogue/records", Some(&mari), body);
    let mut bad = rule.clone();
    bad["properties"]["nace"] = json!(["restaurant"]);
    let (status, problem) = post(&bad);
    assert_eq!(status, 400);
    assert!(problem["detail"].as_str().unwrap().starts_with("properties.nace[0]:"), "{problem}");
    let mut bad = rule.clone();
    bad["properties"].as_object_mut().unwrap().remove("legal_reference");
    assert!(post(&bad).1["detail"].as_str().unwrap().starts_with("properties.legal_reference:"));
    assert_eq!(post(&rule).0, 201);
    let after = s.json("/api/regelhjelp?nace=56.101&topic=mat%20og%20landbruk", 200);
    assert_eq!(after["total"].as_u64().unwrap(), food["total"].as_u64().unwrap() + 1);

    // the page
    let (status, _, page) = s.get("/regelhjelp?nace=56.101");
    assert_eq!(status, 200);
    assert!(page.contains("<option value=\"56.101\" selected>") && page.contains("<h3>Mattilsynet</h3>"), "{page}");
    assert!(page.contains("id=\"regulation-smilefjes\"") && !page.contains("id=\"regulation-taxi-taximeter\""));
    let (status, _, refused) = s.get("/regelhjelp?nace=xx");
    assert_eq!(status, 400);
    assert!(refused.contains("nace:"), "{refused}");

    let doc = s.json("/api/openapi.json", 200);
    assert!(doc["paths"]["/api/regelhjelp"].is_object());
    assert_valid_openapi(&doc, d);
}
