//! Elevation as pictures: hillshade, hypsometric colours and slope, from a grid of
//! heights with a one-cell border (the neighbours the slope at the edge needs).
//!
//! The gradient is Horn's (as `gdaldem` computes it) from each cell's 3 × 3
//! neighbourhood; hillshade is the cosine of the angle between the surface normal and the
//! light (azimuth clockwise from north, altitude above the horizon), slope the gradient's
//! angle. Cells without a height stay transparent.

use crate::style::Color;
use serde::Deserialize;

/// A colour ramp: colours at values (heights in metres, or slope in degrees), linear
/// between them, the end colours beyond.
#[derive(Clone, Debug, PartialEq)]
pub struct Ramp {
    stops: Vec<(f64, Color)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RampFile {
    stops: Vec<(f64, String)>,
}

impl Ramp {
    /// Read a ramp file: `{"stops": [[value, "#rrggbb"], ...]}`, values rising.
    pub fn from_json(text: &str) -> Result<Ramp, String> {
        let file: RampFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut stops = Vec::with_capacity(file.stops.len());
        for (v, c) in file.stops {
            let color = Color::parse(&c).ok_or_else(|| format!("{c} is not a colour (#rrggbb)"))?;
            if !v.is_finite() || stops.last().is_some_and(|(last, _): &(f64, Color)| v <= *last) {
                return Err(format!("stop {v}: values must be finite and rising"));
            }
            stops.push((v, color));
        }
        if stops.is_empty() {
            return Err("a ramp needs one stop at least".into());
        }
        Ok(Ramp { stops })
    }

    /// Green lowlands through brown hills to white peaks, for Norway's 0–2500 m.
    pub fn hypsometric() -> Ramp {
        Ramp::of(&[
            (0.0, 0x3d7a3a),
            (200.0, 0x8fb05a),
            (600.0, 0xd8cd8c),
            (1000.0, 0xb98e5e),
            (1500.0, 0x8c6d5a),
            (2000.0, 0xd9d4cf),
            (2400.0, 0xffffff),
        ])
    }

    /// White on the flat through yellow and orange to dark red on cliffs (degrees).
    pub fn slope() -> Ramp {
        Ramp::of(&[(0.0, 0xffffff), (10.0, 0xf7e79c), (25.0, 0xe9a23b), (40.0, 0xc2412d), (60.0, 0x6e1423)])
    }

    fn of(stops: &[(f64, u32)]) -> Ramp {
        let rgb = |c: u32| Color { r: (c >> 16) as u8, g: (c >> 8) as u8, b: c as u8, a: 255 };
        Ramp { stops: stops.iter().map(|&(v, c)| (v, rgb(c))).collect() }
    }

    /// The stops: values rising, each with its colour.
    pub fn stops(&self) -> &[(f64, Color)] {
        &self.stops
    }

    /// The colour at `v`.
    pub fn at(&self, v: f64) -> Color {
        let first = self.stops[0];
        let Some(i) = self.stops.iter().position(|(s, _)| *s > v) else {
            return self.stops[self.stops.len() - 1].1;
        };
        if i == 0 {
            return first.1;
        }
        let ((v0, a), (v1, b)) = (self.stops[i - 1], self.stops[i]);
        let t = (v - v0) / (v1 - v0);
        let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
        Color { r: mix(a.r, b.r), g: mix(a.g, b.g), b: mix(a.b, b.b), a: mix(a.a, b.a) }
    }
}

/// Entries of a [`RampTable`]: a 0–2500 m ramp is read to the nearest 0.6 m.
const RAMP_ENTRIES: usize = 4096;

/// A ramp's colours precomputed at [`RAMP_ENTRIES`] values over its stops, RGBA
/// premultiplied, for painting a picture without a stop search a pixel.
struct RampTable {
    low: f64,
    /// entries per unit of value
    scale: f64,
    rgba: Vec<[u8; 4]>,
}

impl RampTable {
    fn new(ramp: &Ramp) -> RampTable {
        let (low, high) = (ramp.stops[0].0, ramp.stops[ramp.stops.len() - 1].0);
        let scale = if high > low { (RAMP_ENTRIES - 1) as f64 / (high - low) } else { 0.0 };
        let rgba = (0..RAMP_ENTRIES)
            .map(|k| premultiplied(ramp.at(if scale > 0.0 { low + k as f64 / scale } else { low })))
            .collect();
        RampTable { low, scale, rgba }
    }

    /// The colour nearest `v` (not `NaN`).
    fn at(&self, v: f64) -> [u8; 4] {
        // v - low >= 0 after the clamp: truncation of +0.5 rounds, without a libm call
        let k = ((v - self.low).max(0.0) * self.scale + 0.5) as usize;
        self.rgba[k.min(RAMP_ENTRIES - 1)]
    }
}

/// A colour as premultiplied RGBA bytes.
fn premultiplied(c: Color) -> [u8; 4] {
    let alpha = u16::from(c.a);
    let pre = |v: u8| ((u16::from(v) * alpha + 127) / 255) as u8;
    [pre(c.r), pre(c.g), pre(c.b), c.a]
}

/// How heights are drawn.
#[derive(Clone, Debug, PartialEq)]
pub enum Relief {
    /// grey shading by a light from `azimuth` (degrees clockwise from north) at
    /// `altitude` (degrees above the horizon), heights scaled by `z`
    Hillshade {
        /// where the light comes from
        azimuth: f64,
        /// how high it stands
        altitude: f64,
        /// vertical exaggeration
        z: f64,
    },
    /// colours by height
    Hypsometric(Ramp),
    /// colours by slope in degrees
    Slope(Ramp),
}

/// Heights for a picture: `width` × `height` pixels and a border of one on every side,
/// row by row from the top-left border cell; `NaN` where there is no height.
pub struct HeightGrid {
    /// pixels across (without the border)
    pub width: usize,
    /// pixels down (without the border)
    pub height: usize,
    /// `(width + 2) × (height + 2)` heights, metres
    pub heights: Vec<f32>,
    /// the ground size of a pixel, metres across and down
    pub pixel: (f64, f64),
}

impl HeightGrid {
    fn at(&self, x: usize, y: usize) -> f64 {
        f64::from(self.heights[y * (self.width + 2) + x])
    }

    /// Horn's gradient at pixel (`x`, `y`) times `(kx, ky)` (see [`HeightGrid::scale`]):
    /// the rise per metre eastwards and per metre down the rows (southwards). A neighbour
    /// without a height counts as level with the pixel (as `gdaldem -compute_edges`), so
    /// coasts keep their edge.
    fn gradient(&self, x: usize, y: usize, (kx, ky): (f64, f64)) -> Option<(f64, f64)> {
        let stride = self.width + 2;
        // the 3 × 3 block around the pixel, from the border-including grid
        let at = y * stride + x;
        let block = [
            &self.heights[at..at + 3],
            &self.heights[at + stride..at + stride + 3],
            &self.heights[at + 2 * stride..at + 2 * stride + 3],
        ];
        let centre = block[1][1];
        if centre.is_nan() {
            return None;
        }
        let n = |r: usize, c: usize| {
            let v = block[r][c];
            f64::from(if v.is_nan() { centre } else { v })
        };
        let (a, b, c) = (n(0, 0), n(0, 1), n(0, 2));
        let (d, f) = (n(1, 0), n(1, 2));
        let (g, h, i) = (n(2, 0), n(2, 1), n(2, 2));
        Some((((c + 2.0 * f + i) - (a + 2.0 * d + g)) * kx, ((g + 2.0 * h + i) - (a + 2.0 * b + c)) * ky))
    }

    /// What Horn's sums are multiplied by for the gradient with heights times `z`.
    fn scale(&self, z: f64) -> (f64, f64) {
        (z / (8.0 * self.pixel.0), z / (8.0 * self.pixel.1))
    }

    /// The picture, RGBA premultiplied, row by row.
    pub fn paint(&self, relief: &Relief) -> Vec<u8> {
        match relief {
            Relief::Hypsometric(ramp) => {
                let table = RampTable::new(ramp);
                self.fill(|_, _, h| Some(table.at(h)))
            }
            Relief::Slope(ramp) => {
                let (table, k) = (RampTable::new(ramp), self.scale(1.0));
                self.fill(|x, y, _| {
                    let (dx, dy) = self.gradient(x, y, k)?;
                    Some(table.at((dx * dx + dy * dy).sqrt().atan().to_degrees()))
                })
            }
            Relief::Hillshade { azimuth, altitude, z } => {
                // the light's direction (east, north, up)
                let (az, alt) = (azimuth.to_radians(), altitude.to_radians());
                let light = (alt.cos() * az.sin(), alt.cos() * az.cos(), alt.sin());
                let k = self.scale(*z);
                self.fill(|x, y, _| {
                    let (dzdx, dzdy) = self.gradient(x, y, k)?;
                    // the surface normal (east, north, up) against the light: rows run
                    // south, so the northward rise is -dzdy; the same shade as gdaldem's
                    // cos(zenith)cos(slope) + sin(zenith)sin(slope)cos(azimuth - aspect)
                    let normal = (1.0 + dzdx * dzdx + dzdy * dzdy).sqrt();
                    let shade = (-dzdx * light.0 + dzdy * light.1 + light.2) / normal;
                    // gdaldem's grey: 1 + 254 · shade, 1 where the light does not reach (it
                    // keeps 0 for NoData; here NoData is transparent); shade >= 0 after the
                    // clamp: truncation of +0.5 rounds
                    let v = (1.0 + 254.0 * shade.clamp(0.0, 1.0) + 0.5) as u8;
                    Some([v, v, v, 255])
                })
            }
        }
    }

    /// A picture of each pixel's colour from its place and height (`None` for none);
    /// pixels without a height stay transparent.
    fn fill(&self, colour: impl Fn(usize, usize, f64) -> Option<[u8; 4]>) -> Vec<u8> {
        let mut out = vec![0u8; self.width * self.height * 4];
        for (y, row) in out.chunks_exact_mut(self.width * 4).enumerate() {
            for (x, px) in row.chunks_exact_mut(4).enumerate() {
                let h = self.at(x + 1, y + 1);
                if let Some(c) = if h.is_nan() { None } else { colour(x, y, h) } {
                    px.copy_from_slice(&c);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A grid of 4 × 4 pixels (6 × 6 with the border) of 10 m cells from `f(column, row)`.
    fn grid(f: impl Fn(usize, usize) -> f32) -> HeightGrid {
        let heights = (0..6).flat_map(|r| (0..6).map(move |c| (c, r))).map(|(c, r)| f(c, r)).collect();
        HeightGrid { width: 4, height: 4, heights, pixel: (10.0, 10.0) }
    }

    fn grey(rgba: &[u8], x: usize, y: usize) -> u8 {
        rgba[(y * 4 + x) * 4]
    }

    #[test]
    fn hillshade_lights_slopes_facing_the_sun() {
        let sun = Relief::Hillshade { azimuth: 315.0, altitude: 45.0, z: 1.0 };
        // flat ground: cos(45°) everywhere
        let flat = grid(|_, _| 100.0).paint(&sun);
        assert_eq!(grey(&flat, 1, 1), (1.0 + 254.0 * 45f64.to_radians().cos()).round() as u8);
        // a slope rising to the east (facing west, away from a north-west sun is partly)
        // is darker than one rising to the west (facing east... the sun is in the north-west)
        let rising_east = grid(|c, _| c as f32 * 10.0).paint(&sun);
        let rising_west = grid(|c, _| 60.0 - c as f32 * 10.0).paint(&sun);
        assert!(grey(&rising_east, 1, 1) > grey(&rising_west, 1, 1), "the slope facing north-west is lit");
        // gdaldem: a 45° slope facing west under a sun in the west at 45°: fully lit
        let west_sun = Relief::Hillshade { azimuth: 270.0, altitude: 45.0, z: 1.0 };
        assert_eq!(grey(&grid(|c, _| c as f32 * 10.0).paint(&west_sun), 2, 2), 255);
        // and one rising southwards (rows run south) faces north: lit by a northern sun
        let north_sun = Relief::Hillshade { azimuth: 0.0, altitude: 45.0, z: 1.0 };
        assert_eq!(grey(&grid(|_, r| r as f32 * 10.0).paint(&north_sun), 2, 2), 255);
        assert_eq!(grey(&grid(|_, r| 60.0 - r as f32 * 10.0).paint(&north_sun), 2, 2), 1, "in the shadow");
        // no height: transparent
        let holes = grid(|c, r| if (c, r) == (2, 2) { f32::NAN } else { 1.0 }).paint(&sun);
        assert_eq!(holes[(4 + 1) * 4 + 3], 0, "the hole's own pixel");
        assert_eq!(holes[(2 * 4 + 2) * 4 + 3], 255, "its neighbour counts the hole as level ground");
    }

    #[test]
    fn ramps_interpolate_and_files_are_checked() {
        let r = Ramp::from_json(r##"{"stops": [[0, "#000000"], [100, "#ffffff"]]}"##).unwrap();
        assert_eq!(r.at(50.0), Color { r: 128, g: 128, b: 128, a: 255 });
        assert_eq!((r.at(-5.0).r, r.at(500.0).r), (0, 255));
        assert!(Ramp::from_json(r##"{"stops": [[10, "#000000"], [5, "#ffffff"]]}"##).is_err());
        assert!(Ramp::from_json(r##"{"stops": []}"##).is_err());
        assert!(Ramp::from_json(r##"{"stops": [[0, "nope"]]}"##).is_err());
        let hyps = grid(|_, _| 2400.0).paint(&Relief::Hypsometric(Ramp::hypsometric()));
        assert_eq!(&hyps[..4], &[255, 255, 255, 255], "peaks are white");
        let steep = grid(|c, _| c as f32 * 10.0).paint(&Relief::Slope(Ramp::slope()));
        assert_ne!(&steep[20..24], &[255, 255, 255, 255], "45° is coloured");
    }
}
