//! `/login?return=PATH`: the gateway's login for the citizen pages themselves. The
//! identity gateway checks the password (and a one-time code, for level high), starts
//! the same session `/authorize` starts, and the browser goes back to the page it came
//! from (a path on this site only, never elsewhere).

use super::layout::Visit;
use crate::auth::{now, Ctx};
use crate::home::esc;
use crate::login::{answer, csrf_ok, set_cookie, with_csrf, SESSION_COOKIE, SESSION_SECS};
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use fjord_auth::Loa;
use std::fmt::Write;
use std::net::SocketAddr;

type Params = Vec<(String, String)>;

/// Where to go after logging in: a path on this site, else the front page.
fn local(back: Option<&str>) -> String {
    match back {
        // a browser drops tabs and line breaks from a URL: "/\t/host" would be "//host"
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace()) =>
        {
            p.to_string()
        }
        _ => "/".to_string(),
    }
}

/// The form with a fresh CSRF cookie, `status`, and `error` when a try failed.
fn form(
    st: &crate::AppState,
    visit: &Visit,
    headers: &HeaderMap,
    back: &str,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let en = visit.lang == super::i18n::Lang::En;
    let label = |nb: &'static str, en_text: &'static str| if en { en_text } else { nb };
    let t = visit.lang.texts();
    with_csrf(st, headers, |csrf| {
        let mut h = format!("<h1>{}</h1>", t.log_in);
        if let Some(e) = error {
            let _ = write!(h, "<p class=\"error\" role=\"alert\">{}</p>", esc(e));
        }
        let _ = write!(
            h,
            "<form method=\"post\" action=\"/login\" class=\"login\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <input type=\"hidden\" name=\"return\" value=\"{back}\">\
             <label for=\"username\">{user}</label><input id=\"username\" name=\"username\" autocomplete=\"username\" required>\
             <label for=\"password\">{pass}</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
             <label for=\"otp\">{otp}</label><input id=\"otp\" name=\"otp\" inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9]{{6}}\">\
             <button>{}</button></form><p><a href=\"/register\">{new}</a></p>",
            t.log_in,
            csrf = esc(csrf),
            back = esc(back),
            user = label("Brukernavn", "User name"),
            pass = label("Passord", "Password"),
            otp = label("Engangskode (bare for sikkerhetsnivå høyt)", "One-time code (only for level high)"),
            new = label("Ny bruker", "New user"),
        );
        let mut res = visit.page(t.log_in, &h, &[]);
        *res.status_mut() = status;
        res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
        res
    })
}

/// `GET /login?return=PATH`
pub async fn page(Ctx(s): Ctx, visit: Visit, headers: HeaderMap) -> Response {
    let back = local(visit.param("return"));
    answer(s, move |st| form(st, &visit, &headers, &back, StatusCode::OK, None)).await
}

/// `POST /login`: check the form and the password, start a session, go back.
pub async fn submit(
    Ctx(s): Ctx,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    visit: Visit,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let p: Params = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    answer(s, move |st| {
        let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let back = local(get("return").as_deref());
        let en = visit.lang == super::i18n::Lang::En;
        if !csrf_ok(&p, &headers) {
            let why = if en { "The form had expired; try again." } else { "Skjemaet var utløpt; prøv igjen." };
            return form(st, &visit, &headers, &back, StatusCode::FORBIDDEN, Some(why));
        }
        let from = peer.ip().to_string();
        let (user, password) = (get("username").unwrap_or_default(), get("password").unwrap_or_default());
        let user = match st.identities.login(&user, &password, now(), &from) {
            Ok(u) => u,
            Err(e) => return form(st, &visit, &headers, &back, StatusCode::UNAUTHORIZED, Some(&e.to_string())),
        };
        let mut loa = Loa::Substantial;
        if let Some(code) = get("otp").filter(|c| !c.is_empty()) {
            match st.identities.check_totp(&user.username, &code, now(), &from) {
                Ok(true) => loa = Loa::High,
                Ok(false) => {
                    let why = if en { "Wrong or used one-time code." } else { "Feil eller brukt engangskode." };
                    return form(st, &visit, &headers, &back, StatusCode::UNAUTHORIZED, Some(why));
                }
                Err(e) => return crate::problem::Problem::internal(e).into_response(),
            }
        }
        let session = match st.identities.start_session(&user.username, loa, now(), SESSION_SECS) {
            Ok(c) => c,
            Err(e) => return crate::problem::Problem::internal(e).into_response(),
        };
        let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, back.clone())]).into_response();
        res.headers_mut()
            .append(header::SET_COOKIE, set_cookie(st, &headers, SESSION_COOKIE, &session, SESSION_SECS, "Lax"));
        res
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::local;

    #[test]
    fn only_paths_on_this_site_are_returned_to() {
        assert_eq!(local(Some("/metadata/abc?lang=en")), "/metadata/abc?lang=en");
        for elsewhere in ["//evil.example/", "https://evil.example/", "/\\evil.example", "/\t/evil.example", "evil"] {
            assert_eq!(local(Some(elsewhere)), "/", "{elsewhere}");
        }
        assert_eq!(local(None), "/");
    }
}
