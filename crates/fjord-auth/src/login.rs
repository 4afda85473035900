//! Logging in: the password (level "substantial"), lockout with back-off after repeated
//! failures, and the second factor (TOTP) that raises a session to "high". Each attempt
//! is audited.

use crate::audit::AuditEntry;
use crate::db::{Identities, User};
use crate::error::{Error, Result};
use crate::{password, random, totp};
use rusqlite::{params, OptionalExtension};

/// Failures in a row after which an account locks: for 30 s, doubling with each
/// further failure, at most an hour.
pub const LOCKOUT_AFTER: i64 = 5;

/// Why a login was refused.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// The username or password is wrong (which one is not said).
    #[error("wrong username or password")]
    Wrong,
    /// Too many failures: no password is tried until `until` (Unix seconds).
    #[error("too many failed logins; try again in {0} s")]
    Locked(i64),
    /// The database failed.
    #[error(transparent)]
    Identity(#[from] Error),
}

/// How long an account stays locked after `failures` in a row, seconds.
fn lock_for(failures: i64) -> i64 {
    let extra = (failures - LOCKOUT_AFTER).clamp(0, 7) as u32;
    (30i64 << extra).min(3600)
}

impl Identities {
    /// Check `username` and `password` at `now` (Unix seconds) from `source` (the
    /// client's address): the user, or why not. Failures count towards a lockout;
    /// a success clears them.
    pub fn login(
        &self,
        username: &str,
        password: &str,
        now: i64,
        source: &str,
    ) -> std::result::Result<User, LoginError> {
        let row: Option<(String, i64, i64)> = self
            .conn()
            .query_row("SELECT password, failures, locked_until FROM users WHERE username = ?1", [username], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
            .map_err(Error::from)?;
        let audit = |outcome: &str| self.audit(&AuditEntry::new(username, "login", "password", source, outcome));
        let Some((hash, failures, locked_until)) = row else {
            // as slow as a real check, so names cannot be probed by timing
            password::verify(password, password::decoy());
            audit("refused: wrong username or password")?;
            return Err(LoginError::Wrong);
        };
        if locked_until > now {
            audit("refused: locked")?;
            return Err(LoginError::Locked(locked_until - now));
        }
        if !password::verify(password, &hash) {
            let failures = failures + 1;
            let until = if failures >= LOCKOUT_AFTER { now + lock_for(failures) } else { 0 };
            self.conn()
                .execute(
                    "UPDATE users SET failures = ?2, locked_until = ?3 WHERE username = ?1",
                    params![username, failures, until],
                )
                .map_err(Error::from)?;
            audit(if until > 0 { "refused: wrong password; locked" } else { "refused: wrong password" })?;
            return Err(LoginError::Wrong);
        }
        self.conn()
            .execute("UPDATE users SET failures = 0, locked_until = 0 WHERE username = ?1", [username])
            .map_err(Error::from)?;
        audit("ok")?;
        Ok(self.user(username)?.ok_or_else(|| Error::NotFound(format!("no user '{username}'")))?)
    }

    /// Start enrolling a second factor: a new secret (replacing any unconfirmed one),
    /// as the `otpauth://` URI an authenticator app reads from a QR code. The factor
    /// counts once [`Identities::confirm_totp`] has seen a code from it.
    pub fn enroll_totp(&self, username: &str, issuer: &str) -> Result<String> {
        let secret = random::bytes::<20>()?;
        let n = self.conn().execute(
            "UPDATE users SET totp_secret = ?2, totp_enabled = 0, totp_last = 0 WHERE username = ?1",
            params![username, secret.to_vec()],
        )?;
        if n == 0 {
            return Err(Error::NotFound(format!("no user '{username}'")));
        }
        Ok(totp::otpauth_uri(issuer, username, &secret))
    }

    /// Confirm an enrolment with a current code; the factor is then required for
    /// level "high".
    pub fn confirm_totp(&self, username: &str, code: &str, now: i64) -> Result<bool> {
        if !self.use_code(username, code, now)? {
            return Ok(false);
        }
        self.conn().execute("UPDATE users SET totp_enabled = 1 WHERE username = ?1", [username])?;
        Ok(true)
    }

    /// Whether `code` is a current code of the user's confirmed second factor, each code
    /// accepted once (a replayed one is refused).
    pub fn check_totp(&self, username: &str, code: &str, now: i64, source: &str) -> Result<bool> {
        let enabled: bool = self
            .conn()
            .query_row("SELECT totp_enabled FROM users WHERE username = ?1", [username], |r| r.get(0))
            .optional()?
            .unwrap_or(false);
        let ok = enabled && self.use_code(username, code, now)?;
        self.audit(&AuditEntry::new(username, "login", "second factor", source, if ok { "ok" } else { "refused" }))?;
        Ok(ok)
    }

    /// Take `code` if it is current for the user's secret and newer than the last taken.
    fn use_code(&self, username: &str, code: &str, now: i64) -> Result<bool> {
        let row: Option<(Option<Vec<u8>>, i64)> = self
            .conn()
            .query_row("SELECT totp_secret, totp_last FROM users WHERE username = ?1", [username], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((Some(secret), last)) = row else { return Ok(false) };
        let Some(step) = totp::step_of(&secret, code, u64::try_from(now).unwrap_or(0)) else { return Ok(false) };
        let step = i64::try_from(step).unwrap_or(i64::MAX);
        if step <= last {
            return Ok(false);
        }
        self.conn().execute("UPDATE users SET totp_last = ?2 WHERE username = ?1", params![username, step])?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> (tempfile::TempDir, Identities) {
        let (dir, ids) = crate::db::scratch();
        ids.add_user("kari", "fjell og fjord 2026").unwrap();
        (dir, ids)
    }

    #[test]
    fn wrong_passwords_lock_the_account_with_back_off() {
        let (_dir, ids) = ids();
        let t = 1_800_000_000;
        assert!(ids.login("kari", "fjell og fjord 2026", t, "127.0.0.1").is_ok());
        assert!(matches!(ids.login("nobody", "whatever it is", t, "127.0.0.1"), Err(LoginError::Wrong)));
        for _ in 0..LOCKOUT_AFTER {
            assert!(matches!(ids.login("kari", "wrong password", t, "10.0.0.9"), Err(LoginError::Wrong)));
        }
        // locked: even the right password is not tried, for 30 s
        assert!(matches!(ids.login("kari", "fjell og fjord 2026", t + 10, "127.0.0.1"), Err(LoginError::Locked(20))));
        assert!(ids.login("kari", "fjell og fjord 2026", t + 31, "127.0.0.1").is_ok());
        // after the lock a new run of failures starts from nothing; a longer one locks longer
        assert_eq!((lock_for(5), lock_for(6), lock_for(40)), (30, 60, 3600));
        let log = ids.audit_log(&crate::AuditQuery { who: Some("kari".into()), ..Default::default() }).unwrap();
        assert!(log.iter().any(|e| e.outcome == "refused: wrong password; locked"), "{log:?}");
        assert!(log.iter().any(|e| e.outcome == "refused: locked" && e.source == "127.0.0.1"));
    }

    #[test]
    fn a_second_factor_is_enrolled_confirmed_and_never_replayed() {
        let (_dir, ids) = ids();
        let uri = ids.enroll_totp("kari", "fjord").unwrap();
        let b32 = &uri[uri.find("secret=").unwrap() + 7..uri.find("&issuer").unwrap()];
        let secret: Vec<u8> =
            ids.conn().query_row("SELECT totp_secret FROM users WHERE username = 'kari'", [], |r| r.get(0)).unwrap();
        assert_eq!(totp::base32(&secret), b32);
        let t = 1_800_000_000i64;
        let code = |at: i64| format!("{:06}", totp::code(&secret, at as u64 / totp::STEP));
        assert!(!ids.check_totp("kari", &code(t), t, "x").unwrap(), "not confirmed yet");
        assert!(ids.confirm_totp("kari", &code(t), t).unwrap());
        assert!(!ids.check_totp("kari", &code(t), t, "x").unwrap(), "the same code twice");
        assert!(ids.check_totp("kari", &code(t + 30), t + 30, "x").unwrap());
        assert!(!ids.check_totp("kari", "000000", t + 60, "x").unwrap() || code(t + 60) == "000000");
    }
}
