//! From GDAL's attribute fields and geometry types to fjord's schema.

use fjord_core::{Field, FieldType, GeometryKind, Value};
use gdal::vector::{FieldValue, OGRFieldType, OGRwkbGeometryType};

/// One source field kept in the schema: its index in the source and its type.
pub(crate) struct SourceField {
    pub index: usize,
    pub ty: FieldType,
}

/// The fjord type of an OGR field type; `None` for types fjord does not keep (binary).
fn field_type(t: OGRFieldType::Type) -> Option<FieldType> {
    Some(match t {
        OGRFieldType::OFTInteger | OGRFieldType::OFTInteger64 => FieldType::Integer,
        OGRFieldType::OFTReal => FieldType::Real,
        OGRFieldType::OFTDate => FieldType::Date,
        OGRFieldType::OFTDateTime => FieldType::DateTime,
        OGRFieldType::OFTBinary => return None,
        // strings, times and lists (kept as JSON text)
        _ => FieldType::String,
    })
}

/// The schema fields of a layer definition, with where each comes from.
pub(crate) fn schema_fields(defn: &gdal::vector::Defn) -> (Vec<Field>, Vec<SourceField>) {
    let mut fields = Vec::new();
    let mut sources = Vec::new();
    for (index, f) in defn.fields().enumerate() {
        if let Some(ty) = field_type(f.field_type()) {
            fields.push(Field { name: f.name(), ty });
            sources.push(SourceField { index, ty });
        }
    }
    (fields, sources)
}

/// The stored geometry kind for a layer's declared OGR type. A layer keeps its declared
/// kind, except that a Shapefile's "Polygon" or "LineString" becomes its multi kind: the
/// format cannot tell single from multi-part, so such a layer may hold either.
pub(crate) fn stored_kind(t: OGRwkbGeometryType::Type, driver: &str) -> GeometryKind {
    let multi = driver == "ESRI Shapefile";
    match gdal::vector::geometry_type_flatten(t) {
        OGRwkbGeometryType::wkbPoint => GeometryKind::Point,
        OGRwkbGeometryType::wkbMultiPoint => GeometryKind::MultiPoint,
        OGRwkbGeometryType::wkbLineString if !multi => GeometryKind::LineString,
        OGRwkbGeometryType::wkbLineString | OGRwkbGeometryType::wkbMultiLineString => GeometryKind::MultiLineString,
        OGRwkbGeometryType::wkbPolygon if !multi => GeometryKind::Polygon,
        OGRwkbGeometryType::wkbPolygon | OGRwkbGeometryType::wkbMultiPolygon => GeometryKind::MultiPolygon,
        _ => GeometryKind::Mixed,
    }
}

/// Read one feature's value for a kept field.
pub(crate) fn value(feature: &gdal::vector::Feature<'_>, f: &SourceField) -> Value {
    let v = match f.ty {
        // times and lists: their text form
        FieldType::String => match feature.field(f.index) {
            Ok(Some(FieldValue::StringValue(s))) => return Value::Text(s),
            Ok(Some(other)) => other,
            Ok(None) => return Value::Null,
            Err(_) => return feature.field_as_string(f.index).ok().flatten().map_or(Value::Null, Value::Text),
        },
        _ => match feature.field(f.index) {
            Ok(Some(v)) => v,
            _ => return Value::Null,
        },
    };
    match v {
        FieldValue::IntegerValue(i) => Value::Int(i.into()),
        FieldValue::Integer64Value(i) => Value::Int(i),
        FieldValue::RealValue(r) => Value::Real(r),
        FieldValue::StringValue(s) => Value::Text(s),
        FieldValue::DateValue(d) => Value::Text(d.to_string()),
        // chrono prints "2024-05-17 12:00:00 +02:00"; RFC 3339 wants a T and no space
        FieldValue::DateTimeValue(dt) => Value::Text(dt.to_string().replacen(' ', "T", 1).replacen(' ', "", 1)),
        FieldValue::IntegerListValue(l) => Value::Text(serde_json::to_string(&l).unwrap_or_default()),
        FieldValue::Integer64ListValue(l) => Value::Text(serde_json::to_string(&l).unwrap_or_default()),
        FieldValue::RealListValue(l) => Value::Text(serde_json::to_string(&l).unwrap_or_default()),
        FieldValue::StringListValue(l) => Value::Text(serde_json::to_string(&l).unwrap_or_default()),
    }
}
