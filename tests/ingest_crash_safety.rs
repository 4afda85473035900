//! The operator's guarantee: `kill -9` at any moment of an ingest leaves the previous
//! version serving and the catalogue consistent with the store.

mod common;
use common::{fjord, ok, Server};
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// A GeoJSON of `n` points spread over southern Norway.
fn points(path: &Path, n: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "{{\"type\":\"FeatureCollection\",\"features\":[").unwrap();
    for i in 0..n {
        let (x, y) = (5.0 + (i % 1000) as f64 * 0.01, 58.0 + (i / 1000) as f64 * 0.01);
        let sep = if i + 1 < n { "," } else { "" };
        writeln!(f, "{{\"type\":\"Feature\",\"properties\":{{\"n\":{i},\"name\":\"p{i}\"}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{x},{y}]}}}}{sep}").unwrap();
    }
    writeln!(f, "]}}").unwrap();
}

fn show(data: &Path) -> Value {
    serde_json::from_str(&ok(data, &["datasets", "show", "pts"])).unwrap()
}

fn current_in_store(data: &Path) -> String {
    std::fs::read_to_string(data.join("store/pts/CURRENT")).unwrap().trim().to_string()
}

#[test]
fn kill_during_ingest_keeps_the_previous_version() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let small = dir.path().join("small.geojson");
    let big = dir.path().join("big.geojson");
    points(&small, 10);
    points(&big, 150_000);
    let ingest = |src: &Path| {
        fjord(&data).args(["ingest", src.to_str().unwrap(), "--dataset", "pts", "--org", "kartverket"]).spawn().unwrap()
    };
    assert!(ingest(&small).wait().unwrap().success());

    // how long a whole ingest of the big file takes here
    let t = Instant::now();
    let full = fjord(&dir.path().join("probe"))
        .args(["ingest", big.to_str().unwrap(), "--dataset", "pts", "--org", "kartverket"])
        .status()
        .unwrap();
    assert!(full.success());
    let whole = t.elapsed();

    // first a kill that is surely mid-ingest: as soon as the staging folder exists
    let mut child = ingest(&big);
    let deadline = Instant::now() + whole * 4;
    while !staging_exists(&data) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(staging_exists(&data), "the ingest never staged");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(current_in_store(&data), "1");
    assert_eq!(show(&data)["version"], 1);
    assert_eq!(show(&data)["feature_count"], 10);

    // then kills spread over the whole run: reading, writing the file, fsync, rename,
    // catalogue update. Whatever version is served, catalogue and store agree on it and
    // it is whole.
    for step in 1..=8u32 {
        let delay = whole.mul_f64(f64::from(step) / 8.0);
        let mut child = ingest(&big);
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();

        let rec = show(&data);
        let served = current_in_store(&data);
        assert_eq!(rec["version"].to_string(), served, "catalogue and store disagree after a kill at {delay:?}");
        let expected = if served == "1" { 10 } else { 150_000 };
        assert_eq!(rec["feature_count"], expected, "version {served} is not whole after a kill at {delay:?}");
    }

    // the server serves exactly what the catalogue says, and no staging folder is left
    // behind once the next ingest has run
    let server = Server::start(&data);
    let r = server.json("/api/catalogue/search?q=pts", 200);
    let hit = &r["hits"][0]["record"];
    assert_eq!(hit["version"].to_string(), current_in_store(&data));
    drop(server);
    assert!(ingest(&small).wait().unwrap().success());
    let leftovers: Vec<_> = std::fs::read_dir(data.join("store/pts"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn staging_exists(data: &Path) -> bool {
    std::fs::read_dir(data.join("store/pts"))
        .map(|d| d.flatten().any(|e| e.file_name().to_string_lossy().starts_with(".staging")))
        .unwrap_or(false)
}
