//! `fjord seed LAYER --zoom A-B`: cut a layer's vector tiles into the disk tile cache
//! ahead of the first request, on every core, with a progress bar.

use anyhow::{anyhow, bail, Context};
use fjord_core::{transform, BBox, Crs, Slug, TileMatrixSet, TileRange, STORAGE_CRS};
use fjord_ogc::tiles::{self, TileAddress};
use fjord_server::tile_cache::TileKey;
use fjord_server::{Config, TileCache};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// What to seed.
pub struct SeedTiles<'a> {
    /// the dataset
    pub layer: &'a str,
    /// tile matrix set id
    pub tms: &'a str,
    /// `A-B` or `A`
    pub zoom: &'a str,
    /// `minx,miny,maxx,maxy` in lon/lat, else the layer's extent
    pub bbox: Option<&'a str>,
}

/// The levels of `A-B` (or one level `A`), checked against the deepest served.
fn levels(zoom: &str, deepest: u32) -> anyhow::Result<(u32, u32)> {
    let num = |s: &str| s.trim().parse::<u32>().map_err(|_| anyhow!("--zoom {zoom}: '{s}' is not a level"));
    let (a, b) = match zoom.split_once('-') {
        Some((a, b)) => (num(a)?, num(b)?),
        None => (num(zoom)?, num(zoom)?),
    };
    if a > b || b > deepest {
        bail!("--zoom {zoom}: give A-B with A <= B <= {deepest}, the deepest level served");
    }
    Ok((a, b))
}

/// The tiles of each level covering `area`, and how many there are in all.
fn ranges(tms: &TileMatrixSet, (a, b): (u32, u32), area: &BBox) -> anyhow::Result<(Vec<(u32, TileRange)>, u64)> {
    let mut out = Vec::new();
    for z in a..=b {
        if let Some(r) = tms.tiles_covering(z, area)? {
            out.push((z, r));
        }
    }
    let count = |r: &TileRange| u64::from(r.rows.1 - r.rows.0 + 1) * u64::from(r.cols.1 - r.cols.0 + 1);
    let total = out.iter().map(|(_, r)| count(r)).sum();
    Ok((out, total))
}

/// The `i`th tile of `ranges`, level by level, row by row.
fn nth(ranges: &[(u32, TileRange)], mut i: u64) -> Option<(u32, u32, u32)> {
    for (z, r) in ranges {
        let cols = u64::from(r.cols.1 - r.cols.0 + 1);
        let n = u64::from(r.rows.1 - r.rows.0 + 1) * cols;
        if i < n {
            let (row, col) = (u32::try_from(i / cols).ok()?, u32::try_from(i % cols).ok()?);
            return Some((*z, r.rows.0 + row, r.cols.0 + col));
        }
        i -= n;
    }
    None
}

/// Cut every tile of `what` into the disk cache of the configured data folder.
pub fn seed(config: &Config, what: SeedTiles) -> anyhow::Result<()> {
    if !config.tiles.disk_cache {
        bail!("tiles.disk_cache is off, so seeded tiles would not be kept");
    }
    let (store, _) = fjord_server::open_data(config)?;
    let dataset = Slug::new(what.layer)?;
    let version = store.current_version(&dataset)?.ok_or_else(|| anyhow!("no dataset '{}'", what.layer))?;
    let tms = TileMatrixSet::by_id(what.tms).ok_or_else(|| {
        let known: Vec<&str> = TileMatrixSet::all().iter().map(|t| t.id).collect();
        anyhow!("no tile matrix set '{}'; known: {}", what.tms, known.join(", "))
    })?;
    let zoom = levels(what.zoom, tiles::max_level(tms))?;
    let area = match what.bbox {
        Some(b) => transform::transform_bbox(Crs::Crs84, tms.crs, &BBox::parse(b).context("--bbox")?)?,
        None => match store.current(&dataset)?.extent {
            Some(e) => transform::transform_bbox(STORAGE_CRS, tms.crs, &e)?,
            None => bail!("dataset '{}' has no features, so no tiles", what.layer),
        },
    };
    let (ranges, total) = ranges(tms, zoom, &area)?;
    let cache = TileCache::new(&config.data.dir, 0, true);
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} tiles  {per_sec}  eta {eta}") {
        bar.set_style(style);
    }
    let next = AtomicU64::new(0);
    let failed: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    let started = std::time::Instant::now();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    while let Some((z, row, col)) = nth(&ranges, next.fetch_add(1, Ordering::Relaxed)) {
                        let at =
                            TileAddress { dataset: dataset.clone(), version, tms, z, row, col, open: true, area: None };
                        if let Err(e) = cache.fill(&TileKey::mvt(&at), || tiles::mvt(&store, &at)) {
                            *failed.lock().unwrap_or_else(|e| e.into_inner()) =
                                Some(anyhow!("tile {z}/{col}/{row}: {e}"));
                            next.store(total, Ordering::Relaxed);
                        }
                        bar.inc(1);
                    }
                    fjord_core::transform::release_thread_transformers();
                })
            })
            .collect();
        // Join each worker too (a panicking one skips the release above): the scope alone
        // returns before the threads' thread-local destructors have run.
        for h in handles {
            if h.join().is_err() {
                *failed.lock().unwrap_or_else(|e| e.into_inner()) = Some(anyhow!("a seeding thread panicked"));
            }
        }
    });
    bar.finish_and_clear();
    if let Some(e) = failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    println!(
        "{total} tiles of {} (version {version}, {} levels {}-{}) in {:.1} s, in {}",
        what.layer,
        tms.id,
        zoom.0,
        zoom.1,
        started.elapsed().as_secs_f64(),
        config.data.dir.join("tiles").display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_ranges_and_tile_order() {
        assert_eq!(levels("3-5", 17).unwrap(), (3, 5));
        assert_eq!(levels("7", 17).unwrap(), (7, 7));
        assert!(levels("5-3", 17).is_err() && levels("0-18", 17).is_err() && levels("a-b", 17).is_err());
        let r = [(1, TileRange { rows: (0, 1), cols: (1, 1) }), (2, TileRange { rows: (2, 2), cols: (0, 2) })];
        let all: Vec<_> = (0..5).map(|i| nth(&r, i).unwrap()).collect();
        assert_eq!(all, [(1, 0, 1), (1, 1, 1), (2, 2, 0), (2, 2, 1), (2, 2, 2)]);
        assert_eq!(nth(&r, 5), None);
    }
}
