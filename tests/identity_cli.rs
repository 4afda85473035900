//! Identities from the command line: users with passwords from standard input,
//! organisations with checked numbers, roles scoped to an area, machine clients whose
//! secret is shown once, and the audit log.

mod common;
use common::*;
use std::io::Write;
use std::process::Stdio;

/// `fjord ARGS` with `input` on standard input: (success, stdout, stderr).
fn with_stdin(data: &std::path::Path, args: &[&str], input: &str) -> (bool, String, String) {
    let mut child =
        fjord(data).args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn users_orgs_clients_and_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (ok_add, out, _) = with_stdin(d, &["users", "add", "kari", "--admin"], "fjell og fjord 2026\n");
    assert!(ok_add && out.contains("added user kari (administrator)"), "{out}");
    let (refused, _, why) = with_stdin(d, &["users", "add", "ola"], "kort\n");
    assert!(!refused && why.contains("10 characters"), "{why}");
    let (taken, _, why) = with_stdin(d, &["users", "add", "kari"], "another long password\n");
    assert!(!taken && why.contains("taken"), "{why}");

    ok(d, &["orgs", "add", "kartverket", "--number", "971040238", "--name", "Kartverket"]);
    let bad = run(d, &["orgs", "add", "nve", "--number", "971040239", "--name", "NVE"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("organisation number"), "{bad:?}");
    ok(d, &["orgs", "member", "kartverket", "kari", "--role", "uploader", "--area", "0301"]);
    let list = ok(d, &["users", "list"]);
    assert!(list.contains("kartverket:uploader@0301"), "{list}");

    let made = ok(d, &["clients", "add", "Loader", "--org", "kartverket", "--scope", "fjord:upload"]);
    assert!(made.contains("client_id fjord-") && made.contains("client_secret "), "{made}");
    let listed = ok(d, &["clients", "list"]);
    assert!(
        listed.contains("fjord:upload")
            && !listed.contains(made.lines().nth(1).unwrap().trim_start_matches("client_secret "))
    );
    let evil = run(d, &["clients", "add", "Evil", "--redirect-uri", "http://evil.example/cb"]);
    assert!(!evil.status.success());

    let totp = ok(d, &["users", "totp", "kari"]);
    assert!(totp.starts_with("otpauth://totp/fjord:kari?secret="), "{totp}");
    // nothing logged in yet: the log is empty
    assert_eq!(ok(d, &["audit"]), "");
    let first = ok(d, &["keys", "rotate"]);
    let second = ok(d, &["keys", "rotate"]);
    assert!(first.starts_with("signing with key ") && first != second, "{first} {second}");
}
