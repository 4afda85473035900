//! The shape of a vector dataset: its attribute fields, their types and values, and the
//! geometry kind.

use serde::{Deserialize, Serialize};

/// The type of one attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// true/false
    Boolean,
    /// 64-bit signed integer
    Integer,
    /// 64-bit float
    Real,
    /// UTF-8 text
    String,
    /// ISO 8601 date (`2024-01-01`), kept as text
    Date,
    /// ISO 8601 date and time, kept as text
    DateTime,
}

/// One attribute field of a dataset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Field {
    /// name as in the source
    pub name: String,
    /// its type
    #[serde(rename = "type")]
    pub ty: FieldType,
}

impl Field {
    /// A field of a name and type.
    pub fn new(name: &str, ty: FieldType) -> Field {
        Field { name: name.to_string(), ty }
    }
}

/// The geometry kind of a layer; `Mixed` when features differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GeometryKind {
    /// points
    Point,
    /// lines
    LineString,
    /// polygons
    Polygon,
    /// multi-points
    MultiPoint,
    /// multi-lines
    MultiLineString,
    /// multi-polygons
    MultiPolygon,
    /// more than one of the above
    Mixed,
}

/// Attributes and geometry kind of a dataset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Schema {
    /// geometry kind of every feature (or `Mixed`)
    pub geometry: GeometryKind,
    /// attribute fields in source order
    pub fields: Vec<Field>,
}

impl Schema {
    /// The position of a field by name.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

/// One attribute value. Dates and times travel as ISO 8601 text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// missing
    Null,
    /// boolean
    Bool(bool),
    /// integer
    Int(i64),
    /// float
    Real(f64),
    /// text (also dates)
    Text(String),
}

impl Value {
    /// As plain text for people (labels, HTML tables, plain-text answers): text as it
    /// is, other values as JSON writes them, null as nothing.
    pub fn to_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Text(s) => s.clone(),
            other => other.to_json().to_string(),
        }
    }

    /// As a JSON value (non-finite reals become null).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => (*b).into(),
            Value::Int(i) => (*i).into(),
            Value::Real(r) => serde_json::Number::from_f64(*r).map_or(serde_json::Value::Null, Into::into),
            Value::Text(s) => s.clone().into(),
        }
    }
}
