//! What a search filters, counts and orders by, for every record, held in memory.
//!
//! A search reads the full-text index for the ids its words match (and their relevance)
//! and does the rest here: bounding box, ids, hidden records, the facet filters, the
//! facet counts and the order. SQLite answered the same from a covering index, but a
//! scan of 10,000 index rows per request was most of a search's time. The copy is made
//! again whenever the catalogue's generation (bumped in every write's transaction, by any
//! process) differs from the one it was made at.

use crate::error::{Error, Result};
use crate::record::Access;
use crate::search::FacetCount;
use lru::LruCache;
use rusqlite::Connection;
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

/// The facets, in the order of [`Row::facets`]: theme, organisation, kind, access.
pub(crate) const FACETS: usize = 4;

/// No value for a facet (a record without a theme).
pub(crate) const NONE: u32 = u32::MAX;

/// One record's searchable fields.
pub(crate) struct Row {
    /// the record's rowid (the full-text index's rowid too)
    pub id: i64,
    /// uuid
    pub uuid: Box<str>,
    /// the store dataset id, if any
    pub dataset: Option<Box<str>>,
    /// the index of each facet value in [`Browse::values`], or [`NONE`]
    pub facets: [u32; FACETS],
    /// west, south, east, north (EPSG:4258), if the record has an extent
    pub bbox: Option<[f64; 4]>,
    /// RFC 3339 time the record was made
    pub created: Box<str>,
    /// RFC 3339 time of its last change
    pub updated: Box<str>,
    /// its access constraint, unless the data is open
    pub access: Option<Access>,
}

/// Every record's searchable fields, in title order.
pub(crate) struct Browse {
    /// the catalogue generation this copy was made at
    pub generation: i64,
    /// the records by title
    pub rows: Vec<Row>,
    /// the position in `rows` of each rowid
    pub by_id: HashMap<i64, u32>,
    /// the distinct values of each facet
    pub values: [Vec<String>; FACETS],
    /// what recent full-text expressions matched at this generation (see [`Browse::matches`])
    matched: Mutex<LruCache<String, Matches>>,
}

/// The records a full-text expression matches, by position in [`Browse::rows`], each with
/// its relevance.
pub(crate) type Matches = Arc<Vec<(u32, f64)>>;

/// How many full-text expressions' matches a [`Browse`] keeps.
const MATCHES_KEPT: usize = 256;

/// The generation counter and its first value, for [`crate::db`]'s schema.
pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS generation (n INTEGER NOT NULL);
INSERT INTO generation (n) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM generation);
";

/// Mark a change to the records; run inside the writing transaction.
pub(crate) fn bump(conn: &Connection) -> Result<()> {
    conn.execute("UPDATE generation SET n = n + 1", [])?;
    Ok(())
}

/// The catalogue's generation as this connection sees it.
pub(crate) fn generation(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT n FROM generation", [], |r| r.get(0))?)
}

impl Browse {
    /// Read every record's searchable fields at generation `generation`.
    pub(crate) fn load(conn: &Connection, generation: i64) -> Result<Browse> {
        let mut stmt = conn.prepare(
            "SELECT id, uuid, dataset, theme, org, kind, access, west, south, east, north,
                    coalesce(json_extract(json, '$.created'), ''), updated,
                    CASE WHEN access IS NOT 'no restrictions' THEN json_extract(json, '$.access') END
             FROM records ORDER BY title, id",
        )?;
        let mut rows = Vec::new();
        let mut values: [Vec<String>; FACETS] = Default::default();
        let mut index: [HashMap<String, u32>; FACETS] = Default::default();
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            let mut facets = [NONE; FACETS];
            for (i, slot) in facets.iter_mut().enumerate() {
                if let Some(v) = r.get::<_, Option<String>>(3 + i)? {
                    *slot = *index[i].entry(v).or_insert_with_key(|v| {
                        values[i].push(v.clone());
                        (values[i].len() - 1) as u32
                    });
                }
            }
            let corners: [Option<f64>; 4] = [r.get(7)?, r.get(8)?, r.get(9)?, r.get(10)?];
            let bbox = match corners {
                [Some(w), Some(s), Some(e), Some(n)] => Some([w, s, e, n]),
                _ => None,
            };
            rows.push(Row {
                id: r.get(0)?,
                uuid: r.get::<_, String>(1)?.into(),
                dataset: r.get::<_, Option<String>>(2)?.map(Into::into),
                facets,
                bbox,
                created: r.get::<_, String>(11)?.into(),
                updated: r.get::<_, String>(12)?.into(),
                access: match r.get::<_, Option<String>>(13)? {
                    None => None,
                    // a plain constraint is a JSON string (`"login"`), which json_extract gives unquoted
                    Some(a) => Some(serde_json::from_str(&a).or_else(|_| serde_json::from_value(a.into())).map_err(
                        |e: serde_json::Error| Error::Corrupt {
                            uuid: r.get::<_, String>(1).unwrap_or_default(),
                            reason: e.to_string(),
                        },
                    )?),
                },
            });
        }
        let by_id = rows.iter().enumerate().map(|(i, r)| (r.id, i as u32)).collect();
        let matched = Mutex::new(LruCache::new(NonZeroUsize::new(MATCHES_KEPT).expect("not zero")));
        Ok(Browse { generation, rows, by_id, values, matched })
    }

    /// The records the full-text expression `expression` matches, with their relevance
    /// (the negated bm25 score, the title weighing most). The answer is kept for the next
    /// search with the same words until the catalogue changes, as Solr's query result
    /// cache does: the same few searches come again and again (the portal's front page,
    /// suggestions as a word is typed), and a word found in most records (`kart`) costs
    /// FTS5 a relevance computation per record, some 10–20 ms for 10,000.
    pub(crate) fn matches(&self, conn: &Connection, expression: &str) -> Result<Matches> {
        if let Some(m) = self.matched.lock().unwrap_or_else(|e| e.into_inner()).get(expression) {
            return Ok(m.clone());
        }
        let mut stmt = conn.prepare_cached(
            "SELECT rowid, -bm25(records_fts, 10.0, 2.0, 5.0, 1.0, 1.0) FROM records_fts WHERE records_fts MATCH ?1",
        )?;
        let rows = stmt.query_map([expression], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, f64>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, score) = row?;
            out.extend(self.by_id.get(&id).map(|i| (*i, score)));
        }
        let out = Arc::new(out);
        self.matched.lock().unwrap_or_else(|e| e.into_inner()).put(expression.to_string(), out.clone());
        Ok(out)
    }

    /// The index of `value` among facet `facet`'s values; `Err` when no record has it.
    pub(crate) fn value_index(&self, facet: usize, value: &str) -> std::result::Result<u32, ()> {
        self.values[facet].iter().position(|v| v == value).map(|i| i as u32).ok_or(())
    }

    /// Facet counts by value index as [`FacetCount`]s, the most frequent first (ties by value).
    pub(crate) fn ranked(&self, facet: usize, counts: &[u64]) -> Vec<FacetCount> {
        let mut out: Vec<FacetCount> = counts
            .iter()
            .zip(&self.values[facet])
            .filter(|(n, _)| **n > 0)
            .map(|(n, v)| FacetCount { value: v.clone(), count: *n })
            .collect();
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        out
    }
}
