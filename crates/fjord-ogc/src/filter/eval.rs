//! Evaluating a filter against a feature (all fields, schema order; geometry in the
//! storage CRS).

use super::like::like;
use super::{CmpOp, Filter, Literal, SpatialOp};
use fjord_core::{BBox, Value};
use fjord_store::Feature;
use geo::{BoundingRect, Contains, Intersects, Within};
use std::cmp::Ordering;

fn compare(v: &Value, lit: &Literal, match_case: bool) -> Option<Ordering> {
    match (v, lit) {
        (Value::Int(i), Literal::Number(n)) => (*i as f64).partial_cmp(n),
        (Value::Real(r), Literal::Number(n)) => r.partial_cmp(n),
        (Value::Bool(b), Literal::Bool(l)) => Some(b.cmp(l)),
        (Value::Text(s), Literal::Text(t)) if match_case => Some(s.as_str().cmp(t)),
        (Value::Text(s), Literal::Text(t)) => Some(s.to_lowercase().cmp(&t.to_lowercase())),
        _ => None,
    }
}

impl Filter {
    /// Whether the feature passes.
    pub fn eval(&self, f: &Feature) -> bool {
        let value = |p: &usize| f.values.get(*p).unwrap_or(&Value::Null);
        match self {
            Filter::And(all) => all.iter().all(|x| x.eval(f)),
            Filter::Or(any) => any.iter().any(|x| x.eval(f)),
            Filter::Not(x) => !x.eval(f),
            Filter::Compare { prop, op, value: lit, match_case } => match compare(value(prop), lit, *match_case) {
                None => false,
                Some(o) => match op {
                    CmpOp::Eq => o == Ordering::Equal,
                    CmpOp::Ne => o != Ordering::Equal,
                    CmpOp::Lt => o == Ordering::Less,
                    CmpOp::Le => o != Ordering::Greater,
                    CmpOp::Gt => o == Ordering::Greater,
                    CmpOp::Ge => o != Ordering::Less,
                },
            },
            Filter::Like { prop, pattern, wild, single, escape, match_case } => {
                let text = match value(prop) {
                    Value::Null => return false,
                    Value::Text(s) => s.clone(),
                    other => other.to_json().to_string(),
                };
                if *match_case {
                    like(&text, pattern, *wild, *single, *escape)
                } else {
                    like(&text.to_lowercase(), &pattern.to_lowercase(), *wild, *single, *escape)
                }
            }
            Filter::Between { prop, low, high } => {
                let v = value(prop);
                compare(v, low, true).is_some_and(|o| o != Ordering::Less)
                    && compare(v, high, true).is_some_and(|o| o != Ordering::Greater)
            }
            Filter::Null(prop) => *value(prop) == Value::Null,
            Filter::In { prop, values } => {
                values.iter().any(|l| compare(value(prop), l, true) == Some(Ordering::Equal))
            }
            Filter::Spatial { op, geometry } => match op {
                SpatialOp::Intersects => f.geometry.intersects(geometry),
                SpatialOp::Disjoint => !f.geometry.intersects(geometry),
                SpatialOp::Within => f.geometry.is_within(geometry),
                SpatialOp::Contains => f.geometry.contains(geometry),
            },
            Filter::ResourceId(ids) => ids.contains(&f.id),
            Filter::During { prop, start, end } => match value(prop) {
                Value::Text(t) => fjord_core::time::span(t).is_some_and(|(a, b)| a <= *end && b >= *start),
                _ => false,
            },
        }
    }

    /// A box every passing feature's geometry must touch, when the filter implies one
    /// (a spatial test that must hold), so the R-tree can narrow the candidates first.
    pub fn bbox_hint(&self) -> Option<BBox> {
        match self {
            Filter::Spatial { op: SpatialOp::Intersects | SpatialOp::Within | SpatialOp::Contains, geometry } => {
                geometry.bounding_rect().and_then(|r| BBox::new(r.min().x, r.min().y, r.max().x, r.max().y).ok())
            }
            Filter::And(all) => all.iter().find_map(Filter::bbox_hint),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{point, polygon, Geometry};

    fn feature() -> Feature {
        Feature {
            id: 7,
            geometry: Geometry::Point(point!(x: 5.0, y: 5.0)),
            values: vec![Value::Text("Galdhøpiggen".into()), Value::Int(2469), Value::Null],
        }
    }

    #[test]
    fn comparisons_logic_and_space() {
        let f = feature();
        let cmp = |op, value| Filter::Compare { prop: 1, op, value, match_case: true };
        assert!(cmp(CmpOp::Gt, Literal::Number(2000.0)).eval(&f));
        assert!(!cmp(CmpOp::Lt, Literal::Number(2000.0)).eval(&f));
        assert!(cmp(CmpOp::Eq, Literal::Number(2469.0)).eval(&f));
        assert!(!cmp(CmpOp::Eq, Literal::Text("x".into())).eval(&f), "mismatched types never match");
        let name =
            Filter::Compare { prop: 0, op: CmpOp::Eq, value: Literal::Text("galdhøpiggen".into()), match_case: false };
        assert!(name.eval(&f));
        assert!(Filter::Null(2).eval(&f) && !Filter::Null(0).eval(&f));
        let between = Filter::Between { prop: 1, low: Literal::Number(2400.0), high: Literal::Number(2500.0) };
        assert!(between.eval(&f));
        assert!(!Filter::Not(Box::new(between.clone())).eval(&f));
        assert!(Filter::Or(vec![Filter::Null(0), between.clone()]).eval(&f));
        assert!(!Filter::And(vec![Filter::Null(0), between]).eval(&f));
        assert!(Filter::In { prop: 1, values: vec![Literal::Number(1.0), Literal::Number(2469.0)] }.eval(&f));
        assert!(Filter::ResourceId(vec![7]).eval(&f));
        let day = Feature { values: vec![Value::Text("1970-01-02".into())], ..f.clone() };
        assert!(
            Filter::During { prop: 0, start: 86_400 + 3600, end: 86_400 + 3600 }.eval(&day),
            "an instant in the day"
        );
        assert!(!Filter::During { prop: 0, start: 2 * 86_400, end: i64::MAX }.eval(&day), "after the day");
        assert!(!Filter::During { prop: 2, start: i64::MIN, end: i64::MAX }.eval(&f), "null is never in time");
        let square = Geometry::Polygon(
            polygon![(x: 0., y: 0.), (x: 10., y: 0.), (x: 10., y: 10.), (x: 0., y: 10.), (x: 0., y: 0.)],
        );
        let within = Filter::Spatial { op: SpatialOp::Within, geometry: square };
        assert!(within.eval(&f));
        assert_eq!(within.bbox_hint().unwrap().to_array(), [0.0, 0.0, 10.0, 10.0]);
    }
}
