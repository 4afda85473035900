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

    // the coverage is in the catalogue, and a collection with a coverage but no items
    ok(dir.path(), &["seed", root().join("datasets").to_str().unwrap()]);
    let s = Server::start(dir.path());
    let collections = s.json("/ogcapi/collections?f=json", 200);
    let hoyde = collections["collections"].as_array().unwrap().iter().find(|c| c["id"] == "hoyde").unwrap();
    assert!(!hoyde["links"].to_string().contains("/items"), "{hoyde}");
    let (status, _, body) = s.get("/ogcapi/collections/hoyde/items?f=json");
    assert_eq!(status, 404, "{body}");
    assert!(body.contains("elevation"), "{body}");
    let (status, _, body) = s.get("/api/catalogue/search?q=hoyde");
    assert_eq!(status, 200);
    assert!(body.contains("hoyde"), "{body}");

    // heights at points, as Kartverket's API answers: the grid is the plane
    // z = 100 + 0.05 (x - 250005) + 0.025 (6651995 - y), bilinear reproduces it
    let plane = |x: f64, y: f64| 100.0 + 0.05 * (x - 250_005.0) + 0.025 * (6_651_995.0 - y);
    let json = |path: &str| -> serde_json::Value {
        let (status, _, body) = s.get(path);
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).unwrap()
    };
    let one = json("/hoydedata/v1/punkt?koordsys=25833&nord=6651000&ost=251000");
    assert_eq!(one["koordsys"], 25833);
    let p = &one["punkter"][0];
    assert!((p["z"].as_f64().unwrap() - plane(251_000.0, 6_651_000.0)).abs() < 0.02, "{p}");
    assert_eq!(
        (p["x"].as_f64(), p["y"].as_f64(), p["datakilde"].as_str()),
        (Some(251_000.0), Some(6_651_000.0), Some("hoyde"))
    );
    // the same point in lon/lat (ETRS89), a NoData corner and a point beyond the data
    let many = json("/hoydedata/v1/punkt?koordsys=4258&punkter=[[10.5442234310671,59.9210195040186],[10.0,59.0]]");
    let z = many["punkter"][0]["z"].as_f64().unwrap();
    assert!((z - plane(251_000.0, 6_651_000.0)).abs() < 0.02, "{many}");
    assert!(many["punkter"][1]["z"].is_null() && many["punkter"][1]["datakilde"].is_null(), "{many}");
    let corner = json("/hoydedata/v1/punkt?koordsys=25833&nord=6651900&ost=250100");
    assert!(corner["punkter"][0]["z"].is_null(), "NoData is null, never 0: {corner}");
    let own = json("/api/elevation/point?x=251000&y=6651000");
    assert_eq!(own["source"], "hoyde");
    assert!((own["z"].as_f64().unwrap() - plane(251_000.0, 6_651_000.0)).abs() < 0.02, "{own}");

    // a profile eastwards along y = 6651000: 1000 m, 11 points 100 m apart, on the plane
    let line =
        r#"{"line": {"type": "LineString", "coordinates": [[250500, 6651000], [251500, 6651000]]}, "step": 100}"#;
    let (status, _, body) = s.post("/api/elevation/profile", "application/json", line);
    assert_eq!(status, 200, "{body}");
    let profile: serde_json::Value = serde_json::from_str(&body).unwrap();
    let points = profile["points"].as_array().unwrap();
    assert_eq!((profile["length"].as_f64(), points.len()), (Some(1000.0), 11));
    for p in points {
        let (d, x, z) = (p["distance"].as_f64().unwrap(), p["x"].as_f64().unwrap(), p["z"].as_f64().unwrap());
        assert!((x - 250_500.0 - d).abs() < 1e-6 && (z - plane(x, 6_651_000.0)).abs() < 0.02, "{p}");
    }
    for bad in [
        r#"{"line": {"type": "Point", "coordinates": [1, 2]}}"#,
        r#"{"line": {"type": "LineString", "coordinates": [[1, 2]]}}"#,
        r#"{"line": {"type": "LineString", "coordinates": [[250500, 6651000], [251500, 6651000]]}, "samples": 10000000}"#,
        r#"{"line": {"type": "LineString", "coordinates": [[250500, 6651000], [251500, 6651000]]}, "step": 0.00001}"#,
        r#"{"line": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "crs": "EPSG:1"}"#,
        "not json",
    ] {
        let (status, _, body) = s.post("/api/elevation/profile", "application/json", bad);
        assert_eq!(status, 400, "{bad}: {body}");
    }

    // terrain tiles for MapLibre: the z14 Web Mercator tile over the point decodes to
    // the plane in both encodings, the sea beyond the data to 0 m
    let (lon, lat) = (10.5442234310671_f64, 59.9210195040186_f64);
    let n = f64::from(1 << 14);
    let fx = (lon + 180.0) / 360.0 * n;
    let fy = (1.0 - lat.to_radians().tan().asinh() / std::f64::consts::PI) / 2.0 * n;
    let (x, y) = (fx.floor(), fy.floor());
    let (px, py) = (((fx - x) * 256.0) as u32, ((fy - y) * 256.0) as u32);
    for (ext, unpack) in [
        (
            "terrain-rgb.png",
            (|[r, g, b, _]: [u8; 4]| -10_000.0 + (f64::from(r) * 65_536.0 + f64::from(g) * 256.0 + f64::from(b)) * 0.1)
                as fn([u8; 4]) -> f64,
        ),
        ("terrarium.png", |[r, g, b, _]: [u8; 4]| {
            f64::from(r) * 256.0 + f64::from(g) + f64::from(b) / 256.0 - 32_768.0
        }),
    ] {
        let path = format!("/tiles/hoyde/WebMercatorQuad/14/{x}/{y}.{ext}");
        let (status, ct, body) = fetch(&s, &path);
        assert_eq!((status, ct.as_str()), (200, "image/png"), "{path}: {}", String::from_utf8_lossy(&body));
        let tile = Picture::decode(&body);
        let h = unpack(tile.at(px, py));
        // a Web Mercator pixel at z14 is ~4.8 m here: the plane rises 0.05 m a metre
        assert!((h - plane(251_000.0, 6_651_000.0)).abs() < 0.6, "{ext}: {h}");
        // a tile far from the data (the North Sea) is all 0 m
        let sea = Picture::decode(&fetch(&s, &format!("/tiles/hoyde/WebMercatorQuad/14/{}/{y}.{ext}", x - 200.0)).2);
        assert!(sea.rgba.iter().all(|p| unpack(*p).abs() < 0.01), "{ext}: the sea");
    }
    let (status, _, body) = s.get("/tiles/fylker/WebMercatorQuad/14/0/0.terrarium.png");
    assert_eq!(status, 404, "a feature dataset has no terrain: {body}");

    // WMS: the coverage is a layer with three relief styles, drawn where there are
    // heights and transparent elsewhere (the NoData corner, top left)
    let (_, _, caps) = s.get("/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities");
    let at = caps.find("<Name>hoyde</Name>").expect("an elevation layer");
    let layer = &caps[at..at + caps[at..].find("</Layer>").unwrap()];
    for style in ["hillshade", "hypsometric", "slope"] {
        assert!(layer.contains(&format!("<Name>{style}</Name>")), "{layer}");
    }
    let map = |style: &str| {
        let path = format!("/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=hoyde&STYLES={style}&CRS=EPSG:25833&BBOX=250000,6650000,253000,6652000&WIDTH=300&HEIGHT=200&FORMAT=image/png&TRANSPARENT=TRUE");
        let (status, ct, body) = fetch(&s, &path);
        assert_eq!((status, ct.as_str()), (200, "image/png"), "{style}: {}", String::from_utf8_lossy(&body));
        Picture::decode(&body)
    };
    let (shade, colours, slope) = (map("hillshade"), map("hypsometric"), map("slope"));
    for p in [&shade, &colours, &slope] {
        assert_eq!(p.at(5, 5)[3], 0, "the NoData corner is transparent");
        assert_eq!(p.at(150, 100)[3], 255, "the plane is drawn");
    }
    let grey = shade.at(150, 100);
    assert!(grey[0] == grey[1] && grey[1] == grey[2] && grey[0] > 150, "a gentle slope, lit: {grey:?}");
    assert_ne!(colours.at(30, 150), colours.at(290, 30), "colours change with height");
    let (status, _, body) = fetch(&s, "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=hoyde&STYLES=nope&CRS=EPSG:25833&BBOX=250000,6650000,253000,6652000&WIDTH=30&HEIGHT=20&FORMAT=image/png");
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("StyleNotDefined"));

    // refusals: 400 with a reason
    let too_many = format!("/hoydedata/v1/punkt?koordsys=25833&punkter=[{}]", vec!["[1,2]"; 10_001].join(","));
    for bad in [
        "/hoydedata/v1/punkt?nord=1&ost=2",
        "/hoydedata/v1/punkt?koordsys=999999&nord=1&ost=2",
        "/hoydedata/v1/punkt?koordsys=25833&nord=abc&ost=2",
        "/hoydedata/v1/punkt?koordsys=25833&punkter=[[1]]",
        too_many.as_str(),
        "/api/elevation/point?x=1",
    ] {
        let (status, _, body) = s.get(bad);
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body.contains("description"), "{body}");
    }
}
