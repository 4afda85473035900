//! OGC Two Dimensional Tile Matrix Sets (OGC 17-083r4) fjord serves tiles in.
//!
//! - `WebMercatorQuad`: EPSG:3857, origin (-20037508.3427892, 20037508.3427892), one
//!   256 px tile at level 0 with cell size 156543.03392804097 m, halving per level, 0-24.
//! - `utm33n`: EPSG:25833, the matrix set Kartverket's national WMTS calls `utm33n`:
//!   top-left corner (-2500000, 9045984), 256 px tiles, cell size 21664 m at level 0
//!   (scale denominator 21664 / 0.00028 = 77 371 428.57), halving per level, levels 0-17,
//!   2^z x 2^z tiles. Level 0 covers x -2 500 000 .. 3 045 984, y 3 500 000 .. 9 045 984,
//!   which holds all of Norway including Svalbard and Jan Mayen.
//!
//! Scale denominators use the standard 0.28 mm rendering pixel.

use crate::bbox::BBox;
use crate::crs::Crs;
use crate::error::{Error, Result};
use serde::Serialize;

/// The standardized rendering pixel size in metres (OGC WMTS / 2D TMS).
pub const PIXEL_SIZE_M: f64 = 0.00028;

/// One zoom level of a tile matrix set.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TileMatrix {
    /// identifier, the zoom level as text
    pub id: String,
    /// scale denominator at 0.28 mm pixels
    pub scale_denominator: f64,
    /// ground size of one pixel in CRS units
    pub cell_size: f64,
    /// tiles across
    pub matrix_width: u32,
    /// tiles down
    pub matrix_height: u32,
}

/// An inclusive range of tiles at one level: rows and columns, first and last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TileRange {
    /// first and last row
    pub rows: (u32, u32),
    /// first and last column
    pub cols: (u32, u32),
}

/// A tile matrix set: a CRS, a top-left origin, a tile size and its zoom levels.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TileMatrixSet {
    /// identifier as used in URLs (`WebMercatorQuad`, `utm33n`)
    pub id: &'static str,
    /// its CRS
    pub crs: Crs,
    /// top-left corner (x, y)
    pub origin: (f64, f64),
    /// tile width and height in pixels
    pub tile_size: u32,
    /// the zoom levels, level 0 first
    pub matrices: Vec<TileMatrix>,
}

impl TileMatrixSet {
    fn quad(id: &'static str, crs: Crs, origin: (f64, f64), cell0: f64, levels: u32) -> TileMatrixSet {
        let matrices = (0..=levels)
            .map(|z| {
                let cell_size = cell0 / f64::from(1u32 << z);
                TileMatrix {
                    id: z.to_string(),
                    scale_denominator: cell_size / PIXEL_SIZE_M,
                    cell_size,
                    matrix_width: 1 << z,
                    matrix_height: 1 << z,
                }
            })
            .collect();
        TileMatrixSet { id, crs, origin, tile_size: 256, matrices }
    }

    /// OGC `WebMercatorQuad` (EPSG:3857), levels 0-24.
    pub fn web_mercator_quad() -> TileMatrixSet {
        const HALF: f64 = 20_037_508.342_789_244;
        Self::quad("WebMercatorQuad", Crs::Epsg(3857), (-HALF, HALF), 2.0 * HALF / 256.0, 24)
    }

    /// Kartverket's `utm33n` (EPSG:25833), levels 0-17.
    pub fn utm33n() -> TileMatrixSet {
        Self::quad("utm33n", Crs::Epsg(25833), (-2_500_000.0, 9_045_984.0), 21_664.0, 17)
    }

    /// Every tile matrix set fjord knows.
    pub fn all() -> &'static [TileMatrixSet] {
        // built once: a tile request looks its set up, and each set is two dozen levels
        static ALL: std::sync::OnceLock<[TileMatrixSet; 2]> = std::sync::OnceLock::new();
        ALL.get_or_init(|| [Self::web_mercator_quad(), Self::utm33n()])
    }

    /// Look one up by id (case-insensitive).
    pub fn by_id(id: &str) -> Option<&'static TileMatrixSet> {
        Self::all().iter().find(|t| t.id.eq_ignore_ascii_case(id))
    }

    /// The level, checked.
    pub fn matrix(&self, z: u32) -> Result<&TileMatrix> {
        self.matrices.get(z as usize).ok_or_else(|| Error::TileOutOfRange(format!("{}/{z}", self.id)))
    }

    /// Ground size of one tile at level `z`.
    fn tile_span(&self, m: &TileMatrix) -> f64 {
        m.cell_size * f64::from(self.tile_size)
    }

    /// The extent of tile (`z`, `row`, `col`) in the set's CRS; rows count down from the top.
    pub fn tile_bbox(&self, z: u32, row: u32, col: u32) -> Result<BBox> {
        let m = self.matrix(z)?;
        if row >= m.matrix_height || col >= m.matrix_width {
            return Err(Error::TileOutOfRange(format!("{}/{z}/{row}/{col}", self.id)));
        }
        let span = self.tile_span(m);
        let minx = self.origin.0 + f64::from(col) * span;
        let maxy = self.origin.1 - f64::from(row) * span;
        BBox::new(minx, maxy - span, minx + span, maxy)
    }

    /// The tiles at level `z` that `bbox` touches, clamped to the matrix; `None` if it
    /// lies wholly outside.
    pub fn tiles_covering(&self, z: u32, bbox: &BBox) -> Result<Option<TileRange>> {
        let m = self.matrix(z)?;
        let span = self.tile_span(m);
        let col = |x: f64| ((x - self.origin.0) / span).floor();
        let row = |y: f64| ((self.origin.1 - y) / span).floor();
        let (c0, c1, r0, r1) = (col(bbox.minx), col(bbox.maxx), row(bbox.maxy), row(bbox.miny));
        let (w, h) = (f64::from(m.matrix_width), f64::from(m.matrix_height));
        if c1 < 0.0 || r1 < 0.0 || c0 >= w || r0 >= h {
            return Ok(None);
        }
        let clamp = |v: f64, n: f64| v.clamp(0.0, n - 1.0) as u32;
        Ok(Some(TileRange { rows: (clamp(r0, h), clamp(r1, h)), cols: (clamp(c0, w), clamp(c1, w)) }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_mercator_level_zero_is_the_world() {
        let t = TileMatrixSet::web_mercator_quad();
        let b = t.tile_bbox(0, 0, 0).unwrap();
        assert!((b.minx + 20_037_508.342_789_244).abs() < 1e-6);
        assert!((b.maxy - 20_037_508.342_789_244).abs() < 1e-6);
        assert!((t.matrices[0].scale_denominator - 559_082_264.028_717_8).abs() < 1e-3);
        assert_eq!(t.matrices[24].matrix_width, 1 << 24);
    }

    #[test]
    fn utm33n_matches_kartverket() {
        let t = TileMatrixSet::utm33n();
        let b = t.tile_bbox(0, 0, 0).unwrap();
        assert_eq!(b.to_array(), [-2_500_000.0, 3_500_000.0, 3_045_984.0, 9_045_984.0]);
        assert!((t.matrices[0].scale_denominator - 77_371_428.571_428_57).abs() < 1e-3);
        assert_eq!(t.matrices.len(), 18);
    }

    #[test]
    fn covering_tiles_round_trip() {
        let t = TileMatrixSet::utm33n();
        let b = t.tile_bbox(10, 300, 500).unwrap();
        let inner = BBox::new(b.minx + 1.0, b.miny + 1.0, b.maxx - 1.0, b.maxy - 1.0).unwrap();
        assert_eq!(t.tiles_covering(10, &inner).unwrap(), Some(TileRange { rows: (300, 300), cols: (500, 500) }));
        assert!(t.tile_bbox(10, 1024, 0).is_err());
        assert!(t.tile_bbox(18, 0, 0).is_err());
        let far = BBox::new(-9e9, -9e9, -8e9, -8e9).unwrap();
        assert_eq!(t.tiles_covering(3, &far).unwrap(), None);
    }
}
