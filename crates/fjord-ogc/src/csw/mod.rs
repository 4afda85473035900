//! CSW 2.0.2 over the catalogue, by KVP and by POST in the XML encoding
//! ([`handle_post`]): GetCapabilities, DescribeRecord, GetRecords (constraints in OGC
//! Filter or CQL text over AnyText, Title, Abstract, Subject, Type, OrganisationName and
//! the BoundingBox; startPosition/maxRecords; resultType hits or results; element sets
//! brief, summary and full; output as `csw:Record` or ISO 19139 `gmd:MD_Metadata`),
//! GetRecordById and GetDomain. Every search is the catalogue's own; records the caller
//! may not see are left out. Refusals are OWS 1.0 ExceptionReports.

mod capabilities;
pub(crate) mod constraint;
mod encode;
mod post;
mod request;
mod service;

pub use encode::exception_report;
pub use request::{ElementSet, RecordType, Request, CSW_NAMESPACE};

use crate::reply::Reply;
use crate::wfs::Kvp;
use crate::OwsError;
use fjord_catalogue::Catalogue;

/// The largest request body read: 1 MiB.
pub const MAX_POST_BYTES: usize = 1 << 20;

/// What a CSW request can reach.
pub struct Csw<'a> {
    /// the catalogue
    pub catalogue: &'a Catalogue,
    /// the server's root URL (`http://host`): the endpoint is `{base}/csw`, and the
    /// records' service links hang from it
    pub base: &'a str,
    /// the records (uuids) the caller may not see
    pub hidden: &'a [String],
    /// the largest `maxRecords` accepted
    pub max_records: usize,
}

/// The refusal of a body over [`MAX_POST_BYTES`] (or one that could not be read whole).
pub fn too_large() -> OwsError {
    OwsError {
        status: 413,
        code: "NoApplicableCode",
        locator: "request".into(),
        text: format!("the request body could not be read whole; it may be at most {MAX_POST_BYTES} bytes"),
    }
}

/// Answer one KVP request (or an XML one read into its KVP).
pub fn handle(csw: &Csw, params: &[(String, String)]) -> Result<Reply, OwsError> {
    match request::parse(&Kvp::new(params), csw.max_records)? {
        Request::GetCapabilities => Ok(Reply::new(service::XML, capabilities::document(&format!("{}/csw", csw.base)))),
        Request::DescribeRecord(types) => {
            let types = if types.is_empty() { RecordType::ALL.to_vec() } else { types };
            Ok(Reply::new(service::XML, encode::describe_record_response(&types)))
        }
        Request::GetRecords(g) => service::get_records(csw, &g),
        Request::GetRecordById(g) => service::get_record_by_id(csw, &g),
        Request::GetDomain(d) => service::get_domain(csw, &d),
    }
}

/// Answer one request in the XML encoding.
pub fn handle_post(csw: &Csw, body: &[u8]) -> Result<Reply, OwsError> {
    if body.len() > MAX_POST_BYTES {
        return Err(too_large());
    }
    handle(csw, &post::to_kvp(body)?)
}
