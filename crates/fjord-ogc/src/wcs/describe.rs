//! DescribeCoverage: each coverage as a RectifiedGridCoverage in EPSG:25833, its grid at
//! the finest level (limits, the centre of the top-left cell, the cell vectors) and its
//! one field, heights in metres with their NoData value.

use super::capabilities::FORMATS;
use super::WcsError;
use crate::coverages::NativeGrid;
use crate::features::Api;
use crate::reply::Reply;
use fjord_core::STORAGE_CRS;
use fjord_ingest::export::NODATA;
use quick_xml::escape::escape;
use std::fmt::Write;

/// `REQUEST=DescribeCoverage&COVERAGEID=a,b`
pub fn describe_coverage(api: &Api, ids: &[String]) -> Result<Reply, WcsError> {
    let mut x = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wcs:CoverageDescriptions \
         xmlns:wcs=\"http://www.opengis.net/wcs/2.0\" xmlns:gml=\"http://www.opengis.net/gml/3.2\" \
         xmlns:gmlcov=\"http://www.opengis.net/gmlcov/1.0\" xmlns:swe=\"http://www.opengis.net/swe/2.0\" \
         xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://www.opengis.net/wcs/2.0 http://schemas.opengis.net/wcs/2.0/wcsAll.xsd\">",
    );
    for id in ids {
        let (slug, version, _) = api.described(id, crate::features::Holding::Elevation)?;
        let layer = api.store.raster_at(&slug, version)?;
        let h = layer.header();
        let g = NativeGrid::of(h);
        let (e, c, srs, id) = (&g.extent, g.cell, STORAGE_CRS.uri(), escape(id.as_str()));
        let (ox, oy) = g.origin();
        let _ = write!(
            x,
            "<wcs:CoverageDescription gml:id=\"{id}\"><gml:boundedBy><gml:Envelope srsName=\"{srs}\" axisLabels=\"E N\" \
             uomLabels=\"m m\" srsDimension=\"2\"><gml:lowerCorner>{} {}</gml:lowerCorner><gml:upperCorner>{} {}</gml:upperCorner>\
             </gml:Envelope></gml:boundedBy><wcs:CoverageId>{id}</wcs:CoverageId>\
             <gml:domainSet><gml:RectifiedGrid gml:id=\"grid-{id}\" dimension=\"2\"><gml:limits><gml:GridEnvelope>\
             <gml:low>0 0</gml:low><gml:high>{} {}</gml:high></gml:GridEnvelope></gml:limits><gml:axisLabels>E N</gml:axisLabels>\
             <gml:origin><gml:Point gml:id=\"origin-{id}\" srsName=\"{srs}\"><gml:pos>{ox} {oy}</gml:pos></gml:Point></gml:origin>\
             <gml:offsetVector srsName=\"{srs}\">{c} 0</gml:offsetVector><gml:offsetVector srsName=\"{srs}\">0 {}</gml:offsetVector>\
             </gml:RectifiedGrid></gml:domainSet>",
            e.minx,
            e.miny,
            e.maxx,
            e.maxy,
            g.width.saturating_sub(1),
            g.height.saturating_sub(1),
            -c
        );
        let _ = write!(
            x,
            "<gmlcov:rangeType><swe:DataRecord><swe:field name=\"height\"><swe:Quantity \
             definition=\"http://www.opengis.net/def/property/OGC/0/Elevation\"><swe:description>height above {} in metres\
             </swe:description><swe:nilValues><swe:NilValues><swe:nilValue reason=\"http://www.opengis.net/def/nil/OGC/0/missing\">\
             {NODATA}</swe:nilValue></swe:NilValues></swe:nilValues><swe:uom code=\"m\"/><swe:constraint><swe:AllowedValues>\
             <swe:interval>{} {}</swe:interval></swe:AllowedValues></swe:constraint></swe:Quantity></swe:field></swe:DataRecord>\
             </gmlcov:rangeType><wcs:ServiceParameters><wcs:CoverageSubtype>RectifiedGridCoverage</wcs:CoverageSubtype>\
             <wcs:nativeFormat>{}</wcs:nativeFormat></wcs:ServiceParameters></wcs:CoverageDescription>",
            escape(&h.vertical_datum),
            h.stats.min,
            h.stats.max,
            FORMATS[0]
        );
    }
    x.push_str("</wcs:CoverageDescriptions>");
    Ok(Reply::new("application/xml", x))
}
