//! Elevation datasets as coverages, shared by WCS 2.0.1 ([`crate::wcs`]) and OGC API –
//! Coverages ([`coverage`], [`domainset`], [`rangetype`]): the grid a dataset is served
//! on, the window a request asks for (a trim in some CRS, the output CRS, scaling), and
//! the window's heights written as GeoTIFF or Esri ASCII grid (fjord-ingest's export).
//!
//! Output follows the stored grid unless asked otherwise: in EPSG:25833 a window is
//! widened to whole cells of the finest level, so read nearest (the default) its values
//! are the stored heights; in another CRS it keeps about as many cells as the stored
//! window holds. The pyramid level follows the output's pixel size.

mod api;

pub(crate) use api::collection_json;
pub use api::{coverage, domainset, rangetype};

use crate::reply::Reply;
use crate::OgcError;
use fjord_core::{transform, BBox, Crs, STORAGE_CRS};
use fjord_ingest::export::{encode_grid, GridFormat, HeightGrid};
use fjord_store::raster::{Interpolation, RasterHeader, RasterLayer, GRID_ORIGIN};

/// The stored grid of a coverage at its finest level, in EPSG:25833.
pub(crate) struct NativeGrid {
    /// the envelope: whole cells, edge to edge
    pub extent: BBox,
    /// the cell size, metres
    pub cell: f64,
    /// cells across
    pub width: usize,
    /// cells down
    pub height: usize,
}

impl NativeGrid {
    /// The grid of a stored version.
    pub fn of(h: &RasterHeader) -> NativeGrid {
        let cells = |span: f64| (span / h.cell).round() as usize;
        NativeGrid { extent: h.extent, cell: h.cell, width: cells(h.extent.width()), height: cells(h.extent.height()) }
    }

    /// The centre of the top-left cell.
    pub fn origin(&self) -> (f64, f64) {
        (self.extent.minx + self.cell / 2.0, self.extent.maxy - self.cell / 2.0)
    }
}

/// Low and high bound along one axis; a bound left `None` is the coverage's.
pub(crate) type Bounds = (Option<f64>, Option<f64>);

/// A trim of a coverage in `crs` (x = east or longitude).
pub(crate) struct Area {
    /// the CRS of the bounds
    pub crs: Crs,
    /// along x
    pub x: Bounds,
    /// along y
    pub y: Bounds,
}

impl Area {
    /// The whole coverage.
    pub fn whole() -> Area {
        Area { crs: STORAGE_CRS, x: (None, None), y: (None, None) }
    }
}

/// How many cells the output has.
pub(crate) enum Scale {
    /// as many as the stored grid has over the window
    Native,
    /// the stored counts across and down times these factors
    Factors(f64, f64),
    /// these counts; an axis not given keeps its stored count, or with `keep_aspect` the
    /// window's aspect
    Size {
        /// cells across
        width: Option<usize>,
        /// cells down
        height: Option<usize>,
        /// derive a missing count from the other one
        keep_aspect: bool,
    },
}

/// What to write: a box in a CRS and its cells.
pub(crate) struct Window {
    /// the CRS of `bbox` and the output
    pub crs: Crs,
    /// the outer edges of the outer cells, x = east or longitude
    pub bbox: BBox,
    /// cells across
    pub width: usize,
    /// cells down
    pub height: usize,
}

/// 404 InvalidSubsetting: a trim that is empty or misses the coverage.
pub(crate) fn outside(text: impl Into<String>) -> OgcError {
    OgcError { status: 404, code: "InvalidSubsetting", description: text.into() }
}

/// Grid positions closer than this (in cells) to a cell edge count as on it.
const SNAP: f64 = 1e-6;

fn show(b: &BBox) -> String {
    format!("{},{},{},{}", b.minx, b.miny, b.maxx, b.maxy)
}

/// The window `area` asks for in `output`, scaled as `scale` says; refused when it
/// misses the coverage or would be empty or larger than `max` cells along an axis.
pub(crate) fn window(grid: &NativeGrid, area: &Area, output: Crs, scale: &Scale, max: u32) -> Result<Window, OgcError> {
    let to = |from: Crs, to: Crs, b: &BBox| {
        transform::transform_bbox(from, to, b)
            .map_err(|e| OgcError::invalid(format!("the box cannot be taken from {from} to {to}: {e}")))
    };
    let whole = to(STORAGE_CRS, area.crs, &grid.extent)?;
    let (x, y) = (
        (area.x.0.unwrap_or(whole.minx), area.x.1.unwrap_or(whole.maxx)),
        (area.y.0.unwrap_or(whole.miny), area.y.1.unwrap_or(whole.maxy)),
    );
    if !(x.0 < x.1 && y.0 < y.1) {
        return Err(outside("a trim's low bound must lie below its high bound"));
    }
    let asked = BBox { minx: x.0, miny: y.0, maxx: x.1, maxy: y.1 };
    let inside = to(area.crs, STORAGE_CRS, &asked)?
        .intersection(&grid.extent)
        .filter(|b| b.width() > 0.0 && b.height() > 0.0)
        .ok_or_else(|| {
            outside(format!(
                "the subset {} ({}) lies outside the coverage, which spans {}",
                show(&asked),
                area.crs,
                show(&whole)
            ))
        })?;
    let cells = |span: f64| (span / grid.cell - SNAP).ceil().clamp(1.0, 1e9) as usize;
    let (bbox, native) = if output == STORAGE_CRS {
        snap(grid, &inside)
    } else {
        let asked = to(area.crs, output, &asked)?;
        let bbox = asked.intersection(&to(STORAGE_CRS, output, &grid.extent)?).unwrap_or(asked);
        (bbox, (cells(inside.width()), cells(inside.height())))
    };
    let scaled = |n: usize, f: f64| (n as f64 * f).round().clamp(0.0, 1e9) as usize;
    let (width, height) = match *scale {
        Scale::Native => native,
        Scale::Factors(fx, fy) => (scaled(native.0, fx), scaled(native.1, fy)),
        Scale::Size { width: Some(w), height: None, keep_aspect: true } => {
            (w, scaled(w, bbox.height() / bbox.width()).max(1))
        }
        Scale::Size { width: None, height: Some(h), keep_aspect: true } => {
            (scaled(h, bbox.width() / bbox.height()).max(1), h)
        }
        Scale::Size { width, height, .. } => (width.unwrap_or(native.0), height.unwrap_or(native.1)),
    };
    if width == 0 || height == 0 {
        return Err(OgcError::invalid(format!("the coverage would be {width} × {height} cells; ask for one at least")));
    }
    let max = max as usize;
    if width > max || height > max {
        return Err(OgcError::invalid(format!(
            "the coverage would be {width} × {height} cells, more than the {max} × {max} one request may have; \
             trim it or scale it down"
        )));
    }
    Ok(Window { crs: output, bbox, width, height })
}

/// `b` (in the storage CRS, inside the grid) widened to whole cells, and its cell counts.
fn snap(grid: &NativeGrid, b: &BBox) -> (BBox, (usize, usize)) {
    let c = grid.cell;
    let (col0, col1) = (((b.minx - GRID_ORIGIN.0) / c + SNAP).floor(), ((b.maxx - GRID_ORIGIN.0) / c - SNAP).ceil());
    let (row0, row1) = (((GRID_ORIGIN.1 - b.maxy) / c + SNAP).floor(), ((GRID_ORIGIN.1 - b.miny) / c - SNAP).ceil());
    let (col1, row1) = (col1.max(col0 + 1.0), row1.max(row0 + 1.0));
    let bbox = BBox {
        minx: GRID_ORIGIN.0 + col0 * c,
        miny: GRID_ORIGIN.1 - row1 * c,
        maxx: GRID_ORIGIN.0 + col1 * c,
        maxy: GRID_ORIGIN.1 - row0 * c,
    };
    (bbox, ((col1 - col0) as usize, (row1 - row0) as usize))
}

/// The window's heights read `how`, written as `format`.
pub(crate) fn render(
    layer: &RasterLayer,
    w: &Window,
    how: Interpolation,
    format: GridFormat,
    area: Option<&crate::area::Area>,
) -> Result<Vec<u8>, OgcError> {
    let (heights, _) = crate::elevation::sample_grid(layer, w.crs, &w.bbox, (w.width, w.height), 0, how, area)?;
    let (cx, cy) = (w.bbox.width() / w.width as f64, w.bbox.height() / w.height as f64);
    let grid = HeightGrid {
        heights: &heights,
        width: w.width,
        height: w.height,
        geotransform: [w.bbox.minx, cx, 0.0, w.bbox.maxy, 0.0, -cy],
        crs: w.crs,
    };
    encode_grid(&grid, format).map_err(OgcError::internal)
}

/// The answer carrying a written coverage, named after its dataset.
pub(crate) fn reply(id: &str, bytes: Vec<u8>, format: GridFormat) -> Reply {
    let mut reply = Reply::new(format.mime(), bytes);
    reply.headers.push(("Content-Disposition", format!("inline; filename=\"{id}.{}\"", format.extension())));
    reply
}

/// A format by any of the names clients use: media types (parameters ignored) and short
/// names (`tif`, `geotiff`, `ascii`, `asc`).
pub(crate) fn grid_format(name: &str) -> Option<GridFormat> {
    let name = name.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match name.as_str() {
        "image/tiff" | "image/geotiff" | "application/geotiff" | "tif" | "tiff" | "geotiff" => {
            Some(GridFormat::GeoTiff)
        }
        "text/plain" | "application/x-ogc-aaigrid" | "ascii" | "asc" | "aaigrid" => Some(GridFormat::AsciiGrid),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 10 m cells, 300 × 200 of them from (250 000, 6 652 004) down to the right (rows
    /// lie 10 m apart from the grid origin's 9 045 984).
    fn grid() -> NativeGrid {
        NativeGrid {
            extent: BBox { minx: 250_000.0, miny: 6_650_004.0, maxx: 253_000.0, maxy: 6_652_004.0 },
            cell: 10.0,
            width: 300,
            height: 200,
        }
    }

    fn trim(x: (f64, f64), y: (f64, f64)) -> Area {
        Area { crs: STORAGE_CRS, x: (Some(x.0), Some(x.1)), y: (Some(y.0), Some(y.1)) }
    }

    #[test]
    fn windows_follow_the_stored_grid() {
        let g = grid();
        let w = window(&g, &Area::whole(), STORAGE_CRS, &Scale::Native, 4096).unwrap();
        assert_eq!((w.bbox, w.width, w.height), (g.extent, 300, 200));
        // a trim inside cells is widened to whole cells
        let w =
            window(&g, &trim((250_015.0, 250_100.0), (6_651_004.0, 6_651_099.0)), STORAGE_CRS, &Scale::Native, 4096)
                .unwrap();
        assert_eq!(w.bbox.to_array(), [250_010.0, 6_651_004.0, 250_100.0, 6_651_104.0]);
        assert_eq!((w.width, w.height), (9, 10));
        // cut to the coverage, scaled
        let area = trim((249_000.0, 250_100.0), (6_651_904.0, 6_653_000.0));
        let w = window(&g, &area, STORAGE_CRS, &Scale::Factors(0.5, 0.5), 4096).unwrap();
        assert_eq!((w.bbox.to_array(), w.width, w.height), ([250_000.0, 6_651_904.0, 250_100.0, 6_652_004.0], 5, 5));
        let size = Scale::Size { width: Some(20), height: None, keep_aspect: true };
        assert_eq!(window(&g, &Area::whole(), STORAGE_CRS, &size, 4096).unwrap().height, 13);
        let size = Scale::Size { width: Some(20), height: None, keep_aspect: false };
        assert_eq!(window(&g, &Area::whole(), STORAGE_CRS, &size, 4096).unwrap().height, 200);
    }

    #[test]
    fn refusals_say_why() {
        let g = grid();
        let far = window(&g, &trim((0.0, 10.0), (0.0, 10.0)), STORAGE_CRS, &Scale::Native, 4096).err().unwrap();
        assert_eq!((far.status, far.code), (404, "InvalidSubsetting"));
        assert!(far.description.contains("outside"), "{}", far.description);
        let inverted =
            window(&g, &trim((250_100.0, 250_000.0), (6_651_000.0, 6_651_100.0)), STORAGE_CRS, &Scale::Native, 9);
        assert_eq!(inverted.err().unwrap().code, "InvalidSubsetting");
        let big = window(&g, &Area::whole(), STORAGE_CRS, &Scale::Native, 100).err().unwrap();
        assert_eq!((big.status, big.code), (400, "InvalidParameterValue"));
        let none = window(&g, &Area::whole(), STORAGE_CRS, &Scale::Factors(0.0, 1.0), 4096).err().unwrap();
        assert!(none.description.contains("0 × 200"), "{}", none.description);
    }

    #[test]
    fn formats_by_any_name() {
        assert_eq!(grid_format("image/tiff; application=geotiff"), Some(GridFormat::GeoTiff));
        assert_eq!(grid_format("ASCII"), Some(GridFormat::AsciiGrid));
        assert_eq!(grid_format("image/png"), None);
    }
}
