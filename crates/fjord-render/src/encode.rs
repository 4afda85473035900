//! Image encodings of a finished picture: PNG, JPEG and lossless WebP.

use crate::paint::RenderError;
use tiny_skia::Pixmap;

/// The image formats a map can be delivered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageFormat {
    /// PNG, RGB when the picture is opaque, else RGBA
    Png,
    /// JPEG (quality 85), transparent parts on white
    Jpeg,
    /// WebP, lossless
    Webp,
}

impl ImageFormat {
    /// From a MIME type as WMS and WMTS name it (`image/png`, `image/png; mode=8bit`, ...).
    pub fn from_mime(mime: &str) -> Option<ImageFormat> {
        let m = mime.trim().to_ascii_lowercase();
        let base = m.split(';').next().unwrap_or("").trim();
        match base {
            "image/png" | "png" => Some(ImageFormat::Png),
            "image/jpeg" | "image/jpg" | "jpeg" | "jpg" => Some(ImageFormat::Jpeg),
            "image/webp" | "webp" => Some(ImageFormat::Webp),
            _ => None,
        }
    }

    /// The MIME type answers carry.
    pub fn mime(self) -> &'static str {
        match self {
            ImageFormat::Png => "image/png",
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Webp => "image/webp",
        }
    }

    /// Every format offered, for capabilities documents.
    pub const ALL: [ImageFormat; 3] = [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::Webp];
}

/// Encode `pixmap` as `format`.
pub fn encode(pixmap: &Pixmap, format: ImageFormat) -> Result<Vec<u8>, RenderError> {
    match format {
        ImageFormat::Png => png(pixmap),
        ImageFormat::Jpeg => jpeg(pixmap),
        ImageFormat::Webp => webp(pixmap),
    }
}

fn opaque(pixmap: &Pixmap) -> bool {
    pixmap.pixels().iter().all(|p| p.alpha() == 255)
}

/// The pixels as RGBA (`channels` 4, alpha demultiplied) or RGB (3, for opaque ones).
fn samples(pixmap: &Pixmap, channels: usize) -> Vec<u8> {
    let mut data = Vec::with_capacity(pixmap.pixels().len() * channels);
    for p in pixmap.pixels() {
        let c = p.demultiply();
        data.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()][..channels]);
    }
    data
}

/// JPEG at quality 85; JPEG has no alpha, so transparent parts come out white.
fn jpeg(pixmap: &Pixmap) -> Result<Vec<u8>, RenderError> {
    let (w, h) = (u16::try_from(pixmap.width()), u16::try_from(pixmap.height()));
    let (Ok(w), Ok(h)) = (w, h) else { return Err(RenderError::Size("JPEG is at most 65535 pixels a side".into())) };
    // premultiplied colour over white: c + (255 - alpha)
    let data: Vec<u8> = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let under = 255 - p.alpha();
            [p.red() + under, p.green() + under, p.blue() + under]
        })
        .collect();
    let mut out = Vec::with_capacity(data.len() / 8);
    jpeg_encoder::Encoder::new(&mut out, 85)
        .encode(&data, w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| RenderError::Encode(e.to_string()))?;
    Ok(out)
}

/// Lossless WebP (the image-webp crate writes VP8L only).
fn webp(pixmap: &Pixmap) -> Result<Vec<u8>, RenderError> {
    let (channels, color) =
        if opaque(pixmap) { (3, image_webp::ColorType::Rgb8) } else { (4, image_webp::ColorType::Rgba8) };
    let mut out = Vec::new();
    image_webp::WebPEncoder::new(&mut out)
        .encode(&samples(pixmap, channels), pixmap.width(), pixmap.height(), color)
        .map_err(|e| RenderError::Encode(e.to_string()))?;
    Ok(out)
}

/// PNG with the png crate's fast setting (its fdeflate path): several times quicker than
/// the default level for map pictures at a few per cent more bytes (see
/// benches/render_map.rs). Opaque pictures are written as RGB, a quarter fewer bytes.
fn png(pixmap: &Pixmap) -> Result<Vec<u8>, RenderError> {
    png_at(pixmap, png::Compression::Fast)
}

/// PNG at a chosen compression level (the benchmark compares them).
pub fn png_at(pixmap: &Pixmap, level: png::Compression) -> Result<Vec<u8>, RenderError> {
    let (channels, color) = if opaque(pixmap) { (3, png::ColorType::Rgb) } else { (4, png::ColorType::Rgba) };
    write_png(pixmap.width(), pixmap.height(), color, &samples(pixmap, channels), level)
}

/// PNG of raw RGB samples (`width` × `height` × 3 bytes), for pictures that are data,
/// such as terrain tiles, which no painting may touch.
pub fn png_rgb(width: u32, height: u32, rgb: &[u8]) -> Result<Vec<u8>, RenderError> {
    if rgb.len() != width as usize * height as usize * 3 {
        return Err(RenderError::Size(format!("{} bytes are not {width}×{height} RGB", rgb.len())));
    }
    write_png(width, height, png::ColorType::Rgb, rgb, png::Compression::Fast)
}

fn write_png(
    width: u32,
    height: u32,
    color: png::ColorType,
    data: &[u8],
    level: png::Compression,
) -> Result<Vec<u8>, RenderError> {
    let mut out = Vec::with_capacity(data.len() / 4 + 1024);
    let mut enc = png::Encoder::new(&mut out, width, height);
    enc.set_color(color);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(level);
    let mut w = enc.write_header().map_err(|e| RenderError::Encode(e.to_string()))?;
    w.write_image_data(data).map_err(|e| RenderError::Encode(e.to_string()))?;
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
        let jpeg = encode(&p, ImageFormat::Jpeg).unwrap();
        assert_eq!(&jpeg[..3], &[0xff, 0xd8, 0xff], "a JPEG");
        let webp = encode(&p, ImageFormat::Webp).unwrap();
        assert_eq!((&webp[..4], &webp[8..12]), (&b"RIFF"[..], &b"WEBP"[..]));
        assert_eq!(ImageFormat::from_mime("image/gif"), None);
    }
}
