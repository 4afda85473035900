//! A citizen's own pages: register (`/register`), see the account and its level
//! (`/account`), enrol a second factor from a QR code (`/account/totp`), log out
//! everywhere. Every form carries a CSRF token that must match its cookie.

use crate::app::AppState;
use crate::auth::{now, Ctx};
use crate::home::esc;
use crate::login::{answer, cookie, csrf_ok, page, set_cookie, with_csrf, SESSION_COOKIE, SESSION_SECS};
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use fjord_auth::Loa;
use std::net::SocketAddr;

type Params = Vec<(String, String)>;

fn param<'a>(p: &'a Params, k: &str) -> Option<&'a str> {
    p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

/// A page with a form: a fresh CSRF token in the form and its cookie.
fn form_page(
    s: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    title: &str,
    body: impl Fn(&str) -> String,
) -> Response {
    with_csrf(s, headers, |csrf| {
        page(status, title, &body(&format!("<input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">")))
    })
}

fn register_form(csrf: &str, error: Option<&str>) -> String {
    let error = error.map(|e| format!("<p class=\"error\" role=\"alert\">{}</p>", esc(e))).unwrap_or_default();
    format!(
        "{error}<form method=\"post\" action=\"/register\">{csrf}\
         <label for=\"username\">Brukernavn</label><input id=\"username\" name=\"username\" autocomplete=\"username\" required>\
         <label for=\"password\">Passord (minst 10 tegn)</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" required>\
         <label for=\"again\">Passord igjen</label><input id=\"again\" name=\"again\" type=\"password\" autocomplete=\"new-password\" required>\
         <button>Opprett bruker</button></form>"
    )
}

/// `GET /register`
pub async fn register_page(Ctx(s): Ctx, headers: HeaderMap) -> Response {
    form_page(&s, &headers, StatusCode::OK, "Ny bruker", |csrf| register_form(csrf, None))
}

/// `POST /register`: a new user (level substantial), logged in at once.
pub async fn register(
    Ctx(s): Ctx,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let p: Params = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    answer(s, move |st| {
        let from = peer.ip().to_string();
        let refuse =
            |status, why: &str| form_page(st, &headers, status, "Ny bruker", |csrf| register_form(csrf, Some(why)));
        if !csrf_ok(&p, &headers) {
            return refuse(StatusCode::FORBIDDEN, "The form had expired or came from elsewhere; try again.");
        }
        let (user, password) = (param(&p, "username").unwrap_or(""), param(&p, "password").unwrap_or(""));
        if param(&p, "again") != Some(password) {
            return refuse(StatusCode::BAD_REQUEST, "The passwords differ.");
        }
        if let Err(e) = st.identities.add_user(user, password) {
            let _ = st.identities.audit(&fjord_auth::AuditEntry::new(
                user,
                "register",
                "user",
                &from,
                &format!("refused: {e}"),
            ));
            return refuse(StatusCode::BAD_REQUEST, &e.to_string());
        }
        let _ = st.identities.audit(&fjord_auth::AuditEntry::new(user, "register", "user", &from, "ok"));
        match st.identities.start_session(user, Loa::Substantial, now(), SESSION_SECS) {
            Ok(session) => {
                let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, "/account")]).into_response();
                res.headers_mut().append(
                    header::SET_COOKIE,
                    set_cookie(st, &headers, SESSION_COOKIE, &session, SESSION_SECS, "Lax"),
                );
                res
            }
            Err(e) => crate::problem::Problem::internal(e).into_response(),
        }
    })
    .await
}

/// The session's user and level, if a live session came with the request.
fn session_user(st: &AppState, headers: &HeaderMap) -> Result<Option<(String, Loa)>, fjord_auth::Error> {
    match cookie(headers, SESSION_COOKIE) {
        Some(c) => Ok(st.identities.session(&c, now())?.map(|(user, loa, _)| (user, loa))),
        None => Ok(None),
    }
}

/// The page for a caller without a session.
fn log_in_first() -> Response {
    page(
        StatusCode::UNAUTHORIZED,
        "Logg inn",
        "<p>Logg inn for å se kontoen din (<a href=\"/register\">ny bruker</a>).</p>",
    )
}

/// `GET /account`
pub async fn account(Ctx(s): Ctx, headers: HeaderMap) -> Response {
    answer(s, move |st| {
            let (user, loa) = match session_user(st, &headers) {
                Ok(Some(u)) => u,
                Ok(None) => return log_in_first(),
                Err(e) => return crate::problem::Problem::internal(e).into_response(),
            };
            let totp = st.identities.user(&user).ok().flatten().is_some_and(|u| u.totp);
            let level = loa.acr().unwrap_or("-");
            form_page(st, &headers, StatusCode::OK, "Min konto", |csrf| {
                format!(
                    "<p>Innlogget som <strong>{}</strong>, sikkerhetsnivå <code>{level}</code>.</p>\
                     <p>Andre faktor (engangskoder): {}</p>\
                     <form method=\"post\" action=\"/account/totp\">{csrf}<button>{}</button></form>\
                     <form method=\"post\" action=\"/logout?everywhere=1\">{csrf}<button>Logg ut overalt</button></form>",
                    esc(&user),
                    if totp { "på" } else { "av" },
                    if totp { "Bytt autentiseringsapp" } else { "Sett opp engangskoder" }
                )
            })
    })
    .await
}

/// `POST /account/totp`: a new secret, shown as a QR code for the app to scan, and a
/// form to confirm it with the app's first code; `POST /account/totp` with `otp`
/// confirms.
pub async fn totp(Ctx(s): Ctx, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let p: Params = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    answer(s, move |st| {
            let user = match session_user(st, &headers) {
                Ok(Some((user, _))) => user,
                Ok(None) => return log_in_first(),
                Err(e) => return crate::problem::Problem::internal(e).into_response(),
            };
            if !csrf_ok(&p, &headers) {
                return page(StatusCode::FORBIDDEN, "Avvist", "<p class=\"error\">The form had expired or came from elsewhere.</p>");
            }
            if let Some(code) = param(&p, "otp") {
                return match st.identities.confirm_totp(&user, code, now()) {
                    Ok(true) => page(StatusCode::OK, "Engangskoder er på", "<p>Neste innlogging kan gi sikkerhetsnivå høyt.</p><p><a href=\"/account\">Tilbake</a></p>"),
                    Ok(false) => page(StatusCode::BAD_REQUEST, "Feil kode", "<p class=\"error\">Wrong code; start again from <a href=\"/account\">the account page</a>.</p>"),
                    Err(e) => crate::problem::Problem::internal(e).into_response(),
                };
            }
            let uri = match st.identities.enroll_totp(&user, "fjord") {
                Ok(u) => u,
                Err(e) => return crate::problem::Problem::internal(e).into_response(),
            };
            let qr = match qrcode::QrCode::new(uri.as_bytes()) {
                Ok(q) => q.render::<qrcode::render::svg::Color>().min_dimensions(220, 220).build(),
                Err(e) => return crate::problem::Problem::internal(e).into_response(),
            };
            let secret = uri.split("secret=").nth(1).and_then(|s| s.split('&').next()).unwrap_or("");
            form_page(st, &headers, StatusCode::OK, "Sett opp engangskoder", |csrf| {
                format!(
                    "<p>Skann koden med autentiseringsappen din, eller skriv inn nøkkelen <code>{}</code>.</p>{qr}\
                     <form method=\"post\" action=\"/account/totp\">{csrf}\
                     <label for=\"otp\">Koden appen viser</label><input id=\"otp\" name=\"otp\" inputmode=\"numeric\" pattern=\"[0-9]{{6}}\" required>\
                     <button>Bekreft</button></form>",
                    esc(secret)
                )
            })
    })
    .await
}
