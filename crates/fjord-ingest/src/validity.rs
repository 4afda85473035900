//! Polygon validity in O(n log n): every ring's segments go into one R-tree, and only
//! segments whose boxes meet are tested against each other.
//!
//! Written here because geo's `Validation` tests each ring's segments pairwise and
//! relates every pair of multi-polygon parts: a 1.2-million-vertex coastline ring took
//! hours. The rules are the same for what is checked: a ring needs three distinct points
//! and may not touch or cross itself; rings of a polygon or a multi-polygon may touch
//! at points but not cross or share a stretch; a hole lies inside its shell. Not
//! detected: a multi-polygon part lying wholly inside another part, and a hole wholly
//! inside another hole (neither has crossing boundaries).

use geo::line_intersection::{line_intersection, LineIntersection};
use geo_types::{Coord, Geometry, Line, LineString, Polygon};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, RTreeObject, AABB};

/// Where a segment is: which polygon, which ring of it (0 = shell), which segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct At {
    polygon: usize,
    ring: usize,
    segment: usize,
}

type Boxed = GeomWithData<Rectangle<[f64; 2]>, At>;

struct Rings<'a> {
    polygons: Vec<&'a Polygon<f64>>,
    tree: RTree<Boxed>,
}

fn ring(p: &Polygon<f64>, r: usize) -> &LineString<f64> {
    if r == 0 {
        p.exterior()
    } else {
        &p.interiors()[r - 1]
    }
}

impl<'a> Rings<'a> {
    fn new(polygons: Vec<&'a Polygon<f64>>) -> Rings<'a> {
        let mut boxes = Vec::new();
        for (pi, p) in polygons.iter().enumerate() {
            for r in 0..=p.interiors().len() {
                for (si, l) in ring(p, r).lines().enumerate() {
                    let rect = Rectangle::from_corners([l.start.x, l.start.y], [l.end.x, l.end.y]);
                    boxes.push(GeomWithData::new(rect, At { polygon: pi, ring: r, segment: si }));
                }
            }
        }
        Rings { polygons, tree: RTree::bulk_load(boxes) }
    }

    fn line(&self, at: At) -> Line<f64> {
        let r = ring(self.polygons[at.polygon], at.ring);
        Line::new(r.0[at.segment], r.0[at.segment + 1])
    }

    fn segments(&self, at: At) -> usize {
        ring(self.polygons[at.polygon], at.ring).0.len().saturating_sub(1)
    }

    /// The first two segments that meet where they may not, described.
    fn crossing(&self) -> Option<String> {
        for a in self.tree.iter() {
            let la = self.line(a.data);
            for b in self.tree.locate_in_envelope_intersecting(&a.envelope()) {
                if b.data <= a.data {
                    continue;
                }
                let Some(hit) = line_intersection(la, self.line(b.data)) else { continue };
                let same_ring = (a.data.polygon, a.data.ring) == (b.data.polygon, b.data.ring);
                let n = self.segments(a.data);
                let adjacent = same_ring
                    && (b.data.segment == a.data.segment + 1 || (a.data.segment == 0 && b.data.segment + 1 == n));
                let what = match hit {
                    // neighbours share their common vertex; more is a spike folding back
                    LineIntersection::SinglePoint { .. } if adjacent => continue,
                    LineIntersection::Collinear { .. } => "overlap along a line",
                    LineIntersection::SinglePoint { .. } if same_ring => "self-intersection",
                    // rings of one polygon or of several may touch at a point, not cross
                    LineIntersection::SinglePoint { is_proper: false, .. } => continue,
                    LineIntersection::SinglePoint { is_proper: true, .. } => "rings cross",
                };
                return Some(format!(
                    "{what} (polygon {} ring {} segment {} and polygon {} ring {} segment {})",
                    a.data.polygon, a.data.ring, a.data.segment, b.data.polygon, b.data.ring, b.data.segment
                ));
            }
        }
        None
    }

    /// Whether `c` lies inside the shell of polygon `pi` (crossing number of a ray to
    /// the east, from the shell segments the R-tree finds on it).
    fn inside_shell(&self, pi: usize, c: Coord<f64>) -> bool {
        let ray = AABB::from_corners([c.x, c.y], [f64::INFINITY, c.y]);
        let mut inside = false;
        for s in self.tree.locate_in_envelope_intersecting(&ray) {
            if s.data.polygon != pi || s.data.ring != 0 {
                continue;
            }
            let l = self.line(s.data);
            let (a, b) = (l.start, l.end);
            if (a.y > c.y) != (b.y > c.y) {
                let x = a.x + (c.y - a.y) * (b.x - a.x) / (b.y - a.y);
                if x > c.x {
                    inside = !inside;
                }
            }
        }
        inside
    }
}

/// Check a polygon or multi-polygon; other geometries are always valid here.
pub fn check(g: &Geometry<f64>) -> Result<(), String> {
    let polygons: Vec<&Polygon<f64>> = match g {
        Geometry::Polygon(p) => vec![p],
        Geometry::MultiPolygon(m) => m.0.iter().collect(),
        _ => return Ok(()),
    };
    for (pi, p) in polygons.iter().enumerate() {
        for r in 0..=p.interiors().len() {
            let ring = ring(p, r);
            let mut distinct = ring.0.clone();
            distinct.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
            distinct.dedup();
            if ring.0.len() < 4 || distinct.len() < 3 || ring.0.first() != ring.0.last() {
                return Err(format!("polygon {pi} ring {r} needs at least 3 distinct points to enclose an area"));
            }
        }
    }
    let rings = Rings::new(polygons);
    if let Some(e) = rings.crossing() {
        return Err(e);
    }
    for (pi, p) in rings.polygons.iter().enumerate() {
        for (hi, hole) in p.interiors().iter().enumerate() {
            // rings do not cross, so any vertex of the hole tells (one on the shell could
            // be on the boundary: try them until one is clearly inside or outside)
            let inside = hole.0.iter().any(|c| rings.inside_shell(pi, *c));
            if !inside {
                return Err(format!("polygon {pi} hole {hi} is not contained in its shell"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{line_string, polygon, MultiPolygon};

    fn square(x: f64, y: f64, s: f64) -> LineString<f64> {
        line_string![(x: x, y: y), (x: x + s, y: y), (x: x + s, y: y + s), (x: x, y: y + s), (x: x, y: y)]
    }

    #[test]
    fn valid_shapes_pass() {
        let with_hole = Polygon::new(square(0., 0., 10.), vec![square(2., 2., 2.), square(5., 5., 2.)]);
        assert_eq!(check(&Geometry::Polygon(with_hole)), Ok(()));
        // parts touching at a corner are allowed
        let touching =
            MultiPolygon(vec![Polygon::new(square(0., 0., 1.), vec![]), Polygon::new(square(1., 1., 1.), vec![])]);
        assert_eq!(check(&Geometry::MultiPolygon(touching)), Ok(()));
    }

    #[test]
    fn invalid_shapes_are_named() {
        let bowtie = polygon![(x: 0., y: 0.), (x: 4., y: 4.), (x: 4., y: 0.), (x: 0., y: 4.), (x: 0., y: 0.)];
        assert!(check(&Geometry::Polygon(bowtie)).unwrap_err().contains("self-intersection"));
        let outside = Polygon::new(square(0., 0., 4.), vec![square(10., 10., 1.)]);
        assert!(check(&Geometry::Polygon(outside)).unwrap_err().contains("not contained"));
        let crossing = Polygon::new(square(0., 0., 4.), vec![square(3., 1., 2.)]);
        assert!(check(&Geometry::Polygon(crossing)).unwrap_err().contains("rings cross"));
        let shared_edge =
            MultiPolygon(vec![Polygon::new(square(0., 0., 1.), vec![]), Polygon::new(square(1., 0., 1.), vec![])]);
        assert!(check(&Geometry::MultiPolygon(shared_edge)).unwrap_err().contains("overlap along a line"));
        let thin = polygon![(x: 0., y: 0.), (x: 4., y: 0.), (x: 0., y: 0.)];
        assert!(check(&Geometry::Polygon(thin)).unwrap_err().contains("at least 3"));
        let spike =
            polygon![(x: 0., y: 0.), (x: 4., y: 0.), (x: 4., y: 4.), (x: 4., y: 2.), (x: 0., y: 4.), (x: 0., y: 0.)];
        assert!(check(&Geometry::Polygon(spike)).is_err());
    }

    #[test]
    fn a_long_ring_is_checked_quickly() {
        // a 50,000-vertex star-shaped ring: pairwise testing would take minutes in a debug build
        let n = 50_000;
        let mut coords: Vec<Coord<f64>> = (0..n)
            .map(|i| {
                let t = i as f64 / n as f64 * std::f64::consts::TAU;
                let r = 100.0 + if i % 2 == 0 { 1.0 } else { 0.0 };
                Coord { x: r * t.cos(), y: r * t.sin() }
            })
            .collect();
        coords.push(coords[0]);
        assert_eq!(check(&Geometry::Polygon(Polygon::new(LineString(coords), vec![]))), Ok(()));
    }
}
