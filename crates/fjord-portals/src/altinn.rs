//! Altinn: forms that authorities publish and citizens and businesses fill in.
//!
//! Kind `form` is a form definition owned by the authority that receives it: the JSON
//! Schema its data must meet (`properties.schema`, compiled on every write), who may
//! submit it (citizens, organisations or both), the receiving organisation, and a
//! deadline or period if any. Kind `form-submission` is one filled-in form: private to
//! its submitter, the receiving authority's members and (when sent on behalf of an
//! organisation) that organisation's members.
//!
//! The workflow, [`Status::may_become`]:
//!
//! ```text
//! draft ──submit (submitter)──▶ submitted ──(receiver)──▶ received ──(receiver)──▶ processed
//!                                   │                         │
//!                                   └──────(receiver)─────────┴──────▶ rejected (with a reason)
//! ```
//!
//! A draft is edited by its submitter only and checked for shape only (its data is an
//! object); submitting checks the data against the form's schema. `processed` and
//! `rejected` are final.

use crate::error::{Error, Result};
use fjord_catalogue::{Access, Kind};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The kind of a form definition.
pub const FORM: &str = "form";
/// The kind of a filled-in form.
pub const SUBMISSION: &str = "form-submission";

/// The kinds Altinn keeps.
pub fn kinds() -> Vec<Kind> {
    vec![
        Kind {
            name: FORM.into(),
            title: "Skjema".into(),
            schema: json!({
                "type": "object",
                "required": ["schema", "submitters", "receiver"],
                "additionalProperties": false,
                "properties": {
                    "schema": {"type": "object"},
                    "submitters": {
                        "type": "array", "minItems": 1, "uniqueItems": true,
                        "items": {"enum": ["citizen", "organisation"]}
                    },
                    "receiver": {
                        "type": "object",
                        "required": ["id", "name"],
                        "additionalProperties": false,
                        "properties": {"id": {"type": "string", "minLength": 1}, "name": {"type": "string", "minLength": 1}}
                    },
                    "deadline": {"type": "string", "format": "date"},
                    "period": {"type": "string", "minLength": 1},
                    "kostra": {"type": "boolean"}
                }
            }),
        },
        Kind {
            name: SUBMISSION.into(),
            title: "Innsendt skjema".into(),
            schema: json!({
                "type": "object",
                "required": ["form", "status", "submitter", "data", "history"],
                "additionalProperties": false,
                "properties": {
                    "form": {"type": "string", "minLength": 1},
                    "status": {"enum": ["draft", "submitted", "received", "processed", "rejected"]},
                    "submitter": {
                        "type": "object",
                        "required": ["user"],
                        "additionalProperties": false,
                        "properties": {"user": {"type": "string", "minLength": 1}, "organisation": {"type": "string", "minLength": 1}}
                    },
                    "data": {"type": "object"},
                    "history": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["status", "at", "by"],
                            "additionalProperties": false,
                            "properties": {
                                "status": {"type": "string"},
                                "at": {"type": "string"},
                                "by": {"type": "string"},
                                "reason": {"type": "string"}
                            }
                        }
                    },
                    "receipt": {"type": "string", "pattern": "^AR[0-9]{10}$"},
                    "reason": {"type": "string"}
                }
            }),
        },
    ]
}

/// What the kind's JSON Schema cannot say of a form: that its `schema` is itself a JSON
/// Schema that compiles. Refused as `properties.schema`.
pub fn check_form(properties: Option<&Value>) -> fjord_catalogue::Result<()> {
    let Some(schema) = properties.and_then(|p| p.get("schema")) else { return Ok(()) };
    fjord_catalogue::kind::compile(schema)
        .map(|_| ())
        .map_err(|reason| fjord_catalogue::Error::Invalid { field: "properties.schema".into(), reason })
}

/// Check a submission's `data` against its form's schema (`form_properties.schema`); a
/// refusal names the field under `data` (`data.employees`).
pub fn check_data(form_properties: &Value, data: &Value) -> fjord_catalogue::Result<()> {
    let schema = form_properties.get("schema").cloned().unwrap_or_else(|| json!({}));
    let validator = fjord_catalogue::kind::compile(&schema)
        .map_err(|reason| fjord_catalogue::Error::Invalid { field: "form.schema".into(), reason })?;
    fjord_catalogue::kind::check(&validator, data, "data")
}

/// A form definition's properties, as far as the workflow needs them.
#[derive(Clone, Debug, Deserialize)]
pub struct Form {
    /// who may submit: `citizen`, `organisation`
    pub submitters: Vec<String>,
    /// the receiving organisation
    pub receiver: Receiver,
    /// a KOSTRA report form
    #[serde(default)]
    pub kostra: bool,
    /// the last day it is taken in (`YYYY-MM-DD`), if any
    #[serde(default)]
    pub deadline: Option<String>,
}

/// The organisation a form goes to.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Receiver {
    /// organisation id
    pub id: String,
    /// its name
    pub name: String,
}

impl Form {
    /// A form record's properties read, or why they cannot be.
    pub fn of(properties: Option<&Value>) -> Result<Form> {
        serde_json::from_value(properties.cloned().unwrap_or(Value::Null))
            .map_err(|e| Error::Workflow(format!("the form's properties: {e}")))
    }

    /// Whether a submitter of this sort (`organisation` when on behalf of one, else
    /// `citizen`) may send this form; refused with why.
    pub fn may_submit(&self, for_organisation: bool) -> Result<()> {
        let sort = if for_organisation { "organisation" } else { "citizen" };
        if self.submitters.iter().any(|s| s == sort) {
            Ok(())
        } else if for_organisation {
            Err(Error::Workflow(
                "organisation: this form is for citizens, not sent on behalf of an organisation".into(),
            ))
        } else {
            Err(Error::Workflow("organisation: this form is sent on behalf of an organisation; name one".into()))
        }
    }
}

impl Form {
    /// Whether it is still taken in on `today` (`YYYY-MM-DD`): not past its deadline.
    pub fn open_on(&self, today: &str) -> Result<()> {
        match &self.deadline {
            Some(last) if today > last.as_str() => {
                Err(Error::Workflow(format!("deadline: the form was taken in until {last}")))
            }
            _ => Ok(()),
        }
    }
}

/// Who may read a submission from `user` (on behalf of `organisation`) to `receiver`:
/// the user, the receiver's members, and the organisation's members.
pub fn submission_access(user: &str, receiver: &str, organisation: Option<&str>) -> Access {
    let mut roles = vec![format!("{receiver}:viewer")];
    roles.extend(organisation.map(|o| format!("{o}:viewer")));
    Access::AnyOf(vec![Access::Person(user.to_string()), Access::Roles(roles)])
}

/// Where a submission is in its workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// being filled in, seen by its submitter (and the receiver's members)
    Draft,
    /// sent, with a receipt
    Submitted,
    /// the receiver has taken it in
    Received,
    /// done with
    Processed,
    /// refused, with a reason
    Rejected,
}

/// Who moves a submission.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// the person who filled it in
    Submitter,
    /// a clerk of the receiving organisation
    Receiver,
}

impl Status {
    /// Its name, as records carry it.
    pub fn name(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Received => "received",
            Status::Processed => "processed",
            Status::Rejected => "rejected",
        }
    }

    /// The status of a name, or why there is none.
    pub fn parse(name: &str) -> Result<Status> {
        serde_json::from_value(Value::String(name.to_string())).map_err(|_| {
            Error::Workflow(format!("status: '{name}' is none of draft, submitted, received, processed, rejected"))
        })
    }

    /// Whether `actor` may move a submission from this status to `to`; refused with why.
    pub fn may_become(self, to: Status, actor: Actor) -> Result<()> {
        use Status::*;
        let allowed = match (self, to) {
            (Draft, Submitted) => actor == Actor::Submitter,
            (Submitted, Received) | (Submitted, Rejected) | (Received, Processed) | (Received, Rejected) => {
                actor == Actor::Receiver
            }
            _ => false,
        };
        if allowed {
            return Ok(());
        }
        let who = match actor {
            Actor::Submitter => "its submitter",
            Actor::Receiver => "the receiving authority",
        };
        Err(Error::Workflow(format!("status: a {} submission cannot become {} by {who}", self.name(), to.name())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn the_workflow_allows_only_its_moves() {
        assert!(Draft.may_become(Submitted, Actor::Submitter).is_ok());
        assert!(Draft.may_become(Submitted, Actor::Receiver).is_err(), "the authority sends nobody's form");
        for (from, to) in [(Submitted, Received), (Submitted, Rejected), (Received, Processed), (Received, Rejected)] {
            assert!(from.may_become(to, Actor::Receiver).is_ok(), "{from:?} → {to:?}");
            assert!(from.may_become(to, Actor::Submitter).is_err(), "{from:?} → {to:?} by the submitter");
        }
        for end in [Processed, Rejected] {
            for to in [Draft, Submitted, Received, Processed, Rejected] {
                assert!(end.may_become(to, Actor::Receiver).is_err(), "{end:?} is final");
            }
        }
        assert!(Draft.may_become(Processed, Actor::Receiver).is_err(), "no skipping");
        assert!(Submitted.may_become(Draft, Actor::Submitter).is_err(), "no taking back");
        assert_eq!(Status::parse("received").unwrap(), Received);
        assert!(Status::parse("done").is_err());
    }

    #[test]
    fn a_form_needs_a_schema_that_compiles_and_its_data_meets_it() {
        let form = json!({"schema": {
            "type": "object",
            "required": ["employees"],
            "properties": {"employees": {"type": "integer", "minimum": 0}, "from": {"type": "string", "format": "date"}}
        }});
        assert!(check_form(Some(&form)).is_ok());
        let bad = json!({"schema": {"type": "object", "properties": {"x": {"type": "nothing"}}}});
        match check_form(Some(&bad)) {
            Err(fjord_catalogue::Error::Invalid { field, .. }) => assert_eq!(field, "properties.schema"),
            other => panic!("{other:?}"),
        }
        let field = |data: Value| match check_data(&form, &data) {
            Err(fjord_catalogue::Error::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert!(check_data(&form, &json!({"employees": 3, "from": "2026-01-01"})).is_ok());
        assert_eq!(field(json!({})), "data.employees");
        assert_eq!(field(json!({"employees": -1})), "data.employees");
        assert_eq!(field(json!({"employees": 1, "from": "1. januar"})), "data.from");
    }

    #[test]
    fn who_may_submit_and_read() {
        let form =
            Form::of(Some(&json!({"submitters": ["citizen"], "receiver": {"id": "skatt", "name": "Skatteetaten"}})))
                .unwrap();
        assert!(form.may_submit(false).is_ok());
        assert!(form.may_submit(true).is_err());
        assert!(form.open_on("2099-01-01").is_ok(), "no deadline");
        let due = Form { deadline: Some("2027-02-15".into()), ..form.clone() };
        assert!(due.open_on("2027-02-15").is_ok() && due.open_on("2027-02-16").is_err());
        let access = submission_access("ola", "skatt", Some("bedrift"));
        assert!(access.is_private());
        assert_eq!(
            access,
            Access::AnyOf(vec![
                Access::Person("ola".into()),
                Access::Roles(vec!["skatt:viewer".into(), "bedrift:viewer".into()])
            ])
        );
    }
}
