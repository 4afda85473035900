//! The National Register: the person reads their own whole entry at level high only; a
//! public office reads an entry cut down to what its task needs (NAV, a municipality for
//! its own residents); anyone else is refused (401/403/404); no search lists an entry to
//! anyone but the person; every read and every refusal is in the audit log.

mod common;

use common::*;
use serde_json::Value;

const INGRID: &str = "01019012345"; // a sample entry: Oslo (0301), username "ingrid"

fn get(s: &Server, path: &str, auth: Option<&str>) -> (u16, Value) {
    send(s, "GET", path, auth, &Value::Null)
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
    k.sort();
    k
}

#[test]
fn the_register_is_read_by_the_person_and_the_offices_minimised_and_audited() {
    let (dir, s) = seeded();
    let d = dir.path();
    for (org, number) in [("nav", "889640782"), ("kommune-0301", "958935420"), ("kommune-4601", "964338531")] {
        ok(d, &["orgs", "add", org, "--number", number, "--name", org]);
    }
    for (user, org) in
        [("nora", Some("nav")), ("oskar", Some("kommune-0301")), ("bjorn", Some("kommune-4601")), ("sven", None)]
    {
        add_user(d, user, "et passord for registeret");
        if let Some(org) = org {
            ok(d, &["orgs", "member", org, user, "--role", "viewer"]);
        }
    }
    add_user(d, "ingrid", "mitt eget passord 2026");
    add_user(d, "root", "the admin of it all");
    ok(d, &["users", "admin", "root"]);
    let as_user = |u: &str| basic(u, "et passord for registeret");
    let root = basic("root", "the admin of it all");
    // Ingrid's tokens from the gateway, at level substantial and high (a second factor)
    let ids = fjord_auth::Identities::open(&d.join("identity.sqlite")).unwrap();
    let issuer = fjord_auth::Issuer { url: s.base.clone(), audience: "fjord".into(), lifetime: 600 };
    let scopes = ["openid".to_string()];
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let token = |loa| {
        let grant = fjord_auth::Grant { sub: "ingrid", client_id: "web", loa, scopes: &scopes, org: None };
        format!("Bearer {}", ids.issue(&issuer, &grant, now).unwrap())
    };
    let (high, substantial) = (token(fjord_auth::Loa::High), token(fjord_auth::Loa::Substantial));

    // the person: the whole entry at level high only
    assert_eq!(get(&s, "/api/folkeregister/me", None).0, 401);
    let (status, why) = get(&s, "/api/folkeregister/me", Some(&substantial));
    assert!(status == 401 && why["detail"].as_str().unwrap().contains("level high"), "{why}");
    let (status, mine) = get(&s, "/api/folkeregister/me", Some(&high));
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["entry"]["national_id"], INGRID);
    assert_eq!(mine["entry"]["citizenship"][0], "NOR");
    assert_eq!(get(&s, "/api/folkeregister/me", Some(&as_user("nora"))).0, 401, "NAV's officer has no entry at high");
    let (status, _, page) = call(&s, "GET", "/minside/folkeregister", Some(&high), &[], &[]);
    let page = String::from_utf8_lossy(&page);
    assert!(status == 200 && page.contains(INGRID) && page.contains("Storgata 1"), "{page}");
    let (status, _, page) = call(&s, "GET", "/minside/folkeregister", Some(&substantial), &[], &[]);
    assert!(status == 401 && !String::from_utf8_lossy(&page).contains(INGRID));

    // the offices: each sees its own cut; a municipality only its own residents
    let path = format!("/api/folkeregister/persons/{INGRID}");
    let (status, nav) = get(&s, &path, Some(&as_user("nora")));
    assert_eq!(status, 200, "{nav}");
    assert_eq!(keys(&nav["entry"]), ["address", "marital_status", "name", "national_id"]);
    assert_eq!(nav["seen_as"][0], "nav");
    let (status, oslo) = get(&s, &path, Some(&as_user("oskar")));
    assert_eq!(status, 200, "{oslo}");
    assert_eq!(keys(&oslo["entry"]), ["address", "name"]);
    assert_eq!(get(&s, &path, Some(&as_user("bjorn"))).0, 404, "Bergen reads no resident of Oslo");

    // anyone else: refused
    assert_eq!(get(&s, &path, None).0, 401);
    assert_eq!(get(&s, &path, Some(&as_user("sven"))).0, 403);
    assert_eq!(get(&s, &path, Some(&root)).0, 403, "an administrator is no office");
    assert_eq!(get(&s, &path, Some(&high)).0, 403, "the person reads at /me");
    assert_eq!(get(&s, "/api/folkeregister/persons/99999999999", Some(&as_user("nora"))).0, 404);
    assert_eq!(get(&s, "/api/folkeregister/persons/12345", Some(&as_user("nora"))).0, 400);

    // no search lists an entry to anyone but the person; the records API neither
    for (who, auth) in [
        ("anonymous", None),
        ("sven", Some(as_user("sven"))),
        ("NAV", Some(as_user("nora"))),
        ("root", Some(root.clone())),
        ("ingrid at substantial", Some(substantial.clone())),
    ] {
        let (_, found) = get(&s, "/api/catalogue/search?kind=person&limit=100", auth.as_deref());
        assert_eq!(found["total"], 0, "{who}: {found}");
        let (_, found) = get(&s, "/api/catalogue/search?q=Nilsen", auth.as_deref());
        assert_eq!(found["total"], 0, "{who}: {found}");
        let record = format!("/api/catalogue/records/folkeregister-{INGRID}");
        assert_eq!(get(&s, &record, auth.as_deref()).0, 404, "{who}");
    }
    let (_, found) = get(&s, "/api/catalogue/search?kind=person&limit=100", Some(&high));
    assert_eq!(found["total"], 1, "her own: {found}");
    assert!(s.get("/csw?service=CSW&version=2.0.2&request=GetRecords&typeNames=csw:Record&resultType=results&constraintLanguage=CQL_TEXT&constraint=AnyText%20LIKE%20%27%25Nilsen%25%27").2.contains("numberOfRecordsMatched=\"0\""));

    // every read and every refusal is in the audit log
    let (status, log) = get(&s, "/api/admin/audit?action=folkeregister.read&limit=1000", Some(&root));
    assert_eq!(status, 200, "{log}");
    let entries = log["entries"].as_array().unwrap();
    let has = |who: &str, what: &str, outcome: &str| {
        entries.iter().any(|e| e["who"] == who && e["what"].as_str().unwrap().contains(what) && e["outcome"] == outcome)
    };
    assert!(has("nora", INGRID, "ok") && has("oskar", INGRID, "ok"), "{log}");
    assert!(has("bjorn", INGRID, "refused: 404") && has("sven", INGRID, "refused: 403"), "{log}");
    assert!(has("-", INGRID, "refused: 401") && has("root", INGRID, "refused: 403"), "{log}");
    assert!(has("ingrid", "own entry", "ok") && has("ingrid", "own entry", "refused: 401"), "{log}");
    let office_reads = entries.iter().filter(|e| e["what"].as_str().unwrap().starts_with("person")).count();
    assert_eq!(office_reads, 9, "one entry per office read: {log}");

    let doc = s.json("/api/openapi.json", 200);
    assert!(doc["paths"]["/api/folkeregister/persons/{id}"]["get"].is_object());
    assert_valid_openapi(&doc, d);
}
