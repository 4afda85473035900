//! The store's bbox query over 1,000,000 synthetic polygons, at three bbox sizes.
//!
//! `index` is the R-tree alone (candidate positions); `items` is the whole query a
//! service makes: R-tree, exact intersection for edge candidates, sort, first 100
//! features decoded with all attributes.
//!
//! Run: `cargo bench -p fjord-store --bench rtree_bbox`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use fjord_core::{BBox, Field, FieldType, GeometryKind, Lineage, Schema, Slug, Value};
use fjord_store::{FeatureSource, Query, Store};
use geo_types::{polygon, Geometry};

const N: u64 = 1_000_000;
/// Features spread over 1000 km x 1000 km of UTM33 around Norway.
const SPAN: f64 = 1_000_000.0;
const X0: f64 = -100_000.0;
const Y0: f64 = 6_500_000.0;

/// A deterministic stream of numbers in [0, 1) (64-bit LCG), so runs compare.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn build(dir: &std::path::Path) -> Store {
    let store = Store::open(dir, 1).unwrap();
    let id = Slug::new("synthetic").unwrap();
    let schema = Schema {
        geometry: GeometryKind::Polygon,
        fields: vec![Field::new("name", FieldType::String), Field::new("n", FieldType::Integer)],
    };
    let mut w = store.begin(&id, schema).unwrap();
    let mut rng = Lcg(42);
    for i in 0..N {
        let (x, y) = (X0 + rng.next() * SPAN, Y0 + rng.next() * SPAN);
        let s = 50.0 + rng.next() * 150.0;
        let g = Geometry::Polygon(
            polygon![(x: x, y: y), (x: x + s, y: y), (x: x + s, y: y + s), (x: x, y: y + s), (x: x, y: y)],
        );
        w.add(i, &g, &[Value::Text(format!("feature {i}")), Value::Int(i as i64)]).unwrap();
    }
    let lineage = Lineage {
        source: "synthetic".into(),
        sha256: String::new(),
        bytes: 0,
        driver: "bench".into(),
        layer: "synthetic".into(),
        source_crs: "EPSG:25833".into(),
        org: "bench".into(),
        by: "bench".into(),
        at: String::new(),
    };
    w.publish(lineage, serde_json::Value::Null).unwrap();
    store
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = build(dir.path());
    let layer = store.layer(&Slug::new("synthetic").unwrap()).unwrap();
    // one feature per km² on average: a 10 km box holds ~100, 100 km ~10 000, 300 km ~90 000
    let centre = (X0 + SPAN / 2.0, Y0 + SPAN / 2.0);
    let mut group = c.benchmark_group("rtree_bbox_1M");
    for (name, half) in [("10km", 5_000.0), ("100km", 50_000.0), ("300km", 150_000.0)] {
        let bbox = BBox::new(centre.0 - half, centre.1 - half, centre.0 + half, centre.1 + half).unwrap();
        let hits = layer.candidates(&bbox).len();
        eprintln!("{name}: {hits} features intersect");
        group.bench_with_input(BenchmarkId::new("index", name), &bbox, |b, bbox| b.iter(|| layer.candidates(bbox)));
        let q = Query { bbox: Some(bbox), limit: Some(100), ..Query::default() };
        group.bench_with_input(BenchmarkId::new("items_limit100", name), &q, |b, q| b.iter(|| layer.items(q).unwrap()));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
