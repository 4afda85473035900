//! FES 2.0 filters (the FILTER parameter of WFS) into [`Filter`]s, with quick-xml.
//!
//! Supported: And, Or, Not; PropertyIsEqualTo, NotEqualTo, LessThan, LessThanOrEqualTo,
//! GreaterThan, GreaterThanOrEqualTo, Like, Between, Null; BBOX, Intersects, Within,
//! Contains, Disjoint with gml:Envelope, Point, LineString or Polygon literals (their
//! srsName's axis order honoured); ResourceId. Anything else is refused by name. The
//! Filter Encoding 1.1 spellings of WFS 1.1.0 are read too: PropertyName for
//! ValueReference, FeatureId and GmlObjectId for ResourceId.
//!
//! Elements are matched by local name (prefixes need no declarations), in a small tree
//! ([`El`], built by [`dom`]) that the WFS XML (POST) requests are read with too.

use super::{CmpOp, Filter, Literal, SpatialOp};
use fjord_core::{transform, AxisOrder, Crs, FieldType, Schema, STORAGE_CRS};
use geo_types::{Coord, Geometry, LineString, Point, Polygon, Rect};
use quick_xml::events::Event;

/// The elements that name features by id: FES 2.0's, and Filter Encoding 1.1's two.
const ID_ELEMENTS: [&str; 3] = ["ResourceId", "FeatureId", "GmlObjectId"];

/// Deeper nesting than this is refused (it would only serve to exhaust the stack).
const MAX_DEPTH: usize = 64;

/// A parsed element: local name, attributes by local name, children, text, and where it
/// stands in the source (from its `<` to the end of its end tag), so that a part of a
/// document can be handed on verbatim.
#[derive(Debug, Default)]
pub(crate) struct El {
    pub(crate) name: String,
    pub(crate) attrs: Vec<(String, String)>,
    pub(crate) children: Vec<El>,
    pub(crate) text: String,
    pub(crate) span: std::ops::Range<usize>,
}

impl El {
    /// An attribute's value by local name, in any letter case.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The first child with this local name.
    pub(crate) fn child(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child with this local name.
    pub(crate) fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a El> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
}

fn local(name: &str) -> String {
    name.rsplit(':').next().unwrap_or("").to_string()
}

fn element(e: &quick_xml::events::BytesStart) -> Result<El, String> {
    let mut el = El { name: local(e.name().as_ref()), ..El::default() };
    for a in e.attributes() {
        let a = a.map_err(|e| format!("malformed attribute: {e}"))?;
        let v = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("malformed attribute value: {e}"))?;
        el.attrs.push((local(a.key.as_ref()), v.into_owned()));
    }
    Ok(el)
}

/// Parse XML into a tree of elements; the root element is returned.
pub(crate) fn dom(xml: &str) -> Result<El, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut stack = vec![El::default()];
    loop {
        let top = stack.len() - 1;
        let before = reader.buffer_position() as usize;
        let event =
            reader.read_event().map_err(|e| format!("malformed XML at byte {}: {e}", reader.buffer_position()))?;
        let after = reader.buffer_position() as usize;
        // white space skipped before a tag is not part of it
        let start = xml.get(before..after).and_then(|s| s.find('<')).map_or(before, |at| before + at);
        match event {
            Event::Start(e) => {
                if stack.len() > MAX_DEPTH {
                    return Err(format!("XML nested deeper than {MAX_DEPTH} levels"));
                }
                stack.push(El { span: start..after, ..element(&e)? });
            }
            Event::Empty(e) => stack[top].children.push(El { span: start..after, ..element(&e)? }),
            Event::End(_) => {
                let mut done = stack.pop().ok_or("unbalanced XML")?;
                done.span.end = after;
                stack.last_mut().ok_or("unbalanced XML")?.children.push(done);
            }
            Event::Text(t) => stack[top].text.push_str(&t.xml10_content()),
            Event::CData(t) => stack[top].text.push_str(&t),
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::resolve_predefined_entity(&r)
                        .ok_or_else(|| format!("unknown entity &{};", &*r))?
                        .to_string(),
                };
                stack[top].text.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err("the XML ends inside an element".into());
    }
    let root = stack.pop().unwrap_or_default();
    root.children.into_iter().next().ok_or_else(|| "no XML element".to_string())
}

/// What a filter may refer to.
struct Ctx<'a> {
    schema: &'a Schema,
    geometry_names: &'a [&'a str],
    type_name: &'a str,
    /// the CRS of geometry literals without srsName
    default_srs: &'a str,
    /// the CRS geometry literals are moved to
    target: Crs,
}

impl Ctx<'_> {
    fn property(&self, el: &El) -> Result<usize, String> {
        let r = el
            .child("ValueReference")
            .or_else(|| el.child("PropertyName"))
            .ok_or_else(|| format!("{} needs a ValueReference", el.name))?;
        let name = r.text.trim().rsplit(['/', ':']).next().unwrap_or("");
        self.schema.index_of(name).ok_or_else(|| format!("{}: no property '{name}'", el.name))
    }

    fn literal(&self, prop: usize, el: Option<&El>) -> Result<Literal, String> {
        let text = el.ok_or("a Literal is missing")?.text.trim().to_string();
        Ok(match self.schema.fields[prop].ty {
            FieldType::Integer | FieldType::Real => {
                Literal::Number(text.parse().map_err(|_| format!("'{text}' is not a number"))?)
            }
            FieldType::Boolean => Literal::Bool(text.parse().map_err(|_| format!("'{text}' is not true or false"))?),
            _ => Literal::Text(text),
        })
    }

    fn node(&self, el: &El) -> Result<Filter, String> {
        let cmp = |op| -> Result<Filter, String> {
            let prop = self.property(el)?;
            let value = self.literal(prop, el.child("Literal"))?;
            let match_case = el.attr("matchCase").is_none_or(|v| v != "false");
            Ok(Filter::Compare { prop, op, value, match_case })
        };
        let spatial = |op| -> Result<Filter, String> {
            if let Some(r) = el.child("ValueReference").or_else(|| el.child("PropertyName")) {
                let name = r.text.trim().rsplit(':').next().unwrap_or("");
                if !self.geometry_names.contains(&name) {
                    return Err(format!("{}: '{name}' is not the geometry property", el.name));
                }
            }
            let lit = el
                .children
                .iter()
                .find(|c| c.name != "ValueReference" && c.name != "PropertyName")
                .ok_or_else(|| format!("{} needs a geometry", el.name))?;
            Ok(Filter::Spatial { op, geometry: gml_geometry(lit, self.default_srs, self.target)? })
        };
        match el.name.as_str() {
            "Filter" => match el.children.as_slice() {
                [one] => self.node(one),
                [] => Err("empty Filter".into()),
                many if many.iter().all(|c| ID_ELEMENTS.contains(&c.name.as_str())) => self.resource_ids(many),
                _ => Err("a Filter holds one operator (combine with And/Or)".into()),
            },
            "And" => Ok(Filter::And(el.children.iter().map(|c| self.node(c)).collect::<Result<_, _>>()?)),
            "Or" => Ok(Filter::Or(el.children.iter().map(|c| self.node(c)).collect::<Result<_, _>>()?)),
            "Not" => match el.children.as_slice() {
                [one] => Ok(Filter::Not(Box::new(self.node(one)?))),
                _ => Err("Not holds exactly one operator".into()),
            },
            "PropertyIsEqualTo" => cmp(CmpOp::Eq),
            "PropertyIsNotEqualTo" => cmp(CmpOp::Ne),
            "PropertyIsLessThan" => cmp(CmpOp::Lt),
            "PropertyIsLessThanOrEqualTo" => cmp(CmpOp::Le),
            "PropertyIsGreaterThan" => cmp(CmpOp::Gt),
            "PropertyIsGreaterThanOrEqualTo" => cmp(CmpOp::Ge),
            "PropertyIsLike" => {
                let prop = self.property(el)?;
                let pattern = el.child("Literal").ok_or("PropertyIsLike needs a Literal")?.text.trim().to_string();
                let ch = |name: &str, default: char| el.attr(name).and_then(|v| v.chars().next()).unwrap_or(default);
                Ok(Filter::Like {
                    prop,
                    pattern,
                    wild: ch("wildCard", '*'),
                    single: ch("singleChar", '.'),
                    escape: ch("escapeChar", '!'),
                    match_case: el.attr("matchCase").is_none_or(|v| v != "false"),
                })
            }
            "PropertyIsBetween" => {
                let prop = self.property(el)?;
                let bound = |name: &str| el.child(name).and_then(|b| b.child("Literal"));
                Ok(Filter::Between {
                    prop,
                    low: self.literal(prop, bound("LowerBoundary"))?,
                    high: self.literal(prop, bound("UpperBoundary"))?,
                })
            }
            "PropertyIsNull" | "PropertyIsNil" => Ok(Filter::Null(self.property(el)?)),
            "BBOX" | "Intersects" => spatial(SpatialOp::Intersects),
            "Within" => spatial(SpatialOp::Within),
            "Contains" => spatial(SpatialOp::Contains),
            "Disjoint" => spatial(SpatialOp::Disjoint),
            "ResourceId" | "FeatureId" | "GmlObjectId" => self.resource_ids(std::slice::from_ref(el)),
            other => Err(format!("the filter operator '{other}' is not supported")),
        }
    }

    fn resource_ids(&self, els: &[El]) -> Result<Filter, String> {
        let mut ids = Vec::new();
        for el in els {
            // FES 2.0 ResourceId@rid; Filter 1.1 FeatureId@fid and GmlObjectId@gml:id
            let rid = el.attr("rid").or_else(|| el.attr("fid")).or_else(|| el.attr("id"));
            let rid = rid.ok_or_else(|| format!("{} needs an id", el.name))?;
            // ids are `type.fid`; an id of another type matches nothing
            match rid.rsplit_once('.') {
                Some((t, n)) if t.rsplit(':').next() == Some(self.type_name) => {
                    ids.push(n.parse().map_err(|_| format!("'{rid}' is not a feature id"))?)
                }
                _ => {}
            }
        }
        Ok(Filter::ResourceId(ids))
    }
}

/// Coordinates of a pos/posList/corner text, paired, in x = east order for `order`.
fn coords(text: &str, order: AxisOrder) -> Result<Vec<Coord<f64>>, String> {
    let nums: Vec<f64> = text
        .split_whitespace()
        .map(|n| n.parse::<f64>().map_err(|_| format!("'{n}' is not a coordinate")))
        .collect::<Result<_, _>>()?;
    if !nums.len().is_multiple_of(2) || nums.is_empty() || nums.iter().any(|n| !n.is_finite()) {
        return Err("coordinates must be finite x y pairs".into());
    }
    Ok(nums
        .chunks(2)
        .map(|c| match order {
            AxisOrder::EastNorth => Coord { x: c[0], y: c[1] },
            AxisOrder::NorthEast => Coord { x: c[1], y: c[0] },
        })
        .collect())
}

fn ring(el: Option<&El>, order: AxisOrder) -> Result<LineString<f64>, String> {
    let ring = el.and_then(|e| e.child("LinearRing")).ok_or("a polygon ring needs a LinearRing")?;
    let list = ring.child("posList").map(|p| p.text.clone()).unwrap_or_else(|| {
        ring.children.iter().filter(|c| c.name == "pos").map(|c| c.text.as_str()).collect::<Vec<_>>().join(" ")
    });
    Ok(LineString(coords(&list, order)?))
}

/// A GML 3.2 geometry literal (in `default_srs` without an srsName), moved to `target`.
fn gml_geometry(el: &El, default_srs: &str, target: Crs) -> Result<Geometry<f64>, String> {
    let srs = el.attr("srsName").unwrap_or(default_srs);
    let spelled = crate::wfs::SpelledCrs::parse(srs).map_err(|e| e.to_string())?;
    let order = spelled.order;
    let text = |name: &str| el.child(name).map(|c| c.text.as_str()).ok_or_else(|| format!("{} needs {name}", el.name));
    let mut g = match el.name.as_str() {
        "Envelope" => {
            // a box is turned into a polygon so that reprojection bends its edges
            let (lo, hi) = (coords(text("lowerCorner")?, order)?, coords(text("upperCorner")?, order)?);
            Geometry::Polygon(Rect::new(lo[0], hi[0]).to_polygon())
        }
        "Point" => Geometry::Point(Point(*coords(text("pos")?, order)?.first().ok_or("empty pos")?)),
        "LineString" => Geometry::LineString(LineString(coords(text("posList")?, order)?)),
        "Polygon" => {
            let interiors = el
                .children
                .iter()
                .filter(|c| c.name == "interior")
                .map(|i| ring(Some(i), order))
                .collect::<Result<_, _>>()?;
            Geometry::Polygon(Polygon::new(ring(el.child("exterior"), order)?, interiors))
        }
        other => return Err(format!("the geometry '{other}' is not supported in filters")),
    };
    transform::transform_geometry(spelled.crs, target, &mut g).map_err(|e| e.to_string())?;
    Ok(g)
}

/// Parse a FES 2.0 filter for a feature type with this schema. `geometry_names` are
/// the names its geometry property answers to. Geometry literals without srsName are in
/// EPSG:25833 and are moved to the storage CRS.
pub fn parse_fes(xml: &str, schema: &Schema, geometry_names: &[&str], type_name: &str) -> Result<Filter, String> {
    parse_fes_in(xml, schema, geometry_names, type_name, "urn:ogc:def:crs:EPSG::25833", STORAGE_CRS)
}

/// [`parse_fes`] with geometry literals without srsName read in `default_srs`, and all
/// of them moved to `target` (the catalogue filters in EPSG:4258).
pub fn parse_fes_in(
    xml: &str,
    schema: &Schema,
    geometry_names: &[&str],
    type_name: &str,
    default_srs: &str,
    target: Crs,
) -> Result<Filter, String> {
    let root = dom(xml)?;
    Ctx { schema, geometry_names, type_name, default_srs, target }.node(&root)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::summits as schema;
    use fjord_core::Value;
    use fjord_store::Feature;
    use geo_types::point;

    fn parse(xml: &str) -> Result<Filter, String> {
        parse_fes(xml, &schema(), &["geometry"], "fjelltopper")
    }

    #[test]
    fn comparisons_logic_like_and_ids() {
        let f = parse(
            r#"<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:And>
                 <fes:PropertyIsGreaterThan><fes:ValueReference>fjord:hoyde_m</fes:ValueReference><fes:Literal>2000</fes:Literal></fes:PropertyIsGreaterThan>
                 <fes:PropertyIsLike wildCard="*" singleChar="." escapeChar="!"><fes:ValueReference>navn</fes:ValueReference><fes:Literal>Gald*</fes:Literal></fes:PropertyIsLike>
               </fes:And></fes:Filter>"#,
        )
        .unwrap();
        let top = Feature {
            id: 3,
            geometry: Geometry::Point(point!(x: 1.0, y: 1.0)),
            values: vec![Value::Text("Galdhøpiggen".into()), Value::Int(2469)],
        };
        assert!(f.eval(&top));
        let ids =
            parse(r#"<Filter><ResourceId rid="fjelltopper.3"/><ResourceId rid="fjelltopper.9"/></Filter>"#).unwrap();
        assert_eq!(ids, Filter::ResourceId(vec![3, 9]));
        let old = parse(
            r#"<ogc:Filter><ogc:FeatureId fid="fjelltopper.3"/><ogc:GmlObjectId gml:id="fjelltopper.9"/></ogc:Filter>"#,
        );
        assert_eq!(old.unwrap(), Filter::ResourceId(vec![3, 9]));
        let between = parse("<Filter><PropertyIsBetween><ValueReference>hoyde_m</ValueReference><LowerBoundary><Literal>2400</Literal></LowerBoundary><UpperBoundary><Literal>2500</Literal></UpperBoundary></PropertyIsBetween></Filter>").unwrap();
        assert!(between.eval(&top));
    }

    #[test]
    fn spatial_literals_follow_their_axis_order() {
        // a box around Oslo given lat/lon in urn EPSG:4326
        let f = parse(
            r#"<Filter><BBOX><ValueReference>geometry</ValueReference><gml:Envelope xmlns:gml="http://www.opengis.net/gml/3.2" srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>59.8 10.6</gml:lowerCorner><gml:upperCorner>60.0 10.9</gml:upperCorner></gml:Envelope></BBOX></Filter>"#,
        )
        .unwrap();
        let hint = f.bbox_hint().unwrap();
        assert!(hint.minx > 200_000.0 && hint.maxx < 320_000.0 && hint.miny > 6_600_000.0, "{hint:?}");
    }

    #[test]
    fn bad_filters_say_why() {
        for (xml, why) in [
            ("<Filter><PropertyIsEqualTo><ValueReference>colour</ValueReference><Literal>red</Literal></PropertyIsEqualTo></Filter>", "no property 'colour'"),
            ("<Filter><PropertyIsEqualTo><ValueReference>hoyde_m</ValueReference><Literal>high</Literal></PropertyIsEqualTo></Filter>", "not a number"),
            ("<Filter><Beyond/></Filter>", "not supported"),
            ("<Filter><And>", "ends inside"),
            ("not xml at all <", "malformed"),
            ("<Filter><BBOX><ValueReference>navn</ValueReference></BBOX></Filter>", "not the geometry"),
        ] {
            let e = parse(xml).unwrap_err();
            assert!(e.contains(why), "{xml}: {e}");
        }
        let deep = format!("<Filter>{}{}</Filter>", "<Not>".repeat(100), "</Not>".repeat(100));
        assert!(parse(&deep).unwrap_err().contains("deeper"));
    }
}
