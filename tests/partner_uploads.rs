//! The partner upload API: an uploader sends a file (whole, or resumed by offset across a
//! server restart), follows its validation, publishes it and rolls back; others are
//! refused; bad names, oversized and broken uploads leave nothing published or behind.

mod common;
use common::*;

/// A request with a body and an Authorization header: (status, headers' Upload-Offset, body).
fn send(
    s: &Server,
    method: &str,
    path: &str,
    auth: Option<&str>,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Option<String>, serde_json::Value) {
    let (status, hs, bytes) = call(s, method, path, auth, headers, body);
    let offset = header(&hs, "upload-offset").map(str::to_string);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    (status, offset, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
}

/// Wait for upload `path` to leave Submitted, InProcess and Publishing; its final state.
fn settled(s: &Server, path: &str, auth: &str) -> serde_json::Value {
    for _ in 0..200 {
        let (status, _, body) = send(s, "GET", path, Some(auth), &[], b"");
        assert_eq!(status, 200, "{body}");
        let st = body["upload"]["status"].as_str().unwrap().to_string();
        if !["Submitted", "InProcess", "Publishing"].contains(&st.as_str()) {
            return body["upload"].clone();
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the validation never finished");
}

#[test]
fn uploaders_upload_validate_publish_and_roll_back() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["orgs", "add", "kartverket", "--number", "971040238", "--name", "Kartverket"]);
    ok(d, &["orgs", "add", "nve", "--number", "970205039", "--name", "NVE"]);
    add_user(d, "kari", "fjell og fjord 2026");
    add_user(d, "ola", "dal og elv 2026!");
    ok(d, &["orgs", "member", "kartverket", "kari", "--role", "uploader"]);
    ok(d, &["orgs", "member", "kartverket", "ola", "--role", "viewer"]);
    let made = ok(d, &["clients", "add", "NVE loader", "--org", "nve", "--scope", "fjord:upload"]);
    let field = |k: &str| made.lines().find_map(|l| l.strip_prefix(k)).unwrap().trim().to_string();
    let nve = basic(&field("client_id "), &field("client_secret "));
    let env = [("FJORD_LIMITS_MAX_SOURCE_BYTES", "200000")];
    let s = Server::start_with(d, &env);
    let kari = basic("kari", "fjell og fjord 2026");
    let points = std::fs::read(fixture("points.geojson")).unwrap();
    let uploads = "/api/partners/kartverket/datasets/punkter/uploads";

    // who may not
    for (who, auth, want) in [
        ("anonymous", None, 401),
        ("a viewer", Some(basic("ola", "dal og elv 2026!")), 403),
        ("another organisation's system", Some(nve.clone()), 403),
    ] {
        let (status, _, body) =
            send(&s, "POST", &format!("{uploads}?filename=points.geojson"), auth.as_deref(), &[], &points);
        assert_eq!(status, want, "{who}: {body}");
    }
    // bad names
    for name in ["..%2Fevil.geojson", "run.sh", "a%2Fb.geojson"] {
        let (status, _, body) = send(&s, "POST", &format!("{uploads}?filename={name}"), Some(&kari), &[], &points);
        assert_eq!(status, 400, "{name}: {body}");
    }

    // a whole file: Submitted, then Valid with the report; published as version 1
    let (status, _, body) = send(&s, "POST", &format!("{uploads}?filename=points.geojson"), Some(&kari), &[], &points);
    assert_eq!(status, 201, "{body}");
    let path = body["links"]["self"].as_str().unwrap().to_string();
    let u = settled(&s, &path, &kari);
    assert_eq!((u["status"].as_str(), u["report"]["written"].as_u64()), (Some("Valid"), Some(5)), "{u}");
    assert_eq!(s.get("/ogcapi/collections/punkter/items?f=json").0, 404, "validated, not published");
    let (status, _, body) = send(&s, "POST", &format!("{path}/publish"), Some(&kari), &[], b"");
    assert_eq!((status, body["upload"]["status"].as_str()), (202, Some("Publishing")), "{body}");
    let u = settled(&s, &path, &kari);
    assert_eq!((u["status"].as_str(), u["version"].as_u64()), (Some("Published"), Some(1)), "{u}");
    assert_eq!(s.json("/ogcapi/collections/punkter/items?f=json", 200)["numberMatched"], 5);
    let (status, _, _) = send(&s, "POST", &format!("{path}/publish"), Some(&kari), &[], b"");
    assert_eq!(status, 409, "published once");

    // in two pieces, across a restart of the server
    let half = points.len() / 2;
    let (status, _, body) = send(
        &s,
        "POST",
        &format!("{uploads}?filename=points.geojson&length={}", points.len()),
        Some(&kari),
        &[],
        &points[..half],
    );
    assert_eq!((status, body["upload"]["status"].as_str()), (201, Some("Receiving")), "{body}");
    let path = body["links"]["self"].as_str().unwrap().to_string();
    drop(s);
    let s = Server::start_with(d, &env);
    let (status, offset, _) = send(&s, "PATCH", &path, Some(&kari), &[("Upload-Offset", "7")], &points[half..]);
    assert_eq!((status, offset), (409, Some(half.to_string())), "the wrong offset is refused and the right one told");
    let half_s = half.to_string();
    let (status, _, body) = send(&s, "PATCH", &path, Some(&kari), &[("Upload-Offset", &half_s)], &points[half..]);
    assert_eq!(status, 201, "{body}");
    assert_eq!(settled(&s, &path, &kari)["status"], "Valid");
    assert_eq!(send(&s, "POST", &format!("{path}/publish"), Some(&kari), &[], b"").0, 202);
    let u = settled(&s, &path, &kari);
    assert_eq!((u["status"].as_str(), u["version"].as_u64()), (Some("Published"), Some(2)), "{u}");

    // elevation too: a zip of DEM tiles becomes a pyramid, heights answer after publishing
    let dem = std::fs::read(fixture("dem_tiles.zip")).unwrap();
    let (status, _, body) = send(
        &s,
        "POST",
        "/api/partners/kartverket/datasets/fliser/uploads?filename=dem_tiles.zip",
        Some(&kari),
        &[],
        &dem,
    );
    assert_eq!(status, 201, "{body}");
    let dem_path = body["links"]["self"].as_str().unwrap().to_string();
    let u = settled(&s, &dem_path, &kari);
    assert!(u["status"] == "Valid" && u["report"]["elevation"]["cell"] == 10.0, "{u}");
    assert_eq!(send(&s, "POST", &format!("{dem_path}/publish"), Some(&kari), &[], b"").0, 202);
    assert_eq!(settled(&s, &dem_path, &kari)["status"], "Published");
    let h = s.json("/api/elevation/point?x=250300&y=6650250", 200);
    assert_eq!(h["source"], "fliser", "{h}");

    // roll back to version 1
    let (status, _, body) =
        send(&s, "POST", "/api/partners/kartverket/datasets/punkter/rollback?version=1", Some(&kari), &[], b"");
    assert_eq!((status, body["version"].as_u64()), (200, Some(1)), "{body}");
    let listed = ok(d, &["datasets", "list"]);
    let served = listed.lines().find(|l| l.starts_with("punkter ")).and_then(|l| l.split_whitespace().nth(1));
    assert_eq!(served, Some("1"), "{listed}");
    let (status, _, _) =
        send(&s, "POST", "/api/partners/kartverket/datasets/punkter/rollback?version=9", Some(&kari), &[], b"");
    assert_eq!(status, 404);

    // a partner's system does the same with a bearer token from client_credentials
    let made = ok(d, &["clients", "add", "Kartverket loader", "--org", "kartverket", "--scope", "fjord:upload"]);
    let field = |k: &str| made.lines().find_map(|l| l.strip_prefix(k)).unwrap().trim().to_string();
    let form = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}&scope=fjord:upload",
        field("client_id "),
        field("client_secret ")
    );
    let form_type = [("Content-Type", "application/x-www-form-urlencoded")];
    let (status, _, body) = send(&s, "POST", "/token", None, &form_type, form.as_bytes());
    assert_eq!(status, 200, "{body}");
    let token = format!("Bearer {}", body["access_token"].as_str().unwrap());
    let (status, _, body) = send(&s, "POST", &format!("{uploads}?filename=points.geojson"), Some(&token), &[], &points);
    assert_eq!(status, 201, "{body}");
    let path = body["links"]["self"].as_str().unwrap().to_string();
    assert_eq!(settled(&s, &path, &token)["status"], "Valid");
    assert_eq!(send(&s, "POST", &format!("{path}/publish"), Some(&token), &[], b"").0, 202);
    let u = settled(&s, &path, &token);
    assert_eq!((u["status"].as_str(), u["version"].as_u64()), (Some("Published"), Some(3)), "{u}");
    let (status, _, body) =
        send(&s, "POST", "/api/partners/kartverket/datasets/punkter/rollback?version=1", Some(&token), &[], b"");
    assert_eq!((status, body["version"].as_u64()), (200, Some(1)), "{body}");

    // broken: Invalid with the reason, nothing published
    let (_, _, body) = send(
        &s,
        "POST",
        &format!("{uploads}?filename=broken.geojson"),
        Some(&kari),
        &[],
        b"{\"type\": \"FeatureCollection\", \"features\": [",
    );
    let u = settled(&s, body["links"]["self"].as_str().unwrap(), &kari);
    assert_eq!(u["status"], "Invalid", "{u}");
    assert!(u["report"]["error"].as_str().is_some_and(|e| !e.is_empty()), "{u}");
    // over the limit: 413, and nothing left behind
    let before = std::fs::read_dir(d.join("uploads")).unwrap().count();
    let (status, _, body) =
        send(&s, "POST", &format!("{uploads}?filename=big.geojson"), Some(&kari), &[], &vec![b' '; 300_000]);
    assert_eq!(status, 413, "{body}");
    assert_eq!(std::fs::read_dir(d.join("uploads")).unwrap().count(), before, "the refused upload's folder is gone");
    let (status, _, _) =
        send(&s, "POST", &format!("{uploads}?filename=big.geojson&length=300000"), Some(&kari), &[], b"x");
    assert_eq!(status, 413, "a declared length over the limit");
    // a zip bomb (50 MB of spaces in 50 kB) and a billion laughs in GML: Invalid, quickly
    let bomb = d.join("bomb.zip");
    let made = std::process::Command::new("python3")
        .args(["-c", "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED)\nz.writestr('bomb.geojson', b' ' * 50_000_000)\nz.close()"])
        .arg(&bomb)
        .status()
        .unwrap();
    assert!(made.success());
    let laughs = {
        let mut x = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol0 \"lol\">");
        for i in 1..10 {
            x.push_str(&format!("<!ENTITY lol{i} \"{}\">", format!("&lol{};", i - 1).repeat(10)));
        }
        x.push_str("]>\n<ogr:FeatureCollection xmlns:ogr=\"http://ogr.maptools.org/\" xmlns:gml=\"http://www.opengis.net/gml\">\
            <gml:featureMember><ogr:p><ogr:name>&lol9;</ogr:name><ogr:geometryProperty><gml:Point srsName=\"EPSG:4326\">\
            <gml:coordinates>10,60</gml:coordinates></gml:Point></ogr:geometryProperty></ogr:p></gml:featureMember></ogr:FeatureCollection>");
        x
    };
    for (name, bytes, says) in
        [("bomb.zip", std::fs::read(&bomb).unwrap(), "expands"), ("laughs.gml", laughs.into_bytes(), "")]
    {
        let (status, _, body) = send(&s, "POST", &format!("{uploads}?filename={name}"), Some(&kari), &[], &bytes);
        assert_eq!(status, 201, "{name}: {body}");
        let u = settled(&s, body["links"]["self"].as_str().unwrap(), &kari);
        assert_eq!(u["status"], "Invalid", "{name}: {u}");
        assert!(u["report"]["error"].as_str().unwrap().contains(says), "{name}: {u}");
    }
    // an upload cut off half-way: dropped, nothing left behind
    let before = std::fs::read_dir(d.join("uploads")).unwrap().count();
    {
        use std::io::Write as _;
        let mut tcp = std::net::TcpStream::connect(s.base.trim_start_matches("http://")).unwrap();
        let head = format!(
            "POST {uploads}?filename=cut.geojson HTTP/1.1\r\nHost: x\r\nAuthorization: {kari}\r\nContent-Length: 100000\r\n\r\n"
        );
        tcp.write_all(head.as_bytes()).unwrap();
        tcp.write_all(&points).unwrap();
        tcp.shutdown(std::net::Shutdown::Both).unwrap();
    }
    let mut left = usize::MAX;
    for _ in 0..50 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        left = std::fs::read_dir(d.join("uploads")).unwrap().count();
        if left == before {
            break;
        }
    }
    assert_eq!(left, before, "the cut-off upload's folder is gone");
    // someone else's dataset
    ok(d, &["ingest", fixture("points.geojson").to_str().unwrap(), "--dataset", "nve-punkter", "--org", "nve"]);
    let (status, _, _) = send(
        &s,
        "POST",
        "/api/partners/kartverket/datasets/nve-punkter/uploads?filename=p.geojson",
        Some(&kari),
        &[],
        &points,
    );
    assert_eq!(status, 403);

    let log = ok(d, &["audit", "--limit", "1000"]);
    assert!(log.contains("kari\tupload\tkartverket/punkter\t127.0.0.1\trefused: file name"), "bad names: {log}");
    for act in ["\tupload\t", "\tpublish\t", "\trollback\t"] {
        assert!(log.contains(act), "{act}: {log}");
    }
}
