//! The gateway's signing keys: ECDSA P-256 (ES256), made by ring, kept in the identity
//! database so every server of a deployment signs and checks with the same ones. A
//! rotation retires the signing key; a retired key stays published (JWKS) and accepted
//! until the tokens it signed have expired.

use crate::db::Identities;
use crate::error::{Error, Result};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{DecodingKey, EncodingKey};
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
use rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};

/// The key tokens are signed with now.
pub(crate) struct SigningKey {
    pub kid: String,
    pub key: EncodingKey,
}

impl Identities {
    /// The active signing key, made when there is none.
    pub(crate) fn signing_key(&self, now: i64) -> Result<SigningKey> {
        let found: Option<(String, Vec<u8>)> = self
            .conn()
            .query_row("SELECT kid, pkcs8 FROM keys WHERE retired IS NULL ORDER BY created DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let (kid, pkcs8) = match found {
            Some(k) => k,
            None => self.make_key(now)?,
        };
        Ok(SigningKey { kid, key: EncodingKey::from_ec_der(&pkcs8) })
    }

    /// Make and store a new signing key: (kid, PKCS#8 document).
    fn make_key(&self, now: i64) -> Result<(String, Vec<u8>)> {
        let rng = SystemRandom::new();
        let crypto = |e: ring::error::Unspecified| Error::Crypto(format!("making a signing key: {e}"));
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).map_err(crypto)?;
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .map_err(|e| Error::Crypto(format!("reading the new key: {e}")))?;
        // the public key is the uncompressed point: 0x04, X, Y
        let point = pair.public_key().as_ref();
        let (x, y) = (URL_SAFE_NO_PAD.encode(&point[1..33]), URL_SAFE_NO_PAD.encode(&point[33..65]));
        let kid = crate::random::token::<8>()?;
        self.conn().execute(
            "INSERT INTO keys (kid, pkcs8, x, y, created) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![kid, pkcs8.as_ref(), x, y, now],
        )?;
        Ok((kid, pkcs8.as_ref().to_vec()))
    }

    /// Retire the signing key and make a new one; returns the new key's id.
    pub fn rotate_keys(&self, now: i64) -> Result<String> {
        self.conn().execute("UPDATE keys SET retired = ?1 WHERE retired IS NULL", [now])?;
        Ok(self.make_key(now)?.0)
    }

    /// The keys tokens may be checked with at `now`: the signing key and those retired
    /// less than `keep_for` seconds ago, as (kid, x, y).
    fn live_keys(&self, now: i64, keep_for: i64) -> Result<Vec<(String, String, String)>> {
        let conn = self.conn();
        let mut st =
            conn.prepare("SELECT kid, x, y FROM keys WHERE retired IS NULL OR retired > ?1 ORDER BY created DESC")?;
        let rows = st.query_map([now - keep_for], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The JSON Web Key Set of the live keys (`/jwks`).
    pub fn jwks(&self, now: i64, keep_for: i64) -> Result<Value> {
        self.signing_key(now)?;
        let keys: Vec<Value> = self
            .live_keys(now, keep_for)?
            .into_iter()
            .map(|(kid, x, y)| json!({ "kty": "EC", "crv": "P-256", "alg": "ES256", "use": "sig", "kid": kid, "x": x, "y": y }))
            .collect();
        Ok(json!({ "keys": keys }))
    }

    /// The key `kid` names, if it is live.
    pub(crate) fn decoding_key(&self, kid: &str, now: i64, keep_for: i64) -> Result<Option<DecodingKey>> {
        let Some((_, x, y)) = self.live_keys(now, keep_for)?.into_iter().find(|(k, _, _)| k == kid) else {
            return Ok(None);
        };
        DecodingKey::from_ec_components(&x, &y).map(Some).map_err(|e| Error::Crypto(e.to_string()))
    }
}
