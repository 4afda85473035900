#!/usr/bin/env bash
# Download service benchmarks, release build serving on loopback:
#  1. a county clip of N synthetic polygons (default 1,000,000; benches/make_synthetic.sh)
#     as an order (POST to ReadyForDownload: cut, GeoPackage by GDAL, zipped with
#     metadata and license) against `ogr2ogr -f GPKG -clipsrc <county>` on the same input;
#  2. a prebuilt 1 GB file downloaded over loopback with curl (the clip's made file
#     replaced by 1 GiB of random bytes, its size and SHA-256 recorded as a job would).
#
# Usage: benches/download.sh   (N=1000000, RUNS=3, COUNTY=34, BENCH_DIR=/tmp/fjord-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
RUNS=${RUNS:-3}
COUNTY=${COUNTY:-34}
. benches/common.sh
synthetic "$N"

DATA="$DIR/download-data"
rm -rf "$DATA"
./target/release/fjord --data-dir "$DATA" seed datasets >/dev/null 2>&1
./target/release/fjord --data-dir "$DATA" ingest "$GPKG" --dataset synthetic --org bench >/dev/null 2>&1
rm -f "$DIR/county.geojson"
ogr2ogr -f GeoJSON "$DIR/county.geojson" datasets/fylker/fylker.geojson -where "fylkesnummer='$COUNTY'" \
    -t_srs EPSG:25833

./target/release/fjord --data-dir "$DATA" serve --listen 127.0.0.1:0 2>"$DIR/serve.log" &
PID=$!
trap 'kill $PID' EXIT
for _ in $(seq 100); do grep -q "listening on http://" "$DIR/serve.log" && break; sleep 0.1; done
BASE=$(grep -o "listening on http://[0-9.:]*" "$DIR/serve.log" | head -1 | sed 's/listening on //')

# order the county and wait for it: wall seconds and the file's link
order() {
    python3 - "$BASE" "$COUNTY" "$DATA/downloads/downloads.sqlite" <<'PY'
import json, sqlite3, sys, time, urllib.request
base, county, db = sys.argv[1:4]
# each run makes the file afresh: forget the one made before
sqlite3.connect(db).execute("DELETE FROM files").connection.commit()
hits = json.load(urllib.request.urlopen(f"{base}/api/catalogue/search?q=synthetic"))["hits"]
uuid = next(h["record"]["uuid"] for h in hits if h["record"]["dataset"] == "synthetic")
body = {"orderLines": [{"metadataUuid": uuid, "areas": [{"code": county, "type": "fylke"}],
        "projections": [{"code": "25833"}], "formats": [{"name": "GeoPackage"}]}]}
req = urllib.request.Request(f"{base}/api/order", json.dumps(body).encode(), {"Content-Type": "application/json"})
start = time.time()
ref = json.load(urllib.request.urlopen(req))["referenceNumber"]
while True:
    f = json.load(urllib.request.urlopen(f"{base}/api/order/{ref}"))["files"][0]
    if f["status"] != "WaitingForProcessing":
        break
    time.sleep(0.05)
assert f["status"] == "ReadyForDownload", f
print(f"{time.time() - start:.3f} {f['downloadUrl']}")
PY
}

echo "County $COUNTY clip of $N polygons:"
echo "| run | ogr2ogr -clipsrc (s) | fjord order to ready (s) |"
echo "|---|---|---|"
for run in $(seq 1 "$RUNS"); do
    rm -f "$DIR/clipped.gpkg"
    o=$(seconds ogr2ogr -f GPKG "$DIR/clipped.gpkg" "$GPKG" synthetic -clipsrc "$DIR/county.geojson")
    read -r f URL < <(order)
    echo "| $run | $o | $f |"
done
# the made file becomes 1 GiB of random bytes, recorded as a job records it
FILE=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT path FROM files WHERE status='ready'\").fetchone()[0])" "$DATA/downloads/downloads.sqlite")
count() { ogrinfo -ro -so -al "$1" | grep 'Feature Count' | cut -d: -f2; }
INNER=$(python3 -c "import sys, zipfile; print(next(n for n in zipfile.ZipFile(sys.argv[1]).namelist() if n.endswith('.gpkg')))" "$FILE")
echo "features: ogr2ogr$(count "$DIR/clipped.gpkg"), fjord$(count "/vsizip/$FILE/$INNER")"
head -c 1073741824 /dev/urandom >"$FILE"
SHA=$(sha256sum "$FILE" | cut -d' ' -f1)
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('UPDATE files SET size=?, sha256=? WHERE path=?', (1073741824, sys.argv[2], sys.argv[3])); c.commit()" \
    "$DATA/downloads/downloads.sqlite" "$SHA" "$FILE"
echo
echo "1 GiB file over loopback (curl -o /dev/null):"
echo "| run | seconds | MB/s |"
echo "|---|---|---|"
for run in $(seq 1 "$RUNS"); do
    read -r t s < <(curl -s -o /dev/null -w '%{time_total} %{speed_download}\n' "$URL")
    echo "| $run | $t | $(python3 -c "print(round($s / 1e6))") |"
done
