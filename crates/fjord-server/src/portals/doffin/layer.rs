//! The published tender notices as a store dataset ([`fjord_portals::doffin::LAYER`]):
//! whenever a notice is published, awarded or closed, the notices that are not drafts are
//! written as GeoJSON and published as a new version through the ingest path, after
//! which WMS, WFS, OGC API Features and Tiles and the downloads serve them.

use crate::portals::layer::{self, Layer};
use fjord_catalogue::{Catalogue, HumanFields, SearchQuery};
use fjord_portals::doffin;
use fjord_store::Store;
use std::path::Path;

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
    let collection = doffin::layer(
        &catalogue
            .search_all(&SearchQuery { kind: Some(doffin::KIND.into()), ..SearchQuery::default() })
            .map_err(|e| e.to_string())?,
    );
    if collection["features"].as_array().is_none_or(|f| f.is_empty()) {
        return Ok(None);
    }
    let target = Layer { dataset: doffin::LAYER, org: doffin::LAYER_ORG.into(), meta: meta(), crs: None };
    layer::publish(store, catalogue, scratch, target, &collection, by).map(Some)
}
