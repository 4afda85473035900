//! A citizen in a real browser (Debian's Chromium, headless, driven by playwright-core
//! from web/): searches "høyde", opens the elevation dataset, sees its map preview drawn,
//! adds a county file and an area drawn on the map to the basket, orders them, sees them
//! ready, downloads the county's file and then both in one zip; axe-core checks the
//! search, dataset, basket and order pages for serious or critical accessibility
//! violations.
//! The script is tests/browser/citizen_flow.cjs; its screenshots are kept in
//! target/test-artefacts/citizen-*.png.

mod common;
use common::{root, run_browser, seeded, Picture};

#[test]
fn a_citizen_finds_previews_orders_and_downloads_elevation_in_chromium() {
    let (dir, s) = seeded();
    let downloads = dir.path().join("downloads-from-browser");
    let Some(stdout) = run_browser("citizen_flow.cjs", &s, &[("DOWNLOADS", downloads.to_str().unwrap())]) else {
        return;
    };
    let artefacts = root().join("target/test-artefacts");
    assert!(stdout.contains("downloaded "), "{stdout}");

    // the map preview as the browser drew it: grey hillshaded land, the rest of the box
    // (east of Norway, in the middle of the right edge) left in the page's map colour
    let shot = artefacts.join("citizen-preview.png");
    let pic = Picture::decode(&std::fs::read(&shot).unwrap());
    let height = pic.rgba.len() as u32 / pic.width;
    let land = pic.rgba.iter().filter(|[r, g, b, _]| *r < 215 && r.abs_diff(*g) < 16 && g.abs_diff(*b) < 16).count();
    let share = land as f64 / pic.rgba.len() as f64;
    assert!(share > 0.03, "Norway is drawn: {:.1} % grey land (see {})", share * 100.0, shot.display());
    assert_eq!(
        pic.at(pic.width - 8, height / 2),
        [0xf4, 0xf7, 0xfa, 255],
        "no land east of Norway (see {})",
        shot.display()
    );
}
