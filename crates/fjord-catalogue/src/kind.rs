//! Record kinds. The catalogue keeps datasets and services, and every portal keeps its
//! own kinds of record beside them (an authority, a form, a tender notice), each declared
//! with a JSON Schema for the record's `properties`. Every write of a declared kind is
//! checked against it, and a refusal names the field.

use crate::error::{Error, Result};
use crate::record::Record;
use serde::Serialize;
use serde_json::Value;

/// A kind of record a portal keeps in the catalogue.
#[derive(Clone, Debug, Serialize)]
pub struct Kind {
    /// its name, as records carry it in `kind` (`authority`, `tender-notice`)
    pub name: String,
    /// what it is, in bokmål
    pub title: String,
    /// the JSON Schema (draft 2020-12) the record's `properties` must meet
    pub schema: Value,
}

/// A declared kind with its schema compiled.
pub(crate) struct Declared {
    /// the kind as declared
    pub kind: Kind,
    validator: jsonschema::Validator,
}

impl Declared {
    /// Compile a kind's schema.
    pub(crate) fn new(kind: Kind) -> Result<Declared> {
        let validator = compile(&kind.schema).map_err(|reason| Error::BadKind { kind: kind.name.clone(), reason })?;
        Ok(Declared { kind, validator })
    }

    /// Check a record of this kind: a title, and properties the schema accepts.
    pub(crate) fn check(&self, r: &Record) -> Result<()> {
        if r.title.trim().is_empty() {
            return Err(Error::Invalid { field: "title".into(), reason: "must not be empty".into() });
        }
        let empty = Value::Object(Default::default());
        check(&self.validator, r.properties.as_ref().unwrap_or(&empty), "properties")
    }
}

/// Compile a JSON Schema (draft 2020-12 unless it says otherwise), with formats such as
/// `date` and `email` checked; what is wrong with it, if it cannot be.
pub fn compile(schema: &Value) -> std::result::Result<jsonschema::Validator, String> {
    jsonschema::options().should_validate_formats(true).build(schema).map_err(|e| e.to_string())
}

/// Check `value` against a compiled schema; the first error names its field as a path
/// under `root` (`properties.cpv[1]`), a missing property by its own name.
pub fn check(validator: &jsonschema::Validator, value: &Value, root: &str) -> Result<()> {
    let Some(e) = validator.iter_errors(value).next() else { return Ok(()) };
    let mut field = root.to_string();
    for step in e.instance_path().iter() {
        match step {
            jsonschema::paths::LocationSegment::Property(p) => {
                field.push('.');
                field.push_str(&p);
            }
            jsonschema::paths::LocationSegment::Index(i) => field.push_str(&format!("[{i}]")),
        }
    }
    if let jsonschema::error::ValidationErrorKind::Required { property } = e.kind() {
        if let Some(p) = property.as_str() {
            field.push('.');
            field.push_str(p);
        }
    }
    Err(Error::Invalid { field, reason: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::testing::record;
    use serde_json::json;

    fn tender() -> Declared {
        Declared::new(Kind {
            name: "tender-notice".into(),
            title: "Kunngjøring".into(),
            schema: json!({
                "type": "object",
                "required": ["buyer", "deadline"],
                "properties": {
                    "buyer": {"type": "string", "minLength": 1},
                    "deadline": {"type": "string", "format": "date"},
                    "cpv": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{8}(-[0-9])?$"}}
                }
            }),
        })
        .unwrap()
    }

    fn with(properties: Value) -> Record {
        let mut r = record("t1", "Brøyting", "oslo", "Anskaffelser", &[], (10.0, 59.0, 11.0, 60.0));
        r.kind = "tender-notice".into();
        r.properties = Some(properties);
        r
    }

    fn field(r: &Record) -> String {
        match tender().check(r) {
            Err(Error::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_refusal_names_its_field() {
        let ok = json!({"buyer": "Oslo kommune", "deadline": "2027-01-15", "cpv": ["90620000-9"]});
        assert!(tender().check(&with(ok)).is_ok());
        assert_eq!(field(&with(json!({"buyer": "Oslo kommune"}))), "properties.deadline");
        assert_eq!(field(&with(json!({"buyer": "x", "deadline": "15.01.2027"}))), "properties.deadline");
        assert_eq!(
            field(&with(json!({"buyer": "x", "deadline": "2027-01-15", "cpv": ["1", "bad"]}))),
            "properties.cpv[0]"
        );
        assert_eq!(field(&Record { title: " ".into(), ..with(json!({})) }), "title");
        assert!(Declared::new(Kind { name: "x".into(), title: "x".into(), schema: json!({"type": 12}) }).is_err());
    }
}
