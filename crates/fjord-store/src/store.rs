//! The store on disk: one folder per dataset, one folder per version, `CURRENT` naming
//! the served one.
//!
//! ```text
//! <root>/<dataset>/CURRENT            "3\n" — the version being served
//! <root>/<dataset>/v3/features.fgb    FlatGeobuf, EPSG:25833, packed Hilbert R-tree
//! <root>/<dataset>/v3/version.json    VersionInfo
//! <root>/<dataset>/v3/report.json     the ingest report
//! <root>/<dataset>/.staging-<pid>-<n> a version being written (swept when its pid is gone)
//! <root>/<dataset>/.lock              held while versions are renamed or switched
//! ```

use crate::error::{io, Error, Result};
use crate::fgb_layer::FgbLayer;
use crate::raster::{RasterHeader, RasterLayer};
use crate::version::VersionInfo;
use crate::writer::{write_synced, VersionWriter};
use fjord_core::{BBox, GeometryKind, Lineage, Schema, Slug, CATALOGUE_CRS, STORAGE_CRS};
use std::collections::HashMap;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

/// The spatial store rooted at one folder.
pub struct Store {
    root: PathBuf,
    keep: usize,
    open: Mutex<HashMap<Slug, (u32, Arc<FgbLayer>)>>,
    /// elevation pyramids opened, by dataset
    rasters: Mutex<HashMap<Slug, (u32, Arc<RasterLayer>)>>,
    /// each dataset's `CURRENT` as last read: the file's identity then, and the version
    /// it named
    current: Mutex<HashMap<Slug, (FileStamp, u32)>>,
}

/// What tells one `CURRENT` file from the next: a publish renames a new file into place.
#[derive(Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    dev: u64,
    ino: u64,
    mtime_ns: i64,
    len: u64,
}

impl FileStamp {
    fn of(m: &fs::Metadata) -> FileStamp {
        use std::os::unix::fs::MetadataExt;
        FileStamp { dev: m.dev(), ino: m.ino(), mtime_ns: m.mtime() * 1_000_000_000 + m.mtime_nsec(), len: m.len() }
    }
}

/// fsync a folder, so renames and new entries in it survive a crash.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(io(dir))
}

fn unique_suffix() -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{}-{nanos}", std::process::id())
}

fn pid_alive(pid: &str) -> bool {
    Path::new("/proc").join(pid).exists()
}

impl Store {
    /// Open (creating if needed) the store at `root`, keeping the newest `keep` versions
    /// of each dataset for rollback.
    pub fn open(root: impl Into<PathBuf>, keep: usize) -> Result<Store> {
        let root = root.into();
        fs::create_dir_all(&root).map_err(io(&root))?;
        for entry in fs::read_dir(&root).map_err(io(&root))?.flatten() {
            if entry.file_name().to_string_lossy().starts_with(".trash-") {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
        Ok(Store {
            root,
            keep: keep.max(1),
            open: Mutex::default(),
            rasters: Mutex::default(),
            current: Mutex::default(),
        })
    }

    /// The folder the store lives in.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn dataset_dir(&self, id: &Slug) -> PathBuf {
        self.root.join(id.as_str())
    }

    fn version_dir(&self, id: &Slug, v: u32) -> PathBuf {
        self.dataset_dir(id).join(format!("v{v}"))
    }

    fn lock(&self, id: &Slug) -> Result<File> {
        let path = self.dataset_dir(id).join(".lock");
        let f = File::options().create(true).truncate(false).write(true).open(&path).map_err(io(&path))?;
        f.lock().map_err(io(&path))?;
        Ok(f)
    }

    /// Every dataset with a published version, sorted by id.
    pub fn datasets(&self) -> Result<Vec<Slug>> {
        let mut out = Vec::new();
        for entry in fs::read_dir(&self.root).map_err(io(&self.root))?.flatten() {
            if let Ok(id) = Slug::new(&entry.file_name().to_string_lossy()) {
                if self.current_version(&id)?.is_some() {
                    out.push(id);
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// The version being served, `None` if the dataset has none.
    pub fn current_version(&self, id: &Slug) -> Result<Option<u32>> {
        let path = self.dataset_dir(id).join("CURRENT");
        // one stat instead of open, read and close: the file is read again only when a
        // publish (by this process or another) has replaced it, which shows at once
        let stamp = match fs::metadata(&path) {
            Ok(m) => FileStamp::of(&m),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.forget_current(id);
                return Ok(None);
            }
            Err(e) => return Err(io(path)(e)),
        };
        if let Some(&(s, v)) = self.current.lock().unwrap_or_else(|e| e.into_inner()).get(id) {
            if s == stamp {
                return Ok(Some(v));
            }
        }
        let v = match fs::read_to_string(&path) {
            Ok(s) => s
                .trim()
                .parse()
                .map_err(|_| Error::Corrupt { path, reason: format!("'{}' is not a version number", s.trim()) })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(path)(e)),
        };
        // a publish between the stat and the read is seen by the next call (stamps differ)
        self.current.lock().unwrap_or_else(|e| e.into_inner()).insert(id.clone(), (stamp, v));
        Ok(Some(v))
    }

    /// Drop what is known of a dataset's `CURRENT`, so the next read looks again.
    fn forget_current(&self, id: &Slug) {
        self.current.lock().unwrap_or_else(|e| e.into_inner()).remove(id);
    }

    /// The facts of one version.
    pub fn info(&self, id: &Slug, v: u32) -> Result<VersionInfo> {
        let path = self.version_dir(id, v).join("version.json");
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::VersionNotFound(id.to_string(), v));
            }
            Err(e) => return Err(io(path)(e)),
        };
        serde_json::from_str(&text).map_err(|e| Error::Corrupt { path, reason: e.to_string() })
    }

    /// The facts of the version being served.
    pub fn current(&self, id: &Slug) -> Result<VersionInfo> {
        let v = self.current_version(id)?.ok_or_else(|| Error::DatasetNotFound(id.to_string()))?;
        self.info(id, v)
    }

    /// Every kept version, oldest first.
    pub fn versions(&self, id: &Slug) -> Result<Vec<VersionInfo>> {
        let mut nums = self.version_numbers(id)?;
        if nums.is_empty() {
            return Err(Error::DatasetNotFound(id.to_string()));
        }
        nums.sort_unstable();
        nums.into_iter().map(|v| self.info(id, v)).collect()
    }

    fn version_numbers(&self, id: &Slug) -> Result<Vec<u32>> {
        let dir = self.dataset_dir(id);
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(dir)(e)),
        };
        Ok(entries
            .flatten()
            .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_prefix('v')).and_then(|n| n.parse().ok()))
            .collect())
    }

    /// The ingest report stored with a version, if any.
    pub fn report(&self, id: &Slug, v: u32) -> Result<Option<serde_json::Value>> {
        let path = self.version_dir(id, v).join("report.json");
        match fs::read_to_string(&path) {
            Ok(t) => serde_json::from_str(&t).map(Some).map_err(|e| Error::Corrupt { path, reason: e.to_string() }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(io(path)(e)),
        }
    }

    /// The current version of a dataset, opened for queries (cached until a newer
    /// version is published).
    pub fn layer(&self, id: &Slug) -> Result<Arc<FgbLayer>> {
        let v = self.current_version(id)?.ok_or_else(|| Error::DatasetNotFound(id.to_string()))?;
        self.layer_at(id, v)
    }

    /// Version `v` of a dataset, opened for queries (the open current version is cached),
    /// for callers that have already read `CURRENT`.
    pub fn layer_at(&self, id: &Slug, v: u32) -> Result<Arc<FgbLayer>> {
        if let Some((cv, layer)) = self.open.lock().unwrap_or_else(|e| e.into_inner()).get(id) {
            if *cv == v {
                return Ok(Arc::clone(layer));
            }
        }
        let info = self.info(id, v)?;
        if info.raster.is_some() {
            return Err(Error::WrongKind(id.to_string(), "an elevation coverage, not features"));
        }
        let layer = Arc::new(FgbLayer::open(&self.version_dir(id, v).join("features.fgb"), info.schema)?);
        self.open.lock().unwrap_or_else(|e| e.into_inner()).insert(id.clone(), (v, Arc::clone(&layer)));
        Ok(layer)
    }

    /// Start writing a new version of `id` (creating the dataset if it is new).
    pub fn begin(&self, id: &Slug, schema: Schema) -> Result<VersionWriter<'_>> {
        VersionWriter::new(self, id.clone(), self.staging(id)?, schema)
    }

    /// Start writing a new elevation version of `id`: build its pyramid in
    /// [`RasterVersion::dir`], then publish.
    pub fn begin_raster(&self, id: &Slug) -> Result<RasterVersion<'_>> {
        Ok(RasterVersion { store: self, dataset: id.clone(), staging: self.staging(id)? })
    }

    /// A fresh staging folder for a new version of `id`, after sweeping those left by
    /// writers that died.
    fn staging(&self, id: &Slug) -> Result<PathBuf> {
        let dir = self.dataset_dir(id);
        fs::create_dir_all(&dir).map_err(io(&dir))?;
        for entry in fs::read_dir(&dir).map_err(io(&dir))?.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(rest) = name.strip_prefix(".staging-") {
                let pid = rest.split('-').next().unwrap_or("");
                if !pid_alive(pid) {
                    let _ = fs::remove_dir_all(entry.path());
                }
            }
        }
        let staging = dir.join(format!(".staging-{}", unique_suffix()));
        fs::create_dir(&staging).map_err(io(&staging))?;
        Ok(staging)
    }

    /// The elevation pyramid of version `v` of `id`, opened once and kept.
    pub fn raster_at(&self, id: &Slug, v: u32) -> Result<Arc<RasterLayer>> {
        if let Some((kept, layer)) = self.rasters.lock().unwrap_or_else(|e| e.into_inner()).get(id) {
            if *kept == v {
                return Ok(Arc::clone(layer));
            }
        }
        if self.info(id, v)?.raster.is_none() {
            return Err(Error::WrongKind(id.to_string(), "a feature dataset, not elevation"));
        }
        let layer = Arc::new(RasterLayer::open(&self.version_dir(id, v))?);
        self.rasters.lock().unwrap_or_else(|e| e.into_inner()).insert(id.clone(), (v, Arc::clone(&layer)));
        Ok(layer)
    }

    /// Give a staged version its number, move it into place and make it current.
    pub(crate) fn commit(&self, id: &Slug, staging: &Path, mut info: VersionInfo) -> Result<VersionInfo> {
        let _lock = self.lock(id)?;
        info.version = self.version_numbers(id)?.into_iter().max().unwrap_or(0) + 1;
        let json = serde_json::to_vec_pretty(&info).map_err(|e| Error::Encode(e.to_string()))?;
        write_synced(&staging.join("version.json"), &json)?;
        let target = self.version_dir(id, info.version);
        fs::rename(staging, &target).map_err(io(&target))?;
        sync_dir(&self.dataset_dir(id))?;
        self.set_current(id, info.version)?;
        self.prune(id, info.version);
        tracing::info!(dataset = %id, version = info.version, features = info.feature_count, "published");
        Ok(info)
    }

    /// Atomically point `CURRENT` at version `v`.
    fn set_current(&self, id: &Slug, v: u32) -> Result<()> {
        let dir = self.dataset_dir(id);
        let tmp = dir.join(format!(".CURRENT-{}", unique_suffix()));
        write_synced(&tmp, format!("{v}\n").as_bytes())?;
        let current = dir.join("CURRENT");
        fs::rename(&tmp, &current).map_err(io(&current))?;
        self.forget_current(id);
        sync_dir(&dir)
    }

    /// Remove versions older than the newest `keep`, never the current one.
    fn prune(&self, id: &Slug, current: u32) {
        let mut nums = self.version_numbers(id).unwrap_or_default();
        nums.sort_unstable_by(|a, b| b.cmp(a));
        for v in nums.into_iter().skip(self.keep).filter(|v| *v != current) {
            let _ = fs::remove_dir_all(self.version_dir(id, v));
        }
    }

    /// Serve version `v` again.
    pub fn rollback(&self, id: &Slug, v: u32) -> Result<VersionInfo> {
        if self.current_version(id)?.is_none() {
            return Err(Error::DatasetNotFound(id.to_string()));
        }
        let _lock = self.lock(id)?;
        let info = self.info(id, v)?;
        self.set_current(id, v)?;
        tracing::info!(dataset = %id, version = v, "rolled back");
        Ok(info)
    }

    /// Remove a dataset and all its versions (an atomic rename first, then the files).
    pub fn delete(&self, id: &Slug) -> Result<()> {
        let dir = self.dataset_dir(id);
        if !dir.exists() {
            return Err(Error::DatasetNotFound(id.to_string()));
        }
        let trash = self.root.join(format!(".trash-{id}-{}", unique_suffix()));
        {
            let _lock = self.lock(id)?;
            fs::rename(&dir, &trash).map_err(io(&dir))?;
        }
        sync_dir(&self.root)?;
        self.open.lock().unwrap_or_else(|e| e.into_inner()).remove(id);
        self.rasters.lock().unwrap_or_else(|e| e.into_inner()).remove(id);
        self.forget_current(id);
        fs::remove_dir_all(&trash).map_err(io(&trash))
    }
}

/// An elevation version being written. Dropping it without [`RasterVersion::publish`]
/// removes the staging folder; a killed process leaves it for the next writer to sweep.
pub struct RasterVersion<'s> {
    store: &'s Store,
    dataset: Slug,
    staging: PathBuf,
}

impl RasterVersion<'_> {
    /// The folder the pyramid is built in ([`crate::raster::RasterWriter::new`]).
    pub fn dir(&self) -> &Path {
        &self.staging
    }

    /// Record the pyramid built in [`RasterVersion::dir`] as the dataset's new current
    /// version.
    pub fn publish(self, header: RasterHeader, lineage: Lineage, metadata: serde_json::Value) -> Result<VersionInfo> {
        let extent = header.extent;
        let corners = [
            (extent.minx, extent.miny),
            (extent.maxx, extent.maxy),
            (extent.minx, extent.maxy),
            (extent.maxx, extent.miny),
        ];
        let mut pts = corners.to_vec();
        fjord_core::transform::transform_in_place(STORAGE_CRS, CATALOGUE_CRS, &mut pts)?;
        let info = VersionInfo {
            version: 0,
            feature_count: 0,
            extent: Some(extent),
            geographic_extent: BBox::from_points(pts),
            schema: Schema { geometry: GeometryKind::Polygon, fields: Vec::new() },
            lineage,
            metadata,
            raster: Some(header),
        };
        self.store.commit(&self.dataset, &self.staging, info)
    }
}

impl Drop for RasterVersion<'_> {
    fn drop(&mut self) {
        if self.staging.exists() {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}
