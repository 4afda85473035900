#!/usr/bin/env bash
# Ingest throughput: `fjord ingest` against `ogr2ogr -f FlatGeobuf` on the same
# GeoPackage of N synthetic polygons (default 1,000,000) in EPSG:25833, same machine.
# Both read the GeoPackage through GDAL and write a FlatGeobuf with a packed Hilbert
# R-tree; fjord also validates and repairs every geometry, writes the report and
# version metadata, fsyncs, publishes and updates the catalogue.
#
# Usage: benches/ingest_vs_ogr2ogr.sh            (N=1000000, RUNS=3, BENCH_DIR=/tmp/fjord-bench)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
RUNS=${RUNS:-3}
DIR=${BENCH_DIR:-/tmp/fjord-bench}
mkdir -p "$DIR"
GPKG="$DIR/synthetic_$N.gpkg"

if [ ! -f "$GPKG" ]; then
    echo "making $GPKG ($N polygons)"
    python3 - "$N" "$DIR/synthetic_$N.csv" <<'PY'
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
    ogr2ogr -f GPKG "$GPKG" "$DIR/synthetic_$N.csv" -a_srs EPSG:25833 -nln synthetic -nlt POLYGON \
        -oo AUTODETECT_TYPE=YES -oo KEEP_GEOM_COLUMNS=NO
    rm -f "$DIR/synthetic_$N.csv"
fi

cargo build --release --bin fjord >/dev/null 2>&1 || cargo build --release --bin fjord
seconds() {
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1
    e=$(date +%s%N)
    printf '%d.%03d' $(((e - s) / 1000000000)) $(((e - s) / 1000000 % 1000))
}

echo "| run | ogr2ogr -f FlatGeobuf (s) | fjord ingest (s) |"
echo "|---|---|---|"
for run in $(seq 1 "$RUNS"); do
    rm -rf "$DIR/out.fgb" "$DIR/data"
    o=$(seconds ogr2ogr -f FlatGeobuf "$DIR/out.fgb" "$GPKG" synthetic)
    f=$(seconds ./target/release/fjord --data-dir "$DIR/data" ingest "$GPKG" --dataset synthetic --org bench)
    echo "| $run | $o | $f |"
done
./target/release/fjord --data-dir "$DIR/data" datasets list
