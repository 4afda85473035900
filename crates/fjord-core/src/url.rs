//! URL pieces: percent-encoding of query components.

/// Percent-encode a query component (RFC 3986: unreserved characters pass, every other
/// byte of the UTF-8 becomes `%XX`).
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn encodes_utf8_and_reserved() {
        assert_eq!(super::encode_component("høy de&x=1"), "h%C3%B8y%20de%26x%3D1");
    }
}
