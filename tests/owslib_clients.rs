//! OWSLib (PyPI), the Python client GIS scripts use, against WFS 2.0 (KVP and POST), WFS
//! 1.1.0 capabilities, OGC API – Features and WCS 2.0.1 (its GeoTIFF read by gdalinfo).

mod common;
use common::{ok, root, Server};
use std::process::Command;

#[test]
fn owslib_reads_wfs_and_ogc_api() {
    let has_owslib = Command::new("python3").args(["-c", "import owslib"]).output().is_ok_and(|o| o.status.success());
    if !has_owslib {
        println!("SKIPPED: OWSLib is not installed (just deps installs it with pip)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["seed", root().join("datasets").to_str().unwrap()]);
    let server = Server::start(dir.path());
    let out = Command::new("python3").arg(root().join("tests/owslib_check.py")).arg(&server.base).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("owslib: 12 passed, 0 failed"), "{stdout}");
}
