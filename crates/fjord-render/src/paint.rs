//! Painting features onto a pixmap, anti-aliased: fills and thin lines through the batch
//! rasteriser ([`crate::raster`]), symbols, wide lines and text through tiny-skia.
//!
//! A [`MapView`] maps a box of the map's CRS (x east, y north) onto the pixel grid. Each
//! feature's geometry is turned into a pixel path and generalised on the way: vertices
//! closer than half a pixel to the last one kept are dropped, so a polygon of ten
//! thousand vertices drawn into a few pixels costs a few path segments. Features are
//! gathered per symbolizer in a [`Batch`] and each batch is filled, stroked or marked
//! at once. Labels are gathered too and placed last, over everything, skipping any
//! that would overlap one already placed or leave the picture.

use crate::raster::Edges;
use crate::style::{Color, Fill, Line, Point, Shape, Symbolizer, Text};
use fjord_core::BBox;
use geo_types::{Coord, Geometry, LineString, Polygon};
use tiny_skia::{FillRule, LineCap, LineJoin, Paint, Path, PathBuilder, Pixmap, Rect, Stroke, StrokeDash, Transform};

/// Vertices closer than this (in pixels) to the previous one kept are dropped.
const MIN_STEP: f32 = 0.5;

/// Runs of vertices this far (pixels) beyond a side of the picture are cut short when
/// their path goes to tiny-skia: past the widest line it strokes in practice.
const OUTSIDE_MARGIN: f32 = 64.0;

/// A box of the map CRS drawn onto `width` × `height` pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MapView {
    /// the box, x = east
    pub bbox: BBox,
    /// pixels across
    pub width: u32,
    /// pixels down
    pub height: u32,
}

impl MapView {
    /// Map units per pixel, across.
    pub fn pixel_size(&self) -> f64 {
        (self.bbox.maxx - self.bbox.minx) / f64::from(self.width.max(1))
    }

    /// The OGC scale denominator (0.28 mm pixels) when a map unit is `metres_per_unit`
    /// metres.
    pub fn scale_denominator(&self, metres_per_unit: f64) -> f64 {
        self.pixel_size() * metres_per_unit / 0.000_28
    }

    /// The map box grown by `pixels` on every side (so symbols whose centre lies just
    /// outside still show their edge).
    pub fn padded(&self, pixels: f64) -> BBox {
        let (dx, dy) =
            (pixels * self.pixel_size(), pixels * (self.bbox.maxy - self.bbox.miny) / f64::from(self.height.max(1)));
        BBox {
            minx: self.bbox.minx - dx,
            miny: self.bbox.miny - dy,
            maxx: self.bbox.maxx + dx,
            maxy: self.bbox.maxy + dy,
        }
    }

    fn scale(&self) -> (f64, f64) {
        (
            f64::from(self.width) / (self.bbox.maxx - self.bbox.minx),
            f64::from(self.height) / (self.bbox.maxy - self.bbox.miny),
        )
    }
}

/// Why a picture cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// zero or absurd size, or an empty box
    #[error("{0}")]
    Size(String),
    /// the encoder failed
    #[error("encoding the image: {0}")]
    Encode(String),
}

/// A picture being painted.
pub struct Canvas {
    pixmap: Pixmap,
    view: MapView,
    /// map → pixel: x' = (x - minx) * sx, y' = (maxy - y) * sy
    sx: f64,
    sy: f64,
    /// labels waiting for [`Canvas::draw_labels`], in drawing order
    labels: Vec<Label>,
}

/// A label waiting to be placed: its text, anchor and angle in pixels, and its look.
struct Label {
    text: String,
    at: (f32, f32),
    /// radians, clockwise on screen; 0 for horizontal
    angle: f32,
    /// the anchor is a point symbol's: set the text above it
    above: bool,
    style: Text,
}

fn paint_of(c: Color) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color_rgba8(c.r, c.g, c.b, c.a);
    p.anti_alias = true;
    p
}

fn stroke_of(l: &Line) -> Stroke {
    Stroke {
        width: l.width,
        line_cap: LineCap::Round,
        line_join: LineJoin::Round,
        dash: l.dash.as_ref().and_then(|d| StrokeDash::new(d.clone(), 0.0)),
        ..Stroke::default()
    }
}

impl Canvas {
    /// A canvas for `view`, cleared to `background` (transparent when `None`).
    pub fn new(view: MapView, background: Option<Color>) -> Result<Canvas, RenderError> {
        let b = &view.bbox;
        if !(b.maxx > b.minx && b.maxy > b.miny) {
            return Err(RenderError::Size(format!("the box {b:?} is empty")));
        }
        let mut pixmap = Pixmap::new(view.width, view.height)
            .ok_or_else(|| RenderError::Size(format!("{}×{} pixels cannot be drawn", view.width, view.height)))?;
        if let Some(c) = background {
            pixmap.fill(tiny_skia::Color::from_rgba8(c.r, c.g, c.b, c.a));
        }
        let (sx, sy) = view.scale();
        Ok(Canvas { pixmap, view, sx, sy, labels: Vec::new() })
    }

    /// The view being drawn.
    pub fn view(&self) -> &MapView {
        &self.view
    }

    /// The picture so far.
    pub fn pixmap(&self) -> &Pixmap {
        &self.pixmap
    }

    /// The finished picture.
    pub fn into_pixmap(self) -> Pixmap {
        self.pixmap
    }

    fn px(&self, c: Coord<f64>) -> (f32, f32) {
        (((c.x - self.view.bbox.minx) * self.sx) as f32, ((self.view.bbox.maxy - c.y) * self.sy) as f32)
    }

    /// Visit a ring or line's points in pixels, generalised: a point closer than
    /// [`MIN_STEP`] to the last one visited is skipped, except the line's end; so is a
    /// run of points beyond one side of the picture (by more than `margin` pixels), which
    /// becomes one straight step that stays on that side. Neither a line's ink nor a
    /// fill's coverage changes: the batch rasteriser sums what lies left of the picture
    /// by its height alone. A 1.2-million-point coastline on a county map costs the points
    /// in view.
    fn walk(&self, coords: &[Coord<f64>], margin: f32, mut visit: impl FnMut((f32, f32))) {
        let (w, h) = (self.pixmap.width() as f32 + margin, self.pixmap.height() as f32 + margin);
        let sides = |(x, y): (f32, f32)| {
            u8::from(x < -margin) | u8::from(x > w) << 1 | u8::from(y < -margin) << 2 | u8::from(y > h) << 3
        };
        let Some(first) = coords.first() else { return };
        let mut last = self.px(*first);
        visit(last);
        // the sides the last point visited and the points skipped since all lie beyond
        let mut common = sides(last);
        let mut pending = None;
        let end = coords.len() - 1;
        for (i, c) in coords.iter().enumerate().skip(1) {
            let p = self.px(*c);
            let here = sides(p);
            if common & here != 0 && i != end {
                common &= here;
                pending = Some(p);
                continue;
            }
            if let Some(q) = pending.take() {
                visit(q);
                last = q;
                common = sides(q);
                if common & here != 0 && i != end {
                    common &= here;
                    pending = Some(p);
                    continue;
                }
            }
            if (p.0 - last.0).abs() < MIN_STEP && (p.1 - last.1).abs() < MIN_STEP && i != end {
                continue;
            }
            visit(p);
            last = p;
            common = here;
        }
    }

    /// Add a ring or line to a path, generalised.
    fn add_line(&self, pb: &mut PathBuilder, coords: &[Coord<f64>], close: bool) {
        let mut first = true;
        self.walk(coords, OUTSIDE_MARGIN, |(x, y)| {
            if std::mem::take(&mut first) {
                pb.move_to(x, y);
            } else {
                pb.line_to(x, y);
            }
        });
        if close && !first {
            pb.close();
        }
    }

    /// The points a point symbol is drawn at: each point, or a representative point of
    /// a line or polygon.
    fn anchors(&self, g: &Geometry<f64>) -> Vec<(f32, f32)> {
        use geo::InteriorPoint;
        match g {
            Geometry::Point(p) => vec![self.px(p.0)],
            Geometry::MultiPoint(m) => m.iter().map(|p| self.px(p.0)).collect(),
            other => other.interior_point().map(|p| vec![self.px(p.0)]).unwrap_or_default(),
        }
    }

    fn fill(&mut self, path: &Path, f: &Fill) {
        let paint = paint_of(f.color.with_opacity(f.opacity));
        self.pixmap.fill_path(path, &paint, FillRule::Winding, Transform::identity(), None);
    }

    fn stroke(&mut self, path: &Path, l: &Line) {
        let paint = paint_of(l.color.with_opacity(l.opacity));
        self.pixmap.stroke_path(path, &paint, &stroke_of(l), Transform::identity(), None);
    }

    fn mark(&mut self, (x, y): (f32, f32), p: &Point) {
        let r = p.size / 2.0;
        let path = match p.shape {
            Shape::Circle => PathBuilder::from_circle(x, y, r),
            Shape::Square => Rect::from_xywh(x - r, y - r, p.size, p.size).map(PathBuilder::from_rect),
            Shape::Triangle => {
                let mut pb = PathBuilder::new();
                pb.move_to(x, y - r);
                pb.line_to(x + r * 0.866, y + r * 0.5);
                pb.line_to(x - r * 0.866, y + r * 0.5);
                pb.close();
                pb.finish()
            }
        };
        let Some(path) = path else { return };
        if let Some(f) = &p.fill {
            self.fill(&path, f);
        }
        if let Some(l) = &p.stroke {
            self.stroke(&path, l);
        }
    }

    /// Add a feature to a batch: its edges or pixel path, or its anchors for a point
    /// symbol.
    pub fn add(&self, batch: &mut Batch, g: &Geometry<f64>) {
        let (w, h) = (self.pixmap.width(), self.pixmap.height());
        match batch.symbolizer {
            Symbolizer::Fill(_) if !is_areal(g) => {}
            Symbolizer::Fill(_) => {
                let edges = batch.edges.get_or_insert_with(|| Edges::new(w, h));
                lines_of(g, &mut |coords, closed| {
                    if closed {
                        self.add_ring(edges, coords);
                    }
                });
            }
            Symbolizer::Line(l) if is_thin(l) && Edges::lines_fit(w, h) => {
                let edges = batch.edges.get_or_insert_with(|| Edges::for_lines(w, h));
                let points = &mut batch.points;
                lines_of(g, &mut |coords, closed| {
                    points.clear();
                    self.walk(coords, l.width + 1.0, |p| points.push(p));
                    edges.stroke(points, closed, l.width);
                });
                edges.end_feature();
            }
            Symbolizer::Line(_) => {
                lines_of(g, &mut |coords, closed| self.add_line(&mut batch.path, coords, closed));
                batch.features += 1;
                if batch.features.is_multiple_of(CHUNK_FEATURES) {
                    let full = std::mem::take(&mut batch.path);
                    batch.chunks.extend(full.finish());
                }
            }
            Symbolizer::Point(_) => batch.anchors.extend(self.anchors(g)),
            Symbolizer::Text(_) => {}
        }
    }

    /// Add a closed ring's edges, generalised.
    fn add_ring(&self, edges: &mut Edges, coords: &[Coord<f64>]) {
        let (mut first, mut prev) = (None, (0.0, 0.0));
        self.walk(coords, 1.0, |p| {
            if first.is_none() {
                first = Some(p);
            } else {
                edges.edge(prev, p);
            }
            prev = p;
        });
        if let Some(f) = first {
            edges.edge(prev, f);
        }
    }

    /// Add a feature's label to a text batch: at a polygon's interior point, above a
    /// point, or along the longest stretch of a line.
    pub fn add_label(&self, batch: &mut Batch, g: &Geometry<f64>, text: &str) {
        let Symbolizer::Text(style) = batch.symbolizer else { return };
        if text.trim().is_empty() {
            return;
        }
        let line = match g {
            Geometry::LineString(l) => Some(l),
            Geometry::MultiLineString(m) => m.0.iter().max_by_key(|l| l.0.len()),
            _ => None,
        };
        let (at, angle) = match line.and_then(|l| self.longest_segment(l)) {
            Some(placed) => placed,
            None => match self.anchors(g).first() {
                Some(a) => (*a, 0.0),
                None => return,
            },
        };
        let above = matches!(g, Geometry::Point(_) | Geometry::MultiPoint(_));
        batch.labels.push(Label { text: text.trim().to_string(), at, angle, above, style: style.clone() });
    }

    /// The middle and direction of a line's longest segment in pixels, turned so the
    /// text never reads upside down.
    fn longest_segment(&self, l: &LineString<f64>) -> Option<((f32, f32), f32)> {
        let seg = l.lines().max_by(|a, b| {
            let len = |s: &geo_types::Line<f64>| s.dx().powi(2) + s.dy().powi(2);
            len(a).total_cmp(&len(b))
        })?;
        let ((x0, y0), (x1, y1)) = (self.px(seg.start), self.px(seg.end));
        let mut angle = (y1 - y0).atan2(x1 - x0);
        if angle > std::f32::consts::FRAC_PI_2 {
            angle -= std::f32::consts::PI;
        } else if angle < -std::f32::consts::FRAC_PI_2 {
            angle += std::f32::consts::PI;
        }
        Some((((x0 + x1) / 2.0, (y0 + y1) / 2.0), angle))
    }

    /// Write `text` with its baseline starting at `at` (pixels), unplaced: for legends
    /// and messages, not for labels.
    pub fn text(&mut self, text: &str, at: (f32, f32), size: f32, color: Color) {
        let shaped = crate::text::shape(text, size);
        if let Some(path) = shaped.placed(Transform::from_translate(at.0, at.1)) {
            self.fill(&path, &Fill { color, opacity: 1.0 });
        }
    }

    /// Lay a picture of the canvas's size (RGBA, premultiplied, row by row) over it, as
    /// elevation layers are drawn.
    pub fn draw_image(&mut self, rgba: Vec<u8>) -> Result<(), RenderError> {
        let (w, h) = (self.pixmap.width(), self.pixmap.height());
        let canvas = self.pixmap.data_mut();
        if rgba.len() != canvas.len() {
            return Err(RenderError::Size(format!("an image that is not {w}×{h} RGBA")));
        }
        // source over, premultiplied: one picture at the canvas's own size and place needs
        // no pattern sampling, and most of its pixels are opaque or empty
        for (dst, src) in canvas.chunks_exact_mut(4).zip(rgba.chunks_exact(4)) {
            match src[3] {
                0 => {}
                255 => dst.copy_from_slice(src),
                a => {
                    let keep = u16::from(255 - a);
                    for (d, s) in dst.iter_mut().zip(src) {
                        *d = s.saturating_add(((u16::from(*d) * keep + 127) / 255) as u8);
                    }
                }
            }
        }
        Ok(())
    }

    /// Place and draw the labels gathered so far, in order: one that would leave the
    /// picture or overlap a label already placed is left out.
    pub fn draw_labels(&mut self) {
        let mut placed: Vec<Rect> = Vec::new();
        let (w, h) = (self.pixmap.width() as f32, self.pixmap.height() as f32);
        for label in std::mem::take(&mut self.labels) {
            let shaped = crate::text::shape(&label.text, label.style.size);
            let halo = label.style.halo.as_ref().map_or(0.0, |h| h.width);
            let lift = if label.above { label.style.size * 0.6 + shaped.descent } else { 0.0 };
            let transform = Transform::from_translate(label.at.0, label.at.1 - lift)
                .pre_concat(Transform::from_rotate(label.angle.to_degrees()))
                .pre_concat(Transform::from_translate(-shaped.width / 2.0, (shaped.ascent - shaped.descent) / 2.0));
            let Some(path) = shaped.placed(transform) else { continue };
            let b = path.bounds();
            let Some(room) = Rect::from_ltrb(b.left() - halo, b.top() - halo, b.right() + halo, b.bottom() + halo)
            else {
                continue;
            };
            let inside = room.left() >= 0.0 && room.top() >= 0.0 && room.right() <= w && room.bottom() <= h;
            if !inside || placed.iter().any(|r| r.intersect(&room).is_some()) {
                continue;
            }
            placed.push(room);
            if let Some(hl) = &label.style.halo {
                let halo_line = Line { color: hl.color, width: hl.width * 2.0, dash: None, opacity: 1.0 };
                self.stroke(&path, &halo_line);
            }
            self.fill(&path, &Fill { color: label.style.color, opacity: 1.0 });
        }
    }

    /// Draw everything added to a batch at once.
    pub fn flush(&mut self, batch: Batch) {
        let Batch { symbolizer, edges, path, mut chunks, anchors, labels, .. } = batch;
        chunks.extend(path.finish());
        match symbolizer {
            Symbolizer::Fill(f) => {
                if let Some(mut e) = edges {
                    e.fill(&mut self.pixmap, f.color.with_opacity(f.opacity));
                }
            }
            Symbolizer::Line(l) => {
                if let Some(mut e) = edges {
                    e.fill(&mut self.pixmap, l.color.with_opacity(l.opacity));
                }
                chunks.iter().for_each(|p| self.stroke(p, l));
            }
            Symbolizer::Point(p) => anchors.into_iter().for_each(|at| self.mark(at, p)),
            // labels go on top of everything, placed together at the end
            Symbolizer::Text(_) => self.labels.extend(labels),
        }
    }
}

/// Visit every ring and line of `g`, saying whether it is a closed ring.
fn lines_of(g: &Geometry<f64>, visit: &mut dyn FnMut(&[Coord<f64>], bool)) {
    let mut polygon = |p: &Polygon<f64>| {
        visit(&p.exterior().0, true);
        p.interiors().iter().for_each(|r| visit(&r.0, true));
    };
    match g {
        Geometry::Polygon(p) => polygon(p),
        Geometry::MultiPolygon(m) => m.0.iter().for_each(polygon),
        Geometry::Rect(r) => polygon(&r.to_polygon()),
        Geometry::Triangle(t) => polygon(&t.to_polygon()),
        Geometry::LineString(l) => visit(&l.0, false),
        Geometry::MultiLineString(m) => m.0.iter().for_each(|l| visit(&l.0, false)),
        Geometry::Line(l) => visit(&[l.start, l.end], false),
        Geometry::GeometryCollection(c) => c.iter().for_each(|part| lines_of(part, visit)),
        Geometry::Point(_) | Geometry::MultiPoint(_) => {}
    }
}

/// Lines drawn by the batch rasteriser: solid and at most this wide (pixels), on pictures
/// where [`Edges::lines_fit`]. Wider or dashed ones go through tiny-skia's stroker, for
/// proper joins and caps, and so do the lines of the largest maps.
const THIN_LINE: f32 = 2.0;

fn is_thin(l: &Line) -> bool {
    l.dash.is_none() && l.width <= THIN_LINE
}

/// Wide or dashed lines a batch gathers into one path for tiny-skia's stroker, which
/// sorts a path's edges: one path for a whole layer sorts more than paths of neighbours
/// (the store's Hilbert order keeps consecutive features together), while one path per
/// feature costs a call each.
const CHUNK_FEATURES: usize = 64;

/// One symbolizer's features, gathered and then drawn together. Fills and thin lines
/// gather edges for the batch rasteriser ([`crate::raster`]): one pass over the picture
/// for the whole batch. Polygons are stored with counter-clockwise shells and clockwise
/// holes, so their union fills correctly, and neighbours that share an edge leave no
/// seam.
pub struct Batch<'s> {
    symbolizer: &'s Symbolizer,
    /// fills and thin lines, made on the first feature
    edges: Option<Edges>,
    /// a thin line's points in pixels, room reused line after line
    points: Vec<(f32, f32)>,
    /// wide or dashed lines: the chunk being gathered
    path: PathBuilder,
    /// chunks of [`CHUNK_FEATURES`] features, finished
    chunks: Vec<Path>,
    features: usize,
    anchors: Vec<(f32, f32)>,
    labels: Vec<Label>,
}

impl<'s> Batch<'s> {
    /// An empty batch for `symbolizer`.
    pub fn new(symbolizer: &'s Symbolizer) -> Batch<'s> {
        Batch {
            symbolizer,
            edges: None,
            points: Vec::new(),
            path: PathBuilder::new(),
            chunks: Vec::new(),
            features: 0,
            anchors: Vec::new(),
            labels: Vec::new(),
        }
    }

    /// The symbolizer the batch draws.
    pub fn symbolizer(&self) -> &'s Symbolizer {
        self.symbolizer
    }
}

fn is_areal(g: &Geometry<f64>) -> bool {
    match g {
        Geometry::Polygon(_) | Geometry::MultiPolygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => true,
        Geometry::GeometryCollection(c) => c.iter().any(is_areal),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::style::Style;
    use fjord_core::GeometryKind;
    use geo_types::{point, polygon};

    fn view() -> MapView {
        MapView { bbox: BBox { minx: 0.0, miny: 0.0, maxx: 100.0, maxy: 100.0 }, width: 100, height: 100 }
    }

    fn draw(c: &mut Canvas, style: &Style, g: &Geometry<f64>) {
        for s in &style.rules[0].symbolizers {
            let mut b = Batch::new(s);
            c.add(&mut b, g);
            c.flush(b);
        }
    }

    fn pixel(c: &Canvas, x: u32, y: u32) -> [u8; 4] {
        let p = c.pixmap().pixel(x, y).unwrap().demultiply();
        [p.red(), p.green(), p.blue(), p.alpha()]
    }

    #[test]
    fn polygons_fill_inside_and_leave_outside() {
        let mut c = Canvas::new(view(), Some(Color { r: 255, g: 255, b: 255, a: 255 })).unwrap();
        let style = Style::default_for(GeometryKind::Polygon);
        // the square 10..50 in map units: pixels 10..50 across, 50..90 down (y grows down)
        let sq = Geometry::Polygon(
            polygon![(x: 10., y: 10.), (x: 50., y: 10.), (x: 50., y: 50.), (x: 10., y: 50.), (x: 10., y: 10.)],
        );
        draw(&mut c, &style, &sq);
        assert_ne!(pixel(&c, 30, 70), [255, 255, 255, 255], "inside is painted");
        assert_eq!(pixel(&c, 30, 20), [255, 255, 255, 255], "above the square stays white");
        assert_eq!(pixel(&c, 80, 70), [255, 255, 255, 255], "right of it too");
    }

    #[test]
    fn runs_outside_the_picture_cost_nothing_and_change_nothing() {
        // a ring far larger than the view with a bay reaching into it, its sides beyond
        // the view densified to 4,000 points each: drawn the same as with corners alone
        let corners = [(-900.0, -900.0), (900.0, -900.0), (900.0, 60.0), (40.0, 60.0), (40.0, 80.0), (900.0, 80.0)];
        let corners: Vec<(f64, f64)> = corners.into_iter().chain([(900.0, 900.0), (-900.0, 900.0)]).collect();
        let mut dense = Vec::new();
        for (i, &(x0, y0)) in corners.iter().enumerate() {
            let (x1, y1) = corners[(i + 1) % corners.len()];
            let beyond = |a: f64, b: f64| (a > 100.0 && b > 100.0) || (a < 0.0 && b < 0.0);
            let n = if beyond(x0, x1) || beyond(y0, y1) { 4000 } else { 1 };
            dense.extend((0..n).map(|k| {
                let t = f64::from(k) / f64::from(n);
                Coord { x: x0 + (x1 - x0) * t, y: y0 + (y1 - y0) * t }
            }));
        }
        dense.push(dense[0]);
        let mut sparse: Vec<Coord<f64>> = corners.iter().map(|&(x, y)| Coord { x, y }).collect();
        sparse.push(sparse[0]);
        let style = Style::default_for(GeometryKind::Polygon);
        let picture = |ring: Vec<Coord<f64>>| {
            let mut c = Canvas::new(view(), Some(Color { r: 255, g: 255, b: 255, a: 255 })).unwrap();
            draw(&mut c, &style, &Geometry::Polygon(Polygon::new(LineString(ring), vec![])));
            c.into_pixmap()
        };
        let (a, b) = (picture(dense), picture(sparse));
        let differing = a.pixels().iter().zip(b.pixels()).filter(|(p, q)| p.red().abs_diff(q.red()) > 2).count();
        assert_eq!(differing, 0);
        assert_ne!(pixel_of(&a, 60, 30), pixel_of(&a, 60, 10), "the bay shows");
    }

    #[test]
    fn images_lie_over_the_canvas_source_over() {
        let mut c = Canvas::new(view(), Some(Color { r: 200, g: 100, b: 0, a: 255 })).unwrap();
        let (w, h) = (c.view().width as usize, c.view().height as usize);
        let mut rgba = vec![0u8; w * h * 4];
        rgba[..4].copy_from_slice(&[10, 20, 30, 255]); // opaque: replaces
        rgba[4..8].copy_from_slice(&[0, 0, 64, 128]); // half: blue over orange, premultiplied
        c.draw_image(rgba).unwrap();
        assert_eq!(pixel(&c, 0, 0), [10, 20, 30, 255]);
        assert_eq!(pixel(&c, 1, 0), [100, 50, 64, 255]);
        assert_eq!(pixel(&c, 2, 0), [200, 100, 0, 255], "empty: the canvas shows");
        assert!(c.draw_image(vec![0; 12]).is_err(), "a picture of another size");
    }

    fn pixel_of(p: &Pixmap, x: u32, y: u32) -> u8 {
        p.pixel(x, y).unwrap().red()
    }

    #[test]
    fn points_get_symbols_and_views_scale() {
        let mut c = Canvas::new(view(), None).unwrap();
        let style = Style::default_for(GeometryKind::Point);
        draw(&mut c, &style, &Geometry::Point(point!(x: 50.0, y: 50.0)));
        assert_eq!(pixel(&c, 50, 50)[3], 255, "the disc is opaque at its centre");
        assert_eq!(pixel(&c, 10, 10)[3], 0, "the rest is transparent");
        assert!((view().scale_denominator(1.0) - 1.0 / 0.000_28).abs() < 1e-6);
        assert!(Canvas::new(MapView { width: 0, ..view() }, None).is_err());
        let empty = MapView { bbox: BBox { minx: 5.0, miny: 0.0, maxx: 5.0, maxy: 1.0 }, ..view() };
        assert!(Canvas::new(empty, None).is_err());
    }
}
