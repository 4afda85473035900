//! CSW 2.0.2 KVP requests (POST bodies are read into the same pairs, see
//! [`super::post`]): checked values, each refusal an OWS exception naming its parameter.

use super::constraint;
use crate::wfs::Kvp;
use crate::OwsError;
use fjord_catalogue::SearchQuery;

/// The CSW record namespace: the `csw:Record` output schema and type name.
pub const CSW_NAMESPACE: &str = "http://www.opengis.net/cat/csw/2.0.2";

/// The operations served.
#[derive(Clone, Debug)]
pub enum Request {
    /// service metadata
    GetCapabilities,
    /// the schemas of the record types asked for (all when empty)
    DescribeRecord(Vec<RecordType>),
    /// a search
    GetRecords(Box<GetRecords>),
    /// records by identifier
    GetRecordById(GetRecordById),
    /// the values a parameter or a record property takes
    GetDomain(Domain),
}

/// The record types (`typeNames`) and their output schemas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordType {
    /// `csw:Record`, Dublin Core
    Record,
    /// `gmd:MD_Metadata`, ISO 19139
    Iso,
}

impl RecordType {
    /// Both, in the order the capabilities list them.
    pub const ALL: [RecordType; 2] = [RecordType::Record, RecordType::Iso];

    /// The qualified type name.
    pub fn type_name(self) -> &'static str {
        match self {
            RecordType::Record => "csw:Record",
            RecordType::Iso => "gmd:MD_Metadata",
        }
    }

    /// The output schema URI.
    pub fn namespace(self) -> &'static str {
        match self {
            RecordType::Record => CSW_NAMESPACE,
            RecordType::Iso => fjord_catalogue::iso19139::NAMESPACE,
        }
    }

    /// From a type name (any prefix, or none).
    fn from_type_name(name: &str) -> Option<RecordType> {
        match name.trim().rsplit(':').next()? {
            "Record" => Some(RecordType::Record),
            "MD_Metadata" => Some(RecordType::Iso),
            _ => None,
        }
    }

    /// From an output schema URI.
    fn from_namespace(uri: &str) -> Option<RecordType> {
        RecordType::ALL.into_iter().find(|t| t.namespace() == uri.trim())
    }
}

/// How much of each record is returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElementSet {
    /// identifier, title, type and extent
    Brief,
    /// brief, and subjects, formats, dates, abstract
    Summary,
    /// everything
    Full,
}

impl ElementSet {
    /// As written in requests and responses.
    pub fn as_str(self) -> &'static str {
        match self {
            ElementSet::Brief => "brief",
            ElementSet::Summary => "summary",
            ElementSet::Full => "full",
        }
    }
}

/// A checked GetRecords.
#[derive(Clone, Debug)]
pub struct GetRecords {
    /// the catalogue search the constraint and paging make (its `hidden` is left to the
    /// service); `limit` is `maxRecords`, which may be 0
    pub query: SearchQuery,
    /// `startPosition`, 1-based
    pub start: usize,
    /// only the count (`resultType=hits`)
    pub hits: bool,
    /// the element set
    pub elements: ElementSet,
    /// the output schema
    pub schema: RecordType,
}

/// A checked GetRecordById.
#[derive(Clone, Debug, PartialEq)]
pub struct GetRecordById {
    /// the record uuids
    pub ids: Vec<String>,
    /// the element set
    pub elements: ElementSet,
    /// the output schema
    pub schema: RecordType,
}

/// What GetDomain asks about.
#[derive(Clone, Debug, PartialEq)]
pub enum Domain {
    /// a request parameter, `Operation.parameter`
    Parameter(String),
    /// a record property (queryable)
    Property(String),
}

/// The parameter that names a constraint's language, and the values it takes.
pub const CONSTRAINT_LANGUAGES: [&str; 2] = ["FILTER", "CQL_TEXT"];

/// Parse one request. `max_records` is the largest `maxRecords` accepted.
pub fn parse(kvp: &Kvp, max_records: usize) -> Result<Request, OwsError> {
    match kvp.get("SERVICE") {
        Some(s) if s.eq_ignore_ascii_case("CSW") => {}
        Some(s) => return Err(OwsError::invalid("service", format!("service '{s}' is not offered here; use CSW"))),
        None => return Err(OwsError::missing("service")),
    }
    let request = kvp.get("REQUEST").ok_or_else(|| OwsError::missing("request"))?;
    if request.eq_ignore_ascii_case("GetCapabilities") {
        return capabilities(kvp).map(|()| Request::GetCapabilities);
    }
    match kvp.get("VERSION") {
        None | Some("2.0.2") => {}
        Some(v) => return Err(OwsError::invalid("version", format!("version '{v}' is not served; use 2.0.2"))),
    }
    check_output_format(kvp)?;
    match request.to_ascii_lowercase().as_str() {
        "describerecord" => describe_record(kvp).map(Request::DescribeRecord),
        "getrecords" => get_records(kvp, max_records).map(|g| Request::GetRecords(Box::new(g))),
        "getrecordbyid" => get_record_by_id(kvp).map(Request::GetRecordById),
        "getdomain" => get_domain(kvp).map(Request::GetDomain),
        _ => Err(OwsError::not_supported(request)),
    }
}

/// GetCapabilities negotiates: 2.0.2 must be among `acceptVersions` when they are given.
fn capabilities(kvp: &Kvp) -> Result<(), OwsError> {
    match kvp.get("ACCEPTVERSIONS") {
        Some(v) if !v.split(',').any(|v| v.trim() == "2.0.2") => Err(OwsError {
            status: 400,
            code: "VersionNegotiationFailed",
            locator: "acceptVersions".into(),
            text: format!("none of '{v}' is served; this service speaks 2.0.2"),
        }),
        _ => Ok(()),
    }
}

fn check_output_format(kvp: &Kvp) -> Result<(), OwsError> {
    match kvp.get("OUTPUTFORMAT") {
        None | Some("application/xml" | "text/xml") => Ok(()),
        Some(f) => Err(OwsError::invalid("outputFormat", format!("'{f}' is not offered; use application/xml"))),
    }
}

fn describe_record(kvp: &Kvp) -> Result<Vec<RecordType>, OwsError> {
    let Some(names) = kvp.get("TYPENAME").or_else(|| kvp.get("TYPENAMES")) else { return Ok(Vec::new()) };
    type_names(names).map(|n| record_type(n, "typeName")).collect()
}

/// The names of a type name list: comma separated in KVP, space separated in XML.
fn type_names(list: &str) -> impl Iterator<Item = &str> {
    list.split(|c: char| c == ',' || c.is_whitespace()).filter(|n| !n.is_empty())
}

fn record_type(name: &str, locator: &str) -> Result<RecordType, OwsError> {
    RecordType::from_type_name(name).ok_or_else(|| {
        OwsError::invalid(
            locator,
            format!("unknown type name '{name}'; this catalogue has csw:Record and gmd:MD_Metadata"),
        )
    })
}

fn output_schema(kvp: &Kvp) -> Result<RecordType, OwsError> {
    match kvp.get("OUTPUTSCHEMA") {
        None => Ok(RecordType::Record),
        Some(uri) => RecordType::from_namespace(uri).ok_or_else(|| {
            OwsError::invalid(
                "outputSchema",
                format!("'{uri}' is not offered; use {CSW_NAMESPACE} or {}", fjord_catalogue::iso19139::NAMESPACE),
            )
        }),
    }
}

fn element_set(kvp: &Kvp) -> Result<ElementSet, OwsError> {
    match kvp.get("ELEMENTSETNAME").map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        None | Some("summary") => Ok(ElementSet::Summary),
        Some("brief") => Ok(ElementSet::Brief),
        Some("full") => Ok(ElementSet::Full),
        Some(other) => Err(OwsError::invalid("ElementSetName", format!("'{other}' is not brief, summary or full"))),
    }
}

fn number(kvp: &Kvp, key: &str, locator: &str, default: usize) -> Result<usize, OwsError> {
    kvp.get(key).map_or(Ok(default), |v| {
        v.trim().parse().map_err(|_| OwsError::invalid(locator, format!("'{v}' is not a non-negative integer")))
    })
}

fn get_records(kvp: &Kvp, max_records: usize) -> Result<GetRecords, OwsError> {
    if kvp.get("ELEMENTNAME").is_some() {
        return Err(OwsError::invalid("ElementName", "ElementName is not supported; use ElementSetName"));
    }
    if let Some(names) = kvp.get("TYPENAMES") {
        for name in type_names(names) {
            record_type(name, "typeNames")?;
        }
    }
    let hits = match kvp.get("RESULTTYPE").map(|s| s.trim().to_ascii_lowercase()).as_deref() {
        // the default of CSW 2.0.2
        None | Some("hits") => true,
        Some("results") => false,
        Some(other) => {
            return Err(OwsError::invalid("resultType", format!("'{other}' is not served; use hits or results")))
        }
    };
    let start = number(kvp, "STARTPOSITION", "startPosition", 1)?;
    if start == 0 {
        return Err(OwsError::invalid("startPosition", "startPosition counts from 1"));
    }
    let max = number(kvp, "MAXRECORDS", "maxRecords", 10)?;
    if max > max_records {
        return Err(OwsError::invalid("maxRecords", format!("maxRecords is {max}; at most {max_records}")));
    }
    let mut query = match (kvp.get("CONSTRAINT"), kvp.get("CONSTRAINTLANGUAGE")) {
        (None, _) => SearchQuery::default(),
        (Some(_), None) => return Err(OwsError::missing("CONSTRAINTLANGUAGE")),
        (Some(text), Some(lang)) => match lang.trim().to_ascii_uppercase().as_str() {
            "FILTER" => constraint::from_filter(text),
            "CQL_TEXT" => constraint::from_cql(text),
            other => {
                return Err(OwsError::invalid(
                    "CONSTRAINTLANGUAGE",
                    format!("'{other}' is not one of {}", CONSTRAINT_LANGUAGES.join(", ")),
                ))
            }
        }
        .map_err(|e| OwsError::invalid("Constraint", e))?,
    };
    query.limit = max;
    query.offset = start - 1;
    Ok(GetRecords { query, start, hits, elements: element_set(kvp)?, schema: output_schema(kvp)? })
}

fn get_record_by_id(kvp: &Kvp) -> Result<GetRecordById, OwsError> {
    let ids = kvp.get("ID").ok_or_else(|| OwsError::missing("Id"))?;
    let ids: Vec<String> = ids.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    if ids.len() > 100 {
        return Err(OwsError::invalid("Id", format!("{} ids; at most 100 per request", ids.len())));
    }
    Ok(GetRecordById { ids, elements: element_set(kvp)?, schema: output_schema(kvp)? })
}

fn get_domain(kvp: &Kvp) -> Result<Domain, OwsError> {
    match (kvp.get("PARAMETERNAME"), kvp.get("PROPERTYNAME")) {
        (Some(p), _) => Ok(Domain::Parameter(p.trim().to_string())),
        (None, Some(p)) => Ok(Domain::Property(p.trim().to_string())),
        (None, None) => Err(OwsError::missing("ParameterName")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_kvp(pairs: &[(&str, &str)]) -> Result<Request, OwsError> {
        let mut all = vec![("service".to_string(), "CSW".to_string()), ("version".into(), "2.0.2".into())];
        all.extend(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        parse(&Kvp::new(&all), 100)
    }

    fn records(pairs: &[(&str, &str)]) -> GetRecords {
        let mut all = vec![("request", "GetRecords")];
        all.extend_from_slice(pairs);
        match parse_kvp(&all).unwrap() {
            Request::GetRecords(g) => *g,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn get_records_defaults_and_paging() {
        let g = records(&[]);
        assert!(g.hits, "hits is the default result type of CSW 2.0.2");
        assert_eq!((g.start, g.query.limit, g.elements, g.schema), (1, 10, ElementSet::Summary, RecordType::Record));
        let g = records(&[
            ("resultType", "results"),
            ("startPosition", "11"),
            ("maxRecords", "5"),
            ("elementSetName", "full"),
            ("outputSchema", "http://www.isotc211.org/2005/gmd"),
            ("typeNames", "gmd:MD_Metadata"),
        ]);
        assert_eq!((g.query.offset, g.query.limit, g.elements, g.schema), (10, 5, ElementSet::Full, RecordType::Iso));
    }

    #[test]
    fn bad_requests_name_their_parameter() {
        for (pairs, locator) in [
            (vec![("request", "GetRecords"), ("maxRecords", "100000")], "maxRecords"),
            (vec![("request", "GetRecords"), ("maxRecords", "-1")], "maxRecords"),
            (vec![("request", "GetRecords"), ("startPosition", "0")], "startPosition"),
            (vec![("request", "GetRecords"), ("typeNames", "fjord:Nothing")], "typeNames"),
            (vec![("request", "GetRecords"), ("typeNames", "csw:Record fjord:Nothing")], "typeNames"),
            (vec![("request", "GetRecords"), ("resultType", "validate")], "resultType"),
            (vec![("request", "GetRecords"), ("outputSchema", "http://x")], "outputSchema"),
            (vec![("request", "GetRecords"), ("elementSetName", "huge")], "ElementSetName"),
            (vec![("request", "GetRecords"), ("elementName", "dc:title")], "ElementName"),
            (vec![("request", "GetRecords"), ("constraint", "x")], "CONSTRAINTLANGUAGE"),
            (
                vec![("request", "GetRecords"), ("constraintLanguage", "CQL_TEXT"), ("constraint", "Title LIKE")],
                "Constraint",
            ),
            (vec![("request", "GetRecords"), ("outputFormat", "application/json")], "outputFormat"),
            (vec![("request", "DescribeRecord"), ("typeName", "gml:Feature")], "typeName"),
            (vec![("request", "GetRecordById")], "Id"),
            (vec![("request", "GetDomain")], "ParameterName"),
            (vec![("request", "Harvest")], "Harvest"),
        ] {
            let e = parse_kvp(&pairs).unwrap_err();
            assert_eq!((e.status, e.locator.as_str()), (400, locator), "{pairs:?}: {e:?}");
        }
        let wrong =
            parse(&Kvp::new(&[("service".into(), "WFS".into()), ("request".into(), "GetCapabilities".into())]), 10);
        assert_eq!(wrong.unwrap_err().locator, "service");
        let version = parse_kvp(&[("request", "GetCapabilities"), ("acceptVersions", "3.0.0")]).unwrap_err();
        assert_eq!(version.code, "VersionNegotiationFailed");
    }
}
