//! WFS 2.0 by KVP: capabilities, schema, features in GML 3.2 and GeoJSON, paging, axis
//! order pinned with a known point in Oslo, OWS exceptions, and GDAL's WFS driver.

mod common;
use common::{fixture, gdal, ok, root, summits_over, Server};
use fjord_core::url::encode_component;
use serde_json::Value;

fn seeded() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["seed", root().join("datasets").to_str().unwrap()]);
    let pts = fixture("points.geojson");
    ok(dir.path(), &["ingest", pts.to_str().unwrap(), "--dataset", "byer", "--org", "kartverket"]);
    let server = Server::start(dir.path());
    (dir, server)
}

fn xml(s: &Server, query: &str, status: u16) -> String {
    let (code, ct, body) = s.get(&format!("/wfs?{query}"));
    assert_eq!(code, status, "{query}: {body}");
    assert!(ct.contains("xml"), "{query}: {ct}");
    body
}

/// The one number after `<gml:pos>` pairs of the first feature.
fn first_pos(body: &str) -> (f64, f64) {
    let at = body.find("<gml:pos>").expect("a point") + 9;
    let end = at + body[at..].find('<').unwrap();
    let v: Vec<f64> = body[at..end].split_whitespace().map(|n| n.parse().unwrap()).collect();
    (v[0], v[1])
}

#[test]
fn capabilities_schema_and_features() {
    let (_dir, s) = seeded();
    let caps = xml(&s, "SERVICE=WFS&REQUEST=GetCapabilities", 200);
    for name in ["fjord:fylker", "fjord:kommuner", "fjord:fjelltopper", "fjord:byer"] {
        assert!(caps.contains(&format!("<wfs:Name>{name}</wfs:Name>")), "{name}");
    }
    assert!(caps.contains("<ows:WGS84BoundingBox>") && caps.contains("urn:ogc:def:crs:EPSG::4326"));
    assert!(caps.contains("ImplementsResultPaging\"><ows:NoValues/><ows:DefaultValue>TRUE"));

    let xsd = xml(&s, "SERVICE=WFS&VERSION=2.0.0&REQUEST=DescribeFeatureType&TYPENAMES=fjord:fylker", 200);
    assert!(xsd.contains("name=\"fylkesnummer\" type=\"xsd:string\"") && xsd.contains("gml:MultiSurfacePropertyType"));

    let hits = xml(&s, "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:fylker&RESULTTYPE=hits", 200);
    assert!(hits.contains("numberMatched=\"15\"") && hits.contains("numberReturned=\"0\""), "{hits}");

    let page = xml(&s, "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fylker&COUNT=4&STARTINDEX=12", 200);
    assert!(page.contains("numberMatched=\"15\"") && page.contains("numberReturned=\"3\""));
    assert_eq!(page.matches("<wfs:member>").count(), 3);
    let first = xml(&s, "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fylker&COUNT=4", 200);
    assert!(first.contains(" next=\"") && first.contains("STARTINDEX=4"), "paging link");
    assert!(first.contains("srsName=\"urn:ogc:def:crs:EPSG::25833\""));

    let json = s.json("/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:kommuner&OUTPUTFORMAT=application/json&COUNT=100", 200);
    assert_eq!(json["numberMatched"], 28);
    assert_eq!(json["features"].as_array().unwrap().len(), 28);
}

#[test]
fn stored_queries_property_names_and_values() {
    let (_dir, s) = seeded();
    let list = xml(&s, "SERVICE=WFS&VERSION=2.0.0&REQUEST=ListStoredQueries", 200);
    assert!(list.contains("urn:ogc:def:query:OGC-WFS::GetFeatureById"));
    let desc = xml(&s, "SERVICE=WFS&VERSION=2.0.0&REQUEST=DescribeStoredQueries", 200);
    assert!(desc.contains("<wfs:Parameter name=\"ID\""));

    // the gml:id of a feature in a collection fetches that feature alone
    let page = xml(&s, "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:fylker&COUNT=1", 200);
    let open = "<fjord:fylker gml:id=\"";
    let at = page.find(open).unwrap() + open.len();
    let id = &page[at..at + page[at..].find('"').unwrap()];
    let one = xml(&s, &format!("SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById&ID={id}"), 200);
    assert!(one.contains(&format!("gml:id=\"{id}\"")) && !one.contains("FeatureCollection"), "{one}");
    let missing = xml(&s, "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&STOREDQUERY_ID=urn:ogc:def:query:OGC-WFS::GetFeatureById&ID=fylker.999999", 404);
    assert!(missing.contains("exceptionCode=\"NotFound\""));

    // PROPERTYNAME: only what is named; the geometry only when named
    let names =
        xml(&s, "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:fylker&PROPERTYNAME=fjord:navn", 200);
    assert!(
        names.contains("<fjord:navn>")
            && !names.contains("<fjord:fylkesnummer>")
            && !names.contains("<gml:MultiSurface")
    );
    let with_geom = xml(
        &s,
        "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:fylker&PROPERTYNAME=navn,geometry&COUNT=1",
        200,
    );
    assert!(with_geom.contains("<gml:MultiSurface"));
    xml(&s, "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:fylker&PROPERTYNAME=colour", 400);

    // SORTBY: descending heights, paged
    let top = xml(
        &s,
        "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:fjelltopper&SORTBY=hoyde_m%20DESC&COUNT=2",
        200,
    );
    let first = top.find("Galdhøpiggen").expect("the highest first");
    let second = top.find("Glittertind").expect("the second highest second");
    assert!(first < second && top.contains("numberMatched=\"30\"") && top.contains("SORTBY="), "{top}");
    xml(&s, "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:fjelltopper&SORTBY=colour", 400);
    xml(&s, "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:fjelltopper&SORTBY=navn%20SIDEWAYS", 400);

    let values = xml(
        &s,
        "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetPropertyValue&TYPENAMES=fjord:kommuner&VALUEREFERENCE=navn&COUNT=100",
        200,
    );
    assert!(values.contains("<wfs:ValueCollection") && values.contains("numberMatched=\"28\""));
    assert!(values.contains("<wfs:member>Oslo</wfs:member>") && values.contains("<wfs:member>Bærum</wfs:member>"));
}

#[test]
fn fes_filters_select_exactly() {
    let (_dir, s) = seeded();
    let over = summits_over(2300);
    let gt = r#"<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsGreaterThan><fes:ValueReference>hoyde_m</fes:ValueReference><fes:Literal>2300</fes:Literal></fes:PropertyIsGreaterThan></fes:Filter>"#;
    let body = xml(
        &s,
        &format!(
            "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:fjelltopper&FILTER={}",
            encode_component(gt)
        ),
        200,
    );
    assert!(body.contains(&format!("numberMatched=\"{over}\"")), "expected {over}: {body}");

    // a LIKE and a lat/lon box around Jotunheimen, combined
    let both = r#"<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2"><fes:And>
        <fes:PropertyIsLike wildCard="*" singleChar="." escapeChar="!"><fes:ValueReference>navn</fes:ValueReference><fes:Literal>Gald*</fes:Literal></fes:PropertyIsLike>
        <fes:BBOX><fes:ValueReference>geometry</fes:ValueReference><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>61.4 8.0</gml:lowerCorner><gml:upperCorner>61.8 8.6</gml:upperCorner></gml:Envelope></fes:BBOX>
        </fes:And></fes:Filter>"#;
    let body = xml(
        &s,
        &format!(
            "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:fjelltopper&FILTER={}",
            encode_component(both)
        ),
        200,
    );
    assert!(body.contains("numberMatched=\"1\"") && body.contains("Galdhøpiggen"), "{body}");
    let open = "<fjord:fjelltopper gml:id=\"";
    let at = body.find(open).unwrap() + open.len();
    let id = &body[at..at + body[at..].find('"').unwrap()];

    let by_rid = xml(
        &s,
        &format!("SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:fjelltopper&RESOURCEID={id}"),
        200,
    );
    assert!(by_rid.contains("numberMatched=\"1\"") && by_rid.contains("Galdhøpiggen"));

    let broken = xml(
        &s,
        &format!(
            "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:fjelltopper&FILTER={}",
            encode_component("<Filter><And>")
        ),
        400,
    );
    assert!(broken.contains("OperationParsingFailed") && broken.contains("locator=\"FILTER\""));
    let unknown = r#"<Filter><PropertyIsEqualTo><ValueReference>colour</ValueReference><Literal>red</Literal></PropertyIsEqualTo></Filter>"#;
    let body = xml(
        &s,
        &format!(
            "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:fjelltopper&FILTER={}",
            encode_component(unknown)
        ),
        400,
    );
    assert!(body.contains("no property") && body.contains("colour"), "{body}");
    xml(
        &s,
        &format!(
            "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:fjelltopper&BBOX=1,2,3,4&FILTER={}",
            encode_component(gt)
        ),
        400,
    );
}

#[test]
fn axis_order_is_pinned_with_a_point_in_oslo() {
    let (_dir, s) = seeded();
    let src: Value = serde_json::from_str(&std::fs::read_to_string(fixture("points.geojson")).unwrap()).unwrap();
    let oslo = src["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["name"] == "Oslo")
        .expect("Oslo in the fixture");
    let (lon, lat) =
        (oslo["geometry"]["coordinates"][0].as_f64().unwrap(), oslo["geometry"]["coordinates"][1].as_f64().unwrap());
    let near = |a: f64, b: f64| (a - b).abs() < 1e-7;

    // WFS 2.0 URN: lat/lon, in the bbox and in the answer
    let q = format!(
        "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:byer&SRSNAME=urn:ogc:def:crs:EPSG::4326&BBOX={},{},{},{},urn:ogc:def:crs:EPSG::4326",
        lat - 0.01, lon - 0.01, lat + 0.01, lon + 0.01
    );
    let body = xml(&s, &q, 200);
    assert!(body.contains("numberMatched=\"1\""), "{body}");
    let (a, b) = first_pos(&body);
    assert!(near(a, lat) && near(b, lon), "urn 4326 must be lat/lon: {a} {b}");

    // the WFS 1.x spelling EPSG:4326: lon/lat
    let q = format!(
        "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:byer&SRSNAME=EPSG:4326&BBOX={},{},{},{},EPSG:4326",
        lon - 0.01, lat - 0.01, lon + 0.01, lat + 0.01
    );
    let body = xml(&s, &q, 200);
    assert!(body.contains("numberMatched=\"1\""), "{body}");
    let (a, b) = first_pos(&body);
    assert!(near(a, lon) && near(b, lat), "EPSG:4326 must be lon/lat: {a} {b}");

    // WFS 1.1.0 the same way: EPSG:4326 lon/lat, the URN lat/lon (GML 3.1.1 answers)
    for (srs, lat_first) in [("EPSG:4326", false), ("urn:ogc:def:crs:EPSG::4326", true)] {
        let q =
            format!("SERVICE=WFS&VERSION=1.1.0&REQUEST=GetFeature&TYPENAME=fjord:byer&SRSNAME={srs}&MAXFEATURES=100");
        let body = xml(&s, &q, 200);
        assert!(body.contains("xmlns:gml=\"http://www.opengis.net/gml\""), "{body}");
        let at = body.find("<fjord:name>Oslo</fjord:name>").expect("Oslo");
        let start = body[..at].rfind("<gml:featureMember>").unwrap();
        let (a, b) = first_pos(&body[start..]);
        let (want_a, want_b) = if lat_first { (lat, lon) } else { (lon, lat) };
        assert!(near(a, want_a) && near(b, want_b), "1.1.0 {srs}: {a} {b}");
    }

    // the default: EPSG:25833 easting/northing
    let body = xml(&s, "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:byer&COUNT=100", 200);
    assert!(body.contains("<gml:pos>2"), "UTM33 eastings of southern Norway start with 1-6 hundred thousand: {body}");
}

#[test]
fn refusals_are_ows_exception_reports() {
    let (_dir, s) = seeded();
    for (query, code, locator) in [
        ("REQUEST=GetFeature&TYPENAMES=fylker", "MissingParameterValue", "SERVICE"),
        ("SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature", "MissingParameterValue", "TYPENAMES"),
        ("SERVICE=WFS&REQUEST=Transaction", "OperationNotSupported", "Transaction"),
        ("SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:nope", "InvalidParameterValue", "TYPENAMES"),
        ("SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fylker&COUNT=x", "InvalidParameterValue", "COUNT"),
        ("SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fylker&BBOX=1,2,3", "InvalidParameterValue", "BBOX"),
        (
            "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fylker&SRSNAME=EPSG:999999",
            "InvalidParameterValue",
            "SRSNAME",
        ),
        (
            "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fylker&OUTPUTFORMAT=shape-zip",
            "InvalidParameterValue",
            "OUTPUTFORMAT",
        ),
    ] {
        let body = xml(&s, query, 400);
        assert!(body.contains("<ows:ExceptionReport"), "{query}: {body}");
        assert!(body.contains(&format!("exceptionCode=\"{code}\"")), "{query}: {body}");
        assert!(body.contains(&format!("locator=\"{locator}\"")), "{query}: {body}");
    }
    // a 1.1.0 request is refused in OWS Common 1.0, as 1.1.0 clients read it
    let body = xml(&s, "SERVICE=WFS&VERSION=1.1.0&REQUEST=GetFeature&TYPENAME=fylker&MAXFEATURES=x", 400);
    assert!(body.contains("xmlns:ows=\"http://www.opengis.net/ows\" version=\"1.1.0\""), "{body}");
    let body = xml(&s, "SERVICE=WFS&VERSION=1.0.0&REQUEST=GetFeature&TYPENAME=fylker", 400);
    assert!(body.contains("locator=\"VERSION\""), "{body}");
}

#[test]
fn gdal_reads_and_copies_through_wfs() {
    let (dir, s) = seeded();
    // GDAL's WFS driver speaks 2.0.0 by default; old clients ask for 1.1.0 (GML 3.1.1)
    for version in ["2.0.0", "1.1.0"] {
        gdal_lists_and_copies(dir.path(), &format!("WFS:{}/wfs?VERSION={version}", s.base));
    }
}

/// `ogrinfo` lists every layer with its count and extent, and `ogr2ogr` copies the summits
/// unchanged: attributes, and coordinates within 1 mm.
fn gdal_lists_and_copies(dir: &std::path::Path, url: &str) {
    let Some(mut ogrinfo) = gdal("ogrinfo") else { return };
    let out = ogrinfo.args(["-ro", "-so", "-al", url]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{url}: {text}{}", String::from_utf8_lossy(&out.stderr));
    for (layer, count) in [("fjord:fjelltopper", 30), ("fjord:fylker", 15), ("fjord:kommuner", 28)] {
        let at =
            text.find(&format!("Layer name: {layer}")).unwrap_or_else(|| panic!("{url}: {layer} missing:\n{text}"));
        assert!(text[at..].contains(&format!("Feature Count: {count}")), "{url}: {layer}:\n{}", &text[at..]);
        assert!(text[at..].contains("Extent: ("), "{url}: {layer} extent");
    }

    let copy = dir.join("copy.geojson");
    let _ = std::fs::remove_file(&copy);
    let Some(mut ogr2ogr) = gdal("ogr2ogr") else { return };
    let out = ogr2ogr
        .args(["-f", "GeoJSON", "-t_srs", "EPSG:4326", "-lco", "RFC7946=YES", "-lco", "COORDINATE_PRECISION=10"])
        .args([copy.to_str().unwrap(), url, "fjord:fjelltopper"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let copied: Value = serde_json::from_str(&std::fs::read_to_string(&copy).unwrap()).unwrap();
    let original: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("datasets/fjelltopper/fjelltopper.geojson")).unwrap(),
    )
    .unwrap();
    let (a, b) = (original["features"].as_array().unwrap(), copied["features"].as_array().unwrap());
    assert_eq!(a.len(), b.len());
    for f in a {
        let name = &f["properties"]["navn"];
        let g = b.iter().find(|g| &g["properties"]["navn"] == name).unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!(f["properties"]["hoyde_m"], g["properties"]["hoyde_m"], "{name}");
        assert_eq!(f["properties"]["kommune"], g["properties"]["kommune"], "{name}");
        for i in 0..2 {
            let (p, q) =
                (f["geometry"]["coordinates"][i].as_f64().unwrap(), g["geometry"]["coordinates"][i].as_f64().unwrap());
            assert!((p - q).abs() < 1e-8, "{name}: {p} vs {q} (1e-8 degrees is about 1 mm)");
        }
    }
}
