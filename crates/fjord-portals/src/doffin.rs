//! Anskaffelser/Doffin: public procurement notices. Its kind `tender-notice` is a buyer's
//! call for tenders: CPV codes, deadline, value estimate, procedure, status and the place
//! of delivery as a GeoJSON geometry, from which the record's box is derived.
//!
//! A notice follows a small workflow ([`Status`]): `draft → published → awarded | closed`.
//! A draft is read by the buying organisation only; a published notice is open to all and
//! needs a tender deadline still to come. Nothing follows an awarded or closed notice.
//! The notices that are not drafts are also a map layer ([`layer`]), published to the
//! store as the dataset [`LAYER`] so WMS, WFS and OGC API serve them.

use crate::Draft;
use fjord_catalogue::{Access, Error, GeoBox, Kind, Record};
use serde_json::{json, Value};

/// The record kind's name.
pub const KIND: &str = "tender-notice";

/// The store dataset the published notices are served as.
pub const LAYER: &str = "doffin-kunngjoringer";

/// The organisation that owns the map layer (DFØ runs Doffin).
pub const LAYER_ORG: &str = "dfo";

/// The kinds Doffin keeps.
pub fn kinds() -> Vec<Kind> {
    let position = json!({"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "number"}});
    let ring = json!({"type": "array", "minItems": 1, "items": {"type": "array", "minItems": 4, "items": position}});
    let geometry = |kind: &str, coordinates: Value| {
        json!({
            "type": "object",
            "required": ["type", "coordinates"],
            "properties": {"type": {"const": kind}, "coordinates": coordinates}
        })
    };
    // an object with these properties, every one required and no other
    let all_of = |properties: Value| {
        let required: Vec<String> = properties.as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default();
        json!({"type": "object", "required": required, "additionalProperties": false, "properties": properties})
    };
    vec![Kind {
        name: KIND.into(),
        title: "Kunngjøring av offentlig anskaffelse".into(),
        schema: json!({
            "type": "object",
            "required": ["buyer", "cpv", "deadline", "procedure", "status", "place"],
            "additionalProperties": false,
            "properties": {
                "buyer": all_of(json!({
                    "name": {"type": "string", "minLength": 1},
                    "organisation_number": {"type": "string", "pattern": "^[0-9]{9}$"}
                })),
                "cpv": {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[0-9]{8}-[0-9]$"}},
                "deadline": {"type": "string", "format": "date-time"},
                "value_estimate": all_of(json!({
                    "amount": {"type": "number", "minimum": 0},
                    "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}
                })),
                "procedure": {"enum": ["open", "restricted", "negotiated", "competitive-dialogue", "below-threshold"]},
                "status": {"enum": Status::ALL.iter().map(|s| s.name()).collect::<Vec<_>>()},
                "awarded_to": {"type": "string", "minLength": 1},
                "place": {"oneOf": [geometry("Point", position), geometry("Polygon", ring)]}
            }
        }),
    }]
}

/// Where a notice is in its workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// being written; read by the buyer only
    Draft,
    /// open for tenders
    Published,
    /// the contract is awarded
    Awarded,
    /// closed without (or before) an award
    Closed,
}

impl Status {
    /// Every status, in workflow order.
    pub const ALL: [Status; 4] = [Status::Draft, Status::Published, Status::Awarded, Status::Closed];

    /// Its name in a record's `properties.status`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Awarded => "awarded",
            Status::Closed => "closed",
        }
    }

    /// The status of this name.
    pub fn parse(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether a notice may go from `self` to `next`: a draft is published (or edited as
    /// a draft), a published notice is awarded or closed; an awarded or closed one stays.
    pub fn may_become(self, next: Status) -> bool {
        matches!(
            (self, next),
            (Status::Draft, Status::Draft | Status::Published) | (Status::Published, Status::Awarded | Status::Closed)
        )
    }
}

/// The status of a notice record (`None` for a record of another kind or without one).
pub fn status_of(r: &Record) -> Option<Status> {
    r.properties.as_ref()?.get("status")?.as_str().and_then(Status::parse)
}

/// Who reads a notice in `status` of buying organisation `org`: a draft its members,
/// anything later everyone.
pub fn access(status: Status, org: &str) -> Access {
    match status {
        Status::Draft => Access::Roles(vec![format!("{org}:viewer")]),
        _ => Access::Open,
    }
}

fn invalid(field: &str, reason: impl Into<String>) -> Error {
    Error::Invalid { field: field.into(), reason: reason.into() }
}

/// Check a write of a notice against the workflow: `old` is the record it replaces,
/// `new` the record written, `now` seconds since the epoch. A published notice needs a
/// tender deadline after `now`; the access must be the one its status gives. Refusals
/// name the field.
pub fn check_change(old: Option<&Record>, new: &Record, now: i64) -> Result<(), Error> {
    let Some(next) = status_of(new) else { return Ok(()) }; // the schema refuses it
    if let Some(prev) = old.and_then(status_of) {
        if prev != next && !prev.may_become(next) {
            return Err(invalid(
                "properties.status",
                format!("a {} notice cannot become {}", prev.name(), next.name()),
            ));
        }
        if prev == next && prev != Status::Draft && old.and_then(|o| o.properties.as_ref()) != new.properties.as_ref() {
            return Err(invalid("properties", format!("a {} notice is not changed", prev.name())));
        }
    } else if !matches!(next, Status::Draft | Status::Published) {
        return Err(invalid("properties.status", "a new notice is a draft or published"));
    }
    if next == Status::Published && old.and_then(status_of) != Some(Status::Published) {
        let deadline = new.properties.as_ref().and_then(|p| p["deadline"].as_str()).unwrap_or("");
        match fjord_core::time::span(deadline) {
            Some((at, _)) if at > now => {}
            Some(_) => return Err(invalid("properties.deadline", "a published notice needs a deadline in the future")),
            None => return Err(invalid("properties.deadline", "not a date-time")),
        }
    }
    if new.access != access(next, &new.organisation.id) {
        return Err(invalid(
            "access",
            format!("a {} notice has access {:?}", next.name(), access(next, &new.organisation.id)),
        ));
    }
    Ok(())
}

/// Every position of a GeoJSON geometry's coordinates.
fn positions(coordinates: &Value, out: &mut Vec<(f64, f64)>) {
    match coordinates.as_array() {
        Some(a) if a.len() >= 2 && a[0].is_number() => {
            if let (Some(x), Some(y)) = (a[0].as_f64(), a[1].as_f64()) {
                out.push((x, y));
            }
        }
        Some(a) => a.iter().for_each(|c| positions(c, out)),
        None => {}
    }
}

/// The box (EPSG:4258, lon/lat) around a GeoJSON geometry; `None` without positions.
pub fn bbox_of(place: &Value) -> Option<GeoBox> {
    let mut all = Vec::new();
    positions(&place["coordinates"], &mut all);
    let first = *all.first()?;
    Some(all.iter().fold(GeoBox { west: first.0, south: first.1, east: first.0, north: first.1 }, |b, &(x, y)| {
        GeoBox { west: b.west.min(x), south: b.south.min(y), east: b.east.max(x), north: b.north.max(y) }
    }))
}

/// A notice as its buyer sends it, made ready to write in `status`: the kind, the status,
/// the access the status gives and the box of its place.
pub fn prepare(mut draft: Draft, status: Status) -> Draft {
    draft.kind = KIND.into();
    if let Some(p) = draft.properties.as_mut().and_then(Value::as_object_mut) {
        p.insert("status".into(), status.name().into());
    }
    draft.access = access(status, &draft.organisation.id);
    draft.bbox = draft.properties.as_ref().and_then(|p| bbox_of(&p["place"]));
    draft
}

/// The map layer of notices (those not drafts) as a GeoJSON FeatureCollection in CRS84:
/// one point each (a polygon's place by the centre of its box), with title, buyer, CPV
/// codes, deadline, status and uuid.
pub fn layer(notices: &[Record]) -> Value {
    let features: Vec<Value> = notices
        .iter()
        .filter(|r| r.kind == KIND && status_of(r).is_some_and(|s| s != Status::Draft))
        .filter_map(|r| {
            let p = r.properties.as_ref()?;
            let b = bbox_of(&p["place"])?;
            let cpv: Vec<&str> = p["cpv"].as_array()?.iter().filter_map(Value::as_str).collect();
            Some(json!({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [(b.west + b.east) / 2.0, (b.south + b.north) / 2.0]},
                "properties": {
                    "uuid": r.uuid,
                    "title": r.title,
                    "buyer": p["buyer"]["name"],
                    "cpv": cpv.join(" "),
                    "deadline": p["deadline"],
                    "status": p["status"],
                }
            }))
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

/// Whether notice `r` has a CPV code starting with `prefix` (digits, a dash allowed).
pub fn has_cpv(r: &Record, prefix: &str) -> bool {
    r.properties
        .as_ref()
        .and_then(|p| p["cpv"].as_array())
        .is_some_and(|codes| codes.iter().filter_map(Value::as_str).any(|c| c.starts_with(prefix)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000; // 2027-01-15

    fn notice(status: &str, deadline: &str) -> Record {
        let properties = json!({
            "buyer": {"name": "Bergen kommune", "organisation_number": "964338531"},
            "cpv": ["45221111-3"],
            "deadline": deadline,
            "procedure": "open",
            "status": "draft",
            "place": {"type": "Polygon", "coordinates": [[[5.2, 60.3], [5.4, 60.3], [5.4, 60.5], [5.2, 60.3]]]}
        });
        let r = crate::draft::testing::record(KIND, "n1", "Ny bru", "bergen", Access::Open, properties);
        prepare(Draft::of(&r), Status::parse(status).unwrap()).into_record("n1", None, "2027-01-01T00:00:00Z")
    }

    #[test]
    fn the_workflow_goes_forward_only() {
        use Status::*;
        assert!(Draft.may_become(Published) && Published.may_become(Awarded) && Published.may_become(Closed));
        assert!(!Draft.may_become(Awarded) && !Published.may_become(Draft));
        for done in [Awarded, Closed] {
            assert!(Status::ALL.iter().all(|s| !done.may_become(*s)), "nothing follows {done:?}");
        }
        assert_eq!(Status::parse("published"), Some(Published));
        assert_eq!(Status::parse("withdrawn"), None);
    }

    #[test]
    fn a_published_notice_needs_a_deadline_to_come() {
        let draft = notice("draft", "2027-01-01T12:00:00Z");
        assert!(check_change(None, &draft, NOW).is_ok(), "a draft may have any deadline");
        let late = notice("published", "2027-01-01T12:00:00Z");
        let e = check_change(Some(&draft), &late, NOW).unwrap_err();
        assert!(e.to_string().starts_with("properties.deadline:"), "{e}");
        let ok = notice("published", "2027-03-01T12:00:00+01:00");
        assert!(check_change(Some(&draft), &ok, NOW).is_ok());
        let awarded = notice("awarded", "2027-03-01T12:00:00+01:00");
        assert!(check_change(Some(&ok), &awarded, NOW).is_ok());
        let again = notice("published", "2027-03-01T12:00:00+01:00");
        let e = check_change(Some(&awarded), &again, NOW).unwrap_err();
        assert!(e.to_string().starts_with("properties.status:"), "{e}");
        assert!(check_change(None, &awarded, NOW).is_err(), "a new notice is not awarded");
        let mut changed = ok.clone();
        changed.properties.as_mut().unwrap()["cpv"] = json!(["45000000-7"]);
        assert!(check_change(Some(&ok), &changed, NOW).is_err(), "a published notice is not edited");
    }

    #[test]
    fn a_draft_is_the_buyers_and_a_published_notice_everyones() {
        let draft = notice("draft", "2027-03-01T12:00:00Z");
        assert_eq!(draft.access, Access::Roles(vec!["bergen:viewer".into()]));
        let mut open_draft = draft.clone();
        open_draft.access = Access::Open;
        assert!(check_change(None, &open_draft, NOW).unwrap_err().to_string().starts_with("access:"));
        assert_eq!(notice("published", "2027-03-01T12:00:00Z").access, Access::Open);
        let b = draft.bbox.unwrap();
        assert_eq!((b.west, b.south, b.east, b.north), (5.2, 60.3, 5.4, 60.5));
    }

    #[test]
    fn the_layer_has_the_notices_but_not_the_drafts() {
        let fc = layer(&[notice("draft", "2027-03-01T12:00:00Z"), notice("published", "2027-03-01T12:00:00Z")]);
        let features = fc["features"].as_array().unwrap();
        assert_eq!(features.len(), 1);
        assert_eq!(features[0]["properties"]["status"], "published");
        assert_eq!(features[0]["properties"]["cpv"], "45221111-3");
        let at = &features[0]["geometry"]["coordinates"];
        assert!((at[0].as_f64().unwrap() - 5.3).abs() < 1e-9 && (at[1].as_f64().unwrap() - 60.4).abs() < 1e-9);
        assert!(has_cpv(&notice("draft", "x"), "4522") && !has_cpv(&notice("draft", "x"), "46"));
    }
}
