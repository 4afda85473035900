//! CQL2 (text and JSON, parsed by the `cql2` crate) into [`Filter`]s.
//!
//! Supported: AND, OR, NOT; =, <>, <, <=, >, >=; LIKE (`%`, `_`, `\` escape), BETWEEN,
//! IN, IS NULL; CASEI on a property; S_INTERSECTS, S_WITHIN, S_CONTAINS, S_DISJOINT with
//! WKT/GeoJSON geometries or BBOX literals in `filter-crs` (default CRS84, in its axis
//! order). Anything else is refused by name.

use super::{CmpOp, Filter, Literal, SpatialOp};
use cql2::Expr;
use fjord_core::{transform, AxisOrder, Crs, FieldType, Schema, STORAGE_CRS};
use geo_types::{coord, Geometry, Rect};
use wkt::TryFromWkt;

/// The two encodings of `filter-lang`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cql2Lang {
    /// `cql2-text`
    Text,
    /// `cql2-json`
    Json,
}

struct Ctx<'a> {
    schema: &'a Schema,
    crs: Crs,
    /// the CRS geometry literals are moved to
    target: Crs,
}

/// A property reference: the field index and whether CASEI wrapped it.
fn property(e: &Expr) -> Option<(&str, bool)> {
    match e {
        Expr::Property { property } => Some((property.as_str(), true)),
        Expr::Operation { op, args } if op.eq_ignore_ascii_case("casei") && args.len() == 1 => {
            property(&args[0]).map(|(p, _)| (p, false))
        }
        _ => None,
    }
}

impl Ctx<'_> {
    /// A property by name, or by its local part after a namespace prefix (`dc:title`).
    fn field(&self, name: &str) -> Result<usize, String> {
        let local = name.rsplit(':').next().unwrap_or(name);
        (self.schema.index_of(name).or_else(|| self.schema.index_of(local)))
            .ok_or_else(|| format!("unknown property '{name}' (see the queryables)"))
    }

    fn literal(&self, prop: usize, e: &Expr) -> Result<Literal, String> {
        let numeric = matches!(self.schema.fields[prop].ty, FieldType::Integer | FieldType::Real);
        Ok(match e {
            Expr::Float(f) => Literal::Number(*f),
            Expr::Bool(b) => Literal::Bool(*b),
            Expr::Literal(s) if numeric => Literal::Number(s.parse().map_err(|_| format!("'{s}' is not a number"))?),
            Expr::Literal(s) => Literal::Text(s.clone()),
            // CASEI('x'): the comparison is already case-insensitive through the property
            Expr::Operation { op, args } if op.eq_ignore_ascii_case("casei") && args.len() == 1 => {
                return self.literal(prop, &args[0]);
            }
            Expr::Date { date } | Expr::Timestamp { timestamp: date } => match date.as_ref() {
                Expr::Literal(s) => Literal::Text(s.clone()),
                other => return Err(format!("unsupported date value {other:?}")),
            },
            other => return Err(format!("expected a literal, found {}", other.to_text().unwrap_or_default())),
        })
    }

    fn geometry(&self, e: &Expr) -> Result<Geometry<f64>, String> {
        let mut g = match e {
            Expr::Geometry(g) => {
                let text = g.to_wkt().map_err(|e| format!("geometry: {e}"))?;
                Geometry::try_from_wkt_str(&text).map_err(|e| format!("geometry: {e}"))?
            }
            Expr::BBox { bbox } if bbox.len() == 4 => {
                let n: Vec<f64> = bbox
                    .iter()
                    .map(|b| f64::try_from(b.as_ref().clone()).map_err(|_| "BBOX needs four numbers".to_string()))
                    .collect::<Result<_, _>>()?;
                Rect::new(coord! { x: n[0], y: n[1] }, coord! { x: n[2], y: n[3] }).to_polygon().into()
            }
            other => return Err(format!("expected a geometry, found {}", other.to_text().unwrap_or_default())),
        };
        if self.crs.axis_order().map_err(|e| e.to_string())? == AxisOrder::NorthEast {
            transform::swap_axes(&mut g);
        }
        transform::transform_geometry(self.crs, self.target, &mut g).map_err(|e| e.to_string())?;
        Ok(g)
    }

    fn node(&self, e: &Expr) -> Result<Filter, String> {
        let Expr::Operation { op, args } = e else {
            return match e {
                Expr::Bool(true) => Ok(Filter::And(Vec::new())),
                Expr::Bool(false) => Ok(Filter::Or(Vec::new())),
                // the BBOX(property, minx, miny, maxx, maxy) of OGC CQL 1 (CSW)
                Expr::BBox { bbox } if bbox.len() == 5 && property(&bbox[0]).is_some() => Ok(Filter::Spatial {
                    op: SpatialOp::Intersects,
                    geometry: self.geometry(&Expr::BBox { bbox: bbox[1..].to_vec() })?,
                }),
                other => Err(format!("'{}' is not a condition", other.to_text().unwrap_or_default())),
            };
        };
        let op = op.to_ascii_lowercase();
        let arity = |n: usize| if args.len() == n { Ok(()) } else { Err(format!("{op} takes {n} arguments")) };
        let cmp = |o: CmpOp| -> Result<Filter, String> {
            arity(2)?;
            // the property may stand on either side; flip the operator when it is on the right
            let (p, lit, o) = match (property(&args[0]), property(&args[1])) {
                (Some(p), _) => (p, &args[1], o),
                (None, Some(p)) => (p, &args[0], flip(o)),
                _ => return Err(format!("{op} compares a property with a value")),
            };
            let prop = self.field(p.0)?;
            Ok(Filter::Compare { prop, op: o, value: self.literal(prop, lit)?, match_case: p.1 })
        };
        let spatial = |o: SpatialOp| -> Result<Filter, String> {
            arity(2)?;
            let lit = if property(&args[0]).is_some() { &args[1] } else { &args[0] };
            Ok(Filter::Spatial { op: o, geometry: self.geometry(lit)? })
        };
        match op.as_str() {
            "and" => Ok(Filter::And(args.iter().map(|a| self.node(a)).collect::<Result<_, _>>()?)),
            "or" => Ok(Filter::Or(args.iter().map(|a| self.node(a)).collect::<Result<_, _>>()?)),
            "not" => {
                arity(1)?;
                Ok(Filter::Not(Box::new(self.node(&args[0])?)))
            }
            "=" => cmp(CmpOp::Eq),
            "<>" => cmp(CmpOp::Ne),
            "<" => cmp(CmpOp::Lt),
            "<=" => cmp(CmpOp::Le),
            ">" => cmp(CmpOp::Gt),
            ">=" => cmp(CmpOp::Ge),
            "like" => {
                arity(2)?;
                let (name, match_case) = property(&args[0]).ok_or("LIKE needs a property on the left")?;
                let Expr::Literal(pattern) = args[1].as_ref() else { return Err("LIKE needs a text pattern".into()) };
                Ok(Filter::Like {
                    prop: self.field(name)?,
                    pattern: pattern.clone(),
                    wild: '%',
                    single: '_',
                    escape: '\\',
                    match_case,
                })
            }
            "between" => {
                arity(3)?;
                let prop = self.field(property(&args[0]).ok_or("BETWEEN needs a property")?.0)?;
                Ok(Filter::Between { prop, low: self.literal(prop, &args[1])?, high: self.literal(prop, &args[2])? })
            }
            "in" => {
                arity(2)?;
                let prop = self.field(property(&args[0]).ok_or("IN needs a property")?.0)?;
                let Expr::Array(items) = args[1].as_ref() else { return Err("IN needs a list".into()) };
                Ok(Filter::In { prop, values: items.iter().map(|i| self.literal(prop, i)).collect::<Result<_, _>>()? })
            }
            "isnull" => {
                arity(1)?;
                Ok(Filter::Null(self.field(property(&args[0]).ok_or("IS NULL needs a property")?.0)?))
            }
            "s_intersects" => spatial(SpatialOp::Intersects),
            "s_within" => spatial(SpatialOp::Within),
            "s_contains" => spatial(SpatialOp::Contains),
            "s_disjoint" => spatial(SpatialOp::Disjoint),
            other => Err(format!("the CQL2 operator '{other}' is not supported")),
        }
    }
}

fn flip(o: CmpOp) -> CmpOp {
    match o {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        same => same,
    }
}

/// Parse a CQL2 filter for a collection with this schema; geometry literals are in `crs`
/// and are moved to the storage CRS.
pub fn parse_cql2(text: &str, lang: Cql2Lang, schema: &Schema, crs: Crs) -> Result<Filter, String> {
    parse_cql2_in(text, lang, schema, crs, STORAGE_CRS)
}

/// [`parse_cql2`] with geometry literals moved to `target` (the catalogue filters in
/// EPSG:4258).
pub fn parse_cql2_in(text: &str, lang: Cql2Lang, schema: &Schema, crs: Crs, target: Crs) -> Result<Filter, String> {
    let expr = match lang {
        Cql2Lang::Text => cql2::parse_text(text).map_err(|e| format!("malformed cql2-text: {e}"))?,
        Cql2Lang::Json => cql2::parse_json(text).map_err(|e| format!("malformed cql2-json: {e}"))?,
    };
    Ctx { schema, crs, target }.node(&expr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::summits as schema;
    use fjord_core::Value;
    use fjord_store::Feature;
    use geo_types::point;

    fn top() -> Feature {
        // Galdhøpiggen, in UTM33
        let mut g = Geometry::Point(point!(x: 8.3125, y: 61.6364));
        transform::transform_geometry(Crs::Crs84, STORAGE_CRS, &mut g).unwrap();
        Feature { id: 1, geometry: g, values: vec![Value::Text("Galdhøpiggen".into()), Value::Int(2469)] }
    }

    fn text(t: &str) -> Result<Filter, String> {
        parse_cql2(t, Cql2Lang::Text, &schema(), Crs::Crs84)
    }

    #[test]
    fn text_filters_evaluate() {
        let f = top();
        for (t, want) in [
            ("hoyde_m > 2400", true),
            ("2400 < hoyde_m", true),
            ("hoyde_m BETWEEN 2000 AND 2400", false),
            ("navn LIKE 'Gald%'", true),
            ("CASEI(navn) = casei('GALDHØPIGGEN')", true),
            ("hoyde_m IN (1, 2469)", true),
            ("navn IS NULL", false),
            ("NOT (hoyde_m > 2400) OR navn = 'Galdhøpiggen'", true),
            ("S_INTERSECTS(geometry, BBOX(8, 61.5, 8.5, 61.8))", true),
            ("S_WITHIN(geometry, POLYGON((5 58, 12 58, 12 63, 5 63, 5 58)))", true),
            ("S_INTERSECTS(geometry, POINT(10.75 59.91))", false),
            ("BBOX(geometry, 8, 61.5, 8.5, 61.8)", true),
        ] {
            assert_eq!(text(t).unwrap_or_else(|e| panic!("{t}: {e}")).eval(&f), want, "{t}");
        }
    }

    #[test]
    fn json_filters_evaluate() {
        let j = r#"{"op":"and","args":[{"op":">","args":[{"property":"hoyde_m"},2400]},{"op":"like","args":[{"property":"navn"},"Gald%"]}]}"#;
        assert!(parse_cql2(j, Cql2Lang::Json, &schema(), Crs::Crs84).unwrap().eval(&top()));
    }

    #[test]
    fn errors_say_where_and_what() {
        assert!(text("colour = 'red'").unwrap_err().contains("unknown property 'colour'"));
        assert!(text("hoyde_m > 'high'").unwrap_err().contains("not a number"));
        assert!(text("hoyde_m >>> 2").unwrap_err().contains("malformed cql2-text"));
        assert!(text("T_AFTER(navn, TIMESTAMP('2020-01-01T00:00:00Z'))").is_err());
    }
}
