//! The WCS 2.0.1 capabilities document: OWS Common 2.0 service identification (with
//! the profiles of the extensions served) and operations, the formats, CRSs and
//! interpolations offered, and one coverage summary per open elevation dataset.

use super::request::INTERPOLATIONS;
use super::{WcsError, VERSION};
use crate::features::Api;
use crate::reply::Reply;
use quick_xml::escape::escape;
use std::fmt::Write;

/// The requirement classes served, named in ows:Profile.
const PROFILES: [&str; 7] = [
    "http://www.opengis.net/spec/WCS/2.0/conf/core",
    "http://www.opengis.net/spec/WCS_protocol-binding_get-kvp/1.0/conf/get-kvp",
    "http://www.opengis.net/spec/GMLCOV/1.0/conf/gml-coverage",
    "http://www.opengis.net/spec/GMLCOV_geotiff-coverages/1.0/conf/geotiff-coverage",
    "http://www.opengis.net/spec/WCS_service-extension_crs/1.0/conf/crs",
    "http://www.opengis.net/spec/WCS_service-extension_scaling/1.0/conf/scaling",
    "http://www.opengis.net/spec/WCS_service-extension_interpolation/1.0/conf/interpolation",
];

/// The formats GetCoverage writes.
pub(crate) const FORMATS: [&str; 2] = ["image/tiff", "text/plain"];

/// `REQUEST=GetCapabilities`
pub fn capabilities(api: &Api, base: &str) -> Result<Reply, WcsError> {
    let mut x = String::with_capacity(8192);
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wcs:Capabilities version=\"{VERSION}\" \
         xmlns:wcs=\"http://www.opengis.net/wcs/2.0\" xmlns:ows=\"http://www.opengis.net/ows/2.0\" \
         xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:crs=\"http://www.opengis.net/wcs/crs/1.0\" \
         xmlns:int=\"http://www.opengis.net/wcs/interpolation/1.0\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://www.opengis.net/wcs/2.0 http://schemas.opengis.net/wcs/2.0/wcsAll.xsd\">\
         <ows:ServiceIdentification><ows:Title>fjord WCS</ows:Title>\
         <ows:Abstract>Elevation coverages of the fjord spatial data infrastructure</ows:Abstract>\
         <ows:ServiceType codeSpace=\"OGC\">OGC WCS</ows:ServiceType><ows:ServiceTypeVersion>{VERSION}</ows:ServiceTypeVersion>"
    );
    for p in PROFILES {
        let _ = write!(x, "<ows:Profile>{p}</ows:Profile>");
    }
    let href = escape(base);
    x.push_str(
        "<ows:Fees>NONE</ows:Fees><ows:AccessConstraints>NONE</ows:AccessConstraints></ows:ServiceIdentification>\
         <ows:ServiceProvider><ows:ProviderName>fjord</ows:ProviderName><ows:ServiceContact/></ows:ServiceProvider>\
         <ows:OperationsMetadata>",
    );
    for op in ["GetCapabilities", "DescribeCoverage", "GetCoverage"] {
        let _ = write!(
            x,
            "<ows:Operation name=\"{op}\"><ows:DCP><ows:HTTP><ows:Get xlink:href=\"{href}?\"/></ows:HTTP></ows:DCP></ows:Operation>"
        );
    }
    x.push_str("</ows:OperationsMetadata><wcs:ServiceMetadata>");
    for f in FORMATS {
        let _ = write!(x, "<wcs:formatSupported>{f}</wcs:formatSupported>");
    }
    x.push_str("<wcs:Extension><int:InterpolationMetadata>");
    for (uri, _) in INTERPOLATIONS {
        let _ = write!(x, "<int:InterpolationSupported>{uri}</int:InterpolationSupported>");
    }
    x.push_str("</int:InterpolationMetadata><crs:CrsMetadata>");
    for c in api.crs {
        let _ = write!(x, "<crs:crsSupported>{}</crs:crsSupported>", c.uri());
    }
    x.push_str("</crs:CrsMetadata></wcs:Extension></wcs:ServiceMetadata><wcs:Contents>");
    for r in api.open_elevation_records()? {
        let id = r.dataset.as_deref().unwrap_or_default();
        let _ = write!(
            x,
            "<wcs:CoverageSummary><ows:Title>{}</ows:Title><ows:Abstract>{}</ows:Abstract><ows:Keywords>",
            escape(&r.title),
            escape(&r.abstract_text)
        );
        for k in &r.keywords {
            let _ = write!(x, "<ows:Keyword>{}</ows:Keyword>", escape(k));
        }
        x.push_str("</ows:Keywords>");
        if let Some(b) = r.bbox {
            let _ = write!(
                x,
                "<ows:WGS84BoundingBox><ows:LowerCorner>{} {}</ows:LowerCorner><ows:UpperCorner>{} {}</ows:UpperCorner></ows:WGS84BoundingBox>",
                b.west, b.south, b.east, b.north
            );
        }
        let _ = write!(
            x,
            "<wcs:CoverageId>{}</wcs:CoverageId><wcs:CoverageSubtype>RectifiedGridCoverage</wcs:CoverageSubtype></wcs:CoverageSummary>",
            escape(id)
        );
    }
    x.push_str("</wcs:Contents></wcs:Capabilities>");
    Ok(Reply::new("application/xml", x))
}
