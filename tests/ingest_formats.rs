//! The partner's flow at the command line: every vector format GDAL reads ingests into a
//! published version; bad input fails with one clear line and publishes nothing.

mod common;
use common::{fixture, fjord, ok, run};
use serde_json::Value;
use std::path::Path;

fn show(data: &Path, id: &str) -> Value {
    serde_json::from_str(&ok(data, &["datasets", "show", id])).unwrap()
}

fn ingest_args<'a>(file: &'a str, id: &'a str, extra: &[&'a str]) -> Vec<String> {
    let mut a = vec![
        "ingest".to_string(),
        fixture(file).display().to_string(),
        "--dataset".into(),
        id.into(),
        "--org".into(),
        "kartverket".into(),
    ];
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn ingest(data: &Path, file: &str, id: &str, extra: &[&str]) -> std::process::Output {
    let args = ingest_args(file, id, extra);
    fjord(data).args(&args).output().unwrap()
}

#[test]
fn every_format_gdal_reads_is_ingested_and_reprojected() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[&str]); 7] = [
        ("points.geojson", &[]),
        ("points.gpkg", &["--layer", "points"]),
        ("points.gml", &[]),
        ("points.fgb", &[]),
        ("points.csv", &["--crs", "EPSG:4326"]),
        ("points_shp.zip", &[]),
        ("points.sos", &[]),
    ];
    for (i, (file, extra)) in cases.iter().enumerate() {
        let id = format!("p{i}");
        let out = ingest(dir.path(), file, &id, extra);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{file}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
        let rec = show(dir.path(), &id);
        let n = rec["feature_count"].as_u64().unwrap();
        assert!(n >= 3, "{file}: {n} features");
        // wherever the source CRS was, the geographic extent is in Norway
        let b = &rec["bbox"];
        assert!(b["west"].as_f64().unwrap() > 4.0 && b["east"].as_f64().unwrap() < 32.0, "{file}: {b}");
        assert!(b["south"].as_f64().unwrap() > 57.0 && b["north"].as_f64().unwrap() < 72.0, "{file}: {b}");
        assert_eq!(rec["version"], 1, "{file}");
    }
}

#[test]
fn versions_roll_back_and_delete() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert!(ingest(data, "points.geojson", "pts", &[]).status.success());
    assert!(ingest(data, "points.fgb", "pts", &[]).status.success());
    assert_eq!(show(data, "pts")["version"], 2);
    let versions = ok(data, &["datasets", "versions", "pts"]);
    assert!(versions.contains("points.geojson") && versions.contains("*     2"), "{versions}");
    ok(data, &["datasets", "rollback", "pts", "1"]);
    let rec = show(data, "pts");
    assert_eq!(rec["version"], 1);
    assert_eq!(rec["lineage"]["source"], "points.geojson");
    assert!(!run(data, &["datasets", "rollback", "pts", "9"]).status.success());
    ok(data, &["datasets", "delete", "pts"]);
    assert!(!run(data, &["datasets", "show", "pts"]).status.success());
    assert!(!ok(data, &["datasets", "list"]).contains("pts"));
}

/// Run a failing ingest; require a non-zero exit, one `error:` line naming `expect`, and
/// no change to what is published.
fn refused(data: &Path, args: Vec<String>, env: &[(&str, &str)], expect: &str) {
    let before = ok(data, &["datasets", "list"]);
    let out = fjord(data).args(&args).envs(env.iter().copied()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{args:?} succeeded");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{args:?}: expected one line, got {stderr}");
    assert!(lines[0].starts_with("error: ") && lines[0].contains(expect), "{args:?}: {stderr}");
    assert_eq!(ok(data, &["datasets", "list"]), before, "{args:?} changed what is published");
}

#[test]
fn bad_input_is_refused_with_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    assert!(ingest(data, "points.geojson", "pts", &[]).status.success());
    let a = |file: &str, extra: &[&str]| ingest_args(file, "pts", extra);
    refused(data, a("zero.geojson", &[]), &[], "empty (0 bytes)");
    refused(data, a("unknown.xyz", &[]), &[], "unknown or unsupported format");
    refused(data, a("missing.geojson", &[]), &[], "cannot read");
    refused(data, a("noprj_shp.zip", &[]), &[], "no CRS");
    refused(data, a("points.csv", &[]), &[], "no CRS");
    refused(data, a("points.geojson", &["--crs", "EPSG:999999"]), &[], "unknown CRS EPSG:999999");
    refused(data, a("points.geojson", &["--crs", "WGS84"]), &[], "invalid CRS");
    refused(data, a("empty.geojson", &[]), &[], "is empty");
    refused(data, a("traversal.zip", &[]), &[], "outside the archive");
    refused(data, a("points.gpkg", &[]), &[], "--layer");
    refused(data, a("points.gpkg", &["--layer", "nope"]), &[], "no layer 'nope'");
    refused(data, a("points.geojson", &[]), &[("FJORD_LIMITS_MAX_SOURCE_BYTES", "10")], "over the limit");
    refused(data, ingest_args("points.geojson", "../evil", &[]), &[], "invalid id");
    assert_eq!(show(data, "pts")["version"], 1);
}

#[test]
fn broken_geometries_are_repaired_or_rejected_into_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let out = ingest(data, "polygons.geojson", "poly", &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_str(&ok(data, &["datasets", "report", "poly"])).unwrap();
    let reasons: Vec<String> = report["rejected_features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap().to_string())
        .collect();
    assert!(reasons.iter().any(|r| r.contains("self-intersection")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("not contained")), "{reasons:?}");
    assert!(reasons.iter().any(|r| r == "no geometry"), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("at least 3")), "{reasons:?}");
    let kinds = &report["repairs_by_kind"];
    assert!(kinds["reoriented"].as_u64().unwrap() >= 1, "{kinds}");
    assert!(kinds["removed_repeated_points"].as_u64().unwrap() >= 1, "{kinds}");
    let (read, written, rejected) =
        (report["read"].as_u64().unwrap(), report["written"].as_u64().unwrap(), report["rejected"].as_u64().unwrap());
    assert_eq!(read, written + rejected);
    assert_eq!(show(data, "poly")["feature_count"].as_u64().unwrap(), written);

    let out = ingest(data, "nan.csv", "nan", &["--crs", "EPSG:4326"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_str(&ok(data, &["datasets", "report", "nan"])).unwrap();
    assert!(report["rejected"].as_u64().unwrap() >= 1, "{report}");
    assert_eq!(report["written"], 1, "{report}");
}
