//! GML 3.2 geometry encoding, written by hand: geozero reads GML but has no GML writer,
//! and the subset needed (points, lines, polygons, their multis, collections) is small.

use geo_types::{Coord, Geometry, LineString, Polygon};
use std::fmt::Write;

/// An XML NCName for an attribute name: invalid characters become `_`, and a name that
/// cannot start an element gets a leading `_`. The schema and the features use the same.
pub fn ncname(name: &str) -> String {
    let mut s: String = name.chars().map(|c| if c.is_alphanumeric() || "_-.".contains(c) { c } else { '_' }).collect();
    if !s.starts_with(|c: char| c.is_alphabetic() || c == '_') || s.to_ascii_lowercase().starts_with("xml") {
        s.insert(0, '_');
    }
    s
}

fn pos_list(out: &mut String, coords: &[Coord<f64>]) {
    out.push_str("<gml:posList>");
    for (i, c) in coords.iter().enumerate() {
        let _ = write!(out, "{}{} {}", if i > 0 { " " } else { "" }, c.x, c.y);
    }
    out.push_str("</gml:posList>");
}

fn ring(out: &mut String, tag: &str, r: &LineString<f64>) {
    let _ = write!(out, "<gml:{tag}><gml:LinearRing>");
    pos_list(out, &r.0);
    let _ = write!(out, "</gml:LinearRing></gml:{tag}>");
}

fn polygon(out: &mut String, p: &Polygon<f64>, attrs: &str) {
    let _ = write!(out, "<gml:Polygon {attrs}>");
    ring(out, "exterior", p.exterior());
    for r in p.interiors() {
        ring(out, "interior", r);
    }
    out.push_str("</gml:Polygon>");
}

/// Write `g` (already in wire order) as GML 3.2. `id` becomes the gml:id of the outer
/// geometry, `id.n` of its parts; `srs` is the srsName of the outer geometry.
pub fn geometry(out: &mut String, g: &Geometry<f64>, id: &str, srs: &str) {
    let outer = format!("gml:id=\"{id}\" srsName=\"{srs}\"");
    let part = |n: usize| format!("gml:id=\"{id}.{n}\"");
    match g {
        Geometry::Point(p) => {
            let _ = write!(out, "<gml:Point {outer}><gml:pos>{} {}</gml:pos></gml:Point>", p.x(), p.y());
        }
        Geometry::Line(l) => geometry(out, &Geometry::LineString(LineString(vec![l.start, l.end])), id, srs),
        Geometry::LineString(l) => {
            let _ = write!(out, "<gml:LineString {outer}>");
            pos_list(out, &l.0);
            out.push_str("</gml:LineString>");
        }
        Geometry::Polygon(p) => polygon(out, p, &outer),
        Geometry::Rect(r) => polygon(out, &r.to_polygon(), &outer),
        Geometry::Triangle(t) => polygon(out, &t.to_polygon(), &outer),
        Geometry::MultiPoint(m) => {
            let _ = write!(out, "<gml:MultiPoint {outer}>");
            for (n, p) in m.0.iter().enumerate() {
                let _ = write!(
                    out,
                    "<gml:pointMember><gml:Point {}><gml:pos>{} {}</gml:pos></gml:Point></gml:pointMember>",
                    part(n),
                    p.x(),
                    p.y()
                );
            }
            out.push_str("</gml:MultiPoint>");
        }
        Geometry::MultiLineString(m) => {
            let _ = write!(out, "<gml:MultiCurve {outer}>");
            for (n, l) in m.0.iter().enumerate() {
                let _ = write!(out, "<gml:curveMember><gml:LineString {}>", part(n));
                pos_list(out, &l.0);
                out.push_str("</gml:LineString></gml:curveMember>");
            }
            out.push_str("</gml:MultiCurve>");
        }
        Geometry::MultiPolygon(m) => {
            let _ = write!(out, "<gml:MultiSurface {outer}>");
            for (n, p) in m.0.iter().enumerate() {
                out.push_str("<gml:surfaceMember>");
                polygon(out, p, &part(n));
                out.push_str("</gml:surfaceMember>");
            }
            out.push_str("</gml:MultiSurface>");
        }
        Geometry::GeometryCollection(c) => {
            let _ = write!(out, "<gml:MultiGeometry {outer}>");
            for (n, g) in c.0.iter().enumerate() {
                out.push_str("<gml:geometryMember>");
                geometry(out, g, &format!("{id}.{n}"), srs);
                out.push_str("</gml:geometryMember>");
            }
            out.push_str("</gml:MultiGeometry>");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{point, polygon, MultiPolygon};

    #[test]
    fn writes_points_and_multisurfaces() {
        let mut s = String::new();
        geometry(&mut s, &Geometry::Point(point!(x: 1.5, y: 2.0)), "a.1", "urn:ogc:def:crs:EPSG::25833");
        assert_eq!(
            s,
            "<gml:Point gml:id=\"a.1\" srsName=\"urn:ogc:def:crs:EPSG::25833\"><gml:pos>1.5 2</gml:pos></gml:Point>"
        );
        let mut s = String::new();
        let p = polygon![(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.), (x: 0., y: 0.)];
        geometry(&mut s, &Geometry::MultiPolygon(MultiPolygon(vec![p])), "b.2", "x");
        assert!(s.starts_with(
            "<gml:MultiSurface gml:id=\"b.2\" srsName=\"x\"><gml:surfaceMember><gml:Polygon gml:id=\"b.2.0\">"
        ));
        assert!(s.contains("<gml:posList>0 0 1 0 1 1 0 0</gml:posList>"));
    }

    #[test]
    fn names_become_ncnames() {
        assert_eq!(ncname("navn"), "navn");
        assert_eq!(ncname("høyde m"), "høyde_m");
        assert_eq!(ncname("2024"), "_2024");
        assert_eq!(ncname("xmlthing"), "_xmlthing");
    }
}
