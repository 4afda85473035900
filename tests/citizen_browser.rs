//! A citizen in a real browser (Debian's Chromium, headless, driven by playwright-core
//! from web/): searches "høyde", opens the elevation dataset, sees its map preview drawn,
//! adds a county file to the basket, orders it, sees it ready and downloads it; axe-core
//! checks the search and dataset pages for serious or critical accessibility violations.
//! The script is tests/browser/citizen_flow.cjs; its screenshots are kept in
//! target/test-artefacts/citizen-*.png.

mod common;
use common::{root, seeded};
use std::process::Command;

#[test]
fn a_citizen_finds_previews_orders_and_downloads_elevation_in_chromium() {
    let modules = root().join("web/node_modules");
    for package in ["playwright-core", "axe-core"] {
        if !modules.join(package).exists() {
            println!("SKIPPED: {package} is not installed (just deps runs npm ci in web/)");
            return;
        }
    }
    if Command::new("chromium").arg("--version").output().is_err() {
        println!("SKIPPED: chromium is not installed (just test-deps installs Debian's chromium)");
        return;
    }
    if Command::new("node").arg("--version").output().is_err() {
        println!("SKIPPED: node is not installed (just deps installs nodejs)");
        return;
    }
    let (dir, s) = seeded();
    let artefacts = root().join("target/test-artefacts");
    std::fs::create_dir_all(&artefacts).unwrap();
    let out = Command::new("node")
        .arg(root().join("tests/browser/citizen_flow.cjs"))
        .env("NODE_PATH", &modules)
        .env("FJORD_BASE", &s.base)
        .env("ARTEFACTS", &artefacts)
        .env("DOWNLOADS", dir.path().join("downloads-from-browser"))
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    println!("{stdout}");
    assert!(out.status.success(), "the browser flow failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("downloaded "), "{stdout}");

    // the map preview as the browser drew it: grey hillshaded land, the rest of the box
    // (east of Norway, in the middle of the right edge) left in the page's map colour
    let shot = artefacts.join("citizen-preview.png");
    let mut dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap())).read_info().unwrap();
    let mut buf = vec![0; dec.output_buffer_size().unwrap()];
    let info = dec.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let at = |x: u32, y: u32| {
        let i = ((y * info.width + x) as usize) * channels;
        [buf[i], buf[i + 1], buf[i + 2]]
    };
    let land = (0..info.height)
        .flat_map(|y| (0..info.width).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let [r, g, b] = at(x, y);
            r < 215 && r.abs_diff(g) < 16 && g.abs_diff(b) < 16
        })
        .count();
    let share = land as f64 / f64::from(info.width * info.height);
    assert!(share > 0.03, "Norway is drawn: {:.1} % grey land (see {})", share * 100.0, shot.display());
    assert_eq!(
        at(info.width - 8, info.height / 2),
        [0xf4, 0xf7, 0xfa],
        "no land east of Norway (see {})",
        shot.display()
    );
}
