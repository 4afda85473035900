//! The citizen's flow: sample datasets are seeded, the server starts, and the catalogue
//! answers searches with ranked hits, facets and full records over HTTP.

mod common;
use common::{ok, root, Server};

#[test]
fn seeded_catalogue_answers_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let out = ok(data, &["seed", root().join("datasets").to_str().unwrap()]);
    assert!(out.contains("published fylker version 1"), "{out}");
    // seeding again reuses what is loaded
    let again = ok(data, &["seed", root().join("datasets").to_str().unwrap()]);
    assert!(again.contains("fylker: already loaded"), "{again}");

    let server = Server::start(data);
    let health = server.json("/health", 200);
    assert_eq!(health["status"], "ok");
    assert!(health["datasets"].as_u64().unwrap() >= 3);

    // Norwegian prefix search with folding: "høyde" finds "Høydedata – fjelltopper"
    for q in ["h%C3%B8yde", "hoyde", "H%C3%B8ydedata"] {
        let r = server.json(&format!("/api/catalogue/search?q={q}"), 200);
        let titles: Vec<&str> =
            r["hits"].as_array().unwrap().iter().map(|h| h["record"]["title"].as_str().unwrap()).collect();
        assert!(titles.iter().any(|t| t.starts_with("Høydedata")), "{q}: {titles:?}");
    }
    // English keywords, ranking and facets
    let r = server.json("/api/catalogue/search?q=county", 200);
    assert_eq!(r["hits"][0]["record"]["dataset"], "fylker", "{r}");
    let all = server.json("/api/catalogue/search?limit=100", 200);
    assert_eq!(all["total"].as_u64().unwrap() as usize, all["hits"].as_array().unwrap().len());
    let orgs = all["facets"]["org"].as_array().unwrap();
    assert!(orgs.iter().any(|f| f["value"] == "kartverket" && f["count"].as_u64().unwrap() >= 2), "{orgs:?}");
    assert!(!all["facets"]["theme"].as_array().unwrap().is_empty());
    // the portals' sample records outnumber the datasets; the kind facet has both
    assert!(all["facets"]["kind"].as_array().unwrap().iter().any(|f| f["value"] == "dataset"), "{all}");

    // filters: theme, org, bbox (EPSG:4258) and paging links
    let theme = server.json("/api/catalogue/search?theme=Basis%20geodata&limit=100", 200);
    assert!(theme["hits"].as_array().unwrap().iter().all(|h| h["record"]["theme"] == "Basis geodata"));
    let svalbard = server.json("/api/catalogue/search?bbox=-30,-50,-20,-40", 200);
    assert_eq!(svalbard["total"], 0);
    let page = server.json("/api/catalogue/search?limit=1", 200);
    assert!(page["links"].as_array().unwrap().iter().any(|l| l["rel"] == "next"));

    // one record with every derived field
    let uuid = r["hits"][0]["record"]["uuid"].as_str().unwrap().to_string();
    let rec = server.json(&format!("/api/catalogue/records/{uuid}"), 200);
    assert_eq!(rec["title"], "Fylker 2024");
    assert_eq!(rec["feature_count"], 15);
    assert_eq!(rec["organisation"]["id"], "kartverket");
    assert_eq!(rec["access"], "open");
    assert_eq!(rec["version"], 1);
    assert_eq!(rec["schema"]["geometry"], "MultiPolygon");
    assert!(rec["schema"]["fields"].as_array().unwrap().iter().any(|f| f["name"] == "fylkesnummer"));
    assert_eq!(rec["lineage"]["driver"], "GeoJSON");
    assert_eq!(rec["lineage"]["sha256"].as_str().unwrap().len(), 64);
    assert!(rec["crs"].as_array().unwrap().iter().any(|c| c == "EPSG:25833"));
    let b = &rec["bbox"];
    assert!(b["west"].as_f64().unwrap() > 3.0 && b["east"].as_f64().unwrap() < 32.0, "{b}");
    assert!(b["south"].as_f64().unwrap() > 57.0 && b["north"].as_f64().unwrap() < 72.0, "{b}");

    // bad input: a JSON problem, never a 500
    for bad in [
        "/api/catalogue/search?bbox=1,2,3",
        "/api/catalogue/search?limit=-5",
        "/api/catalogue/search?limit=100000",
        "/api/catalogue/search?offset=x",
    ] {
        let p = server.json(bad, 400);
        assert_eq!(p["status"], 400);
        assert!(!p["detail"].as_str().unwrap().is_empty());
    }
    let missing = server.json("/api/catalogue/records/not-a-record", 404);
    assert_eq!(missing["status"], 404);

    // the front page and the metrics
    let (s, ct, html) = server.get("/?q=fylke");
    assert_eq!(s, 200);
    assert!(ct.starts_with("text/html") && html.contains("Fylker 2024"));
    let (s, _, metrics) = server.get("/metrics");
    assert_eq!(s, 200);
    assert!(
        metrics.contains("fjord_http_requests_total{method=\"GET\",route=\"/api/catalogue/search\",status=\"400\"}")
    );
    assert!(metrics.contains("fjord_catalogue_records"));
}

#[test]
fn kartkatalog_search_and_the_registers_answer_as_geonorge_does() {
    let (_dir, s) = common::seeded();
    // Kartkatalog's parameters and answer: NumFound, 1-based Offset, Results, Facets
    let r = s.json("/api/search?text=h%C3%B8yde&limit=1&offset=1", 200);
    assert!(r["NumFound"].as_u64().unwrap() >= 2, "{r}");
    assert_eq!((r["Limit"].as_u64(), r["Offset"].as_u64()), (Some(1), Some(1)));
    let first = &r["Results"][0];
    assert!(first["Title"].as_str().unwrap().starts_with("Høyde"), "{first}");
    assert!(first["Uuid"].is_string() && first["DistributionProtocol"].as_str().unwrap().starts_with("OGC:"), "{r}");
    let second = s.json("/api/search?text=h%C3%B8yde&limit=1&offset=2", 200);
    assert_ne!(second["Results"][0]["Uuid"], first["Uuid"], "offset 2 is the next result");
    let facets = r["Facets"].as_array().unwrap();
    let types = facets.iter().find(|f| f["FacetField"] == "type").unwrap();
    assert_eq!(types["FacetResults"][0]["Name"], "dataset", "{types}");
    // a facet filter and an order
    let all = s.json("/api/search?limit=100&orderby=title&facets%5B0%5Dname=type&facets%5B0%5Dvalue=dataset", 200);
    let titles: Vec<&str> = all["Results"].as_array().unwrap().iter().map(|h| h["Title"].as_str().unwrap()).collect();
    let mut sorted = titles.clone();
    sorted.sort();
    assert!(titles.len() >= 4 && titles == sorted, "{titles:?}");
    let none = s.json("/api/search?facets%5B0%5Dname=type&facets%5B0%5Dvalue=service", 200);
    assert_eq!(none["NumFound"], 0);
    for bad in ["offset=0", "orderby=size", "limit=1000", "facets%5B0%5Dname=colour&facets%5B0%5Dvalue=red"] {
        assert_eq!(s.get(&format!("/api/search?{bad}")).0, 400, "{bad}");
    }

    // the registers: counties and municipalities from the boundary datasets, EPSG codes
    let list = s.json("/api/register", 200);
    assert_eq!(list["registers"].as_array().unwrap().len(), 4, "{list}");
    let kommuner = s.json("/api/register/kommunenummer", 200);
    let oslo = kommuner["containeditems"].as_array().unwrap().iter().find(|i| i["codevalue"] == "0301").unwrap();
    assert_eq!((oslo["label"].as_str(), oslo["status"].as_str()), (Some("Oslo"), Some("valid")), "{oslo}");
    assert!(oslo["validFrom"].is_string());
    let fylker = s.json("/api/register/fylkesnummer", 200);
    assert!(fylker["containeditems"].as_array().unwrap().iter().any(|i| i["codevalue"] == "03"), "{fylker}");
    let epsg = s.json("/api/register/epsg-koder", 200);
    assert!(epsg["containeditems"].as_array().unwrap().iter().any(|i| i["codevalue"] == "25833"), "{epsg}");
    let (status, ct, xml) = s.get("/api/register/kommunenummer?f=xml");
    assert!(status == 200 && ct.contains("xml") && xml.contains("<codevalue>0301</codevalue>"), "{xml}");
    assert_eq!(s.get("/api/register/nope").0, 404);
}
