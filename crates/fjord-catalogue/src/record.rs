//! Catalogue records: the ISO 19115 core fields of a dataset.

use fjord_core::{Lineage, Schema};
use serde::{Deserialize, Serialize};

/// Who may read a dataset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// anyone
    #[default]
    Open,
    /// anyone logged in
    Login,
    /// members of any partner organisation (Norway Digital)
    Partners,
    /// members of the listed organisations only
    Organisations(Vec<String>),
    /// anyone logged in at this level or above: `substantial` or `high`
    Level(String),
    /// holders of one of these roles: `org:role` (viewer, uploader, admin; a higher role
    /// counts) or `admin` (a global administrator)
    Roles(Vec<String>),
    /// one person only: the user logged in under this name. A record with this anywhere
    /// in its constraint is private: never listed to anyone else
    Person(String),
    /// anyone any of these constraints lets in (the person who sent a form, or the
    /// authority it went to)
    #[serde(rename = "any_of")]
    AnyOf(Vec<Access>),
    /// only those all of these constraints let in (the person, logged in at level high)
    #[serde(rename = "all_of")]
    AllOf(Vec<Access>),
}

impl Access {
    /// Whether the constraint names a person: such a record is about or from one person,
    /// and searches never list it to callers who may not read it.
    pub fn is_private(&self) -> bool {
        match self {
            Access::Person(_) => true,
            Access::AnyOf(all) | Access::AllOf(all) => all.iter().any(Access::is_private),
            _ => false,
        }
    }
}

/// A geographic bounding box in EPSG:4258 (ETRS89), named by direction so no reader has
/// to guess the axis order.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct GeoBox {
    /// western longitude
    pub west: f64,
    /// southern latitude
    pub south: f64,
    /// eastern longitude
    pub east: f64,
    /// northern latitude
    pub north: f64,
}

/// The owner organisation of a record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    /// organisation id (slug)
    pub id: String,
    /// display name
    pub name: String,
}

/// The human metadata fields a partner writes in a sidecar (TOML or JSON) next to the
/// data. Everything measurable is derived from the data instead.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct HumanFields {
    /// a fixed record uuid; when absent one is derived from the dataset id
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid: Option<String>,
    /// title
    #[serde(default)]
    pub title: String,
    /// abstract
    #[serde(default, rename = "abstract")]
    pub abstract_text: String,
    /// display name of the owner organisation
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation_name: Option<String>,
    /// free keywords (Norwegian and English)
    #[serde(default)]
    pub keywords: Vec<String>,
    /// GeoNorge theme (DOK theme), e.g. "Basis geodata"
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    /// ISO 19115 MD_TopicCategoryCode, e.g. "boundaries"
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_category: Option<String>,
    /// license name or URL
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// access constraint
    #[serde(default)]
    pub access: Access,
    /// how the data was made, in the owner's words
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lineage_note: Option<String>,
    /// the vertical datum of an elevation dataset's heights (NN2000 when none is given)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vertical_datum: Option<String>,
    /// seed bookkeeping, ignored by the catalogue: dataset id
    #[serde(default, skip_serializing)]
    pub dataset: Option<String>,
    /// seed bookkeeping, ignored by the catalogue: owner organisation id
    #[serde(default, skip_serializing)]
    pub org: Option<String>,
    /// seed bookkeeping, ignored by the catalogue: source file beside the sidecar
    #[serde(default, skip_serializing)]
    pub source: Option<String>,
    /// seed bookkeeping, ignored by the catalogue: layer to read
    #[serde(default, skip_serializing)]
    pub layer: Option<String>,
}

/// What an elevation dataset's record tells of its heights, derived from the data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// the cell size of each stored level in metres, the finest first
    pub resolutions: Vec<f64>,
    /// lowest height, metres
    pub min_height: f64,
    /// highest height, metres
    pub max_height: f64,
    /// mean height, metres
    pub mean_height: f64,
    /// share (0–1) of the sources' footprint without a height
    pub nodata_share: f64,
    /// the vertical datum of the heights
    pub vertical_datum: String,
    /// the sources, in priority order (finer, then newer, first)
    pub sources: Vec<String>,
}

/// One catalogue record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// stable identifier
    pub uuid: String,
    /// record kind: `dataset` here; portals add their own kinds
    pub kind: String,
    /// the store dataset id, for kind `dataset`
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<String>,
    /// title
    pub title: String,
    /// abstract
    #[serde(rename = "abstract")]
    pub abstract_text: String,
    /// owner organisation
    pub organisation: Organisation,
    /// keywords
    pub keywords: Vec<String>,
    /// GeoNorge theme
    pub theme: Option<String>,
    /// ISO topic category
    pub topic_category: Option<String>,
    /// license
    pub license: Option<String>,
    /// access constraint
    pub access: Access,
    /// extent in EPSG:4258
    pub bbox: Option<GeoBox>,
    /// CRSs the services offer the data in
    pub crs: Vec<String>,
    /// formats the data can be had in
    pub formats: Vec<String>,
    /// number of features
    pub feature_count: Option<u64>,
    /// attribute schema
    pub schema: Option<Schema>,
    /// what an elevation dataset holds, derived from its heights
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
    /// provenance of the current version
    pub lineage: Option<Lineage>,
    /// the owner's note on how the data was made
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lineage_note: Option<String>,
    /// RFC 3339 time the record was first made
    pub created: String,
    /// RFC 3339 time of the last change
    pub updated: String,
    /// the dataset version being served
    pub version: Option<u32>,
    /// the fields of a portal's record kind (an authority's contact, a tender's deadline),
    /// checked against the kind's JSON Schema on every write ([`crate::Kind`])
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<serde_json::Value>,
}

/// Records for the crate's tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// An open dataset record with the given fields and no data-derived ones.
    pub(crate) fn record(
        uuid: &str,
        title: &str,
        org: &str,
        theme: &str,
        keywords: &[&str],
        bbox: (f64, f64, f64, f64),
    ) -> Record {
        Record {
            uuid: uuid.into(),
            kind: "dataset".into(),
            dataset: Some(uuid.into()),
            title: title.into(),
            abstract_text: format!("Om {title}"),
            organisation: Organisation { id: org.into(), name: org.to_uppercase() },
            keywords: keywords.iter().map(|k| k.to_string()).collect(),
            theme: Some(theme.into()),
            topic_category: None,
            license: None,
            access: Access::Open,
            bbox: Some(GeoBox { west: bbox.0, south: bbox.1, east: bbox.2, north: bbox.3 }),
            crs: vec![],
            formats: vec![],
            feature_count: None,
            schema: None,
            coverage: None,
            lineage: None,
            lineage_note: None,
            created: "2026-01-01T00:00:00Z".into(),
            updated: "2026-01-01T00:00:00Z".into(),
            version: Some(1),
            properties: None,
        }
    }

    /// What a 10 m elevation dataset's record tells of its heights.
    pub(crate) fn coverage() -> Coverage {
        Coverage {
            resolutions: vec![10.0, 20.0],
            min_height: 0.0,
            max_height: 2469.0,
            mean_height: 500.0,
            nodata_share: 0.0,
            vertical_datum: "NN2000".into(),
            sources: vec![],
        }
    }
}
