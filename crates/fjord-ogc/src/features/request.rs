//! Parsing and checking the query of `/collections/{id}/items`.

use crate::error::OgcError;
use crate::filter::{parse_cql2, Cql2Lang, Filter};
use fjord_core::time::span;
use fjord_core::{AxisOrder, BBox, Crs, FieldType, Schema, Value};
use fjord_store::Feature;

/// A checked items request. The bbox is already in x = east order.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemsRequest {
    /// only features intersecting this box, given in `bbox_crs`
    pub bbox: Option<BBox>,
    /// the CRS of `bbox`
    pub bbox_crs: Crs,
    /// the CRS of the answer
    pub crs: Crs,
    /// page size (already capped)
    pub limit: usize,
    /// features to skip
    pub offset: usize,
    /// `property=value` filters: schema field index and the value it must equal
    pub equals: Vec<(usize, Value)>,
    /// a CQL2 `filter` (Part 3)
    pub filter: Option<Filter>,
    /// `datetime` on the collection's time property
    pub datetime: Option<Filter>,
}

/// Parameters the items resource knows.
const KNOWN: [&str; 10] =
    ["bbox", "bbox-crs", "crs", "limit", "offset", "f", "filter", "filter-lang", "filter-crs", "datetime"];

/// The property `datetime` applies to: the first date-time field, else the first date
/// field; `None` when the collection has no time.
pub fn time_property(schema: &Schema) -> Option<usize> {
    let first = |t: FieldType| schema.fields.iter().position(|f| f.ty == t);
    first(FieldType::DateTime).or_else(|| first(FieldType::Date))
}

/// `datetime` (Part 1): an instant or date, or an interval `start/end` with `..` or
/// nothing for an open end, as the span of seconds it covers.
fn datetime_span(v: &str) -> Result<(i64, i64), OgcError> {
    let bad = |part: &str| {
        OgcError::invalid(format!(
            "datetime: '{part}' is not an RFC 3339 date-time or date; use an instant or an interval start/end with .. for an open end"
        ))
    };
    let end = |part: &str, at_start: bool| -> Result<i64, OgcError> {
        match part.trim() {
            "" | ".." => Ok(if at_start { i64::MIN } else { i64::MAX }),
            t => span(t).map(|(a, b)| if at_start { a } else { b }).ok_or_else(|| bad(t)),
        }
    };
    match v.split_once('/') {
        None => span(v).ok_or_else(|| bad(v)),
        Some((_, b)) if b.contains('/') => Err(bad(b)),
        Some((a, b)) => {
            let (start, stop) = (end(a, true)?, end(b, false)?);
            if start > stop {
                return Err(OgcError::invalid(format!("datetime: '{v}' ends before it starts")));
            }
            Ok((start, stop))
        }
    }
}

/// A CRS parameter (`crs`, `bbox-crs`, ...) that must be one of `crs`.
pub(crate) fn supported(name: &str, value: &str, crs: &[Crs]) -> Result<Crs, OgcError> {
    let c = Crs::parse(value).map_err(|e| OgcError::invalid(format!("{name}: {e}")))?;
    if crs.contains(&c) {
        Ok(c)
    } else {
        Err(OgcError::invalid(format!("{name}: {value} is not offered; use one of the collection's crs list")))
    }
}

/// A `bbox` parameter in `crs`, in that CRS's axis order (Part 2: lat/lon for
/// EPSG:4326), as x = east.
pub(crate) fn bbox_param(v: &str, crs: Crs) -> Result<BBox, OgcError> {
    if v.split(',').count() == 6 {
        return Err(OgcError::invalid("bbox: 3D boxes (6 numbers) are not supported"));
    }
    let b = BBox::parse(v).map_err(|e| OgcError::invalid(format!("bbox: {e}")))?;
    Ok(match crs.axis_order()? {
        AxisOrder::EastNorth => b,
        AxisOrder::NorthEast => BBox::new(b.miny, b.minx, b.maxy, b.maxx)?,
    })
}

impl ItemsRequest {
    /// Check a query. A parameter named after a queryable is an equality filter on it;
    /// any other unknown parameter is refused (Part 1, /req/core/query-param-unknown).
    pub fn parse(
        params: &[(String, String)],
        max_limit: usize,
        crs: &[Crs],
        schema: &Schema,
    ) -> Result<ItemsRequest, OgcError> {
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let mut equals = Vec::new();
        for (k, v) in params.iter().filter(|(k, _)| !KNOWN.contains(&k.as_str())) {
            let i = schema.index_of(k).ok_or_else(|| OgcError::invalid(format!("unknown query parameter '{k}'")))?;
            equals.push((i, typed(k, v, schema.fields[i].ty)?));
        }
        let number = |k: &str, default: usize| -> Result<usize, OgcError> {
            get(k).map_or(Ok(default), |v| {
                v.trim()
                    .parse()
                    .map_err(|_| OgcError::invalid(format!("{k} must be a non-negative integer, got '{v}'")))
            })
        };
        let limit = number("limit", 10)?;
        if limit == 0 {
            return Err(OgcError::invalid("limit must be at least 1"));
        }
        let offset = number("offset", 0)?;
        let bbox_crs = get("bbox-crs").map_or(Ok(Crs::Crs84), |v| supported("bbox-crs", v, crs))?;
        let out = get("crs").map_or(Ok(Crs::Crs84), |v| supported("crs", v, crs))?;
        let bbox = get("bbox").map(|v| bbox_param(v, bbox_crs)).transpose()?;
        let filter = match get("filter") {
            None => None,
            Some(text) => {
                let lang = match get("filter-lang").unwrap_or("cql2-text") {
                    "cql2-text" => Cql2Lang::Text,
                    "cql2-json" => Cql2Lang::Json,
                    other => {
                        return Err(OgcError::invalid(format!("filter-lang '{other}': use cql2-text or cql2-json")))
                    }
                };
                let filter_crs = get("filter-crs").map_or(Ok(Crs::Crs84), |v| supported("filter-crs", v, crs))?;
                Some(
                    parse_cql2(text, lang, schema, filter_crs)
                        .map_err(|e| OgcError::invalid(format!("filter: {e}")))?,
                )
            }
        };
        // a collection without time has no feature outside any datetime: the parameter is
        // checked and otherwise ignored, as pygeoapi and GeoServer do
        let datetime = match get("datetime").map(datetime_span).transpose()? {
            Some((start, end)) => time_property(schema).map(|prop| Filter::During { prop, start, end }),
            None => None,
        };
        Ok(ItemsRequest { bbox, bbox_crs, crs: out, limit: limit.min(max_limit), offset, equals, filter, datetime })
    }

    /// Whether the request filters on attributes (beyond the bbox).
    pub fn filters(&self) -> bool {
        !self.equals.is_empty() || self.filter.is_some() || self.datetime.is_some()
    }

    /// Whether a feature (all fields, schema order) passes the `property=value` filters,
    /// the CQL2 filter and `datetime`.
    pub fn keeps(&self, f: &Feature) -> bool {
        self.equals.iter().all(|(i, want)| f.values.get(*i) == Some(want))
            && self.filter.as_ref().is_none_or(|x| x.eval(f))
            && self.datetime.as_ref().is_none_or(|x| x.eval(f))
    }
}

/// A filter value read as its field's type.
fn typed(name: &str, v: &str, ty: FieldType) -> Result<Value, OgcError> {
    let bad = || OgcError::invalid(format!("{name}: '{v}' is not a valid {ty:?} value"));
    Ok(match ty {
        FieldType::Integer => Value::Int(v.trim().parse().map_err(|_| bad())?),
        FieldType::Real => Value::Real(v.trim().parse().map_err(|_| bad())?),
        FieldType::Boolean => Value::Bool(v.trim().parse().map_err(|_| bad())?),
        FieldType::String | FieldType::Date | FieldType::DateTime => Value::Text(v.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    use crate::filter::summits as schema;

    const CRS: [Crs; 3] = [Crs::Crs84, Crs::Epsg(4326), Crs::Epsg(25833)];

    #[test]
    fn defaults_caps_and_axis_order() {
        let r = ItemsRequest::parse(&[], 1000, &CRS, &schema()).unwrap();
        assert_eq!((r.limit, r.offset, r.crs, r.bbox), (10, 0, Crs::Crs84, None));
        assert_eq!(ItemsRequest::parse(&p(&[("limit", "5000")]), 1000, &CRS, &schema()).unwrap().limit, 1000);
        let r = ItemsRequest::parse(
            &p(&[("bbox", "59.5,10.0,60.3,11.5"), ("bbox-crs", "http://www.opengis.net/def/crs/EPSG/0/4326")]),
            1000,
            &CRS,
            &schema(),
        )
        .unwrap();
        assert_eq!(r.bbox.unwrap().to_array(), [10.0, 59.5, 11.5, 60.3]);
        let r =
            ItemsRequest::parse(&p(&[("hoyde_m", "2469"), ("navn", "Galdhøpiggen")]), 1000, &CRS, &schema()).unwrap();
        let feature = |name: &str| Feature {
            id: 1,
            geometry: geo_types::Geometry::Point(geo_types::point!(x: 0.0, y: 0.0)),
            values: vec![Value::Text(name.into()), Value::Int(2469)],
        };
        assert!(r.keeps(&feature("Galdhøpiggen")));
        assert!(!r.keeps(&feature("Glittertind")));
        let r =
            ItemsRequest::parse(&p(&[("filter", "hoyde_m > 2400 AND navn LIKE 'G%'")]), 1000, &CRS, &schema()).unwrap();
        assert!(r.keeps(&feature("Galdhøpiggen")) && r.filters());
    }

    #[test]
    fn datetime_meets_the_time_property() {
        use fjord_core::{Field, GeometryKind};
        let dated = Schema {
            geometry: GeometryKind::Point,
            fields: vec![Field::new("navn", FieldType::String), Field::new("malt", FieldType::Date)],
        };
        let feature = |date: &str| Feature {
            id: 1,
            geometry: geo_types::Geometry::Point(geo_types::point!(x: 0.0, y: 0.0)),
            values: vec![Value::Text("x".into()), Value::Text(date.into())],
        };
        let keeps = |dt: &str, date: &str| {
            ItemsRequest::parse(&p(&[("datetime", dt)]), 10, &CRS, &dated).unwrap().keeps(&feature(date))
        };
        assert!(keeps("2024-05-17T12:00:00Z", "2024-05-17"), "an instant inside the day");
        assert!(!keeps("2024-05-18T00:00:00Z", "2024-05-17"));
        assert!(keeps("2024-01-01/2024-12-31", "2024-05-17"));
        assert!(keeps("../2024-05-17T00:00:00Z", "2024-05-17") && keeps("2024-05-17/..", "2024-05-17"));
        assert!(!keeps("2025-01-01T00:00:00Z/..", "2024-05-17"));
        // without a time property the parameter is checked and ignored
        let r = ItemsRequest::parse(&p(&[("datetime", "2024-01-01/..")]), 10, &CRS, &schema());
        assert!(r.is_ok_and(|r| r.datetime.is_none()));
    }

    #[test]
    fn bad_parameters_are_400() {
        for bad in [
            vec![("limit", "-1")],
            vec![("limit", "0")],
            vec![("offset", "x")],
            vec![("bbox", "1,2,3")],
            vec![("bbox", "1,2,3,4,5,6")],
            vec![("crs", "EPSG:3035")],
            vec![("bbox-crs", "nonsense")],
            vec![("colour", "red")],
            vec![("hoyde_m", "high")],
            vec![("filter", "colour = 'red'")],
            vec![("filter", "hoyde_m >")],
            vec![("filter", "hoyde_m > 1"), ("filter-lang", "ecql")],
            vec![("datetime", "last week")],
            vec![("datetime", "2024-01-01/2023-01-01")],
            vec![("datetime", "2024-01-01/../..")],
        ] {
            let e = ItemsRequest::parse(&p(&bad), 1000, &CRS, &schema()).unwrap_err();
            assert_eq!(e.status, 400, "{bad:?}");
        }
    }
}
