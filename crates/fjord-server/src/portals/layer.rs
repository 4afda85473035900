//! A portal's records as a store dataset: Doffin's published notices and KOSTRA's reports
//! joined to the municipalities become map layers by being written as GeoJSON to a
//! scratch folder and published as a new version through the ingest path, after which
//! WMS, WFS, OGC API Features and Tiles and the downloads serve them like any dataset.

use fjord_catalogue::{Catalogue, HumanFields};
use fjord_core::{Crs, Slug};
use fjord_store::Store;
use serde_json::Value;
use std::path::Path;
use std::sync::Mutex;

/// One layer publish at a time, so versions follow the order of the changes.
static PUBLISHING: Mutex<()> = Mutex::new(());

/// A store dataset made from a portal's records.
pub struct Layer {
    /// the dataset id
    pub dataset: &'static str,
    /// the owner organisation
    pub org: String,
    /// its human metadata
    pub meta: HumanFields,
    /// the CRS of the features' coordinates (`None`: GeoJSON's own, CRS84)
    pub crs: Option<Crs>,
}

/// Publish `features` (a GeoJSON FeatureCollection) as the next version of `layer`, by
/// `by`; the version. `scratch` is a folder for the file handed to ingest.
pub fn publish(
    store: &Store,
    catalogue: &Catalogue,
    scratch: &Path,
    layer: Layer,
    features: &Value,
    by: &str,
) -> Result<u32, String> {
    let _one = PUBLISHING.lock().unwrap_or_else(|p| p.into_inner());
    std::fs::create_dir_all(scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let file = scratch.join(format!("{}-{}.geojson", layer.dataset, uuid::Uuid::new_v4()));
    std::fs::write(&file, features.to_string()).map_err(|e| format!("{}: {e}", file.display()))?;
    let req = fjord_ingest::IngestRequest {
        source: fjord_ingest::SourceOptions { path: file.clone(), layer: None, crs: layer.crs, max_bytes: u64::MAX },
        dataset: Slug::new(layer.dataset).map_err(|e| e.to_string())?,
        org: Slug::new(&layer.org).map_err(|e| e.to_string())?,
        meta: Some(layer.meta),
        by: by.to_string(),
    };
    let published = fjord_ingest::ingest(store, catalogue, &req, &fjord_ingest::Quiet);
    let _ = std::fs::remove_file(&file);
    published.map(|o| o.info.version).map_err(|e| e.to_string())
}
