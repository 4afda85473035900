//! A GIS client harvests the catalogue: each record as ISO 19139 XML, and the CSW 2.0.2
//! searched by OWSLib's `CatalogueServiceWeb` (text and bbox constraints, CQL, hits,
//! paging, element sets, ISO output read by OWSLib's ISO parser, GetRecordById,
//! GetDomain, exception reports), its documents validated against the ISO 19139 and CSW
//! schemas where pycsw's package provides them; and OGC API – Records searched by
//! OWSLib's `Records`; the DCAT-AP-NO JSON-LD read as RDF by rdflib. Restricted records
//! stay hidden from those who may not read them.

mod common;
use common::{ok, restricted_setup, root, Server};
use std::process::Command;

/// The seeded samples, plus the restricted `hemmelig` dataset, served with restricted
/// records hidden from those who may not read them.
fn catalogue(dir: &std::path::Path) -> Server {
    ok(dir, &["seed", root().join("datasets").to_str().unwrap()]);
    restricted_setup(dir);
    Server::start_with(dir, &[("FJORD_AUTH_HIDE_RESTRICTED_RECORDS", "true")])
}

/// (uuid, title) of every record an anonymous caller sees, and the hidden one's uuid.
fn records(server: &Server, data: &std::path::Path) -> (Vec<(String, String)>, String) {
    let all = server.json("/api/catalogue/search?kind=dataset&limit=100", 200);
    let seen: Vec<(String, String)> = all["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["record"]["uuid"].as_str().unwrap().into(), h["record"]["title"].as_str().unwrap().into()))
        .collect();
    let hemmelig: serde_json::Value = serde_json::from_str(&ok(data, &["datasets", "show", "hemmelig"])).unwrap();
    (seen, hemmelig["uuid"].as_str().unwrap().to_string())
}

fn owslib(script: &str, args: &[&str]) -> Option<String> {
    let has_owslib = Command::new("python3").args(["-c", "import owslib"]).output().is_ok_and(|o| o.status.success());
    if !has_owslib {
        println!("SKIPPED: OWSLib is not installed (just test-deps installs it with pip)");
        return None;
    }
    let out = Command::new("python3").arg(root().join("tests").join(script)).args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    println!("{stdout}");
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    Some(stdout)
}

#[test]
fn iso19139_records_parse_with_owslib_and_hide_restricted_ones() {
    let dir = tempfile::tempdir().unwrap();
    let server = catalogue(dir.path());
    let (seen, hidden) = records(&server, dir.path());
    assert_eq!(
        seen.len(),
        6,
        "the six samples (four datasets, Doffin's notices, KOSTRA's figures), not the restricted record: {seen:?}"
    );

    let (status, ct, xml) = server.get(&format!("/api/catalogue/records/{}.xml", seen[0].0));
    assert_eq!((status, ct.as_str()), (200, "application/xml"), "{xml}");
    assert!(xml.contains(&format!("<gco:CharacterString>{}</gco:CharacterString>", seen[0].0)), "{xml}");
    for path in [format!("/api/catalogue/records/{hidden}.xml"), "/api/catalogue/records/nothing.xml".into()] {
        let (status, ct, body) = server.get(&path);
        assert_eq!(status, 404, "{path}: {body}");
        assert!(ct.contains("problem+json"), "{path}: {ct}");
    }
}

#[test]
fn csw_answers_owslib_and_refuses_bad_requests() {
    let dir = tempfile::tempdir().unwrap();
    let server = catalogue(dir.path());
    let (seen, hidden) = records(&server, dir.path());

    // hits without a client: the hidden record is not counted
    let (status, ct, body) = server.get("/csw?service=CSW&version=2.0.2&request=GetRecords&typeNames=csw:Record");
    assert_eq!((status, ct.as_str()), (200, "application/xml"), "{body}");
    assert!(
        body.contains(&format!("numberOfRecordsMatched=\"{}\" numberOfRecordsReturned=\"0\"", seen.len())),
        "{body}"
    );
    let (_, _, by_id) = server.get(&format!("/csw?service=CSW&version=2.0.2&request=GetRecordById&id={hidden}"));
    assert!(!by_id.contains(&hidden), "{by_id}");

    // bad input: a 400 ExceptionReport naming what was wrong, never a 500
    for (path, locator) in [
        ("/csw?service=CSW&version=2.0.2&request=GetRecords&typeNames=fjord:Nothing", "typeNames"),
        ("/csw?service=CSW&version=2.0.2&request=GetRecords&maxRecords=1000000000", "maxRecords"),
        (
            "/csw?service=CSW&version=2.0.2&request=GetRecords&constraintLanguage=CQL_TEXT&constraint=Title%20LIKE",
            "Constraint",
        ),
        ("/csw?service=CSW&version=2.0.2&request=GetRecords&startPosition=abc", "startPosition"),
        ("/csw?service=CSW&version=2.0.2&request=Transaction", "Transaction"),
        ("/csw?request=GetCapabilities", "service"),
    ] {
        let (status, _, body) = server.get(path);
        assert_eq!(status, 400, "{path}: {body}");
        assert!(
            body.contains("<ows:ExceptionReport") && body.contains(&format!("locator=\"{locator}\"")),
            "{path}: {body}"
        );
    }
    let laughs = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"{}\">{}]><GetRecords><Query typeNames=\"csw:Record\">&j;</Query></GetRecords>",
        "x".repeat(10),
        (b'b'..=b'j').map(|c| format!("<!ENTITY {} \"{}\">", c as char, format!("&{};", (c - 1) as char).repeat(10))).collect::<String>()
    );
    for body in [laughs.as_str(), "<GetRecords><Query>", "\u{0}"] {
        let (status, _, answer) = server.post("/csw", "application/xml", body);
        assert_eq!(status, 400, "{answer}");
        assert!(answer.contains("ExceptionReport"), "{answer}");
    }
    // just over the limit: the few bytes left unread fit the socket's buffers, so the
    // client always reads the answer
    let huge = format!("<GetRecords><!--{}--></GetRecords>", "x".repeat(1 << 20));
    assert_eq!(server.post("/csw", "application/xml", &huge).0, 413);

    let mut args = vec![server.base.as_str(), hidden.as_str()];
    args.extend(seen.iter().map(|(u, _)| u.as_str()));
    if let Some(out) = owslib("csw_check.py", &args) {
        // one check per record's ISO 19139, eleven of the services
        assert!(out.contains(&format!("csw: {} passed, 0 failed", 11 + seen.len())), "{out}");
    }
}
