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
            "<ows:Operation name=\"{op}\"><ows:DCP><ows:HTTP><ows:Get xlink:href=\"{href}?\"/></ows:HTTP></ows:DCP></ows:Operation>"
        );
    }
    x.push_str(
        "<ows:Parameter name=\"version\"><ows:AllowedValues><ows:Value>2.0.0</ows:Value></ows:AllowedValues></ows:Parameter>",
    );
    for (name, value) in [
        ("ImplementsBasicWFS", "FALSE"),
        ("ImplementsSimpleWFS", "TRUE"),
        ("ImplementsResultPaging", "TRUE"),
        ("KVPEncoding", "TRUE"),
        ("XMLEncoding", "FALSE"),
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
        api.max_limit
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
    x.push_str(
        "</wfs:FeatureTypeList><fes:Filter_Capabilities><fes:Conformance>\
         <fes:Constraint name=\"ImplementsQuery\"><ows:NoValues/><ows:DefaultValue>TRUE</ows:DefaultValue></fes:Constraint>\
         <fes:Constraint name=\"ImplementsAdHocQuery\"><ows:NoValues/><ows:DefaultValue>TRUE</ows:DefaultValue></fes:Constraint>\
         <fes:Constraint name=\"ImplementsMinSpatialFilter\"><ows:NoValues/><ows:DefaultValue>TRUE</ows:DefaultValue></fes:Constraint>\
         <fes:Constraint name=\"ImplementsSpatialFilter\"><ows:NoValues/><ows:DefaultValue>FALSE</ows:DefaultValue></fes:Constraint>\
         <fes:Constraint name=\"ImplementsFunctions\"><ows:NoValues/><ows:DefaultValue>FALSE</ows:DefaultValue></fes:Constraint>\
         <fes:Constraint name=\"ImplementsSorting\"><ows:NoValues/><ows:DefaultValue>FALSE</ows:DefaultValue></fes:Constraint>\
         </fes:Conformance><fes:Spatial_Capabilities><fes:GeometryOperands><fes:GeometryOperand name=\"gml:Envelope\"/></fes:GeometryOperands>\
         <fes:SpatialOperators><fes:SpatialOperator name=\"BBOX\"/></fes:SpatialOperators></fes:Spatial_Capabilities>\
         </fes:Filter_Capabilities></wfs:WFS_Capabilities>",
    );
    Ok(Reply { content_type: "application/xml", headers: Vec::new(), etag: None, body: x.into_bytes() })
}
