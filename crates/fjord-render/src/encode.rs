//! Image encodings of a finished picture.

use crate::paint::RenderError;
use tiny_skia::Pixmap;

/// The image formats a map can be delivered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    /// PNG, RGB when the picture is opaque, else RGBA
    Png,
}

impl ImageFormat {
    /// From a MIME type as WMS and WMTS name it (`image/png`, `image/png; mode=8bit`, ...).
    pub fn from_mime(mime: &str) -> Option<ImageFormat> {
        let m = mime.trim().to_ascii_lowercase();
        let base = m.split(';').next().unwrap_or("").trim();
        match base {
            "image/png" | "png" => Some(ImageFormat::Png),
            _ => None,
        }
    }

    /// The MIME type answers carry.
    pub fn mime(self) -> &'static str {
        match self {
            ImageFormat::Png => "image/png",
        }
    }

    /// Every format offered, for capabilities documents.
    pub const ALL: [ImageFormat; 1] = [ImageFormat::Png];
}

/// Encode `pixmap` as `format`.
pub fn encode(pixmap: &Pixmap, format: ImageFormat) -> Result<Vec<u8>, RenderError> {
    match format {
        ImageFormat::Png => png(pixmap),
    }
}

/// PNG with the png crate's fast setting (its fdeflate path): several times quicker than
/// the default level for map pictures at a few per cent more bytes (see
/// benches/render.rs). Opaque pictures are written as RGB, a quarter fewer bytes.
fn png(pixmap: &Pixmap) -> Result<Vec<u8>, RenderError> {
    let opaque = pixmap.pixels().iter().all(|p| p.alpha() == 255);
    let (channels, color) = if opaque { (3, png::ColorType::Rgb) } else { (4, png::ColorType::Rgba) };
    let mut data = Vec::with_capacity(pixmap.pixels().len() * channels);
    for p in pixmap.pixels() {
        let c = p.demultiply();
        data.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()][..channels]);
    }
    let mut out = Vec::with_capacity(data.len() / 4 + 1024);
    let mut enc = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    enc.set_color(color);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    let mut w = enc.write_header().map_err(|e| RenderError::Encode(e.to_string()))?;
    w.write_image_data(&data).map_err(|e| RenderError::Encode(e.to_string()))?;
    w.finish().map_err(|e| RenderError::Encode(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pngs_are_rgb_when_opaque_and_rgba_when_not() {
        let mut p = Pixmap::new(8, 4).unwrap();
        let clear = encode(&p, ImageFormat::Png).unwrap();
        assert_eq!(&clear[1..4], b"PNG");
        assert_eq!(clear[25], 6, "colour type RGBA");
        p.fill(tiny_skia::Color::WHITE);
        let white = encode(&p, ImageFormat::Png).unwrap();
        assert_eq!(white[25], 2, "colour type RGB");
        assert_eq!(ImageFormat::from_mime("image/png; mode=8bit"), Some(ImageFormat::Png));
        assert_eq!(ImageFormat::from_mime("image/gif"), None);
    }
}
