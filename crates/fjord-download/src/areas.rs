//! The areas files are cut to: counties and municipalities found in the store's own
//! boundary datasets (the ones users see), and the catalogue's registers of them kept in
//! step with those datasets.

use crate::error::{Error, Result};
use fjord_catalogue::Catalogue;
use fjord_core::Slug;
use fjord_store::{FeatureSource, Store};
use geo_types::MultiPolygon;

/// Where one kind of area lives: a boundary dataset, the field holding each area's code
/// and the one holding its name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Boundary {
    /// the register and area type it fills (`fylke`, `kommune`)
    pub register: String,
    /// the store dataset
    pub dataset: String,
    /// the field with the code
    pub code: String,
    /// the field with the name
    pub name: String,
}

impl Boundary {
    /// A boundary from `dataset.codefield.namefield` (as configured); `None` when it is
    /// not three names.
    pub fn parse(register: &str, spec: &str) -> Option<Boundary> {
        let mut parts = spec.split('.').map(str::trim);
        let (Some(dataset), Some(code), Some(name), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        Some(Boundary { register: register.into(), dataset: dataset.into(), code: code.into(), name: name.into() })
    }

    /// The served layer and the positions of the code and name fields.
    fn layer(&self, store: &Store) -> Result<(std::sync::Arc<fjord_store::FgbLayer>, usize, usize)> {
        let missing = |what: String| Error::NotFound(format!("the {} boundaries: {what}", self.register));
        let slug = Slug::new(&self.dataset).map_err(|_| missing(format!("'{}' is no dataset id", self.dataset)))?;
        let layer =
            store.layer(&slug).map_err(|_| missing(format!("dataset '{}' is not in the store", self.dataset)))?;
        let field = |f: &str| layer.schema().index_of(f).ok_or_else(|| missing(format!("no field '{f}'")));
        let (code, name) = (field(&self.code)?, field(&self.name)?);
        Ok((layer, code, name))
    }

    /// The area of `code` as one multi-polygon in the storage CRS; 404 when the
    /// boundary dataset holds no such area.
    pub fn polygon(&self, store: &Store, code: &str) -> Result<MultiPolygon<f64>> {
        let (layer, k, _) = self.layer(store)?;
        let polygons: Vec<_> = layer.polygons_where(k, &[code.to_string()])?.into_iter().map(|(_, p)| p).collect();
        if polygons.is_empty() {
            return Err(Error::NotFound(format!("{} '{code}' is not in dataset '{}'", self.register, self.dataset)));
        }
        Ok(MultiPolygon(polygons))
    }

    /// Every (code, name) the boundary dataset holds, sorted by code.
    pub fn items(&self, store: &Store) -> Result<Vec<(String, String)>> {
        let (layer, code, name) = self.layer(store)?;
        let mut out = Vec::with_capacity(layer.len());
        for pos in 0..layer.len() as u32 {
            let v = layer.values_at(pos, &[code, name])?;
            out.push((v[0].to_text(), v[1].to_text()));
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

/// Bring the catalogue's registers in step with the boundary datasets as served now
/// (`today` an ISO 8601 date): new areas valid from today, vanished ones retired. A
/// boundary dataset not in the store leaves its register as it is. Returns the
/// registers refreshed.
pub fn refresh_registers(store: &Store, catalogue: &Catalogue, boundaries: &[Boundary], today: &str) -> Result<usize> {
    crate::offer::seed_projections(catalogue, today)?;
    let mut n = 0;
    for b in boundaries {
        match b.items(store) {
            Ok(items) => {
                catalogue.sync_register(&b.register, &items, today)?;
                n += 1;
            }
            Err(Error::NotFound(why)) => tracing::info!(%why, "register left as it is"),
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
