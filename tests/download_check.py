"""A scripted user of fjord's download API, written against GeoNorge's Download API as
documented: capabilities -> codelists -> order -> poll -> download, for a municipality
file and a polygon clip; checks each zip's contents with ogrinfo and resumes a cut-off
download with Range.

Usage: download_check.py BASE_URL METADATA_UUID
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile

import requests

from checks import check, finish

BASE, UUID = sys.argv[1].rstrip("/"), sys.argv[2]
API = BASE + "/api"
SQUARE = "250000 6640000 270000 6640000 270000 6660000 250000 6660000"
seen = {}


def poll(reference):
    for _ in range(600):
        receipt = requests.get(f"{API}/order/{reference}", headers={"Accept": "application/json"}).json()
        if all(f["status"] != "WaitingForProcessing" for f in receipt["files"]):
            return receipt
        time.sleep(0.1)
    raise AssertionError("the order never finished")


def features(zip_path):
    """ogrinfo's feature count of the zip's GeoPackage."""
    with zipfile.ZipFile(zip_path) as z:
        data = [n for n in z.namelist() if n.endswith(".gpkg")]
    out = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-so", f"/vsizip/{zip_path}/{data[0]}"], capture_output=True, text=True
    ).stdout
    counts = [int(l.split(":")[1]) for l in out.splitlines() if l.startswith("Feature Count:")]
    return counts[0] if counts else -1


def capabilities():
    caps = requests.get(f"{API}/capabilities/{UUID}").json()
    assert caps["supportsAreaSelection"] and caps["supportsPolygonSelection"], caps
    seen["links"] = {l["rel"].rsplit("/", 1)[1]: l["href"] for l in caps["_links"]}
    return sorted(seen["links"])


def codelists():
    links = seen["links"]
    areas = requests.get(links["area"]).json()
    oslo = next(a for a in areas if a["type"] == "kommune" and a["name"] == "Oslo")
    projection = next(p for p in oslo["projections"] if p["code"] == "25833")
    fmt = next(f for f in projection["formats"] if f["name"] == "GeoPackage")
    assert requests.get(links["projection"]).ok and requests.get(links["format"]).ok
    seen.update(oslo=oslo, projection=projection["code"], format=fmt["name"])
    return f"{len(areas)} areas"


def order():
    line = {
        "metadataUuid": UUID,
        "projections": [{"code": seen["projection"]}],
        "formats": [{"name": seen["format"]}],
        "usagePurpose": ["Forskning"],
    }
    oslo = seen["oslo"]
    body = {
        "email": "user@example.no",
        "usageGroup": "Privatperson",
        "softwareClient": "download_check.py",
        "orderLines": [
            dict(line, areas=[{"code": oslo["code"], "type": oslo["type"], "name": oslo["name"]}]),
            dict(
                line,
                areas=[{"code": "Kart", "type": "polygon", "name": "Kart"}],
                coordinates=SQUARE,
                coordinatesystem="25833",
            ),
        ],
    }
    placed = requests.post(seen["links"]["order"], json=body)
    assert placed.ok and len(placed.json()["files"]) == 2, placed.text
    seen["reference"] = placed.json()["referenceNumber"]
    return seen["reference"]


def settle():
    receipt = poll(seen["reference"])
    assert all(f["status"] == "ReadyForDownload" for f in receipt["files"]), receipt
    seen["files"] = receipt["files"]
    return [f["name"] for f in receipt["files"]]


def ogrinfo():
    tmp, counts = tempfile.mkdtemp(), []
    for f in seen["files"]:
        path = os.path.join(tmp, f["name"])
        with requests.get(f["downloadUrl"], stream=True) as r, open(path, "wb") as out:
            for chunk in r.iter_content(65536):
                out.write(chunk)
        counts.append(features(path))
    assert counts[0] == 1 and counts[1] >= 1, counts
    return counts


def resume():
    """A download cut off half-way, resumed with Range; its SHA-256 the published one."""
    f = seen["files"][0]
    full = requests.get(f["downloadUrl"]).content
    half = len(full) // 2
    first = requests.get(f["downloadUrl"], headers={"Range": f"bytes=0-{half - 1}"})
    rest = requests.get(f["downloadUrl"], headers={"Range": f"bytes={half}-"})
    assert (first.status_code, rest.status_code) == (206, 206)
    assert first.content + rest.content == full
    assert hashlib.sha256(full).hexdigest() == f["sha256"]
    return f"{len(full)} bytes in two ranges"


def clipper_file():
    """A clip polygon sent as a form's file, then ordered by its id."""
    square = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [[[10.6, 59.85], [10.9, 59.85], [10.9, 60.0], [10.6, 59.85]]]},
    }
    r = requests.post(f"{API}/validate-clipperfile/{UUID}", files={"file": ("oslo.geojson", json.dumps(square))})
    assert r.ok and r.json()["valid"], r.text
    body = {
        "email": "user@example.no",
        "orderLines": [
            {
                "metadataUuid": UUID,
                "areas": [{"code": "Kart", "type": "polygon"}],
                "clipperFile": r.json()["clipperFile"],
                "projections": [{"code": "25833"}],
                "formats": [{"name": "GeoPackage"}],
            }
        ],
    }
    placed = requests.post(seen["links"]["order"], json=body)
    assert placed.ok, placed.text
    receipt = poll(placed.json()["referenceNumber"])
    assert receipt["files"][0]["status"] == "ReadyForDownload", receipt
    return f"{r.json()['areaKm2']:.0f} km²"


for name, fn in [
    ("capabilities", capabilities),
    ("codelists", codelists),
    ("order", order),
    ("poll", settle),
    ("ogrinfo reads both zips", ogrinfo),
    ("resumed with Range", resume),
    ("clipper file", clipper_file),
]:
    check(name, fn)
finish("download")
