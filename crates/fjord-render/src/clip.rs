//! Clipping rings and lines to an axis-aligned rectangle, in tile pixel space.
//!
//! Hand-written rather than geo's `BooleanOps`: those rebuild each polygon's topology
//! (i_overlay) to cut it with any other polygon, while a tile cuts every feature with the
//! same rectangle. Sutherland–Hodgman does that in one linear pass per edge; the
//! zero-width edges it may leave along the cut lie in the tile's buffer, outside what is
//! drawn. Lines are cut segment by segment (Liang–Barsky).

use geo_types::Coord;

/// A rectangle `[min, max]` on both axes.
#[derive(Clone, Copy, Debug)]
pub struct Rect {
    /// smallest x and y
    pub min: f64,
    /// largest x and y
    pub max: f64,
}

impl Rect {
    fn contains(&self, c: Coord) -> bool {
        c.x >= self.min && c.x <= self.max && c.y >= self.min && c.y <= self.max
    }

    /// Whether the box `lo`..`hi` lies wholly inside (`Some(true)`), wholly outside
    /// (`Some(false)`) or across the edge (`None`).
    fn classify(&self, coords: &[Coord]) -> Option<bool> {
        let (mut lo, mut hi) = (Coord { x: f64::MAX, y: f64::MAX }, Coord { x: f64::MIN, y: f64::MIN });
        for c in coords {
            lo = Coord { x: lo.x.min(c.x), y: lo.y.min(c.y) };
            hi = Coord { x: hi.x.max(c.x), y: hi.y.max(c.y) };
        }
        if self.contains(lo) && self.contains(hi) {
            Some(true)
        } else if hi.x < self.min || hi.y < self.min || lo.x > self.max || lo.y > self.max {
            Some(false)
        } else {
            None
        }
    }
}

/// One edge of the rectangle: which axis and which side is inside.
#[derive(Clone, Copy)]
enum Edge {
    MinX(f64),
    MaxX(f64),
    MinY(f64),
    MaxY(f64),
}

impl Edge {
    fn inside(self, c: Coord) -> bool {
        match self {
            Edge::MinX(v) => c.x >= v,
            Edge::MaxX(v) => c.x <= v,
            Edge::MinY(v) => c.y >= v,
            Edge::MaxY(v) => c.y <= v,
        }
    }

    /// Where segment `a`-`b` crosses the edge's line (the two lie on either side).
    fn cross(self, a: Coord, b: Coord) -> Coord {
        let along_x = |v: f64| {
            let t = (v - a.x) / (b.x - a.x);
            Coord { x: v, y: a.y + t * (b.y - a.y) }
        };
        let along_y = |v: f64| {
            let t = (v - a.y) / (b.y - a.y);
            Coord { x: a.x + t * (b.x - a.x), y: v }
        };
        match self {
            Edge::MinX(v) | Edge::MaxX(v) => along_x(v),
            Edge::MinY(v) | Edge::MaxY(v) => along_y(v),
        }
    }
}

/// A closed ring (first point repeated last, or not) cut to `rect`, as an open list of
/// vertices; empty when nothing is left.
pub fn ring(coords: &[Coord], rect: Rect) -> Vec<Coord> {
    let open = match coords {
        [first, .., last] if first == last => &coords[..coords.len() - 1],
        _ => coords,
    };
    match rect.classify(open) {
        Some(true) => return open.to_vec(),
        Some(false) => return Vec::new(),
        None => {}
    }
    let mut out = open.to_vec();
    let mut next = Vec::with_capacity(out.len() + 4);
    for edge in [Edge::MinX(rect.min), Edge::MaxX(rect.max), Edge::MinY(rect.min), Edge::MaxY(rect.max)] {
        next.clear();
        let Some(&last) = out.last() else { break };
        let mut prev = last;
        for &c in &out {
            match (edge.inside(prev), edge.inside(c)) {
                (true, true) => next.push(c),
                (true, false) => next.push(edge.cross(prev, c)),
                (false, true) => {
                    next.push(edge.cross(prev, c));
                    next.push(c);
                }
                (false, false) => {}
            }
            prev = c;
        }
        std::mem::swap(&mut out, &mut next);
    }
    out
}

/// A line cut to `rect`: the runs of it inside, each of at least two points.
pub fn line(coords: &[Coord], rect: Rect) -> Vec<Vec<Coord>> {
    match rect.classify(coords) {
        Some(true) => return vec![coords.to_vec()],
        Some(false) => return Vec::new(),
        None => {}
    }
    let mut parts: Vec<Vec<Coord>> = Vec::new();
    let mut run: Vec<Coord> = Vec::new();
    for w in coords.windows(2) {
        let Some((a, b)) = segment(w[0], w[1], rect) else { continue };
        if run.last() != Some(&a) {
            if run.len() > 1 {
                parts.push(std::mem::take(&mut run));
            }
            run.clear();
            run.push(a);
        }
        run.push(b);
    }
    if run.len() > 1 {
        parts.push(run);
    }
    parts
}

/// The part of segment `a`-`b` inside `rect` (Liang–Barsky), `None` when it misses.
fn segment(a: Coord, b: Coord, rect: Rect) -> Option<(Coord, Coord)> {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, a.x - rect.min), (dx, rect.max - a.x), (-dy, a.y - rect.min), (dy, rect.max - a.y)] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
        }
    }
    if t0 > t1 {
        return None;
    }
    let at = |t: f64| {
        if t == 0.0 {
            a
        } else if t == 1.0 {
            b
        } else {
            Coord { x: a.x + t * dx, y: a.y + t * dy }
        }
    };
    Some((at(t0), at(t1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: f64, y: f64) -> Coord {
        Coord { x, y }
    }

    const R: Rect = Rect { min: 0.0, max: 10.0 };

    #[test]
    fn a_square_across_a_corner_keeps_the_inside_quarter() {
        let sq = [c(-5.0, -5.0), c(5.0, -5.0), c(5.0, 5.0), c(-5.0, 5.0), c(-5.0, -5.0)];
        let out = ring(&sq, R);
        let mut xs: Vec<(i64, i64)> = out.iter().map(|p| (p.x as i64, p.y as i64)).collect();
        xs.sort_unstable();
        xs.dedup();
        assert_eq!(xs, [(0, 0), (0, 5), (5, 0), (5, 5)]);
    }

    #[test]
    fn rings_inside_and_outside() {
        let inside = [c(1.0, 1.0), c(2.0, 1.0), c(2.0, 2.0), c(1.0, 1.0)];
        assert_eq!(ring(&inside, R).len(), 3);
        let outside = [c(11.0, 1.0), c(12.0, 1.0), c(12.0, 2.0), c(11.0, 1.0)];
        assert!(ring(&outside, R).is_empty());
    }

    #[test]
    fn a_line_leaving_and_coming_back_is_two_runs() {
        let l = [c(1.0, 1.0), c(20.0, 1.0), c(20.0, 5.0), c(1.0, 5.0)];
        let parts = line(&l, R);
        assert_eq!(parts, vec![vec![c(1.0, 1.0), c(10.0, 1.0)], vec![c(10.0, 5.0), c(1.0, 5.0)]]);
        assert!(line(&[c(-3.0, -3.0), c(-1.0, -1.0)], R).is_empty());
        assert_eq!(line(&[c(-5.0, 5.0), c(15.0, 5.0)], R), vec![vec![c(0.0, 5.0), c(10.0, 5.0)]]);
    }
}
