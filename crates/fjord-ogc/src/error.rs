//! Errors of the OGC adapters, with the status and exception code each protocol reports.

/// A request the adapter refuses or cannot answer.
#[derive(Debug, thiserror::Error)]
#[error("{code}: {description}")]
pub struct OgcError {
    /// HTTP status
    pub status: u16,
    /// OGC exception code (`InvalidParameterValue`, `NotFound`, ...)
    pub code: &'static str,
    /// what was wrong, for the caller
    pub description: String,
}

impl OgcError {
    /// 400 InvalidParameterValue.
    pub fn invalid(description: impl Into<String>) -> OgcError {
        OgcError { status: 400, code: "InvalidParameterValue", description: description.into() }
    }

    /// 404 NotFound.
    pub fn not_found(description: impl Into<String>) -> OgcError {
        OgcError { status: 404, code: "NotFound", description: description.into() }
    }

    /// 401: the dataset is not open and the caller has not shown who they are.
    pub fn unauthorized(description: impl Into<String>) -> OgcError {
        OgcError { status: 401, code: "Unauthorized", description: description.into() }
    }

    /// 403: the caller is known and may not read the dataset.
    pub fn forbidden(description: impl Into<String>) -> OgcError {
        OgcError { status: 403, code: "Forbidden", description: description.into() }
    }

    /// 500, for failures of the store or catalogue (logged by the server).
    pub fn internal(e: impl std::fmt::Display) -> OgcError {
        OgcError { status: 500, code: "ServerError", description: e.to_string() }
    }
}

impl From<fjord_store::Error> for OgcError {
    fn from(e: fjord_store::Error) -> OgcError {
        match e {
            fjord_store::Error::DatasetNotFound(id) => OgcError::not_found(format!("no collection '{id}'")),
            e @ fjord_store::Error::WrongKind(..) => OgcError::not_found(e.to_string()),
            other => OgcError::internal(other),
        }
    }
}

impl From<fjord_catalogue::Error> for OgcError {
    fn from(e: fjord_catalogue::Error) -> OgcError {
        OgcError::internal(e)
    }
}

impl From<fjord_core::Error> for OgcError {
    fn from(e: fjord_core::Error) -> OgcError {
        OgcError::invalid(e.to_string())
    }
}

/// An OWS exception, as WFS and CSW refuse a request: status, code and locator.
#[derive(Debug, Clone)]
pub struct OwsError {
    /// HTTP status
    pub status: u16,
    /// OWS exceptionCode
    pub code: &'static str,
    /// the parameter at fault
    pub locator: String,
    /// what was wrong
    pub text: String,
}

impl OwsError {
    /// MissingParameterValue for `param`.
    pub fn missing(param: &str) -> OwsError {
        OwsError {
            status: 400,
            code: "MissingParameterValue",
            locator: param.into(),
            text: format!("{param} is required"),
        }
    }

    /// InvalidParameterValue for `param`.
    pub fn invalid(param: &str, text: impl Into<String>) -> OwsError {
        OwsError { status: 400, code: "InvalidParameterValue", locator: param.into(), text: text.into() }
    }

    /// OperationNotSupported.
    pub fn not_supported(op: &str) -> OwsError {
        OwsError {
            status: 400,
            code: "OperationNotSupported",
            locator: op.into(),
            text: format!("{op} is not supported"),
        }
    }

    /// 500 OperationProcessingFailed (logged by the server; the text stays generic).
    pub fn internal(e: impl std::fmt::Display) -> OwsError {
        OwsError { status: 500, code: "OperationProcessingFailed", locator: String::new(), text: e.to_string() }
    }

    /// The ExceptionReport document: `ows` is the OWS namespace, `version` the report's
    /// version, `lang` the name of its language attribute (see [`ows_report`]).
    pub(crate) fn document(&self, ows: &str, version: &str, lang: &str) -> String {
        ows_report(ows, version, lang, (self.status, self.code, &self.locator, &self.text))
    }
}

/// An OWS Common ExceptionReport with one exception (WFS 2.0 and 1.1, WCS 2.0): `ows` is
/// the OWS namespace, `lang` the name of the language attribute (`xml:lang` from OWS
/// 1.1 on, `language` in 1.0). For a status of 500 or more the text stays generic (the
/// server logs the cause).
pub(crate) fn ows_report(ows: &str, version: &str, lang: &str, e: (u16, &str, &str, &str)) -> String {
    let (status, code, locator, text) = e;
    let text = if status >= 500 { "internal error; it has been logged" } else { text };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ows:ExceptionReport xmlns:ows=\"{ows}\" version=\"{version}\" {lang}=\"en\">\
         <ows:Exception exceptionCode=\"{code}\" locator=\"{}\"><ows:ExceptionText>{}</ows:ExceptionText></ows:Exception></ows:ExceptionReport>",
        quick_xml::escape::escape(locator),
        quick_xml::escape::escape(text)
    )
}
