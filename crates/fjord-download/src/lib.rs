//! fjord-download: the bulk download service, as GeoNorge's Download API serves it.
//!
//! A dataset offers areas (the whole country `0000`, each county, each municipality,
//! named from the catalogue's registers, and for elevation map-sheet cells, [`cells`]),
//! projections and formats ([`offer`]). An order
//! ([`order`]) is checked whole against that offer and the access policy before anything
//! is queued; each of its files is a job in the persistent queue of `downloads.sqlite`
//! ([`db`]), keyed by dataset version × area × EPSG × format so it is made once. Workers
//! ([`queue`]) cut the features to the area from the store's own boundary datasets
//! ([`areas`], [`clip`]), write the format with GDAL ([`write`]) and zip it with its
//! metadata and license ([`job`], [`package`]). A clip polygon may come as a file
//! ([`clipper`]). [`api`] gives the GeoNorge JSON shapes and
//! [`atom`] the INSPIRE ATOM feeds. Knows nothing of HTTP or rendering.

pub mod api;
pub mod areas;
pub mod atom;
pub mod cells;
pub mod clip;
pub mod clipper;
pub mod db;
mod error;
mod job;
pub mod offer;
pub mod order;
pub mod package;
pub mod queue;
pub mod write;

pub use error::{Error, Result};

use fjord_catalogue::Catalogue;
use fjord_store::Store;
use std::path::PathBuf;
use std::sync::Arc;

/// How the download service runs.
#[derive(Clone, Debug)]
pub struct Settings {
    /// the folder of `downloads.sqlite` and the made files
    pub dir: PathBuf,
    /// job workers (0: this process only takes orders)
    pub workers: usize,
    /// seconds a download link works after the order
    pub link_secs: u64,
    /// the EPSG codes downloads are offered in
    pub projections: Vec<u32>,
    /// the largest clip polygon, km²
    pub max_clip_km2: f64,
    /// the most files one order may ask for
    pub max_files: usize,
    /// where counties and municipalities are found
    pub boundaries: Vec<areas::Boundary>,
}

/// The download service: the store and catalogue it reads, its database and queue.
pub struct Downloads {
    /// orders, files and counts
    pub db: db::Db,
    /// the store
    pub store: Arc<Store>,
    /// the catalogue
    pub catalogue: Arc<Catalogue>,
    /// how it runs
    pub settings: Settings,
    queue: queue::Queue,
    /// held while a bundle is packed, so two first downloads do not pack it at once
    packing: std::sync::Mutex<()>,
    /// per elevation dataset version, the codes of the map-sheet cells that hold heights
    /// (looked for once, not on every codelist or order)
    cells: std::sync::Mutex<std::collections::HashMap<(String, u32), CellCodes>>,
}

/// The codes of the map-sheet cells that hold heights, shared.
type CellCodes = Arc<std::collections::HashSet<String>>;

impl Downloads {
    /// Open the service in `settings.dir` (created if needed): a crash's leftovers
    /// (half-made files) are removed, its running jobs go back in the queue, and files of
    /// versions no longer kept are swept ([`Downloads::sweep`]). Start the workers with
    /// [`Downloads::start`].
    pub fn open(store: Arc<Store>, catalogue: Arc<Catalogue>, settings: Settings) -> Result<Downloads> {
        std::fs::create_dir_all(settings.dir.join("files"))?;
        let work = settings.dir.join("work");
        if work.exists() {
            std::fs::remove_dir_all(&work)?;
        }
        let db = db::Db::open(&settings.dir.join("downloads.sqlite"))?;
        let resumed = db.resume()?;
        if resumed > 0 {
            tracing::info!(resumed, "download jobs a stop cut short are queued again");
        }
        let downloads = Downloads {
            db,
            store,
            catalogue,
            settings,
            queue: queue::Queue::default(),
            packing: Default::default(),
            cells: Default::default(),
        };
        downloads.sweep_logged();
        Ok(downloads)
    }

    /// Remove the files made from dataset versions the store no longer keeps, unless an
    /// order whose links still work holds them; how many were removed. The row goes
    /// first, then the folder (a stop between leaves a folder no row names, never a row
    /// naming a missing file).
    pub fn sweep(&self) -> Result<usize> {
        let since = now() - i64::try_from(self.settings.link_secs).unwrap_or(i64::MAX);
        let mut kept: std::collections::HashMap<String, Vec<u32>> = std::collections::HashMap::new();
        let mut removed = 0;
        for (key, dataset, version) in self.db.made()? {
            let versions = kept.entry(dataset.clone()).or_insert_with(|| {
                let slug = fjord_core::Slug::new(&dataset).ok();
                let found = slug.and_then(|s| self.store.versions(&s).ok()).unwrap_or_default();
                found.iter().map(|v| v.version).collect()
            });
            if !versions.contains(&version) && self.db.forget_unless_ordered_since(&key, since)? {
                let _ = std::fs::remove_dir_all(self.file_dir(&key));
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// [`Downloads::sweep`], its outcome logged.
    pub fn sweep_logged(&self) {
        match self.sweep() {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "download files of versions no longer kept are removed"),
            Err(e) => tracing::warn!(error = %e, "the download files could not be swept"),
        }
    }

    /// Where the made files of one key go.
    pub(crate) fn file_dir(&self, key: &str) -> PathBuf {
        self.settings.dir.join("files").join(&db::hex_sha256(key.as_bytes())[..24])
    }

    /// The scratch folder of one job.
    pub(crate) fn work_dir(&self, key: &str) -> PathBuf {
        self.settings.dir.join("work").join(&db::hex_sha256(key.as_bytes())[..24])
    }
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}
