//! Writing a new version: features go to a staging folder; `publish` makes it current.

use crate::error::{io, Error, Result};
use crate::fgb_file::FgbFile;
use crate::store::{sync_dir, Store};
use crate::version::VersionInfo;
use fjord_core::{BBox, Lineage, Schema, Slug, Value, CATALOGUE_CRS, STORAGE_CRS};
use geo::BoundingRect;
use geo_types::Geometry;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// A version being written. Dropping it without [`VersionWriter::publish`] removes the
/// staging folder; a killed process leaves it for the next writer to sweep away.
pub struct VersionWriter<'s> {
    store: &'s Store,
    dataset: Slug,
    staging: PathBuf,
    fgb: Option<FgbFile>,
    schema: Schema,
    count: u64,
    extent: Option<BBox>,
    /// every feature's box, for the geographic extent at publish
    boxes: Vec<(f64, f64, f64, f64)>,
}

impl<'s> VersionWriter<'s> {
    pub(crate) fn new(store: &'s Store, dataset: Slug, staging: PathBuf, schema: Schema) -> Result<Self> {
        let all: Vec<usize> = (0..schema.fields.len()).collect();
        let fgb = FgbFile::new(dataset.as_str(), &schema, &all, STORAGE_CRS, true)?;
        Ok(VersionWriter { store, dataset, staging, fgb: Some(fgb), schema, count: 0, extent: None, boxes: Vec::new() })
    }

    /// Add one feature: geometry in the storage CRS, values aligned with the schema.
    pub fn add(&mut self, fid: u64, geometry: &Geometry<f64>, values: &[Value]) -> Result<()> {
        let fgb = self.fgb.as_mut().ok_or_else(|| Error::Encode("writer already finished".into()))?;
        fgb.add(fid, geometry, values)?;
        if let Some(r) = geometry.bounding_rect() {
            let b = BBox { minx: r.min().x, miny: r.min().y, maxx: r.max().x, maxy: r.max().y };
            self.extent = Some(self.extent.map_or(b, |e| e.union(&b)));
            self.boxes.push((b.minx, b.miny, b.maxx, b.maxy));
        }
        self.count += 1;
        Ok(())
    }

    /// Features added so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Store an extra file with the version (for example `report.json`).
    pub fn attach(&self, name: &str, bytes: &[u8]) -> Result<()> {
        write_synced(&self.staging.join(name), bytes)
    }

    /// Write the file and its `version.json`, fsync, and make this the current version.
    /// Returns what was published.
    pub fn publish(mut self, lineage: Lineage, metadata: serde_json::Value) -> Result<VersionInfo> {
        let fgb = self.fgb.take().ok_or_else(|| Error::Encode("writer already finished".into()))?;
        let data = self.staging.join("features.fgb");
        let file = File::create(&data).map_err(io(&data))?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        fgb.write(&mut out)?;
        let file = out.into_inner().map_err(|e| io(&data)(e.into_error()))?;
        file.sync_all().map_err(io(&data))?;
        let info = VersionInfo {
            version: 0,
            feature_count: self.count,
            extent: self.extent,
            geographic_extent: geographic_extent(&self.boxes)?,
            schema: self.schema.clone(),
            lineage,
            metadata,
            raster: None,
        };
        let info = self.store.commit(&self.dataset, &self.staging, info)?;
        Ok(info)
    }
}

impl Drop for VersionWriter<'_> {
    fn drop(&mut self) {
        if self.staging.exists() {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// The EPSG:4258 extent of a set of storage-CRS boxes: each box's corners (one point for
/// a point's box) transformed in large batches, then united. Tighter than transforming
/// the overall extent, whose corners in UTM lie far outside the data in lon/lat.
fn geographic_extent(boxes: &[(f64, f64, f64, f64)]) -> Result<Option<BBox>> {
    let mut extent: Option<BBox> = None;
    let mut pts = Vec::with_capacity(4 * 16_384);
    for chunk in boxes.chunks(16_384) {
        pts.clear();
        for &(x0, y0, x1, y1) in chunk {
            if x0 == x1 && y0 == y1 {
                pts.push((x0, y0));
            } else {
                pts.extend([(x0, y0), (x1, y0), (x1, y1), (x0, y1)]);
            }
        }
        fjord_core::transform::transform_in_place(STORAGE_CRS, CATALOGUE_CRS, &mut pts)?;
        if let Some(b) = BBox::from_points(pts.iter().copied()) {
            extent = Some(extent.map_or(b, |e| e.union(&b)));
        }
    }
    Ok(extent)
}

/// Write a file and fsync it and its folder.
pub(crate) fn write_synced(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let mut f = File::create(path).map_err(io(path))?;
    f.write_all(bytes).map_err(io(path))?;
    f.sync_all().map_err(io(path))?;
    if let Some(dir) = path.parent() {
        sync_dir(dir)?;
    }
    Ok(())
}
