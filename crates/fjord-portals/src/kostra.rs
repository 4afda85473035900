//! KOSTRA (KOmmune-STat-RApportering): municipalities report yearly key figures to
//! Statistics Norway through an Altinn form (the `form` record [`FORM`], flagged
//! `kostra`). The received and processed reports, joined to the municipality
//! boundaries, are published as the store dataset [`DATASET`]: a map layer (WMS, WFS,
//! OGC API) with a choropleth style, and a download like any other dataset.
//!
//! Here: which reports count ([`latest`]) and the join ([`join`]); the server reads the
//! boundaries, writes the joined features and publishes them through the ingest path.

use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The uuid of the KOSTRA form.
pub const FORM: &str = "form-kostra";
/// The store dataset the reports are published as.
pub const DATASET: &str = "kostra-nokkeltall";
/// The municipality boundaries the reports are joined to.
pub const BOUNDARIES: &str = "kommuner";
/// The attribute of [`BOUNDARIES`] (and of a report's data) holding the municipality number.
pub const NUMBER: &str = "kommunenummer";
/// The key figures a report gives: name, and what it is in bokmål.
pub const INDICATORS: [(&str, &str); 3] = [
    ("netto_driftsresultat_prosent", "Netto driftsresultat i prosent av driftsinntektene"),
    ("elever_per_larer", "Elever per lærerårsverk i grunnskolen"),
    ("legedekning_per_10000", "Legeårsverk per 10 000 innbyggere"),
];

/// Check that a report is sent for the organisation of the municipality it reports
/// ([`crate::municipality_org`]): a municipality reports its own figures only. The
/// refusal names `organisation` when the report is sent for none, else the number.
pub fn check_reporter(organisation: Option<&str>, data: &Value) -> fjord_catalogue::Result<()> {
    let invalid = |field: &str, reason: String| Err(fjord_catalogue::Error::Invalid { field: field.into(), reason });
    let number = data[NUMBER].as_str().unwrap_or_default();
    match organisation {
        None => invalid("organisation", "a KOSTRA report is sent for the municipality's organisation".into()),
        Some(org) if crate::municipality_of(org) == Some(number) => Ok(()),
        Some(org) => invalid(
            &format!("data.{NUMBER}"),
            format!(
                "'{org}' reports for its own municipality only; municipality '{number}' reports as '{}'",
                crate::municipality_org(number)
            ),
        ),
    }
}

/// The report that counts per municipality: of the submissions' properties given (in
/// any order), those received or processed, the latest year, and of one year the one
/// submitted last. Keyed by municipality number; each its `data`.
pub fn latest<'a>(submissions: impl IntoIterator<Item = &'a Value>) -> BTreeMap<String, Value> {
    let mut best: BTreeMap<String, (i64, String, Value)> = BTreeMap::new();
    for s in submissions {
        if !matches!(s["status"].as_str(), Some("received" | "processed")) {
            continue;
        }
        let data = &s["data"];
        let (Some(number), Some(year)) = (data[NUMBER].as_str(), data["year"].as_i64()) else { continue };
        let at = s["history"]
            .as_array()
            .and_then(|h| h.iter().find(|e| e["status"] == "submitted"))
            .and_then(|e| e["at"].as_str())
            .unwrap_or("")
            .to_string();
        let newer = best.get(number).is_none_or(|(y, a, _)| (year, &at) > (*y, a));
        if newer {
            best.insert(number.to_string(), (year, at, data.clone()));
        }
    }
    best.into_iter().map(|(k, (_, _, d))| (k, d)).collect()
}

/// The features to publish: every municipality of `boundaries` (number, name, GeoJSON
/// geometry), with its report's year and key figures (`null` where it has not reported),
/// as a GeoJSON FeatureCollection.
pub fn join(boundaries: Vec<(String, String, Value)>, reports: &BTreeMap<String, Value>) -> Value {
    let features: Vec<Value> = boundaries
        .into_iter()
        .map(|(number, name, geometry)| {
            let report = reports.get(&number);
            let mut p = Map::new();
            p.insert(NUMBER.into(), Value::String(number.clone()));
            p.insert("navn".into(), Value::String(name));
            p.insert("year".into(), report.map_or(Value::Null, |r| r["year"].clone()));
            for (name, _) in INDICATORS {
                p.insert(name.into(), report.map_or(Value::Null, |r| r[name].clone()));
            }
            json!({"type": "Feature", "properties": p, "geometry": geometry})
        })
        .collect();
    json!({"type": "FeatureCollection", "name": DATASET, "features": features})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_municipality_reports_its_own_figures() {
        let oslo = json!({"kommunenummer": "0301", "year": 2025});
        assert!(check_reporter(Some("kommune-0301"), &oslo).is_ok());
        let field = |org: Option<&str>| match check_reporter(org, &oslo) {
            Err(fjord_catalogue::Error::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(Some("kommune-3201")), "data.kommunenummer", "Bærum reports no figures of Oslo");
        assert_eq!(field(Some("oslo")), "data.kommunenummer", "not a municipality's organisation");
        assert_eq!(field(None), "organisation");
    }

    fn report(status: &str, number: &str, year: i64, at: &str, drift: f64) -> Value {
        json!({
            "status": status,
            "data": {"kommunenummer": number, "year": year, "netto_driftsresultat_prosent": drift,
                     "elever_per_larer": 14.0, "legedekning_per_10000": 11.0},
            "history": [{"status": "submitted", "at": at, "by": "x"}]
        })
    }

    #[test]
    fn the_latest_received_report_counts_and_joins_to_its_municipality() {
        let all = [
            report("processed", "0301", 2024, "2025-02-01T00:00:00Z", 1.0),
            report("received", "0301", 2025, "2026-02-01T00:00:00Z", 2.0),
            report("processed", "0301", 2025, "2026-01-01T00:00:00Z", 3.0),
            report("submitted", "3201", 2025, "2026-02-01T00:00:00Z", 9.0),
            report("draft", "3203", 2025, "", 9.0),
        ];
        let reports = latest(&all);
        assert_eq!(reports.len(), 1, "only received and processed reports count: {reports:?}");
        assert_eq!(reports["0301"]["netto_driftsresultat_prosent"], 2.0);
        let square = json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]});
        let joined = join(
            vec![("0301".into(), "Oslo".into(), square.clone()), ("3201".into(), "Bærum".into(), square)],
            &reports,
        );
        assert_eq!(joined["features"][0]["properties"]["netto_driftsresultat_prosent"], 2.0);
        assert_eq!(joined["features"][0]["properties"]["year"], 2025);
        assert_eq!(joined["features"][1]["properties"]["elever_per_larer"], Value::Null);
    }

    #[test]
    fn the_sample_kostra_form_asks_for_every_key_figure() {
        let samples: Vec<crate::Draft> =
            serde_json::from_str(include_str!("../../../datasets/portals/altinn.json")).unwrap();
        let form = samples.iter().find(|d| d.uuid.as_deref() == Some(FORM)).unwrap();
        let props = form.properties.as_ref().unwrap();
        assert_eq!(props["kostra"], true);
        let v = fjord_catalogue::kind::compile(&props["schema"]).unwrap();
        let data = report("x", "0301", 2025, "", 1.0)["data"].clone();
        assert!(fjord_catalogue::kind::check(&v, &data, "data").is_ok());
        for (name, _) in INDICATORS {
            let mut data = data.clone();
            data.as_object_mut().unwrap().remove(name);
            match fjord_catalogue::kind::check(&v, &data, "data") {
                Err(fjord_catalogue::Error::Invalid { field, .. }) => assert_eq!(field, format!("data.{name}")),
                other => panic!("{other:?}"),
            }
        }
    }
}
