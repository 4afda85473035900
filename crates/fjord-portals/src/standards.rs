//! Standardisation: the reference catalogue of IT standards (as Norway's
//! "Referansekatalogen for IT-standarder"), kind `standard`: name, version, status
//! (mandatory or recommended), area, and the URIs that identify it (OGC conformance
//! classes, XML namespaces). A service conforms to a standard when it declares one of
//! those URIs ([`conforms`]), so fjord's own services are linked to the standards they
//! implement from their own declarations, not from a hand-kept list.

use fjord_catalogue::{Kind, Record};
use serde::Serialize;
use serde_json::json;

/// The kind of a standard.
pub const STANDARD: &str = "standard";

/// The kinds Standardisation keeps.
pub fn kinds() -> Vec<Kind> {
    vec![Kind {
        name: STANDARD.into(),
        title: "Standard".into(),
        schema: json!({
            "type": "object",
            "required": ["name", "version", "status", "area", "identifiers"],
            "additionalProperties": false,
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "version": {"type": "string", "minLength": 1},
                "status": {"enum": ["mandatory", "recommended"]},
                "area": {"type": "string", "minLength": 1},
                "identifiers": {"type": "array", "items": {"type": "string", "format": "uri"}},
                "specification": {"type": "string", "format": "uri"}
            }
        }),
    }]
}

/// A service as it declares itself: what it is and the URIs it declares conformance to
/// (an OGC API's conformance classes, a capabilities document's namespaces).
#[derive(Clone, Debug, Serialize)]
pub struct Service {
    /// short id (`wms`, `ogcapi`)
    pub id: String,
    /// its name
    pub title: String,
    /// where it answers (a path on this server)
    pub url: String,
    /// the URIs it declares
    pub declares: Vec<String>,
}

/// The identifying URIs of standard record `r`.
pub fn identifiers(r: &Record) -> Vec<&str> {
    crate::draft::strings(r, "identifiers")
}

/// The URIs among `declares` by which a service conforms to standard `r`: those equal to
/// one of its identifiers or under one (`.../ogcapi-features-1/1.0` identifies every
/// conformance class `.../ogcapi-features-1/1.0/conf/...`).
pub fn conforms<'a>(r: &Record, declares: &'a [String]) -> Vec<&'a str> {
    let ids = identifiers(r);
    declares
        .iter()
        .map(String::as_str)
        .filter(|d| {
            ids.iter().any(|id| {
                let id = id.trim_end_matches('/');
                *d == id || d.strip_prefix(id).is_some_and(|rest| rest.starts_with('/'))
            })
        })
        .collect()
}

/// The standards among `standards` that `service` conforms to.
pub fn of_service<'a>(service: &Service, standards: &'a [Record]) -> Vec<&'a Record> {
    standards.iter().filter(|s| !conforms(s, &service.declares).is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draft::text;

    fn standard(uuid: &str, ids: &[&str]) -> Record {
        crate::draft::sample(
            STANDARD,
            uuid,
            "digdir",
            "Digitalisering",
            json!({"identifiers": ids, "status": "mandatory"}),
        )
    }

    #[test]
    fn a_service_conforms_by_the_uris_it_declares() {
        let features = standard("f1", &["http://www.opengis.net/spec/ogcapi-features-1/1.0/"]);
        let wms = standard("wms", &["http://www.opengis.net/wms"]);
        let api = Service {
            id: "ogcapi".into(),
            title: "OGC API".into(),
            url: "/ogcapi".into(),
            declares: vec![
                "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core".into(),
                "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson".into(),
                "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs".into(),
            ],
        };
        assert_eq!(conforms(&features, &api.declares).len(), 2);
        assert!(conforms(&wms, &api.declares).is_empty());
        // a prefix of a path segment is not under it
        let wmts = Service { declares: vec!["http://www.opengis.net/wmts/1.0".into()], ..api.clone() };
        assert!(conforms(&wms, &wmts.declares).is_empty());
        let all = [features, wms];
        assert_eq!(of_service(&api, &all).iter().map(|r| r.uuid.as_str()).collect::<Vec<_>>(), ["f1"]);
        assert_eq!(text(&all[0], "status"), "mandatory");
        assert_eq!(text(&all[0], "nothing"), "");
    }
}
