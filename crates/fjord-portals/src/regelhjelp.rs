//! Regelhjelp: which rules apply to a business, across every authority. Kind
//! `regulation`: the authority that sets it (the record's organisation), the industries
//! it applies to (NACE codes; a code applies to every code under it: `56` to `56.101`;
//! `*` to every industry), its topic (the record's theme), the requirement in plain words
//! and its legal reference. The guide narrows by industry and topic ([`applies`]) and
//! groups what applies by authority ([`by_authority`]).

use fjord_catalogue::{Error, Kind, Organisation, Record};
use serde_json::json;

/// The kind of a regulation.
pub const REGULATION: &str = "regulation";

/// The kinds Regelhjelp keeps.
pub fn kinds() -> Vec<Kind> {
    vec![Kind {
        name: REGULATION.into(),
        title: "Regel for næringsdrivende".into(),
        schema: json!({
            "type": "object",
            "required": ["nace", "requirement", "legal_reference"],
            "additionalProperties": false,
            "properties": {
                "nace": {"type": "array", "minItems": 1,
                         "items": {"type": "string", "pattern": "^([0-9]{2}(\\.[0-9]{1,3})?|\\*)$"}},
                "requirement": {"type": "string", "minLength": 1},
                "legal_reference": {"type": "string", "minLength": 1},
                "url": {"type": "string", "format": "uri"}
            }
        }),
    }]
}

/// Industries the guide offers to choose from: (NACE code, bokmål name, English name).
pub const INDUSTRIES: [(&str, &str, &str); 10] = [
    ("01.410", "Melkeproduksjon på storfe", "Dairy farming"),
    ("10.710", "Produksjon av brød og ferske konditorvarer", "Bakeries"),
    ("41.200", "Oppføring av bygninger", "Construction of buildings"),
    ("47.110", "Butikkhandel med bredt vareutvalg, dagligvarer", "Grocery stores"),
    ("49.320", "Drosjebiltransport", "Taxi operation"),
    ("56.101", "Drift av restauranter og kafeer", "Restaurants and cafés"),
    ("56.301", "Drift av puber", "Pubs"),
    ("62.010", "Programmeringstjenester", "Computer programming"),
    ("86.210", "Allmenn legetjeneste", "General medical practice"),
    ("96.021", "Frisering og annen skjønnhetspleie", "Hairdressing and beauty"),
];

/// Check a NACE code as asked (`56`, `56.1`, `56.101`), or refuse it naming `nace`.
pub fn parse_nace(code: &str) -> Result<String, Error> {
    let code = code.trim();
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let ok = code.split_at_checked(2).is_some_and(|(division, rest)| {
        digits(division)
            && (rest.is_empty() || rest.strip_prefix('.').is_some_and(|r| (1..=3).contains(&r.len()) && digits(r)))
    });
    if ok {
        Ok(code.to_string())
    } else {
        Err(Error::Invalid {
            field: "nace".into(),
            reason: format!("'{code}' is not a NACE code (two digits, a dot and up to three more: 56.101)"),
        })
    }
}

/// Whether a regulation's industry code `rule` covers the business's code `nace`: `*`
/// covers all, else the rule's digits begin the business's (`56.1` covers `56.101`).
pub fn covers(rule: &str, nace: &str) -> bool {
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    rule == "*" || digits(nace).starts_with(&digits(rule))
}

/// Whether regulation `r` applies to a business in industry `nace` (any when `None`),
/// on `topic` (any when `None`; its theme, any case).
pub fn applies(r: &Record, nace: Option<&str>, topic: Option<&str>) -> bool {
    let industry = nace.is_none_or(|n| crate::draft::strings(r, "nace").iter().any(|rule| covers(rule, n)));
    let on_topic =
        topic.is_none_or(|t| r.theme.as_deref().is_some_and(|th| th.to_lowercase() == t.trim().to_lowercase()));
    industry && on_topic
}

/// Regulations grouped by the authority that sets them, authorities by name, each
/// authority's rules in the order given.
pub fn by_authority(rules: Vec<Record>) -> Vec<(Organisation, Vec<Record>)> {
    let mut groups: Vec<(Organisation, Vec<Record>)> = Vec::new();
    for r in rules {
        match groups.iter_mut().find(|(o, _)| o.id == r.organisation.id) {
            Some((_, list)) => list.push(r),
            None => groups.push((r.organisation.clone(), vec![r])),
        }
    }
    groups.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(uuid: &str, org: &str, nace: &[&str], topic: &str) -> Record {
        let properties = json!({"nace": nace, "requirement": "x", "legal_reference": "y"});
        crate::draft::sample(REGULATION, uuid, org, topic, properties)
    }

    #[test]
    fn an_industry_code_covers_the_codes_under_it() {
        assert!(covers("56", "56.101"));
        assert!(covers("56.1", "56.101"));
        assert!(covers("56.101", "56.101"));
        assert!(!covers("56.3", "56.101"));
        assert!(!covers("56.101", "56"), "a narrower rule does not cover the whole division");
        assert!(covers("*", "01.410"));
    }

    #[test]
    fn nace_codes_are_checked() {
        for good in ["56", "56.1", "56.101", " 41.200 "] {
            assert!(parse_nace(good).is_ok(), "{good}");
        }
        for bad in ["", "5", "561", "56.", "56.1011", "ab.cde", "56,101", "5ø"] {
            match parse_nace(bad) {
                Err(Error::Invalid { field, .. }) => assert_eq!(field, "nace"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_guide_narrows_by_industry_and_topic_and_groups_by_authority() {
        let rules = vec![
            rule("food", "mattilsynet", &["56", "10.7"], "Mat og drikke"),
            rule("vat", "skatteetaten", &["*"], "Skatt og avgift"),
            rule("build", "dsb", &["41.200"], "Brann og sikkerhet"),
            rule("hms", "arbeidstilsynet", &["*"], "Arbeid og HMS"),
            rule("serving", "mattilsynet", &["56.3"], "Mat og drikke"),
        ];
        let restaurant: Vec<&str> =
            rules.iter().filter(|r| applies(r, Some("56.101"), None)).map(|r| r.uuid.as_str()).collect();
        assert_eq!(restaurant, ["food", "vat", "hms"]);
        let food: Vec<&str> = rules
            .iter()
            .filter(|r| applies(r, Some("56.301"), Some("mat og drikke")))
            .map(|r| r.uuid.as_str())
            .collect();
        assert_eq!(food, ["food", "serving"]);
        assert_eq!(rules.iter().filter(|r| applies(r, None, None)).count(), 5);
        let groups = by_authority(rules.into_iter().filter(|r| applies(r, Some("56.301"), None)).collect());
        let names: Vec<(&str, usize)> = groups.iter().map(|(o, l)| (o.name.as_str(), l.len())).collect();
        assert_eq!(names, [("ARBEIDSTILSYNET", 1), ("MATTILSYNET", 2), ("SKATTEETATEN", 1)]);
    }
}
