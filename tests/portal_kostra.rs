//! KOSTRA: municipalities send their yearly key figures through the Altinn form
//! `form-kostra`; Statistics Norway's clerk receives and processes them, which publishes
//! dataset `kostra-nokkeltall` (the reports joined to the municipality boundaries)
//! through the ingest path: its features carry the key figures with the municipality's
//! geometry in OGC API – Features and WFS, WMS draws it with the choropleth style, and
//! the download service offers it. The sample reports of 2024 (datasets/portals/kostra.json)
//! count where a municipality has not reported since.

mod common;

use common::*;
use serde_json::{json, Value};

#[test]
fn municipalities_reports_become_a_published_map_layer() {
    // the sample datasets, served with the repository's map styles
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["seed", root().join("datasets").to_str().unwrap()]);
    let styles = root().join("styles");
    let s = Server::start_with(d, &[("FJORD_SERVICES_STYLES_DIR", styles.to_str().unwrap())]);
    ok(d, &["orgs", "add", "ssb", "--number", "971526920", "--name", "Statistisk sentralbyrå"]);
    add_user(d, "sigrid", "tall og tabeller 2026");
    ok(d, &["orgs", "member", "ssb", "sigrid", "--role", "uploader"]);
    let sigrid = basic("sigrid", "tall og tabeller 2026");
    // three municipalities, each with its reporting officer
    // (municipalities are the organisations `kommune-NNNN`, as the National Register knows them)
    let reports = [
        ("0301", "kommune-0301", -1.5, "964000018"),
        ("3201", "kommune-3201", 3.1, "964000026"),
        ("3203", "kommune-3203", 5.2, "964000034"),
    ];
    let mut ids = Vec::new();
    for (i, (number, org, drift, org_number)) in reports.iter().enumerate() {
        ok(d, &["orgs", "add", org, "--number", org_number, "--name", org]);
        let user = format!("post-{org}");
        add_user(d, &user, "kommunal rapportering 2026");
        ok(d, &["orgs", "member", org, &user, "--role", "viewer"]);
        let auth = basic(&user, "kommunal rapportering 2026");
        let data = json!({"kommunenummer": number, "year": 2025, "netto_driftsresultat_prosent": drift,
                          "elever_per_larer": 12.5 + i as f64, "legedekning_per_10000": 10.0 + i as f64});
        let (status, made) = send(
            &s,
            "POST",
            "/api/altinn/forms/form-kostra/submissions",
            Some(&auth),
            &json!({"data": data, "organisation": org}),
        );
        assert_eq!(status, 201, "{made}");
        let id = made["uuid"].as_str().unwrap().to_string();
        let (status, sent) =
            send(&s, "POST", &format!("/api/altinn/submissions/{id}/submit"), Some(&auth), &Value::Null);
        assert_eq!(status, 200, "{sent}");
        if i == 0 {
            // a municipality reports its own figures only: Oslo's officer cannot send Bærum's
            let baerum_figures = json!({"kommunenummer": "3201", "year": 2025, "netto_driftsresultat_prosent": 9.9,
                               "elever_per_larer": 1.0, "legedekning_per_10000": 1.0});
            let body = json!({"data": baerum_figures, "organisation": org});
            let (_, other) = send(&s, "POST", "/api/altinn/forms/form-kostra/submissions", Some(&auth), &body);
            let other = format!("/api/altinn/submissions/{}/submit", other["uuid"].as_str().unwrap());
            let (status, problem) = send(&s, "POST", &other, Some(&auth), &Value::Null);
            assert_eq!(status, 400, "{problem}");
            assert!(problem["detail"].as_str().unwrap().starts_with("data.kommunenummer:"), "{problem}");
            // another municipality's officer neither reads it nor publishes
            assert_eq!(send(&s, "GET", &format!("/api/altinn/submissions/{id}"), None, &Value::Null).0, 401);
            assert_eq!(send(&s, "POST", "/api/kostra/publish", Some(&auth), &Value::Null).0, 403);
        }
        ids.push(id);
    }
    assert_eq!(send(&s, "POST", "/api/kostra/publish", None, &Value::Null).0, 401);

    // the clerk receives all three and processes two: processing publishes
    for (i, id) in ids.iter().enumerate() {
        let path = format!("/api/altinn/submissions/{id}/status");
        assert_eq!(send(&s, "POST", &path, Some(&sigrid), &json!({"status": "received"})).0, 200);
        if i < 2 {
            assert_eq!(send(&s, "POST", &path, Some(&sigrid), &json!({"status": "processed"})).0, 200);
        }
    }
    // an explicit publish takes in what is only received too
    let (status, published) = send(&s, "POST", "/api/kostra/publish", Some(&sigrid), &Value::Null);
    assert_eq!(status, 200, "{published}");
    assert_eq!(published["reported"], 4, "the three, and Nordre Follo's sample report of 2024: {published}");
    assert!(
        published["version"].as_u64().unwrap() >= 3,
        "one version per processed report, then one more: {published}"
    );

    // OGC API – Features: every municipality, with its key figures where it reported
    let items = s.json("/ogcapi/collections/kostra-nokkeltall/items?limit=100", 200);
    let features = items["features"].as_array().unwrap();
    assert_eq!(features.len(), 28, "every municipality of the boundaries");
    let by_number = |n: &str| features.iter().find(|f| f["properties"]["kommunenummer"] == n).unwrap().clone();
    let oslo = by_number("0301");
    assert_eq!(oslo["properties"]["navn"], "Oslo");
    assert_eq!(oslo["properties"]["netto_driftsresultat_prosent"], -1.5);
    assert_eq!(oslo["properties"]["elever_per_larer"], 12.5);
    assert_eq!(oslo["properties"]["year"], 2025);
    assert!(oslo["geometry"]["type"].as_str().unwrap().ends_with("Polygon"), "{oslo}");
    let kommune = s.json("/ogcapi/collections/kommuner/items?limit=100", 200);
    let oslo_boundary =
        kommune["features"].as_array().unwrap().iter().find(|f| f["properties"]["kommunenummer"] == "0301").unwrap();
    assert_eq!(oslo["geometry"], oslo_boundary["geometry"], "the municipality's own geometry");
    assert_eq!(by_number("3203")["properties"]["legedekning_per_10000"], 12.0);
    assert!(by_number("3205")["properties"]["netto_driftsresultat_prosent"].is_null(), "Lillestrøm has not reported");
    let sample = by_number("3207");
    assert_eq!(
        (sample["properties"]["year"].as_i64(), sample["properties"]["elever_per_larer"].as_f64()),
        (Some(2024), Some(15.0))
    );

    // WFS: the same features
    let wfs = s.json("/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=kostra-nokkeltall&OUTPUTFORMAT=application/json&COUNT=100", 200);
    let baerum =
        wfs["features"].as_array().unwrap().iter().find(|f| f["properties"]["kommunenummer"] == "3201").unwrap();
    assert_eq!(baerum["properties"]["netto_driftsresultat_prosent"], 3.1, "{baerum}");

    // WMS with the choropleth style: the classes' colours, more than one
    let (status, _, png) = fetch(
        &s,
        "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=kostra-nokkeltall&STYLES=default&CRS=EPSG:4326&BBOX=59.6,10.2,60.2,11.2&WIDTH=300&HEIGHT=200&FORMAT=image/png",
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&png));
    let pic = Picture::decode(&png);
    let mut colours: Vec<[u8; 4]> = pic.rgba.clone();
    colours.sort();
    colours.dedup();
    assert!(colours.len() > 1, "more than one colour: {colours:?}");
    let mut counts: Vec<(usize, [u8; 4])> =
        colours.iter().map(|c| (pic.rgba.iter().filter(|p| *p == c).count(), *c)).collect();
    counts.sort();
    let has = |rgb: [u8; 3]| pic.rgba.iter().any(|p| p[..3] == rgb);
    assert!(has([0xd7, 0x30, 0x1f]), "Oslo, below 0 %, in red: {:?}", &counts[counts.len().saturating_sub(8)..]);
    assert!(has([0xa6, 0xd9, 0x6a]), "Bærum, 2–4 %, in light green");
    assert!(has([0xd9, 0xd9, 0xd9]), "the municipalities that have not reported in grey");

    // the catalogue describes it and the download service offers it
    let found = s.json("/api/catalogue/search?q=kostra&kind=dataset", 200);
    assert_eq!(found["total"], 1, "{found}");
    let uuid = found["hits"][0]["record"]["uuid"].as_str().unwrap();
    assert_eq!(found["hits"][0]["record"]["organisation"]["id"], "ssb");
    let (status, caps) = send(&s, "GET", &format!("/api/capabilities/{uuid}"), None, &Value::Null);
    assert_eq!(status, 200, "{caps}");
}
