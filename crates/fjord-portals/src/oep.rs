//! OEP (Offentlig elektronisk postjournal): agencies' public records journals. Its kind
//! `public-record` is one journal entry: agency, case number (`2026/1234`), document
//! number, title, date, direction, sender or recipient and the access code: empty for a
//! public document, or an exemption (`Offl. § 13`) with its legal basis. Its kind
//! `access-request` is a citizen's request for access to one, routed to the agency.
//!
//! An exempt entry is shown without its content ([`mask`]): the agency, case number,
//! document number, date, direction, access code and legal basis stay visible; the title
//! is replaced by "Unntatt offentlighet – <code>", and under `Offl. § 13` (a duty of
//! confidentiality, which protects the people concerned) the sender or recipient too. Its
//! catalogue title is the masked one, and its access is the agency's members
//! ([`record_access`]), who read it whole.

use fjord_catalogue::{Access, Error, Kind};
use serde_json::{json, Value};

/// The journal entry kind's name.
pub const RECORD: &str = "public-record";

/// The access request kind's name.
pub const REQUEST: &str = "access-request";

/// The kinds OEP keeps.
pub fn kinds() -> Vec<Kind> {
    vec![
        Kind {
            name: RECORD.into(),
            title: "Journalpost i offentlig postjournal".into(),
            schema: json!({
                "type": "object",
                "required": ["case_number", "document_number", "document_title", "document_date", "direction", "sender_recipient", "access_code"],
                "additionalProperties": false,
                "properties": {
                    "case_number": {"type": "string", "pattern": "^[0-9]{4}/[0-9]{1,7}$"},
                    "document_number": {"type": "integer", "minimum": 1},
                    "document_title": {"type": "string", "minLength": 1},
                    "document_date": {"type": "string", "format": "date"},
                    "direction": {"enum": ["incoming", "outgoing", "internal"]},
                    "sender_recipient": {"type": "string", "minLength": 1},
                    "access_code": {"type": "string", "pattern": "^$|^Offl\\. § [0-9]+[a-z]?"},
                    "legal_basis": {"type": "string", "minLength": 1}
                },
                "if": {"properties": {"access_code": {"minLength": 1}}},
                "then": {"required": ["legal_basis"]}
            }),
        },
        Kind {
            name: REQUEST.into(),
            title: "Innsynskrav".into(),
            schema: json!({
                "type": "object",
                "required": ["record", "case_number", "requester", "status"],
                "additionalProperties": false,
                "properties": {
                    "record": {"type": "string", "minLength": 1},
                    "case_number": {"type": "string"},
                    "requester": {"type": "string", "minLength": 1},
                    "message": {"type": "string", "maxLength": 2000},
                    "status": {"enum": ["pending", "granted", "refused"]},
                    "reason": {"type": "string", "minLength": 1},
                    "answered_by": {"type": "string"}
                }
            }),
        },
    ]
}

/// The access code of an entry's properties (empty: public).
pub fn access_code(p: &Value) -> &str {
    p["access_code"].as_str().unwrap_or("").trim()
}

/// Who reads an entry of `agency` with access code `code` whole: everyone when public,
/// else the agency's members.
pub fn record_access(agency: &str, code: &str) -> Access {
    if code.is_empty() {
        Access::Open
    } else {
        Access::Roles(vec![format!("{agency}:viewer")])
    }
}

/// The catalogue title of an entry: its document title, or when exempt the masked one.
pub fn record_title(p: &Value) -> String {
    match access_code(p) {
        "" => p["document_title"].as_str().unwrap_or("").to_string(),
        code => format!("Unntatt offentlighet – {code}"),
    }
}

/// An entry's properties as those outside the agency see them: whole when public; when
/// exempt with the title masked, and under `Offl. § 13` the sender or recipient too.
pub fn mask(p: &Value) -> Value {
    let code = access_code(p);
    if code.is_empty() {
        return p.clone();
    }
    let mut out = p.clone();
    out["document_title"] = format!("Unntatt offentlighet – {code}").into();
    if code.starts_with("Offl. § 13") && !code.starts_with("Offl. § 13a") {
        out["sender_recipient"] = "Unntatt offentlighet".into();
    }
    out["masked"] = true.into();
    out
}

/// Check a write of a journal entry or a request beyond its schema: an entry's title and
/// access are those its access code gives ([`record_title`], [`record_access`]), so an
/// exempt entry is never written with its content open; a request's access is its
/// citizen's and its agency's. A refusal names the field.
pub fn check(r: &fjord_catalogue::Record) -> Result<(), Error> {
    let invalid = |field: &str, reason: String| Error::Invalid { field: field.into(), reason };
    let p = r.properties.as_ref().unwrap_or(&Value::Null);
    let agency = r.organisation.id.as_str();
    let access = match r.kind.as_str() {
        RECORD => {
            if r.title != record_title(p) {
                return Err(invalid("title", format!("an entry's title is '{}'", record_title(p))));
            }
            record_access(agency, access_code(p))
        }
        REQUEST => request_access(p["requester"].as_str().unwrap_or(""), agency),
        _ => return Ok(()),
    };
    if r.access != access {
        return Err(invalid("access", format!("it is {access:?}")));
    }
    Ok(())
}

/// Who reads a request: the citizen who sent it and the agency's members.
pub fn request_access(requester: &str, agency: &str) -> Access {
    Access::AnyOf(vec![Access::Person(requester.into()), Access::Roles(vec![format!("{agency}:viewer")])])
}

/// A request's answer: `status` (granted or refused) with a `reason` (required when
/// refused), from `pending` only. A refusal names the field.
pub fn answer(request: &Value, status: &str, reason: Option<&str>, by: &str) -> Result<Value, Error> {
    let invalid = |field: &str, reason: &str| Error::Invalid { field: field.into(), reason: reason.into() };
    if request["status"] != "pending" {
        return Err(invalid("status", "the request is answered already"));
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    match (status, reason) {
        ("refused", None) => return Err(invalid("reason", "a refusal says why (its legal basis)")),
        ("granted" | "refused", _) => {}
        _ => return Err(invalid("status", "granted or refused")),
    }
    let mut out = request.clone();
    out["status"] = status.into();
    if let Some(r) = reason {
        out["reason"] = r.into();
    }
    out["answered_by"] = by.into();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(code: &str) -> Value {
        json!({
            "case_number": "2026/1234", "document_number": 3, "document_title": "Søknad om barnehageplass for Ola",
            "document_date": "2026-03-02", "direction": "incoming", "sender_recipient": "Kari Nordmann",
            "access_code": code, "legal_basis": "offl. § 13 jf. fvl. § 13 første ledd nr. 1"
        })
    }

    #[test]
    fn an_exempt_entry_shows_its_case_but_not_its_content() {
        let m = mask(&entry("Offl. § 13"));
        assert_eq!(m["document_title"], "Unntatt offentlighet – Offl. § 13");
        assert_eq!(m["sender_recipient"], "Unntatt offentlighet");
        for kept in ["case_number", "document_number", "document_date", "access_code", "legal_basis"] {
            assert_eq!(m[kept], entry("Offl. § 13")[kept], "{kept} stays");
        }
        let internal = mask(&entry("Offl. § 14"));
        assert_eq!(internal["document_title"], "Unntatt offentlighet – Offl. § 14");
        assert_eq!(internal["sender_recipient"], "Kari Nordmann", "parties shown outside § 13");
        assert_eq!(mask(&entry("")), entry(""), "a public entry is whole");
        assert_eq!(record_title(&entry("Offl. § 13")), "Unntatt offentlighet – Offl. § 13");
        assert_eq!(record_title(&entry("")), "Søknad om barnehageplass for Ola");
        assert_eq!(record_access("bergen", ""), Access::Open);
        assert_eq!(record_access("bergen", "Offl. § 13"), Access::Roles(vec!["bergen:viewer".into()]));
    }

    #[test]
    fn an_exempt_entry_is_never_written_open() {
        let (title, access) = ("Unntatt offentlighet – Offl. § 13", record_access("bergen", "Offl. § 13"));
        let mut r = crate::draft::testing::record(RECORD, "x", title, "bergen", access, entry("Offl. § 13"));
        assert!(check(&r).is_ok());
        r.access = Access::Open;
        assert!(check(&r).unwrap_err().to_string().starts_with("access:"));
        r.access = record_access("bergen", "Offl. § 13");
        r.title = "Søknad om barnehageplass for Ola".into();
        assert!(check(&r).unwrap_err().to_string().starts_with("title:"));
    }

    #[test]
    fn a_request_is_answered_once_and_a_refusal_says_why() {
        let pending = json!({"record": "r", "case_number": "2026/1", "requester": "ola", "status": "pending"});
        let granted = answer(&pending, "granted", None, "kari").unwrap();
        assert_eq!((granted["status"].as_str(), granted["answered_by"].as_str()), (Some("granted"), Some("kari")));
        assert!(answer(&granted, "refused", Some("x"), "kari").unwrap_err().to_string().starts_with("status:"));
        assert!(answer(&pending, "refused", Some("  "), "kari").unwrap_err().to_string().starts_with("reason:"));
        assert!(answer(&pending, "maybe", None, "kari").is_err());
        let refused = answer(&pending, "refused", Some("Offl. § 13"), "kari").unwrap();
        assert_eq!(refused["reason"], "Offl. § 13");
        assert!(request_access("ola", "bergen").is_private());
    }
}
