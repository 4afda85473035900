//! GetCoverage: the window the request asks for, read from the store and written as
//! GeoTIFF or Esri ASCII grid ([`crate::coverages`]).

use super::request::GetCoverage;
use super::WcsError;
use crate::coverages::{render, reply, window, NativeGrid};
use crate::features::Api;
use crate::reply::Reply;

/// `REQUEST=GetCoverage`
pub fn get_coverage(api: &Api, g: &GetCoverage) -> Result<Reply, WcsError> {
    let (slug, version, _, area) = api.readable_in_area(&g.coverage, crate::features::Holding::Elevation)?;
    let layer = api.store.raster_at(&slug, version)?;
    let w = window(&NativeGrid::of(layer.header()), &g.area, g.output, &g.scale, api.max_map_size)?;
    Ok(reply(&g.coverage, render(&layer, &w, g.how, g.format, area.as_deref())?, g.format))
}
