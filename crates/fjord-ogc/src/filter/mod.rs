//! One filter model for every protocol: FES 2.0 (WFS) parses into it, and CQL2 (OGC API
//! Part 3) will too. A [`Filter`] is checked against the schema when it is built, so
//! evaluating it against a feature cannot fail.

mod cql2;
mod eval;
pub(crate) mod fes;
mod like;

pub use self::cql2::{parse_cql2, parse_cql2_in, Cql2Lang};
pub use fes::{parse_fes, parse_fes_in};

use geo_types::Geometry;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    /// =
    Eq,
    /// <>
    Ne,
    /// <
    Lt,
    /// <=
    Le,
    /// >
    Gt,
    /// >=
    Ge,
}

/// A spatial operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpatialOp {
    /// shares any point (also BBOX)
    Intersects,
    /// shares no point
    Disjoint,
    /// the feature lies inside the literal
    Within,
    /// the feature holds the literal
    Contains,
}

/// A literal value in a filter, typed by the property it is compared with.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// a number (integers too)
    Number(f64),
    /// text (dates and times compare as ISO 8601 text)
    Text(String),
    /// a boolean
    Bool(bool),
}

/// A filter over one feature type. Properties are schema field indexes.
#[derive(Clone, Debug, PartialEq)]
pub enum Filter {
    /// all hold
    And(Vec<Filter>),
    /// any holds
    Or(Vec<Filter>),
    /// does not hold
    Not(Box<Filter>),
    /// property op literal
    Compare {
        /// the property
        prop: usize,
        /// the operator
        op: CmpOp,
        /// the value
        value: Literal,
        /// text comparison respects case
        match_case: bool,
    },
    /// property matches a wildcard pattern (`%`/`_` style, characters given)
    Like {
        /// the property
        prop: usize,
        /// the pattern
        pattern: String,
        /// any run of characters
        wild: char,
        /// exactly one character
        single: char,
        /// makes the next character literal
        escape: char,
        /// respect case
        match_case: bool,
    },
    /// low <= property <= high
    Between {
        /// the property
        prop: usize,
        /// lower bound
        low: Literal,
        /// upper bound
        high: Literal,
    },
    /// property is null (absent)
    Null(usize),
    /// property equals one of the values
    In {
        /// the property
        prop: usize,
        /// the values
        values: Vec<Literal>,
    },
    /// the geometry relates to a literal geometry (in the storage CRS)
    Spatial {
        /// the relation
        op: SpatialOp,
        /// the literal
        geometry: Geometry<f64>,
    },
    /// the feature's id is one of these
    ResourceId(Vec<u64>),
    /// the time a date or date-time property covers meets `start..=end` (seconds since
    /// the epoch; see [`fjord_core::time::span`]); null and unreadable values never do
    During {
        /// the property
        prop: usize,
        /// first second
        start: i64,
        /// last second
        end: i64,
    },
}

/// The schema the filter tests share: summits with a name and a height.
#[cfg(test)]
pub(crate) fn summits() -> fjord_core::Schema {
    use fjord_core::{Field, FieldType, GeometryKind, Schema};
    Schema {
        geometry: GeometryKind::Point,
        fields: vec![Field::new("navn", FieldType::String), Field::new("hoyde_m", FieldType::Integer)],
    }
}

/// `filter` narrowed to features intersecting `area` (the area a caller's access is
/// limited to), or left as it is without one.
pub fn within_area(filter: Option<Filter>, area: Option<Geometry<f64>>) -> Option<Filter> {
    let Some(geometry) = area else { return filter };
    let inside = Filter::Spatial { op: SpatialOp::Intersects, geometry };
    Some(match filter {
        Some(f) => Filter::And(vec![inside, f]),
        None => inside,
    })
}
