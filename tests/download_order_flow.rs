//! The bulk download service as GeoNorge's Download API serves it: capabilities,
//! codelists, an order, polling, downloading (whole, by Range, bundled, by the ATOM
//! feed's direct links) for a feature and an elevation dataset, open and restricted;
//! every bad input refused with nothing queued; a restart resuming the queue; and a
//! scripted user in Python `requests`.

mod common;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::*;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

/// A square around Oslo in EPSG:25833, `x y x y ...`.
const OSLO_SQUARE: &str = "250000 6640000 270000 6640000 270000 6660000 250000 6660000";

fn json_of(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

/// POST JSON: (status, answer).
fn post(s: &Server, path: &str, auth: Option<&str>, body: &Value) -> (u16, Value) {
    let (status, _, bytes) =
        call(s, "POST", path, auth, &[("Content-Type", "application/json")], body.to_string().as_bytes());
    (status, json_of(&bytes))
}

/// GET JSON: (status, answer).
fn get(s: &Server, path: &str, auth: Option<&str>) -> (u16, Value) {
    let (status, _, bytes) = call(s, "GET", path, auth, &[("Accept", "application/json")], b"");
    (status, json_of(&bytes))
}

/// The metadata uuid of a dataset, from the catalogue.
fn uuid_of(s: &Server, dataset: &str) -> String {
    let (_, found) = get(s, &format!("/api/catalogue/search?q={dataset}&limit=50"), None);
    let hit = found["hits"].as_array().unwrap().iter().find(|h| h["record"]["dataset"] == dataset);
    hit.unwrap_or_else(|| panic!("no record of {dataset}: {found}"))["record"]["uuid"].as_str().unwrap().to_string()
}

/// An order line.
fn line(uuid: &str, areas: Value, projections: &[&str], formats: &[&str]) -> Value {
    json!({
        "metadataUuid": uuid,
        "areas": areas,
        "projections": projections.iter().map(|p| json!({ "code": p })).collect::<Vec<_>>(),
        "formats": formats.iter().map(|f| json!({ "name": f })).collect::<Vec<_>>(),
        "usagePurpose": ["Beredskap"],
    })
}

fn order(lines: Vec<Value>, email: &str) -> Value {
    json!({ "email": email, "usageGroup": "Privatperson", "softwareClient": "fjord-test", "orderLines": lines })
}

/// Poll an order until no file waits; its receipt.
fn settled(s: &Server, reference: &str, auth: Option<&str>) -> Value {
    for _ in 0..600 {
        let (status, receipt) = get(s, &format!("/api/order/{reference}"), auth);
        assert_eq!(status, 200, "{receipt}");
        if receipt["files"].as_array().unwrap().iter().all(|f| f["status"] != "WaitingForProcessing") {
            return receipt;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the order's files were never made");
}

/// A zip's entries, and the features of its vector data file (GDAL through /vsizip/).
fn zip_contents(dir: &Path, name: &str, bytes: &[u8]) -> (Vec<String>, Option<u64>) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let vsi = format!("/vsizip/{}", path.display());
    let mut entries: Vec<String> =
        gdal::vsi::read_dir(&vsi, false).unwrap().into_iter().map(|p| p.to_string_lossy().into_owned()).collect();
    entries.sort();
    let data = entries.iter().find(|e| [".gpkg", ".geojson", ".fgb", ".shp", ".gml"].iter().any(|x| e.ends_with(x)));
    let count = data.map(|d| {
        use gdal::vector::LayerAccess;
        let ds = gdal::Dataset::open(format!("{vsi}/{d}")).unwrap();
        ds.layer(0).unwrap().feature_count()
    });
    (entries, count)
}

#[test]
fn a_citizen_orders_vector_and_elevation_files_and_downloads_them() {
    let (dir, s) = seeded();
    let kommuner = uuid_of(&s, "kommuner");
    let hoyde = uuid_of(&s, "hoyde");

    // capabilities: JSON by default with GeoNorge's links, XML when asked
    let (status, caps) = get(&s, &format!("/api/capabilities/{kommuner}"), None);
    assert_eq!(status, 200, "{caps}");
    assert_eq!(caps["supportsAreaSelection"], true);
    assert_eq!(caps["supportsPolygonSelection"], true);
    assert!(caps.get("accessConstraintRequiredRole").is_none(), "null fields are left out: {caps}");
    let rels: Vec<&str> = caps["_links"].as_array().unwrap().iter().map(|l| l["rel"].as_str().unwrap()).collect();
    for r in ["projection", "format", "area", "order", "can-download"] {
        assert!(rels.contains(&format!("http://rel.geonorge.no/download/{r}").as_str()), "{rels:?}");
    }
    let (_, v2) = get(&s, &format!("/api/v2/capabilities/{kommuner}"), None);
    assert!(v2["_links"][0]["href"].as_str().unwrap().contains("/api/v2/codelists/"), "{v2}");
    let (status, hs, xml) =
        call(&s, "GET", &format!("/api/capabilities/{kommuner}"), None, &[("Accept", "application/xml")], b"");
    assert_eq!(status, 200);
    assert!(header(&hs, "content-type").unwrap().contains("xml"));
    assert!(String::from_utf8_lossy(&xml).contains("<supportsAreaSelection>true</supportsAreaSelection>"));

    // codelists: the country, counties and municipalities from the register
    let (_, areas) = get(&s, &format!("/api/codelists/area/{kommuner}"), None);
    let area = |code: &str| areas.as_array().unwrap().iter().find(|a| a["code"] == code).cloned();
    assert_eq!(area("0000").unwrap()["type"], "landsdekkende");
    assert_eq!(area("03").unwrap()["type"], "fylke");
    assert_eq!(area("0301").unwrap()["name"], "Oslo");
    assert_eq!(area("0301").unwrap()["projections"][0]["formats"].as_array().unwrap().len(), 5);
    let (_, projections) = get(&s, &format!("/api/codelists/projection/{kommuner}"), None);
    let utm33 = projections.as_array().unwrap().iter().find(|p| p["code"] == "25833").cloned();
    assert_eq!(utm33.map(|p| p["name"].clone()), Some(json!("EUREF89 UTM sone 33, 2d")), "{projections}");
    let (_, formats) = get(&s, &format!("/api/codelists/format/{hoyde}"), None);
    assert_eq!(formats, json!([{ "name": "GeoTIFF" }]));

    // an order for Oslo in every format, two projections
    let formats = ["GeoPackage", "GeoJSON", "FlatGeobuf", "Shape", "GML"];
    let asked =
        order(vec![line(&kommuner, json!([{ "code": "0301", "type": "kommune" }]), &["25833", "4258"], &formats)], "");
    let (status, receipt) = post(&s, "/api/order", None, &asked);
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["files"].as_array().unwrap().len(), 10, "{receipt}");
    let reference = receipt["referenceNumber"].as_str().unwrap().to_string();
    let receipt = settled(&s, &reference, None);
    for f in receipt["files"].as_array().unwrap() {
        assert_eq!(f["status"], "ReadyForDownload", "{f}");
        let name = f["name"].as_str().unwrap();
        assert!(name.starts_with("Basisgeodata_0301_Oslo_") && name.contains("_kommuner_"), "{name}");
        let (status, hs, bytes) = call(&s, "GET", f["downloadUrl"].as_str().unwrap(), None, &[], b"");
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
        assert_eq!(header(&hs, "content-length").unwrap(), bytes.len().to_string());
        let (entries, count) = zip_contents(dir.path(), name, &bytes);
        assert!(entries.iter().any(|e| e.ends_with("_lisens.txt")), "{entries:?}");
        assert!(entries.iter().any(|e| e.ends_with("_metadata.xml")), "{entries:?}");
        assert_eq!(count, Some(1), "Oslo alone, cut to itself: {name} {entries:?}");
    }

    // a download resumed with Range; its digest is the one published
    let file = &receipt["files"][0];
    let url = file["downloadUrl"].as_str().unwrap();
    let (_, hs, whole) = call(&s, "GET", url, None, &[], b"");
    let etag = header(&hs, "etag").unwrap().to_string();
    assert!(header(&hs, "last-modified").is_some() && header(&hs, "repr-digest").is_some());
    let (status, hs, tail) = call(&s, "GET", url, None, &[("Range", "bytes=100-")], b"");
    assert_eq!(status, 206);
    assert_eq!(header(&hs, "content-range").unwrap(), format!("bytes 100-{}/{}", whole.len() - 1, whole.len()));
    assert_eq!(tail, whole[100..]);
    let (status, hs, _) = call(&s, "GET", url, None, &[("Range", &format!("bytes={}-", whole.len()))], b"");
    assert_eq!(status, 416);
    assert_eq!(header(&hs, "content-range").unwrap(), format!("bytes */{}", whole.len()));
    let (status, _, _) = call(&s, "GET", url, None, &[("If-None-Match", &etag)], b"");
    assert_eq!(status, 304);
    let sha = {
        use sha2::Digest;
        format!("{:x}", sha2::Sha256::digest(&whole))
    };
    assert_eq!(file["sha256"], sha.as_str());

    // bundled in one zip
    let (status, _, bytes) =
        call(&s, "PUT", &format!("/api/order/{reference}"), None, &[], br#"{"downloadAsBundle":true}"#);
    let bundled = json_of(&bytes);
    assert_eq!(status, 200, "{bundled}");
    let bundle_url = bundled["downloadBundleUrl"].as_str().unwrap();
    let (status, hs, bytes) = call(&s, "GET", bundle_url, None, &[], b"");
    assert_eq!(status, 200);
    let (entries, _) = zip_contents(dir.path(), "bundle.zip", &bytes);
    assert_eq!(entries.len(), 10, "{entries:?}");
    // its digest is the bytes' (kept from when it was packed), the same the second time
    let digest = |bytes: &[u8]| {
        use sha2::Digest;
        format!("sha-256=:{}:", STANDARD.encode(sha2::Sha256::digest(bytes)))
    };
    let want = digest(&bytes);
    assert_eq!(header(&hs, "repr-digest"), Some(want.as_str()));
    let (_, again, same) = call(&s, "GET", bundle_url, None, &[], b"");
    assert_eq!((header(&again, "repr-digest"), same.len()), (Some(want.as_str()), bytes.len()));

    // elevation: a county as GeoTIFF, cut to the county
    let areas = json!([{ "code": "03", "type": "fylke" }, { "code": "Kart", "type": "polygon", "coordinates": OSLO_SQUARE, "coordinatesystem": "25833" }]);
    let asked = order(vec![line(&hoyde, areas, &["25833", "25832"], &["GeoTIFF"])], "a@b.no");
    let (status, receipt) = post(&s, "/api/order", None, &asked);
    assert_eq!(status, 200, "{receipt}");
    let receipt = settled(&s, receipt["referenceNumber"].as_str().unwrap(), None);
    // the county and the polygon, each in two projections
    for (i, epsg) in [25833, 25832, 25833, 25832].into_iter().enumerate() {
        let f = &receipt["files"][i];
        assert_eq!(f["status"], "ReadyForDownload", "{f}");
        let (_, _, bytes) = call(&s, "GET", f["downloadUrl"].as_str().unwrap(), None, &[], b"");
        let name = format!("hoyde{i}.zip");
        let (entries, _) = zip_contents(dir.path(), &name, &bytes);
        let tif = entries.iter().find(|e| e.ends_with(".tif")).expect("a GeoTIFF");
        let ds = gdal::Dataset::open(format!("/vsizip/{}/{tif}", dir.path().join(&name).display())).unwrap();
        assert_eq!(ds.spatial_ref().unwrap().auth_code().unwrap(), epsg);
        let band = ds.rasterband(1).unwrap();
        let size = ds.raster_size();
        let cells = band.read_as::<f64>((0, 0), size, size, None).unwrap().into_shape_and_vec().1;
        let with_height = cells.iter().filter(|z| Some(**z) != band.no_data_value()).count();
        assert!(with_height > 0, "{name}: heights inside the area");
        if i < 2 {
            assert!(with_height < cells.len(), "{name}: none outside the county in its box");
        }
    }

    // a map-sheet cell of the elevation: offered where the data lies, cut to its square
    let (_, areas) = get(&s, &format!("/api/codelists/area/{hoyde}"), None);
    let cell = areas.as_array().unwrap().iter().find(|a| a["code"] == "250-6650").cloned();
    assert_eq!(cell.map(|c| c["type"].clone()), Some(json!("celle")), "the cell around Oslo");
    let cells: Vec<&str> = areas
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["type"] == "celle")
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert!(!cells.contains(&"-100-6900"), "no cell of open sea west of Stad: {} cells", cells.len());
    let (_, vector_areas) = get(&s, &format!("/api/codelists/area/{kommuner}"), None);
    assert!(!vector_areas.to_string().contains("\"celle\""), "cells are offered for elevation");
    let asked =
        order(vec![line(&hoyde, json!([{ "code": "250-6650", "type": "celle" }]), &["25833"], &["GeoTIFF"])], "");
    let (status, receipt) = post(&s, "/api/order", None, &asked);
    assert_eq!(status, 200, "{receipt}");
    let receipt = settled(&s, receipt["referenceNumber"].as_str().unwrap(), None);
    let f = &receipt["files"][0];
    assert!(f["status"] == "ReadyForDownload" && f["name"].as_str().unwrap().contains("_250-6650_"), "{f}");
    let (_, _, bytes) = call(&s, "GET", f["downloadUrl"].as_str().unwrap(), None, &[], b"");
    let (entries, _) = zip_contents(dir.path(), "cell.zip", &bytes);
    let tif = entries.iter().find(|e| e.ends_with(".tif")).expect("a GeoTIFF");
    let ds = gdal::Dataset::open(format!("/vsizip/{}/{tif}", dir.path().join("cell.zip").display())).unwrap();
    let t = ds.geo_transform().unwrap();
    let (w, h) = ds.raster_size();
    let (east, south) = (t[0] + t[1] * w as f64, t[3] + t[5] * h as f64);
    // the stored grid's cells that hold the square (a part of one at an edge at most)
    let c = t[1];
    let inside = t[0] >= 250_000.0 - c && east <= 300_000.0 + c && south >= 6_650_000.0 - c && t[3] <= 6_700_000.0 + c;
    assert!(inside && (w as f64) * c <= 50_000.0 + 2.0 * c, "{t:?} {w}×{h}");

    // the ATOM feeds: the service feed lists the open datasets, a dataset feed its files,
    // whose direct links are made on first ask
    let (status, _, feed) = call(&s, "GET", "/atom/Tjenestefeed.xml", None, &[], b"");
    assert_eq!(status, 200);
    let feed = String::from_utf8(feed).unwrap();
    assert!(feed.contains(&kommuner) && feed.contains(&hoyde), "{feed}");
    let (_, _, feed) = call(&s, "GET", &format!("/atom/{kommuner}.xml"), None, &[], b"");
    let feed = String::from_utf8(feed).unwrap();
    let entry = feed.split("<entry>").find(|e| e.contains("_0301_Oslo_25833_") && e.contains("GPKG")).unwrap();
    assert!(entry.contains("term=\"http://www.opengis.net/def/crs/EPSG/0/25833\"") && entry.contains("<updated>"));
    let direct = entry.split("href=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let mut got = None;
    for _ in 0..600 {
        let (status, _, bytes) = call(&s, "GET", &direct, None, &[], b"");
        if status == 200 {
            got = Some(bytes);
            break;
        }
        assert_eq!(status, 409, "{}", String::from_utf8_lossy(&bytes));
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(zip_contents(dir.path(), "direct.zip", &got.expect("the direct link's file")).1, Some(1));

    // a polygon clip can be asked about first
    let (_, answer) = post(
        &s,
        "/api/can-download",
        None,
        &json!({ "metadataUuid": kommuner, "coordinates": OSLO_SQUARE, "coordinateSystem": "25833" }),
    );
    assert_eq!(answer["canDownload"], true, "{answer}");

    // a clip polygon sent as a file, then ordered by its id
    let oslo_square = json!({ "type": "FeatureCollection", "features": [{ "type": "Feature", "properties": {},
        "geometry": { "type": "Polygon", "coordinates": [[[10.6, 59.85], [10.9, 59.85], [10.9, 60.0], [10.6, 60.0], [10.6, 59.85]]] } }] });
    let (status, _, bytes) = call(
        &s,
        "POST",
        &format!("/api/validate-clipperfile/{kommuner}?filename=oslo.geojson"),
        None,
        &[],
        oslo_square.to_string().as_bytes(),
    );
    let clipper = json_of(&bytes);
    assert_eq!(status, 200, "{clipper}");
    assert_eq!(clipper["valid"], true);
    let mut by_file = line(&kommuner, json!([{ "code": "Kart", "type": "polygon" }]), &["25833"], &["FlatGeobuf"]);
    by_file["clipperFile"] = clipper["clipperFile"].clone();
    let (status, receipt) = post(&s, "/api/order", None, &order(vec![by_file], "a@b.no"));
    assert_eq!(status, 200, "{receipt}");
    let receipt = settled(&s, receipt["referenceNumber"].as_str().unwrap(), None);
    let f = &receipt["files"][0];
    assert_eq!(
        (f["status"].as_str(), f["coordinates"].as_str()),
        (Some("ReadyForDownload"), clipper["coordinates"].as_str())
    );

    // statistics are the owner's
    assert_eq!(get(&s, &format!("/api/statistics/{kommuner}"), None).0, 401);
}

#[test]
fn bad_orders_are_refused_and_nothing_is_queued() {
    let (dir, s) = seeded();
    let kommuner = uuid_of(&s, "kommuner");
    let hoyde = uuid_of(&s, "hoyde");
    let oslo = json!([{ "code": "0301", "type": "kommune" }]);
    let polygon = |coordinates: &str, crs: &str| json!([{ "code": "Kart", "type": "polygon", "coordinates": coordinates, "coordinatesystem": crs }]);
    let bow_tie = "590000 6630000 610000 6650000 610000 6630000 590000 6650000";
    let huge = "0 6400000 1000000 6400000 1000000 7900000 0 7900000";
    let cases: Vec<(Value, u16, &str)> = vec![
        (order(vec![line("no-such-uuid", oslo.clone(), &["25833"], &["GML"])], ""), 404, "no dataset"),
        (order(vec![line(&kommuner, json!([{ "code": "9999" }]), &["25833"], &["GML"])], ""), 400, "area '9999'"),
        (order(vec![line(&kommuner, oslo.clone(), &["3857"], &["GML"])], ""), 400, "projection '3857'"),
        (order(vec![line(&kommuner, oslo.clone(), &["25833"], &["SOSI 4.5"])], ""), 400, "format 'SOSI 4.5'"),
        (order(vec![line(&hoyde, oslo.clone(), &["25833"], &["GeoJSON"])], ""), 400, "format 'GeoJSON'"),
        (order(vec![line(&kommuner, polygon(OSLO_SQUARE, "25833"), &["25833"], &["GML"])], ""), 400, "needs an email"),
        (order(vec![line(&kommuner, polygon(huge, "25833"), &["25833"], &["GML"])], "a@b.no"), 400, "km²"),
        (
            order(vec![line(&kommuner, polygon(bow_tie, "25833"), &["25833"], &["GML"])], "a@b.no"),
            400,
            "crosses itself",
        ),
        (
            order(vec![line(&kommuner, polygon(OSLO_SQUARE, "123456"), &["25833"], &["GML"])], "a@b.no"),
            400,
            "coordinatesystem",
        ),
        (order(vec![line(&kommuner, oslo.clone(), &["25833"], &["GML"]); 10_000], ""), 400, "10000 order lines"),
        (order(vec![], ""), 400, "orderLines"),
        (json!({ "orderLines": "many" }), 400, "order JSON"),
    ];
    for (body, status, says) in cases {
        let (got, answer) = post(&s, "/api/order", None, &body);
        assert_eq!(got, status, "{answer}");
        assert!(answer["detail"].as_str().unwrap_or("").contains(says), "{says}: {answer}");
    }
    assert_eq!(get(&s, "/api/order/no-such-order", None).0, 404);
    assert_eq!(get(&s, "/api/codelists/area/no-such-uuid", None).0, 404);
    assert_eq!(get(&s, &format!("/api/codelists/colour/{kommuner}"), None).0, 404);
    let (_, answer) = post(
        &s,
        "/api/can-download",
        None,
        &json!({ "metadataUuid": kommuner, "coordinates": huge, "coordinateSystem": "25833" }),
    );
    assert_eq!(answer["canDownload"], false);
    assert!(answer["message"].as_str().unwrap().contains("km²"), "{answer}");
    for (file, says) in [
        (&b"not a geodata file"[..], "format"),
        (br#"{"type":"Point","coordinates":[10.7,59.9]}"#, "not a polygon"),
        (b"", "empty"),
    ] {
        let (status, _, bytes) = call(&s, "POST", &format!("/api/validate-clipperfile/{kommuner}"), None, &[], file);
        let answer = json_of(&bytes);
        assert_eq!(status, 400, "{answer}");
        assert!(answer["detail"].as_str().unwrap().contains(says), "{says}: {answer}");
    }
    let (_, answer) = post(
        &s,
        "/api/order",
        None,
        &order(
            vec![{
                let mut l = line(&kommuner, json!([{ "code": "Kart", "type": "polygon" }]), &["25833"], &["GML"]);
                l["clipperFile"] = "no-such-clipper".into();
                l
            }],
            "a@b.no",
        ),
    );
    assert!(answer["detail"].as_str().unwrap().contains("no clipper file"), "{answer}");
    let (status, hs, bytes) = call(&s, "POST", "/api/order", None, &[], &vec![b' '; 3 << 20]);
    assert_eq!(status, 413, "{}", String::from_utf8_lossy(&bytes));
    assert!(header(&hs, "content-type").unwrap().contains("json"), "a body too large is told in JSON");
    // nothing was queued
    let db = rusqlite::Connection::open(dir.path().join("downloads/downloads.sqlite")).unwrap();
    let count = |t: &str| db.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!((count("orders"), count("files")), (0, 0));
}

#[test]
fn restricted_datasets_are_for_their_audience_and_their_downloads_audited() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["seed", root().join("datasets").to_str().unwrap()]);
    restricted_setup(d);
    add_user(d, "ola", "fjellvann og ski 2026");
    add_user(d, "per", "kyst og skjaergard 2026");
    ok(d, &["orgs", "member", "kartverket", "per", "--area", "0301"]);
    let s = Server::start(d);
    let hemmelig = uuid_of(&s, "hemmelig");
    let kari = basic("kari", "fjell og fjord 2026");
    let (ola, per) = (basic("ola", "fjellvann og ski 2026"), basic("per", "kyst og skjaergard 2026"));

    let (_, caps) = get(&s, &format!("/api/capabilities/{hemmelig}"), None);
    assert_eq!(caps["accessConstraintRequiredRole"], "kartverket", "{caps}");
    assert_eq!(get(&s, &format!("/api/codelists/area/{hemmelig}"), None).0, 401);
    assert_eq!(get(&s, &format!("/api/codelists/area/{hemmelig}"), Some(&ola)).0, 403);
    assert_eq!(get(&s, &format!("/api/codelists/area/{hemmelig}"), Some(&kari)).0, 200);

    let asked = order(vec![line(&hemmelig, json!([{ "code": "0000" }]), &["25833"], &["GeoJSON"])], "");
    assert_eq!(post(&s, "/api/order", None, &asked).0, 401);
    assert_eq!(post(&s, "/api/order", Some(&ola), &asked).0, 403);
    let (status, receipt) = post(&s, "/api/order", Some(&kari), &asked);
    assert_eq!(status, 200, "{receipt}");
    let reference = receipt["referenceNumber"].as_str().unwrap();
    assert_eq!(get(&s, &format!("/api/order/{reference}"), None).0, 401, "the order is kari's");
    assert_eq!(get(&s, &format!("/api/order/{reference}"), Some(&ola)).0, 403);
    let receipt = settled(&s, reference, Some(&kari));
    let url = receipt["files"][0]["downloadUrl"].as_str().unwrap();
    assert_eq!(call(&s, "GET", url, Some(&ola), &[], b"").0, 403, "another user's order");
    let (status, _, bytes) = call(&s, "GET", url, Some(&kari), &[], b"");
    assert_eq!(status, 200);
    assert_eq!(zip_contents(d, "hemmelig.zip", &bytes).1, Some(5), "the five fixture points");

    // a role limited to Oslo orders Oslo only
    let whole = order(vec![line(&hemmelig, json!([{ "code": "0000" }]), &["25833"], &["GeoJSON"])], "");
    let (status, answer) = post(&s, "/api/order", Some(&per), &whole);
    assert_eq!(status, 403, "{answer}");
    assert!(answer["detail"].as_str().unwrap().contains("0301"), "{answer}");
    let oslo = order(vec![line(&hemmelig, json!([{ "code": "0301" }]), &["25833"], &["GeoJSON"])], "");
    assert_eq!(post(&s, "/api/order", Some(&per), &oslo).0, 200);

    // statistics for the owner's members; the download is in the audit log
    let (status, stats) = get(&s, &format!("/api/statistics/{hemmelig}"), Some(&kari));
    assert_eq!(status, 200, "{stats}");
    assert!(stats["ordered"].as_array().unwrap().iter().any(|o| o["usagePurpose"] == "Beredskap"), "{stats}");
    assert_eq!(stats["downloaded"][0]["count"], 1, "{stats}");
    assert_eq!(get(&s, &format!("/api/statistics/{hemmelig}"), Some(&ola)).0, 403);
    drop(s);
    let log = ok(d, &["audit", "--action", "download"]);
    assert!(log.contains("kari") && log.contains(&hemmelig), "{log}");
}

#[test]
fn a_restart_resumes_the_queued_clip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["seed", root().join("datasets").to_str().unwrap()]);
    // this server takes orders but makes nothing: the clip waits in the queue
    let s = Server::start_with(d, &[("FJORD_DOWNLOAD_WORKERS", "0")]);
    let kommuner = uuid_of(&s, "kommuner");
    let clip = json!([{ "code": "Kart", "type": "polygon", "coordinates": OSLO_SQUARE, "coordinatesystem": "25833" }]);
    let (status, receipt) =
        post(&s, "/api/order", None, &order(vec![line(&kommuner, clip, &["25833"], &["GeoPackage"])], "a@b.no"));
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["files"][0]["status"], "WaitingForProcessing");
    assert!(receipt["files"][0]["downloadUrl"].is_null());
    let reference = receipt["referenceNumber"].as_str().unwrap().to_string();
    drop(s); // killed

    let s = Server::start(d);
    let receipt = settled(&s, &reference, None);
    let f = &receipt["files"][0];
    assert_eq!(f["status"], "ReadyForDownload", "{f}");
    let (_, _, bytes) = call(&s, "GET", f["downloadUrl"].as_str().unwrap(), None, &[], b"");
    let (_, count) = zip_contents(d, "clip.zip", &bytes);
    assert!(count.unwrap() >= 1, "the municipalities the square touches");
}

#[test]
fn a_scripted_user_with_requests() {
    let has = Command::new("python3").args(["-c", "import requests"]).output().is_ok_and(|o| o.status.success());
    if !has {
        println!("SKIPPED: Python requests is not installed (just test-deps installs it with pip)");
        return;
    }
    if gdal("ogrinfo").is_none() {
        return;
    }
    let (_dir, s) = seeded();
    let kommuner = uuid_of(&s, "kommuner");
    let out = Command::new("python3")
        .arg(root().join("tests/download_check.py"))
        .args([&s.base, &kommuner])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("download: 7 passed, 0 failed"), "{stdout}");
}
