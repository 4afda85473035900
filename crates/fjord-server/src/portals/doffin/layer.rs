//! The published tender notices as a store dataset ([`fjord_portals::doffin::LAYER`]):
//! whenever a notice is published, awarded or closed, the notices that are not drafts are
//! written as GeoJSON and published as a new version through the ingest path, after
//! which WMS, WFS, OGC API Features and Tiles and the downloads serve them.

use fjord_catalogue::{Catalogue, HumanFields, Record, SearchQuery, MAX_LIMIT};
use fjord_core::Slug;
use fjord_portals::doffin;
use fjord_store::Store;
use std::path::Path;
use std::sync::Mutex;

/// One layer publish at a time, so versions follow the order of the changes.
static PUBLISHING: Mutex<()> = Mutex::new(());

/// Every tender notice in the catalogue (drafts too; [`doffin::layer`] leaves them out).
fn notices(catalogue: &Catalogue) -> fjord_catalogue::Result<Vec<Record>> {
    let mut q = SearchQuery { kind: Some(doffin::KIND.into()), limit: MAX_LIMIT, ..SearchQuery::default() };
    let mut all = Vec::new();
    loop {
        let page = catalogue.search(&q)?;
        q.offset += page.hits.len();
        all.extend(page.hits.into_iter().map(|h| h.record));
        if q.offset as u64 >= page.total || q.offset == 0 {
            return Ok(all);
        }
    }
}

/// The layer's human metadata.
fn meta() -> HumanFields {
    HumanFields {
        title: "Doffin – kunngjøringer av offentlige anskaffelser".into(),
        abstract_text: "Kunngjorte, tildelte og avsluttede offentlige anskaffelser fra Doffin, med oppdragsgiver, \
                        CPV-koder, tilbudsfrist og status. Public procurement notices with buyer, CPV codes, \
                        deadline and status."
            .into(),
        organisation_name: Some("Direktoratet for forvaltning og økonomi (DFØ)".into()),
        keywords: ["doffin", "anskaffelser", "anbud", "kunngjøring", "procurement", "tender"]
            .map(String::from)
            .to_vec(),
        theme: Some("Samfunnssikkerhet".into()),
        license: Some("NLOD 2.0".into()),
        lineage_note: Some(
            "Publiseres fra Doffin-kunngjøringene i katalogen hver gang en kunngjøring endrer status.".into(),
        ),
        ..HumanFields::default()
    }
}

/// Publish the notices (not drafts) as a new version of the layer; the version, or `None`
/// when there is no notice to show. `scratch` is a folder for the GeoJSON handed to ingest.
pub fn publish(store: &Store, catalogue: &Catalogue, scratch: &Path, by: &str) -> Result<Option<u32>, String> {
    let _one = PUBLISHING.lock().unwrap_or_else(|p| p.into_inner());
    let collection = doffin::layer(&notices(catalogue).map_err(|e| e.to_string())?);
    if collection["features"].as_array().is_none_or(|f| f.is_empty()) {
        return Ok(None);
    }
    std::fs::create_dir_all(scratch).map_err(|e| format!("{}: {e}", scratch.display()))?;
    let file = scratch.join(format!("{}-{}.geojson", doffin::LAYER, std::process::id()));
    std::fs::write(&file, collection.to_string()).map_err(|e| format!("{}: {e}", file.display()))?;
    let req = fjord_ingest::IngestRequest {
        source: fjord_ingest::SourceOptions { path: file.clone(), layer: None, crs: None, max_bytes: u64::MAX },
        dataset: Slug::new(doffin::LAYER).map_err(|e| e.to_string())?,
        org: Slug::new(doffin::LAYER_ORG).map_err(|e| e.to_string())?,
        meta: Some(meta()),
        by: by.to_string(),
    };
    let published = fjord_ingest::ingest(store, catalogue, &req, &fjord_ingest::Quiet);
    let _ = std::fs::remove_file(&file);
    published.map(|o| Some(o.info.version)).map_err(|e| e.to_string())
}
