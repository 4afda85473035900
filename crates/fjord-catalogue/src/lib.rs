//! fjord-catalogue: the one metadata catalogue every service and portal reads.
//!
//! A [`Record`] carries the ISO 19115 core fields of a dataset, and of the portals' own
//! kinds of record (an authority, a form, a tender notice), each [`Kind`] declared with a
//! JSON Schema that every write of its records' `properties` is checked against. The
//! human fields come from a sidecar ([`HumanFields`]); the measurable ones (extent,
//! count, schema, lineage) are derived from the data by whoever publishes it.
//! [`Catalogue`] persists records in SQLite and searches them: FTS5 finds the words (bm25
//! ranking, Norwegian letters folded so "hoyde" and "høyde" both find "Høydedata", every
//! word matched as a prefix), and an in-memory copy of every record's facets, box and
//! times, made again when the catalogue changes, filters, counts facets per theme,
//! organisation, kind and access, and orders the hits.
//!
//! [`iso19139`] writes a record as ISO 19139 XML in GeoNorge's shape, and [`dcat`] as
//! DCAT-AP-NO JSON-LD, each with the online resources [`service_links`] lists for its
//! dataset.

mod browse;
mod db;
pub mod dcat;
mod distribution;
mod error;
mod fold;
pub mod iso19139;
pub mod kind;
mod record;
mod register;
mod search;

pub use db::Catalogue;
pub use distribution::{service_links, OnlineResource, Protocol};
pub use error::{Error, Result};
pub use kind::Kind;
pub use record::{Access, Coverage, GeoBox, HumanFields, Organisation, Record};
pub use register::RegisterItem;
pub use search::{FacetCount, Facets, Hit, Order, SearchQuery, SearchResult, TextField, MAX_LIMIT};
