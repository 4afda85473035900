//! The map maker's flow: the sample datasets as vector tiles, through XYZ with TileJSON
//! and through OGC API – Tiles, cached by dataset version, seeded ahead, and read by
//! GDAL's MVT driver.

mod common;
use common::{gdal, ok, root, run, Server};
use geozero::mvt::{tile, Message, Tile};
use serde_json::Value;

/// WebMercatorQuad tile z10 over Oslo (x 542, y 297) and one far out in the Pacific.
const OSLO: &str = "10/542/297";
const NOWHERE: &str = "10/0/0";

fn seeded() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["seed", root().join("datasets").to_str().unwrap()]);
    let server = Server::start(dir.path());
    (dir, server)
}

/// GET with optional If-None-Match: status, headers we look at, body bytes.
fn get(s: &Server, path: &str, if_none_match: Option<&str>) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut req = agent.get(&format!("{}{path}", s.base));
    if let Some(tag) = if_none_match {
        req = req.header("If-None-Match", tag);
    }
    let mut res = req.call().expect("HTTP answer");
    let headers = ["content-type", "etag", "cache-control"]
        .iter()
        .filter_map(|h| res.headers().get(*h).map(|v| (h.to_string(), v.to_str().unwrap().to_string())))
        .collect();
    let body = res.body_mut().read_to_vec().unwrap();
    (res.status().as_u16(), headers, body)
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// The one layer of a tile.
fn layer(bytes: &[u8]) -> tile::Layer {
    let mut t = Tile::decode(bytes).expect("an MVT");
    assert_eq!(t.layers.len(), 1, "one layer");
    t.layers.remove(0)
}

/// A feature's attributes as (key, text of the value).
fn attributes(l: &tile::Layer, f: &tile::Feature) -> Vec<(String, String)> {
    f.tags
        .chunks(2)
        .map(|kv| {
            let v = &l.values[kv[1] as usize];
            let text = v.string_value.clone().or(v.uint_value.map(|u| u.to_string())).unwrap_or_default();
            (l.keys[kv[0] as usize].clone(), text)
        })
        .collect()
}

fn has(l: &tile::Layer, key: &str, value: &str) -> bool {
    l.features.iter().any(|f| attributes(l, f).iter().any(|(k, v)| k == key && v == value))
}

#[test]
fn tiles_over_oslo_carry_the_municipalities() {
    let (_dir, s) = seeded();
    let (status, headers, body) = get(&s, &format!("/tiles/kommuner/WebMercatorQuad/{OSLO}.mvt"), None);
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), "application/vnd.mapbox-vector-tile");
    assert_eq!(header(&headers, "cache-control"), "public, max-age=3600");
    let l = layer(&body);
    assert_eq!((l.name.as_str(), l.extent), ("kommuner", Some(4096)));
    let oslo = l.features.iter().find(|f| attributes(&l, f).contains(&("navn".into(), "Oslo".into()))).unwrap();
    let attrs = attributes(&l, oslo);
    assert!(attrs.contains(&("kommunenummer".into(), "0301".into())), "{attrs:?}");
    assert!(attrs.contains(&("fylkesnavn".into(), "Oslo".into())), "{attrs:?}");
    assert_eq!(oslo.r#type(), tile::GeomType::Polygon);
    assert!(oslo.id.is_some());
    assert!(has(&l, "navn", "Bærum"), "Oslo's neighbour is in the tile too");

    // the same tile by OGC API – Tiles (row before column), and by the .pbf and short forms
    let ogc = get(&s, "/ogcapi/collections/kommuner/tiles/WebMercatorQuad/10/297/542", None);
    assert_eq!((ogc.0, &ogc.2), (200, &body));
    assert_eq!(get(&s, &format!("/tiles/kommuner/WebMercatorQuad/{OSLO}.pbf"), None).2, body);
    assert_eq!(get(&s, &format!("/tiles/kommuner/{OSLO}"), None).2, body);

    // utm33n, Kartverket's grid: level 8 tile (row 110, column 127) holds Oslo
    let (status, _, utm) = get(&s, "/ogcapi/collections/kommuner/tiles/utm33n/8/110/127", None);
    assert_eq!(status, 200);
    assert!(has(&layer(&utm), "navn", "Oslo"));

    // outside the data: a valid, empty tile
    let (status, headers, empty) = get(&s, &format!("/tiles/kommuner/WebMercatorQuad/{NOWHERE}.mvt"), None);
    assert_eq!((status, empty.len()), (200, 0));
    assert_eq!(header(&headers, "content-type"), "application/vnd.mapbox-vector-tile");
    assert!(Tile::decode(&empty[..]).unwrap().layers.is_empty());
}

#[test]
fn bad_tile_requests_get_clear_json_errors() {
    let (_dir, s) = seeded();
    for (path, status) in [
        ("/tiles/kommuner/WebMercatorQuad/18/0/0.mvt", 404),
        ("/tiles/kommuner/WebMercatorQuad/2/4/0.mvt", 404),
        ("/tiles/kommuner/WebMercatorQuad/2/0/9.mvt", 404),
        ("/tiles/kommuner/WebMercatorQuad/x/0/0.mvt", 400),
        ("/tiles/kommuner/WebMercatorQuad/2/0/0.gif", 404),
        ("/tiles/kommuner/NoSuchSet/2/0/0.mvt", 404),
        ("/tiles/ingen/WebMercatorQuad/2/0/0.mvt", 404),
        ("/tiles/ingen/WebMercatorQuad/tilejson.json", 404),
        ("/ogcapi/collections/kommuner/tiles/utm33n/15/0/0", 404),
        ("/ogcapi/collections/kommuner/tiles/utm33n/-1/0/0", 400),
        ("/ogcapi/collections/ingen/tiles", 404),
        ("/ogcapi/collections/kommuner/tiles/NoSuchSet", 404),
        ("/ogcapi/tileMatrixSets/NoSuchSet", 404),
    ] {
        let e = s.json(path, status);
        assert!(e["code"].is_string() && e["description"].is_string(), "{path}: {e}");
    }
}

#[test]
fn tiles_are_cached_by_version_and_a_publish_shows_at_once() {
    let (dir, s) = seeded();
    let path = format!("/tiles/kommuner/WebMercatorQuad/{OSLO}.mvt");
    let (_, headers, first) = get(&s, &path, None);
    let etag = header(&headers, "etag").to_string();
    assert_eq!(etag, "\"kommuner-1-WebMercatorQuad-10-297-542\"");
    let (status, headers, body) = get(&s, &path, Some(&etag));
    assert_eq!((status, body.len()), (304, 0));
    assert_eq!(header(&headers, "etag"), etag);
    assert_eq!(get(&s, &path, None).2, first, "the cached tile is the same");
    let disk = dir.path().join("tiles/kommuner/1/WebMercatorQuad/10/542/297.mvt");
    assert_eq!(std::fs::read(&disk).unwrap(), first, "kept on disk");

    // publish a changed version of the same dataset while the server runs
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("datasets/kommuner/kommuner.geojson")).unwrap())
            .unwrap();
    for f in doc["features"].as_array_mut().unwrap() {
        if f["properties"]["navn"] == "Oslo" {
            f["properties"]["navn"] = "Oslo kommune".into();
        }
    }
    let src = dir.path().join("kommuner-ny.geojson");
    std::fs::write(&src, doc.to_string()).unwrap();
    let meta = root().join("datasets/kommuner/meta.toml");
    ok(
        dir.path(),
        &[
            "ingest",
            src.to_str().unwrap(),
            "--dataset",
            "kommuner",
            "--org",
            "kartverket",
            "--meta",
            meta.to_str().unwrap(),
        ],
    );

    let (status, headers, second) = get(&s, &path, Some(&etag));
    assert_eq!(status, 200, "the old tag no longer matches");
    assert_eq!(header(&headers, "etag"), "\"kommuner-2-WebMercatorQuad-10-297-542\"");
    let l = layer(&second);
    assert!(has(&l, "navn", "Oslo kommune") && !has(&l, "navn", "Oslo"));
    assert!(dir.path().join("tiles/kommuner/2/WebMercatorQuad/10/542/297.mvt").exists());
    assert!(!dir.path().join("tiles/kommuner/1").exists(), "the old version's tiles are swept");
}

#[test]
fn tilejson_and_ogc_api_tiles_documents_link_up() {
    let (_dir, s) = seeded();
    let tj = s.json("/tiles/kommuner/WebMercatorQuad/tilejson.json", 200);
    assert_eq!(tj["tilejson"], "3.0.0");
    assert_eq!((tj["minzoom"].as_u64(), tj["maxzoom"].as_u64()), (Some(0), Some(17)));
    let b: Vec<f64> = tj["bounds"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert!(b[0] > 8.0 && b[2] < 12.5 && b[1] > 58.5 && b[3] < 61.0, "Oslo, Akershus and Vestfold in lon/lat: {b:?}");
    let vl = &tj["vector_layers"][0];
    assert_eq!(vl["id"], "kommuner");
    assert_eq!(vl["fields"]["navn"], "String");
    let template = tj["tiles"][0].as_str().unwrap();
    assert_eq!(template, format!("{}/tiles/kommuner/WebMercatorQuad/{{z}}/{{x}}/{{y}}.mvt", s.base));
    let url = template.replace("{z}", "10").replace("{x}", "542").replace("{y}", "297");
    let (status, _, body) = get(&s, &url[s.base.len()..], None);
    assert!(status == 200 && has(&layer(&body), "navn", "Oslo"));

    // OGC API – Tiles: landing → tile matrix sets; collection → tilesets → tileset → tile
    let strip = |href: &str| href[s.base.len()..].to_string();
    let rel = |doc: &Value, rel: &str| -> String {
        let l = doc["links"].as_array().unwrap().iter().find(|l| l["rel"] == rel);
        strip(l.unwrap_or_else(|| panic!("no {rel} link in {doc}"))["href"].as_str().unwrap())
    };
    let conf = s.json("/ogcapi/conformance", 200)["conformsTo"].to_string();
    for c in ["ogcapi-tiles-1/1.0/conf/core", "ogcapi-tiles-1/1.0/conf/mvt", "ogcapi-tiles-1/1.0/conf/tileset"] {
        assert!(conf.contains(c), "{c}");
    }
    let sets = s.json(&rel(&s.json("/ogcapi", 200), "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes"), 200);
    let ids: Vec<&str> = sets["tileMatrixSets"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["WebMercatorQuad", "utm33n"]);
    let utm = s.json("/ogcapi/tileMatrixSets/utm33n", 200);
    assert_eq!(utm["crs"], "http://www.opengis.net/def/crs/EPSG/0/25833");
    assert_eq!(utm["tileMatrices"].as_array().unwrap().len(), 18);
    assert_eq!(utm["tileMatrices"][0]["pointOfOrigin"], serde_json::json!([-2500000.0, 9045984.0]));

    let collection = s.json("/ogcapi/collections/kommuner", 200);
    let list = s.json(&rel(&collection, "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"), 200);
    let wmq =
        list["tilesets"].as_array().unwrap().iter().find(|t| t["crs"].as_str().unwrap().ends_with("/3857")).unwrap();
    assert_eq!(wmq["dataType"], "vector");
    let tileset = s.json(&rel(wmq, "self"), 200);
    assert_eq!(tileset["tileMatrixSetURI"], "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad");
    assert_eq!(tileset["layers"][0]["propertiesSchema"]["properties"]["navn"]["type"], "string");
    let tms = s.json(&rel(&tileset, "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"), 200);
    assert_eq!(tms["id"], "WebMercatorQuad");
    let limit10 = tileset["tileMatrixSetLimits"].as_array().unwrap().iter().find(|l| l["tileMatrix"] == "10").unwrap();
    let inside =
        |v: &str, lo: &str, hi: &str| limit10[lo].as_u64() <= v.parse().ok() && v.parse().ok() <= limit10[hi].as_u64();
    assert!(inside("297", "minTileRow", "maxTileRow") && inside("542", "minTileCol", "maxTileCol"), "{limit10}");
    let item = tileset["links"].as_array().unwrap().iter().find(|l| l["rel"] == "item").unwrap();
    assert_eq!(item["type"], "application/vnd.mapbox-vector-tile");
    let tile = strip(item["href"].as_str().unwrap())
        .replace("{tileMatrix}", "10")
        .replace("{tileRow}", "297")
        .replace("{tileCol}", "542");
    assert_eq!(get(&s, &tile, None).2, body);
}

#[test]
fn seeding_fills_the_disk_cache() {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["seed", root().join("datasets").to_str().unwrap()]);
    let out = ok(dir.path(), &["seed", "kommuner", "--zoom", "0-10", "--bbox", "10.5,59.8,11.0,60.0"]);
    assert!(out.contains("tiles of kommuner"), "{out}");
    let base = dir.path().join("tiles/kommuner/1/WebMercatorQuad");
    assert!(base.join("0/0/0.mvt").exists() && base.join("10/542/297.mvt").exists());
    assert!(!base.join("10/530/297.mvt").exists(), "only tiles touching the bbox");
    let utm = ok(dir.path(), &["seed", "kommuner", "--tms", "utm33n", "--zoom", "3-4"]);
    assert!(utm.contains("utm33n"), "{utm}");

    // the server answers seeded tiles from the disk
    let seeded = std::fs::read(base.join("10/542/297.mvt")).unwrap();
    let s = Server::start(dir.path());
    assert_eq!(get(&s, &format!("/tiles/kommuner/WebMercatorQuad/{OSLO}.mvt"), None).2, seeded);

    for bad in [
        &["seed", "kommuner", "--zoom", "3-99"][..],
        &["seed", "ingen", "--zoom", "1"],
        &["seed", "kommuner", "--zoom", "1", "--tms", "x"],
    ] {
        let out = run(dir.path(), bad);
        assert!(!out.status.success(), "{bad:?}");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "), "{bad:?}");
    }
}

#[test]
fn gdal_reads_a_tile() {
    let Some(mut ogrinfo) = gdal("ogrinfo") else { return };
    let formats = std::process::Command::new("ogrinfo").arg("--formats").output().unwrap();
    if !String::from_utf8_lossy(&formats.stdout).contains("MVT") {
        println!("SKIPPED: this GDAL has no MVT driver");
        return;
    }
    let (dir, s) = seeded();
    let (_, _, body) = get(&s, &format!("/tiles/kommuner/WebMercatorQuad/{OSLO}.mvt"), None);
    let file = dir.path().join("297.mvt");
    std::fs::write(&file, body).unwrap();
    let out = ogrinfo
        .args(["-ro", "-q", "-oo", "Z=10", "-oo", "X=542", "-oo", "Y=297"])
        .arg(&file)
        .arg("kommuner")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("navn (String) = Oslo"), "{text}");
    assert!(text.contains("kommunenummer (String) = 0301"), "{text}");
    assert!(text.contains("POLYGON"), "{text}");
}

#[test]
fn a_maplibre_style_draws_the_vector_tiles() {
    let (_dir, s) = seeded();
    let style = s.json("/tiles/fylker/WebMercatorQuad/style.json", 200);
    assert_eq!(style["version"], 8);
    let tiles = style["sources"]["fjord"]["tiles"][0].as_str().unwrap().to_string();
    assert!(tiles.ends_with("/tiles/fylker/WebMercatorQuad/{z}/{x}/{y}.mvt"), "{tiles}");
    let layers = style["layers"].as_array().unwrap();
    assert!(layers.iter().all(|l| l["source-layer"] == "fylker"));
    assert!(layers.iter().any(|l| l["type"] == "fill") && layers.iter().any(|l| l["type"] == "line"));
    // the tile the style points at exists
    let one = tiles.replace("{z}", "4").replace("{x}", "8").replace("{y}", "4");
    let (status, _, body) = get(&s, one.trim_start_matches(&s.base), None);
    assert_eq!(status, 200);
    assert!(!body.is_empty());
    assert_eq!(s.get("/tiles/fylker/utm33n/style.json").0, 404);
}
