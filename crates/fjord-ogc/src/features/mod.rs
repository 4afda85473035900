//! OGC API – Features, Part 1 (Core) and Part 2 (CRS by reference), over the store.
//!
//! Resources: landing page, `/api` (OpenAPI 3.0), `/conformance`, `/collections`, `/collections/{id}`,
//! `/collections/{id}/items` (`bbox`, `bbox-crs`, `crs`, `limit`, `offset`, `f`) and
//! `/collections/{id}/items/{featureId}`, and `/collections/{id}/queryables` (the
//! properties usable as `property=value` filters and in CQL2 `filter`s, Part 3), each as
//! JSON and HTML. Collections are the
//! store's datasets whose catalogue record is open; the others answer 401.

mod collections;
pub(crate) mod encode;
mod geojson;
mod items;
mod openapi;
pub(crate) mod request;

pub(crate) use collections::collection_members;
pub use collections::{collection, collections, conformance, landing, queryables, CONFORMANCE};
pub use items::{item, items};
pub use openapi::document as openapi;
pub use request::ItemsRequest;

use crate::area::{Area, Areas};
use crate::error::OgcError;
use fjord_auth::{decide, Caller, Decision};
use fjord_catalogue::{Catalogue, Record};
use fjord_core::{Crs, Slug};
use fjord_store::{FgbLayer, Store};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What every OGC API – Features request can reach.
pub struct Api<'a> {
    /// the store
    pub store: &'a Store,
    /// the catalogue
    pub catalogue: &'a Catalogue,
    /// absolute URL of the API root, e.g. `http://127.0.0.1:8080/ogcapi`
    pub base: String,
    /// absolute URL of the WFS whose DescribeFeatureType is the XML Schema of the
    /// feature types (GML answers point to it)
    pub wfs: String,
    /// the largest `limit` honoured; larger ones are cut to it
    pub max_limit: usize,
    /// the most features a WFS GetFeature returns (its default COUNT)
    pub max_count: usize,
    /// the CRSs features can be requested in
    pub crs: &'a [Crs],
    /// catalogue records by dataset version
    pub records: &'a RecordCache,
    /// the styles maps are drawn with
    pub styles: &'a fjord_render::StyleLibrary,
    /// the largest WMS WIDTH and HEIGHT, and the most cells a side of a coverage
    pub max_map_size: u32,
    /// features generalised per map scale, kept between maps
    pub map_cache: &'a crate::wms::MapCache,
    /// the land-cover `dataset.field` naming the surface type at a height; empty for none
    pub terrain: &'a str,
    /// who is asking
    pub caller: &'a fjord_auth::Caller,
    /// the municipality polygons area-limited roles are clipped to
    pub areas: &'a Areas,
}

/// The catalogue records of served datasets, kept per dataset version so a feature
/// request reads the store's `CURRENT` instead of the catalogue. A record is cached only
/// when it describes the version being served (right after a publish the catalogue may
/// still be a moment behind).
#[derive(Default)]
pub struct RecordCache {
    map: Mutex<HashMap<Slug, (u32, Arc<Record>)>>,
}

impl RecordCache {
    /// The served version of a dataset and its record; `None` when it has neither.
    pub(crate) fn get(
        &self,
        store: &Store,
        catalogue: &Catalogue,
        id: &Slug,
    ) -> Result<Option<(u32, Arc<Record>)>, OgcError> {
        let Some(served) = store.current_version(id)? else { return Ok(None) };
        if let Some(record) = self.cached(id, served) {
            return Ok(Some((served, record)));
        }
        let Some(record) = catalogue.by_dataset(id.as_str())? else { return Ok(None) };
        let record = Arc::new(record);
        if record.version == Some(served) {
            self.map.lock().unwrap_or_else(|e| e.into_inner()).insert(id.clone(), (served, Arc::clone(&record)));
        }
        Ok(Some((served, record)))
    }

    /// The record of version `served` of a dataset, if it is cached.
    fn cached(&self, id: &Slug, served: u32) -> Option<Arc<Record>> {
        match self.map.lock().unwrap_or_else(|e| e.into_inner()).get(id) {
            Some((v, r)) if *v == served => Some(Arc::clone(r)),
            _ => None,
        }
    }
}

impl Api<'_> {
    /// The record of a collection the caller may read: 404 when unknown, 401 when the
    /// dataset is not open (the identity gateway will let its audience in).
    pub(crate) fn readable(&self, id: &str) -> Result<(Slug, u32, Arc<Record>), OgcError> {
        self.readable_holding(id, Holding::Features)
    }

    /// Like [`Api::readable`] (for datasets holding `what`) from the cache alone: reads
    /// `CURRENT` but never the catalogue, and answers `Ok(None)` when the served
    /// version's record is not cached yet (the caller then asks off the async runtime).
    pub(crate) fn readable_cached(
        &self,
        id: &str,
        what: Holding,
    ) -> Result<Option<(Slug, u32, Arc<Record>)>, OgcError> {
        let slug = collection_slug(id)?;
        let served =
            self.store.current_version(&slug)?.ok_or_else(|| OgcError::not_found(format!("no collection '{id}'")))?;
        match self.records.cached(&slug, served) {
            // a caller limited to an area goes the long way, where the area is found
            Some(record) if self.area_limited(&record) => Ok(None),
            Some(record) => readable_by(self.caller, slug, served, record, what, Reach::Whole).map(Some),
            None => Ok(None),
        }
    }

    /// Whether the caller may read this dataset only within areas.
    fn area_limited(&self, record: &Record) -> bool {
        matches!(decide(self.caller, &record.access), Decision::Allow { areas } if !areas.is_empty())
    }

    /// [`Api::readable_holding`] that lets a caller limited to areas through, with the
    /// area (storage CRS) they may see; for services that clip or mask to it.
    pub(crate) fn readable_in_area(&self, id: &str, what: Holding) -> Result<ReadableIn, OgcError> {
        let (slug, version, record) = self.described(id, what)?;
        let area = self.area_for(&record)?;
        Ok((slug, version, record, area))
    }

    /// The area (storage CRS) the caller may read this record's data within, when their
    /// access is limited to municipalities; `None` when it is not.
    pub(crate) fn area_for(&self, record: &Record) -> Result<Option<Arc<Area>>, OgcError> {
        match decide(self.caller, &record.access) {
            Decision::Allow { areas } if !areas.is_empty() => Ok(Some(self.areas.get(self.store, &areas)?)),
            _ => Ok(None),
        }
    }

    /// The served version and record of a dataset holding `what` that the caller may
    /// read all of.
    pub(crate) fn readable_holding(&self, id: &str, what: Holding) -> Result<(Slug, u32, Arc<Record>), OgcError> {
        self.reached(id, what, Reach::Whole)
    }

    /// The served version and record of a dataset holding `what` whose description the
    /// caller may read: also one they may read only within an area (its metadata, schema
    /// and legends hold none of its data).
    pub(crate) fn described(&self, id: &str, what: Holding) -> Result<(Slug, u32, Arc<Record>), OgcError> {
        self.reached(id, what, Reach::Described)
    }

    fn reached(&self, id: &str, what: Holding, reach: Reach) -> Result<(Slug, u32, Arc<Record>), OgcError> {
        let slug = collection_slug(id)?;
        let (version, record) = self
            .records
            .get(self.store, self.catalogue, &slug)?
            .ok_or_else(|| OgcError::not_found(format!("no collection '{id}'")))?;
        readable_by(self.caller, slug, version, record, what, reach)
    }

    /// Whether the caller may read a dataset of this record, if only within an area.
    pub(crate) fn may_see(&self, r: &Record) -> bool {
        matches!(decide(self.caller, &r.access), Decision::Allow { .. })
    }

    /// The record and the served layer of a readable collection, from one read of
    /// `CURRENT` (so both describe the same version).
    pub(crate) fn open(&self, id: &str) -> Result<(Arc<Record>, Arc<FgbLayer>), OgcError> {
        let (slug, version, record) = self.readable(id)?;
        Ok((record, self.store.layer_at(&slug, version)?))
    }

    /// [`Api::open`] for the services that clip to an area: a caller whose access is
    /// limited to municipalities also gets the area (storage CRS) their features must
    /// intersect; the others refuse such a caller.
    pub(crate) fn open_in_area(&self, id: &str) -> Result<InArea, OgcError> {
        let (slug, version, record, area) = self.readable_in_area(id, Holding::Features)?;
        Ok((record, self.store.layer_at(&slug, version)?, area))
    }

    /// The record and served layer of a collection whose description the caller may
    /// read ([`Api::described`]): for its schema, never its features.
    pub(crate) fn open_described(&self, id: &str) -> Result<(Arc<Record>, Arc<FgbLayer>), OgcError> {
        let (slug, version, record) = self.described(id, Holding::Features)?;
        Ok((record, self.store.layer_at(&slug, version)?))
    }

    /// Every open collection, by id.
    pub(crate) fn open_records(&self) -> Result<Vec<Record>, OgcError> {
        self.open_records_where(|r| r.schema.is_some())
    }

    /// Every open elevation dataset's record, by id.
    pub(crate) fn open_elevation_records(&self) -> Result<Vec<Record>, OgcError> {
        self.open_records_where(|r| r.schema.is_none())
    }

    fn open_records_where(&self, keep: impl Fn(&Record) -> bool) -> Result<Vec<Record>, OgcError> {
        let mut out = Vec::new();
        for id in self.store.datasets()? {
            if let Some(r) = self.catalogue.by_dataset(id.as_str())? {
                if self.may_see(&r) && keep(&r) {
                    out.push(r);
                }
            }
        }
        Ok(out)
    }
}

/// A collection id as a dataset id; 404 when it cannot be one.
fn collection_slug(id: &str) -> Result<Slug, OgcError> {
    Slug::new(id).map_err(|_| OgcError::not_found(format!("no collection '{id}'")))
}

/// A readable dataset's id, served version and record, and the area (storage CRS) the
/// caller may see when their access is limited to one.
pub(crate) type ReadableIn = (Slug, u32, Arc<Record>, Option<Arc<Area>>);

/// A readable collection's record and served layer, and the area (storage CRS) its
/// features must intersect for a caller whose access is limited to one.
pub(crate) type InArea = (Arc<Record>, Arc<FgbLayer>, Option<Arc<Area>>);

/// How much of a dataset a service reaches: its data (all of it), or its description.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    Whole,
    Described,
}

/// What a dataset must hold for a service to serve it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holding {
    /// features (feature services, vector tiles)
    Features,
    /// elevation (terrain tiles, heights, coverages)
    Elevation,
    /// either (maps and map tiles draw both)
    Either,
}

/// The dataset when it holds what is asked and `caller` may read it: 404 when it holds
/// the other kind, 401 when the caller must log in (saying why credentials that came were
/// refused), 403 when the caller may not read it.
fn readable_by(
    caller: &Caller,
    slug: Slug,
    version: u32,
    record: Arc<Record>,
    what: Holding,
    reach: Reach,
) -> Result<(Slug, u32, Arc<Record>), OgcError> {
    match (what, record.schema.is_some()) {
        (Holding::Features, false) => {
            return Err(OgcError::not_found(format!("'{slug}' is an elevation coverage, not a feature collection")))
        }
        (Holding::Elevation, true) => {
            return Err(OgcError::not_found(format!("'{slug}' holds features, not elevation")))
        }
        _ => {}
    }
    match decide(caller, &record.access) {
        Decision::Allow { areas } if areas.is_empty() || reach == Reach::Described => Ok((slug, version, record)),
        // a service that cannot clip to the area gives nothing rather than too much
        Decision::Allow { areas } => Err(OgcError::forbidden(format!(
            "dataset '{slug}' is open to you only within {}, and this service cannot limit what it answers to it",
            areas.join(", ")
        ))),
        Decision::Unauthenticated => Err(OgcError::unauthorized(match &caller.refused {
            Some(why) => format!("dataset '{slug}' is not open, and the credentials were refused: {why}"),
            None => format!("dataset '{slug}' is not open; log in (a bearer token, or HTTP Basic) to read it"),
        })),
        Decision::LevelTooLow => Err(OgcError::unauthorized(format!(
            "dataset '{slug}' needs a login at level high: log in again with your second factor"
        ))),
        Decision::Forbidden => Err(OgcError::forbidden(format!("you may not read dataset '{slug}'"))),
    }
}
