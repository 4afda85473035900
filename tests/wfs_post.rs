//! WFS 2.0 requests by POST in the XML encoding answer as their KVP twins do; bad bodies
//! are OWS ExceptionReports, never a 500. And WFS 1.1.0 capabilities for old clients.

mod common;
use common::{root, Server};
use fjord_core::url::encode_component;

fn seeded() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    common::ok(dir.path(), &["seed", root().join("datasets").to_str().unwrap()]);
    let server = Server::start(dir.path());
    (dir, server)
}

/// POST an XML body to /wfs: (status, content type, body).
fn post(s: &Server, body: &str) -> (u16, String, String) {
    s.post("/wfs", "text/xml", body)
}

/// POST and require `status` and an XML answer.
fn post_xml(s: &Server, body: &str, status: u16) -> String {
    let (code, ct, text) = post(s, body);
    assert_eq!(code, status, "{body}\n=> {text}");
    assert!(ct.contains("xml"), "{ct}");
    text
}

fn get_xml(s: &Server, query: &str) -> String {
    let (code, _, body) = s.get(&format!("/wfs?{query}"));
    assert_eq!(code, 200, "{query}: {body}");
    body
}

/// numberMatched and the gml:ids of the members, in order.
fn matched_and_ids(body: &str, type_name: &str) -> (String, Vec<String>) {
    let attr = "numberMatched=\"";
    let at = body.find(attr).unwrap_or_else(|| panic!("no numberMatched: {body}")) + attr.len();
    let matched = body[at..at + body[at..].find('"').unwrap()].to_string();
    let open = format!("<fjord:{type_name} gml:id=\"");
    let ids = body
        .match_indices(&open)
        .map(|(i, _)| {
            let from = i + open.len();
            body[from..from + body[from..].find('"').unwrap()].to_string()
        })
        .collect();
    (matched, ids)
}

/// A GetFeature body with one Query; `inner` goes inside the Query.
fn get_feature(attrs: &str, type_names: &str, inner: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<wfs:GetFeature service="WFS" version="2.0.0" {attrs}
    xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:fes="http://www.opengis.net/fes/2.0"
    xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:fjord="https://fjord.example.no/features">
  <wfs:Query typeNames="{type_names}">{inner}</wfs:Query>
</wfs:GetFeature>"#
    )
}

const LOM: &str = r#"<fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>kommune</fes:ValueReference><fes:Literal>Lom</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>"#;

#[test]
fn post_get_feature_answers_as_kvp_does() {
    let (_dir, s) = seeded();

    // a BBOX filter against the KVP BBOX parameter
    let bbox = r#"<fes:Filter><fes:BBOX><fes:ValueReference>geometry</fes:ValueReference><gml:Envelope srsName="urn:ogc:def:crs:EPSG::25833"><gml:lowerCorner>230000 6620000</gml:lowerCorner><gml:upperCorner>300000 6690000</gml:upperCorner></gml:Envelope></fes:BBOX></fes:Filter>"#;
    let by_post = post_xml(&s, &get_feature("count=\"100\"", "fjord:kommuner", bbox), 200);
    let by_get = get_xml(
        &s,
        "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:kommuner&COUNT=100&BBOX=230000,6620000,300000,6690000",
    );
    let (matched, ids) = matched_and_ids(&by_post, "kommuner");
    assert!(!ids.is_empty() && by_post.contains("Oslo"), "{by_post}");
    assert_eq!((matched, ids), matched_and_ids(&by_get, "kommuner"));

    // a PropertyIsEqualTo against the same filter by KVP
    let by_post = post_xml(&s, &get_feature("", "fjord:fjelltopper", LOM), 200);
    let filter = LOM.replace("<fes:Filter>", "<fes:Filter xmlns:fes=\"http://www.opengis.net/fes/2.0\">");
    let by_get = get_xml(
        &s,
        &format!(
            "SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:fjelltopper&FILTER={}",
            encode_component(&filter)
        ),
    );
    let (matched, ids) = matched_and_ids(&by_post, "fjelltopper");
    assert_eq!((matched.as_str(), ids.len()), ("7", 7), "{by_post}");
    assert_eq!((matched, ids), matched_and_ids(&by_get, "fjelltopper"));

    // SortBy: descending heights, with paging
    let sort = "<fes:SortBy><fes:SortProperty><fes:ValueReference>hoyde_m</fes:ValueReference>\
                <fes:SortOrder>DESC</fes:SortOrder></fes:SortProperty></fes:SortBy>";
    let top = post_xml(&s, &get_feature("count=\"2\"", "fjord:fjelltopper", sort), 200);
    let first = top.find("Galdhøpiggen").expect("the highest first");
    let second = top.find("Glittertind").expect("the second highest second");
    assert!(first < second && top.contains("numberMatched=\"30\"") && top.contains("numberReturned=\"2\""));
    let ascending = post_xml(&s, &get_feature("count=\"30\"", "fjord:fjelltopper", &sort.replace("DESC", "ASC")), 200);
    assert!(ascending.find(">Glittertind<").unwrap() < ascending.find(">Galdhøpiggen<").unwrap());

    // resultType=hits, startIndex, PropertyName, outputFormat
    let hits = post_xml(&s, &get_feature("resultType=\"hits\"", "fjord:fylker", ""), 200);
    assert!(hits.contains("numberMatched=\"15\"") && hits.contains("numberReturned=\"0\""), "{hits}");
    let page = post_xml(&s, &get_feature("count=\"4\" startIndex=\"12\"", "fylker", ""), 200);
    assert!(page.contains("numberReturned=\"3\""), "{page}");
    let names = post_xml(&s, &get_feature("", "fjord:fylker", "<wfs:PropertyName>fjord:navn</wfs:PropertyName>"), 200);
    assert!(names.contains("<fjord:navn>") && !names.contains("<fjord:fylkesnummer>"));
    let (code, ct, json) = post(&s, &get_feature("outputFormat=\"application/json\" count=\"100\"", "kommuner", ""));
    assert!(code == 200 && ct.contains("json"), "{code} {ct}");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["numberMatched"], 28);

    // the GetFeatureById stored query
    let (_, ids) = matched_and_ids(&page, "fylker");
    let by_id = format!(
        r#"<wfs:GetFeature service="WFS" version="2.0.0" xmlns:wfs="http://www.opengis.net/wfs/2.0">
             <wfs:StoredQuery id="urn:ogc:def:query:OGC-WFS::GetFeatureById"><wfs:Parameter name="id">{}</wfs:Parameter></wfs:StoredQuery>
           </wfs:GetFeature>"#,
        ids[0]
    );
    let one = post_xml(&s, &by_id, 200);
    assert!(one.contains(&format!("gml:id=\"{}\"", ids[0])) && !one.contains("FeatureCollection"), "{one}");
    let missing = post_xml(&s, &by_id.replace(&ids[0], "fylker.999999"), 404);
    assert!(missing.contains("exceptionCode=\"NotFound\""));
}

#[test]
fn other_operations_by_post() {
    let (_dir, s) = seeded();
    let caps = post_xml(
        &s,
        r#"<GetCapabilities service="WFS" xmlns="http://www.opengis.net/wfs/2.0" xmlns:ows="http://www.opengis.net/ows/1.1"/>"#,
        200,
    );
    assert!(caps.contains("<wfs:Name>fjord:kommuner</wfs:Name>") && caps.contains("version=\"2.0.0\""));
    // capabilities advertise POST and the XML encoding
    assert!(caps.contains(&format!("<ows:Post xlink:href=\"{}/wfs\"/>", s.base)), "{caps}");
    assert!(caps.contains("XMLEncoding\"><ows:NoValues/><ows:DefaultValue>TRUE"));

    let xsd = post_xml(
        &s,
        r#"<wfs:DescribeFeatureType service="WFS" version="2.0.0" xmlns:wfs="http://www.opengis.net/wfs/2.0"><wfs:TypeName>fjord:fylker</wfs:TypeName></wfs:DescribeFeatureType>"#,
        200,
    );
    assert!(xsd.contains("name=\"fylkesnummer\"") && !xsd.contains("kommunenummer"), "{xsd}");

    let values = post_xml(
        &s,
        r#"<wfs:GetPropertyValue service="WFS" version="2.0.0" valueReference="navn" count="100" xmlns:wfs="http://www.opengis.net/wfs/2.0"><wfs:Query typeNames="fjord:kommuner"/></wfs:GetPropertyValue>"#,
        200,
    );
    assert!(values.contains("<wfs:ValueCollection") && values.contains("<wfs:member>Bærum</wfs:member>"));

    let list = post_xml(&s, r#"<ListStoredQueries service="WFS" version="2.0.0"/>"#, 200);
    assert!(list.contains("urn:ogc:def:query:OGC-WFS::GetFeatureById"));
    let described = post_xml(&s, r#"<DescribeStoredQueries service="WFS" version="2.0.0"/>"#, 200);
    assert!(described.contains("<wfs:Parameter name=\"ID\""));
}

#[test]
fn bad_bodies_are_exception_reports() {
    let (_dir, s) = seeded();
    let too_big = format!("<GetCapabilities service=\"WFS\"><!--{}--></GetCapabilities>", "x".repeat(1 << 20));
    let unknown_property = get_feature(
        "",
        "fjord:fjelltopper",
        "<fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>colour</fes:ValueReference><fes:Literal>red</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>",
    );
    for (body, status, code, locator) in [
        (
            "<wfs:GetFeature service=\"WFS\"><wfs:Query typeNames=\"fylker\">",
            400,
            "OperationParsingFailed",
            "GetFeature",
        ),
        ("this is no XML", 400, "OperationParsingFailed", ""),
        ("", 400, "OperationParsingFailed", ""),
        (too_big.as_str(), 400, "OperationParsingFailed", ""),
        ("<wfs:Transaction service=\"WFS\" version=\"2.0.0\"/>", 400, "OperationNotSupported", "Transaction"),
        (
            "<GetFeature service=\"WMS\"><Query typeNames=\"fylker\"/></GetFeature>",
            400,
            "InvalidParameterValue",
            "service",
        ),
        (
            "<GetFeature service=\"WFS\" version=\"2.0.0\"><Query/></GetFeature>",
            400,
            "MissingParameterValue",
            "typeNames",
        ),
        ("<GetFeature service=\"WFS\" version=\"2.0.0\"/>", 400, "MissingParameterValue", "Query"),
        (
            "<GetFeature service=\"WFS\" version=\"2.0.0\" count=\"many\"><Query typeNames=\"fylker\"/></GetFeature>",
            400,
            "InvalidParameterValue",
            "count",
        ),
        (unknown_property.as_str(), 400, "OperationParsingFailed", "Filter"),
    ] {
        let text = post_xml(&s, body, status);
        assert!(text.contains("<ows:ExceptionReport"), "{text}");
        assert!(text.contains(&format!("exceptionCode=\"{code}\"")), "{}: {text}", &body[..body.len().min(200)]);
        assert!(text.contains(&format!("locator=\"{locator}\"")), "{}: {text}", &body[..body.len().min(200)]);
    }
}

#[test]
fn wfs_1_1_0_capabilities_for_old_clients() {
    let (_dir, s) = seeded();
    for query in [
        "SERVICE=WFS&REQUEST=GetCapabilities&VERSION=1.1.0",
        "SERVICE=WFS&REQUEST=GetCapabilities&ACCEPTVERSIONS=1.1.0,2.0.0",
    ] {
        let caps = get_xml(&s, query);
        let (root, names) = well_formed(&caps);
        assert_eq!(root, "wfs:WFS_Capabilities");
        assert!(caps.contains("version=\"1.1.0\"") && caps.contains("xmlns:wfs=\"http://www.opengis.net/wfs\""));
        assert!(
            caps.contains("xmlns:ows=\"http://www.opengis.net/ows\"") && caps.contains("<ogc:Filter_Capabilities>")
        );
        for layer in ["fjord:fylker", "fjord:kommuner", "fjord:fjelltopper"] {
            assert!(names.iter().any(|n| n == layer), "{layer} in {names:?}");
        }
        assert!(caps.contains("<wfs:DefaultSRS>urn:ogc:def:crs:EPSG::25833</wfs:DefaultSRS>"));
        assert!(caps.contains("<wfs:OtherSRS>urn:ogc:def:crs:EPSG::4326</wfs:OtherSRS>"));
        assert!(caps.contains("<wfs:Format>text/xml; subtype=gml/3.1.1</wfs:Format>"));
        assert_eq!(caps.matches("<ows:WGS84BoundingBox>").count(), names.len());
        assert_eq!(caps.matches("<ows:Operation ").count(), 3, "GetCapabilities, DescribeFeatureType, GetFeature");
        assert!(!caps.contains("GetPropertyValue") && !caps.contains("fes:"));
    }
    // 2.0.0 stays the default, and the first version asked for that is served wins
    for query in
        ["SERVICE=WFS&REQUEST=GetCapabilities", "SERVICE=WFS&REQUEST=GetCapabilities&ACCEPTVERSIONS=3.0.0,2.0.0,1.1.0"]
    {
        let caps = get_xml(&s, query);
        assert!(caps.contains("<wfs:WFS_Capabilities version=\"2.0.0\""), "{query}");
        well_formed(&caps);
    }
    let (code, _, text) = s.get("/wfs?SERVICE=WFS&REQUEST=GetCapabilities&ACCEPTVERSIONS=1.0.0");
    assert!(code == 400 && text.contains("VersionNegotiationFailed"), "{text}");
    // by POST too
    let caps = post_xml(
        &s,
        r#"<wfs:GetCapabilities service="WFS" xmlns:wfs="http://www.opengis.net/wfs" xmlns:ows="http://www.opengis.net/ows"><ows:AcceptVersions><ows:Version>1.1.0</ows:Version></ows:AcceptVersions></wfs:GetCapabilities>"#,
        200,
    );
    assert!(caps.contains("<ows:ServiceTypeVersion>1.1.0</ows:ServiceTypeVersion>"));
}

/// Read the whole document (failing on anything not well-formed): the root element's
/// name and the text of every wfs:Name.
fn well_formed(xml: &str) -> (String, Vec<String>) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut root, mut names, mut in_name) = (String::new(), Vec::new(), false);
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("not well-formed: {e}")) {
            Event::Start(e) => {
                let name = e.name().as_ref().to_string();
                in_name = name == "wfs:Name";
                if root.is_empty() {
                    root = name;
                }
            }
            Event::Text(t) if in_name => names.push(t.xml10_content().into_owned()),
            Event::End(_) => in_name = false,
            Event::Eof => break,
            _ => {}
        }
    }
    (root, names)
}
