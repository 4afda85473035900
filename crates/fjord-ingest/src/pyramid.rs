//! The store's raster pyramid built from checked elevation sources ([`crate::dem`]).
//!
//! The level-0 tiles are made in chunks of a tile row, one worker thread a core (GDAL
//! handles cannot be shared, so each worker opens the sources itself), and written in
//! order. A source already in EPSG:25833 is read a window a chunk and resampled here as
//! GDAL's bilinear warp does it: no height where the source cell under the point is
//! NoData, else bilinear between cell centres with NoData left out and the weights of
//! the rest made whole again. Warping each tile through GDAL instead
//! cost most of an ingest in setting up the warp. Sources in other CRSs are warped by
//! GDAL tile by tile.

use crate::dem::DemSource;
use crate::error::{Error, Result};
use fjord_core::BBox;
use fjord_store::raster::{tile_box, tiles_touching, RasterHeader, RasterWriter, Tile, TILE};
use gdal::raster::GdalDataType;
use gdal::spatial_ref::SpatialRef;
use gdal::{Dataset, DriverManager};
use std::path::Path;
use std::sync::mpsc;

/// Most tiles a worker makes at once: 64 × 256 KiB of heights, and the source window
/// under them.
const CHUNK: u32 = 64;

/// Merge `sources` into a pyramid written to folder `dir`; `None` when no cell of any
/// source holds a height.
pub fn build_pyramid(mut sources: Vec<DemSource>, dir: &Path, vertical_datum: &str) -> Result<Option<RasterHeader>> {
    let Some(finest) = sources.iter().map(|s| s.cell).min_by(f64::total_cmp) else {
        return Ok(None);
    };
    let cell = ((finest * 100.0).round() / 100.0).max(0.01);
    // priority: finer first, then newer
    sources.sort_by(|a, b| a.cell.total_cmp(&b.cell).then(b.modified.cmp(&a.modified)));
    let extent = sources.iter().map(|s| s.extent).reduce(|a, b| a.union(&b)).expect("one source at least");
    let Some(((r0, r1), (c0, c1))) = tiles_touching(cell, 0, &extent) else {
        return Ok(None);
    };
    // the work in row order: (row, first column, last column)
    let chunks: Vec<(u32, u32, u32)> = (r0..=r1)
        .flat_map(|r| (c0..=c1).step_by(CHUNK as usize).map(move |c| (r, c, (c + CHUNK - 1).min(c1))))
        .collect();
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(chunks.len());
    let mut writer = RasterWriter::new(dir, cell)?;
    writer.set_sources(sources.iter().map(|s| s.name()).collect());
    let (sources, chunks) = (&sources, &chunks);
    std::thread::scope(|scope| -> Result<()> {
        // worker k makes chunks k, k + workers, ...; one channel each keeps them in order
        let mut made = Vec::with_capacity(workers);
        for k in 0..workers {
            let (tx, rx) = mpsc::sync_channel::<Result<Chunk>>(1);
            made.push(rx);
            scope.spawn(move || {
                let mut maker = match ChunkMaker::new(sources, cell) {
                    Ok(m) => m,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                };
                for &chunk in chunks.iter().skip(k).step_by(workers) {
                    let tiles = maker.make(chunk);
                    let failed = tiles.is_err();
                    if tx.send(tiles).is_err() || failed {
                        break;
                    }
                }
            });
        }
        for (i, &(row, ..)) in chunks.iter().enumerate() {
            let chunk = made[i % workers].recv().map_err(|_| Error::Thread("making elevation tiles"))??;
            writer.count_footprint(chunk.footprint.0, chunk.footprint.1);
            for (col, tile) in chunk.tiles {
                writer.put(row, col, tile)?;
            }
        }
        Ok(())
    })?;
    Ok(writer.finish(vertical_datum)?)
}

/// A chunk of a tile row: its tiles by column, and the cells inside the sources'
/// footprint (their extents) with how many of those hold no height.
struct Chunk {
    tiles: Vec<(u32, Tile)>,
    footprint: (u64, u64),
}

/// Cells of a tile (box `b`, `cell` metres) whose centre lies inside one of `extents`,
/// and how many of those hold no height.
fn footprint(heights: &[f32], b: &BBox, cell: f64, extents: &[BBox]) -> (u64, u64) {
    let mut inside = vec![false; TILE * TILE];
    // the first and last cell whose centre lies from `lo` to `hi` metres into the tile
    let span = |lo: f64, hi: f64| {
        let (first, last) = ((lo / cell - 0.5).ceil().max(0.0), (hi / cell - 0.5).floor().min(TILE as f64 - 1.0));
        (first <= last).then_some((first as usize, last as usize))
    };
    for e in extents {
        let columns = span(e.minx - b.minx, e.maxx - b.minx);
        let (Some((c0, c1)), Some((r0, r1))) = (columns, span(b.maxy - e.maxy, b.maxy - e.miny)) else { continue };
        for r in r0..=r1 {
            inside[r * TILE + c0..=r * TILE + c1].fill(true);
        }
    }
    let cells = inside.iter().filter(|i| **i).count() as u64;
    let nodata = inside.iter().zip(heights).filter(|(i, h)| **i && h.is_nan()).count() as u64;
    (cells, nodata)
}

/// Makes chunks of level-0 tiles on one thread, with that thread's own GDAL handles.
struct ChunkMaker<'a> {
    sources: &'a [DemSource],
    /// each source's dataset, opened when first needed
    open: Vec<Option<Opened>>,
    cell: f64,
    mem: gdal::Driver,
    target: SpatialRef,
}

impl<'a> ChunkMaker<'a> {
    fn new(sources: &'a [DemSource], cell: f64) -> Result<ChunkMaker<'a>> {
        Ok(ChunkMaker {
            sources,
            open: sources.iter().map(|_| None).collect(),
            cell,
            mem: DriverManager::get_driver_by_name("MEM")?,
            target: SpatialRef::from_epsg(25833)?,
        })
    }

    /// The tiles of `row` from column `c0` to `c1`, each filled from the sources in
    /// priority order.
    fn make(&mut self, (row, c0, c1): (u32, u32, u32)) -> Result<Chunk> {
        let cell = self.cell;
        let boxes: Vec<BBox> = (c0..=c1).map(|c| tile_box(cell, 0, row, c)).collect();
        let strip = boxes[0].union(&boxes[boxes.len() - 1]);
        let mut tiles: Vec<Vec<f32>> = boxes.iter().map(|_| vec![f32::NAN; TILE * TILE]).collect();
        for (k, source) in self.sources.iter().enumerate() {
            if strip.maxy < source.extent.miny {
                // rows go southwards: this source is behind us for good
                self.open[k] = None;
                continue;
            }
            let wanted: Vec<usize> = (0..boxes.len())
                .filter(|&i| source.extent.intersects(&boxes[i]) && tiles[i].iter().any(|h| h.is_nan()))
                .collect();
            if wanted.is_empty() {
                continue;
            }
            let dataset = match &mut self.open[k] {
                Some(d) => d.read(),
                slot => slot.insert(open_source(source)?).read(),
            };
            if source.crs == "EPSG:25833" {
                let Some(window) = Window::read(dataset, &strip)? else { continue };
                for i in wanted {
                    window.fill(&mut tiles[i], &boxes[i], cell);
                }
            } else {
                for i in wanted {
                    let warped = warp_tile(dataset, &self.mem, &self.target, &boxes[i], cell)?;
                    for (h, w) in tiles[i].iter_mut().zip(warped) {
                        if h.is_nan() {
                            *h = w;
                        }
                    }
                }
            }
        }
        let extents: Vec<BBox> = self.sources.iter().map(|s| s.extent).collect();
        let mut counted = (0, 0);
        for (heights, b) in tiles.iter().zip(&boxes) {
            let (cells, nodata) = footprint(heights, b, cell, &extents);
            counted = (counted.0 + cells, counted.1 + nodata);
        }
        let tiles = (c0..).zip(tiles).map(|(col, heights)| Ok((col, Tile::new(heights)?))).collect::<Result<_>>()?;
        Ok(Chunk { tiles, footprint: counted })
    }
}

/// A source opened on one thread: its dataset, and for one whose CRS was given (it
/// names none) and that GDAL warps, an in-memory VRT over it that carries the CRS, so
/// nothing is written beside the source. The VRT reads through the dataset, which must
/// outlive it.
struct Opened {
    vrt: Option<Dataset>,
    dataset: Dataset,
}

impl Opened {
    /// What to read the heights from.
    fn read(&self) -> &Dataset {
        self.vrt.as_ref().unwrap_or(&self.dataset)
    }
}

fn open_source(source: &DemSource) -> Result<Opened> {
    let dataset = Dataset::open(&source.path)?;
    if !source.assumed || source.crs == "EPSG:25833" {
        return Ok(Opened { vrt: None, dataset });
    }
    let mut vrt = dataset.create_copy(&DriverManager::get_driver_by_name("VRT")?, "", &Default::default())?;
    vrt.set_spatial_ref(&SpatialRef::from_definition(&source.crs)?)?;
    Ok(Opened { vrt: Some(vrt), dataset })
}

/// The cells of a source in the storage CRS under a box and one cell around it, `NaN`
/// for NoData.
struct Window {
    /// the source's geotransform
    gt: [f64; 6],
    /// the source's size in cells
    size: (usize, usize),
    /// the window's first column and row in the source
    at: (usize, usize),
    /// the window's size in cells
    len: (usize, usize),
    cells: Vec<f32>,
}

impl Window {
    /// The window of `dataset` under `b`; `None` when they do not overlap.
    fn read(dataset: &Dataset, b: &BBox) -> Result<Option<Window>> {
        let gt = dataset.geo_transform()?;
        let size = dataset.raster_size();
        let span = |lo: f64, hi: f64, n: usize| {
            let (lo, hi) = (lo.min(hi).floor() - 1.0, lo.max(hi).ceil() + 1.0);
            let (lo, hi) = (lo.max(0.0) as usize, (hi.max(0.0) as usize).min(n));
            (lo < hi).then_some((lo, hi - lo))
        };
        let Some((c, w)) = span((b.minx - gt[0]) / gt[1], (b.maxx - gt[0]) / gt[1], size.0) else {
            return Ok(None);
        };
        let Some((r, h)) = span((b.maxy - gt[3]) / gt[5], (b.miny - gt[3]) / gt[5], size.1) else {
            return Ok(None);
        };
        let band = dataset.rasterband(1)?;
        let nodata = band.no_data_value();
        let (_, mut cells) = band.read_as::<f32>((c as isize, r as isize), (w, h), (w, h), None)?.into_shape_and_vec();
        if let Some(nd) = nodata {
            let nd = nd as f32;
            cells.iter_mut().filter(|v| **v == nd).for_each(|v| *v = f32::NAN);
        }
        Ok(Some(Window { gt, size, at: (c, r), len: (w, h), cells }))
    }

    /// Fill the `NaN` cells of a tile (box `b`, `cell` metres) whose centre lies on a
    /// source cell that holds a height, bilinear.
    fn fill(&self, tile: &mut [f32], b: &BBox, cell: f64) {
        let gt = &self.gt;
        for y in 0..TILE {
            // the cell centre in the source's pixel space, and its place in the window
            let py = (b.maxy - (y as f64 + 0.5) * cell - gt[3]) / gt[5];
            if py < 0.0 || py >= self.size.1 as f64 {
                continue;
            }
            let wy = py - 0.5 - self.at.1 as f64;
            for x in 0..TILE {
                let h = &mut tile[y * TILE + x];
                if !h.is_nan() {
                    continue;
                }
                let px = (b.minx + (x as f64 + 0.5) * cell - gt[0]) / gt[1];
                if px < 0.0 || px >= self.size.0 as f64 {
                    continue;
                }
                let under = (py as usize - self.at.1) * self.len.0 + (px as usize - self.at.0);
                if !self.cells[under].is_nan() {
                    *h = self.bilinear(px - 0.5 - self.at.0 as f64, wy);
                }
            }
        }
    }

    /// The height at window position (`u`, `v`) (cell centres at whole numbers) from
    /// the four cells around it that hold one; `NaN` when none does.
    fn bilinear(&self, u: f64, v: f64) -> f32 {
        let (i, j) = (u.floor(), v.floor());
        let (fu, fv) = (u - i, v - j);
        let (mut sum, mut weight) = (0.0, 0.0);
        for (di, dj, w) in
            [(0, 0, (1.0 - fu) * (1.0 - fv)), (1, 0, fu * (1.0 - fv)), (0, 1, (1.0 - fu) * fv), (1, 1, fu * fv)]
        {
            let (ci, cj) = (i as i64 + di, j as i64 + dj);
            if w <= 0.0 || ci < 0 || cj < 0 || ci >= self.len.0 as i64 || cj >= self.len.1 as i64 {
                continue;
            }
            let h = self.cells[cj as usize * self.len.0 + ci as usize];
            if !h.is_nan() {
                sum += w * f64::from(h);
                weight += w;
            }
        }
        if weight > 1e-6 {
            (sum / weight) as f32
        } else {
            f32::NAN
        }
    }
}

/// One grid tile (box `b`, `cell` metres) warped from `source` by GDAL, NoData as `NaN`.
fn warp_tile(source: &Dataset, mem: &gdal::Driver, target: &SpatialRef, b: &BBox, cell: f64) -> Result<Vec<f32>> {
    let mut tile = mem.create_with_band_type::<f32, _>("", TILE, TILE, 1)?;
    tile.set_geo_transform(&[b.minx, cell, 0.0, b.maxy, 0.0, -cell])?;
    tile.set_spatial_ref(target)?;
    {
        let mut band = tile.rasterband(1)?;
        band.set_no_data_value(Some(f64::NAN))?;
        band.fill(f64::NAN, None)?;
    }
    gdal::raster::reproject(source, &tile)?;
    let band = tile.rasterband(1)?;
    debug_assert_eq!(band.band_type(), GdalDataType::Float32);
    let (_, data) = band.read_as::<f32>((0, 0), (TILE, TILE), (TILE, TILE), None)?.into_shape_and_vec();
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dem::{open_dem, tests::tiff};

    #[test]
    fn direct_resampling_matches_gdal_warp() {
        let dir = tempfile::tempdir().unwrap();
        // a wavy surface on 7.3 m cells off the grid, with a NoData hole
        let path = dir.path().join("off-grid.tif");
        tiff(&path, 25833, (250_003.7, 6_660_001.9), 7.3, (400, 400), |c, r| {
            if (150..170).contains(&c) && (200..230).contains(&r) {
                -9999.0
            } else {
                (300.0 + 40.0 * (c as f64 / 17.0).sin() + 25.0 * (r as f64 / 11.0).cos()) as f32
            }
        });
        let source = open_dem(&path, &path, None).unwrap();
        let cell = 5.0;
        let ((r0, r1), (c0, c1)) = tiles_touching(cell, 0, &source.extent).unwrap();
        let dataset = Dataset::open(&path).unwrap();
        let (mem, target) = (DriverManager::get_driver_by_name("MEM").unwrap(), SpatialRef::from_epsg(25833).unwrap());
        let mut compared = 0;
        // every tile the source touches: its edges, its hole and its inside
        for (row, col) in (r0..=r1).flat_map(|r| (c0..=c1).map(move |c| (r, c))) {
            let b = tile_box(cell, 0, row, col);
            let gdal = warp_tile(&dataset, &mem, &target, &b, cell).unwrap();
            let mut ours = vec![f32::NAN; TILE * TILE];
            Window::read(&dataset, &b).unwrap().unwrap().fill(&mut ours, &b, cell);
            for (g, o) in gdal.iter().zip(&ours) {
                match (g.is_nan(), o.is_nan()) {
                    (false, false) => {
                        compared += 1;
                        assert!((g - o).abs() < 1e-3, "GDAL {g}, ours {o}");
                    }
                    (true, false) => panic!("we have {o} where GDAL has none"),
                    (false, true) => panic!("GDAL has {g} where we have none"),
                    (true, true) => {}
                }
            }
        }
        assert!(compared > 100_000, "{compared}");
    }
}
