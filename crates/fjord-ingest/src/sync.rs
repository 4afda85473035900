//! Keeping the catalogue in step with the store.
//!
//! The store's `CURRENT` switch is the commit point of a publish; the catalogue record is
//! derived from the served version's `version.json` and can always be rebuilt from it.
//! [`reconcile`] runs when the CLI or server opens the data folder, so a crash between
//! the switch and the record update is healed before anyone reads the catalogue.

use crate::error::Result;
use fjord_catalogue::{Catalogue, Coverage, GeoBox, HumanFields, Organisation, Record};
use fjord_core::{transform, Slug, CATALOGUE_CRS, SERVICE_CRS, STORAGE_CRS};
use fjord_store::{Store, VersionInfo};

/// The formats the data can be had in: the store's own FlatGeobuf, and GeoJSON through
/// OGC API – Features.
pub const FORMATS: [&str; 2] = ["FlatGeobuf", "GeoJSON"];

/// Namespace for record uuids derived from dataset ids (a fixed random uuid).
const RECORD_NAMESPACE: uuid::Uuid = uuid::uuid!("6b0c6f3e-3f5e-4d8e-9a43-7d7c1f0e9b21");

/// The record uuid of a dataset: the sidecar's, or one derived from the dataset id, so
/// the same dataset keeps its uuid across versions and catalogue rebuilds.
pub fn record_uuid(dataset: &Slug, meta: &HumanFields) -> String {
    meta.uuid.clone().unwrap_or_else(|| uuid::Uuid::new_v5(&RECORD_NAMESPACE, dataset.as_str().as_bytes()).to_string())
}

/// Build the catalogue record of a dataset's served version.
pub fn record_for(dataset: &Slug, info: &VersionInfo, created: Option<String>) -> Record {
    let meta: HumanFields = serde_json::from_value(info.metadata.clone()).unwrap_or_default();
    let geographic = info
        .geographic_extent
        .or_else(|| info.extent.and_then(|e| transform::transform_bbox(STORAGE_CRS, CATALOGUE_CRS, &e).ok()));
    let bbox = geographic.map(|b| GeoBox { west: b.minx, south: b.miny, east: b.maxx, north: b.maxy });
    let org = info.lineage.org.clone();
    let elevation = info.raster.is_some();
    Record {
        uuid: record_uuid(dataset, &meta),
        kind: "dataset".into(),
        dataset: Some(dataset.to_string()),
        title: if meta.title.is_empty() { dataset.to_string() } else { meta.title.clone() },
        abstract_text: meta.abstract_text.clone(),
        organisation: Organisation { name: meta.organisation_name.clone().unwrap_or_else(|| org.clone()), id: org },
        keywords: meta.keywords.clone(),
        theme: meta.theme.clone(),
        topic_category: meta.topic_category.clone(),
        license: meta.license.clone(),
        access: meta.access.clone(),
        bbox,
        crs: SERVICE_CRS.iter().map(|c| c.to_string()).collect(),
        // an elevation version has no features: its formats come with the coverage services
        formats: if elevation { Vec::new() } else { FORMATS.iter().map(|f| f.to_string()).collect() },
        feature_count: (!elevation).then_some(info.feature_count),
        schema: (!elevation).then(|| info.schema.clone()),
        coverage: info.raster.as_ref().map(|h| Coverage {
            resolutions: (0..h.levels).map(|l| h.cell * f64::from(1u32 << l)).collect(),
            min_height: (h.stats.min * 100.0).round() / 100.0,
            max_height: (h.stats.max * 100.0).round() / 100.0,
            mean_height: (h.stats.mean * 100.0).round() / 100.0,
            nodata_share: (h.stats.nodata_share * 10_000.0).round() / 10_000.0,
            vertical_datum: h.vertical_datum.clone(),
            sources: h.sources.clone(),
        }),
        lineage: Some(info.lineage.clone()),
        lineage_note: meta.lineage_note.clone(),
        created: created.unwrap_or_else(|| info.lineage.at.clone()),
        updated: info.lineage.at.clone(),
        version: Some(info.version),
        properties: None,
    }
}

/// Make the catalogue record of one dataset match the store (or remove it when the
/// dataset is gone).
pub fn sync_dataset(store: &Store, catalogue: &Catalogue, dataset: &Slug) -> Result<()> {
    let existing = catalogue.by_dataset(dataset.as_str())?;
    match store.current_version(dataset)? {
        None => {
            if let Some(r) = existing {
                catalogue.delete(&r.uuid)?;
            }
        }
        Some(v) => {
            let info = store.info(dataset, v)?;
            let record = record_for(dataset, &info, existing.as_ref().map(|r| r.created.clone()));
            if let Some(old) = existing.filter(|r| r.uuid != record.uuid) {
                catalogue.delete(&old.uuid)?;
            }
            catalogue.upsert(&record)?;
        }
    }
    Ok(())
}

/// Bring every dataset record in step with the store; returns how many were fixed.
/// A dataset whose files cannot be read is logged and skipped, so one damaged dataset
/// does not keep the rest of the catalogue from opening.
pub fn reconcile(store: &Store, catalogue: &Catalogue) -> Result<usize> {
    let in_store = store.datasets()?;
    let mut stale: Vec<Slug> = Vec::new();
    for id in &in_store {
        let recorded = catalogue.by_dataset(id.as_str())?.and_then(|r| r.version);
        if store.current_version(id).ok().flatten() != recorded {
            stale.push(id.clone());
        }
    }
    stale.extend(catalogue.datasets()?.iter().filter_map(|id| Slug::new(id).ok()).filter(|id| !in_store.contains(id)));
    let mut fixed = 0;
    for id in &stale {
        match sync_dataset(store, catalogue, id) {
            Ok(()) => fixed += 1,
            Err(e) => tracing::error!(dataset = %id, error = %e, "cannot bring the catalogue record in step"),
        }
    }
    if fixed > 0 {
        tracing::warn!(fixed, "catalogue reconciled with the store");
    }
    Ok(fixed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fjord_core::{GeometryKind, Lineage, Schema, Value};
    use geo_types::{point, Geometry};

    fn publish(store: &Store, id: &Slug) {
        let schema = Schema { geometry: GeometryKind::Point, fields: vec![] };
        let mut w = store.begin(id, schema).unwrap();
        w.add(1, &Geometry::Point(point!(x: 262_000.0, y: 6_650_000.0)), &[] as &[Value]).unwrap();
        let lineage = Lineage {
            source: "x.geojson".into(),
            sha256: "ab".into(),
            bytes: 1,
            driver: "GeoJSON".into(),
            layer: "x".into(),
            source_crs: "EPSG:4326".into(),
            org: "kartverket".into(),
            by: "test".into(),
            at: "2026-01-01T00:00:00Z".into(),
        };
        let meta = serde_json::json!({ "title": "Oslo", "keywords": ["by"], "access": "open" });
        w.publish(lineage, meta).unwrap();
    }

    #[test]
    fn records_follow_the_store_and_damage_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("store"), 3).unwrap();
        let catalogue = Catalogue::open(&dir.path().join("c.sqlite")).unwrap();
        let (a, b) = (Slug::new("a").unwrap(), Slug::new("b").unwrap());
        publish(&store, &a);
        publish(&store, &b);
        // a crash after the store switched but before the catalogue was told
        assert_eq!(reconcile(&store, &catalogue).unwrap(), 2);
        let rec = catalogue.by_dataset("a").unwrap().unwrap();
        assert_eq!((rec.title.as_str(), rec.version, rec.feature_count), ("Oslo", Some(1), Some(1)));
        let bbox = rec.bbox.unwrap();
        assert!((bbox.west - 10.75).abs() < 0.1 && (bbox.north - 59.9).abs() < 0.1, "{bbox:?}");
        assert_eq!(rec.uuid, record_uuid(&a, &HumanFields::default()), "uuid is stable per dataset");
        assert_eq!(reconcile(&store, &catalogue).unwrap(), 0);

        // a new version behind the catalogue's back, and a damaged dataset
        publish(&store, &a);
        std::fs::write(dir.path().join("store/b/v1/version.json"), "{").unwrap();
        std::fs::write(dir.path().join("store/b/CURRENT"), "2\n").unwrap();
        assert_eq!(reconcile(&store, &catalogue).unwrap(), 1);
        assert_eq!(catalogue.by_dataset("a").unwrap().unwrap().version, Some(2));
        assert_eq!(catalogue.by_dataset("a").unwrap().unwrap().created, rec.created);

        store.delete(&a).unwrap();
        reconcile(&store, &catalogue).unwrap();
        assert!(catalogue.by_dataset("a").unwrap().is_none());
    }
}
