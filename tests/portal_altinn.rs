//! Altinn forms over the one catalogue: a citizen starts a draft, edits it, sends it (a
//! bad field refused with a 400 naming it), gets a receipt; the receiving authority's
//! clerk moves it on (received, processed; no skipping, a rejection needs a reason); a
//! stranger neither reads nor finds it; sending on behalf of an organisation needs
//! membership; a form whose own schema does not compile is refused; MyPage lists the
//! citizen's submissions and orders (theirs only); the OpenAPI document validates.

mod common;

use common::*;
use serde_json::{json, Value};

/// The field a 400 names.
fn refused_field(answer: &(u16, Value), field: &str) {
    assert_eq!(answer.0, 400, "{}", answer.1);
    let detail = answer.1["detail"].as_str().unwrap_or_default();
    assert!(detail.starts_with(&format!("{field}:")), "names {field}: {detail}");
}

#[test]
fn a_citizen_fills_in_and_sends_a_form_and_the_authority_processes_it() {
    let (dir, s) = seeded();
    let d = dir.path();
    ok(d, &["orgs", "add", "skatteetaten", "--number", "974761076", "--name", "Skatteetaten"]);
    ok(d, &["orgs", "add", "bedrift", "--number", "999888771", "--name", "Bedrift AS"]);
    for (user, password) in [
        ("ola", "flytter til Bergen 2026"),
        ("kari", "saksbehandler i etaten"),
        ("per", "fremmed kar 2026!"),
        ("bodil", "daglig leder 2026"),
    ] {
        add_user(d, user, password);
    }
    ok(d, &["orgs", "member", "skatteetaten", "kari", "--role", "uploader"]);
    ok(d, &["orgs", "member", "bedrift", "bodil", "--role", "viewer"]);
    let ola = basic("ola", "flytter til Bergen 2026");
    let kari = basic("kari", "saksbehandler i etaten");
    let per = basic("per", "fremmed kar 2026!");
    let bo = basic("bodil", "daglig leder 2026");

    // the forms are records of the one catalogue, found by the one search and listed
    let forms = s.json("/api/catalogue/search?kind=form", 200);
    assert_eq!(forms["total"], 3, "{forms}");
    let (status, _, page) = s.get("/skjema");
    assert_eq!(status, 200);
    assert!(page.contains("href=\"/skjema/form-flytting\"") && page.contains("Melding om flytting"), "{page}");
    let (_, _, english) = s.get("/skjema?lang=en");
    assert!(english.contains("<h1>Forms</h1>") && english.contains("Receiver:"), "{english}");
    let (status, _, page) = s.get("/skjema/form-flytting");
    assert_eq!(status, 401, "the form page asks to log in");
    assert!(page.contains("/login?return="), "{page}");
    let (status, _, page) = call(&s, "GET", "/skjema/form-flytting", Some(&ola), &[], b"");
    let page = String::from_utf8_lossy(&page);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("<label for=\"f-flyttedato\">Flyttedato *</label><input type=\"date\""), "{page}");
    assert_eq!(s.get("/skjema/no-such-form").0, 404);

    // a draft: anonymous 401; checked for shape only
    let start = "/api/altinn/forms/form-flytting/submissions";
    assert_eq!(send(&s, "POST", start, None, &json!({"data": {}})).0, 401);
    assert_eq!(send(&s, "POST", "/api/altinn/forms/nope/submissions", Some(&ola), &json!({})).0, 404);
    refused_field(&send(&s, "POST", start, Some(&ola), &json!({"data": [1]})), "data");
    assert_eq!(send(&s, "POST", start, Some(&ola), &json!({"data": {}, "extra": 1})).0, 400);
    let (status, draft) = send(&s, "POST", start, Some(&ola), &json!({"data": {"ny_adresse": "Strandkaien 2"}}));
    assert_eq!(status, 201, "{draft}");
    assert_eq!(draft["properties"]["status"], "draft");
    let id = draft["uuid"].as_str().unwrap().to_string();
    let one = format!("/api/altinn/submissions/{id}");

    // edited (an incomplete or wrong draft is kept), then sent: the bad field named
    let bad = json!({"data": {"ny_adresse": "Strandkaien 2", "postnummer": "50", "poststed": "Bergen", "flyttedato": "2026-12-01"}});
    assert_eq!(send(&s, "PUT", &one, Some(&ola), &bad).0, 200);
    assert_eq!(send(&s, "PUT", &one, Some(&kari), &bad).0, 403, "the clerk does not fill in ola's form");
    let submit = format!("{one}/submit");
    refused_field(&send(&s, "POST", &submit, Some(&ola), &Value::Null), "data.postnummer");
    let mut good = bad.clone();
    good["data"]["postnummer"] = "5003".into();
    good["data"]["flyttedato"] = "1. desember".into();
    assert_eq!(send(&s, "PUT", &one, Some(&ola), &good).0, 200);
    refused_field(&send(&s, "POST", &submit, Some(&ola), &Value::Null), "data.flyttedato");
    good["data"]["flyttedato"] = "2026-12-01".into();
    good["data"]["boligtype"] = "leilighet".into();
    good["data"]["antall_personer"] = 2.into();
    assert_eq!(send(&s, "PUT", &one, Some(&ola), &good).0, 200);
    let (status, sent) = send(&s, "POST", &submit, Some(&ola), &Value::Null);
    assert_eq!(status, 200, "{sent}");
    assert_eq!(sent["properties"]["status"], "submitted");
    let receipt = sent["properties"]["receipt"].as_str().unwrap().to_string();
    assert!(receipt.starts_with("AR") && receipt.len() == 12, "{receipt}");
    assert_eq!(send(&s, "POST", &submit, Some(&ola), &Value::Null).0, 409, "sent once");
    assert_eq!(send(&s, "PUT", &one, Some(&ola), &good).0, 409, "a sent form is not changed");

    // the receipt, a page to print: its submitter's, not a stranger's
    let receipt_page = format!("{one}/receipt");
    let (status, _, html) = call(&s, "GET", &receipt_page, Some(&ola), &[], b"");
    let html = String::from_utf8_lossy(&html);
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(&receipt) && html.contains("Strandkaien 2") && html.contains("window.print()"), "{html}");
    assert_eq!(call(&s, "GET", &receipt_page, Some(&per), &[], b"").0, 404);
    assert_eq!(s.get(&receipt_page).0, 401);

    // a stranger neither reads nor finds it; its submitter and the receiver's clerk do
    assert_eq!(send(&s, "GET", &one, Some(&per), &Value::Null).0, 404);
    assert_eq!(send(&s, "GET", &format!("/api/catalogue/records/{id}"), Some(&per), &Value::Null).0, 404);
    assert_eq!(s.get(&format!("/api/catalogue/records/{id}")).0, 404);
    let search = "/api/catalogue/search?kind=form-submission";
    for (who, total) in [(None, 0), (Some(&per), 0), (Some(&ola), 1), (Some(&kari), 1)] {
        let (status, found) = send(&s, "GET", search, who.map(String::as_str), &Value::Null);
        assert_eq!((status, found["total"].as_u64()), (200, Some(total)), "{found}");
    }
    let (_, found) = send(&s, "GET", "/api/catalogue/search?q=strandkaien", Some(&per), &Value::Null);
    assert_eq!(found["total"], 0, "{found}");

    // the clerk moves it: no skipping, a rejection needs a reason, the submitter moves nothing
    let status_path = format!("{one}/status");
    assert_eq!(send(&s, "POST", &status_path, Some(&ola), &json!({"status": "received"})).0, 403);
    assert_eq!(send(&s, "POST", &status_path, Some(&per), &json!({"status": "received"})).0, 404);
    assert_eq!(send(&s, "POST", &status_path, Some(&kari), &json!({"status": "processed"})).0, 409);
    refused_field(&send(&s, "POST", &status_path, Some(&kari), &json!({"status": "done"})), "status");
    assert_eq!(send(&s, "POST", &status_path, Some(&kari), &json!({"status": "received"})).0, 200);
    refused_field(&send(&s, "POST", &status_path, Some(&kari), &json!({"status": "rejected"})), "reason");
    let (status, done) = send(&s, "POST", &status_path, Some(&kari), &json!({"status": "processed"}));
    assert_eq!(status, 200, "{done}");
    let steps: Vec<&str> =
        done["properties"]["history"].as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect();
    assert_eq!(steps, ["draft", "submitted", "received", "processed"]);
    assert_eq!(done["properties"]["history"][2]["by"], "kari");
    assert_eq!(send(&s, "POST", &status_path, Some(&kari), &json!({"status": "rejected", "reason": "x"})).0, 409);

    // the workflow is not skipped through the generic record writes
    let mut forged = json!({});
    for key in ["uuid", "kind", "title", "organisation", "access", "properties"] {
        forged[key] = done[key].clone();
    }
    forged["properties"]["status"] = "draft".into();
    let record = format!("/api/catalogue/records/{id}");
    assert_eq!(send(&s, "PUT", &record, Some(&kari), &forged).0, 409);
    assert_eq!(send(&s, "DELETE", &record, Some(&kari), &Value::Null).0, 409);
    assert_eq!(send(&s, "POST", "/api/catalogue/records", Some(&kari), &forged).0, 409);

    // on behalf of an organisation: for forms that allow it, by its members only
    let amelding = "/api/altinn/forms/form-a-melding/submissions";
    let data = json!({"periode": "2026-10", "ansatte": 4, "sum_lonn": 180000});
    assert_eq!(send(&s, "POST", amelding, Some(&ola), &json!({"data": data, "organisation": "bedrift"})).0, 403);
    refused_field(&send(&s, "POST", amelding, Some(&bo), &json!({"data": data})), "organisation");
    refused_field(&send(&s, "POST", start, Some(&bo), &json!({"data": {}, "organisation": "bedrift"})), "organisation");
    let (status, firm) = send(
        &s,
        "POST",
        amelding,
        Some(&bo),
        &json!({"data": {"periode": "2026-10", "ansatte": "fire", "sum_lonn": 1}, "organisation": "bedrift"}),
    );
    assert_eq!(status, 201, "{firm}");
    let firm_one = format!("/api/altinn/submissions/{}", firm["uuid"].as_str().unwrap());
    refused_field(&send(&s, "POST", &format!("{firm_one}/submit"), Some(&bo), &Value::Null), "data.ansatte");
    assert_eq!(send(&s, "PUT", &firm_one, Some(&bo), &json!({"data": data})).0, 200);
    let (status, firm) = send(&s, "POST", &format!("{firm_one}/submit"), Some(&bo), &Value::Null);
    assert_eq!(status, 200, "{firm}");
    assert_eq!(firm["properties"]["submitter"], json!({"user": "bodil", "organisation": "bedrift"}));
    assert_eq!(send(&s, "GET", &firm_one, Some(&kari), &Value::Null).0, 200, "the receiver reads it");
    assert_eq!(send(&s, "GET", &firm_one, Some(&ola), &Value::Null).0, 404);

    // a form whose own schema does not compile is refused, naming properties.schema
    let broken = json!({
        "uuid": "form-broken", "kind": "form", "title": "Ødelagt skjema",
        "organisation": {"id": "skatteetaten", "name": "Skatteetaten"},
        "properties": {"submitters": ["citizen"], "receiver": {"id": "skatteetaten", "name": "Skatteetaten"},
                       "schema": {"type": "object", "properties": {"x": {"type": "tekst"}}}}
    });
    refused_field(&send(&s, "POST", "/api/catalogue/records", Some(&kari), &broken), "properties.schema");
    let mut fixed = broken.clone();
    fixed["properties"]["schema"]["properties"]["x"]["type"] = "string".into();
    fixed["properties"]["deadline"] = "2020-01-31".into();
    assert_eq!(send(&s, "POST", "/api/catalogue/records", Some(&kari), &fixed).0, 201);
    // past its deadline a form is still filled in, but not sent
    let (status, late) =
        send(&s, "POST", "/api/altinn/forms/form-broken/submissions", Some(&ola), &json!({"data": {"x": "a"}}));
    assert_eq!(status, 201, "{late}");
    let late_submit = format!("/api/altinn/submissions/{}/submit", late["uuid"].as_str().unwrap());
    let (status, refused) = send(&s, "POST", &late_submit, Some(&ola), &Value::Null);
    assert_eq!(status, 409, "{refused}");
    assert!(refused["detail"].as_str().unwrap().starts_with("deadline:"), "{refused}");

    // MyPage: ola's own submissions and orders, nobody else's
    assert_eq!(send(&s, "GET", "/api/mypage", None, &Value::Null).0, 401);
    let kommuner = s.json("/api/catalogue/search?q=kommuner&kind=dataset", 200)["hits"][0]["record"]["uuid"].clone();
    let order = json!({"email": "", "usageGroup": "Privatperson", "softwareClient": "fjord-test", "orderLines": [{
        "metadataUuid": kommuner, "areas": [{"code": "0301", "type": "kommune"}],
        "projections": [{"code": "25833"}], "formats": [{"name": "GeoJSON"}], "usagePurpose": ["Beredskap"]
    }]});
    let (status, placed) = send(&s, "POST", "/api/order", Some(&ola), &order);
    assert_eq!(status, 200, "{placed}");
    assert_eq!(send(&s, "POST", "/api/order", Some(&per), &order).0, 200);
    let (status, mine) = send(&s, "GET", "/api/mypage", Some(&ola), &Value::Null);
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["user"], "ola");
    let subs = mine["submissions"].as_array().unwrap();
    assert_eq!(subs.len(), 2, "the processed one and the late draft: {mine}");
    let sent = subs.iter().find(|x| x["uuid"] == id.as_str()).unwrap();
    assert_eq!((sent["status"].as_str(), sent["receipt"].as_str()), (Some("processed"), Some(receipt.as_str())));
    let draft = subs.iter().find(|x| x["uuid"] == late["uuid"]).unwrap();
    assert_eq!(draft["href"], format!("/skjema/form-broken?utkast={}", late["uuid"].as_str().unwrap()));
    let orders = mine["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 1, "ola's order only: {mine}");
    assert_eq!(orders[0]["reference"], placed["referenceNumber"]);
    assert_eq!(mine["folkeregister"]["href"], "/minside/folkeregister");
    let (_, kari_mine) = send(&s, "GET", "/api/mypage", Some(&kari), &Value::Null);
    assert_eq!(kari_mine["submissions"], json!([]), "the clerk's MyPage lists no one else's forms");
    let (status, _, html) = call(&s, "GET", "/minside", Some(&ola), &[], b"");
    let html = String::from_utf8_lossy(&html);
    assert_eq!(status, 200);
    assert!(
        html.contains(&receipt) && html.contains("Behandlet") && html.contains("href=\"/minside/folkeregister\""),
        "{html}"
    );
    let (status, _, html) = s.get("/minside");
    assert_eq!(status, 401);
    assert!(html.contains("/login?return=%2Fminside"), "{html}");

    // the JSON API in the OpenAPI document, which validates
    let doc = s.json("/api/openapi.json", 200);
    for path in [
        "/api/altinn/forms/{form}/submissions",
        "/api/altinn/submissions/{id}/submit",
        "/api/mypage",
        "/api/kostra/publish",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    assert_valid_openapi(&doc, d);
}
