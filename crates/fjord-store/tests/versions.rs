//! Publishing, querying, rolling back and deleting versions in a real store folder.

use fjord_core::{BBox, Field, FieldType, GeometryKind, Lineage, Schema, Slug, TileMatrixSet, Value};
use fjord_store::{FeatureSource, Query, Store};
use geo_types::{point, polygon, Geometry};

fn schema(kind: GeometryKind) -> Schema {
    Schema { geometry: kind, fields: vec![Field::new("name", FieldType::String), Field::new("n", FieldType::Integer)] }
}

fn lineage() -> Lineage {
    Lineage {
        source: "grid.geojson".into(),
        sha256: "00".into(),
        bytes: 1,
        driver: "test".into(),
        layer: "grid".into(),
        source_crs: "EPSG:25833".into(),
        org: "kartverket".into(),
        by: "test".into(),
        at: "2026-01-01T00:00:00Z".into(),
    }
}

/// A 100 x 100 grid of points 1 km apart around Oslo in UTM33, fid = 1000 + i.
fn publish_grid(store: &Store, id: &Slug, step: f64) -> u32 {
    let mut w = store.begin(id, schema(GeometryKind::Point)).unwrap();
    for i in 0..10_000u64 {
        let (x, y) = (200_000.0 + (i % 100) as f64 * step, 6_600_000.0 + (i / 100) as f64 * step);
        let g = Geometry::Point(point!(x: x, y: y));
        w.add(1000 + i, &g, &[Value::Text(format!("p{i}")), Value::Int(i as i64)]).unwrap();
    }
    w.attach("report.json", br#"{"read":10000}"#).unwrap();
    w.publish(lineage(), serde_json::json!({"title": "grid"})).unwrap().version
}

#[test]
fn bbox_queries_are_exact_and_paged() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), 3).unwrap();
    let id = Slug::new("grid").unwrap();
    assert_eq!(publish_grid(&store, &id, 1000.0), 1);
    let layer = store.layer(&id).unwrap();
    assert_eq!(layer.len(), 10_000);

    // 10 x 10 points inside [200000..209000] x [6600000..6609000]
    let bbox = BBox::new(199_999.0, 6_599_999.0, 209_000.0, 6_609_000.0).unwrap();
    let page =
        layer.items(&Query { bbox: Some(bbox), limit: Some(30), offset: 90, properties: Some(vec![1]) }).unwrap();
    assert_eq!(page.number_matched, 100);
    assert_eq!(page.features.len(), 10);
    assert!(page.features.iter().all(|f| f.values.len() == 1 && matches!(f.values[0], Value::Int(_))));

    // paging is stable: all pages together are the whole set, once each
    let mut seen = Vec::new();
    for offset in (0..100).step_by(7) {
        let p = layer.items(&Query { bbox: Some(bbox), limit: Some(7), offset, properties: None }).unwrap();
        seen.extend(p.features.into_iter().map(|f| f.id));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 100);

    let f = layer.item(1000 + 101, None).unwrap().unwrap();
    assert_eq!(f.values, vec![Value::Text("p101".into()), Value::Int(101)]);
    assert_eq!(f.geometry, Geometry::Point(point!(x: 201_000.0, y: 6_601_000.0)));
    assert!(layer.item(5, None).unwrap().is_none());

    let all = layer.items(&Query::default()).unwrap();
    assert_eq!(all.number_matched, 10_000);
    let none = layer.items(&Query { bbox: Some(BBox::new(0.0, 0.0, 1.0, 1.0).unwrap()), ..Query::default() }).unwrap();
    assert_eq!(none.number_matched, 0);
}

#[test]
fn attribute_filters_count_exactly_and_page() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), 3).unwrap();
    let id = Slug::new("grid").unwrap();
    publish_grid(&store, &id, 1000.0);
    let layer = store.layer(&id).unwrap();
    let even = |f: &fjord_store::Feature| matches!(f.values[1], Value::Int(n) if n % 2 == 0);
    let bbox = BBox::new(199_999.0, 6_599_999.0, 209_000.0, 6_609_000.0).unwrap();
    let q = Query { bbox: Some(bbox), limit: Some(20), offset: 40, properties: Some(vec![1]) };
    let page = layer.items_where(&q, &even).unwrap();
    assert_eq!(page.number_matched, 50);
    assert_eq!(page.features.len(), 10);
    assert!(page.features.iter().all(|f| matches!(f.values[..], [Value::Int(n)] if n % 2 == 0)));
    let all = layer.items_where(&Query::default(), &|_| true).unwrap();
    assert_eq!(all.number_matched, 10_000);
}

#[test]
fn polygon_edge_candidates_are_tested_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), 3).unwrap();
    let id = Slug::new("tri").unwrap();
    let mut w = store.begin(&id, schema(GeometryKind::Polygon)).unwrap();
    // a triangle whose box covers (0,0)-(10,10) but whose area stays below y = x
    let tri = Geometry::Polygon(polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 0.0)]);
    w.add(1, &tri, &[Value::Null, Value::Null]).unwrap();
    w.publish(lineage(), serde_json::Value::Null).unwrap();
    let layer = store.layer(&id).unwrap();
    let corner = BBox::new(0.0, 8.0, 2.0, 10.0).unwrap();
    assert_eq!(layer.items(&Query { bbox: Some(corner), ..Query::default() }).unwrap().number_matched, 0);
    let edge = BBox::new(8.0, 0.0, 12.0, 2.0).unwrap();
    assert_eq!(layer.items(&Query { bbox: Some(edge), ..Query::default() }).unwrap().number_matched, 1);
    assert_eq!(layer.item(1, None).unwrap().unwrap().values, vec![Value::Null, Value::Null]);
}

#[test]
fn tiles_come_from_the_index() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), 3).unwrap();
    let id = Slug::new("grid").unwrap();
    publish_grid(&store, &id, 1000.0);
    let layer = store.layer(&id).unwrap();
    let tms = TileMatrixSet::utm33n();
    // the tile at level 8 holding (200000, 6600000)
    let at = BBox::new(200_500.0, 6_600_500.0, 200_500.0, 6_600_500.0).unwrap();
    let range = tms.tiles_covering(8, &at).unwrap().unwrap();
    let (row, col) = (range.rows.0, range.cols.0);
    let tile = tms.tile_bbox(8, row, col).unwrap();
    let feats = layer.tile(&tms, 8, row, col).unwrap();
    assert!(!feats.is_empty());
    for f in &feats {
        let Geometry::Point(p) = f.geometry else { panic!("not a point") };
        assert!(tile.minx <= p.x() && p.x() <= tile.maxx && tile.miny <= p.y() && p.y() <= tile.maxy);
    }
    // the same area through WebMercatorQuad, and the world tile
    let wm = TileMatrixSet::web_mercator_quad();
    assert_eq!(layer.tile(&wm, 0, 0, 0).unwrap().len(), 10_000);
    assert!(layer.tile(&wm, 2, 3, 0).unwrap().is_empty());
}

#[test]
fn versions_roll_back_prune_and_delete() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), 2).unwrap();
    let id = Slug::new("grid").unwrap();
    for v in 1..=3 {
        assert_eq!(publish_grid(&store, &id, 1000.0 * f64::from(v)), v);
    }
    let kept: Vec<u32> = store.versions(&id).unwrap().iter().map(|i| i.version).collect();
    assert_eq!(kept, vec![2, 3]);
    assert_eq!(store.current(&id).unwrap().feature_count, 10_000);
    assert_eq!(store.report(&id, 3).unwrap().unwrap()["read"], 10000);

    let before = store.layer(&id).unwrap().extent().unwrap();
    store.rollback(&id, 2).unwrap();
    assert_eq!(store.current_version(&id).unwrap(), Some(2));
    assert!(store.layer(&id).unwrap().extent().unwrap().maxx < before.maxx);
    assert!(store.rollback(&id, 1).is_err());

    // a staging folder of a dead writer is swept by the next writer
    let stale = dir.path().join("grid/.staging-999999999-1");
    std::fs::create_dir(&stale).unwrap();
    drop(store.begin(&id, schema(GeometryKind::Point)).unwrap());
    assert!(!stale.exists());
    assert_eq!(store.current_version(&id).unwrap(), Some(2));

    assert_eq!(store.datasets().unwrap(), vec![id.clone()]);
    store.delete(&id).unwrap();
    assert!(store.datasets().unwrap().is_empty());
    assert!(store.layer(&id).is_err());
}

#[test]
fn a_corrupt_file_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), 2).unwrap();
    let id = Slug::new("grid").unwrap();
    publish_grid(&store, &id, 1000.0);
    let path = dir.path().join("grid/v1/features.fgb");
    let bytes = std::fs::read(&path).unwrap();
    for cut in [0, 5, 12, 200, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(&path, &bytes[..cut]).unwrap();
        let fresh = Store::open(dir.path(), 2).unwrap();
        let _ = fresh.layer(&id).map(|l| l.items(&Query::default()));
    }
}
