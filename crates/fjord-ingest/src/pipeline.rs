//! The ingest pipeline: source → checks → storage CRS → new version → catalogue record.

use crate::error::{Error, Result};
use crate::fields::{schema_fields, stored_kind, value, SourceField};
use crate::geometry::{self, prepare};
use crate::report::Report;
use crate::source::{self, SourceOptions};
use crate::sync;
use fjord_catalogue::{Catalogue, HumanFields};
use fjord_core::{Lineage, Schema, Slug};
use fjord_store::{Store, VersionInfo};
use gdal::vector::LayerAccess;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

/// One ingest: what to read and what to publish it as.
#[derive(Clone, Debug)]
pub struct IngestRequest {
    /// the source and how to read it
    pub source: SourceOptions,
    /// the dataset to publish a new version of
    pub dataset: Slug,
    /// the owner organisation
    pub org: Slug,
    /// human metadata; `None` keeps the current version's (or a minimal default)
    pub meta: Option<HumanFields>,
    /// who runs it (user, client or OS user)
    pub by: String,
}

/// What an ingest published, and its report.
#[derive(Debug)]
pub struct Outcome {
    /// the new current version
    pub info: VersionInfo,
    /// counts, repairs and rejections
    pub report: Report,
}

/// Told how far an ingest has come.
pub trait Progress {
    /// reading starts; `total` features if the driver knows
    fn start(&self, total: Option<u64>);
    /// `read` features read so far
    fn at(&self, read: u64);
    /// done
    fn finish(&self);
}

/// A progress sink that ignores everything.
pub struct Quiet;

impl Progress for Quiet {
    fn start(&self, _: Option<u64>) {}
    fn at(&self, _: u64) {}
    fn finish(&self) {}
}

pub(crate) fn sha256_file(path: &Path) -> Result<String> {
    let unreadable = |e: std::io::Error| Error::Unreadable(path.to_path_buf(), e.to_string());
    let mut f = std::fs::File::open(path).map_err(unreadable)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).map_err(unreadable)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// One feature as the reading thread hands it over.
struct RawFeature {
    source_id: u64,
    /// geo-types geometry and whether a ring was unclosed, or why it cannot be read
    geometry: std::result::Result<(geo_types::Geometry<f64>, bool), String>,
    values: Vec<fjord_core::Value>,
}

/// Features travel between the threads in batches, to keep channel traffic small.
const BATCH: usize = 512;

/// The reading thread: GDAL features to [`RawFeature`]s, until the layer ends or the
/// writing side hangs up. GDAL handles stay on this one thread.
fn read_features(
    dataset: gdal::Dataset,
    layer_index: usize,
    fields: &[SourceField],
    tx: std::sync::mpsc::SyncSender<Vec<RawFeature>>,
) -> Result<u64> {
    let mut layer = dataset.layer(layer_index)?;
    let mut batch = Vec::with_capacity(BATCH);
    let mut read = 0u64;
    for feature in layer.features() {
        read += 1;
        let geometry = match feature.geometry() {
            Some(g) => geometry::read(g),
            None => Err("no geometry".to_string()),
        };
        let values = fields.iter().map(|f| value(&feature, f)).collect();
        batch.push(RawFeature { source_id: feature.fid().unwrap_or(read), geometry, values });
        if batch.len() == BATCH && tx.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))).is_err() {
            return Ok(read);
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(batch);
    }
    Ok(read)
}

/// Join a scoped thread, turning a panic into an error instead of a crash.
fn join<T>(h: std::thread::ScopedJoinHandle<'_, Result<T>>, what: &'static str) -> Result<T> {
    h.join().map_err(|_| Error::Thread(what))?
}

/// Ingest one source as a new version of a dataset and update its catalogue record.
/// On any error nothing is published and the previous version keeps serving.
///
/// Two threads share the work: one reads with GDAL (features, attributes, conversion to
/// geo-types) and hashes the source, the other checks, reprojects and writes.
pub fn ingest(store: &Store, catalogue: &Catalogue, req: &IngestRequest, progress: &dyn Progress) -> Result<Outcome> {
    let src = source::open(&req.source)?;
    let path = req.source.path.as_path();
    let (total, schema, fields) = {
        let layer = src.dataset.layer(src.layer_index)?;
        let defn = gdal::vector::Defn::from_layer(&layer);
        let (fields, sources) = schema_fields(&defn);
        (
            layer.try_feature_count(),
            Schema { geometry: stored_kind(defn.geometry_type(), &src.driver), fields },
            sources,
        )
    };
    if total == Some(0) {
        return Err(Error::EmptyLayer { path: path.to_path_buf(), layer: src.layer_name.clone() });
    }
    let kind = schema.geometry;
    let meta = match &req.meta {
        Some(m) => m.clone(),
        None => match store.current(&req.dataset) {
            Ok(info) => serde_json::from_value(info.metadata).unwrap_or_default(),
            Err(_) => HumanFields { title: req.dataset.to_string(), ..HumanFields::default() },
        },
    };
    let source::Source { dataset, layer_index, layer_name, driver, crs, bytes, scratch } = src;

    let mut writer = store.begin(&req.dataset, schema)?;
    let mut report = Report::default();
    progress.start(total);
    let sha256 = std::thread::scope(|s| -> Result<String> {
        let hash = s.spawn(|| sha256_file(path));
        let (tx, rx) = std::sync::mpsc::sync_channel(8);
        let reader = s.spawn(|| read_features(dataset, layer_index, &fields, tx));
        let mut seen = HashSet::new();
        let mut next_free = 0u64;
        for raw in rx.iter().flatten() {
            report.read += 1;
            if report.read % 4096 == 0 {
                progress.at(report.read);
            }
            let prepared = raw.geometry.and_then(|(g, unclosed)| prepare(g, unclosed, &crs, kind));
            let (geometry, repairs) = match prepared {
                Ok(ok) => ok,
                Err(reason) => {
                    report.reject(raw.source_id, reason);
                    continue;
                }
            };
            let fid = if seen.insert(raw.source_id) {
                raw.source_id
            } else {
                while !seen.insert(next_free) {
                    next_free += 1;
                }
                next_free
            };
            writer.add(fid, &geometry, &raw.values)?;
            report.written += 1;
            report.repaired(raw.source_id, repairs);
        }
        join(reader, "reading the source")?;
        join(hash, "hashing the source")
    })?;
    drop(scratch);
    progress.at(report.read);
    progress.finish();
    if report.read == 0 {
        return Err(Error::EmptyLayer { path: path.to_path_buf(), layer: layer_name });
    }
    if report.written == 0 {
        return Err(Error::NothingValid(report.read));
    }
    let json = serde_json::to_vec_pretty(&report).unwrap_or_default();
    writer.attach("report.json", &json)?;
    let lineage = Lineage {
        source: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        sha256,
        bytes,
        driver,
        layer: layer_name,
        source_crs: crs.label(),
        org: req.org.to_string(),
        by: req.by.clone(),
        at: fjord_core::now_rfc3339(),
    };
    let metadata = serde_json::to_value(&meta).unwrap_or_default();
    let info = writer.publish(lineage, metadata)?;
    sync::sync_dataset(store, catalogue, &req.dataset)?;
    Ok(Outcome { info, report })
}
