//! Height grids written out as files for downloads and WCS: GeoTIFF (float32) and Esri
//! ASCII grid, by GDAL (a MEM dataset copied to `/vsimem/`), so what clients open is
//! what GDAL itself writes. Call it off the async runtime: it is blocking FFI work.

use crate::error::{Error, Result};
use fjord_core::Crs;
use gdal::raster::Buffer;
use gdal::spatial_ref::{AxisMappingStrategy, SpatialRef};
use gdal::DriverManager;
use std::sync::atomic::{AtomicU64, Ordering};

/// The value NoData cells are written as (also declared as the band's NoData value).
pub const NODATA: f64 = -9999.0;

/// The file formats a grid is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GridFormat {
    /// GeoTIFF, one float32 band, deflated
    GeoTiff,
    /// Esri ASCII grid (AAIGrid), the `.asc` text alone
    AsciiGrid,
}

impl GridFormat {
    /// The media type.
    pub fn mime(self) -> &'static str {
        match self {
            GridFormat::GeoTiff => "image/tiff",
            GridFormat::AsciiGrid => "text/plain",
        }
    }

    fn driver(self) -> &'static str {
        match self {
            GridFormat::GeoTiff => "GTiff",
            GridFormat::AsciiGrid => "AAIGrid",
        }
    }

    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            GridFormat::GeoTiff => "tif",
            GridFormat::AsciiGrid => "asc",
        }
    }
}

/// A georeferenced grid of heights.
pub struct HeightGrid<'a> {
    /// heights row by row from the top left, `NaN` for NoData
    pub heights: &'a [f32],
    /// cells across
    pub width: usize,
    /// cells down
    pub height: usize,
    /// GDAL's geotransform: x of the left edge, cell width, 0, y of the top edge, 0,
    /// minus the cell height (x = east or longitude)
    pub geotransform: [f64; 6],
    /// the CRS of the geotransform
    pub crs: Crs,
}

/// Each export gets its own `/vsimem/` name, so threads never share one.
static EXPORTS: AtomicU64 = AtomicU64::new(0);

/// `grid` written as a `format` file, its bytes.
pub fn encode_grid(grid: &HeightGrid, format: GridFormat) -> Result<Vec<u8>> {
    let (w, h) = (grid.width, grid.height);
    if w == 0 || h == 0 || grid.heights.len() != w * h {
        return Err(Error::Export(format!("{} heights for a grid of {w} × {h}", grid.heights.len())));
    }
    let mut srs = SpatialRef::from_definition(&grid.crs.proj_def())?;
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let mut mem = DriverManager::get_driver_by_name("MEM")?.create_with_band_type::<f32, _>("", w, h, 1)?;
    mem.set_geo_transform(&grid.geotransform)?;
    mem.set_spatial_ref(&srs)?;
    {
        let mut band = mem.rasterband(1)?;
        band.set_no_data_value(Some(NODATA))?;
        let cells = grid.heights.iter().map(|z| if z.is_nan() { NODATA as f32 } else { *z }).collect();
        band.write((0, 0), (w, h), &mut Buffer::new((w, h), cells))?;
    }
    let n = EXPORTS.fetch_add(1, Ordering::Relaxed);
    let stem = format!("/vsimem/fjord-export-{}-{n}", std::process::id());
    let path = format!("{stem}.{}", format.extension());
    let mut options = gdal::raster::RasterCreationOptions::new();
    if format == GridFormat::GeoTiff {
        options.set_name_value("COMPRESS", "DEFLATE")?;
        options.set_name_value("PREDICTOR", "3")?;
    }
    let driver = DriverManager::get_driver_by_name(format.driver())?;
    // the copy is closed (and flushed) before its bytes are taken
    drop(mem.create_copy(&driver, &path, &options)?);
    let bytes = gdal::vsi::get_vsi_mem_file_bytes_owned(&path)?;
    // the sidecars some drivers write beside it (AAIGrid's .prj)
    for sidecar in ["prj", "aux.xml"] {
        let _ = gdal::vsi::unlink_mem_file(format!("{stem}.{sidecar}"));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(heights: &[f32]) -> HeightGrid<'_> {
        HeightGrid {
            heights,
            width: 3,
            height: 2,
            geotransform: [250_000.0, 10.0, 0.0, 6_660_000.0, 0.0, -10.0],
            crs: Crs::Epsg(25833),
        }
    }

    #[test]
    fn geotiff_and_ascii_grid_read_back() {
        let heights = [1.5, 2.0, f32::NAN, 4.25, 5.0, 6.0];
        let tif = encode_grid(&grid(&heights), GridFormat::GeoTiff).unwrap();
        gdal::vsi::create_mem_file("/vsimem/fjord-export-test.tif", tif).unwrap();
        let ds = gdal::Dataset::open("/vsimem/fjord-export-test.tif").unwrap();
        assert_eq!(ds.raster_size(), (3, 2));
        assert_eq!(ds.geo_transform().unwrap(), grid(&heights).geotransform);
        assert_eq!(ds.spatial_ref().unwrap().auth_code().unwrap(), 25833);
        let band = ds.rasterband(1).unwrap();
        assert_eq!(band.no_data_value(), Some(NODATA));
        let read = band.read_as::<f32>((0, 0), (3, 2), (3, 2), None).unwrap().into_shape_and_vec().1;
        assert_eq!(read, [1.5, 2.0, NODATA as f32, 4.25, 5.0, 6.0]);
        drop(ds);
        gdal::vsi::unlink_mem_file("/vsimem/fjord-export-test.tif").unwrap();

        let asc = String::from_utf8(encode_grid(&grid(&heights), GridFormat::AsciiGrid).unwrap()).unwrap();
        assert!(asc.starts_with("ncols        3"), "{asc}");
        assert!(asc.contains("NODATA_value  -9999") && asc.contains(" 4.25 5 6"), "{asc}");
        assert!(encode_grid(&grid(&heights[..2]), GridFormat::GeoTiff).is_err(), "too few heights");
    }
}
