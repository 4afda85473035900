//! One source geometry through the checks: GDAL → geo-types, finite, reprojected to the
//! storage CRS, repaired or rejected, and shaped to the layer's stored kind.

use crate::source::SourceCrs;
use crate::validate::{check_finite, repair_and_validate, Repair};
use fjord_core::{transform, GeometryKind, STORAGE_CRS};
use geo_types::{Geometry, MultiLineString, MultiPolygon};

/// Whether any ring of a (multi)polygon ends elsewhere than it starts. geo-types closes
/// rings silently, so this is asked of GDAL's geometry before conversion.
fn has_unclosed_ring(g: &gdal::vector::Geometry) -> bool {
    use gdal::vector::OGRwkbGeometryType as T;
    match gdal::vector::geometry_type_flatten(g.geometry_type()) {
        T::wkbPolygon => (0..g.geometry_count()).any(|i| {
            let ring = g.get_geometry(i);
            let n = ring.point_count();
            n > 0 && {
                let (a, b) = (ring.get_point(0), ring.get_point(n as i32 - 1));
                (a.0, a.1) != (b.0, b.1)
            }
        }),
        T::wkbMultiPolygon | T::wkbGeometryCollection => {
            (0..g.geometry_count()).any(|i| has_unclosed_ring(&g.get_geometry(i)))
        }
        _ => false,
    }
}

/// GDAL geometry to geo-types, 2D, without ever panicking.
fn to_geo(g: &gdal::vector::Geometry) -> Result<Geometry<f64>, String> {
    if g.is_empty() {
        return Err("no geometry".into());
    }
    let flat;
    let g = if gdal::vector::geometry_type_has_z(g.geometry_type())
        || gdal::vector::geometry_type_has_m(g.geometry_type())
    {
        let mut c = g.clone();
        c.flatten_to_2d();
        flat = c;
        &flat
    } else {
        g
    };
    let name = g.geometry_name();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.to_geo())) {
        Ok(Ok(geo)) => Ok(geo),
        _ => Err(format!("unsupported geometry type {name}")),
    }
}

/// Reproject in place to the storage CRS.
pub(crate) fn reproject(g: &mut Geometry<f64>, crs: &SourceCrs) -> Result<(), String> {
    match crs {
        SourceCrs::Known(c) => transform::transform_geometry(*c, STORAGE_CRS, g),
        SourceCrs::Wkt(w) => transform::transform_geometry_from_definition(w, STORAGE_CRS, g),
    }
    .map_err(|e| e.to_string())
}

/// Shape a geometry to the stored kind: promote a single geometry to its multi kind,
/// demote a one-part multi geometry to its single kind; reject what does not fit.
fn conform(g: Geometry<f64>, kind: GeometryKind) -> Result<Geometry<f64>, String> {
    use Geometry as G;
    use GeometryKind as K;
    Ok(match (kind, g) {
        (K::Mixed, g) => g,
        (K::MultiPolygon, G::Polygon(p)) => G::MultiPolygon(MultiPolygon(vec![p])),
        (K::MultiLineString, G::LineString(l)) => G::MultiLineString(MultiLineString(vec![l])),
        (K::MultiPoint, G::Point(p)) => G::MultiPoint(vec![p].into()),
        (K::Polygon, G::MultiPolygon(mut m)) if m.0.len() == 1 => G::Polygon(m.0.remove(0)),
        (K::LineString, G::MultiLineString(mut m)) if m.0.len() == 1 => G::LineString(m.0.remove(0)),
        (K::Point, G::MultiPoint(m)) if m.0.len() == 1 => G::Point(m.0[0]),
        (K::Polygon, g @ G::Polygon(_))
        | (K::LineString, g @ G::LineString(_))
        | (K::Point, g @ G::Point(_))
        | (K::MultiPolygon, g @ G::MultiPolygon(_))
        | (K::MultiLineString, g @ G::MultiLineString(_))
        | (K::MultiPoint, g @ G::MultiPoint(_)) => g,
        (kind, g) => return Err(format!("{} in a {kind:?} layer", geometry_name(&g))),
    })
}

fn geometry_name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) | Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
    }
}

/// The GDAL half, on the reading thread: to geo-types, noting unclosed rings first.
pub(crate) fn read(g: &gdal::vector::Geometry) -> Result<(Geometry<f64>, bool), String> {
    let unclosed = has_unclosed_ring(g);
    Ok((to_geo(g)?, unclosed))
}

/// The rest, on the writing thread: finite check, reprojection, repair or rejection,
/// shape. Returns the geometry in the storage CRS with the repairs made, or the reason
/// it is rejected.
pub(crate) fn prepare(
    mut geo: Geometry<f64>,
    unclosed: bool,
    crs: &SourceCrs,
    kind: GeometryKind,
) -> Result<(Geometry<f64>, Vec<Repair>), String> {
    check_finite(&geo)?;
    reproject(&mut geo, crs)?;
    let (geo, mut repairs) = repair_and_validate(geo)?;
    if unclosed {
        repairs.insert(0, Repair::ClosedRing);
    }
    Ok((conform(geo, kind)?, repairs))
}
