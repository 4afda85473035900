//! The citizen web pages over HTTP: the search page (facets, area filter, escaping,
//! language switch), a dataset page (services, download options), the basket and order
//! pages, the login that returns to the page it came from and then shows a restricted
//! dataset's downloads, and clear 4xx pages for bad input. The browser walks them in
//! tests/citizen_browser.rs.

mod common;
use common::*;
use serde_json::json;

/// GET a page with extra headers: (status, headers, body).
fn page(s: &Server, path: &str, headers: &[(&str, &str)]) -> (u16, Vec<(String, String)>, String) {
    let (status, hs, bytes) = call(s, "GET", path, None, headers, b"");
    (status, hs, String::from_utf8(bytes).unwrap())
}

/// The metadata uuid of a sample dataset.
fn uuid_of(s: &Server, dataset: &str) -> String {
    let found = s.json(&format!("/api/catalogue/search?q={dataset}&limit=50"), 200);
    let hit = found["hits"].as_array().unwrap().iter().find(|h| h["record"]["dataset"] == dataset).unwrap();
    hit["record"]["uuid"].as_str().unwrap().to_string()
}

#[test]
fn search_page_facets_area_filter_escaping_and_languages() {
    let (_dir, s) = seeded();
    let (status, hs, html) = page(&s, "/?q=h%C3%B8yde", &[]);
    assert_eq!(status, 200);
    assert!(header(&hs, "content-type").unwrap().starts_with("text/html"));
    assert_eq!(header(&hs, "content-language"), Some("nb"));
    assert!(html.contains("<html lang=\"nb\">") && html.contains("2 treff"), "{html}");
    assert!(html.contains("Høydemodell – syntetisk eksempel (1 km)"));
    assert!(html.contains("<label for=\"q\">Søk i kartkatalogen</label>"));
    // facets from the catalogue search, with GeoNorge's access names in the page's words
    for facet in ["<h3>Tema</h3>", "<h3>Organisasjon</h3>", "<h3>Type</h3>", "<h3>Tilgang</h3>", "Åpne data"] {
        assert!(html.contains(facet), "{facet}");
    }
    assert!(html.contains("href=\"/?q=h%C3%B8yde&amp;access=no%20restrictions\""), "{html}");
    // thumbnails from our own WMS, which answers them with PNGs
    let thumb = html.split("class=\"thumb\" src=\"").nth(1).unwrap().split('"').next().unwrap().replace("&amp;", "&");
    let (status, hs, png) = call(&s, "GET", &thumb, None, &[], b"");
    assert_eq!((status, header(&hs, "content-type")), (200, Some("image/png")), "{thumb}");
    assert!(png.starts_with(b"\x89PNG"));

    // a facet narrows the search and is marked as chosen; its link widens it again
    let (_, _, themed) = page(&s, "/?theme=Basis%20geodata", &[]);
    assert!(themed.contains("2 treff") && themed.contains("Fylker 2024") && !themed.contains("Høydemodell"));
    assert!(themed.contains("aria-current=\"true\" class=\"on\">Basis geodata</a>"), "{themed}");
    assert!(themed.contains("Fjern alle filtre"));
    // the area filter: a box in the sea west of Norway meets nothing
    let (_, _, sea) = page(&s, "/?bbox=-30,50,-20,55", &[]);
    assert!(sea.contains("0 treff") && sea.contains("Ingen treff"), "{sea}");
    assert!(sea.contains("<details class=\"area\" open>"));
    let (_, _, oslo) = page(&s, "/?bbox=10.6,59.8,10.9,60.0", &[]);
    assert!(oslo.contains("Kommuner i Oslo, Akershus og Vestfold"));

    // by title, as Kartkatalog's orderby names it, kept by the facet links
    let (_, _, by_title) = page(&s, "/?orderby=title", &[]);
    let first = |html: &str, a: &str, b: &str| html.find(a).unwrap() < html.find(b).unwrap();
    assert!(first(&by_title, ">Fylker 2024<", ">Høydedata – fjelltopper<"), "{by_title}");
    assert!(by_title.contains("<option value=\"title\" selected>Tittel</option>"));
    assert!(by_title.contains("href=\"/?orderby=title&amp;theme=H%C3%B8ydedata\""), "{by_title}");
    let (_, _, newest) = page(&s, "/?orderby=newest", &[]);
    assert!(newest.contains("<option value=\"newest\" selected>"));

    // whatever is typed comes back escaped
    let (status, _, html) = page(&s, "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22", &[]);
    assert_eq!(status, 200);
    assert!(!html.contains("<script>alert") && html.contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;&quot;\""));

    // English by the switch (remembered in a cookie) or by Accept-Language
    let (_, hs, en) = page(&s, "/?q=h%C3%B8yde&lang=en", &[]);
    assert!(en.contains("<html lang=\"en\">") && en.contains("2 results") && en.contains("Open data"), "{en}");
    assert!(en.contains("href=\"/?q=h%C3%B8yde&amp;lang=nb\" lang=\"nb\""), "the switch back: {en}");
    assert!(header(&hs, "set-cookie").unwrap().starts_with("fjord_lang=en;"));
    let (_, hs, en) = page(&s, "/", &[("Accept-Language", "en-GB,en;q=0.9,nb;q=0.5")]);
    assert_eq!(header(&hs, "content-language"), Some("en"));
    assert!(en.contains("Search the map catalogue"));
    let (_, _, kept) = page(&s, "/", &[("Accept-Language", "nb"), ("Cookie", "fjord_lang=en")]);
    assert!(kept.contains("Search the map catalogue"));

    // bad input: a clear 400 page
    for (path, why) in [
        ("/?lang=de", "lang must be nb or en"),
        ("/?bbox=1,2,3", "bbox"),
        ("/?bbox=0,0,200,10", "bbox"),
        ("/?offset=-1", "offset"),
        ("/?orderby=size", "orderby &#39;size&#39; is not known"),
    ] {
        let (status, hs, html) = page(&s, path, &[]);
        assert_eq!(status, 400, "{path}");
        assert!(header(&hs, "content-type").unwrap().starts_with("text/html"), "{path}");
        assert!(html.contains(why), "{path}: {html}");
    }
}

#[test]
fn dataset_page_services_download_options_basket_and_order() {
    let (_dir, s) = seeded();
    let hoyde = uuid_of(&s, "hoyde");
    let (status, _, html) = page(&s, &format!("/metadata/{hoyde}"), &[]);
    assert_eq!(status, 200);
    assert!(html.contains("<h1>Høydemodell – syntetisk eksempel (1 km)</h1>"));
    assert!(html.contains("id=\"preview\"") && html.contains("data-layer=\"hoyde\""), "the map preview");
    assert!(html.contains("/static/ol.js") && html.contains("/static/ol.css"));
    for service in ["OGC:WMS", "OGC:WMTS", "OGC:WCS", "OGC:API"] {
        assert!(html.contains(&format!("<span class=\"protocol\">{service}</span>")), "{service}");
    }
    assert!(html.contains(&format!("{}/wms?service=WMS&amp;request=GetCapabilities", s.base)));
    assert_eq!(html.matches("class=\"copy\"").count(), 4, "a copy button per service");
    // the download options from the Download API's codelists
    assert!(html.contains("<optgroup label=\"Fylker\">") && html.contains(">03 Oslo</option>"), "{html}");
    assert!(html.contains("<option value=\"25833\">EUREF89 UTM sone 33, 2d</option>"));
    assert!(html.contains("<option>GeoTIFF</option>") && html.contains(">Legg i kurv</button>"));
    assert!(html.contains("<option value=\"Kart\" data-type=\"polygon\""), "an area drawn on the map");
    assert!(!html.contains("\"celle\""), "the thousands of map-sheet cells are left to the API");
    let (_, _, en) = page(&s, &format!("/metadata/{hoyde}?lang=en"), &[]);
    assert!(en.contains(">Add to basket</button>") && en.contains("<optgroup label=\"Counties\">"));

    // unknown and odd uuids: 404 pages, escaped
    let (status, _, html) = page(&s, "/metadata/%3Cb%3Enone", &[]);
    assert_eq!(status, 404);
    assert!(html.contains("no dataset with uuid &#39;&lt;b&gt;none&#39;"), "{html}");

    // the basket page (its list is the browser's)
    let (status, _, html) = page(&s, "/nedlasting", &[]);
    assert_eq!(status, 200);
    assert!(html.contains("id=\"basket\"") && html.contains("<label for=\"usage-group\">Brukergruppe</label>"));
    assert!(html.contains("<option value=\"Privatperson\">Privatperson</option>"));
    let (_, _, en) = page(&s, "/nedlasting?lang=en", &[]);
    assert!(en.contains("<option value=\"Privatperson\">Private person</option>"));

    // what the basket orders, and the order's page in a browser
    let asked = json!({ "email": "", "usageGroup": "Privatperson", "softwareClient": "fjord-web", "orderLines": [{
        "metadataUuid": hoyde, "areas": [{ "code": "03", "type": "fylke", "name": "Oslo" }],
        "projections": [{ "code": "25833" }], "formats": [{ "name": "GeoTIFF" }], "usagePurpose": ["Fritid"] }] });
    let (status, _, body) = s.post("/api/order", "application/json", &asked.to_string());
    assert_eq!(status, 200, "{body}");
    let receipt: serde_json::Value = serde_json::from_str(&body).unwrap();
    let reference = receipt["referenceNumber"].as_str().unwrap();
    let (status, _, html) = page(&s, &format!("/api/order/{reference}"), &[("Accept", "text/html")]);
    assert_eq!(status, 200);
    assert!(html.contains(&format!("<h1>Bestilling {reference}</h1>")) && html.contains("<td>Oslo</td>"), "{html}");
    assert!(html.contains("data-status=\"") && html.contains("/static/order.js"));
    let (_, _, en) = page(&s, &format!("/api/order/{reference}?lang=en"), &[("Accept", "text/html")]);
    assert!(en.contains(&format!("<h1>Order {reference}</h1>")));
    assert_eq!(s.json(&format!("/api/order/{reference}"), 200)["referenceNumber"], reference, "JSON for scripts");

    // the embedded files
    let (status, hs, _) = page(&s, "/static/dataset.js", &[]);
    assert_eq!((status, header(&hs, "content-type")), (200, Some("text/javascript; charset=utf-8")));
    let (status, _, ol) = call(&s, "GET", "/static/ol.js", None, &[], b"");
    assert!(status == 200 && ol.len() > 100_000, "OpenLayers is in the binary");
    assert_eq!(page(&s, "/static/nothing.js", &[]).0, 404);
}

/// A login form's CSRF token and the cookie that goes with it.
fn login_form(s: &Server, back: &str) -> (String, String, String) {
    let (status, hs, html) = page(s, &format!("/login?return={back}"), &[]);
    assert_eq!(status, 200, "{html}");
    let csrf = html.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let cookie = header(&hs, "set-cookie").unwrap().split(';').next().unwrap().to_string();
    (csrf, cookie, html)
}

#[test]
fn logging_in_returns_to_the_restricted_dataset_and_shows_its_downloads() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["seed", root().join("datasets").to_str().unwrap()]);
    restricted_setup(d);
    let s = Server::start(d);
    let hemmelig = uuid_of(&s, "hemmelig");
    let (status, _, html) = page(&s, &format!("/metadata/{hemmelig}"), &[]);
    assert_eq!(status, 200);
    assert!(html.contains("Skjermede data") && !html.contains("id=\"order-form\""), "{html}");
    let back = format!("/metadata/{hemmelig}");
    assert!(html.contains(&format!("href=\"/login?return=%2Fmetadata%2F{hemmelig}\"")), "the login link: {html}");
    let (_, _, restricted) = page(&s, "/?access=restricted", &[]);
    assert!(restricted.contains("1 treff") && restricted.contains("Hemmelige punkter"));
    assert!(!restricted.contains("class=\"thumb\""), "no thumbnail the WMS would refuse an anonymous visitor");

    // only paths on this site are returned to
    let (_, _, html) = login_form(&s, "%2F%2Fevil.example%2F");
    assert!(html.contains("name=\"return\" value=\"/\""), "{html}");

    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).max_redirects(0).build().into();
    let post = |form: &str, cookie: &str| {
        let res = agent
            .post(&format!("{}/login", s.base))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Cookie", cookie)
            .send(form)
            .unwrap();
        let session = res.headers().get_all("set-cookie").iter().find_map(|v| {
            v.to_str()
                .ok()
                .filter(|c| c.starts_with("fjord_session="))
                .map(|c| c.split(';').next().unwrap().to_string())
        });
        (res.status().as_u16(), res.headers().get("location").map(|v| v.to_str().unwrap().to_string()), session)
    };
    let (csrf, cookie, _) = login_form(&s, &fjord_core::url::encode_component(&back));
    let return_to = fjord_core::url::encode_component(&back);
    let (status, _, _) = post(&format!("csrf=wrong&return={return_to}&username=kari&password=x"), &cookie);
    assert_eq!(status, 403, "a form from elsewhere");
    let (status, _, session) =
        post(&format!("csrf={csrf}&return={return_to}&username=kari&password=wrong+password+here"), &cookie);
    assert_eq!((status, session), (401, None));
    let (status, location, session) =
        post(&format!("csrf={csrf}&return={return_to}&username=kari&password=fjell+og+fjord+2026"), &cookie);
    assert_eq!((status, location.as_deref()), (303, Some(back.as_str())));
    let session = session.expect("a session cookie");

    let (_, _, html) = page(&s, &back, &[("Cookie", &session)]);
    assert!(html.contains("id=\"order-form\"") && html.contains("data-restricted=\"true\""), "{html}");
    assert!(html.contains("<a href=\"/account\">Min konto</a>") && html.contains("<a href=\"/logout\">Logg ut</a>"));

    // the browser's session orders the restricted file; without it the order's page asks
    // for a login
    let asked = json!({ "email": "", "usageGroup": "Privatperson", "softwareClient": "fjord-web", "orderLines": [{
        "metadataUuid": hemmelig, "areas": [{ "code": "0000", "type": "landsdekkende" }],
        "projections": [{ "code": "25833" }], "formats": [{ "name": "GeoJSON" }], "usagePurpose": ["Fritid"] }] });
    let headers = [("Content-Type", "application/json"), ("Cookie", session.as_str())];
    let (status, _, body) = call(&s, "POST", "/api/order", None, &headers, asked.to_string().as_bytes());
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let receipt: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let mine = format!("/api/order/{}", receipt["referenceNumber"].as_str().unwrap());
    let (status, _, html) = page(&s, &mine, &[("Accept", "text/html"), ("Cookie", &session)]);
    assert_eq!(status, 200, "{html}");
    let (status, hs, html) = page(&s, &mine, &[("Accept", "text/html")]);
    assert_eq!(status, 401);
    assert!(header(&hs, "content-type").unwrap().starts_with("text/html"));
    assert!(html.contains(&format!("href=\"/login?return={}\"", fjord_core::url::encode_component(&mine))), "{html}");
}
