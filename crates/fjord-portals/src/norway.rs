//! Norway.no: the one-stop entry to public services. Its kind `authority` is the
//! inventory of public authorities: name, organisation number, what it offers, the topics
//! it works with, contact. Its kind `helpdesk-request` is a citizen's question, routed to
//! the authority that answers it and readable only by the sender and that authority's
//! members ([`request_draft`]). Routing follows one rule ([`route`]): the authority the
//! citizen chose, else the one offering the chosen service, else the one working with the
//! topic.

use crate::draft::strings;
use crate::Draft;
use fjord_catalogue::{Access, Error, Record};
use serde::Deserialize;
use serde_json::json;

/// The kind of the inventory of public authorities.
pub const AUTHORITY: &str = "authority";

/// The kind of a citizen's helpdesk request.
pub const HELPDESK_REQUEST: &str = "helpdesk-request";

/// The kinds Norway.no keeps.
pub fn kinds() -> Vec<fjord_catalogue::Kind> {
    vec![
        fjord_catalogue::Kind {
            name: AUTHORITY.into(),
            title: "Offentlig virksomhet".into(),
            schema: json!({
                "type": "object",
                "required": ["organisation_number", "offers", "contact"],
                "additionalProperties": false,
                "properties": {
                    "organisation_number": {"type": "string", "pattern": "^[0-9]{9}$"},
                    "offers": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
                    "topics": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "contact": {
                        "type": "object",
                        "required": ["email"],
                        "additionalProperties": false,
                        "properties": {
                            "email": {"type": "string", "format": "email"},
                            "phone": {"type": "string", "pattern": "^\\+?[0-9 ]{8,15}$"},
                            "web": {"type": "string", "format": "uri"},
                            "address": {"type": "string"}
                        }
                    }
                }
            }),
        },
        fjord_catalogue::Kind {
            name: HELPDESK_REQUEST.into(),
            title: "Henvendelse til brukerstøtte".into(),
            schema: json!({
                "type": "object",
                "required": ["authority", "sender", "message", "status"],
                "additionalProperties": false,
                "properties": {
                    "authority": {"type": "string", "minLength": 1},
                    "service": {"type": "string", "minLength": 1},
                    "sender": {"type": "string", "minLength": 1},
                    "reply_to": {"type": "string", "format": "email"},
                    "message": {"type": "string", "minLength": 1, "maxLength": 5000},
                    "status": {"enum": ["received", "answered"]}
                }
            }),
        },
    ]
}

/// Whether authority `r` works with `topic`: its theme or one of its topics, any case.
pub fn works_with(r: &Record, topic: &str) -> bool {
    let same = |t: &str| t.trim().to_lowercase() == topic.trim().to_lowercase();
    r.theme.as_deref().is_some_and(same) || strings(r, "topics").into_iter().any(same)
}

/// A citizen's helpdesk request as sent.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HelpRequest {
    /// the topic it is about (Norway.no's topics)
    #[serde(default)]
    pub topic: String,
    /// the service it is about, one an authority offers (optional)
    #[serde(default)]
    pub service: Option<String>,
    /// the authority chosen, by its record's uuid (optional)
    #[serde(default)]
    pub authority: Option<String>,
    /// a short subject line
    #[serde(default)]
    pub subject: String,
    /// the question
    #[serde(default)]
    pub message: String,
    /// where the answer may be sent besides the citizen's inbox (optional)
    #[serde(default)]
    pub reply_to: Option<String>,
}

/// A refusal naming the field.
fn refuse(field: &str, reason: impl Into<String>) -> Error {
    Error::Invalid { field: field.into(), reason: reason.into() }
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The authority a request goes to, among `authorities` (the `authority` records), by one
/// rule: the authority chosen (`authority`, a record uuid), else the one offering the
/// chosen `service`, else the one working with the `topic` (its theme or topics; when
/// several do, the one whose main topic (theme) it is). A request matching none, or
/// several alike, is refused naming the field to fill in.
pub fn route<'a>(req: &HelpRequest, authorities: &'a [Record]) -> Result<&'a Record, Error> {
    if let Some(uuid) = given(&req.authority) {
        return authorities
            .iter()
            .find(|a| a.uuid == uuid)
            .ok_or_else(|| refuse("authority", format!("no public authority '{uuid}' (GET /api/norway/authorities)")));
    }
    if let Some(service) = given(&req.service) {
        let wanted = service.to_lowercase();
        return authorities
            .iter()
            .find(|a| strings(a, "offers").iter().any(|o| o.to_lowercase() == wanted))
            .ok_or_else(|| refuse("service", format!("no public authority offers '{service}'")));
    }
    let topic = req.topic.trim();
    if topic.is_empty() {
        return Err(refuse("topic", "choose a topic, a service or an authority"));
    }
    let candidates: Vec<&Record> = authorities.iter().filter(|a| works_with(a, topic)).collect();
    let main: Vec<&Record> = candidates
        .iter()
        .copied()
        .filter(|a| a.theme.as_deref().is_some_and(|t| t.eq_ignore_ascii_case(topic)))
        .collect();
    match (candidates.as_slice(), main.as_slice()) {
        ([], _) => Err(refuse("topic", format!("no public authority works with '{topic}'; choose an authority"))),
        ([one], _) | (_, [one]) => Ok(one),
        (many, _) => {
            let names: Vec<&str> = many.iter().map(|a| a.title.as_str()).collect();
            Err(refuse(
                "authority",
                format!("several authorities work with '{topic}' ({}); choose one", names.join(", ")),
            ))
        }
    }
}

/// The record of request `req` from user `sender`, routed to `authority`: owned by the
/// authority's organisation, readable by the sender and the organisation's members
/// (viewers and above), and by nobody else.
pub fn request_draft(req: &HelpRequest, sender: &str, authority: &Record) -> Result<Draft, Error> {
    let subject = req.subject.trim();
    if subject.is_empty() {
        return Err(refuse("subject", "write a short subject"));
    }
    if subject.chars().count() > 200 {
        return Err(refuse("subject", "at most 200 characters"));
    }
    let mut properties = json!({
        "authority": authority.uuid,
        "sender": sender,
        "message": req.message.trim(),
        "status": "received"
    });
    if let Some(service) = given(&req.service) {
        properties["service"] = service.into();
    }
    if let Some(reply_to) = given(&req.reply_to) {
        properties["reply_to"] = reply_to.into();
    }
    let topic = Some(req.topic.trim()).filter(|t| !t.is_empty()).map(str::to_string);
    Ok(Draft {
        uuid: None,
        kind: HELPDESK_REQUEST.into(),
        title: subject.to_string(),
        abstract_text: String::new(),
        organisation: authority.organisation.clone(),
        keywords: Vec::new(),
        theme: topic.or_else(|| authority.theme.clone()),
        bbox: None,
        access: Access::AnyOf(vec![
            Access::Person(sender.to_string()),
            Access::Roles(vec![format!("{}:viewer", authority.organisation.id)]),
        ]),
        properties: Some(properties),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn authority(uuid: &str, theme: &str, topics: &[&str], offers: &[&str]) -> Record {
        crate::draft::sample(AUTHORITY, uuid, uuid, theme, json!({"topics": topics, "offers": offers}))
    }

    fn sample() -> Vec<Record> {
        vec![
            authority("nav", "Arbeid", &["Arbeid", "Familie og barn"], &["Dagpenger", "Foreldrepenger"]),
            authority("arbeidstilsynet", "Helse, miljø og sikkerhet", &["Arbeid"], &["Tips om arbeidsforhold"]),
            authority("skatteetaten", "Skatt og avgift", &["Skatt og avgift", "Familie og barn"], &["Skattemelding"]),
            authority("kartverket", "Bolig og eiendom", &[], &["Tinglysing"]),
        ]
    }

    fn req(topic: &str, service: Option<&str>, authority: Option<&str>) -> HelpRequest {
        HelpRequest {
            topic: topic.into(),
            service: service.map(String::from),
            authority: authority.map(String::from),
            subject: "Spørsmål".into(),
            message: "Hei".into(),
            reply_to: None,
        }
    }

    fn field(e: Error) -> String {
        match e {
            Error::Invalid { field, .. } => field,
            other => panic!("{other}"),
        }
    }

    #[test]
    fn the_chosen_authority_wins_then_the_service_then_the_topic() {
        let all = sample();
        assert_eq!(route(&req("Arbeid", Some("Skattemelding"), Some("kartverket")), &all).unwrap().uuid, "kartverket");
        assert_eq!(route(&req("Arbeid", Some("skattemelding"), None), &all).unwrap().uuid, "skatteetaten");
        assert_eq!(route(&req("bolig og eiendom", None, None), &all).unwrap().uuid, "kartverket");
        // several work with it: the one whose main topic it is
        assert_eq!(route(&req("Arbeid", None, None), &all).unwrap().uuid, "nav");
    }

    #[test]
    fn requests_that_match_none_or_several_alike_name_the_field() {
        let all = sample();
        assert_eq!(field(route(&req("Arbeid", None, Some("nope")), &all).unwrap_err()), "authority");
        assert_eq!(field(route(&req("Arbeid", Some("Romreiser"), None), &all).unwrap_err()), "service");
        assert_eq!(field(route(&req("Romfart", None, None), &all).unwrap_err()), "topic");
        assert_eq!(field(route(&req(" ", None, None), &all).unwrap_err()), "topic");
        let e = route(&req("Familie og barn", None, None), &all).unwrap_err();
        assert!(e.to_string().contains("NAV, SKATTEETATEN"), "{e}");
        assert_eq!(field(e), "authority");
    }

    #[test]
    fn a_request_is_private_to_its_sender_and_the_authority() {
        let all = sample();
        let d = request_draft(&req("Arbeid", Some("Dagpenger"), None), "ola", &all[0]).unwrap();
        assert_eq!(d.organisation.id, "nav");
        assert!(d.access.is_private());
        assert_eq!(
            serde_json::to_value(&d.access).unwrap(),
            json!({"any_of": [{"person": "ola"}, {"roles": ["nav:viewer"]}]})
        );
        let p = d.properties.unwrap();
        assert_eq!((p["authority"].as_str(), p["service"].as_str()), (Some("nav"), Some("Dagpenger")));
        let mut blank = req("Arbeid", None, None);
        blank.subject = "  ".into();
        assert_eq!(field(request_draft(&blank, "ola", &all[0]).unwrap_err()), "subject");
    }

    #[test]
    fn the_request_kind_checks_its_properties() {
        let dir = tempfile::tempdir().unwrap();
        let cat = fjord_catalogue::Catalogue::open(&dir.path().join("c.db")).unwrap();
        crate::declare(&cat).unwrap();
        let all = sample();
        let mut long = req("Arbeid", None, None);
        long.message = String::new();
        let d = request_draft(&long, "ola", &all[0]).unwrap();
        let e = cat.upsert(&d.into_record("r1", None, "2026-01-01T00:00:00Z")).unwrap_err();
        assert!(e.to_string().starts_with("properties.message"), "{e}");
    }
}
