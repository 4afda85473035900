//! WMTS 1.0.0: the capabilities document (every open layer in WebMercatorQuad and the
//! UTM33 set, PNG, KVP and RESTful addresses; a feature layer in its default style, an
//! elevation layer in its relief styles, hillshade first) and the reading of a KVP
//! GetTile. The tiles themselves are the map tiles of `/tiles` (drawn by the WMS
//! renderer, cached per dataset version).

use crate::features::Api;
use crate::reply::Reply;
use crate::tiles::max_level;
use crate::wfs::Kvp;
use fjord_core::{AxisOrder, TileMatrixSet};
use quick_xml::escape::escape;
use std::fmt::Write;

/// A WMTS exception: status, OWS exceptionCode, locator and text.
#[derive(Debug, Clone)]
pub struct WmtsError {
    /// HTTP status
    pub status: u16,
    /// the OWS exception code
    pub code: &'static str,
    /// the parameter at fault
    pub locator: String,
    /// what was wrong
    pub text: String,
}

impl WmtsError {
    fn new(status: u16, code: &'static str, locator: &str, text: impl Into<String>) -> WmtsError {
        WmtsError { status, code, locator: locator.into(), text: text.into() }
    }

    /// The OWS 1.1 ExceptionReport of WMTS 1.0.0.
    pub fn report(&self) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ows:ExceptionReport xmlns:ows=\"http://www.opengis.net/ows/1.1\" version=\"1.0.0\" xml:lang=\"en\">\
             <ows:Exception exceptionCode=\"{}\" locator=\"{}\"><ows:ExceptionText>{}</ows:ExceptionText></ows:Exception></ows:ExceptionReport>",
            self.code,
            escape(&self.locator),
            escape(&self.text)
        )
    }
}

/// A checked KVP GetTile: the tile's layer, tile matrix set and indexes as the tile
/// routes take them.
#[derive(Debug, Clone, PartialEq)]
pub struct GetTile {
    /// the layer (dataset)
    pub layer: String,
    /// the style (`default`, or a relief style of an elevation layer)
    pub style: String,
    /// the tile matrix set id
    pub tms: String,
    /// the tile matrix (level)
    pub z: String,
    /// the row
    pub row: String,
    /// the column
    pub col: String,
}

/// What a WMTS KVP request asks for.
pub enum Request {
    /// the capabilities document
    Capabilities,
    /// one tile
    Tile(GetTile),
}

/// Read a KVP request: SERVICE=WMTS and REQUEST GetCapabilities or GetTile (PNG; the
/// style is checked against the layer when the tile is located).
pub fn parse(params: &[(String, String)]) -> Result<Request, WmtsError> {
    let kvp = Kvp::new(params);
    let missing = |k: &str| WmtsError::new(400, "MissingParameterValue", k, format!("{k} is required"));
    match kvp.get("SERVICE") {
        Some(s) if s.eq_ignore_ascii_case("WMTS") => {}
        Some(s) => return Err(WmtsError::new(400, "InvalidParameterValue", "SERVICE", format!("'{s}': use WMTS"))),
        None => return Err(missing("SERVICE")),
    }
    match kvp.get("REQUEST").map(str::to_ascii_lowercase).as_deref() {
        Some("getcapabilities") => Ok(Request::Capabilities),
        Some("gettile") => {
            let get = |k: &str| kvp.get(k).map(str::to_string).ok_or_else(|| missing(k));
            let format = get("FORMAT")?;
            if !format.eq_ignore_ascii_case("image/png") {
                return Err(WmtsError::new(
                    400,
                    "InvalidParameterValue",
                    "FORMAT",
                    format!("'{format}': tiles are image/png"),
                ));
            }
            Ok(Request::Tile(GetTile {
                layer: get("LAYER")?,
                style: kvp.get("STYLE").unwrap_or("default").to_string(),
                tms: get("TILEMATRIXSET")?,
                z: get("TILEMATRIX")?,
                row: get("TILEROW")?,
                col: get("TILECOL")?,
            }))
        }
        Some(other) => {
            Err(WmtsError::new(400, "OperationNotSupported", "REQUEST", format!("{other} is not supported")))
        }
        None => Err(missing("REQUEST")),
    }
}

/// The URN WMTS names a tile matrix set's CRS by.
fn crs_urn(tms: &TileMatrixSet) -> String {
    match tms.crs.epsg() {
        Some(n) => format!("urn:ogc:def:crs:EPSG::{n}"),
        None => "urn:ogc:def:crs:OGC:1.3:CRS84".into(),
    }
}

fn matrix_set(x: &mut String, tms: &TileMatrixSet) {
    let _ = write!(
        x,
        "<TileMatrixSet><ows:Identifier>{}</ows:Identifier><ows:SupportedCRS>{}</ows:SupportedCRS>",
        tms.id,
        crs_urn(tms)
    );
    if tms.id == "WebMercatorQuad" {
        x.push_str("<WellKnownScaleSet>urn:ogc:def:wkss:OGC:1.0:GoogleMapsCompatible</WellKnownScaleSet>");
    }
    let north_first = tms.crs.axis_order().is_ok_and(|o| o == AxisOrder::NorthEast);
    let (a, b) = if north_first { (tms.origin.1, tms.origin.0) } else { tms.origin };
    for m in tms.matrices.iter().take(max_level(tms) as usize + 1) {
        let _ = write!(
            x,
            "<TileMatrix><ows:Identifier>{}</ows:Identifier><ScaleDenominator>{}</ScaleDenominator>\
             <TopLeftCorner>{a} {b}</TopLeftCorner><TileWidth>{s}</TileWidth><TileHeight>{s}</TileHeight>\
             <MatrixWidth>{}</MatrixWidth><MatrixHeight>{}</MatrixHeight></TileMatrix>",
            m.id,
            m.scale_denominator,
            m.matrix_width,
            m.matrix_height,
            s = tms.tile_size
        );
    }
    x.push_str("</TileMatrixSet>");
}

/// `REQUEST=GetCapabilities`; `base` is the service URL (`http://host/wmts`).
pub fn capabilities(api: &Api, base: &str) -> Result<Reply, crate::OgcError> {
    let sets = TileMatrixSet::all();
    let href = escape(format!("{base}?"));
    let mut x = String::with_capacity(32 * 1024);
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Capabilities xmlns=\"http://www.opengis.net/wmts/1.0\" \
         xmlns:ows=\"http://www.opengis.net/ows/1.1\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.0.0\">\
         <ows:ServiceIdentification><ows:Title>fjord WMTS</ows:Title><ows:ServiceType>OGC WMTS</ows:ServiceType>\
         <ows:ServiceTypeVersion>1.0.0</ows:ServiceTypeVersion></ows:ServiceIdentification><ows:OperationsMetadata>"
    );
    for op in ["GetCapabilities", "GetTile"] {
        let _ = write!(
            x,
            "<ows:Operation name=\"{op}\"><ows:DCP><ows:HTTP><ows:Get xlink:href=\"{href}\"><ows:Constraint name=\"GetEncoding\">\
             <ows:AllowedValues><ows:Value>KVP</ows:Value></ows:AllowedValues></ows:Constraint></ows:Get></ows:HTTP></ows:DCP></ows:Operation>"
        );
    }
    x.push_str("</ows:OperationsMetadata><Contents>");
    let features = api.open_records()?.into_iter().map(|r| (r, &["default"][..]));
    let elevation = api.open_elevation_records()?.into_iter().map(|r| (r, &crate::wms::RELIEF_STYLES[..]));
    for (r, styles) in features.chain(elevation) {
        let id = r.dataset.as_deref().unwrap_or_default();
        let _ = write!(
            x,
            "<Layer><ows:Title>{}</ows:Title><ows:Abstract>{}</ows:Abstract>",
            escape(&r.title),
            escape(&r.abstract_text)
        );
        if let Some(g) = &r.bbox {
            let _ = write!(
                x,
                "<ows:WGS84BoundingBox><ows:LowerCorner>{} {}</ows:LowerCorner><ows:UpperCorner>{} {}</ows:UpperCorner></ows:WGS84BoundingBox>",
                g.west, g.south, g.east, g.north
            );
        }
        let _ = write!(x, "<ows:Identifier>{}</ows:Identifier>", escape(id));
        for (k, style) in styles.iter().enumerate() {
            let _ = write!(x, "<Style isDefault=\"{}\"><ows:Identifier>{style}</ows:Identifier></Style>", k == 0);
        }
        x.push_str("<Format>image/png</Format>");
        for tms in sets {
            let _ = write!(x, "<TileMatrixSetLink><TileMatrixSet>{}</TileMatrixSet></TileMatrixSetLink>", tms.id);
        }
        let _ = write!(
            x,
            "<ResourceURL format=\"image/png\" resourceType=\"tile\" template=\"{}\"/></Layer>",
            escape(format!("{base}/1.0.0/{id}/{{Style}}/{{TileMatrixSet}}/{{TileMatrix}}/{{TileRow}}/{{TileCol}}.png"))
        );
    }
    for tms in sets {
        matrix_set(&mut x, tms);
    }
    x.push_str("</Contents></Capabilities>");
    Ok(Reply::new("application/xml", x))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn gettile_is_read_and_bad_ones_named() {
        let tile = [
            ("SERVICE", "WMTS"),
            ("REQUEST", "GetTile"),
            ("LAYER", "fylker"),
            ("STYLE", "default"),
            ("FORMAT", "image/png"),
            ("TILEMATRIXSET", "WebMercatorQuad"),
            ("TILEMATRIX", "4"),
            ("TILEROW", "4"),
            ("TILECOL", "8"),
        ];
        let Ok(Request::Tile(t)) = parse(&p(&tile)) else { panic!("a tile") };
        assert_eq!((t.layer.as_str(), t.z.as_str(), t.row.as_str(), t.col.as_str()), ("fylker", "4", "4", "8"));
        let mut gif = tile;
        gif[4] = ("FORMAT", "image/gif");
        assert!(parse(&p(&gif)).is_err_and(|e| e.locator == "FORMAT"));
        assert!(parse(&p(&tile[..8])).is_err_and(|e| e.code == "MissingParameterValue" && e.locator == "TILECOL"));
        assert!(parse(&p(&[("SERVICE", "WMTS"), ("REQUEST", "GetFeatureInfo")]))
            .is_err_and(|e| e.code == "OperationNotSupported"));
    }
}
