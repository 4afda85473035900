//! Legends: one row per rule of a style, a swatch drawn with the rule's symbolizers on
//! a sample shape beside the rule's title.

use crate::paint::{Batch, Canvas, MapView, RenderError};
use crate::style::{Color, Rule, Style, Symbolizer};
use fjord_core::{BBox, GeometryKind};
use geo_types::{coord, Geometry, LineString, Point, Polygon};
use tiny_skia::Pixmap;

/// Pixels per legend row.
const ROW: u32 = 24;
/// The swatch's side.
const SWATCH: f64 = 20.0;
/// Title text size.
const TEXT_SIZE: f32 = 12.0;
const DARK: Color = Color { r: 0x22, g: 0x22, b: 0x22, a: 255 };

/// The rules a legend shows: those in scale (all when no scale is given), by title when
/// one is asked for.
fn rules<'s>(style: &'s Style, scale: Option<f64>, rule: Option<&str>) -> Vec<&'s Rule> {
    style
        .rules
        .iter()
        .filter(|r| scale.is_none_or(|s| r.in_scale(s)))
        .filter(|r| rule.is_none_or(|name| r.title.as_deref() == Some(name)))
        .collect()
}

fn title<'a>(style: &'a Style, r: &'a Rule) -> &'a str {
    r.title.as_deref().or(style.title.as_deref()).unwrap_or(&style.name)
}

/// The legend's size in pixels (for capabilities documents); `None` when no rule shows.
pub fn legend_size(style: &Style, scale: Option<f64>, rule: Option<&str>) -> Option<(u32, u32)> {
    let shown = rules(style, scale, rule);
    if shown.is_empty() {
        return None;
    }
    let widest = shown.iter().map(|r| crate::text::shape(title(style, r), TEXT_SIZE).width).fold(0.0f32, f32::max);
    Some((ROW + 8 + widest.ceil() as u32, ROW * shown.len() as u32))
}

/// A sample shape for a symbolizer in the swatch at row `row`, in the legend's map
/// units (pixels, y up from the bottom of a picture `height` high).
fn sample(s: &Symbolizer, kind: GeometryKind, row: u32, height: u32) -> Geometry<f64> {
    let top = f64::from(height - row * ROW) - 2.0;
    let (x0, x1, y0, y1) = (2.0, 2.0 + SWATCH, top - SWATCH, top);
    let line_kind = matches!(kind, GeometryKind::LineString | GeometryKind::MultiLineString);
    match s {
        Symbolizer::Point(_) | Symbolizer::Text(_) => Geometry::Point(Point::new((x0 + x1) / 2.0, (y0 + y1) / 2.0)),
        Symbolizer::Line(_) if line_kind => Geometry::LineString(LineString(vec![
            coord! { x: x0, y: y0 + 4.0 },
            coord! { x: x0 + 7.0, y: y1 - 4.0 },
            coord! { x: x1 - 7.0, y: y0 + 4.0 },
            coord! { x: x1, y: y1 - 4.0 },
        ])),
        _ => Geometry::Polygon(Polygon::new(
            LineString(vec![
                coord! { x: x0 + 1.0, y: y0 + 1.0 },
                coord! { x: x1 - 1.0, y: y0 + 1.0 },
                coord! { x: x1 - 1.0, y: y1 - 1.0 },
                coord! { x: x0 + 1.0, y: y1 - 1.0 },
                coord! { x: x0 + 1.0, y: y0 + 1.0 },
            ]),
            vec![],
        )),
    }
}

/// Draw the legend of `style` for a layer of `kind` on a transparent background.
pub fn legend(
    style: &Style,
    kind: GeometryKind,
    scale: Option<f64>,
    rule: Option<&str>,
) -> Result<Pixmap, RenderError> {
    let (width, height) =
        legend_size(style, scale, rule).ok_or_else(|| RenderError::Size("no rule of the style shows".into()))?;
    let view =
        MapView { bbox: BBox { minx: 0.0, miny: 0.0, maxx: f64::from(width), maxy: f64::from(height) }, width, height };
    let mut canvas = Canvas::new(view, None)?;
    for (row, r) in rules(style, scale, rule).into_iter().enumerate() {
        let row = row as u32;
        for s in &r.symbolizers {
            let mut b = Batch::new(s);
            match s {
                Symbolizer::Text(_) => canvas.add_label(&mut b, &sample(s, kind, row, height), "Aa"),
                _ => canvas.add(&mut b, &sample(s, kind, row, height)),
            }
            canvas.flush(b);
        }
        canvas.draw_labels();
        let baseline = (row * ROW) as f32 + ROW as f32 / 2.0 + TEXT_SIZE * 0.35;
        canvas.text(title(style, r), (SWATCH as f32 + 8.0, baseline), TEXT_SIZE, DARK);
    }
    Ok(canvas.into_pixmap())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_per_rule_with_swatch_and_title() {
        let style = Style::default_for(GeometryKind::Polygon);
        let (w, h) = legend_size(&style, None, None).unwrap();
        let p = legend(&style, GeometryKind::Polygon, None, None).unwrap();
        assert_eq!((p.width(), p.height()), (w, h));
        assert_eq!(h, ROW);
        assert!(p.pixel(12, 12).unwrap().alpha() > 0, "the swatch is drawn");
        assert!((28..w).any(|x| (4..20).any(|y| p.pixel(x, y).unwrap().alpha() > 0)), "the title is written");
        assert!(legend_size(&style, None, Some("no such rule")).is_none());
    }
}
