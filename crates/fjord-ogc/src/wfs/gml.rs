//! GML 3.2 geometry encoding, written by hand: geozero reads GML but has no GML writer,
//! and the subset needed (points, lines, polygons, their multis, collections) is small.

use crate::error::OgcError;
use crate::features::encode::wire_geometry;
use crate::reply::Body;
use crate::stream::Selected;
use fjord_core::{AxisOrder, Crs, Schema, Value};
use fjord_store::Feature;
use geo_types::{Coord, Geometry, LineString, Polygon};
use quick_xml::escape::escape;
use std::fmt::Write;

/// What GML 3.2 (WFS 2.0) and GML 3.1.1 (WFS 1.1) spell differently. The geometry
/// encoding written here is valid in both.
pub struct GmlVersion {
    /// the namespace bound to `gml`
    pub namespace: &'static str,
    /// where its schema is
    pub schema_location: &'static str,
    /// the head of the feature substitution group
    pub feature_group: &'static str,
    /// the media type of documents in it
    pub content_type: &'static str,
}

/// GML 3.2.1.
pub const GML_32: GmlVersion = GmlVersion {
    namespace: "http://www.opengis.net/gml/3.2",
    schema_location: "http://schemas.opengis.net/gml/3.2.1/gml.xsd",
    feature_group: "gml:AbstractFeature",
    content_type: "application/gml+xml; version=3.2",
};

/// GML 3.1.1.
pub const GML_311: GmlVersion = GmlVersion {
    namespace: "http://www.opengis.net/gml",
    schema_location: "http://schemas.opengis.net/gml/3.1.1/base/gml.xsd",
    feature_group: "gml:_Feature",
    content_type: "text/xml; subtype=gml/3.1.1",
};

/// The name of the geometry property (moved aside if an attribute already has it).
pub fn geometry_name(schema: &Schema) -> &'static str {
    if schema.index_of("geometry").is_some() {
        "fjord_geometry"
    } else {
        "geometry"
    }
}

/// A value as element text; `None` for null (the element is left out).
pub fn xml_value(v: &Value) -> Option<String> {
    (*v != Value::Null).then(|| escape(v.to_text()).into_owned())
}

/// Writes features as `fjord:<type>` elements with gml:id `<type>.<fid>`: the geometry
/// property (when asked for) in a CRS, then the non-null values of chosen fields.
#[derive(Clone, Debug)]
pub struct FeatureWriter {
    type_name: String,
    geometry: Option<&'static str>,
    /// element names of the values a feature carries, in order
    tags: Vec<String>,
    crs: Crs,
    order: AxisOrder,
    /// srsName, escaped
    srs_name: String,
}

impl FeatureWriter {
    /// For features of `schema` read with the fields at `fields`, with or without the
    /// geometry, in `crs` with axes in `order`, named `srs_name` in srsName.
    pub fn new(
        type_name: &str,
        schema: &Schema,
        fields: &[usize],
        geometry: bool,
        (crs, order): (Crs, AxisOrder),
        srs_name: &str,
    ) -> FeatureWriter {
        FeatureWriter {
            type_name: type_name.to_string(),
            geometry: geometry.then(|| geometry_name(schema)),
            tags: fields.iter().filter_map(|&i| schema.fields.get(i)).map(|f| ncname(&f.name)).collect(),
            crs,
            order,
            srs_name: escape(srs_name).into_owned(),
        }
    }

    /// A whole document: `head`, each selected feature wrapped in a `member` element,
    /// then `tail`; streamed when large.
    pub(crate) fn document(
        self,
        features: Selected,
        head: String,
        member: &'static str,
        tail: &'static str,
    ) -> std::io::Result<Body> {
        features.text(head.into_bytes(), b"", tail.as_bytes().to_vec(), move |out, f| {
            let mut x = format!("<{member}>");
            self.write(&mut x, f, "")?;
            let _ = write!(x, "</{member}>");
            out.extend_from_slice(x.as_bytes());
            Ok::<_, OgcError>(())
        })
    }

    /// One feature; `ns` is extra attributes for the element (namespace declarations
    /// when it stands alone).
    pub fn write(&self, x: &mut String, f: &Feature, ns: &str) -> Result<(), OgcError> {
        let name = &self.type_name;
        let _ = write!(x, "<fjord:{name}{ns} gml:id=\"{name}.{}\">", f.id);
        if let Some(geom) = self.geometry {
            let g = wire_geometry(f, self.crs, self.order)?;
            let _ = write!(x, "<fjord:{geom}>");
            geometry(x, &g, &format!("{name}.{}.geom", f.id), &self.srs_name);
            let _ = write!(x, "</fjord:{geom}>");
        }
        for (tag, v) in self.tags.iter().zip(&f.values) {
            if let Some(text) = xml_value(v) {
                let _ = write!(x, "<fjord:{tag}>{text}</fjord:{tag}>");
            }
        }
        let _ = write!(x, "</fjord:{name}>");
        Ok(())
    }
}

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
