//! Store errors.

use std::path::PathBuf;

/// What can go wrong reading or writing the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The dataset has no published version.
    #[error("dataset '{0}' not found")]
    DatasetNotFound(String),
    /// The dataset is an elevation raster where features were asked for, or the other
    /// way round.
    #[error("dataset '{0}' is {1}")]
    WrongKind(String, &'static str),
    /// The dataset exists but not this version (pruned or never written).
    #[error("dataset '{0}' has no version {1}")]
    VersionNotFound(String, u32),
    /// A file of the store could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// the file or folder
        path: PathBuf,
        /// the OS error
        source: std::io::Error,
    },
    /// A store file is not what fjord wrote (truncated, edited, wrong format).
    #[error("{path}: corrupt store file: {reason}")]
    Corrupt {
        /// the file
        path: PathBuf,
        /// what is wrong
        reason: String,
    },
    /// A feature could not be encoded (FlatGeobuf writer).
    #[error("cannot write feature: {0}")]
    Encode(String),
    /// Coordinates or CRS problems from fjord-core.
    #[error(transparent)]
    Core(#[from] fjord_core::Error),
}

/// Result with the store error.
pub type Result<T> = std::result::Result<T, Error>;

/// Attach a path to an I/O error.
pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.into();
    move |source| Error::Io { path, source }
}
