//! Provenance of a dataset version.

use serde::{Deserialize, Serialize};

/// Where a version's data came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Lineage {
    /// the source file name as given (no directories)
    pub source: String,
    /// SHA-256 of the source file, hex
    pub sha256: String,
    /// size of the source in bytes
    pub bytes: u64,
    /// the GDAL driver that read it
    pub driver: String,
    /// the layer read
    pub layer: String,
    /// the source CRS as detected or given
    pub source_crs: String,
    /// the organisation that ingested it
    pub org: String,
    /// who ran the ingest (user or client id; the OS user for the CLI)
    pub by: String,
    /// RFC 3339 time of the ingest
    pub at: String,
}
