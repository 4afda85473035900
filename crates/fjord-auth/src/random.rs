//! Random bytes from the operating system, for salts, secrets and codes.

use crate::error::{Error, Result};

/// `N` random bytes.
pub(crate) fn bytes<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| Error::Crypto(format!("no randomness: {e}")))?;
    Ok(b)
}

/// A random token of `N` bytes as lowercase hex (session ids, client secrets, codes).
pub(crate) fn token<const N: usize>() -> Result<String> {
    Ok(bytes::<N>()?.iter().map(|b| format!("{b:02x}")).collect())
}
