//! A GetRecords constraint, in OGC Filter XML or CQL text, read by fjord's filter parsers
//! (the same as WFS and OGC API – Features) over the catalogue's queryables, and turned
//! into a catalogue search. OGC API – Records reads its `filter` here too.
//!
//! The catalogue search requires every condition, so a constraint is a conjunction
//! (And) of: text conditions (PropertyIsLike, PropertyIsEqualTo, CQL `LIKE` and `=`) on
//! AnyText, Title, Abstract, Subject, OrganisationName and Type; and BBOX (FES BBOX or
//! Intersects, CQL `BBOX(ows:BoundingBox, …)` or `S_INTERSECTS`). As in GeoNetwork, a
//! text condition is a word search: the pattern's wildcards are dropped and each word
//! matches a word of the field that starts with it, letter case and Norwegian letters
//! folded. Type is matched exactly. OR, NOT and other operators are refused by name.

use crate::filter::{parse_cql2_in, parse_fes_in, CmpOp, Cql2Lang, Filter, Literal, SpatialOp};
use fjord_catalogue::{GeoBox, SearchQuery, TextField};
use fjord_core::{Crs, Field, FieldType, Schema, CATALOGUE_CRS};
use geo::BoundingRect;

/// What a queryable searches.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Target {
    /// every text field
    Any,
    /// one field
    Field(TextField),
    /// the record kind, exactly
    Kind,
}

/// The queryables, by the local names clients write (CSW core, ISO AP and Dublin Core
/// spellings, and OGC API – Records' `description` and `keywords`).
const QUERYABLES: [(&str, Target); 15] = [
    ("AnyText", Target::Any),
    ("anytext", Target::Any),
    ("Title", Target::Field(TextField::Title)),
    ("title", Target::Field(TextField::Title)),
    ("Abstract", Target::Field(TextField::Abstract)),
    ("abstract", Target::Field(TextField::Abstract)),
    ("description", Target::Field(TextField::Abstract)),
    ("keywords", Target::Field(TextField::Subject)),
    ("Subject", Target::Field(TextField::Subject)),
    ("subject", Target::Field(TextField::Subject)),
    ("OrganisationName", Target::Field(TextField::Organisation)),
    ("publisher", Target::Field(TextField::Organisation)),
    ("creator", Target::Field(TextField::Organisation)),
    ("Type", Target::Kind),
    ("type", Target::Kind),
];

/// The names the record extent answers to.
const BOUNDING_BOX: [&str; 2] = ["BoundingBox", "boundingbox"];

/// The queryables as the filter parsers' schema: text fields in [`QUERYABLES`] order.
fn schema() -> Schema {
    Schema {
        geometry: fjord_core::GeometryKind::Polygon,
        fields: QUERYABLES.iter().map(|(name, _)| Field::new(name, FieldType::String)).collect(),
    }
}

/// The queryable names to list in the capabilities (one spelling each).
pub fn queryables() -> impl Iterator<Item = &'static str> {
    QUERYABLES.iter().map(|(n, _)| *n).filter(|n| n.starts_with(char::is_uppercase)).chain(["BoundingBox"])
}

/// The search an OGC Filter (FES 2.0 or Filter Encoding 1.1) asks for. A geometry
/// without srsName is lon/lat (EPSG:4326), as pycsw reads it.
pub fn from_filter(xml: &str) -> Result<SearchQuery, String> {
    let filter = parse_fes_in(xml, &schema(), &BOUNDING_BOX, "Record", "EPSG:4326", CATALOGUE_CRS)?;
    search(&filter)
}

/// The search a CQL text constraint asks for; coordinates are lon/lat.
pub fn from_cql(text: &str) -> Result<SearchQuery, String> {
    search(&parse_cql2_in(text, Cql2Lang::Text, &schema(), Crs::Crs84, CATALOGUE_CRS)?)
}

fn search(filter: &Filter) -> Result<SearchQuery, String> {
    let mut q = SearchQuery::default();
    apply(filter, &mut q)?;
    Ok(q)
}

fn apply(filter: &Filter, q: &mut SearchQuery) -> Result<(), String> {
    match filter {
        Filter::And(all) => all.iter().try_for_each(|f| apply(f, q)),
        Filter::Or(one) if one.len() == 1 => apply(&one[0], q),
        Filter::Compare { prop, op: CmpOp::Eq, value: Literal::Text(text), .. } => term(*prop, text, q),
        Filter::Like { prop, pattern, wild, single, escape, .. } => {
            let words: String =
                pattern.chars().map(|c| if [*wild, *single, *escape].contains(&c) { ' ' } else { c }).collect();
            term(*prop, &words, q)
        }
        Filter::Spatial { op: SpatialOp::Intersects, geometry } => {
            let r = geometry.bounding_rect().ok_or("an empty geometry")?;
            let b = GeoBox {
                west: r.min().x.max(-180.0),
                south: r.min().y.max(-90.0),
                east: r.max().x.min(180.0),
                north: r.max().y.min(90.0),
            };
            // two boxes: both must be met, so their overlap must be
            q.bbox = Some(match q.bbox {
                None => b,
                Some(a) => GeoBox {
                    west: a.west.max(b.west),
                    south: a.south.max(b.south),
                    east: a.east.min(b.east),
                    north: a.north.min(b.north),
                },
            });
            Ok(())
        }
        Filter::Or(_) | Filter::Not(_) => {
            Err("OR and NOT are not supported: the catalogue requires every condition (combine them with And)".into())
        }
        Filter::Spatial { .. } => Err("of the spatial operators only BBOX and Intersects are supported".into()),
        _ => Err("only text conditions (PropertyIsLike, PropertyIsEqualTo) and BBOX are supported".into()),
    }
}

fn term(prop: usize, text: &str, q: &mut SearchQuery) -> Result<(), String> {
    match QUERYABLES[prop].1 {
        Target::Any => q.q = Some(format!("{} {text}", q.q.take().unwrap_or_default()).trim().to_string()),
        Target::Field(f) => q.fields.push((f, text.to_string())),
        Target::Kind => {
            let kind = text.trim().to_ascii_lowercase();
            if q.kind.as_ref().is_some_and(|k| *k != kind) {
                return Err(format!(
                    "a record has one type; '{kind}' and '{}' were both asked",
                    q.kind.as_ref().unwrap_or(&kind)
                ));
            }
            q.kind = Some(kind);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owslib_filters_become_a_search() {
        // what OWSLib writes for [[PropertyIsLike(csw:AnyText, %høyde%), BBox([4, 57, 12, 63])]]
        let q = from_filter(
            r#"<ogc:Filter xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml"><ogc:And>
                <ogc:PropertyIsLike wildCard="%" singleChar="_" escapeChar="\"><ogc:PropertyName>csw:AnyText</ogc:PropertyName><ogc:Literal>%høyde%</ogc:Literal></ogc:PropertyIsLike>
                <ogc:BBOX><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName><gml:Envelope><gml:lowerCorner>4 57</gml:lowerCorner><gml:upperCorner>12 63</gml:upperCorner></gml:Envelope></ogc:BBOX>
                <ogc:PropertyIsEqualTo><ogc:PropertyName>dc:type</ogc:PropertyName><ogc:Literal>dataset</ogc:Literal></ogc:PropertyIsEqualTo>
                <ogc:PropertyIsLike wildCard="*" singleChar="." escapeChar="!"><ogc:PropertyName>apiso:OrganisationName</ogc:PropertyName><ogc:Literal>Kart*</ogc:Literal></ogc:PropertyIsLike>
            </ogc:And></ogc:Filter>"#,
        )
        .unwrap();
        assert_eq!(q.q.as_deref(), Some("høyde"));
        assert_eq!(q.kind.as_deref(), Some("dataset"));
        assert_eq!(q.fields, vec![(TextField::Organisation, "Kart ".to_string())]);
        let b = q.bbox.unwrap();
        assert!((b.west - 4.0).abs() < 1e-6 && (b.north - 63.0).abs() < 1e-6, "{b:?}");
    }

    #[test]
    fn axis_order_follows_the_srs_name() {
        let q = from_filter(
            r#"<Filter><BBOX><PropertyName>ows:BoundingBox</PropertyName><Envelope srsName="urn:ogc:def:crs:EPSG::4326"><lowerCorner>57 4</lowerCorner><upperCorner>63 12</upperCorner></Envelope></BBOX></Filter>"#,
        )
        .unwrap();
        let b = q.bbox.unwrap();
        assert!((b.west - 4.0).abs() < 1e-6 && (b.south - 57.0).abs() < 1e-6, "{b:?}");
        // CRS84 (as QGIS MetaSearch names it) is lon/lat
        for srs in ["urn:ogc:def:crs:OGC:1.3:CRS84", "http://www.opengis.net/def/crs/OGC/1.3/CRS84", "EPSG:4258"] {
            let q = from_filter(&format!(
                r#"<Filter><BBOX><PropertyName>ows:BoundingBox</PropertyName><Envelope srsName="{srs}"><lowerCorner>4 57</lowerCorner><upperCorner>12 63</upperCorner></Envelope></BBOX></Filter>"#
            ))
            .unwrap_or_else(|e| panic!("{srs}: {e}"));
            let b = q.bbox.unwrap();
            assert!((b.west - 4.0).abs() < 1e-6 && (b.south - 57.0).abs() < 1e-6, "{srs}: {b:?}");
        }
        // the whole world stays whole
        let q = from_cql("BBOX(ows:BoundingBox, -180, -90, 180, 90) AND dc:title LIKE '%Fylker%'").unwrap();
        let b = q.bbox.unwrap();
        assert!(b.west <= -179.9 && b.north >= 89.9, "{b:?}");
        assert_eq!(q.fields, vec![(TextField::Title, " Fylker ".to_string())]);
    }

    #[test]
    fn what_the_search_cannot_do_is_refused() {
        for (cql, why) in [
            ("Title LIKE 'a' OR Title LIKE 'b'", "OR and NOT"),
            ("NOT Title = 'a'", "OR and NOT"),
            ("Colour = 'red'", "unknown property"),
            ("Title >", "malformed"),
            ("Type = 'dataset' AND Type = 'service'", "one type"),
            ("S_WITHIN(ows:BoundingBox, BBOX(0, 0, 1, 1))", "BBOX and Intersects"),
        ] {
            let e = from_cql(cql).unwrap_err();
            assert!(e.contains(why), "{cql}: {e}");
        }
        assert!(from_filter("<Filter><And>").unwrap_err().contains("ends inside"));
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><Filter><PropertyIsLike><PropertyName>Title</PropertyName><Literal>&b;</Literal></PropertyIsLike></Filter>"#;
        assert!(from_filter(bomb).unwrap_err().contains("unknown entity"), "entities are never expanded");
    }
}
