//! A citizen at Norway.no in a real browser (Debian's Chromium, headless, driven by
//! playwright-core from web/): opens the topic "Arbeid" from the front page, opens NAV,
//! logs in on the way to the helpdesk form and sends NAV a question, then one routed by
//! the service chosen (Skattemelding, to Skatteetaten); axe-core checks
//! every page for serious or critical accessibility violations. The request is then
//! read over the API as NAV's clerk. The script is tests/browser/norway_flow.cjs; its
//! screenshots are kept in target/test-artefacts/norway-*.png.

mod common;
use common::{add_user, basic, call, ok, run_browser, seeded};

#[test]
fn a_citizen_finds_nav_by_topic_and_sends_it_a_question_in_chromium() {
    let (dir, s) = seeded();
    let d = dir.path();
    add_user(d, "ola", "nordmann og fjell 2026");
    ok(d, &["orgs", "add", "nav", "--number", "889640782", "--name", "NAV"]);
    add_user(d, "kari", "saksbehandler ved kontoret 2026");
    ok(d, &["orgs", "member", "nav", "kari", "--role", "viewer"]);
    let env = [("USER_NAME", "ola"), ("PASSWORD", "nordmann og fjell 2026")];
    let Some(stdout) = run_browser("norway_flow.cjs", &s, &env) else {
        return;
    };
    assert!(stdout.contains("sent: "), "{stdout}");

    // NAV's clerk reads what the browser sent
    let kari = basic("kari", "saksbehandler ved kontoret 2026");
    let (status, _, body) = call(&s, "GET", "/api/norway/helpdesk", Some(&kari), &[], &[]);
    let list: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["requests"][0]["title"], "Dagpenger etter permittering");
    assert_eq!(list["requests"][0]["properties"]["sender"], "ola");
}
