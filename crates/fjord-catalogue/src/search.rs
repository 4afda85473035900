//! Ranked full-text search with filters and facet counts.

use crate::browse::{self, Browse, Row, FACETS, NONE};
use crate::db::{decode, Catalogue};
use crate::error::{Error, Result};
use crate::fold::match_expression;
use crate::record::{GeoBox, Record};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashSet;
use std::sync::Arc;

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
    /// only the spatial catalogue's own records (datasets, services), not those of the
    /// kinds portals declared: what CSW, OGC API – Records, DCAT and Kartkatalog list
    pub metadata_only: bool,
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

/// The value a query asks of each facet (theme, organisation, kind, access), if any.
fn facet_values(q: &SearchQuery) -> [Option<&str>; FACETS] {
    [q.theme.as_deref(), q.org.as_deref(), q.kind.as_deref(), q.access.as_deref()]
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
    /// The records that are not open data: uuid, kind and access constraint.
    pub fn restricted(&self) -> Result<Vec<(String, String, crate::record::Access)>> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let browse = self.browse(&tx)?;
        let kind = |r: &Row| browse.values[2].get(r.facets[2] as usize).cloned().unwrap_or_default();
        Ok(browse.rows.iter().filter_map(|r| Some((r.uuid.to_string(), kind(r), r.access.clone()?))).collect())
    }

    /// Search the catalogue: the full-text index gives the records the words match and
    /// their relevance; the filters, facet counts and order come from the in-memory copy
    /// of every record's facets, box and times; the page's records are read by id. All in
    /// one read transaction.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResult> {
        if q.limit == 0 || q.limit > MAX_LIMIT {
            return Err(Error::BadQuery(format!("limit must be between 1 and {MAX_LIMIT}")));
        }
        let text = text_expression(q);
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let browse = self.browse(&tx)?;

        // the records the text matches, by position in `browse.rows`, with their relevance
        let matches = match &text {
            None => None,
            Some(m) => Some(browse.matches(&tx, m)?),
        };
        let all: Vec<(u32, f64)>;
        let matches: &[(u32, f64)] = match &matches {
            Some(m) => m,
            None => {
                all = (0..browse.rows.len() as u32).map(|i| (i, 0.0)).collect();
                &all
            }
        };

        // The total and the facets in one pass: a record counts in the total when it
        // passes all four facet filters, and in a facet when it passes the other three.
        let wanted: [Option<std::result::Result<u32, ()>>; FACETS] =
            std::array::from_fn(|i| facet_values(q)[i].map(|v| browse.value_index(i, v)));
        let portal_kinds: Vec<u32> = if q.metadata_only {
            let declared = self.kinds.read().unwrap_or_else(|e| e.into_inner());
            declared.keys().filter_map(|name| browse.value_index(2, name).ok()).collect()
        } else {
            Vec::new()
        };
        let ids: HashSet<&str> = q.ids.iter().map(String::as_str).collect();
        let hidden: HashSet<&str> = q.hidden.iter().map(String::as_str).collect();
        let mut counts: [Vec<u64>; FACETS] = std::array::from_fn(|i| vec![0; browse.values[i].len()]);
        let mut passing = Vec::new();
        for &(i, score) in matches {
            let row = &browse.rows[i as usize];
            if !within(row.bbox, q.bbox)
                || (!ids.is_empty()
                    && !ids.contains(&*row.uuid)
                    && !row.dataset.as_deref().is_some_and(|d| ids.contains(d)))
                || hidden.contains(&*row.uuid)
                || portal_kinds.contains(&row.facets[2])
            {
                continue;
            }
            let pass: [bool; FACETS] = std::array::from_fn(|f| wanted[f].is_none_or(|w| w == Ok(row.facets[f])));
            if pass.iter().all(|p| *p) {
                passing.push((i, score));
            }
            for (f, slot) in counts.iter_mut().enumerate() {
                if row.facets[f] != NONE && (0..FACETS).all(|g| g == f || pass[g]) {
                    slot[row.facets[f] as usize] += 1;
                }
            }
        }
        let [theme, org, kind, access] = std::array::from_fn(|f| browse.ranked(f, &counts[f]));
        let facets = Facets { theme, org, kind, access };
        let total = passing.len() as u64;

        // The page: the first offset + limit in order, then each record by id.
        let cmp = order(&browse, q.order, text.is_some());
        let end = q.offset.saturating_add(q.limit).min(passing.len());
        if end < passing.len() {
            passing.select_nth_unstable_by(end, &cmp);
            passing.truncate(end);
        }
        passing.sort_unstable_by(&cmp);
        let mut hits = Vec::new();
        let mut get = tx.prepare_cached("SELECT json FROM records WHERE id = ?1")?;
        for &(i, score) in passing.iter().skip(q.offset) {
            let row = &browse.rows[i as usize];
            let json: String = get.query_row([row.id], |r| r.get(0))?;
            hits.push(Hit { score, record: decode(&row.uuid, &json)? });
        }
        Ok(SearchResult { total, limit: q.limit, offset: q.offset, hits, facets })
    }

    /// Every record a search matches, in its order, whatever its page size and offset.
    pub fn search_all(&self, q: &SearchQuery) -> Result<Vec<Record>> {
        let mut page = SearchQuery { limit: MAX_LIMIT, offset: 0, ..q.clone() };
        let mut out = Vec::new();
        loop {
            let found = self.search(&page)?;
            let n = found.hits.len();
            out.extend(found.hits.into_iter().map(|h| h.record));
            page.offset += n;
            if n == 0 || page.offset as u64 >= found.total {
                return Ok(out);
            }
        }
    }

    /// The in-memory copy of what searches filter and count, made again when the
    /// catalogue changed since (in this process or another).
    fn browse(&self, conn: &Connection) -> Result<Arc<Browse>> {
        let now = browse::generation(conn)?;
        let mut cached = self.browse.lock().unwrap_or_else(|e| e.into_inner());
        match &*cached {
            Some(b) if b.generation == now => Ok(b.clone()),
            _ => {
                let b = Arc::new(Browse::load(conn, now)?);
                *cached = Some(b.clone());
                Ok(b)
            }
        }
    }
}

/// Whether a record's extent meets the box asked (always, when none is asked; never,
/// when the record has no extent).
fn within(extent: Option<[f64; 4]>, bbox: Option<GeoBox>) -> bool {
    match (extent, bbox) {
        (_, None) => true,
        (None, Some(_)) => false,
        (Some([w, s, e, n]), Some(b)) => w <= b.east && e >= b.west && s <= b.north && n >= b.south,
    }
}

/// How two hits (position in `browse.rows`, relevance) compare in `order`; rows are in
/// title order, so the position breaks ties by title.
fn order(browse: &Browse, order: Order, text: bool) -> impl Fn(&(u32, f64), &(u32, f64)) -> std::cmp::Ordering + '_ {
    move |a, b| {
        let (ra, rb) = (&browse.rows[a.0 as usize], &browse.rows[b.0 as usize]);
        let first = match order {
            Order::Relevance if text => b.1.total_cmp(&a.1),
            Order::Relevance | Order::Title => std::cmp::Ordering::Equal,
            Order::Organisation => {
                let org = |r: &Row| browse.values[1].get(r.facets[1] as usize).map(String::as_str);
                org(ra).cmp(&org(rb))
            }
            Order::Newest => rb.created.cmp(&ra.created),
            Order::Updated => rb.updated.cmp(&ra.updated),
        };
        first.then(a.0.cmp(&b.0))
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
    fn a_change_by_another_process_is_searched() {
        let (dir, c) = catalogue();
        assert_eq!(c.search(&q("flom")).unwrap().total, 1);
        let other = Catalogue::open(&dir.path().join("c.sqlite")).unwrap();
        other.upsert(&record("skred", "Skredfaresoner", "nve", "Natur", &["flom"], (5.0, 58.0, 12.0, 62.0))).unwrap();
        let r = c.search(&SearchQuery { org: Some("nve".into()), ..q("flom") }).unwrap();
        assert_eq!(r.total, 2);
        assert_eq!(r.facets.theme.len(), 2, "the new theme is counted");
        assert!(other.delete("flom").unwrap());
        assert_eq!(c.search(&q("flom")).unwrap().hits[0].record.uuid, "skred");
    }

    #[test]
    fn portal_records_can_be_left_out() {
        let (_d, c) = catalogue();
        let schema = serde_json::json!({"type": "object"});
        c.declare(crate::Kind { name: "authority".into(), title: "Virksomhet".into(), schema }).unwrap();
        let mut nve = record("nve", "NVE, flom og skred", "nve", "Natur", &[], (5.0, 58.0, 12.0, 62.0));
        nve.kind = "authority".into();
        c.upsert(&nve).unwrap();
        assert_eq!(c.search(&q("flom")).unwrap().total, 2);
        let only = c.search(&SearchQuery { metadata_only: true, ..q("flom") }).unwrap();
        assert_eq!((only.total, only.hits[0].record.uuid.as_str()), (1, "flom"));
        assert_eq!(only.facets.kind, [FacetCount { value: "dataset".into(), count: 1 }]);
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
        let mut made = c.get("fylker").unwrap().unwrap();
        made.created = "2999-01-01T00:00:00Z".into();
        c.upsert(&made).unwrap();
        assert_eq!(uuids(Order::Newest)[0], "fylker");
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
