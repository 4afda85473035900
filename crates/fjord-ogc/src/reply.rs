//! What an adapter answers: status, media type, headers and body, independent of the
//! HTTP framework that sends it.

use std::io::Write;

/// The representation a client asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JSON (GeoJSON for features)
    Json,
    /// HTML for a browser
    Html,
    /// FlatGeobuf (features only)
    FlatGeobuf,
    /// GML 3.2 (features only)
    Gml,
}

impl Format {
    /// From the `f` parameter if given, else from the Accept header (HTML only when a
    /// browser prefers it); `None` for an `f` the resource does not offer. FlatGeobuf and
    /// GML are offered only for `features`.
    pub fn negotiate(f: Option<&str>, accept: Option<&str>, features: bool) -> Option<Format> {
        let format = match f.map(str::to_ascii_lowercase).as_deref() {
            Some("json" | "geojson" | "application/json" | "application/geo+json") => Format::Json,
            Some("html" | "text/html") => Format::Html,
            Some("fgb" | "flatgeobuf" | "application/flatgeobuf") => Format::FlatGeobuf,
            Some("gml" | "gml32" | "application/gml+xml") => Format::Gml,
            Some(_) => return None,
            None => match accept.unwrap_or("") {
                a if a.contains("text/html") => Format::Html,
                a if features && a.contains("application/flatgeobuf") => Format::FlatGeobuf,
                a if features && a.contains("application/gml+xml") => Format::Gml,
                _ => Format::Json,
            },
        };
        (features || matches!(format, Format::Json | Format::Html)).then_some(format)
    }
}

/// Writes a body into a sink, feature by feature. It owns what it reads (the layer's
/// `Arc`, the request), so the server can run it after the adapter has returned.
pub type Producer = Box<dyn FnOnce(&mut dyn Write) -> std::io::Result<()> + Send>;

/// Responses with more features than this are streamed; smaller ones are written at
/// once and sent with a Content-Length.
pub const STREAM_AFTER_FEATURES: usize = 1000;

/// A response body.
pub enum Body {
    /// complete
    Bytes(Vec<u8>),
    /// written while it is sent: the server hands the producer a sink that passes
    /// chunks to the connection as the client takes them, so memory stays flat
    Stream(Producer),
}

impl Body {
    /// A feature response of `features` features: streamed when large, else written now.
    pub fn features(features: usize, producer: Producer) -> std::io::Result<Body> {
        if features > STREAM_AFTER_FEATURES {
            return Ok(Body::Stream(producer));
        }
        let mut out = Vec::with_capacity(1024 + features * 512);
        producer(&mut out)?;
        Ok(Body::Bytes(out))
    }
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Body::Stream(_) => f.write_str("Stream"),
        }
    }
}

/// A complete answer.
#[derive(Debug)]
pub struct Reply {
    /// media type
    pub content_type: &'static str,
    /// extra headers (Content-Crs, ...)
    pub headers: Vec<(&'static str, String)>,
    /// an entity tag; the server answers 304 when If-None-Match carries it
    pub etag: Option<String>,
    /// the body
    pub body: Body,
}

impl Reply {
    /// An answer with a complete body and no extra headers.
    pub fn new(content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply { content_type, headers: Vec::new(), etag: None, body: Body::Bytes(body.into()) }
    }

    /// A JSON answer from a value.
    pub fn json(value: &serde_json::Value, content_type: &'static str) -> Reply {
        Reply::new(content_type, value.to_string())
    }

    /// An HTML answer.
    pub fn html(body: String) -> Reply {
        Reply::new("text/html; charset=utf-8", body)
    }

    /// The body when it is complete (tests and small answers).
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.body {
            Body::Bytes(b) => Some(b),
            Body::Stream(_) => None,
        }
    }
}
