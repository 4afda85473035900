//! Sending a made file: streamed from disk in large blocks, one byte range when asked
//! (206, or 416 past the end), with its ETag (from its SHA-256), Last-Modified (when it was written),
//! Content-Length and `Repr-Digest`.

use crate::problem::Problem;
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use std::path::Path;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

/// Bytes read from disk at a time.
const BLOCK: usize = 1 << 20;

/// What is known of the file to send.
pub(crate) struct Sendable<'a> {
    /// where it is
    pub path: &'a Path,
    /// the name a browser saves it as
    pub name: &'a str,
    /// its SHA-256, hex
    pub sha256: &'a str,
}

/// The byte range asked for, inclusive, within `size`: `Ok(None)` for the whole file
/// (no Range, or one this server does not split: several ranges, other units),
/// `Err(())` when it lies past the end.
fn range(headers: &HeaderMap, size: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else { return Ok(None) };
    let Some(spec) = spec.trim().strip_prefix("bytes=") else { return Ok(None) };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.split_once('-') else { return Ok(None) };
    let (a, b) = (a.trim(), b.trim());
    let (start, end) = match (a.parse::<u64>().ok(), b.parse::<u64>().ok()) {
        (Some(s), Some(e)) if s <= e => (s, e.min(size.saturating_sub(1))),
        (Some(s), None) if b.is_empty() => (s, size.saturating_sub(1)),
        (None, Some(n)) if a.is_empty() && n > 0 => (size.saturating_sub(n), size.saturating_sub(1)),
        _ => return Ok(None),
    };
    if start >= size {
        return Err(());
    }
    Ok(Some((start, end)))
}

/// An HTTP date (RFC 9110) of seconds since the epoch.
fn http_date(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0).unwrap_or_default().format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Send the file, or the part of it `headers` ask for.
pub(crate) async fn send(file: Sendable<'_>, headers: &HeaderMap) -> Response {
    let mut f = match tokio::fs::File::open(file.path).await {
        Ok(f) => f,
        Err(e) => return Problem::internal(format!("{}: {e}", file.path.display())).into_response(),
    };
    let (size, modified) = match f.metadata().await {
        Ok(m) => (m.len(), m.modified().ok()),
        Err(e) => return Problem::internal(e).into_response(),
    };
    let made = modified.and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_secs() as i64);
    let etag = format!("\"{}\"", &file.sha256[..file.sha256.len().min(32)]);
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains(&etag)) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let (status, start, end) = match range(headers, size) {
        Err(()) => {
            let mut res = Problem {
                status: StatusCode::RANGE_NOT_SATISFIABLE,
                detail: format!("the range asked for starts past the end of the file ({size} bytes)"),
            }
            .into_response();
            res.headers_mut().insert(header::CONTENT_RANGE, value(&format!("bytes */{size}")));
            return res;
        }
        Ok(Some((s, e))) => (StatusCode::PARTIAL_CONTENT, s, e),
        Ok(None) => (StatusCode::OK, 0, size.saturating_sub(1)),
    };
    let len = if size == 0 { 0 } else { end - start + 1 };
    if start > 0 {
        if let Err(e) = f.seek(std::io::SeekFrom::Start(start)).await {
            return Problem::internal(e).into_response();
        }
    }
    // each block read into its own buffer that becomes the chunk: no copy, no zeroing
    let stream = futures_util::stream::unfold(f.take(len), |mut f| async move {
        let mut buf = Vec::with_capacity(BLOCK);
        match f.read_buf(&mut buf).await {
            Ok(0) => None,
            Ok(_) => Some((Ok::<_, std::io::Error>(Bytes::from(buf)), f)),
            Err(e) => Some((Err(e), f)),
        }
    });
    let mut res = Response::new(Body::from_stream(stream));
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    h.insert(header::CONTENT_LENGTH, value(&len.to_string()));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(header::ETAG, value(&etag));
    h.insert(header::LAST_MODIFIED, value(&http_date(made)));
    h.insert(header::CONTENT_DISPOSITION, value(&format!("attachment; filename=\"{}\"", file.name.replace('"', ""))));
    if let Ok(digest) = hex_bytes(file.sha256) {
        let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
        h.insert("repr-digest", value(&format!("sha-256=:{b64}:")));
    }
    if status == StatusCode::PARTIAL_CONTENT {
        h.insert(header::CONTENT_RANGE, value(&format!("bytes {start}-{end}/{size}")));
    }
    res
}

fn value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn hex_bytes(hex: &str) -> Result<Vec<u8>, std::num::ParseIntError> {
    (0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(r: &str, size: u64) -> Result<Option<(u64, u64)>, ()> {
        let mut h = HeaderMap::new();
        h.insert(header::RANGE, HeaderValue::from_str(r).unwrap());
        range(&h, size)
    }

    #[test]
    fn ranges() {
        assert_eq!(asked("bytes=0-99", 1000), Ok(Some((0, 99))));
        assert_eq!(asked("bytes=900-", 1000), Ok(Some((900, 999))));
        assert_eq!(asked("bytes=-100", 1000), Ok(Some((900, 999))));
        assert_eq!(asked("bytes=990-2000", 1000), Ok(Some((990, 999))));
        assert_eq!(asked("bytes=1000-", 1000), Err(()));
        assert_eq!(asked("bytes=0-1,5-6", 1000), Ok(None));
        assert_eq!(asked("items=0-1", 1000), Ok(None));
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    }
}
