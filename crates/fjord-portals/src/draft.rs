//! A portal record as a sample file or a request body gives it: the catalogue fields a
//! portal record uses and its kind's properties, without what the catalogue fills in
//! (times, and the dataset fields a portal record has no use for).

use fjord_catalogue::{Access, GeoBox, Organisation, Record};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The writable fields of a portal record.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    /// a fixed uuid (sample files give one; when absent the catalogue gives one)
    #[serde(default)]
    pub uuid: Option<String>,
    /// the record kind (`authority`, `tender-notice`, ...)
    pub kind: String,
    /// title
    pub title: String,
    /// abstract: what it is, in a sentence or two
    #[serde(default, rename = "abstract")]
    pub abstract_text: String,
    /// the organisation that owns the record
    pub organisation: Organisation,
    /// keywords
    #[serde(default)]
    pub keywords: Vec<String>,
    /// the topic it is filed under (Norway.no's topics, GeoNorge's themes)
    #[serde(default)]
    pub theme: Option<String>,
    /// where it applies, in EPSG:4258
    #[serde(default)]
    pub bbox: Option<GeoBox>,
    /// who may read it (open unless said)
    #[serde(default)]
    pub access: Access,
    /// the kind's own fields
    #[serde(default)]
    pub properties: Option<Value>,
}

impl Draft {
    /// The record this draft makes under `uuid`, at time `now` (RFC 3339); a record it
    /// replaces keeps its creation time.
    pub fn into_record(self, uuid: &str, old: Option<&Record>, now: &str) -> Record {
        Record {
            uuid: uuid.to_string(),
            kind: self.kind,
            dataset: None,
            title: self.title,
            abstract_text: self.abstract_text,
            organisation: self.organisation,
            keywords: self.keywords,
            theme: self.theme,
            topic_category: None,
            license: None,
            access: self.access,
            bbox: self.bbox,
            crs: Vec::new(),
            formats: Vec::new(),
            feature_count: None,
            schema: None,
            coverage: None,
            lineage: None,
            lineage_note: None,
            created: old.map_or_else(|| now.to_string(), |o| o.created.clone()),
            updated: now.to_string(),
            version: None,
            properties: self.properties,
        }
    }

    /// The draft of an existing record (to change a field and write it again).
    pub fn of(r: &Record) -> Draft {
        Draft {
            uuid: Some(r.uuid.clone()),
            kind: r.kind.clone(),
            title: r.title.clone(),
            abstract_text: r.abstract_text.clone(),
            organisation: r.organisation.clone(),
            keywords: r.keywords.clone(),
            theme: r.theme.clone(),
            bbox: r.bbox,
            access: r.access.clone(),
            properties: r.properties.clone(),
        }
    }
}

/// A portal record's text property `name` (`properties.status`), or "".
pub fn text<'a>(r: &'a Record, name: &str) -> &'a str {
    r.properties.as_ref().and_then(|p| p.get(name)).and_then(Value::as_str).unwrap_or("")
}

/// A portal record's list of texts `name` (`properties.offers`), empty when absent.
pub fn strings<'a>(r: &'a Record, name: &str) -> Vec<&'a str> {
    r.properties
        .as_ref()
        .and_then(|p| p.get(name))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// An open record of `kind` for the modules' tests: `uuid` owned by organisation `org`
/// (named in capitals), filed under `theme`, with `properties`.
#[cfg(test)]
pub(crate) fn sample(kind: &str, uuid: &str, org: &str, theme: &str, properties: Value) -> Record {
    let mut r = testing::record(kind, uuid, &uuid.to_uppercase(), org, Access::Open, properties);
    r.organisation.name = org.to_uppercase();
    r.theme = Some(theme.into());
    r
}

/// Records for the modules' tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A record of `kind` under `uuid`, titled `title`, of organisation `org`, with
    /// `access` and `properties`.
    pub(crate) fn record(kind: &str, uuid: &str, title: &str, org: &str, access: Access, properties: Value) -> Record {
        Draft {
            uuid: None,
            kind: kind.into(),
            title: title.into(),
            abstract_text: String::new(),
            organisation: Organisation { id: org.into(), name: org.into() },
            keywords: Vec::new(),
            theme: None,
            bbox: None,
            access,
            properties: Some(properties),
        }
        .into_record(uuid, None, "2026-01-01T00:00:00Z")
    }
}
