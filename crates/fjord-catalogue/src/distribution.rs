//! Where a record's data can be had: its online resources, typed as GeoNorge types
//! distributions, and the services fjord offers every dataset through.

use crate::record::Record;

/// The protocol of an online resource, as GeoNorge names it in ISO `gmd:protocol`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// a WMS (`OGC:WMS`)
    Wms,
    /// a WMTS (`OGC:WMTS`)
    Wmts,
    /// a WFS (`OGC:WFS`)
    Wfs,
    /// a WCS (`OGC:WCS`)
    Wcs,
    /// an OGC API collection (`OGC:API`)
    OgcApi,
    /// an Atom feed of downloads (`W3C:AtomFeed`)
    AtomFeed,
    /// the download service (`GEONORGE:DOWNLOAD`)
    Download,
}

impl Protocol {
    /// The protocol's name in the metadata.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Wms => "OGC:WMS",
            Protocol::Wmts => "OGC:WMTS",
            Protocol::Wfs => "OGC:WFS",
            Protocol::Wcs => "OGC:WCS",
            Protocol::OgcApi => "OGC:API",
            Protocol::AtomFeed => "W3C:AtomFeed",
            Protocol::Download => "GEONORGE:DOWNLOAD",
        }
    }

    /// The ISO `CI_OnLineFunctionCode` of such a resource: `download` for the feeds and
    /// the download service, `information` for the web services.
    pub fn function(self) -> &'static str {
        match self {
            Protocol::AtomFeed | Protocol::Download => "download",
            _ => "information",
        }
    }
}

/// One online resource of a record's distribution.
#[derive(Clone, Debug, PartialEq)]
pub struct OnlineResource {
    /// what kind of resource it is
    pub protocol: Protocol,
    /// absolute URL (for a web service its GetCapabilities request)
    pub url: String,
    /// the layer, feature type, coverage or collection the dataset is there
    pub name: String,
    /// a line for people
    pub description: String,
}

/// The services fjord serves a record's dataset through, under `base` (the server's
/// absolute URL without a trailing slash): a feature dataset in WMS, WMTS, WFS and OGC
/// API; an elevation dataset in WMS, WMTS, WCS and OGC API; nothing for other records.
/// Downloads are added by the download service.
pub fn service_links(record: &Record, base: &str) -> Vec<OnlineResource> {
    let Some(id) = record.dataset.as_deref() else { return Vec::new() };
    let web = |protocol: Protocol, path: &str, service: &str, name: String| OnlineResource {
        protocol,
        url: format!("{base}/{path}?service={service}&request=GetCapabilities"),
        name,
        description: format!("{} {service}", record.title),
    };
    let data = if record.schema.is_some() {
        web(Protocol::Wfs, "wfs", "WFS", format!("fjord:{id}"))
    } else if record.coverage.is_some() {
        web(Protocol::Wcs, "wcs", "WCS", id.to_string())
    } else {
        return Vec::new();
    };
    let mut links = vec![
        web(Protocol::Wms, "wms", "WMS", id.to_string()),
        web(Protocol::Wmts, "wmts", "WMTS", id.to_string()),
        data,
    ];
    links.push(OnlineResource {
        protocol: Protocol::OgcApi,
        url: format!("{base}/ogcapi/collections/{id}"),
        name: id.to_string(),
        description: format!("{} OGC API", record.title),
    });
    links
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::testing::{coverage, record};
    use fjord_core::{GeometryKind, Schema};

    fn protocols(r: &Record) -> Vec<&'static str> {
        service_links(r, "http://h").iter().map(|l| l.protocol.as_str()).collect()
    }

    #[test]
    fn services_follow_what_the_dataset_holds() {
        let mut r = record("fylker", "Fylker", "kartverket", "Basis geodata", &[], (4.0, 57.0, 31.0, 71.0));
        assert!(protocols(&r).is_empty(), "a record without data has no services");
        r.schema = Some(Schema { geometry: GeometryKind::Polygon, fields: vec![] });
        assert_eq!(protocols(&r), ["OGC:WMS", "OGC:WMTS", "OGC:WFS", "OGC:API"]);
        let links = service_links(&r, "http://h");
        assert_eq!(links[2].name, "fjord:fylker");
        assert_eq!(links[2].url, "http://h/wfs?service=WFS&request=GetCapabilities");
        assert_eq!(links[3].url, "http://h/ogcapi/collections/fylker");

        r.schema = None;
        r.coverage = Some(coverage());
        assert_eq!(protocols(&r), ["OGC:WMS", "OGC:WMTS", "OGC:WCS", "OGC:API"]);
        r.dataset = None;
        assert!(protocols(&r).is_empty());
    }
}
