//! Catalogue errors.

/// What can go wrong in the catalogue.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The database failed (file unreadable, disk full, locked too long).
    #[error("catalogue database: {0}")]
    Db(#[from] rusqlite::Error),
    /// A stored record could not be decoded.
    #[error("catalogue record {uuid} is corrupt: {reason}")]
    Corrupt {
        /// the record
        uuid: String,
        /// what is wrong
        reason: String,
    },
    /// A record that its kind's schema refuses.
    #[error("{field}: {reason}")]
    Invalid {
        /// the field, as a path into the record (`properties.deadline`, `title`)
        field: String,
        /// what is wrong with it
        reason: String,
    },
    /// A record kind whose JSON Schema cannot be compiled.
    #[error("record kind {kind}: its schema is not a valid JSON Schema: {reason}")]
    BadKind {
        /// the kind
        kind: String,
        /// what is wrong
        reason: String,
    },
    /// A search request outside the accepted bounds.
    #[error("{0}")]
    BadQuery(String),
}

/// Result with the catalogue error.
pub type Result<T> = std::result::Result<T, Error>;
