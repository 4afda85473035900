//! Terrain tiles: heights packed into the colours of a PNG, as MapLibre's `raster-dem`
//! sources read them (Mapbox Terrain-RGB and Terrarium), so a browser map can show the
//! store's elevation in 3D. NoData (the sea, beyond the data) is packed as 0 m.

use super::TileAddress;
use crate::features::Api;
use crate::OgcError;
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

/// The terrain tile at `at` (an elevation dataset's), as PNG.
pub fn terrain(api: &Api, at: &TileAddress, encoding: TerrainEncoding) -> Result<Vec<u8>, OgcError> {
    let layer = api.store.raster_at(&at.dataset, at.version)?;
    let size = at.tms.tile_size as usize;
    let b = at.tms.tile_bbox(at.z, at.row, at.col)?;
    let (heights, _) = crate::elevation::grid(&layer, at.tms.crs, &b, (size, size), 0, at.area.as_deref())?;
    let rgb: Vec<u8> =
        heights.iter().flat_map(|h| encoding.pack(if h.is_nan() { 0.0 } else { f64::from(*h) })).collect();
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
