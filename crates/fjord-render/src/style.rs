//! Native styles: JSON files in `styles/`, one style each, with rules that pick features
//! by attribute and scale and symbolizers that say how to draw them.
//!
//! ```json
//! { "name": "fylker", "title": "Fylker", "rules": [
//!   { "title": "Oslo", "filter": { "property": "fylkesnummer", "op": "=", "value": "03" },
//!     "max_scale": 5000000,
//!     "symbolizers": [ { "fill": { "color": "#d9e8f5" } },
//!                      { "line": { "color": "#34607f", "width": 1.5, "dash": [4, 2] } } ] } ] }
//! ```

use fjord_core::{GeometryKind, Value};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// A colour with alpha, written `#rrggbb` or `#rrggbbaa`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Color {
    /// red
    pub r: u8,
    /// green
    pub g: u8,
    /// blue
    pub b: u8,
    /// alpha (255 = opaque)
    pub a: u8,
}

impl Color {
    /// From `#rrggbb`, `#rrggbbaa` or `0xrrggbb` (the WMS BGCOLOR spelling).
    pub fn parse(s: &str) -> Option<Color> {
        let hex = s
            .trim()
            .strip_prefix('#')
            .or_else(|| s.trim().strip_prefix("0x"))
            .or_else(|| s.trim().strip_prefix("0X"))?;
        if !(hex.len() == 6 || hex.len() == 8) || !hex.is_ascii() {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Color { r: byte(0)?, g: byte(2)?, b: byte(4)?, a: if hex.len() == 8 { byte(6)? } else { 255 } })
    }

    /// The same colour with its alpha multiplied by `opacity` (0–1).
    pub fn with_opacity(self, opacity: f32) -> Color {
        Color { a: (f32::from(self.a) * opacity.clamp(0.0, 1.0)).round() as u8, ..self }
    }
}

impl std::fmt::Display for Color {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.r, self.g, self.b)?;
        if self.a != 255 {
            write!(f, "{:02x}", self.a)?;
        }
        Ok(())
    }
}

impl Serialize for Color {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Color, D::Error> {
        let s = String::deserialize(d)?;
        Color::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("'{s}' is not a colour; use #rrggbb or #rrggbbaa")))
    }
}

/// A comparison in a rule filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Op {
    /// equal
    #[serde(rename = "=")]
    Eq,
    /// not equal
    #[serde(rename = "!=")]
    Ne,
    /// less than
    #[serde(rename = "<")]
    Lt,
    /// at most
    #[serde(rename = "<=")]
    Le,
    /// greater than
    #[serde(rename = ">")]
    Gt,
    /// at least
    #[serde(rename = ">=")]
    Ge,
}

/// Which features a rule applies to: a comparison of one property with a value, or all /
/// any of several filters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RuleFilter {
    /// every one holds
    All {
        /// the filters
        all: Vec<RuleFilter>,
    },
    /// at least one holds
    Any {
        /// the filters
        any: Vec<RuleFilter>,
    },
    /// `property op value`; numbers compare as numbers, text as text
    Compare {
        /// the attribute
        property: String,
        /// the comparison
        op: Op,
        /// the value (a JSON string, number or boolean)
        value: serde_json::Value,
    },
}

/// Looks up a feature's attribute by name.
pub trait Attributes {
    /// The value of `name`, `None` when the feature has no such attribute.
    fn get(&self, name: &str) -> Option<&Value>;
}

fn compare(v: &Value, want: &serde_json::Value) -> Option<Ordering> {
    match (v, want) {
        (Value::Int(i), serde_json::Value::Number(n)) => (*i as f64).partial_cmp(&n.as_f64()?),
        (Value::Real(r), serde_json::Value::Number(n)) => r.partial_cmp(&n.as_f64()?),
        (Value::Text(s), serde_json::Value::String(t)) => Some(s.as_str().cmp(t)),
        (Value::Bool(b), serde_json::Value::Bool(c)) => Some(b.cmp(c)),
        // a number written as text in the style, or the other way round
        (Value::Text(s), serde_json::Value::Number(n)) => s.trim().parse::<f64>().ok()?.partial_cmp(&n.as_f64()?),
        (Value::Int(i), serde_json::Value::String(t)) => (*i as f64).partial_cmp(&t.trim().parse::<f64>().ok()?),
        _ => None,
    }
}

impl RuleFilter {
    /// Whether a feature passes; a missing or null attribute never does.
    pub fn matches(&self, f: &dyn Attributes) -> bool {
        match self {
            RuleFilter::All { all } => all.iter().all(|x| x.matches(f)),
            RuleFilter::Any { any } => any.iter().any(|x| x.matches(f)),
            RuleFilter::Compare { property, op, value } => {
                let Some(o) = f.get(property).and_then(|v| compare(v, value)) else { return false };
                match op {
                    Op::Eq => o == Ordering::Equal,
                    Op::Ne => o != Ordering::Equal,
                    Op::Lt => o == Ordering::Less,
                    Op::Le => o != Ordering::Greater,
                    Op::Gt => o == Ordering::Greater,
                    Op::Ge => o != Ordering::Less,
                }
            }
        }
    }

    /// The properties the filter reads.
    fn properties<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            RuleFilter::All { all: fs } | RuleFilter::Any { any: fs } => fs.iter().for_each(|f| f.properties(out)),
            RuleFilter::Compare { property, .. } => out.push(property),
        }
    }
}

/// How the inside of a polygon is painted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fill {
    /// the colour
    pub color: Color,
    /// 0–1, multiplied into the colour's alpha
    #[serde(default = "one")]
    pub opacity: f32,
}

/// How a line or a polygon's outline is stroked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// the colour
    pub color: Color,
    /// width in pixels
    #[serde(default = "one")]
    pub width: f32,
    /// dash pattern in pixels (on, off, ...); solid when absent
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dash: Option<Vec<f32>>,
    /// 0–1
    #[serde(default = "one")]
    pub opacity: f32,
}

/// The shape of a point symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    /// a disc
    Circle,
    /// an axis-aligned square
    Square,
    /// a triangle with its tip up
    Triangle,
}

/// A symbol drawn at each point (and at the interior point of other geometries).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    /// the shape
    pub shape: Shape,
    /// its size in pixels (diameter / side)
    #[serde(default = "six")]
    pub size: f32,
    /// the inside
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill: Option<Fill>,
    /// the outline
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stroke: Option<Line>,
}

/// A halo behind label text, so it reads on any background.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Halo {
    /// the colour
    pub color: Color,
    /// its width in pixels around each glyph
    #[serde(default = "one")]
    pub width: f32,
}

/// A label: text from an attribute.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// the attribute whose value is written
    pub property: String,
    /// font size in pixels
    #[serde(default = "twelve")]
    pub size: f32,
    /// the colour
    pub color: Color,
    /// an optional halo
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub halo: Option<Halo>,
}

/// One way of drawing a feature; a rule may stack several.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Symbolizer {
    /// polygon insides
    Fill(Fill),
    /// lines and polygon outlines
    Line(Line),
    /// point symbols
    Point(Point),
    /// labels
    Text(Text),
}

/// Symbolizers for the features that pass a filter within a scale range.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// a name for legends
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// which features; all when absent
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<RuleFilter>,
    /// applies at scale denominators at least this (inclusive)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_scale: Option<f64>,
    /// applies at scale denominators below this
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_scale: Option<f64>,
    /// drawn in order
    pub symbolizers: Vec<Symbolizer>,
}

impl Rule {
    /// Whether the rule applies at scale denominator `scale`.
    pub fn in_scale(&self, scale: f64) -> bool {
        self.min_scale.is_none_or(|m| scale >= m) && self.max_scale.is_none_or(|m| scale < m)
    }
}

/// A named style.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Style {
    /// the name clients ask for (WMS STYLES)
    pub name: String,
    /// a human title
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// drawn in order: every matching rule's symbolizers
    pub rules: Vec<Rule>,
}

/// Why a style cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum StyleError {
    /// not valid style JSON
    #[error("style: {0}")]
    Json(#[from] serde_json::Error),
    /// the style refers to what is not there
    #[error("style '{style}': {reason}")]
    Invalid {
        /// the style's name
        style: String,
        /// what is wrong
        reason: String,
    },
}

fn one() -> f32 {
    1.0
}

fn six() -> f32 {
    6.0
}

fn twelve() -> f32 {
    12.0
}

/// The most rules a style may have (a style is drawn per feature, rule by rule).
const MAX_RULES: usize = 256;

impl Style {
    /// Parse a style from JSON and check its numbers.
    pub fn from_json(text: &str) -> Result<Style, StyleError> {
        let style: Style = serde_json::from_str(text)?;
        style.check()?;
        Ok(style)
    }

    /// Sizes, widths and opacities within sane bounds; few enough rules.
    pub fn check(&self) -> Result<(), StyleError> {
        let bad = |reason: String| StyleError::Invalid { style: self.name.clone(), reason };
        if self.rules.len() > MAX_RULES {
            return Err(bad(format!("{} rules; at most {MAX_RULES}", self.rules.len())));
        }
        let size = |what: &str, v: f32, max: f32| {
            if v.is_finite() && (0.0..=max).contains(&v) {
                Ok(())
            } else {
                Err(bad(format!("{what} {v} is outside 0–{max}")))
            }
        };
        let line = |l: &Line| -> Result<(), StyleError> {
            size("line width", l.width, 100.0)?;
            size("opacity", l.opacity, 1.0)?;
            for d in l.dash.iter().flatten() {
                size("dash", *d, 1000.0)?;
            }
            Ok(())
        };
        for r in &self.rules {
            for s in &r.symbolizers {
                match s {
                    Symbolizer::Fill(f) => size("opacity", f.opacity, 1.0)?,
                    Symbolizer::Line(l) => line(l)?,
                    Symbolizer::Point(p) => {
                        size("point size", p.size, 200.0)?;
                        if let Some(l) = &p.stroke {
                            line(l)?;
                        }
                    }
                    Symbolizer::Text(t) => size("text size", t.size, 200.0)?,
                }
            }
        }
        Ok(())
    }

    /// Every attribute the style reads (filters and labels), each once.
    pub fn properties(&self) -> Vec<&str> {
        let mut out = Vec::new();
        for r in &self.rules {
            if let Some(f) = &r.filter {
                f.properties(&mut out);
            }
            for s in &r.symbolizers {
                if let Symbolizer::Text(t) = s {
                    out.push(&t.property);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The style a dataset gets without one of its own: a translucent blue fill with a
    /// dark outline for polygons, a dark blue line for lines, a red disc for points.
    pub fn default_for(kind: GeometryKind) -> Style {
        let outline = Line { color: Color { r: 0x1f, g: 0x4e, b: 0x79, a: 255 }, width: 1.0, dash: None, opacity: 1.0 };
        let fill = Fill { color: Color { r: 0x6f, g: 0xa8, b: 0xdc, a: 255 }, opacity: 0.6 };
        let point = Point {
            shape: Shape::Circle,
            size: 7.0,
            fill: Some(Fill { color: Color { r: 0xd6, g: 0x27, b: 0x28, a: 255 }, opacity: 1.0 }),
            stroke: Some(Line {
                color: Color { r: 255, g: 255, b: 255, a: 255 },
                width: 1.0,
                dash: None,
                opacity: 1.0,
            }),
        };
        let symbolizers = match kind {
            GeometryKind::Polygon | GeometryKind::MultiPolygon => {
                vec![Symbolizer::Fill(fill), Symbolizer::Line(outline)]
            }
            GeometryKind::LineString | GeometryKind::MultiLineString => {
                vec![Symbolizer::Line(Line { width: 1.5, ..outline })]
            }
            GeometryKind::Point | GeometryKind::MultiPoint => vec![Symbolizer::Point(point)],
            GeometryKind::Mixed => {
                vec![Symbolizer::Fill(fill), Symbolizer::Line(outline), Symbolizer::Point(point)]
            }
        };
        Style {
            name: "default".into(),
            title: Some("Default".into()),
            rules: vec![Rule { title: None, filter: None, min_scale: None, max_scale: None, symbolizers }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    struct Attrs(HashMap<&'static str, Value>);

    impl Attributes for Attrs {
        fn get(&self, name: &str) -> Option<&Value> {
            self.0.get(name)
        }
    }

    #[test]
    fn colours_parse_and_print() {
        assert_eq!(Color::parse("#ff8000"), Some(Color { r: 255, g: 128, b: 0, a: 255 }));
        assert_eq!(Color::parse("0xFF800080").map(|c| c.a), Some(128));
        assert_eq!(Color::parse("#ff80"), None);
        assert_eq!(Color::parse("#gg0000"), None);
        assert_eq!(Color::parse("#ff8000").unwrap().to_string(), "#ff8000");
        assert_eq!(Color::parse("#ff800080").unwrap().with_opacity(0.5).a, 64);
    }

    #[test]
    fn styles_read_filter_and_check() {
        let s = Style::from_json(
            r##"{ "name": "fylker", "rules": [
                { "filter": { "all": [ { "property": "nr", "op": "=", "value": "03" },
                                       { "property": "folk", "op": ">=", "value": 1000 } ] },
                  "max_scale": 5000000,
                  "symbolizers": [ { "fill": { "color": "#d9e8f5" } },
                                   { "line": { "color": "#34607f", "width": 1.5, "dash": [4, 2] } },
                                   { "text": { "property": "navn", "color": "#000000", "halo": { "color": "#ffffff" } } } ] } ] }"##,
        )
        .unwrap();
        let oslo = Attrs(HashMap::from([("nr", Value::Text("03".into())), ("folk", Value::Int(700_000))]));
        let small = Attrs(HashMap::from([("nr", Value::Text("03".into())), ("folk", Value::Int(10))]));
        let f = s.rules[0].filter.as_ref().unwrap();
        assert!(f.matches(&oslo) && !f.matches(&small));
        assert!(s.rules[0].in_scale(1_000_000.0) && !s.rules[0].in_scale(5_000_000.0));
        assert_eq!(s.properties(), ["folk", "navn", "nr"]);

        for bad in [
            r##"{ "name": "x", "rules": [ { "symbolizers": [ { "line": { "color": "#000000", "width": 1e9 } } ] } ] }"##,
            r#"{ "name": "x", "rules": [ { "symbolizers": [ { "fill": { "color": "red" } } ] } ] }"#,
            r#"{ "name": "x", "rules": [ { "symbolizers": [ { "glow": {} } ] } ] }"#,
            r#"{ "name": "x" }"#,
        ] {
            assert!(Style::from_json(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_kind_has_a_default() {
        for k in [GeometryKind::Point, GeometryKind::MultiLineString, GeometryKind::MultiPolygon, GeometryKind::Mixed] {
            let s = Style::default_for(k);
            assert!(!s.rules[0].symbolizers.is_empty());
            assert_eq!(Style::from_json(&serde_json::to_string(&s).unwrap()).unwrap(), s, "round trip");
        }
    }
}
