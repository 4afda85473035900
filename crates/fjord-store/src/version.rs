//! What the store records about each published version.

use fjord_core::{BBox, Lineage, Schema};
use serde::{Deserialize, Serialize};

/// The facts of one published version, stored as `version.json` beside its data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionInfo {
    /// version number, counting from 1
    pub version: u32,
    /// number of features
    pub feature_count: u64,
    /// extent in the storage CRS, `None` for an empty layer
    pub extent: Option<BBox>,
    /// extent in EPSG:4258 (lon/lat order), from every feature's box, `None` when empty
    #[serde(default)]
    pub geographic_extent: Option<BBox>,
    /// attributes and geometry kind
    pub schema: Schema,
    /// provenance
    pub lineage: Lineage,
    /// the human metadata fields (the sidecar), kept so the catalogue can be rebuilt
    /// from the store alone
    pub metadata: serde_json::Value,
    /// for an elevation version: its pyramid (the version then holds no features)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raster: Option<crate::raster::RasterHeader>,
}
