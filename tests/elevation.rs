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
    assert!(why.contains("oslo.asc") && why.contains("--crs"), "{why}");
    // given one, it is read as in that CRS: as is in UTM 33, through GDAL's warp in UTM 32
    // (in a data folder of their own: here they would answer heights too)
    let other = tempfile::tempdir().unwrap();
    for (crs, id, cells) in [("EPSG:25833", "asc", "10 m cells"), ("EPSG:25832", "sone32", " m cells")] {
        let out =
            ok(other.path(), &["ingest-raster", asc.to_str().unwrap(), "--crs", crs, "--dataset", id, "--org", "test"]);
        assert!(out.contains(&format!("published {id} version 1")) && out.contains(cells), "{out}");
    }

    let Some(mut translate) = gdal("gdal_translate") else { return };
    let tif = dir.path().join("oslo.tif");
    let made = translate.args(["-q", "-a_srs", "EPSG:25833"]).arg(&asc).arg(&tif).output().unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    // XYZ names no CRS either
    let xyz = dir.path().join("oslo.xyz");
    let made = gdal("gdal_translate").unwrap().args(["-q", "-of", "XYZ"]).arg(&tif).arg(&xyz).output().unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let out = ok(
        other.path(),
        &["ingest-raster", xyz.to_str().unwrap(), "--crs", "EPSG:25833", "--dataset", "xyz", "--org", "test"],
    );
    assert!(out.contains("published xyz version 1") && out.contains("10 m cells"), "{out}");
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
    // the record's NoData share is the corner's 400 cells of the source's 60,000
    let hits: serde_json::Value = serde_json::from_str(&body).unwrap();
    let found = hits["hits"].as_array().unwrap().iter().find(|h| h["record"]["dataset"] == "hoyde").unwrap();
    let share = found["record"]["coverage"]["nodata_share"].as_f64().unwrap();
    assert!((0.006..0.0085).contains(&share), "{share}");

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
    // a batch of 10,000 points is too long for a URL: the same form as a POST body
    let batch: Vec<String> =
        (0..10_000).map(|k| format!("[{},{}]", 250_500 + k % 100 * 20, 6_650_500 + k / 100 * 10)).collect();
    let form = format!("koordsys=25833&punkter=[{}]", batch.join(","));
    let (status, ct, body) = s.post("/hoydedata/v1/punkt", "application/x-www-form-urlencoded", &form);
    assert_eq!((status, ct.as_str()), (200, "application/json"), "{body}");
    let answered: serde_json::Value = serde_json::from_str(&body).unwrap();
    let answered = answered["punkter"].as_array().unwrap();
    assert_eq!(answered.len(), 10_000);
    let last = &answered[9_999];
    let (x, y) = (last["x"].as_f64().unwrap(), last["y"].as_f64().unwrap());
    assert!((last["z"].as_f64().unwrap() - plane(x, y)).abs() < 0.02, "{last}");
    let (status, _, body) = s.post("/hoydedata/v1/punkt", "application/x-www-form-urlencoded", "koordsys=25833");
    assert_eq!(status, 400, "{body}");
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
    // TileJSON and a MapLibre style for 3D terrain point at those tiles
    let tj = s.json("/tiles/hoyde/WebMercatorQuad/tilejson.json", 200);
    assert_eq!(tj["encoding"], "mapbox");
    assert!(
        tj["tiles"][0].as_str().unwrap().ends_with("/tiles/hoyde/WebMercatorQuad/{z}/{x}/{y}.terrain-rgb.png"),
        "{tj}"
    );
    let style = s.json("/tiles/hoyde/WebMercatorQuad/style.json", 200);
    assert_eq!((style["version"].as_u64(), style["terrain"]["source"].as_str()), (Some(8), Some("terrain")), "{style}");
    assert_eq!(style["sources"]["terrain"]["type"], "raster-dem");
    for source in ["terrain", "relief"] {
        let template = style["sources"][source]["tiles"][0].as_str().unwrap();
        let path = &template[template.find("/tiles/").unwrap()..];
        let path = path.replace("{z}", "14").replace("{x}", &x.to_string()).replace("{y}", &y.to_string());
        let (status, ct, _) = fetch(&s, &path);
        assert_eq!((status, ct.as_str()), (200, "image/png"), "{path}");
    }
    let (status, _, _) = s.get("/tiles/hoyde/WebMercatorQuad/style.json?style=nope");
    assert_eq!(status, 404);
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

    // a legend per relief style, of the size the capabilities give
    for style in ["hillshade", "hypsometric", "slope"] {
        let href = format!("REQUEST=GetLegendGraphic&amp;FORMAT=image/png&amp;LAYER=hoyde&amp;STYLE={style}");
        let at = layer.find(&href).unwrap_or_else(|| panic!("a LegendURL for {style}: {layer}"));
        let tag = &layer[layer[..at].rfind("<LegendURL").unwrap()..at];
        let size = |attr: &str| -> u32 {
            let v = &tag[tag.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2..];
            v[..v.find('"').unwrap()].parse().unwrap()
        };
        let (status, ct, body) = fetch(&s, &format!("/wms?SERVICE=WMS&VERSION=1.3.0&{}", href.replace("&amp;", "&")));
        assert_eq!((status, ct.as_str()), (200, "image/png"), "{style}");
        let legend = Picture::decode(&body);
        let height = legend.rgba.len() as u32 / legend.width;
        assert_eq!((legend.width, height), (size("width"), size("height")), "{style}");
    }
    let (status, _, body) =
        s.get("/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetLegendGraphic&FORMAT=image/png&LAYER=hoyde&STYLE=nope");
    assert!(status == 400 && body.contains("StyleNotDefined"), "{status} {body}");

    // hillshade's light as gdaldem names it: the plane faces north-west (it rises to the
    // south-east), so a light from there is brighter than one from the south-east
    let lit = |params: &str| {
        let (status, _, body) = fetch(&s, &format!("/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=hoyde&STYLES=hillshade&CRS=EPSG:25833&BBOX=250000,6650000,253000,6652000&WIDTH=30&HEIGHT=20&FORMAT=image/png&{params}"));
        assert_eq!(status, 200, "{params}: {}", String::from_utf8_lossy(&body));
        Picture::decode(&body).at(15, 10)[0]
    };
    assert!(lit("AZIMUTH=315") > lit("AZIMUTH=135"), "light from the north-west");
    assert!(lit("AZIMUTH=135&ZFACTOR=50") < lit("AZIMUTH=135"), "exaggerated, the slope turns away more");
    assert_eq!(lit(""), grey[0], "the default light is gdaldem's, 315° at 45°");
    for bad in ["AZIMUTH=400", "ALTITUDE=-5", "ZFACTOR=0", "AZIMUTH=north"] {
        let (status, _, body) = fetch(&s, &format!("/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=hoyde&STYLES=&CRS=EPSG:25833&BBOX=250000,6650000,253000,6652000&WIDTH=30&HEIGHT=20&FORMAT=image/png&{bad}"));
        let body = String::from_utf8_lossy(&body);
        assert!(status == 400 && body.contains("InvalidParameterValue"), "{bad}: {status} {body}");
    }

    // map tiles of the relief styles: WMTS lists the layer with them, and serves them by
    // KVP and REST as /tiles serves them; a feature layer has no relief style
    let (_, _, wmts) = s.get("/wmts?SERVICE=WMTS&REQUEST=GetCapabilities");
    let at = wmts.find("<ows:Identifier>hoyde</ows:Identifier>").expect("the elevation layer in WMTS");
    let wmts_layer = &wmts[at..at + wmts[at..].find("</Layer>").unwrap()];
    assert!(wmts_layer.starts_with("<ows:Identifier>hoyde</ows:Identifier><Style isDefault=\"true\"><ows:Identifier>hillshade</ows:Identifier>"), "{wmts_layer}");
    assert!(wmts_layer.contains("<ows:Identifier>slope</ows:Identifier>"), "{wmts_layer}");
    let (tx, ty) = (x as u32 >> 2, y as u32 >> 2); // the z12 tile over the point
    let tile = |path: &str| {
        let (status, ct, body) = fetch(&s, path);
        assert_eq!((status, ct.as_str()), (200, "image/png"), "{path}: {}", String::from_utf8_lossy(&body));
        Picture::decode(&body)
    };
    let hyps = tile(&format!("/tiles/hoyde/WebMercatorQuad/12/{tx}/{ty}.hypsometric.png"));
    assert_eq!(hyps.rgba, tile(&format!("/wmts/1.0.0/hoyde/hypsometric/WebMercatorQuad/12/{ty}/{tx}.png")).rgba);
    let kvp = tile(&format!("/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=hoyde&STYLE=hypsometric&TILEMATRIXSET=WebMercatorQuad&TILEMATRIX=12&TILEROW={ty}&TILECOL={tx}&FORMAT=image/png"));
    assert_eq!(hyps.rgba, kvp.rgba);
    let shade_tile = tile(&format!("/tiles/hoyde/WebMercatorQuad/12/{tx}/{ty}.png"));
    assert_eq!(
        shade_tile.rgba,
        tile(&format!("/tiles/hoyde/WebMercatorQuad/12/{tx}/{ty}.hillshade.png")).rgba,
        "hillshade is the default"
    );
    assert_ne!(shade_tile.rgba, hyps.rgba);
    assert!(hyps.rgba.iter().any(|p| p[3] == 255), "the tile shows the data");
    for (path, want) in [
        (format!("/wmts/1.0.0/fylker/hillshade/WebMercatorQuad/12/{ty}/{tx}.png"), 400),
        (format!("/wmts/1.0.0/hoyde/nope/WebMercatorQuad/12/{ty}/{tx}.png"), 400),
        (format!("/tiles/fylker/WebMercatorQuad/12/{tx}/{ty}.slope.png"), 404),
        (format!("/tiles/hoyde/WebMercatorQuad/12/{tx}/{ty}.mvt"), 404),
    ] {
        let (status, _, body) = fetch(&s, &path);
        assert_eq!(status, want, "{path}: {}", String::from_utf8_lossy(&body));
    }

    // GetFeatureInfo: the height under the pixel (its centre at 251005, 6650995), none in
    // the NoData corner; the layer says it is queryable
    assert!(caps.contains("<Layer queryable=\"1\" opaque=\"1\"><Name>hoyde</Name>"), "{caps}");
    let info = |i: u32, j: u32, format: &str| {
        s.get(&format!("/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetFeatureInfo&LAYERS=hoyde&QUERY_LAYERS=hoyde&STYLES=&CRS=EPSG:25833&BBOX=250000,6650000,253000,6652000&WIDTH=300&HEIGHT=200&I={i}&J={j}&INFO_FORMAT={format}"))
    };
    let (status, _, body) = info(100, 100, "application/json");
    assert_eq!(status, 200, "{body}");
    let fc: serde_json::Value = serde_json::from_str(&body).unwrap();
    let height = fc["features"][0]["properties"]["height"].as_f64().unwrap();
    assert!((height - plane(251_005.0, 6_650_995.0)).abs() < 0.02, "{body}");
    assert_eq!(fc["features"][0]["properties"]["vertical_datum"], "NN2000");
    let (_, _, text) = info(100, 100, "text/plain");
    assert!(text.contains("height = ") && text.contains("Layer 'hoyde': 1 feature"), "{text}");
    let (_, _, none) = info(5, 5, "application/json");
    assert!(none.contains("\"features\":[]"), "no height in the NoData corner: {none}");

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

/// A zip of DEM tiles is one seamless surface; the record tells what the data holds,
/// the vertical datum comes from the sidecar, the surface type from the configured land
/// cover, and an archive escaping its folder is refused.
#[test]
fn a_zip_of_tiles_is_one_surface_described_by_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let meta = dir.path().join("meta.toml");
    std::fs::write(&meta, "title = \"Fliser\"\nvertical_datum = \"NN1954\"\n").unwrap();
    let zip = fixture("dem_tiles.zip");
    let out = ok(
        dir.path(),
        &[
            "ingest-raster",
            zip.to_str().unwrap(),
            "--dataset",
            "fliser",
            "--org",
            "test",
            "--meta",
            meta.to_str().unwrap(),
        ],
    );
    assert!(out.contains("published fliser version 1") && out.contains("10 m cells"), "{out}");
    let refused = run(
        dir.path(),
        &["ingest-raster", fixture("traversal.zip").to_str().unwrap(), "--dataset", "x", "--org", "test"],
    );
    assert!(String::from_utf8_lossy(&refused.stderr).contains("outside the archive"), "{refused:?}");

    // land cover over the west tile names the surface type in height answers
    let cover = dir.path().join("arealdekke.geojson");
    std::fs::write(
        &cover,
        r#"{"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25833"}},
            "features": [{"type": "Feature", "properties": {"arealtype": "Skog"}, "geometry": {"type": "Polygon",
            "coordinates": [[[250000, 6650000], [250500, 6650000], [250500, 6650500], [250000, 6650500], [250000, 6650000]]]}}]}"#,
    )
    .unwrap();
    ok(dir.path(), &["ingest", cover.to_str().unwrap(), "--dataset", "arealdekke", "--org", "test"]);
    let s = Server::start_with(dir.path(), &[("FJORD_SERVICES_TERRAIN", "arealdekke.arealtype")]);
    let p = s.json("/hoydedata/v1/punkt?koordsys=25833&punkter=[[250250,6650250],[250750,6650250]]", 200);
    assert_eq!((p["punkter"][0]["terreng"].as_str(), p["punkter"][1]["terreng"].as_str()), (Some("Skog"), None), "{p}");
    let plane = |x: f64, y: f64| 100.0 + 0.05 * (x - 250_000.0) + 0.02 * (y - 6_650_000.0);
    // across the seam between the tiles, bilinear between their cells
    for x in [250_300.0, 250_497.0, 250_500.0, 250_503.0, 250_700.0] {
        let p = s.json(&format!("/api/elevation/point?x={x}&y=6650250"), 200);
        assert!((p["z"].as_f64().unwrap() - plane(x, 6_650_250.0)).abs() < 0.02, "{x}: {p}");
    }
    let hits = s.json("/api/catalogue/search?q=Fliser", 200);
    let uuid = hits["hits"][0]["record"]["uuid"].as_str().unwrap_or_else(|| panic!("{hits}")).to_string();
    let record = s.json(&format!("/api/catalogue/records/{uuid}"), 200);
    let c = &record["coverage"];
    assert_eq!(c["resolutions"][0], 10.0, "{record}");
    assert_eq!(c["vertical_datum"], "NN1954", "from the sidecar: {record}");
    assert_eq!(c["sources"], serde_json::json!(["east.tif", "west.tif"]), "{record}");
    let (lo, hi) = (c["min_height"].as_f64().unwrap(), c["max_height"].as_f64().unwrap());
    assert!(
        (lo - plane(250_005.0, 6_650_005.0)).abs() < 0.5 && (hi - plane(250_995.0, 6_650_495.0)).abs() < 0.5,
        "{c}"
    );
    // over the sources' footprint the tiles leave no hole (the stored tile reaches far
    // beyond them, which a share over the stored cells would count as NoData)
    assert!(c["nodata_share"].as_f64().unwrap() < 0.02, "{c}");
}

/// The cells of an Esri ASCII grid as written by GDAL, row by row from the top.
fn read_ascii_grid(text: &str) -> (usize, Vec<f64>) {
    let mut lines = text.lines();
    let mut cols = 0;
    let mut cells = Vec::new();
    for line in lines.by_ref() {
        let mut words = line.split_whitespace();
        match words.next().map(str::to_ascii_lowercase).as_deref() {
            Some("ncols") => cols = words.next().unwrap().parse().unwrap(),
            Some(w) if w.parse::<f64>().is_ok() => {
                cells.extend(line.split_whitespace().map(|v| v.parse::<f64>().unwrap()));
                break;
            }
            _ => {}
        }
    }
    cells.extend(lines.flat_map(|l| l.split_whitespace().map(|v| v.parse::<f64>().unwrap())));
    (cols, cells)
}

/// Hillshade drawn by the WMS against `gdaldem hillshade -compute_edges` of the source
/// on the same window, pixel by pixel: both compute Horn's gradient and gdaldem's
/// 1 + 254 · cos(angle to the light); they are identical on this surface, and one grey
/// level is allowed for rounding.
#[test]
fn hillshade_matches_gdaldem() {
    let (Some(mut translate), Some(mut gdaldem)) = (gdal("gdal_translate"), gdal("gdaldem")) else { return };
    let dir = tempfile::tempdir().unwrap();
    // hills and valleys on 10 m cells, the grid's top edge on fjord's grid (so the
    // stored cells are the source's, not resampled)
    let (cols, rows, x0, top) = (300, 300, 250_000.0, 6_652_004.0);
    let mut text = format!(
        "ncols {cols}\nnrows {rows}\nxllcorner {x0}\nyllcorner {}\ncellsize 10\nNODATA_value -9999\n",
        top - 10.0 * rows as f64
    );
    for r in 0..rows {
        let row: Vec<String> = (0..cols)
            .map(|c| {
                let (x, y) = (c as f64 * 10.0, r as f64 * 10.0);
                format!("{:.3}", 500.0 + 80.0 * (x / 90.0).sin() + 60.0 * (y / 70.0).cos() + 0.3 * x - 0.1 * y)
            })
            .collect();
        text.push_str(&row.join(" "));
        text.push('\n');
    }
    let (asc, tif) = (dir.path().join("hills.asc"), dir.path().join("hills.tif"));
    std::fs::write(&asc, text).unwrap();
    let made = translate.args(["-q", "-a_srs", "EPSG:25833"]).arg(&asc).arg(&tif).output().unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    ok(dir.path(), &["ingest-raster", tif.to_str().unwrap(), "--dataset", "hills", "--org", "test"]);

    // gdaldem over the whole source, then the window (100 × 100 cells inside it)
    let (wx0, wy1) = (x0 + 1000.0, top - 1000.0);
    let (wx1, wy0) = (wx0 + 1000.0, wy1 - 1000.0);
    let shade = dir.path().join("shade.tif");
    let made = gdaldem.args(["hillshade", "-q", "-compute_edges"]).arg(&tif).arg(&shade).output().unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let window = dir.path().join("window.asc");
    let mut crop = gdal("gdal_translate").unwrap();
    let projwin = [wx0, wy1, wx1, wy0].map(|v| v.to_string());
    let made =
        crop.args(["-q", "-of", "AAIGrid", "-projwin"]).args(&projwin).arg(&shade).arg(&window).output().unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let (width, theirs) = read_ascii_grid(&std::fs::read_to_string(&window).unwrap());
    assert_eq!((width, theirs.len()), (100, 100 * 100));

    let s = Server::start(dir.path());
    let (status, _, body) = fetch(&s, &format!("/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=hills&STYLES=hillshade&CRS=EPSG:25833&BBOX={wx0},{wy0},{wx1},{wy1}&WIDTH=100&HEIGHT=100&FORMAT=image/png&TRANSPARENT=TRUE"));
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let ours = Picture::decode(&body);
    let mut worst = 0.0f64;
    for (k, (p, g)) in ours.rgba.iter().zip(&theirs).enumerate() {
        assert_eq!(p[3], 255, "pixel {k} is drawn");
        worst = worst.max((f64::from(p[0]) - g).abs());
    }
    let distinct: std::collections::BTreeSet<u8> = ours.rgba.iter().map(|p| p[0]).collect();
    assert!(distinct.len() > 50, "the hills are shaded in many greys: {}", distinct.len());
    assert!(worst <= 1.0, "a pixel differs from gdaldem's by {worst} grey levels");
}
