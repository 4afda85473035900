#!/usr/bin/env bash
# DEM ingest time: `fjord ingest-raster` against `gdal_translate -of COG` on the same
# 10,000 × 10,000-cell Float32 GeoTIFF (100 m cells in EPSG:25833, made once with
# gdalwarp from the peer kit's synthetic DEM), same machine. Both decode the source and
# write deflated tiles with overviews; fjord also resamples onto its grid, computes the
# statistics, fsyncs, publishes and updates the catalogue.
#
# Usage: benches/dem_ingest.sh        (RUNS=3, BENCH_DIR=/tmp/fjord-bench, KIT_DEM=/tmp/peers/data/dem_no.tif)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
KIT_DEM=${KIT_DEM:-/tmp/peers/data/dem_no.tif}
. benches/common.sh
DEM="$DIR/dem_10k.tif"
if [ ! -f "$DEM" ]; then
    [ -f "$KIT_DEM" ] || { echo "no $KIT_DEM: run ../shared/peers/start.sh mapserver first" >&2; exit 1; }
    gdalwarp -q -ot Float32 -r bilinear -tr 100 100 -te 0 7000000 1000000 8000000 \
        -co TILED=YES -co COMPRESS=DEFLATE "$KIT_DEM" "$DEM"
fi

echo "| run | gdal_translate -of COG (s) | fjord ingest-raster (s) |"
echo "|---|---|---|"
for run in $(seq 1 "$RUNS"); do
    rm -rf "$DIR/dem_cog.tif" "$DIR/dem-data"
    g=$(seconds gdal_translate -q -of COG "$DEM" "$DIR/dem_cog.tif")
    f=$(seconds ./target/release/fjord --data-dir "$DIR/dem-data" ingest-raster "$DEM" --dataset dem --org bench)
    echo "| $run | $g | $f |"
done
./target/release/fjord --data-dir "$DIR/dem-data" datasets list
