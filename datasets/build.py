#!/usr/bin/env python3
"""Build fjord's sample datasets: fylker, kommuner and fjelltopper (GeoJSON, RFC 7946).

A maintainer tool, not run in CI. Requirements:

    python3 -m pip install "shapely>=2.1"     # GEOS 3.12+: voronoi(ordered), coverage checks
    npm (Node.js), to fetch the npm package world-atlas@2.0.2 (Natural Earth 10m, public domain)

Usage:

    python3 datasets/build.py                      # fetches world-atlas with `npm pack`
    python3 datasets/build.py --atlas countries-10m.json   # or use a copy you already have

What it does (see datasets/README.md):
  * Norway's outline is Natural Earth 10m "Norway" from world-atlas (mainland and coastal
    islands; Svalbard, Jan Mayen and Bouvetøya are dropped), rounded to 5 decimals.
  * County (fylke) and municipality (kommune) polygons are SYNTHETIC: a Voronoi partition of
    real town coordinates (several seeds per county), clipped to the real outline. Each seed
    belongs to exactly one county, and in Oslo, Akershus and Vestfold to exactly one
    municipality, so the municipalities tile those counties exactly.
  * The Voronoi diagram is computed in a locally scaled plane (x = lon * cos 64 deg, y = lat),
    then all linework is noded on a 1e-5 degree grid and polygonized, so shared edges are
    identical and the output needs no further rounding.
  * The script checks validity, ring orientation (exteriors counter-clockwise), that the
    counties tile the outline (union area == outline area within 1e-9 relative, pairwise
    overlaps ~0) and that the municipalities tile their counties, and fails otherwise.

Output is deterministic: the same input gives byte-identical files.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile
from itertools import combinations

import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, mapping

HERE = os.path.dirname(os.path.abspath(__file__))
GRID = 1e-5  # 5 decimals
SCALE_X = math.cos(math.radians(64.0))  # lon compression for the Voronoi plane
ATLAS_PACKAGE = "world-atlas@2.0.2"

# ---------------------------------------------------------------------------------------
# Counties, 2024 numbering. (number, name, administrative centre, Sami name or None)
FYLKER = [
    ("03", "Oslo", "Oslo", None),
    ("11", "Rogaland", "Stavanger", None),
    ("15", "Møre og Romsdal", "Molde", None),
    ("18", "Nordland", "Bodø", None),
    ("31", "Østfold", "Sarpsborg", None),
    ("32", "Akershus", "Oslo", None),
    ("33", "Buskerud", "Drammen", None),
    ("34", "Innlandet", "Hamar", None),
    ("39", "Vestfold", "Tønsberg", None),
    ("40", "Telemark", "Skien", None),
    ("42", "Agder", "Kristiansand", None),
    ("46", "Vestland", "Bergen", None),
    ("50", "Trøndelag", "Steinkjer", "Trööndelage"),
    ("55", "Troms", "Tromsø", "Romsa"),
    ("56", "Finnmark", "Vadsø", "Finnmárku"),
]

# Municipalities of Oslo, Akershus and Vestfold, 2024: number -> name.
KOMMUNER = {
    "0301": "Oslo",
    "3201": "Bærum",
    "3203": "Asker",
    "3205": "Lillestrøm",
    "3207": "Nordre Follo",
    "3209": "Ullensaker",
    "3212": "Nesodden",
    "3214": "Frogn",
    "3216": "Vestby",
    "3218": "Ås",
    "3220": "Enebakk",
    "3222": "Lørenskog",
    "3224": "Rælingen",
    "3226": "Aurskog-Høland",
    "3228": "Nes",
    "3230": "Gjerdrum",
    "3232": "Nittedal",
    "3234": "Lunner",
    "3236": "Jevnaker",
    "3238": "Nannestad",
    "3240": "Eidsvoll",
    "3242": "Hurdal",
    "3901": "Horten",
    "3903": "Holmestrand",
    "3905": "Tønsberg",
    "3907": "Sandefjord",
    "3909": "Larvik",
    "3911": "Færder",
}

# Seeds in municipalities we model: (kommunenummer, place, lon, lat). Approximate town centres.
KOMMUNE_SEEDS = [
    ("0301", "Oslo sentrum", 10.752, 59.914),
    ("0301", "Nordmarka", 10.700, 60.030),
    ("3201", "Sandvika", 10.523, 59.889),
    ("3201", "Bærums verk", 10.490, 59.960),
    ("3203", "Asker", 10.435, 59.834),
    ("3203", "Røyken", 10.390, 59.750),
    ("3203", "Sætre", 10.525, 59.680),
    ("3203", "Tofte", 10.560, 59.540),
    ("3205", "Lillestrøm", 11.050, 59.956),
    ("3205", "Sørumsand", 11.240, 59.990),
    ("3207", "Ski", 10.836, 59.719),
    ("3207", "Kolbotn", 10.800, 59.810),
    ("3209", "Jessheim", 11.175, 60.142),
    ("3212", "Nesodden", 10.660, 59.820),
    ("3214", "Drøbak", 10.630, 59.663),
    ("3216", "Vestby", 10.749, 59.603),
    ("3216", "Son", 10.690, 59.520),
    ("3218", "Ås", 10.791, 59.664),
    ("3220", "Enebakk", 11.145, 59.760),
    ("3222", "Lørenskog", 10.958, 59.927),
    ("3224", "Fjerdingby", 11.080, 59.910),
    ("3224", "Øyeren vest", 11.130, 59.850),
    ("3226", "Bjørkelangen", 11.565, 59.885),
    ("3226", "Aurskog", 11.450, 59.930),
    ("3226", "Løken", 11.480, 59.800),
    ("3226", "Rømskog", 11.830, 59.720),
    ("3228", "Årnes", 11.465, 60.122),
    ("3230", "Gjerdrum", 11.075, 60.070),
    ("3232", "Nittedal", 10.870, 60.060),
    ("3234", "Roa", 10.617, 60.287),
    ("3234", "Harestua", 10.710, 60.200),
    ("3236", "Jevnaker", 10.385, 60.240),
    ("3238", "Nannestad", 11.020, 60.220),
    ("3240", "Eidsvoll", 11.260, 60.330),
    ("3240", "Feiring", 11.190, 60.510),
    ("3242", "Hurdal", 11.060, 60.435),
    ("3901", "Horten", 10.484, 59.417),
    ("3903", "Holmestrand", 10.313, 59.489),
    ("3903", "Sande", 10.207, 59.588),
    ("3903", "Hof", 10.070, 59.540),
    ("3905", "Tønsberg", 10.408, 59.267),
    ("3905", "Revetal", 10.260, 59.390),
    ("3907", "Sandefjord", 10.216, 59.131),
    ("3907", "Stokke", 10.300, 59.220),
    ("3907", "Andebu", 10.140, 59.300),
    ("3909", "Larvik", 10.027, 59.053),
    ("3909", "Svarstad", 9.950, 59.400),
    ("3911", "Nøtterøy", 10.430, 59.200),
    ("3911", "Tjøme", 10.400, 59.110),
]

# Seeds of the other counties: fylkesnummer -> [(place, lon, lat)].
FYLKE_SEEDS = {
    "11": [
        ("Stavanger", 5.733, 58.970), ("Sandnes", 5.736, 58.852), ("Bryne", 5.648, 58.735),
        ("Egersund", 5.999, 58.452), ("Moi", 6.540, 58.457), ("Jørpeland", 6.044, 59.017),
        ("Lysebotn", 6.647, 59.057), ("Hjelmeland", 6.177, 59.236), ("Sand", 6.253, 59.484),
        ("Suldalsosen", 6.493, 59.483), ("Sauda", 6.354, 59.650), ("Haugesund", 5.268, 59.414),
        ("Kopervik", 5.307, 59.283), ("Ølen", 5.809, 59.603),
    ],
    "15": [
        ("Molde", 7.161, 62.737), ("Ålesund", 6.155, 62.472), ("Kristiansund", 7.728, 63.110),
        ("Volda", 6.072, 62.146), ("Ulsteinvik", 5.849, 62.343), ("Stranda", 6.944, 62.309),
        ("Geiranger", 7.206, 62.101), ("Valldal", 7.263, 62.298), ("Åndalsnes", 7.687, 62.567),
        ("Sunndalsøra", 8.562, 62.675), ("Surnadal", 8.722, 62.975), ("Tingvoll", 8.203, 62.913),
        ("Smøla", 7.995, 63.380), ("Eide", 7.438, 62.913),
    ],
    "18": [
        ("Terråk", 12.370, 65.090), ("Brønnøysund", 12.212, 65.474), ("Hattfjelldal", 13.990, 65.600),
        ("Mosjøen", 13.190, 65.837), ("Sandnessjøen", 12.632, 66.021), ("Korgen", 13.820, 66.080),
        ("Mo i Rana", 14.142, 66.313), ("Ørnes", 13.710, 66.870), ("Glomfjord", 13.950, 66.810),
        ("Bodø", 14.405, 67.280), ("Fauske", 15.394, 67.259), ("Rognan", 15.390, 67.100),
        ("Sulitjelma", 16.080, 67.120), ("Reine", 13.090, 67.930), ("Leknes", 13.612, 68.147),
        ("Svolvær", 14.568, 68.234), ("Stokmarknes", 14.910, 68.565), ("Sortland", 15.413, 68.697),
        ("Myre", 15.090, 68.910), ("Andenes", 16.119, 69.314), ("Lødingen", 15.990, 68.410),
        ("Oppeid", 15.610, 68.080), ("Drag", 16.070, 68.040), ("Kjøpsvik", 16.370, 68.100),
        ("Ballangen", 16.830, 68.340), ("Narvik", 17.427, 68.438), ("Bjerkvik", 17.560, 68.550),
        ("Bjørnfjell", 18.070, 68.440),
    ],
    "31": [
        ("Sarpsborg", 11.110, 59.284), ("Fredrikstad", 10.930, 59.218), ("Halden", 11.387, 59.123),
        ("Moss", 10.658, 59.434), ("Råde", 10.850, 59.350), ("Askim", 11.162, 59.585),
        ("Mysen", 11.326, 59.570), ("Rakkestad", 11.345, 59.426), ("Ørje", 11.655, 59.482),
        ("Aremark", 11.700, 59.230), ("Spydeberg", 11.083, 59.617), ("Tomter", 10.990, 59.640),
    ],
    "33": [
        ("Drammen", 10.204, 59.744), ("Lier", 10.260, 59.800), ("Svelvik", 10.408, 59.612),
        ("Hokksund", 9.910, 59.770), ("Kongsberg", 9.650, 59.668), ("Vikersund", 9.999, 59.967),
        ("Hønefoss", 10.257, 60.168), ("Vik i Hole", 10.270, 60.070), ("Prestfoss", 9.634, 60.043),
        ("Noresund", 9.622, 60.173), ("Lampeland", 9.432, 59.830), ("Veggli", 9.180, 60.040),
        ("Rødberg", 8.940, 60.270), ("Nesbyen", 9.108, 60.567), ("Flå", 9.460, 60.430),
        ("Gol", 8.943, 60.703), ("Hemsedal", 8.556, 60.862), ("Ål", 8.561, 60.631),
        ("Geilo", 8.206, 60.534), ("Haugastøl", 7.870, 60.510),
    ],
    "34": [
        ("Hamar", 11.068, 60.795), ("Lillehammer", 10.466, 61.115), ("Gjøvik", 10.692, 60.795),
        ("Brandbu", 10.495, 60.416), ("Elverum", 11.563, 60.881), ("Kongsvinger", 11.998, 60.191),
        ("Skarnes", 11.680, 60.250), ("Skotterud", 12.123, 59.983), ("Kirkenær", 12.050, 60.460),
        ("Flisa", 12.014, 60.612), ("Trysil", 12.265, 61.315), ("Rena", 11.365, 61.134),
        ("Koppang", 11.047, 61.573), ("Engerdal", 11.956, 61.761), ("Tynset", 10.780, 62.276),
        ("Alvdal", 10.630, 62.110), ("Os", 11.223, 62.497), ("Folldal", 9.996, 62.132),
        ("Otta", 9.535, 61.771), ("Vinstra", 9.752, 61.596), ("Vågåmo", 9.097, 61.875),
        ("Dombås", 9.124, 62.074), ("Lesja", 8.858, 62.118), ("Bjorli", 8.203, 62.259),
        ("Lom", 8.568, 61.838), ("Bismo", 8.263, 61.883), ("Krossbu", 8.070, 61.550), ("Fagernes", 9.232, 60.986),
        ("Beitostølen", 8.908, 61.248), ("Vang", 8.534, 61.133),
    ],
    "40": [
        ("Skien", 9.609, 59.209), ("Porsgrunn", 9.656, 59.140), ("Langesund", 9.749, 59.000),
        ("Siljan", 9.730, 59.280), ("Kragerø", 9.410, 58.869), ("Drangedal", 9.063, 59.094),
        ("Bø", 9.068, 59.414), ("Notodden", 9.259, 59.559), ("Rjukan", 8.594, 59.878),
        ("Seljord", 8.632, 59.484), ("Kviteseid", 8.487, 59.401), ("Dalen", 7.985, 59.446),
        ("Fyresdal", 8.090, 59.184), ("Treungen", 8.519, 59.024), ("Åmot", 7.993, 59.571),
        ("Rauland", 8.045, 59.700), ("Edland", 7.602, 59.822),
    ],
    "42": [
        ("Kristiansand", 7.996, 58.146), ("Mandal", 7.461, 58.029), ("Farsund", 6.805, 58.095),
        ("Flekkefjord", 6.663, 58.297), ("Kvinesdal", 6.960, 58.316), ("Tonstad", 6.717, 58.665),
        ("Åseral", 7.413, 58.617), ("Evje", 7.797, 58.588), ("Valle", 7.530, 59.208),
        ("Bykle", 7.357, 59.353), ("Hovden", 7.364, 59.553), ("Vennesla", 7.970, 58.270),
        ("Lillesand", 8.377, 58.249), ("Grimstad", 8.593, 58.340), ("Arendal", 8.772, 58.461),
        ("Tvedestrand", 8.931, 58.622), ("Risør", 9.234, 58.721), ("Åmli", 8.495, 58.779),
    ],
    "46": [
        ("Bergen", 5.324, 60.391), ("Knarvik", 5.286, 60.546), ("Leirvik", 5.500, 59.780),
        ("Svortland", 5.210, 59.770), ("Sveio", 5.357, 59.544), ("Husnes", 5.763, 59.866),
        ("Etne", 5.932, 59.663), ("Rosendal", 6.011, 59.985), ("Odda", 6.546, 60.069),
        ("Norheimsund", 6.144, 60.370), ("Voss", 6.418, 60.628), ("Eidfjord", 7.071, 60.466),
        ("Ulvik", 6.912, 60.567), ("Finse", 7.504, 60.602), ("Aurland", 7.187, 60.905),
        ("Lærdal", 7.482, 61.100), ("Årdal", 7.700, 61.238), ("Sogndal", 7.100, 61.229),
        ("Gaupne", 7.293, 61.403), ("Skjolden", 7.601, 61.489), ("Turtagrø", 7.810, 61.500), ("Vik", 6.585, 61.088),
        ("Høyanger", 6.074, 61.218), ("Eivindvik", 5.055, 60.985), ("Førde", 5.857, 61.452),
        ("Florø", 5.032, 61.600), ("Måløy", 5.113, 61.935), ("Nordfjordeid", 5.985, 61.905),
        ("Stryn", 6.717, 61.904),
    ],
    "50": [
        ("Steinkjer", 11.495, 64.014), ("Trondheim", 10.395, 63.430), ("Stjørdal", 10.920, 63.470),
        ("Levanger", 11.300, 63.746), ("Meråker", 11.745, 63.415), ("Selbu", 11.040, 63.220),
        ("Tydal", 11.650, 63.050), ("Røros", 11.385, 62.574), ("Ålen", 11.300, 62.840),
        ("Støren", 10.280, 63.030), ("Berkåk", 10.010, 62.820), ("Oppdal", 9.691, 62.594),
        ("Rindal", 9.213, 63.055), ("Orkanger", 9.850, 63.307), ("Kyrksæterøra", 9.090, 63.290),
        ("Fillan", 8.970, 63.610), ("Sistranda", 8.830, 63.720), ("Brekstad", 9.670, 63.690),
        ("Åfjord", 10.200, 63.960), ("Osen", 10.500, 64.300), ("Namsos", 11.496, 64.467),
        ("Snåsa", 12.380, 64.246), ("Grong", 12.310, 64.460), ("Namsskogan", 13.160, 64.930),
        ("Røyrvik", 13.560, 64.880), ("Nordli", 13.600, 64.460), ("Kolvereid", 11.600, 64.870),
        ("Rørvik", 11.240, 64.860), ("Leka", 11.720, 65.080),
    ],
    "55": [
        ("Harstad", 16.541, 68.798), ("Borkenes", 16.180, 68.770), ("Evenskjer", 16.570, 68.580),
        ("Gratangen", 17.540, 68.700), ("Sjøvegan", 17.850, 68.870), ("Setermoen", 18.350, 68.860),
        ("Altevatn", 19.000, 68.550), ("Bardufoss", 18.515, 69.063), ("Finnsnes", 17.981, 69.229),
        ("Skaland", 17.300, 69.450), ("Tromsø", 18.955, 69.649), ("Hansnes", 19.630, 69.970),
        ("Nordkjosbotn", 19.550, 69.220), ("Helligskogen", 20.680, 69.180), ("Skibotn", 20.270, 69.390),
        ("Lyngseidet", 20.220, 69.580), ("Olderdalen", 20.530, 69.600), ("Storslett", 21.030, 69.770),
        ("Skjervøy", 20.970, 70.030), ("Burfjord", 21.910, 69.940),
    ],
    "56": [
        ("Alta", 23.272, 69.969), ("Kautokeino", 23.040, 69.012), ("Masi", 23.660, 69.440),
        ("Karasjok", 25.511, 69.472), ("Lakselv", 24.970, 70.051), ("Øksfjord", 22.350, 70.240),
        ("Kvalsund", 23.970, 70.500), ("Hammerfest", 23.682, 70.663), ("Havøysund", 24.662, 70.996),
        ("Honningsvåg", 25.970, 70.982), ("Kjøllefjord", 27.347, 70.945), ("Mehamn", 27.849, 71.036),
        ("Berlevåg", 29.087, 70.857), ("Båtsfjord", 29.718, 70.634), ("Vardø", 31.110, 70.370),
        ("Vadsø", 29.749, 70.074), ("Tana bru", 28.187, 70.197), ("Neiden", 29.390, 69.700),
        ("Kirkenes", 30.045, 69.727), ("Svanvik", 30.040, 69.450),
    ],
}

# Summits: (name, height m NN2000, kommune, lon, lat). Heights as Kartverket lists them;
# coordinates approximate (to about a kilometre).
FJELLTOPPER = [
    ("Galdhøpiggen", 2469, "Lom", 8.3125, 61.6364),
    ("Glittertind", 2465, "Lom", 8.5575, 61.6515),
    ("Store Skagastølstind", 2405, "Luster", 7.8694, 61.4606),
    ("Store Styggedalstind", 2387, "Luster", 7.8870, 61.4840),
    ("Skarstind", 2373, "Lom", 8.4245, 61.6870),
    ("Vesle Galdhøpiggen", 2369, "Lom", 8.3345, 61.6433),
    ("Surtningssue", 2368, "Vågå", 8.6060, 61.4936),
    ("Store Memurutind", 2366, "Lom", 8.4946, 61.5482),
    ("Store Hellstugutind", 2346, "Lom", 8.4330, 61.5630),
    ("Snøhetta", 2286, "Dovre", 9.2676, 62.3196),
    ("Store Smørstabbtind", 2208, "Lom", 8.1208, 61.5455),
    ("Rondeslottet", 2178, "Sel", 9.8017, 61.8955),
    ("Storronden", 2138, "Sel", 9.8220, 61.8800),
    ("Lodalskåpa", 2083, "Stryn", 7.1317, 61.7667),
    ("Fannaråken", 2068, "Luster", 7.9075, 61.5163),
    ("Oksskolten", 1916, "Hemnes", 14.3000, 66.0250),
    ("Gaustatoppen", 1883, "Tinn", 8.6508, 59.8536),
    ("Hardangerjøkulen", 1863, "Eidfjord", 7.4400, 60.5453),
    ("Store Vengetind", 1852, "Rauma", 7.8650, 62.5189),
    ("Skåla", 1848, "Stryn", 6.9567, 61.8411),
    ("Jiehkkevárri", 1834, "Lyngen", 19.8792, 69.4736),
    ("Hårteigen", 1690, "Ullensvang", 7.0633, 60.1872),
    ("Tronfjell", 1666, "Alvdal", 10.7242, 62.1683),
    ("Store Lenangstind", 1625, "Lyngen", 20.0683, 69.8250),
    ("Bitihorn", 1607, "Øystre Slidre", 8.7745, 61.2445),
    ("Slogen", 1564, "Ørsta", 6.7119, 62.2594),
    ("Romsdalshornet", 1550, "Rauma", 7.8283, 62.4853),
    ("Stetind", 1392, "Narvik", 16.5950, 68.1650),
    ("Hornelen", 860, "Bremanger", 5.3114, 61.8569),
    ("Ulriken", 643, "Bergen", 5.3870, 60.3775),
]


# ---------------------------------------------------------------------------------------
def fetch_atlas(tmp):
    """`npm pack world-atlas@2.0.2` into tmp and return the path of countries-10m.json."""
    subprocess.run(["npm", "pack", ATLAS_PACKAGE, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
    tgz = [f for f in os.listdir(tmp) if f.endswith(".tgz")]
    if len(tgz) != 1:
        sys.exit(f"npm pack gave {tgz}")
    with tarfile.open(os.path.join(tmp, tgz[0])) as t:
        t.extract("package/countries-10m.json", tmp, filter="data")
    return os.path.join(tmp, "package", "countries-10m.json")


def decode_topojson_object(topo, geom):
    """A TopoJSON (quantized, delta-encoded) Polygon/MultiPolygon as a list of rings-lists."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs_cache = {}

    def arc(i):
        if i not in arcs_cache:
            x = y = 0
            pts = []
            for dx, dy in topo["arcs"][i]:
                x += dx
                y += dy
                pts.append((x * sx + tx, y * sy + ty))
            arcs_cache[i] = pts
        return arcs_cache[i]

    def ring(arc_ids):
        pts = []
        for a in arc_ids:
            seg = arc(a) if a >= 0 else arc(~a)[::-1]
            pts.extend(seg if not pts else seg[1:])
        return pts

    polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
    return [[ring(r) for r in poly] for poly in polys]


def rnd(v):
    return round(v, 5) + 0.0  # + 0.0 turns -0.0 into 0.0


def norway_outline(atlas_path):
    with open(atlas_path, encoding="utf-8") as f:
        topo = json.load(f)
    geoms = [g for g in topo["objects"]["countries"]["geometries"] if g["properties"]["name"] == "Norway"]
    if len(geoms) != 1:
        sys.exit("world-atlas: expected exactly one 'Norway'")
    polys = []
    for rings in decode_topojson_object(topo, geoms[0]):
        rings = [[(rnd(x), rnd(y)) for x, y in r] for r in rings]
        p = Polygon(rings[0], rings[1:])
        c = p.representative_point()
        # mainland and coastal islands only: drop Svalbard, Jan Mayen, Bouvetøya
        if 4.0 < c.x < 32.0 and 57.0 < c.y < 71.5:
            polys.append(shapely.make_valid(p))  # quantization leaves a few self-touching rings
    outline = shapely.union_all(polys, grid_size=GRID)
    outline = MultiPolygon([g for g in shapely.get_parts(outline) if g.geom_type == "Polygon"])
    assert outline.is_valid, shapely.is_valid_reason(outline)
    return outline


def seeds():
    """All seeds: list of (fylkesnummer, kommunenummer or None, place, lon, lat)."""
    out = []
    for knr, place, lon, lat in KOMMUNE_SEEDS:
        fnr = "03" if knr == "0301" else knr[:2]
        out.append((fnr, knr, place, lon, lat))
    for fnr, pts in FYLKE_SEEDS.items():
        for place, lon, lat in pts:
            out.append((fnr, None, place, lon, lat))
    keys = [(s[3], s[4]) for s in out]
    assert len(set(keys)) == len(keys), "duplicate seed coordinates"
    return out


def to_plane(lon, lat):
    return lon * SCALE_X, lat


def partition(outline, seed_list):
    """Faces of outline cut by the Voronoi diagram of the seeds, each with its seed index.

    All linework (coastline and Voronoi edges) is noded together by snap-rounding on the
    5-decimal grid and polygonized, so neighbouring faces share identical edges and every
    vertex is already on the grid. Where a Voronoi edge crosses the coast, the crossing
    becomes a new coastline vertex, rounded to the grid (the coast bends there by less than
    1e-5 degrees, under a metre).
    """
    pts = shapely.points([to_plane(s[3], s[4]) for s in seed_list])
    w, s, e, n = outline.bounds
    frame = shapely.box((w - 2) * SCALE_X, s - 2, (e + 2) * SCALE_X, n + 2)
    cells = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=frame, ordered=True)
    # back to lon/lat: the map is linear, so straight edges stay straight
    cells_ll = [shapely.transform(c, lambda a: a / [SCALE_X, 1.0]) for c in cells.geoms]
    lines = [outline.boundary] + [c.boundary for c in cells_ll]
    noded = shapely.union_all(lines, grid_size=GRID)
    faces = list(shapely.polygonize(list(shapely.get_parts(noded))).geoms)
    kept = []
    for f in faces:
        if f.intersection(outline).area < 0.5 * f.area:
            continue  # sea between islands, or outside Norway
        p = f.point_on_surface()
        x, y = to_plane(p.x, p.y)
        d = shapely.distance(pts, Point(x, y))
        kept.append((f, int(d.argmin())))
    return kept


def oriented_multipolygon(g):
    g = shapely.orient_polygons(g, exterior_cw=False)
    if g.geom_type == "Polygon":
        g = MultiPolygon([g])
    assert g.geom_type == "MultiPolygon", g.geom_type
    return g


def union_by(faces, key):
    groups = {}
    for f, k in faces:
        groups.setdefault(key(k), []).append(f)
    return {k: oriented_multipolygon(shapely.union_all(v)) for k, v in sorted(groups.items())}


def check_tiling(label, whole, parts):
    """parts tile whole: valid, union area == whole area (1e-9 relative), no overlaps."""
    for k, g in parts.items():
        assert g.is_valid, f"{label} {k}: {shapely.is_valid_reason(g)}"
        for poly in g.geoms:
            assert poly.exterior.is_ccw, f"{label} {k}: exterior not counter-clockwise"
            assert all(not r.is_ccw for r in poly.interiors), f"{label} {k}: hole not clockwise"
    u = shapely.union_all(list(parts.values()))
    rel = abs(u.area - whole.area) / whole.area
    sym = shapely.symmetric_difference(u, whole).area / whole.area
    overlap = 0.0
    tree = shapely.STRtree(list(parts.values()))
    vals = list(parts.values())
    for i, j in tree.query(vals, predicate="intersects").T:
        if i < j:
            overlap += vals[i].intersection(vals[j]).area
    ok_cov = bool(shapely.coverage_is_valid(shapely.GeometryCollection(vals)))
    print(f"  {label}: {len(parts)} parts, union/whole area diff {rel:.2e}, sym diff {sym:.2e}, "
          f"overlap {overlap:.2e} deg2, coverage valid {ok_cov}")
    assert rel < 1e-9 and sym < 1e-9, f"{label}: union differs from the whole"
    assert overlap < 1e-12, f"{label}: parts overlap"
    assert ok_cov, f"{label}: not a valid coverage"


def fmt_geom(g):
    """GeoJSON geometry text with 5-decimal coordinates."""
    def num(v):
        s = f"{rnd(v):.5f}".rstrip("0")
        return s + "0" if s.endswith(".") else s

    def coords(c):
        if isinstance(c[0], (int, float)):
            return "[" + ",".join(num(v) for v in c) + "]"
        return "[" + ",".join(coords(x) for x in c) + "]"

    m = mapping(g)
    return '{"type":"%s","coordinates":%s}' % (m["type"], coords(m["coordinates"]))


def write_fc(path, name, features):
    """features: list of (properties dict, shapely geometry)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as o:
        o.write('{"type":"FeatureCollection","name":"%s","features":[\n' % name)
        lines = []
        for props, g in features:
            lines.append('{"type":"Feature","properties":%s,"geometry":%s}'
                         % (json.dumps(props, ensure_ascii=False, separators=(",", ":")), fmt_geom(g)))
        o.write(",\n".join(lines))
        o.write("\n]}\n")
    print(f"  wrote {os.path.relpath(path, HERE)} ({os.path.getsize(path)} bytes, {len(features)} features)")


def reread_check(path, expect):
    """The written file, parsed again, still tiles (rounding happened before writing)."""
    with open(path, encoding="utf-8") as f:
        fc = json.load(f)
    geoms = [shapely.geometry.shape(ft["geometry"]) for ft in fc["features"]]
    assert len(geoms) == len(expect)
    for g, e in zip(geoms, expect):
        assert g.is_valid and shapely.equals_exact(g, e, tolerance=0.0), "written geometry differs"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--atlas", help="path of world-atlas countries-10m.json (default: fetch with npm)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        atlas = args.atlas or fetch_atlas(tmp)
        outline = norway_outline(atlas)
    print(f"outline: {len(outline.geoms)} polygons, {shapely.get_num_coordinates(outline)} vertices, "
          f"area {outline.area:.6f} deg2")

    seed_list = seeds()
    faces = partition(outline, seed_list)
    print(f"partition: {len(seed_list)} seeds, {len(faces)} faces")

    # The outline the counties tile: the Natural Earth outline with the points where Voronoi
    # edges cross the coast inserted as (grid-rounded) vertices. Report how far that is from
    # the outline as read.
    noded_outline = shapely.union_all([f for f, _ in faces])
    rel = abs(noded_outline.area - outline.area) / outline.area
    sym = shapely.symmetric_difference(noded_outline, outline).area / outline.area
    haus = shapely.hausdorff_distance(noded_outline.boundary, outline.boundary)
    print(f"  noded outline vs Natural Earth outline: area diff {rel:.2e} rel, sym diff {sym:.2e} rel, "
          f"Hausdorff {haus:.1e} deg")
    assert rel < 1e-5 and sym < 1e-5 and haus < 1e-4
    fylker = union_by(faces, lambda i: seed_list[i][0])
    assert sorted(fylker) == sorted(f[0] for f in FYLKER), sorted(fylker)
    check_tiling("fylker in outline", noded_outline, fylker)

    modelled = sorted({s[0] for s in seed_list if s[1]})
    kommuner = union_by([(f, i) for f, i in faces if seed_list[i][1]], lambda i: seed_list[i][1])
    assert sorted(kommuner) == sorted(KOMMUNER), set(KOMMUNER) ^ set(kommuner)
    for fnr in modelled:
        parts = {k: g for k, g in kommuner.items() if (k[:2] if k != "0301" else "03") == fnr}
        check_tiling(f"kommuner in fylke {fnr}", fylker[fnr], parts)

    names = {f[0]: f for f in FYLKER}
    feats = []
    for fnr, navn, senter, samisk in FYLKER:
        props = {"fylkesnummer": fnr, "navn": navn, "administrasjonssenter": senter}
        if samisk:
            props["navn_samisk"] = samisk
        feats.append((props, fylker[fnr]))
    path = os.path.join(HERE, "fylker", "fylker.geojson")
    write_fc(path, "fylker", feats)
    reread_check(path, [g for _, g in feats])

    feats = []
    for knr in sorted(KOMMUNER):
        fnr = "03" if knr == "0301" else knr[:2]
        feats.append(({"kommunenummer": knr, "navn": KOMMUNER[knr], "fylkesnummer": fnr,
                       "fylkesnavn": names[fnr][1]}, kommuner[knr]))
    path = os.path.join(HERE, "kommuner", "kommuner.geojson")
    write_fc(path, "kommuner", feats)
    reread_check(path, [g for _, g in feats])

    feats = []
    for navn, h, kommune, lon, lat in sorted(FJELLTOPPER, key=lambda t: (-t[1], t[0])):
        p = Point(rnd(lon), rnd(lat))
        inside = [k for k, g in fylker.items() if g.covers(p)]
        where = names[inside[0]][1] if inside else "OUTSIDE THE OUTLINE"
        print(f"    {navn:22s} {h:5d} {kommune:14s} -> fylke {where}")
        feats.append(({"navn": navn, "hoyde_m": h, "kommune": kommune}, p))
    write_fc(os.path.join(HERE, "fjelltopper", "fjelltopper.geojson"), "fjelltopper", feats)


if __name__ == "__main__":
    main()
