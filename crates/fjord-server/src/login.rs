//! Logging in through the identity gateway in a browser: the authorization code flow
//! with PKCE (`/authorize` shows the login page, `/token` redeems the code), sessions in
//! a cookie, CSRF protection on the form, a second factor when the client asks for level
//! high (`acr_values=idporten-loa-high`), `/userinfo` and logout (here or everywhere).
//!
//! A redirect URI must be one the client registered, exactly; anything else is answered
//! on our own page and never redirected to.

use crate::app::AppState;
use crate::auth::{issuer, now, oauth_error, Ctx};
use crate::home::esc;
use axum::extract::{ConnectInfo, Query};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use fjord_auth::flows::CodeRequest;
use fjord_auth::{Grant, IdToken, Loa};
use serde_json::json;
use std::fmt::Write;
use std::net::SocketAddr;

type Params = Vec<(String, String)>;

/// Seconds a login session lasts.
pub(crate) const SESSION_SECS: i64 = 8 * 3600;
pub(crate) const SESSION_COOKIE: &str = "fjord_session";
pub(crate) const CSRF_COOKIE: &str = "fjord_csrf";

/// The authorization request's parameters, checked against the client.
struct AuthRequest {
    client_id: String,
    redirect_uri: String,
    scope: String,
    state: Option<String>,
    challenge: String,
    nonce: Option<String>,
    /// the level the client demands
    level: Loa,
}

fn param<'a>(p: &'a Params, k: &str) -> Option<&'a str> {
    p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

/// A page of ours with a message (errors that must not go to an unchecked redirect).
pub(crate) fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"no\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{t} – fjord</title><style>body{{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}}\
         label{{display:block;margin:.8rem 0 .2rem}}input{{width:100%;padding:.4rem}}button{{margin-top:1rem;padding:.5rem 1rem}}\
         .error{{color:#b01c1c}}</style></head><body><h1>{t}</h1>{body}</body></html>",
        t = esc(title)
    );
    (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

/// Why an authorization request is refused: shown on our own page, never redirected.
enum Refused {
    /// the request is wrong (400)
    Bad(String),
    /// the database failed (500)
    Internal(String),
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::Bad(why) => {
                page(StatusCode::BAD_REQUEST, "Innlogging avvist", &format!("<p class=\"error\">{}</p>", esc(&why)))
            }
            Refused::Internal(e) => crate::problem::Problem::internal(e).into_response(),
        }
    }
}

/// Check an authorization request.
fn check(s: &AppState, p: &Params) -> Result<AuthRequest, Refused> {
    let bad = |why: &str| Err(Refused::Bad(why.to_string()));
    let Some(client_id) = param(p, "client_id") else { return bad("client_id is missing") };
    let client = match s.identities.client(client_id) {
        Ok(Some(c)) => c,
        Ok(None) => return bad("unknown client_id"),
        Err(e) => return Err(Refused::Internal(e.to_string())),
    };
    let Some(redirect_uri) = param(p, "redirect_uri") else { return bad("redirect_uri is missing") };
    if !client.redirect_uris.iter().any(|u| u == redirect_uri) {
        return bad("redirect_uri is not one the client registered");
    }
    if param(p, "response_type") != Some("code") {
        return bad("response_type must be code");
    }
    let (Some(challenge), Some("S256")) = (param(p, "code_challenge"), param(p, "code_challenge_method")) else {
        return bad("PKCE is required: code_challenge with code_challenge_method=S256");
    };
    let scope = param(p, "scope").unwrap_or("openid");
    if let Some(extra) = scope.split_whitespace().find(|s| *s != "openid" && !client.scopes.iter().any(|c| c == s)) {
        return bad(&format!("the client may not ask for scope '{extra}'"));
    }
    let level = match param(p, "acr_values") {
        Some(v) if v.split_whitespace().any(|a| a == "idporten-loa-high") => Loa::High,
        _ => Loa::Substantial,
    };
    Ok(AuthRequest {
        client_id: client_id.into(),
        redirect_uri: redirect_uri.into(),
        scope: scope.into(),
        state: param(p, "state").map(str::to_string),
        challenge: challenge.into(),
        nonce: param(p, "nonce").map(str::to_string),
        level,
    })
}

/// Whether a posted form carries the CSRF token its page set in a cookie (a page
/// elsewhere cannot know it).
pub(crate) fn csrf_ok(form: &Params, headers: &HeaderMap) -> bool {
    matches!((param(form, "csrf"), cookie(headers, CSRF_COOKIE)), (Some(f), Some(c)) if !f.is_empty() && f == c)
}

/// Run a page's work off the async runtime (the identity database blocks); a failure of
/// the runtime itself is a logged 500.
pub(crate) async fn answer(s: AppState, work: impl FnOnce(&AppState) -> Response + Send + 'static) -> Response {
    s.blocking(work).await.unwrap_or_else(|e| crate::problem::Problem::internal(e).into_response())
}

/// A cookie's value from the request.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
        let (k, v) = c.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

/// `Set-Cookie` for `name`: HttpOnly, SameSite, Secure when the issuer is https.
pub(crate) fn set_cookie(
    s: &AppState,
    headers: &HeaderMap,
    name: &str,
    value: &str,
    max_age: i64,
    same_site: &str,
) -> HeaderValue {
    let secure = if issuer(s, headers).url.starts_with("https://") { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={max_age}{secure}"))
        .unwrap_or(HeaderValue::from_static(""))
}

/// Send the browser back to the client with a code.
fn redirect_with_code(s: &AppState, req: &AuthRequest, username: &str, loa: Loa, auth_time: i64) -> Response {
    let code_req = CodeRequest {
        client_id: &req.client_id,
        redirect_uri: &req.redirect_uri,
        scope: &req.scope,
        challenge: &req.challenge,
        nonce: req.nonce.as_deref(),
    };
    let code = match s.identities.issue_code(&code_req, username, loa, auth_time, now()) {
        Ok(c) => c,
        Err(e) => return crate::problem::Problem::internal(e).into_response(),
    };
    let sep = if req.redirect_uri.contains('?') { '&' } else { '?' };
    let mut to = format!("{}{sep}code={code}", req.redirect_uri);
    if let Some(st) = &req.state {
        let _ = write!(to, "&state={}", fjord_core::url::encode_component(st));
    }
    (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
}

/// The login form, carrying the authorization request along.
fn login_form(p: &Params, req: &AuthRequest, csrf: &str, error: Option<&str>) -> String {
    let mut h = String::new();
    if let Some(e) = error {
        let _ = write!(h, "<p class=\"error\" role=\"alert\">{}</p>", esc(e));
    }
    let _ = write!(
        h,
        "<form method=\"post\" action=\"/authorize\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        esc(csrf)
    );
    for (k, v) in p.iter().filter(|(k, _)| !["username", "password", "otp", "csrf"].contains(&k.as_str())) {
        let _ = write!(h, "<input type=\"hidden\" name=\"{}\" value=\"{}\">", esc(k), esc(v));
    }
    h.push_str(
        "<label for=\"username\">Brukernavn</label><input id=\"username\" name=\"username\" autocomplete=\"username\" required>\
         <label for=\"password\">Passord</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>",
    );
    if req.level == Loa::High {
        h.push_str(
            "<label for=\"otp\">Engangskode fra autentiseringsappen (sikkerhetsnivå høyt)</label>\
             <input id=\"otp\" name=\"otp\" inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9]{6}\" required>",
        );
    }
    h.push_str("<button>Logg inn</button></form>");
    h
}

/// The login page with a fresh CSRF cookie.
fn show_login(
    s: &AppState,
    headers: &HeaderMap,
    p: &Params,
    req: &AuthRequest,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    with_csrf(s, headers, |csrf| page(status, "Logg inn på fjord", &login_form(p, req, csrf, error)))
}

/// A page with a form made by `make` around a fresh CSRF token, and the token's cookie.
pub(crate) fn with_csrf(s: &AppState, headers: &HeaderMap, make: impl FnOnce(&str) -> Response) -> Response {
    let csrf = match fjord_auth::flows::token() {
        Ok(t) => t,
        Err(e) => return crate::problem::Problem::internal(e).into_response(),
    };
    let mut res = make(&csrf);
    res.headers_mut().append(header::SET_COOKIE, set_cookie(s, headers, CSRF_COOKIE, &csrf, 1800, "Strict"));
    res
}

/// `GET /authorize`: log in (or use the session) and go back to the client with a code.
pub async fn authorize(Ctx(s): Ctx, headers: HeaderMap, Query(p): Query<Params>) -> Response {
    let session = cookie(&headers, SESSION_COOKIE);
    answer(s, move |st| {
        let req = match check(st, &p) {
            Ok(r) => r,
            Err(refused) => return refused.into_response(),
        };
        if let Some(Ok(Some((user, loa, since)))) = session.map(|c| st.identities.session(&c, now())) {
            if loa >= req.level {
                return redirect_with_code(st, &req, &user, loa, since);
            }
        }
        show_login(st, &headers, &p, &req, StatusCode::OK, None)
    })
    .await
}

/// `POST /authorize`: the login form.
pub async fn authorize_form(
    Ctx(s): Ctx,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let p: Params = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    answer(s, move |st| {
        let req = match check(st, &p) {
            Ok(r) => r,
            Err(refused) => return refused.into_response(),
        };
        let from = peer.ip().to_string();
        if !csrf_ok(&p, &headers) {
            let _ = st.identities.audit(&fjord_auth::AuditEntry::new(
                "-",
                "login",
                "form",
                &from,
                "refused: CSRF token missing or wrong",
            ));
            return show_login(
                st,
                &headers,
                &p,
                &req,
                StatusCode::FORBIDDEN,
                Some("The form had expired or came from elsewhere; try again."),
            );
        }
        let (user, password) = (param(&p, "username").unwrap_or(""), param(&p, "password").unwrap_or(""));
        let user = match st.identities.login(user, password, now(), &from) {
            Ok(u) => u,
            Err(e) => return show_login(st, &headers, &p, &req, StatusCode::UNAUTHORIZED, Some(&e.to_string())),
        };
        let mut loa = Loa::Substantial;
        if let Some(code) = param(&p, "otp").filter(|c| !c.is_empty()) {
            match st.identities.check_totp(&user.username, code, now(), &from) {
                Ok(true) => loa = Loa::High,
                Ok(false) => {
                    return show_login(
                        st,
                        &headers,
                        &p,
                        &req,
                        StatusCode::UNAUTHORIZED,
                        Some("Wrong or used one-time code."),
                    )
                }
                Err(e) => return crate::problem::Problem::internal(e).into_response(),
            }
        }
        if loa < req.level {
            let why = if user.totp {
                "This service needs a one-time code (level high)."
            } else {
                "This service needs level high: enrol a second factor first (fjord users totp)."
            };
            return show_login(st, &headers, &p, &req, StatusCode::UNAUTHORIZED, Some(why));
        }
        let started = now();
        let session = match st.identities.start_session(&user.username, loa, started, SESSION_SECS) {
            Ok(c) => c,
            Err(e) => return crate::problem::Problem::internal(e).into_response(),
        };
        let mut res = redirect_with_code(st, &req, &user.username, loa, started);
        res.headers_mut()
            .append(header::SET_COOKIE, set_cookie(st, &headers, SESSION_COOKIE, &session, SESSION_SECS, "Lax"));
        res.headers_mut().append(header::SET_COOKIE, set_cookie(st, &headers, CSRF_COOKIE, "", 0, "Strict"));
        res
    })
    .await
}

/// `grant_type=authorization_code` at `/token`: the code, the client (a public client
/// names itself; a confidential one authenticates), its redirect URI and PKCE verifier.
pub(crate) fn code_token(
    st: &AppState,
    headers: &HeaderMap,
    form: &Params,
    client: Option<(String, String)>,
    from: &str,
) -> Response {
    let get = |k: &str| param(form, k).unwrap_or("");
    let client_id = client.as_ref().map_or(get("client_id"), |(id, _)| id.as_str()).to_string();
    let audit = |outcome: &str| {
        st.identities.audit(&fjord_auth::AuditEntry::new(&client_id, "token", "authorization_code", from, outcome))
    };
    let registered = match st.identities.client(&client_id) {
        Ok(c) => c,
        Err(e) => return crate::problem::Problem::internal(e).into_response(),
    };
    let Some(registered) = registered else {
        let _ = audit("refused: unknown client");
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "unknown client");
    };
    if registered.confidential {
        let ok =
            client.as_ref().is_some_and(|(id, secret)| matches!(st.identities.verify_client(id, secret), Ok(Some(_))));
        if !ok {
            let _ = audit("refused: wrong client secret");
            return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "wrong client id or secret");
        }
    }
    let grant =
        match st.identities.redeem_code(get("code"), &client_id, get("redirect_uri"), get("code_verifier"), now()) {
            Ok(Ok(g)) => g,
            Ok(Err(why)) => {
                let _ = audit(&format!("refused: {why}"));
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", &why);
            }
            Err(e) => return crate::problem::Problem::internal(e).into_response(),
        };
    let iss = issuer(st, headers);
    let scopes: Vec<String> = grant.scope.split_whitespace().map(str::to_string).collect();
    let access = st.identities.issue(
        &iss,
        &Grant { sub: &grant.username, client_id: &client_id, loa: grant.loa, scopes: &scopes, org: None },
        now(),
    );
    let id = st.identities.issue_id_token(
        &iss,
        &IdToken {
            client_id: &client_id,
            username: &grant.username,
            loa: grant.loa,
            nonce: grant.nonce.as_deref(),
            auth_time: grant.auth_time,
        },
        now(),
    );
    match (access, id) {
        (Ok(access), Ok(id)) => {
            let _ = audit(&format!("ok: {}", grant.username));
            let mut res = axum::Json(json!({
                "access_token": access,
                "id_token": id,
                "token_type": "Bearer",
                "expires_in": st.config.auth.token_lifetime_secs,
                "scope": grant.scope,
            }))
            .into_response();
            res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        (Err(e), _) | (_, Err(e)) => crate::problem::Problem::internal(e).into_response(),
    }
}

/// `GET /userinfo` with a user's bearer token.
pub async fn userinfo(Ctx(s): Ctx) -> Response {
    match (&s.caller.subject, &s.caller.refused) {
        (Some(sub), _) => axum::Json(json!({
            "sub": sub,
            "preferred_username": sub,
            "acr": s.caller.loa.acr(),
            "organisations": s.caller.memberships,
        }))
        .into_response(),
        (None, refused) => {
            let why = refused.clone().unwrap_or_else(|| "a bearer token is required".into());
            let mut res = oauth_error(StatusCode::UNAUTHORIZED, "invalid_token", &why);
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer error=\"invalid_token\""));
            res
        }
    }
}

/// `GET /logout`: end this session (as OpenID Connect's end-session endpoint does).
pub async fn logout(Ctx(s): Ctx, headers: HeaderMap) -> Response {
    end_sessions(s, headers, false).await
}

/// `POST /logout[?everywhere=1]` from a page of ours (its CSRF token in the form): end
/// this session, or every session of its user.
pub async fn logout_form(
    Ctx(s): Ctx,
    headers: HeaderMap,
    Query(q): Query<Params>,
    body: axum::body::Bytes,
) -> Response {
    let form: Params = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    if !csrf_ok(&form, &headers) {
        return page(
            StatusCode::FORBIDDEN,
            "Avvist",
            "<p class=\"error\">The form had expired or came from elsewhere.</p>",
        );
    }
    let everywhere = param(&q, "everywhere").is_some_and(|v| v == "1" || v == "true");
    end_sessions(s, headers, everywhere).await
}

/// End the request's session, or every session of its user, and clear the cookie.
async fn end_sessions(s: AppState, headers: HeaderMap, everywhere: bool) -> Response {
    let session = cookie(&headers, SESSION_COOKIE);
    answer(s, move |st| {
        if let Some(c) = session {
            let user = st.identities.session(&c, now()).ok().flatten().map(|(u, _, _)| u);
            let _ = match (&user, everywhere) {
                (Some(u), true) => st.identities.end_all_sessions(u).map(|_| ()),
                _ => st.identities.end_session(&c),
            };
        }
        let mut res = page(StatusCode::OK, "Logget ut", "<p>Du er logget ut.</p>");
        res.headers_mut().append(header::SET_COOKIE, set_cookie(st, &headers, SESSION_COOKIE, "", 0, "Lax"));
        res
    })
    .await
}
