//! Norway.no: the one-stop entry to public services. Its kind `authority` is the
//! inventory of public authorities: name, organisation number, what it offers, contact.

use fjord_catalogue::Kind;
use serde_json::json;

/// The kinds Norway.no keeps.
pub fn kinds() -> Vec<Kind> {
    vec![Kind {
        name: "authority".into(),
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
    }]
}
