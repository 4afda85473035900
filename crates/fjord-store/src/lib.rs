//! fjord-store: the tiled spatial store.
//!
//! A dataset is a folder of versions; a version is one FlatGeobuf file in the storage CRS
//! (EPSG:25833) with its packed Hilbert R-tree, plus `version.json` (schema, extent,
//! count, lineage, human metadata) and `report.json` (the ingest report). `CURRENT` names
//! the version being served. Publishing writes a staging folder, fsyncs it, renames it
//! into place and then swaps `CURRENT` atomically, so a crash at any moment leaves the
//! previous version serving. An elevation dataset's version holds a tile pyramid
//! instead of features ([`raster`]).
//!
//! Reads go through [`FeatureSource`]: features by bbox (exact intersection, attribute
//! projection, limit/offset, exact count), one feature by id, and the features of one
//! tile of a [`fjord_core::TileMatrixSet`]. The local backend, [`FgbLayer`], memory-maps
//! the file and keeps an `rstar` R-tree of the feature boxes in memory.

mod error;
mod fgb_file;
mod fgb_layer;
mod fgb_props;
pub mod raster;
mod source;
mod store;
mod version;
mod writer;

pub use error::{Error, Result};
pub use fgb_file::FgbFile;
pub use fgb_layer::FgbLayer;
pub use source::{Feature, FeatureSource, Keep, Page, Query, Selection};
pub use store::{RasterVersion, Store};
pub use version::VersionInfo;
pub use writer::VersionWriter;
