//! A MapLibre GL style (spec version 8) from a native style, for drawing fjord's vector
//! tiles in a browser the way WMS draws the same layer: each symbolizer of each rule
//! becomes a style layer with the rule's filter as an expression and its scale range as
//! zooms of WebMercatorQuad. Point shapes become circles and labels are left out
//! (MapLibre needs glyph files fjord does not serve); both are named in the style's
//! `metadata`.

use crate::style::{Op, RuleFilter, Style, Symbolizer};
use serde_json::{json, Value};

/// The scale denominator of WebMercatorQuad's level 0 (0.28 mm pixels).
const LEVEL0_SCALE: f64 = 559_082_264.028_717_8;

/// The zoom at which a scale denominator is reached.
fn zoom(scale: f64) -> f64 {
    (LEVEL0_SCALE / scale).log2().clamp(0.0, 24.0)
}

fn expression(f: &RuleFilter) -> Value {
    match f {
        RuleFilter::All { all } => {
            Value::Array(std::iter::once(json!("all")).chain(all.iter().map(expression)).collect())
        }
        RuleFilter::Any { any } => {
            Value::Array(std::iter::once(json!("any")).chain(any.iter().map(expression)).collect())
        }
        RuleFilter::Compare { property, op, value } => {
            let op = match op {
                Op::Eq => "==",
                Op::Ne => "!=",
                Op::Lt => "<",
                Op::Le => "<=",
                Op::Gt => ">",
                Op::Ge => ">=",
            };
            json!([op, ["get", property], value])
        }
    }
}

/// The MapLibre style for `style` drawing source layer `layer` of the vector tiles at
/// `tiles` (a `{z}/{x}/{y}` URL template), levels 0 to `max_zoom`.
pub fn maplibre_style(style: &Style, layer: &str, tiles: &str, max_zoom: u32) -> Value {
    let mut layers = Vec::new();
    let mut omitted = Vec::new();
    for (ri, rule) in style.rules.iter().enumerate() {
        for (si, s) in rule.symbolizers.iter().enumerate() {
            let (kind, paint) = match s {
                Symbolizer::Fill(f) => (
                    "fill",
                    json!({ "fill-color": f.color.to_string(), "fill-opacity": f.opacity * f32::from(f.color.a) / 255.0 }),
                ),
                Symbolizer::Line(l) => {
                    let mut paint =
                        json!({ "line-color": l.color.to_string(), "line-width": l.width, "line-opacity": l.opacity });
                    if let Some(d) = &l.dash {
                        // MapLibre measures dashes in line widths, native styles in pixels
                        let w = l.width.max(0.1);
                        paint["line-dasharray"] = json!(d.iter().map(|v| v / w).collect::<Vec<_>>());
                    }
                    ("line", paint)
                }
                Symbolizer::Point(p) => {
                    if p.shape != crate::style::Shape::Circle {
                        omitted.push(format!("rule {ri}: a {:?} point symbol is drawn as a circle", p.shape));
                    }
                    let mut paint = json!({ "circle-radius": p.size / 2.0 });
                    if let Some(f) = &p.fill {
                        paint["circle-color"] = json!(f.color.to_string());
                        paint["circle-opacity"] = json!(f.opacity);
                    }
                    if let Some(l) = &p.stroke {
                        paint["circle-stroke-color"] = json!(l.color.to_string());
                        paint["circle-stroke-width"] = json!(l.width);
                    }
                    ("circle", paint)
                }
                Symbolizer::Text(t) => {
                    omitted.push(format!("rule {ri}: labels from '{}' (no glyphs are served)", t.property));
                    continue;
                }
            };
            let mut l = json!({
                "id": format!("{layer}-{ri}-{si}"),
                "type": kind,
                "source": "fjord",
                "source-layer": layer,
                "paint": paint,
            });
            if let Some(f) = &rule.filter {
                l["filter"] = expression(f);
            }
            // min_scale (inclusive) bounds the zoom from above, max_scale from below
            if let Some(s) = rule.max_scale {
                l["minzoom"] = json!(zoom(s));
            }
            if let Some(s) = rule.min_scale {
                l["maxzoom"] = json!(zoom(s));
            }
            layers.push(l);
        }
    }
    json!({
        "version": 8,
        "name": style.title.clone().unwrap_or_else(|| style.name.clone()),
        "metadata": { "fjord:style": style.name, "fjord:omitted": omitted },
        "sources": { "fjord": { "type": "vector", "tiles": [tiles], "minzoom": 0, "maxzoom": max_zoom } },
        "layers": layers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_become_layers_with_filters_and_zooms() {
        let style = Style::from_json(
            r##"{ "name": "fylker", "rules": [
                { "filter": { "property": "nr", "op": "=", "value": "03" }, "max_scale": 5000000,
                  "symbolizers": [ { "fill": { "color": "#d9e8f5" } }, { "line": { "color": "#34607f", "width": 2, "dash": [4, 2] } } ] },
                { "symbolizers": [ { "point": { "shape": "triangle", "fill": { "color": "#ff0000" } } }, { "text": { "property": "navn", "color": "#000000" } } ] } ] }"##,
        )
        .unwrap();
        let s = maplibre_style(&style, "fylker", "http://h/tiles/fylker/WebMercatorQuad/{z}/{x}/{y}.mvt", 17);
        assert_eq!(s["version"], 8);
        let layers = s["layers"].as_array().unwrap();
        assert_eq!(layers.len(), 3, "the text symbolizer is left out");
        assert_eq!(layers[0]["type"], "fill");
        assert_eq!(layers[0]["filter"], json!(["==", ["get", "nr"], "03"]));
        assert!((layers[0]["minzoom"].as_f64().unwrap() - 6.8).abs() < 0.1, "1:5 000 000 is about zoom 6.8");
        assert_eq!(layers[1]["paint"]["line-dasharray"], json!([2.0, 1.0]));
        assert_eq!(layers[2]["type"], "circle");
        assert_eq!(s["metadata"]["fjord:omitted"].as_array().unwrap().len(), 2);
        assert_eq!(s["sources"]["fjord"]["tiles"][0], "http://h/tiles/fylker/WebMercatorQuad/{z}/{x}/{y}.mvt");
    }
}
