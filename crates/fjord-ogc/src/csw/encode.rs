//! CSW 2.0.2 response documents: records as `csw:Record` (Dublin Core, brief, summary or
//! full) or ISO 19139, the GetRecords and GetRecordById responses, and the OWS 1.0
//! ExceptionReport.

use super::request::{ElementSet, RecordType, CSW_NAMESPACE};
use crate::OwsError;
use fjord_catalogue::{iso19139, service_links, Record};
use quick_xml::escape::escape;
use std::fmt::Write;

/// The namespaces of the CSW responses.
const NAMESPACES: &str = "xmlns:csw=\"http://www.opengis.net/cat/csw/2.0.2\" \
    xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dct=\"http://purl.org/dc/terms/\" \
    xmlns:ows=\"http://www.opengis.net/ows\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";

const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// The CSW ExceptionReport (OWS Common 1.0, as CSW 2.0.2 has it) of a refusal.
pub fn exception_report(e: &OwsError) -> String {
    e.document("http://www.opengis.net/ows", "1.2.0", "language")
}

/// One record in `schema` and element set; `base` is the server root its services hang
/// from.
pub fn record(r: &Record, schema: RecordType, elements: ElementSet, base: &str) -> String {
    match schema {
        RecordType::Iso => iso19139::element(r, &service_links(r, base)),
        RecordType::Record => dublin_core(r, elements, base),
    }
}

fn dublin_core(r: &Record, elements: ElementSet, base: &str) -> String {
    let tag = match elements {
        ElementSet::Brief => "csw:BriefRecord",
        ElementSet::Summary => "csw:SummaryRecord",
        ElementSet::Full => "csw:Record",
    };
    let mut x = format!("<{tag}>");
    let mut el = |name: &str, text: &str| {
        let _ = write!(x, "<{name}>{}</{name}>", escape(text));
    };
    el("dc:identifier", &r.uuid);
    el("dc:title", &r.title);
    el("dc:type", iso19139::scope(&r.kind));
    if elements != ElementSet::Brief {
        for subject in r.keywords.iter().chain(&r.theme).chain(&r.topic_category) {
            el("dc:subject", subject);
        }
        for format in &r.formats {
            el("dc:format", format);
        }
        el("dct:modified", &r.updated);
        el("dct:abstract", &r.abstract_text);
    }
    if elements == ElementSet::Full {
        el("dc:publisher", &r.organisation.name);
        el("dc:language", "nor");
        el("dc:rights", iso19139::access_constraint(&r.access));
        if let Some(license) = &r.license {
            el("dc:rights", license);
        }
        el("dct:created", &r.created);
        for link in service_links(r, base) {
            let _ = write!(
                x,
                "<dct:references scheme=\"{}\">{}</dct:references>",
                link.protocol.as_str(),
                escape(&link.url)
            );
        }
    }
    if let Some(b) = r.bbox {
        // EPSG:4258 by the book: latitude first
        let _ = write!(
            x,
            "<ows:BoundingBox crs=\"urn:ogc:def:crs:EPSG::4258\" dimensions=\"2\">\
             <ows:LowerCorner>{} {}</ows:LowerCorner><ows:UpperCorner>{} {}</ows:UpperCorner></ows:BoundingBox>",
            b.south, b.west, b.north, b.east
        );
    }
    let _ = write!(x, "</{tag}>");
    x
}

/// A page of search results: what GetRecords answers.
pub struct Page<'a> {
    /// records matching in all
    pub matched: u64,
    /// this page's records, encoded
    pub records: &'a [String],
    /// the position of the record after this page (0 when there is none)
    pub next: u64,
    /// the element set
    pub elements: ElementSet,
    /// the output schema
    pub schema: RecordType,
}

/// The GetRecordsResponse document.
pub fn get_records_response(page: &Page) -> String {
    let mut x = format!(
        "{DECLARATION}<csw:GetRecordsResponse {NAMESPACES} version=\"2.0.2\" \
         xsi:schemaLocation=\"{CSW_NAMESPACE} http://schemas.opengis.net/csw/2.0.2/CSW-discovery.xsd\">\
         <csw:SearchStatus timestamp=\"{}\"/>\
         <csw:SearchResults numberOfRecordsMatched=\"{}\" numberOfRecordsReturned=\"{}\" nextRecord=\"{}\" \
         recordSchema=\"{}\" elementSet=\"{}\">",
        fjord_core::now_rfc3339(),
        page.matched,
        page.records.len(),
        page.next,
        page.schema.namespace(),
        page.elements.as_str()
    );
    page.records.iter().for_each(|r| x.push_str(r));
    x.push_str("</csw:SearchResults></csw:GetRecordsResponse>");
    x
}

/// The GetRecordByIdResponse document.
pub fn get_record_by_id_response(records: &[String]) -> String {
    format!("{DECLARATION}<csw:GetRecordByIdResponse {NAMESPACES}>{}</csw:GetRecordByIdResponse>", records.concat())
}

/// The GetDomainResponse of a parameter or property and its values.
pub fn get_domain_response(parameter: bool, name: &str, values: &[String]) -> String {
    let tag = if parameter { "csw:ParameterName" } else { "csw:PropertyName" };
    let mut x = format!(
        "{DECLARATION}<csw:GetDomainResponse {NAMESPACES}><csw:DomainValues type=\"csw:Record\">\
         <{tag}>{}</{tag}><csw:ListOfValues>",
        escape(name)
    );
    for v in values {
        let _ = write!(x, "<csw:Value>{}</csw:Value>", escape(v));
    }
    x.push_str("</csw:ListOfValues></csw:DomainValues></csw:GetDomainResponse>");
    x
}

/// The DescribeRecordResponse: for each type, a schema component that includes the
/// type's published XML Schema.
pub fn describe_record_response(types: &[RecordType]) -> String {
    let mut x = format!("{DECLARATION}<csw:DescribeRecordResponse {NAMESPACES}>");
    for t in types {
        let location = match t {
            RecordType::Record => "http://schemas.opengis.net/csw/2.0.2/record.xsd",
            RecordType::Iso => "http://schemas.opengis.net/iso/19139/20070417/gmd/gmd.xsd",
        };
        let _ = write!(
            x,
            "<csw:SchemaComponent targetNamespace=\"{0}\" schemaLanguage=\"http://www.w3.org/XML/Schema\">\
             <xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"{0}\">\
             <xs:include schemaLocation=\"{location}\"/></xs:schema></csw:SchemaComponent>",
            t.namespace()
        );
    }
    x.push_str("</csw:DescribeRecordResponse>");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Record {
        serde_json::from_value(serde_json::json!({
            "uuid": "u-1", "kind": "dataset", "title": "Fylker & grenser", "abstract": "Om fylker",
            "organisation": { "id": "kartverket", "name": "Kartverket" },
            "keywords": ["fylke"], "theme": "Basis geodata", "topic_category": "boundaries",
            "license": "CC BY 4.0", "access": "open",
            "bbox": { "west": 4.5, "south": 57.9, "east": 31.2, "north": 71.2 },
            "crs": [], "formats": ["GeoJSON"], "feature_count": null, "schema": null, "lineage": null,
            "created": "2026-01-01T00:00:00Z", "updated": "2026-02-01T00:00:00Z", "version": 1
        }))
        .expect("a record")
    }

    #[test]
    fn element_sets_grow() {
        let r = sample();
        let brief = record(&r, RecordType::Record, ElementSet::Brief, "http://h");
        assert!(brief.starts_with("<csw:BriefRecord><dc:identifier>u-1</dc:identifier><dc:title>Fylker &amp; grenser"));
        assert!(brief.contains("<ows:LowerCorner>57.9 4.5</ows:LowerCorner>"), "{brief}");
        assert!(!brief.contains("dct:abstract"));
        let summary = record(&r, RecordType::Record, ElementSet::Summary, "http://h");
        assert!(summary.contains("<dc:subject>Basis geodata</dc:subject>") && summary.contains("<dct:abstract>"));
        assert!(!summary.contains("dc:rights"));
        let full = record(&r, RecordType::Record, ElementSet::Full, "http://h");
        assert!(full.contains("<dc:rights>no restrictions</dc:rights>") && full.contains("<dc:publisher>Kartverket"));
        let iso = record(&r, RecordType::Iso, ElementSet::Brief, "http://h");
        assert!(iso.starts_with("<gmd:MD_Metadata"), "{iso}");
        let doc = get_records_response(&Page {
            matched: 3,
            records: &[brief],
            next: 2,
            elements: ElementSet::Brief,
            schema: RecordType::Record,
        });
        assert!(doc.contains("numberOfRecordsMatched=\"3\" numberOfRecordsReturned=\"1\" nextRecord=\"2\""));
        crate::filter::fes::dom(&doc).expect("well-formed");
    }
}
