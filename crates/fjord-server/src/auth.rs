//! The identity gateway's HTTP side: who a request comes from (a bearer token, or HTTP
//! Basic where enabled), and the OpenID Connect provider's documents and token endpoint.
//!
//! Every request passes [`identify`]; handlers take [`Ctx`], the state with the caller
//! in it, so every service asks the one access policy with the same caller. Credentials
//! that are refused leave the caller anonymous with the reason noted: open data is still
//! served, anything else answers 401 in the service's own format saying why. What an
//! identified caller reads (each successful GET) and every 401 and 403 are written to the
//! audit log.

use crate::app::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use fjord_auth::{Caller, Grant, Issuer, Loa};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;

/// The application state as one request sees it: with its caller.
pub struct Ctx(pub AppState);

impl FromRequestParts<AppState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Ctx, Self::Rejection> {
        let mut s = state.clone();
        if let Some(caller) = parts.extensions.get::<Arc<Caller>>() {
            s.caller = Arc::clone(caller);
        }
        Ok(Ctx(s))
    }
}

/// Seconds since the Unix epoch.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// The issuer tokens are made and checked for: `auth.issuer`, else the URL the request
/// came to.
pub(crate) fn issuer(state: &AppState, headers: &HeaderMap) -> Issuer {
    let url = match state.config.auth.issuer.trim_end_matches('/') {
        "" => crate::ogcapi::base(headers, ""),
        configured => configured.to_string(),
    };
    Issuer {
        url,
        audience: state.config.auth.audience.clone(),
        lifetime: i64::try_from(state.config.auth.token_lifetime_secs).unwrap_or(600),
    }
}

/// The client's address, for the audit log.
fn source(req: &Request) -> String {
    req.extensions().get::<ConnectInfo<SocketAddr>>().map_or_else(|| "-".into(), |c| c.0.ip().to_string())
}

/// Find out who a request comes from: a bearer token, HTTP Basic, or a browser's
/// session cookie from a login at the gateway. Requests without any pass untouched (the
/// state's caller is anonymous); credentials are checked off the async runtime (a
/// password hash takes tens of milliseconds).
pub async fn identify(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    // a browser logged in at the gateway brings its session cookie instead
    let given = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_string);
    let given = given
        .or_else(|| crate::login::cookie(req.headers(), crate::login::SESSION_COOKIE).map(|c| format!("Session {c}")));
    let Some(value) = given else {
        let (path, from) = (req.uri().path().to_string(), source(&req));
        let mut res = next.run(req).await;
        challenge(&state, &mut res);
        if matches!(res.status(), StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
            let outcome = format!("refused: {}", res.status().as_u16());
            write_later(&state, refusal_entries(&state, "read", &path, &from, &outcome));
        }
        return res;
    };
    let (issuer, from) = (issuer(&state, req.headers()), source(&req));
    let from_addr = from.clone();
    let caller = state.blocking(move |s| credentials(s, &issuer, &value, &from)).await.unwrap_or_else(|e| Caller {
        refused: Some(format!("the credentials could not be checked: {e}")),
        ..Caller::anonymous()
    });
    if let Some(why) = &caller.refused {
        tracing::info!(%why, "credentials refused");
    }
    let who = caller.subject.clone();
    let (read, path) = (req.method() == axum::http::Method::GET, req.uri().path().to_string());
    req.extensions_mut().insert(Arc::new(caller));
    let mut res = next.run(req).await;
    challenge(&state, &mut res);
    // what an identified caller read, and every refusal, go to the audit log, written
    // off the runtime without holding the answer back
    let status = res.status();
    let refused = status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN;
    let outcome = if refused { format!("refused: {}", status.as_u16()) } else { "ok".into() };
    match who {
        Some(who) if (read && status.is_success()) || refused => {
            write_later(&state, vec![fjord_auth::AuditEntry::new(&who, "read", &path, &from_addr, &outcome)]);
        }
        // credentials that came but were refused: as for none
        None if refused => write_later(&state, refusal_entries(&state, "read", &path, &from_addr, &outcome)),
        _ => {}
    }
    res
}

/// Append entries to the audit log off the runtime.
fn write_later(state: &AppState, entries: Vec<fjord_auth::AuditEntry>) {
    if entries.is_empty() {
        return;
    }
    let ids = Arc::clone(&state.identities);
    tokio::task::spawn_blocking(move || write(&ids, &entries));
}

/// Append entries to the audit log, logging a failure.
fn write(ids: &fjord_auth::Identities, entries: &[fjord_auth::AuditEntry]) {
    for entry in entries {
        if let Err(e) = ids.audit(entry) {
            tracing::error!(error = %e, "the audit log could not be written");
        }
    }
}

/// The audit entries of a refusal of a caller without valid credentials: the refusal
/// itself while its address is under the limit, and a summary for each address that
/// went past it in the minute just over (see [`crate::refusals`]).
fn refusal_entries(
    state: &AppState,
    action: &str,
    what: &str,
    from: &str,
    outcome: &str,
) -> Vec<fjord_auth::AuditEntry> {
    let verdict = state.refusals.count(from, std::time::Instant::now());
    let mut entries: Vec<fjord_auth::AuditEntry> = verdict
        .summaries
        .into_iter()
        .map(|(addr, n)| {
            let summary = format!("refused: {n} more without valid credentials in a minute, not listed singly");
            fjord_auth::AuditEntry::new("-", "refused", "requests", &addr, &summary)
        })
        .collect();
    if verdict.single {
        entries.push(fjord_auth::AuditEntry::new("-", action, what, from, outcome));
    }
    entries
}

/// A 401 tells the client how to log in (`WWW-Authenticate`), so QGIS asks for a
/// password and OAuth clients know a token is wanted.
fn challenge(state: &AppState, res: &mut Response) {
    if res.status() == StatusCode::UNAUTHORIZED && !res.headers().contains_key(header::WWW_AUTHENTICATE) {
        let value = if state.config.auth.basic {
            "Bearer realm=\"fjord\", Basic realm=\"fjord\""
        } else {
            "Bearer realm=\"fjord\""
        };
        res.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static(value));
    }
}

/// The caller an `Authorization` header speaks for.
fn credentials(s: &AppState, issuer: &Issuer, value: &str, from: &str) -> Caller {
    let refused = |why: String| Caller { refused: Some(why), ..Caller::anonymous() };
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    if scheme.eq_ignore_ascii_case("bearer") {
        let checked = s.identities.validate(issuer, rest.trim(), now());
        return match checked {
            Ok(claims) => s.identities.caller_of(&claims).unwrap_or_else(|e| refused(e.to_string())),
            Err(e) => {
                write(&s.identities, &refusal_entries(s, "token", "bearer", from, &format!("refused: {e}")));
                refused(e.to_string())
            }
        };
    }
    if scheme.eq_ignore_ascii_case("basic") {
        if !s.config.auth.basic {
            return refused("HTTP Basic is not enabled here (auth.basic); use a bearer token".into());
        }
        let decoded = STANDARD.decode(rest.trim()).ok().and_then(|b| String::from_utf8(b).ok());
        let Some((name, secret)) = decoded.as_deref().and_then(|d| d.split_once(':')) else {
            return refused("the Basic credentials are not base64 of name:password".into());
        };
        return s.identities.caller_basic(name, secret, now(), from).unwrap_or_else(refused);
    }
    if scheme == "Session" {
        let session = s.identities.session(rest.trim(), now());
        return match session {
            Ok(Some((user, loa, _))) => match s.identities.user(&user) {
                Ok(Some(u)) => Caller {
                    subject: Some(u.username),
                    loa,
                    memberships: s.identities.memberships(u.id).unwrap_or_default(),
                    admin: u.admin,
                    scopes: Vec::new(),
                    refused: None,
                },
                _ => refused("the session's user is gone".into()),
            },
            Ok(None) => refused("the session has ended; log in again".into()),
            Err(e) => refused(e.to_string()),
        };
    }
    refused(format!("unknown authorization scheme '{scheme}'; use Bearer or Basic"))
}

/// `GET /.well-known/openid-configuration`
pub async fn discovery(Ctx(s): Ctx, headers: HeaderMap) -> Response {
    let iss = issuer(&s, &headers).url;
    axum::Json(json!({
        "issuer": iss,
        "jwks_uri": format!("{iss}/jwks"),
        "authorization_endpoint": format!("{iss}/authorize"),
        "token_endpoint": format!("{iss}/token"),
        "userinfo_endpoint": format!("{iss}/userinfo"),
        "end_session_endpoint": format!("{iss}/logout"),
        "grant_types_supported": ["authorization_code", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
        "scopes_supported": ["openid", "fjord:upload", "fjord:download:restricted"],
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "acr_values_supported": ["idporten-loa-substantial", "idporten-loa-high"],
    }))
    .into_response()
}

/// `GET /jwks`: the keys tokens are signed with, and the retired ones still checked.
pub async fn jwks(Ctx(s): Ctx) -> Response {
    let lifetime = i64::try_from(s.config.auth.token_lifetime_secs).unwrap_or(600);
    match s.blocking(move |s| s.identities.jwks(now(), lifetime)).await {
        Ok(Ok(keys)) => ([(header::CACHE_CONTROL, "public, max-age=300")], axum::Json(keys)).into_response(),
        Ok(Err(e)) => crate::problem::Problem::internal(e).into_response(),
        Err(e) => crate::problem::Problem::internal(e).into_response(),
    }
}

/// An OAuth 2.0 error answer (RFC 6749 §5.2).
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut res = (status, axum::Json(json!({ "error": error, "error_description": description }))).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Basic realm=\"fjord\""));
    }
    res
}

/// `POST /token`: for `grant_type=authorization_code` the tokens of a browser login
/// ([`crate::login::code_token`]); for `client_credentials` an access token for a
/// partner's system (authenticated by HTTP Basic or `client_id`/`client_secret` in the
/// form), with the scopes asked for among those it holds, acting for its organisation.
pub async fn token(
    Ctx(s): Ctx,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic ").or_else(|| v.strip_prefix("basic ")))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|d| d.split_once(':').map(|(a, b)| (a.to_string(), b.to_string())));
    let client = basic.or_else(|| Some((get("client_id")?, get("client_secret")?)));
    match get("grant_type").as_deref() {
        Some("client_credentials") => {}
        Some("authorization_code") => {
            let from = peer.ip().to_string();
            return crate::login::answer(s, move |st| crate::login::code_token(st, &headers, &form, client, &from))
                .await;
        }
        Some(other) => {
            return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", &format!("'{other}' is not offered"))
        }
        None => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "grant_type is required"),
    }
    let Some((client_id, secret)) = client else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "authenticate the client (Basic or client_secret_post)",
        );
    };
    let asked: Vec<String> = get("scope").unwrap_or_default().split_whitespace().map(str::to_string).collect();
    let issuer = issuer(&s, &headers);
    let from = peer.ip().to_string();
    let made = s
        .blocking(move |s| -> Result<Result<(String, Vec<String>), Response>, fjord_auth::Error> {
            let audit = |outcome: &str| {
                s.identities.audit(&fjord_auth::AuditEntry::new(
                    &client_id,
                    "token",
                    "client_credentials",
                    &from,
                    outcome,
                ))
            };
            let client = match s.identities.verify_client(&client_id, &secret)? {
                Some(c) if c.org.is_some() => c,
                _ => {
                    audit("refused: wrong client id or secret")?;
                    return Ok(Err(oauth_error(
                        StatusCode::UNAUTHORIZED,
                        "invalid_client",
                        "wrong client id or secret",
                    )));
                }
            };
            if let Some(extra) = asked.iter().find(|a| !client.scopes.contains(a)) {
                audit(&format!("refused: scope {extra}"))?;
                return Ok(Err(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    &format!("the client may not ask for '{extra}'"),
                )));
            }
            let scopes = if asked.is_empty() { client.scopes.clone() } else { asked };
            let grant = Grant {
                sub: &client.client_id,
                client_id: &client.client_id,
                loa: Loa::Substantial,
                scopes: &scopes,
                org: client.org.as_deref(),
            };
            let token = s.identities.issue(&issuer, &grant, now())?;
            audit("ok")?;
            Ok(Ok((token, scopes)))
        })
        .await;
    match made {
        Ok(Ok(Ok((token, scopes)))) => {
            let mut res = axum::Json(json!({
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": s.config.auth.token_lifetime_secs,
                "scope": scopes.join(" "),
            }))
            .into_response();
            res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
            res
        }
        Ok(Ok(Err(refusal))) => refusal,
        Ok(Err(e)) => crate::problem::Problem::internal(e).into_response(),
        Err(e) => crate::problem::Problem::internal(e).into_response(),
    }
}

/// `GET /api/admin/audit?who=&action=&since=&limit=`: the audit log, newest first, for
/// global administrators only.
pub async fn audit_log(Ctx(s): Ctx, axum::extract::Query(p): axum::extract::Query<Vec<(String, String)>>) -> Response {
    if !s.caller.admin {
        let (status, why) = match &s.caller.subject {
            None => (StatusCode::UNAUTHORIZED, "log in as an administrator"),
            Some(_) => (StatusCode::FORBIDDEN, "only administrators read the audit log"),
        };
        return crate::problem::Problem { status, detail: why.into() }.into_response();
    }
    let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let limit = match get("limit").map(|l| l.parse::<usize>()) {
        None => 100,
        Some(Ok(n)) if (1..=10_000).contains(&n) => n,
        Some(_) => return crate::problem::Problem::bad_request("limit is a number from 1 to 10000").into_response(),
    };
    let q = fjord_auth::AuditQuery { who: get("who"), action: get("action"), since: get("since"), limit: Some(limit) };
    match s.blocking(move |s| s.identities.audit_log(&q)).await {
        Ok(Ok(entries)) => axum::Json(json!({ "entries": entries })).into_response(),
        Ok(Err(e)) => crate::problem::Problem::internal(e).into_response(),
        Err(e) => crate::problem::Problem::internal(e).into_response(),
    }
}
