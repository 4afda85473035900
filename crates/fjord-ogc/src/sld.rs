//! SLD 1.0 and Symbology Encoding 1.1 into native styles, for the subset native styles
//! have: rules with a filter (comparisons, And/Or) and a scale range; polygon, line,
//! point (well-known marks) and text symbolizers with colours, opacities, widths, dashes,
//! sizes and halos. Everything else found is named in the list of ignored parts, so a
//! user sees what did not carry over instead of a silently different map.

use crate::filter::fes::{dom, El};
use fjord_render::style::{Fill, Halo, Line, Op, Point, Rule, RuleFilter, Shape, Text};
use fjord_render::{Color, Style, Symbolizer};

/// What an SLD document held: each named layer's styles, and what was left out.
#[derive(Debug, Default)]
pub struct SldStyles {
    /// (layer name, style) for each UserStyle of each NamedLayer, in order
    pub styles: Vec<(String, Style)>,
    /// the parts not carried over, each as a short path and reason
    pub ignored: Vec<String>,
}

/// The biggest SLD document read (an SLD_BODY or a file).
pub const MAX_SLD_BYTES: usize = 1 << 20;

/// Read an SLD document; malformed XML or a document that is not SLD is an error.
pub fn read_sld(xml: &str) -> Result<SldStyles, String> {
    if xml.len() > MAX_SLD_BYTES {
        return Err(format!("the SLD is over {MAX_SLD_BYTES} bytes"));
    }
    let root = dom(xml)?;
    if root.name != "StyledLayerDescriptor" {
        return Err(format!("the root element is {}, not StyledLayerDescriptor", root.name));
    }
    let mut out = SldStyles::default();
    for layer in &root.children {
        if layer.name != "NamedLayer" {
            out.ignored.push(format!("{}: only NamedLayer is read", layer.name));
            continue;
        }
        let name = layer.child("Name").map(|n| n.text.trim().to_string()).unwrap_or_default();
        for user in &layer.children {
            match user.name.as_str() {
                "Name" | "Description" | "Title" => {}
                "UserStyle" => {
                    let style = user_style(user, &name, &mut out.ignored);
                    out.styles.push((name.clone(), style));
                }
                other => out.ignored.push(format!("NamedLayer {name}: {other}")),
            }
        }
    }
    if out.styles.is_empty() {
        return Err("the SLD has no NamedLayer with a UserStyle".into());
    }
    Ok(out)
}

fn text_of(el: Option<&El>) -> Option<String> {
    el.map(|e| e.text.trim().to_string()).filter(|t| !t.is_empty())
}

fn user_style(el: &El, layer: &str, ignored: &mut Vec<String>) -> Style {
    let name = text_of(el.child("Name")).unwrap_or_else(|| "sld".into());
    let title = text_of(el.child("Title")).or_else(|| el.child("Description").and_then(|d| text_of(d.child("Title"))));
    let mut rules = Vec::new();
    for fts in el.children_named("FeatureTypeStyle") {
        for child in &fts.children {
            match child.name.as_str() {
                "Rule" => rules.push(rule(child, &format!("{layer}/{name}"), ignored)),
                "Name" | "Title" | "Description" | "FeatureTypeName" => {}
                other => ignored.push(format!("{layer}/{name} FeatureTypeStyle: {other}")),
            }
        }
    }
    for child in el
        .children
        .iter()
        .filter(|c| !["Name", "Title", "Description", "FeatureTypeStyle", "IsDefault"].contains(&c.name.as_str()))
    {
        ignored.push(format!("{layer}/{name}: {}", child.name));
    }
    Style { name, title, rules }
}

fn rule(el: &El, at: &str, ignored: &mut Vec<String>) -> Rule {
    let title = text_of(el.child("Title"))
        .or_else(|| el.child("Description").and_then(|d| text_of(d.child("Title"))))
        .or_else(|| text_of(el.child("Name")));
    let at = format!("{at} rule {}", title.as_deref().unwrap_or("?"));
    let scale = |name: &str| el.child(name).and_then(|s| s.text.trim().parse::<f64>().ok());
    let mut out = Rule {
        title,
        filter: None,
        min_scale: scale("MinScaleDenominator"),
        max_scale: scale("MaxScaleDenominator"),
        symbolizers: Vec::new(),
    };
    for child in &el.children {
        match child.name.as_str() {
            "Name" | "Title" | "Description" | "MinScaleDenominator" | "MaxScaleDenominator" | "Abstract" => {}
            "Filter" => match child.children.as_slice() {
                [one] => match filter(one) {
                    Ok(f) => out.filter = Some(f),
                    Err(e) => ignored.push(format!("{at}: filter {e}; the rule applies to no feature")),
                },
                _ => ignored.push(format!("{at}: a Filter with other than one operator")),
            },
            "PolygonSymbolizer" => {
                if let Some(f) = child.child("Fill") {
                    out.symbolizers.push(Symbolizer::Fill(fill(f, &at, ignored)));
                }
                if let Some(s) = child.child("Stroke") {
                    out.symbolizers.push(Symbolizer::Line(stroke(s, &at, ignored)));
                }
                other_parts(child, &["Fill", "Stroke", "Geometry"], &at, ignored);
            }
            "LineSymbolizer" => {
                if let Some(s) = child.child("Stroke") {
                    out.symbolizers.push(Symbolizer::Line(stroke(s, &at, ignored)));
                }
                other_parts(child, &["Stroke", "Geometry"], &at, ignored);
            }
            "PointSymbolizer" => match child.child("Graphic") {
                Some(g) => out.symbolizers.push(Symbolizer::Point(point(g, &at, ignored))),
                None => ignored.push(format!("{at}: a PointSymbolizer without a Graphic")),
            },
            "TextSymbolizer" => match text(child, &at, ignored) {
                Some(t) => out.symbolizers.push(Symbolizer::Text(t)),
                None => ignored.push(format!("{at}: a TextSymbolizer without a PropertyName label")),
            },
            "ElseFilter" => ignored.push(format!("{at}: ElseFilter (the rule applies to every feature)")),
            other => ignored.push(format!("{at}: {other}")),
        }
    }
    if out.filter.is_none() && el.child("Filter").is_some() {
        // a filter that could not be read must not widen the rule to every feature
        out.filter = Some(RuleFilter::Any { any: Vec::new() });
    }
    out
}

fn other_parts(el: &El, known: &[&str], at: &str, ignored: &mut Vec<String>) {
    for c in el.children.iter().filter(|c| !known.contains(&c.name.as_str())) {
        ignored.push(format!("{at} {}: {}", el.name, c.name));
    }
}

/// The `CssParameter` (SLD 1.0) or `SvgParameter` (SE 1.1) values of an element.
fn params(el: &El) -> Vec<(String, String)> {
    el.children
        .iter()
        .filter(|c| c.name == "CssParameter" || c.name == "SvgParameter")
        .filter_map(|c| c.attr("name").map(|n| (n.to_string(), c.text.trim().to_string())))
        .collect()
}

fn number(v: &str) -> Option<f32> {
    v.parse::<f32>().ok().filter(|n| n.is_finite() && *n >= 0.0)
}

fn fill(el: &El, at: &str, ignored: &mut Vec<String>) -> Fill {
    let mut f = Fill { color: Color { r: 0x80, g: 0x80, b: 0x80, a: 255 }, opacity: 1.0 };
    for (k, v) in params(el) {
        match k.as_str() {
            "fill" => f.color = Color::parse(&v).unwrap_or(f.color),
            "fill-opacity" => f.opacity = number(&v).unwrap_or(1.0).min(1.0),
            other => ignored.push(format!("{at} Fill: {other}")),
        }
    }
    other_parts(el, &["CssParameter", "SvgParameter"], at, ignored);
    f
}

fn stroke(el: &El, at: &str, ignored: &mut Vec<String>) -> Line {
    let mut l = Line { color: Color { r: 0, g: 0, b: 0, a: 255 }, width: 1.0, dash: None, opacity: 1.0 };
    for (k, v) in params(el) {
        match k.as_str() {
            "stroke" => l.color = Color::parse(&v).unwrap_or(l.color),
            "stroke-width" => l.width = number(&v).unwrap_or(1.0).min(100.0),
            "stroke-opacity" => l.opacity = number(&v).unwrap_or(1.0).min(1.0),
            "stroke-dasharray" => {
                let dash: Vec<f32> = v.split([' ', ',']).filter_map(number).map(|d| d.min(1000.0)).collect();
                l.dash = (!dash.is_empty()).then_some(dash);
            }
            "stroke-linejoin" | "stroke-linecap" => {}
            other => ignored.push(format!("{at} Stroke: {other}")),
        }
    }
    other_parts(el, &["CssParameter", "SvgParameter"], at, ignored);
    l
}

fn point(graphic: &El, at: &str, ignored: &mut Vec<String>) -> Point {
    let mut p = Point { shape: Shape::Square, size: 6.0, fill: None, stroke: None };
    if let Some(size) = graphic.child("Size").and_then(|s| number(s.text.trim())) {
        p.size = size.min(200.0);
    }
    match graphic.child("Mark") {
        Some(mark) => {
            p.shape = match text_of(mark.child("WellKnownName")).as_deref() {
                None | Some("square") => Shape::Square,
                Some("circle") => Shape::Circle,
                Some("triangle") => Shape::Triangle,
                Some(other) => {
                    ignored.push(format!("{at} Mark: the shape '{other}' (drawn as a square)"));
                    Shape::Square
                }
            };
            p.fill = mark.child("Fill").map(|f| fill(f, at, ignored));
            p.stroke = mark.child("Stroke").map(|s| stroke(s, at, ignored));
            // SLD's default mark is a grey square with a black outline
            if mark.child("Fill").is_none() && mark.child("Stroke").is_none() {
                p.fill = Some(Fill { color: Color { r: 0x80, g: 0x80, b: 0x80, a: 255 }, opacity: 1.0 });
            }
        }
        None => ignored.push(format!("{at} Graphic: only Mark is drawn (an ExternalGraphic is not)")),
    }
    other_parts(graphic, &["Mark", "Size", "ExternalGraphic"], at, ignored);
    p
}

fn text(el: &El, at: &str, ignored: &mut Vec<String>) -> Option<Text> {
    let property = el.child("Label").and_then(|l| text_of(l.child("PropertyName")))?;
    let mut t = Text { property, size: 12.0, color: Color { r: 0, g: 0, b: 0, a: 255 }, halo: None };
    if let Some(font) = el.child("Font") {
        for (k, v) in params(font) {
            match k.as_str() {
                "font-size" => t.size = number(&v).unwrap_or(12.0).min(200.0),
                other => ignored.push(format!("{at} Font: {other} (DejaVu Sans is used)")),
            }
        }
    }
    if let Some(f) = el.child("Fill") {
        t.color = fill(f, at, ignored).color;
    }
    if let Some(h) = el.child("Halo") {
        let width = h.child("Radius").and_then(|r| number(r.text.trim())).unwrap_or(1.0);
        let color =
            h.child("Fill").map(|f| fill(f, at, ignored).color).unwrap_or(Color { r: 255, g: 255, b: 255, a: 255 });
        t.halo = Some(Halo { color, width: width.min(20.0) });
    }
    other_parts(el, &["Label", "Font", "Fill", "Halo", "LabelPlacement", "Geometry"], at, ignored);
    if el.child("LabelPlacement").is_some() {
        ignored.push(format!("{at} TextSymbolizer: LabelPlacement (labels are placed by fjord)"));
    }
    Some(t)
}

/// An OGC Filter operator as a rule filter.
fn filter(el: &El) -> Result<RuleFilter, String> {
    let op = match el.name.as_str() {
        "And" => return Ok(RuleFilter::All { all: el.children.iter().map(filter).collect::<Result<_, _>>()? }),
        "Or" => return Ok(RuleFilter::Any { any: el.children.iter().map(filter).collect::<Result<_, _>>()? }),
        "PropertyIsEqualTo" => Op::Eq,
        "PropertyIsNotEqualTo" => Op::Ne,
        "PropertyIsLessThan" => Op::Lt,
        "PropertyIsLessThanOrEqualTo" => Op::Le,
        "PropertyIsGreaterThan" => Op::Gt,
        "PropertyIsGreaterThanOrEqualTo" => Op::Ge,
        other => return Err(format!("{other} is not supported")),
    };
    let property = text_of(el.child("PropertyName").or_else(|| el.child("ValueReference")))
        .ok_or_else(|| format!("{} needs a PropertyName", el.name))?;
    let literal = text_of(el.child("Literal")).ok_or_else(|| format!("{} needs a Literal", el.name))?;
    // a number where it reads as one, else text (codes with leading zeros such as "03"
    // stay text, as the attribute they are compared with will be)
    let leading_zero = literal.len() > 1 && literal.starts_with('0') && !literal.starts_with("0.");
    let value = match (literal.parse::<i64>(), literal.parse::<f64>()) {
        _ if leading_zero => serde_json::Value::String(literal),
        (Ok(i), _) => serde_json::Value::from(i),
        (_, Ok(f)) if f.is_finite() => serde_json::Value::from(f),
        _ => serde_json::Value::String(literal),
    };
    Ok(RuleFilter::Compare { property: property.rsplit(':').next().unwrap_or(&property).to_string(), op, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SLD: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc">
  <NamedLayer><Name>fylker</Name>
    <UserStyle><Name>blaa</Name><Title>Blå fylker</Title>
      <FeatureTypeStyle>
        <Rule><Title>Oslo</Title>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>fylkesnummer</ogc:PropertyName><ogc:Literal>03</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <MaxScaleDenominator>5000000</MaxScaleDenominator>
          <PolygonSymbolizer>
            <Fill><CssParameter name="fill">#3366cc</CssParameter><CssParameter name="fill-opacity">0.5</CssParameter></Fill>
            <Stroke><CssParameter name="stroke">#003366</CssParameter><CssParameter name="stroke-width">2</CssParameter><CssParameter name="stroke-dasharray">4 2</CssParameter></Stroke>
          </PolygonSymbolizer>
          <TextSymbolizer><Label><ogc:PropertyName>navn</ogc:PropertyName></Label>
            <Font><CssParameter name="font-family">Arial</CssParameter><CssParameter name="font-size">14</CssParameter></Font>
            <Halo><Radius>2</Radius><Fill><CssParameter name="fill">#ffffff</CssParameter></Fill></Halo>
          </TextSymbolizer>
        </Rule>
        <Rule><Title>Topper</Title>
          <ogc:Filter><ogc:PropertyIsGreaterThanOrEqualTo><ogc:PropertyName>hoyde_m</ogc:PropertyName><ogc:Literal>2000</ogc:Literal></ogc:PropertyIsGreaterThanOrEqualTo></ogc:Filter>
          <PointSymbolizer><Graphic><Mark><WellKnownName>star</WellKnownName><Fill><CssParameter name="fill">#ff0000</CssParameter></Fill></Mark><Size>10</Size></Graphic></PointSymbolizer>
          <RasterSymbolizer/>
        </Rule>
      </FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
</StyledLayerDescriptor>"##;

    #[test]
    fn the_subset_carries_over_and_the_rest_is_named() {
        let read = read_sld(SLD).unwrap();
        let (layer, style) = &read.styles[0];
        assert_eq!(
            (layer.as_str(), style.name.as_str(), style.title.as_deref()),
            ("fylker", "blaa", Some("Blå fylker"))
        );
        let oslo = &style.rules[0];
        assert_eq!(oslo.max_scale, Some(5_000_000.0));
        assert!(
            matches!(&oslo.filter, Some(RuleFilter::Compare { property, op: Op::Eq, value }) if property == "fylkesnummer" && value == "03")
        );
        assert!(matches!(&oslo.symbolizers[0], Symbolizer::Fill(f) if f.opacity == 0.5 && f.color.b == 0xcc));
        assert!(
            matches!(&oslo.symbolizers[1], Symbolizer::Line(l) if l.width == 2.0 && l.dash == Some(vec![4.0, 2.0]))
        );
        assert!(
            matches!(&oslo.symbolizers[2], Symbolizer::Text(t) if t.size == 14.0 && t.halo.as_ref().is_some_and(|h| h.width == 2.0))
        );
        let tops = &style.rules[1];
        assert!(matches!(&tops.filter, Some(RuleFilter::Compare { value, .. }) if value == 2000));
        assert!(style.check().is_ok());
        let ignored = read.ignored.join("\n");
        for part in ["font-family", "star", "RasterSymbolizer"] {
            assert!(ignored.contains(part), "{part} not reported in:\n{ignored}");
        }
    }

    #[test]
    fn bad_documents_are_refused() {
        assert!(read_sld("<StyledLayerDescriptor><NamedLayer>").is_err(), "malformed");
        assert!(read_sld("<Foo/>").is_err(), "not SLD");
        assert!(read_sld("<StyledLayerDescriptor/>").is_err(), "no styles");
        let bomb = "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><StyledLayerDescriptor>&b;</StyledLayerDescriptor>";
        assert!(read_sld(bomb).is_err(), "entities are not expanded");
    }
}
