//! A citizen in a real browser (Debian's Chromium, headless, driven by playwright-core
//! from web/): logs in, fills in "Melding om flytting" from the forms list, is told which
//! field is wrong, corrects it, sends it, sees the receipt and finds it on MyPage;
//! axe-core checks the form, receipt and MyPage pages for serious or critical
//! accessibility violations. The script is tests/browser/altinn_flow.cjs; its
//! screenshots are kept in target/test-artefacts/altinn-*.png.

mod common;
use common::{add_user, basic, call, run_browser, seeded};

#[test]
fn a_citizen_logs_in_sends_a_form_and_sees_it_on_mypage_in_chromium() {
    let (dir, s) = seeded();
    add_user(dir.path(), "ola", "flytter til Bergen 2026");
    let env = [("USER_NAME", "ola"), ("PASSWORD", "flytter til Bergen 2026")];
    let Some(stdout) = run_browser("altinn_flow.cjs", &s, &env) else { return };
    let receipt = stdout.lines().find_map(|l| l.strip_prefix("sent ")).expect("the script sent the form").trim();

    // the server holds it as the browser showed it: sent, with that receipt, ola's
    let auth = basic("ola", "flytter til Bergen 2026");
    let (status, _, body) = call(&s, "GET", "/api/mypage", Some(&auth), &[], b"");
    assert_eq!(status, 200);
    let mine: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let sent = &mine["submissions"][0];
    assert_eq!((sent["status"].as_str(), sent["receipt"].as_str()), (Some("submitted"), Some(receipt)), "{mine}");
}
