//! A real browser: Debian's Chromium, headless, opens tests/browser/map.html, where
//! OpenLayers (from npm) shows fjord's WMS in Web Mercator and the municipalities as
//! vector tiles outlined in red. The screenshot must show Norway drawn where it is, the
//! sea left blank and the red outlines around Oslo; it is kept as
//! target/test-artefacts/browser-map.png.

mod common;
use common::{ok, root, Server};
use std::process::Command;

#[test]
fn openlayers_in_chromium_shows_norway() {
    let page = root().join("tests/browser/map.html");
    if !root().join("tests/browser/node_modules/ol/dist/ol.js").exists() {
        println!("SKIPPED: OpenLayers is not installed (just test-deps runs npm ci in tests/browser)");
        return;
    }
    if Command::new("chromium").arg("--version").output().is_err() {
        println!("SKIPPED: chromium is not installed (just test-deps installs Debian's chromium)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["seed", root().join("datasets").to_str().unwrap()]);
    let s = Server::start(dir.path());
    let artefacts = root().join("target/test-artefacts");
    std::fs::create_dir_all(&artefacts).unwrap();
    let shot = artefacts.join("browser-map.png");
    let _ = std::fs::remove_file(&shot);
    let out = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=600,600"])
        .arg("--virtual-time-budget=20000")
        .arg(format!("--user-data-dir={}", dir.path().join("chromium").display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}?base={}", page.display(), s.base))
        .output()
        .unwrap();
    assert!(shot.exists(), "no screenshot: {}", String::from_utf8_lossy(&out.stderr));

    let mut dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap())).read_info().unwrap();
    let mut buf = vec![0; dec.output_buffer_size().unwrap()];
    let info = dec.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let at = |x: u32, y: u32| {
        let i = ((y * info.width + x) as usize) * channels;
        [buf[i], buf[i + 1], buf[i + 2]]
    };
    // centre lon 15, lat 65, zoom 4, 600×600: inland southern Norway and the open sea
    let (land, sea) = (at(240, 400), at(100, 300));
    assert_ne!(land, [255, 255, 255], "Norway is drawn (see {})", shot.display());
    assert_eq!(sea, [255, 255, 255], "the sea is blank (see {})", shot.display());
    let red = (0..info.height)
        .flat_map(|y| (0..info.width).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let [r, g, b] = at(x, y);
            r > 200 && g < 80 && b < 80
        })
        .count();
    assert!(red > 30, "the vector tiles' red outlines: {red} pixels (see {})", shot.display());
}
