//! Reading WMS 1.3.0 and 1.1.1 KVP requests into checked values.

use super::WmsError;
use crate::wfs::Kvp;
use fjord_core::{AxisOrder, BBox, Crs};
use fjord_render::{Color, ImageFormat};

/// The two WMS versions served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WmsVersion {
    /// 1.3.0: CRS, I/J, the CRS's own axis order
    V1_3_0,
    /// 1.1.1: SRS, X/Y, always x = east
    V1_1_1,
}

impl WmsVersion {
    /// From VERSION (or WMTVER of 1.0); 1.3.0 when absent or newer.
    pub fn of(kvp: &Kvp) -> WmsVersion {
        match kvp.get("VERSION").or_else(|| kvp.get("WMTVER")).map(str::trim) {
            Some(v) if v.starts_with("1.1") || v.starts_with("1.0") => WmsVersion::V1_1_1,
            _ => WmsVersion::V1_3_0,
        }
    }

    /// As written in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            WmsVersion::V1_3_0 => "1.3.0",
            WmsVersion::V1_1_1 => "1.1.1",
        }
    }

    /// The name of the CRS parameter.
    pub fn crs_param(self) -> &'static str {
        match self {
            WmsVersion::V1_3_0 => "CRS",
            WmsVersion::V1_1_1 => "SRS",
        }
    }
}

/// How a GetMap refusal is delivered (EXCEPTIONS).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExceptionStyle {
    /// a ServiceExceptionReport document
    Xml,
    /// an image of the requested size and format carrying the message
    InImage,
    /// an empty image of the requested size and format
    Blank,
}

/// A checked GetMap.
#[derive(Clone, Debug)]
pub struct GetMap {
    /// the version asked for
    pub version: WmsVersion,
    /// layer names, drawn in order
    pub layers: Vec<String>,
    /// style names, one per layer (empty = the layer's default)
    pub styles: Vec<String>,
    /// the map CRS
    pub crs: Crs,
    /// the box in the CRS, x = east (already in that order whatever the version)
    pub bbox: BBox,
    /// pixels across
    pub width: u32,
    /// pixels down
    pub height: u32,
    /// the image format
    pub format: ImageFormat,
    /// transparent background
    pub transparent: bool,
    /// background colour
    pub bgcolor: Color,
    /// styles given with the request (SLD_BODY), by layer name
    pub sld_body: Option<String>,
    /// the light of hillshade (vendor parameters)
    pub light: Light,
}

/// The light hillshade is drawn with, from the vendor parameters `AZIMUTH` (degrees
/// clockwise from north, 0–360), `ALTITUDE` (degrees above the horizon, 0–90) and
/// `ZFACTOR` (vertical exaggeration, above 0 to 1000), named as `gdaldem hillshade`
/// names its options; gdaldem's defaults otherwise.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Light {
    /// where the light comes from
    pub azimuth: f64,
    /// how high it stands
    pub altitude: f64,
    /// vertical exaggeration
    pub z: f64,
}

impl Default for Light {
    fn default() -> Light {
        Light { azimuth: 315.0, altitude: 45.0, z: 1.0 }
    }
}

impl Light {
    /// The light a request asks for; 400 InvalidParameterValue for a value out of range.
    pub fn parse(kvp: &Kvp) -> Result<Light, WmsError> {
        let read = |key: &str, default: f64, ok: &dyn Fn(f64) -> bool, range: &str| match kvp.get(key) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && ok(*n))
                .ok_or_else(|| WmsError::invalid(key, format!("'{v}' is not a number {range}"))),
        };
        let d = Light::default();
        Ok(Light {
            azimuth: read("AZIMUTH", d.azimuth, &|n| (0.0..=360.0).contains(&n), "from 0 to 360")?,
            altitude: read("ALTITUDE", d.altitude, &|n| (0.0..=90.0).contains(&n), "from 0 to 90")?,
            z: read("ZFACTOR", d.z, &|n| n > 0.0 && n <= 1000.0, "above 0, at most 1000")?,
        })
    }
}

/// The parts of a GetMap that an exception image needs, read leniently.
#[derive(Clone, Copy, Debug)]
pub struct ImageSpec {
    /// pixels across
    pub width: u32,
    /// pixels down
    pub height: u32,
    /// the format
    pub format: ImageFormat,
    /// the background colour (transparent when asked for)
    pub background: Option<Color>,
    /// how refusals are delivered
    pub exceptions: ExceptionStyle,
}

/// The most layers one GetMap may name.
pub const MAX_LAYERS: usize = 100;

const WHITE: Color = Color { r: 255, g: 255, b: 255, a: 255 };

fn list(v: Option<&str>) -> Vec<String> {
    v.map(|v| v.split(',').map(|s| s.trim().to_string()).collect()).unwrap_or_default()
}

fn dimension(kvp: &Kvp, key: &str, max: u32) -> Result<u32, WmsError> {
    let v = kvp.get(key).ok_or_else(|| WmsError::missing(key))?;
    let n: u32 = v.trim().parse().map_err(|_| WmsError::invalid(key, format!("'{v}' is not a positive integer")))?;
    if n == 0 || n > max {
        return Err(WmsError::invalid(key, format!("{n} is outside 1–{max}")));
    }
    Ok(n)
}

/// The EXCEPTIONS parameter (both versions' spellings).
fn exception_style(kvp: &Kvp) -> ExceptionStyle {
    match kvp.get("EXCEPTIONS").map(str::to_ascii_lowercase).as_deref() {
        Some(e) if e.contains("inimage") => ExceptionStyle::InImage,
        Some(e) if e.contains("blank") => ExceptionStyle::Blank,
        _ => ExceptionStyle::Xml,
    }
}

fn format(kvp: &Kvp) -> Result<ImageFormat, WmsError> {
    let f = kvp.get("FORMAT").ok_or_else(|| WmsError::missing("FORMAT"))?;
    ImageFormat::from_mime(f).ok_or_else(|| WmsError {
        code: "InvalidFormat",
        ..WmsError::invalid("FORMAT", format!("'{f}' is not offered"))
    })
}

fn transparent(kvp: &Kvp) -> bool {
    kvp.get("TRANSPARENT").is_some_and(|t| t.eq_ignore_ascii_case("true"))
}

fn bgcolor(kvp: &Kvp) -> Result<Color, WmsError> {
    kvp.get("BGCOLOR").map_or(Ok(WHITE), |c| {
        Color::parse(c).ok_or_else(|| WmsError::invalid("BGCOLOR", format!("'{c}' is not 0xRRGGBB")))
    })
}

impl ImageSpec {
    /// What an exception image would be, when the request names a usable size and
    /// format and asks for images; `None` means answer with XML.
    pub fn of(kvp: &Kvp, max_size: u32) -> Option<ImageSpec> {
        let exceptions = exception_style(kvp);
        if exceptions == ExceptionStyle::Xml {
            return None;
        }
        let background = if transparent(kvp) { None } else { Some(bgcolor(kvp).unwrap_or(WHITE)) };
        Some(ImageSpec {
            width: dimension(kvp, "WIDTH", max_size).ok()?,
            height: dimension(kvp, "HEIGHT", max_size).ok()?,
            format: format(kvp).ok()?,
            background,
            exceptions,
        })
    }
}

/// The map CRS and box of a GetMap or GetFeatureInfo: the version's CRS parameter, and
/// BBOX in that CRS's axis order for 1.3.0 (lat/lon for EPSG:4326), x = east for 1.1.1.
pub fn crs_and_bbox(kvp: &Kvp, version: WmsVersion, offered: &[Crs]) -> Result<(Crs, BBox), WmsError> {
    let key = version.crs_param();
    let name = kvp.get(key).ok_or_else(|| WmsError::missing(key))?;
    let invalid_crs = |text: String| WmsError {
        code: if version == WmsVersion::V1_3_0 { "InvalidCRS" } else { "InvalidSRS" },
        ..WmsError::invalid(key, text)
    };
    let crs = Crs::parse(name).map_err(|e| invalid_crs(e.to_string()))?;
    if !offered.contains(&crs) {
        return Err(invalid_crs(format!("{name} is not offered; see the capabilities")));
    }
    let b = kvp.get("BBOX").ok_or_else(|| WmsError::missing("BBOX"))?;
    let parts: Vec<f64> = b
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| WmsError::invalid("BBOX", format!("'{b}' is not four numbers")))?;
    let [a, b2, c, d] = parts[..] else { return Err(WmsError::invalid("BBOX", "expected minx,miny,maxx,maxy")) };
    let north_first = version == WmsVersion::V1_3_0
        && crs.axis_order().map_err(|e| invalid_crs(e.to_string()))? == AxisOrder::NorthEast;
    let (minx, miny, maxx, maxy) = if north_first { (b2, a, d, c) } else { (a, b2, c, d) };
    if !(minx < maxx && miny < maxy && [minx, miny, maxx, maxy].iter().all(|v| v.is_finite())) {
        return Err(WmsError::invalid("BBOX", "the box must have min < max on both axes"));
    }
    Ok((crs, BBox { minx, miny, maxx, maxy }))
}

impl GetMap {
    /// Check a GetMap; `max_size` bounds WIDTH and HEIGHT.
    pub fn parse(kvp: &Kvp, offered: &[Crs], max_size: u32) -> Result<GetMap, WmsError> {
        let version = WmsVersion::of(kvp);
        let layers = list(kvp.get("LAYERS"));
        if layers.is_empty() || layers.iter().any(String::is_empty) {
            return Err(WmsError::missing("LAYERS"));
        }
        if layers.len() > MAX_LAYERS {
            return Err(WmsError::invalid("LAYERS", format!("{} layers; at most {MAX_LAYERS}", layers.len())));
        }
        let mut styles = list(kvp.get("STYLES"));
        if styles.is_empty() {
            styles = vec![String::new(); layers.len()];
        }
        if styles.len() != layers.len() {
            return Err(WmsError {
                code: "StyleNotDefined",
                ..WmsError::invalid("STYLES", format!("{} styles for {} layers", styles.len(), layers.len()))
            });
        }
        let (crs, bbox) = crs_and_bbox(kvp, version, offered)?;
        Ok(GetMap {
            version,
            layers,
            styles,
            crs,
            bbox,
            width: dimension(kvp, "WIDTH", max_size)?,
            height: dimension(kvp, "HEIGHT", max_size)?,
            format: format(kvp)?,
            transparent: transparent(kvp),
            bgcolor: bgcolor(kvp)?,
            sld_body: kvp.get("SLD_BODY").map(str::to_string),
            light: Light::parse(kvp)?,
        })
    }
}

/// Map units to metres: degrees for the geographic CRSs offered (EPSG 4000–4999 and
/// CRS84), metres for the projected ones. Enough for scale denominators.
pub fn metres_per_unit(crs: Crs) -> f64 {
    match crs {
        Crs::Crs84 | Crs::Epsg(4000..=4999) => 111_319.490_793,
        Crs::Epsg(_) => 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kvp(pairs: &[(&str, &str)]) -> Kvp {
        Kvp::new(&pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>())
    }

    const CRS: [Crs; 3] = [Crs::Epsg(25833), Crs::Epsg(4326), Crs::Crs84];

    fn getmap(extra: &[(&str, &str)]) -> Result<GetMap, WmsError> {
        // the first of a key counts: the extras override the defaults after them
        let mut p = extra.to_vec();
        p.extend_from_slice(&[("LAYERS", "fylker"), ("WIDTH", "256"), ("HEIGHT", "128"), ("FORMAT", "image/png")]);
        GetMap::parse(&kvp(&p), &CRS, 4096)
    }

    #[test]
    fn axis_order_follows_the_version() {
        let m = getmap(&[("VERSION", "1.3.0"), ("CRS", "EPSG:4326"), ("BBOX", "59,10,60,11")]).unwrap();
        assert_eq!(m.bbox.to_array(), [10.0, 59.0, 11.0, 60.0], "1.3.0 EPSG:4326 is lat/lon");
        let m = getmap(&[("VERSION", "1.1.1"), ("SRS", "EPSG:4326"), ("BBOX", "10,59,11,60")]).unwrap();
        assert_eq!(m.bbox.to_array(), [10.0, 59.0, 11.0, 60.0], "1.1.1 is lon/lat");
        let m = getmap(&[("CRS", "EPSG:25833"), ("BBOX", "1,2,3,4"), ("TRANSPARENT", "TRUE")]).unwrap();
        assert_eq!((m.styles, m.transparent), (vec![String::new()], true));
    }

    #[test]
    fn refusals_carry_the_standard_codes() {
        let code = |extra: &[(&str, &str)]| getmap(extra).unwrap_err().code;
        assert_eq!(code(&[("CRS", "EPSG:3035"), ("BBOX", "1,2,3,4")]), "InvalidCRS");
        assert_eq!(code(&[("VERSION", "1.1.1"), ("SRS", "EPSG:9"), ("BBOX", "1,2,3,4")]), "InvalidSRS");
        assert_eq!(code(&[("CRS", "EPSG:25833"), ("BBOX", "3,2,1,4")]), "InvalidParameterValue");
        assert_eq!(code(&[("CRS", "EPSG:25833"), ("BBOX", "1,2,3,4"), ("FORMAT", "image/gif")]), "InvalidFormat");
        assert_eq!(code(&[("CRS", "EPSG:25833"), ("BBOX", "1,2,3,4"), ("STYLES", "a,b")]), "StyleNotDefined");
        let e = getmap(&[("CRS", "EPSG:25833"), ("BBOX", "1,2,3,4"), ("WIDTH", "100000")]).unwrap_err();
        assert_eq!(e.locator, "WIDTH");
        let many = vec!["x"; MAX_LAYERS + 1].join(",");
        let e = GetMap::parse(&kvp(&[("LAYERS", &many)]), &CRS, 4096).unwrap_err();
        assert_eq!(e.locator, "LAYERS");
    }

    #[test]
    fn exception_images_only_when_asked_and_possible() {
        let k = kvp(&[("EXCEPTIONS", "INIMAGE"), ("WIDTH", "10"), ("HEIGHT", "10"), ("FORMAT", "image/png")]);
        assert_eq!(ImageSpec::of(&k, 4096).map(|s| s.exceptions), Some(ExceptionStyle::InImage));
        let k = kvp(&[("EXCEPTIONS", "application/vnd.ogc.se_blank"), ("WIDTH", "0"), ("HEIGHT", "10")]);
        assert!(ImageSpec::of(&k, 4096).is_none(), "no usable size: XML");
        assert!(ImageSpec::of(&kvp(&[("WIDTH", "10")]), 4096).is_none());
    }
}
