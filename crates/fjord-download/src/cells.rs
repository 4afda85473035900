//! Map-sheet cells (`celle`), as GeoNorge offers its elevation products: squares of
//! [`CELL_M`] metres of the storage CRS (EUREF89 UTM 33), aligned to multiples of their
//! size and named by their south-west corner in kilometres (`250-6650`). An elevation
//! dataset offers the cells that hold some of its heights.

use crate::offer::Area;
use fjord_catalogue::Record;
use fjord_core::{transform, BBox, Crs, STORAGE_CRS};
use geo_types::{polygon, MultiPolygon};

/// The area type of a cell.
pub const CELLS: &str = "celle";

/// A cell's side in metres.
pub const CELL_M: f64 = 50_000.0;

/// Cells one dataset offers at most (a national dataset has some 800).
const MAX_CELLS: usize = 4_000;

/// The cells the record's extent touches, west to east, south to north; none when it has
/// no extent or it cannot be put in the storage CRS.
pub fn cells_of(record: &Record) -> Vec<Area> {
    let Some(b) = record.bbox else { return Vec::new() };
    let geographic = BBox { minx: b.west, miny: b.south, maxx: b.east, maxy: b.north };
    let Ok(e) = transform::transform_bbox(Crs::Epsg(4258), STORAGE_CRS, &geographic) else { return Vec::new() };
    let (x0, y0) = ((e.minx / CELL_M).floor() as i64, (e.miny / CELL_M).floor() as i64);
    let (x1, y1) = ((e.maxx / CELL_M).ceil() as i64, (e.maxy / CELL_M).ceil() as i64);
    let mut out = Vec::new();
    for y in y0..y1 {
        for x in x0..x1 {
            if out.len() == MAX_CELLS {
                return out;
            }
            let code = format!("{}-{}", x * (CELL_M as i64) / 1000, y * (CELL_M as i64) / 1000);
            let name = format!("Celle {code}");
            out.push(Area { kind: CELLS.into(), code, name });
        }
    }
    out
}

/// The box of cell `code` in the storage CRS; `None` when the code names no cell.
pub fn bbox(code: &str) -> Option<BBox> {
    // the easting may be negative (west of 10.5° E), the northing is not
    let (x, y) = code.rsplit_once('-')?;
    let (x, y) = (x.parse::<i64>().ok()?, y.parse::<i64>().ok()?);
    let km = CELL_M as i64 / 1000;
    if x % km != 0 || y % km != 0 {
        return None;
    }
    let (w, s) = ((x * 1000) as f64, (y * 1000) as f64);
    Some(BBox { minx: w, miny: s, maxx: w + CELL_M, maxy: s + CELL_M })
}

/// The square of cell `code` in the storage CRS; `None` when the code names no cell.
pub fn square(code: &str) -> Option<MultiPolygon<f64>> {
    let b = bbox(code)?;
    let (w, s, e, n) = (b.minx, b.miny, b.maxx, b.maxy);
    Some(MultiPolygon(vec![polygon![(x: w, y: s), (x: e, y: s), (x: e, y: n), (x: w, y: n), (x: w, y: s)]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cover_the_extent_and_name_their_corner() {
        let square = square("250-6650").unwrap();
        let ring = &square.0[0].exterior().0;
        assert_eq!((ring[0].x, ring[0].y, ring[2].x, ring[2].y), (250_000.0, 6_650_000.0, 300_000.0, 6_700_000.0));
        assert_eq!(bbox("-100-6900").map(|b| (b.minx, b.maxy)), Some((-100_000.0, 6_950_000.0)));
        for bad in ["251-6650", "x-1", "250", "250-6650-1"] {
            assert!(super::square(bad).is_none(), "{bad}");
        }
    }
}
