# fjord's verbs. `just run` and `just test` are all a newcomer needs.
set shell := ["bash", "-euo", "pipefail", "-c"]

data := env_var_or_default("FJORD_DATA_DIR", "./data")

# List the recipes
default:
    @just --list

# Install the Debian packages fjord builds against, only those missing (idempotent)
deps:
    #!/usr/bin/env bash
    set -euo pipefail
    # libclang-dev: proj-sys generates its PROJ bindings with bindgen at build time.
    # libsqlite3-dev: the catalogue links the system SQLite, the same one GDAL loads.
    need=()
    for p in libgdal-dev libproj-dev libsqlite3-dev gdal-bin libclang-dev pkg-config; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || need+=("$p")
    done
    if [ ${#need[@]} -gt 0 ]; then
        echo "installing Debian packages: ${need[*]}"
        sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
    fi

# Install what only the tests need, only when missing: the real clients (OWSLib, the
# OpenAPI validator, pycsw's XML schemas, rdflib, Authlib for OpenID Connect, requests for the
# scripted download user, Debian's Chromium, OpenLayers from npm
# for the browser map test)
test-deps:
    #!/usr/bin/env bash
    set -euo pipefail
    python3 -c 'import openapi_spec_validator' 2>/dev/null || python3 -m pip install --quiet openapi-spec-validator
    python3 -c 'import owslib' 2>/dev/null || python3 -m pip install --quiet owslib
    # pycsw's package ships the ISO 19139 and CSW 2.0.2 schemas the catalogue test validates
    # against; only its files are needed, not its dependencies
    python3 -c 'import importlib.util as u, sys; sys.exit(u.find_spec("pycsw") is None)' || python3 -m pip install --quiet --no-deps pycsw
    # the catalogue's DCAT-AP-NO is read as RDF, as a harvester would
    python3 -c 'import rdflib' 2>/dev/null || python3 -m pip install --quiet rdflib
    python3 -c 'import authlib' 2>/dev/null || python3 -m pip install --quiet authlib
    python3 -c 'import requests' 2>/dev/null || python3 -m pip install --quiet requests
    need=()
    command -v chromium >/dev/null || need+=(chromium)
    command -v npm >/dev/null || need+=(nodejs npm)
    if [ ${#need[@]} -gt 0 ]; then
        echo "installing Debian packages: ${need[*]}"
        sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
    fi
    [ -d tests/browser/node_modules/ol ] || (cd tests/browser && npm ci --no-audit --no-fund --silent)

# Build the release binary
build: deps
    cargo build --release --bin fjord

# Load the sample datasets into the data folder (once; a second run reuses them)
seed: build
    ./target/release/fjord --data-dir {{data}} seed datasets

# Build, load the samples and serve on http://127.0.0.1:8080
run: seed
    ./target/release/fjord --data-dir {{data}} serve

# Run every test (unit, end-to-end), then formatting and lint checks
test: deps test-deps
    cargo test --workspace --no-fail-fast
    just lint

# Formatting and clippy, warnings as errors
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# Benchmarks: criterion micro-benchmarks and ingest throughput against ogr2ogr
bench: deps
    cargo bench -p fjord-store --bench rtree_bbox
    benches/ingest_vs_ogr2ogr.sh
