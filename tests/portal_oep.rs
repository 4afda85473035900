//! OEP: citizens search the agencies' journals (text, agency, dates); an exempt entry is
//! shown without its content (title, and under Offl. § 13 the parties, masked; agency,
//! case number and date kept) to all but the agency's members, and its content is found by
//! no search; a logged-in citizen asks for access, the request goes to the agency alone,
//! whose writer answers it once (a refusal with its reason).

mod common;

use common::*;
use serde_json::{json, Value};

const EXEMPT: &str = "oep-bergen-kommune-2026-2188-1"; // "Bekymringsmelding – barn i Årstad bydel", Offl. § 13

fn entry<'a>(found: &'a Value, uuid: &str) -> &'a Value {
    found["records"].as_array().unwrap().iter().find(|r| r["uuid"] == uuid).unwrap_or_else(|| panic!("{found}"))
}

#[test]
fn exempt_entries_are_masked_and_access_requests_go_to_the_agency() {
    let (dir, s) = seeded();
    let d = dir.path();
    ok(d, &["orgs", "add", "bergen-kommune", "--number", "964338531", "--name", "Bergen kommune"]);
    for user in ["berit", "vera", "ola", "kari"] {
        add_user(d, user, "journalen er åpen 2026");
    }
    ok(d, &["orgs", "member", "bergen-kommune", "berit", "--role", "uploader"]);
    ok(d, &["orgs", "member", "bergen-kommune", "vera", "--role", "viewer"]);
    let who = |u: &str| basic(u, "journalen er åpen 2026");
    let get = |path: &str, auth: Option<&str>| send(&s, "GET", path, auth, &Value::Null);

    // the search: all agencies, one agency, a span of dates, newest first
    let all = s.json("/api/oep/records?limit=100", 200);
    assert_eq!(all["total"], 20);
    assert_eq!(all["records"][0]["record"]["document_date"], "2026-03-10", "newest first");
    assert_eq!(s.json("/api/oep/records?agency=bergen-kommune", 200)["total"], 5);
    assert_eq!(s.json("/api/oep/records?from=2026-02-01&to=2026-02-28&limit=100", 200)["total"], 10);
    assert_eq!(s.json("/api/oep/records?q=skjenkebevilling", 200)["total"], 2);
    assert_eq!(s.get("/api/oep/records?from=februar").0, 400);

    // an exempt entry: its case visible, its content not, to all but the agency's members
    let masked = entry(&all, EXEMPT)["record"].clone();
    assert_eq!(masked["document_title"], "Unntatt offentlighet – Offl. § 13");
    assert_eq!(masked["sender_recipient"], "Unntatt offentlighet");
    assert_eq!(
        (masked["case_number"].as_str(), masked["document_date"].as_str()),
        (Some("2026/2188"), Some("2026-02-10"))
    );
    assert_eq!(entry(&all, EXEMPT)["agency"]["name"], "Bergen kommune");
    let as_ola = get("/api/oep/records?agency=bergen-kommune", Some(&who("ola"))).1;
    assert_eq!(entry(&as_ola, EXEMPT)["record"]["document_title"], "Unntatt offentlighet – Offl. § 13");
    let as_vera = get("/api/oep/records?agency=bergen-kommune", Some(&who("vera"))).1;
    assert_eq!(entry(&as_vera, EXEMPT)["record"]["document_title"], "Bekymringsmelding – barn i Årstad bydel");
    let internal = entry(&all, "oep-oslo-kommune-2026-1502-1")["record"].clone();
    assert!(
        internal["document_title"].as_str().unwrap().starts_with("Unntatt")
            && internal["sender_recipient"] == "Byrådsavdeling for finans"
    );
    // its content is found by no search, nor read through the records API
    assert_eq!(s.json("/api/oep/records?q=bekymringsmelding", 200)["total"], 0);
    assert_eq!(s.json("/api/catalogue/search?q=bekymringsmelding", 200)["total"], 0);
    let record = s.json(&format!("/api/catalogue/records/{EXEMPT}"), 200);
    assert!(record["properties"].is_null() && record["readable"] == false, "{record}");
    let (status, page) = (s.get("/oep?agency=bergen-kommune").0, s.get("/oep?agency=bergen-kommune").2);
    assert!(status == 200 && page.contains("Unntatt offentlighet – Offl. § 13") && !page.contains("Årstad"), "{page}");

    // the agency cannot write an exempt entry open, nor with its title in the open
    let mut open = json!({
        "uuid": "oep-bergen-test", "kind": "public-record", "title": "Unntatt offentlighet – Offl. § 13",
        "organisation": {"id": "bergen-kommune", "name": "Bergen kommune"}, "access": "open",
        "properties": {"case_number": "2026/9999", "document_number": 1, "document_title": "Barnevernssak",
            "document_date": "2026-03-01", "direction": "incoming", "sender_recipient": "Kari", "access_code": "Offl. § 13",
            "legal_basis": "offl. § 13"}
    });
    let (status, problem) = send(&s, "POST", "/api/catalogue/records", Some(&who("berit")), &open);
    assert!(status == 400 && problem["detail"].as_str().unwrap().starts_with("access:"), "{problem}");
    open["access"] = json!({"roles": ["bergen-kommune:viewer"]});
    open["title"] = json!("Barnevernssak");
    let (status, problem) = send(&s, "POST", "/api/catalogue/records", Some(&who("berit")), &open);
    assert!(status == 400 && problem["detail"].as_str().unwrap().starts_with("title:"), "{problem}");

    // asking for access: logged in only; the request is the citizen's and the agency's
    let ask = format!("/api/oep/records/{EXEMPT}/requests");
    assert_eq!(send(&s, "POST", &ask, None, &json!({})).0, 401);
    assert_eq!(send(&s, "POST", "/api/oep/records/nope/requests", Some(&who("ola")), &json!({})).0, 404);
    let (status, made) = send(&s, "POST", &ask, Some(&who("ola")), &json!({"message": "Jeg er forelder."}));
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["organisation"]["id"], "bergen-kommune", "routed to the agency");
    let request = made["uuid"].as_str().unwrap().to_string();
    let listed = |u: Option<&str>| get("/api/oep/requests", u).1["total"].clone();
    assert_eq!(get("/api/oep/requests", None).0, 401);
    assert_eq!(
        (
            listed(Some(&who("ola"))),
            listed(Some(&who("kari"))),
            listed(Some(&who("vera"))),
            listed(Some(&who("berit")))
        ),
        (json!(1), json!(0), json!(1), json!(1))
    );
    assert_eq!(s.json("/api/catalogue/search?kind=access-request", 200)["total"], 0, "private");
    assert_eq!(get("/api/catalogue/search?kind=access-request", Some(&who("kari"))).1["total"], 0);

    // the page: anonymous visitors are asked to log in, citizens get the button and
    // their requests, the agency's writer the buttons to answer
    let page = |auth: Option<&str>| String::from_utf8_lossy(&call(&s, "GET", "/oep", auth, &[], &[]).2).into_owned();
    assert!(page(None).contains("Logg inn for å be om innsyn") && !page(None).contains("data-request"));
    let olas = page(Some(&who("ola")));
    assert!(olas.contains(&format!("data-request=\"{EXEMPT}\"")) && !olas.contains("Jeg er forelder"));
    assert!(olas.contains("<h2 id=\"requests\">Innsynskrav</h2>") && !olas.contains("data-answer"), "{olas}");
    assert!(page(Some(&who("berit"))).contains(&format!("data-answer=\"{request}\"")));
    assert!(!page(Some(&who("vera"))).contains("data-answer"), "viewers do not answer");

    // the agency answers once; a refusal says why
    let to = format!("/api/oep/requests/{request}/answer");
    assert_eq!(send(&s, "POST", &to, Some(&who("ola")), &json!({"status": "granted"})).0, 403);
    assert_eq!(send(&s, "POST", &to, Some(&who("vera")), &json!({"status": "granted"})).0, 403, "viewers read");
    let (status, problem) = send(&s, "POST", &to, Some(&who("berit")), &json!({"status": "refused"}));
    assert!(status == 400 && problem["detail"].as_str().unwrap().starts_with("reason:"), "{problem}");
    let (status, answered) = send(
        &s,
        "POST",
        &to,
        Some(&who("berit")),
        &json!({"status": "refused", "reason": "Offl. § 13 jf. bvl. § 13-1"}),
    );
    assert_eq!(status, 200, "{answered}");
    assert_eq!(answered["properties"]["status"], "refused");
    let (status, problem) = send(&s, "POST", &to, Some(&who("berit")), &json!({"status": "granted"}));
    assert!(status == 400 && problem["detail"].as_str().unwrap().starts_with("status:"), "{problem}");
    let mine = get("/api/oep/requests", Some(&who("ola"))).1;
    assert_eq!(mine["requests"][0]["request"]["reason"], "Offl. § 13 jf. bvl. § 13-1", "the citizen reads the answer");

    let doc = s.json("/api/openapi.json", 200);
    assert!(doc["paths"]["/api/oep/records"]["get"].is_object());
    assert_valid_openapi(&doc, d);
}
