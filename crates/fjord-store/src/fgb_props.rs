//! Encoding and decoding of FlatGeobuf feature properties.
//!
//! Decoding is written by hand: flatgeobuf's own property reader works only on its
//! `FgbFeature`, which owns copied buffers and cannot be built over a memory-mapped slice.
//! The layout is simple (per set property: a little-endian `u16` column index, then the
//! value: fixed-size numbers, or a `u32` length and bytes for text and binary types).

use fjord_core::{FieldType, Value};
use flatgeobuf::ColumnType;

/// The FlatGeobuf column type fjord writes for a schema field type.
pub(crate) fn column_type(t: FieldType) -> ColumnType {
    match t {
        FieldType::Boolean => ColumnType::Bool,
        FieldType::Integer => ColumnType::Long,
        FieldType::Real => ColumnType::Double,
        FieldType::String | FieldType::Date => ColumnType::String,
        FieldType::DateTime => ColumnType::DateTime,
    }
}

fn take<'a>(bytes: &'a [u8], at: &mut usize, n: usize) -> Result<&'a [u8], String> {
    let end = at.checked_add(n).filter(|e| *e <= bytes.len()).ok_or("property value runs past the feature")?;
    let s = &bytes[*at..end];
    *at = end;
    Ok(s)
}

fn fixed<const N: usize>(bytes: &[u8], at: &mut usize) -> Result<[u8; N], String> {
    let mut a = [0u8; N];
    a.copy_from_slice(take(bytes, at, N)?);
    Ok(a)
}

/// Walk the properties of one feature: `each(column, value)` for every set column whose
/// `wanted(column)` is true; other values are skipped without allocating.
pub(crate) fn decode(
    bytes: &[u8],
    types: &[ColumnType],
    wanted: impl Fn(usize) -> bool,
    mut each: impl FnMut(usize, Value),
) -> Result<(), String> {
    let mut at = 0;
    while at + 2 <= bytes.len() {
        let col = u16::from_le_bytes(fixed(bytes, &mut at)?) as usize;
        let ty = *types.get(col).ok_or_else(|| format!("property for unknown column {col}"))?;
        let want = wanted(col);
        let value = match ty {
            ColumnType::Byte => Value::Int(i8::from_le_bytes(fixed(bytes, &mut at)?).into()),
            ColumnType::UByte => Value::Int(u8::from_le_bytes(fixed(bytes, &mut at)?).into()),
            ColumnType::Bool => Value::Bool(fixed::<1>(bytes, &mut at)?[0] != 0),
            ColumnType::Short => Value::Int(i16::from_le_bytes(fixed(bytes, &mut at)?).into()),
            ColumnType::UShort => Value::Int(u16::from_le_bytes(fixed(bytes, &mut at)?).into()),
            ColumnType::Int => Value::Int(i32::from_le_bytes(fixed(bytes, &mut at)?).into()),
            ColumnType::UInt => Value::Int(u32::from_le_bytes(fixed(bytes, &mut at)?).into()),
            ColumnType::Long => Value::Int(i64::from_le_bytes(fixed(bytes, &mut at)?)),
            ColumnType::ULong => Value::Int(u64::from_le_bytes(fixed(bytes, &mut at)?) as i64),
            ColumnType::Float => Value::Real(f32::from_le_bytes(fixed(bytes, &mut at)?).into()),
            ColumnType::Double => Value::Real(f64::from_le_bytes(fixed(bytes, &mut at)?)),
            _ => {
                let len = u32::from_le_bytes(fixed(bytes, &mut at)?) as usize;
                let raw = take(bytes, &mut at, len)?;
                if !want || ty == ColumnType::Binary {
                    Value::Null
                } else {
                    Value::Text(String::from_utf8_lossy(raw).into_owned())
                }
            }
        };
        if want {
            each(col, value);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_rejects_truncation() {
        let mut b = Vec::new();
        b.extend(0u16.to_le_bytes());
        b.extend(42u64.to_le_bytes());
        b.extend(1u16.to_le_bytes());
        b.extend(3u32.to_le_bytes());
        b.extend(b"Ski");
        b.extend(2u16.to_le_bytes());
        b.extend(2.5f64.to_le_bytes());
        let types = [ColumnType::ULong, ColumnType::String, ColumnType::Double];
        let mut got = Vec::new();
        decode(&b, &types, |_| true, |c, v| got.push((c, v))).unwrap();
        assert_eq!(got, vec![(0, Value::Int(42)), (1, Value::Text("Ski".into())), (2, Value::Real(2.5))]);
        assert!(decode(&b[..b.len() - 3], &types, |_| true, |_, _| {}).is_err());
        assert!(decode(&b, &types[..1], |_| true, |_, _| {}).is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_decode_or_fail_without_panic(bytes in proptest::collection::vec(0u8..=255, 0..200)) {
            let types = [ColumnType::ULong, ColumnType::String, ColumnType::Double, ColumnType::Bool, ColumnType::Binary];
            let _ = decode(&bytes, &types, |_| true, |_, _| {});
        }
    }
}
