//! WCS 2.0.1 by KVP over the elevation datasets: GetCapabilities (OWS Common 2.0, with
//! the CRS and interpolation extensions' metadata), DescribeCoverage (a
//! RectifiedGridCoverage in EPSG:25833 with its one field) and GetCoverage (`subset`
//! trims on E/N, x/y or Lat/Long with `subsettingCrs`, `outputCrs`, `scaleSize`,
//! `scaleFactor`, `scaleAxes`, `interpolation`, `format` image/tiff or text/plain).
//! Refusals are OWS 2.0 ExceptionReports with the WCS codes and statuses of the
//! standard (`NoSuchCoverage`, `InvalidAxisLabel` and `InvalidSubsetting` are 404).
//!
//! The windows, their encoding and the limits are shared with OGC API – Coverages
//! ([`crate::coverages`]).

mod capabilities;
mod coverage;
mod describe;
mod request;

use crate::features::Api;
use crate::reply::Reply;
use crate::wfs::Kvp;
use request::Operation;

/// The version served.
pub const VERSION: &str = "2.0.1";

/// A WCS exception.
#[derive(Debug, Clone)]
pub struct WcsError {
    /// HTTP status
    pub status: u16,
    /// the exception code (NoSuchCoverage, InvalidSubsetting, ...)
    pub code: &'static str,
    /// the parameter at fault
    pub locator: String,
    /// what was wrong
    pub text: String,
}

impl WcsError {
    /// An exception with its status, code and locator.
    pub fn new(status: u16, code: &'static str, locator: &str, text: impl Into<String>) -> WcsError {
        WcsError { status, code, locator: locator.into(), text: text.into() }
    }

    /// 400 MissingParameterValue.
    pub fn missing(param: &str) -> WcsError {
        WcsError::new(400, "MissingParameterValue", param, format!("{param} is required"))
    }

    /// 400 InvalidParameterValue.
    pub fn invalid(param: &str, text: impl Into<String>) -> WcsError {
        WcsError::new(400, "InvalidParameterValue", param, text)
    }

    /// 500 (logged by the server; the report's text stays generic).
    pub fn internal(e: impl std::fmt::Display) -> WcsError {
        WcsError::new(500, "NoApplicableCode", "", e.to_string())
    }

    /// The OWS 2.0 ExceptionReport.
    pub fn report(&self) -> String {
        crate::error::ows_report(
            "http://www.opengis.net/ows/2.0",
            VERSION,
            "xml:lang",
            (self.status, self.code, &self.locator, &self.text),
        )
    }
}

impl From<crate::OgcError> for WcsError {
    fn from(e: crate::OgcError) -> WcsError {
        match (e.status, e.code) {
            (404, "NotFound") => WcsError::new(404, "NoSuchCoverage", "coverageId", e.description),
            (401 | 403, _) => WcsError::new(e.status, "OperationProcessingFailed", "coverageId", e.description),
            (404, code) => WcsError::new(404, code, "subset", e.description),
            (400, code) => WcsError::new(400, code, "", e.description),
            _ => WcsError::internal(e.description),
        }
    }
}

impl From<fjord_store::Error> for WcsError {
    fn from(e: fjord_store::Error) -> WcsError {
        WcsError::from(crate::OgcError::from(e))
    }
}

/// Answer one KVP request. `base` is the service URL (`http://host/wcs`).
pub fn handle(api: &Api, base: &str, params: &[(String, String)]) -> Result<Reply, WcsError> {
    let kvp = Kvp::new(params);
    match request::operation(&kvp)? {
        Operation::GetCapabilities => capabilities::capabilities(api, base),
        Operation::DescribeCoverage => describe::describe_coverage(api, &request::coverage_ids(&kvp)?),
        Operation::GetCoverage => coverage::get_coverage(api, &request::GetCoverage::parse(&kvp)?),
    }
}
