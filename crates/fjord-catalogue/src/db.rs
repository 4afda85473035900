//! SQLite persistence of records and their full-text index.

use crate::browse::Browse;
use crate::error::{Error, Result};
use crate::fold::fold;
use crate::kind::{Declared, Kind};
use crate::record::Record;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, TryLockError};

/// Catalogues made before records had an access column get it, filled from the JSON.
const ADD_ACCESS: &str = "
ALTER TABLE records ADD COLUMN access TEXT;
UPDATE records SET access = CASE json_extract(json, '$.access')
    WHEN 'open' THEN 'no restrictions' WHEN 'partners' THEN 'norway digital restricted' ELSE 'restricted' END;
";

/// Every column a search filters, counts or orders by but the JSON: searches read this
/// index in title order and never the records' JSON, but for the page they return.
const BROWSE_INDEX: &str = "CREATE INDEX IF NOT EXISTS records_browse
    ON records(title, kind, theme, org, access, west, south, east, north, updated, uuid);";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS records (
    id      INTEGER PRIMARY KEY,
    uuid    TEXT NOT NULL UNIQUE,
    kind    TEXT NOT NULL,
    dataset TEXT UNIQUE,
    org     TEXT NOT NULL,
    theme   TEXT,
    title   TEXT NOT NULL,
    updated TEXT NOT NULL,
    west REAL, south REAL, east REAL, north REAL,
    json    TEXT NOT NULL,
    -- the access constraint as GeoNorge names it (iso19139::access_constraint)
    access  TEXT
);
CREATE INDEX IF NOT EXISTS records_kind ON records(kind);
";

/// The full-text index, named `{name}`: words folded (see [`fold`]), prefixes of two to
/// four letters indexed as well, since every word of a search is matched as a prefix.
const FTS: &str = "CREATE VIRTUAL TABLE IF NOT EXISTS {name} USING fts5(
    title, abstract, keywords, org, theme,
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4'
);";

/// Catalogues whose full-text index has no prefix indexes get one, filled from the old.
const ADD_PREFIXES: &str = "
INSERT INTO records_fts_new (rowid, title, abstract, keywords, org, theme)
    SELECT rowid, title, abstract, keywords, org, theme FROM records_fts;
DROP TABLE records_fts;
ALTER TABLE records_fts_new RENAME TO records_fts;
";

/// The catalogue database: one SQLite file (WAL mode), one connection per core, each
/// behind a mutex, so searches on different cores read at once.
pub struct Catalogue {
    conns: Vec<Mutex<Connection>>,
    /// the record kinds portals declared, by name
    pub(crate) kinds: RwLock<HashMap<String, Arc<Declared>>>,
    /// what searches filter and count, kept in memory (see [`Browse`])
    pub(crate) browse: Mutex<Option<Arc<Browse>>>,
    /// where the next caller waits when every connection is busy
    next: AtomicUsize,
}

impl Catalogue {
    /// Open (creating if needed) the catalogue at `path`.
    pub fn open(path: &Path) -> Result<Catalogue> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 16);
        let mut conns = Vec::with_capacity(cores);
        for i in 0..cores {
            let conn = Connection::open(path)?;
            conn.busy_timeout(std::time::Duration::from_secs(10))?;
            // the whole catalogue of a country (tens of MB) stays in memory: mapped,
            // so every connection reads the same pages without copying them
            conn.pragma_update(None, "mmap_size", 1i64 << 30)?;
            conn.pragma_update(None, "cache_size", -16_384)?;
            if i == 0 {
                conn.pragma_update(None, "journal_mode", "WAL")?;
                conn.execute_batch(SCHEMA)?;
                conn.execute_batch(&FTS.replace("{name}", "records_fts"))?;
                migrate(&conn)?;
                conn.execute_batch(BROWSE_INDEX)?;
                conn.execute_batch(crate::register::SCHEMA)?;
                conn.execute_batch(crate::browse::SCHEMA)?;
            }
            conn.pragma_update(None, "synchronous", "FULL")?;
            conns.push(Mutex::new(conn));
        }
        Ok(Catalogue { conns, kinds: RwLock::default(), browse: Mutex::new(None), next: AtomicUsize::new(0) })
    }

    /// A free connection, or, when all are busy, the next one in turn once it is free.
    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        for c in &self.conns {
            match c.try_lock() {
                Ok(guard) => return guard,
                Err(TryLockError::Poisoned(e)) => return e.into_inner(),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.conns.len();
        self.conns[i].lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Declare a kind of record (again: replace its schema); records of it are checked
    /// against its schema from now on.
    pub fn declare(&self, kind: Kind) -> Result<()> {
        let declared = Declared::new(kind)?;
        self.kinds.write().unwrap_or_else(|e| e.into_inner()).insert(declared.kind.name.clone(), Arc::new(declared));
        Ok(())
    }

    /// The declared kinds, by name.
    pub fn kinds(&self) -> Vec<Kind> {
        let kinds = self.kinds.read().unwrap_or_else(|e| e.into_inner());
        let mut out: Vec<Kind> = kinds.values().map(|d| d.kind.clone()).collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// Whether a portal declared kind `name` (datasets and services are not declared).
    pub fn is_declared(&self, name: &str) -> bool {
        self.kinds.read().unwrap_or_else(|e| e.into_inner()).contains_key(name)
    }

    /// Check a record against its kind's schema, if its kind was declared.
    pub fn check(&self, r: &Record) -> Result<()> {
        let declared = self.kinds.read().unwrap_or_else(|e| e.into_inner()).get(&r.kind).cloned();
        declared.map_or(Ok(()), |d| d.check(r))
    }

    /// Insert or replace a record (by uuid), in one transaction with its index entry,
    /// once its kind's schema accepts it.
    pub fn upsert(&self, r: &Record) -> Result<()> {
        self.check(r)?;
        let json =
            serde_json::to_string(r).map_err(|e| Error::Corrupt { uuid: r.uuid.clone(), reason: e.to_string() })?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let old: Option<i64> =
            tx.query_row("SELECT id FROM records WHERE uuid = ?1", [&r.uuid], |row| row.get(0)).optional()?;
        if let Some(id) = old {
            tx.execute("DELETE FROM records_fts WHERE rowid = ?1", [id])?;
            tx.execute("DELETE FROM records WHERE id = ?1", [id])?;
        }
        let b = r.bbox;
        tx.execute(
            "INSERT INTO records (uuid, kind, dataset, org, theme, title, updated, west, south, east, north, json, access)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                r.uuid,
                r.kind,
                r.dataset,
                r.organisation.id,
                r.theme,
                r.title,
                r.updated,
                b.map(|b| b.west),
                b.map(|b| b.south),
                b.map(|b| b.east),
                b.map(|b| b.north),
                json,
                crate::iso19139::access_constraint(&r.access)
            ],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO records_fts (rowid, title, abstract, keywords, org, theme) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id,
                fold(&r.title),
                fold(&r.abstract_text),
                fold(&r.keywords.join(" ")),
                fold(&format!("{} {}", r.organisation.id, r.organisation.name)),
                fold(r.theme.as_deref().unwrap_or("")),
            ],
        )?;
        crate::browse::bump(&tx)?;
        tx.commit()?;
        Ok(())
    }

    /// Remove a record by uuid; true if it existed.
    pub fn delete(&self, uuid: &str) -> Result<bool> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let old: Option<i64> =
            tx.query_row("SELECT id FROM records WHERE uuid = ?1", [uuid], |row| row.get(0)).optional()?;
        if let Some(id) = old {
            tx.execute("DELETE FROM records_fts WHERE rowid = ?1", [id])?;
            tx.execute("DELETE FROM records WHERE id = ?1", [id])?;
        }
        crate::browse::bump(&tx)?;
        tx.commit()?;
        Ok(old.is_some())
    }

    /// One record by uuid.
    pub fn get(&self, uuid: &str) -> Result<Option<Record>> {
        let json: Option<String> =
            self.conn().query_row("SELECT json FROM records WHERE uuid = ?1", [uuid], |row| row.get(0)).optional()?;
        json.map(|j| decode(uuid, &j)).transpose()
    }

    /// The record of a store dataset.
    pub fn by_dataset(&self, dataset: &str) -> Result<Option<Record>> {
        let row: Option<(String, String)> = self
            .conn()
            .query_row("SELECT uuid, json FROM records WHERE dataset = ?1", [dataset], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        row.map(|(u, j)| decode(&u, &j)).transpose()
    }

    /// The dataset ids that have records.
    pub fn datasets(&self) -> Result<Vec<String>> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT dataset FROM records WHERE dataset IS NOT NULL ORDER BY dataset")?;
        let rows = stmt.query_map([], |row| row.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
    }

    /// Number of records of each kind.
    pub fn counts(&self) -> Result<Vec<(String, u64)>> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT kind, count(*) FROM records GROUP BY kind ORDER BY kind")?;
        let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

/// Add what older catalogues lack, once, under a write lock so two processes opening the
/// same catalogue do not both add it.
fn migrate(conn: &Connection) -> Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    let done = (|| {
        let has_access: bool =
            conn.query_row("SELECT count(*) FROM pragma_table_info('records') WHERE name = 'access'", [], |r| {
                r.get(0)
            })?;
        if !has_access {
            conn.execute_batch(ADD_ACCESS)?;
        }
        let fts: String =
            conn.query_row("SELECT sql FROM sqlite_master WHERE name = 'records_fts'", [], |r| r.get(0))?;
        if !fts.contains("prefix") {
            conn.execute_batch(&FTS.replace("{name}", "records_fts_new"))?;
            conn.execute_batch(ADD_PREFIXES)?;
        }
        Ok::<_, rusqlite::Error>(())
    })();
    conn.execute_batch(if done.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
    Ok(done?)
}

pub(crate) fn decode(uuid: &str, json: &str) -> Result<Record> {
    serde_json::from_str(json).map_err(|e| Error::Corrupt { uuid: uuid.to_string(), reason: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::testing::record;
    use crate::{FacetCount, SearchQuery};

    #[test]
    fn older_catalogues_are_brought_up_to_date() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite");
        {
            let c = Catalogue::open(&path).unwrap();
            let mut closed = record("flom", "Flomsoner", "nve", "Samfunnssikkerhet", &[], (5.0, 58.0, 12.0, 62.0));
            closed.access = crate::Access::Partners;
            c.upsert(&closed).unwrap();
            c.upsert(&record("fylker", "Fylker", "kartverket", "Basis geodata", &[], (4.0, 57.0, 31.0, 71.0))).unwrap();
        }
        // the layout before the access column, the generation and the prefix indexes
        Connection::open(&path)
            .unwrap()
            .execute_batch(
                "DROP INDEX records_browse; ALTER TABLE records DROP COLUMN access; DROP TABLE generation;
                 CREATE VIRTUAL TABLE old USING fts5(title, abstract, keywords, org, theme,
                     tokenize = 'unicode61 remove_diacritics 2');
                 INSERT INTO old (rowid, title, abstract, keywords, org, theme)
                     SELECT rowid, title, abstract, keywords, org, theme FROM records_fts;
                 DROP TABLE records_fts; ALTER TABLE old RENAME TO records_fts;",
            )
            .unwrap();
        let c = Catalogue::open(&path).unwrap();
        let fts: String =
            c.conn().query_row("SELECT sql FROM sqlite_master WHERE name = 'records_fts'", [], |r| r.get(0)).unwrap();
        assert!(fts.contains("prefix"), "{fts}");
        let text = SearchQuery { q: Some("flo".into()), limit: 10, ..SearchQuery::default() };
        assert_eq!(c.search(&text).unwrap().total, 1);
        let all = c.search(&SearchQuery { limit: 10, ..SearchQuery::default() }).unwrap();
        let count = |value: &str| FacetCount { value: value.into(), count: 1 };
        assert_eq!(all.facets.access, [count("no restrictions"), count("norway digital restricted")]);
        assert_eq!(c.restricted().unwrap().len(), 1);
        // opening it again changes nothing
        drop(c);
        assert_eq!(
            Catalogue::open(&path).unwrap().search(&SearchQuery { limit: 10, ..SearchQuery::default() }).unwrap().total,
            2
        );
    }
}
