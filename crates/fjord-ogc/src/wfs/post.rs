//! WFS requests by POST in the XML encoding (OGC 09-025r2, 7.6 and the request sections
//! of 8 to 11): GetCapabilities, DescribeFeatureType, GetFeature (one wfs:Query or the
//! GetFeatureById wfs:StoredQuery), GetPropertyValue, ListStoredQueries and
//! DescribeStoredQueries.
//!
//! The body is read into the FES parser's element tree and turned into the key/value
//! pairs of the KVP encoding, which [`super::handle`] answers: one path for checks and
//! answers. The fes:Filter goes in as FILTER, cut verbatim from the body (the FES parser
//! matches local names, so its prefixes need no declarations); fes:SortBy becomes SORTBY,
//! the wfs:PropertyName children PROPERTYNAME. Refusals name the XML attribute or
//! element at fault (`typeNames`, not `TYPENAMES`).

use super::WfsError;
use crate::features::Api;
use crate::filter::fes::{dom, El};
use crate::reply::Reply;

/// The largest request body read: 1 MiB.
pub const MAX_POST_BYTES: usize = 1 << 20;

/// Root attributes and the KVP keys they become (those an operation does not use are
/// ignored by it).
const ROOT_ATTRIBUTES: [(&str, &str); 7] = [
    ("version", "VERSION"),
    ("count", "COUNT"),
    ("maxFeatures", "MAXFEATURES"),
    ("startIndex", "STARTINDEX"),
    ("resultType", "RESULTTYPE"),
    ("outputFormat", "OUTPUTFORMAT"),
    ("valueReference", "VALUEREFERENCE"),
];

/// wfs:Query attributes and their KVP keys (`typeName` is WFS 1.1's spelling).
const QUERY_ATTRIBUTES: [(&str, &str); 3] =
    [("typeNames", "TYPENAMES"), ("typeName", "TYPENAME"), ("srsName", "SRSNAME")];

/// The other parts of a request that become KVP keys, for the locators of refusals.
const OTHER_NAMES: [(&str, &str); 7] = [
    ("service", "SERVICE"),
    ("Filter", "FILTER"),
    ("SortBy", "SORTBY"),
    ("PropertyName", "PROPERTYNAME"),
    ("StoredQuery", "STOREDQUERY_ID"),
    ("id", "ID"),
    ("AcceptVersions", "ACCEPTVERSIONS"),
];

/// A refusal of the body as a whole.
pub fn parsing_failed(locator: &str, text: impl Into<String>) -> WfsError {
    WfsError { status: 400, code: "OperationParsingFailed", locator: locator.into(), text: text.into() }
}

/// The refusal of a body over [`MAX_POST_BYTES`] (or one that could not be read whole).
pub fn too_large() -> WfsError {
    parsing_failed("", format!("the request body could not be read whole; it may be at most {MAX_POST_BYTES} bytes"))
}

/// Answer one request in the XML encoding. `base` is the service URL.
pub fn handle_post(api: &Api, base: &str, body: &[u8]) -> Result<Reply, WfsError> {
    let params = to_kvp(body)?;
    super::handle(api, base, &params).map_err(|mut e| {
        let names = ROOT_ATTRIBUTES.iter().chain(&QUERY_ATTRIBUTES).chain(&OTHER_NAMES);
        if let Some((xml, _)) = names.into_iter().find(|(_, key)| *key == e.locator) {
            e.locator = (*xml).to_string();
        }
        e
    })
}

/// The version a POST request's exception report is written in (2.0.0 when the body
/// cannot be read).
pub fn post_exception_version(body: &[u8]) -> super::Version {
    to_kvp(body).map_or(super::Version::V2_0_0, |kvp| super::exception_version(&kvp))
}

/// The key/value pairs the KVP encoding of this request would carry.
pub fn to_kvp(body: &[u8]) -> Result<Vec<(String, String)>, WfsError> {
    if body.len() > MAX_POST_BYTES {
        return Err(too_large());
    }
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let xml = std::str::from_utf8(body).map_err(|e| parsing_failed("", format!("the body is not UTF-8: {e}")))?;
    let root = dom(xml).map_err(|e| parsing_failed(&root_name(xml), e))?;
    let mut kvp = vec![
        ("REQUEST".to_string(), root.name.clone()),
        // the root element's namespace already says WFS; `service` may be left out
        ("SERVICE".to_string(), root.attr("service").unwrap_or("WFS").to_string()),
    ];
    carry(&root, &ROOT_ATTRIBUTES, &mut kvp);
    let joined = |el: &El, name: &str| el.children_named(name).map(|c| c.text.trim()).collect::<Vec<_>>().join(",");
    match root.name.as_str() {
        "GetCapabilities" => {
            let versions = root.child("AcceptVersions").map(|v| joined(v, "Version")).unwrap_or_default();
            kvp.push(("ACCEPTVERSIONS".into(), versions));
        }
        "DescribeFeatureType" => kvp.push(("TYPENAMES".into(), joined(&root, "TypeName"))),
        "DescribeStoredQueries" => kvp.push(("STOREDQUERY_ID".into(), joined(&root, "StoredQueryId"))),
        "GetFeature" | "GetPropertyValue" => query(&root, xml, &mut kvp)?,
        // anything else is refused by name (OperationNotSupported) by `handle`
        _ => {}
    }
    Ok(kvp)
}

/// Copy the attributes of `names` that `el` has.
fn carry(el: &El, names: &[(&str, &str)], kvp: &mut Vec<(String, String)>) {
    for (attr, key) in names {
        if let Some(v) = el.attr(attr) {
            kvp.push((key.to_string(), v.to_string()));
        }
    }
}

/// The one wfs:Query or wfs:StoredQuery of a GetFeature or GetPropertyValue.
fn query(root: &El, xml: &str, kvp: &mut Vec<(String, String)>) -> Result<(), WfsError> {
    let queries: Vec<&El> = root.children.iter().filter(|c| c.name == "Query" || c.name == "StoredQuery").collect();
    let q = match queries.as_slice() {
        [] => return Err(WfsError::missing("Query")),
        [one] => *one,
        _ => return Err(WfsError::invalid("Query", "one Query per request")),
    };
    if q.name == "StoredQuery" {
        let id = q.attr("id").filter(|id| !id.trim().is_empty()).ok_or_else(|| WfsError::missing("id"))?;
        kvp.push(("STOREDQUERY_ID".into(), id.to_string()));
        for p in q.children_named("Parameter") {
            let name = p.attr("name").unwrap_or_default();
            if !name.eq_ignore_ascii_case("id") {
                return Err(WfsError::invalid("Parameter", format!("the stored query takes no parameter '{name}'")));
            }
            kvp.push(("ID".into(), p.text.trim().to_string()));
        }
        return Ok(());
    }
    carry(q, &QUERY_ATTRIBUTES, kvp);
    let mut names = Vec::new();
    for p in q.children_named("PropertyName") {
        names.push(one_name(&p.text, "PropertyName")?);
    }
    if !names.is_empty() {
        kvp.push(("PROPERTYNAME".into(), names.join(",")));
    }
    if let Some(f) = q.child("Filter") {
        let text =
            xml.get(f.span.clone()).ok_or_else(|| parsing_failed("Filter", "the Filter could not be cut out"))?;
        kvp.push(("FILTER".into(), text.to_string()));
    }
    if let Some(sort) = q.child("SortBy") {
        let mut keys = Vec::new();
        for p in sort.children_named("SortProperty") {
            let name = p.child("ValueReference").or_else(|| p.child("PropertyName")).map_or("", |v| v.text.as_str());
            let order = p.child("SortOrder").map_or("ASC", |o| o.text.trim());
            keys.push(format!("{} {order}", one_name(name, "SortBy")?));
        }
        kvp.push(("SORTBY".into(), keys.join(",")));
    }
    Ok(())
}

/// A property name as one KVP list item: no commas or spaces inside.
fn one_name(text: &str, locator: &str) -> Result<String, WfsError> {
    let name = text.trim();
    if name.is_empty() || name.contains([',', ' ', '\t', '\n']) {
        return Err(WfsError::invalid(locator, format!("'{name}' is not a property name")));
    }
    Ok(name.to_string())
}

/// The root element's local name, as far as the body can be read; the locator of a
/// body that cannot be parsed.
fn root_name(xml: &str) -> String {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                return e.local_name().as_ref().to_string();
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => return String::new(),
            Ok(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{parse_fes, summits, Filter};

    fn kvp(xml: &str) -> Vec<(String, String)> {
        to_kvp(xml.as_bytes()).unwrap()
    }

    fn get<'a>(kvp: &'a [(String, String)], key: &str) -> Option<&'a str> {
        kvp.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    const GET_FEATURE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<wfs:GetFeature service="WFS" version="2.0.0" count="5" startIndex="2" resultType="hits" outputFormat="application/json"
    xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:fes="http://www.opengis.net/fes/2.0"
    xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:fjord="https://fjord.example.no/features">
  <wfs:Query typeNames="fjord:fjelltopper" srsName="urn:ogc:def:crs:EPSG::4326">
    <wfs:PropertyName>fjord:navn</wfs:PropertyName>
    <wfs:PropertyName>hoyde_m</wfs:PropertyName>
    <fes:Filter>
      <fes:And>
        <fes:PropertyIsGreaterThan><fes:ValueReference>hoyde_m</fes:ValueReference><fes:Literal>2000</fes:Literal></fes:PropertyIsGreaterThan>
        <fes:BBOX><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>61 7</gml:lowerCorner><gml:upperCorner>62 9</gml:upperCorner></gml:Envelope></fes:BBOX>
      </fes:And>
    </fes:Filter>
    <fes:SortBy>
      <fes:SortProperty><fes:ValueReference>hoyde_m</fes:ValueReference><fes:SortOrder>DESC</fes:SortOrder></fes:SortProperty>
      <fes:SortProperty><fes:ValueReference>navn</fes:ValueReference></fes:SortProperty>
    </fes:SortBy>
  </wfs:Query>
</wfs:GetFeature>"#;

    #[test]
    fn get_feature_becomes_kvp() {
        let kvp = kvp(GET_FEATURE);
        for (key, value) in [
            ("REQUEST", "GetFeature"),
            ("SERVICE", "WFS"),
            ("VERSION", "2.0.0"),
            ("COUNT", "5"),
            ("STARTINDEX", "2"),
            ("RESULTTYPE", "hits"),
            ("OUTPUTFORMAT", "application/json"),
            ("TYPENAMES", "fjord:fjelltopper"),
            ("SRSNAME", "urn:ogc:def:crs:EPSG::4326"),
            ("PROPERTYNAME", "fjord:navn,hoyde_m"),
            ("SORTBY", "hoyde_m DESC,navn ASC"),
        ] {
            assert_eq!(get(&kvp, key), Some(value), "{key}");
        }
        // the filter is cut out verbatim, prefixes undeclared, and the FES parser takes it
        let filter = get(&kvp, "FILTER").unwrap();
        assert!(filter.starts_with("<fes:Filter>") && filter.ends_with("</fes:Filter>"), "{filter}");
        match parse_fes(filter, &summits(), &["geometry"], "fjelltopper").unwrap() {
            Filter::And(parts) => assert_eq!(parts.len(), 2),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn other_operations_become_kvp() {
        let dft = kvp(
            r#"<DescribeFeatureType service="WFS" version="2.0.0"><TypeName>fjord:fylker</TypeName><TypeName>kommuner</TypeName></DescribeFeatureType>"#,
        );
        assert_eq!(get(&dft, "TYPENAMES"), Some("fjord:fylker,kommuner"));
        let caps = kvp(
            r#"<wfs:GetCapabilities xmlns:wfs="http://www.opengis.net/wfs" xmlns:ows="http://www.opengis.net/ows"><ows:AcceptVersions><ows:Version>1.1.0</ows:Version><ows:Version>2.0.0</ows:Version></ows:AcceptVersions></wfs:GetCapabilities>"#,
        );
        assert_eq!((get(&caps, "SERVICE"), get(&caps, "ACCEPTVERSIONS")), (Some("WFS"), Some("1.1.0,2.0.0")));
        let by_id = kvp(
            r#"<GetFeature service="WFS" version="2.0.0"><StoredQuery id="urn:ogc:def:query:OGC-WFS::GetFeatureById"><Parameter name="id">fylker.3</Parameter></StoredQuery></GetFeature>"#,
        );
        assert_eq!(get(&by_id, "STOREDQUERY_ID"), Some(super::super::GET_FEATURE_BY_ID));
        assert_eq!(get(&by_id, "ID"), Some("fylker.3"));
        let values = kvp(
            r#"<GetPropertyValue service="WFS" version="2.0.0" valueReference="navn"><Query typeNames="kommuner"/></GetPropertyValue>"#,
        );
        assert_eq!((get(&values, "VALUEREFERENCE"), get(&values, "TYPENAMES")), (Some("navn"), Some("kommuner")));
    }

    #[test]
    fn refusals_name_code_and_locator() {
        for (body, code, locator) in [
            ("<GetFeature service=\"WFS\"><Query typeNames=\"a\">", "OperationParsingFailed", "GetFeature"),
            ("<GetFeature><Query></Wrong></GetFeature>", "OperationParsingFailed", "GetFeature"),
            ("not XML at all", "OperationParsingFailed", ""),
            ("<GetFeature service=\"WFS\" version=\"2.0.0\"/>", "MissingParameterValue", "Query"),
            (
                "<GetFeature><Query typeNames=\"a\"/><Query typeNames=\"b\"/></GetFeature>",
                "InvalidParameterValue",
                "Query",
            ),
            (
                "<GetFeature><Query typeNames=\"a\"><PropertyName>a,b</PropertyName></Query></GetFeature>",
                "InvalidParameterValue",
                "PropertyName",
            ),
            ("<GetFeature><StoredQuery/></GetFeature>", "MissingParameterValue", "id"),
            (
                "<GetFeature><StoredQuery id=\"x\"><Parameter name=\"BBOX\">1</Parameter></StoredQuery></GetFeature>",
                "InvalidParameterValue",
                "Parameter",
            ),
        ] {
            let e = to_kvp(body.as_bytes()).unwrap_err();
            assert_eq!((e.status, e.code, e.locator.as_str()), (400, code, locator), "{body}: {}", e.text);
        }
        assert_eq!(to_kvp(&[0x3c, 0xff, 0xfe]).unwrap_err().code, "OperationParsingFailed");
        let big = format!("<GetCapabilities>{}</GetCapabilities>", " ".repeat(MAX_POST_BYTES));
        assert_eq!(to_kvp(big.as_bytes()).unwrap_err().code, "OperationParsingFailed");
        // a DOCTYPE's own entities are not expanded
        let entity = r#"<!DOCTYPE x [<!ENTITY e "boom">]><GetFeature><Query typeNames="&e;"/></GetFeature>"#;
        assert_eq!(to_kvp(entity.as_bytes()).unwrap_err().code, "OperationParsingFailed");
    }
}
