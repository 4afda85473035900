//! DescribeFeatureType and GetFeature.

use super::gml::{geometry_name, ncname, xml_value, FeatureWriter, GML_311, GML_32};
use super::request::{GetFeature, Kvp, OutputFormat, Version};
use super::{WfsError, NAMESPACE};
use crate::features::encode::write_feature;
use crate::features::Api;
use crate::filter::parse_fes;
use crate::reply::Reply;
use crate::stream::Selected;
use fjord_core::url::encode_component;
use fjord_core::{transform, FieldType, GeometryKind, Schema, Value, STORAGE_CRS};
use fjord_store::{Feature, FeatureSource, FgbLayer, Keep, Query, Selection};
use geo_types::Geometry;
use quick_xml::escape::escape;
use std::cmp::Ordering;
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Arc;

fn xsd_type(t: FieldType) -> &'static str {
    match t {
        FieldType::Boolean => "xsd:boolean",
        FieldType::Integer => "xsd:long",
        FieldType::Real => "xsd:double",
        FieldType::String => "xsd:string",
        FieldType::Date => "xsd:date",
        FieldType::DateTime => "xsd:dateTime",
    }
}

fn gml_property_type(k: GeometryKind) -> &'static str {
    match k {
        GeometryKind::Point => "gml:PointPropertyType",
        GeometryKind::LineString => "gml:CurvePropertyType",
        GeometryKind::Polygon => "gml:SurfacePropertyType",
        GeometryKind::MultiPoint => "gml:MultiPointPropertyType",
        GeometryKind::MultiLineString => "gml:MultiCurvePropertyType",
        GeometryKind::MultiPolygon => "gml:MultiSurfacePropertyType",
        GeometryKind::Mixed => "gml:GeometryPropertyType",
    }
}

/// `REQUEST=DescribeFeatureType`: an XML Schema for the types named (all when none).
pub fn describe_feature_type(api: &Api, kvp: &Kvp) -> Result<Reply, WfsError> {
    let mut names = kvp.type_names();
    if names.is_empty() {
        names = api.open_records()?.into_iter().filter_map(|r| r.dataset).collect();
    }
    let old = kvp.request_version() == Version::V1_1_0 || kvp.get("OUTPUTFORMAT").is_some_and(|f| f.contains("3.1"));
    let (gml, version) = if old { (GML_311, Version::V1_1_0) } else { (GML_32, Version::V2_0_0) };
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xsd:schema xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" \
         xmlns:gml=\"{ns}\" xmlns:fjord=\"{NAMESPACE}\" targetNamespace=\"{NAMESPACE}\" \
         elementFormDefault=\"qualified\" version=\"{v}\">\
         <xsd:import namespace=\"{ns}\" schemaLocation=\"{loc}\"/>",
        ns = gml.namespace,
        v = version.as_str(),
        loc = gml.schema_location,
    );
    for name in names {
        let (_, layer) = api.open_described(&name)?;
        let schema = layer.schema();
        let _ = write!(
            x,
            "<xsd:complexType name=\"{name}Type\"><xsd:complexContent><xsd:extension base=\"gml:AbstractFeatureType\"><xsd:sequence>\
             <xsd:element name=\"{}\" type=\"{}\" minOccurs=\"0\" maxOccurs=\"1\"/>",
            geometry_name(schema),
            gml_property_type(schema.geometry)
        );
        for f in &schema.fields {
            let _ = write!(
                x,
                "<xsd:element name=\"{}\" type=\"{}\" minOccurs=\"0\" maxOccurs=\"1\" nillable=\"true\"/>",
                escape(ncname(&f.name)),
                xsd_type(f.ty)
            );
        }
        let _ = write!(
            x,
            "</xsd:sequence></xsd:extension></xsd:complexContent></xsd:complexType>\
             <xsd:element name=\"{name}\" type=\"fjord:{name}Type\" substitutionGroup=\"{}\"/>",
            gml.feature_group
        );
    }
    x.push_str("</xsd:schema>");
    Ok(Reply::new(gml.content_type, x))
}

/// The schema fields PROPERTYNAME asks for (all when absent), and whether the geometry
/// is among them.
fn selected(schema: &Schema, q: &GetFeature) -> Result<(Vec<usize>, bool), WfsError> {
    let Some(names) = &q.properties else { return Ok(((0..schema.fields.len()).collect(), true)) };
    let geom = geometry_name(schema);
    let mut fields = Vec::new();
    for n in names.iter().filter(|n| n.as_str() != geom) {
        fields.push(field(schema, "PROPERTYNAME", n)?);
    }
    Ok((fields, names.iter().any(|n| n == geom)))
}

/// The schema index of a property named in a request (by its element name or its own).
fn field(schema: &Schema, param: &str, name: &str) -> Result<usize, WfsError> {
    schema
        .fields
        .iter()
        .position(|f| ncname(&f.name) == name || f.name == name)
        .ok_or_else(|| WfsError::invalid(param, format!("no property '{name}'")))
}

const WFS_NS: &str = "xmlns:wfs=\"http://www.opengis.net/wfs/2.0\" xmlns:gml=\"http://www.opengis.net/gml/3.2\"";

/// The features a GetFeature (or GetPropertyValue) selects: its BBOX or FILTER, sorted
/// by SORTBY, paged.
fn select(layer: &FgbLayer, q: &GetFeature, limit: usize, area: Option<Geometry<f64>>) -> Result<Selection, WfsError> {
    let schema = layer.schema();
    let mut bbox = q
        .bbox
        .map(|(b, crs)| transform::transform_bbox(crs, STORAGE_CRS, &b))
        .transpose()
        .map_err(|e| WfsError::invalid("BBOX", e.to_string()))?;
    let filter = match &q.filter {
        None => None,
        Some(xml) => {
            let names = [geometry_name(schema), "geometry"];
            let f = parse_fes(xml, schema, &names, &q.type_name).map_err(|e| WfsError {
                status: 400,
                code: "OperationParsingFailed",
                locator: "FILTER".into(),
                text: e,
            })?;
            bbox = f.bbox_hint();
            Some(f)
        }
    };
    // a caller limited to an area sees only what lies in it
    let filter = crate::filter::within_area(filter, area);
    if let Some(hint) = filter.as_ref().and_then(|f| f.bbox_hint()) {
        bbox = Some(bbox.map_or(hint, |b| b.intersection(&hint).unwrap_or(b)));
    }
    let keep = |feature: &Feature| filter.as_ref().is_none_or(|f| f.eval(feature));
    let keep = filter.as_ref().map(|_| &keep as Keep);
    if q.sort.is_empty() {
        let query = Query { bbox, properties: None, limit: Some(limit), offset: q.start };
        return Ok(layer.select(&query, keep)?);
    }
    let keys: Vec<(usize, bool)> = q
        .sort
        .iter()
        .map(|(name, desc)| field(schema, "SORTBY", name).map(|i| (i, *desc)))
        .collect::<Result<_, _>>()?;
    sorted(layer, &Query { bbox, ..Query::default() }, keep, &keys, q.start, limit)
}

/// Values in sort order: numbers by value, text by code point, nulls last.
fn order(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Greater,
        (_, Value::Null) => Ordering::Less,
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Text(x), Value::Text(y)) => x.cmp(y),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (x, y) => {
            let n = |v: &Value| match v {
                Value::Int(i) => *i as f64,
                Value::Real(r) => *r,
                _ => f64::NAN,
            };
            n(x).total_cmp(&n(y))
        }
    }
}

/// SORTBY: every match's sort keys are read and sorted (stably, so ties keep file
/// order), then the page is cut.
fn sorted(
    layer: &FgbLayer,
    all: &Query,
    keep: Option<Keep>,
    keys: &[(usize, bool)],
    start: usize,
    limit: usize,
) -> Result<Selection, WfsError> {
    let sel = layer.select(all, keep)?;
    let fields: Vec<usize> = keys.iter().map(|k| k.0).collect();
    let mut rows = Vec::with_capacity(sel.positions.len());
    for &pos in &sel.positions {
        rows.push((pos, layer.fetch(pos, Some(&fields))?.values));
    }
    rows.sort_by(|(_, a), (_, b)| {
        keys.iter()
            .zip(a.iter().zip(b))
            .map(|(&(_, desc), (x, y))| if desc { order(x, y).reverse() } else { order(x, y) })
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    });
    let positions = rows.into_iter().skip(start).take(limit).map(|(pos, _)| pos).collect();
    Ok(Selection { positions, number_matched: sel.number_matched })
}

/// The `next` attribute of a page that has more after it (empty when it has not).
fn next_attribute(base: &str, q: &GetFeature) -> String {
    let url = format!(
        "{base}?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:{}&SRSNAME={}&COUNT={}&STARTINDEX={}{}{}",
        q.type_name,
        q.srs.name,
        q.count,
        q.start + q.count,
        q.bbox.map(|_| format!("&BBOX={}", bbox_param(q))).unwrap_or_default(),
        q.properties.as_ref().map(|p| format!("&PROPERTYNAME={}", p.join(","))).unwrap_or_default(),
    ) + &sort_param(q)
        + &q.filter.as_ref().map(|f| format!("&FILTER={}", encode_component(f))).unwrap_or_default();
    format!(" next=\"{}\"", escape(url))
}

fn internal(e: std::io::Error) -> WfsError {
    WfsError::internal(e)
}

/// `REQUEST=GetFeature`: the page is selected now and written as it is sent.
pub fn get_feature(api: &Api, base: &str, q: &GetFeature) -> Result<Reply, WfsError> {
    if !api.crs.contains(&q.srs.crs) {
        return Err(WfsError::invalid(
            "SRSNAME",
            format!("{} is not offered; see OtherCRS in the capabilities", q.srs.name),
        ));
    }
    let (record, layer, area) = api.open_in_area(&q.type_name)?;
    let schema = layer.schema();
    let (fields, geometry) = selected(schema, q)?;
    let etag = record.version.map(|v| format!("\"{}-{v}\"", q.type_name));
    let gml = FeatureWriter::new(&q.type_name, schema, &fields, geometry, (q.srs.crs, q.srs.order), &q.srs.name);
    if let Some(fid) = q.by_id {
        // GetFeatureById answers the feature itself, not a collection
        let id = format!("{}.{fid}", q.type_name);
        let f = layer.item(fid, Some(&fields))?.ok_or_else(|| WfsError::not_found(&id))?;
        if let Some(a) = &area {
            let position = layer.position(fid).ok_or_else(|| WfsError::not_found(&id))?;
            if !geo::Intersects::intersects(&layer.geometry_at(position)?, &a.geometry) {
                return Err(WfsError::not_found(&id));
            }
        }
        let mut reply = match q.format {
            OutputFormat::Json => {
                let mut out = Vec::with_capacity(1024);
                write_feature(&mut out, &f, schema, &fields, q.srs.crs, q.srs.order).map_err(WfsError::from)?;
                Reply::new("application/geo+json", out)
            }
            OutputFormat::Gml32 | OutputFormat::Gml31 => {
                let v = if q.format == OutputFormat::Gml31 { GML_311 } else { GML_32 };
                let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
                let ns = format!(" xmlns:fjord=\"{NAMESPACE}\" xmlns:gml=\"{}\"", v.namespace);
                gml.write(&mut x, &f, &ns)?;
                Reply::new(v.content_type, x)
            }
        };
        reply.etag = etag;
        return Ok(reply);
    }
    let sel = select(&layer, q, if q.hits { 0 } else { q.count }, area.map(|a| a.geometry.clone()))?;
    let (matched, returned) = (sel.number_matched, sel.positions.len());
    let more = !q.hits && q.start + returned < matched as usize;
    let features = Selected::new(Arc::clone(&layer), sel, Some(fields.clone()));
    let (content_type, body) = match q.format {
        OutputFormat::Json => {
            let head = format!(
                "{{\"type\":\"FeatureCollection\",\"numberMatched\":{matched},\"numberReturned\":{returned},\"features\":["
            );
            let (schema, crs, order) = (schema.clone(), q.srs.crs, q.srs.order);
            let body = features.text(head.into_bytes(), b",", b"]}".to_vec(), move |out, f| {
                write_feature(out, f, &schema, &fields, crs, order)
            });
            ("application/json", body.map_err(internal)?)
        }
        OutputFormat::Gml32 => {
            let name = &q.type_name;
            let next = if more { next_attribute(base, q) } else { String::new() };
            let head = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wfs:FeatureCollection {WFS_NS} xmlns:fjord=\"{NAMESPACE}\" \
                 xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
                 xsi:schemaLocation=\"http://www.opengis.net/wfs/2.0 http://schemas.opengis.net/wfs/2.0/wfs.xsd {NAMESPACE} {}\" \
                 numberMatched=\"{matched}\" numberReturned=\"{returned}\" timeStamp=\"{}\"{next}>",
                escape(format!("{base}?SERVICE=WFS&VERSION=2.0.0&REQUEST=DescribeFeatureType&TYPENAMES=fjord:{name}")),
                fjord_core::now_rfc3339()
            );
            let body = gml.document(features, head, "wfs:member", "</wfs:FeatureCollection>");
            (GML_32.content_type, body.map_err(internal)?)
        }
        OutputFormat::Gml31 => {
            // WFS 1.1.0: numberOfFeatures is the number in this answer (all of them for hits)
            let head = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wfs:FeatureCollection xmlns:wfs=\"http://www.opengis.net/wfs\" \
                 xmlns:gml=\"http://www.opengis.net/gml\" xmlns:fjord=\"{NAMESPACE}\" \
                 xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
                 xsi:schemaLocation=\"http://www.opengis.net/wfs http://schemas.opengis.net/wfs/1.1.0/wfs.xsd {NAMESPACE} {}\" \
                 numberOfFeatures=\"{}\" timeStamp=\"{}\">",
                escape(format!("{base}?SERVICE=WFS&VERSION=1.1.0&REQUEST=DescribeFeatureType&TYPENAME=fjord:{}", q.type_name)),
                if q.hits { matched } else { returned as u64 },
                fjord_core::now_rfc3339()
            );
            let body = gml.document(features, head, "gml:featureMember", "</wfs:FeatureCollection>");
            (GML_311.content_type, body.map_err(internal)?)
        }
    };
    Ok(Reply { content_type, headers: Vec::new(), etag, body })
}

/// `REQUEST=GetPropertyValue&VALUEREFERENCE=prop`: the values of one property of the
/// features a GetFeature would return, as a wfs:ValueCollection.
pub fn get_property_value(api: &Api, q: &GetFeature, reference: &str) -> Result<Reply, WfsError> {
    let (_, layer, area) = api.open_in_area(&q.type_name)?;
    let i = field(layer.schema(), "VALUEREFERENCE", reference)?;
    let sel = select(&layer, q, q.count, area.map(|a| a.geometry.clone()))?;
    let head = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wfs:ValueCollection {WFS_NS} xmlns:fjord=\"{NAMESPACE}\" numberMatched=\"{}\" numberReturned=\"{}\" timeStamp=\"{}\">",
        sel.number_matched,
        sel.positions.len(),
        fjord_core::now_rfc3339()
    );
    let features = Selected::new(Arc::clone(&layer), sel, Some(vec![i]));
    let body = features.text(head.into_bytes(), b"", b"</wfs:ValueCollection>".to_vec(), |out, f| {
        let value = f.values.first().and_then(xml_value).unwrap_or_default();
        write!(out, "<wfs:member>{value}</wfs:member>")
    });
    Ok(Reply { content_type: "application/xml", headers: Vec::new(), etag: None, body: body.map_err(internal)? })
}

/// The SORTBY of a request as a KVP parameter again (empty without one).
fn sort_param(q: &GetFeature) -> String {
    if q.sort.is_empty() {
        return String::new();
    }
    let keys: Vec<String> = q.sort.iter().map(|(n, d)| format!("{n} {}", if *d { "DESC" } else { "ASC" })).collect();
    format!("&SORTBY={}", encode_component(&keys.join(",")))
}

/// The BBOX of a request as a KVP value again (storage order, with its CRS URN).
fn bbox_param(q: &GetFeature) -> String {
    q.bbox.map_or(String::new(), |(b, crs)| {
        let (x0, y0, x1, y1) = (b.minx, b.miny, b.maxx, b.maxy);
        format!("{x0},{y0},{x1},{y1},EPSG:{}", crs.epsg().unwrap_or(4326))
    })
}
