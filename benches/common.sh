# Shared by the benchmark scripts: the release binary, built when needed, and a timer.

cargo build --release --bin fjord >/dev/null 2>&1 || cargo build --release --bin fjord

# seconds CMD...: run CMD quietly and print how long it took, s.mmm
seconds() {
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1
    e=$(date +%s%N)
    printf '%d.%03d' $(((e - s) / 1000000000)) $(((e - s) / 1000000 % 1000))
}
