//! Features generalised for a map scale, kept in memory between maps.
//!
//! A national map of a dense layer would otherwise decode, reproject and walk every
//! vertex of every feature on every request, though nobody sees 20,000 full polygons in
//! 256 pixels. Here a feature is read once per layer version, map CRS and level, where
//! level `k` serves pixel sizes from 2^k to 2^(k+1) map units: reprojected, then
//! simplified (Ramer–Douglas–Peucker) with a tolerance of 2^(k-1), between a quarter and
//! half a pixel (QGIS simplifies to a whole pixel by default). Features are filled in as maps
//! ask for them, so a level of a large layer holds only the parts that were looked at.
//!
//! Levels are dropped least recently used first once their memory passes the budget.
//! A level is keyed by the version's file, so a publish makes the old levels unreachable
//! and the budget retires them.

use fjord_core::{transform, Crs, STORAGE_CRS};
use fjord_store::FgbLayer;
use geo::{CoordsIter, Simplify};
use geo_types::Geometry;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Bytes counted per feature slot and per kept coordinate.
const SLOT_BYTES: usize = std::mem::size_of::<OnceLock<Option<Box<Geometry<f64>>>>>();
const COORD_BYTES: usize = 16;
const GEOMETRY_BYTES: usize = 96;

/// The levels kept, within a memory budget.
pub struct MapCache {
    budget: usize,
    levels: Mutex<Vec<Kept>>,
    clock: AtomicU64,
}

struct Kept {
    key: Key,
    level: Arc<Level>,
    used: u64,
}

#[derive(Clone, PartialEq)]
struct Key {
    layer: PathBuf,
    crs: Crs,
    level: i32,
}

/// One layer version in one CRS at one level: each feature's generalised geometry,
/// made on first use.
pub struct Level {
    crs: Crs,
    tolerance: f64,
    features: Vec<OnceLock<Option<Box<Geometry<f64>>>>>,
    bytes: AtomicUsize,
}

impl MapCache {
    /// A cache holding about `budget` bytes of generalised features; 0 keeps none (each
    /// map then generalises what it draws for itself).
    pub fn new(budget: u64) -> MapCache {
        MapCache { budget: usize::try_from(budget).unwrap_or(usize::MAX), levels: Mutex::default(), clock: 0.into() }
    }

    /// The level of `layer` in `crs` for maps of `pixel_size` map units a pixel.
    pub fn level(&self, layer: &FgbLayer, crs: Crs, pixel_size: f64) -> Arc<Level> {
        let k = level_of(pixel_size);
        let key = Key { layer: layer.path().to_path_buf(), crs, level: k };
        let now = self.clock.fetch_add(1, Ordering::Relaxed);
        let mut levels = self.levels.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(kept) = levels.iter_mut().find(|l| l.key == key) {
            kept.used = now;
            return Arc::clone(&kept.level);
        }
        let level = Arc::new(Level::new(layer.len(), crs, tolerance_of(k)));
        if self.budget == 0 {
            return level;
        }
        levels.push(Kept { key, level: Arc::clone(&level), used: now });
        // over budget: drop the least recently used levels, never the one just made
        let mut total: usize = levels.iter().map(|l| l.level.bytes()).sum();
        while total > self.budget && levels.len() > 1 {
            let Some(oldest) = levels.iter().enumerate().min_by_key(|(_, l)| l.used).map(|(i, _)| i) else { break };
            total -= levels.swap_remove(oldest).level.bytes();
        }
        level
    }
}

/// The level whose pixel sizes include `pixel_size`.
fn level_of(pixel_size: f64) -> i32 {
    if pixel_size.is_finite() && pixel_size > 0.0 {
        pixel_size.log2().floor().clamp(-40.0, 60.0) as i32
    } else {
        0
    }
}

/// The simplification tolerance of level `k`: half its smallest pixel.
fn tolerance_of(k: i32) -> f64 {
    2f64.powi(k - 1)
}

impl Level {
    fn new(features: usize, crs: Crs, tolerance: f64) -> Level {
        Level {
            crs,
            tolerance,
            features: (0..features).map(|_| OnceLock::new()).collect(),
            bytes: AtomicUsize::new(features * SLOT_BYTES),
        }
    }

    /// Memory held, roughly.
    fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Relaxed)
    }

    /// The generalised geometry of the feature at `position` of `layer` (the layer this
    /// level was made for); `None` when it cannot be shown in the level's CRS (PROJ
    /// cannot take it there), which leaves it out of the map.
    pub fn geometry(&self, layer: &FgbLayer, position: u32) -> fjord_store::Result<Option<&Geometry<f64>>> {
        let Some(slot) = self.features.get(position as usize) else {
            return Ok(None);
        };
        if let Some(g) = slot.get() {
            return Ok(g.as_deref());
        }
        let made = self.generalise(layer.geometry_at(position)?);
        let size = made.as_ref().map_or(0, |g| GEOMETRY_BYTES + g.coords_count() * COORD_BYTES);
        // two maps may make the same feature at once; the first one kept counts
        if slot.set(made.map(Box::new)).is_ok() {
            self.bytes.fetch_add(size, Ordering::Relaxed);
        }
        Ok(slot.get().and_then(|g| g.as_deref()))
    }

    fn generalise(&self, mut g: Geometry<f64>) -> Option<Geometry<f64>> {
        if self.crs != STORAGE_CRS {
            // as MapServer does, a feature outside the CRS's domain is left out, not the map
            transform::transform_geometry(STORAGE_CRS, self.crs, &mut g).ok()?;
        }
        Some(simplify(g, self.tolerance))
    }
}

/// `g` with its lines and rings simplified to `tolerance`; points as they are.
fn simplify(g: Geometry<f64>, tolerance: f64) -> Geometry<f64> {
    match g {
        Geometry::Polygon(p) => Geometry::Polygon(p.simplify(tolerance)),
        Geometry::MultiPolygon(m) => Geometry::MultiPolygon(m.simplify(tolerance)),
        Geometry::LineString(l) => Geometry::LineString(l.simplify(tolerance)),
        Geometry::MultiLineString(m) => Geometry::MultiLineString(m.simplify(tolerance)),
        Geometry::GeometryCollection(c) => {
            Geometry::GeometryCollection(c.into_iter().map(|part| simplify(part, tolerance)).collect())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_double_and_tolerances_stay_under_half_a_pixel() {
        assert_eq!(level_of(1.0), 0);
        assert_eq!(level_of(1.99), 0);
        assert_eq!(level_of(2.0), 1);
        assert_eq!(level_of(6250.0), 12);
        assert_eq!(level_of(0.3), -2);
        assert_eq!((level_of(0.0), level_of(f64::NAN), level_of(-1.0)), (0, 0, 0));
        for px in [0.3, 1.0, 7.0, 6250.0, 1e6] {
            let t = tolerance_of(level_of(px));
            assert!(t <= px / 2.0 && t > px / 4.0, "{px}: {t}");
        }
    }
}
