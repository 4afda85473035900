//! The capabilities document: WFS 2.0.0 (OWS Common 1.1, FES 2.0) and, for clients that
//! negotiate it, WFS 1.1.0 (OWS Common 1.0, Filter Encoding 1.1). One writer; a
//! [`Dialect`] holds what the versions spell differently, and only the filter
//! capabilities are written apart (their operator tables are shared).

use super::{Version, WfsError, NAMESPACE};
use crate::features::Api;
use crate::reply::Reply;
use quick_xml::escape::escape;
use std::fmt::Write;

/// What the versions spell differently.
struct Dialect {
    version: Version,
    /// the root element's namespace declarations
    namespaces: &'static str,
    /// the operations offered, each by GET and POST
    operations: &'static [&'static str],
    /// OWS Common 1.1 wraps a parameter's values in ows:AllowedValues, 1.0 does not
    allowed_values: bool,
    /// the elements of a feature type's CRSs: default, others
    crs_elements: (&'static str, &'static str),
    /// the output formats of GetFeature
    formats: &'static [&'static str],
}

const WFS_2_0_0: Dialect = Dialect {
    version: Version::V2_0_0,
    namespaces: "xmlns:wfs=\"http://www.opengis.net/wfs/2.0\" xmlns:ows=\"http://www.opengis.net/ows/1.1\" \
                 xmlns:fes=\"http://www.opengis.net/fes/2.0\" xmlns:gml=\"http://www.opengis.net/gml/3.2\"",
    operations: &[
        "GetCapabilities",
        "DescribeFeatureType",
        "GetFeature",
        "GetPropertyValue",
        "ListStoredQueries",
        "DescribeStoredQueries",
    ],
    allowed_values: true,
    crs_elements: ("DefaultCRS", "OtherCRS"),
    formats: &["application/gml+xml; version=3.2", "application/json"],
};

const WFS_1_1_0: Dialect = Dialect {
    version: Version::V1_1_0,
    namespaces: "xmlns:wfs=\"http://www.opengis.net/wfs\" xmlns:ows=\"http://www.opengis.net/ows\" \
                 xmlns:ogc=\"http://www.opengis.net/ogc\" xmlns:gml=\"http://www.opengis.net/gml\"",
    operations: &["GetCapabilities", "DescribeFeatureType", "GetFeature"],
    allowed_values: false,
    crs_elements: ("DefaultSRS", "OtherSRS"),
    formats: &["text/xml; subtype=gml/3.1.1", "application/json"],
};

/// Comparison operators: the FES 2.0 name (after `PropertyIs`) and the Filter 1.1 name.
const COMPARISONS: [(&str, &str); 9] = [
    ("EqualTo", "EqualTo"),
    ("NotEqualTo", "NotEqualTo"),
    ("LessThan", "LessThan"),
    ("GreaterThan", "GreaterThan"),
    ("LessThanOrEqualTo", "LessThanEqualTo"),
    ("GreaterThanOrEqualTo", "GreaterThanEqualTo"),
    ("Like", "Like"),
    ("Null", "NullCheck"),
    ("Between", "Between"),
];
const SPATIAL_OPERATORS: [&str; 5] = ["BBOX", "Intersects", "Within", "Contains", "Disjoint"];
const GEOMETRY_OPERANDS: [&str; 4] = ["Envelope", "Point", "LineString", "Polygon"];

/// `REQUEST=GetCapabilities` in the negotiated version.
pub fn capabilities(api: &Api, base: &str, version: Version) -> Result<Reply, WfsError> {
    let d = match version {
        Version::V2_0_0 => &WFS_2_0_0,
        Version::V1_1_0 => &WFS_1_1_0,
    };
    let v = d.version.as_str();
    let mut x = String::with_capacity(8192);
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wfs:WFS_Capabilities version=\"{v}\" {} \
         xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:fjord=\"{NAMESPACE}\">\
         <ows:ServiceIdentification><ows:Title>fjord WFS</ows:Title>\
         <ows:Abstract>Vector datasets of the fjord spatial data infrastructure</ows:Abstract>\
         <ows:ServiceType>WFS</ows:ServiceType><ows:ServiceTypeVersion>{v}</ows:ServiceTypeVersion>\
         <ows:Fees>NONE</ows:Fees><ows:AccessConstraints>NONE</ows:AccessConstraints></ows:ServiceIdentification>\
         <ows:OperationsMetadata>",
        d.namespaces
    );
    operations(&mut x, d, &escape(base), api.max_count);
    x.push_str("</ows:OperationsMetadata><wfs:FeatureTypeList>");
    if d.version == Version::V1_1_0 {
        x.push_str("<wfs:Operations><wfs:Operation>Query</wfs:Operation></wfs:Operations>");
    }
    let (default_crs, other_crs) = d.crs_elements;
    for r in api.open_records()? {
        let id = r.dataset.as_deref().unwrap_or_default();
        let _ = write!(
            x,
            "<wfs:FeatureType><wfs:Name>fjord:{}</wfs:Name><wfs:Title>{}</wfs:Title><wfs:Abstract>{}</wfs:Abstract>\
             <wfs:{default_crs}>urn:ogc:def:crs:EPSG::25833</wfs:{default_crs}>",
            escape(id),
            escape(&r.title),
            escape(&r.abstract_text)
        );
        for c in api.crs.iter().filter_map(|c| c.epsg()).filter(|n| *n != 25833) {
            let _ = write!(x, "<wfs:{other_crs}>urn:ogc:def:crs:EPSG::{c}</wfs:{other_crs}>");
        }
        x.push_str("<wfs:OutputFormats>");
        for f in d.formats {
            let _ = write!(x, "<wfs:Format>{f}</wfs:Format>");
        }
        x.push_str("</wfs:OutputFormats>");
        // optional in 2.0.0, required in 1.1.0: a type with no extent yet gets the world
        let b = r.bbox.map(|b| [b.west, b.south, b.east, b.north]);
        if let Some([w, s, e, n]) = b.or((d.version == Version::V1_1_0).then_some([-180.0, -90.0, 180.0, 90.0])) {
            let _ = write!(
                x,
                "<ows:WGS84BoundingBox><ows:LowerCorner>{w} {s}</ows:LowerCorner><ows:UpperCorner>{e} {n}</ows:UpperCorner></ows:WGS84BoundingBox>",
            );
        }
        x.push_str("</wfs:FeatureType>");
    }
    x.push_str("</wfs:FeatureTypeList>");
    match d.version {
        Version::V2_0_0 => fes_2_0(&mut x),
        Version::V1_1_0 => filter_1_1(&mut x),
    }
    x.push_str("</wfs:WFS_Capabilities>");
    Ok(Reply::new("application/xml", x))
}

/// An ows:Parameter (or, with `element`, an ows:Constraint) and its values.
fn parameter(x: &mut String, d: &Dialect, element: &str, name: &str, values: &[&str]) {
    let _ = write!(x, "<ows:{element} name=\"{name}\">");
    if d.allowed_values {
        x.push_str("<ows:AllowedValues>");
    }
    for v in values {
        let _ = write!(x, "<ows:Value>{}</ows:Value>", escape(*v));
    }
    if d.allowed_values {
        x.push_str("</ows:AllowedValues>");
    }
    let _ = write!(x, "</ows:{element}>");
}

/// The operations, each by GET (KVP) and POST (XML), with their parameters and the
/// service's constraints.
fn operations(x: &mut String, d: &Dialect, href: &str, max_count: usize) {
    let versions: Vec<&str> = Version::ALL.iter().map(|v| v.as_str()).collect();
    for op in d.operations {
        let _ = write!(
            x,
            "<ows:Operation name=\"{op}\"><ows:DCP><ows:HTTP><ows:Get xlink:href=\"{href}?\"/>\
             <ows:Post xlink:href=\"{href}\"/></ows:HTTP></ows:DCP>"
        );
        match *op {
            "GetCapabilities" => parameter(x, d, "Parameter", "AcceptVersions", &versions),
            "GetFeature" if d.version == Version::V1_1_0 => {
                parameter(x, d, "Parameter", "resultType", &["results", "hits"]);
                parameter(x, d, "Parameter", "outputFormat", d.formats);
            }
            _ => {}
        }
        x.push_str("</ows:Operation>");
    }
    if d.version == Version::V1_1_0 {
        parameter(x, d, "Constraint", "DefaultMaxFeatures", &[&max_count.to_string()]);
        return;
    }
    parameter(x, d, "Parameter", "version", &[d.version.as_str()]);
    for (name, value) in [
        ("ImplementsBasicWFS", "TRUE"),
        ("ImplementsSimpleWFS", "TRUE"),
        ("ImplementsResultPaging", "TRUE"),
        ("KVPEncoding", "TRUE"),
        ("XMLEncoding", "TRUE"),
        ("ImplementsTransactionalWFS", "FALSE"),
        ("CountDefault", &max_count.to_string()),
    ] {
        let _ = write!(
            x,
            "<ows:Constraint name=\"{name}\"><ows:NoValues/><ows:DefaultValue>{value}</ows:DefaultValue></ows:Constraint>"
        );
    }
}

/// FES 2.0 Filter_Capabilities.
fn fes_2_0(x: &mut String) {
    x.push_str("<fes:Filter_Capabilities><fes:Conformance>");
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
    scalar(x, "fes");
    spatial(x, "fes");
    x.push_str("</fes:Filter_Capabilities>");
}

/// Filter Encoding 1.1 Filter_Capabilities.
fn filter_1_1(x: &mut String) {
    x.push_str("<ogc:Filter_Capabilities>");
    spatial(x, "ogc");
    scalar(x, "ogc");
    x.push_str("<ogc:Id_Capabilities><ogc:EID/><ogc:FID/></ogc:Id_Capabilities></ogc:Filter_Capabilities>");
}

/// Scalar_Capabilities; FES 2.0 (`fes`) names an operator in an attribute, Filter 1.1
/// (`ogc`) in the text.
fn scalar(x: &mut String, p: &str) {
    let _ = write!(x, "<{p}:Scalar_Capabilities><{p}:LogicalOperators/><{p}:ComparisonOperators>");
    for (fes, ogc) in COMPARISONS {
        let _ = match p {
            "fes" => write!(x, "<fes:ComparisonOperator name=\"PropertyIs{fes}\"/>"),
            _ => write!(x, "<ogc:ComparisonOperator>{ogc}</ogc:ComparisonOperator>"),
        };
    }
    let _ = write!(x, "</{p}:ComparisonOperators></{p}:Scalar_Capabilities>");
}

/// Spatial_Capabilities, spelled as [`scalar`] says.
fn spatial(x: &mut String, p: &str) {
    let _ = write!(x, "<{p}:Spatial_Capabilities><{p}:GeometryOperands>");
    for g in GEOMETRY_OPERANDS {
        let _ = match p {
            "fes" => write!(x, "<fes:GeometryOperand name=\"gml:{g}\"/>"),
            _ => write!(x, "<ogc:GeometryOperand>gml:{g}</ogc:GeometryOperand>"),
        };
    }
    let _ = write!(x, "</{p}:GeometryOperands><{p}:SpatialOperators>");
    for op in SPATIAL_OPERATORS {
        let _ = write!(x, "<{p}:SpatialOperator name=\"{op}\"/>");
    }
    let _ = write!(x, "</{p}:SpatialOperators></{p}:Spatial_Capabilities>");
}
