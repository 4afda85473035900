//! Access tokens: JWTs signed ES256 with the gateway's key, carrying who (`sub`), for
//! whom (`aud`), how surely (`acr`), what (`scope`) and, for a partner's system, its
//! organisation. Checking pins the algorithm (so `none` and HS/ES confusion fail),
//! requires a live key, the issuer, the audience and an unexpired `exp`.

use crate::db::{Identities, Membership, Role};
use crate::error::Error;
use crate::policy::{Caller, Loa};
use jsonwebtoken::{Algorithm, Header, Validation};
use serde::{Deserialize, Serialize};

/// Who issues tokens and for whom, and how long they live.
#[derive(Clone, Debug)]
pub struct Issuer {
    /// the issuer URL (`iss`), as the discovery document names it
    pub url: String,
    /// the audience tokens are for (`aud`): fjord's services
    pub audience: String,
    /// seconds a token lives
    pub lifetime: i64,
}

/// What a token says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// issuer
    pub iss: String,
    /// the user's name or the client's id
    pub sub: String,
    /// audience
    pub aud: String,
    /// expiry, Unix seconds
    pub exp: i64,
    /// issued at
    pub iat: i64,
    /// token id
    pub jti: String,
    /// level of assurance (`idporten-loa-substantial`, `idporten-loa-high`)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acr: Option<String>,
    /// granted scopes, space-separated
    #[serde(default)]
    pub scope: String,
    /// the client the token was issued to
    pub client_id: String,
    /// the organisation a partner's system acts for
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
}

/// Why a token was refused (each a 401).
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Not a token, a wrong algorithm, an unknown key, a bad signature, issuer or audience.
    #[error("invalid token: {0}")]
    Invalid(String),
    /// Past its `exp`.
    #[error("the token has expired")]
    Expired,
    /// The database failed.
    #[error(transparent)]
    Identity(#[from] Error),
}

/// What a token grants: to whom, through which client, how surely, what.
#[derive(Clone, Debug)]
pub struct Grant<'a> {
    /// the user's name or the client's id
    pub sub: &'a str,
    /// the client the token goes to
    pub client_id: &'a str,
    /// the level of the login
    pub loa: Loa,
    /// the scopes granted
    pub scopes: &'a [String],
    /// the organisation a partner's system acts for
    pub org: Option<&'a str>,
}

/// What an ID token says of a login, for the client the user logged in to.
#[derive(Clone, Debug)]
pub struct IdToken<'a> {
    /// the client (the token's audience)
    pub client_id: &'a str,
    /// the user
    pub username: &'a str,
    /// the level of the login
    pub loa: Loa,
    /// the client's nonce
    pub nonce: Option<&'a str>,
    /// when the user logged in (Unix seconds)
    pub auth_time: i64,
}

/// The claims of an ID token (OpenID Connect Core §2).
#[derive(Serialize)]
struct IdClaims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    exp: i64,
    iat: i64,
    auth_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    acr: Option<&'a str>,
}

impl Identities {
    /// Sign a token of `grant` at `now`.
    pub fn issue(&self, issuer: &Issuer, grant: &Grant, now: i64) -> Result<String, Error> {
        let key = self.signing_key(now)?;
        let claims = Claims {
            iss: issuer.url.clone(),
            sub: grant.sub.into(),
            aud: issuer.audience.clone(),
            exp: now + issuer.lifetime,
            iat: now,
            jti: crate::random::token::<12>()?,
            acr: grant.loa.acr().map(str::to_string),
            scope: grant.scopes.join(" "),
            client_id: grant.client_id.into(),
            org: grant.org.map(str::to_string),
        };
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(key.kid);
        jsonwebtoken::encode(&header, &claims, &key.key).map_err(|e| Error::Crypto(format!("signing a token: {e}")))
    }

    /// Sign the ID token of a login at `now`.
    pub fn issue_id_token(&self, issuer: &Issuer, t: &IdToken, now: i64) -> Result<String, Error> {
        let key = self.signing_key(now)?;
        let claims = IdClaims {
            iss: &issuer.url,
            sub: t.username,
            aud: t.client_id,
            exp: now + issuer.lifetime,
            iat: now,
            auth_time: t.auth_time,
            nonce: t.nonce,
            acr: t.loa.acr(),
        };
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(key.kid);
        jsonwebtoken::encode(&header, &claims, &key.key).map_err(|e| Error::Crypto(format!("signing a token: {e}")))
    }

    /// Check a token at `now` (its `exp` against the clock).
    pub fn validate(&self, issuer: &Issuer, token: &str, now: i64) -> Result<Claims, TokenError> {
        let invalid = |why: &str| TokenError::Invalid(why.into());
        // the header names the key; the algorithm must be the one we sign with
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid("not a signed JWT"))?;
        if header.alg != Algorithm::ES256 {
            return Err(invalid("the algorithm must be ES256"));
        }
        let kid = header.kid.ok_or_else(|| invalid("no key id"))?;
        let key = self.decoding_key(&kid, now, issuer.lifetime)?.ok_or_else(|| invalid("unknown or retired key"))?;
        let mut v = Validation::new(Algorithm::ES256);
        v.set_issuer(&[&issuer.url]);
        v.set_audience(&[&issuer.audience]);
        v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        v.leeway = 30;
        jsonwebtoken::decode::<Claims>(token, &key, &v).map(|d| d.claims).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => TokenError::Expired,
            kind => TokenError::Invalid(format!("{kind:?}")),
        })
    }

    /// The caller a valid token speaks for: a user with their current roles and the
    /// token's level, or a partner's system with its organisation (as a viewer there).
    pub fn caller_of(&self, claims: &Claims) -> Result<Caller, Error> {
        let loa = match claims.acr.as_deref() {
            Some("idporten-loa-high") => Loa::High,
            _ => Loa::Substantial,
        };
        let scopes: Vec<String> = claims.scope.split_whitespace().map(str::to_string).collect();
        if let Some(org) = &claims.org {
            let memberships = vec![Membership { org: org.clone(), role: Role::Viewer, area: None }];
            return Ok(Caller { subject: Some(claims.sub.clone()), loa, memberships, scopes, ..Caller::anonymous() });
        }
        let user = self.user(&claims.sub)?.ok_or_else(|| Error::NotFound(format!("no user '{}'", claims.sub)))?;
        Ok(Caller {
            subject: Some(user.username.clone()),
            loa,
            memberships: self.memberships(user.id)?,
            admin: user.admin,
            scopes,
            refused: None,
        })
    }
}

impl Identities {
    /// The caller of HTTP Basic credentials: a partner's system by its client id and
    /// secret (as a viewer of its organisation, with its scopes), or a user by name and
    /// password (level "substantial"; failures count towards the lockout). Each attempt
    /// is audited; `Err` says why the credentials were refused.
    pub fn caller_basic(&self, name: &str, secret: &str, now: i64, source: &str) -> Result<Caller, String> {
        if let Some(client) = self.client(name).map_err(|e| e.to_string())? {
            let org = client.org.clone().filter(|_| client.confidential);
            let verified = self.verify_client(name, secret).map_err(|e| e.to_string())?;
            let outcome = if verified.is_some() && org.is_some() { "ok" } else { "refused: wrong client secret" };
            self.audit(&crate::AuditEntry::new(name, "login", "client secret", source, outcome))
                .map_err(|e| e.to_string())?;
            return match (verified, org) {
                (Some(c), Some(org)) => Ok(Caller {
                    subject: Some(c.client_id),
                    loa: Loa::Substantial,
                    memberships: vec![Membership { org, role: Role::Viewer, area: None }],
                    scopes: c.scopes,
                    ..Caller::anonymous()
                }),
                _ => Err("wrong client id or secret".into()),
            };
        }
        let user = self.login(name, secret, now, source).map_err(|e| e.to_string())?;
        Ok(Caller {
            subject: Some(user.username.clone()),
            loa: Loa::Substantial,
            memberships: self.memberships(user.id).map_err(|e| e.to_string())?,
            admin: user.admin,
            scopes: Vec::new(),
            refused: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    #[test]
    fn tokens_are_checked_for_algorithm_key_issuer_audience_and_expiry() {
        let (_dir, ids) = crate::db::scratch();
        ids.add_user("kari", "fjell og fjord 2026").unwrap();
        let iss = Issuer { url: "http://127.0.0.1:8080".into(), audience: "fjord".into(), lifetime: 600 };
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
        let scopes = ["openid".to_string()];
        let grant = |loa| Grant { sub: "kari", client_id: "qgis", loa, scopes: &scopes, org: None };
        let t = ids.issue(&iss, &grant(Loa::High), now).unwrap();
        let claims = ids.validate(&iss, &t, now).unwrap();
        assert_eq!((claims.sub.as_str(), claims.acr.as_deref()), ("kari", Some("idporten-loa-high")));
        assert_eq!(ids.caller_of(&claims).unwrap().loa, Loa::High);

        // expired, another audience, another issuer
        let old = ids.issue(&iss, &grant(Loa::Substantial), now - 3600).unwrap();
        assert!(matches!(ids.validate(&iss, &old, now), Err(TokenError::Expired)));
        let other = Issuer { audience: "someone-else".into(), ..iss.clone() };
        assert!(ids.validate(&other, &t, now).is_err());
        let other = Issuer { url: "http://evil.example".into(), ..iss.clone() };
        assert!(ids.validate(&other, &t, now).is_err());
        // a forged signature, alg none, HS256 signed with the public key
        let parts: Vec<&str> = t.split('.').collect();
        let forged = format!("{}.{}.{}", parts[0], parts[1], URL_SAFE_NO_PAD.encode([7u8; 64]));
        assert!(ids.validate(&iss, &forged, now).is_err());
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        assert!(ids.validate(&iss, &format!("{none_header}.{}.", parts[1]), now).is_err());
        let jwks = ids.jwks(now, 600).unwrap();
        let x = jwks["keys"][0]["x"].as_str().unwrap();
        let mut hs = Header::new(Algorithm::HS256);
        hs.kid = jwks["keys"][0]["kid"].as_str().map(str::to_string);
        let confused =
            jsonwebtoken::encode(&hs, &claims, &jsonwebtoken::EncodingKey::from_secret(x.as_bytes())).unwrap();
        assert!(ids.validate(&iss, &confused, now).is_err());

        // rotation: the old key still checks its tokens until they expire, then not
        let new_kid = ids.rotate_keys(now).unwrap();
        assert_eq!(ids.jwks(now, 600).unwrap()["keys"].as_array().unwrap().len(), 2);
        assert!(ids.validate(&iss, &t, now).is_ok());
        let t2 = ids.issue(&iss, &grant(Loa::Substantial), now).unwrap();
        assert_eq!(jsonwebtoken::decode_header(&t2).unwrap().kid.as_deref(), Some(new_kid.as_str()));
        assert_eq!(ids.jwks(now + 601, 600).unwrap()["keys"].as_array().unwrap().len(), 1);
        assert!(ids.validate(&iss, &t, now + 601).is_err(), "the retired key is gone");
    }
}
