#!/usr/bin/env python3
"""A scripted user of fjord's download API, written against GeoNorge's Download API as
documented: capabilities -> codelists -> order -> poll -> download, for a municipality
file and a polygon clip; checks each zip's contents with ogrinfo and resumes a cut-off
download with Range.

Usage: download_check.py BASE_URL METADATA_UUID
Prints one line per check and `download: N passed, M failed`; exits 1 on a failure.
"""
import hashlib
import os
import subprocess
import sys
import tempfile
import time
import zipfile

import requests

BASE, UUID = sys.argv[1].rstrip("/"), sys.argv[2]
API = BASE + "/api"
passed, failed = 0, 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name} {detail}")


def poll(reference):
    for _ in range(600):
        receipt = requests.get(f"{API}/order/{reference}", headers={"Accept": "application/json"}).json()
        if all(f["status"] != "WaitingForProcessing" for f in receipt["files"]):
            return receipt
        time.sleep(0.1)
    raise SystemExit("the order never finished")


def features(zip_path):
    """ogrinfo's feature count of the zip's GeoPackage."""
    with zipfile.ZipFile(zip_path) as z:
        data = [n for n in z.namelist() if n.endswith(".gpkg")]
    out = subprocess.run(
        ["ogrinfo", "-ro", "-al", "-so", f"/vsizip/{zip_path}/{data[0]}"], capture_output=True, text=True
    ).stdout
    counts = [int(l.split(":")[1]) for l in out.splitlines() if l.startswith("Feature Count:")]
    return counts[0] if counts else -1


caps = requests.get(f"{API}/capabilities/{UUID}").json()
links = {l["rel"].rsplit("/", 1)[1]: l["href"] for l in caps["_links"]}
check("capabilities", caps["supportsAreaSelection"] and caps["supportsPolygonSelection"], caps)

areas = requests.get(links["area"]).json()
oslo = next(a for a in areas if a["type"] == "kommune" and a["name"] == "Oslo")
projection = next(p for p in oslo["projections"] if p["code"] == "25833")
fmt = next(f for f in projection["formats"] if f["name"] == "GeoPackage")
check("codelists", requests.get(links["projection"]).ok and requests.get(links["format"]).ok)

square = "250000 6640000 270000 6640000 270000 6660000 250000 6660000"
order = {
    "email": "user@example.no",
    "usageGroup": "Privatperson",
    "softwareClient": "download_check.py",
    "orderLines": [
        {
            "metadataUuid": UUID,
            "areas": [{"code": oslo["code"], "type": oslo["type"], "name": oslo["name"]}],
            "projections": [{"code": projection["code"]}],
            "formats": [{"name": fmt["name"]}],
            "usagePurpose": ["Forskning"],
        },
        {
            "metadataUuid": UUID,
            "areas": [{"code": "Kart", "type": "polygon", "name": "Kart"}],
            "coordinates": square,
            "coordinatesystem": "25833",
            "projections": [{"code": projection["code"]}],
            "formats": [{"name": fmt["name"]}],
            "usagePurpose": ["Forskning"],
        },
    ],
}
placed = requests.post(links["order"], json=order)
check("order", placed.ok and len(placed.json()["files"]) == 2, placed.text)
receipt = poll(placed.json()["referenceNumber"])
check("poll", all(f["status"] == "ReadyForDownload" for f in receipt["files"]), receipt)

tmp = tempfile.mkdtemp()
counts = []
for f in receipt["files"]:
    path = os.path.join(tmp, f["name"])
    with requests.get(f["downloadUrl"], stream=True) as r, open(path, "wb") as out:
        for chunk in r.iter_content(65536):
            out.write(chunk)
    counts.append(features(path))
check("ogrinfo reads both zips", counts[0] == 1 and counts[1] >= 1, counts)

# a download cut off half-way, resumed with Range
url = receipt["files"][0]["downloadUrl"]
full = requests.get(url).content
half = len(full) // 2
first = requests.get(url, headers={"Range": f"bytes=0-{half - 1}"})
rest = requests.get(url, headers={"Range": f"bytes={half}-"})
resumed = first.content + rest.content
check(
    "resumed with Range",
    first.status_code == 206 and rest.status_code == 206 and resumed == full,
    (first.status_code, rest.status_code),
)
check("published SHA-256", hashlib.sha256(resumed).hexdigest() == receipt["files"][0]["sha256"])

print(f"download: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
