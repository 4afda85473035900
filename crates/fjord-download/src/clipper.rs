//! Clipper files: a clip polygon sent as a file (GeoJSON, GeoPackage, FlatGeobuf, GML,
//! SOSI, zipped Shapefile), read like an ingest source, checked as an order's polygon
//! is, and kept under an id an order line names as `clipperFile`.

use crate::clip;
use crate::error::{Error, Result};
use crate::Downloads;
use geo::Area;

/// Largest clipper file, bytes.
pub const MAX_BYTES: u64 = 20 << 20;

/// A clip polygon read from a file.
#[derive(Clone, Debug, PartialEq)]
pub struct Clipper {
    /// the id an order line names it by (`clipperFile`)
    pub id: String,
    /// its ring in the storage CRS, `x y x y ...`
    pub coordinates: String,
    /// its area, km²
    pub km2: f64,
}

/// The extension GDAL needs to know a file by, from its name or else its first bytes.
fn extension(bytes: &[u8], name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    let known = [".zip", ".gpkg", ".geojson", ".json", ".fgb", ".gml", ".sos", ".sosi"];
    if let Some(ext) = known.iter().find(|e| lower.ends_with(*e)) {
        return &ext[1..];
    }
    match bytes {
        [b'P', b'K', ..] => "zip",
        [b'S', b'Q', b'L', b'i', b't', b'e', ..] => "gpkg",
        [b'f', b'g', b'b', ..] => "fgb",
        _ if bytes.trim_ascii_start().starts_with(b"{") => "geojson",
        _ if bytes.trim_ascii_start().starts_with(b"<") => "gml",
        _ => "sos",
    }
}

impl Downloads {
    /// Read the one polygon of a clipper file named `name`, check it (CRS, corners, not
    /// crossing itself, no larger than the limit) and keep it; 400 saying what is wrong.
    pub fn clipper(&self, bytes: &[u8], name: &str) -> Result<Clipper> {
        if bytes.is_empty() {
            return Err(Error::BadRequest("the clipper file is empty".into()));
        }
        if bytes.len() as u64 > MAX_BYTES {
            return Err(Error::BadRequest(format!("the clipper file is {} bytes; at most {MAX_BYTES}", bytes.len())));
        }
        let dir = self.settings.dir.join("work");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("clipper-{}.{}", uuid::Uuid::new_v4(), extension(bytes, name)));
        std::fs::write(&path, bytes)?;
        let opts = fjord_ingest::SourceOptions { path: path.clone(), layer: None, crs: None, max_bytes: MAX_BYTES };
        let read = fjord_ingest::polygons(&opts);
        let _ = std::fs::remove_file(&path);
        let shown = if name.is_empty() { "the clipper file" } else { name };
        let polygons =
            read.map_err(|e| Error::BadRequest(e.to_string().replace(&path.display().to_string(), shown)))?;
        let [polygon] = polygons.0.as_slice() else {
            return Err(Error::BadRequest(format!("{shown} holds {} polygons; send one", polygons.0.len())));
        };
        if !polygon.interiors().is_empty() {
            return Err(Error::BadRequest(format!("{shown}: the polygon has holes; send one without")));
        }
        let ring: Vec<String> = polygon.exterior().0.iter().map(|c| format!("{} {}", c.x, c.y)).collect();
        let storage = fjord_core::STORAGE_CRS.epsg().unwrap_or(25833).to_string();
        let (checked, coordinates) = clip::polygon(&ring.join(" "), &storage, self.settings.max_clip_km2)?;
        let id = crate::db::hex_sha256(coordinates.as_bytes())[..32].to_string();
        self.db.keep_clipper(&id, &coordinates, crate::now())?;
        Ok(Clipper { id, coordinates, km2: checked.unsigned_area() / 1e6 })
    }
}
