#!/usr/bin/env python3
"""Build fjord's sample elevation dataset, datasets/hoyde/hoyde.tif.

A maintainer tool, not run in CI. Requirements: Python 3 (standard library only) and
GDAL's command-line tools (Debian's gdal-bin: ogr2ogr, gdal_rasterize, gdal_translate,
gdaltransform).

Usage:

    python3 datasets/build_dem.py

What it makes: a SYNTHETIC terrain of mainland Norway in EPSG:25833 (EUREF89 UTM 33N),
1 km cells, whole metres (Int16, DEFLATE), NoData (-9999) at sea. No package on the
registries we can reach carries a real Norwegian DEM, so the heights are generated:

  * land is Norway's real outline (the union of datasets/fylker, Natural Earth 10m),
    burned into the grid with gdal_rasterize;
  * the ground rises from the coast inland (by the distance to the sea, a chamfer
    distance transform), roughened by deterministic fractal value noise (64 km to 4 km);
  * the 30 summits of datasets/fjelltopper stand at their real heights (Galdhøpiggen
    2469 m), each the top of a cone 12 km across at its foot.

It looks like mountains where Norway's mountains are, but it is not Kartverket's DTM;
use it for tests and demos only. Output is deterministic: the same inputs give the same
file.
"""

import json
import math
import os
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CELL = 1000.0
# aligned to fjord's grid (the utm33n tile matrix set's corner, -2500000 / 9045984)
X0, Y1 = -80_000.0, 7_945_984.0
COLS, ROWS = 1200, 1510
NODATA = -9999


def run(*args):
    subprocess.run(args, check=True)


def read_ascii_grid(path):
    """The cell values of an Esri ASCII grid, row by row from the top."""
    header, values = {}, []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if parts and parts[0][0].isalpha():
                header[parts[0].lower()] = parts[1]
            else:
                values.extend(int(float(v)) for v in parts)
    cols, rows = int(header["ncols"]), int(header["nrows"])
    assert (cols, rows) == (COLS, ROWS), (cols, rows)
    return [values[r * cols:(r + 1) * cols] for r in range(rows)]


def distance_to_sea(land):
    """Chamfer (3-4) distance in cells from each land cell to the nearest sea cell."""
    inf = 10 ** 9
    d = [[0 if not land[r][c] else inf for c in range(COLS)] for r in range(ROWS)]
    for r in range(ROWS):
        for c in range(COLS):
            if d[r][c]:
                best = d[r][c]
                for dr, dc, w in ((-1, -1, 4), (-1, 0, 3), (-1, 1, 4), (0, -1, 3)):
                    rr, cc = r + dr, c + dc
                    if 0 <= rr < ROWS and 0 <= cc < COLS:
                        best = min(best, d[rr][cc] + w)
                d[r][c] = best
    for r in range(ROWS - 1, -1, -1):
        for c in range(COLS - 1, -1, -1):
            if d[r][c]:
                best = d[r][c]
                for dr, dc, w in ((1, 1, 4), (1, 0, 3), (1, -1, 4), (0, 1, 3)):
                    rr, cc = r + dr, c + dc
                    if 0 <= rr < ROWS and 0 <= cc < COLS:
                        best = min(best, d[rr][cc] + w)
                d[r][c] = best
    return [[v / 3.0 for v in row] for row in d]


def lattice(ix, iy, seed):
    """A deterministic pseudo-random value in [0, 1) for an integer lattice point."""
    h = (ix * 374761393 + iy * 668265263 + seed * 2147483647) & 0xFFFFFFFF
    h = ((h ^ (h >> 13)) * 1274126177) & 0xFFFFFFFF
    return ((h ^ (h >> 16)) & 0xFFFFFF) / float(1 << 24)


def value_noise(x, y, seed):
    ix, iy = math.floor(x), math.floor(y)
    fx, fy = x - ix, y - iy
    sx, sy = fx * fx * (3 - 2 * fx), fy * fy * (3 - 2 * fy)
    a, b = lattice(ix, iy, seed), lattice(ix + 1, iy, seed)
    c, d = lattice(ix, iy + 1, seed), lattice(ix + 1, iy + 1, seed)
    return (a + (b - a) * sx) * (1 - sy) + (c + (d - c) * sx) * sy


def fractal(x, y):
    """Five octaves of value noise, wavelength 64 km down to 4 km, in [0, 1)."""
    total, amp, norm, freq = 0.0, 1.0, 0.0, 1.0 / 64.0
    for octave in range(5):
        total += amp * value_noise(x * freq, y * freq, octave)
        norm += amp
        amp *= 0.6
        freq *= 2.0
    return total / norm


def summits():
    """The sample summits in EPSG:25833: (x, y, height)."""
    with open(os.path.join(HERE, "fjelltopper", "fjelltopper.geojson")) as f:
        features = json.load(f)["features"]
    lonlat = "".join(f"{f['geometry']['coordinates'][0]} {f['geometry']['coordinates'][1]}\n" for f in features)
    out = subprocess.run(
        ["gdaltransform", "-s_srs", "EPSG:4326", "-t_srs", "EPSG:25833", "-output_xy"],
        input=lonlat, capture_output=True, text=True, check=True,
    ).stdout.split()
    xy = [(float(out[i]), float(out[i + 1])) for i in range(0, len(out), 2)]
    return [(x, y, float(f["properties"]["hoyde_m"])) for (x, y), f in zip(xy, features)]


def main():
    with tempfile.TemporaryDirectory() as tmp:
        outline = os.path.join(tmp, "fylker.gpkg")
        run("ogr2ogr", "-t_srs", "EPSG:25833", outline, os.path.join(HERE, "fylker", "fylker.geojson"))
        mask_tif, mask_asc = os.path.join(tmp, "mask.tif"), os.path.join(tmp, "mask.asc")
        run("gdal_rasterize", "-q", "-burn", "1", "-init", "0", "-ot", "Byte", "-tr", str(CELL), str(CELL),
            "-te", str(X0), str(Y1 - ROWS * CELL), str(X0 + COLS * CELL), str(Y1), outline, mask_tif)
        run("gdal_translate", "-q", "-of", "AAIGrid", mask_tif, mask_asc)
        land = read_ascii_grid(mask_asc)
        dist = distance_to_sea(land)
        peaks = summits()
        rows = []
        for r in range(ROWS):
            y = Y1 - (r + 0.5) * CELL
            row = []
            for c in range(COLS):
                if not land[r][c]:
                    row.append(NODATA)
                    continue
                x = X0 + (c + 0.5) * CELL
                d = dist[r][c]
                n = fractal(x / 1000.0, y / 1000.0)
                h = 350.0 * (1 - math.exp(-d / 35.0)) + 1500.0 * n * n * (1 - math.exp(-d / 15.0))
                for px, py, ph in peaks:
                    k = math.hypot(x - px, y - py) / 6000.0
                    if k < 1.0:
                        h = max(h, ph * (1.0 - k) + h * k)
                row.append(max(1, round(h)))
            rows.append(" ".join(map(str, row)))
        dem_asc = os.path.join(tmp, "dem.asc")
        with open(dem_asc, "w") as f:
            f.write(f"ncols {COLS}\nnrows {ROWS}\nxllcorner {X0}\nyllcorner {Y1 - ROWS * CELL}\n"
                    f"cellsize {CELL}\nNODATA_value {NODATA}\n")
            f.write("\n".join(rows) + "\n")
        target = os.path.join(HERE, "hoyde", "hoyde.tif")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        run("gdal_translate", "-q", "-a_srs", "EPSG:25833", "-ot", "Int16", "-co", "COMPRESS=DEFLATE",
            "-co", "PREDICTOR=2", "-co", "ZLEVEL=9", "-co", "TILED=YES", dem_asc, target)
        print(f"wrote {target} ({os.path.getsize(target)} bytes)")


if __name__ == "__main__":
    main()
