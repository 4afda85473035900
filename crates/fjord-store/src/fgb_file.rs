//! Building a FlatGeobuf file from features: the store's own version files and the
//! FlatGeobuf output of the feature services.

use crate::error::{Error, Result};
use crate::fgb_layer::FID_COLUMN;
use crate::fgb_props::column_type;
use fjord_core::{Crs, GeometryKind, Schema, Value};
use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
use geo_types::Geometry;
use geozero::{ColumnValue, GeomProcessor, GeozeroGeometry, PropertyProcessor};
use std::io::Write;

/// Lets flatgeobuf read a borrowed geometry (geozero implements its trait on owned ones).
struct GeomRef<'a>(&'a Geometry<f64>);

impl GeozeroGeometry for GeomRef<'_> {
    fn process_geom<P: GeomProcessor>(&self, p: &mut P) -> geozero::error::Result<()> {
        self.0.process_geom(p)
    }
}

fn fgb_geometry_type(kind: GeometryKind) -> GeometryType {
    match kind {
        GeometryKind::Point => GeometryType::Point,
        GeometryKind::LineString => GeometryType::LineString,
        GeometryKind::Polygon => GeometryType::Polygon,
        GeometryKind::MultiPoint => GeometryType::MultiPoint,
        GeometryKind::MultiLineString => GeometryType::MultiLineString,
        GeometryKind::MultiPolygon => GeometryType::MultiPolygon,
        GeometryKind::Mixed => GeometryType::Unknown,
    }
}

/// A FlatGeobuf file being built. The flatgeobuf crate keeps the features in a temporary
/// file until [`FgbFile::write`], which puts the header (and the index) in front.
pub struct FgbFile {
    fgb: FgbWriter<'static>,
    /// the schema fields written, in order
    fields: Vec<(String, ColumnType)>,
    /// whether the hidden fid column comes first (the store's own files)
    with_fid: bool,
}

impl FgbFile {
    /// A file of `schema`'s fields at `fields` (indexes, in order), geometries in `crs`
    /// (x/y order whatever the CRS's axis order, as FlatGeobuf has it). `store` adds the
    /// packed R-tree and the hidden fid column the store's own files carry.
    pub fn new(name: &str, schema: &Schema, fields: &[usize], crs: Crs, store: bool) -> Result<FgbFile> {
        let options = FgbWriterOptions {
            write_index: store,
            detect_type: false,
            promote_to_multi: false,
            crs: FgbCrs { code: crs.epsg().unwrap_or(4326) as i32, ..Default::default() },
            ..Default::default()
        };
        let mut fgb = FgbWriter::create_with_options(name, fgb_geometry_type(schema.geometry), options)
            .map_err(|e| Error::Encode(e.to_string()))?;
        if store {
            fgb.add_column(FID_COLUMN, ColumnType::ULong, |_, c| c.nullable = false);
        }
        let mut columns = Vec::with_capacity(fields.len());
        for f in fields.iter().filter_map(|&i| schema.fields.get(i)) {
            fgb.add_column(&f.name, column_type(f.ty), |_, _| {});
            columns.push((f.name.clone(), column_type(f.ty)));
        }
        Ok(FgbFile { fgb, fields: columns, with_fid: store })
    }

    /// Add one feature; `values` are aligned with the fields given to [`FgbFile::new`].
    pub fn add(&mut self, fid: u64, geometry: &Geometry<f64>, values: &[Value]) -> Result<()> {
        let mut failed = None;
        let (fields, first) = (&self.fields, usize::from(self.with_fid));
        let with_fid = self.with_fid;
        self.fgb
            .add_feature_geom(GeomRef(geometry), |w| {
                let mut set = |i: usize, name: &str, v: &ColumnValue| {
                    if let Err(e) = w.property(i, name, v) {
                        failed = Some(e.to_string());
                    }
                };
                if with_fid {
                    set(0, FID_COLUMN, &ColumnValue::ULong(fid));
                }
                for (i, ((name, ty), v)) in fields.iter().zip(values).enumerate() {
                    let cv = match v {
                        Value::Null => continue,
                        Value::Bool(b) => ColumnValue::Bool(*b),
                        Value::Int(n) => ColumnValue::Long(*n),
                        Value::Real(r) => ColumnValue::Double(*r),
                        Value::Text(s) if *ty == ColumnType::DateTime => ColumnValue::DateTime(s),
                        Value::Text(s) => ColumnValue::String(s),
                    };
                    set(i + first, name, &cv);
                }
            })
            .map_err(|e| Error::Encode(e.to_string()))?;
        failed.map_or(Ok(()), |e| Err(Error::Encode(e)))
    }

    /// Write the whole file.
    pub fn write(self, out: &mut dyn Write) -> Result<()> {
        self.fgb.write(out).map_err(|e| Error::Encode(e.to_string()))
    }
}
