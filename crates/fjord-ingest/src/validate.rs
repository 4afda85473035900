//! Geometry validation and safe repair.
//!
//! Repaired (the shape is unchanged, only its encoding): unclosed rings (closed),
//! consecutive repeated vertices (dropped), ring orientation (exterior counter-clockwise,
//! holes clockwise, as OGC SFA 1.2 and RFC 7946 ask). Rejected (repair would have to
//! guess the shape): non-finite coordinates, empty geometries, rings with fewer than
//! three distinct points, self-intersections, holes outside their shell, rings that
//! cross, and parts of a multi-polygon that cross or share an edge. Polygons are checked
//! by [`crate::validity`] (scales to million-vertex rings), other geometries by geo's
//! `Validation`; this module only decides repair versus rejection.

use geo::orient::{Direction, Orient};
use geo::{CoordsIter, Validation};
use geo_types::{Coord, Geometry, LineString, MultiPolygon, Polygon};

/// A safe repair that was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Repair {
    /// a ring's last point differed from its first
    ClosedRing,
    /// consecutive identical vertices were dropped
    RemovedRepeatedPoints,
    /// rings were turned to the standard orientation
    Reoriented,
}

/// Reject a geometry with any NaN or infinite coordinate (checked before reprojection,
/// since PROJ would turn them into errors of its own).
pub fn check_finite(g: &Geometry<f64>) -> Result<(), String> {
    if g.coords_iter().any(|c| !c.x.is_finite() || !c.y.is_finite()) {
        return Err("non-finite coordinate (NaN or infinity)".into());
    }
    if g.coords_iter().next().is_none() {
        return Err("no geometry".into());
    }
    Ok(())
}

fn dedup(ls: &mut LineString<f64>) -> bool {
    let before = ls.0.len();
    ls.0.dedup_by(|a: &mut Coord<f64>, b: &mut Coord<f64>| a == b);
    ls.0.len() != before
}

fn dedup_polygon(p: &mut Polygon<f64>) -> bool {
    let mut changed = false;
    p.exterior_mut(|r| changed |= dedup(r));
    p.interiors_mut(|rs| rs.iter_mut().for_each(|r| changed |= dedup(r)));
    changed
}

fn needs_orienting(p: &Polygon<f64>) -> bool {
    use geo::winding_order::Winding;
    !p.exterior().is_ccw() || p.interiors().iter().any(|r| !r.is_cw())
}

/// Repair what is safe, then validate. Returns the geometry and the repairs made, or the
/// reason for rejection.
pub fn repair_and_validate(mut g: Geometry<f64>) -> Result<(Geometry<f64>, Vec<Repair>), String> {
    let mut repairs = Vec::new();
    let deduped = match &mut g {
        Geometry::LineString(l) => dedup(l),
        Geometry::MultiLineString(m) => m.0.iter_mut().fold(false, |acc, l| dedup(l) | acc),
        Geometry::Polygon(p) => dedup_polygon(p),
        Geometry::MultiPolygon(m) => m.0.iter_mut().fold(false, |acc, p| dedup_polygon(p) | acc),
        _ => false,
    };
    if deduped {
        repairs.push(Repair::RemovedRepeatedPoints);
    }
    match &g {
        Geometry::Polygon(_) | Geometry::MultiPolygon(_) => crate::validity::check(&g)?,
        other => other.check_validation().map_err(|e| e.to_string())?,
    }
    let reoriented = match &g {
        Geometry::Polygon(p) if needs_orienting(p) => Some(Geometry::Polygon(p.orient(Direction::Default))),
        Geometry::MultiPolygon(m) if m.0.iter().any(needs_orienting) => {
            Some(Geometry::MultiPolygon(MultiPolygon(m.0.iter().map(|p| p.orient(Direction::Default)).collect())))
        }
        _ => None,
    };
    if let Some(r) = reoriented {
        g = r;
        repairs.push(Repair::Reoriented);
    }
    Ok((g, repairs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{line_string, polygon};

    #[test]
    fn valid_ccw_polygon_passes_untouched() {
        let p = Geometry::Polygon(polygon![(x: 0., y: 0.), (x: 4., y: 0.), (x: 4., y: 4.), (x: 0., y: 4.)]);
        assert_eq!(repair_and_validate(p.clone()).unwrap(), (p, vec![]));
    }

    #[test]
    fn clockwise_shell_and_repeated_points_are_repaired() {
        let p =
            Geometry::Polygon(polygon![(x: 0., y: 0.), (x: 0., y: 4.), (x: 0., y: 4.), (x: 4., y: 4.), (x: 4., y: 0.)]);
        let (g, repairs) = repair_and_validate(p).unwrap();
        assert_eq!(repairs, vec![Repair::RemovedRepeatedPoints, Repair::Reoriented]);
        let Geometry::Polygon(q) = g else { panic!() };
        assert_eq!(q.exterior().0.len(), 5);
        use geo::winding_order::Winding;
        assert!(q.exterior().is_ccw());
    }

    #[test]
    fn bowtie_hole_outside_and_degenerate_rings_are_rejected() {
        let bowtie = Geometry::Polygon(polygon![(x: 0., y: 0.), (x: 4., y: 4.), (x: 4., y: 0.), (x: 0., y: 4.)]);
        assert!(repair_and_validate(bowtie).unwrap_err().contains("self-intersection"));
        let outside = Geometry::Polygon(Polygon::new(
            line_string![(x: 0., y: 0.), (x: 4., y: 0.), (x: 4., y: 4.), (x: 0., y: 4.), (x: 0., y: 0.)],
            vec![line_string![(x: 10., y: 10.), (x: 11., y: 10.), (x: 11., y: 11.), (x: 10., y: 10.)]],
        ));
        assert!(repair_and_validate(outside).unwrap_err().contains("not contained"));
        let thin = Geometry::Polygon(polygon![(x: 0., y: 0.), (x: 4., y: 0.), (x: 0., y: 0.)]);
        assert!(repair_and_validate(thin).is_err());
    }

    #[test]
    fn non_finite_and_empty_are_rejected() {
        let nan = Geometry::Point(geo_types::point!(x: f64::NAN, y: 1.0));
        assert!(check_finite(&nan).is_err());
        let empty = Geometry::MultiPolygon(MultiPolygon(vec![]));
        assert!(check_finite(&empty).is_err());
    }
}
