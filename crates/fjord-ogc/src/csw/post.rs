//! CSW requests by POST in the XML encoding: the body is read into the FES parser's
//! element tree (nesting bounded, entities never expanded, size bounded by the server)
//! and turned into the key/value pairs of the KVP encoding, so both go one path. An
//! ogc:Filter goes in as CONSTRAINT, cut verbatim from the body; csw:CqlText as CQL text.

use crate::filter::fes::{dom, El};
use crate::OwsError;

/// Root attributes and the KVP keys they become.
const ROOT_ATTRIBUTES: [(&str, &str); 7] = [
    ("service", "SERVICE"),
    ("version", "VERSION"),
    ("resultType", "RESULTTYPE"),
    ("startPosition", "STARTPOSITION"),
    ("maxRecords", "MAXRECORDS"),
    ("outputSchema", "OUTPUTSCHEMA"),
    ("outputFormat", "OUTPUTFORMAT"),
];

/// A body that is no CSW request.
fn unreadable(text: impl Into<String>) -> OwsError {
    OwsError { status: 400, code: "NoApplicableCode", locator: "request".into(), text: text.into() }
}

/// The key/value pairs the KVP encoding of this request would carry.
pub fn to_kvp(body: &[u8]) -> Result<Vec<(String, String)>, OwsError> {
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let xml = std::str::from_utf8(body).map_err(|e| unreadable(format!("the body is not UTF-8: {e}")))?;
    let root = dom(xml).map_err(unreadable)?;
    // the root element's namespace already says CSW; `service` may be left out
    let mut kvp = vec![("REQUEST".to_string(), root.name.clone()), ("SERVICE".to_string(), "CSW".to_string())];
    for (attr, key) in ROOT_ATTRIBUTES {
        if let Some(v) = root.attr(attr) {
            kvp.push((key.to_string(), v.to_string()));
        }
    }
    let joined = |el: &El, name: &str| el.children_named(name).map(|c| c.text.trim()).collect::<Vec<_>>().join(",");
    let mut push = |k: &str, v: String| kvp.push((k.to_string(), v));
    match root.name.as_str() {
        "GetCapabilities" => {
            if let Some(versions) = root.child("AcceptVersions") {
                push("ACCEPTVERSIONS", joined(versions, "Version"));
            }
        }
        "DescribeRecord" => push("TYPENAME", joined(&root, "TypeName")),
        "GetRecordById" => {
            push("ID", joined(&root, "Id"));
            if let Some(set) = root.child("ElementSetName") {
                push("ELEMENTSETNAME", set.text.trim().to_string());
            }
        }
        "GetDomain" => {
            for (el, key) in [("ParameterName", "PARAMETERNAME"), ("PropertyName", "PROPERTYNAME")] {
                if let Some(c) = root.child(el) {
                    push(key, c.text.trim().to_string());
                }
            }
        }
        "GetRecords" => {
            let query = root.child("Query").ok_or_else(|| OwsError::missing("Query"))?;
            push("TYPENAMES", query.attr("typeNames").unwrap_or_default().to_string());
            if let Some(set) = query.child("ElementSetName") {
                push("ELEMENTSETNAME", set.text.trim().to_string());
            }
            let names = joined(query, "ElementName");
            if !names.is_empty() {
                push("ELEMENTNAME", names);
            }
            if let Some(c) = query.child("Constraint") {
                match (c.child("Filter"), c.child("CqlText")) {
                    (Some(filter), _) => {
                        push("CONSTRAINTLANGUAGE", "FILTER".into());
                        push("CONSTRAINT", xml[filter.span.clone()].to_string());
                    }
                    (None, Some(cql)) => {
                        push("CONSTRAINTLANGUAGE", "CQL_TEXT".into());
                        push("CONSTRAINT", cql.text.trim().to_string());
                    }
                    (None, None) => {
                        return Err(OwsError::invalid("Constraint", "a Constraint holds a Filter or CqlText"))
                    }
                }
            }
        }
        // anything else is refused by name (OperationNotSupported) by the request parser
        _ => {}
    }
    Ok(kvp)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(kvp: &'a [(String, String)], key: &str) -> Option<&'a str> {
        kvp.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    #[test]
    fn get_records_becomes_kvp() {
        let body = r#"<?xml version="1.0"?><csw:GetRecords xmlns:csw="http://www.opengis.net/cat/csw/2.0.2" xmlns:ogc="http://www.opengis.net/ogc" service="CSW" version="2.0.2" resultType="results" startPosition="2" maxRecords="5" outputSchema="http://www.isotc211.org/2005/gmd">
            <csw:Query typeNames="csw:Record"><csw:ElementSetName>full</csw:ElementSetName>
            <csw:Constraint version="1.1.0"><ogc:Filter><ogc:PropertyIsLike wildCard="%" singleChar="_" escapeChar="\"><ogc:PropertyName>csw:AnyText</ogc:PropertyName><ogc:Literal>%fylke%</ogc:Literal></ogc:PropertyIsLike></ogc:Filter></csw:Constraint>
            </csw:Query></csw:GetRecords>"#;
        let kvp = to_kvp(body.as_bytes()).unwrap();
        assert_eq!(get(&kvp, "REQUEST"), Some("GetRecords"));
        assert_eq!(get(&kvp, "MAXRECORDS"), Some("5"));
        assert_eq!(get(&kvp, "ELEMENTSETNAME"), Some("full"));
        assert_eq!(get(&kvp, "CONSTRAINTLANGUAGE"), Some("FILTER"));
        assert!(get(&kvp, "CONSTRAINT").unwrap().starts_with("<ogc:Filter>"));
        let cql = r#"<GetRecords><Query typeNames="csw:Record"><Constraint><CqlText>dc:title LIKE '%a%'</CqlText></Constraint></Query></GetRecords>"#;
        let kvp = to_kvp(cql.as_bytes()).unwrap();
        assert_eq!(get(&kvp, "CONSTRAINT"), Some("dc:title LIKE '%a%'"));
        let by_id = to_kvp(b"<GetRecordById><Id>a</Id><Id>b</Id></GetRecordById>").unwrap();
        assert_eq!(get(&by_id, "ID"), Some("a,b"));
    }

    #[test]
    fn broken_bodies_are_refused() {
        for body in [
            "<GetRecords><Query>",
            "not xml <",
            "<GetRecords/>",
            "<GetRecords><Query><Constraint/></Query></GetRecords>",
        ] {
            let e = to_kvp(body.as_bytes()).unwrap_err();
            assert_eq!(e.status, 400, "{body}: {e:?}");
        }
        assert!(to_kvp(b"\xff\xfe").is_err());
    }
}
