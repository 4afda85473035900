//! The painter and the PNG encoder: a 256×256 map of 20,000 small polygons (a
//! national view of a dense layer, like the peer kit's `cells`) and of 500 (a county
//! view), drawn batched with fill and outline; and one finished map encoded at each PNG
//! compression level (the bytes of each are printed once).
//!
//! `cargo bench -p fjord-render --bench render_map`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use fjord_core::BBox;
use fjord_render::encode::png_at;
use fjord_render::paint::Batch;
use fjord_render::style::{Fill, Line, Symbolizer};
use fjord_render::{Canvas, Color, MapView};
use geo_types::{coord, Geometry, LineString, Polygon};

/// `n` hexagon-ish cells of 40 vertices (a deterministic LCG), spread over 1000×1000.
fn cells(n: usize) -> Vec<Geometry<f64>> {
    let mut state = 42u64;
    let mut rnd = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| {
            let (cx, cy, r) = (rnd() * 1000.0, rnd() * 1000.0, 2.0 + rnd() * 4.0);
            let mut ring: Vec<_> = (0..40)
                .map(|i| {
                    let t = i as f64 / 40.0 * std::f64::consts::TAU;
                    coord! { x: cx + r * t.cos(), y: cy + r * t.sin() }
                })
                .collect();
            ring.push(ring[0]);
            Geometry::Polygon(Polygon::new(LineString(ring), vec![]))
        })
        .collect()
}

fn draw(view: MapView, features: &[Geometry<f64>]) -> Canvas {
    let fill = Symbolizer::Fill(Fill { color: Color { r: 230, g: 230, b: 250, a: 255 }, opacity: 1.0 });
    let line =
        Symbolizer::Line(Line { color: Color { r: 60, g: 60, b: 120, a: 255 }, width: 0.5, dash: None, opacity: 1.0 });
    let mut canvas = Canvas::new(view, Some(Color { r: 255, g: 255, b: 255, a: 255 })).unwrap();
    for s in [&fill, &line] {
        let mut b = Batch::new(s);
        for g in features {
            canvas.add(&mut b, g);
        }
        canvas.flush(b);
    }
    canvas
}

fn bench(c: &mut Criterion) {
    let all = cells(20_000);
    let national = MapView { bbox: BBox { minx: 0.0, miny: 0.0, maxx: 1000.0, maxy: 1000.0 }, width: 256, height: 256 };
    let county = MapView { bbox: BBox { minx: 400.0, miny: 400.0, maxx: 550.0, maxy: 550.0 }, width: 256, height: 256 };
    let in_county: Vec<_> = all.iter().filter(|g| matches!(g, Geometry::Polygon(p) if county.bbox.minx < p.exterior().0[0].x && p.exterior().0[0].x < county.bbox.maxx && county.bbox.miny < p.exterior().0[0].y && p.exterior().0[0].y < county.bbox.maxy)).cloned().collect();
    let mut group = c.benchmark_group("paint_256");
    group.bench_function(BenchmarkId::new("national", all.len()), |b| b.iter(|| draw(national, &all)));
    group.bench_function(BenchmarkId::new("county", in_county.len()), |b| b.iter(|| draw(county, &in_county)));
    group.finish();

    let map = draw(county, &in_county);
    let mut group = c.benchmark_group("png_256");
    for (name, level) in [
        ("fastest", png::Compression::Fastest),
        ("fast", png::Compression::Fast),
        ("balanced", png::Compression::Balanced),
        ("high", png::Compression::High),
    ] {
        eprintln!("png {name}: {} bytes", png_at(map.pixmap(), level).unwrap().len());
        group.bench_function(name, |b| b.iter(|| png_at(map.pixmap(), level).unwrap()));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
