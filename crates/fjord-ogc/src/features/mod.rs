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
mod request;

pub use collections::{collection, collections, conformance, landing, queryables};
pub use items::{item, items};
pub use openapi::document as openapi;
pub use request::ItemsRequest;

use crate::error::OgcError;
use fjord_catalogue::{Access, Catalogue, Record};
use fjord_core::{Crs, Slug};
use fjord_store::Store;

/// What every OGC API – Features request can reach.
pub struct Api<'a> {
    /// the store
    pub store: &'a Store,
    /// the catalogue
    pub catalogue: &'a Catalogue,
    /// absolute URL of the API root, e.g. `http://127.0.0.1:8080/ogcapi`
    pub base: String,
    /// the largest `limit` honoured; larger ones are cut to it
    pub max_limit: usize,
    /// the CRSs features can be requested in
    pub crs: Vec<Crs>,
}

impl Api<'_> {
    /// The record of a collection the caller may read: 404 when unknown, 401 when the
    /// dataset is not open (the identity gateway will let its audience in).
    pub(crate) fn readable(&self, id: &str) -> Result<(Slug, Record), OgcError> {
        let slug = Slug::new(id).map_err(|_| OgcError::not_found(format!("no collection '{id}'")))?;
        let record =
            self.catalogue.by_dataset(id)?.ok_or_else(|| OgcError::not_found(format!("no collection '{id}'")))?;
        if record.access != Access::Open {
            return Err(OgcError::unauthorized(format!("collection '{id}' is not open; log in to read it")));
        }
        Ok((slug, record))
    }

    /// Every open collection, by id.
    pub(crate) fn open_records(&self) -> Result<Vec<Record>, OgcError> {
        let mut out = Vec::new();
        for id in self.store.datasets()? {
            if let Some(r) = self.catalogue.by_dataset(id.as_str())? {
                if r.access == Access::Open {
                    out.push(r);
                }
            }
        }
        Ok(out)
    }
}
