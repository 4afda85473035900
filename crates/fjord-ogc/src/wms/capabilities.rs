//! The WMS capabilities document, 1.3.0 or 1.1.1: a root layer with the CRS list and
//! one group per catalogue theme, each dataset a named layer with its geographic box,
//! a bounding box in every CRS, its styles and a link to its catalogue record.

use super::{WmsError, WmsVersion};
use crate::features::Api;
use crate::reply::Reply;
use fjord_catalogue::Record;
use fjord_core::url::encode_component;
use fjord_core::{transform, AxisOrder, BBox, Crs, CATALOGUE_CRS};
use fjord_render::ImageFormat;
use quick_xml::escape::escape;
use std::collections::BTreeMap;
use std::fmt::Write;

/// A box in `crs`'s attribute order for `version`: 1.3.0 writes minx/miny in the CRS's
/// axis order (latitude first for EPSG:4326), 1.1.1 always x = east.
fn bounding_box(x: &mut String, version: WmsVersion, crs: Crs, b: &BBox) -> Result<(), WmsError> {
    let north_first = version == WmsVersion::V1_3_0 && crs.axis_order()? == AxisOrder::NorthEast;
    let (a, b0, c, d) = if north_first { (b.miny, b.minx, b.maxy, b.maxx) } else { (b.minx, b.miny, b.maxx, b.maxy) };
    let _ = write!(
        x,
        "<BoundingBox {}=\"{}\" minx=\"{a}\" miny=\"{b0}\" maxx=\"{c}\" maxy=\"{d}\"/>",
        version.crs_param(),
        crs_name(crs)
    );
    Ok(())
}

/// How WMS names a CRS.
fn crs_name(crs: Crs) -> String {
    match crs {
        Crs::Crs84 => "CRS:84".into(),
        Crs::Epsg(n) => format!("EPSG:{n}"),
    }
}

fn geographic_box(x: &mut String, version: WmsVersion, b: &BBox) {
    match version {
        WmsVersion::V1_3_0 => {
            let _ = write!(
                x,
                "<EX_GeographicBoundingBox><westBoundLongitude>{}</westBoundLongitude><eastBoundLongitude>{}</eastBoundLongitude>\
                 <southBoundLatitude>{}</southBoundLatitude><northBoundLatitude>{}</northBoundLatitude></EX_GeographicBoundingBox>",
                b.minx, b.maxx, b.miny, b.maxy
            );
        }
        WmsVersion::V1_1_1 => {
            let _ = write!(
                x,
                "<LatLonBoundingBox minx=\"{}\" miny=\"{}\" maxx=\"{}\" maxy=\"{}\"/>",
                b.minx, b.miny, b.maxx, b.maxy
            );
        }
    }
}

/// One dataset's layer.
fn layer(x: &mut String, api: &Api, base: &str, version: WmsVersion, r: &Record) -> Result<(), WmsError> {
    let id = r.dataset.as_deref().unwrap_or_default();
    // an elevation dataset (no schema) is drawn as relief; a feature dataset in its styles
    let kind = match r.schema {
        None => None,
        Some(_) => {
            let Ok((_, store_layer)) = api.open_described(id) else { return Ok(()) };
            Some(fjord_store::FeatureSource::schema(&*store_layer).geometry)
        }
    };
    let _ = write!(
        x,
        "<Layer queryable=\"1\" opaque=\"{}\"><Name>{}</Name><Title>{}</Title><Abstract>{}</Abstract><KeywordList>",
        u8::from(kind.is_none()),
        escape(id),
        escape(&r.title),
        escape(&r.abstract_text)
    );
    for k in &r.keywords {
        let _ = write!(x, "<Keyword>{}</Keyword>", escape(k));
    }
    x.push_str("</KeywordList>");
    if let Some(g) = &r.bbox {
        let geo = BBox { minx: g.west, miny: g.south, maxx: g.east, maxy: g.north };
        geographic_box(x, version, &geo);
        for crs in api.crs {
            if let Ok(b) = transform::transform_bbox(CATALOGUE_CRS, *crs, &geo) {
                bounding_box(x, version, *crs, &b)?;
            }
        }
    }
    let _ = write!(
        x,
        "<MetadataURL type=\"ISO19115:2003\"><Format>application/json</Format>\
         <OnlineResource xmlns:xlink=\"http://www.w3.org/1999/xlink\" xlink:type=\"simple\" xlink:href=\"{}\"/></MetadataURL>",
        escape(format!("{}/api/catalogue/records/{}", base.trim_end_matches("/wms"), r.uuid))
    );
    let Some(kind) = kind else {
        for s in super::map::RELIEF_STYLES {
            let _ = write!(x, "<Style><Name>{s}</Name><Title>{s}</Title>");
            if let Ok(relief) = super::map::relief(api, id, s, super::Light::default()) {
                legend_url(x, base, version, id, s, fjord_render::legend::relief_legend_size(&relief));
            }
            x.push_str("</Style>");
        }
        x.push_str("</Layer>");
        return Ok(());
    };
    for s in api.styles.styles(id, kind).iter() {
        let _ = write!(
            x,
            "<Style><Name>{}</Name><Title>{}</Title>",
            escape(&s.name),
            escape(s.title.as_deref().unwrap_or(&s.name))
        );
        if let Some(size) = fjord_render::legend::legend_size(s, None, None) {
            legend_url(x, base, version, id, &s.name, size);
        }
        x.push_str("</Style>");
    }
    x.push_str("</Layer>");
    Ok(())
}

/// A style's `LegendURL`: its GetLegendGraphic and the picture's size.
fn legend_url(x: &mut String, base: &str, version: WmsVersion, layer: &str, style: &str, (w, h): (u32, u32)) {
    let url = format!(
        "{base}?SERVICE=WMS&VERSION={}&REQUEST=GetLegendGraphic&FORMAT=image/png&LAYER={}&STYLE={}",
        version.as_str(),
        encode_component(layer),
        encode_component(style)
    );
    let _ = write!(
        x,
        "<LegendURL width=\"{w}\" height=\"{h}\"><Format>image/png</Format>\
         <OnlineResource xmlns:xlink=\"http://www.w3.org/1999/xlink\" xlink:type=\"simple\" xlink:href=\"{}\"/></LegendURL>",
        escape(url)
    );
}

/// `REQUEST=GetCapabilities`
pub fn capabilities(api: &Api, base: &str, version: WmsVersion) -> Result<Reply, WmsError> {
    let mut records = api.open_records()?;
    records.extend(api.open_elevation_records()?);
    let v = version.as_str();
    let href = escape(format!("{base}?"));
    let online = |h: &str| {
        format!(
            "<OnlineResource xmlns:xlink=\"http://www.w3.org/1999/xlink\" xlink:type=\"simple\" xlink:href=\"{h}\"/>"
        )
    };
    let mut x = String::with_capacity(16 * 1024);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let (limits, formats_xml) = match version {
        WmsVersion::V1_3_0 => {
            let _ = write!(
                x,
                "<WMS_Capabilities version=\"{v}\" xmlns=\"http://www.opengis.net/wms\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" \
                 xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
                 xsi:schemaLocation=\"http://www.opengis.net/wms http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd\">"
            );
            (format!("<MaxWidth>{m}</MaxWidth><MaxHeight>{m}</MaxHeight>", m = api.max_map_size), "text/xml")
        }
        WmsVersion::V1_1_1 => {
            let _ = write!(
                x,
                "<!DOCTYPE WMT_MS_Capabilities SYSTEM \"http://schemas.opengis.net/wms/1.1.1/WMS_MS_Capabilities.dtd\">\
                 <WMT_MS_Capabilities version=\"{v}\">"
            );
            (String::new(), "application/vnd.ogc.wms_xml")
        }
    };
    let _ = write!(
        x,
        "<Service><Name>{}</Name><Title>fjord WMS</Title><Abstract>Maps of the fjord spatial data infrastructure</Abstract>\
         {}<Fees>none</Fees><AccessConstraints>none</AccessConstraints>{limits}</Service><Capability><Request>",
        if version == WmsVersion::V1_3_0 { "WMS" } else { "OGC:WMS" },
        online(&href)
    );
    let dcp = format!("<DCPType><HTTP><Get>{}</Get></HTTP></DCPType>", online(&href));
    let _ = write!(x, "<GetCapabilities><Format>{formats_xml}</Format>{dcp}</GetCapabilities><GetMap>");
    for f in ImageFormat::ALL {
        let _ = write!(x, "<Format>{}</Format>", f.mime());
    }
    let exceptions = match version {
        WmsVersion::V1_3_0 => ["XML", "INIMAGE", "BLANK"],
        WmsVersion::V1_1_1 => {
            ["application/vnd.ogc.se_xml", "application/vnd.ogc.se_inimage", "application/vnd.ogc.se_blank"]
        }
    };
    let _ = write!(x, "{dcp}</GetMap><GetFeatureInfo>");
    for f in super::info::INFO_FORMATS {
        let _ = write!(x, "<Format>{f}</Format>");
    }
    let _ = write!(x, "{dcp}</GetFeatureInfo></Request><Exception>");
    for e in exceptions {
        let _ = write!(x, "<Format>{e}</Format>");
    }
    x.push_str("</Exception><Layer><Title>fjord</Title>");
    for crs in api.crs {
        let _ = write!(x, "<{0}>{1}</{0}>", version.crs_param(), crs_name(*crs));
    }
    let all = records
        .iter()
        .filter_map(|r| r.bbox.map(|g| BBox { minx: g.west, miny: g.south, maxx: g.east, maxy: g.north }));
    if let Some(b) = all.reduce(|a, b| a.union(&b)) {
        geographic_box(&mut x, version, &b);
    }
    // one group per theme, the datasets without one at the top level
    let mut themes: BTreeMap<Option<&str>, Vec<&Record>> = BTreeMap::new();
    for r in &records {
        themes.entry(r.theme.as_deref()).or_default().push(r);
    }
    for (theme, rs) in themes {
        if let Some(t) = theme {
            let _ = write!(x, "<Layer><Title>{}</Title>", escape(t));
        }
        for r in rs {
            layer(&mut x, api, base, version, r)?;
        }
        if theme.is_some() {
            x.push_str("</Layer>");
        }
    }
    x.push_str("</Layer></Capability>");
    x.push_str(if version == WmsVersion::V1_3_0 { "</WMS_Capabilities>" } else { "</WMT_MS_Capabilities>" });
    Ok(Reply::new(formats_xml, x))
}
