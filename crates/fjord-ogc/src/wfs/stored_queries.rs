//! The stored queries: GetFeatureById, the one WFS 2.0 requires.

use super::GET_FEATURE_BY_ID;
use crate::reply::Reply;

fn xml(body: String) -> Reply {
    Reply::new("application/xml", body)
}

/// `REQUEST=ListStoredQueries`
pub fn list() -> Reply {
    xml(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wfs:ListStoredQueriesResponse xmlns:wfs=\"http://www.opengis.net/wfs/2.0\" \
         xmlns:fjord=\"{ns}\"><wfs:StoredQuery id=\"{GET_FEATURE_BY_ID}\"><wfs:Title>Get feature by identifier</wfs:Title>\
         <wfs:ReturnFeatureType/></wfs:StoredQuery></wfs:ListStoredQueriesResponse>",
        ns = super::NAMESPACE
    ))
}

/// `REQUEST=DescribeStoredQueries`
pub fn describe() -> Reply {
    xml(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wfs:DescribeStoredQueriesResponse xmlns:wfs=\"http://www.opengis.net/wfs/2.0\" \
         xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><wfs:StoredQueryDescription id=\"{GET_FEATURE_BY_ID}\">\
         <wfs:Title>Get feature by identifier</wfs:Title><wfs:Abstract>Returns the one feature whose gml:id is ID (type.number).</wfs:Abstract>\
         <wfs:Parameter name=\"ID\" type=\"xsd:string\"/>\
         <wfs:QueryExpressionText returnFeatureTypes=\"\" language=\"urn:ogc:def:queryLanguage:OGC-WFS::WFSQueryExpression\" isPrivate=\"true\"/>\
         </wfs:StoredQueryDescription></wfs:DescribeStoredQueriesResponse>"
    ))
}
