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
. benches/common.sh
synthetic "$N"

echo "| run | ogr2ogr -f FlatGeobuf (s) | fjord ingest (s) |"
echo "|---|---|---|"
for run in $(seq 1 "$RUNS"); do
    rm -rf "$DIR/out.fgb" "$DIR/data"
    o=$(seconds ogr2ogr -f FlatGeobuf "$DIR/out.fgb" "$GPKG" synthetic)
    f=$(seconds ./target/release/fjord --data-dir "$DIR/data" ingest "$GPKG" --dataset synthetic --org bench)
    echo "| $run | $o | $f |"
done
./target/release/fjord --data-dir "$DIR/data" datasets list
