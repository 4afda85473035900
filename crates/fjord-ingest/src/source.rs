//! Opening a partner's source with GDAL: size and archive checks, driver, layer and CRS.

use crate::error::{Error, Result};
use fjord_core::Crs;
use gdal::vector::LayerAccess;
use gdal::{Dataset, DatasetOptions, GdalOpenFlags};
use std::io::Read;
use std::path::{Path, PathBuf};

/// What to open.
#[derive(Clone, Debug)]
pub struct SourceOptions {
    /// the file (a `.zip` is read through GDAL's /vsizip/)
    pub path: PathBuf,
    /// the layer to read when the source has several
    pub layer: Option<String>,
    /// the source CRS, overriding (or standing in for) the one in the file
    pub crs: Option<Crs>,
    /// refuse files larger than this many bytes
    pub max_bytes: u64,
}

/// The CRS of a source: an EPSG code where one is known, else PROJ's reading of its WKT.
#[derive(Clone, Debug)]
pub enum SourceCrs {
    /// a CRS fjord names
    Known(Crs),
    /// a CRS without an EPSG code, as WKT
    Wkt(String),
}

impl SourceCrs {
    /// How the lineage records it.
    pub fn label(&self) -> String {
        match self {
            SourceCrs::Known(c) => c.to_string(),
            SourceCrs::Wkt(w) => format!("WKT {}", w.chars().take(80).collect::<String>()),
        }
    }
}

/// An opened source, ready to read.
pub struct Source {
    /// the GDAL dataset
    pub dataset: Dataset,
    /// which layer to read
    pub layer_index: usize,
    /// its name
    pub layer_name: String,
    /// the GDAL driver's short name
    pub driver: String,
    /// the CRS of the coordinates
    pub crs: SourceCrs,
    /// the file's size
    pub bytes: u64,
    /// a private copy of the source, for drivers that write beside what they read
    pub scratch: Option<tempfile::TempDir>,
}

/// Whether the file at `path` is a zip archive (by its first bytes).
pub(crate) fn is_zip(path: &Path) -> Result<bool> {
    let mut magic = [0u8; 4];
    let mut f = std::fs::File::open(path).map_err(|e| Error::Unreadable(path.to_path_buf(), e.to_string()))?;
    Ok(f.read(&mut magic).map_err(|e| Error::Unreadable(path.to_path_buf(), e.to_string()))? == 4
        && magic == *b"PK\x03\x04")
}

/// The entry names of an archive; refused when any names a parent folder or an
/// absolute path, or when the entries expand to more than `max_expanded` bytes (a zip
/// bomb). The names and sizes come from the zip's own central directory: GDAL's /vsizip/
/// listing leaves escaping entries out, yet can still open them.
pub(crate) fn archive_entries(path: &Path, max_expanded: u64) -> Result<Vec<String>> {
    let file = std::fs::File::open(path).map_err(|e| Error::Unreadable(path.to_path_buf(), e.to_string()))?;
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|e| Error::Unreadable(path.to_path_buf(), format!("not a readable zip archive: {e}")))?;
    let mut names = Vec::new();
    let mut expanded = 0u64;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| Error::Unreadable(path.to_path_buf(), format!("zip entry {i}: {e}")))?;
        let name = entry
            .name()
            .map_err(|e| Error::Unreadable(path.to_path_buf(), format!("zip entry name: {e}")))?
            .to_string();
        let escapes = name.starts_with(['/', '\\'])
            || name.split(['/', '\\']).any(|part| part == "..")
            || name.as_bytes().get(1) == Some(&b':');
        if escapes {
            return Err(Error::UnsafeArchive { path: path.to_path_buf(), entry: name });
        }
        expanded = expanded.saturating_add(entry.size());
        if expanded > max_expanded {
            return Err(Error::Expands { path: path.to_path_buf(), size: expanded, limit: max_expanded });
        }
        names.push(name);
    }
    Ok(names)
}

/// Drivers that write index files beside the source when they open it (SOSI writes a
/// folder of `.Idx` files). Such sources are read from a private copy.
fn writes_beside_source(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("sos") || e.eq_ignore_ascii_case("sosi"))
}

fn source_crs(layer: &gdal::vector::Layer<'_>, path: &Path) -> Result<SourceCrs> {
    let Some(mut srs) = layer.spatial_ref() else {
        return Err(Error::NoCrs(path.to_path_buf()));
    };
    let known = |srs: &gdal::spatial_ref::SpatialRef| -> Option<Crs> {
        match srs.auth_name()?.as_str() {
            "EPSG" => srs.auth_code().ok().and_then(|c| u32::try_from(c).ok()).map(Crs::Epsg),
            "OGC" => srs.authority().ok().filter(|a| a.ends_with("CRS84")).map(|_| Crs::Crs84),
            _ => None,
        }
    };
    if let Some(c) = known(&srs) {
        return Ok(SourceCrs::Known(c));
    }
    if srs.auto_identify_epsg().is_ok() {
        if let Some(c) = known(&srs) {
            return Ok(SourceCrs::Known(c));
        }
    }
    Ok(SourceCrs::Wkt(srs.to_wkt()?))
}

/// Open and check a source: readable, not empty, under the size limit, a safe archive,
/// a vector format GDAL reads, one layer chosen, a CRS known.
pub fn open(opts: &SourceOptions) -> Result<Source> {
    let path = opts.path.as_path();
    let meta = std::fs::metadata(path).map_err(|e| Error::Unreadable(path.to_path_buf(), e.to_string()))?;
    if !meta.is_file() {
        return Err(Error::Unreadable(path.to_path_buf(), "not a file".into()));
    }
    if meta.len() == 0 {
        return Err(Error::EmptyFile(path.to_path_buf()));
    }
    if meta.len() > opts.max_bytes {
        return Err(Error::TooLarge { path: path.to_path_buf(), size: meta.len(), limit: opts.max_bytes });
    }
    let unreadable = |e: std::io::Error| Error::Unreadable(path.to_path_buf(), e.to_string());
    let abs = std::fs::canonicalize(path).map_err(unreadable)?;
    let mut scratch = None;
    let gdal_path = if is_zip(&abs)? {
        archive_entries(&abs, opts.max_bytes)?;
        format!("/vsizip/{}", abs.display())
    } else if writes_beside_source(&abs) {
        let dir = tempfile::tempdir().map_err(unreadable)?;
        let copy = dir.path().join(abs.file_name().unwrap_or_default());
        std::fs::copy(&abs, &copy).map_err(unreadable)?;
        scratch = Some(dir);
        copy.display().to_string()
    } else {
        abs.display().to_string()
    };
    // GML would otherwise write a .gfs schema file beside the source
    let open_options = ["WRITE_GFS=NO"];
    let dataset = Dataset::open_ex(
        &gdal_path,
        DatasetOptions {
            open_flags: GdalOpenFlags::GDAL_OF_VECTOR | GdalOpenFlags::GDAL_OF_READONLY,
            open_options: Some(&open_options),
            ..Default::default()
        },
    )
    .map_err(|_| Error::UnknownFormat(path.to_path_buf()))?;
    let driver = dataset.driver().short_name();
    let names: Vec<String> = dataset.layers().map(|l| l.name()).collect();
    if names.is_empty() {
        return Err(Error::UnknownFormat(path.to_path_buf()));
    }
    let layer_index = match &opts.layer {
        Some(want) => names.iter().position(|n| n == want).ok_or_else(|| {
            Error::Layer(format!("{}: no layer '{want}'; it has: {}", path.display(), names.join(", ")))
        })?,
        None if names.len() == 1 => 0,
        None => {
            let non_empty: Vec<usize> =
                dataset.layers().enumerate().filter(|(_, l)| l.feature_count() > 0).map(|(i, _)| i).collect();
            match non_empty.as_slice() {
                [one] => *one,
                _ => {
                    return Err(Error::Layer(format!(
                        "{}: {} layers ({}); pick one with --layer",
                        path.display(),
                        names.len(),
                        names.join(", ")
                    )))
                }
            }
        }
    };
    let (crs, layer_name) = {
        let layer = dataset.layer(layer_index)?;
        let crs = match opts.crs {
            Some(c) => SourceCrs::Known(c),
            None => source_crs(&layer, path)?,
        };
        (crs, layer.name())
    };
    if let SourceCrs::Known(c) = crs {
        c.check()?;
    }
    Ok(Source { dataset, layer_index, layer_name, driver, crs, bytes: meta.len(), scratch })
}
