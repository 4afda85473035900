//! Norway.no over the one catalogue: the topics are the one search's theme facet over
//! every kind, the inventory of public authorities is listed and shown, and a logged-in
//! citizen's helpdesk request is routed to the right authority (chosen, by service, by
//! topic), refused with a 400 naming the field when it cannot be, refused 401 when
//! anonymous, and read only by the citizen and the authority's clerks. The pages answer
//! in the catalogue's frame, and the OpenAPI document still validates.

mod common;

use common::*;
use serde_json::{json, Value};

#[test]
fn norway_no_finds_by_topic_lists_authorities_and_routes_helpdesk_requests() {
    let (dir, s) = seeded();
    let d = dir.path();
    ok(d, &["orgs", "add", "nav", "--number", "889640782", "--name", "NAV"]);
    ok(d, &["orgs", "add", "skatteetaten", "--number", "974761076", "--name", "Skatteetaten"]);
    add_user(d, "ola", "nordmann og fjell 2026");
    add_user(d, "kari", "saksbehandler ved kontoret 2026");
    add_user(d, "per", "skatt og avgift 2026!");
    ok(d, &["orgs", "member", "nav", "kari", "--role", "viewer"]);
    ok(d, &["orgs", "member", "skatteetaten", "per", "--role", "viewer"]);
    let ola = basic("ola", "nordmann og fjell 2026");
    let kari = basic("kari", "saksbehandler ved kontoret 2026");
    let per = basic("per", "skatt og avgift 2026!");

    // topics: the theme facet over every kind, with the authorities working with each
    let topics = s.json("/api/norway/topics", 200);
    let arbeid = topics["topics"].as_array().unwrap().iter().find(|t| t["topic"] == "Arbeid").unwrap().clone();
    assert!(arbeid["authorities"].to_string().contains("authority-nav"), "{arbeid}");
    assert!(arbeid["authorities"].to_string().contains("authority-arbeidstilsynet"), "{arbeid}");
    let by_topic = s.json("/api/catalogue/search?theme=Skatt%20og%20avgift&limit=50", 200);
    let kinds = by_topic["facets"]["kind"].to_string();
    assert!(kinds.contains("authority") && kinds.contains("regulation"), "one search over every kind: {kinds}");

    // the inventory
    let all = s.json("/api/norway/authorities", 200);
    assert!(all["total"].as_u64().unwrap() >= 8, "{all}");
    let food = s.json("/api/norway/authorities?topic=mat%20og%20landbruk", 200);
    assert_eq!(food["authorities"][0]["uuid"], "authority-mattilsynet", "{food}");
    let nav = s.json("/api/norway/authorities/authority-nav", 200);
    assert_eq!(nav["properties"]["organisation_number"], "889640782");
    assert_eq!(s.get("/api/norway/authorities/standard-wms").0, 404, "not an authority");
    assert_eq!(s.get("/api/norway/authorities/nope").0, 404);

    // a helpdesk request: anonymous 401; routed by service, by topic, by choice
    let path = "/api/norway/helpdesk";
    let ask = |body: Value| send(&s, "POST", path, Some(&ola), &body);
    let q = json!({"topic": "Arbeid", "service": "Dagpenger", "subject": "Dagpenger etter oppsigelse", "message": "Når får jeg svar?"});
    assert_eq!(send(&s, "POST", path, None, &q).0, 401);
    let (status, by_service) = ask(q.clone());
    assert_eq!(status, 201, "{by_service}");
    assert_eq!(by_service["organisation"]["id"], "nav");
    assert_eq!(by_service["properties"]["authority"], "authority-nav");
    assert_eq!(by_service["properties"]["sender"], "ola");
    assert_eq!(by_service["access"], json!({"any_of": [{"person": "ola"}, {"roles": ["nav:viewer"]}]}));
    let (status, by_topic) =
        ask(json!({"topic": "Skatt og avgift", "subject": "Skattekort", "message": "Hvor finner jeg skattekortet?"}));
    assert_eq!((status, by_topic["organisation"]["id"].as_str()), (201, Some("skatteetaten")), "{by_topic}");
    let (status, chosen) = ask(
        json!({"topic": "Skatt og avgift", "authority": "authority-nav", "subject": "Sykepenger", "message": "Et spørsmål"}),
    );
    assert_eq!((status, chosen["organisation"]["id"].as_str()), (201, Some("nav")), "the choice wins: {chosen}");

    // refusals name the field
    let refused = |body: Value| {
        let (status, problem) = ask(body);
        assert_eq!(status, 400, "{problem}");
        problem["detail"].as_str().unwrap().to_string()
    };
    let base = json!({"subject": "Hei", "message": "Hei"});
    let with = |extra: Value| {
        let mut b = base.clone();
        b.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        b
    };
    assert!(refused(with(json!({"topic": "Arbeid"}))).starts_with("authority: several authorities"), "ambiguous");
    assert!(refused(with(json!({"topic": "Romfart"}))).starts_with("topic:"));
    assert!(refused(with(json!({}))).starts_with("topic:"));
    assert!(refused(with(json!({"service": "Romreiser"}))).starts_with("service:"));
    assert!(refused(with(json!({"authority": "authority-nope"}))).starts_with("authority:"));
    assert!(refused(json!({"topic": "Skatt og avgift", "subject": " ", "message": "x"})).starts_with("subject:"));
    assert!(
        refused(json!({"topic": "Skatt og avgift", "subject": "x", "message": ""})).starts_with("properties.message:")
    );
    let bad_mail = refused(json!({"topic": "Skatt og avgift", "subject": "x", "message": "y", "reply_to": "nei"}));
    assert!(bad_mail.starts_with("properties.reply_to:"), "{bad_mail}");
    assert!(refused(json!({"topic": "Skatt og avgift", "subject": "x", "message": "y", "colour": 1}))
        .contains("unknown field"));
    let (status, _) = send(&s, "POST", path, Some(&ola), &Value::String("{not json".into()));
    assert_eq!(status, 400);

    // who reads them: the sender all three, each authority's clerk theirs, nobody else
    let listed = |auth: Option<&str>, query: &str| send(&s, "GET", &format!("{path}{query}"), auth, &Value::Null);
    assert_eq!(listed(None, "").0, 401);
    assert_eq!(listed(Some(&ola), "").1["total"], 3);
    let (status, navs) = listed(Some(&kari), "");
    assert_eq!((status, navs["total"].as_u64()), (200, Some(2)), "{navs}");
    assert_eq!(listed(Some(&per), "").1["total"], 1);
    assert_eq!(listed(Some(&kari), "?authority=authority-skatteetaten").1["total"], 0);
    assert_eq!(listed(Some(&ola), "?authority=authority-skatteetaten").1["total"], 1);
    let uuid = by_topic["uuid"].as_str().unwrap();
    let record = format!("/api/catalogue/records/{uuid}");
    assert_eq!(send(&s, "GET", &record, None, &Value::Null).0, 404);
    assert_eq!(send(&s, "GET", &record, Some(&kari), &Value::Null).0, 404, "another authority's clerk");
    assert_eq!(send(&s, "GET", &record, Some(&per), &Value::Null).0, 200);
    assert_eq!(s.json("/api/catalogue/search?kind=helpdesk-request", 200)["total"], 0, "private");

    // the pages, in the catalogue's frame
    let (status, _, front) = s.get("/norge");
    assert_eq!(status, 200);
    assert!(front.contains("href=\"/norge?theme=Arbeid\"") && front.contains("<header>"), "{front}");
    let (_, _, topic_page) = s.get("/norge?theme=Mat%20og%20landbruk");
    assert!(topic_page.contains("/norge/virksomheter/authority-mattilsynet"), "{topic_page}");
    let (_, _, searched) = s.get("/norge?q=skjenkebevilling&lang=en");
    assert!(
        searched.contains("/regelhjelp#regulation-serving-licence") && searched.contains("Services</a>"),
        "{searched}"
    );
    assert_eq!(s.get("/norge?q=kart&offset=x").0, 400);
    let (_, _, first) = s.get("/norge?kind=regulation");
    assert!(first.contains("rel=\"next\" href=\"/norge?kind=regulation&amp;offset=20\""), "{first}");
    let (_, _, second) = s.get("/norge?kind=regulation&offset=20");
    assert!(second.contains("rel=\"prev\"") && !second.contains("rel=\"next\""), "{second}");
    let (_, _, list) = s.get("/norge/virksomheter");
    assert!(list.contains("Brønnøysundregistrene") && list.contains("974760673"));
    let (_, _, one) = s.get("/norge/virksomheter/authority-nav");
    assert!(one.contains("kontakt@nav.no") && one.contains("/norge/hjelp?authority=authority-nav"), "{one}");
    assert_eq!(s.get("/norge/virksomheter/nope").0, 404);
    let (status, _, help) = s.get("/norge/hjelp");
    assert_eq!(status, 401);
    assert!(help.contains("/login?return="), "{help}");
    let form = "topic=Skatt+og+avgift&subject=x&message=y";
    let (status, _, posted) = s.post("/norge/hjelp", "application/x-www-form-urlencoded", form);
    assert_eq!(status, 401, "anonymous: {posted}");
    let urlencoded = [("Content-Type", "application/x-www-form-urlencoded")];
    let (status, _, _) = call(&s, "POST", "/norge/hjelp", Some(&ola), &urlencoded, form.as_bytes());
    assert_eq!(status, 403, "no CSRF token");

    // the OpenAPI document
    let doc = s.json("/api/openapi.json", 200);
    for p in ["/api/norway/topics", "/api/norway/authorities", "/api/norway/authorities/{uuid}", "/api/norway/helpdesk"]
    {
        assert!(doc["paths"][p].is_object(), "{p} missing");
    }
    assert_valid_openapi(&doc, d);
}
