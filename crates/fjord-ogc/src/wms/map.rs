//! GetMap: each layer's features in the (padded) map box from the store, drawn with the
//! rules of its style that apply at the map's scale, composited in order. Within a layer
//! each symbolizer of each rule is drawn for all its features at once (rule by rule,
//! symbolizer by symbolizer), so fills lie under outlines.

use super::request::{metres_per_unit, ExceptionStyle, GetMap, ImageSpec, Light};
use super::WmsError;
use crate::area::Area;
use crate::features::{Api, Holding};
use crate::reply::Reply;
use crate::sld::{read_sld, SldStyles};
use fjord_core::{transform, Value, STORAGE_CRS};
use fjord_render::relief::{HeightGrid, Relief};
use fjord_render::style::Attributes;
use fjord_render::{encode, Canvas, MapView, Style, StylePainter};
use fjord_store::raster::RasterLayer;
use fjord_store::{FeatureSource, FgbLayer};
use std::borrow::Cow;
use std::sync::Arc;

/// A layer of a map: features in a style, or elevation drawn as relief.
enum MapLayer<'a> {
    /// a feature layer in a style, only what lies in the area when the caller is limited to one
    Features(Arc<FgbLayer>, Cow<'a, Style>, Option<Arc<Area>>),
    /// an elevation layer as relief, masked to the area when the caller is limited to one
    Elevation(Arc<RasterLayer>, Relief, Option<Arc<Area>>),
}

/// The elevation styles every elevation layer has, its default first.
pub(crate) const RELIEF_STYLES: [&str; 3] = ["hillshade", "hypsometric", "slope"];

/// `name` as an elevation layer in style `style`; `Ok(None)` when it is no elevation
/// dataset (the features path then answers for it).
fn elevation_layer(api: &Api, name: &str, style: &str, light: Light) -> Result<Option<MapLayer<'static>>, WmsError> {
    let (slug, version, area) = match api.readable_in_area(name, Holding::Elevation) {
        Ok((slug, version, _, area)) => (slug, version, area),
        Err(e) if e.status == 404 => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let relief = relief(api, name, style, light)?;
    Ok(Some(MapLayer::Elevation(api.store.raster_at(&slug, version)?, relief, area)))
}

/// Relief style `style` of elevation layer `name`: hillshade in `light` (the default),
/// or the dataset's own ramp file of a ramp style's name, else the built-in ramp.
pub(crate) fn relief(api: &Api, name: &str, style: &str, light: Light) -> Result<Relief, WmsError> {
    Ok(match style {
        "" | "default" | "hillshade" => {
            Relief::Hillshade { azimuth: light.azimuth, altitude: light.altitude, z: light.z }
        }
        "hypsometric" | "slope" => {
            let ramp = api.styles.ramp(name, style).map(Cow::into_owned);
            match (style, ramp) {
                ("slope", r) => Relief::Slope(r.unwrap_or_else(fjord_render::relief::Ramp::slope)),
                (_, r) => Relief::Hypsometric(r.unwrap_or_else(fjord_render::relief::Ramp::hypsometric)),
            }
        }
        other => {
            return Err(WmsError {
                code: "StyleNotDefined",
                ..WmsError::invalid(
                    "STYLES",
                    format!("layer '{name}' has no style '{other}'; it has {}", RELIEF_STYLES.join(", ")),
                )
            })
        }
    })
}

/// Draw an elevation layer onto the canvas.
fn draw_relief(
    canvas: &mut Canvas,
    layer: &RasterLayer,
    relief: &Relief,
    m: &GetMap,
    area: Option<&Area>,
) -> Result<(), WmsError> {
    let (width, height) = (m.width as usize, m.height as usize);
    let (heights, pixel) = crate::elevation::grid(layer, m.crs, &m.bbox, (width, height), 1, area)?;
    let rgba = HeightGrid { width, height, heights, pixel }.paint(relief);
    canvas.draw_image(rgba).map_err(WmsError::internal)
}

/// The colour of error messages in exception images.
const MESSAGE: fjord_render::Color = fjord_render::Color { r: 0xb0, g: 0x1c, b: 0x1c, a: 255 };

/// Symbols whose anchor lies this many pixels outside the map still show their edge.
const SYMBOL_MARGIN_PX: f64 = 16.0;

/// A fetched feature's values by the names of the fields that were fetched.
struct Fetched<'a> {
    names: &'a [&'a str],
    values: &'a [Value],
}

impl Attributes for Fetched<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        self.names.iter().position(|n| *n == name).and_then(|i| self.values.get(i))
    }
}

/// Draw one layer with `style` onto the canvas, from the layer's features generalised
/// for the map's scale (kept between maps).
fn draw_layer(
    canvas: &mut Canvas,
    api: &Api,
    layer: &FgbLayer,
    style: &Style,
    m: &GetMap,
    area_limit: Option<&Area>,
) -> Result<(), WmsError> {
    let mut painter = StylePainter::new(style, canvas.view().scale_denominator(metres_per_unit(m.crs)));
    if painter.is_idle() {
        return Ok(());
    }
    // the attributes the style reads that the layer has (others never match)
    let schema = layer.schema();
    let (names, fields): (Vec<&str>, Vec<usize>) =
        style.properties().into_iter().filter_map(|p| schema.index_of(p).map(|i| (p, i))).unzip();
    let area = transform::transform_bbox(m.crs, STORAGE_CRS, &canvas.view().padded(SYMBOL_MARGIN_PX))?;
    let level = api.map_cache.level(layer, m.crs, canvas.view().pixel_size());
    // the index's candidates are enough: what lies outside the picture is clipped
    let mut positions = layer.candidates(&area);
    positions.sort_unstable();
    if let Some(limit) = area_limit {
        // a caller limited to an area sees only the features in it
        let mut inside = Vec::with_capacity(positions.len());
        for pos in positions {
            if geo::Intersects::intersects(&layer.geometry_at(pos)?, &limit.geometry) {
                inside.push(pos);
            }
        }
        positions = inside;
    }
    for pos in positions {
        let values = if fields.is_empty() { Vec::new() } else { layer.values_at(pos, &fields)? };
        painter.add(canvas, &Fetched { names: &names, values: &values }, || level.geometry(layer, pos))?;
    }
    painter.finish(canvas);
    Ok(())
}

/// `REQUEST=GetMap`
pub fn get_map(api: &Api, m: &GetMap) -> Result<Reply, WmsError> {
    let (bytes, ignored) = draw(api, m)?;
    let mut reply = Reply::new(m.format.mime(), bytes);
    if !ignored.is_empty() {
        // what the SLD asked for and the map does not show, said where a client can see it
        let parts = ignored.join("; ").replace(['"', '\\', '\n', '\r'], " ");
        let parts: String = parts.chars().take(2000).collect();
        reply.headers.push(("Warning", format!("199 fjord \"SLD parts ignored: {parts}\"")));
    }
    Ok(reply)
}

/// Draw a map: the encoded picture, and the parts of its SLD_BODY that were left out.
pub fn draw(api: &Api, m: &GetMap) -> Result<(Vec<u8>, Vec<String>), WmsError> {
    // styles sent with the request win over the library's for the layers they name
    let sld = match &m.sld_body {
        None => SldStyles::default(),
        Some(body) => read_sld(body).map_err(|e| WmsError::invalid("SLD_BODY", e))?,
    };
    // check every layer and style before drawing any
    let mut layers = Vec::with_capacity(m.layers.len());
    for (name, style_name) in m.layers.iter().zip(&m.styles) {
        if let Some(elevation) = elevation_layer(api, name, style_name, m.light)? {
            layers.push(elevation);
            continue;
        }
        let (_, layer, area) = api.open_in_area(name).map_err(|e| match e.status {
            404 => WmsError::layer(name),
            _ => WmsError::from(e),
        })?;
        let given = sld.styles.iter().filter(|(l, _)| l == name).map(|(_, s)| s);
        let given = given.clone().find(|s| s.name == *style_name).or_else(|| given.clone().next()).map(Cow::Borrowed);
        let style =
            given.or_else(|| api.styles.style(name, layer.schema().geometry, style_name)).ok_or_else(|| WmsError {
                code: "StyleNotDefined",
                ..WmsError::invalid("STYLES", format!("layer '{name}' has no style '{style_name}'"))
            })?;
        layers.push(MapLayer::Features(layer, style, area));
    }
    let view = MapView { bbox: m.bbox, width: m.width, height: m.height };
    let background = if m.transparent { None } else { Some(m.bgcolor) };
    let mut canvas = Canvas::new(view, background).map_err(|e| WmsError::invalid("BBOX", e.to_string()))?;
    for layer in &layers {
        match layer {
            MapLayer::Features(layer, style, area) => draw_layer(&mut canvas, api, layer, style, m, area.as_deref())?,
            MapLayer::Elevation(layer, relief, area) => draw_relief(&mut canvas, layer, relief, m, area.as_deref())?,
        }
    }
    canvas.draw_labels();
    let bytes = encode(canvas.pixmap(), m.format).map_err(WmsError::internal)?;
    Ok((bytes, sld.ignored))
}

/// The image a GetMap refusal is delivered as when EXCEPTIONS asks for one: the
/// requested size, format and background, with the message written on it for INIMAGE.
pub fn exception_image(spec: &ImageSpec, message: &str) -> Result<Reply, WmsError> {
    let view = MapView {
        bbox: fjord_core::BBox { minx: 0.0, miny: 0.0, maxx: 1.0, maxy: 1.0 },
        width: spec.width,
        height: spec.height,
    };
    let mut canvas = Canvas::new(view, spec.background).map_err(WmsError::internal)?;
    if spec.exceptions == ExceptionStyle::InImage {
        // one line per about as many characters as fit, at most as many lines as fit
        let per_line = ((spec.width as usize).saturating_sub(8) / 7).max(8);
        let mut lines = vec![String::new()];
        for word in message.split_whitespace() {
            let line = lines.last_mut().expect("one line at least");
            if !line.is_empty() && line.len() + word.len() >= per_line {
                lines.push(word.to_string());
            } else {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
            }
        }
        for (i, line) in lines.iter().enumerate().take((spec.height as usize / 16).max(1)) {
            canvas.text(line, (4.0, 14.0 + 16.0 * i as f32), 12.0, MESSAGE);
        }
    }
    let bytes = encode(canvas.pixmap(), spec.format).map_err(WmsError::internal)?;
    Ok(Reply::new(spec.format.mime(), bytes))
}
