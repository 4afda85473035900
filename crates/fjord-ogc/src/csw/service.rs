//! The CSW operations over the catalogue's one search: each request becomes a
//! [`SearchQuery`](fjord_catalogue::SearchQuery) or a lookup by uuid, with the records
//! the caller may not see left out.

use super::capabilities::parameter_domain;
use super::encode::{self, Page};
use super::request::{Domain, GetRecordById, GetRecords};
use super::Csw;
use crate::reply::Reply;
use crate::OwsError;
use fjord_catalogue::SearchQuery;

/// The media type of every answer.
pub const XML: &str = "application/xml";

fn failed(e: fjord_catalogue::Error) -> OwsError {
    match e {
        fjord_catalogue::Error::BadQuery(why) => OwsError::invalid("", why),
        other => OwsError::internal(other),
    }
}

/// GetRecords: one page of the search, or only its count.
pub fn get_records(csw: &Csw, g: &GetRecords) -> Result<Reply, OwsError> {
    let max = g.query.limit;
    // a page of at least one is searched even when none is to be returned
    let query = SearchQuery { limit: max.max(1), hidden: csw.hidden.to_vec(), metadata_only: true, ..g.query.clone() };
    let result = csw.catalogue.search(&query).map_err(failed)?;
    let records: Vec<String> = if g.hits || max == 0 {
        Vec::new()
    } else {
        result.hits.iter().map(|h| encode::record(&h.record, g.schema, g.elements, csw.base)).collect()
    };
    let end = (g.start - 1).saturating_add(max) as u64;
    let next = if max > 0 && end < result.total { end + 1 } else { 0 };
    let page = Page { matched: result.total, records: &records, next, elements: g.elements, schema: g.schema };
    Ok(Reply::new(XML, encode::get_records_response(&page)))
}

/// GetRecordById: the records found among those the caller may see; unknown ids are
/// left out, as pycsw and GeoNetwork do.
pub fn get_record_by_id(csw: &Csw, g: &GetRecordById) -> Result<Reply, OwsError> {
    let mut records = Vec::new();
    for id in g.ids.iter().filter(|id| !csw.hidden.contains(id)) {
        if let Some(r) = csw.catalogue.get(id).map_err(failed)?.filter(|r| !csw.catalogue.is_declared(&r.kind)) {
            records.push(encode::record(&r, g.schema, g.elements, csw.base));
        }
    }
    Ok(Reply::new(XML, encode::get_record_by_id_response(&records)))
}

/// GetDomain: a request parameter's values, or those of a record property the catalogue
/// counts (Type: the record kinds; OrganisationName: the owner organisations' ids, which
/// the OrganisationName queryable matches; Subject: the themes).
pub fn get_domain(csw: &Csw, d: &Domain) -> Result<Reply, OwsError> {
    let (parameter, name, values) = match d {
        Domain::Parameter(name) => {
            let values = parameter_domain(name).ok_or_else(|| {
                OwsError::invalid("ParameterName", format!("'{name}' is not a parameter of this service"))
            })?;
            (true, name, values)
        }
        Domain::Property(name) => {
            let query =
                SearchQuery { limit: 1, hidden: csw.hidden.to_vec(), metadata_only: true, ..SearchQuery::default() };
            let facets = csw.catalogue.search(&query).map_err(failed)?.facets;
            let counted = match name.rsplit(':').next().unwrap_or("") {
                "Type" | "type" => facets.kind,
                "OrganisationName" => facets.org,
                "Subject" | "subject" => facets.theme,
                _ => {
                    return Err(OwsError::invalid(
                        "PropertyName",
                        format!("'{name}' has no listed domain; Type, OrganisationName and Subject have"),
                    ))
                }
            };
            (false, name, counted.into_iter().map(|c| c.value).collect())
        }
    };
    Ok(Reply::new(XML, encode::get_domain_response(parameter, name, &values)))
}
