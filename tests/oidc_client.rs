//! Authlib (PyPI), a real OpenID Connect client library, logs a user in through the
//! identity gateway (authorization code + PKCE) and reads a restricted collection with
//! the token; see `oidc_check.py`.

mod common;
use common::{ok, restricted_setup, root, Server};
use std::process::Command;

#[test]
fn authlib_logs_in_with_pkce_and_reads_restricted_data() {
    let has =
        Command::new("python3").args(["-c", "import authlib, requests"]).output().is_ok_and(|o| o.status.success());
    if !has {
        println!("SKIPPED: Authlib is not installed (just deps installs it with pip)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    restricted_setup(d);
    let made =
        ok(d, &["clients", "add", "QGIS", "--scope", "openid", "--redirect-uri", "http://127.0.0.1:7070/callback"]);
    let client_id = made.lines().find_map(|l| l.strip_prefix("client_id ")).unwrap().trim().to_string();
    let server = Server::start(d);
    let out = Command::new("python3")
        .arg(root().join("tests/oidc_check.py"))
        .args([&server.base, &client_id, "kari", "fjell og fjord 2026", "hemmelig"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("oidc: 9 passed, 0 failed"), "{stdout}");
}
