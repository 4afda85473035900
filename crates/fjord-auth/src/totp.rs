//! Time-based one-time passwords (RFC 6238: HMAC-SHA1 over 30-second steps, 6 digits),
//! as authenticator apps make them, and the `otpauth://` URI their QR code carries.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds a code lives.
pub const STEP: u64 = 30;

/// The code of time step `step` for `secret` (RFC 4226 dynamic truncation).
pub fn code(secret: &[u8], step: u64) -> u32 {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes a key of any length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let at = usize::from(digest[19] & 0x0f);
    let bin = u32::from_be_bytes([digest[at] & 0x7f, digest[at + 1], digest[at + 2], digest[at + 3]]);
    bin % 1_000_000
}

/// The time step `code` belongs to at `now` (Unix seconds) for `secret`, allowing one
/// step of clock drift either way; `None` when it is no current code.
pub fn step_of(secret: &[u8], code_text: &str, now: u64) -> Option<u64> {
    let given: u32 = code_text.trim().parse().ok().filter(|_| code_text.trim().len() == 6)?;
    let step = now / STEP;
    [step, step.saturating_sub(1), step + 1].into_iter().find(|&s| code(secret, s) == given)
}

/// Base32 (RFC 4648, no padding), as authenticator apps take secrets. Written here
/// because it is twenty lines and the only use.
pub fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            out.push(char::from(ALPHABET[((buffer >> (bits - 5)) & 31) as usize]));
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// The `otpauth://totp/` URI an authenticator app enrols from (the QR code's content).
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => char::from(b).to_string(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period={STEP}",
        enc(issuer),
        enc(account),
        base32(secret),
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_test_vectors() {
        // RFC 6238 appendix B, SHA-1, the 8-digit codes' last 6 digits
        let secret = b"12345678901234567890";
        for (t, want) in [(59u64, 287_082), (1_111_111_109, 81_804), (1_234_567_890, 5_924), (2_000_000_000, 279_037)] {
            assert_eq!(code(secret, t / STEP), want, "at {t}");
        }
        assert_eq!(step_of(secret, "287082", 59), Some(1));
        assert_eq!(step_of(secret, "287082", 59 + 30), Some(1), "one step late is allowed");
        assert_eq!(step_of(secret, "287082", 59 + 90), None, "three steps late is not");
        assert_eq!(step_of(secret, "28708", 59), None);
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert!(otpauth_uri("fjord", "kari@example.no", secret)
            .starts_with("otpauth://totp/fjord:kari%40example.no?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&"));
    }
}
