//! HTML escaping, shared by every page the server writes (the citizen pages in
//! [`crate::pages`], the login and account pages, the order page).

/// Escape text for HTML element content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}
