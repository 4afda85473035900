//! The audit log: who did what, when, from where, and how it went. Append-only (the
//! database refuses updates and deletes of it).

use crate::db::Identities;
use crate::error::Result;
use rusqlite::params_from_iter;
use serde::Serialize;

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AuditEntry {
    /// when (RFC 3339)
    pub at: String,
    /// the user, client or `-`
    pub who: String,
    /// what kind of act: login, token, upload, publish, rollback, read, ...
    pub action: String,
    /// what it was done to
    pub what: String,
    /// the client's address
    pub source: String,
    /// `ok`, or `refused: why`
    pub outcome: String,
}

impl AuditEntry {
    /// An entry made now.
    pub fn new(who: &str, action: &str, what: &str, source: &str, outcome: &str) -> AuditEntry {
        AuditEntry {
            at: fjord_core::now_rfc3339(),
            who: who.into(),
            action: action.into(),
            what: what.into(),
            source: source.into(),
            outcome: outcome.into(),
        }
    }
}

/// Which entries to read: all filters optional, newest first.
#[derive(Clone, Debug, Default)]
pub struct AuditQuery {
    /// only this user or client
    pub who: Option<String>,
    /// only this kind of act
    pub action: Option<String>,
    /// only from this time on (RFC 3339)
    pub since: Option<String>,
    /// at most this many (default 100)
    pub limit: Option<usize>,
}

impl Identities {
    /// Append an entry.
    pub fn audit(&self, e: &AuditEntry) -> Result<()> {
        self.conn().execute(
            "INSERT INTO audit (at, who, action, what, source, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            [&e.at, &e.who, &e.action, &e.what, &e.source, &e.outcome],
        )?;
        Ok(())
    }

    /// The entries `q` asks for, newest first.
    pub fn audit_log(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        let mut sql = String::from("SELECT at, who, action, what, source, outcome FROM audit WHERE 1 = 1");
        let mut args: Vec<String> = Vec::new();
        for (column, op, value) in [("who", "=", &q.who), ("action", "=", &q.action), ("at", ">=", &q.since)] {
            if let Some(v) = value {
                args.push(v.clone());
                sql.push_str(&format!(" AND {column} {op} ?{}", args.len()));
            }
        }
        sql.push_str(&format!(" ORDER BY id DESC LIMIT {}", q.limit.unwrap_or(100).min(10_000)));
        let conn = self.conn();
        let mut st = conn.prepare(&sql)?;
        let rows = st.query_map(params_from_iter(args.iter()), |r| {
            Ok(AuditEntry {
                at: r.get(0)?,
                who: r.get(1)?,
                action: r.get(2)?,
                what: r.get(3)?,
                source: r.get(4)?,
                outcome: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_only_grows() {
        let (_dir, ids) = crate::db::scratch();
        ids.audit(&AuditEntry::new("kari", "publish", "fylker v3", "10.0.0.1", "ok")).unwrap();
        ids.audit(&AuditEntry::new("ola", "login", "password", "10.0.0.2", "refused: wrong password")).unwrap();
        let all = ids.audit_log(&AuditQuery::default()).unwrap();
        assert_eq!(all.iter().map(|e| e.who.as_str()).collect::<Vec<_>>(), ["ola", "kari"], "newest first");
        let q = AuditQuery { action: Some("publish".into()), ..Default::default() };
        assert_eq!(ids.audit_log(&q).unwrap().len(), 1);
        assert!(ids.conn().execute("DELETE FROM audit", []).is_err(), "no deleting");
        assert!(ids.conn().execute("UPDATE audit SET outcome = 'ok'", []).is_err(), "no rewriting");
    }
}
