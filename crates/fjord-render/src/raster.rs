//! A coverage-accumulation rasteriser for a batch of many small shapes in one colour.
//!
//! Written here rather than taken from tiny-skia because tiny-skia's path filler sorts
//! every edge of a path and blends span by span through its pipeline, which made the
//! 20,000-polygon national map cost ~60 % of its time there. This one needs neither:
//! each edge adds its signed area to the cells it crosses, and one pass per row sums
//! them into exact anti-aliased coverage (the area of each pixel inside the shapes), then
//! blends the colour once per pixel. Cost: the cells edges cross plus one pass over the
//! picture per batch, whatever the number of shapes.
//!
//! The summed signed area is the average winding number over a pixel; its magnitude,
//! capped at one, is the coverage. Where shapes do not overlap (a layer's polygons, with
//! shells and holes in opposite turns) that is exactly the non-zero fill, and neighbours
//! sharing an edge leave no seam, since their coverages add up to one. Overlaps of the
//! same turn (a line's segments at a join) count once.
//!
//! Lines are different: neighbouring polygons' outlines lie on the same pixels, and
//! summed they would double. Edges made with [`Edges::for_lines`] are summed feature by
//! feature, and each feature's coverage is laid over the batch's as one more coat of
//! paint (`c + a - c·a`), as drawing the features one by one would.
//!
//! A picture of up to [`DIRECT_CELLS`] pixels is summed into as edges arrive; a larger one
//! keeps its edges in bands of [`BAND`] rows and sums band by band, so the accumulation
//! buffer stays small even for the largest maps.

use crate::style::Color;
use tiny_skia::Pixmap;

/// Rows per band.
const BAND: usize = 256;

/// Pictures of up to this many cells (pixels, and two a row) are summed directly: 2 MiB.
const DIRECT_CELLS: usize = 1 << 19;

/// Coverage below this (of one) leaves a pixel untouched.
const MIN_COVERAGE: f32 = 1.0 / 512.0;

/// Where edges go: summed into the cells of the whole picture at once, or kept per band
/// of rows until the fill, or (lines) summed per feature and laid over a coverage.
enum Sink {
    Direct(Vec<f32>),
    Banded(Vec<Vec<Edge>>),
    PerFeature(Coats),
}

/// Lines summed feature by feature: the current feature's cells, the coverage of the
/// features before it, and the box (pixels, x0 y0 x1 y1) the current one's edges span.
struct Coats {
    cells: Vec<f32>,
    cover: Vec<f32>,
    touched: [f32; 4],
}

/// A box that holds nothing: what `touched` starts as.
const UNTOUCHED: [f32; 4] = [f32::INFINITY, f32::INFINITY, f32::NEG_INFINITY, f32::NEG_INFINITY];

#[derive(Clone, Copy)]
struct Edge {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

/// The edges of a batch of shapes, in pixels, waiting to be filled.
pub struct Edges {
    width: usize,
    height: usize,
    /// where the edges go
    sink: Sink,
    /// room reused by [`Edges::stroke`]
    scratch: Outline,
}

/// A stroked line being outlined: its segments, and the outline's corners on each side.
#[derive(Default)]
struct Outline {
    segs: Vec<Seg>,
    left: Vec<(f32, f32)>,
    right: Vec<(f32, f32)>,
}

impl Edges {
    /// No edges yet, for a picture of `width` × `height` pixels.
    pub fn new(width: u32, height: u32) -> Edges {
        let (width, height) = (width as usize, height as usize);
        let sink = if (width + 2) * height <= DIRECT_CELLS {
            Sink::Direct(vec![0.0; (width + 2) * height])
        } else {
            Sink::Banded(vec![Vec::new(); height.div_ceil(BAND)])
        };
        Edges { width, height, sink, scratch: Outline::default() }
    }

    /// Whether lines for a picture of this size can be summed feature by feature
    /// ([`Edges::for_lines`]): up to [`DIRECT_CELLS`] pixels.
    pub fn lines_fit(width: u32, height: u32) -> bool {
        (width as usize + 2) * height as usize <= DIRECT_CELLS
    }

    /// No edges yet, for lines, summed feature by feature (end each with
    /// [`Edges::end_feature`]); for pictures that [`Edges::lines_fit`], else as
    /// [`Edges::new`].
    pub fn for_lines(width: u32, height: u32) -> Edges {
        if !Edges::lines_fit(width, height) {
            return Edges::new(width, height);
        }
        let (width, height) = (width as usize, height as usize);
        let cells = (width + 2) * height;
        let coats = Coats { cells: vec![0.0; cells], cover: vec![0.0; cells], touched: UNTOUCHED };
        Edges { width, height, sink: Sink::PerFeature(coats), scratch: Outline::default() }
    }

    /// Lay what was added since the last call over the coverage, as one feature's coat.
    pub fn end_feature(&mut self) {
        let Sink::PerFeature(coats) = &mut self.sink else { return };
        let [x0, y0, x1, y1] = std::mem::replace(&mut coats.touched, UNTOUCHED);
        if x0 > x1 {
            return;
        }
        let (w, stride) = (self.width as f32, self.width + 2);
        // x is clamped to the picture when summed, y already is; the cell after the last
        // touched column takes a share too
        let (x0, x1) = (x0.clamp(0.0, w) as usize, (x1.clamp(0.0, w) as usize + 1).min(stride - 1));
        let (y0, y1) = (y0 as usize, (y1 as usize).min(self.height - 1));
        for y in y0..=y1 {
            let row = y * stride;
            let mut sum = 0f32;
            for (cell, c) in coats.cells[row + x0..=row + x1].iter_mut().zip(&mut coats.cover[row + x0..=row + x1]) {
                sum += *cell;
                *cell = 0.0;
                let a = sum.abs().min(1.0);
                *c += a - *c * a;
            }
        }
    }

    /// Add the edge from `a` to `b`; the direction sets the sign of what it encloses.
    pub fn edge(&mut self, a: (f32, f32), b: (f32, f32)) {
        let h = self.height as f32;
        let (top, bottom) = (a.1.min(b.1), a.1.max(b.1));
        // most edges lie within the picture's rows: kept as they are
        let e = if top >= 0.0 && bottom <= h && a.0.abs() < 1e7 && b.0.abs() < 1e7 {
            if top == bottom {
                return;
            }
            Edge { x0: a.0, y0: a.1, x1: b.0, y1: b.1 }
        } else {
            match clip_rows(a, b, h) {
                Some(e) => e,
                None => return,
            }
        };
        let bands = match &mut self.sink {
            Sink::Direct(cells) => {
                accumulate(cells, self.width + 2, self.width as f32, 0, self.height, e);
                return;
            }
            Sink::PerFeature(coats) => {
                accumulate(&mut coats.cells, self.width + 2, self.width as f32, 0, self.height, e);
                let t = &mut coats.touched;
                *t = [
                    t[0].min(e.x0.min(e.x1)),
                    t[1].min(e.y0.min(e.y1)),
                    t[2].max(e.x0.max(e.x1)),
                    t[3].max(e.y0.max(e.y1)),
                ];
                return;
            }
            Sink::Banded(bands) => bands,
        };
        let (top, bottom) = (e.y0.min(e.y1), e.y0.max(e.y1));
        // ceil without libm (not inlined on baseline x86-64): both are non-negative here
        let below = bottom as usize + usize::from((bottom as usize as f32) < bottom);
        let last = below.div_ceil(BAND).min(bands.len());
        for band in &mut bands[top as usize / BAND..last] {
            band.push(e);
        }
    }

    /// Add a closed ring through `points` (the last joins the first).
    pub fn ring(&mut self, points: impl IntoIterator<Item = (f32, f32)>) {
        let mut points = points.into_iter();
        let Some(first) = points.next() else { return };
        let mut prev = first;
        for p in points {
            self.edge(prev, p);
            prev = p;
        }
        self.edge(prev, first);
    }

    /// Add a line of `width` pixels through `points` (a closed ring when `closed`), as
    /// its outline: offsets to both sides meeting in miter joins, bevelled where a join
    /// turns sharply or its segments are too short for a miter (so the outline never
    /// folds back on itself), with square ends at the line's ends. Two edges a segment.
    pub fn stroke(&mut self, points: &[(f32, f32)], closed: bool, width: f32) {
        let half = width / 2.0;
        let Outline { mut segs, mut left, mut right } = std::mem::take(&mut self.scratch);
        segs.clear();
        left.clear();
        right.clear();
        // the segments that have a length, with their unit normals
        for w in points.windows(2) {
            let (dx, dy) = (w[1].0 - w[0].0, w[1].1 - w[0].1);
            let len = (dx * dx + dy * dy).sqrt();
            if len > 1e-4 {
                segs.push(Seg { from: w[0], len, normal: (-dy / len, dx / len) });
            }
        }
        let closed = closed && segs.len() > 2;
        let side = |p: (f32, f32), n: (f32, f32), k: f32| (p.0 + n.0 * k, p.1 + n.1 * k);
        match (segs.first().copied(), segs.last().copied()) {
            (Some(first), Some(last)) => {
                if closed {
                    join(&mut left, &mut right, last, first, half);
                } else {
                    left.push(side(first.from, first.normal, half));
                    right.push(side(first.from, first.normal, -half));
                }
                for w in segs.windows(2) {
                    join(&mut left, &mut right, w[0], w[1], half);
                }
                if closed {
                    self.ring(left.iter().copied());
                    self.ring(right.iter().rev().copied());
                } else {
                    let end = points.last().copied().unwrap_or(first.from);
                    left.push(side(end, last.normal, half));
                    right.push(side(end, last.normal, -half));
                    self.ring(left.iter().chain(right.iter().rev()).copied());
                }
            }
            _ => {
                if let Some(&(x, y)) = points.first() {
                    // a line of one point: a square of the line's width
                    let (a, b) = ((x - half, y - half), (x + half, y + half));
                    self.ring([a, (b.0, a.1), b, (a.0, b.1)]);
                }
            }
        }
        self.scratch = Outline { segs, left, right };
    }

    /// Paint the shapes in `color` onto `pixmap` (the size these edges were made for),
    /// source over, and forget them.
    pub fn fill(&mut self, pixmap: &mut Pixmap, color: Color) {
        self.end_feature();
        let (w, h) = (self.width, self.height);
        let fits = pixmap.width() as usize == w && pixmap.height() as usize == h && color.a > 0;
        let paint = Premultiplied::of(color);
        let data = pixmap.data_mut();
        let stride = w + 2;
        match &mut self.sink {
            Sink::Direct(cells) if fits => {
                for (row, pixels) in cells.chunks_exact_mut(stride).zip(data.chunks_exact_mut(w * 4)) {
                    paint.blend_row(row, pixels);
                }
            }
            Sink::Direct(cells) => cells.fill(0.0),
            Sink::PerFeature(coats) => {
                if fits {
                    for (row, pixels) in coats.cover.chunks_exact_mut(stride).zip(data.chunks_exact_mut(w * 4)) {
                        paint.blend_cover(row, pixels);
                    }
                }
                coats.cover.fill(0.0);
            }
            Sink::Banded(bands) if fits => {
                let mut acc = vec![0f32; stride * BAND.min(h)];
                for (b, edges) in bands.iter_mut().enumerate() {
                    if edges.is_empty() {
                        continue;
                    }
                    let top = b * BAND;
                    let rows = BAND.min(h - top);
                    for e in edges.drain(..) {
                        accumulate(&mut acc, stride, w as f32, top, rows, e);
                    }
                    let pixels = data[top * w * 4..(top + rows) * w * 4].chunks_exact_mut(w * 4);
                    for (row, pixels) in acc.chunks_exact_mut(stride).zip(pixels) {
                        paint.blend_row(row, pixels);
                    }
                }
            }
            Sink::Banded(bands) => bands.iter_mut().for_each(Vec::clear),
        }
    }
}

/// The part of the edge `a`→`b` within rows `0..h`, keeping its direction; computed in
/// f64 so points far outside keep their slope. `None` when nothing of it is there (or it
/// is horizontal, or not a number).
fn clip_rows(a: (f32, f32), b: (f32, f32), h: f32) -> Option<Edge> {
    let (x0, y0, x1, y1) = (f64::from(a.0), f64::from(a.1), f64::from(b.0), f64::from(b.1));
    if ![x0, y0, x1, y1].iter().all(|v| v.is_finite()) {
        return None;
    }
    let (top, bottom) = (y0.min(y1).max(0.0), y0.max(y1).min(f64::from(h)));
    if top >= bottom {
        return None;
    }
    let x_at = |y: f64| x0 + (y - y0) * (x1 - x0) / (y1 - y0);
    let (ys, ye) = if y0 < y1 { (top, bottom) } else { (bottom, top) };
    // x is clamped to the picture when summed; far beyond it only its side matters
    let x = |y: f64| x_at(y).clamp(-1e7, 1e7) as f32;
    Some(Edge { x0: x(ys), y0: ys as f32, x1: x(ye), y1: ye as f32 })
}

/// A segment of a stroked line: where it starts, its length and its unit normal.
#[derive(Clone, Copy)]
struct Seg {
    from: (f32, f32),
    len: f32,
    normal: (f32, f32),
}

/// Turns sharper than this (the cosine of half the turn) are bevelled: 120°.
const MITER_LIMIT: f32 = 0.5;

/// The outline's corners where segment `a` meets segment `b`, `half` the line's width to
/// each side: one miter point a side, or the two bevel corners.
fn join(left: &mut Vec<(f32, f32)>, right: &mut Vec<(f32, f32)>, a: Seg, b: Seg, half: f32) {
    let at = b.from;
    let (mx, my) = (a.normal.0 + b.normal.0, a.normal.1 + b.normal.1);
    let m_len = (mx * mx + my * my).sqrt();
    // cos(turn / 2) is the miter direction's part along either normal
    let cos_half = m_len / 2.0;
    // how far the inner miter point lies along each segment: it must stay on both
    let along = half * (1.0 - cos_half * cos_half).max(0.0).sqrt() / cos_half.max(1e-6);
    if cos_half >= MITER_LIMIT && along <= a.len.min(b.len) {
        let k = half / (cos_half * m_len);
        left.push((at.0 + mx * k, at.1 + my * k));
        right.push((at.0 - mx * k, at.1 - my * k));
    } else {
        for n in [a.normal, b.normal] {
            left.push((at.0 + n.0 * half, at.1 + n.1 * half));
            right.push((at.0 - n.0 * half, at.1 - n.1 * half));
        }
    }
}

/// Add an edge's signed area to the cells of the rows `top..top + rows` it crosses.
#[inline]
fn accumulate(acc: &mut [f32], stride: usize, width: f32, top: usize, rows: usize, e: Edge) {
    // walk downwards; an edge drawn upwards encloses with the opposite sign
    let (sign, (xa, ya), (xb, yb)) =
        if e.y0 < e.y1 { (1.0, (e.x0, e.y0), (e.x1, e.y1)) } else { (-1.0, (e.x1, e.y1), (e.x0, e.y0)) };
    let (y_start, y_end) = (ya.max(top as f32), yb.min((top + rows) as f32));
    if y_start >= y_end || y_start.is_nan() {
        return;
    }
    // y >= 0, so truncation is its floor
    let row = y_start as i32 as usize;
    if y_end <= (row + 1) as f32 && ya >= y_start && yb <= y_end && row >= top {
        // within one row, the usual case for small shapes: no slope needed
        let r = (row - top).min(rows - 1);
        cells(&mut acc[r * stride..(r + 1) * stride], xa.clamp(0.0, width), xb.clamp(0.0, width), (yb - ya) * sign);
        return;
    }
    let dxdy = (xb - xa) / (yb - ya);
    let (mut y, mut x) = (y_start, xa + (y_start - ya) * dxdy);
    let mut r = row.saturating_sub(top).min(rows - 1);
    let mut row_bottom = (top + r + 1) as f32;
    loop {
        let row_end = row_bottom.min(y_end);
        let x_next = x + (row_end - y) * dxdy;
        // left of the picture counts as its left edge, right of it is never summed
        let row = &mut acc[r * stride..(r + 1) * stride];
        cells(row, x.clamp(0.0, width), x_next.clamp(0.0, width), (row_end - y) * sign);
        if row_end >= y_end || r + 1 >= rows {
            return;
        }
        (y, x, r, row_bottom) = (row_end, x_next, r + 1, row_bottom + 1.0);
    }
}

/// Spread a piece of edge within one row (from x `a` to `b`, covering `d` of the row's
/// height, signed) over the cells it crosses: each cell takes the part of `d` that lies
/// to its right, and the cell after it the rest, so a running sum along the row gives
/// the covered area of every pixel.
#[inline(always)]
fn cells(row: &mut [f32], a: f32, b: f32, d: f32) {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    // a >= 0 and below the row's length: i32 conversions are single instructions, where
    // usize ones are not
    let first = a as i32;
    let left = first as f32;
    if b <= left + 1.0 {
        // within one cell, the usual case
        let m = (a + b) * 0.5 - left;
        if let [here, next, ..] = &mut row[first as usize..] {
            *here += d * (1.0 - m);
            *next += d * m;
        }
        return;
    }
    let per_x = d / (b - a);
    let (mut x, mut i, mut left) = (a, first as usize, left);
    while x < b {
        let next = (left + 1.0).min(b);
        let share = (next - x) * per_x;
        let m = (x + next) * 0.5 - left;
        row[i] += share * (1.0 - m);
        row[i + 1] += share * m;
        (x, i, left) = (next, i + 1, left + 1.0);
    }
}

/// A colour premultiplied by its alpha, in 0..=255 floats.
struct Premultiplied {
    rgb: [f32; 3],
    alpha: f32,
}

impl Premultiplied {
    fn of(c: Color) -> Premultiplied {
        let alpha = f32::from(c.a) / 255.0;
        Premultiplied { rgb: [f32::from(c.r) * alpha, f32::from(c.g) * alpha, f32::from(c.b) * alpha], alpha }
    }

    /// Sum a row of cells into coverage, blend the colour by it into the row's RGBA
    /// (premultiplied) pixels, and zero the cells for the next band.
    fn blend_row(&self, cells: &mut [f32], pixels: &mut [u8]) {
        let mut sum = 0f32;
        for (cell, px) in cells.iter_mut().zip(pixels.chunks_exact_mut(4)) {
            sum += *cell;
            *cell = 0.0;
            self.blend(sum.abs().min(1.0), px);
        }
        // the two cells past the last pixel take what lies right of the picture
        cells.iter_mut().skip(pixels.len() / 4).for_each(|c| *c = 0.0);
    }

    /// Blend the colour into a row's pixels by a row of coverage.
    fn blend_cover(&self, cover: &[f32], pixels: &mut [u8]) {
        for (&c, px) in cover.iter().zip(pixels.chunks_exact_mut(4)) {
            self.blend(c, px);
        }
    }

    /// Source over, `cover` of the pixel `px` (RGBA, premultiplied) painted.
    #[inline]
    fn blend(&self, cover: f32, px: &mut [u8]) {
        if cover < MIN_COVERAGE {
            return;
        }
        if self.alpha >= 1.0 && cover > 1.0 - MIN_COVERAGE {
            px[..3].iter_mut().zip(self.rgb).for_each(|(p, v)| *p = v as u8);
            px[3] = 255;
            return;
        }
        let keep = 1.0 - self.alpha * cover;
        for (p, v) in px.iter_mut().zip(self.rgb) {
            *p = (v * cover + f32::from(*p) * keep + 0.5) as u8;
        }
        px[3] = (255.0 * self.alpha * cover + f32::from(px[3]) * keep + 0.5) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RED: Color = Color { r: 255, g: 0, b: 0, a: 255 };

    fn alpha(p: &Pixmap, x: u32, y: u32) -> u8 {
        p.pixel(x, y).unwrap().alpha()
    }

    #[test]
    fn coverage_is_the_covered_area() {
        let mut p = Pixmap::new(10, 10).unwrap();
        let mut e = Edges::new(10, 10);
        // a square from 2.5 to 6.5 each way: inner pixels full, border pixels half, corners a quarter
        e.ring([(2.5, 2.5), (6.5, 2.5), (6.5, 6.5), (2.5, 6.5)]);
        e.fill(&mut p, RED);
        assert_eq!(alpha(&p, 4, 4), 255);
        assert!((127..=129).contains(&alpha(&p, 2, 4)), "{}", alpha(&p, 2, 4));
        assert!((127..=129).contains(&alpha(&p, 6, 4)));
        assert!((63..=65).contains(&alpha(&p, 2, 2)), "{}", alpha(&p, 2, 2));
        assert_eq!(alpha(&p, 1, 4), 0);
        assert_eq!(alpha(&p, 7, 4), 0);
        let mut again = Pixmap::new(10, 10).unwrap();
        e.fill(&mut again, RED);
        assert_eq!(alpha(&again, 4, 4), 0, "filling forgets the edges");
    }

    #[test]
    fn neighbours_leave_no_seam_and_holes_stay_open() {
        let mut p = Pixmap::new(20, 20).unwrap();
        let mut e = Edges::new(20, 20);
        // two triangles sharing a diagonal, both turning the same way
        e.ring([(2.0, 2.0), (12.0, 2.0), (12.0, 12.0)]);
        e.ring([(2.0, 2.0), (12.0, 12.0), (2.0, 12.0)]);
        // a square with a square hole (opposite turn)
        e.ring([(14.0, 14.0), (14.0, 19.0), (19.0, 19.0), (19.0, 14.0)]);
        e.ring([(15.5, 15.5), (17.5, 15.5), (17.5, 17.5), (15.5, 17.5)]);
        e.fill(&mut p, RED);
        for i in 2..12 {
            assert_eq!(alpha(&p, i, i), 255, "the shared diagonal at {i}");
        }
        assert_eq!(alpha(&p, 16, 16), 0, "the hole");
        assert_eq!(alpha(&p, 14, 16), 255, "the ring");
    }

    #[test]
    fn shapes_beyond_the_edges_are_cut_and_strange_input_is_harmless() {
        let mut p = Pixmap::new(100, 130).unwrap();
        let mut e = Edges::new(100, 130);
        e.ring([(-50.0, -50.0), (150.0, -50.0), (150.0, 200.0), (-50.0, 200.0)]);
        e.fill(&mut p, Color { a: 128, ..RED });
        assert!(p.pixels().iter().all(|px| px.alpha() == 128), "a shape over the whole picture covers all of it");
        let mut e = Edges::new(100, 130);
        e.ring([(f32::NAN, 1.0), (5.0, f32::INFINITY), (1e30, -1e30)]);
        e.stroke(&[(3.0, 3.0), (3.0, 3.0)], false, 2.0);
        e.fill(&mut p, RED);
        assert_eq!(alpha(&p, 3, 3), 255, "a zero-length line is a dot");
    }

    #[test]
    fn neighbours_outlines_are_coats_not_sums() {
        // two squares sharing the side x = 10, outlined half a pixel wide
        let mut p = Pixmap::new(20, 20).unwrap();
        let mut e = Edges::for_lines(20, 20);
        e.stroke(&[(4.0, 4.0), (10.0, 4.0), (10.0, 16.0), (4.0, 16.0), (4.0, 4.0)], true, 0.5);
        e.end_feature();
        e.stroke(&[(10.0, 4.0), (16.0, 4.0), (16.0, 16.0), (10.0, 16.0), (10.0, 4.0)], true, 0.5);
        e.fill(&mut p, RED);
        // each covers a quarter of pixels 9 and 10 on the shared side: 1 - 0.75² over them
        let shared = alpha(&p, 9, 10);
        assert!((110..=114).contains(&shared), "two coats of a quarter: {shared}");
        assert!((62..=66).contains(&alpha(&p, 15, 10)), "one coat of a quarter: {}", alpha(&p, 15, 10));
        assert_eq!(alpha(&p, 7, 10), 0);
    }

    #[test]
    fn large_pictures_are_summed_band_by_band_alike() {
        // too large to sum directly: the edges wait in bands of 256 rows
        let (w, h) = (1100, 600);
        assert!((w + 2) * h > DIRECT_CELLS as u32);
        let mut p = Pixmap::new(w, h).unwrap();
        let mut e = Edges::new(w, h);
        e.ring([(100.5, 100.5), (900.5, 100.5), (900.5, 550.5), (100.5, 550.5)]);
        e.stroke(&[(0.0, 0.0), (1100.0, 600.0)], false, 1.0);
        e.fill(&mut p, Color { a: 128, ..RED });
        for y in [101, 255, 256, 257, 511, 512, 549] {
            assert_eq!(alpha(&p, 50, y), 0, "left of the square at row {y}");
            assert!((127..=129).contains(&alpha(&p, 800, y)), "inside at row {y}: {}", alpha(&p, 800, y));
            assert!((63..=65).contains(&alpha(&p, 100, y)), "its half-covered edge at row {y}");
        }
        let ink: u32 = (0..h).map(|y| u32::from(alpha(&p, 1000, y))).sum();
        // 128 × the line's height across a column, 1 / cos(atan(6 / 11)) = 1.139
        assert!((143..=149).contains(&ink), "the diagonal crosses column 1000 once: {ink}");
    }

    #[test]
    fn lines_have_their_width_and_joins_cover_once() {
        let mut p = Pixmap::new(20, 20).unwrap();
        let mut e = Edges::new(20, 20);
        e.stroke(&[(2.0, 10.0), (10.0, 10.0), (18.0, 10.0)], false, 1.0);
        e.fill(&mut p, RED);
        assert!((127..=129).contains(&alpha(&p, 10, 9)) && (127..=129).contains(&alpha(&p, 10, 10)));
        assert_eq!(alpha(&p, 10, 8), 0);
        let total: u32 = (0..20).map(|y| u32::from(alpha(&p, 10, y))).sum();
        assert!((250..=260).contains(&total), "one pixel of ink across: {total}");

        // a square ring stroked 2 px wide: an even band, corners mitred, the inside open
        let mut p = Pixmap::new(20, 20).unwrap();
        let mut e = Edges::new(20, 20);
        e.stroke(&[(4.0, 4.0), (16.0, 4.0), (16.0, 16.0), (4.0, 16.0), (4.0, 4.0)], true, 2.0);
        e.fill(&mut p, RED);
        for (x, y) in [(3, 3), (16, 3), (16, 16), (3, 16), (10, 3), (10, 4), (15, 10)] {
            assert_eq!(alpha(&p, x, y), 255, "ink at {x},{y}");
        }
        for (x, y) in [(10, 10), (5, 5), (10, 1), (18, 10)] {
            assert_eq!(alpha(&p, x, y), 0, "none at {x},{y}");
        }

        // a hairpin turn is bevelled, not folded: ink all along both arms
        let mut p = Pixmap::new(20, 20).unwrap();
        let mut e = Edges::new(20, 20);
        e.stroke(&[(2.0, 8.0), (17.0, 8.5), (2.0, 9.0)], false, 1.0);
        e.fill(&mut p, RED);
        for x in 3..16 {
            assert!(alpha(&p, x, 8) > 200, "ink at {x}: {}", alpha(&p, x, 8));
        }
    }
}
