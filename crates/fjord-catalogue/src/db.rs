//! SQLite persistence of records and their full-text index.

use crate::error::{Error, Result};
use crate::fold::fold;
use crate::record::Record;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

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
    json    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS records_kind ON records(kind);
CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5(
    title, abstract, keywords, org, theme,
    tokenize = 'unicode61 remove_diacritics 2'
);
";

/// The catalogue database: one SQLite file (WAL mode), one connection behind a mutex.
pub struct Catalogue {
    conn: Mutex<Connection>,
}

impl Catalogue {
    /// Open (creating if needed) the catalogue at `path`.
    pub fn open(path: &Path) -> Result<Catalogue> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(crate::register::SCHEMA)?;
        Ok(Catalogue { conn: Mutex::new(conn) })
    }

    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Insert or replace a record (by uuid), in one transaction with its index entry.
    pub fn upsert(&self, r: &Record) -> Result<()> {
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
            "INSERT INTO records (uuid, kind, dataset, org, theme, title, updated, west, south, east, north, json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
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
                json
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

pub(crate) fn decode(uuid: &str, json: &str) -> Result<Record> {
    serde_json::from_str(json).map_err(|e| Error::Corrupt { uuid: uuid.to_string(), reason: e.to_string() })
}
