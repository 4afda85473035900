//! Elevation rasters: a version's tile pyramid in the storage CRS.
//!
//! Why a pyramid of the store's own and not a Cloud Optimized GeoTIFF per source: the
//! partner sources overlap, differ in resolution and projection, and are served as one
//! seamless surface; merging them once at ingest into one grid makes every read a plain
//! tile lookup in pure Rust (no GDAL on the request path, as DESIGN.md asks), and a
//! window touches only the tiles the R-tree names.
//!
//! The grid: EPSG:25833, anchored at the `utm33n` tile matrix set's corner, square cells
//! of `cell` metres at level 0 and twice as wide at each level above, tiles of
//! [`TILE`]×[`TILE`] cells. Heights are `f32` metres; `NaN` is NoData. A version folder
//! holds `raster.json` ([`RasterHeader`]), `tiles.bin` (the tiles, each byte-planed and
//! deflated) and `tiles.idx` (one [`INDEX_RECORD`]-byte record per tile: level, row,
//! column, offset, length). Tiles wholly NoData are not stored.

use crate::error::{io, Error, Result};
use fjord_core::BBox;
use memmap2::Mmap;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Cells across (and down) a tile.
pub const TILE: usize = 256;

/// Where every grid starts: the top-left corner of the `utm33n` tile matrix set.
pub const GRID_ORIGIN: (f64, f64) = (-2_500_000.0, 9_045_984.0);

/// Bytes of one record of `tiles.idx`.
pub const INDEX_RECORD: usize = 24;

/// Deflate level for tiles: the fastest. Level 3 made the kit's 60-million-cell DEM
/// 16 % smaller (35 against 42 MB) and its ingest half as fast again (4.7 against 3.1 s).
const DEFLATE_LEVEL: u8 = 1;

/// The highest level a pyramid may have (a tile then spans 2^24 cells).
const MAX_LEVEL: u8 = 24;

/// What a raster version is: its grid, its levels and what was learned from the data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RasterHeader {
    /// cell size at level 0, metres
    pub cell: f64,
    /// levels stored, level 0 the finest
    pub levels: u8,
    /// extent of the data in the storage CRS
    pub extent: BBox,
    /// vertical datum of the heights (NN2000 unless a source says otherwise)
    pub vertical_datum: String,
    /// lowest, highest and mean height, and the share of NoData cells
    pub stats: RasterStats,
    /// tiles stored, all levels
    pub tiles: u64,
    /// the sources' names, in priority order
    #[serde(default)]
    pub sources: Vec<String>,
}

/// Heights seen at level 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RasterStats {
    /// lowest height
    pub min: f64,
    /// highest height
    pub max: f64,
    /// mean height
    pub mean: f64,
    /// share (0–1) of the cells that hold no height: of those inside the sources'
    /// footprint where the ingest counted it, else of the stored level-0 tiles
    pub nodata_share: f64,
}

/// The span of one tile at `level`, metres.
pub fn tile_span(cell: f64, level: u8) -> f64 {
    cell * f64::from(1u32 << level) * TILE as f64
}

/// The box of tile (`level`, `row`, `col`) of a grid of `cell` metres.
pub fn tile_box(cell: f64, level: u8, row: u32, col: u32) -> BBox {
    let span = tile_span(cell, level);
    let minx = GRID_ORIGIN.0 + f64::from(col) * span;
    let maxy = GRID_ORIGIN.1 - f64::from(row) * span;
    BBox { minx, miny: maxy - span, maxx: minx + span, maxy }
}

/// The tiles (rows, columns, inclusive) of `level` that `b` touches; `None` when `b`
/// lies before the grid's corner or is empty.
pub fn tiles_touching(cell: f64, level: u8, b: &BBox) -> Option<((u32, u32), (u32, u32))> {
    let span = tile_span(cell, level);
    let col = |x: f64| ((x - GRID_ORIGIN.0) / span).floor();
    let row = |y: f64| ((GRID_ORIGIN.1 - y) / span).floor();
    let (c0, c1, r0, r1) = (col(b.minx).max(0.0), col(b.maxx), row(b.maxy).max(0.0), row(b.miny));
    if !(c0 <= c1 && r0 <= r1) || c1 < 0.0 || r1 < 0.0 || c1 > f64::from(u32::MAX) || r1 > f64::from(u32::MAX) {
        return None;
    }
    Some(((r0 as u32, r1 as u32), (c0 as u32, c1 as u32)))
}

/// A level-0 tile for [`RasterWriter::put`]: [`TILE`]² heights, row by row from the
/// top, `NaN` for NoData, and their stored form. Made on whichever thread builds the
/// tile, because encoding is most of the time a pyramid takes to write.
pub struct Tile {
    heights: Vec<f32>,
    /// `None` when every cell is NoData (such tiles are not stored)
    bytes: Option<Vec<u8>>,
}

impl Tile {
    /// A tile of `heights`; an error unless there are [`TILE`]² of them.
    pub fn new(heights: Vec<f32>) -> Result<Tile> {
        if heights.len() != TILE * TILE {
            return Err(Error::Encode(format!("a tile has {} cells, not {}", heights.len(), TILE * TILE)));
        }
        let bytes = heights.iter().any(|h| !h.is_nan()).then(|| encode_tile(&heights));
        Ok(Tile { heights, bytes })
    }
}

/// Writes a pyramid: level-0 tiles in row order, the levels above made from them as the
/// rows complete, so memory holds two rows of tiles a level, not the raster.
pub struct RasterWriter {
    dir: PathBuf,
    cell: f64,
    data: BufWriter<File>,
    offset: u64,
    index: Vec<u8>,
    tiles: u64,
    /// per level above 0: parent tiles being filled, by (row, col)
    parents: Vec<HashMap<(u32, u32), Vec<f32>>>,
    /// the highest level made: [`MAX_LEVEL`] until `finish` knows the extent
    top: u8,
    last_row: Option<u32>,
    extent: Option<BBox>,
    sum: f64,
    count: u64,
    nodata: u64,
    min: f64,
    max: f64,
    sources: Vec<String>,
    /// cells inside the sources' footprint and how many of them hold no height, when
    /// the caller counts them ([`RasterWriter::count_footprint`])
    footprint: Option<(u64, u64)>,
}

impl RasterWriter {
    /// Start a pyramid of `cell`-metre cells in folder `dir` (which must exist).
    pub fn new(dir: &Path, cell: f64) -> Result<RasterWriter> {
        if !(cell.is_finite() && cell > 0.0) {
            return Err(Error::Encode(format!("a cell of {cell} m is no cell")));
        }
        let path = dir.join("tiles.bin");
        let data = BufWriter::with_capacity(1 << 20, File::create(&path).map_err(io(&path))?);
        Ok(RasterWriter {
            dir: dir.to_path_buf(),
            cell,
            data,
            offset: 0,
            index: Vec::new(),
            tiles: 0,
            parents: Vec::new(),
            top: MAX_LEVEL,
            last_row: None,
            extent: None,
            sum: 0.0,
            count: 0,
            nodata: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            sources: Vec::new(),
            footprint: None,
        })
    }

    /// Name the sources (in priority order) for the header.
    pub fn set_sources(&mut self, names: Vec<String>) {
        self.sources = names;
    }

    /// Count `cells` inside the sources' footprint of which `nodata` hold no height; the
    /// NoData share is then measured over the footprint instead of the stored tiles
    /// (whose edge tiles reach beyond the sources).
    pub fn count_footprint(&mut self, cells: u64, nodata: u64) {
        let (c, n) = self.footprint.unwrap_or((0, 0));
        self.footprint = Some((c + cells, n + nodata));
    }

    /// Add level-0 tile (`row`, `col`). Rows must come in order (any order within a row).
    pub fn put(&mut self, row: u32, col: u32, tile: Tile) -> Result<()> {
        if self.last_row.is_some_and(|r| row < r) {
            return Err(Error::Encode(format!("tile row {row} after row {}", self.last_row.unwrap_or(0))));
        }
        if self.last_row != Some(row) {
            self.last_row = Some(row);
            // parents of rows two or more above are complete
            self.flush_parents(1, row / 2)?;
        }
        let Tile { heights, bytes } = tile;
        let Some(bytes) = bytes else {
            return Ok(());
        };
        for &h in &heights {
            if h.is_nan() {
                self.nodata += 1;
            } else {
                let h = f64::from(h);
                self.sum += h;
                self.count += 1;
                self.min = self.min.min(h);
                self.max = self.max.max(h);
            }
        }
        let b = tile_box(self.cell, 0, row, col);
        self.extent = Some(self.extent.map_or(b, |e| e.union(&b)));
        self.add_to_parent(1, row, col, &heights);
        self.write(0, row, col, &bytes)
    }

    /// Encode and write one tile of the levels above 0.
    fn store(&mut self, level: u8, row: u32, col: u32, heights: &[f32]) -> Result<()> {
        self.write(level, row, col, &encode_tile(heights))
    }

    /// Write one encoded tile and its index record.
    fn write(&mut self, level: u8, row: u32, col: u32, bytes: &[u8]) -> Result<()> {
        let path = self.dir.join("tiles.bin");
        self.data.write_all(bytes).map_err(io(&path))?;
        self.index.push(level);
        self.index.extend_from_slice(&[0; 3]);
        self.index.extend_from_slice(&row.to_le_bytes());
        self.index.extend_from_slice(&col.to_le_bytes());
        self.index.extend_from_slice(&self.offset.to_le_bytes());
        self.index.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        self.offset += bytes.len() as u64;
        self.tiles += 1;
        Ok(())
    }

    /// Average `heights` (a tile of `level - 1`) two by two into its quarter of the
    /// parent tile at `level`.
    fn add_to_parent(&mut self, level: u8, row: u32, col: u32, heights: &[f32]) {
        if level > self.top {
            return;
        }
        let l = usize::from(level) - 1;
        if self.parents.len() <= l {
            self.parents.resize_with(l + 1, HashMap::new);
        }
        let parent = self.parents[l].entry((row / 2, col / 2)).or_insert_with(|| vec![f32::NAN; TILE * TILE]);
        let (oy, ox) = ((row % 2) as usize * TILE / 2, (col % 2) as usize * TILE / 2);
        for y in 0..TILE / 2 {
            for x in 0..TILE / 2 {
                let (mut s, mut n) = (0f32, 0u8);
                for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                    let h = heights[(2 * y + dy) * TILE + 2 * x + dx];
                    if !h.is_nan() {
                        s += h;
                        n += 1;
                    }
                }
                if n > 0 {
                    parent[(oy + y) * TILE + ox + x] = s / f32::from(n);
                }
            }
        }
    }

    /// Store the parents at `level` whose row is before `before`, feeding each into the
    /// level above.
    fn flush_parents(&mut self, level: u8, before: u32) -> Result<()> {
        if level > self.top {
            return Ok(());
        }
        let l = usize::from(level) - 1;
        let Some(pending) = self.parents.get_mut(l) else { return Ok(()) };
        let mut done: Vec<(u32, u32)> = pending.keys().filter(|(r, _)| *r < before).copied().collect();
        if done.is_empty() {
            return Ok(());
        }
        done.sort_unstable();
        for (row, col) in done {
            let Some(tile) = self.parents[l].remove(&(row, col)) else { continue };
            self.add_to_parent(level + 1, row, col, &tile);
            self.store(level, row, col, &tile)?;
        }
        self.flush_parents(level + 1, before / 2)
    }

    /// Store what is left, the levels up to the one whose single tile holds the
    /// extent, and the index and header; fsync. `None` when no tile held a height.
    pub fn finish(mut self, vertical_datum: &str) -> Result<Option<RasterHeader>> {
        let Some(extent) = self.extent else { return Ok(None) };
        let single = |l: u8| tiles_touching(self.cell, l, &extent).is_some_and(|(r, c)| r.0 == r.1 && c.0 == c.1);
        self.top = (0..MAX_LEVEL).find(|&l| single(l)).unwrap_or(MAX_LEVEL);
        self.flush_parents(1, u32::MAX)?;
        let path = self.dir.join("tiles.bin");
        let file = self.data.into_inner().map_err(|e| io(&path)(e.into_error()))?;
        file.sync_all().map_err(io(&path))?;
        crate::writer::write_synced(&self.dir.join("tiles.idx"), &self.index)?;
        let (cells, nodata) = self.footprint.unwrap_or((self.count + self.nodata, self.nodata));
        let header = RasterHeader {
            cell: self.cell,
            levels: self.top + 1,
            extent,
            vertical_datum: vertical_datum.to_string(),
            stats: RasterStats {
                min: self.min,
                max: self.max,
                mean: self.sum / self.count.max(1) as f64,
                nodata_share: nodata as f64 / cells.max(1) as f64,
            },
            tiles: self.tiles,
            sources: std::mem::take(&mut self.sources),
        };
        let json = serde_json::to_vec_pretty(&header).map_err(|e| Error::Encode(e.to_string()))?;
        crate::writer::write_synced(&self.dir.join("raster.json"), &json)?;
        Ok(Some(header))
    }
}

/// A tile as stored: the four bytes of each height split into four planes (so the
/// slowly changing high bytes of neighbours lie together), then deflated.
fn encode_tile(heights: &[f32]) -> Vec<u8> {
    let n = heights.len();
    let mut planes = vec![0u8; n * 4];
    for (i, h) in heights.iter().enumerate() {
        for (k, b) in h.to_le_bytes().into_iter().enumerate() {
            planes[k * n + i] = b;
        }
    }
    miniz_oxide::deflate::compress_to_vec(&planes, DEFLATE_LEVEL)
}

/// The heights of a stored tile; an error for bytes that are not one.
fn decode_tile(bytes: &[u8]) -> std::result::Result<Vec<f32>, String> {
    let n = TILE * TILE;
    let planes = miniz_oxide::inflate::decompress_to_vec_with_limit(bytes, n * 4).map_err(|e| format!("{e:?}"))?;
    if planes.len() != n * 4 {
        return Err(format!("a tile of {} bytes, not {}", planes.len(), n * 4));
    }
    Ok((0..n).map(|i| f32::from_le_bytes([planes[i], planes[n + i], planes[2 * n + i], planes[3 * n + i]])).collect())
}

/// A tile's (row, column) within its level.
type TileAt = (u32, u32);

type TileBox = GeomWithData<Rectangle<[f64; 2]>, TileAt>;

/// Decoded tiles a [`RasterLayer`] keeps for the next reads: 96 × 256 KiB = 24 MiB.
const DECODED_TILES: usize = 96;

/// A tile's heights, decoded once and shared by the reads that need it.
pub type Heights = Arc<Vec<f32>>;

/// A published raster version, ready for reads.
pub struct RasterLayer {
    path: PathBuf,
    header: RasterHeader,
    map: Mmap,
    index: HashMap<(u8, u32, u32), (usize, usize)>,
    /// per level, the boxes of the tiles stored
    trees: Vec<RTree<TileBox>>,
    /// the tiles read most recently, decoded (maps of one area read the same tiles)
    decoded: Mutex<lru::LruCache<(u8, u32, u32), Heights>>,
}

impl RasterLayer {
    /// Open the pyramid in version folder `dir`.
    pub fn open(dir: &Path) -> Result<RasterLayer> {
        let corrupt = |reason: String| Error::Corrupt { path: dir.to_path_buf(), reason };
        let json = dir.join("raster.json");
        let text = std::fs::read(&json).map_err(io(&json))?;
        let header: RasterHeader = serde_json::from_slice(&text).map_err(|e| corrupt(e.to_string()))?;
        let bin = dir.join("tiles.bin");
        let file = File::open(&bin).map_err(io(&bin))?;
        // SAFETY: version files are written once and never modified in place (publish
        // renames whole folders), so the mapping cannot change under us.
        let map = unsafe { Mmap::map(&file) }.map_err(io(&bin))?;
        let idx_path = dir.join("tiles.idx");
        let idx = std::fs::read(&idx_path).map_err(io(&idx_path))?;
        if idx.len() % INDEX_RECORD != 0 {
            return Err(corrupt("tiles.idx is cut short".into()));
        }
        let mut index = HashMap::with_capacity(idx.len() / INDEX_RECORD);
        let mut boxes: Vec<Vec<TileBox>> = vec![Vec::new(); usize::from(header.levels)];
        for r in idx.chunks_exact(INDEX_RECORD) {
            let u32_at = |i: usize| u32::from_le_bytes([r[i], r[i + 1], r[i + 2], r[i + 3]]);
            let level = r[0];
            let (row, col) = (u32_at(4), u32_at(8));
            let offset = u64::from_le_bytes(r[12..20].try_into().expect("8 bytes"));
            let len = u32_at(20) as usize;
            let start = usize::try_from(offset).map_err(|_| corrupt("an offset past memory".into()))?;
            if level >= header.levels || start.checked_add(len).is_none_or(|end| end > map.len()) {
                return Err(corrupt(format!("tile {level}/{row}/{col} lies outside tiles.bin")));
            }
            index.insert((level, row, col), (start, len));
            let b = tile_box(header.cell, level, row, col);
            boxes[usize::from(level)]
                .push(TileBox::new(Rectangle::from_corners([b.minx, b.miny], [b.maxx, b.maxy]), (row, col)));
        }
        let trees = boxes.into_iter().map(RTree::bulk_load).collect();
        let decoded = Mutex::new(lru::LruCache::new(NonZeroUsize::new(DECODED_TILES).unwrap_or(NonZeroUsize::MIN)));
        Ok(RasterLayer { path: dir.to_path_buf(), header, map, index, trees, decoded })
    }

    /// What the version is.
    pub fn header(&self) -> &RasterHeader {
        &self.header
    }

    /// The heights of tile (`level`, `row`, `col`); `None` where no tile is stored (all
    /// NoData, or outside the data).
    pub fn tile(&self, level: u8, row: u32, col: u32) -> Result<Option<Heights>> {
        let key = (level, row, col);
        let Some(&(start, len)) = self.index.get(&key) else { return Ok(None) };
        if let Some(h) = self.decoded.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(Some(Arc::clone(h)));
        }
        let heights = Arc::new(
            decode_tile(&self.map[start..start + len])
                .map_err(|reason| Error::Corrupt { path: self.path.clone(), reason })?,
        );
        self.decoded.lock().unwrap_or_else(|e| e.into_inner()).put(key, Arc::clone(&heights));
        Ok(Some(heights))
    }

    /// The stored tiles of `level` that `b` touches, as (row, col), by the R-tree.
    pub fn tiles_in(&self, level: u8, b: &BBox) -> Vec<(u32, u32)> {
        let Some(tree) = self.trees.get(usize::from(level)) else { return Vec::new() };
        let env = AABB::from_corners([b.minx, b.miny], [b.maxx, b.maxy]);
        tree.locate_in_envelope_intersecting(&env).map(|t| t.data).collect()
    }

    /// The coarsest level whose cells are no larger than `pixel` metres (level 0 when
    /// every level is coarser).
    pub fn level_for(&self, pixel: f64) -> u8 {
        let mut level = 0;
        while level + 1 < self.header.levels && self.header.cell * f64::from(1u32 << (level + 1)) <= pixel {
            level += 1;
        }
        level
    }

    /// The height at (`x`, `y`) in the storage CRS, bilinear between the four nearest
    /// level-0 cell centres; `None` where any of them holds no height.
    pub fn height_at(&self, x: f64, y: f64) -> Result<Option<f64>> {
        self.sampler(0).height(x, y)
    }

    /// Heights of one level, read tile by tile as points ask (the last tile kept).
    pub fn sampler(&self, level: u8) -> Sampler<'_> {
        Sampler { layer: self, level: level.min(self.header.levels.saturating_sub(1)), kept: Vec::new() }
    }
}

/// Tiles a [`Sampler`] keeps decoded: a picture's rows cross a few tiles over and over.
const SAMPLER_TILES: usize = 8;

/// How a [`Sampler`] reads a height at a point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interpolation {
    /// the height of the cell the point lies in, as stored
    Nearest,
    /// bilinear between the four nearest cell centres
    Bilinear,
}

/// Bilinear heights of one level of a [`RasterLayer`], keeping the last few tiles read
/// (points asked in order mostly fall in them; the oldest read goes first).
pub struct Sampler<'a> {
    layer: &'a RasterLayer,
    level: u8,
    /// decoded tiles, the most recently read last
    kept: Vec<(TileAt, Option<Heights>)>,
}

impl Sampler<'_> {
    /// The height at (`x`, `y`) in the storage CRS, bilinear between the four nearest
    /// cell centres of the level; `None` where any of them holds no height.
    pub fn height(&mut self, x: f64, y: f64) -> Result<Option<f64>> {
        let cell = self.layer.header.cell * f64::from(1u32 << self.level);
        // cell-centre coordinates: centre (i, j) lies at origin + (i + 0.5) cells
        let fx = (x - GRID_ORIGIN.0) / cell - 0.5;
        let fy = (GRID_ORIGIN.1 - y) / cell - 0.5;
        if !(fx.is_finite() && fy.is_finite()) || fx < 0.0 || fy < 0.0 || fx > 1e12 || fy > 1e12 {
            return Ok(None);
        }
        // both are non-negative: truncation is the floor, without a libm call
        let (i, j) = (fx as u64, fy as u64);
        let (tx, ty) = (fx - i as f64, fy - j as f64);
        let t = TILE as u64;
        let (a, b, c, d) = if i % t < t - 1 && j % t < t - 1 {
            // the four cells lie in one tile, the usual case: one lookup
            let Some(h) = self.tile_of(i, j)? else { return Ok(None) };
            let at = (j % t) as usize * TILE + (i % t) as usize;
            (h[at], h[at + 1], h[at + TILE], h[at + TILE + 1])
        } else {
            let cell = |s: &mut Self, i, j| s.cell(i, j).map(|h| h.unwrap_or(f32::NAN));
            (cell(self, i, j)?, cell(self, i + 1, j)?, cell(self, i, j + 1)?, cell(self, i + 1, j + 1)?)
        };
        if a.is_nan() || b.is_nan() || c.is_nan() || d.is_nan() {
            return Ok(None);
        }
        let top = f64::from(a) * (1.0 - tx) + f64::from(b) * tx;
        let bottom = f64::from(c) * (1.0 - tx) + f64::from(d) * tx;
        Ok(Some(top * (1.0 - ty) + bottom * ty))
    }

    /// Heights along a row of points of the storage CRS, (`x0` + k·`dx`, `y`) for each
    /// k of `out`, as [`Sampler::height`] gives them, `NaN` for none. Walks the row a
    /// tile at a time, with one lookup a tile instead of one a point, as a picture in
    /// the storage CRS is read.
    pub fn row(&mut self, y: f64, x0: f64, dx: f64, out: &mut [f32]) -> Result<()> {
        out.fill(f32::NAN);
        let cell = self.layer.header.cell * f64::from(1u32 << self.level);
        let fy = (GRID_ORIGIN.1 - y) / cell - 0.5;
        if !(fy.is_finite() && dx.is_finite() && dx > 0.0 && (0.0..=1e12).contains(&fy)) {
            return Ok(());
        }
        let t = TILE as u64;
        let j = fy as u64;
        let ty = fy - j as f64;
        // the two rows of cells between which the points lie: tile row and row within it
        let (above, below) = ((j / t, (j % t) as usize), ((j + 1) / t, ((j + 1) % t) as usize));
        // point k lies at cell-centre column fx0 + k·step
        let (fx0, step) = ((x0 - GRID_ORIGIN.0) / cell - 0.5, dx / cell);
        let mut k = 0;
        while k < out.len() {
            let fx = fx0 + k as f64 * step;
            if !(0.0..=1e12).contains(&fx) {
                k += 1;
                continue;
            }
            let col = fx as u64 / t;
            // the two rows of this tile column, and the first cells of the next one's
            let tiles = [
                self.tile_arc(above.0, col)?,
                self.tile_arc(below.0, col)?,
                self.tile_arc(above.0, col + 1)?,
                self.tile_arc(below.0, col + 1)?,
            ];
            fn row_of(h: &Option<Heights>, r: usize) -> Option<&[f32]> {
                h.as_deref().map(|h| &h[r * TILE..(r + 1) * TILE])
            }
            let (top, bottom) = (row_of(&tiles[0], above.1), row_of(&tiles[1], below.1));
            let next = |h: &Option<Heights>, r: usize| h.as_deref().map_or(f32::NAN, |h| h[r * TILE]);
            let (top_next, bottom_next) = (next(&tiles[2], above.1), next(&tiles[3], below.1));
            while k < out.len() {
                let fx = fx0 + k as f64 * step;
                let i = fx as u64;
                if !(0.0..=1e12).contains(&fx) || i / t != col {
                    break;
                }
                if let (Some(top), Some(bottom)) = (top, bottom) {
                    let (tx, ii) = (fx - i as f64, (i % t) as usize);
                    let (a, c) = (top[ii], bottom[ii]);
                    let (b, d) = if ii + 1 < TILE { (top[ii + 1], bottom[ii + 1]) } else { (top_next, bottom_next) };
                    if !(a.is_nan() || b.is_nan() || c.is_nan() || d.is_nan()) {
                        let upper = f64::from(a) * (1.0 - tx) + f64::from(b) * tx;
                        let lower = f64::from(c) * (1.0 - tx) + f64::from(d) * tx;
                        out[k] = (upper * (1.0 - ty) + lower * ty) as f32;
                    }
                }
                k += 1;
            }
        }
        Ok(())
    }

    /// Where tile (`row`, `col`) of the level is among the kept ones, read if it is not.
    fn keep(&mut self, row: u32, col: u32) -> Result<usize> {
        // most lookups hit the tile of the last one: look there first, newest to oldest
        if let Some(i) = self.kept.iter().rposition(|(k, _)| *k == (row, col)) {
            return Ok(i);
        }
        if self.kept.len() == SAMPLER_TILES {
            self.kept.remove(0);
        }
        self.kept.push(((row, col), self.layer.tile(self.level, row, col)?));
        Ok(self.kept.len() - 1)
    }

    /// The tile at (`row`, `col`) of the level, shared, through the kept tiles.
    fn tile_arc(&mut self, row: u64, col: u64) -> Result<Option<Heights>> {
        let (Ok(row), Ok(col)) = (u32::try_from(row), u32::try_from(col)) else { return Ok(None) };
        let at = self.keep(row, col)?;
        Ok(self.kept[at].1.clone())
    }

    /// The height at (`x`, `y`) in the storage CRS, read as `how` says.
    pub fn sample(&mut self, x: f64, y: f64, how: Interpolation) -> Result<Option<f64>> {
        match how {
            Interpolation::Bilinear => self.height(x, y),
            Interpolation::Nearest => self.nearest(x, y),
        }
    }

    /// The height of the level's cell that holds (`x`, `y`) in the storage CRS, as
    /// stored; `None` for NoData.
    pub fn nearest(&mut self, x: f64, y: f64) -> Result<Option<f64>> {
        let cell = self.layer.header.cell * f64::from(1u32 << self.level);
        let (fx, fy) = ((x - GRID_ORIGIN.0) / cell, (GRID_ORIGIN.1 - y) / cell);
        if !(fx.is_finite() && fy.is_finite()) || fx < 0.0 || fy < 0.0 || fx > 1e12 || fy > 1e12 {
            return Ok(None);
        }
        // both are non-negative: truncation is the floor
        Ok(self.cell(fx as u64, fy as u64)?.map(f64::from))
    }

    /// The height of cell (column `i`, row `j`) of the level, `None` for NoData.
    fn cell(&mut self, i: u64, j: u64) -> Result<Option<f32>> {
        let t = TILE as u64;
        let Some(h) = self.tile_of(i, j)? else { return Ok(None) };
        Ok(Some(h[(j % t) as usize * TILE + (i % t) as usize]).filter(|h| !h.is_nan()))
    }

    /// The heights of the tile holding cell (`i`, `j`) of the level; `None` where none is
    /// stored.
    fn tile_of(&mut self, i: u64, j: u64) -> Result<Option<&[f32]>> {
        let t = TILE as u64;
        let (Ok(row), Ok(col)) = (u32::try_from(j / t), u32::try_from(i / t)) else { return Ok(None) };
        let at = self.keep(row, col)?;
        Ok(self.kept[at].1.as_deref().map(Vec::as_slice))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plane rising 1 m a cell eastwards and 0.5 m a cell southwards from 100 m.
    fn plane(row: u32, col: u32) -> Vec<f32> {
        let mut t = vec![0f32; TILE * TILE];
        for y in 0..TILE {
            for x in 0..TILE {
                let (gx, gy) = (col as usize * TILE + x, row as usize * TILE + y);
                t[y * TILE + x] = (100.0 + (gx % 1000) as f64 + 0.5 * (gy % 1000) as f64) as f32;
            }
        }
        t
    }

    /// A pyramid of 10 m cells in `dir`: a 3×2 block of [`plane`] tiles from (2000, 1000),
    /// the last of them all NoData, each made by `tile` from the plane first.
    fn block(dir: &Path, tile: impl Fn(u32, u32, Vec<f32>) -> Vec<f32>) -> RasterHeader {
        let mut w = RasterWriter::new(dir, 10.0).unwrap();
        let (r0, c0) = (2000, 1000);
        for row in r0..r0 + 2 {
            for col in c0..c0 + 3 {
                let t = if (row, col) == (r0 + 1, c0 + 2) { vec![f32::NAN; TILE * TILE] } else { plane(row, col) };
                w.put(row, col, Tile::new(tile(row, col, t)).unwrap()).unwrap();
            }
        }
        w.finish("NN2000").unwrap().unwrap()
    }

    #[test]
    fn tiles_round_trip_and_heights_interpolate() {
        let dir = tempfile::tempdir().unwrap();
        let (cell, r0, c0) = (10.0, 2000, 1000);
        // a 3×2 block of tiles somewhere inside the grid, one of them all NoData
        let h = block(dir.path(), |_, _, t| t);
        assert_eq!(h.vertical_datum, "NN2000");
        assert!(h.levels >= 3, "{h:?}");
        assert_eq!(h.extent, tile_box(cell, 0, r0, c0).union(&tile_box(cell, 0, r0 + 1, c0 + 2)));
        let layer = RasterLayer::open(dir.path()).unwrap();
        assert_eq!(*layer.tile(0, r0, c0).unwrap().unwrap(), plane(r0, c0), "lossless");
        assert!(layer.tile(0, r0 + 1, c0 + 2).unwrap().is_none(), "an all-NoData tile is not stored");
        // the R-tree names exactly the stored tiles a box touches
        let b = tile_box(cell, 0, r0, c0 + 1);
        let inner = BBox { minx: b.minx + 1.0, miny: b.miny + 1.0, maxx: b.maxx - 1.0, maxy: b.maxy - 1.0 };
        assert_eq!(layer.tiles_in(0, &inner), vec![(r0, c0 + 1)]);
        // between cell centres the height is bilinear
        let t = tile_box(cell, 0, r0, c0);
        let (x, y) = (t.minx + 10.5 * cell + 2.5, t.maxy - 20.5 * cell - 5.0);
        let gx = c0 as f64 * TILE as f64 % 1000.0 + 10.0 + 0.25;
        let gy = r0 as f64 * TILE as f64 % 1000.0 + 20.0 + 0.5;
        let want = 100.0 + gx + 0.5 * gy;
        let got = layer.height_at(x, y).unwrap().unwrap();
        assert!((got - want).abs() < 1e-3, "{got} vs {want}");
        // nearest reads the cell the point lies in, as stored
        let mut s = layer.sampler(0);
        let stored = f64::from(plane(r0, c0)[20 * TILE + 10]);
        assert_eq!(s.sample(x - 2.0, y + 4.0, Interpolation::Nearest).unwrap(), Some(stored));
        assert_eq!(s.sample(x, y, Interpolation::Bilinear).unwrap(), Some(got));
        // NoData is None, never 0
        let nd = tile_box(cell, 0, r0 + 1, c0 + 2);
        assert_eq!(layer.height_at(nd.minx + 500.0, nd.maxy - 500.0).unwrap(), None);
        // the overview averages: level 1 holds the mean of each 2×2 block
        let l1 = layer.tile(1, r0 / 2, c0 / 2).unwrap().unwrap();
        let l0 = plane(r0, c0);
        let mean = (l0[0] + l0[1] + l0[TILE] + l0[TILE + 1]) / 4.0;
        assert!((l1[0] - mean).abs() < 1e-3);
        assert_eq!(layer.level_for(cell * 4.5), 2);
        assert_eq!(layer.level_for(1.0), 0);
        assert!(h.stats.min >= 100.0 && h.stats.max > h.stats.min);
        assert_eq!(h.stats.nodata_share, 0.0, "the empty tile is not stored, the others are full");
        assert_eq!(h.tiles, layer.index.len() as u64);
    }

    #[test]
    fn a_row_reads_as_its_points_do() {
        let dir = tempfile::tempdir().unwrap();
        let (cell, r0, c0) = (10.0, 2000, 1000);
        // with a hole in the second tile
        block(dir.path(), |row, col, mut t| {
            if (row, col) == (r0, c0 + 1) {
                t[100 * TILE + 7] = f32::NAN;
            }
            t
        });
        let layer = RasterLayer::open(dir.path()).unwrap();
        let b = tile_box(cell, 0, r0, c0);
        // rows across tile edges (the last cell row of a tile), a hole, the empty tile and
        // beyond the data at both ends, with a step that is no divisor of the cell
        for y in [b.maxy - 7.0, b.maxy - 100.5 * cell, b.maxy - 255.7 * cell, b.maxy - 300.2 * cell] {
            let (x0, dx, n) = (b.minx - 50.0, 3.7, 2300);
            let mut row = vec![0f32; n];
            layer.sampler(0).row(y, x0, dx, &mut row).unwrap();
            let mut points = layer.sampler(0);
            for (k, got) in row.iter().enumerate() {
                let want = points.height(x0 + k as f64 * dx, y).unwrap().map_or(f32::NAN, |h| h as f32);
                assert!(got == &want || (got.is_nan() && want.is_nan()), "k={k} y={y}: {got} vs {want}");
            }
            assert!(row.iter().any(|h| h.is_nan()) && row.iter().any(|h| !h.is_nan()));
        }
    }

    #[test]
    fn bad_tiles_and_files_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = RasterWriter::new(dir.path(), 10.0).unwrap();
        assert!(Tile::new(vec![1.0; 10]).is_err(), "a short tile");
        w.put(5, 5, Tile::new(vec![1.0; TILE * TILE]).unwrap()).unwrap();
        assert!(w.put(4, 5, Tile::new(vec![1.0; TILE * TILE]).unwrap()).is_err(), "rows out of order");
        assert!(RasterWriter::new(dir.path(), 0.0).is_err());
        w.finish("NN2000").unwrap();
        assert!(decode_tile(b"not deflate").is_err());
        std::fs::write(dir.path().join("tiles.idx"), [0u8; 7]).unwrap();
        assert!(RasterLayer::open(dir.path()).is_err(), "a cut index");
        let empty = tempfile::tempdir().unwrap();
        let w = RasterWriter::new(empty.path(), 10.0).unwrap();
        assert_eq!(w.finish("NN2000").unwrap(), None, "nothing but NoData");
    }
}
