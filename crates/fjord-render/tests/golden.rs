//! Golden images: the sample datasets drawn with the repository's styles must look as
//! they did when the golden PNG was made, within a small tolerance (anti-aliasing may
//! move by a shade). `FJORD_UPDATE_GOLDEN=1 cargo test -p fjord-render --test golden`
//! writes new goldens after an intended change; a failing run leaves the picture it
//! drew next to the golden as `*.actual.png`.

use fjord_core::BBox;
use fjord_core::{GeometryKind, Value};
use fjord_render::style::Attributes;
use fjord_render::{encode, Canvas, ImageFormat, MapView, StyleLibrary, StylePainter};
use geo_types::{Coord, Geometry, LineString, MultiPolygon, Point, Polygon};
use serde_json::Value as Json;
use std::path::{Path, PathBuf};

/// A feature of a sample dataset: its geometry and its properties.
type Sample = (Geometry<f64>, Vec<(String, Value)>);

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn ring(v: &Json) -> LineString<f64> {
    LineString(
        v.as_array().unwrap().iter().map(|c| Coord { x: c[0].as_f64().unwrap(), y: c[1].as_f64().unwrap() }).collect(),
    )
}

fn polygon(v: &Json) -> Polygon<f64> {
    let rings = v.as_array().unwrap();
    Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect())
}

/// A sample dataset's features: geometry (lon/lat, as in the GeoJSON) and properties.
fn sample(name: &str) -> Vec<Sample> {
    let text = std::fs::read_to_string(root().join(format!("datasets/{name}/{name}.geojson"))).unwrap();
    let doc: Json = serde_json::from_str(&text).unwrap();
    doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let g = &f["geometry"];
            let c = &g["coordinates"];
            let geometry = match g["type"].as_str().unwrap() {
                "Point" => Geometry::Point(Point::new(c[0].as_f64().unwrap(), c[1].as_f64().unwrap())),
                "Polygon" => Geometry::Polygon(polygon(c)),
                "MultiPolygon" => {
                    Geometry::MultiPolygon(MultiPolygon(c.as_array().unwrap().iter().map(polygon).collect()))
                }
                other => panic!("{other} in {name}"),
            };
            (geometry, values(&f["properties"]))
        })
        .collect()
}

fn draw(canvas: &mut Canvas, lib: &StyleLibrary, dataset: &str, kind: GeometryKind, features: &[Sample]) {
    let style = lib.style(dataset, kind, "").unwrap();
    let mut painter = StylePainter::new(&style, canvas.view().scale_denominator(111_319.49));
    for (g, props) in features {
        painter.add(canvas, &Owned(props), || Ok::<_, ()>(Some(g))).unwrap();
    }
    painter.finish(canvas);
}

struct Owned<'a>(&'a [(String, Value)]);

impl Attributes for Owned<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

fn values(props: &Json) -> Vec<(String, Value)> {
    props
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let v = match v {
                Json::String(s) => Value::Text(s.clone()),
                Json::Number(n) if n.is_i64() => Value::Int(n.as_i64().unwrap()),
                Json::Number(n) => Value::Real(n.as_f64().unwrap()),
                Json::Bool(b) => Value::Bool(*b),
                _ => Value::Null,
            };
            (k.clone(), v)
        })
        .collect()
}

fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut dec = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
    let mut buf = vec![0; dec.output_buffer_size().unwrap()];
    let info = dec.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let rgb = buf[..info.buffer_size()].chunks(channels).flat_map(|c| [c[0], c[1], c[2]]).collect();
    (info.width, info.height, rgb)
}

#[test]
fn norway_with_the_repository_styles() {
    let lib = StyleLibrary::load(&root().join("styles")).unwrap();
    let view = MapView { bbox: BBox { minx: 4.0, miny: 57.5, maxx: 31.5, maxy: 71.5 }, width: 330, height: 336 };
    let mut canvas = Canvas::new(view, Some(fjord_render::Color { r: 0xd4, g: 0xe6, b: 0xf5, a: 255 })).unwrap();
    for (name, kind) in [
        ("fylker", GeometryKind::MultiPolygon),
        ("kommuner", GeometryKind::MultiPolygon),
        ("fjelltopper", GeometryKind::Point),
    ] {
        draw(&mut canvas, &lib, name, kind, &sample(name));
    }
    canvas.draw_labels();
    let actual = encode(canvas.pixmap(), ImageFormat::Png).unwrap();
    let golden = root().join("crates/fjord-render/tests/golden/norway.png");
    if std::env::var_os("FJORD_UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &actual).unwrap();
        println!("wrote {}", golden.display());
        return;
    }
    let (w, h, a) = decode(&actual);
    let (gw, gh, g) = decode(&std::fs::read(&golden).unwrap());
    assert_eq!((w, h), (gw, gh));
    let differing =
        a.chunks(3).zip(g.chunks(3)).filter(|(p, q)| p.iter().zip(*q).any(|(x, y)| x.abs_diff(*y) > 24)).count();
    let share = differing as f64 / f64::from(w * h);
    if share > 0.005 {
        std::fs::write(golden.with_extension("actual.png"), &actual).unwrap();
        panic!("{:.2} % of the pixels differ from {} (see norway.actual.png)", share * 100.0, golden.display());
    }
}
