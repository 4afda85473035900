//! Elevation sources (any raster GDAL reads: GeoTIFF/COG, Esri ASCII grid, XYZ, ...)
//! merged into the store's raster pyramid ([`fjord_store::raster`]).
//!
//! Each source is checked (georeferenced, not rotated, a CRS PROJ knows), its extent
//! and cell size found in EPSG:25833, and then every level-0 tile of the grid the
//! sources touch is made from them (bilinear, in the `pyramid` module) in priority order: **a finer
//! source wins over a coarser one, and at the same cell size a newer one (the file's
//! modification time) over an older**; a cell takes its height from the first source
//! that has one there, so a fine survey's NoData lets the coarser one show through.
//! The grid's cell is the finest source's, rounded to a centimetre.

use crate::error::{Error, Result};
use fjord_catalogue::{Catalogue, HumanFields};
use fjord_core::{transform, BBox, Crs, Lineage, Slug, STORAGE_CRS};
use fjord_store::{Store, VersionInfo};
use gdal::Dataset;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// An elevation source, opened and checked.
pub struct DemSource {
    /// where it was read from
    pub path: PathBuf,
    /// the GDAL driver that reads it
    pub driver: String,
    /// its CRS: `EPSG:n`, or the WKT for one without a code
    pub crs: String,
    /// whether the CRS was given for a source without one
    pub assumed: bool,
    /// its extent in the storage CRS
    pub extent: BBox,
    /// its cell size in the storage CRS, metres (the larger of the two axes)
    pub cell: f64,
    /// when the file was last changed (newer wins over older at the same cell size)
    pub modified: SystemTime,
}

impl DemSource {
    /// Its name: the file's, or the zip entry's.
    pub fn name(&self) -> String {
        self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    }
}

/// Open an elevation source (`path` as GDAL opens it, in `file` on disk): one band, a
/// north-up geotransform and a CRS, its own or `assume` where it has none (XYZ, an
/// ASCII grid without `.prj`).
pub fn open_dem(path: &Path, file: &Path, assume: Option<Crs>) -> Result<DemSource> {
    let refuse = |reason: &str| Error::Raster { path: path.to_path_buf(), reason: reason.to_string() };
    let dataset = Dataset::open(path).map_err(|e| refuse(&format!("GDAL cannot read it as a raster: {e}")))?;
    if dataset.raster_count() == 0 {
        return Err(refuse("it holds no raster band"));
    }
    let gt = dataset.geo_transform().map_err(|_| refuse("it has no georeferencing (no geotransform)"))?;
    if gt[2] != 0.0 || gt[4] != 0.0 {
        return Err(refuse("its geotransform is rotated; warp it north-up first (gdalwarp)"));
    }
    if gt[1] <= 0.0 || gt[5] >= 0.0 {
        return Err(refuse("its geotransform is not north-up with positive cells"));
    }
    let (crs_def, assumed) = match (dataset.spatial_ref(), assume) {
        (Ok(srs), _) => match (srs.auth_name(), srs.auth_code()) {
            (Some(a), Ok(c)) if a == "EPSG" => (format!("EPSG:{c}"), false),
            _ => (srs.to_wkt().map_err(|e| refuse(&format!("its CRS cannot be written out: {e}")))?, false),
        },
        (Err(_), Some(crs)) => (crs.to_string(), true),
        (Err(_), None) => return Err(refuse("it has no CRS; give one with --crs EPSG:n")),
    };
    let (w, h) = dataset.raster_size();
    if w == 0 || h == 0 {
        return Err(refuse("it is 0 pixels wide or high"));
    }
    // the outline, ten points a side, taken to the storage CRS
    let mut pts = Vec::with_capacity(44);
    for k in 0..=10 {
        let t = f64::from(k) / 10.0;
        let (x, y) = (t * w as f64, t * h as f64);
        for (px, py) in [(x, 0.0), (x, h as f64), (0.0, y), (w as f64, y)] {
            pts.push((gt[0] + px * gt[1], gt[3] + py * gt[5]));
        }
    }
    transform::transform_from_definition(&crs_def, STORAGE_CRS, &mut pts)
        .map_err(|e| refuse(&format!("its CRS cannot be taken to EPSG:25833: {e}")))?;
    let extent = BBox::from_points(pts.iter().copied()).ok_or_else(|| refuse("its outline is empty"))?;
    let cell = ((extent.maxx - extent.minx) / w as f64).max((extent.maxy - extent.miny) / h as f64);
    let modified = std::fs::metadata(file).and_then(|m| m.modified()).unwrap_or(SystemTime::UNIX_EPOCH);
    let driver = dataset.driver().short_name();
    Ok(DemSource { path: path.to_path_buf(), driver, crs: crs_def, assumed, extent, cell, modified })
}

/// What to ingest as elevation.
pub struct DemRequest {
    /// files GDAL reads as rasters, or folders of them (not descended into further)
    pub paths: Vec<PathBuf>,
    /// the dataset to publish a new version of
    pub dataset: Slug,
    /// the owner organisation
    pub org: Slug,
    /// human metadata; `None` keeps the current version's (or a minimal default)
    pub meta: Option<HumanFields>,
    /// vertical datum of the heights; `None` takes the sidecar's, else NN2000
    pub vertical_datum: Option<String>,
    /// the CRS of sources that name none
    pub assume_crs: Option<Crs>,
    /// who runs it
    pub by: String,
}

/// Files in a folder that look like rasters GDAL reads.
const RASTER_EXTENSIONS: [&str; 8] = ["tif", "tiff", "asc", "xyz", "dem", "img", "dt2", "hgt"];

/// Whether `path` names a raster file by its extension (how `fjord seed` tells an
/// elevation source from a vector one).
pub fn is_raster_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| RASTER_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// An elevation source as found: what GDAL opens (the file, or an entry of a zip
/// archive through `/vsizip/`) and the file on disk it is in.
struct Found {
    open: PathBuf,
    file: PathBuf,
}

/// The sources of `paths`: files as given, folders by their raster files, zip archives
/// by their raster entries, each in name order.
fn source_files(paths: &[PathBuf]) -> Result<Vec<Found>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Error::Unreadable(p.clone(), e.to_string()))?
                .flatten()
                .map(|e| e.path())
                .filter(|f| is_raster_file(f))
                .collect();
            found.sort();
            out.extend(found.into_iter().map(|f| Found { open: f.clone(), file: f }));
        } else if p.is_file() && crate::source::is_zip(p)? {
            let abs = p.canonicalize().map_err(|e| Error::Unreadable(p.clone(), e.to_string()))?;
            let mut entries = crate::source::archive_entries(&abs, u64::MAX)?;
            entries.retain(|e| is_raster_file(Path::new(e)));
            entries.sort();
            let open = |e: &str| PathBuf::from(format!("/vsizip/{}/{e}", abs.display()));
            out.extend(entries.iter().map(|e| Found { open: open(e), file: p.clone() }));
        } else {
            out.push(Found { open: p.clone(), file: p.clone() });
        }
    }
    Ok(out)
}

/// Ingest elevation sources as a new version of a dataset and bring its catalogue
/// record in step; nothing is published when any source is refused.
pub fn ingest_dem(store: &Store, catalogue: &Catalogue, req: &DemRequest) -> Result<VersionInfo> {
    let found = source_files(&req.paths)?;
    let Some(first) = found.first() else {
        return Err(Error::Raster {
            path: req.paths.first().cloned().unwrap_or_default(),
            reason: "no raster files here".into(),
        });
    };
    let sources = found.iter().map(|f| open_dem(&f.open, &f.file, req.assume_crs)).collect::<Result<Vec<_>>>()?;
    // the lineage names the sources and hashes the hashes of their files, in name order
    let mut files: Vec<&PathBuf> = found.iter().map(|f| &f.file).collect();
    files.dedup();
    let mut hasher = Sha256::new();
    let mut bytes = 0;
    for f in &files {
        hasher.update(crate::pipeline::sha256_file(f)?.as_bytes());
        bytes += std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
    }
    let source = match sources.len() {
        1 => sources[0].name(),
        n => format!("{} and {} more", sources[0].name(), n - 1),
    };
    let driver = sources[0].driver.clone();
    let mut crs: Vec<String> =
        sources.iter().map(|s| if s.crs.starts_with("EPSG:") { s.crs.clone() } else { "WKT".into() }).collect();
    crs.dedup();
    let meta = match &req.meta {
        Some(m) => m.clone(),
        None => match store.current(&req.dataset) {
            Ok(info) => serde_json::from_value(info.metadata).unwrap_or_default(),
            Err(_) => HumanFields { title: req.dataset.to_string(), ..HumanFields::default() },
        },
    };
    let datum = req.vertical_datum.clone().or_else(|| meta.vertical_datum.clone()).unwrap_or_else(|| "NN2000".into());
    let version = store.begin_raster(&req.dataset)?;
    let header = crate::pyramid::build_pyramid(sources, version.dir(), &datum)?.ok_or_else(|| Error::Raster {
        path: first.open.clone(),
        reason: "no cell of any source holds a height".into(),
    })?;
    let lineage = Lineage {
        source,
        sha256: format!("{:x}", hasher.finalize()),
        bytes,
        driver,
        layer: String::new(),
        source_crs: crs.join(", "),
        org: req.org.to_string(),
        by: req.by.clone(),
        at: fjord_core::now_rfc3339(),
    };
    let info = version.publish(header, lineage, serde_json::to_value(&meta).unwrap_or_default())?;
    crate::sync::sync_dataset(store, catalogue, &req.dataset)?;
    Ok(info)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use fjord_store::raster::RasterLayer;
    use gdal::spatial_ref::SpatialRef;
    use gdal::DriverManager;

    /// A GeoTIFF of `w`×`h` cells of `cell` units from (`x0`, `y0`) (top left) in `epsg`,
    /// heights from `f(column, row)`, NoData -9999.
    pub(crate) fn tiff(
        path: &Path,
        epsg: u32,
        (x0, y0): (f64, f64),
        cell: f64,
        (w, h): (usize, usize),
        f: impl Fn(usize, usize) -> f32,
    ) {
        let driver = DriverManager::get_driver_by_name("GTiff").unwrap();
        let mut ds = driver.create_with_band_type::<f32, _>(path, w, h, 1).unwrap();
        ds.set_geo_transform(&[x0, cell, 0.0, y0, 0.0, -cell]).unwrap();
        ds.set_spatial_ref(&SpatialRef::from_epsg(epsg).unwrap()).unwrap();
        let mut band = ds.rasterband(1).unwrap();
        band.set_no_data_value(Some(-9999.0)).unwrap();
        let data: Vec<f32> = (0..h).flat_map(|r| (0..w).map(move |c| (c, r))).map(|(c, r)| f(c, r)).collect();
        let mut buf = gdal::raster::Buffer::new((w, h), data);
        band.write((0, 0), (w, h), &mut buf).unwrap();
    }

    #[test]
    fn sources_merge_finer_first_and_heights_survive() {
        let dir = tempfile::tempdir().unwrap();
        // one sloping plane, sampled at cell centres: a coarse 20 m source over Oslo, and a
        // fine 10 m survey in its middle 50 m higher, with a NoData hole
        let plane = |x: f64, y: f64| 100.0 + 0.025 * (x - 250_000.0) + 0.0125 * (6_660_000.0 - y);
        let coarse = dir.path().join("coarse.tif");
        tiff(&coarse, 25833, (250_000.0, 6_660_000.0), 20.0, (300, 300), |c, r| {
            plane(250_010.0 + 20.0 * c as f64, 6_659_990.0 - 20.0 * r as f64) as f32
        });
        let fine = dir.path().join("fine.tif");
        tiff(&fine, 25833, (252_000.0, 6_658_000.0), 10.0, (200, 200), |c, r| {
            if (90..110).contains(&c) && (90..110).contains(&r) {
                -9999.0
            } else {
                (plane(252_005.0 + 10.0 * c as f64, 6_657_995.0 - 10.0 * r as f64) + 50.0) as f32
            }
        });
        let sources = vec![open_dem(&coarse, &coarse, None).unwrap(), open_dem(&fine, &fine, None).unwrap()];
        assert!((sources[0].cell - 20.0).abs() < 1e-6 && (sources[1].cell - 10.0).abs() < 1e-6);
        let out = dir.path().join("pyramid");
        std::fs::create_dir(&out).unwrap();
        let header = crate::pyramid::build_pyramid(sources, &out, "NN2000").unwrap().unwrap();
        assert_eq!(header.cell, 10.0, "the finest source's cell");
        let layer = RasterLayer::open(&out).unwrap();
        // outside the fine survey: the coarse plane; inside it the survey, 50 m above; in
        // its hole the coarse plane shows through
        for (x, y, above) in
            [(250_500.0, 6_659_500.0, 0.0), (252_500.0, 6_657_500.0, 50.0), (253_000.0, 6_657_000.0, 0.0)]
        {
            let got = layer.height_at(x, y).unwrap().unwrap();
            assert!((got - plane(x, y) - above).abs() < 0.05, "at {x},{y}: {got} vs {}", plane(x, y) + above);
        }
        // beyond every source: no height, never 0
        assert_eq!(layer.height_at(200_000.0, 6_600_000.0).unwrap(), None);
        assert!(header.stats.min >= 99.0 && header.stats.max < 400.0, "{:?}", header.stats);
    }

    #[test]
    fn sources_without_georeferencing_or_rotated_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.tif");
        let driver = DriverManager::get_driver_by_name("GTiff").unwrap();
        drop(driver.create_with_band_type::<f32, _>(&plain, 10, 10, 1).unwrap());
        let e = open_dem(&plain, &plain, None).err().unwrap().to_string();
        assert!(e.contains("georeferencing") || e.contains("CRS"), "{e}");
        let rotated = dir.path().join("rotated.tif");
        let mut ds = driver.create_with_band_type::<f32, _>(&rotated, 10, 10, 1).unwrap();
        ds.set_geo_transform(&[250_000.0, 10.0, 1.0, 6_660_000.0, 1.0, -10.0]).unwrap();
        ds.set_spatial_ref(&SpatialRef::from_epsg(25833).unwrap()).unwrap();
        drop(ds);
        assert!(open_dem(&rotated, &rotated, None).err().unwrap().to_string().contains("rotated"));
        let missing = dir.path().join("missing.tif");
        assert!(open_dem(&missing, &missing, None).is_err());
    }
}
