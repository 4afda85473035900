//! WMS 1.3.0 and 1.1.1 over the store and the renderer: GetCapabilities, GetMap
//! (several layers composited in order, styles from the style library, PNG, JPEG, WebP,
//! TRANSPARENT, BGCOLOR, EXCEPTIONS XML / INIMAGE / BLANK) and GetFeatureInfo (text,
//! HTML, GeoJSON, GML) and GetLegendGraphic. Refusals are ServiceExceptionReports with
//! the standard codes.
//!
//! Axis order by the book: BBOX in 1.3.0 follows the CRS (EPSG:4326 is lat/lon), 1.1.1
//! is always x = east.

mod capabilities;
mod generalised;
mod info;
mod legend;
mod map;
mod request;

pub use generalised::MapCache;
pub use map::draw;
pub(crate) use map::RELIEF_STYLES;
pub use request::{ExceptionStyle, GetMap, ImageSpec, Light, WmsVersion};

use crate::features::Api;
use crate::reply::Reply;
use crate::wfs::Kvp;
use quick_xml::escape::escape;

/// A WMS service exception.
#[derive(Debug, Clone)]
pub struct WmsError {
    /// HTTP status
    pub status: u16,
    /// the exception code (LayerNotDefined, InvalidCRS, ...; empty for a generic one)
    pub code: &'static str,
    /// the parameter at fault
    pub locator: String,
    /// what was wrong
    pub text: String,
}

impl WmsError {
    /// A required parameter is missing.
    pub fn missing(param: &str) -> WmsError {
        WmsError {
            status: 400,
            code: "MissingParameterValue",
            locator: param.into(),
            text: format!("{param} is required"),
        }
    }

    /// A parameter has a value that cannot be used.
    pub fn invalid(param: &str, text: impl Into<String>) -> WmsError {
        WmsError { status: 400, code: "InvalidParameterValue", locator: param.into(), text: text.into() }
    }

    /// An unknown layer.
    pub fn layer(name: &str) -> WmsError {
        WmsError { code: "LayerNotDefined", ..WmsError::invalid("LAYERS", format!("no layer '{name}'")) }
    }

    /// Something failed on our side (logged by the server; the text stays generic).
    pub fn internal(e: impl std::fmt::Display) -> WmsError {
        WmsError { status: 500, code: "", locator: String::new(), text: e.to_string() }
    }

    /// The ServiceExceptionReport of `version`, and its media type.
    pub fn report(&self, version: WmsVersion) -> (String, &'static str) {
        let text = if self.status >= 500 { "internal error; it has been logged" } else { &self.text };
        let code = if self.code.is_empty() { String::new() } else { format!(" code=\"{}\"", self.code) };
        let locator =
            if self.locator.is_empty() { String::new() } else { format!(" locator=\"{}\"", escape(&self.locator)) };
        match version {
            WmsVersion::V1_3_0 => (
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ServiceExceptionReport version=\"1.3.0\" \
                     xmlns=\"http://www.opengis.net/ogc\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
                     xsi:schemaLocation=\"http://www.opengis.net/ogc http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd\">\
                     <ServiceException{code}{locator}>{}</ServiceException></ServiceExceptionReport>",
                    escape(text)
                ),
                "text/xml",
            ),
            WmsVersion::V1_1_1 => (
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE ServiceExceptionReport SYSTEM \
                     \"http://schemas.opengis.net/wms/1.1.1/exception_1_1_1.dtd\">\
                     <ServiceExceptionReport version=\"1.1.1\"><ServiceException{code}>{}</ServiceException></ServiceExceptionReport>",
                    escape(text)
                ),
                "application/vnd.ogc.se_xml",
            ),
        }
    }
}

impl From<crate::OgcError> for WmsError {
    fn from(e: crate::OgcError) -> WmsError {
        match e.status {
            401 | 403 => WmsError { status: e.status, ..WmsError::invalid("LAYERS", e.description) },
            404 => WmsError { code: "LayerNotDefined", ..WmsError::invalid("LAYERS", e.description) },
            400 => WmsError::invalid("", e.description),
            _ => WmsError::internal(e.description),
        }
    }
}

impl From<fjord_store::Error> for WmsError {
    fn from(e: fjord_store::Error) -> WmsError {
        WmsError::from(crate::OgcError::from(e))
    }
}

impl From<fjord_core::Error> for WmsError {
    fn from(e: fjord_core::Error) -> WmsError {
        WmsError::from(crate::OgcError::from(e))
    }
}

/// Answer one KVP request. `base` is the service URL (`http://host/wms`).
pub fn handle(api: &Api, base: &str, params: &[(String, String)]) -> Result<Reply, WmsError> {
    let kvp = Kvp::new(params);
    match kvp.get("SERVICE") {
        Some(s) if s.eq_ignore_ascii_case("WMS") => {}
        // GetMap and GetFeatureInfo may leave SERVICE out (WMS 1.1.1 practice)
        None if kvp.get("REQUEST").is_some_and(|r| !r.eq_ignore_ascii_case("GetCapabilities")) => {}
        Some(s) => return Err(WmsError::invalid("SERVICE", format!("service '{s}' is not offered here; use WMS"))),
        None => return Err(WmsError::missing("SERVICE")),
    }
    match kvp.get("REQUEST").map(str::to_ascii_lowercase).as_deref() {
        Some("getcapabilities" | "capabilities") => capabilities::capabilities(api, base, WmsVersion::of(&kvp)),
        Some("getmap" | "map") => map::get_map(api, &GetMap::parse(&kvp, api.crs, api.max_map_size)?),
        Some("getfeatureinfo" | "feature_info") => info::get_feature_info(api, params),
        Some("getlegendgraphic") => legend::get_legend_graphic(api, &kvp),
        Some(_) => Err(WmsError {
            code: "OperationNotSupported",
            ..WmsError::invalid("REQUEST", format!("{} is not supported", kvp.get("REQUEST").unwrap_or("")))
        }),
        None => Err(WmsError::missing("REQUEST")),
    }
}

/// The answer to a refused request: the report in the request's version, or, for a
/// GetMap that asked for INIMAGE or BLANK with a usable size and format, an image.
pub fn refusal(api: &Api, params: &[(String, String)], e: &WmsError) -> Reply {
    let kvp = Kvp::new(params);
    if let Some(spec) = ImageSpec::of(&kvp, api.max_map_size) {
        let message = if e.status >= 500 { "internal error; it has been logged" } else { e.text.as_str() };
        if let Ok(reply) = map::exception_image(&spec, message) {
            return reply;
        }
    }
    let (body, content_type) = e.report(WmsVersion::of(&kvp));
    Reply::new(content_type, body)
}
