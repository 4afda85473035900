#!/usr/bin/env bash
# The catalogue under load on loopback, with 10,000 generated records
# (benches/catalogue_records.rs) in a data folder of their own, and pycsw on the same records.
#
#   search    GET /api/catalogue/search: text queries (Norwegian and English words, prefixes,
#             two-word queries), alone and with a bbox, a theme, an organisation or a kind
#   cold      GET /api/catalogue/search?q=WORD PLACE, a subject word and a place at random
#   kartkat   GET /api/search (Kartkatalog): text, facet filters, orders
#   csw       GET /csw GetRecords (KVP): an OGC Filter 1.1 of AnyText LIKE '%word%' AND a BBOX,
#             maxRecords 10, resultType results, elementSetName summary, csw:Record
#   pycsw     the same GetRecords against pycsw (latest from PyPI, in a venv), its SQLite
#             repository loaded with the same records as ISO 19139 (fjord's
#             /api/catalogue/records/{uuid}.xml) by pycsw-admin.py load_records, served by
#             gunicorn with one sync worker per core
#
# Each request list is walked in turn by wrk (2 threads, 8 connections, SECS seconds, twice).
# Before timing, every request is checked once (HTTP 200), and for each CSW constraint fjord
# and pycsw must count the same number of matching records (resultType=hits).
# Prints one line per run: case, req/s, p50 and p99 in ms, non-2xx responses.
#
# Usage: benches/catalogue_load.sh   (DATA=/tmp/fjord-catbench, PORT=18400, PYCSW_PORT=18401,
#        SECS=10, LOG=info: fjord's log level, N=10000 records, VENV=/tmp/catbench-pycsw,
#        WORKERS=$(nproc) gunicorn workers, ONLY='search|cold|kartkat|csw|pycsw': the cases to run)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${DATA:-/tmp/fjord-catbench}
PORT=${PORT:-18400}
PYCSW_PORT=${PYCSW_PORT:-18401}
SECS=${SECS:-10}
LOG=${LOG:-info}
N=${N:-10000}
VENV=${VENV:-/tmp/catbench-pycsw}
WORKERS=${WORKERS:-$(nproc)}
ONLY=${ONLY:-search|cold|kartkat|csw|pycsw}
BASE="http://127.0.0.1:$PORT"
PYBASE="http://127.0.0.1:$PYCSW_PORT"
cargo build --release --bin fjord --example catalogue_records -p fjord-cli -p fjord-catalogue >/dev/null 2>&1 ||
    cargo build --release --bin fjord --example catalogue_records -p fjord-cli -p fjord-catalogue
[ -f "$DATA/catalogue.sqlite" ] || ./target/release/examples/catalogue_records "$DATA" "$N"

WORK=$(mktemp -d)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT

# lua FILE PATH...: a wrk script that requests the paths in turn
lua() {
    local file=$1; shift
    { echo "paths = {}"
      for p in "$@"; do printf 'paths[#paths + 1] = "%s"\n' "$p"; done
      echo 'i = 0'
      echo 'request = function() i = i % #paths + 1; return wrk.format(nil, paths[i]) end'; } >"$file"
}

# check BASE PATH...: each answers 200
check() {
    local base=$1; shift
    for p in "$@"; do
        code=$(curl -s -o /dev/null -w '%{http_code}' "$base$p")
        [ "$code" = 200 ] || { echo "$base$p: HTTP $code" >&2; exit 1; }
    done
}

# load NAME BASE PATH...: wrk twice over the paths
load() {
    local name=$1 base=$2; shift 2
    check "$base" "$@"
    lua "$WORK/$name.lua" "$@"
    for _ in 1 2; do
        w=$(wrk -t2 -c8 -d"${SECS}s" --latency -s "$WORK/$name.lua" "$base")
        awk -v n="$name" '/Requests\/sec/ {r=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} /Non-2xx/ {bad=$NF}
          END {printf "%s\t%s req/s\tp50 %s\tp99 %s\tnon-2xx %d\n", n, r, p50, p99, bad}' <<<"$w"
    done
}

enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

SEARCH=()
for q in flom høyde hoyde skred naturtyper kulturminner "berggrunn bergen" "vegnett trondheim" kraft \
         "flood zones" "reguleringsplaner oslo" akvakultur "snøskred tromsø" radon "fkb bygninger" støy; do
    SEARCH+=("/api/catalogue/search?q=$(enc "$q")")
done
SEARCH+=("/api/catalogue/search?q=flom&bbox=5,59,8,62" "/api/catalogue/search?q=skog&bbox=10,59,12,61"
         "/api/catalogue/search?bbox=18,69,20,70" "/api/catalogue/search?q=kart&theme=$(enc 'Basis geodata')"
         "/api/catalogue/search?theme=Natur" "/api/catalogue/search?org=nve&q=$(enc 'høyde')"
         "/api/catalogue/search?org=nve" "/api/catalogue/search?kind=service&q=wms"
         "/api/catalogue/search?q=geologi&theme=Geologi&bbox=4.5,58,12,64" "/api/catalogue/search")
WORDS=(flomsone kvikkleire snøskred steinsprang radon brannstasjon arealressurs skog jordsmonn naturtyper
       naturvern friluftsliv turrute kulturminne sefrak berggrunn løsmasser grunnvann fiskeplass akvakultur
       farled sjøkart vegnett trafikk støy "forurenset grunn" høyde høydekurve bygning kommuneplan
       reguleringsplan adresse eiendom vindkraft vannkraft kraftledning bredbånd)
PLACES=(Oslo Bærum Lillestrøm Asker Fredrikstad Sarpsborg Drammen Kongsberg Ringerike Sandefjord Larvik Skien
        Notodden Kristiansand Arendal Stavanger Sandnes Haugesund Bergen Voss Sogndal Ålesund Molde Kristiansund
        Trondheim Steinkjer Røros Hamar Lillehammer Gjøvik Elverum Bodø Narvik Rana Vågan Tromsø Harstad Alta
        Hammerfest Kirkenes)
KARTKAT=()
for q in flom høyde skred "naturtyper vestland" kulturminner vindkraft; do
    KARTKAT+=("/api/search?text=$(enc "$q")")
done
KARTKAT+=("/api/search?text=flom&facets%5B0%5Dname=organization&facets%5B0%5Dvalue=nve"
          "/api/search?facets%5B0%5Dname=theme&facets%5B0%5Dvalue=Geologi&orderby=title"
          "/api/search?text=kart&facets%5B0%5Dname=type&facets%5B0%5Dvalue=service"
          "/api/search?orderby=updated" "/api/search?text=bergen&orderby=newest")

# GetRecords of AnyText LIKE '%WORD%' AND BBOX(W S E N, lon/lat), the box in EPSG:4326 named by
# URN, so latitude first: an Envelope without srsName is lat/lon to pycsw 2.6, lon/lat to fjord
FILTERS=()
for c in "flom 4.5 58 9 63" "kulturminne 10 59 12 61" "naturtyper 4.5 58 31 72" "skog 5 58 8 61" \
         "kraftverk 13 64 20 70" "akvakultur 4.5 57 31.5 72" "radon 10 59.5 11.5 60.5" "vegnett 9 62 12 64"; do
    read -r word w s e n <<<"$c"
    f="<ogc:Filter xmlns:ogc=\"http://www.opengis.net/ogc\" xmlns:gml=\"http://www.opengis.net/gml\"><ogc:And>"
    f+="<ogc:PropertyIsLike wildCard=\"%\" singleChar=\"_\" escapeChar=\"\\\"><ogc:PropertyName>csw:AnyText</ogc:PropertyName>"
    f+="<ogc:Literal>%$word%</ogc:Literal></ogc:PropertyIsLike><ogc:BBOX><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName>"
    f+="<gml:Envelope srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:lowerCorner>$s $w</gml:lowerCorner><gml:upperCorner>$n $e</gml:upperCorner></gml:Envelope>"
    f+="</ogc:BBOX></ogc:And></ogc:Filter>"
    FILTERS+=("$(enc "$f")")
done
getrecords() {  # getrecords PATH FILTER RESULTTYPE (no FILTER: every record)
    echo -n "$1?service=CSW&version=2.0.2&request=GetRecords&typeNames=csw:Record&resultType=$3&maxRecords=10&elementSetName=summary"
    [ -z "$2" ] || echo -n "&constraintLanguage=FILTER&constraint_language_version=1.1.0&constraint=$2"
    echo
}
CSW=(); PYCSW=()
for f in "${FILTERS[@]}"; do
    CSW+=("$(getrecords /csw "$f" results)")
    PYCSW+=("$(getrecords / "$f" results)")
done

env FJORD_LOG_LEVEL="$LOG" ./target/release/fjord --data-dir "$DATA" serve --listen "127.0.0.1:$PORT" >"$WORK/fjord.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -sf "$BASE/health" >/dev/null && break; sleep 0.1; done

[[ search =~ ^($ONLY)$ ]] && load search "$BASE" "${SEARCH[@]}"
if [[ cold =~ ^($ONLY)$ ]]; then
    # a subject word and a place drawn at random, 37 x 40 pairs: most miss the search's
    # cache of recent matches (256 expressions), so the full-text index answers them
    { echo "words = {"; for w in "${WORDS[@]}"; do printf '"%s",\n' "$(enc "$w")"; done; echo "}"
      echo "places = {"; for w in "${PLACES[@]}"; do printf '"%s",\n' "$(enc "$w")"; done; echo "}"
      echo 'request = function() return wrk.format(nil, "/api/catalogue/search?q=" .. words[math.random(#words)] .. "%20" .. places[math.random(#places)]) end'
    } >"$WORK/cold.lua"
    for _ in 1 2; do
        w=$(wrk -t2 -c8 -d"${SECS}s" --latency -s "$WORK/cold.lua" "$BASE")
        awk '/Requests\/sec/ {r=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} /Non-2xx/ {bad=$NF}
          END {printf "cold\t%s req/s\tp50 %s\tp99 %s\tnon-2xx %d\n", r, p50, p99, bad}' <<<"$w"
    done
fi
[[ kartkat =~ ^($ONLY)$ ]] && load kartkat "$BASE" "${KARTKAT[@]}"
[[ csw =~ ^($ONLY)$ ]] && load csw "$BASE" "${CSW[@]}"
[[ pycsw =~ ^($ONLY)$ ]] || exit 0

# pycsw: a venv of its own, its repository made once from fjord's ISO 19139 records
if [ ! -x "$VENV/bin/pycsw-admin.py" ]; then
    python3 -m venv "$VENV"
    # pycsw 2.6 still calls sqlalchemy.orm.create_session, gone in SQLAlchemy 2
    "$VENV/bin/pip" install --quiet pycsw gunicorn "SQLAlchemy<2"
fi
PYDIR="$DATA/pycsw"
mkdir -p "$PYDIR"
cat >"$PYDIR/pycsw.cfg" <<CFG
[server]
home=$PYDIR
url=$PYBASE/
mimetype=application/xml; charset=UTF-8
encoding=UTF-8
language=en-US
maxrecords=10
loglevel=ERROR
logfile=$PYDIR/pycsw.log
pretty_print=false
domainquerytype=list
domaincounts=false
spatial_ranking=false
profiles=apiso

[manager]
transactions=false
allowed_ips=127.0.0.1

[metadata:main]
identification_title=fjord catalogue (benchmark copy)
identification_abstract=The records of the fjord catalogue load benchmark
identification_keywords=catalogue,benchmark
identification_keywords_type=theme
identification_fees=None
identification_accessconstraints=None
provider_name=fjord
provider_url=$PYBASE/
contact_name=fjord
contact_position=none
contact_address=none
contact_city=none
contact_stateorprovince=none
contact_postalcode=none
contact_country=Norway
contact_phone=none
contact_fax=none
contact_email=none@example.org
contact_url=$PYBASE/
contact_hours=none
contact_instructions=none
contact_role=pointOfContact

[repository]
database=sqlite:///$PYDIR/records.db
table=records
CFG
if [ ! -f "$PYDIR/records.db" ]; then
    rm -rf "$PYDIR/xml"
    mkdir -p "$PYDIR/xml"
    python3 - "$BASE" "$PYDIR/xml" <<'PY'
import json, sys, urllib.request
from concurrent.futures import ThreadPoolExecutor
base, out = sys.argv[1:]
uuids, offset = [], 0
while True:
    page = json.load(urllib.request.urlopen(f"{base}/api/catalogue/search?limit=100&offset={offset}"))
    uuids += [h["record"]["uuid"] for h in page["hits"]]
    offset += 100
    if offset >= page["total"]:
        break
def save(u):
    with urllib.request.urlopen(f"{base}/api/catalogue/records/{u}.xml") as r, open(f"{out}/{u}.xml", "wb") as f:
        f.write(r.read())
with ThreadPoolExecutor(4) as pool:
    list(pool.map(save, uuids))
print(f"{len(uuids)} records exported as ISO 19139")
PY
    "$VENV/bin/pycsw-admin.py" -c setup_db -f "$PYDIR/pycsw.cfg" >/dev/null
    "$VENV/bin/pycsw-admin.py" -c load_records -f "$PYDIR/pycsw.cfg" -p "$PYDIR/xml" >"$PYDIR/load.log" 2>&1
fi
PYCSW_CONFIG="$PYDIR/pycsw.cfg" "$VENV/bin/gunicorn" --workers "$WORKERS" --bind "127.0.0.1:$PYCSW_PORT" \
    --chdir "$PYDIR" pycsw.wsgi:application >"$WORK/pycsw.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -sf -o /dev/null "$PYBASE/?service=CSW&request=GetCapabilities" && break; sleep 0.2; done

# the same constraint must match the same records in both
matched() { curl -s "$1" | grep -o 'numberOfRecordsMatched="[0-9]*"' | grep -o '[0-9]*'; }
echo "pycsw $("$VENV/bin/pip" show pycsw | awk '/^Version/ {print $2}'), gunicorn $WORKERS workers;" \
     "records: fjord $(matched "$BASE$(getrecords /csw "" hits)"), pycsw $(matched "$PYBASE$(getrecords / "" hits)")"
for f in "${FILTERS[@]}"; do
    a=$(matched "$BASE$(getrecords /csw "$f" hits)")
    b=$(matched "$PYBASE$(getrecords / "$f" hits)")
    echo "constraint $(python3 -c 'import re, sys, urllib.parse; t = urllib.parse.unquote(sys.argv[1]); print(" ".join(re.findall(r"(?:Literal|Corner)>([^<]*)<", t)))' "$f"): fjord $a, pycsw $b"
    [ -n "$a" ] && [ "$a" = "$b" ] || { echo "fjord and pycsw disagree" >&2; exit 1; }
done
load pycsw "$PYBASE" "${PYCSW[@]}"
