//! Terrain tiles: heights packed into the colours of a PNG, as MapLibre's `raster-dem`
//! sources read them (Mapbox Terrain-RGB and Terrarium), so a browser map can show the
//! store's elevation in 3D. NoData (the sea, beyond the data) is packed as 0 m.

use super::TileAddress;
use crate::features::Api;
use crate::OgcError;
use fjord_core::{transform, STORAGE_CRS};
use fjord_render::encode::png_rgb;

/// How heights become colours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TerrainEncoding {
    /// Mapbox Terrain-RGB: height = -10000 + (R·65536 + G·256 + B) · 0.1
    TerrainRgb,
    /// Terrarium: height = R·256 + G + B/256 − 32768
    Terrarium,
}

impl TerrainEncoding {
    /// The RGB of a height in metres.
    pub fn pack(self, h: f64) -> [u8; 3] {
        match self {
            TerrainEncoding::TerrainRgb => {
                let v = ((h + 10_000.0) * 10.0).round().clamp(0.0, 16_777_215.0) as u32;
                [(v >> 16) as u8, (v >> 8) as u8, v as u8]
            }
            TerrainEncoding::Terrarium => {
                let v = (h + 32_768.0).clamp(0.0, 65_535.996);
                let whole = v.floor();
                [(whole / 256.0) as u8, (whole as u32 % 256) as u8, ((v - whole) * 256.0) as u8]
            }
        }
    }
}

/// Corners of the coordinate lattice a tile's pixel positions are interpolated from:
/// PROJ is asked for 17 × 17 points instead of 65,536.
const LATTICE: usize = 16;

/// The terrain tile at `at` (an elevation dataset's), as PNG.
pub fn terrain(api: &Api, at: &TileAddress, encoding: TerrainEncoding) -> Result<Vec<u8>, OgcError> {
    let layer = api.store.raster_at(&at.dataset, at.version)?;
    let size = at.tms.tile_size as usize;
    let b = at.tms.tile_bbox(at.z, at.row, at.col)?;
    // the lattice, pixel-centre aligned at its ends, taken to the storage CRS
    let (px, py) = ((b.maxx - b.minx) / size as f64, (b.maxy - b.miny) / size as f64);
    let mut lattice = Vec::with_capacity((LATTICE + 1) * (LATTICE + 1));
    for j in 0..=LATTICE {
        for i in 0..=LATTICE {
            let (u, v) = ((size - 1) as f64 * i as f64 / LATTICE as f64, (size - 1) as f64 * j as f64 / LATTICE as f64);
            lattice.push((b.minx + (u + 0.5) * px, b.maxy - (v + 0.5) * py));
        }
    }
    transform::transform_in_place(at.tms.crs, STORAGE_CRS, &mut lattice)?;
    let at_lattice = |i: usize, j: usize| lattice[j * (LATTICE + 1) + i];
    // the level whose cells are about a pixel of this tile, in metres
    let (a, c) = (at_lattice(0, 0), at_lattice(LATTICE, 0));
    let pixel_m = ((c.0 - a.0).powi(2) + (c.1 - a.1).powi(2)).sqrt() / (size - 1) as f64;
    let mut heights = layer.sampler(layer.level_for(pixel_m));
    let mut rgb = vec![0u8; size * size * 3];
    let step = (size - 1) as f64 / LATTICE as f64;
    for y in 0..size {
        let (fj, tj) = {
            let f = y as f64 / step;
            let j = (f.floor() as usize).min(LATTICE - 1);
            (j, f - j as f64)
        };
        for x in 0..size {
            let f = x as f64 / step;
            let i = (f.floor() as usize).min(LATTICE - 1);
            let ti = f - i as f64;
            let lerp = |p: (f64, f64), q: (f64, f64), t: f64| (p.0 + (q.0 - p.0) * t, p.1 + (q.1 - p.1) * t);
            let top = lerp(at_lattice(i, fj), at_lattice(i + 1, fj), ti);
            let bottom = lerp(at_lattice(i, fj + 1), at_lattice(i + 1, fj + 1), ti);
            let (sx, sy) = lerp(top, bottom, tj);
            let h = heights.height(sx, sy)?.unwrap_or(0.0);
            let o = (y * size + x) * 3;
            rgb[o..o + 3].copy_from_slice(&encoding.pack(h));
        }
    }
    png_rgb(at.tms.tile_size, at.tms.tile_size, &rgb).map_err(OgcError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unpack(e: TerrainEncoding, [r, g, b]: [u8; 3]) -> f64 {
        let (r, g, b) = (f64::from(r), f64::from(g), f64::from(b));
        match e {
            TerrainEncoding::TerrainRgb => -10_000.0 + (r * 65_536.0 + g * 256.0 + b) * 0.1,
            TerrainEncoding::Terrarium => r * 256.0 + g + b / 256.0 - 32_768.0,
        }
    }

    #[test]
    fn heights_pack_as_maplibre_unpacks_them() {
        for e in [TerrainEncoding::TerrainRgb, TerrainEncoding::Terrarium] {
            for h in [0.0, 1.23, 2469.4, -432.7, 8848.86] {
                let back = unpack(e, e.pack(h));
                assert!((back - h).abs() <= 0.05, "{e:?} {h} -> {back}");
            }
        }
        assert_eq!(TerrainEncoding::TerrainRgb.pack(0.0), [1, 134, 160]);
        assert_eq!(TerrainEncoding::Terrarium.pack(0.0), [128, 0, 0]);
    }
}
