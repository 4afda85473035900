//! Passwords: the rules a new one must meet, and argon2id hashes (PHC strings, so the
//! parameters travel with each hash and can be raised later).

use crate::error::{Error, Result};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// The shortest password accepted (NIST SP 800-63B asks at least 8; MinID asks more).
pub const MIN_LENGTH: usize = 10;

/// Passwords too common to allow whatever their length.
const COMMON: [&str; 12] = [
    "password123",
    "passord1234",
    "1234567890",
    "qwertyuiop",
    "sommer2024!",
    "vinter2024!",
    "0123456789",
    "passwordpassword",
    "iloveyou123",
    "norge12345",
    "letmein1234",
    "abcdefghij",
];

/// Check a new password for `username`: at least [`MIN_LENGTH`] characters, at most
/// 256, not the username, not a common one, and not one character repeated.
pub fn check_rules(username: &str, password: &str) -> Result<()> {
    let n = password.chars().count();
    let refuse = |why: &str| Err(Error::Invalid(format!("the password {why}")));
    if n < MIN_LENGTH {
        return refuse(&format!("needs {MIN_LENGTH} characters or more"));
    }
    if n > 256 {
        return refuse("may have 256 characters at most");
    }
    let lower = password.to_lowercase();
    if lower.contains(&username.to_lowercase()) {
        return refuse("may not contain the username");
    }
    if COMMON.contains(&lower.as_str()) {
        return refuse("is too common");
    }
    if password.chars().all(|c| password.starts_with(c)) {
        return refuse("may not be one character repeated");
    }
    Ok(())
}

/// The argon2id hash of `password` (default parameters: 19 MiB, 2 passes).
pub(crate) fn hash(password: &str) -> Result<String> {
    let salt = SaltString::encode_b64(&crate::random::bytes::<16>()?).map_err(|e| Error::Crypto(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Crypto(e.to_string()))
}

/// Whether `password` matches `stored` (a PHC string); a broken hash matches nothing.
pub(crate) fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash to verify against when the user does not exist, so a wrong username takes as
/// long as a wrong password.
pub(crate) fn decoy() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy password that matches nothing").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_refuse_weak_passwords_and_hashes_verify() {
        assert!(check_rules("kari", "kort").is_err(), "too short");
        assert!(check_rules("kari", "kari-nordmann-1").is_err(), "holds the username");
        assert!(check_rules("kari", "Password123").is_err(), "common");
        assert!(check_rules("kari", "aaaaaaaaaaaa").is_err(), "repeated");
        check_rules("kari", "fjell og fjord 2026").unwrap();
        let h = hash("fjell og fjord 2026").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify("fjell og fjord 2026", &h));
        assert!(!verify("fjell og fjord 2027", &h));
        assert!(!verify("anything", "not a hash"));
        assert!(!verify("decoy password", decoy()));
    }
}
