# Shared by the benchmark scripts: the release binary, built when needed, the scratch
# folder (BENCH_DIR), the synthetic input and a timer.

cargo build --release --bin fjord >/dev/null 2>&1 || cargo build --release --bin fjord
DIR=${BENCH_DIR:-/tmp/fjord-bench}
mkdir -p "$DIR"

# synthetic N: the GeoPackage of N synthetic polygons in $DIR (made once), as GPKG
synthetic() {
    GPKG="$DIR/synthetic_$1.gpkg"
    benches/make_synthetic.sh "$1" "$GPKG"
}

# seconds CMD...: run CMD quietly and print how long it took, s.mmm
seconds() {
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1
    e=$(date +%s%N)
    printf '%d.%03d' $(((e - s) / 1000000000)) $(((e - s) / 1000000 % 1000))
}
