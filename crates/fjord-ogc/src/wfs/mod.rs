//! WFS 2.0.0 over the store, by KVP and by POST in the XML encoding ([`handle_post`]):
//! GetCapabilities, DescribeFeatureType, GetFeature (TYPENAMES, BBOX with its CRS, COUNT,
//! STARTINDEX, SRSNAME, RESULTTYPE, PROPERTYNAME, FILTER, SORTBY, OUTPUTFORMAT GML 3.2 or
//! GeoJSON, and the GetFeatureById stored query), GetPropertyValue, ListStoredQueries and
//! DescribeStoredQueries. Refusals are OWS ExceptionReports with code and locator.
//! For old clients WFS 1.1.0 is served too: GetCapabilities (negotiated),
//! DescribeFeatureType and GetFeature in GML 3.1.1, refusals in OWS Common 1.0.
//!
//! Axis order by the book: URN and URI CRS names follow the EPSG definition
//! (`urn:ogc:def:crs:EPSG::4326` is lat/lon), the WFS 1.x style `EPSG:4326` is lon/lat.

mod capabilities;
pub(crate) mod gml;
mod post;
mod request;
mod service;
mod stored_queries;

pub use post::{handle_post, post_exception_version, too_large, MAX_POST_BYTES};
pub use request::{GetFeature, Kvp, Operation, OutputFormat, SpelledCrs, Version, GET_FEATURE_BY_ID};

use crate::features::Api;
use crate::reply::Reply;

/// The namespace of fjord's feature types, prefix `fjord`.
pub const NAMESPACE: &str = "https://fjord.example.no/features";

/// A WFS refusal: an OWS exception.
pub type WfsError = crate::OwsError;

impl WfsError {
    /// 404 NotFound for a feature id that does not exist.
    pub fn not_found(id: &str) -> WfsError {
        WfsError { status: 404, code: "NotFound", locator: "ID".into(), text: format!("no feature '{id}'") }
    }

    /// The WFS ExceptionReport document of `version` (OWS Common 1.1 for 2.0.0, 1.0 for
    /// 1.1.0).
    pub fn report(&self, version: Version) -> String {
        let (ows, lang) = match version {
            Version::V2_0_0 => ("http://www.opengis.net/ows/1.1", "xml:lang"),
            Version::V1_1_0 => ("http://www.opengis.net/ows", "language"),
        };
        self.document(ows, version.as_str(), lang)
    }
}

impl From<crate::OgcError> for WfsError {
    fn from(e: crate::OgcError) -> WfsError {
        match e.status {
            401 | 403 => WfsError {
                status: e.status,
                code: "OperationProcessingFailed",
                locator: "TYPENAMES".into(),
                text: e.description,
            },
            404 => WfsError::invalid("TYPENAMES", e.description),
            400 => WfsError::invalid("", e.description),
            _ => WfsError::internal(e.description),
        }
    }
}

impl From<fjord_store::Error> for WfsError {
    fn from(e: fjord_store::Error) -> WfsError {
        WfsError::from(crate::OgcError::from(e))
    }
}

/// The version a request's exception report is written in.
pub fn exception_version(params: &[(String, String)]) -> Version {
    Kvp::new(params).request_version()
}

/// Answer one KVP request (or an XML one read into its KVP, see [`handle_post`]). `base` is the service URL (`http://host/wfs`).
pub fn handle(api: &Api, base: &str, params: &[(String, String)]) -> Result<Reply, WfsError> {
    let kvp = Kvp::new(params);
    match kvp.operation()? {
        Operation::GetCapabilities => capabilities::capabilities(api, base, kvp.capabilities_version()?),
        Operation::DescribeFeatureType => service::describe_feature_type(api, &kvp),
        Operation::GetFeature => service::get_feature(api, base, &kvp.get_feature(api.max_count)?),
        Operation::GetPropertyValue => {
            let reference = kvp.get("VALUEREFERENCE").ok_or_else(|| WfsError::missing("VALUEREFERENCE"))?;
            let reference = reference.rsplit(':').next().unwrap_or(reference).to_string();
            service::get_property_value(api, &kvp.get_feature(api.max_count)?, &reference)
        }
        Operation::ListStoredQueries => Ok(stored_queries::list()),
        Operation::DescribeStoredQueries => Ok(stored_queries::describe()),
    }
}
