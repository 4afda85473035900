//! Elevation: DEM sources ingested into the store's pyramid from the command line, kept
//! apart from the feature services.

mod common;
use common::*;

/// An Esri ASCII grid of a sloping plane over Oslo: 300 × 200 cells of 10 m, a NoData
/// corner.
fn ascii_grid(path: &std::path::Path) {
    let mut text =
        String::from("ncols 300\nnrows 200\nxllcorner 250000\nyllcorner 6650000\ncellsize 10\nNODATA_value -9999\n");
    for r in 0..200 {
        let row: Vec<String> = (0..300)
            .map(|c| {
                if r < 20 && c < 20 {
                    "-9999".to_string()
                } else {
                    format!("{:.2}", 100.0 + c as f64 * 0.5 + r as f64 * 0.25)
                }
            })
            .collect();
        text.push_str(&row.join(" "));
        text.push('\n');
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_dem_is_ingested_and_kept_out_of_the_feature_services() {
    let dir = tempfile::tempdir().unwrap();
    let asc = dir.path().join("oslo.asc");
    ascii_grid(&asc);

    // without a CRS the source is refused and nothing is published
    let refused =
        run(dir.path(), &["ingest-raster", asc.to_str().unwrap(), "--dataset", "hoyde", "--org", "kartverket"]);
    assert!(!refused.status.success());
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(why.contains("oslo.asc") && why.contains("CRS"), "{why}");

    let Some(mut translate) = gdal("gdal_translate") else { return };
    let tif = dir.path().join("oslo.tif");
    let made = translate.args(["-q", "-a_srs", "EPSG:25833"]).arg(&asc).arg(&tif).output().unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let out = ok(dir.path(), &["ingest-raster", tif.to_str().unwrap(), "--dataset", "hoyde", "--org", "kartverket"]);
    assert!(out.contains("published hoyde version 1") && out.contains("10 m cells"), "{out}");
    assert!(out.contains("heights 105.0–"), "the NoData corner is left out: {out}");

    // the coverage is in the catalogue, but no feature collection
    ok(dir.path(), &["seed", root().join("datasets").to_str().unwrap()]);
    let s = Server::start(dir.path());
    let (status, _, body) = s.get("/ogcapi/collections?f=json");
    assert_eq!(status, 200);
    assert!(!body.contains("\"hoyde\""), "{body}");
    let (status, _, body) = s.get("/ogcapi/collections/hoyde/items?f=json");
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("elevation"), "{body}");
    let (status, _, body) = s.get("/api/catalogue/search?q=hoyde");
    assert_eq!(status, 200);
    assert!(body.contains("hoyde"), "{body}");
}
