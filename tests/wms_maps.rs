//! WMS 1.3.0 and 1.1.1: capabilities, maps whose pixels show Norway where it is, axis
//! order by version, transparency, the standard exception codes, and GDAL's WMS driver.

mod common;
use common::{fetch, fixture, gdal, ok, root, Picture, Server};

fn seeded() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["seed", root().join("datasets").to_str().unwrap()]);
    let server = Server::start(dir.path());
    (dir, server)
}

/// Norway in EPSG:25833, and where two places fall on a 200×250 map of it: inland
/// Oppland (Jotunheimen) and the open sea west of Stad.
const NORWAY: &str = "-100000,6400000,1100000,7900000";
const LAND: (u32, u32) = (59, 163);
const SEA: (u32, u32) = (5, 160);

fn getmap(version: &str, extra: &str) -> String {
    let crs = if version == "1.3.0" { "CRS" } else { "SRS" };
    format!("/wms?SERVICE=WMS&VERSION={version}&REQUEST=GetMap&LAYERS=fylker&STYLES=&{crs}=EPSG:25833&BBOX={NORWAY}&WIDTH=200&HEIGHT=250&FORMAT=image/png{extra}")
}

#[test]
fn maps_show_norway_where_it_is() {
    let (_dir, s) = seeded();
    let (status, ct, body) = fetch(&s, &getmap("1.3.0", ""));
    assert_eq!((status, ct.as_str()), (200, "image/png"), "{}", String::from_utf8_lossy(&body));
    let map = Picture::decode(&body);
    assert_ne!(map.at(LAND.0, LAND.1), [255, 255, 255, 255], "land is drawn");
    assert_eq!(map.at(SEA.0, SEA.1), [255, 255, 255, 255], "the sea is background");

    // 1.3.0 EPSG:4326 is lat/lon, 1.1.1 lon/lat: the same box gives the same picture
    let a = fetch(&s, "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=kommuner&STYLES=&CRS=EPSG:4326&BBOX=59,9.5,61,12&WIDTH=100&HEIGHT=80&FORMAT=image/png").2;
    let b = fetch(&s, "/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=kommuner&STYLES=&SRS=EPSG:4326&BBOX=9.5,59,12,61&WIDTH=100&HEIGHT=80&FORMAT=image/png").2;
    assert_eq!(a, b);
    let oslo = Picture::decode(&a);
    assert!(oslo.rgba.iter().any(|p| *p != [255, 255, 255, 255]), "the municipalities are drawn");

    // transparent background, another colour, several layers composited in order
    let clear = Picture::decode(&fetch(&s, &getmap("1.3.0", "&TRANSPARENT=TRUE")).2);
    assert_eq!(clear.at(SEA.0, SEA.1)[3], 0);
    assert!(clear.at(LAND.0, LAND.1)[3] > 100, "the default fill is 60 % opaque");
    let black = Picture::decode(&fetch(&s, &getmap("1.1.1", "&BGCOLOR=0x000000")).2);
    assert_eq!(black.at(SEA.0, SEA.1), [0, 0, 0, 255]);
    let layered = getmap("1.3.0", "").replace("LAYERS=fylker&STYLES=", "LAYERS=fylker,fjelltopper&STYLES=,");
    assert_eq!(fetch(&s, &layered).0, 200);
}

#[test]
fn maps_from_the_generalisation_cache_match_maps_made_afresh() {
    let (dir, s) = seeded();
    let fresh = Server::start_with(dir.path(), &[("FJORD_SERVICES_MAP_CACHE_BYTES", "0")]);
    let maps = [
        getmap("1.3.0", ""),
        "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=kommuner&STYLES=&CRS=EPSG:3857&BBOX=1100000,8300000,1300000,8500000&WIDTH=256&HEIGHT=256&FORMAT=image/png".to_string(),
        "/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=kommuner,fylker&STYLES=,&CRS=EPSG:4326&BBOX=57,4,72,32&WIDTH=300&HEIGHT=400&FORMAT=image/png".to_string(),
    ];
    for path in &maps {
        // twice from the cached server: the second map is drawn from the kept features
        let (first, again, afresh) = (fetch(&s, path).2, fetch(&s, path).2, fetch(&fresh, path).2);
        assert!(Picture::decode(&first).rgba.iter().any(|p| *p != [255, 255, 255, 255]), "{path} draws something");
        assert_eq!(first, again, "{path}: the kept features draw the same map");
        assert_eq!(first, afresh, "{path}: as a server that keeps nothing");
    }
}

#[test]
fn capabilities_in_both_versions() {
    let (_dir, s) = seeded();
    let (status, ct, caps) = fetch(&s, "/wms?SERVICE=WMS&REQUEST=GetCapabilities");
    let caps = String::from_utf8(caps).unwrap();
    assert_eq!((status, ct.as_str()), (200, "text/xml"));
    assert!(caps.contains("<WMS_Capabilities version=\"1.3.0\""));
    for name in ["fylker", "kommuner", "fjelltopper"] {
        assert!(caps.contains(&format!("<Name>{name}</Name>")), "{name}");
    }
    assert!(caps.contains("<CRS>EPSG:25833</CRS>") && caps.contains("<EX_GeographicBoundingBox>"));
    assert!(caps.contains("<BoundingBox CRS=\"EPSG:4326\" minx=\"5"), "1.3.0 EPSG:4326 boxes are lat first");
    assert!(caps.contains("<MaxWidth>4096</MaxWidth>") && caps.contains("<Style><Name>default</Name>"));
    let old = String::from_utf8(fetch(&s, "/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetCapabilities").2).unwrap();
    assert!(old.contains("<WMT_MS_Capabilities version=\"1.1.1\"") && old.contains("<SRS>EPSG:25833</SRS>"));
    assert!(old.contains("<LatLonBoundingBox minx=\"4"), "1.1.1 boxes are lon first");
}

#[test]
fn refusals_carry_the_standard_codes() {
    let (_dir, s) = seeded();
    let many = vec!["f"; 10_000].join(",");
    for (path, code) in [
        (getmap("1.3.0", "").replace("LAYERS=fylker", "LAYERS=nope"), "LayerNotDefined"),
        (getmap("1.3.0", "").replace("STYLES=", "STYLES=nope"), "StyleNotDefined"),
        (getmap("1.3.0", "").replace("EPSG:25833", "EPSG:3035"), "InvalidCRS"),
        (getmap("1.1.1", "").replace("EPSG:25833", "EPSG:3035"), "InvalidSRS"),
        (getmap("1.3.0", "").replace("image/png", "image/gif"), "InvalidFormat"),
        (getmap("1.3.0", "").replace("WIDTH=200", "WIDTH=100000"), "InvalidParameterValue"),
        (getmap("1.3.0", "").replace(NORWAY, "1100000,6400000,-100000,7900000"), "InvalidParameterValue"),
        (getmap("1.3.0", "").replace("BBOX=", "BOX="), "MissingParameterValue"),
        (getmap("1.3.0", "").replace("LAYERS=fylker", &format!("LAYERS={many}")), "InvalidParameterValue"),
        ("/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=Paint".to_string(), "OperationNotSupported"),
    ] {
        let (status, ct, body) = fetch(&s, &path);
        let body = String::from_utf8(body).unwrap();
        assert_eq!(status, 400, "{path}: {body}");
        assert!(ct.contains("xml") && body.contains("<ServiceExceptionReport"), "{path}: {body}");
        assert!(body.contains(&format!("code=\"{code}\"")), "{path}: {body}");
    }
    // an image when the client asks for one: blank, or with the message written on it
    for (e, written) in [("BLANK", false), ("INIMAGE", true), ("application/vnd.ogc.se_blank", false)] {
        let path = getmap("1.3.0", &format!("&EXCEPTIONS={e}")).replace("LAYERS=fylker", "LAYERS=nope");
        let (status, ct, body) = fetch(&s, &path);
        assert_eq!((status, ct.as_str()), (200, "image/png"), "{e}");
        let picture = Picture::decode(&body);
        assert_eq!(picture.width, 200);
        let inked = picture.rgba.iter().filter(|p| **p != [255, 255, 255, 255]).count();
        assert_eq!(inked > 50, written, "{e}: {inked} pixels not background");
    }
}

#[test]
fn gdal_reads_the_wms() {
    let (dir, s) = seeded();
    let Some(mut gdalinfo) = gdal("gdalinfo") else { return };
    let out =
        gdalinfo.arg(format!("WMS:{}/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities", s.base)).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    for name in ["fylker", "kommuner", "fjelltopper"] {
        assert!(text.contains(&format!("LAYERS={name}")), "{name} in the subdatasets:\n{text}");
    }
    // a GetMap through GDAL: a georeferenced image with Norway drawn
    let Some(mut translate) = gdal("gdal_translate") else { return };
    let png = dir.path().join("norway.png");
    let source = format!(
        "WMS:{}/wms?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=fylker&SRS=EPSG:25833&BBOX={NORWAY}",
        s.base
    );
    let out =
        translate.args(["-of", "PNG", "-outsize", "200", "250", &source, png.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let map = Picture::decode(&std::fs::read(&png).unwrap());
    assert!(map.rgba.iter().filter(|p| p[..3] != [255, 255, 255]).count() > 2000, "Norway is drawn");
    let info = gdal("gdalinfo").unwrap().arg(&png).output().unwrap();
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(text.contains("UTM zone 33N") || text.contains("25833"), "georeferenced:\n{text}");
}

#[test]
fn feature_info_finds_what_is_under_the_pixel() {
    let (_dir, s) = seeded();
    let info = |version: &str, extra: &str| {
        let (i, j) = if version == "1.3.0" { ("I", "J") } else { ("X", "Y") };
        let path = getmap(version, extra).replace("REQUEST=GetMap", "REQUEST=GetFeatureInfo")
            + &format!("&QUERY_LAYERS=fylker&{i}={}&{j}={}", LAND.0, LAND.1);
        fetch(&s, &path)
    };
    // the county under inland Jotunheimen: Innlandet (34)
    let (status, ct, body) = info("1.3.0", "&INFO_FORMAT=application/json");
    assert_eq!((status, ct.as_str()), (200, "application/json"), "{}", String::from_utf8_lossy(&body));
    let doc: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let features = doc["features"].as_array().unwrap();
    assert_eq!(features.len(), 1, "{doc}");
    assert_eq!(features[0]["properties"]["fylkesnummer"], "34", "{doc}");
    assert_eq!(features[0]["layer"], "fylker");
    for (format, needle) in [
        ("text/plain", "fylkesnummer = 34"),
        ("text/html", "<td>34</td>"),
        ("application/vnd.ogc.gml", "<fjord:fylkesnummer>34</fjord:fylkesnummer>"),
    ] {
        let body = String::from_utf8(info("1.1.1", &format!("&INFO_FORMAT={format}")).2).unwrap();
        assert!(body.contains(needle), "{format}: {body}");
    }
    // the sea holds nothing; a pixel off the map and a layer not drawn are refused
    let sea = getmap("1.3.0", "&INFO_FORMAT=application/json").replace("REQUEST=GetMap", "REQUEST=GetFeatureInfo")
        + &format!("&QUERY_LAYERS=fylker&I={}&J={}", SEA.0, SEA.1);
    let doc: serde_json::Value = serde_json::from_slice(&fetch(&s, &sea).2).unwrap();
    assert_eq!(doc["features"].as_array().unwrap().len(), 0);
    for (extra, code) in
        [("&QUERY_LAYERS=fylker&I=999&J=1", "InvalidPoint"), ("&QUERY_LAYERS=kommuner&I=1&J=1", "LayerNotQueryable")]
    {
        let path = getmap("1.3.0", extra).replace("REQUEST=GetMap", "REQUEST=GetFeatureInfo");
        let (status, _, body) = fetch(&s, &path);
        assert_eq!(status, 400);
        assert!(String::from_utf8(body).unwrap().contains(code), "{code}");
    }
}

#[test]
fn legends_match_their_capabilities_entry() {
    let (_dir, s) = seeded();
    let caps = String::from_utf8(fetch(&s, "/wms?SERVICE=WMS&REQUEST=GetCapabilities").2).unwrap();
    let at = caps.find("REQUEST=GetLegendGraphic").expect("a LegendURL");
    let start = caps[..at].rfind("<LegendURL width=\"").unwrap();
    let size: Vec<u32> = caps[start..at].split('"').filter_map(|p| p.parse().ok()).collect();
    let href_start = caps[..at].rfind("xlink:href=\"").unwrap() + 12;
    let href = caps[href_start..at + caps[at..].find('"').unwrap()].replace("&amp;", "&");
    let path = href.trim_start_matches(&s.base).to_string();
    let (status, ct, body) = fetch(&s, &path);
    assert_eq!((status, ct.as_str()), (200, "image/png"), "{path}");
    let legend = Picture::decode(&body);
    assert_eq!(legend.width, size[0], "{path}");
    assert_eq!(legend.rgba.len() as u32 / legend.width, size[1]);
    let (status, _, body) =
        fetch(&s, "/wms?SERVICE=WMS&REQUEST=GetLegendGraphic&LAYER=fylker&STYLE=nope&FORMAT=image/png");
    assert_eq!(status, 400);
    assert!(String::from_utf8(body).unwrap().contains("StyleNotDefined"));
}

#[test]
fn sld_styles_are_used_and_what_they_lose_is_said() {
    let (dir, s) = seeded();
    let sld = std::fs::read_to_string(fixture("fylker.sld")).unwrap();
    let path = getmap("1.3.0", &format!("&SLD_BODY={}", fjord_core::url::encode_component(&sld)));
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut res = agent.get(&format!("{}{path}", s.base)).call().unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let warning = res.headers().get("warning").and_then(|w| w.to_str().ok()).unwrap_or("").to_string();
    assert!(warning.contains("font-family"), "the ignored font is named: {warning}");
    let map = Picture::decode(&res.body_mut().read_to_vec().unwrap());
    let [r, g, b, _] = map.at(LAND.0, LAND.1);
    assert!(r > 200 && g < 60 && b < 60, "the SLD's red fill: {r} {g} {b}");
    let (status, _, body) = fetch(&s, &getmap("1.3.0", "&SLD_BODY=%3CStyledLayerDescriptor%3E%3CNamedLayer%3E"));
    assert_eq!(status, 400);
    assert!(String::from_utf8(body).unwrap().contains("locator=\"SLD_BODY\""));

    // imported with the CLI into a style folder, then offered by name
    let styles = dir.path().join("styles");
    let out = common::fjord(dir.path())
        .env("FJORD_SERVICES_STYLES_DIR", &styles)
        .args(["styles", "import", fixture("fylker.sld").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ignored: fylker/rod rule Fylke Font: font-family"));
    assert!(styles.join("fylker/rod.json").exists());
    drop(s);
    let s = Server::start_with(dir.path(), &[("FJORD_SERVICES_STYLES_DIR", styles.to_str().unwrap())]);
    let caps = String::from_utf8(fetch(&s, "/wms?SERVICE=WMS&REQUEST=GetCapabilities").2).unwrap();
    assert!(caps.contains("<Style><Name>rod</Name><Title>Røde fylker</Title>"), "{caps}");
    let red = Picture::decode(&fetch(&s, &getmap("1.3.0", "").replace("STYLES=", "STYLES=rod")).2);
    assert!(red.at(LAND.0, LAND.1)[0] > 200);
}

#[test]
fn wmts_serves_the_map_tiles() {
    let (dir, s) = seeded();
    let caps = String::from_utf8(fetch(&s, "/wmts?SERVICE=WMTS&REQUEST=GetCapabilities").2).unwrap();
    assert!(
        caps.contains("<ows:Identifier>fylker</ows:Identifier>")
            && caps.contains("<ows:Identifier>utm33n</ows:Identifier>")
    );
    assert!(caps.contains("urn:ogc:def:wkss:OGC:1.0:GoogleMapsCompatible"));
    let kvp = "/wmts?SERVICE=WMTS&REQUEST=GetTile&LAYER=fylker&STYLE=default&FORMAT=image/png&TILEMATRIXSET=WebMercatorQuad&TILEMATRIX=4&TILEROW=4&TILECOL=8";
    let (status, ct, a) = fetch(&s, kvp);
    assert_eq!((status, ct.as_str()), (200, "image/png"), "{}", String::from_utf8_lossy(&a));
    let b = fetch(&s, "/wmts/1.0.0/fylker/default/WebMercatorQuad/4/4/8.png").2;
    let c = fetch(&s, "/tiles/fylker/WebMercatorQuad/4/8/4.png").2;
    assert!(a == b && b == c, "KVP, REST and XYZ give the same tile");
    assert!(Picture::decode(&a).rgba.iter().filter(|p| p[3] > 0).count() > 1000, "Norway is on it");
    for (path, code) in [
        (kvp.replace("TILEROW=4", "TILEROW=99"), "TileOutOfRange"),
        (kvp.replace("LAYER=fylker", "LAYER=nope"), "InvalidParameterValue"),
        (kvp.replace("image/png", "image/gif"), "InvalidParameterValue"),
        (kvp.replace("&TILECOL=8", ""), "MissingParameterValue"),
    ] {
        let (status, _, body) = fetch(&s, &path);
        let body = String::from_utf8(body).unwrap();
        assert!(status >= 400 && body.contains(&format!("exceptionCode=\"{code}\"")), "{path}: {status} {body}");
    }
    // GDAL's WMTS driver reads the capabilities and a tile
    let Some(mut translate) = gdal("gdal_translate") else { return };
    let out_png = dir.path().join("wmts.png");
    let src =
        format!("WMTS:{}/wmts?SERVICE=WMTS&REQUEST=GetCapabilities,layer=fylker,tilematrixset=WebMercatorQuad", s.base);
    let out =
        translate.args(["-of", "PNG", "-outsize", "128", "128", &src, out_png.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(Picture::decode(&std::fs::read(&out_png).unwrap())
        .rgba
        .iter()
        .any(|p| p[3] > 0 && p[..3] != [255, 255, 255]));
}
