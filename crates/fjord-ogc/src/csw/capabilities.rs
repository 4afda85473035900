//! The CSW 2.0.2 capabilities document (OWS Common 1.0) and the request parameters'
//! domains, which GetDomain answers from the same table.

use super::constraint::queryables;
use super::request::{RecordType, CONSTRAINT_LANGUAGES};
use quick_xml::escape::escape;
use std::fmt::Write;

const OPERATIONS: [&str; 5] = ["GetCapabilities", "DescribeRecord", "GetRecords", "GetRecordById", "GetDomain"];

/// The values each `Operation.parameter` takes.
pub fn parameter_domain(name: &str) -> Option<Vec<String>> {
    let (op, param) = name.split_once('.')?;
    let schemas = || RecordType::ALL.iter().map(|t| t.namespace().to_string()).collect();
    let type_names = || RecordType::ALL.iter().map(|t| t.type_name().to_string()).collect();
    let sets = || ["brief", "summary", "full"].map(String::from).to_vec();
    let values: Vec<String> = match (op.to_ascii_lowercase().as_str(), param.to_ascii_lowercase().as_str()) {
        ("describerecord", "typename") | ("getrecords", "typenames") => type_names(),
        ("describerecord", "schemalanguage") => vec!["http://www.w3.org/XML/Schema".into()],
        ("getrecords" | "getrecordbyid", "outputschema") => schemas(),
        ("getrecords" | "getrecordbyid", "elementsetname") => sets(),
        ("getrecords", "resulttype") => vec!["hits".into(), "results".into()],
        ("getrecords", "constraintlanguage") => CONSTRAINT_LANGUAGES.map(String::from).to_vec(),
        (_, "outputformat") if OPERATIONS.iter().any(|o| o.eq_ignore_ascii_case(op)) => {
            vec!["application/xml".into()]
        }
        _ => return None,
    };
    Some(values)
}

/// The parameters listed per operation in the capabilities.
const PARAMETERS: [(&str, &[&str]); 3] = [
    ("DescribeRecord", &["typeName", "schemaLanguage", "outputFormat"]),
    (
        "GetRecords",
        &["typeNames", "outputSchema", "ElementSetName", "resultType", "CONSTRAINTLANGUAGE", "outputFormat"],
    ),
    ("GetRecordById", &["outputSchema", "ElementSetName", "outputFormat"]),
];

/// The capabilities document; `url` is the service endpoint (`http://host/csw`).
pub fn document(url: &str) -> String {
    let url = escape(url);
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<csw:Capabilities version=\"2.0.2\" \
         xmlns:csw=\"http://www.opengis.net/cat/csw/2.0.2\" xmlns:ows=\"http://www.opengis.net/ows\" \
         xmlns:ogc=\"http://www.opengis.net/ogc\" xmlns:gml=\"http://www.opengis.net/gml\" \
         xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://www.opengis.net/cat/csw/2.0.2 http://schemas.opengis.net/csw/2.0.2/CSW-discovery.xsd\">\
         <ows:ServiceIdentification><ows:Title>fjord catalogue</ows:Title>\
         <ows:Abstract>The metadata catalogue of the fjord spatial data infrastructure: every dataset, \
         in Dublin Core and ISO 19139 (GeoNorge's profile)</ows:Abstract>\
         <ows:Keywords><ows:Keyword>catalogue</ows:Keyword><ows:Keyword>metadata</ows:Keyword><ows:Keyword>CSW</ows:Keyword></ows:Keywords>\
         <ows:ServiceType>CSW</ows:ServiceType><ows:ServiceTypeVersion>2.0.2</ows:ServiceTypeVersion>\
         <ows:Fees>none</ows:Fees><ows:AccessConstraints>none</ows:AccessConstraints></ows:ServiceIdentification>\
         <ows:ServiceProvider><ows:ProviderName>fjord</ows:ProviderName><ows:ServiceContact>\
         <ows:IndividualName>fjord operators</ows:IndividualName></ows:ServiceContact></ows:ServiceProvider>\
         <ows:OperationsMetadata>"
    );
    for op in OPERATIONS {
        let _ = write!(
            x,
            "<ows:Operation name=\"{op}\"><ows:DCP><ows:HTTP><ows:Get xlink:href=\"{url}\"/>\
             <ows:Post xlink:href=\"{url}\"/></ows:HTTP></ows:DCP>"
        );
        let listed = PARAMETERS.iter().find(|(o, _)| *o == op).map_or(&[][..], |(_, p)| *p);
        for param in listed {
            let values = parameter_domain(&format!("{op}.{param}")).unwrap_or_default();
            let _ = write!(x, "<ows:Parameter name=\"{param}\">");
            for v in values {
                let _ = write!(x, "<ows:Value>{}</ows:Value>", escape(&v));
            }
            x.push_str("</ows:Parameter>");
        }
        if op == "GetRecords" {
            x.push_str("<ows:Constraint name=\"SupportedISOQueryables\">");
            for q in queryables() {
                let _ = write!(x, "<ows:Value>{q}</ows:Value>");
            }
            x.push_str("</ows:Constraint>");
        }
        x.push_str("</ows:Operation>");
    }
    x.push_str(
        "<ows:Parameter name=\"service\"><ows:Value>CSW</ows:Value></ows:Parameter>\
         <ows:Parameter name=\"version\"><ows:Value>2.0.2</ows:Value></ows:Parameter>\
         </ows:OperationsMetadata>\
         <ogc:Filter_Capabilities><ogc:Spatial_Capabilities><ogc:GeometryOperands>\
         <ogc:GeometryOperand>gml:Envelope</ogc:GeometryOperand></ogc:GeometryOperands>\
         <ogc:SpatialOperators><ogc:SpatialOperator name=\"BBOX\"/><ogc:SpatialOperator name=\"Intersects\"/>\
         </ogc:SpatialOperators></ogc:Spatial_Capabilities>\
         <ogc:Scalar_Capabilities><ogc:LogicalOperators/><ogc:ComparisonOperators>\
         <ogc:ComparisonOperator>EqualTo</ogc:ComparisonOperator><ogc:ComparisonOperator>Like</ogc:ComparisonOperator>\
         </ogc:ComparisonOperators></ogc:Scalar_Capabilities>\
         <ogc:Id_Capabilities><ogc:EID/></ogc:Id_Capabilities></ogc:Filter_Capabilities></csw:Capabilities>",
    );
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_list_what_is_served() {
        let doc = document("http://h/csw?a=1&b=2");
        crate::filter::fes::dom(&doc).expect("well-formed");
        assert!(doc.contains("<ows:Operation name=\"GetDomain\">"));
        assert!(doc.contains("xlink:href=\"http://h/csw?a=1&amp;b=2\""));
        assert!(doc.contains("<ows:Value>http://www.isotc211.org/2005/gmd</ows:Value>"));
        assert!(doc.contains("<ows:Value>OrganisationName</ows:Value>"));
        assert_eq!(parameter_domain("GetRecords.resultType").unwrap(), ["hits", "results"]);
        assert!(parameter_domain("GetRecords.colour").is_none());
        assert!(parameter_domain("nodot").is_none());
    }
}
