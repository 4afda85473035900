//! Painting elevation: a 256 × 256 picture (with its one-pixel border) of a wavy
//! surface as hillshade, hypsometric colours and slope, as a WMS GetMap of an elevation
//! layer paints one after reading its heights.
//!
//! `cargo bench -p fjord-render --bench relief_paint`

use criterion::{criterion_group, criterion_main, Criterion};
use fjord_render::relief::{HeightGrid, Ramp, Relief};

fn bench(c: &mut Criterion) {
    let heights = (0..258 * 258)
        .map(|i| {
            let (x, y) = ((i % 258) as f32, (i / 258) as f32);
            // a coast: the sea (NaN) along the left edge
            if x < 20.0 + 10.0 * (y / 30.0).sin() {
                f32::NAN
            } else {
                500.0 + 400.0 * (x / 37.0).sin() + 300.0 * (y / 53.0).cos()
            }
        })
        .collect();
    let grid = HeightGrid { width: 256, height: 256, heights, pixel: (100.0, 100.0) };
    for (name, relief) in [
        ("hillshade", Relief::Hillshade { azimuth: 315.0, altitude: 45.0, z: 1.0 }),
        ("hypsometric", Relief::Hypsometric(Ramp::hypsometric())),
        ("slope", Relief::Slope(Ramp::slope())),
    ] {
        c.bench_function(&format!("paint_256_{name}"), |b| b.iter(|| grid.paint(&relief)));
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
