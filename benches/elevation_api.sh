#!/usr/bin/env bash
# Point and profile API under load on loopback: `POST /hoydedata/v1/punkt` with a batch
# of 10,000 points (a 100 × 100 lattice over southern Norway, EPSG:25833) and
# `POST /api/elevation/profile` of a 300 km line sampled at 1,000 points, each with wrk
# (2 threads, 8 connections, 10 s) against a running fjord serving an elevation dataset.
#
# Usage: benches/elevation_api.sh [BASE_URL]     (default http://127.0.0.1:8080; the
#        server serves e.g. the peer kit's DEM: fjord ingest-raster /tmp/peers/data/dem_no.tif --dataset dem)
set -euo pipefail
base=${1:-http://127.0.0.1:8080}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" <<'PY'
import sys
d = sys.argv[1]
pts = ",".join(f"[{100000 + 3000 * (k % 100)},{6500000 + 3000 * (k // 100)}]" for k in range(10000))
open(f"{d}/points.form", "w").write(f"koordsys=25833&punkter=[{pts}]")
open(f"{d}/profile.json", "w").write('{"line": {"type": "LineString", "coordinates": [[100000, 6700000], [400000, 6700000]]}, "samples": 1000}')
PY
for what in points:/hoydedata/v1/punkt:application/x-www-form-urlencoded:points.form \
            profile:/api/elevation/profile:application/json:profile.json; do
    IFS=: read -r name path type file <<<"$what"
    cat >"$dir/$name.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "$type"
local f = io.open("$dir/$file", "rb"); wrk.body = f:read("*a"); f:close()
LUA
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Content-Type: $type" --data-binary "@$dir/$file" "$base$path")
    [ "$code" = 200 ] || { echo "$name: HTTP $code" >&2; exit 1; }
    echo "== $name ($path)"
    wrk -t2 -c8 -d10s --latency -s "$dir/$name.lua" "$base$path" | grep -E "Requests/sec|50%|99%"
done
