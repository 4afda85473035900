//! DescribeFeatureType and GetFeature.

use super::gml::{self, ncname};
use super::request::{GetFeature, Kvp, OutputFormat};
use super::{WfsError, NAMESPACE};
use crate::features::encode::{wire_geometry, write_feature};
use crate::features::Api;
use crate::reply::Reply;
use fjord_core::{transform, FieldType, GeometryKind, Schema, Value, STORAGE_CRS};
use fjord_store::{FeatureSource, Query};
use quick_xml::escape::escape;
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
        let (slug, _) = api.readable(&name)?;
        let layer = api.store.layer(&slug)?;
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

/// `REQUEST=GetFeature`
pub fn get_feature(api: &Api, base: &str, q: &GetFeature) -> Result<Reply, WfsError> {
    let (slug, record) = api.readable(&q.type_name)?;
    if !api.crs.contains(&q.srs.crs) {
        return Err(WfsError::invalid(
            "SRSNAME",
            format!("{} is not offered; see OtherCRS in the capabilities", q.srs.name),
        ));
    }
    let layer = api.store.layer(&slug)?;
    let schema = layer.schema();
    let bbox = q
        .bbox
        .map(|(b, crs)| transform::transform_bbox(crs, STORAGE_CRS, &b))
        .transpose()
        .map_err(|e| WfsError::invalid("BBOX", e.to_string()))?;
    let limit = if q.hits { 0 } else { q.count };
    let page = layer.items(&Query { bbox, properties: None, limit: Some(limit), offset: q.start })?;
    let returned = page.features.len();
    let more = !q.hits && q.start + returned < page.number_matched as usize;
    let etag = record.version.map(|v| format!("\"{}-{v}\"", q.type_name));
    let reply = match q.format {
        OutputFormat::Json => {
            let all: Vec<usize> = (0..schema.fields.len()).collect();
            let mut out = Vec::with_capacity(256 + returned * 512);
            out.extend_from_slice(format!("{{\"type\":\"FeatureCollection\",\"numberMatched\":{},\"numberReturned\":{returned},\"features\":[", page.number_matched).as_bytes());
            for (n, f) in page.features.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                write_feature(&mut out, f, schema, &all, q.srs.crs, q.srs.order).map_err(WfsError::from)?;
            }
            out.extend_from_slice(b"]}");
            Reply { content_type: "application/json", headers: Vec::new(), etag, body: out }
        }
        OutputFormat::Gml32 => {
            let name = &q.type_name;
            let srs = escape(&q.srs.name).into_owned();
            let next = if more {
                format!(
                    " next=\"{}\"",
                    escape(format!(
                        "{base}?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=fjord:{name}&SRSNAME={}&COUNT={}&STARTINDEX={}{}",
                        q.srs.name,
                        q.count,
                        q.start + q.count,
                        q.bbox.map(|_| format!("&BBOX={}", bbox_param(q))).unwrap_or_default()
                    ))
                )
            } else {
                String::new()
            };
            let mut x = String::with_capacity(512 + returned * 1024);
            let _ = write!(
                x,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<wfs:FeatureCollection xmlns:wfs=\"http://www.opengis.net/wfs/2.0\" \
                 xmlns:gml=\"http://www.opengis.net/gml/3.2\" xmlns:fjord=\"{NAMESPACE}\" \
                 xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
                 xsi:schemaLocation=\"http://www.opengis.net/wfs/2.0 http://schemas.opengis.net/wfs/2.0/wfs.xsd {NAMESPACE} {}\" \
                 numberMatched=\"{}\" numberReturned=\"{returned}\" timeStamp=\"{}\"{next}>",
                escape(format!("{base}?SERVICE=WFS&VERSION=2.0.0&REQUEST=DescribeFeatureType&TYPENAMES=fjord:{name}")),
                page.number_matched,
                fjord_core::now_rfc3339()
            );
            let geom = geometry_name(schema);
            for f in &page.features {
                let g = wire_geometry(f, q.srs.crs, q.srs.order).map_err(WfsError::from)?;
                let _ = write!(x, "<wfs:member><fjord:{name} gml:id=\"{name}.{}\"><fjord:{geom}>", f.id);
                gml::geometry(&mut x, &g, &format!("{name}.{}.geom", f.id), &srs);
                let _ = write!(x, "</fjord:{geom}>");
                for (field, v) in schema.fields.iter().zip(&f.values) {
                    if let Some(text) = xml_value(v) {
                        let tag = ncname(&field.name);
                        let _ = write!(x, "<fjord:{tag}>{text}</fjord:{tag}>");
                    }
                }
                let _ = write!(x, "</fjord:{name}></wfs:member>");
            }
            x.push_str("</wfs:FeatureCollection>");
            Reply { content_type: "application/gml+xml; version=3.2", headers: Vec::new(), etag, body: x.into_bytes() }
        }
    };
    Ok(reply)
}

/// The BBOX of a request as a KVP value again (storage order, with its CRS URN).
fn bbox_param(q: &GetFeature) -> String {
    q.bbox.map_or(String::new(), |(b, crs)| {
        let (x0, y0, x1, y1) = (b.minx, b.miny, b.maxx, b.maxy);
        format!("{x0},{y0},{x1},{y1},EPSG:{}", crs.epsg().unwrap_or(4326))
    })
}
