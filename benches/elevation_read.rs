//! Reading heights from a raster pyramid: a 258 × 258 picture's heights read a row at
//! a time (as a WMS map in the storage CRS is) and point by point (as one in another CRS
//! is), and a batch of 10,000 scattered points (as `/hoydedata/v1/punkt` answers one).
//! The pyramid is 4 × 4 tiles of a wavy surface, written once to a temporary folder;
//! decoded tiles stay cached, as on a warm server.
//!
//! `cargo bench -p fjord-store --bench elevation_read`

use criterion::{criterion_group, criterion_main, Criterion};
use fjord_store::raster::{tile_box, RasterLayer, RasterWriter, Tile, TILE};

fn pyramid(dir: &std::path::Path, cell: f64, (r0, c0): (u32, u32)) -> RasterLayer {
    let mut w = RasterWriter::new(dir, cell).unwrap();
    for row in r0..r0 + 4 {
        for col in c0..c0 + 4 {
            let heights = (0..TILE * TILE)
                .map(|i| {
                    let (x, y) = ((col as usize * TILE + i % TILE) as f32, (row as usize * TILE + i / TILE) as f32);
                    500.0 + 200.0 * (x / 37.0).sin() + 150.0 * (y / 53.0).cos()
                })
                .collect();
            w.put(row, col, Tile::new(heights).unwrap()).unwrap();
        }
    }
    w.finish("NN2000").unwrap();
    RasterLayer::open(dir).unwrap()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (cell, origin) = (10.0, (2000, 1000));
    let layer = pyramid(dir.path(), cell, origin);
    let b = tile_box(cell, 0, origin.0, origin.1).union(&tile_box(cell, 0, origin.0 + 3, origin.1 + 3));
    // a picture over the whole pyramid, pixels 1.5 cells across
    let (n, px) = (258, (b.maxx - b.minx) / 258.0);
    let mut out = vec![0f32; n * n];
    c.bench_function("picture_258_by_rows", |bch| {
        bch.iter(|| {
            let mut s = layer.sampler(0);
            for (y, row) in out.chunks_exact_mut(n).enumerate() {
                s.row(b.maxy - (y as f64 + 0.5) * px, b.minx + 0.5 * px, px, row).unwrap();
            }
        })
    });
    c.bench_function("picture_258_by_points", |bch| {
        bch.iter(|| {
            let mut s = layer.sampler(0);
            for (k, h) in out.iter_mut().enumerate() {
                let (x, y) = (b.minx + (k % n) as f64 * px + 0.5 * px, b.maxy - (k / n) as f64 * px - 0.5 * px);
                *h = s.height(x, y).unwrap().map_or(f32::NAN, |h| h as f32);
            }
        })
    });
    // 10,000 points scattered over the pyramid (a deterministic LCG)
    let mut state = 7u64;
    let mut rnd = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let points: Vec<(f64, f64)> =
        (0..10_000).map(|_| (b.minx + rnd() * (b.maxx - b.minx), b.miny + rnd() * (b.maxy - b.miny))).collect();
    c.bench_function("points_10000_scattered", |bch| {
        bch.iter(|| {
            let mut s = layer.sampler(0);
            points.iter().filter_map(|&(x, y)| s.height(x, y).unwrap()).count()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
