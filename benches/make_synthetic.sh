#!/usr/bin/env bash
# Make a GeoPackage of N synthetic square polygons (50–200 m) in EPSG:25833, spread
# over Norway's UTM33 extent, deterministic (a fixed LCG), unless it exists already.
#
# Usage: benches/make_synthetic.sh N OUT.gpkg
set -euo pipefail
N=$1
GPKG=$2
[ -f "$GPKG" ] && exit 0
echo "making $GPKG ($N polygons)"
CSV="${GPKG%.gpkg}.csv"
python3 - "$N" "$CSV" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
state = 42
def rnd():
    global state
    state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
    return (state >> 11) / 2**53
with open(path, "w") as f:
    f.write("WKT,name,n,value\n")
    for i in range(n):
        x, y, s = -100000 + rnd() * 1e6, 6500000 + rnd() * 1e6, 50 + rnd() * 150
        f.write(f'"POLYGON (({x:.2f} {y:.2f},{x+s:.2f} {y:.2f},{x+s:.2f} {y+s:.2f},{x:.2f} {y+s:.2f},{x:.2f} {y:.2f}))",feature {i},{i},{rnd():.6f}\n')
PY
ogr2ogr -f GPKG "$GPKG" "$CSV" -a_srs EPSG:25833 -nln synthetic -nlt POLYGON \
    -oo AUTODETECT_TYPE=YES -oo KEEP_GEOM_COLUMNS=NO
rm -f "$CSV"
