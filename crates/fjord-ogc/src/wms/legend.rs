//! GetLegendGraphic: the legend of a layer's style as an image, a row per rule; an
//! elevation layer's as its ramp's colour bar or a hillshade swatch.

use super::WmsError;
use crate::features::Api;
use crate::reply::Reply;
use crate::wfs::Kvp;
use fjord_render::{encode, ImageFormat};
use fjord_store::FeatureSource;

/// `REQUEST=GetLegendGraphic&LAYER=..[&STYLE=..][&RULE=..][&SCALE=..]&FORMAT=image/png`
pub fn get_legend_graphic(api: &Api, kvp: &Kvp) -> Result<Reply, WmsError> {
    let name = kvp.get("LAYER").ok_or_else(|| WmsError::missing("LAYER"))?;
    let format = match kvp.get("FORMAT") {
        None => ImageFormat::Png,
        Some(f) => ImageFormat::from_mime(f).ok_or_else(|| WmsError {
            code: "InvalidFormat",
            ..WmsError::invalid("FORMAT", format!("'{f}' is not offered"))
        })?,
    };
    let scale = match kvp.get("SCALE") {
        None => None,
        Some(s) => Some(
            s.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v > 0.0)
                .ok_or_else(|| WmsError::invalid("SCALE", format!("'{s}' is not a scale denominator")))?,
        ),
    };
    let style_name = kvp.get("STYLE").unwrap_or("");
    match api.described(name, crate::features::Holding::Elevation) {
        Ok(_) => {
            let relief = super::map::relief(api, name, style_name, super::Light::default())
                .map_err(|e| WmsError { locator: "STYLE".into(), ..e })?;
            let pixmap = fjord_render::legend::relief_legend(&relief).map_err(WmsError::internal)?;
            return Ok(Reply::new(format.mime(), encode(&pixmap, format).map_err(WmsError::internal)?));
        }
        Err(e) if e.status != 404 => return Err(e.into()),
        Err(_) => {}
    }
    let (_, layer) = api.open_described(name).map_err(|e| match e.status {
        404 => WmsError { locator: "LAYER".into(), ..WmsError::layer(name) },
        _ => WmsError::from(e),
    })?;
    let kind = layer.schema().geometry;
    let style = api.styles.style(name, kind, style_name).ok_or_else(|| WmsError {
        code: "StyleNotDefined",
        ..WmsError::invalid("STYLE", format!("layer '{name}' has no style '{style_name}'"))
    })?;
    let pixmap = fjord_render::legend::legend(&style, kind, scale, kvp.get("RULE"))
        .map_err(|e| WmsError::invalid("RULE", e.to_string()))?;
    Ok(Reply::new(format.mime(), encode(&pixmap, format).map_err(WmsError::internal)?))
}
