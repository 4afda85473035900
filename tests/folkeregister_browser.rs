//! An unauthorised user cannot read a register entry, in a real browser (Debian's
//! Chromium, headless, driven by playwright-core from web/): MyPage's register page asks
//! for level high and shows nothing, the API answers 403, the record 404 and the search
//! nothing; the person, logged in at level high with a one-time code, reads their own
//! entry. axe-core checks both pages. The script is tests/browser/folkeregister_flow.cjs;
//! its screenshots are kept in target/test-artefacts/folkeregister-*.png.

mod common;
use common::{add_user, enrol_totp, run_browser, seeded};

#[test]
fn an_unauthorised_user_cannot_read_a_register_entry() {
    let (dir, s) = seeded();
    let d = dir.path();
    add_user(d, "sven", "nysgjerrig på andre 2026");
    add_user(d, "ingrid", "mitt eget passord 2026");
    let secret = enrol_totp(d, "ingrid");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    // the code of the next step: unused, and still good when the browser is up
    let otp = format!("{:06}", fjord_auth::totp::code(&secret, now / fjord_auth::totp::STEP + 1));
    let env = [
        ("STRANGER", "sven"),
        ("PASSWORD", "nysgjerrig på andre 2026"),
        ("PERSON", "ingrid"),
        ("PERSON_PASSWORD", "mitt eget passord 2026"),
        ("OTP", otp.as_str()),
        ("ENTRY", "01019012345"),
    ];
    let Some(stdout) = run_browser("folkeregister_flow.cjs", &s, &env) else { return };
    assert!(
        stdout.contains("refused: MyPage asks for level high, the API answers 403, the record 404, the search 0"),
        "{stdout}"
    );
    assert!(stdout.contains("the person reads their own entry at level high"), "{stdout}");
}
