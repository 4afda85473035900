//! Ingest errors: each one a clear, one-line statement of what is wrong with the input.

use std::path::PathBuf;

/// Why an ingest stopped before publishing. Nothing is published when one occurs.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The source path does not exist or cannot be read.
    #[error("{0}: cannot read: {1}")]
    Unreadable(PathBuf, String),
    /// An elevation source GDAL reads but fjord cannot place or use.
    #[error("{path}: {reason}")]
    Raster {
        /// the source
        path: PathBuf,
        /// what is wrong with it
        reason: String,
    },
    /// The source file has no bytes.
    #[error("{0}: file is empty (0 bytes)")]
    EmptyFile(PathBuf),
    /// The source is larger than the configured limit.
    #[error("{path}: file is {size} bytes, over the limit of {limit} bytes (ingest.max_source_bytes)")]
    TooLarge {
        /// the file
        path: PathBuf,
        /// its size
        size: u64,
        /// the limit
        limit: u64,
    },
    /// No GDAL vector driver reads the source.
    #[error("{0}: unknown or unsupported format (no GDAL vector driver can read it)")]
    UnknownFormat(PathBuf),
    /// A zip archive whose entries expand to more than the limit (a zip bomb).
    #[error("{path}: the archive expands to {size} bytes or more, over the limit of {limit} bytes (limits.max_source_bytes)")]
    Expands {
        /// the archive
        path: PathBuf,
        /// what its entries say they expand to, so far
        size: u64,
        /// the limit
        limit: u64,
    },
    /// A zip archive with an entry that would escape its folder.
    #[error("{path}: zip entry '{entry}' points outside the archive; refusing it")]
    UnsafeArchive {
        /// the archive
        path: PathBuf,
        /// the offending entry
        entry: String,
    },
    /// The source has several layers and none was picked, or the picked one is missing.
    #[error("{0}")]
    Layer(String),
    /// The chosen layer has no features.
    #[error("{path}: layer '{layer}' is empty")]
    EmptyLayer {
        /// the source
        path: PathBuf,
        /// the layer
        layer: String,
    },
    /// The source has no CRS and none was given.
    #[error("{0}: the source has no CRS; give one with --crs EPSG:n")]
    NoCrs(PathBuf),
    /// Every feature was rejected.
    #[error("no valid features: all {0} features were rejected (see the report)")]
    NothingValid(u64),
    /// The metadata sidecar is unreadable or has unknown fields.
    #[error("{0}: {1}")]
    Meta(PathBuf, String),
    /// An upload that cannot be taken, or is not in the state asked.
    #[error("{0}")]
    Upload(String),
    /// A worker thread of the ingest panicked (a bug; nothing is published).
    #[error("ingest failed while {0}")]
    Thread(&'static str),
    /// A grid to export does not hold together (a bug of the caller).
    #[error("cannot export the grid: {0}")]
    Export(String),
    /// GDAL failed while reading.
    #[error("reading the source failed: {0}")]
    Gdal(#[from] gdal::errors::GdalError),
    /// CRS or id problems.
    #[error(transparent)]
    Core(#[from] fjord_core::Error),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] fjord_store::Error),
    /// The catalogue failed.
    #[error(transparent)]
    Catalogue(#[from] fjord_catalogue::Error),
}

/// Result with the ingest error.
pub type Result<T> = std::result::Result<T, Error>;
