//! Coordinate transformation through PROJ.
//!
//! One `proj::Proj` per (source, target) pair per thread, cached: `Proj` objects are not
//! `Sync`, and building one costs far more than transforming a buffer with it. Every
//! transformer is "normalized for visualization", so coordinates are x = east/longitude,
//! y = north/latitude on both sides, whatever the authority's axis order.

use crate::bbox::BBox;
use crate::crs::Crs;
use crate::error::{Error, Result};
use geo::{CoordsIter, MapCoordsInPlace};
use geo_types::{Coord, Geometry};
use proj::Proj;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

thread_local! {
    static TRANSFORMERS: RefCell<HashMap<(String, Crs), Rc<Proj>>> = RefCell::new(HashMap::new());
}

/// Destroy this thread's cached transformers now.
///
/// A thread that ends without this destroys them in its thread-local destructors, which run
/// after `std::thread::scope` and tokio's shutdown stop waiting for it; racing the process's
/// exit there corrupted the heap. Pool threads call this as their last act.
pub fn release_thread_transformers() {
    // try_with: during thread teardown the cache may already be gone, which is fine
    let _ = TRANSFORMERS.try_with(|cache| cache.borrow_mut().clear());
}

/// The cached transformer from a PROJ definition (EPSG code, WKT or PROJJSON) to `to`.
fn transformer(from_def: &str, to: Crs) -> Result<Rc<Proj>> {
    TRANSFORMERS.with(|cache| {
        if let Some(p) = cache.borrow().get(&(from_def.to_string(), to)) {
            return Ok(Rc::clone(p));
        }
        to.check()?;
        let p = Proj::new_known_crs(from_def, &to.proj_def(), None).map_err(|e| Error::Transform {
            from: short(from_def),
            to: to.to_string(),
            reason: e.to_string(),
        })?;
        let p = Rc::new(p);
        cache.borrow_mut().insert((from_def.to_string(), to), Rc::clone(&p));
        Ok(p)
    })
}

/// A definition cut to a length that fits in an error message.
fn short(def: &str) -> String {
    def.chars().take(60).collect()
}

/// Transform a buffer of (x, y) pairs in place from `from` to `to`.
///
/// Fails if PROJ cannot transform every point (for example a point outside the
/// projection's domain); non-finite output counts as a failure.
pub fn transform_in_place(from: Crs, to: Crs, coords: &mut [(f64, f64)]) -> Result<()> {
    if from == to || coords.is_empty() || same_axes(from, to) {
        return Ok(());
    }
    from.check()?;
    transform_from_definition(&from.proj_def(), to, coords)
}

/// Like [`transform_in_place`], from a CRS given as any definition PROJ reads (WKT from
/// a shapefile's .prj, PROJJSON, `EPSG:n`), for sources whose CRS has no EPSG code.
pub fn transform_from_definition(from_def: &str, to: Crs, coords: &mut [(f64, f64)]) -> Result<()> {
    if coords.is_empty() {
        return Ok(());
    }
    let p = transformer(from_def, to)?;
    let fail = |reason: String| Error::Transform { from: short(from_def), to: to.to_string(), reason };
    p.convert_array(coords).map_err(|e| fail(e.to_string()))?;
    if coords.iter().any(|(x, y)| !x.is_finite() || !y.is_finite()) {
        return Err(fail("a point lies outside the target CRS's domain".into()));
    }
    Ok(())
}

/// Transform every coordinate of a geometry from a PROJ definition to `to`, in one
/// PROJ call (the coordinates pass through a per-thread buffer).
pub fn transform_geometry_from_definition(from_def: &str, to: Crs, g: &mut Geometry<f64>) -> Result<()> {
    thread_local! {
        static BUF: RefCell<Vec<(f64, f64)>> = const { RefCell::new(Vec::new()) };
    }
    BUF.with(|buf| {
        let mut buf = buf.borrow_mut();
        buf.clear();
        buf.extend(g.coords_iter().map(|c| (c.x, c.y)));
        transform_from_definition(from_def, to, &mut buf)?;
        // map_coords_in_place wants a Copy closure, so the position is a shared Cell
        let next = std::cell::Cell::new(0usize);
        let (next, out) = (&next, buf.as_slice());
        g.map_coords_in_place(move |c| {
            let i = next.get();
            next.set(i + 1);
            out.get(i).map_or(c, |&(x, y)| Coord { x, y })
        });
        Ok(())
    })
}

/// Transform a geometry from `from` to `to` in place.
pub fn transform_geometry(from: Crs, to: Crs, g: &mut Geometry<f64>) -> Result<()> {
    if from == to || same_axes(from, to) {
        return Ok(());
    }
    from.check()?;
    transform_geometry_from_definition(&from.proj_def(), to, g)
}

/// Swap x and y of every coordinate, for CRSs whose authority order is north first.
pub fn swap_axes(g: &mut Geometry<f64>) {
    g.map_coords_in_place(|c| Coord { x: c.y, y: c.x });
}

/// CRS84 and EPSG:4326 are the same datum; in fjord's lon/lat internal order they are
/// the same numbers.
fn same_axes(a: Crs, b: Crs) -> bool {
    matches!((a, b), (Crs::Crs84, Crs::Epsg(4326)) | (Crs::Epsg(4326), Crs::Crs84))
}

/// Transform a bbox, densifying each edge so the result holds the curved image of the box.
pub fn transform_bbox(from: Crs, to: Crs, bbox: &BBox) -> Result<BBox> {
    if from == to || same_axes(from, to) {
        return Ok(*bbox);
    }
    const STEPS: usize = 20;
    let mut pts = Vec::with_capacity(4 * STEPS);
    for i in 0..STEPS {
        let t = i as f64 / STEPS as f64;
        let x = bbox.minx + t * bbox.width();
        let y = bbox.miny + t * bbox.height();
        pts.extend([
            (x, bbox.miny),
            (bbox.maxx, y),
            (bbox.maxx - t * bbox.width(), bbox.maxy),
            (bbox.minx, bbox.maxy - t * bbox.height()),
        ]);
    }
    transform_in_place(from, to, &mut pts)?;
    BBox::from_points(pts).ok_or_else(|| Error::InvalidBbox("empty".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oslo_to_utm33_and_back() {
        let mut pts = [(10.7522, 59.9139)];
        transform_in_place(Crs::Epsg(4258), Crs::Epsg(25833), &mut pts).unwrap();
        let (x, y) = pts[0];
        assert!((x - 262_000.0).abs() < 2_000.0 && (y - 6_650_000.0).abs() < 5_000.0, "{x} {y}");
        transform_in_place(Crs::Epsg(25833), Crs::Epsg(4326), &mut pts).unwrap();
        assert!((pts[0].0 - 10.7522).abs() < 1e-6 && (pts[0].1 - 59.9139).abs() < 1e-6);
    }

    #[test]
    fn bbox_transform_contains_corners() {
        let b = BBox::new(5.0, 58.0, 31.0, 71.0).unwrap();
        let u = transform_bbox(Crs::Crs84, Crs::Epsg(25833), &b).unwrap();
        let mut corners = [(5.0, 58.0), (31.0, 71.0), (5.0, 71.0), (31.0, 58.0)];
        transform_in_place(Crs::Crs84, Crs::Epsg(25833), &mut corners).unwrap();
        for (x, y) in corners {
            assert!(u.minx <= x && x <= u.maxx && u.miny <= y && y <= u.maxy);
        }
    }

    #[test]
    fn geometries_transform_and_swap() {
        use geo_types::line_string;
        let mut g = Geometry::LineString(line_string![(x: 10.7522, y: 59.9139), (x: 5.3221, y: 60.3913)]);
        transform_geometry(Crs::Crs84, Crs::Epsg(25833), &mut g).unwrap();
        transform_geometry(Crs::Epsg(25833), Crs::Epsg(4326), &mut g).unwrap();
        swap_axes(&mut g);
        let Geometry::LineString(l) = g else { panic!() };
        assert!((l.0[0].x - 59.9139).abs() < 1e-7 && (l.0[1].y - 5.3221).abs() < 1e-7, "{l:?}");
    }

    #[test]
    fn unknown_crs_is_an_error_not_a_panic() {
        let mut pts = [(1.0, 1.0)];
        assert!(transform_in_place(Crs::Epsg(999_999), Crs::Epsg(25833), &mut pts).is_err());
    }
}
