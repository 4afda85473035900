//! Elevation as coverages: WCS 2.0.1 (capabilities, descriptions, GetCoverage in
//! GeoTIFF and ASCII grid, trims, CRSs, scaling, refusals) and OGC API – Coverages, read
//! back with GDAL and compared with the sample DEM the dataset was ingested from; and
//! GDAL's own WCS client (gdalinfo, gdal_translate) against gdalwarp of the source.

mod common;
use common::*;
use gdal::spatial_ref::{AxisMappingStrategy, CoordTransform, SpatialRef};
use gdal::Dataset;
use std::path::Path;

const WCS: &str = "/wcs?service=WCS&version=2.0.1";

/// A window on the stored grid (1 km cells, rows 7 945 984 - k km): 60 × 80 cells.
const WINDOW: [f64; 4] = [200_000.0, 6_599_984.0, 260_000.0, 6_679_984.0];

/// A raster read back: size, geotransform, EPSG code, NoData and the band's values.
struct Grid {
    size: (usize, usize),
    gt: [f64; 6],
    epsg: u32,
    nodata: Option<f64>,
    values: Vec<f64>,
}

impl Grid {
    fn open(path: &Path) -> Grid {
        let ds = Dataset::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let band = ds.rasterband(1).unwrap();
        let size = ds.raster_size();
        let values = band.read_as::<f64>((0, 0), size, size, None).unwrap().into_shape_and_vec().1;
        let epsg = ds.spatial_ref().unwrap().auth_code().unwrap() as u32;
        Grid { size, gt: ds.geo_transform().unwrap(), epsg, nodata: band.no_data_value(), values }
    }

    /// Bytes of a file GDAL reads, written to `dir` as `name` first.
    fn of(bytes: &[u8], dir: &Path, name: &str) -> Grid {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        Grid::open(&path)
    }

    /// The value of the cell holding (x, y); `None` outside or for NoData.
    fn at(&self, x: f64, y: f64) -> Option<f64> {
        let (c, r) = ((x - self.gt[0]) / self.gt[1], (y - self.gt[3]) / self.gt[5]);
        if c < 0.0 || r < 0.0 || c >= self.size.0 as f64 || r >= self.size.1 as f64 {
            return None;
        }
        let v = self.values[r as usize * self.size.0 + c as usize];
        (Some(v) != self.nodata).then_some(v)
    }

    /// The centre of cell (column, row).
    fn centre(&self, c: usize, r: usize) -> (f64, f64) {
        (self.gt[0] + (c as f64 + 0.5) * self.gt[1], self.gt[3] + (r as f64 + 0.5) * self.gt[5])
    }
}

/// The sample DEM the `hoyde` dataset is ingested from.
fn source() -> Grid {
    Grid::open(&root().join("datasets/hoyde/hoyde.tif"))
}

/// A data folder with the samples loaded, and a server on it.
fn seeded() -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    ok(dir.path(), &["seed", root().join("datasets").to_str().unwrap()]);
    let s = Server::start(dir.path());
    (dir, s)
}

/// GET a coverage: 200 and `content_type` required.
fn coverage(s: &Server, path: &str, content_type: &str) -> Vec<u8> {
    let (status, ct, body) = fetch(s, path);
    assert_eq!((status, ct.as_str()), (200, content_type), "{path}: {}", String::from_utf8_lossy(&body));
    body
}

/// A WCS refusal: the status and an OWS 2.0 ExceptionReport with `code`.
fn refused(s: &Server, query: &str, status: u16, code: &str) {
    let (got, ct, body) = s.get(&format!("{WCS}&{query}"));
    assert_eq!(got, status, "{query}: {body}");
    assert!(ct.contains("xml"), "{query}: {ct}");
    assert!(
        body.contains("<ows:ExceptionReport xmlns:ows=\"http://www.opengis.net/ows/2.0\"")
            && body.contains(&format!("exceptionCode=\"{code}\"")),
        "{query}: {body}"
    );
}

/// Read the whole document (failing on anything not well-formed): the text of every
/// element named `element`.
fn texts(xml: &str, element: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut out, mut inside) = (Vec::new(), false);
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("not well-formed: {e}")) {
            Event::Start(e) => inside = e.name().as_ref() == element,
            Event::Text(t) if inside => out.push(t.xml10_content().into_owned()),
            Event::End(_) => inside = false,
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

#[test]
fn wcs_describes_and_serves_the_stored_heights() {
    let (dir, s) = seeded();
    let src = source();

    // capabilities: one summary per elevation dataset, formats, CRSs, interpolations
    let (status, _, caps) = s.get(&format!("{WCS}&request=GetCapabilities"));
    assert_eq!(status, 200, "{caps}");
    assert_eq!(texts(&caps, "wcs:CoverageId"), ["hoyde"], "feature datasets are no coverages");
    assert_eq!(texts(&caps, "wcs:CoverageSubtype"), ["RectifiedGridCoverage"]);
    assert_eq!(texts(&caps, "wcs:formatSupported"), ["image/tiff", "text/plain"]);
    let crs = texts(&caps, "crs:crsSupported");
    assert!(crs.contains(&"http://www.opengis.net/def/crs/EPSG/0/4326".to_string()), "{crs:?}");
    let wgs84 = texts(&caps, "ows:LowerCorner")[0].split(' ').map(|v| v.parse().unwrap()).collect::<Vec<f64>>();
    assert!((-6.0..6.0).contains(&wgs84[0]) && (54.0..58.0).contains(&wgs84[1]), "{wgs84:?}");
    assert!(caps.contains("<ows:Get xlink:href=\"http://127.0.0.1:"), "operations with URLs");

    // description: the stored grid at the finest level, in EPSG:25833
    let (status, _, desc) = s.get(&format!("{WCS}&request=DescribeCoverage&coverageId=hoyde"));
    assert_eq!(status, 200, "{desc}");
    assert!(desc.contains("srsName=\"http://www.opengis.net/def/crs/EPSG/0/25833\" axisLabels=\"E N\""), "{desc}");
    let corner = |name: &str| -> Vec<f64> { texts(&desc, name)[0].split(' ').map(|v| v.parse().unwrap()).collect() };
    let (low, high) = (corner("gml:lowerCorner"), corner("gml:upperCorner"));
    let limits: Vec<usize> = texts(&desc, "gml:high")[0].split(' ').map(|v| v.parse().unwrap()).collect();
    assert_eq!(
        [limits[0] + 1, limits[1] + 1],
        [((high[0] - low[0]) / 1000.0) as usize, ((high[1] - low[1]) / 1000.0) as usize]
    );
    assert!(low[0] <= -80_000.0 && high[1] >= 7_945_984.0, "the envelope holds the source: {low:?} {high:?}");
    assert_eq!(texts(&desc, "gml:offsetVector"), ["1000 0", "0 -1000"]);
    assert_eq!(corner("gml:pos"), [low[0] + 500.0, high[1] - 500.0], "the origin is the top-left cell's centre");
    assert_eq!(texts(&desc, "swe:nilValue"), ["-9999"]);
    assert!(desc.contains("<swe:field name=\"height\">") && desc.contains("<swe:uom code=\"m\"/>"), "{desc}");

    // GetCoverage on the stored grid: the stored heights, georeferenced, NoData set
    let [x0, y0, x1, y1] = WINDOW;
    let window = format!("{WCS}&request=GetCoverage&coverageId=hoyde&subset=E({x0},{x1})&subset=N({y0},{y1})");
    let tif = Grid::of(&coverage(&s, &format!("{window}&format=image/tiff"), "image/tiff"), dir.path(), "w.tif");
    assert_eq!((tif.size, tif.epsg, tif.nodata), ((60, 80), 25833, Some(-9999.0)));
    assert_eq!(tif.gt, [x0, 1000.0, 0.0, y1, 0.0, -1000.0]);
    let mut heights = 0;
    for r in 0..80 {
        for c in 0..60 {
            let (x, y) = tif.centre(c, r);
            assert_eq!(tif.at(x, y), src.at(x, y), "cell {c},{r}");
            heights += usize::from(src.at(x, y).is_some());
        }
    }
    assert!(heights > 1000, "the window holds land: {heights}");
    // a trim between cell edges is widened to whole cells; x/y name the same axes
    let inner = format!(
        "{WCS}&request=GetCoverage&coverageId=hoyde&subset=x({},{})&subset=y({},{})",
        x0 + 300.0,
        x1 - 300.0,
        y0 + 10.0,
        y1 - 999.0
    );
    let same = Grid::of(&coverage(&s, &inner, "image/tiff"), dir.path(), "inner.tif");
    assert_eq!((same.size, same.gt, &same.values), (tif.size, tif.gt, &tif.values));

    // the same window as Esri ASCII grid
    let asc = String::from_utf8(coverage(&s, &format!("{window}&format=text/plain"), "text/plain")).unwrap();
    let mut lines = asc.lines();
    let header: Vec<(String, String)> = lines
        .by_ref()
        .take(6)
        .map(|l| {
            let mut kv = l.split_whitespace();
            (kv.next().unwrap().to_ascii_lowercase(), kv.next().unwrap().to_string())
        })
        .collect();
    let value = |k: &str| header.iter().find(|(n, _)| n == k).unwrap_or_else(|| panic!("{k}: {asc:.300}")).1.clone();
    assert_eq!((value("ncols"), value("nrows")), ("60".into(), "80".into()));
    assert_eq!(value("xllcorner").parse::<f64>().unwrap(), x0);
    assert_eq!(value("yllcorner").parse::<f64>().unwrap(), y0);
    assert_eq!(value("nodata_value"), "-9999");
    let cells: Vec<f64> = lines.flat_map(str::split_whitespace).map(|v| v.parse().unwrap()).collect();
    assert_eq!(cells, tif.values, "ASCII grid and GeoTIFF hold the same heights");

    // scaling: scaleSize and scaleFactor, read from the overview level
    let size = Grid::of(&coverage(&s, &format!("{window}&scaleSize=E(30),N(40)"), "image/tiff"), dir.path(), "s.tif");
    assert_eq!((size.size, size.gt[1], size.gt[5]), ((30, 40), 2000.0, -2000.0));
    let factor = Grid::of(&coverage(&s, &format!("{window}&scaleFactor=0.5"), "image/tiff"), dir.path(), "f.tif");
    assert_eq!((factor.size, factor.gt), (size.size, size.gt));
    let axes = Grid::of(&coverage(&s, &format!("{window}&scaleAxes=N(0.25)"), "image/tiff"), dir.path(), "a.tif");
    assert_eq!(axes.size, (60, 20));
    let linear = format!("{window}&interpolation=http://www.opengis.net/def/interpolation/OGC/1/linear");
    assert_eq!(Grid::of(&coverage(&s, &linear, "image/tiff"), dir.path(), "l.tif").size, (60, 80));

    // output in EPSG:4326 from a trim in Lat/Long: each cell holds the height stored where
    // its centre lies (nearest; probes a few metres apart allow for the interpolated
    // positions)
    let geo = format!(
        "{WCS}&request=GetCoverage&coverageId=hoyde&subset=Lat(59.8,60.2)&subset=Long(10.4,11.0)\
         &subsettingCrs=http://www.opengis.net/def/crs/EPSG/0/4326&outputCrs=http://www.opengis.net/def/crs/EPSG/0/4326"
    );
    let ll = Grid::of(&coverage(&s, &geo, "image/tiff"), dir.path(), "ll.tif");
    assert_eq!(ll.epsg, 4326);
    assert!((ll.gt[0] - 10.4).abs() < 1e-9 && (ll.gt[3] - 60.2).abs() < 1e-9, "{:?}", ll.gt);
    assert!((ll.gt[0] + ll.gt[1] * ll.size.0 as f64 - 11.0).abs() < 1e-9, "{:?}", ll.gt);
    let mut wgs84 = SpatialRef::from_epsg(4326).unwrap();
    wgs84.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    let to_utm = CoordTransform::new(&wgs84, &SpatialRef::from_epsg(25833).unwrap()).unwrap();
    let mut checked = 0;
    for r in 0..ll.size.1 {
        for c in 0..ll.size.0 {
            let (lon, lat) = ll.centre(c, r);
            let (mut x, mut y) = ([lon], [lat]);
            to_utm.transform_coords(&mut x, &mut y, &mut []).unwrap();
            let probes: Vec<Option<f64>> = [(0.0, 0.0), (3.0, 0.0), (-3.0, 0.0), (0.0, 3.0), (0.0, -3.0)]
                .map(|(dx, dy)| src.at(x[0] + dx, y[0] + dy))
                .into();
            assert!(probes.contains(&ll.at(lon, lat)), "{lon},{lat}: {:?} not in {probes:?}", ll.at(lon, lat));
            checked += usize::from(ll.at(lon, lat).is_some());
        }
    }
    assert!(checked > 500, "{checked} heights around Oslo");

    // refusals: the WCS codes and statuses
    for (query, status, code) in [
        ("request=GetCoverage&coverageId=hoyde&subset=E(-900000,-800000)", 404, "InvalidSubsetting"),
        ("request=GetCoverage&coverageId=hoyde&subset=N(6700000,6600000)", 404, "InvalidSubsetting"),
        ("request=GetCoverage&coverageId=hoyde&subset=E(250000)", 404, "InvalidSubsetting"),
        ("request=GetCoverage&coverageId=hoyde&subset=Z(1,2)", 404, "InvalidAxisLabel"),
        ("request=GetCoverage&coverageId=nope", 404, "NoSuchCoverage"),
        ("request=GetCoverage&coverageId=fylker", 404, "NoSuchCoverage"),
        ("request=DescribeCoverage&coverageId=hoyde,nope", 404, "NoSuchCoverage"),
        ("request=GetCoverage", 400, "MissingParameterValue"),
        ("request=GetCoverage&coverageId=hoyde&subset=E(a,b)", 400, "InvalidParameterValue"),
        ("request=GetCoverage&coverageId=hoyde&scaleSize=E(0)", 400, "InvalidParameterValue"),
        ("request=GetCoverage&coverageId=hoyde&scaleSize=E(100000),N(100000)", 400, "InvalidParameterValue"),
        ("request=GetCoverage&coverageId=hoyde&scaleFactor=-1", 400, "InvalidScaleFactor"),
        (
            "request=GetCoverage&coverageId=hoyde&outputCrs=http://www.opengis.net/def/crs/EPSG/0/999999",
            400,
            "OutputCrs-NotSupported",
        ),
        ("request=GetCoverage&coverageId=hoyde&subsettingCrs=EPSG:1", 400, "SubsettingCrs-NotSupported"),
        ("request=GetCoverage&coverageId=hoyde&format=image/png", 400, "InvalidParameterValue"),
        ("request=GetCoverage&coverageId=hoyde&interpolation=cubic", 400, "InterpolationMethodNotSupported"),
        ("request=Transaction", 400, "OperationNotSupported"),
    ] {
        refused(&s, query, status, code);
    }
    let (status, _, body) = s.get("/wcs?request=GetCapabilities");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("MissingParameterValue"), "{body}");
}

#[test]
fn ogc_api_serves_coverages() {
    let (dir, s) = seeded();
    let src = source();
    let conformance = s.json("/ogcapi/conformance", 200);
    assert!(conformance.to_string().contains("ogcapi-coverages-1/1.0/conf/core"), "{conformance}");
    let cols = s.json("/ogcapi/collections", 200);
    let hoyde = cols["collections"].as_array().unwrap().iter().find(|c| c["id"] == "hoyde").expect("a coverage");
    let rels: Vec<&str> = hoyde["links"].as_array().unwrap().iter().map(|l| l["rel"].as_str().unwrap()).collect();
    assert!(rels.contains(&"http://www.opengis.net/def/rel/ogc/1.0/coverage"), "{rels:?}");
    assert!(!rels.contains(&"items"), "{rels:?}");
    assert_eq!(s.json("/ogcapi/collections/hoyde", 200)["id"], "hoyde");

    // a box in EPSG:25833, at the stored resolution: the stored heights
    let [x0, y0, x1, y1] = WINDOW;
    let bbox = format!("bbox={x0},{y0},{x1},{y1}&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/25833");
    let path = format!("/ogcapi/collections/hoyde/coverage?{bbox}");
    let tif = Grid::of(&coverage(&s, &path, "image/tiff"), dir.path(), "c.tif");
    assert_eq!((tif.size, tif.gt, tif.epsg), ((60, 80), [x0, 1000.0, 0.0, y1, 0.0, -1000.0], 25833));
    for r in 0..80 {
        for c in 0..60 {
            let (x, y) = tif.centre(c, r);
            assert_eq!(tif.at(x, y), src.at(x, y), "cell {c},{r}");
        }
    }
    // width alone keeps the aspect; crs and f=ascii
    let half = Grid::of(&coverage(&s, &format!("{path}&width=30"), "image/tiff"), dir.path(), "h.tif");
    assert_eq!(half.size, (30, 40));
    let ll = "/ogcapi/collections/hoyde/coverage?bbox=10.4,59.8,11,60.2&crs=http://www.opengis.net/def/crs/EPSG/0/4326&f=ascii";
    let asc = String::from_utf8(coverage(&s, ll, "text/plain")).unwrap();
    assert!(asc.contains("xllcorner    10.4") && asc.contains("NODATA_value"), "{asc:.300}");
    let domain = s.json("/ogcapi/collections/hoyde/coverage/domainset", 200);
    assert_eq!(domain["generalGrid"]["axis"][0]["resolution"], 1000.0);
    let range = s.json("/ogcapi/collections/hoyde/coverage/rangetype", 200);
    assert_eq!(
        (range["field"][0]["name"].as_str(), range["field"][0]["uom"]["code"].as_str()),
        (Some("height"), Some("m"))
    );

    for (bad, status) in [
        ("/ogcapi/collections/hoyde/coverage?bbox=1,2,3,4", 404),
        ("/ogcapi/collections/hoyde/coverage?f=png", 400),
        ("/ogcapi/collections/hoyde/coverage?width=0", 400),
        ("/ogcapi/collections/hoyde/coverage?width=100000", 400),
        ("/ogcapi/collections/hoyde/coverage?crs=EPSG:3035", 400),
        ("/ogcapi/collections/hoyde/coverage?colour=red", 400),
        ("/ogcapi/collections/fylker/coverage", 404),
        ("/ogcapi/collections/nope/coverage", 404),
    ] {
        let (got, _, body) = s.get(bad);
        assert_eq!(got, status, "{bad}: {body}");
        assert!(body.contains("\"description\""), "{bad}: {body}");
    }
}

#[test]
fn gdal_reads_the_wcs() {
    let (dir, s) = seeded();
    let Some(mut gdalinfo) = gdal("gdalinfo") else { return };
    let cache = dir.path().join("wcs-cache");
    let cache_option = format!("CACHE={}", cache.display());
    let url = format!("WCS:{}/wcs?version=2.0.1&coverage=hoyde", s.base);
    let out = gdalinfo.args(["-oo", &cache_option, &url]).output().unwrap();
    let info = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{info}{}", String::from_utf8_lossy(&out.stderr));
    let (_, _, desc) = s.get(&format!("{WCS}&request=DescribeCoverage&coverageId=hoyde"));
    let high: Vec<usize> = texts(&desc, "gml:high")[0].split(' ').map(|v| v.parse().unwrap()).collect();
    assert!(info.contains(&format!("Size is {}, {}", high[0] + 1, high[1] + 1)), "{info}");
    assert!(info.contains("ID[\"EPSG\",25833]") && info.contains("Pixel Size = (1000.000"), "{info}");

    // a window through GDAL's WCS client equals the same window warped from the source
    let [x0, y0, x1, y1] = WINDOW;
    let (ours, theirs) = (dir.path().join("wcs.tif"), dir.path().join("warp.tif"));
    let Some(mut translate) = gdal("gdal_translate") else { return };
    let projwin = [x0, y1, x1, y0].map(|v| v.to_string());
    let out =
        translate.args(["-q", "-oo", &cache_option, "-projwin"]).args(&projwin).arg(&url).arg(&ours).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let Some(mut warp) = gdal("gdalwarp") else { return };
    let te = [x0, y0, x1, y1].map(|v| v.to_string());
    let out = warp
        .args(["-q", "-ot", "Float32", "-tr", "1000", "1000", "-te"])
        .args(&te)
        .arg(root().join("datasets/hoyde/hoyde.tif"))
        .arg(&theirs)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (a, b) = (Grid::open(&ours), Grid::open(&theirs));
    assert_eq!((a.size, a.gt), (b.size, b.gt));
    // both write NoData as -9999 (the WCS driver may not carry the NoData value over)
    let mut compared = 0;
    for (i, (p, q)) in a.values.iter().zip(&b.values).enumerate() {
        match (*p != -9999.0, *q != -9999.0) {
            (true, true) => {
                assert!((p - q).abs() < 0.01, "cell {i}: {p} vs {q}");
                compared += 1;
            }
            (x, y) => assert_eq!(x, y, "cell {i}: NoData in one only ({p} vs {q})"),
        }
    }
    assert!(compared > 1000, "{compared}");
}
