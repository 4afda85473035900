//! Browser logins: sessions (a cookie's value is known only to the browser; the
//! database keeps its hash) and authorization codes for the code flow with PKCE
//! (single use, a minute's life, bound to the client, its redirect URI and the
//! challenge).

use crate::db::Identities;
use crate::error::Result;
use crate::policy::Loa;
use crate::random;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

/// Seconds an authorization code lives.
pub const CODE_LIFETIME: i64 = 60;

/// The hex SHA-256 of a secret handed out (a session cookie, a code).
fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn loa_of(n: i64) -> Loa {
    if n >= 2 {
        Loa::High
    } else {
        Loa::Substantial
    }
}

fn loa_number(loa: Loa) -> i64 {
    match loa {
        Loa::High => 2,
        _ => 1,
    }
}

/// What an authorization request asked for, once checked.
#[derive(Clone, Debug)]
pub struct CodeRequest<'a> {
    /// the client
    pub client_id: &'a str,
    /// where the code goes (one of the client's registered URIs)
    pub redirect_uri: &'a str,
    /// the scopes granted
    pub scope: &'a str,
    /// the PKCE challenge (S256)
    pub challenge: &'a str,
    /// the client's nonce for the ID token
    pub nonce: Option<&'a str>,
}

/// What a redeemed code grants.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeGrant {
    /// the user
    pub username: String,
    /// the level of the login
    pub loa: Loa,
    /// the scopes granted
    pub scope: String,
    /// the nonce to put in the ID token
    pub nonce: Option<String>,
    /// when the user logged in (Unix seconds)
    pub auth_time: i64,
}

/// A code as stored.
struct StoredCode {
    client: String,
    uri: String,
    grant: CodeGrant,
    challenge: String,
    expires: i64,
    used: bool,
}

impl Identities {
    /// Start a session of `username` at level `loa` lasting `ttl` seconds; returns the
    /// cookie's value.
    pub fn start_session(&self, username: &str, loa: Loa, now: i64, ttl: i64) -> Result<String> {
        let value = random::token::<32>()?;
        self.conn().execute(
            "INSERT INTO sessions (id, username, loa, created, expires) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![digest(&value), username, loa_number(loa), now, now + ttl],
        )?;
        Ok(value)
    }

    /// The user and level of the session a cookie names, if it is live; and when it began.
    pub fn session(&self, cookie: &str, now: i64) -> Result<Option<(String, Loa, i64)>> {
        let row: Option<(String, i64, i64)> = self
            .conn()
            .query_row(
                "SELECT username, loa, created FROM sessions WHERE id = ?1 AND expires > ?2",
                params![digest(cookie), now],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(row.map(|(u, l, c)| (u, loa_of(l), c)))
    }

    /// End the session a cookie names.
    pub fn end_session(&self, cookie: &str) -> Result<()> {
        self.conn().execute("DELETE FROM sessions WHERE id = ?1", [digest(cookie)])?;
        Ok(())
    }

    /// End every session of a user ("log out everywhere"); returns how many.
    pub fn end_all_sessions(&self, username: &str) -> Result<usize> {
        Ok(self.conn().execute("DELETE FROM sessions WHERE username = ?1", [username])?)
    }

    /// Hand out an authorization code for `req`, logged in as `username` at `loa`.
    pub fn issue_code(&self, req: &CodeRequest, username: &str, loa: Loa, auth_time: i64, now: i64) -> Result<String> {
        let code = random::token::<24>()?;
        self.conn().execute(
            "INSERT INTO codes (code, client_id, redirect_uri, username, loa, scope, challenge, nonce, auth_time, expires)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                digest(&code),
                req.client_id,
                req.redirect_uri,
                username,
                loa_number(loa),
                req.scope,
                req.challenge,
                req.nonce,
                auth_time,
                now + CODE_LIFETIME
            ],
        )?;
        Ok(code)
    }

    /// Redeem a code: it must be unused and unexpired, for this client and redirect
    /// URI, and `verifier` must hash to its challenge. A code is spent by the first
    /// attempt, right or wrong; `Err` says why it is refused.
    pub fn redeem_code(
        &self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        verifier: &str,
        now: i64,
    ) -> Result<std::result::Result<CodeGrant, String>> {
        let conn = self.conn();
        let row: Option<StoredCode> = conn
            .query_row(
                "SELECT client_id, redirect_uri, username, loa, scope, challenge, nonce, auth_time, expires, used
                 FROM codes WHERE code = ?1",
                [digest(code)],
                |r| {
                    Ok(StoredCode {
                        client: r.get(0)?,
                        uri: r.get(1)?,
                        grant: CodeGrant {
                            username: r.get(2)?,
                            loa: loa_of(r.get(3)?),
                            scope: r.get(4)?,
                            nonce: r.get(6)?,
                            auth_time: r.get(7)?,
                        },
                        challenge: r.get(5)?,
                        expires: r.get(8)?,
                        used: r.get(9)?,
                    })
                },
            )
            .optional()?;
        let Some(StoredCode { client, uri, grant, challenge, expires, used }) = row else {
            return Ok(Err("unknown code".into()));
        };
        conn.execute("UPDATE codes SET used = 1 WHERE code = ?1", [digest(code)])?;
        let computed = challenge_of(verifier);
        let refusal = if used {
            Some("the code has been used already")
        } else if expires <= now {
            Some("the code has expired")
        } else if client != client_id {
            Some("the code was issued to another client")
        } else if uri != redirect_uri {
            Some("the redirect_uri differs from the authorization request's")
        } else if verifier.len() < 43 || computed != challenge {
            Some("the code_verifier does not match the code_challenge")
        } else {
            None
        };
        Ok(match refusal {
            Some(why) => Err(why.into()),
            None => Ok(grant),
        })
    }
}

/// A random token for a form's CSRF field and cookie.
pub fn token() -> Result<String> {
    random::token::<24>()
}

/// The S256 challenge of a PKCE verifier, as a client computes it.
pub fn challenge_of(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_and_single_use_codes_bound_to_client_uri_and_verifier() {
        let (_dir, ids) = crate::db::scratch();
        let t = 1_800_000_000;
        let cookie = ids.start_session("kari", Loa::Substantial, t, 3600).unwrap();
        assert_eq!(ids.session(&cookie, t + 10).unwrap(), Some(("kari".into(), Loa::Substantial, t)));
        assert_eq!(ids.session(&cookie, t + 3600).unwrap(), None, "expired");
        assert_eq!(ids.session("forged", t).unwrap(), None);
        let other = ids.start_session("kari", Loa::High, t, 3600).unwrap();
        assert_eq!(ids.end_all_sessions("kari").unwrap(), 2);
        assert_eq!(ids.session(&other, t).unwrap(), None, "logged out everywhere");

        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = challenge_of(verifier);
        assert_eq!(challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "RFC 7636 appendix B");
        let req = CodeRequest {
            client_id: "qgis",
            redirect_uri: "http://127.0.0.1:7070/",
            scope: "openid",
            challenge: &challenge,
            nonce: Some("n-1"),
        };
        let code = |ids: &Identities| ids.issue_code(&req, "kari", Loa::High, t, t).unwrap();
        let c = code(&ids);
        let grant = ids.redeem_code(&c, "qgis", "http://127.0.0.1:7070/", verifier, t + 5).unwrap().unwrap();
        assert_eq!((grant.username.as_str(), grant.loa, grant.nonce.as_deref()), ("kari", Loa::High, Some("n-1")));
        assert_eq!(
            ids.redeem_code(&c, "qgis", "http://127.0.0.1:7070/", verifier, t + 6).unwrap().unwrap_err(),
            "the code has been used already"
        );
        for (client, uri, v, at, why) in [
            ("evil", "http://127.0.0.1:7070/", verifier, t + 5, "another client"),
            ("qgis", "http://evil.example/", verifier, t + 5, "redirect_uri"),
            ("qgis", "http://127.0.0.1:7070/", "wrong-verifier-wrong-verifier-wrong-verifier", t + 5, "code_verifier"),
            ("qgis", "http://127.0.0.1:7070/", verifier, t + 61, "expired"),
        ] {
            let err = ids.redeem_code(&code(&ids), client, uri, v, at).unwrap().unwrap_err();
            assert!(err.contains(why), "{why}: {err}");
        }
        assert_eq!(ids.redeem_code("nope", "qgis", "x", verifier, t).unwrap().unwrap_err(), "unknown code");
    }
}
