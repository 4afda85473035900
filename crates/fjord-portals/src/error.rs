//! Portal errors.

/// What can go wrong in a portal.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The catalogue refused or failed (a schema refusal names the field).
    #[error(transparent)]
    Catalogue(#[from] fjord_catalogue::Error),
    /// A sample file could not be read.
    #[error("{0}: {1}")]
    Io(String, std::io::Error),
    /// A sample file holds something that is not a portal record.
    #[error("sample records {0}: {1}")]
    Sample(String, String),
    /// A change the record's workflow does not allow (a closed tender published again).
    #[error("{0}")]
    Workflow(String),
}

/// Result with the portal error.
pub type Result<T> = std::result::Result<T, Error>;
