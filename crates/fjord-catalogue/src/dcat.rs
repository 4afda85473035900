//! The catalogue as DCAT-AP-NO in JSON-LD, for harvesting by a national data portal
//! (data.norge.no): a `dcat:Catalog` of `dcat:Dataset`s, each with its publisher,
//! contact point, access rights (the EU access-right vocabulary), extent, keywords, the
//! GeoNorge theme (as a label) and one `dcat:Distribution` per online resource.

use crate::distribution::OnlineResource;
use crate::record::{Access, Record};
use serde_json::{json, Value};

/// The JSON-LD context: the vocabularies DCAT-AP-NO draws on.
fn context() -> Value {
    json!({
        "dcat": "http://www.w3.org/ns/dcat#",
        "dct": "http://purl.org/dc/terms/",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "vcard": "http://www.w3.org/2006/vcard/ns#",
        "locn": "http://www.w3.org/ns/locn#",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "gsp": "http://www.opengis.net/ont/geosparql#",
        "skos": "http://www.w3.org/2004/02/skos/core#",
    })
}

/// The EU access-right of a record: open data is PUBLIC, Norway Digital partners'
/// data RESTRICTED, the rest NON_PUBLIC.
pub fn access_right(access: &Access) -> &'static str {
    match access {
        Access::Open => "http://publications.europa.eu/resource/authority/access-right/PUBLIC",
        Access::Partners => "http://publications.europa.eu/resource/authority/access-right/RESTRICTED",
        _ => "http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC",
    }
}

fn text(value: &str) -> Value {
    json!({ "@value": value, "@language": "nb" })
}

/// One record as a `dcat:Dataset` identified by `uri` (its landing page is there too),
/// with `links` as its distributions.
pub fn dataset(r: &Record, uri: &str, links: &[OnlineResource]) -> Value {
    let publisher =
        json!({ "@type": "foaf:Agent", "foaf:name": r.organisation.name, "dct:identifier": r.organisation.id });
    let distributions: Vec<Value> = links
        .iter()
        .map(|l| {
            json!({
                "@type": "dcat:Distribution",
                "dct:title": text(&l.description),
                "dcat:accessURL": { "@id": l.url },
                "dct:format": l.protocol.as_str(),
                "dct:license": r.license,
            })
        })
        .collect();
    let mut d = json!({
        "@id": uri,
        "@type": "dcat:Dataset",
        "dct:identifier": r.uuid,
        "dct:title": text(&r.title),
        "dct:description": text(&r.abstract_text),
        "dcat:keyword": r.keywords.iter().map(|k| text(k)).collect::<Vec<_>>(),
        "dct:publisher": publisher,
        "dcat:contactPoint": { "@type": "vcard:Organization", "vcard:fn": r.organisation.name },
        "dct:accessRights": { "@id": access_right(&r.access) },
        "dct:issued": { "@value": r.created, "@type": "xsd:dateTime" },
        "dct:modified": { "@value": r.updated, "@type": "xsd:dateTime" },
        "dct:language": { "@id": "http://publications.europa.eu/resource/authority/language/NOB" },
        "dcat:landingPage": { "@id": uri },
        "dcat:distribution": distributions,
    });
    if let Some(b) = r.bbox {
        let wkt = format!(
            "POLYGON(({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}))",
            w = b.west,
            s = b.south,
            e = b.east,
            n = b.north
        );
        d["dct:spatial"] =
            json!({ "@type": "dct:Location", "dcat:bbox": { "@value": wkt, "@type": "gsp:wktLiteral" } });
    }
    if let Some(theme) = &r.theme {
        d["dcat:theme"] = json!([{ "@type": "skos:Concept", "skos:prefLabel": text(theme) }]);
    }
    d
}

/// The catalogue `uri` holding `datasets`.
pub fn catalog(uri: &str, datasets: Vec<Value>) -> Value {
    json!({
        "@context": context(),
        "@id": uri,
        "@type": "dcat:Catalog",
        "dct:title": text("fjord katalog"),
        "dct:description": text("Alle datasett i fjord, den nasjonale infrastrukturen for geografisk informasjon"),
        "dct:publisher": { "@type": "foaf:Agent", "foaf:name": "fjord" },
        "dcat:dataset": datasets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distribution::service_links;
    use crate::record::testing::record;

    #[test]
    fn a_dataset_in_dcat_ap_no() {
        let mut r = record("fylker", "Fylker", "kartverket", "Basis geodata", &["fylke"], (4.0, 57.0, 31.0, 71.0));
        r.schema = Some(fjord_core::Schema { geometry: fjord_core::GeometryKind::Polygon, fields: vec![] });
        r.access = Access::Partners;
        let d = dataset(&r, "http://h/r/fylker", &service_links(&r, "http://h"));
        assert_eq!(d["dct:title"]["@value"], "Fylker");
        assert_eq!(d["dct:accessRights"]["@id"], access_right(&Access::Partners));
        assert_eq!(d["dcat:distribution"].as_array().unwrap().len(), 4);
        assert_eq!(d["dcat:distribution"][2]["dct:format"], "OGC:WFS");
        assert!(d["dct:spatial"]["dcat:bbox"]["@value"].as_str().unwrap().starts_with("POLYGON((4 57, 31 57"));
        let c = catalog("http://h/api/catalogue/dcat", vec![d]);
        assert_eq!(c["@type"], "dcat:Catalog");
        assert_eq!(c["dcat:dataset"][0]["dct:identifier"], "fylker");
    }
}
