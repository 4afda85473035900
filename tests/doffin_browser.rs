//! A buyer publishes a tender in a real browser (Debian's Chromium, headless, driven by
//! playwright-core from web/) and it shows on the map: the /doffin map (OpenLayers over
//! OGC API Features) holds one notice more, and an orange dot is drawn at Ålesund in the
//! screenshot; axe-core checks the search, form and notice pages. The script is
//! tests/browser/doffin_flow.cjs; its screenshots are kept in
//! target/test-artefacts/doffin-map-*.png.

mod common;
use common::{add_user, ok, root, run_browser, seeded, Picture};

/// How many pixels are the notices' orange (#c25400).
fn orange(pic: &Picture) -> usize {
    pic.rgba.iter().filter(|[r, g, b, _]| r.abs_diff(0xc2) < 24 && g.abs_diff(0x54) < 24 && *b < 40).count()
}

#[test]
fn a_buyer_publishes_a_tender_and_it_shows_on_the_map() {
    let (dir, s) = seeded();
    let d = dir.path();
    ok(d, &["orgs", "add", "alesund", "--number", "942953119", "--name", "Ålesund kommune"]);
    add_user(d, "berit", "kaifront og anbud 2026");
    ok(d, &["orgs", "member", "alesund", "berit", "--role", "uploader"]);
    let env = [("BUYER", "berit"), ("PASSWORD", "kaifront og anbud 2026")];
    let Some(stdout) = run_browser("doffin_flow.cjs", &s, &env) else { return };
    assert!(stdout.contains("published: the map went from 9 to 10 notices"), "{stdout}");
    let shot = |name: &str| {
        let path = root().join("target/test-artefacts").join(name);
        Picture::decode(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
    };
    let (before, after) = (orange(&shot("doffin-map-before.png")), orange(&shot("doffin-map-after.png")));
    assert!(before > 0, "the published samples are drawn");
    assert!(after > before, "one more orange dot: {before} → {after} orange pixels");
}
