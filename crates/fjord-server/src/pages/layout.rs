//! The frame every citizen page shares: the header (site name, menu with the basket's
//! count, the language switch, log in or account), a skip link, the main content, and
//! the response around it (language cookie, `Content-Language`, no caching of pages
//! that show who is logged in).

use super::i18n::{Lang, LANG_COOKIE};
use crate::home::esc;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use fjord_core::url::encode_component;

/// What a page knows of its request: language, whether `?lang=` picked it, whether a
/// login session came along, and where it is (for the switch and the login's return).
pub struct Visit {
    /// the language the page is in
    pub lang: Lang,
    /// `?lang=` was given: remember it in a cookie
    picked: bool,
    /// the browser brought a session cookie
    pub logged_in: bool,
    /// the path
    path: String,
    /// the query pairs, `lang` left out
    query: Vec<(String, String)>,
}

impl Visit {
    /// Read a request; what is wrong with its query string (an unknown `?lang=`) when it
    /// cannot be read.
    pub fn read(uri: &Uri, headers: &HeaderMap) -> Result<Visit, String> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(uri.query().unwrap_or("")).map_err(|e| format!("the query string: {e}"))?;
        let asked = pairs.iter().find(|(k, _)| k == "lang").map(|(_, v)| v.as_str());
        let lang = Lang::of(asked, headers)?;
        Ok(Visit {
            lang,
            picked: asked.is_some(),
            logged_in: crate::login::cookie(headers, crate::login::SESSION_COOKIE).is_some(),
            path: uri.path().to_string(),
            query: pairs.into_iter().filter(|(k, _)| k != "lang").collect(),
        })
    }

    /// A query parameter, trimmed; `None` when absent or empty.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    /// The query as a map, for the catalogue search's parser.
    pub fn params(&self) -> std::collections::HashMap<String, String> {
        self.query.iter().cloned().collect()
    }

    /// The gateway's login page, coming back here afterwards.
    pub fn login_href(&self) -> String {
        let back = if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, query_string(&self.query))
        };
        format!("/login?return={}", encode_component(&back))
    }

    /// This page in the other language.
    fn switched(&self) -> String {
        let mut pairs = self.query.clone();
        pairs.push(("lang".into(), self.lang.other().code().into()));
        format!("{}?{}", self.path, query_string(&pairs))
    }

    /// Answer with `body` (already escaped HTML) framed as a page titled `title`,
    /// loading the page scripts `scripts` (files under `/static/`).
    pub fn page(&self, title: &str, body: &str, scripts: &[&str]) -> Response {
        let t = self.lang.texts();
        let other = self.lang.other();
        let user = if self.logged_in {
            format!(
                "<a href=\"/minside\">{}</a></li><li><a href=\"/account\">{}</a></li><li><a href=\"/logout\">{}</a>",
                t.my_page, t.account, t.log_out
            )
        } else {
            format!("<a href=\"{}\">{}</a>", esc(&self.login_href()), t.log_in)
        };
        let mut head_scripts = String::new();
        if scripts.contains(&"ol.js") {
            head_scripts.push_str("<link rel=\"stylesheet\" href=\"/static/ol.css\">");
        }
        for s in scripts {
            head_scripts.push_str(&format!("<script src=\"/static/{s}\" defer></script>"));
        }
        let html = format!(
            "<!doctype html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title} – {site}</title><link rel=\"stylesheet\" href=\"/static/fjord.css\">\
             <script src=\"/static/basket.js\" defer></script>{head_scripts}</head><body>\
             <a class=\"skip\" href=\"#main\">{skip}</a>\
             <header><a class=\"site\" href=\"/\">{site}</a><nav aria-label=\"{menu}\"><ul>\
             <li><a href=\"/\">{search}</a></li>\
             <li><a href=\"/nedlasting\">{basket} <span class=\"count\" data-basket-count>0</span></a></li>\
             <li><a href=\"/norge\">{services}</a></li>\
             <li><a href=\"{switch}\" lang=\"{other_code}\" hreflang=\"{other_code}\">{other_name}</a></li>\
             <li>{user}</li></ul></nav></header>\
             <main id=\"main\">{body}</main></body></html>",
            code = self.lang.code(),
            title = esc(title),
            site = t.site,
            skip = t.skip,
            menu = t.nav_search,
            search = t.nav_search,
            basket = t.nav_basket,
            services = crate::portals::tr(self.lang, "Tjenester", "Services"),
            switch = esc(&self.switched()),
            other_code = other.code(),
            other_name = other.texts().language_name,
        );
        let mut res = (StatusCode::OK, Html(html)).into_response();
        let h = res.headers_mut();
        h.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(self.lang.code()));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        h.insert(header::VARY, HeaderValue::from_static("Accept-Language, Cookie"));
        if self.picked {
            let cookie = format!("{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000", self.lang.code());
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                h.insert(header::SET_COOKIE, v);
            }
        }
        res
    }

    /// A page saying what is wrong, with `status`.
    pub fn error(&self, status: StatusCode, message: &str) -> Response {
        let mut res = self.page(self.lang.texts().error, &error_body(self.lang, message), &[]);
        *res.status_mut() = status;
        res
    }
}

fn error_body(lang: Lang, message: &str) -> String {
    format!("<h1>{}</h1><p role=\"alert\">{}</p>", lang.texts().error, esc(message))
}

/// A bare error page for a request whose language could not be read.
fn error(lang: Lang, status: StatusCode, message: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <link rel=\"stylesheet\" href=\"/static/fjord.css\"></head><body><main>{}</main></body></html>",
        lang.code(),
        lang.texts().error,
        error_body(lang, message)
    );
    (status, Html(html)).into_response()
}

/// A page's visit as a handler argument: a request that cannot be read is answered with
/// a 400 page saying why.
impl<S: Send + Sync> FromRequestParts<S> for Visit {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Visit, Response> {
        Visit::read(&parts.uri, &parts.headers).map_err(|why| error(Lang::Nb, StatusCode::BAD_REQUEST, &why))
    }
}

/// Query pairs as an encoded query string.
pub fn query_string(pairs: &[(String, String)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v))).collect::<Vec<_>>().join("&")
}
