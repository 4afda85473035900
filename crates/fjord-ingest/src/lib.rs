//! fjord-ingest: partner data in, a new published version out.
//!
//! `source file → GDAL open (size, archive, driver, layer, CRS checks) → per feature:
//! finite check, reprojection with PROJ to EPSG:25833, safe repair or rejection →
//! staging version → fsync → atomic publish → catalogue record`. Every refusal of the
//! input is an [`Error`] with a one-line message naming the problem; nothing is published
//! then. Per-feature problems go into the [`Report`] instead of stopping the ingest.
//!
//! Elevation sources go through [`dem`] into the store's raster pyramid; [`export`]
//! writes height grids out as GeoTIFF or ASCII grid files (for WCS and downloads);
//! [`uploads`] keeps partners' uploads, validates them with the same pipeline and
//! publishes them; [`polygons`] reads the polygons of a file a user sends (a download's
//! clip polygon).
//!
//! GDAL lives here (and in the download service's format writers), never on the request
//! path of map, tile or feature reads.

pub mod dem;
mod error;
pub mod export;
mod fields;
mod geometry;
mod meta;
mod pipeline;
mod polygons;
mod pyramid;
mod report;
mod source;
pub mod sync;
pub mod uploads;
mod validate;
mod validity;

pub use error::{Error, Result};
pub use meta::read_sidecar;
pub use pipeline::{ingest, IngestRequest, Outcome, Progress, Quiet};
pub use polygons::polygons;
pub use report::{Rejection, Repaired, Report};
pub use source::{SourceCrs, SourceOptions};
pub use validate::Repair;

/// Send GDAL's own error messages to the log instead of stderr.
pub fn quiet_gdal() {
    gdal::config::set_error_handler(|class, code, msg| {
        tracing::debug!(?class, code, "gdal: {msg}");
    });
}
