//! DescribeFeatureType and GetFeature.

use super::gml::{self, ncname};
use super::request::{GetFeature, Kvp, OutputFormat};
use super::{WfsError, NAMESPACE};
use crate::features::encode::{wire_geometry, write_feature};
use crate::features::Api;
use crate::filter::parse_fes;
use crate::reply::Reply;
use fjord_core::url::encode_component;
use fjord_core::{transform, FieldType, GeometryKind, Schema, Value, STORAGE_CRS};
use fjord_store::{Feature, FeatureSource, FgbLayer, Query};
use quick_xml::escape::escape;
use std::cmp::Ordering;
use std::fmt::Write;

/// The name of the geometry property (moved aside if an attribute already has it).
fn geometry_name(schema: &Schema) -> &'static str {
    if schema.index_of("geometry").is_some() {
        "fjord_geometry"
    } else {
        "geometry"
    }
}

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
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xsd:schema xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" \
         xmlns:gml=\"http://www.opengis.net/gml/3.2\" xmlns:fjord=\"{NAMESPACE}\" targetNamespace=\"{NAMESPACE}\" \
         elementFormDefault=\"qualified\" version=\"2.0.0\">\
         <xsd:import namespace=\"http://www.opengis.net/gml/3.2\" schemaLocation=\"http://schemas.opengis.net/gml/3.2.1/gml.xsd\"/>"
    );
    for name in names {
        let (_, layer) = api.open(&name)?;
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
             <xsd:element name=\"{name}\" type=\"fjord:{name}Type\" substitutionGroup=\"gml:AbstractFeature\"/>"
        );
    }
    x.push_str("</xsd:schema>");
    Ok(Reply {
        content_type: "application/gml+xml; version=3.2",
        headers: Vec::new(),
        etag: None,
        body: x.into_bytes(),
    })
}

fn xml_value(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Text(s) => Some(escape(s).into_owned()),
        other => Some(other.to_json().to_string()),
    }
}

/// The schema fields PROPERTYNAME asks for (all when absent), and whether the geometry
/// is among them.
fn selected(schema: &Schema, q: &GetFeature) -> Result<(Vec<usize>, bool), WfsError> {
    let Some(names) = &q.properties else { return Ok(((0..schema.fields.len()).collect(), true)) };
    let geom = geometry_name(schema);
    let mut fields = Vec::new();
    for n in names.iter().filter(|n| n.as_str() != geom) {
        let i = schema
            .fields
            .iter()
            .position(|f| ncname(&f.name) == *n || f.name == *n)
            .ok_or_else(|| WfsError::invalid("PROPERTYNAME", format!("no property '{n}'")))?;
        fields.push(i);
    }
    Ok((fields, names.iter().any(|n| n == geom)))
}

/// One feature as its GML element (`fjord:<type>` with gml:id `<type>.<fid>`).
fn gml_feature(
    x: &mut String,
    f: &Feature,
    schema: &Schema,
    sel: &(Vec<usize>, bool),
    q: &GetFeature,
    ns: &str,
) -> Result<(), WfsError> {
    let name = &q.type_name;
    let _ = write!(x, "<fjord:{name}{ns} gml:id=\"{name}.{}\">", f.id);
    if sel.1 {
        let geom = geometry_name(schema);
        let g = wire_geometry(f, q.srs.crs, q.srs.order).map_err(WfsError::from)?;
        let _ = write!(x, "<fjord:{geom}>");
        gml::geometry(x, &g, &format!("{name}.{}.geom", f.id), &escape(&q.srs.name));
        let _ = write!(x, "</fjord:{geom}>");
    }
    for &i in &sel.0 {
        if let Some(text) = f.values.get(i).and_then(xml_value) {
            let tag = ncname(&schema.fields[i].name);
            let _ = write!(x, "<fjord:{tag}>{text}</fjord:{tag}>");
        }
    }
    let _ = write!(x, "</fjord:{name}>");
    Ok(())
}

const WFS_NS: &str = "xmlns:wfs=\"http://www.opengis.net/wfs/2.0\" xmlns:gml=\"http://www.opengis.net/gml/3.2\"";

/// The features a GetFeature (or GetPropertyValue) selects: its BBOX or FILTER, paged.
fn select(
    layer: &FgbLayer,
    schema: &Schema,
    q: &GetFeature,
    properties: Option<Vec<usize>>,
    limit: usize,
) -> Result<fjord_store::Page, WfsError> {
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
    if !q.sort.is_empty() {
        return sorted(layer, schema, q, bbox, filter.as_ref(), properties, limit);
    }
    let query = Query { bbox, properties, limit: Some(limit), offset: q.start };
    Ok(match filter {
        None => layer.items(&query)?,
        Some(f) => layer.items_where(&query, &|feature: &Feature| f.eval(feature))?,
    })
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

/// SORTBY: every match is read, sorted (stably, so ties keep file order) and paged.
fn sorted(
    layer: &FgbLayer,
    schema: &Schema,
    q: &GetFeature,
    bbox: Option<fjord_core::BBox>,
    filter: Option<&crate::filter::Filter>,
    properties: Option<Vec<usize>>,
    limit: usize,
) -> Result<fjord_store::Page, WfsError> {
    let keys: Vec<(usize, bool)> = q
        .sort
        .iter()
        .map(|(name, desc)| {
            schema
                .fields
                .iter()
                .position(|f| ncname(&f.name) == *name || f.name == *name)
                .map(|i| (i, *desc))
                .ok_or_else(|| WfsError::invalid("SORTBY", format!("no property '{name}'")))
        })
        .collect::<Result<_, _>>()?;
    let all = Query { bbox, properties: None, limit: None, offset: 0 };
    let mut page = layer.items_where(&all, &|f: &Feature| filter.is_none_or(|x| x.eval(f)))?;
    page.features.sort_by(|a, b| {
        keys.iter()
            .map(|&(i, desc)| {
                let o = order(&a.values[i], &b.values[i]);
                if desc {
                    o.reverse()
                } else {
                    o
                }
            })
            .find(|o| *o != Ordering::Equal)
            .unwrap_or(Ordering::Equal)
    });
    let mut features: Vec<Feature> = page.features.into_iter().skip(q.start).take(limit).collect();
    if let Some(p) = properties {
        for f in &mut features {
            f.values = p.iter().map(|&i| f.values.get(i).cloned().unwrap_or(Value::Null)).collect();
        }
    }
    Ok(fjord_store::Page { features, number_matched: page.number_matched })
}

/// `REQUEST=GetFeature`
pub fn get_feature(api: &Api, base: &str, q: &GetFeature) -> Result<Reply, WfsError> {
    if !api.crs.contains(&q.srs.crs) {
        return Err(WfsError::invalid(
            "SRSNAME",
            format!("{} is not offered; see OtherCRS in the capabilities", q.srs.name),
        ));
    }
    let (record, layer) = api.open(&q.type_name)?;
    let schema = layer.schema();
    let sel = selected(schema, q)?;
    let etag = record.version.map(|v| format!("\"{}-{v}\"", q.type_name));
    if let Some(fid) = q.by_id {
        // GetFeatureById answers the feature itself, not a collection
        let id = format!("{}.{fid}", q.type_name);
        let f = layer.item(fid, None)?.ok_or_else(|| WfsError::not_found(&id))?;
        let reply = match q.format {
            OutputFormat::Json => {
                let mut out = Vec::with_capacity(1024);
                write_feature(&mut out, &f, schema, &sel.0, q.srs.crs, q.srs.order).map_err(WfsError::from)?;
                Reply { content_type: "application/geo+json", headers: Vec::new(), etag, body: out }
            }
            OutputFormat::Gml32 => {
                let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
                gml_feature(
                    &mut x,
                    &f,
                    schema,
                    &sel,
                    q,
                    &format!(" xmlns:fjord=\"{NAMESPACE}\" xmlns:gml=\"http://www.opengis.net/gml/3.2\""),
                )?;
                Reply {
                    content_type: "application/gml+xml; version=3.2",
                    headers: Vec::new(),
                    etag,
                    body: x.into_bytes(),
                }
            }
        };
        return Ok(reply);
    }
    let page = select(&layer, schema, q, None, if q.hits { 0 } else { q.count })?;
    let returned = page.features.len();
    let more = !q.hits && q.start + returned < page.number_matched as usize;
    let reply = match q.format {
        OutputFormat::Json => {
            let mut out = Vec::with_capacity(256 + returned * 512);
            out.extend_from_slice(
                format!("{{\"type\":\"FeatureCollection\",\"numberMatched\":{},\"numberReturned\":{returned},\"features\":[", page.number_matched)
                    .as_bytes(),
            );
            for (n, f) in page.features.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                write_feature(&mut out, f, schema, &sel.0, q.srs.crs, q.srs.order).map_err(WfsError::from)?;
            }
            out.extend_from_slice(b"]}");
            Reply { content_type: "application/json", headers: Vec::new(), etag, body: out }
        }
        OutputFormat::Gml32 => {
            let name = &q.type_name;
            let next = if more {
                let url = format!(
                    "{base}?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:{name}&SRSNAME={}&COUNT={}&STARTINDEX={}{}{}",
                    q.srs.name,
                    q.count,
                    q.start + q.count,
                    q.bbox.map(|_| format!("&BBOX={}", bbox_param(q))).unwrap_or_default(),
                    q.properties.as_ref().map(|p| format!("&PROPERTYNAME={}", p.join(","))).unwrap_or_default(),
                ) + &sort_param(q)
                    + &q.filter.as_ref().map(|f| format!("&FILTER={}", encode_component(f))).unwrap_or_default();
                format!(" next=\"{}\"", escape(url))
            } else {
                String::new()
            };
            let mut x = String::with_capacity(512 + returned * 1024);
            let _ = write!(
                x,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wfs:FeatureCollection {WFS_NS} xmlns:fjord=\"{NAMESPACE}\" \
                 xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
                 xsi:schemaLocation=\"http://www.opengis.net/wfs/2.0 http://schemas.opengis.net/wfs/2.0/wfs.xsd {NAMESPACE} {}\" \
                 numberMatched=\"{}\" numberReturned=\"{returned}\" timeStamp=\"{}\"{next}>",
                escape(format!("{base}?SERVICE=WFS&VERSION=2.0.0&REQUEST=DescribeFeatureType&TYPENAMES=fjord:{name}")),
                page.number_matched,
                fjord_core::now_rfc3339()
            );
            for f in &page.features {
                x.push_str("<wfs:member>");
                gml_feature(&mut x, f, schema, &sel, q, "")?;
                x.push_str("</wfs:member>");
            }
            x.push_str("</wfs:FeatureCollection>");
            Reply { content_type: "application/gml+xml; version=3.2", headers: Vec::new(), etag, body: x.into_bytes() }
        }
    };
    Ok(reply)
}

/// `REQUEST=GetPropertyValue&VALUEREFERENCE=prop`: the values of one property of the
/// features a GetFeature would return, as a wfs:ValueCollection.
pub fn get_property_value(api: &Api, q: &GetFeature, reference: &str) -> Result<Reply, WfsError> {
    let (_, layer) = api.open(&q.type_name)?;
    let schema = layer.schema();
    let i = schema
        .fields
        .iter()
        .position(|f| ncname(&f.name) == reference || f.name == reference)
        .ok_or_else(|| WfsError::invalid("VALUEREFERENCE", format!("no property '{reference}'")))?;
    let page = select(&layer, schema, q, Some(vec![i]), q.count)?;
    let mut x = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wfs:ValueCollection {WFS_NS} xmlns:fjord=\"{NAMESPACE}\" numberMatched=\"{}\" numberReturned=\"{}\" timeStamp=\"{}\">",
        page.number_matched,
        page.features.len(),
        fjord_core::now_rfc3339()
    );
    for f in &page.features {
        let _ = write!(x, "<wfs:member>{}</wfs:member>", f.values.first().and_then(xml_value).unwrap_or_default());
    }
    x.push_str("</wfs:ValueCollection>");
    Ok(Reply { content_type: "application/xml", headers: Vec::new(), etag: None, body: x.into_bytes() })
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
