//! Writing the export formats with GDAL: features (already cut and reprojected) as
//! GeoPackage, GeoJSON, FlatGeobuf, Shapefile or GML 3.2, heights as GeoTIFF. Blocking
//! FFI work: the job workers call it on their own threads.

use crate::error::{Error, Result};
use crate::offer::Format;
use fjord_core::{FieldType, GeometryKind, Schema, Value};
use gdal::spatial_ref::{AxisMappingStrategy, SpatialRef};
use gdal::vector::{Feature, FieldDefn, LayerAccess, LayerOptions, OGRFieldType, OGRwkbGeometryType, ToGdal};
use gdal::{Dataset, DriverManager};
use geo_types::{Geometry, MultiLineString, MultiPolygon};
use std::path::{Path, PathBuf};

/// The GDAL driver and file extension of a vector format.
fn driver(format: Format) -> Result<(&'static str, &'static str)> {
    Ok(match format {
        Format::GeoPackage => ("GPKG", "gpkg"),
        Format::GeoJson => ("GeoJSON", "geojson"),
        Format::FlatGeobuf => ("FlatGeobuf", "fgb"),
        Format::Shape => ("ESRI Shapefile", "shp"),
        Format::Gml => ("GML", "gml"),
        Format::GeoTiff => return Err(Error::BadRequest("GeoTIFF is for heights, not features".into())),
    })
}

/// The spatial reference of an EPSG code, x east (longitude first).
fn srs(epsg: u32) -> Result<SpatialRef> {
    let mut srs = SpatialRef::from_epsg(epsg)?;
    srs.set_axis_mapping_strategy(AxisMappingStrategy::TraditionalGisOrder);
    Ok(srs)
}

/// The layer's geometry type: cut polygons and lines become multi-geometries, so a
/// layer of them is declared multi.
fn layer_type(kind: GeometryKind) -> OGRwkbGeometryType::Type {
    match kind {
        GeometryKind::Point => OGRwkbGeometryType::wkbPoint,
        GeometryKind::MultiPoint => OGRwkbGeometryType::wkbMultiPoint,
        GeometryKind::LineString | GeometryKind::MultiLineString => OGRwkbGeometryType::wkbMultiLineString,
        GeometryKind::Polygon | GeometryKind::MultiPolygon => OGRwkbGeometryType::wkbMultiPolygon,
        GeometryKind::Mixed => OGRwkbGeometryType::wkbUnknown,
    }
}

/// A geometry made multi where its layer is.
fn promote(g: Geometry<f64>, kind: GeometryKind) -> Geometry<f64> {
    match (g, kind) {
        (Geometry::Polygon(p), GeometryKind::Polygon | GeometryKind::MultiPolygon) => {
            Geometry::MultiPolygon(MultiPolygon(vec![p]))
        }
        (Geometry::LineString(l), GeometryKind::LineString | GeometryKind::MultiLineString) => {
            Geometry::MultiLineString(MultiLineString(vec![l]))
        }
        (g, _) => g,
    }
}

/// Write `features` (in EPSG `epsg`) as layer `name` of `schema` into `dir/name.<ext>`
/// in `format`; returns every file written (a Shapefile's parts, GML's schema).
pub fn features(
    dir: &Path,
    name: &str,
    schema: &Schema,
    epsg: u32,
    format: Format,
    features: impl Iterator<Item = Result<(Geometry<f64>, Vec<Value>)>>,
) -> Result<Vec<PathBuf>> {
    let (driver_name, ext) = driver(format)?;
    let path = dir.join(format!("{name}.{ext}"));
    let driver = DriverManager::get_driver_by_name(driver_name)?;
    let mut options = gdal::raster::RasterCreationOptions::new();
    if format == Format::Gml {
        options.set_name_value("FORMAT", "GML3.2")?;
    }
    let mut ds = driver.create_with_band_type_with_options::<u8, _>(&path, 0, 0, 0, &options)?;
    // in one transaction where the format has them (GeoPackage)
    let untransacted = match ds.start_transaction() {
        Ok(mut tx) => {
            fill(&mut tx, name, schema, epsg, features)?;
            tx.commit()?;
            None
        }
        Err(_) => Some(features),
    };
    if let Some(features) = untransacted {
        fill(&mut ds, name, schema, epsg, features)?;
    }
    // closing flushes the files
    drop(ds);
    let mut written: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_stem().is_some_and(|s| s == name))
        .collect();
    written.sort();
    Ok(written)
}

fn fill(
    ds: &mut Dataset,
    name: &str,
    schema: &Schema,
    epsg: u32,
    features: impl Iterator<Item = Result<(Geometry<f64>, Vec<Value>)>>,
) -> Result<()> {
    let srs = srs(epsg)?;
    let layer =
        ds.create_layer(LayerOptions { name, srs: Some(&srs), ty: layer_type(schema.geometry), options: None })?;
    for f in &schema.fields {
        let ty = match f.ty {
            FieldType::Boolean => OGRFieldType::OFTInteger,
            FieldType::Integer => OGRFieldType::OFTInteger64,
            FieldType::Real => OGRFieldType::OFTReal,
            FieldType::String | FieldType::Date | FieldType::DateTime => OGRFieldType::OFTString,
        };
        FieldDefn::new(&f.name, ty)?.add_to_layer(&layer)?;
    }
    let defn = layer.defn();
    for item in features {
        let (geometry, values) = item?;
        let mut feature = Feature::new(defn)?;
        feature.set_geometry(promote(geometry, schema.geometry).to_gdal()?)?;
        for (i, v) in values.iter().enumerate() {
            match v {
                Value::Null => feature.set_field_null(i)?,
                Value::Bool(b) => feature.set_field_integer(i, i32::from(*b))?,
                Value::Int(n) => feature.set_field_integer64(i, *n)?,
                Value::Real(r) => feature.set_field_double(i, *r)?,
                Value::Text(t) => feature.set_field_string(i, t)?,
            }
        }
        feature.create(&layer)?;
    }
    Ok(())
}

/// Heights on a grid in the storage CRS, row by row from the top left (`NaN` for none),
/// written as `dir/name.tif`.
pub fn heights(dir: &Path, name: &str, grid: &fjord_ingest::export::HeightGrid) -> Result<PathBuf> {
    let bytes = fjord_ingest::export::encode_grid(grid, fjord_ingest::export::GridFormat::GeoTiff)
        .map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
    let path = dir.join(format!("{name}.tif"));
    std::fs::write(&path, bytes)?;
    Ok(path)
}
