//! A record as ISO 19139 XML (`gmd:MD_Metadata`), shaped as GeoNorge's Norwegian profile
//! of ISO 19115 writes it: language `nor`, access constraints in GeoNorge's values,
//! online resources typed by GeoNorge's protocol names.

use crate::distribution::OnlineResource;
use crate::record::{Access, Record};
use fjord_core::Crs;
use quick_xml::events::BytesText;
use quick_xml::Writer;
use std::io;

/// The ISO 19139 namespace, the `outputSchema` that asks for this encoding in CSW.
pub const NAMESPACE: &str = "http://www.isotc211.org/2005/gmd";

const CODELISTS: &str = "http://standards.iso.org/iso/19139/resources/gmxCodelists.xml";
const NAMESPACES: [(&str, &str); 7] = [
    ("xmlns:gmd", NAMESPACE),
    ("xmlns:gco", "http://www.isotc211.org/2005/gco"),
    ("xmlns:gmx", "http://www.isotc211.org/2005/gmx"),
    ("xmlns:gml", "http://www.opengis.net/gml"),
    ("xmlns:srv", "http://www.isotc211.org/2005/srv"),
    ("xmlns:xlink", "http://www.w3.org/1999/xlink"),
    ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
];
const SCHEMA_LOCATION: &str =
    "http://www.isotc211.org/2005/gmd http://schemas.opengis.net/iso/19139/20070417/gmd/gmd.xsd";

type W = Writer<Vec<u8>>;

/// The ISO 19139 document of `record`, with `links` as the online resources of its
/// distribution (see [`crate::service_links`]; the download service adds its own).
pub fn document(record: &Record, links: &[OnlineResource]) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}", element(record, links))
}

/// The MD_Metadata element alone (no XML declaration), for embedding in another
/// document such as a CSW response.
pub fn element(record: &Record, links: &[OnlineResource]) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    // writing into memory cannot fail, and the input is UTF-8
    metadata(&mut w, record, links).expect("writing XML into memory");
    String::from_utf8(w.into_inner()).expect("quick-xml writes UTF-8 from UTF-8 input")
}

/// The ISO `MD_ScopeCode` of a record kind: `dataset`, `service`, or
/// `nonGeographicDataset` for the portals' record kinds.
pub fn scope(kind: &str) -> &'static str {
    match kind {
        "dataset" => "dataset",
        "service" => "service",
        _ => "nonGeographicDataset",
    }
}

/// GeoNorge's access constraint for `access`: `no restrictions` (open data), `norway
/// digital restricted` (Norway Digital partners) or `restricted`.
pub fn access_constraint(access: &Access) -> &'static str {
    match access {
        Access::Open => "no restrictions",
        Access::Partners => "norway digital restricted",
        _ => "restricted",
    }
}

fn metadata(w: &mut W, r: &Record, links: &[OnlineResource]) -> io::Result<()> {
    w.create_element("gmd:MD_Metadata")
        .with_attributes(NAMESPACES)
        .with_attribute(("xsi:schemaLocation", SCHEMA_LOCATION))
        .write_inner_content(|w| {
            string(w, "gmd:fileIdentifier", &r.uuid)?;
            language(w)?;
            code(w, "gmd:characterSet", "MD_CharacterSetCode", "utf8")?;
            code(w, "gmd:hierarchyLevel", "MD_ScopeCode", scope(&r.kind))?;
            party(w, "gmd:contact", &r.organisation.name, "pointOfContact")?;
            inside(w, "gmd:dateStamp", |w| text(w, "gco:DateTime", &r.updated))?;
            string(w, "gmd:metadataStandardName", "ISO 19115:2003/19139")?;
            string(w, "gmd:metadataStandardVersion", "1.0")?;
            for crs in &r.crs {
                if let Ok(Crs::Epsg(code)) = Crs::parse(crs) {
                    reference_system(w, code)?;
                }
            }
            inside(w, "gmd:identificationInfo", |w| identification(w, r))?;
            inside(w, "gmd:distributionInfo", |w| distribution(w, r, links))?;
            inside(w, "gmd:dataQualityInfo", |w| quality(w, r))
        })?;
    Ok(())
}

fn identification(w: &mut W, r: &Record) -> io::Result<()> {
    inside(w, "gmd:MD_DataIdentification", |w| {
        inside(w, "gmd:citation", |w| {
            inside(w, "gmd:CI_Citation", |w| {
                string(w, "gmd:title", &r.title)?;
                date(w, &r.created, "creation")?;
                date(w, &r.updated, "revision")
            })
        })?;
        string(w, "gmd:abstract", &r.abstract_text)?;
        party(w, "gmd:pointOfContact", &r.organisation.name, "owner")?;
        if !r.keywords.is_empty() {
            keywords(w, &r.keywords, None)?;
        }
        if let Some(theme) = &r.theme {
            keywords(w, std::slice::from_ref(theme), Some("GeoNorge tema"))?;
        }
        constraints(w, r)?;
        if r.schema.is_some() {
            code(w, "gmd:spatialRepresentationType", "MD_SpatialRepresentationTypeCode", "vector")?;
        }
        if let Some(cov) = &r.coverage {
            code(w, "gmd:spatialRepresentationType", "MD_SpatialRepresentationTypeCode", "grid")?;
            if let Some(finest) = cov.resolutions.first() {
                inside(w, "gmd:spatialResolution", |w| {
                    inside(w, "gmd:MD_Resolution", |w| {
                        inside(w, "gmd:distance", |w| {
                            w.create_element("gco:Distance")
                                .with_attribute(("uom", "m"))
                                .write_text_content(BytesText::new(&finest.to_string()))?;
                            Ok(())
                        })
                    })
                })?;
            }
        }
        language(w)?;
        if let Some(topic) = &r.topic_category {
            inside(w, "gmd:topicCategory", |w| text(w, "gmd:MD_TopicCategoryCode", topic))?;
        }
        if let Some(b) = r.bbox {
            inside(w, "gmd:extent", |w| {
                inside(w, "gmd:EX_Extent", |w| {
                    inside(w, "gmd:geographicElement", |w| {
                        inside(w, "gmd:EX_GeographicBoundingBox", |w| {
                            for (tag, v) in [
                                ("gmd:westBoundLongitude", b.west),
                                ("gmd:eastBoundLongitude", b.east),
                                ("gmd:southBoundLatitude", b.south),
                                ("gmd:northBoundLatitude", b.north),
                            ] {
                                inside(w, tag, |w| text(w, "gco:Decimal", &v.to_string()))?;
                            }
                            Ok(())
                        })
                    })
                })
            })?;
        }
        Ok(())
    })
}

/// Access as GeoNorge writes it: `restricted` as the ISO restriction code, the others as
/// `otherRestrictions` named in otherConstraints; the license as a use constraint.
fn constraints(w: &mut W, r: &Record) -> io::Result<()> {
    let value = access_constraint(&r.access);
    let restriction = if value == "restricted" { "restricted" } else { "otherRestrictions" };
    inside(w, "gmd:resourceConstraints", |w| {
        inside(w, "gmd:MD_LegalConstraints", |w| {
            code(w, "gmd:accessConstraints", "MD_RestrictionCode", restriction)?;
            string(w, "gmd:otherConstraints", value)
        })
    })?;
    if let Some(license) = &r.license {
        inside(w, "gmd:resourceConstraints", |w| {
            inside(w, "gmd:MD_LegalConstraints", |w| {
                code(w, "gmd:useConstraints", "MD_RestrictionCode", "license")?;
                string(w, "gmd:otherConstraints", license)
            })
        })?;
    }
    Ok(())
}

fn distribution(w: &mut W, r: &Record, links: &[OnlineResource]) -> io::Result<()> {
    inside(w, "gmd:MD_Distribution", |w| {
        for format in &r.formats {
            inside(w, "gmd:distributionFormat", |w| {
                inside(w, "gmd:MD_Format", |w| {
                    string(w, "gmd:name", format)?;
                    unknown(w, "gmd:version")
                })
            })?;
        }
        if links.is_empty() {
            return Ok(());
        }
        inside(w, "gmd:transferOptions", |w| {
            inside(w, "gmd:MD_DigitalTransferOptions", |w| {
                for link in links {
                    inside(w, "gmd:onLine", |w| {
                        inside(w, "gmd:CI_OnlineResource", |w| {
                            inside(w, "gmd:linkage", |w| text(w, "gmd:URL", &link.url))?;
                            string(w, "gmd:protocol", link.protocol.as_str())?;
                            string(w, "gmd:name", &link.name)?;
                            string(w, "gmd:description", &link.description)?;
                            code(w, "gmd:function", "CI_OnLineFunctionCode", link.protocol.function())
                        })
                    })?;
                }
                Ok(())
            })
        })
    })
}

fn quality(w: &mut W, r: &Record) -> io::Result<()> {
    inside(w, "gmd:DQ_DataQuality", |w| {
        inside(w, "gmd:scope", |w| {
            inside(w, "gmd:DQ_Scope", |w| code(w, "gmd:level", "MD_ScopeCode", scope(&r.kind)))
        })?;
        inside(w, "gmd:lineage", |w| {
            inside(w, "gmd:LI_Lineage", |w| {
                let statement = match (&r.lineage_note, &r.lineage) {
                    (Some(note), _) => note.clone(),
                    (None, Some(l)) => format!("Read from {} by {}.", l.source, l.org),
                    (None, None) => String::new(),
                };
                if !statement.is_empty() {
                    string(w, "gmd:statement", &statement)?;
                }
                if let Some(l) = &r.lineage {
                    inside(w, "gmd:source", |w| {
                        inside(w, "gmd:LI_Source", |w| {
                            let about = format!(
                                "{} ({} bytes, SHA-256 {}), layer {} read with GDAL {} from {}, ingested by {} for {} at {}",
                                l.source, l.bytes, l.sha256, l.layer, l.driver, l.source_crs, l.by, l.org, l.at
                            );
                            string(w, "gmd:description", &about)
                        })
                    })?;
                }
                Ok(())
            })
        })
    })
}

fn reference_system(w: &mut W, epsg: u32) -> io::Result<()> {
    inside(w, "gmd:referenceSystemInfo", |w| {
        inside(w, "gmd:MD_ReferenceSystem", |w| {
            inside(w, "gmd:referenceSystemIdentifier", |w| {
                inside(w, "gmd:RS_Identifier", |w| {
                    inside(w, "gmd:code", |w| {
                        w.create_element("gmx:Anchor")
                            .with_attribute((
                                "xlink:href",
                                format!("http://www.opengis.net/def/crs/EPSG/0/{epsg}").as_str(),
                            ))
                            .write_text_content(BytesText::new(&format!("EPSG:{epsg}")))?;
                        Ok(())
                    })?;
                    string(w, "gmd:codeSpace", "EPSG")
                })
            })
        })
    })
}

fn keywords(w: &mut W, words: &[String], thesaurus: Option<&str>) -> io::Result<()> {
    inside(w, "gmd:descriptiveKeywords", |w| {
        inside(w, "gmd:MD_Keywords", |w| {
            for word in words {
                string(w, "gmd:keyword", word)?;
            }
            if let Some(title) = thesaurus {
                code(w, "gmd:type", "MD_KeywordTypeCode", "theme")?;
                inside(w, "gmd:thesaurusName", |w| {
                    inside(w, "gmd:CI_Citation", |w| {
                        string(w, "gmd:title", title)?;
                        unknown(w, "gmd:date")
                    })
                })?;
            }
            Ok(())
        })
    })
}

fn party(w: &mut W, tag: &str, organisation: &str, role: &str) -> io::Result<()> {
    inside(w, tag, |w| {
        inside(w, "gmd:CI_ResponsibleParty", |w| {
            string(w, "gmd:organisationName", organisation)?;
            code(w, "gmd:role", "CI_RoleCode", role)
        })
    })
}

/// A CI_Date of an RFC 3339 time (its date part).
fn date(w: &mut W, rfc3339: &str, kind: &str) -> io::Result<()> {
    let day = rfc3339.get(..10).unwrap_or(rfc3339);
    inside(w, "gmd:date", |w| {
        inside(w, "gmd:CI_Date", |w| {
            inside(w, "gmd:date", |w| text(w, "gco:Date", day))?;
            code(w, "gmd:dateType", "CI_DateTypeCode", kind)
        })
    })
}

fn language(w: &mut W) -> io::Result<()> {
    inside(w, "gmd:language", |w| {
        w.create_element("gmd:LanguageCode")
            .with_attributes([("codeList", "http://www.loc.gov/standards/iso639-2/"), ("codeListValue", "nor")])
            .write_text_content(BytesText::new("nor"))?;
        Ok(())
    })
}

/// `<tag><gmd:{list} codeList=".." codeListValue="value">value</gmd:{list}></tag>`
fn code(w: &mut W, tag: &str, list: &str, value: &str) -> io::Result<()> {
    inside(w, tag, |w| {
        w.create_element(format!("gmd:{list}"))
            .with_attributes([("codeList", format!("{CODELISTS}#{list}").as_str()), ("codeListValue", value)])
            .write_text_content(BytesText::new(value))?;
        Ok(())
    })
}

/// `<tag><gco:CharacterString>value</gco:CharacterString></tag>`
fn string(w: &mut W, tag: &str, value: &str) -> io::Result<()> {
    inside(w, tag, |w| text(w, "gco:CharacterString", value))
}

/// `<tag gco:nilReason="unknown"/>`
fn unknown(w: &mut W, tag: &str) -> io::Result<()> {
    w.create_element(tag).with_attribute(("gco:nilReason", "unknown")).write_empty()?;
    Ok(())
}

fn text(w: &mut W, tag: &str, value: &str) -> io::Result<()> {
    w.create_element(tag).write_text_content(BytesText::new(value))?;
    Ok(())
}

fn inside(w: &mut W, tag: &str, content: impl FnOnce(&mut W) -> io::Result<()>) -> io::Result<()> {
    w.create_element(tag).write_inner_content(content)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::distribution::service_links;
    use crate::record::testing::{coverage, record};
    use fjord_core::{GeometryKind, Schema};
    use quick_xml::events::Event;
    use quick_xml::Reader;

    /// Every element's text, in document order, after checking the XML is well formed.
    fn texts(xml: &str) -> Vec<(String, String)> {
        let mut reader = Reader::from_str(xml);
        let (mut path, mut out, mut text) = (Vec::new(), Vec::new(), String::new());
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) => {
                    path.push(e.name().as_ref().to_string());
                    text.clear();
                }
                Event::End(_) => {
                    let tag = path.pop().expect("balanced");
                    if !text.trim().is_empty() {
                        out.push((tag, text.trim().to_string()));
                    }
                    text.clear();
                }
                Event::Text(t) => text.push_str(&t.xml10_content()),
                Event::GeneralRef(r) => {
                    text.push_str(quick_xml::escape::resolve_predefined_entity(&r).expect("a predefined entity"))
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert!(path.is_empty(), "every element is closed");
        out
    }

    fn has(texts: &[(String, String)], tag: &str, value: &str) -> bool {
        texts.iter().any(|(t, v)| t == tag && v == value)
    }

    #[test]
    fn a_feature_dataset_in_geonorge_shape() {
        let mut r =
            record("fylker", "Fylker <2024> & co", "kartverket", "Basis geodata", &["fylke"], (4.5, 57.9, 31.2, 71.2));
        r.schema = Some(Schema { geometry: GeometryKind::Polygon, fields: vec![] });
        r.license = Some("CC BY 4.0".into());
        r.crs = vec!["EPSG:25833".into(), "OGC:CRS84".into(), "EPSG:4258".into()];
        r.formats = vec!["GeoJSON".into()];
        r.topic_category = Some("boundaries".into());
        r.lineage_note = Some("Syntetiske grenser".into());
        let xml = document(&r, &service_links(&r, "http://h"));
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gmd:MD_Metadata"));
        let t = texts(&xml);
        for (tag, value) in [
            ("gco:CharacterString", "fylker"),
            ("gmd:LanguageCode", "nor"),
            ("gmd:MD_ScopeCode", "dataset"),
            ("gco:CharacterString", "Fylker <2024> & co"),
            ("gco:CharacterString", "KARTVERKET"),
            ("gmx:Anchor", "EPSG:25833"),
            ("gmx:Anchor", "EPSG:4258"),
            ("gmd:MD_RestrictionCode", "otherRestrictions"),
            ("gco:CharacterString", "no restrictions"),
            ("gmd:MD_RestrictionCode", "license"),
            ("gco:CharacterString", "CC BY 4.0"),
            ("gmd:MD_TopicCategoryCode", "boundaries"),
            ("gco:Decimal", "4.5"),
            ("gco:Decimal", "71.2"),
            ("gco:CharacterString", "OGC:WFS"),
            ("gmd:URL", "http://h/wfs?service=WFS&request=GetCapabilities"),
            ("gco:CharacterString", "Syntetiske grenser"),
            ("gmd:MD_SpatialRepresentationTypeCode", "vector"),
        ] {
            assert!(has(&t, tag, value), "{tag} = {value} in\n{xml}");
        }
        assert!(!xml.contains("CRS84"), "only EPSG codes are reference systems");
    }

    #[test]
    fn access_and_kind_map_to_iso_codes() {
        let mut r = record("hoyde", "Høyde", "kartverket", "Høydedata", &[], (4.0, 57.0, 31.0, 71.0));
        r.coverage = Some(coverage());
        r.access = Access::Partners;
        let t = texts(&document(&r, &[]));
        assert!(has(&t, "gco:CharacterString", "norway digital restricted"));
        assert!(has(&t, "gmd:MD_SpatialRepresentationTypeCode", "grid"));
        assert!(has(&t, "gco:Distance", "10"));
        r.access = Access::Login;
        r.kind = "regel".into();
        let t = texts(&document(&r, &[]));
        assert!(has(&t, "gmd:MD_RestrictionCode", "restricted"));
        assert!(has(&t, "gmd:MD_ScopeCode", "nonGeographicDataset"));
        assert!(!t.iter().any(|(tag, _)| tag == "gmd:URL"), "no links, no transfer options");
    }
}
