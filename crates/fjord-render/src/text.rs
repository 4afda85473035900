//! Text as paths: glyph outlines from DejaVu Sans (shipped in `fonts/`, built into the
//! binary so every machine draws the same letters), laid out left to right with the
//! font's advances and kerning, then filled like any other shape. Enough for labels,
//! legends and error images; no shaping of complex scripts.

use std::sync::OnceLock;
use tiny_skia::{Path, PathBuilder, Transform};
use ttf_parser::{Face, GlyphId, OutlineBuilder};

static FONT_BYTES: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

fn face() -> &'static Face<'static> {
    static FACE: OnceLock<Face<'static>> = OnceLock::new();
    // the font is part of the binary and parsed by the tests: it cannot fail here
    FACE.get_or_init(|| Face::parse(FONT_BYTES, 0).expect("the built-in font parses"))
}

/// Collects one glyph's outline, scaled and placed, into a path builder.
struct Outline<'a> {
    pb: &'a mut PathBuilder,
    scale: f32,
    x: f32,
    y: f32,
}

impl Outline<'_> {
    /// Font units (y up) to pixels (y down) at the pen position.
    fn p(&self, x: f32, y: f32) -> (f32, f32) {
        (self.x + x * self.scale, self.y - y * self.scale)
    }
}

impl OutlineBuilder for Outline<'_> {
    fn move_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.p(x, y);
        self.pb.move_to(x, y);
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let (x, y) = self.p(x, y);
        self.pb.line_to(x, y);
    }

    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        let ((x1, y1), (x, y)) = (self.p(x1, y1), self.p(x, y));
        self.pb.quad_to(x1, y1, x, y);
    }

    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        let ((x1, y1), (x2, y2), (x, y)) = (self.p(x1, y1), self.p(x2, y2), self.p(x, y));
        self.pb.cubic_to(x1, y1, x2, y2, x, y);
    }

    fn close(&mut self) {
        self.pb.close();
    }
}

/// A line of text laid out at a size: its outline with the baseline's start at the
/// origin, and its extent.
pub struct Shaped {
    /// the glyph outlines (`None` for text without visible glyphs)
    pub path: Option<Path>,
    /// advance width in pixels
    pub width: f32,
    /// ascent above the baseline in pixels
    pub ascent: f32,
    /// descent below the baseline in pixels (positive)
    pub descent: f32,
}

impl Shaped {
    /// The outline moved and rotated: `transform` maps the text's own coordinates
    /// (baseline start at the origin) to the picture.
    pub fn placed(&self, transform: Transform) -> Option<Path> {
        self.path.clone().and_then(|p| p.transform(transform))
    }
}

/// Lay out `text` at `size` pixels. Characters the font lacks are drawn as its
/// missing-glyph box, and control characters are skipped.
pub fn shape(text: &str, size: f32) -> Shaped {
    let face = face();
    let units = f32::from(face.units_per_em());
    let scale = size / units;
    let kern = face.tables().kern.and_then(|k| k.subtables.into_iter().find(|s| s.horizontal));
    let mut pb = PathBuilder::new();
    let mut x = 0.0f32;
    let mut previous: Option<GlyphId> = None;
    for c in text.chars().filter(|c| !c.is_control()) {
        let glyph = face.glyph_index(c).unwrap_or(GlyphId(0));
        if let (Some(prev), Some(k)) = (previous, &kern) {
            x += f32::from(k.glyphs_kerning(prev, glyph).unwrap_or(0)) * scale;
        }
        face.outline_glyph(glyph, &mut Outline { pb: &mut pb, scale, x, y: 0.0 });
        x += f32::from(face.glyph_hor_advance(glyph).unwrap_or(0)) * scale;
        previous = Some(glyph);
    }
    Shaped {
        path: pb.finish(),
        width: x,
        ascent: f32::from(face.ascender()) * scale,
        descent: -f32::from(face.descender()) * scale,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_has_outlines_and_a_width_that_grows() {
        let a = shape("Ås", 12.0);
        let b = shape("Åsane fjell", 12.0);
        assert!(a.path.is_some() && b.width > a.width && a.width > 10.0);
        assert!(a.ascent > 8.0 && a.descent > 1.0);
        let bounds = a.path.as_ref().unwrap().bounds();
        assert!(bounds.top() < -8.0, "Å reaches above the baseline: {bounds:?}");
        assert!(shape("", 12.0).path.is_none() && shape(" \n", 12.0).path.is_none());
        assert!(shape("中", 12.0).path.is_some(), "a character the font lacks still shows");
    }
}
