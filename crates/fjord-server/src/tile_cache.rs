//! The tile cache: recently used tiles in memory (least recently used dropped first,
//! bounded by bytes) and every tile cut on disk under the data folder, at
//! `tiles/{dataset}/{version}/{tms}/{z}/{x}/{y}.{ext}`.
//!
//! Keys carry the dataset version, so a publish makes the old tiles unreachable at once.
//! The folders of older versions are swept the first time this process looks on disk
//! for a tile of a newer version (once per dataset and version, not per request). Only
//! older versions go: after a rollback the newer version's tiles are still right for
//! it, should it be served again. Disk files are written to a temporary name and
//! renamed, so a reader (another server, `fjord seed`) never sees half a tile. The
//! cache holds bytes of any format: vector tiles now, map images later.

use axum::body::Bytes;
use fjord_core::Slug;
use lru::LruCache;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// A tile format: its file extension and media type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TileFormat {
    /// file extension on disk
    pub ext: &'static str,
    /// media type of the response
    pub content_type: &'static str,
}

/// Mapbox Vector Tiles.
pub const MVT: TileFormat = TileFormat { ext: "mvt", content_type: fjord_ogc::tiles::MVT };

/// Map tiles drawn in the layer's default style.
pub const PNG: TileFormat = TileFormat { ext: "png", content_type: "image/png" };

/// Terrain tiles of an elevation dataset, Mapbox Terrain-RGB.
pub const TERRAIN_RGB: TileFormat = TileFormat { ext: "terrain-rgb.png", content_type: "image/png" };

/// Terrain tiles of an elevation dataset, Terrarium.
pub const TERRARIUM: TileFormat = TileFormat { ext: "terrarium.png", content_type: "image/png" };

/// Map tiles of an elevation dataset in each relief style but the default (which is
/// [`PNG`]); the extension is the style's name and `.png`.
pub const RELIEF: [TileFormat; 3] = [
    TileFormat { ext: "hillshade.png", content_type: "image/png" },
    TileFormat { ext: "hypsometric.png", content_type: "image/png" },
    TileFormat { ext: "slope.png", content_type: "image/png" },
];

/// What a tile is cached under.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TileKey {
    /// the dataset
    pub dataset: Slug,
    /// the version the tile was cut from
    pub version: u32,
    /// tile matrix set id
    pub tms: &'static str,
    /// level
    pub z: u32,
    /// column
    pub x: u32,
    /// row
    pub y: u32,
    /// the format
    pub format: TileFormat,
}

impl TileKey {
    /// The key of a located vector tile.
    pub fn mvt(at: &fjord_ogc::tiles::TileAddress) -> TileKey {
        TileKey::of(at, MVT)
    }

    /// The key of a located tile in `format`.
    pub fn of(at: &fjord_ogc::tiles::TileAddress, format: TileFormat) -> TileKey {
        TileKey {
            dataset: at.dataset.clone(),
            version: at.version,
            tms: at.tms.id,
            z: at.z,
            x: at.col,
            y: at.row,
            format,
        }
    }
}

/// Bookkeeping per cached tile beyond its bytes (key, list links), for the byte bound.
const ENTRY_OVERHEAD: usize = 128;

/// Tiles in memory, least recently used first out.
struct Memory {
    lru: LruCache<TileKey, Bytes>,
    bytes: usize,
}

/// The tile cache of one data folder.
pub struct TileCache {
    memory: Mutex<Memory>,
    max_bytes: usize,
    /// `<data>/tiles`, when tiles are kept on disk
    root: Option<PathBuf>,
    /// the newest version swept for, per dataset
    swept: Mutex<HashMap<Slug, u32>>,
}

impl TileCache {
    /// A cache of at most `memory_bytes` in memory (0: none) and, if `disk`, the folder
    /// `tiles` under `data_dir`.
    pub fn new(data_dir: &Path, memory_bytes: u64, disk: bool) -> TileCache {
        TileCache {
            memory: Mutex::new(Memory { lru: LruCache::unbounded(), bytes: 0 }),
            max_bytes: usize::try_from(memory_bytes).unwrap_or(usize::MAX),
            root: disk.then(|| data_dir.join("tiles")),
            swept: Mutex::default(),
        }
    }

    /// A tile from memory: never blocks on the disk.
    pub fn get(&self, key: &TileKey) -> Option<Bytes> {
        if self.max_bytes == 0 {
            return None;
        }
        self.memory.lock().unwrap_or_else(|e| e.into_inner()).lru.get(key).cloned()
    }

    /// A tile from disk, or else made by `make` and written to disk; kept in memory
    /// either way. Blocking: call it off the async runtime.
    pub fn fill<E>(&self, key: &TileKey, make: impl FnOnce() -> Result<Vec<u8>, E>) -> Result<Bytes, E> {
        let path = self.root.as_ref().map(|root| path(root, key));
        if path.is_some() {
            self.sweep(key);
        }
        let bytes = match path.as_ref().and_then(|p| std::fs::read(p).ok()) {
            Some(bytes) => Bytes::from(bytes),
            None => {
                let bytes = Bytes::from(make()?);
                if let Some(path) = &path {
                    if let Err(e) = write_atomically(path, &bytes) {
                        tracing::warn!(path = %path.display(), error = %e, "a tile could not be cached on disk");
                    }
                }
                bytes
            }
        };
        self.remember(key, &bytes);
        Ok(bytes)
    }

    /// Keep a tile in memory, dropping the least recently used past the bound.
    fn remember(&self, key: &TileKey, bytes: &Bytes) {
        let size = bytes.len() + ENTRY_OVERHEAD;
        if size > self.max_bytes {
            return;
        }
        let mut m = self.memory.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = m.lru.put(key.clone(), bytes.clone()) {
            m.bytes -= old.len() + ENTRY_OVERHEAD;
        }
        m.bytes += size;
        while m.bytes > self.max_bytes {
            let Some((_, old)) = m.lru.pop_lru() else { break };
            m.bytes -= old.len() + ENTRY_OVERHEAD;
        }
    }

    /// Remove the disk tiles of the dataset's versions older than `key`'s, the first
    /// time a tile of this version is asked for.
    fn sweep(&self, key: &TileKey) {
        let Some(root) = &self.root else { return };
        {
            let mut swept = self.swept.lock().unwrap_or_else(|e| e.into_inner());
            if swept.get(&key.dataset).is_some_and(|v| *v >= key.version) {
                return;
            }
            swept.insert(key.dataset.clone(), key.version);
        }
        let dir = root.join(key.dataset.as_str());
        let Ok(entries) = std::fs::read_dir(&dir) else { return };
        for entry in entries.flatten() {
            let old = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()).is_some_and(|v| v < key.version);
            if old {
                if let Err(e) = std::fs::remove_dir_all(entry.path()) {
                    tracing::warn!(path = %entry.path().display(), error = %e, "old tiles could not be removed");
                }
            }
        }
    }
}

/// Where a tile lies on disk.
fn path(root: &Path, k: &TileKey) -> PathBuf {
    root.join(k.dataset.as_str()).join(format!("{}/{}/{}/{}/{}.{}", k.version, k.tms, k.z, k.x, k.y, k.format.ext))
}

/// Write `bytes` to a temporary file beside `path`, then rename it into place.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp-{}-{n}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(version: u32, y: u32) -> TileKey {
        TileKey {
            dataset: Slug::new("kommuner").unwrap(),
            version,
            tms: "WebMercatorQuad",
            z: 10,
            x: 538,
            y,
            format: MVT,
        }
    }

    fn made(n: usize) -> Result<Vec<u8>, ()> {
        Ok(vec![7; n])
    }

    #[test]
    fn tiles_come_back_from_memory_and_disk() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TileCache::new(dir.path(), 1 << 20, true);
        assert!(cache.get(&key(1, 1)).is_none());
        assert_eq!(cache.fill(&key(1, 1), || made(10)).unwrap().len(), 10);
        assert_eq!(cache.get(&key(1, 1)).unwrap().len(), 10);
        let file = dir.path().join("tiles/kommuner/1/WebMercatorQuad/10/538/1.mvt");
        assert_eq!(std::fs::read(&file).unwrap(), vec![7; 10]);

        // a second cache on the same folder (another process) reads the disk
        let other = TileCache::new(dir.path(), 1 << 20, true);
        assert_eq!(other.fill(&key(1, 1), || Err("must not be cut again")).unwrap().len(), 10);
        let names: Vec<_> =
            std::fs::read_dir(file.parent().unwrap()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(names.len(), 1, "no temporary files left: {names:?}");
    }

    #[test]
    fn a_new_version_sweeps_the_older_ones_only() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TileCache::new(dir.path(), 0, true);
        for v in [1, 2, 4] {
            TileCache::new(dir.path(), 0, true).fill(&key(v, 1), || made(3)).unwrap();
        }
        cache.fill(&key(3, 1), || made(3)).unwrap();
        let mut left: Vec<String> = std::fs::read_dir(dir.path().join("tiles/kommuner"))
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["3", "4"]);
        assert!(cache.get(&key(3, 1)).is_none(), "memory cache off");
    }

    #[test]
    fn memory_is_bounded_by_bytes_least_recently_used_first() {
        let dir = tempfile::tempdir().unwrap();
        let cache = TileCache::new(dir.path(), 3 * (1000 + ENTRY_OVERHEAD as u64), false);
        for y in 0..3 {
            cache.fill(&key(1, y), || made(1000)).unwrap();
        }
        assert!(cache.get(&key(1, 0)).is_some()); // now the most recently used
        cache.fill(&key(1, 3), || made(1000)).unwrap();
        assert!(cache.get(&key(1, 1)).is_none(), "the least recently used went");
        assert!(cache.get(&key(1, 0)).is_some() && cache.get(&key(1, 3)).is_some());
        cache.fill(&key(1, 9), || made(1 << 20)).unwrap();
        assert!(cache.get(&key(1, 9)).is_none(), "a tile larger than the cache is not kept");
        assert!(!dir.path().join("tiles").exists(), "disk cache off");
    }
}
