//! The National Register (Folkeregisteret): its kind `person` is one resident's entry:
//! national identity number, name, address, municipality, date of birth, citizenship,
//! marital status and the `username` of their fjord login.
//!
//! An entry is private: its access names the person, at level high
//! ([`access`]), so no search lists it to anyone else and the catalogue's own record
//! endpoints show it to the person alone. Public offices read entries through the
//! register's API only, each seeing the fields its task needs ([`OFFICES`], [`view`]):
//!
//! | who | fields |
//! |---|---|
//! | the person (level high) | everything |
//! | Skatteetaten (`skatteetaten:viewer`) | national id, name, address, municipality, date of birth, marital status |
//! | NAV (`nav:viewer`) | national id, name, address, marital status |
//! | UDI (`udi:viewer`) | national id, name, date of birth, citizenship |
//! | a municipality (`kommune-NNNN:viewer`) | name and address, of its own residents only |

use fjord_catalogue::{Access, Kind};
use serde_json::{json, Map, Value};

/// The record kind's name.
pub const KIND: &str = "person";

/// The uuid of the entry of national identity number `id`.
pub fn uuid_of(id: &str) -> String {
    format!("folkeregister-{id}")
}

/// The kinds the National Register keeps.
pub fn kinds() -> Vec<Kind> {
    vec![Kind {
        name: KIND.into(),
        title: "Person i folkeregisteret".into(),
        schema: json!({
            "type": "object",
            "required": ["national_id", "name", "address", "municipality", "birth_date", "citizenship", "marital_status", "username"],
            "additionalProperties": false,
            "properties": {
                "national_id": {"type": "string", "pattern": "^[0-9]{11}$"},
                "name": {
                    "type": "object",
                    "required": ["given", "family"],
                    "additionalProperties": false,
                    "properties": {"given": {"type": "string", "minLength": 1}, "family": {"type": "string", "minLength": 1}}
                },
                "address": {
                    "type": "object",
                    "required": ["street", "postcode", "town"],
                    "additionalProperties": false,
                    "properties": {
                        "street": {"type": "string", "minLength": 1},
                        "postcode": {"type": "string", "pattern": "^[0-9]{4}$"},
                        "town": {"type": "string", "minLength": 1}
                    }
                },
                "municipality": {
                    "type": "object",
                    "required": ["number", "name"],
                    "additionalProperties": false,
                    "properties": {"number": {"type": "string", "pattern": "^[0-9]{4}$"}, "name": {"type": "string"}}
                },
                "birth_date": {"type": "string", "format": "date"},
                "citizenship": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[A-Z]{3}$"}},
                "marital_status": {"enum": ["unmarried", "married", "registered-partner", "separated", "divorced", "widowed"]},
                "username": {"type": "string", "minLength": 1}
            }
        }),
    }]
}

/// Who reads the entry of the person logged in as `username` through the catalogue: that
/// person, at level high.
pub fn access(username: &str) -> Access {
    Access::AllOf(vec![Access::Person(username.into()), Access::Level("high".into())])
}

/// Check a write of an entry beyond its schema: its uuid is the one of its national
/// identity number and its access the person's ([`access`]), so that no entry is ever
/// written open. A refusal names the field.
pub fn check(r: &fjord_catalogue::Record) -> Result<(), fjord_catalogue::Error> {
    let invalid = |field: &str, reason: String| fjord_catalogue::Error::Invalid { field: field.into(), reason };
    let p = r.properties.as_ref().unwrap_or(&Value::Null);
    let (id, user) = (p["national_id"].as_str().unwrap_or(""), p["username"].as_str().unwrap_or(""));
    if r.uuid != uuid_of(id) {
        return Err(invalid("uuid", format!("an entry's uuid is '{}'", uuid_of(id))));
    }
    if r.access != access(user) {
        return Err(invalid("access", format!("an entry is read by its person at level high: {:?}", access(user))));
    }
    Ok(())
}

/// A public office's view of the register: the organisation whose members (viewer and
/// up) read entries, and the fields they see.
pub struct Office {
    /// the organisation id (`kommune-` offices: any municipality, by its number)
    pub org: &'static str,
    /// the fields of an entry it sees
    pub fields: &'static [&'static str],
}

/// The offices that read the register, and what each sees (the module's table).
pub const OFFICES: [Office; 4] = [
    Office {
        org: "skatteetaten",
        fields: &["national_id", "name", "address", "municipality", "birth_date", "marital_status"],
    },
    Office { org: "nav", fields: &["national_id", "name", "address", "marital_status"] },
    Office { org: "udi", fields: &["national_id", "name", "birth_date", "citizenship"] },
    Office { org: "kommune-", fields: &["name", "address"] },
];

/// The fields a member of organisation `org` sees of an entry living in municipality
/// `municipality` (its number); `None` when the organisation reads no entries, or (a
/// municipality) not this one.
pub fn office_fields(org: &str, municipality: &str) -> Option<&'static [&'static str]> {
    if org.starts_with("kommune-") {
        return (crate::municipality_of(org) == Some(municipality)).then_some(OFFICES[3].fields);
    }
    OFFICES.iter().find(|o| o.org == org && !o.org.ends_with('-')).map(|o| o.fields)
}

/// Whether members of organisation `org` read the register at all.
pub fn is_office(org: &str) -> bool {
    if org.starts_with("kommune-") {
        return crate::municipality_of(org).is_some();
    }
    OFFICES.iter().any(|o| o.org == org)
}

/// An entry's properties cut down to `fields`.
pub fn view(entry: &Value, fields: &[&str]) -> Value {
    let mut out = Map::new();
    for f in fields {
        if let Some(v) = entry.get(*f) {
            out.insert((*f).to_string(), v.clone());
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Value {
        json!({
            "national_id": "01019012345",
            "name": {"given": "Ingrid", "family": "Nilsen"},
            "address": {"street": "Storgata 1", "postcode": "0155", "town": "Oslo"},
            "municipality": {"number": "0301", "name": "Oslo"},
            "birth_date": "1990-01-01",
            "citizenship": ["NOR"],
            "marital_status": "married",
            "username": "ingrid"
        })
    }

    #[test]
    fn each_office_sees_what_its_task_needs() {
        let keys = |v: Value| {
            let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            k.sort();
            k.join(",")
        };
        let nav = office_fields("nav", "0301").unwrap();
        assert_eq!(keys(view(&entry(), nav)), "address,marital_status,name,national_id");
        let udi = view(&entry(), office_fields("udi", "0301").unwrap());
        assert!(udi.get("address").is_none() && udi["citizenship"][0] == "NOR");
        let oslo = view(&entry(), office_fields("kommune-0301", "0301").unwrap());
        assert_eq!(keys(oslo), "address,name", "no national id for a municipality");
        assert!(office_fields("kommune-4601", "0301").is_none(), "Bergen reads no resident of Oslo");
        assert!(office_fields("kartverket", "0301").is_none());
        assert!(office_fields("kommune-", "0301").is_none());
        assert!(view(&entry(), office_fields("skatteetaten", "0301").unwrap()).get("username").is_none());
    }

    #[test]
    fn offices_are_those_in_the_table() {
        assert!(is_office("nav") && is_office("skatteetaten") && is_office("kommune-0301"));
        assert!(!is_office("kommune-") && !is_office("kommune-oslo") && !is_office("kartverket"));
    }

    #[test]
    fn an_entry_is_never_written_open() {
        let mut r = crate::draft::testing::record(
            KIND,
            &uuid_of("01019012345"),
            "x",
            "skatteetaten",
            access("ingrid"),
            entry(),
        );
        assert!(check(&r).is_ok());
        r.access = Access::Open;
        assert!(check(&r).unwrap_err().to_string().starts_with("access:"));
        r.access = access("ingrid");
        r.uuid = "someone".into();
        assert!(check(&r).unwrap_err().to_string().starts_with("uuid:"));
    }

    #[test]
    fn an_entry_is_the_persons_at_level_high() {
        let a = access("ingrid");
        assert!(a.is_private());
        assert_eq!(a, Access::AllOf(vec![Access::Person("ingrid".into()), Access::Level("high".into())]));
    }
}
