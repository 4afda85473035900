//! Errors as HTTP responses. JSON APIs answer with RFC 9457 problem details
//! (`application/problem+json`); OGC adapters will map to their own exception formats here.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error to send to the client, with its status.
#[derive(Debug)]
pub struct Problem {
    /// HTTP status
    pub status: StatusCode,
    /// what was wrong, for the caller
    pub detail: String,
}

impl Problem {
    /// 400 Bad Request.
    pub fn bad_request(detail: impl Into<String>) -> Problem {
        Problem { status: StatusCode::BAD_REQUEST, detail: detail.into() }
    }

    /// 404 Not Found.
    pub fn not_found(detail: impl Into<String>) -> Problem {
        Problem { status: StatusCode::NOT_FOUND, detail: detail.into() }
    }

    /// 500, logged with its cause; the client sees no internals.
    pub fn internal(cause: impl std::fmt::Display) -> Problem {
        tracing::error!(%cause, "internal error");
        Problem { status: StatusCode::INTERNAL_SERVER_ERROR, detail: "internal error; it has been logged".into() }
    }
}

impl From<fjord_catalogue::Error> for Problem {
    fn from(e: fjord_catalogue::Error) -> Problem {
        match e {
            fjord_catalogue::Error::BadQuery(m) => Problem::bad_request(m),
            e @ fjord_catalogue::Error::Invalid { .. } => Problem::bad_request(e.to_string()),
            other => Problem::internal(other),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        if self.status.is_client_error() {
            tracing::info!(status = self.status.as_u16(), detail = %self.detail, "request refused");
        }
        let body = json!({
            "type": "about:blank",
            "title": self.status.canonical_reason().unwrap_or("Error"),
            "status": self.status.as_u16(),
            "detail": self.detail,
        });
        (self.status, [(header::CONTENT_TYPE, "application/problem+json")], body.to_string()).into_response()
    }
}

/// The refusal `e` of an OWS service (`wfs`, `csw`) as its ExceptionReport `report`,
/// logged: an error at 500 and over, else a note of what was refused.
pub fn ows_exception(service: &'static str, e: &fjord_ogc::OwsError, report: String) -> Response {
    if e.status >= 500 {
        tracing::error!(service, code = e.code, text = %e.text, "OWS request failed");
    } else {
        tracing::info!(service, code = e.code, locator = %e.locator, text = %e.text, "OWS request refused");
    }
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, "application/xml")], report).into_response()
}
