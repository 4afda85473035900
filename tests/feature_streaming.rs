//! Large feature responses stream (chunked, whole, exact counts) through WFS and OGC API;
//! OGC API items come as FlatGeobuf and GML 3.2 that GDAL reads back unchanged, and
//! `datetime` selects on a dataset's date property.

mod common;
use common::{gdal, ok, root, Server};
use serde_json::{json, Value};

/// Features in the generated dataset: well over the size at which responses stream.
const N: usize = 20_000;

/// The samples plus `punkter`: N points on a grid around Oslo, with `n`, `navn` and a
/// date `malt` in 2024 (month `1 + n % 12`).
fn seeded() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["seed", root().join("datasets").to_str().unwrap()]);
    let features: Vec<Value> = (0..N)
        .map(|i| {
            let (x, y) = (10.5 + (i % 200) as f64 * 0.002, 59.8 + (i / 200) as f64 * 0.002);
            let malt = format!("2024-{:02}-{:02}", 1 + i % 12, 1 + i % 28);
            json!({ "type": "Feature", "properties": { "n": i, "navn": format!("punkt {i}"), "malt": malt },
                    "geometry": { "type": "Point", "coordinates": [x, y] } })
        })
        .collect();
    let path = dir.path().join("punkter.geojson");
    std::fs::write(&path, json!({ "type": "FeatureCollection", "features": features }).to_string()).unwrap();
    ok(dir.path(), &["ingest", path.to_str().unwrap(), "--dataset", "punkter", "--org", "kartverket"]);
    let server = Server::start(dir.path());
    (dir, server)
}

/// GET with the response headers: (status, headers by lower-case name, body bytes).
fn fetch(s: &Server, path: &str) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut res = agent.get(&format!("{}{path}", s.base)).call().expect("HTTP answer");
    let headers = res
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_ascii_lowercase(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = res.body_mut().with_config().limit(1 << 30).read_to_vec().unwrap();
    (res.status().as_u16(), headers, body)
}

fn header<'a>(h: &'a [(String, String)], name: &str) -> Option<&'a str> {
    h.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

#[test]
fn large_responses_stream_whole_with_exact_counts() {
    let (_dir, s) = seeded();

    // WFS GetFeature without COUNT: every feature, streamed (no Content-Length)
    let (status, h, body) = fetch(&s, "/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:punkter");
    assert_eq!(status, 200);
    assert_eq!(header(&h, "content-length"), None, "a large answer streams");
    assert_eq!(header(&h, "transfer-encoding"), Some("chunked"));
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains(&format!("numberMatched=\"{N}\" numberReturned=\"{N}\"")));
    assert_eq!(text.matches("<wfs:member>").count(), N);
    assert!(text.trim_end().ends_with("</wfs:FeatureCollection>"), "the document is whole");

    // the same as GeoJSON: every id once, properties aligned with PROPERTYNAME
    let (_, _, body) = fetch(
        &s,
        "/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=punkter&OUTPUTFORMAT=application/json&PROPERTYNAME=navn",
    );
    let doc: Value = serde_json::from_slice(&body).unwrap();
    let features = doc["features"].as_array().unwrap();
    assert_eq!((doc["numberMatched"].as_u64(), features.len()), (Some(N as u64), N));
    let mut ids: Vec<u64> = features.iter().map(|f| f["id"].as_u64().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), N);
    let props = features[7]["properties"].as_object().unwrap();
    assert_eq!(props.len(), 1, "only PROPERTYNAME: {props:?}");
    assert!(props["navn"].as_str().unwrap().starts_with("punkt "));

    // a FES filter and SORTBY over the stream
    let filter = "<fes:Filter xmlns:fes=\"http://www.opengis.net/fes/2.0\"><fes:PropertyIsLessThan>\
                  <fes:ValueReference>n</fes:ValueReference><fes:Literal>5000</fes:Literal></fes:PropertyIsLessThan></fes:Filter>";
    let (_, _, body) = fetch(
        &s,
        &format!(
            "/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=punkter&OUTPUTFORMAT=application/json&SORTBY=n%20DESC&FILTER={}",
            fjord_core::url::encode_component(filter)
        ),
    );
    let doc: Value = serde_json::from_slice(&body).unwrap();
    let ns: Vec<i64> =
        doc["features"].as_array().unwrap().iter().map(|f| f["properties"]["n"].as_i64().unwrap()).collect();
    assert_eq!(ns.len(), 5000);
    assert_eq!((ns[0], ns[4999]), (4999, 0), "sorted descending");

    // a small answer is sent whole, with a length
    let (_, h, _) = fetch(&s, "/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=punkter&COUNT=10");
    assert!(header(&h, "content-length").is_some());

    // OGC API items at the largest limit
    let (_, h, body) = fetch(&s, "/ogcapi/collections/punkter/items?limit=10000&offset=15000");
    assert_eq!(header(&h, "content-length"), None);
    let doc: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!((doc["numberMatched"].as_u64(), doc["numberReturned"].as_u64()), (Some(N as u64), Some(5000)));
    assert_eq!(doc["features"].as_array().unwrap().len(), 5000);
    assert!(doc["links"].as_array().unwrap().iter().any(|l| l["rel"] == "prev"));
}

/// Convert a file with ogr2ogr (and `options`) to GeoJSON in EPSG:4326 and parse it.
fn as_geojson(dir: &std::path::Path, file: &std::path::Path, options: &[&str]) -> Option<Value> {
    let out_path = dir.join(format!("{}.geojson", file.file_name().unwrap().to_string_lossy()));
    let out = gdal("ogr2ogr")?
        .args(["-f", "GeoJSON", "-lco", "RFC7946=YES", "-lco", "COORDINATE_PRECISION=10"])
        .args(options)
        .args([out_path.to_str().unwrap(), file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "ogr2ogr {file:?}: {}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_str(&std::fs::read_to_string(out_path).unwrap()).unwrap())
}

/// Every feature of `b` equals the one of `a` with the same `key`: attributes, and the
/// coordinates within 1e-8 degrees (about 1 mm).
fn same_features(a: &Value, b: &Value, key: &str) {
    let (a, b) = (a["features"].as_array().unwrap(), b["features"].as_array().unwrap());
    assert_eq!(a.len(), b.len());
    for f in a {
        let k = &f["properties"][key];
        let g = b.iter().find(|g| &g["properties"][key] == k).unwrap_or_else(|| panic!("{k} missing in {}", b[0]));
        for (name, v) in f["properties"].as_object().unwrap() {
            assert_eq!(&g["properties"][name], v, "{k}.{name}");
        }
        let flat = |v: &Value| v["geometry"]["coordinates"].to_string();
        let nums = |s: String| -> Vec<f64> {
            s.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == 'e'))
                .filter_map(|t| t.parse().ok())
                .collect()
        };
        let (p, q) = (nums(flat(f)), nums(flat(g)));
        assert_eq!(p.len(), q.len(), "{k}: vertex count");
        assert!(p.iter().zip(&q).all(|(x, y)| (x - y).abs() < 1e-8), "{k}: geometry moved");
    }
}

#[test]
fn items_as_flatgeobuf_and_gml_read_back_unchanged() {
    let (dir, s) = seeded();
    let (_, _, json) = fetch(&s, "/ogcapi/collections/kommuner/items?limit=100");
    let json: Value = serde_json::from_slice(&json).unwrap();
    assert!(json["links"].as_array().unwrap().iter().any(|l| l["type"] == "application/flatgeobuf"));

    let (status, h, fgb) = fetch(&s, "/ogcapi/collections/kommuner/items?limit=100&f=fgb");
    assert_eq!(status, 200);
    assert_eq!(header(&h, "content-type"), Some("application/flatgeobuf"));
    assert_eq!(header(&h, "ogc-numbermatched"), Some("28"));
    assert!(header(&h, "content-crs").is_some() && header(&h, "link").is_some_and(|l| l.contains("rel=\"self\"")));
    assert_eq!(&fgb[..3], b"fgb", "a FlatGeobuf file");
    let (_, h, gml) = fetch(&s, "/ogcapi/collections/kommuner/items?limit=100&f=gml");
    assert!(header(&h, "content-type").unwrap().starts_with("application/gml+xml"));
    let text = String::from_utf8(gml.clone()).unwrap();
    assert!(text.contains("numberMatched=\"28\"") && text.matches("<sf:featureMember>").count() == 28);

    // Accept negotiates the same formats; metadata resources refuse them
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let res = agent
        .get(&format!("{}/ogcapi/collections/kommuner/items", s.base))
        .header("Accept", "application/flatgeobuf")
        .call()
        .unwrap();
    assert_eq!(res.headers().get("content-type").unwrap(), "application/flatgeobuf");
    assert_eq!(s.get("/ogcapi/collections?f=fgb").0, 400);

    // one feature in each format
    let id = json["features"][0]["id"].as_u64().unwrap();
    let (status, _, one) = fetch(&s, &format!("/ogcapi/collections/kommuner/items/{id}?f=gml"));
    assert_eq!(status, 200);
    assert!(String::from_utf8(one).unwrap().contains(&format!("gml:id=\"kommuner.{id}\"")));
    let (status, _, one) = fetch(&s, &format!("/ogcapi/collections/kommuner/items/{id}?f=fgb"));
    assert_eq!((status, &one[..3]), (200, &b"fgb"[..]));

    // GDAL reads both files back: same attributes, geometry within 1 mm
    let (fgb_path, gml_path) = (dir.path().join("kommuner.fgb"), dir.path().join("kommuner.gml"));
    std::fs::write(&fgb_path, &fgb).unwrap();
    std::fs::write(&gml_path, &gml).unwrap();
    let Some(from_fgb) = as_geojson(dir.path(), &fgb_path, &[]) else { return };
    same_features(&json, &from_fgb, "kommunenummer");
    // the XML Schema the GML names in xsi:schemaLocation, given to GDAL as a client would
    let marker = "https://fjord.example.no/features ";
    let at = text.find(marker).unwrap() + marker.len();
    let xsd = text[at..at + text[at..].find('"').unwrap()].replace("&amp;", "&");
    let Some(from_gml) = as_geojson(dir.path(), &gml_path, &["-oo", &format!("XSD={xsd}")]) else { return };
    same_features(&json, &from_gml, "kommunenummer");
}

#[test]
fn datetime_selects_on_the_date_property() {
    let (_dir, s) = seeded();
    let matched = |q: &str| matched_in(&s, "punkter", q);
    let march = (0..N).filter(|i| i % 12 == 2).count();
    assert_eq!(matched("datetime=2024-03-01/2024-03-31"), march);
    assert_eq!(matched("datetime=2024-03-01T00:00:00Z/2024-03-31T23:59:59Z"), march);
    assert_eq!(matched("datetime=2024-12-01/.."), (0..N).filter(|i| i % 12 == 11).count());
    assert_eq!(matched("datetime=../2023-12-31"), 0);
    let one_day = (0..N).filter(|i| i % 12 == 2 && i % 28 == 4).count();
    assert_eq!(matched("datetime=2024-03-05T12:00:00%2B01:00"), one_day, "an instant inside the day");
    // with another filter, and refused when malformed
    assert_eq!(
        matched("datetime=2024-03-01/2024-03-31&filter=n%20%3C%20100"),
        (0..100).filter(|i| i % 12 == 2).count()
    );
    assert_eq!(s.get("/ogcapi/collections/punkter/items?datetime=in%20March").0, 400);
    // a collection without time ignores it
    assert_eq!(matched_in(&s, "fylker", "datetime=2024-03-01/.."), 15);
}

fn matched_in(s: &Server, collection: &str, q: &str) -> Value {
    s.json(&format!("/ogcapi/collections/{collection}/items?limit=1&{q}"), 200)["numberMatched"].clone()
}
