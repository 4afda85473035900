//! Coordinate reference systems: parsing every spelling OGC clients send, and the axis
//! order each CRS has by its authority's definition.
//!
//! Inside fjord, coordinates are always x = east/longitude, y = north/latitude (PROJ's
//! "normalized for visualization" order). Protocol adapters ask [`Crs::axis_order`] to
//! decide whether to swap at the edge (WMS 1.3.0 and WFS 2.0 with EPSG:4326 are lat/lon).

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, OnceLock};

/// A CRS fjord can name: an EPSG code or OGC's CRS84 (WGS 84, lon/lat).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Crs {
    /// `EPSG:n`
    Epsg(u32),
    /// `OGC:CRS84`: WGS 84 with longitude first, whatever the protocol.
    Crs84,
}

/// Which axis comes first in a CRS's authority definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AxisOrder {
    /// east (or longitude) first
    EastNorth,
    /// north (or latitude) first, as EPSG:4326 and EPSG:4258
    NorthEast,
}

impl Crs {
    /// Parse `EPSG:n`, `urn:ogc:def:crs:EPSG::n`, `urn:ogc:def:crs:EPSG:v:n`,
    /// `http(s)://www.opengis.net/def/crs/EPSG/0/n`, `CRS:84`, `OGC:CRS84` and the URN/URI
    /// forms of CRS84. Syntax only: [`Crs::check`] asks PROJ whether the code exists.
    pub fn parse(s: &str) -> Result<Crs> {
        let t = s.trim();
        let lower = t.to_ascii_lowercase();
        let crs84 = [
            "crs84",
            "crs:84",
            "ogc:crs84",
            "urn:ogc:def:crs:ogc:1.3:crs84",
            "urn:ogc:def:crs:ogc::crs84",
            "http://www.opengis.net/def/crs/ogc/1.3/crs84",
            "https://www.opengis.net/def/crs/ogc/1.3/crs84",
        ];
        if crs84.contains(&lower.as_str()) {
            return Ok(Crs::Crs84);
        }
        let code = if let Some(rest) = lower.strip_prefix("epsg:") {
            rest
        } else if let Some(rest) = lower.strip_prefix("urn:ogc:def:crs:epsg:") {
            // "urn:ogc:def:crs:EPSG::4326" or with a version "EPSG:6.6:4326"
            rest.rsplit(':').next().unwrap_or("")
        } else if let Some(rest) = lower
            .strip_prefix("http://www.opengis.net/def/crs/epsg/")
            .or_else(|| lower.strip_prefix("https://www.opengis.net/def/crs/epsg/"))
        {
            rest.rsplit('/').next().unwrap_or("")
        } else {
            return Err(Error::InvalidCrs(s.to_string()));
        };
        match code.parse::<u32>() {
            Ok(n) if n > 0 => Ok(Crs::Epsg(n)),
            _ => Err(Error::InvalidCrs(s.to_string())),
        }
    }

    /// The definition string PROJ understands.
    pub fn proj_def(&self) -> String {
        match self {
            Crs::Epsg(n) => format!("EPSG:{n}"),
            Crs::Crs84 => "OGC:CRS84".to_string(),
        }
    }

    /// The OGC URI, as OGC API and WFS 2.0 documents print it.
    pub fn uri(&self) -> String {
        match self {
            Crs::Epsg(n) => format!("http://www.opengis.net/def/crs/EPSG/0/{n}"),
            Crs::Crs84 => "http://www.opengis.net/def/crs/OGC/1.3/CRS84".to_string(),
        }
    }

    /// The EPSG code, if this is an EPSG CRS.
    pub fn epsg(&self) -> Option<u32> {
        match self {
            Crs::Epsg(n) => Some(*n),
            Crs::Crs84 => None,
        }
    }

    /// Fail with [`Error::UnknownCrs`] unless PROJ knows this CRS.
    pub fn check(&self) -> Result<()> {
        axis_order_of(*self).map(|_| ())
    }

    /// The axis order of the authority definition (asked of PROJ once, then cached).
    pub fn axis_order(&self) -> Result<AxisOrder> {
        axis_order_of(*self)
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Crs::Epsg(n) => write!(f, "EPSG:{n}"),
            Crs::Crs84 => f.write_str("OGC:CRS84"),
        }
    }
}

impl std::str::FromStr for Crs {
    type Err = Error;
    fn from_str(s: &str) -> Result<Crs> {
        Crs::parse(s)
    }
}

impl TryFrom<String> for Crs {
    type Error = Error;
    fn try_from(s: String) -> Result<Crs> {
        Crs::parse(&s)
    }
}

impl From<Crs> for String {
    fn from(c: Crs) -> String {
        c.to_string()
    }
}

fn axis_order_of(crs: Crs) -> Result<AxisOrder> {
    static CACHE: OnceLock<Mutex<HashMap<Crs, AxisOrder>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(order) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&crs) {
        return Ok(*order);
    }
    let order = query_axis_order(&crs.proj_def()).ok_or_else(|| Error::UnknownCrs(crs.to_string()))?;
    cache.lock().unwrap_or_else(|e| e.into_inner()).insert(crs, order);
    Ok(order)
}

/// Ask PROJ for the direction of the first axis of a CRS's coordinate system.
///
/// Written against proj-sys because the `proj` crate exposes transformations only, not
/// CRS introspection; every PROJ object made here is destroyed before returning.
fn query_axis_order(def: &str) -> Option<AxisOrder> {
    use proj_sys as p;
    use std::ffi::{CStr, CString};
    let cdef = CString::new(def).ok()?;
    // SAFETY: plain PROJ C API use on a private context; null checks before every use,
    // and every object is destroyed on all paths below.
    unsafe {
        let ctx = p::proj_context_create();
        if ctx.is_null() {
            return None;
        }
        p::proj_log_level(ctx, p::PJ_LOG_LEVEL_PJ_LOG_NONE);
        let crs = p::proj_create(ctx, cdef.as_ptr());
        let mut result = None;
        if !crs.is_null() {
            let cs = p::proj_crs_get_coordinate_system(ctx, crs);
            if !cs.is_null() {
                let mut direction: *const std::os::raw::c_char = std::ptr::null();
                let ok = p::proj_cs_get_axis_info(
                    ctx,
                    cs,
                    0,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    &mut direction,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                );
                if ok != 0 && !direction.is_null() {
                    let dir = CStr::from_ptr(direction).to_string_lossy().to_ascii_lowercase();
                    result = Some(if dir == "north" || dir == "south" {
                        AxisOrder::NorthEast
                    } else {
                        AxisOrder::EastNorth
                    });
                }
                p::proj_destroy(cs);
            }
            p::proj_destroy(crs);
        }
        p::proj_context_destroy(ctx);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_spelling() {
        for s in [
            "EPSG:4326",
            "epsg:4326",
            "urn:ogc:def:crs:EPSG::4326",
            "urn:ogc:def:crs:EPSG:6.6:4326",
            "http://www.opengis.net/def/crs/EPSG/0/4326",
        ] {
            assert_eq!(Crs::parse(s).unwrap(), Crs::Epsg(4326), "{s}");
        }
        for s in ["CRS84", "CRS:84", "OGC:CRS84", "http://www.opengis.net/def/crs/OGC/1.3/CRS84"] {
            assert_eq!(Crs::parse(s).unwrap(), Crs::Crs84, "{s}");
        }
        for s in ["", "EPSG:", "EPSG:abc", "EPSG:-1", "WGS84"] {
            assert!(Crs::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn axis_order_follows_the_authority() {
        assert_eq!(Crs::Epsg(4326).axis_order().unwrap(), AxisOrder::NorthEast);
        assert_eq!(Crs::Epsg(4258).axis_order().unwrap(), AxisOrder::NorthEast);
        assert_eq!(Crs::Crs84.axis_order().unwrap(), AxisOrder::EastNorth);
        assert_eq!(Crs::Epsg(25833).axis_order().unwrap(), AxisOrder::EastNorth);
        assert_eq!(Crs::Epsg(3857).axis_order().unwrap(), AxisOrder::EastNorth);
    }

    proptest::proptest! {
        #[test]
        fn parsing_any_text_never_panics(s in "\\PC{0,40}") {
            let _ = Crs::parse(&s);
            let _ = crate::BBox::parse(&s);
        }

        #[test]
        fn epsg_codes_round_trip(n in 1u32..1_000_000) {
            proptest::prop_assert_eq!(Crs::parse(&Crs::Epsg(n).uri()).unwrap(), Crs::Epsg(n));
            proptest::prop_assert_eq!(Crs::parse(&Crs::Epsg(n).to_string()).unwrap(), Crs::Epsg(n));
        }
    }

    #[test]
    fn unknown_codes_are_rejected() {
        assert!(matches!(Crs::Epsg(999_999).check(), Err(Error::UnknownCrs(_))));
    }
}
