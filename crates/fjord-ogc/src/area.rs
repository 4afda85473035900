//! The areas a role may be limited to (GeoNorge scopes some partners to their own
//! municipality): the municipalities' polygons from the boundary dataset the server is
//! configured with (`auth.areas = "dataset.field"`), kept per version of that dataset,
//! and a quick test of whether a point lies in them, for masking heights.

use crate::OgcError;
use fjord_core::{BBox, Slug};
use fjord_store::{FeatureSource, Store};
use geo_types::{Geometry, LineString, Polygon};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Distinct municipality sets kept; a server has few area-limited roles, so this bounds
/// only a flood of odd ones.
const KEPT: usize = 64;

/// Municipality polygons by the numbers asked for, kept per version of the boundary
/// dataset (a new boundary version is read afresh).
pub struct Areas {
    /// the boundary dataset and the field holding the municipality number
    source: String,
    kept: Mutex<HashMap<Vec<String>, Kept>>,
}

/// A kept area: the boundary dataset version it was read from, and the area.
type Kept = (u32, Arc<Area>);

impl Areas {
    /// Areas read from `source`, `dataset.field` (empty: none configured).
    pub fn new(source: &str) -> Self {
        Areas { source: source.to_string(), kept: Mutex::new(HashMap::new()) }
    }

    /// The municipalities `numbers` as one area; 403 when they cannot be found (a role
    /// limited to an area it cannot be given sees nothing rather than everything).
    pub(crate) fn get(&self, store: &Store, numbers: &[String]) -> Result<Arc<Area>, OgcError> {
        let refuse =
            |why: String| OgcError::forbidden(format!("your access is limited to {}, but {why}", numbers.join(", ")));
        let (dataset, field) = self
            .source
            .split_once('.')
            .ok_or_else(|| refuse("no municipality dataset is configured (auth.areas)".into()))?;
        let slug = Slug::new(dataset).map_err(|_| refuse(format!("'{dataset}' is no dataset id")))?;
        let version =
            store.current_version(&slug)?.ok_or_else(|| refuse(format!("the dataset '{dataset}' is missing")))?;
        let mut key = numbers.to_vec();
        key.sort();
        if let Some((v, area)) = self.kept.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            if *v == version {
                return Ok(Arc::clone(area));
            }
        }
        let layer = store.layer_at(&slug, version)?;
        let k = layer.schema().index_of(field).ok_or_else(|| refuse(format!("'{dataset}' has no field '{field}'")))?;
        let polygons: Vec<Polygon<f64>> = layer.polygons_where(k, numbers)?.into_iter().map(|(_, p)| p).collect();
        if polygons.is_empty() {
            return Err(refuse(format!("'{dataset}' holds none of them")));
        }
        let area = Arc::new(Area::new(polygons));
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= KEPT {
            kept.clear();
        }
        kept.insert(key, (version, Arc::clone(&area)));
        Ok(area)
    }
}

/// An area a caller's access is limited to, in the storage CRS.
#[derive(Debug, PartialEq)]
pub struct Area {
    /// the polygons, as one geometry (features are kept when they intersect it)
    pub geometry: Geometry<f64>,
    mask: Mask,
}

impl Area {
    /// The area of `polygons`.
    pub fn new(polygons: Vec<Polygon<f64>>) -> Self {
        let mask = Mask::new(&polygons);
        Area { geometry: Geometry::MultiPolygon(geo_types::MultiPolygon(polygons)), mask }
    }

    /// Whether point (`x`, `y`) of the storage CRS lies in the area.
    pub fn contains(&self, x: f64, y: f64) -> bool {
        self.mask.contains(x, y)
    }
}

/// Bands the edges are sorted into, at most.
const BANDS: usize = 4096;

/// Point-in-polygon for many points: the even–odd rule over the rings' edges, the edges
/// sorted into horizontal bands so a point meets only those of its band. Written here
/// because geo's `Contains` walks every edge for every point, and a masked map or
/// coverage asks about a million points of a municipality with thousands of vertices.
#[derive(Debug, PartialEq)]
struct Mask {
    bbox: BBox,
    /// height of a band
    band: f64,
    /// per band, the edges (x0, y0, x1, y1) whose span of y meets it
    bands: Vec<Vec<[f64; 4]>>,
}

impl Mask {
    fn new(polygons: &[Polygon<f64>]) -> Self {
        let rings = polygons.iter().flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
        let edges: Vec<[f64; 4]> = rings
            .flat_map(LineString::lines)
            .map(|l| [l.start.x, l.start.y, l.end.x, l.end.y])
            .filter(|e| e.iter().all(|v| v.is_finite()) && e[1] != e[3])
            .collect();
        let mut bbox =
            BBox { minx: f64::INFINITY, miny: f64::INFINITY, maxx: f64::NEG_INFINITY, maxy: f64::NEG_INFINITY };
        for e in &edges {
            bbox.minx = bbox.minx.min(e[0].min(e[2]));
            bbox.maxx = bbox.maxx.max(e[0].max(e[2]));
            bbox.miny = bbox.miny.min(e[1].min(e[3]));
            bbox.maxy = bbox.maxy.max(e[1].max(e[3]));
        }
        let count = (edges.len() / 4).clamp(1, BANDS);
        let band = ((bbox.maxy - bbox.miny) / count as f64).max(f64::MIN_POSITIVE);
        let mut mask = Mask { bbox, band, bands: vec![Vec::new(); count] };
        for e in edges {
            let (low, high) = (mask.band_of(e[1].min(e[3])), mask.band_of(e[1].max(e[3])));
            for b in &mut mask.bands[low..=high] {
                b.push(e);
            }
        }
        mask
    }

    /// The band holding height `y` (clamped to the bands).
    fn band_of(&self, y: f64) -> usize {
        // y - miny >= 0 inside the box: truncation is the floor
        (((y - self.bbox.miny) / self.band).max(0.0) as usize).min(self.bands.len() - 1)
    }

    fn contains(&self, x: f64, y: f64) -> bool {
        let b = &self.bbox;
        if !(x >= b.minx && x <= b.maxx && y >= b.miny && y <= b.maxy) {
            return false;
        }
        let mut inside = false;
        for &[x0, y0, x1, y1] in &self.bands[self.band_of(y)] {
            if (y0 > y) != (y1 > y) && x < x0 + (y - y0) * (x1 - x0) / (y1 - y0) {
                inside = !inside;
            }
        }
        inside
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Contains;
    use geo_types::{coord, Point};

    /// A ragged ring of `n` vertices around (`cx`, `cy`).
    fn ring(cx: f64, cy: f64, r: f64, n: usize) -> LineString<f64> {
        let mut c: Vec<_> = (0..n)
            .map(|k| {
                let a = k as f64 / n as f64 * std::f64::consts::TAU;
                let rr = r * (1.0 + 0.3 * (7.0 * a).sin());
                coord! { x: cx + rr * a.cos(), y: cy + rr * a.sin() }
            })
            .collect();
        c.push(c[0]);
        LineString(c)
    }

    #[test]
    fn the_mask_agrees_with_geo_on_islands_and_holes() {
        let polygons = vec![
            Polygon::new(ring(0.0, 0.0, 100.0, 500), vec![ring(10.0, 5.0, 30.0, 60)]),
            Polygon::new(ring(300.0, 40.0, 50.0, 40), vec![]),
        ];
        let area = Area::new(polygons);
        let mut inside = 0;
        for j in 0..120 {
            for i in 0..200 {
                let (x, y) = (-150.0 + i as f64 * 2.37, -150.0 + j as f64 * 2.51);
                let want = area.geometry.contains(&Point::new(x, y));
                assert_eq!(area.contains(x, y), want, "({x}, {y})");
                inside += usize::from(want);
            }
        }
        assert!(inside > 1000, "the test reaches inside: {inside}");
        assert!(!area.contains(f64::NAN, 0.0));
    }
}
