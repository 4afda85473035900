"""OWSLib, a real client, against a running fjord.
Usage: owslib_check.py BASE_URL   (e.g. http://127.0.0.1:8080)
Prints one line per check and closes with 'owslib: N passed, N failed'; exit 1 on any failure."""
import shutil
import subprocess
import sys

from checks import check, finish
from owslib.ogcapi.features import Features
from owslib.wcs import WebCoverageService
from owslib.wfs import WebFeatureService
from owslib.wms import WebMapService
from owslib.wmts import WebMapTileService

BASE = sys.argv[1]
OSLO_UTM = (230000, 6620000, 300000, 6690000)  # EPSG:25833, around Oslo
OSLO_LL = [10.6, 59.8, 10.9, 60.0]  # CRS84

def wfs_capabilities():
    w = WebFeatureService(f"{BASE}/wfs", version="2.0.0", timeout=30)
    names = sorted(w.contents)
    assert "fjord:kommuner" in names, names
    box = w.contents["fjord:kommuner"].boundingBoxWGS84
    assert 9 < box[0] < box[2] < 13 and 58 < box[1] < box[3] < 61, box
    return f"{len(names)} feature types, kommuner WGS84 box {tuple(round(v, 2) for v in box)}"


def wfs_getfeature_bbox():
    w = WebFeatureService(f"{BASE}/wfs", version="2.0.0", timeout=30)
    r = w.getfeature(typename=["fjord:kommuner"], bbox=OSLO_UTM + ("urn:ogc:def:crs:EPSG::25833",), maxfeatures=100)
    gml = r.read()
    gml = gml.decode() if isinstance(gml, bytes) else gml
    assert "<wfs:FeatureCollection" in gml and "Oslo" in gml, gml[:300]
    n = gml.count("<wfs:member>")
    assert n >= 1, n
    return f"GetFeature bbox -> {n} features in GML 3.2"


def wfs_getfeature_post():
    w = WebFeatureService(f"{BASE}/wfs", version="2.0.0", timeout=30)
    box = OSLO_UTM + ("urn:ogc:def:crs:EPSG::25833",)
    posted = w.getfeature(typename=["fjord:kommuner"], bbox=box, maxfeatures=100, method="Post").read()
    got = w.getfeature(typename=["fjord:kommuner"], bbox=box, maxfeatures=100).read()
    n = posted.count(b"<wfs:member>")
    assert n >= 1 and b"Oslo" in posted and n == got.count(b"<wfs:member>"), (n, posted[:300])
    lom = (
        '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsEqualTo>'
        "<fes:ValueReference>kommune</fes:ValueReference><fes:Literal>Lom</fes:Literal>"
        "</fes:PropertyIsEqualTo></fes:Filter>"
    )
    r = w.getfeature(typename=["fjord:fjelltopper"], filter=lom, sortby=["hoyde_m"], method="Post").read()
    m = r.count(b"<wfs:member>")
    assert m >= 2 and m == r.count(b"<fjord:kommune>Lom</fjord:kommune>"), r[:300]
    return f"GetFeature by POST: bbox -> {n} features as by GET, filter -> {m} summits in Lom"


def wfs_110_capabilities():
    w = WebFeatureService(f"{BASE}/wfs", version="1.1.0", timeout=30)
    assert w.identification.version == "1.1.0", w.identification.version
    names = sorted(w.contents)
    assert {"fjord:fylker", "fjord:kommuner", "fjord:fjelltopper"} <= set(names), names
    k = w.contents["fjord:kommuner"]
    box = k.boundingBoxWGS84
    assert 9 < box[0] < box[2] < 13 and 58 < box[1] < box[3] < 61, box
    codes = [c.getcode() for c in k.crsOptions]
    assert codes[0] == "EPSG:25833" and "EPSG:4326" in codes, codes
    ops = sorted(o.name for o in w.operations)
    assert ops == ["DescribeFeatureType", "GetCapabilities", "GetFeature"], ops
    return f"{len(names)} feature types, {len(codes)} CRSs, operations {ops}"


def wfs_110_getfeature():
    w = WebFeatureService(f"{BASE}/wfs", version="1.1.0", timeout=30)
    box = OSLO_UTM + ("urn:ogc:def:crs:EPSG::25833",)
    gml = w.getfeature(typename=["fjord:kommuner"], bbox=box, maxfeatures=100).read()
    gml = gml.decode() if isinstance(gml, bytes) else gml
    assert 'xmlns:gml="http://www.opengis.net/gml"' in gml and "Oslo" in gml, gml[:300]
    n = gml.count("<gml:featureMember>")
    assert n >= 1 and f'numberOfFeatures="{n}"' in gml, gml[:400]
    return f"GetFeature 1.1.0 bbox -> {n} features in GML 3.1.1"


def wms_getmap():
    w = WebMapService(f"{BASE}/wms", version="1.3.0", timeout=30)
    assert {"fylker", "kommuner", "fjelltopper"} <= set(w.contents), list(w.contents)
    assert "EPSG:25833" in w.contents["fylker"].crsOptions, w.contents["fylker"].crsOptions
    img = w.getmap(layers=["fylker"], styles=[""], srs="EPSG:25833", bbox=(-100000, 6400000, 1100000, 7900000),
                   size=(200, 250), format="image/png").read()
    assert img[:4] == b"\x89PNG", img[:200]
    info = w.getfeatureinfo(layers=["fylker"], srs="EPSG:25833", bbox=(-100000, 6400000, 1100000, 7900000),
                            size=(200, 250), format="image/png", query_layers=["fylker"], info_format="text/plain",
                            xy=(59, 163)).read()
    info = info.decode() if isinstance(info, bytes) else info
    assert "fylkesnummer = 34" in info, info[:300]
    return f"{len(w.contents)} layers, GetMap {len(img)} bytes of PNG, GetFeatureInfo finds county 34"


def wmts_gettile():
    w = WebMapTileService(f"{BASE}/wmts?SERVICE=WMTS&REQUEST=GetCapabilities", timeout=30)
    assert "fylker" in w.contents and "WebMercatorQuad" in w.tilematrixsets, (list(w.contents), list(w.tilematrixsets))
    tile = w.gettile(layer="fylker", tilematrixset="WebMercatorQuad", tilematrix="4", row=4, column=8,
                     format="image/png").read()
    assert tile[:4] == b"\x89PNG", tile[:200]
    return f"{len(w.contents)} layers, {len(w.tilematrixsets)} tile matrix sets, a {len(tile)}-byte PNG tile"


def oapif_collections():
    f = Features(f"{BASE}/ogcapi", timeout=30)
    ids = [c["id"] for c in f.collections()["collections"]]
    assert {"fylker", "kommuner", "fjelltopper"} <= set(ids), ids
    return f"{len(ids)} collections"


def oapif_items_bbox():
    f = Features(f"{BASE}/ogcapi", timeout=30)
    fc = f.collection_items("kommuner", bbox=OSLO_LL, limit=100)
    names = [x["properties"]["navn"] for x in fc["features"]]
    assert "Oslo" in names and fc["numberMatched"] == len(names), (names, fc["numberMatched"])
    return f"items?bbox -> {len(names)} features"


def oapif_items_filter():
    f = Features(f"{BASE}/ogcapi", timeout=30)
    fc = f.collection_items("fjelltopper", kommune="Lom", limit=100)
    assert fc["numberMatched"] >= 2 and all(x["properties"]["kommune"] == "Lom" for x in fc["features"]), fc
    return f"items?kommune=Lom -> {fc['numberMatched']} features"


def wcs_contents():
    w = WebCoverageService(f"{BASE}/wcs", version="2.0.1", timeout=30)
    assert list(w.contents) == ["hoyde"], list(w.contents)
    c = w.contents["hoyde"]
    assert c.grid.axislabels == ["E", "N"] and "image/tiff" in c.supportedFormats, (c.grid.axislabels, c.supportedFormats)
    box = c.boundingboxes[0]
    assert box["nativeSrs"].endswith("/EPSG/0/25833"), box
    return f"coverages {list(w.contents)}, grid {c.grid.highlimits}, envelope {box['bbox']}"


def wcs_getcoverage():
    w = WebCoverageService(f"{BASE}/wcs", version="2.0.1", timeout=30)
    # OWSLib writes a list identifier as its Python repr: the id goes as a string
    r = w.getCoverage(identifier="hoyde", format="image/tiff",
                      subsets=[("E", 200000, 260000), ("N", 6599984, 6679984)])
    tif = r.read()
    assert tif[:4] == b"II*\x00", tif[:200]
    if shutil.which("gdalinfo") is None:
        return f"GetCoverage E/N subsets -> {len(tif)}-byte GeoTIFF (gdalinfo is not installed: not opened)"
    out = subprocess.run(["gdalinfo", "/vsistdin/"], input=tif, capture_output=True, check=True).stdout.decode()
    assert "Size is 60, 80" in out and '"EPSG",25833' in out, out[:500]
    return f"GetCoverage E/N subsets -> {len(tif)}-byte GeoTIFF, 60 x 80 cells (gdalinfo)"


check("WFS 2.0 capabilities", wfs_capabilities)
check("WFS 2.0 GetFeature bbox", wfs_getfeature_bbox)
check("WFS 2.0 GetFeature by POST", wfs_getfeature_post)
check("WFS 1.1.0 capabilities", wfs_110_capabilities)
check("WFS 1.1.0 GetFeature bbox", wfs_110_getfeature)
check("WMS 1.3.0 GetMap and GetFeatureInfo", wms_getmap)
check("WMTS GetTile", wmts_gettile)
check("OGC API collections", oapif_collections)
check("OGC API items bbox", oapif_items_bbox)
check("OGC API items property filter", oapif_items_filter)
check("WCS 2.0.1 contents", wcs_contents)
check("WCS 2.0.1 GetCoverage", wcs_getcoverage)
finish("owslib")
