//! Registers: code lists the catalogue keeps (counties, municipalities), each item a
//! code and a name with its status and validity, so that a municipal reform is a change
//! of data, not of code. They are filled from the boundary datasets whenever those are
//! published; the download service names its areas from them.

use crate::db::Catalogue;
use crate::error::Result;
use rusqlite::params;
use serde::Serialize;

/// The table the registers live in (created with the catalogue).
pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS register_items (
    register   TEXT NOT NULL,
    code       TEXT NOT NULL,
    name       TEXT NOT NULL,
    status     TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to   TEXT,
    PRIMARY KEY (register, code, name)
);
";

/// One entry of a register.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisterItem {
    /// the code (`03`, `0301`)
    pub code: String,
    /// its name while valid
    pub name: String,
    /// `valid` or `retired`
    pub status: String,
    /// the date (ISO 8601) it became valid
    pub valid_from: String,
    /// the date it was retired, if it was
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<String>,
}

impl RegisterItem {
    /// Whether the item is in force.
    pub fn is_valid(&self) -> bool {
        self.status == "valid"
    }
}

impl Catalogue {
    /// Make register `name` hold `current` (code, name) as its valid items on `today`
    /// (an ISO 8601 date): a code or name not there before is added, valid from today;
    /// a valid one no longer in `current` is retired, valid to today. Retired items stay.
    pub fn sync_register(&self, name: &str, current: &[(String, String)], today: &str) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let valid: Vec<(String, String)> = {
            let mut q = tx.prepare("SELECT code, name FROM register_items WHERE register = ?1 AND status = 'valid'")?;
            let rows = q.query_map([name], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (code, label) in valid.iter().filter(|item| !current.contains(item)) {
            tx.execute(
                "UPDATE register_items SET status = 'retired', valid_to = ?4
                 WHERE register = ?1 AND code = ?2 AND name = ?3",
                params![name, code, label, today],
            )?;
        }
        for (code, label) in current.iter().filter(|item| !valid.contains(item)) {
            tx.execute(
                "INSERT INTO register_items (register, code, name, status, valid_from) VALUES (?1, ?2, ?3, 'valid', ?4)
                 ON CONFLICT (register, code, name) DO UPDATE SET status = 'valid', valid_from = ?4, valid_to = NULL",
                params![name, code, label, today],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Every item of register `name` (valid and retired), by code, then newest first.
    pub fn register(&self, name: &str) -> Result<Vec<RegisterItem>> {
        let conn = self.conn();
        let mut q = conn.prepare(
            "SELECT code, name, status, valid_from, valid_to FROM register_items WHERE register = ?1
             ORDER BY code, valid_from DESC, status DESC",
        )?;
        let rows = q.query_map([name], |r| {
            Ok(RegisterItem {
                code: r.get(0)?,
                name: r.get(1)?,
                status: r.get(2)?,
                valid_from: r.get(3)?,
                valid_to: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reform_retires_and_adds() {
        let dir = tempfile::tempdir().unwrap();
        let c = Catalogue::open(&dir.path().join("c.sqlite")).unwrap();
        let item = |code: &str, name: &str| (code.to_string(), name.to_string());
        c.sync_register("kommune", &[item("3001", "Halden"), item("3002", "Moss")], "2020-01-01").unwrap();
        c.sync_register("kommune", &[item("3001", "Halden"), item("3002", "Moss")], "2021-01-01").unwrap();
        assert!(c.register("kommune").unwrap().iter().all(|i| i.is_valid() && i.valid_from == "2020-01-01"));
        // 2024: Halden gets a new number, Moss is renamed
        c.sync_register("kommune", &[item("3101", "Halden"), item("3002", "Mosse")], "2024-01-01").unwrap();
        let all = c.register("kommune").unwrap();
        let valid: Vec<_> = all.iter().filter(|i| i.is_valid()).map(|i| (i.code.as_str(), i.name.as_str())).collect();
        assert_eq!(valid, [("3002", "Mosse"), ("3101", "Halden")]);
        let retired: Vec<_> =
            all.iter().filter(|i| !i.is_valid()).map(|i| (&i.code[..], i.valid_to.as_deref())).collect();
        assert_eq!(retired, [("3001", Some("2024-01-01")), ("3002", Some("2024-01-01"))]);
        assert!(c.register("fylke").unwrap().is_empty());
    }
}
