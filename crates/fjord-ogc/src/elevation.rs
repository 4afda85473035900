//! Heights at points, from the store's elevation datasets, in the shape of Kartverket's
//! public height API (`/hoydedata/v1/punkt`), so scripts written for it work by changing
//! the host, and as fjord's own `/api/elevation/point`.
//!
//! Every open elevation dataset is asked, the finest first (the same rule as at ingest:
//! finer wins); the first with a height at a point answers it and is named as its
//! `datakilde`. A point without a height gets `z: null`, never 0. Heights are bilinear
//! between the four nearest cell centres. `terreng` is the surface type from the land
//! cover the server is configured with (`services.terrain`), null without one.

use crate::area::Area;
use crate::features::Api;
use crate::reply::Reply;
use crate::OgcError;
use fjord_core::{transform, BBox, Crs, Slug, STORAGE_CRS};
use fjord_store::raster::{Interpolation, RasterLayer};
use fjord_store::FeatureSource;
use geo::Contains;
use geo_types::Point;
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// Most points one request may ask for.
pub const MAX_POINTS: usize = 10_000;

/// An elevation dataset the caller may read, and the area they may read it within
/// when they are limited to one.
type Source = (Slug, Arc<RasterLayer>, Option<Arc<Area>>);

/// The elevation datasets the caller may read, finest cells first (records from the
/// record cache, so a request reads the catalogue only for a version it has not seen).
fn sources(api: &Api) -> Result<Vec<Source>, OgcError> {
    let mut out = Vec::new();
    for id in api.store.datasets()? {
        let Some((version, record)) = api.records.get(api.store, api.catalogue, &id)? else { continue };
        if record.schema.is_some() || !api.may_see(&record) {
            continue;
        }
        let area = api.area_for(&record)?;
        out.push((id.clone(), api.store.raster_at(&id, version)?, area));
    }
    out.sort_by(|a, b| a.1.header().cell.total_cmp(&b.1.header().cell));
    Ok(out)
}

/// Heights found at points: each point's height and the index of its source in `sources`.
struct Found {
    sources: Vec<Slug>,
    at: Vec<Option<(f64, usize)>>,
}

impl Found {
    /// The height and source name at point `k`.
    fn get(&self, k: usize) -> (Option<f64>, Option<&str>) {
        match self.at[k] {
            Some((z, s)) => (Some(z), Some(self.sources[s].as_str())),
            None => (None, None),
        }
    }
}

/// The height and its source at each point (x = east, y = north, in `crs`).
fn heights(api: &Api, crs: Crs, points: &[(f64, f64)]) -> Result<Found, OgcError> {
    heights_stored(api, &to_storage(crs, points)?)
}

/// `points` (x = east, y = north, in `crs`) in the storage CRS.
fn to_storage(crs: Crs, points: &[(f64, f64)]) -> Result<Vec<(f64, f64)>, OgcError> {
    let mut stored = points.to_vec();
    transform::transform_in_place(crs, STORAGE_CRS, &mut stored)
        .map_err(|e| OgcError::invalid(format!("the points cannot be taken from {crs} to EPSG:25833: {e}")))?;
    Ok(stored)
}

/// The height and its source at each point of the storage CRS.
fn heights_stored(api: &Api, stored: &[(f64, f64)]) -> Result<Found, OgcError> {
    let found_in = sources(api)?;
    let sources = found_in.iter().map(|s| s.0.clone()).collect();
    // one sampler a source for all points: neighbouring points share decoded tiles
    let mut samplers: Vec<_> = found_in.iter().map(|(_, layer, area)| (layer.sampler(0), area)).collect();
    let mut at = Vec::with_capacity(stored.len());
    for &(x, y) in stored {
        let mut found = None;
        for (k, (sampler, area)) in samplers.iter_mut().enumerate() {
            if area.as_ref().is_some_and(|a| !a.contains(x, y)) {
                continue;
            }
            if let Some(z) = sampler.height(x, y)? {
                found = Some(((z * 100.0).round() / 100.0, k));
                break;
            }
        }
        at.push(found);
    }
    Ok(Found { sources, at })
}

/// The surface type (`terreng`) at each point of the storage CRS: the configured
/// land-cover field of the polygon holding it; `None` where none does, and everywhere
/// when no land cover is configured or its dataset cannot be read.
fn terrain(api: &Api, stored: &[(f64, f64)]) -> Result<Vec<Option<String>>, OgcError> {
    let mut out = vec![None; stored.len()];
    let Some((id, field)) = api.terrain.split_once('.') else { return Ok(out) };
    let layer = match api.open(id) {
        Ok((_, layer)) => layer,
        Err(e) => {
            tracing::warn!(terrain = api.terrain, "the land cover for terreng cannot be read: {}", e.description);
            return Ok(out);
        }
    };
    let Some(k) = layer.schema().index_of(field) else {
        tracing::warn!(terrain = api.terrain, "the land cover has no such field");
        return Ok(out);
    };
    for (&(x, y), found) in stored.iter().zip(&mut out) {
        let at = Point::new(x, y);
        for pos in layer.candidates(&BBox { minx: x, miny: y, maxx: x, maxy: y }) {
            if layer.geometry_at(pos)?.contains(&at) {
                *found = layer.values_at(pos, &[k])?.pop().map(|v| v.to_text());
                break;
            }
        }
    }
    Ok(out)
}

/// Corners of the coordinate lattice a picture's pixel positions are interpolated from:
/// PROJ is asked for 17 × 17 points instead of one a pixel.
const LATTICE: usize = 16;

/// Heights of `layer` for a picture of `bbox` (in `crs`, x east) of `width` × `height`
/// pixels and `border` more on every side, at pixel centres, row by row from the top
/// left; `NaN` where there is none, and outside `area` for a caller limited to one. Read
/// bilinear at the pyramid level whose cells are about a pixel; with the pixel's ground
/// size in metres (across, down).
pub(crate) fn grid(
    layer: &RasterLayer,
    crs: Crs,
    bbox: &BBox,
    size: (usize, usize),
    border: usize,
    area: Option<&Area>,
) -> Result<(Vec<f32>, (f64, f64)), OgcError> {
    sample_grid(layer, crs, bbox, size, border, Interpolation::Bilinear, area)
}

/// [`grid`] with the interpolation chosen: coverages are read nearest by default, so
/// a window on the stored grid answers the stored heights.
pub(crate) fn sample_grid(
    layer: &RasterLayer,
    crs: Crs,
    bbox: &BBox,
    (width, height): (usize, usize),
    border: usize,
    how: Interpolation,
    area: Option<&Area>,
) -> Result<(Vec<f32>, (f64, f64)), OgcError> {
    let (px, py) = ((bbox.maxx - bbox.minx) / width as f64, (bbox.maxy - bbox.miny) / height as f64);
    let (w, h) = (width + 2 * border, height + 2 * border);
    // the lattice spans the bordered picture's first to last pixel centre
    let (x0, y0) = (bbox.minx + (0.5 - border as f64) * px, bbox.maxy - (0.5 - border as f64) * py);
    let (sx, sy) = ((w - 1).max(1) as f64 / LATTICE as f64, (h - 1).max(1) as f64 / LATTICE as f64);
    let mut lattice = Vec::with_capacity((LATTICE + 1) * (LATTICE + 1));
    for j in 0..=LATTICE {
        for i in 0..=LATTICE {
            lattice.push((x0 + i as f64 * sx * px, y0 - j as f64 * sy * py));
        }
    }
    transform::transform_in_place(crs, STORAGE_CRS, &mut lattice)?;
    let node = |i: usize, j: usize| lattice[j * (LATTICE + 1) + i];
    let ground = |a: (f64, f64), b: (f64, f64), n: f64| ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt() / n;
    let pixel = (
        ground(node(0, 0), node(LATTICE, 0), sx * LATTICE as f64),
        ground(node(0, 0), node(0, LATTICE), sy * LATTICE as f64),
    );
    let mut heights = layer.sampler(layer.level_for(pixel.0.min(pixel.1)));
    let lerp = |p: (f64, f64), q: (f64, f64), t: f64| (p.0 + (q.0 - p.0) * t, p.1 + (q.1 - p.1) * t);
    let split = |f: f64| {
        // f >= 0: truncation is the floor, without a libm call
        let k = (f as usize).min(LATTICE - 1);
        (k, f - k as f64)
    };
    if crs == STORAGE_CRS {
        // pixel places are exact and lie on rows: bilinear reads a row at a time
        let mut out = vec![f32::NAN; w * h];
        for (y, row) in out.chunks_exact_mut(w).enumerate() {
            let gy = y0 - y as f64 * py;
            match how {
                Interpolation::Bilinear => heights.row(gy, x0, px, row)?,
                Interpolation::Nearest => {
                    for (x, z) in row.iter_mut().enumerate() {
                        *z = heights.nearest(x0 + x as f64 * px, gy)?.map_or(f32::NAN, |z| z as f32);
                    }
                }
            }
            if let Some(a) = area {
                for (x, z) in row.iter_mut().enumerate() {
                    if !a.contains(x0 + x as f64 * px, gy) {
                        *z = f32::NAN;
                    }
                }
            }
        }
        return Ok((out, pixel));
    }
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        let (j, tj) = split(y as f64 / sy);
        for x in 0..w {
            // elsewhere a pixel's place is interpolated in the lattice
            let (i, ti) = split(x as f64 / sx);
            let top = lerp(node(i, j), node(i + 1, j), ti);
            let bottom = lerp(node(i, j + 1), node(i + 1, j + 1), ti);
            let (gx, gy) = lerp(top, bottom, tj);
            if area.is_some_and(|a| !a.contains(gx, gy)) {
                out.push(f32::NAN);
                continue;
            }
            out.push(heights.sample(gx, gy, how)?.map_or(f32::NAN, |z| z as f32));
        }
    }
    Ok((out, pixel))
}

/// A CRS given as Kartverket's API gives it: the EPSG number (`25833`), or as fjord
/// spells CRSs elsewhere (`EPSG:25833`, a URI).
fn crs_of(koordsys: &str) -> Result<Crs, OgcError> {
    let crs = match koordsys.trim().parse::<u32>() {
        Ok(n) => Crs::Epsg(n),
        Err(_) => Crs::parse(koordsys).map_err(|e| OgcError::invalid(format!("koordsys={koordsys}: {e}")))?,
    };
    crs.check().map_err(|e| OgcError::invalid(format!("koordsys={koordsys}: {e}")))?;
    Ok(crs)
}

fn number(name: &str, v: &str) -> Result<f64, OgcError> {
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(|| OgcError::invalid(format!("{name}={v} is not a number")))
}

/// `GET /hoydedata/v1/punkt?koordsys=&nord=&ost=` or `?koordsys=&punkter=[[ost,nord],...]`
pub fn punkt(api: &Api, params: &[(String, String)]) -> Result<Reply, OgcError> {
    let get = |k: &str| params.iter().find(|(n, _)| n.eq_ignore_ascii_case(k)).map(|(_, v)| v.as_str());
    let koordsys =
        get("koordsys").ok_or_else(|| OgcError::invalid("koordsys is required (an EPSG code, e.g. 25833)"))?;
    let crs = crs_of(koordsys)?;
    let points: Vec<(f64, f64)> = match (get("punkter"), get("nord"), get("ost")) {
        (Some(list), _, _) => {
            let parsed: Vec<[f64; 2]> = serde_json::from_str(list)
                .map_err(|e| OgcError::invalid(format!("punkter must be [[ost,nord],...]: {e}")))?;
            parsed.into_iter().map(|[x, y]| (x, y)).collect()
        }
        (None, Some(n), Some(e)) => vec![(number("ost", e)?, number("nord", n)?)],
        _ => return Err(OgcError::invalid("give nord and ost, or punkter=[[ost,nord],...]")),
    };
    if points.is_empty() || points.len() > MAX_POINTS {
        return Err(OgcError::invalid(format!("from 1 to {MAX_POINTS} points, not {}", points.len())));
    }
    if points.iter().any(|(x, y)| !x.is_finite() || !y.is_finite()) {
        return Err(OgcError::invalid("every coordinate must be a finite number"));
    }
    let stored = to_storage(crs, &points)?;
    let (found, terreng) = (heights_stored(api, &stored)?, terrain(api, &stored)?);
    /// One point of the answer, as Kartverket's API names its members.
    #[derive(Serialize)]
    struct Punkt<'a> {
        x: f64,
        y: f64,
        z: Option<f64>,
        datakilde: Option<&'a str>,
        terreng: Option<&'a str>,
    }
    let punkter: Vec<Punkt> = points
        .iter()
        .enumerate()
        .map(|(k, &(x, y))| {
            let (z, datakilde) = found.get(k);
            Punkt { x, y, z, datakilde, terreng: terreng[k].as_deref() }
        })
        .collect();
    let code = match crs {
        Crs::Epsg(n) => json!(n),
        other => json!(other.to_string()),
    };
    /// The answer (built without a JSON tree: a batch has 10,000 points).
    #[derive(Serialize)]
    struct Svar<'a> {
        koordsys: Value,
        punkter: Vec<Punkt<'a>>,
    }
    json_reply(&Svar { koordsys: code, punkter })
}

/// A JSON answer of `value`.
fn json_reply(value: &impl Serialize) -> Result<Reply, OgcError> {
    Ok(Reply::new("application/json", serde_json::to_vec(value).map_err(OgcError::internal)?))
}

/// `GET /api/elevation/point?x=&y=&crs=` (crs defaults to EPSG:25833)
pub fn point(api: &Api, params: &[(String, String)]) -> Result<Reply, OgcError> {
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let crs = crs_of(get("crs").unwrap_or("25833"))?;
    let (x, y) = match (get("x"), get("y")) {
        (Some(x), Some(y)) => (number("x", x)?, number("y", y)?),
        _ => return Err(OgcError::invalid("x and y are required")),
    };
    let found = heights(api, crs, &[(x, y)])?;
    let (z, source) = found.get(0);
    json_reply(&json!({ "x": x, "y": y, "crs": crs.to_string(), "z": z, "source": source }))
}

/// `POST /api/elevation/profile` with `{"line": LineString, "crs"?, "samples" | "step"}`:
/// heights at evenly spaced points along the line (distances in metres along it in
/// EPSG:25833), each with its position in the request's CRS.
pub fn profile(api: &Api, body: &[u8]) -> Result<Reply, OgcError> {
    let req: Value =
        serde_json::from_slice(body).map_err(|e| OgcError::invalid(format!("the profile request: {e}")))?;
    let known = ["line", "crs", "samples", "step"];
    if let Some(k) = req.as_object().and_then(|o| o.keys().find(|k| !known.contains(&k.as_str()))) {
        return Err(OgcError::invalid(format!("unknown member '{k}'; give line, crs, samples or step")));
    }
    let crs = crs_of(req["crs"].as_str().unwrap_or("25833"))?;
    if req["line"]["type"] != "LineString" {
        return Err(OgcError::invalid("line must be a GeoJSON LineString"));
    }
    let coords = req["line"]["coordinates"].as_array().map(Vec::as_slice).unwrap_or_default();
    let vertices: Vec<(f64, f64)> =
        coords.iter().filter_map(|c| Some((c.get(0)?.as_f64()?, c.get(1)?.as_f64()?))).collect();
    if vertices.len() < 2 || vertices.len() != coords.len() {
        return Err(OgcError::invalid("line needs two or more positions of numbers"));
    }
    let stored = to_storage(crs, &vertices)?;
    let mut along = vec![0.0];
    for w in stored.windows(2) {
        let d = ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt();
        along.push(along.last().copied().unwrap_or(0.0) + d);
    }
    let length = along.last().copied().unwrap_or(0.0);
    let (samples, step) = (req.get("samples").map(|v| v.as_u64()), req.get("step").map(|v| v.as_f64()));
    let samples = match (samples, step) {
        (Some(Some(n)), None) => usize::try_from(n).unwrap_or(usize::MAX),
        (None, Some(Some(step))) if step.is_finite() && step > 0.0 => (length / step).min(1e12).floor() as usize + 1,
        (None, None) => 100,
        _ => return Err(OgcError::invalid("give samples (a count) or step (metres, above 0), not both")),
    };
    if !(2..=MAX_POINTS).contains(&samples) {
        return Err(OgcError::invalid(format!("from 2 to {MAX_POINTS} samples, not {samples}")));
    }
    // the points at even distances, found segment by segment
    let mut points = Vec::with_capacity(samples);
    let mut seg = 0;
    for k in 0..samples {
        let d = length * k as f64 / (samples - 1) as f64;
        while seg + 2 < along.len() && along[seg + 1] < d {
            seg += 1;
        }
        let span = along[seg + 1] - along[seg];
        let t = if span > 0.0 { ((d - along[seg]) / span).clamp(0.0, 1.0) } else { 0.0 };
        let (a, b) = (stored[seg], stored[seg + 1]);
        points.push((d, (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)));
    }
    let at: Vec<(f64, f64)> = points.iter().map(|p| p.1).collect();
    let found = heights_stored(api, &at)?;
    let mut shown = at;
    transform::transform_in_place(STORAGE_CRS, crs, &mut shown).map_err(OgcError::internal)?;
    /// One point of a profile.
    #[derive(Serialize)]
    struct Sample<'a> {
        distance: f64,
        x: f64,
        y: f64,
        z: Option<f64>,
        source: Option<&'a str>,
    }
    let rows: Vec<Sample> = points
        .iter()
        .zip(shown)
        .enumerate()
        .map(|(k, (&(d, _), (x, y)))| {
            let (z, source) = found.get(k);
            Sample { distance: (d * 100.0).round() / 100.0, x, y, z, source }
        })
        .collect();
    /// The answer (built without a JSON tree).
    #[derive(Serialize)]
    struct Profile<'a> {
        crs: String,
        length: f64,
        points: Vec<Sample<'a>>,
    }
    json_reply(&Profile { crs: crs.to_string(), length: (length * 100.0).round() / 100.0, points: rows })
}
