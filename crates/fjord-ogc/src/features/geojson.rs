//! GeoJSON geometries written straight into the response body.
//!
//! Written by hand because it is the hottest loop of every feature answer: geozero's
//! GeoJSON writer formats each coordinate through `format!` (an allocation per point,
//! 12% of an items request in a profile); here `ryu` writes the shortest round-trip form
//! of each number without allocating.

use geo_types::{Coord, Geometry, LineString, Polygon};

fn number(out: &mut Vec<u8>, v: f64, buf: &mut ryu::Buffer) {
    if v.is_finite() {
        out.extend_from_slice(buf.format_finite(v).as_bytes());
    } else {
        // never produced (transforms reject non-finite output), but JSON has no NaN
        out.extend_from_slice(b"null");
    }
}

fn coord(out: &mut Vec<u8>, c: &Coord<f64>, buf: &mut ryu::Buffer) {
    out.push(b'[');
    number(out, c.x, buf);
    out.push(b',');
    number(out, c.y, buf);
    out.push(b']');
}

fn line(out: &mut Vec<u8>, l: &LineString<f64>, buf: &mut ryu::Buffer) {
    out.push(b'[');
    for (i, c) in l.0.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        coord(out, c, buf);
    }
    out.push(b']');
}

fn polygon(out: &mut Vec<u8>, p: &Polygon<f64>, buf: &mut ryu::Buffer) {
    out.push(b'[');
    line(out, p.exterior(), buf);
    for r in p.interiors() {
        out.push(b',');
        line(out, r, buf);
    }
    out.push(b']');
}

fn list<T>(out: &mut Vec<u8>, items: &[T], mut each: impl FnMut(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(out, item);
    }
    out.push(b']');
}

/// Write `g` as a GeoJSON geometry object.
pub fn write_geometry(out: &mut Vec<u8>, g: &Geometry<f64>) {
    let mut buf = ryu::Buffer::new();
    let b = &mut buf;
    let open = |out: &mut Vec<u8>, kind: &str| {
        out.extend_from_slice(b"{\"type\":\"");
        out.extend_from_slice(kind.as_bytes());
        out.extend_from_slice(b"\",\"coordinates\":");
    };
    match g {
        Geometry::Point(p) => {
            open(out, "Point");
            coord(out, &p.0, b);
        }
        Geometry::Line(l) => {
            open(out, "LineString");
            line(out, &LineString(vec![l.start, l.end]), b);
        }
        Geometry::LineString(l) => {
            open(out, "LineString");
            line(out, l, b);
        }
        Geometry::Polygon(p) => {
            open(out, "Polygon");
            polygon(out, p, b);
        }
        Geometry::Rect(r) => {
            open(out, "Polygon");
            polygon(out, &r.to_polygon(), b);
        }
        Geometry::Triangle(t) => {
            open(out, "Polygon");
            polygon(out, &t.to_polygon(), b);
        }
        Geometry::MultiPoint(m) => {
            open(out, "MultiPoint");
            list(out, &m.0, |out, p| coord(out, &p.0, b));
        }
        Geometry::MultiLineString(m) => {
            open(out, "MultiLineString");
            list(out, &m.0, |out, l| line(out, l, b));
        }
        Geometry::MultiPolygon(m) => {
            open(out, "MultiPolygon");
            list(out, &m.0, |out, p| polygon(out, p, b));
        }
        Geometry::GeometryCollection(c) => {
            out.extend_from_slice(b"{\"type\":\"GeometryCollection\",\"geometries\":");
            list(out, &c.0, write_geometry);
        }
    }
    out.push(b'}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{point, polygon, MultiPolygon};

    fn json(g: Geometry<f64>) -> serde_json::Value {
        let mut out = Vec::new();
        write_geometry(&mut out, &g);
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn writes_valid_geojson() {
        assert_eq!(
            json(Geometry::Point(point!(x: 10.75, y: 59.9))),
            serde_json::json!({"type": "Point", "coordinates": [10.75, 59.9]})
        );
        let p = polygon![(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.), (x: 0., y: 0.)];
        let m = json(Geometry::MultiPolygon(MultiPolygon(vec![p.clone(), p])));
        assert_eq!(m["type"], "MultiPolygon");
        assert_eq!(m["coordinates"][1][0][2], serde_json::json!([1.0, 1.0]));
        let c = json(Geometry::GeometryCollection(vec![Geometry::Point(point!(x: 1.0, y: 2.0))].into()));
        assert_eq!(c["geometries"][0]["coordinates"], serde_json::json!([1.0, 2.0]));
    }
}
