//! Encoding one dense vector tile: WebMercatorQuad z10 over Oslo (x 542, y 297) with
//! 2,500 polygons of 48 vertices each, stored in EPSG:25833, a quarter of them reaching
//! over the tile's edge. What the encoder does per request when a tile is not cached:
//! reproject every vertex (one PROJ call), cut to the buffer, simplify, encode.
//!
//! Run: `cargo bench -p fjord-render --bench mvt_encode`

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use fjord_core::{transform, Crs, Field, FieldType, TileMatrixSet, Value, STORAGE_CRS};
use fjord_render::mvt::{encode, TileBounds, TileFeature, TileLayer};
use geo_types::{Coord, Geometry, LineString, Polygon};

/// Cells across and down the tile (plus a margin of one cell beyond each edge).
const CELLS: usize = 48;
/// Vertices per ring.
const VERTICES: usize = 48;

/// Wobbly rings on a grid over the tile's extent in the storage CRS, with two
/// attributes each.
fn features(tile: &TileBounds) -> Vec<(u64, Geometry<f64>, Vec<Value>)> {
    let b = transform::transform_bbox(tile.crs, STORAGE_CRS, &tile.bbox).unwrap();
    let step = b.width().max(b.height()) / (CELLS - 2) as f64;
    let mut out = Vec::new();
    for i in 0..CELLS {
        for j in 0..CELLS {
            let (cx, cy) = (b.minx + (i as f64 - 0.5) * step, b.miny + (j as f64 - 0.5) * step);
            let ring: Vec<Coord> = (0..=VERTICES)
                .map(|k| {
                    let a = (k % VERTICES) as f64 / VERTICES as f64 * std::f64::consts::TAU;
                    let r = step * (0.45 + 0.05 * (5.0 * a + i as f64).sin());
                    Coord { x: cx + r * a.cos(), y: cy + r * a.sin() }
                })
                .collect();
            let id = (i * CELLS + j) as u64;
            let values = vec![Value::Text(format!("celle {id}")), Value::Int(id as i64 % 7)];
            out.push((id, Geometry::Polygon(Polygon::new(LineString::new(ring), vec![])), values));
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let tms = TileMatrixSet::web_mercator_quad();
    let bounds = TileBounds::of(&tms, 10, 297, 542).unwrap();
    let data = features(&bounds);
    let fields = [Field::new("navn", FieldType::String), Field::new("klasse", FieldType::Integer)];
    let layer = TileLayer { name: "celler", fields: &fields, crs: STORAGE_CRS };
    let tile = || data.iter().map(|(id, g, v)| TileFeature { id: *id, geometry: g, values: v });
    let bytes = encode(&layer, tile(), &bounds).unwrap();
    println!("{} features, {} vertices -> {} bytes", data.len(), data.len() * (VERTICES + 1), bytes.len());

    let mut g = c.benchmark_group("mvt_encode");
    g.throughput(Throughput::Elements(data.len() as u64));
    g.bench_function("dense_z10_tile_from_utm33", |b| b.iter(|| encode(&layer, tile(), &bounds).unwrap()));
    let same_crs = TileLayer { crs: Crs::Epsg(3857), ..layer };
    let projected: Vec<(u64, Geometry<f64>, Vec<Value>)> = data
        .iter()
        .map(|(id, g, v)| {
            let mut g = g.clone();
            transform::transform_geometry(STORAGE_CRS, Crs::Epsg(3857), &mut g).unwrap();
            (*id, g, v.clone())
        })
        .collect();
    let tile3857 = || projected.iter().map(|(id, g, v)| TileFeature { id: *id, geometry: g, values: v });
    g.bench_function("dense_z10_tile_no_reprojection", |b| b.iter(|| encode(&same_crs, tile3857(), &bounds).unwrap()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
