//! Cutting features to an area, and reading the polygon of a clip order.

use crate::error::{Error, Result};
use fjord_core::{transform, Crs, STORAGE_CRS};
use geo::{Area, BooleanOps, BoundingRect, Contains, Intersects, Validation};
use geo_types::{Coord, Geometry, LineString, MultiLineString, MultiPolygon, Polygon};

/// Most vertices a clip polygon may have.
pub const MAX_VERTICES: usize = 10_000;

/// A clip polygon from an order: `coordinates` as `x y x y ...` (easting northing, or
/// longitude latitude) in EPSG `coordinatesystem`, turned into the storage CRS and
/// checked: a closed ring of at least three corners, not crossing itself, no larger
/// than `max_km2`. Returns the polygon and its ring as text (the storage CRS, to the
/// millimetre), which keys the file.
pub fn polygon(coordinates: &str, coordinatesystem: &str, max_km2: f64) -> Result<(Polygon<f64>, String)> {
    let bad = |why: String| Error::BadRequest(format!("the clip polygon: {why}"));
    let code = coordinatesystem.trim().trim_start_matches("EPSG:");
    let crs = code
        .parse::<u32>()
        .ok()
        .map(Crs::Epsg)
        .filter(|c| c.check().is_ok())
        .ok_or_else(|| bad(format!("coordinatesystem '{coordinatesystem}' is not an EPSG code fjord knows")))?;
    let numbers: Vec<f64> = coordinates
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect::<Option<_>>()
        .ok_or_else(|| bad("coordinates must be numbers, 'x y x y ...'".into()))?;
    if !numbers.len().is_multiple_of(2) {
        return Err(bad(format!("{} numbers: coordinates come in x y pairs", numbers.len())));
    }
    let mut points: Vec<(f64, f64)> = numbers.chunks_exact(2).map(|p| (p[0], p[1])).collect();
    if points.len() > MAX_VERTICES {
        return Err(bad(format!("{} corners; at most {MAX_VERTICES}", points.len())));
    }
    if points.first() != points.last() {
        points.extend(points.first().copied());
    }
    if points.len() < 4 {
        return Err(bad("a polygon needs at least three corners".into()));
    }
    transform::transform_in_place(crs, STORAGE_CRS, &mut points)
        .map_err(|e| bad(format!("the coordinates do not fit EPSG:{code}: {e}")))?;
    let ring: Vec<Coord> = points.iter().map(|&(x, y)| Coord { x, y }).collect();
    let polygon = Polygon::new(LineString(ring), Vec::new());
    if !polygon.is_valid() {
        return Err(bad("it crosses itself (or repeats a corner); draw a simple polygon".into()));
    }
    let km2 = polygon.unsigned_area() / 1e6;
    if km2 > max_km2 {
        return Err(bad(format!("it covers {km2:.0} km², more than the {max_km2:.0} km² one clip may")));
    }
    let text = points.iter().map(|(x, y)| format!("{x:.3} {y:.3}")).collect::<Vec<_>>().join(" ");
    Ok((polygon, text))
}

/// A ring stored by [`polygon`] back as a polygon (storage CRS).
pub fn stored_polygon(ring: &str) -> Result<Polygon<f64>> {
    let numbers: Vec<f64> = ring.split_whitespace().filter_map(|s| s.parse().ok()).collect();
    let coords: Vec<Coord> = numbers.chunks_exact(2).map(|p| Coord { x: p[0], y: p[1] }).collect();
    if coords.len() < 4 {
        return Err(Error::BadRequest(format!("a stored clip ring of {} corners", coords.len())));
    }
    Ok(Polygon::new(LineString(coords), Vec::new()))
}

/// An area to cut to, with its box for a quick first test.
pub struct Cutter {
    area: MultiPolygon<f64>,
    /// the area's box (storage CRS)
    pub bbox: fjord_core::BBox,
}

impl Cutter {
    /// A cutter for `area` (storage CRS); `None` for an empty area.
    pub fn new(area: MultiPolygon<f64>) -> Option<Cutter> {
        let r = area.bounding_rect()?;
        let bbox = fjord_core::BBox { minx: r.min().x, miny: r.min().y, maxx: r.max().x, maxy: r.max().y };
        Some(Cutter { area, bbox })
    }

    /// The area itself.
    pub fn area(&self) -> &MultiPolygon<f64> {
        &self.area
    }

    /// The part of `g` inside the area: points kept or dropped, lines and polygons cut;
    /// `None` when nothing is left.
    pub fn cut(&self, g: &Geometry<f64>) -> Option<Geometry<f64>> {
        if !self.area.intersects(g) {
            return None;
        }
        if self.area.contains(g) {
            return Some(g.clone());
        }
        let lines = |m: MultiLineString<f64>| (!m.0.is_empty()).then_some(Geometry::MultiLineString(m));
        let polygons = |m: MultiPolygon<f64>| (!m.0.is_empty()).then_some(Geometry::MultiPolygon(m));
        match g {
            Geometry::LineString(l) => lines(self.area.clip(&MultiLineString(vec![l.clone()]), false)),
            Geometry::MultiLineString(m) => lines(self.area.clip(m, false)),
            Geometry::Polygon(p) => polygons(self.area.intersection(p)),
            Geometry::MultiPolygon(m) => polygons(self.area.intersection(m)),
            Geometry::MultiPoint(m) => {
                let inside: Vec<_> = m.0.iter().filter(|p| self.area.intersects(*p)).copied().collect();
                (!inside.is_empty()).then_some(Geometry::MultiPoint(geo_types::MultiPoint(inside)))
            }
            // a point that intersects lies inside; other kinds are kept whole
            other => Some(other.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{line_string, point, polygon};

    #[test]
    fn clip_polygons_are_checked() {
        let square = "250000 6650000 260000 6650000 260000 6660000 250000 6660000";
        let (p, text) = polygon(square, "25833", 1000.0).unwrap();
        assert_eq!(p.exterior().0.len(), 5, "closed");
        assert!(text.starts_with("250000.000 6650000.000"));
        let err = |c: &str, crs: &str, max: f64| polygon(c, crs, max).unwrap_err().to_string();
        assert!(err(square, "25833", 50.0).contains("more than the 50 km²"));
        assert!(err(square, "999999", 1000.0).contains("coordinatesystem"));
        assert!(err("250000 6650000 260000 6660000 260000 6650000 250000 6660000", "25833", 1e6).contains("crosses"));
        assert!(err("1 2 3", "25833", 1e6).contains("pairs"));
        assert!(err("1 2 3 4", "25833", 1e6).contains("three corners"));
        assert!(err("a b c d e f", "25833", 1e6).contains("numbers"));
        let (_, degrees) = polygon("10.7 59.9 10.8 59.9 10.8 60.0 10.7 60.0", "4258", 1e4).unwrap();
        assert_eq!(stored_polygon(&degrees).unwrap().exterior().0.len(), 5);
    }

    #[test]
    fn features_are_cut_to_the_area() {
        let area = MultiPolygon(vec![polygon![(x: 0., y: 0.), (x: 10., y: 0.), (x: 10., y: 10.), (x: 0., y: 10.)]]);
        let c = Cutter::new(area).unwrap();
        assert!(c.cut(&point!(x: 5., y: 5.).into()).is_some());
        assert!(c.cut(&point!(x: 15., y: 5.).into()).is_none());
        let Some(Geometry::MultiLineString(m)) = c.cut(&line_string![(x: 5., y: 5.), (x: 15., y: 5.)].into()) else {
            panic!("a cut line")
        };
        assert!((geo::Length::<f64>::length(&geo::Euclidean, &m) - 5.0).abs() < 1e-9);
        let half = polygon![(x: 5., y: 5.), (x: 15., y: 5.), (x: 15., y: 8.), (x: 5., y: 8.)];
        let Some(Geometry::MultiPolygon(m)) = c.cut(&half.into()) else { panic!("a cut polygon") };
        assert!((m.unsigned_area() - 15.0).abs() < 1e-9);
    }
}
