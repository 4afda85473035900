//! WCS 2.0.1 KVP requests read into checked values; every refusal a [`WcsError`] with
//! the code of WCS Core or of the extension whose parameter it is.

use super::{WcsError, VERSION};
use crate::coverages::{grid_format, Area, Bounds, Scale};
use crate::wfs::Kvp;
use fjord_core::{Crs, STORAGE_CRS};
use fjord_ingest::export::GridFormat;
use fjord_store::raster::Interpolation;

/// The operations served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Operation {
    /// service metadata
    GetCapabilities,
    /// coverage metadata
    DescribeCoverage,
    /// a coverage's heights
    GetCoverage,
}

/// The interpolation methods offered, as the Interpolation extension names them.
pub(crate) const INTERPOLATIONS: [(&str, Interpolation); 2] = [
    ("http://www.opengis.net/def/interpolation/OGC/1/nearest-neighbor", Interpolation::Nearest),
    ("http://www.opengis.net/def/interpolation/OGC/1/linear", Interpolation::Bilinear),
];

/// The versions answered (2.0.0 clients get the 2.0.1 answers, which they read).
const VERSIONS: [&str; 2] = [VERSION, "2.0.0"];

/// The operation asked for; SERVICE must be WCS, and a version other than 2.0.x is
/// refused (GetCapabilities negotiates with ACCEPTVERSIONS instead).
pub(crate) fn operation(kvp: &Kvp) -> Result<Operation, WcsError> {
    match kvp.get("SERVICE") {
        Some(s) if s.eq_ignore_ascii_case("WCS") => {}
        Some(s) => return Err(WcsError::invalid("service", format!("service '{s}' is not offered here; use WCS"))),
        None => return Err(WcsError::missing("service")),
    }
    let op = match kvp.get("REQUEST").map(str::to_ascii_lowercase).as_deref() {
        Some("getcapabilities") => Operation::GetCapabilities,
        Some("describecoverage") => Operation::DescribeCoverage,
        Some("getcoverage") => Operation::GetCoverage,
        Some(_) => {
            let op = kvp.get("REQUEST").unwrap_or_default();
            return Err(WcsError::new(400, "OperationNotSupported", op, format!("{op} is not supported")));
        }
        None => return Err(WcsError::missing("request")),
    };
    if op == Operation::GetCapabilities {
        if let Some(list) = kvp.get("ACCEPTVERSIONS") {
            if !list.split(',').any(|v| VERSIONS.contains(&v.trim())) {
                let text = format!("none of '{list}' is served; ask for {VERSION}");
                return Err(WcsError::new(400, "VersionNegotiationFailed", "acceptVersions", text));
            }
        }
    } else if let Some(v) = kvp.get("VERSION").filter(|v| !VERSIONS.contains(&v.trim())) {
        return Err(WcsError::invalid("version", format!("version {v} is not served; use {VERSION}")));
    }
    Ok(op)
}

/// The coverage ids of a DescribeCoverage (COVERAGEID, comma-separated).
pub(crate) fn coverage_ids(kvp: &Kvp) -> Result<Vec<String>, WcsError> {
    let ids: Vec<String> = kvp.get("COVERAGEID").unwrap_or_default().split(',').map(|s| s.trim().to_string()).collect();
    if ids.iter().any(String::is_empty) {
        return Err(WcsError::missing("coverageId"));
    }
    Ok(ids)
}

/// One of the two axes of a coverage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Axis {
    /// east (or longitude)
    X,
    /// north (or latitude)
    Y,
}

/// An axis by its label: the coverage's own (E, N), the grid's (i, j, also as OGC axis
/// URIs), the generic x and y, and Long and Lat, which also say the bounds are
/// geographic (the second of the pair).
fn axis(label: &str) -> Option<(Axis, bool)> {
    let name = label.trim().rsplit('/').next().unwrap_or("").to_ascii_lowercase();
    match name.as_str() {
        "e" | "x" | "i" | "easting" => Some((Axis::X, false)),
        "n" | "y" | "j" | "northing" => Some((Axis::Y, false)),
        "long" | "lon" | "longitude" => Some((Axis::X, true)),
        "lat" | "latitude" => Some((Axis::Y, true)),
        _ => None,
    }
}

fn unknown_axis(locator: &str, label: &str) -> WcsError {
    let text = format!("no axis '{label}': the axes are E and N (also x and y, or Long and Lat)");
    match locator {
        "subset" => WcsError::new(404, "InvalidAxisLabel", locator, text),
        _ => WcsError::new(404, "ScaleAxisUndefined", locator, text),
    }
}

/// A CRS parameter; one PROJ does not know is refused with `code`.
fn crs(kvp: &Kvp, key: &str, locator: &str, code: &'static str) -> Result<Option<Crs>, WcsError> {
    let Some(v) = kvp.get(key) else { return Ok(None) };
    let crs = Crs::parse(v).map_err(|e| WcsError::new(400, code, locator, e.to_string()))?;
    crs.check().map_err(|e| WcsError::new(400, code, locator, e.to_string()))?;
    Ok(Some(crs))
}

/// `label(low,high)` or `label,crs(low,high)` of a SUBSET: the axis, whether it is
/// geographic, the CRS named in it and the bounds (`*` leaves one open).
fn subset(v: &str) -> Result<(Axis, bool, Option<Crs>, Bounds), WcsError> {
    let malformed = || WcsError::invalid("subset", format!("subset={v} is not axis(low,high)"));
    let (head, rest) = v.split_once('(').ok_or_else(malformed)?;
    let inner = rest.trim_end().strip_suffix(')').ok_or_else(malformed)?;
    let (label, named) = match head.split_once(',') {
        Some((label, c)) => {
            let c =
                Crs::parse(c).map_err(|e| WcsError::new(400, "SubsettingCrs-NotSupported", "subset", e.to_string()))?;
            (label, Some(c))
        }
        None => (head, None),
    };
    let (axis, geographic) = axis(label).ok_or_else(|| unknown_axis("subset", label.trim()))?;
    let bound = |b: &str| -> Result<Option<f64>, WcsError> {
        match b.trim().trim_matches('"') {
            "*" => Ok(None),
            n => n.parse::<f64>().ok().filter(|n| n.is_finite()).map(Some).ok_or_else(malformed),
        }
    };
    match inner.split(',').collect::<Vec<_>>()[..] {
        [low, high] => Ok((axis, geographic, named, (bound(low)?, bound(high)?))),
        [_] => Err(WcsError::new(
            404,
            "InvalidSubsetting",
            "subset",
            format!("subset={v} slices; a 2-D coverage is only trimmed: give axis(low,high)"),
        )),
        _ => Err(malformed()),
    }
}

/// `label(value),label(value)` of SCALESIZE and SCALEAXES.
fn per_axis<T: std::str::FromStr>(key: &str, v: &str) -> Result<Vec<(Axis, T)>, WcsError> {
    v.split(',')
        .map(|part| {
            let malformed = || WcsError::invalid(key, format!("{key}={v} is not axis(value),axis(value)"));
            let (label, rest) = part.split_once('(').ok_or_else(malformed)?;
            let value = rest.trim().strip_suffix(')').ok_or_else(malformed)?.trim().parse().map_err(|_| malformed())?;
            let (axis, _) = axis(label).ok_or_else(|| unknown_axis(key, label.trim()))?;
            Ok((axis, value))
        })
        .collect()
}

/// The value given for each axis; an axis named twice is refused.
fn by_axis<T: Copy>(key: &str, values: &[(Axis, T)]) -> Result<(Option<T>, Option<T>), WcsError> {
    let pick = |a: Axis| {
        let mut it = values.iter().filter(|(x, _)| *x == a).map(|(_, v)| *v);
        let first = it.next();
        match it.next() {
            Some(_) => Err(WcsError::invalid(key, format!("{key} names an axis twice"))),
            None => Ok(first),
        }
    };
    Ok((pick(Axis::X)?, pick(Axis::Y)?))
}

fn scale(kvp: &Kvp) -> Result<Scale, WcsError> {
    let given: Vec<&str> =
        ["SCALEFACTOR", "SCALEAXES", "SCALESIZE", "SCALEEXTENT"].into_iter().filter(|k| kvp.get(k).is_some()).collect();
    let factor = |f: f64, key: &str| {
        (f.is_finite() && f > 0.0).then_some(f).ok_or_else(|| {
            WcsError::new(400, "InvalidScaleFactor", key, format!("{key}: a scale factor is a number above 0, not {f}"))
        })
    };
    match given[..] {
        [] => Ok(Scale::Native),
        ["SCALEFACTOR"] => {
            let v = kvp.get("SCALEFACTOR").unwrap_or_default();
            let f = v.trim().parse().map_err(|_| WcsError::invalid("scaleFactor", format!("'{v}' is not a number")))?;
            let f = factor(f, "scaleFactor")?;
            Ok(Scale::Factors(f, f))
        }
        ["SCALEAXES"] => {
            let (fx, fy) =
                by_axis("scaleAxes", &per_axis::<f64>("scaleAxes", kvp.get("SCALEAXES").unwrap_or_default())?)?;
            Ok(Scale::Factors(factor(fx.unwrap_or(1.0), "scaleAxes")?, factor(fy.unwrap_or(1.0), "scaleAxes")?))
        }
        ["SCALESIZE"] => {
            let (width, height) =
                by_axis("scaleSize", &per_axis::<usize>("scaleSize", kvp.get("SCALESIZE").unwrap_or_default())?)?;
            Ok(Scale::Size { width, height, keep_aspect: false })
        }
        ["SCALEEXTENT"] => Err(WcsError::invalid("scaleExtent", "scaleExtent is not offered; use scaleSize")),
        _ => Err(WcsError::invalid("scaleSize", format!("give one of {} at most", given.join(", ")))),
    }
}

/// A checked GetCoverage.
pub(crate) struct GetCoverage {
    /// the coverage (dataset id)
    pub coverage: String,
    /// the trims, in the subsetting CRS
    pub area: Area,
    /// the CRS of the answer
    pub output: Crs,
    /// its cells
    pub scale: Scale,
    /// how heights between cell centres are read
    pub how: Interpolation,
    /// the file format
    pub format: GridFormat,
}

impl GetCoverage {
    /// Check a GetCoverage.
    pub fn parse(kvp: &Kvp) -> Result<GetCoverage, WcsError> {
        let coverage = kvp.get("COVERAGEID").ok_or_else(|| WcsError::missing("coverageId"))?.trim().to_string();
        let mut area = Area::whole();
        let (mut geographic, mut named) = (false, None);
        let mut seen = Vec::new();
        for v in kvp.all("SUBSET") {
            let (axis, geo, crs, bounds) = subset(v)?;
            if seen.contains(&axis) {
                return Err(WcsError::new(
                    404,
                    "InvalidSubsetting",
                    "subset",
                    format!("subset={v}: that axis is trimmed twice"),
                ));
            }
            seen.push(axis);
            geographic |= geo;
            named = named.or(crs);
            match axis {
                Axis::X => area.x = bounds,
                Axis::Y => area.y = bounds,
            }
        }
        // Lat and Long without a subsetting CRS are WGS 84 degrees
        let geographic = geographic.then_some(Crs::Epsg(4326));
        area.crs = crs(kvp, "SUBSETTINGCRS", "subsettingCrs", "SubsettingCrs-NotSupported")?
            .or(named)
            .or(geographic)
            .unwrap_or(STORAGE_CRS);
        area.crs.check().map_err(|e| WcsError::new(400, "SubsettingCrs-NotSupported", "subset", e.to_string()))?;
        let output = crs(kvp, "OUTPUTCRS", "outputCrs", "OutputCrs-NotSupported")?.unwrap_or(STORAGE_CRS);
        let how = match kvp.get("INTERPOLATION") {
            None => Interpolation::Nearest,
            Some(v) => INTERPOLATIONS
                .iter()
                .find(|(uri, _)| {
                    let short = uri.rsplit('/').next().unwrap_or_default();
                    v.eq_ignore_ascii_case(uri)
                        || v.eq_ignore_ascii_case(short)
                        || (short == "linear" && v == "bilinear")
                })
                .map(|(_, how)| *how)
                .ok_or_else(|| {
                    let offered = INTERPOLATIONS.map(|(uri, _)| uri).join(", ");
                    let text = format!("interpolation {v} is not offered; use {offered}");
                    WcsError::new(400, "InterpolationMethodNotSupported", "interpolation", text)
                })?,
        };
        let format = match kvp.get("FORMAT") {
            None => GridFormat::GeoTiff,
            Some(f) => grid_format(f).ok_or_else(|| {
                WcsError::invalid("format", format!("format {f} is not offered; use image/tiff or text/plain"))
            })?,
        };
        if let Some(r) = kvp.get("RANGESUBSET").filter(|r| !["height", "1", "*"].contains(&r.trim())) {
            return Err(WcsError::new(
                404,
                "NoSuchField",
                "rangeSubset",
                format!("no field '{r}'; the one field is height"),
            ));
        }
        Ok(GetCoverage { coverage, area, output, scale: scale(kvp)?, how, format })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kvp(pairs: &[(&str, &str)]) -> Kvp {
        let mut p: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        p.push(("coverageId".into(), "hoyde".into()));
        Kvp::new(&p)
    }

    fn parse(pairs: &[(&str, &str)]) -> Result<GetCoverage, WcsError> {
        GetCoverage::parse(&kvp(pairs))
    }

    #[test]
    fn subsets_axes_and_crs() {
        let g = parse(&[("subset", "E(250000,260000)"), ("SUBSET", "y(6650000,*)")]).unwrap();
        assert_eq!(
            (g.area.crs, g.area.x, g.area.y),
            (STORAGE_CRS, (Some(250_000.0), Some(260_000.0)), (Some(6_650_000.0), None))
        );
        assert_eq!((g.output, g.how, g.format), (STORAGE_CRS, Interpolation::Nearest, GridFormat::GeoTiff));
        let g = parse(&[("subset", "Lat(59.9,60)"), ("subset", "Long(10.5,10.8)")]).unwrap();
        assert_eq!((g.area.crs, g.area.x.0, g.area.y.1), (Crs::Epsg(4326), Some(10.5), Some(60.0)));
        let g = parse(&[
            ("subset", "N(6650000,6660000)"),
            ("subsettingCrs", "http://www.opengis.net/def/crs/EPSG/0/25832"),
            ("outputCrs", "http://www.opengis.net/def/crs/EPSG/0/4326"),
            ("interpolation", "http://www.opengis.net/def/interpolation/OGC/1/linear"),
            ("format", "text/plain"),
        ])
        .unwrap();
        assert_eq!((g.area.crs, g.output), (Crs::Epsg(25832), Crs::Epsg(4326)));
        assert_eq!((g.how, g.format), (Interpolation::Bilinear, GridFormat::AsciiGrid));
    }

    #[test]
    fn scaling() {
        let size = parse(&[("scaleSize", "E(100),N(50)")]).unwrap().scale;
        assert!(matches!(size, Scale::Size { width: Some(100), height: Some(50), keep_aspect: false }));
        let grid = parse(&[("scalesize", "http://www.opengis.net/def/axis/OGC/1/i(10)")]).unwrap().scale;
        assert!(matches!(grid, Scale::Size { width: Some(10), height: None, .. }));
        assert!(
            matches!(parse(&[("scaleFactor", "0.5")]).unwrap().scale, Scale::Factors(f, g) if f == 0.5 && g == 0.5)
        );
        assert!(matches!(parse(&[("scaleAxes", "N(2)")]).unwrap().scale, Scale::Factors(f, g) if f == 1.0 && g == 2.0));
    }

    #[test]
    fn refusals_carry_the_wcs_codes() {
        let code = |pairs: &[(&str, &str)]| parse(pairs).err().map(|e| (e.status, e.code));
        assert_eq!(code(&[("subset", "Z(1,2)")]), Some((404, "InvalidAxisLabel")));
        assert_eq!(code(&[("subset", "E(1)")]), Some((404, "InvalidSubsetting")));
        assert_eq!(code(&[("subset", "E(1,2)"), ("subset", "x(1,2)")]), Some((404, "InvalidSubsetting")));
        assert_eq!(code(&[("subset", "E(a,2)")]), Some((400, "InvalidParameterValue")));
        assert_eq!(code(&[("subset", "E[1,2]")]), Some((400, "InvalidParameterValue")));
        assert_eq!(code(&[("subsettingCrs", "EPSG:999999")]), Some((400, "SubsettingCrs-NotSupported")));
        assert_eq!(code(&[("outputCrs", "nonsense")]), Some((400, "OutputCrs-NotSupported")));
        assert_eq!(code(&[("scaleFactor", "0")]), Some((400, "InvalidScaleFactor")));
        assert_eq!(code(&[("scaleSize", "Z(10)")]), Some((404, "ScaleAxisUndefined")));
        assert_eq!(code(&[("scaleSize", "E(10)"), ("scaleFactor", "2")]), Some((400, "InvalidParameterValue")));
        assert_eq!(code(&[("interpolation", "cubic")]), Some((400, "InterpolationMethodNotSupported")));
        assert_eq!(code(&[("format", "image/png")]), Some((400, "InvalidParameterValue")));
        assert_eq!(code(&[("rangeSubset", "colour")]), Some((404, "NoSuchField")));
        let op = |pairs: &[(&str, &str)]| {
            let p: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            operation(&Kvp::new(&p)).map_err(|e| e.code)
        };
        assert_eq!(op(&[("service", "WCS"), ("request", "GetCapabilities")]), Ok(Operation::GetCapabilities));
        assert_eq!(op(&[("request", "GetCoverage")]), Err("MissingParameterValue"));
        assert_eq!(op(&[("service", "WCS"), ("request", "Transaction")]), Err("OperationNotSupported"));
        assert_eq!(
            op(&[("service", "WCS"), ("request", "GetCoverage"), ("version", "1.0.0")]),
            Err("InvalidParameterValue")
        );
        let negotiate = [("service", "WCS"), ("request", "GetCapabilities"), ("acceptVersions", "1.1.0")];
        assert_eq!(op(&negotiate), Err("VersionNegotiationFailed"));
    }
}
