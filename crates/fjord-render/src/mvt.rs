//! Mapbox Vector Tiles (specification 2.1): the features of one tile, reprojected to the
//! tile matrix set's CRS, cut to the tile and a buffer, simplified to the pixel and
//! encoded with geozero's MVT writer, one layer named after the dataset.
//!
//! A feature keeps its id and its non-null attribute values under the schema's field
//! names. Parts that shrink below a pixel's quarter (a line of one point, a ring without
//! area) are dropped, and a feature with nothing left is left out. A tile without
//! features is an MVT without layers: zero bytes.

use crate::clip::{self, Rect};
use fjord_core::error::Result;
use fjord_core::{transform, BBox, Crs, Field, TileMatrixSet, Value};
use geo::Simplify;
use geo_types::{Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use geozero::mvt::{tile, Message, TagsBuilder, Tile, TileValue};
use geozero::ToMvt;

/// Tile coordinates run from 0 to this across and down.
pub const EXTENT: u32 = 4096;

/// Geometry is kept this far beyond the tile's edge (in tile units), so that strokes and
/// fills of neighbouring tiles meet without seams.
pub const BUFFER: f64 = 64.0;

/// Vertices closer than this to the simplified line are dropped: a quarter of a pixel of
/// a 256 px tile, so the tolerance follows the zoom level.
const TOLERANCE: f64 = EXTENT as f64 / 256.0 / 4.0;

/// One feature to put in a tile: its id, its geometry (in the CRS given to [`encode`])
/// and its attribute values, aligned with the layer's fields.
#[derive(Clone, Copy, Debug)]
pub struct TileFeature<'a> {
    /// feature id
    pub id: u64,
    /// geometry in the source CRS
    pub geometry: &'a Geometry<f64>,
    /// attribute values, one per field
    pub values: &'a [Value],
}

/// Where a tile lies: its CRS and its extent in that CRS.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TileBounds {
    /// the tile matrix set's CRS
    pub crs: Crs,
    /// the tile's extent
    pub bbox: BBox,
}

impl TileBounds {
    /// Tile (`z`, `row`, `col`) of `tms`; an error when it lies outside the set.
    pub fn of(tms: &TileMatrixSet, z: u32, row: u32, col: u32) -> Result<TileBounds> {
        Ok(TileBounds { crs: tms.crs, bbox: tms.tile_bbox(z, row, col)? })
    }
}

/// The layer the features belong to: its name (the dataset id), its fields and the CRS
/// of its geometries.
#[derive(Clone, Copy, Debug)]
pub struct TileLayer<'a> {
    /// layer name
    pub name: &'a str,
    /// attribute fields, in the order of each feature's values
    pub fields: &'a [Field],
    /// CRS of the features' geometries
    pub crs: Crs,
}

/// What one geometry is made of, as ranges of the shared coordinate buffer.
enum Shape {
    /// points, one coordinate each
    Points(Vec<std::ops::Range<usize>>),
    /// lines
    Lines(Vec<std::ops::Range<usize>>),
    /// polygons: each a list of rings, the exterior first
    Polygons(Vec<Vec<std::ops::Range<usize>>>),
    /// nothing MVT can carry (an empty collection)
    Empty,
}

/// Append a geometry's coordinates to `buf` and say how they are grouped. A collection
/// keeps the members of its first member's kind.
fn flatten(g: &Geometry<f64>, buf: &mut Vec<(f64, f64)>) -> Shape {
    let mut push = |coords: &mut dyn Iterator<Item = Coord>| {
        let start = buf.len();
        buf.extend(coords.map(|c| (c.x, c.y)));
        start..buf.len()
    };
    let mut polygon = |p: &Polygon<f64>| {
        std::iter::once(p.exterior()).chain(p.interiors()).map(|r| push(&mut r.coords().copied())).collect()
    };
    match g {
        Geometry::Point(p) => Shape::Points(vec![push(&mut std::iter::once(p.0))]),
        Geometry::MultiPoint(m) => Shape::Points(m.iter().map(|p| push(&mut std::iter::once(p.0))).collect()),
        Geometry::Line(l) => Shape::Lines(vec![push(&mut [l.start, l.end].into_iter())]),
        Geometry::LineString(l) => Shape::Lines(vec![push(&mut l.coords().copied())]),
        Geometry::MultiLineString(m) => Shape::Lines(m.iter().map(|l| push(&mut l.coords().copied())).collect()),
        Geometry::Polygon(p) => Shape::Polygons(vec![polygon(p)]),
        Geometry::MultiPolygon(m) => Shape::Polygons(m.iter().map(&mut polygon).collect()),
        Geometry::Rect(r) => Shape::Polygons(vec![polygon(&r.to_polygon())]),
        Geometry::Triangle(t) => Shape::Polygons(vec![polygon(&t.to_polygon())]),
        Geometry::GeometryCollection(c) => {
            let mut members = c.iter().map(|m| flatten(m, buf));
            let Some(first) = members.next() else { return Shape::Empty };
            members.fold(first, |acc, m| match (acc, m) {
                (Shape::Points(mut a), Shape::Points(b)) => Shape::Points({
                    a.extend(b);
                    a
                }),
                (Shape::Lines(mut a), Shape::Lines(b)) => Shape::Lines({
                    a.extend(b);
                    a
                }),
                (Shape::Polygons(mut a), Shape::Polygons(b)) => Shape::Polygons({
                    a.extend(b);
                    a
                }),
                (Shape::Empty, other) => other,
                (acc, _) => acc,
            })
        }
    }
}

/// Points on the tile's integer grid, consecutive repeats dropped.
fn snap(coords: impl IntoIterator<Item = Coord>) -> Vec<Coord> {
    let mut out: Vec<Coord> = Vec::new();
    for c in coords {
        let c = Coord { x: c.x.round(), y: c.y.round() };
        if out.last() != Some(&c) {
            out.push(c);
        }
    }
    out
}

/// Twice the signed area of an open ring (surveyor's formula); positive is clockwise on
/// screen, where y grows downwards.
fn signed_area2(ring: &[Coord]) -> f64 {
    let n = ring.len();
    (0..n).map(|i| ring[i].x * ring[(i + 1) % n].y - ring[(i + 1) % n].x * ring[i].y).sum()
}

/// A ring cut, simplified and snapped, wound as MVT wants it (exterior clockwise on
/// screen, holes the other way), closed; `None` when it has no area left.
fn tile_ring(coords: &[Coord], rect: Rect, exterior: bool) -> Option<LineString<f64>> {
    let mut cut = clip::ring(coords, rect);
    let first = *cut.first()?;
    cut.push(first);
    let simple = LineString::new(cut).simplify(TOLERANCE);
    let mut ring = snap(simple.0);
    if ring.first() == ring.last() {
        ring.pop();
    }
    let area = signed_area2(&ring);
    if ring.len() < 3 || area == 0.0 {
        return None;
    }
    if (area > 0.0) != exterior {
        ring.reverse();
    }
    ring.push(ring[0]);
    Some(LineString::new(ring))
}

/// The geometry of one feature in tile units, or `None` when nothing of it is left.
fn tile_geometry(shape: &Shape, px: &[Coord], rect: Rect) -> Option<Geometry<f64>> {
    match shape {
        Shape::Points(parts) => {
            let pts: Vec<Point<f64>> = parts
                .iter()
                .flat_map(|r| snap(px[r.clone()].iter().copied()))
                .map(Point)
                .filter(|p| (rect.min..=rect.max).contains(&p.x()) && (rect.min..=rect.max).contains(&p.y()))
                .collect();
            match pts.len() {
                0 => None,
                1 => Some(Geometry::Point(pts[0])),
                _ => Some(Geometry::MultiPoint(MultiPoint(pts))),
            }
        }
        Shape::Lines(parts) => {
            let lines: Vec<LineString<f64>> = parts
                .iter()
                .flat_map(|r| clip::line(&px[r.clone()], rect))
                .map(|run| LineString::new(snap(LineString::new(run).simplify(TOLERANCE).0)))
                .filter(|l| l.0.len() >= 2)
                .collect();
            match lines.len() {
                0 => None,
                1 => lines.into_iter().next().map(Geometry::LineString),
                _ => Some(Geometry::MultiLineString(MultiLineString(lines))),
            }
        }
        Shape::Polygons(polys) => {
            let polys: Vec<Polygon<f64>> = polys
                .iter()
                .filter_map(|rings| {
                    let (exterior, holes) = rings.split_first()?;
                    let exterior = tile_ring(&px[exterior.clone()], rect, true)?;
                    let holes = holes.iter().filter_map(|h| tile_ring(&px[h.clone()], rect, false)).collect();
                    Some(Polygon::new(exterior, holes))
                })
                .collect();
            match polys.len() {
                0 => None,
                1 => polys.into_iter().next().map(Geometry::Polygon),
                _ => Some(Geometry::MultiPolygon(MultiPolygon(polys))),
            }
        }
        Shape::Empty => None,
    }
}

/// An attribute value as MVT has it; `None` for null (MVT has no null, the key is left out).
fn tile_value(v: &Value) -> Option<TileValue> {
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => TileValue::Bool(*b),
        Value::Int(i) if *i >= 0 => TileValue::Uint(*i as u64),
        Value::Int(i) => TileValue::Sint(*i),
        Value::Real(r) => TileValue::Double(*r),
        Value::Text(s) => TileValue::Str(s.clone()),
    })
}

/// Encode `features` of `layer` as the MVT of the tile at `bounds`. Fails only when the
/// coordinates cannot be transformed to the tile's CRS.
pub fn encode<'a>(
    layer: &TileLayer,
    features: impl IntoIterator<Item = TileFeature<'a>>,
    bounds: &TileBounds,
) -> Result<Vec<u8>> {
    let features: Vec<TileFeature> = features.into_iter().collect();
    let mut buf = Vec::new();
    let shapes: Vec<Shape> = features.iter().map(|f| flatten(f.geometry, &mut buf)).collect();
    transform::transform_in_place(layer.crs, bounds.crs, &mut buf)?;
    let b = &bounds.bbox;
    let (sx, sy) = (f64::from(EXTENT) / b.width(), f64::from(EXTENT) / b.height());
    let px: Vec<Coord> = buf.iter().map(|&(x, y)| Coord { x: (x - b.minx) * sx, y: (b.maxy - y) * sy }).collect();
    let rect = Rect { min: -BUFFER, max: f64::from(EXTENT) + BUFFER };

    let mut tags = TagsBuilder::new();
    let mut out = Vec::new();
    for (f, shape) in features.iter().zip(&shapes) {
        let Some(geometry) = tile_geometry(shape, &px, rect) else { continue };
        let Ok(mut feature) = geometry.to_mvt_unscaled() else { continue };
        feature.id = Some(f.id);
        for (field, value) in layer.fields.iter().zip(f.values) {
            if let Some(v) = tile_value(value) {
                let (k, v) = tags.insert_ref(&field.name, v);
                feature.tags.extend([k, v]);
            }
        }
        out.push(feature);
    }
    if out.is_empty() {
        return Ok(Vec::new());
    }
    let (keys, values) = tags.into_tags();
    let layer = tile::Layer {
        version: 2,
        name: layer.name.to_string(),
        features: out,
        keys,
        values: values.into_iter().map(Into::into).collect(),
        extent: Some(EXTENT),
    };
    Ok(Tile { layers: vec![layer] }.encode_to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use fjord_core::FieldType;
    use geo_types::{line_string, point, polygon};
    use geozero::mvt::tile::GeomType;
    use geozero::ToGeo;

    const UTM: Crs = Crs::Epsg(25833);

    fn fields() -> Vec<Field> {
        vec![Field::new("navn", FieldType::String), Field::new("nr", FieldType::Integer)]
    }

    /// A tile of the storage CRS's own matrix set: x 0..1000, y 0..1000 (storage units).
    fn square_tile() -> TileBounds {
        TileBounds { crs: UTM, bbox: BBox::new(0.0, 0.0, 1000.0, 1000.0).unwrap() }
    }

    fn decode(bytes: &[u8]) -> tile::Layer {
        let mut t = Tile::decode(bytes).unwrap();
        assert_eq!(t.layers.len(), 1);
        t.layers.remove(0)
    }

    fn value(layer: &tile::Layer, f: &tile::Feature, key: &str) -> Option<tile::Value> {
        f.tags.chunks(2).find(|kv| layer.keys[kv[0] as usize] == key).map(|kv| layer.values[kv[1] as usize].clone())
    }

    #[test]
    fn a_polygon_and_a_point_round_trip_with_attributes() {
        let poly = Geometry::Polygon(
            polygon![(x: 100.0, y: 100.0), (x: 500.0, y: 100.0), (x: 500.0, y: 500.0), (x: 100.0, y: 500.0)],
        );
        let pt = Geometry::Point(point!(x: 750.0, y: 250.0));
        let (v1, v2) = ([Value::Text("Oslo".into()), Value::Int(301)], [Value::Null, Value::Int(-4)]);
        let features =
            [TileFeature { id: 7, geometry: &poly, values: &v1 }, TileFeature { id: 8, geometry: &pt, values: &v2 }];
        let layer = TileLayer { name: "kommuner", fields: &fields(), crs: UTM };
        let l = decode(&encode(&layer, features, &square_tile()).unwrap());
        assert_eq!((l.name.as_str(), l.extent, l.version, l.features.len()), ("kommuner", Some(4096), 2, 2));

        let (a, b) = (&l.features[0], &l.features[1]);
        assert_eq!((a.id, a.r#type()), (Some(7), GeomType::Polygon));
        assert_eq!(value(&l, a, "navn").unwrap().string_value.as_deref(), Some("Oslo"));
        assert_eq!(value(&l, a, "nr").unwrap().uint_value, Some(301));
        let Geometry::Polygon(p) = a.to_geo().unwrap() else { panic!("not a polygon") };
        let mut xy: Vec<(f64, f64)> = p.exterior().coords().map(|c| (c.x, c.y)).collect();
        xy.sort_by(|a, b| a.partial_cmp(b).unwrap());
        xy.dedup();
        // y counts down from the top: storage y 100 is tile y 4096 - 409.6
        assert_eq!(xy, [(410.0, 2048.0), (410.0, 3686.0), (2048.0, 2048.0), (2048.0, 3686.0)]);
        assert!(signed_area2(&p.exterior().0[..4]) > 0.0, "exterior clockwise on screen");

        assert_eq!((b.id, b.r#type()), (Some(8), GeomType::Point));
        assert!(value(&l, b, "navn").is_none(), "null values have no tag");
        assert_eq!(value(&l, b, "nr").unwrap().sint_value, Some(-4));
        assert_eq!(b.to_geo().unwrap(), Geometry::Point(point!(x: 3072.0, y: 3072.0)));
    }

    #[test]
    fn geometry_is_cut_at_the_buffer_and_specks_are_dropped() {
        // reaches from the middle far beyond the right and top edges
        let big = Geometry::Polygon(
            polygon![(x: 500.0, y: 500.0), (x: 9000.0, y: 500.0), (x: 9000.0, y: 9000.0), (x: 500.0, y: 9000.0)],
        );
        let speck = Geometry::Polygon(polygon![(x: 10.0, y: 10.0), (x: 10.01, y: 10.0), (x: 10.0, y: 10.01)]);
        let outside = Geometry::Point(point!(x: 2000.0, y: 500.0));
        let line = Geometry::LineString(line_string![(x: -500.0, y: 800.0), (x: 1500.0, y: 800.0)]);
        let v = [Value::Null, Value::Null];
        let features = [&big, &speck, &outside, &line].map(|g| TileFeature { id: 1, geometry: g, values: &v });
        let layer = TileLayer { name: "t", fields: &fields(), crs: UTM };
        let l = decode(&encode(&layer, features, &square_tile()).unwrap());
        assert_eq!(l.features.len(), 2, "the speck and the far point are left out");
        let Geometry::Polygon(p) = l.features[0].to_geo().unwrap() else { panic!() };
        let (lo, hi) = (-BUFFER, f64::from(EXTENT) + BUFFER);
        assert!(p.exterior().coords().all(|c| c.x >= 2048.0 && c.x <= hi && c.y >= lo && c.y <= 2048.0));
        assert!(p.exterior().coords().any(|c| c.x == hi) && p.exterior().coords().any(|c| c.y == lo));
        let Geometry::LineString(ls) = l.features[1].to_geo().unwrap() else { panic!() };
        assert_eq!(ls.0.first().map(|c| (c.x, c.y)), Some((lo, 819.0)));
        assert_eq!(ls.0.last().map(|c| (c.x, c.y)), Some((hi, 819.0)));
    }

    #[test]
    fn the_world_tile_of_web_mercator_holds_norway() {
        // a box over southern Norway in UTM 33N
        let g = Geometry::Polygon(
            polygon![(x: 0.0, y: 6_450_000.0), (x: 600_000.0, y: 6_450_000.0), (x: 600_000.0, y: 7_000_000.0), (x: 0.0, y: 7_000_000.0)],
        );
        let v = [Value::Text("sør".into()), Value::Int(1)];
        let tms = TileMatrixSet::web_mercator_quad();
        let layer = TileLayer { name: "norge", fields: &fields(), crs: UTM };
        let bytes =
            encode(&layer, [TileFeature { id: 1, geometry: &g, values: &v }], &TileBounds::of(&tms, 0, 0, 0).unwrap())
                .unwrap();
        let l = decode(&bytes);
        let Geometry::Polygon(p) = l.features[0].to_geo().unwrap() else { panic!() };
        // lon 4.5-17 E, lat 58-63 N: x = (lon + 180) / 360 * 4096, y above the middle
        for c in p.exterior().coords() {
            assert!((2090.0..2260.0).contains(&c.x) && (1100.0..1300.0).contains(&c.y), "{c:?}");
        }
        assert!(encode(&layer, [], &TileBounds::of(&tms, 3, 0, 0).unwrap()).unwrap().is_empty());
        assert!(TileBounds::of(&tms, 1, 2, 0).is_err());
    }
}
