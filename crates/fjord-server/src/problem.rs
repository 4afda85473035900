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
