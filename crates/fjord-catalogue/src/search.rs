//! Ranked full-text search with filters and facet counts.

use crate::db::{decode, Catalogue};
use crate::error::{Error, Result};
use crate::fold::match_expression;
use crate::record::{GeoBox, Record};
use rusqlite::types::{Value as Sql, ValueRef};
use serde::Serialize;
use std::collections::HashMap;

/// The most hits one page may hold.
pub const MAX_LIMIT: usize = 1000;

/// A part of a record whose text can be searched alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextField {
    /// the title
    Title,
    /// the abstract
    Abstract,
    /// the keywords and the theme
    Subject,
    /// the owner organisation's id and name
    Organisation,
}

impl TextField {
    /// The full-text index columns it covers.
    fn columns(self) -> &'static str {
        match self {
            TextField::Title => "title",
            TextField::Abstract => "abstract",
            TextField::Subject => "keywords theme",
            TextField::Organisation => "org",
        }
    }
}

/// A catalogue search. Empty `q` lists everything (by title).
#[derive(Clone, Debug, Default)]
pub struct SearchQuery {
    /// free text, Norwegian or English; every word must match (as a prefix)
    pub q: Option<String>,
    /// only this theme
    pub theme: Option<String>,
    /// only this owner organisation id
    pub org: Option<String>,
    /// only this record kind
    pub kind: Option<String>,
    /// only this access constraint, as GeoNorge names it ([`crate::iso19139::access_constraint`]):
    /// `no restrictions`, `norway digital restricted` or `restricted`
    pub access: Option<String>,
    /// only records whose extent intersects this box (EPSG:4258)
    pub bbox: Option<GeoBox>,
    /// text that must stand in one field each, every word matched as a prefix like `q`
    pub fields: Vec<(TextField, String)>,
    /// only records with one of these uuids or store dataset ids (none: any)
    pub ids: Vec<String>,
    /// page size, 1..=1000
    pub limit: usize,
    /// hits to skip
    pub offset: usize,
    /// records to leave out (by uuid), whatever else matches: those the caller may not
    /// see where restricted records are hidden
    pub hidden: Vec<String>,
    /// the order of the hits
    pub order: Order,
}

/// How hits are ordered; ties go by title.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    /// the best match first (by title without a text query)
    #[default]
    Relevance,
    /// by title
    Title,
    /// by owner organisation
    Organisation,
    /// the record made last first
    Newest,
    /// the record changed last first
    Updated,
}

impl Order {
    /// Every order with its name in Kartkatalog's `orderby`.
    pub const NAMES: [(&'static str, Order); 5] = [
        ("score", Order::Relevance),
        ("title", Order::Title),
        ("organization", Order::Organisation),
        ("newest", Order::Newest),
        ("updated", Order::Updated),
    ];

    /// An order by its Kartkatalog name (empty: relevance), or what is wrong.
    pub fn parse(name: &str) -> std::result::Result<Order, String> {
        match name {
            "" => Ok(Order::Relevance),
            _ => Order::NAMES.iter().find(|(n, _)| *n == name).map(|(_, o)| *o).ok_or_else(|| {
                format!("orderby '{name}' is not known; use score, title, organization, newest or updated")
            }),
        }
    }

    /// The SQL ORDER BY of this order (`score` is the relevance column).
    fn sql(self, text: bool) -> &'static str {
        match self {
            Order::Relevance if text => "score DESC, r.title",
            Order::Relevance | Order::Title => "r.title",
            Order::Organisation => "r.org, r.title",
            Order::Newest => "json_extract(r.json, '$.created') DESC, r.title",
            Order::Updated => "r.updated DESC, r.title",
        }
    }
}

/// One hit: the record and its relevance (higher is better; 0 without a text query).
#[derive(Clone, Debug, Serialize)]
pub struct Hit {
    /// relevance, the negated bm25 score
    pub score: f64,
    /// the record
    pub record: Record,
}

/// How many hits carry one facet value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FacetCount {
    /// the value
    pub value: String,
    /// hits with it
    pub count: u64,
}

/// Facet counts. Each facet is counted with every filter applied except its own, so a
/// client can show the alternatives to the value it picked.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Facets {
    /// per theme
    pub theme: Vec<FacetCount>,
    /// per owner organisation id
    pub org: Vec<FacetCount>,
    /// per record kind
    pub kind: Vec<FacetCount>,
    /// per access constraint, as GeoNorge names it
    pub access: Vec<FacetCount>,
}

/// A page of hits with the total and the facets.
#[derive(Clone, Debug, Serialize)]
pub struct SearchResult {
    /// all hits matching, over all pages
    pub total: u64,
    /// the page size asked
    pub limit: usize,
    /// the hits skipped
    pub offset: usize,
    /// this page
    pub hits: Vec<Hit>,
    /// facet counts
    pub facets: Facets,
}

/// FROM and WHERE of a search, with its parameters; the facet filters (theme,
/// organisation, kind, access) only with `facets`. With text the full-text index is read first
/// and each match joined to its record, so that no filter's index can make SQLite run
/// the full-text match once per record.
fn from_where(q: &SearchQuery, text: Option<&str>, facets: bool) -> (String, Vec<Sql>) {
    let mut sql = String::from(" FROM records r");
    let mut conds = Vec::new();
    let mut params = Vec::new();
    if let Some(m) = text {
        sql = " FROM records_fts CROSS JOIN records r ON r.id = records_fts.rowid".to_string();
        conds.push("records_fts MATCH ?".to_string());
        params.push(Sql::Text(m.to_string()));
    }
    if facets {
        for (column, value) in FACETS.iter().zip(facet_values(q)) {
            if let Some(v) = value {
                conds.push(format!("{column} = ?"));
                params.push(Sql::Text(v.to_string()));
            }
        }
    }
    if let Some(b) = q.bbox {
        conds.push("r.west <= ? AND r.east >= ? AND r.south <= ? AND r.north >= ?".to_string());
        params.extend([b.east, b.west, b.north, b.south].map(Sql::Real));
    }
    if !q.ids.is_empty() {
        let list = vec!["?"; q.ids.len()].join(", ");
        conds.push(format!("(r.uuid IN ({list}) OR r.dataset IN ({list}))"));
        params.extend(q.ids.iter().chain(&q.ids).cloned().map(Sql::Text));
    }
    if !q.hidden.is_empty() {
        conds.push(format!("r.uuid NOT IN ({})", vec!["?"; q.hidden.len()].join(", ")));
        params.extend(q.hidden.iter().cloned().map(Sql::Text));
    }
    if !conds.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conds.join(" AND "));
    }
    (sql, params)
}

/// The facet columns, in the order of [`facet_values`].
const FACETS: [&str; 4] = ["r.theme", "r.org", "r.kind", "r.access"];

/// The value a query asks of each facet (theme, organisation, kind, access), if any.
fn facet_values(q: &SearchQuery) -> [Option<&str>; 4] {
    [q.theme.as_deref(), q.org.as_deref(), q.kind.as_deref(), q.access.as_deref()]
}

/// A text column's value; `None` for NULL.
fn text_value(v: ValueRef<'_>) -> Option<&str> {
    match v {
        ValueRef::Text(t) => std::str::from_utf8(t).ok(),
        _ => None,
    }
}

/// Facet counts, the most frequent first (ties by value).
fn ranked(counts: HashMap<String, u64>) -> Vec<FacetCount> {
    let mut out: Vec<FacetCount> = counts.into_iter().map(|(value, count)| FacetCount { value, count }).collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    out
}

/// The FTS5 expression of a query's free text and field texts, all required; `None`
/// when they hold no words.
fn text_expression(q: &SearchQuery) -> Option<String> {
    let any = q.q.as_deref().and_then(match_expression);
    let fields =
        q.fields.iter().filter_map(|(f, text)| Some(format!("{{{}}} : ({})", f.columns(), match_expression(text)?)));
    let parts: Vec<String> = any.into_iter().chain(fields).collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

impl Catalogue {
    /// The records that are not open data, with their access constraints.
    pub fn restricted(&self) -> Result<Vec<(String, crate::record::Access)>> {
        let conn = self.conn();
        let mut st = conn.prepare("SELECT uuid, json FROM records WHERE access IS NOT 'no restrictions'")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (uuid, json) = row?;
            let record = decode(&uuid, &json)?;
            out.push((uuid, record.access));
        }
        Ok(out)
    }

    /// Search the catalogue.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResult> {
        if q.limit == 0 || q.limit > MAX_LIMIT {
            return Err(Error::BadQuery(format!("limit must be between 1 and {MAX_LIMIT}")));
        }
        let text = text_expression(q);
        let conn = self.conn();

        // The total and the facets in one pass over the records that meet every condition
        // but the facet filters: a record counts in the total when it passes all four,
        // and in a facet when it passes the other three.
        let (fw, params) = from_where(q, text.as_deref(), false);
        let wanted = facet_values(q);
        let mut counts: [HashMap<String, u64>; 4] = Default::default();
        let mut total = 0u64;
        let mut stmt = conn.prepare_cached(&format!("SELECT {}{fw}", FACETS.join(", ")))?;
        let mut rows = stmt.query(rusqlite::params_from_iter(&params))?;
        while let Some(row) = rows.next()? {
            let values = [
                text_value(row.get_ref(0)?),
                text_value(row.get_ref(1)?),
                text_value(row.get_ref(2)?),
                text_value(row.get_ref(3)?),
            ];
            let pass: [bool; 4] = std::array::from_fn(|i| wanted[i].is_none_or(|w| values[i] == Some(w)));
            total += u64::from(pass.iter().all(|p| *p));
            for (i, slot) in counts.iter_mut().enumerate() {
                let Some(v) = values[i].filter(|_| (0..4).all(|j| j == i || pass[j])) else { continue };
                match slot.get_mut(v) {
                    Some(n) => *n += 1,
                    None => {
                        slot.insert(v.to_string(), 1);
                    }
                }
            }
        }
        drop(rows);
        let [theme, org, kind, access] = counts.map(ranked);
        let facets = Facets { theme, org, kind, access };

        // The page: ids in order (SQLite sorts ids and keys, not records), then each record.
        let mut hits = Vec::new();
        if (q.offset as u64) < total {
            let (fw, mut params) = from_where(q, text.as_deref(), true);
            let score = if text.is_some() { "-bm25(records_fts, 10.0, 2.0, 5.0, 1.0, 1.0)" } else { "0.0" };
            let order = q.order.sql(text.is_some());
            params.extend([Sql::Integer(q.limit as i64), Sql::Integer(q.offset.min(i64::MAX as usize) as i64)]);
            let mut stmt =
                conn.prepare_cached(&format!("SELECT r.id, {score} AS score{fw} ORDER BY {order} LIMIT ? OFFSET ?"))?;
            let page = stmt
                .query_map(rusqlite::params_from_iter(&params), |r| Ok((r.get::<_, i64>(0)?, r.get::<_, f64>(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut get = conn.prepare_cached("SELECT uuid, json FROM records WHERE id = ?1")?;
            for (id, score) in page {
                let (uuid, json): (String, String) = get.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                hits.push(Hit { score, record: decode(&uuid, &json)? });
            }
        }
        Ok(SearchResult { total, limit: q.limit, offset: q.offset, hits, facets })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::testing::record;

    fn catalogue() -> (tempfile::TempDir, Catalogue) {
        let dir = tempfile::tempdir().unwrap();
        let c = Catalogue::open(&dir.path().join("c.sqlite")).unwrap();
        c.upsert(&record(
            "dtm",
            "Høydedata DTM 10",
            "kartverket",
            "Høydedata",
            &["elevation", "terreng"],
            (4.0, 57.0, 31.0, 71.0),
        ))
        .unwrap();
        c.upsert(&record(
            "fylker",
            "Fylker",
            "kartverket",
            "Basis geodata",
            &["county", "fylke"],
            (4.0, 57.0, 31.0, 71.0),
        ))
        .unwrap();
        c.upsert(&record("flom", "Flomsoner", "nve", "Samfunnssikkerhet", &["flood", "flom"], (5.0, 58.0, 12.0, 62.0)))
            .unwrap();
        c.upsert(&record("tromso", "Høyde i Tromsø", "tromso", "Høydedata", &["elevation"], (18.0, 69.0, 20.0, 70.0)))
            .unwrap();
        (dir, c)
    }

    fn q(text: &str) -> SearchQuery {
        SearchQuery { q: Some(text.into()), limit: 10, ..SearchQuery::default() }
    }

    #[test]
    fn norwegian_prefix_and_english_keywords() {
        let (_d, c) = catalogue();
        for text in ["høyde", "Høydedata", "hoyde", "HØYDE"] {
            let r = c.search(&q(text)).unwrap();
            let mut got: Vec<_> = r.hits.iter().map(|h| h.record.uuid.as_str()).collect();
            got.sort();
            assert_eq!(got, vec!["dtm", "tromso"], "{text}");
        }
        // the whole word in the title outranks the same word only in the theme
        assert_eq!(c.search(&q("høydedata")).unwrap().hits[0].record.uuid, "dtm");
        assert_eq!(c.search(&q("elevation")).unwrap().total, 2);
        assert_eq!(c.search(&q("county")).unwrap().hits[0].record.uuid, "fylker");
        assert_eq!(c.search(&q("nothing-like-this")).unwrap().total, 0);
        // FTS syntax in the query is just text
        assert_eq!(c.search(&q("\"høyde\" OR NEAR(")).unwrap().total, 0);
    }

    #[test]
    fn filters_bbox_and_facets() {
        let (_d, c) = catalogue();
        let all = c.search(&SearchQuery { limit: 10, ..SearchQuery::default() }).unwrap();
        assert_eq!(all.total, 4);
        assert_eq!(all.facets.org[0], FacetCount { value: "kartverket".into(), count: 2 });
        assert_eq!(all.facets.kind, vec![FacetCount { value: "dataset".into(), count: 4 }]);
        assert_eq!(all.facets.access, vec![FacetCount { value: "no restrictions".into(), count: 4 }]);
        let mut closed = c.get("flom").unwrap().unwrap();
        closed.access = crate::record::Access::Partners;
        c.upsert(&closed).unwrap();
        let nd = "norway digital restricted";
        let only = c.search(&SearchQuery { access: Some(nd.into()), limit: 10, ..SearchQuery::default() }).unwrap();
        assert_eq!(only.hits.iter().map(|h| h.record.uuid.as_str()).collect::<Vec<_>>(), ["flom"]);
        assert_eq!(only.facets.access.len(), 2, "the access facet ignores its own filter");
        closed.access = crate::record::Access::Open;
        c.upsert(&closed).unwrap();

        let kv =
            c.search(&SearchQuery { org: Some("kartverket".into()), limit: 10, ..SearchQuery::default() }).unwrap();
        assert_eq!(kv.total, 2);
        assert_eq!(kv.facets.org.len(), 3, "the org facet ignores its own filter");
        assert_eq!(kv.facets.theme.len(), 2);

        let north = GeoBox { west: 17.0, south: 68.0, east: 21.0, north: 71.0 };
        let r = c.search(&SearchQuery { bbox: Some(north), limit: 10, ..SearchQuery::default() }).unwrap();
        let mut got: Vec<_> = r.hits.iter().map(|h| h.record.uuid.as_str()).collect();
        got.sort();
        assert_eq!(got, vec!["dtm", "fylker", "tromso"]);

        let page = c.search(&SearchQuery { limit: 1, offset: 3, ..SearchQuery::default() }).unwrap();
        // hidden records are left out of hits, totals and facets
        let hidden = SearchQuery { limit: 10, hidden: vec![all.hits[0].record.uuid.clone()], ..SearchQuery::default() };
        let shown = c.search(&hidden).unwrap();
        assert_eq!(shown.total, all.total - 1);
        assert!(shown.hits.iter().all(|h| h.record.uuid != all.hits[0].record.uuid));
        assert_eq!(shown.facets.kind[0].count, all.total - 1);
        assert_eq!((page.total, page.hits.len()), (4, 1));
        assert!(c.search(&SearchQuery { limit: 0, ..SearchQuery::default() }).is_err());
    }

    #[test]
    fn text_and_facet_filters_together() {
        let (_d, c) = catalogue();
        let count = |value: &str, count: u64| FacetCount { value: value.into(), count };
        let r = c.search(&SearchQuery { org: Some("tromso".into()), ..q("høyde") }).unwrap();
        assert_eq!((r.total, r.hits.len()), (1, 1));
        assert_eq!(r.hits[0].record.uuid, "tromso");
        assert!(r.hits[0].score > 0.0);
        // the organisation facet leaves out its own filter, the others keep it
        assert_eq!(r.facets.org, [count("kartverket", 1), count("tromso", 1)]);
        assert_eq!(r.facets.theme, [count("Høydedata", 1)]);
        assert_eq!(r.facets.kind, [count("dataset", 1)]);

        let none = c.search(&SearchQuery { kind: Some("service".into()), ..q("høyde") }).unwrap();
        assert_eq!((none.total, none.hits.len()), (0, 0));
        assert_eq!(none.facets.kind, [count("dataset", 2)]);
        assert!(none.facets.org.is_empty(), "no service record to count");

        // a page past the end: the counts stay, the page is empty
        let past = c.search(&SearchQuery { offset: 5, ..q("høyde") }).unwrap();
        assert_eq!((past.total, past.hits.len(), past.facets.theme.len()), (2, 0, 1));
    }

    #[test]
    fn searches_on_several_threads_at_once() {
        let (_d, c) = catalogue();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..20 {
                        assert_eq!(c.search(&q("høyde")).unwrap().total, 2);
                        assert_eq!(c.search(&SearchQuery { limit: 10, ..SearchQuery::default() }).unwrap().total, 4);
                    }
                });
            }
        });
        // a change made on one connection is read on every other
        assert!(c.delete("flom").unwrap());
        let seen = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| seen.lock().unwrap().push(c.search(&q("flom")).unwrap().total));
            }
        });
        assert_eq!(seen.into_inner().unwrap(), [0, 0, 0, 0]);
    }

    #[test]
    fn orders_by_kartkatalog_name() {
        assert_eq!(Order::parse("newest"), Ok(Order::Newest));
        assert_eq!(Order::parse(""), Ok(Order::Relevance));
        assert!(Order::parse("size").unwrap_err().contains("orderby 'size'"));
    }

    #[test]
    fn hits_come_in_the_order_asked() {
        let (_d, c) = catalogue();
        let uuids = |order: Order| {
            let r = c.search(&SearchQuery { limit: 10, order, ..SearchQuery::default() }).unwrap();
            r.hits.iter().map(|h| h.record.uuid.clone()).collect::<Vec<_>>()
        };
        assert_eq!(uuids(Order::Title), ["flom", "fylker", "tromso", "dtm"], "Høyde i … before Høydedata");
        assert_eq!(uuids(Order::Organisation), ["fylker", "dtm", "flom", "tromso"]);
        let mut newer = c.get("flom").unwrap().unwrap();
        newer.updated = "2999-01-01T00:00:00Z".into();
        c.upsert(&newer).unwrap();
        assert_eq!(uuids(Order::Updated)[0], "flom");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]
        /// Whatever a citizen types, FTS5 gets a valid expression: no query is an error.
        #[test]
        fn any_text_is_a_valid_search(text in "\\PC{0,60}") {
            let (_d, c) = catalogue();
            proptest::prop_assert!(c.search(&q(&text)).is_ok());
        }
    }

    #[test]
    fn text_in_one_field() {
        let (_d, c) = catalogue();
        let find = |fields: Vec<(TextField, &str)>| {
            let fields = fields.into_iter().map(|(f, t)| (f, t.to_string())).collect();
            let r = c.search(&SearchQuery { fields, limit: 10, ..SearchQuery::default() }).unwrap();
            let mut got: Vec<String> = r.hits.into_iter().map(|h| h.record.uuid).collect();
            got.sort();
            got
        };
        assert_eq!(find(vec![(TextField::Title, "høyde")]), ["dtm", "tromso"]);
        assert_eq!(find(vec![(TextField::Subject, "elevation")]), ["dtm", "tromso"]);
        assert_eq!(find(vec![(TextField::Subject, "Samfunnssikkerhet")]), ["flom"]);
        assert_eq!(find(vec![(TextField::Organisation, "NVE")]), ["flom"]);
        assert_eq!(find(vec![(TextField::Title, "fylker"), (TextField::Organisation, "nve")]), Vec::<String>::new());
        assert_eq!(find(vec![(TextField::Abstract, "om tromsø")]), ["tromso"]);
        // no words: no condition
        assert_eq!(find(vec![(TextField::Title, "%")]).len(), 4);
        let ids = SearchQuery { ids: vec!["flom".into(), "nothing".into()], limit: 10, ..SearchQuery::default() };
        assert_eq!(c.search(&ids).unwrap().total, 1);
        assert_eq!(find(vec![(TextField::Title, "county")]), Vec::<String>::new(), "a keyword is not in the title");
    }

    #[test]
    fn upsert_replaces_and_delete_removes() {
        let (_d, c) = catalogue();
        let mut r = c.get("flom").unwrap().unwrap();
        r.title = "Flomsonekart".into();
        c.upsert(&r).unwrap();
        assert_eq!(c.search(&q("flomsonekart")).unwrap().total, 1);
        assert_eq!(c.by_dataset("flom").unwrap().unwrap().title, "Flomsonekart");
        assert!(c.delete("flom").unwrap());
        assert!(!c.delete("flom").unwrap());
        assert_eq!(c.search(&q("flom")).unwrap().total, 0);
        assert_eq!(c.datasets().unwrap(), vec!["dtm", "fylker", "tromso"]);
    }
}
