//! `downloads.sqlite`: orders, their files, the job queue and the download counts.
//!
//! A file is one row, keyed by dataset version × area × EPSG × format (a polygon clip
//! by its ring), so it is made once however many orders ask for it; its status is the
//! job's: `queued`, `running`, `ready` or `error` (with the reason). The queue is the
//! rows waiting, oldest first; a restart puts the running ones back in line.

use crate::error::Result;
use crate::offer::{Area, Format};
use rusqlite::{params, Connection, OptionalExtension, Row};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS files (
    key         TEXT PRIMARY KEY,
    uuid        TEXT NOT NULL,
    record      TEXT NOT NULL,
    dataset     TEXT NOT NULL,
    version     INTEGER NOT NULL,
    area_kind   TEXT NOT NULL,
    area_code   TEXT NOT NULL,
    area_name   TEXT NOT NULL,
    coordinates TEXT,
    epsg        INTEGER NOT NULL,
    format      TEXT NOT NULL,
    name        TEXT NOT NULL,
    status      TEXT NOT NULL,
    message     TEXT,
    path        TEXT,
    size        INTEGER,
    sha256      TEXT,
    made        INTEGER,
    queued      INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS files_queue ON files(status, queued);
CREATE INDEX IF NOT EXISTS files_uuid ON files(uuid, version);
CREATE TABLE IF NOT EXISTS orders (
    ref             TEXT PRIMARY KEY,
    owner           TEXT,
    email           TEXT,
    usage_group     TEXT,
    software_client TEXT,
    created         INTEGER NOT NULL,
    bundle          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS orders_owner ON orders(owner, created);
CREATE TABLE IF NOT EXISTS order_files (
    ref           TEXT NOT NULL,
    file          TEXT NOT NULL,
    usage_purpose TEXT NOT NULL,
    PRIMARY KEY (ref, file)
);
CREATE TABLE IF NOT EXISTS served (
    record    TEXT NOT NULL,
    area_code TEXT NOT NULL,
    format    TEXT NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS served_record ON served(record);
CREATE TABLE IF NOT EXISTS clippers (
    id      TEXT PRIMARY KEY,
    ring    TEXT NOT NULL,
    created INTEGER NOT NULL
);
";

/// A file's status as GeoNorge's API names it, from the job's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// queued or being made
    Waiting,
    /// made, ready to download
    Ready,
    /// the job failed (the message says why)
    Error,
}

impl Status {
    /// `WaitingForProcessing`, `ReadyForDownload` or `Error`.
    pub fn api_name(self) -> &'static str {
        match self {
            Status::Waiting => "WaitingForProcessing",
            Status::Ready => "ReadyForDownload",
            Status::Error => "Error",
        }
    }

    fn of(state: &str) -> Status {
        match state {
            "ready" => Status::Ready,
            "error" => Status::Error,
            _ => Status::Waiting,
        }
    }
}

/// A file to make: which dataset version, area, projection and format.
#[derive(Clone, Debug, PartialEq)]
pub struct FileSpec {
    /// the dataset's metadata uuid
    pub record: String,
    /// the store dataset
    pub dataset: String,
    /// its version
    pub version: u32,
    /// the area (a polygon clip has type `polygon`, code `Kart`)
    pub area: Area,
    /// a polygon clip's ring in the storage CRS, `x y x y ...`
    pub coordinates: Option<String>,
    /// the EPSG code of the output
    pub epsg: u32,
    /// the format
    pub format: Format,
    /// the file name (`<Theme>_<areacode>_<areaname>_<epsg>_<Dataset>_<FORMAT>.zip`)
    pub name: String,
}

impl FileSpec {
    /// What the file is, as one key: version × area × EPSG × format.
    pub fn key(&self) -> String {
        let area = match &self.coordinates {
            Some(ring) => format!("polygon:{}", &hex_sha256(ring.as_bytes())[..32]),
            None => format!("{}:{}", self.area.kind, self.area.code),
        };
        format!("{}@{}/{area}/{}/{}", self.dataset, self.version, self.epsg, self.format.tag())
    }

    /// Its stable id: the same for every version of a dataset's area, projection and
    /// format (so feeds and syncing clients keep one link), a polygon clip's its own.
    pub fn uuid(&self) -> String {
        let stable = match &self.coordinates {
            Some(_) => self.key(),
            None => {
                format!("{}/{}:{}/{}/{}", self.dataset, self.area.kind, self.area.code, self.epsg, self.format.tag())
            }
        };
        uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, stable.as_bytes()).to_string()
    }
}

/// The SHA-256 of bytes, as hex.
pub(crate) fn hex_sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// A file as stored: what it is and how far its job has come.
#[derive(Clone, Debug)]
pub struct FileRow {
    /// what it is
    pub spec: FileSpec,
    /// its key
    pub key: String,
    /// its stable id
    pub uuid: String,
    /// its status
    pub status: Status,
    /// why the job failed
    pub message: Option<String>,
    /// the zip on disk, when made
    pub path: Option<PathBuf>,
    /// its size in bytes
    pub size: Option<u64>,
    /// its SHA-256, hex
    pub sha256: Option<String>,
    /// when it was made, seconds since the epoch
    pub made: Option<i64>,
}

const FILE_COLUMNS: &str = "key, uuid, record, dataset, version, area_kind, area_code, area_name, coordinates, epsg, \
                            format, name, status, message, path, size, sha256, made";

fn file_row(r: &Row) -> rusqlite::Result<FileRow> {
    let format: String = r.get(10)?;
    let state: String = r.get(12)?;
    Ok(FileRow {
        key: r.get(0)?,
        uuid: r.get(1)?,
        spec: FileSpec {
            record: r.get(2)?,
            dataset: r.get(3)?,
            version: r.get(4)?,
            area: Area { kind: r.get(5)?, code: r.get(6)?, name: r.get(7)? },
            coordinates: r.get(8)?,
            epsg: r.get(9)?,
            format: Format::parse(&format).unwrap_or(Format::GeoPackage),
            name: r.get(11)?,
        },
        status: Status::of(&state),
        message: r.get(13)?,
        path: r.get::<_, Option<String>>(14)?.map(PathBuf::from),
        size: r.get::<_, Option<i64>>(15)?.map(|s| s as u64),
        sha256: r.get(16)?,
        made: r.get(17)?,
    })
}

/// An order as taken.
#[derive(Clone, Debug, PartialEq)]
pub struct Order {
    /// the reference number
    pub reference: String,
    /// the user who ordered, `None` for an anonymous order
    pub owner: Option<String>,
    /// the email given
    pub email: Option<String>,
    /// the usage group given
    pub usage_group: Option<String>,
    /// the software client given
    pub software_client: Option<String>,
    /// when, seconds since the epoch
    pub created: i64,
    /// whether its files are to be packed in one zip
    pub bundle: bool,
}

/// A made file: where it is, its size and digest.
#[derive(Clone, Debug)]
pub struct Made {
    /// the zip
    pub path: PathBuf,
    /// bytes
    pub size: u64,
    /// SHA-256, hex
    pub sha256: String,
}

/// Counts of one dataset's orders and downloads.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Statistics {
    /// files ordered, per area, format, usage group and usage purpose
    pub ordered: Vec<serde_json::Value>,
    /// files served, per area and format
    pub downloaded: Vec<serde_json::Value>,
}

/// The downloads database: one SQLite file (WAL), one connection behind a mutex.
pub struct Db {
    conn: Mutex<Connection>,
}

/// The columns [`order_row`] reads.
const ORDER_COLUMNS: &str = "ref, owner, email, usage_group, software_client, created, bundle";

/// An order from a row of [`ORDER_COLUMNS`].
fn order_row(r: &rusqlite::Row) -> rusqlite::Result<Order> {
    Ok(Order {
        reference: r.get(0)?,
        owner: r.get(1)?,
        email: r.get(2)?,
        usage_group: r.get(3)?,
        software_client: r.get(4)?,
        created: r.get(5)?,
        bundle: r.get(6)?,
    })
}

impl Db {
    /// Open (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> Result<Db> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(SCHEMA)?;
        Ok(Db { conn: Mutex::new(conn) })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Take an order in one transaction: the order, its files (those not known yet
    /// queued; failed ones queued again) and which files it holds with their usage
    /// purpose. Returns the files' keys.
    pub fn place(&self, order: &Order, files: &[(FileSpec, String)], now: i64) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO orders (ref, owner, email, usage_group, software_client, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![order.reference, order.owner, order.email, order.usage_group, order.software_client, order.created],
        )?;
        for (spec, purpose) in files {
            queue_in(&tx, spec, now)?;
            tx.execute(
                "INSERT OR IGNORE INTO order_files (ref, file, usage_purpose) VALUES (?1, ?2, ?3)",
                params![order.reference, spec.key(), purpose],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Queue a file unless it is known (a failed one is queued again).
    pub fn queue(&self, spec: &FileSpec, now: i64) -> Result<()> {
        queue_in(&self.conn(), spec, now)
    }

    /// The order of a reference number.
    pub fn order(&self, reference: &str) -> Result<Option<Order>> {
        let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE ref = ?1");
        Ok(self.conn().query_row(&sql, [reference], order_row).optional()?)
    }

    /// The orders user `owner` placed, the newest first (at most `limit`).
    pub fn orders_of(&self, owner: &str, limit: usize) -> Result<Vec<Order>> {
        let conn = self.conn();
        let sql =
            format!("SELECT {ORDER_COLUMNS} FROM orders WHERE owner = ?1 ORDER BY created DESC, rowid DESC LIMIT ?2");
        let mut q = conn.prepare(&sql)?;
        let rows = q.query_map(params![owner, limit as i64], order_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The files of an order, in the order they were asked for.
    pub fn order_files(&self, reference: &str) -> Result<Vec<FileRow>> {
        let conn = self.conn();
        let sql = format!(
            "SELECT {} FROM order_files o JOIN files f ON f.key = o.file WHERE o.ref = ?1 ORDER BY o.rowid",
            FILE_COLUMNS.split(", ").map(|c| format!("f.{c}")).collect::<Vec<_>>().join(", ")
        );
        let mut q = conn.prepare(&sql)?;
        let rows = q.query_map([reference], file_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Mark an order to be packed in one zip.
    pub fn set_bundle(&self, reference: &str) -> Result<()> {
        self.conn().execute("UPDATE orders SET bundle = 1 WHERE ref = ?1", [reference])?;
        Ok(())
    }

    /// A file by key.
    pub fn file(&self, key: &str) -> Result<Option<FileRow>> {
        let sql = format!("SELECT {FILE_COLUMNS} FROM files WHERE key = ?1");
        Ok(self.conn().query_row(&sql, [key], file_row).optional()?)
    }

    /// The made files: key, dataset and version of each (what a sweep looks at).
    pub fn made(&self) -> Result<Vec<(String, String, u32)>> {
        let conn = self.conn();
        let mut q = conn.prepare("SELECT key, dataset, version FROM files WHERE path IS NOT NULL")?;
        let rows = q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Forget file `key` unless an order placed at `since` or later holds it (its links
    /// still work); whether it was forgotten.
    pub fn forget_unless_ordered_since(&self, key: &str, since: i64) -> Result<bool> {
        let n = self.conn().execute(
            "DELETE FROM files WHERE key = ?1 AND NOT EXISTS (
                 SELECT 1 FROM order_files o JOIN orders r ON r.ref = o.ref WHERE o.file = ?1 AND r.created >= ?2)",
            params![key, since],
        )?;
        Ok(n > 0)
    }

    /// Put the jobs a stop cut short back in the queue; how many.
    pub fn resume(&self) -> Result<usize> {
        Ok(self.conn().execute("UPDATE files SET status = 'queued' WHERE status = 'running'", [])?)
    }

    /// Take the oldest queued job, marking it running.
    pub fn claim(&self) -> Result<Option<FileRow>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let sql = format!("SELECT {FILE_COLUMNS} FROM files WHERE status = 'queued' ORDER BY queued, rowid LIMIT 1");
        let Some(row) = tx.query_row(&sql, [], file_row).optional()? else { return Ok(None) };
        tx.execute("UPDATE files SET status = 'running' WHERE key = ?1", [&row.key])?;
        tx.commit()?;
        Ok(Some(row))
    }

    /// Record how a job ended: made, or failed and why.
    pub fn finish(&self, key: &str, outcome: std::result::Result<Made, String>, now: i64) -> Result<()> {
        let conn = self.conn();
        match outcome {
            Ok(m) => conn.execute(
                "UPDATE files SET status = 'ready', message = NULL, path = ?2, size = ?3, sha256 = ?4, made = ?5
                 WHERE key = ?1",
                params![key, m.path.to_string_lossy(), m.size as i64, m.sha256, now],
            )?,
            Err(why) => {
                conn.execute("UPDATE files SET status = 'error', message = ?2 WHERE key = ?1", params![key, why])?
            }
        };
        Ok(())
    }

    /// Keep a validated clip polygon (its ring in the storage CRS) under an id.
    pub fn keep_clipper(&self, id: &str, ring: &str, now: i64) -> Result<()> {
        self.conn().execute(
            "INSERT OR IGNORE INTO clippers (id, ring, created) VALUES (?1, ?2, ?3)",
            params![id, ring, now],
        )?;
        Ok(())
    }

    /// The ring of a kept clip polygon.
    pub fn clipper(&self, id: &str) -> Result<Option<String>> {
        Ok(self.conn().query_row("SELECT ring FROM clippers WHERE id = ?1", [id], |r| r.get(0)).optional()?)
    }

    /// Count one file served.
    pub fn count_served(&self, file: &FileRow, now: i64) -> Result<()> {
        self.conn().execute(
            "INSERT INTO served (record, area_code, format, at) VALUES (?1, ?2, ?3, ?4)",
            params![file.spec.record, file.spec.area.code, file.spec.format.name(), now],
        )?;
        Ok(())
    }

    /// How often a dataset's files were ordered (per area, format, usage group and
    /// purpose) and served (per area and format).
    pub fn statistics(&self, record: &str) -> Result<Statistics> {
        let conn = self.conn();
        let mut q = conn.prepare(
            "SELECT f.area_code, f.format, COALESCE(o.usage_group, ''), of.usage_purpose, COUNT(*)
             FROM order_files of JOIN files f ON f.key = of.file JOIN orders o ON o.ref = of.ref
             WHERE f.record = ?1 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
        )?;
        let ordered = q
            .query_map([record], |r| {
                Ok(serde_json::json!({
                    "area": r.get::<_, String>(0)?, "format": r.get::<_, String>(1)?,
                    "usageGroup": r.get::<_, String>(2)?, "usagePurpose": r.get::<_, String>(3)?,
                    "count": r.get::<_, i64>(4)?,
                }))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut q = conn
            .prepare("SELECT area_code, format, COUNT(*) FROM served WHERE record = ?1 GROUP BY 1, 2 ORDER BY 1, 2")?;
        let downloaded = q
            .query_map([record], |r| {
                Ok(serde_json::json!({
                    "area": r.get::<_, String>(0)?, "format": r.get::<_, String>(1)?, "count": r.get::<_, i64>(2)?,
                }))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Statistics { ordered, downloaded })
    }
}

fn queue_in(conn: &Connection, spec: &FileSpec, now: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO files (key, uuid, record, dataset, version, area_kind, area_code, area_name, coordinates, epsg,
                            format, name, status, queued)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 'queued', ?13)
         ON CONFLICT (key) DO UPDATE SET status = 'queued', message = NULL, queued = ?13 WHERE status = 'error'",
        params![
            spec.key(),
            spec.uuid(),
            spec.record,
            spec.dataset,
            spec.version,
            spec.area.kind,
            spec.area.code,
            spec.area.name,
            spec.coordinates,
            spec.epsg,
            spec.format.tag(),
            spec.name,
            now
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(code: &str) -> FileSpec {
        FileSpec {
            record: "r".into(),
            dataset: "kommuner".into(),
            version: 1,
            area: Area { kind: "kommune".into(), code: code.into(), name: "Oslo".into() },
            coordinates: None,
            epsg: 25833,
            format: Format::GeoPackage,
            name: format!("x_{code}.zip"),
        }
    }

    fn order(reference: &str) -> Order {
        Order {
            reference: reference.into(),
            owner: None,
            email: None,
            usage_group: Some("Privatperson".into()),
            software_client: None,
            created: 0,
            bundle: false,
        }
    }

    #[test]
    fn a_file_is_made_once_and_a_crash_puts_its_job_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("downloads.sqlite");
        let db = Db::open(&path).unwrap();
        db.place(&order("a"), &[(spec("0301"), "Forskning".into())], 1).unwrap();
        db.place(&order("b"), &[(spec("0301"), "Beredskap".into()), (spec("3201"), String::new())], 2).unwrap();
        assert_eq!(db.order_files("b").unwrap().len(), 2);
        let job = db.claim().unwrap().unwrap();
        assert_eq!(job.spec, spec("0301"), "oldest first, one file for both orders");
        // the process dies with the job running; the next one queues it again
        drop(db);
        let db = Db::open(&path).unwrap();
        assert_eq!(db.resume().unwrap(), 1);
        let again = db.claim().unwrap().unwrap();
        assert_eq!(again.key, job.key);
        db.finish(&again.key, Err("GDAL could not write".into()), 3).unwrap();
        let failed = db.file(&again.key).unwrap().unwrap();
        assert_eq!((failed.status, failed.message.as_deref()), (Status::Error, Some("GDAL could not write")));
        // ordering a failed file again queues it again
        db.queue(&spec("0301"), 4).unwrap();
        assert_eq!(db.file(&again.key).unwrap().unwrap().status, Status::Waiting);
        let made = Made { path: "/x.zip".into(), size: 10, sha256: "ab".into() };
        let next = db.claim().unwrap().unwrap();
        db.finish(&next.key, Ok(made), 5).unwrap();
        assert_eq!(db.file(&next.key).unwrap().unwrap().status, Status::Ready);
        let stats = db.statistics("r").unwrap();
        assert_eq!(stats.ordered.len(), 3, "{:?}", stats.ordered);

        // a made file is forgotten only once no order with working links holds it
        assert_eq!(db.made().unwrap(), vec![(next.key.clone(), "kommuner".to_string(), 1)]);
        assert!(!db.forget_unless_ordered_since(&next.key, 0).unwrap(), "orders a and b still hold it");
        assert!(db.forget_unless_ordered_since(&next.key, 1).unwrap(), "their links ran out");
        assert!(db.made().unwrap().is_empty() && db.file(&next.key).unwrap().is_none());
    }

    #[test]
    fn keys_and_stable_ids() {
        let a = spec("0301");
        assert_eq!(a.key(), "kommuner@1/kommune:0301/25833/GPKG");
        let newer = FileSpec { version: 2, ..a.clone() };
        assert_ne!(a.key(), newer.key());
        assert_eq!(a.uuid(), newer.uuid(), "the same link across versions");
        let clip = FileSpec { coordinates: Some("0 0 1 0 1 1 0 0".into()), ..a.clone() };
        assert!(clip.key().contains("polygon:"));
        assert_ne!(clip.uuid(), a.uuid());
    }
}
