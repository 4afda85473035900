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
pub use collections::{collection, collections, conformance, landing, queryables};
pub use items::{item, items};
pub use openapi::document as openapi;
pub use request::ItemsRequest;

use crate::error::OgcError;
use fjord_auth::{decide, Caller, Decision};
use fjord_catalogue::{Catalogue, Record};
use fjord_core::{Crs, Slug};
use fjord_store::{FeatureSource, FgbLayer, Store};
use geo_types::Geometry;
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
    /// the municipality polygons area-limited roles are clipped to, as `dataset.field`
    pub areas: &'a str,
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

    /// The served version and record of an open elevation dataset (terrain tiles,
    /// heights); 404 for a feature dataset or none, 401 for one that is not open.
    pub(crate) fn readable_elevation(&self, id: &str) -> Result<(Slug, u32, Arc<Record>), OgcError> {
        self.readable_holding(id, Holding::Elevation)
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
            Some(record) => readable_by(self.caller, slug, served, record, what).map(Some),
            None => Ok(None),
        }
    }

    /// Whether the caller may read this feature dataset only within areas.
    fn area_limited(&self, record: &Record) -> bool {
        record.schema.is_some()
            && matches!(decide(self.caller, &record.access), Decision::Allow { areas } if !areas.is_empty())
    }

    /// [`Api::readable_holding`] that lets a caller limited to areas through to a feature
    /// dataset, with the area (storage CRS) they may see; for services that clip to it.
    pub(crate) fn readable_in_area(&self, id: &str, what: Holding) -> Result<ReadableIn, OgcError> {
        let slug = collection_slug(id)?;
        if let Some((version, record)) = self.records.get(self.store, self.catalogue, &slug)? {
            if what != Holding::Elevation && self.area_limited(&record) {
                if let Decision::Allow { areas } = decide(self.caller, &record.access) {
                    return Ok((slug, version, record, Some(Arc::new(self.area(&areas)?))));
                }
            }
        }
        let (slug, version, record) = self.readable_holding(id, what)?;
        Ok((slug, version, record, None))
    }

    /// The served version and record of an open dataset holding `what`.
    pub(crate) fn readable_holding(&self, id: &str, what: Holding) -> Result<(Slug, u32, Arc<Record>), OgcError> {
        let slug = collection_slug(id)?;
        let (version, record) = self
            .records
            .get(self.store, self.catalogue, &slug)?
            .ok_or_else(|| OgcError::not_found(format!("no collection '{id}'")))?;
        readable_by(self.caller, slug, version, record, what)
    }

    /// Whether the caller may read (all of) a dataset of this record.
    pub(crate) fn may_read(&self, r: &Record) -> bool {
        decide(self.caller, &r.access) == Decision::Allow { areas: Vec::new() }
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
        let slug = collection_slug(id)?;
        if let Some((version, record)) = self.records.get(self.store, self.catalogue, &slug)? {
            if let (true, Decision::Allow { areas }) = (record.schema.is_some(), decide(self.caller, &record.access)) {
                if !areas.is_empty() {
                    let area = self.area(&areas)?;
                    return Ok((record, self.store.layer_at(&slug, version)?, Some(area)));
                }
            }
        }
        let (record, layer) = self.open(id)?;
        Ok((record, layer, None))
    }

    /// The municipalities `numbers` as one geometry, from the dataset and field
    /// [`Api::areas`] names; 403 when they cannot be found.
    fn area(&self, numbers: &[String]) -> Result<Geometry<f64>, OgcError> {
        let refuse =
            |why: String| OgcError::forbidden(format!("your access is limited to {}, but {why}", numbers.join(", ")));
        let (dataset, field) = self
            .areas
            .split_once('.')
            .ok_or_else(|| refuse("no municipality dataset is configured (auth.areas)".into()))?;
        let slug = collection_slug(dataset)?;
        let version =
            self.store.current_version(&slug)?.ok_or_else(|| refuse(format!("the dataset '{dataset}' is missing")))?;
        let layer = self.store.layer_at(&slug, version)?;
        let k = layer.schema().index_of(field).ok_or_else(|| refuse(format!("'{dataset}' has no field '{field}'")))?;
        let polygons: Vec<_> = layer.polygons_where(k, numbers)?.into_iter().map(|(_, p)| p).collect();
        if polygons.is_empty() {
            return Err(refuse(format!("'{dataset}' holds none of them")));
        }
        Ok(Geometry::MultiPolygon(geo_types::MultiPolygon(polygons)))
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
                if self.may_read(&r) && keep(&r) {
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
pub(crate) type ReadableIn = (Slug, u32, Arc<Record>, Option<Arc<Geometry<f64>>>);

/// A readable collection's record and served layer, and the area (storage CRS) its
/// features must intersect for a caller whose access is limited to one.
pub(crate) type InArea = (Arc<Record>, Arc<FgbLayer>, Option<Geometry<f64>>);

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
        Decision::Allow { areas } if areas.is_empty() => Ok((slug, version, record)),
        // the clip to an area is not served yet: nothing rather than too much
        Decision::Allow { areas } => Err(OgcError::forbidden(format!(
            "dataset '{slug}' is open to you only within {}, and area-limited reading is not offered yet",
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
