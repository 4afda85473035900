#!/usr/bin/env bash
# Vector tiles under load on loopback, the peer kit's tile workload: the 64 WebMercatorQuad
# z10 tiles x 538-545, y 293-300 requested in turn by wrk (2 threads, 8 connections,
# Accept-Encoding: gzip), from a release `fjord serve` on the kit's data folder (the
# 20,000 `cells` polygons), twice per case:
#   cached    memory tile cache on (the 64 tiles are cut once, then served from memory)
#   cut       memory and disk caches off: every request reads the store and cuts the tile
# Prints one line per run: case, req/s, p50 and p99 in ms, non-2xx responses.
#
# Usage: benches/tiles_load.sh   (DATA=/tmp/fjord-peers, PORT=18300, SECS=10, LAYER=cells,
#                                LOG=info: the server's log level; warn drops the line per request)
# (The kit's own `bench.sh fjord` cannot load tiles: its default tile path expands to
# `/tiles/cells/{z/{x}/{y}}`, and any FJORD_TILES keeps a trailing `}` that curl rejects.)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-/tmp/fjord-peers}
PORT=${PORT:-18300}
SECS=${SECS:-10}
LAYER=${LAYER:-cells}
LOG=${LOG:-info}
BASE="http://127.0.0.1:$PORT"
cargo build --release --bin fjord >/dev/null 2>&1 || cargo build --release --bin fjord
LUA=$(mktemp --suffix .lua)
{ echo "paths = {}"
  for x in $(seq 538 545); do for y in $(seq 293 300); do
    echo "paths[#paths + 1] = \"/tiles/$LAYER/WebMercatorQuad/10/$x/$y.mvt\""; done; done
  echo 'i = 0'
  echo 'request = function() i = i % #paths + 1; return wrk.format(nil, paths[i]) end'; } >"$LUA"
PID=""
trap 'rm -f "$LUA"; [ -z "$PID" ] || kill "$PID" 2>/dev/null || true' EXIT

load() {  # load CASE ENV...
  local name=$1; shift
  env FJORD_LOG_LEVEL="$LOG" "$@" ./target/release/fjord --data-dir "$DATA" serve --listen "127.0.0.1:$PORT" >/dev/null 2>&1 &
  PID=$!
  for _ in $(seq 50); do curl -sf "$BASE/health" >/dev/null && break; sleep 0.1; done
  test "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/tiles/$LAYER/WebMercatorQuad/10/540/296.mvt")" = 200
  for _ in 1 2; do
    w=$(wrk -t2 -c8 -d"${SECS}s" --latency -H 'Accept-Encoding: gzip' -s "$LUA" "$BASE")
    awk -v n="$name log=$LOG" '/Requests\/sec/ {r=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} /Non-2xx/ {bad=$NF}
      END {printf "%s\t%s req/s\tp50 %s\tp99 %s\tnon-2xx %d\n", n, r, p50, p99, bad}' <<<"$w"
  done
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
}
load cached FJORD_TILES_DISK_CACHE=false
load cut FJORD_TILES_DISK_CACHE=false FJORD_TILES_MEMORY_CACHE_BYTES=0
