//! The GIS professional's flow: the sample datasets through OGC API – Features, read by
//! our own HTTP checks and by GDAL's OAPIF driver (ogrinfo, ogr2ogr).

mod common;
use common::{assert_valid_openapi, gdal, ok, root, sample, summits_over, Server};
use fjord_core::url::encode_component;
use serde_json::Value;

fn seeded() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["seed", root().join("datasets").to_str().unwrap()]);
    let server = Server::start(dir.path());
    (dir, server)
}

#[test]
fn resources_answer_by_the_book() {
    let (_dir, s) = seeded();
    let landing = s.json("/ogcapi", 200);
    let rels: Vec<&str> = landing["links"].as_array().unwrap().iter().map(|l| l["rel"].as_str().unwrap()).collect();
    assert!(rels.contains(&"conformance") && rels.contains(&"data"), "{rels:?}");
    let conf = s.json("/ogcapi/conformance", 200);
    assert!(conf["conformsTo"].to_string().contains("ogcapi-features-1/1.0/conf/core"));
    assert!(conf["conformsTo"].to_string().contains("ogcapi-features-2/1.0/conf/crs"));

    let cols = s.json("/ogcapi/collections", 200);
    let ids: Vec<&str> = cols["collections"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["doffin-kunngjoringer", "fjelltopper", "fylker", "hoyde", "kommuner", "kostra-nokkeltall", "catalogue"],
        "hoyde: the elevation coverage; the portals' layers (Doffin's notices, KOSTRA's figures)"
    );
    assert_eq!(cols["collections"][6]["itemType"], "record", "the catalogue, as OGC API – Records");
    let fylker = s.json("/ogcapi/collections/fylker", 200);
    assert_eq!(fylker["storageCrs"], "http://www.opengis.net/def/crs/EPSG/0/25833");
    assert!(fylker["crs"].as_array().unwrap().iter().any(|c| c == "http://www.opengis.net/def/crs/EPSG/0/4326"));

    // paging: exact counts, next links that walk the whole set once
    let mut seen = Vec::new();
    let mut next = Some("/ogcapi/collections/kommuner/items?limit=10".to_string());
    while let Some(path) = next.take() {
        let page = s.json(&path, 200);
        assert_eq!(page["numberMatched"], 28);
        assert_eq!(page["numberReturned"].as_u64().unwrap() as usize, page["features"].as_array().unwrap().len());
        seen.extend(page["features"].as_array().unwrap().iter().map(|f| f["id"].as_u64().unwrap()));
        next = page["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next").map(|l| {
            let href = l["href"].as_str().unwrap();
            href[href.find("/ogcapi").unwrap()..].to_string()
        });
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 28);

    // bbox in CRS84 and in EPSG:4326 (lat/lon by Part 2) pick the same Oslo-area features
    let a = s.json("/ogcapi/collections/kommuner/items?bbox=10.6,59.8,10.9,60.0&limit=100", 200);
    let b = s.json(
        "/ogcapi/collections/kommuner/items?bbox=59.8,10.6,60.0,10.9&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326&limit=100",
        200,
    );
    assert!(a["numberMatched"].as_u64().unwrap() >= 1);
    assert_eq!(a["numberMatched"], b["numberMatched"]);
    assert!(a["features"].as_array().unwrap().iter().any(|f| f["properties"]["navn"] == "Oslo"));

    // output CRS: a summit at its known place, lon/lat in CRS84, lat/lon in EPSG:4326
    let src = sample("fjelltopper");
    let galdh = src["features"].as_array().unwrap().iter().find(|f| f["properties"]["navn"] == "Galdhøpiggen").unwrap();
    let (lon, lat) =
        (galdh["geometry"]["coordinates"][0].as_f64().unwrap(), galdh["geometry"]["coordinates"][1].as_f64().unwrap());
    let bbox = format!("{},{},{},{}", lon - 0.001, lat - 0.001, lon + 0.001, lat + 0.001);
    let crs84 = s.json(&format!("/ogcapi/collections/fjelltopper/items?bbox={bbox}"), 200);
    assert_eq!(crs84["numberMatched"], 1);
    let c = &crs84["features"][0]["geometry"]["coordinates"];
    assert!((c[0].as_f64().unwrap() - lon).abs() < 1e-8 && (c[1].as_f64().unwrap() - lat).abs() < 1e-8, "{c}");
    let id = crs84["features"][0]["id"].as_u64().unwrap();
    let (status, _, body) =
        s.get(&format!("/ogcapi/collections/fjelltopper/items/{id}?crs=http://www.opengis.net/def/crs/EPSG/0/4326"));
    assert_eq!(status, 200);
    let one: Value = serde_json::from_str(&body).unwrap();
    let c = &one["geometry"]["coordinates"];
    assert!((c[0].as_f64().unwrap() - lat).abs() < 1e-8 && (c[1].as_f64().unwrap() - lon).abs() < 1e-8, "{c}");
    assert_eq!(one["properties"]["navn"], "Galdhøpiggen");
    let utm = s.json(
        &format!("/ogcapi/collections/fjelltopper/items/{id}?crs=http://www.opengis.net/def/crs/EPSG/0/25833"),
        200,
    );
    assert!(utm["geometry"]["coordinates"][0].as_f64().unwrap() > 100_000.0);

    // queryables and property=value filters, with exact counts and links that keep the filter
    let q = s.json("/ogcapi/collections/fjelltopper/queryables", 200);
    assert_eq!(q["properties"]["hoyde_m"]["type"], "integer");
    assert_eq!(q["properties"]["navn"]["type"], "string");
    let top = s.json("/ogcapi/collections/fjelltopper/items?hoyde_m=2469", 200);
    assert_eq!(top["numberMatched"], 1);
    assert_eq!(top["features"][0]["properties"]["navn"], "Galdhøpiggen");
    let in_lom = src["features"].as_array().unwrap().iter().filter(|f| f["properties"]["kommune"] == "Lom").count();
    assert!(in_lom >= 2, "the sample has several summits in Lom");
    let lom = s.json("/ogcapi/collections/fjelltopper/items?kommune=Lom&limit=1", 200);
    assert_eq!(lom["numberMatched"].as_u64().unwrap() as usize, in_lom);
    let next = lom["links"].as_array().unwrap().iter().find(|l| l["rel"] == "next").unwrap();
    assert!(next["href"].as_str().unwrap().contains("kommune=Lom"));

    // CQL2 filters (Part 3), text and JSON, with exact counts
    let over = summits_over(2300);
    let r = s.json("/ogcapi/collections/fjelltopper/items?filter=hoyde_m%20%3E%202300&limit=100", 200);
    assert_eq!(r["numberMatched"].as_u64().unwrap() as usize, over);
    let r = s.json(
        "/ogcapi/collections/fjelltopper/items?filter=navn%20LIKE%20%27Gald%25%27%20AND%20S_INTERSECTS(geometry,BBOX(8,61.5,8.5,61.8))",
        200,
    );
    assert_eq!(r["numberMatched"], 1);
    assert_eq!(r["features"][0]["properties"]["navn"], "Galdhøpiggen");
    let json = r#"{"op":"=","args":[{"property":"kommune"},"Lom"]}"#;
    let r = s.json(
        &format!(
            "/ogcapi/collections/fjelltopper/items?filter-lang=cql2-json&limit=100&filter={}",
            encode_component(json)
        ),
        200,
    );
    assert_eq!(r["numberMatched"].as_u64().unwrap() as usize, in_lom);
    let bad = s.json("/ogcapi/collections/fjelltopper/items?filter=colour%20%3D%201", 400);
    assert!(bad["description"].as_str().unwrap().contains("colour"), "{bad}");
    let bad = s.json("/ogcapi/collections/fjelltopper/items?filter=hoyde_m%20%3E", 400);
    assert!(bad["description"].as_str().unwrap().contains("malformed"), "{bad}");

    // HTML for a browser, JSON problems for bad requests
    let (status, ct, html) = s.get("/ogcapi/collections/fylker/items?f=html");
    assert_eq!(status, 200);
    assert!(ct.starts_with("text/html") && html.contains("Oslo"));
    for (path, code) in [
        ("/ogcapi/collections/nope/items", 404),
        ("/ogcapi/collections/fylker/items/999999", 404),
        ("/ogcapi/collections/fylker/items/x", 404),
        ("/ogcapi/collections/fylker/items?limit=-1", 400),
        ("/ogcapi/collections/fylker/items?bbox=1,2,3", 400),
        ("/ogcapi/collections/fylker/items?crs=EPSG:3035", 400),
        ("/ogcapi/collections/fylker/items?colour=red", 400),
        ("/ogcapi/collections/fjelltopper/items?hoyde_m=high", 400),
        ("/ogcapi/collections/nope/queryables", 404),
        ("/ogcapi/collections/fylker/items?f=xml", 400),
    ] {
        let e = s.json(path, code);
        assert!(e["code"].is_string() && e["description"].is_string(), "{path}: {e}");
    }
}

#[test]
fn the_openapi_document_validates() {
    let (dir, s) = seeded();
    let doc = s.json("/ogcapi/api", 200);
    assert_eq!(doc["openapi"], "3.0.3");
    assert!(doc["paths"]["/collections/{collectionId}/items"]["get"]["parameters"].to_string().contains("bbox-crs"));
    assert_valid_openapi(&doc, dir.path());
}

#[test]
fn etag_follows_the_dataset_version() {
    let (dir, s) = seeded();
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let url = format!("{}/ogcapi/collections/fylker/items?limit=1", s.base);
    let res = agent.get(&url).call().unwrap();
    let etag = res.headers().get("etag").unwrap().to_str().unwrap().to_string();
    assert_eq!(res.headers().get("content-crs").unwrap(), "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>");
    let again = agent.get(&url).header("If-None-Match", &etag).call().unwrap();
    assert_eq!(again.status().as_u16(), 304);
    let stale = agent.get(&url).header("If-None-Match", "\"fylker-0\"").call().unwrap();
    assert_eq!(stale.status().as_u16(), 200);

    // a new version published while the server runs: the old tag no longer matches and
    // the collection reports the new count at once
    let src = root().join("datasets/kommuner/kommuner.geojson");
    ok(dir.path(), &["ingest", src.to_str().unwrap(), "--dataset", "fylker", "--org", "kartverket"]);
    let fresh = agent.get(&url).header("If-None-Match", &etag).call().unwrap();
    assert_eq!(fresh.status().as_u16(), 200);
    assert_eq!(fresh.headers().get("etag").unwrap(), "\"fylker-2\"");
    assert_eq!(s.json("/ogcapi/collections/fylker/items?limit=1", 200)["numberMatched"], 28);
}

#[test]
fn the_crs_list_comes_from_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["seed", root().join("datasets").to_str().unwrap()]);
    let s = Server::start_with(dir.path(), &[("FJORD_SERVICES_CRS", "EPSG:25833,EPSG:3035")]);
    let c = s.json("/ogcapi/collections/fylker", 200);
    let uris = ["http://www.opengis.net/def/crs/EPSG/0/25833", "http://www.opengis.net/def/crs/EPSG/0/3035"];
    assert_eq!(c["crs"], serde_json::json!([uris[0], uris[1], "http://www.opengis.net/def/crs/OGC/1.3/CRS84"]));
    let fc = s.json(&format!("/ogcapi/collections/fylker/items?limit=1&crs={}", uris[1]), 200);
    assert!(fc["features"][0]["geometry"]["coordinates"].is_array());
    assert_eq!(s.get("/ogcapi/collections/fylker/items?crs=http://www.opengis.net/def/crs/EPSG/0/4326").0, 400);
    let caps = s.get("/wfs?SERVICE=WFS&REQUEST=GetCapabilities").2;
    assert!(caps.contains("urn:ogc:def:crs:EPSG::3035") && !caps.contains("urn:ogc:def:crs:EPSG::25832"));

    // an unknown CRS stops the server at start, saying why
    let out = common::fjord(dir.path())
        .env("FJORD_SERVICES_CRS", "EPSG:999999")
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("services.crs"));
}

#[test]
fn gdal_reads_and_copies_through_oapif() {
    let (dir, s) = seeded();
    let Some(mut ogrinfo) = gdal("ogrinfo") else { return };
    let url = format!("OAPIF:{}/ogcapi", s.base);
    let out = ogrinfo.args(["-ro", "-so", "-al", &url]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    for (layer, count) in [("fjelltopper", 30), ("fylker", 15), ("kommuner", 28)] {
        let at = text.find(&format!("Layer name: {layer}")).unwrap_or_else(|| panic!("{layer} missing:\n{text}"));
        assert!(text[at..].contains(&format!("Feature Count: {count}")), "{layer}:\n{}", &text[at..]);
    }

    // ogr2ogr copies a layer through OAPIF: same features, same attributes, geometry within 1 mm
    let Some(mut ogr2ogr) = gdal("ogr2ogr") else { return };
    let copy = dir.path().join("copy.geojson");
    let out = ogr2ogr.args(["-f", "GeoJSON", copy.to_str().unwrap(), &url, "kommuner"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let copied: Value = serde_json::from_str(&std::fs::read_to_string(&copy).unwrap()).unwrap();
    let original = sample("kommuner");
    let (a, b) = (original["features"].as_array().unwrap(), copied["features"].as_array().unwrap());
    assert_eq!(a.len(), b.len());
    for f in a {
        let nr = &f["properties"]["kommunenummer"];
        let g = b.iter().find(|g| &g["properties"]["kommunenummer"] == nr).unwrap_or_else(|| panic!("{nr} missing"));
        for key in ["navn", "fylkesnummer", "fylkesnavn"] {
            assert_eq!(f["properties"][key], g["properties"][key], "{nr} {key}");
        }
        let flat = |v: &Value| -> Vec<f64> {
            let mut out = Vec::new();
            fn walk(v: &Value, out: &mut Vec<f64>) {
                match v {
                    Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
                    Value::Number(n) => out.push(n.as_f64().unwrap()),
                    _ => {}
                }
            }
            walk(&v["geometry"]["coordinates"], &mut out);
            out
        };
        let (p, q) = (flat(f), flat(g));
        assert_eq!(p.len(), q.len(), "{nr}: vertex count");
        // 1e-8 degrees is about 1 mm
        assert!(p.iter().zip(&q).all(|(x, y)| (x - y).abs() < 1e-8), "{nr}: geometry moved");
    }
}
