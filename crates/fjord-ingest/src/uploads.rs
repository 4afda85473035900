//! Partner uploads: a file received over HTTP (in one piece or resumed by byte
//! offset), kept in `data/uploads/<id>/` with its state, validated in the background by
//! the same pipeline as the command line (into a scratch store, so nothing is served),
//! and published on request as a new version, also in the background. The state is a
//! JSON file replaced atomically, so uploads and their status survive a restart;
//! validations and publishes cut short by one are run again at start (a publish that
//! reached the store is recognised by the upload's id in the version's lineage, so it is
//! not published twice).
//!
//! Statuses are GeoNorge's upload service's: `Submitted` (received whole), `InProcess`
//! (being validated), `Valid`, `Invalid`; before those `Receiving`, after `Valid`
//! `Publishing` and `Published`.

use crate::dem::{ingest_dem, is_raster_file, DemRequest};
use crate::error::{Error, Result};
use crate::pipeline::{ingest, IngestRequest, Quiet};
use crate::source::SourceOptions;
use fjord_catalogue::Catalogue;
use fjord_core::Slug;
use fjord_store::Store;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where an upload is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// bytes are still coming (resumable from `received`)
    Receiving,
    /// received whole, waiting for validation
    Submitted,
    /// being validated
    InProcess,
    /// validated: it can be published
    Valid,
    /// refused by validation; the report says why
    Invalid,
    /// being published (asked for; runs in the background)
    Publishing,
    /// published as a new version
    Published,
}

/// One upload's state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Upload {
    /// its id
    pub id: String,
    /// the organisation it is for
    pub org: String,
    /// the dataset it is a new version of
    pub dataset: String,
    /// who sent it
    pub by: String,
    /// the file's name (checked: a plain name with a known extension)
    pub file_name: String,
    /// the whole file's size when the sender said it, else `None` (one piece)
    pub expected: Option<u64>,
    /// bytes received so far
    pub received: u64,
    /// where it is
    pub status: Status,
    /// the validation report (as the ingest writes it), or why it failed
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<serde_json::Value>,
    /// the version it became
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// when it was begun and last changed (RFC 3339)
    pub created: String,
    /// when it last changed
    pub updated: String,
}

/// The uploads of a data folder.
pub struct Uploads {
    dir: PathBuf,
    max_bytes: u64,
}

/// File name extensions an upload may have: the sources the ingest reads.
const EXTENSIONS: [&str; 16] = [
    "geojson", "json", "gpkg", "fgb", "gml", "sos", "sosi", "csv", "zip", "shp", "tif", "tiff", "asc", "xyz", "dem",
    "img",
];

/// Check an upload's file name: a plain name (no folders, no `..`), of a known type.
pub fn check_file_name(name: &str) -> Result<()> {
    let refuse = |why: &str| Err(Error::Upload(format!("file name '{name}': {why}")));
    if name.is_empty() || name.len() > 200 || name.starts_with('.') {
        return refuse("give a plain file name");
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)) {
        return refuse("only letters, digits, '.', '_' and '-' (no folders)");
    }
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    if !EXTENSIONS.contains(&ext.as_str()) {
        return refuse(&format!("not a source fjord reads (.{})", EXTENSIONS.join(", .")));
    }
    Ok(())
}

/// Write `bytes` to `path` atomically: a temporary file, fsynced, renamed over it.
fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    let io = |e: std::io::Error| Error::Unreadable(path.to_path_buf(), e.to_string());
    let mut f = std::fs::File::create(&tmp).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

impl Uploads {
    /// The uploads under `dir` (made if missing); a file may be at most `max_bytes`.
    pub fn open(dir: &Path, max_bytes: u64) -> Result<Uploads> {
        std::fs::create_dir_all(dir).map_err(|e| Error::Unreadable(dir.to_path_buf(), e.to_string()))?;
        Ok(Uploads { dir: dir.to_path_buf(), max_bytes })
    }

    fn folder(&self, id: &str) -> Result<PathBuf> {
        // ids are ours (hex); anything else names no upload
        if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::Upload(format!("no upload '{id}'")));
        }
        Ok(self.dir.join(id))
    }

    /// The file the bytes go to.
    pub fn file(&self, u: &Upload) -> Result<PathBuf> {
        Ok(self.folder(&u.id)?.join(&u.file_name))
    }

    /// Begin an upload of `file_name` for `org`'s `dataset`; `expected` is the whole
    /// size when it comes in pieces.
    pub fn create(
        &self,
        org: &Slug,
        dataset: &Slug,
        by: &str,
        file_name: &str,
        expected: Option<u64>,
    ) -> Result<Upload> {
        check_file_name(file_name)?;
        if let Some(n) = expected {
            self.check_size(n)?;
        }
        let id: String = uuid::Uuid::new_v4().simple().to_string();
        let folder = self.folder(&id)?;
        std::fs::create_dir_all(&folder).map_err(|e| Error::Unreadable(folder.clone(), e.to_string()))?;
        let now = fjord_core::now_rfc3339();
        let u = Upload {
            id,
            org: org.to_string(),
            dataset: dataset.to_string(),
            by: by.into(),
            file_name: file_name.into(),
            expected,
            received: 0,
            status: Status::Receiving,
            report: None,
            version: None,
            created: now.clone(),
            updated: now,
        };
        std::fs::File::create(self.file(&u)?).map_err(|e| Error::Unreadable(folder.clone(), e.to_string()))?;
        self.save(&u)?;
        Ok(u)
    }

    fn check_size(&self, n: u64) -> Result<()> {
        if n > self.max_bytes {
            return Err(Error::TooLarge { path: PathBuf::from("upload"), size: n, limit: self.max_bytes });
        }
        Ok(())
    }

    /// How many more bytes the upload may take.
    pub fn room(&self, u: &Upload) -> u64 {
        u.expected.unwrap_or(self.max_bytes).min(self.max_bytes).saturating_sub(u.received)
    }

    /// Record that the file now holds `len` bytes (the server appended them, fsynced);
    /// complete when it holds what was expected, or when it came in one piece.
    pub fn received(&self, mut u: Upload, len: u64, last: bool) -> Result<Upload> {
        self.check_size(len)?;
        u.received = len;
        if last || u.expected == Some(len) {
            if u.received == 0 {
                return Err(Error::EmptyFile(PathBuf::from(&u.file_name)));
            }
            if u.expected.is_some_and(|n| n != len) {
                return Err(Error::Upload(format!("{len} bytes of {} came", u.expected.unwrap_or(0))));
            }
            u.status = Status::Submitted;
        }
        u.updated = fjord_core::now_rfc3339();
        self.save(&u)?;
        Ok(u)
    }

    fn save(&self, u: &Upload) -> Result<()> {
        let json = serde_json::to_vec_pretty(u).map_err(|e| Error::Upload(e.to_string()))?;
        replace(&self.folder(&u.id)?.join("upload.json"), &json)
    }

    /// The upload `id`.
    pub fn get(&self, id: &str) -> Result<Upload> {
        let path = self.folder(id)?.join("upload.json");
        let text = std::fs::read(&path).map_err(|_| Error::Upload(format!("no upload '{id}'")))?;
        serde_json::from_slice(&text).map_err(|e| Error::Upload(format!("upload '{id}' is damaged: {e}")))
    }

    /// Uploads that were received but not validated, or asked to be published but not
    /// yet (after a restart: [`Uploads::advance`] each).
    pub fn pending(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(&self.dir).map_err(|e| Error::Unreadable(self.dir.clone(), e.to_string()))?.flatten()
        {
            let id = e.file_name().to_string_lossy().into_owned();
            if let Ok(u) = self.get(&id) {
                if matches!(u.status, Status::Submitted | Status::InProcess | Status::Publishing) {
                    out.push(id);
                }
            }
        }
        Ok(out)
    }

    /// Validate a received upload: ingest it into a scratch store beside it (so nothing
    /// is served) and keep the report; `Valid` or `Invalid`.
    pub fn validate(&self, id: &str, max_source_bytes: u64) -> Result<Upload> {
        let mut u = self.get(id)?;
        if !matches!(u.status, Status::Submitted | Status::InProcess) {
            return Ok(u);
        }
        u.status = Status::InProcess;
        self.save(&u)?;
        let scratch = self.folder(id)?.join("check");
        let _ = std::fs::remove_dir_all(&scratch);
        let outcome = (|| -> Result<serde_json::Value> {
            std::fs::create_dir_all(&scratch).map_err(|e| Error::Unreadable(scratch.clone(), e.to_string()))?;
            let store = Store::open(scratch.join("store"), 1)?;
            let catalogue = Catalogue::open(&scratch.join("catalogue.sqlite"))?;
            self.run(&u, &store, &catalogue, max_source_bytes)
        })();
        let _ = std::fs::remove_dir_all(&scratch);
        match outcome {
            Ok(report) => {
                u.status = Status::Valid;
                u.report = Some(report);
            }
            Err(e) => {
                u.status = Status::Invalid;
                u.report = Some(serde_json::json!({ "error": e.to_string() }));
            }
        }
        u.updated = fjord_core::now_rfc3339();
        self.save(&u)?;
        Ok(u)
    }

    /// Ingest the upload's file into `store`: the report.
    fn run(
        &self,
        u: &Upload,
        store: &Store,
        catalogue: &Catalogue,
        max_source_bytes: u64,
    ) -> Result<serde_json::Value> {
        let (dataset, org) = (Slug::new(&u.dataset)?, Slug::new(&u.org)?);
        let path = self.file(u)?;
        if is_raster_file(&path) || is_raster_zip(&path, max_source_bytes)? {
            let req = DemRequest {
                paths: vec![path],
                dataset,
                org,
                meta: None,
                vertical_datum: None,
                assume_crs: None,
                by: published_by(u),
            };
            let info = ingest_dem(store, catalogue, &req)?;
            return Ok(serde_json::json!({ "elevation": info.raster }));
        }
        let req = IngestRequest {
            source: SourceOptions { path, layer: None, crs: None, max_bytes: max_source_bytes },
            dataset,
            org,
            meta: None,
            by: published_by(u),
        };
        let outcome = ingest(store, catalogue, &req, &Quiet)?;
        serde_json::to_value(&outcome.report).map_err(|e| Error::Upload(e.to_string()))
    }

    /// Ask for a valid upload to be published: `Publishing`, for [`Uploads::advance`]
    /// to carry out; refused unless it is `Valid`.
    pub fn start_publish(&self, id: &str) -> Result<Upload> {
        let mut u = self.get(id)?;
        if u.status != Status::Valid {
            return Err(Error::Upload(format!("upload '{id}' is {:?}; only a Valid upload is published", u.status)));
        }
        u.status = Status::Publishing;
        u.updated = fjord_core::now_rfc3339();
        self.save(&u)?;
        Ok(u)
    }

    /// Carry an upload on from where it stands: validate one received, publish one asked
    /// to be published (unless the store already serves it: then only record that).
    /// Others are left as they are. A publish that fails leaves the upload `Valid` with
    /// the reason in its report, and the version served before still served.
    pub fn advance(&self, id: &str, store: &Store, catalogue: &Catalogue, max_source_bytes: u64) -> Result<Upload> {
        let mut u = self.get(id)?;
        match u.status {
            Status::Submitted | Status::InProcess => return self.validate(id, max_source_bytes),
            Status::Publishing => {}
            _ => return Ok(u),
        }
        let dataset = Slug::new(&u.dataset)?;
        let served = store.current(&dataset).ok().filter(|v| v.lineage.by == published_by(&u));
        let outcome = match served {
            Some(info) => Ok(info),
            None => self.run(&u, store, catalogue, max_source_bytes).and_then(|_| Ok(store.current(&dataset)?)),
        };
        match outcome {
            Ok(info) => {
                u.status = Status::Published;
                u.version = Some(info.version);
            }
            Err(e) => {
                u.status = Status::Valid;
                let report = u.report.get_or_insert_with(|| serde_json::json!({}));
                report["publish_error"] = e.to_string().into();
            }
        }
        u.updated = fjord_core::now_rfc3339();
        self.save(&u)?;
        Ok(u)
    }
}

/// Who a version published from upload `u` is by, in its lineage: the uploader, and the
/// upload's id (how a publish cut short is known to have reached the store).
fn published_by(u: &Upload) -> String {
    format!("{} (upload {})", u.by, u.id)
}

/// Whether a zip archive holds elevation rasters (rather than a vector source); one
/// expanding past `max_bytes` is refused.
fn is_raster_zip(path: &Path, max_bytes: u64) -> Result<bool> {
    if !crate::source::is_zip(path)? {
        return Ok(false);
    }
    Ok(crate::source::archive_entries(path, max_bytes)?.iter().any(|e| is_raster_file(Path::new(e))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_and_known() {
        for good in ["kommuner.gpkg", "dtm_10.tif", "n50-shape.zip"] {
            check_file_name(good).unwrap();
        }
        for bad in ["../etc/passwd.gpkg", "a/b.gpkg", ".hidden.gpkg", "run.sh", "", "x y.gpkg", "..\\\\x.zip"] {
            assert!(check_file_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_upload_resumes_survives_reopening_and_validates() {
        let dir = tempfile::tempdir().unwrap();
        let ups = Uploads::open(&dir.path().join("uploads"), 1 << 20).unwrap();
        let (org, ds) = (Slug::new("kartverket").unwrap(), Slug::new("punkter").unwrap());
        let source =
            std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/points.geojson")).unwrap();
        let u = ups.create(&org, &ds, "kari", "points.geojson", Some(source.len() as u64)).unwrap();
        assert!(ups.create(&org, &ds, "kari", "points.geojson", Some(2 << 20)).is_err(), "over the limit");
        // the first half, then (after a "restart") the rest
        let half = source.len() / 2;
        std::fs::write(ups.file(&u).unwrap(), &source[..half]).unwrap();
        let u = ups.received(u, half as u64, false).unwrap();
        assert_eq!((u.status, u.received), (Status::Receiving, half as u64));
        let ups = Uploads::open(&dir.path().join("uploads"), 1 << 20).unwrap();
        let u = ups.get(&u.id).unwrap();
        std::fs::write(ups.file(&u).unwrap(), &source).unwrap();
        let u = ups.received(u, source.len() as u64, false).unwrap();
        assert_eq!(u.status, Status::Submitted);
        assert_eq!(ups.pending().unwrap(), vec![u.id.clone()]);
        let u = ups.validate(&u.id, 1 << 20).unwrap();
        assert_eq!(u.status, Status::Valid, "{:?}", u.report);
        assert_eq!(u.report.as_ref().unwrap()["written"], 5, "{:?}", u.report);
        assert!(ups.pending().unwrap().is_empty());
        assert!(!dir.path().join("uploads").join(&u.id).join("check").exists(), "the scratch store is gone");
        assert!(ups.get("../../etc").is_err() && ups.get("zz").is_err());

        // publishing: asked for, carried on, and not done twice when a stop cut it short
        // after the store had it (the status still said Publishing)
        let store = Store::open(dir.path().join("store"), 3).unwrap();
        let catalogue = Catalogue::open(&dir.path().join("catalogue.sqlite")).unwrap();
        let u = ups.start_publish(&u.id).unwrap();
        assert_eq!((u.status, ups.pending().unwrap()), (Status::Publishing, vec![u.id.clone()]));
        assert!(ups.start_publish(&u.id).is_err(), "asked twice");
        let done = ups.advance(&u.id, &store, &catalogue, 1 << 20).unwrap();
        assert_eq!((done.status, done.version), (Status::Published, Some(1)));
        ups.save(&u).unwrap();
        let again = ups.advance(&u.id, &store, &catalogue, 1 << 20).unwrap();
        assert_eq!((again.status, again.version), (Status::Published, Some(1)), "recognised, not published again");
        assert_eq!(store.current(&ds).unwrap().version, 1);
    }
}
