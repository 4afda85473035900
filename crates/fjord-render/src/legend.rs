//! Legends: one row per rule of a style, a swatch drawn with the rule's symbolizers on
//! a sample shape beside the rule's title; for an elevation style, a colour bar labelled
//! at the ramp's stops, or a shaded swatch for hillshade.

use crate::paint::{Batch, Canvas, MapView, RenderError};
use crate::relief::{Ramp, Relief};
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

/// A ramp legend's colour bar: pixels across and down, and the margin above and below
/// it (room for the labels at its ends).
const BAR: (u32, u32, u32) = (20, 160, 8);

/// A relief legend's labels and their places down the picture (pixels from the top);
/// labels that would overlap the one above are left out.
fn relief_labels(relief: &Relief) -> Vec<(String, f32)> {
    let (ramp, unit): (&Ramp, &str) = match relief {
        Relief::Hypsometric(r) => (r, " m"),
        Relief::Slope(r) => (r, "°"),
        Relief::Hillshade { .. } => return vec![("hillshade".into(), ROW as f32 / 2.0 + TEXT_SIZE * 0.35)],
    };
    let stops = ramp.stops();
    let (low, high) = (stops[0].0, stops[stops.len() - 1].0);
    let mut out: Vec<(String, f32)> = Vec::new();
    for &(v, _) in stops.iter().rev() {
        let t = if high > low { (high - v) / (high - low) } else { 0.0 };
        let y = (f64::from(BAR.2) + t * f64::from(BAR.1)) as f32 + TEXT_SIZE * 0.35;
        if out.last().is_none_or(|(_, above)| y - above >= TEXT_SIZE) {
            out.push((format!("{v}{unit}"), y));
        }
    }
    out
}

/// The legend of an elevation style's size in pixels.
pub fn relief_legend_size(relief: &Relief) -> (u32, u32) {
    let widest =
        relief_labels(relief).iter().map(|(t, _)| crate::text::shape(t, TEXT_SIZE).width).fold(0.0f32, f32::max);
    let height = match relief {
        Relief::Hillshade { .. } => ROW,
        _ => BAR.1 + 2 * BAR.2,
    };
    (BAR.0 + 8 + widest.ceil() as u32, height)
}

/// Draw the legend of an elevation style on a transparent background: the ramp as a
/// bar, its highest value at the top, labelled at the stops; hillshade as a swatch
/// shaded from dark to light.
pub fn relief_legend(relief: &Relief) -> Result<Pixmap, RenderError> {
    let (width, height) = relief_legend_size(relief);
    let view =
        MapView { bbox: BBox { minx: 0.0, miny: 0.0, maxx: f64::from(width), maxy: f64::from(height) }, width, height };
    let mut canvas = Canvas::new(view, None)?;
    let mut rgba = vec![0u8; width as usize * height as usize * 4];
    let (w, h) = (width as usize, height as usize);
    match relief {
        Relief::Hypsometric(ramp) | Relief::Slope(ramp) => {
            let (low, high) = (ramp.stops()[0].0, ramp.stops()[ramp.stops().len() - 1].0);
            for y in 0..BAR.1 as usize {
                let v = high - (high - low) * y as f64 / f64::from(BAR.1 - 1);
                let c = ramp.at(v);
                let row = (y + BAR.2 as usize) * w;
                for x in 0..BAR.0 as usize {
                    rgba[(row + x) * 4..(row + x) * 4 + 4].copy_from_slice(&[c.r, c.g, c.b, 255]);
                }
            }
        }
        Relief::Hillshade { .. } => {
            let side = SWATCH as usize;
            for y in 2..(2 + side).min(h) {
                for x in 0..side {
                    let v = (40 + 215 * x / (side - 1)) as u8;
                    rgba[(y * w + x) * 4..(y * w + x) * 4 + 4].copy_from_slice(&[v, v, v, 255]);
                }
            }
        }
    }
    canvas.draw_image(rgba)?;
    for (text, y) in relief_labels(relief) {
        canvas.text(&text, (BAR.0 as f32 + 8.0, y), TEXT_SIZE, DARK);
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

    #[test]
    fn ramps_are_bars_labelled_at_their_stops() {
        let relief = Relief::Hypsometric(Ramp::hypsometric());
        let p = relief_legend(&relief).unwrap();
        assert_eq!((p.width(), p.height()), relief_legend_size(&relief));
        // the top of the bar is the highest stop's white, the bottom the lowest's green
        let top = p.pixel(10, BAR.2).unwrap().demultiply();
        let bottom = p.pixel(10, BAR.2 + BAR.1 - 1).unwrap().demultiply();
        assert_eq!((top.red(), top.green(), top.blue()), (255, 255, 255));
        assert_eq!((bottom.red(), bottom.green(), bottom.blue()), (0x3d, 0x7a, 0x3a));
        let labels = relief_labels(&relief);
        assert_eq!(labels.first().map(|l| l.0.as_str()), Some("2400 m"));
        assert_eq!(labels.last().map(|l| l.0.as_str()), Some("0 m"));
        assert!(labels.windows(2).all(|w| w[1].1 - w[0].1 >= TEXT_SIZE), "labels do not overlap");
        let slope = relief_labels(&Relief::Slope(Ramp::slope()));
        assert_eq!(slope.first().map(|l| l.0.as_str()), Some("60°"));
        let shade = relief_legend(&Relief::Hillshade { azimuth: 315.0, altitude: 45.0, z: 1.0 }).unwrap();
        assert_eq!(shade.height(), ROW);
        assert!(shade.pixel(2, 10).unwrap().red() < shade.pixel(18, 10).unwrap().red(), "dark to light");
    }
}
