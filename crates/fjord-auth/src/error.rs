//! Identity errors: each one a clear statement of what is wrong.

/// Why an identity operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A name, number or value that breaks a rule (a weak password, a taken username).
    #[error("{0}")]
    Invalid(String),
    /// No such user, organisation or client.
    #[error("{0}")]
    NotFound(String),
    /// The identity database failed.
    #[error("identity database: {0}")]
    Db(#[from] rusqlite::Error),
    /// Hashing or randomness failed (the platform, not the input).
    #[error("{0}")]
    Crypto(String),
}

/// Result with the identity error.
pub type Result<T> = std::result::Result<T, Error>;
