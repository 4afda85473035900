//! What an adapter answers: status, media type, headers and body, independent of the
//! HTTP framework that sends it.

/// The representation a client asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JSON (GeoJSON for features)
    Json,
    /// HTML for a browser
    Html,
}

impl Format {
    /// From the `f` parameter if given, else from the Accept header (HTML only when a
    /// browser prefers it); `None` for an `f` the adapter does not know.
    pub fn negotiate(f: Option<&str>, accept: Option<&str>) -> Option<Format> {
        match f.map(str::to_ascii_lowercase).as_deref() {
            Some("json" | "geojson" | "application/json" | "application/geo+json") => Some(Format::Json),
            Some("html" | "text/html") => Some(Format::Html),
            Some(_) => None,
            None => Some(if accept.is_some_and(|a| a.contains("text/html")) { Format::Html } else { Format::Json }),
        }
    }
}

/// A complete answer.
#[derive(Clone, Debug)]
pub struct Reply {
    /// media type
    pub content_type: &'static str,
    /// extra headers (Content-Crs, ...)
    pub headers: Vec<(&'static str, String)>,
    /// an entity tag; the server answers 304 when If-None-Match carries it
    pub etag: Option<String>,
    /// the body
    pub body: Vec<u8>,
}

impl Reply {
    /// A JSON answer from a value.
    pub fn json(value: &serde_json::Value, content_type: &'static str) -> Reply {
        Reply { content_type, headers: Vec::new(), etag: None, body: value.to_string().into_bytes() }
    }

    /// An HTML answer.
    pub fn html(body: String) -> Reply {
        Reply { content_type: "text/html; charset=utf-8", headers: Vec::new(), etag: None, body: body.into_bytes() }
    }
}
