//! The WFS 2.0 capabilities document.

use super::{WfsError, NAMESPACE};
use crate::features::Api;
use crate::reply::Reply;
use quick_xml::escape::escape;
use std::fmt::Write;

/// `REQUEST=GetCapabilities`
pub fn capabilities(api: &Api, base: &str) -> Result<Reply, WfsError> {
    let href = escape(base);
    let mut x = String::with_capacity(8192);
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wfs:WFS_Capabilities version=\"2.0.0\" \
         xmlns:wfs=\"http://www.opengis.net/wfs/2.0\" xmlns:ows=\"http://www.opengis.net/ows/1.1\" \
         xmlns:fes=\"http://www.opengis.net/fes/2.0\" xmlns:gml=\"http://www.opengis.net/gml/3.2\" \
         xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:fjord=\"{NAMESPACE}\">\
         <ows:ServiceIdentification><ows:Title>fjord WFS</ows:Title>\
         <ows:Abstract>Vector datasets of the fjord spatial data infrastructure</ows:Abstract>\
         <ows:ServiceType>WFS</ows:ServiceType><ows:ServiceTypeVersion>2.0.0</ows:ServiceTypeVersion>\
         <ows:Fees>NONE</ows:Fees><ows:AccessConstraints>NONE</ows:AccessConstraints></ows:ServiceIdentification>\
         <ows:OperationsMetadata>"
    );
    for op in [
        "GetCapabilities",
        "DescribeFeatureType",
        "GetFeature",
        "GetPropertyValue",
        "ListStoredQueries",
        "DescribeStoredQueries",
    ] {
        let _ = write!(
            x,
            "<ows:Operation name=\"{op}\"><ows:DCP><ows:HTTP><ows:Get xlink:href=\"{href}?\"/><ows:Post xlink:href=\"{href}\"/></ows:HTTP></ows:DCP></ows:Operation>"
        );
    }
    x.push_str(
        "<ows:Parameter name=\"version\"><ows:AllowedValues><ows:Value>2.0.0</ows:Value></ows:AllowedValues></ows:Parameter>",
    );
    for (name, value) in [
        ("ImplementsBasicWFS", "TRUE"),
        ("ImplementsSimpleWFS", "TRUE"),
        ("ImplementsResultPaging", "TRUE"),
        ("KVPEncoding", "TRUE"),
        ("XMLEncoding", "TRUE"),
        ("ImplementsTransactionalWFS", "FALSE"),
    ] {
        let _ = write!(
            x,
            "<ows:Constraint name=\"{name}\"><ows:NoValues/><ows:DefaultValue>{value}</ows:DefaultValue></ows:Constraint>"
        );
    }
    let _ = write!(
        x,
        "<ows:Constraint name=\"CountDefault\"><ows:NoValues/><ows:DefaultValue>{}</ows:DefaultValue></ows:Constraint>\
         </ows:OperationsMetadata><wfs:FeatureTypeList>",
        api.max_count
    );
    for r in api.open_records()? {
        let id = r.dataset.as_deref().unwrap_or_default();
        let _ = write!(
            x,
            "<wfs:FeatureType><wfs:Name>fjord:{}</wfs:Name><wfs:Title>{}</wfs:Title><wfs:Abstract>{}</wfs:Abstract>\
             <wfs:DefaultCRS>urn:ogc:def:crs:EPSG::25833</wfs:DefaultCRS>",
            escape(id),
            escape(&r.title),
            escape(&r.abstract_text)
        );
        for c in api.crs.iter().filter_map(|c| c.epsg()).filter(|n| *n != 25833) {
            let _ = write!(x, "<wfs:OtherCRS>urn:ogc:def:crs:EPSG::{c}</wfs:OtherCRS>");
        }
        x.push_str("<wfs:OutputFormats><wfs:Format>application/gml+xml; version=3.2</wfs:Format><wfs:Format>application/json</wfs:Format></wfs:OutputFormats>");
        if let Some(b) = r.bbox {
            let _ = write!(
                x,
                "<ows:WGS84BoundingBox><ows:LowerCorner>{} {}</ows:LowerCorner><ows:UpperCorner>{} {}</ows:UpperCorner></ows:WGS84BoundingBox>",
                b.west, b.south, b.east, b.north
            );
        }
        x.push_str("</wfs:FeatureType>");
    }
    x.push_str("</wfs:FeatureTypeList><fes:Filter_Capabilities><fes:Conformance>");
    for (name, value) in [
        ("ImplementsQuery", "TRUE"),
        ("ImplementsAdHocQuery", "TRUE"),
        ("ImplementsFunctions", "FALSE"),
        ("ImplementsResourceId", "TRUE"),
        ("ImplementsMinStandardFilter", "TRUE"),
        ("ImplementsStandardFilter", "TRUE"),
        ("ImplementsMinSpatialFilter", "TRUE"),
        ("ImplementsSpatialFilter", "TRUE"),
        ("ImplementsMinTemporalFilter", "FALSE"),
        ("ImplementsTemporalFilter", "FALSE"),
        ("ImplementsVersionNav", "FALSE"),
        ("ImplementsSorting", "TRUE"),
        ("ImplementsExtendedOperators", "FALSE"),
    ] {
        let _ = write!(
            x,
            "<fes:Constraint name=\"{name}\"><ows:NoValues/><ows:DefaultValue>{value}</ows:DefaultValue></fes:Constraint>"
        );
    }
    x.push_str("</fes:Conformance><fes:Id_Capabilities><fes:ResourceIdentifier name=\"fes:ResourceId\"/></fes:Id_Capabilities>");
    x.push_str("<fes:Scalar_Capabilities><fes:LogicalOperators/><fes:ComparisonOperators>");
    for op in [
        "EqualTo",
        "NotEqualTo",
        "LessThan",
        "GreaterThan",
        "LessThanOrEqualTo",
        "GreaterThanOrEqualTo",
        "Like",
        "Null",
        "Between",
    ] {
        let _ = write!(x, "<fes:ComparisonOperator name=\"PropertyIs{op}\"/>");
    }
    x.push_str("</fes:ComparisonOperators></fes:Scalar_Capabilities><fes:Spatial_Capabilities><fes:GeometryOperands>");
    for g in ["Envelope", "Point", "LineString", "Polygon"] {
        let _ = write!(x, "<fes:GeometryOperand name=\"gml:{g}\"/>");
    }
    x.push_str("</fes:GeometryOperands><fes:SpatialOperators>");
    for op in ["BBOX", "Intersects", "Within", "Contains", "Disjoint"] {
        let _ = write!(x, "<fes:SpatialOperator name=\"{op}\"/>");
    }
    x.push_str("</fes:SpatialOperators></fes:Spatial_Capabilities></fes:Filter_Capabilities></wfs:WFS_Capabilities>");
    Ok(Reply::new("application/xml", x))
}
