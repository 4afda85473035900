#!/usr/bin/env bash
# Streaming: a WFS GetFeature of all N features (default 1,000,000 polygons) in GML 3.2
# and in GeoJSON, on loopback. Prints the time to the first byte, the total time and
# size, and the server's resident memory (VmRSS, and RssAnon: the heap, without the
# memory-mapped data file's page cache) sampled every 50 ms: idle, peak during each
# transfer, and during a slow client (curl --limit-rate) that the server must wait for.
#
# Usage: benches/stream_rss.sh      (N=1000000, BENCH_DIR=/tmp/fjord-bench, PORT=18181)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
PORT=${PORT:-18181}
. benches/common.sh
synthetic "$N"
DATA="$DIR/stream-data"
FJORD=./target/release/fjord
if ! $FJORD --data-dir "$DATA" datasets list 2>/dev/null | grep -q synthetic; then
    $FJORD --data-dir "$DATA" ingest "$GPKG" --dataset synthetic --org bench >/dev/null
fi
$FJORD --data-dir "$DATA" serve --listen "127.0.0.1:$PORT" >"$DIR/stream-serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$PORT/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=synthetic&COUNT=10" >/dev/null

rss() { awk '/^(VmRSS|RssAnon):/ {printf "%s %d MiB  ", $1, $2/1024}' "/proc/$PID/status"; }
# the peak of VmRSS and RssAnon (MiB) while a command runs
peak() {
    local log="$DIR/rss.samples"
    : >"$log"
    ( while kill -0 $PID 2>/dev/null; do awk '/^(VmRSS|RssAnon):/ {printf "%d ", $2/1024} END {print ""}' "/proc/$PID/status" >>"$log"; sleep 0.05; done ) &
    local sampler=$!
    "$@"
    kill $sampler 2>/dev/null || true
    awk 'BEGIN {a=0; b=0} {if ($1>a) a=$1; if ($2>b) b=$2} END {printf "peak VmRSS %d MiB, peak RssAnon %d MiB\n", a, b}' "$log"
}
URL="http://127.0.0.1:$PORT/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:synthetic"
fetch() {
    curl -s -o /dev/null -w "  first byte %{time_starttransfer} s, total %{time_total} s, %{size_download} bytes, HTTP %{http_code}\n" "$@" || true
}
echo "N=$N features; idle: $(rss)"
echo "GML 3.2, all features:"
peak fetch "$URL"
echo "GeoJSON, all features:"
peak fetch "$URL&OUTPUTFORMAT=application/json"
echo "slow client (5 MB/s) for 10 s, then gone:"
peak fetch --limit-rate 5M --max-time 10 "$URL"
sleep 1
echo "after: $(rss)"
