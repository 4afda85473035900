//! The polygons of a source file in the storage CRS: how a clip polygon comes from a
//! file a user sends (the download service's clipper files), through the same opening
//! (size and archive checks, driver, CRS) and geometry reading as an ingest.

use crate::error::{Error, Result};
use crate::geometry;
use crate::source::{self, SourceOptions};
use gdal::vector::LayerAccess;
use geo_types::{Geometry, MultiPolygon};

/// Every polygon of the source's layer, reprojected to the storage CRS; an error naming
/// the first feature that is not a polygon, or when there is none.
pub fn polygons(opts: &SourceOptions) -> Result<MultiPolygon<f64>> {
    let src = source::open(opts)?;
    let mut layer = src.dataset.layer(src.layer_index)?;
    let mut out = Vec::new();
    for (i, feature) in layer.features().enumerate() {
        let Some(g) = feature.geometry() else { continue };
        let (mut g, _) = geometry::read(g).map_err(|why| Error::Layer(format!("feature {}: {why}", i + 1)))?;
        geometry::reproject(&mut g, &src.crs).map_err(|why| Error::Layer(format!("feature {}: {why}", i + 1)))?;
        match g {
            Geometry::Polygon(p) => out.push(p),
            Geometry::MultiPolygon(m) => out.extend(m.0),
            _ => return Err(Error::Layer(format!("feature {} is not a polygon", i + 1))),
        }
    }
    if out.is_empty() {
        return Err(Error::Layer(format!("{}: no polygon in layer '{}'", opts.path.display(), src.layer_name)));
    }
    Ok(MultiPolygon(out))
}
