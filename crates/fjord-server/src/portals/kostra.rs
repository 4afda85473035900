//! KOSTRA's publishing: the municipalities' received and processed reports (the Altinn
//! form [`kostra::FORM`]), joined to the municipality boundaries (store dataset
//! [`kostra::BOUNDARIES`], by [`kostra::NUMBER`]), published through the ingest path as a
//! new version of store dataset [`kostra::DATASET`], owned by the form's receiver. From
//! then on WMS (style `styles/kostra-nokkeltall/`), WFS, OGC API and the download service
//! serve it like any other dataset.
//!
//! When: each time a clerk marks a KOSTRA report `processed` (`altinn::move_on`), and on
//! `POST /api/kostra/publish` by the receiver's uploaders (after seeding, or to publish
//! what is only `received`).

use super::layer::{self, Layer};
use crate::app::AppState;
use crate::auth::Ctx;
use crate::problem::Problem;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Json;
use fjord_catalogue::{Catalogue, HumanFields, SearchQuery};
use fjord_core::{Slug, STORAGE_CRS};
use fjord_portals::{altinn, kostra};
use fjord_store::Store;
use geo_types::{Geometry, LineString, Polygon};
use serde_json::{json, Value};
use std::path::Path;

/// The routes.
pub fn routes() -> axum::Router<AppState> {
    axum::Router::new().route("/api/kostra/publish", post(publish_now))
}

/// `POST /api/kostra/publish`: publish the reports now (the KOSTRA form's receiver's
/// uploaders and admins); the new version.
async fn publish_now(Ctx(state): Ctx) -> Result<Json<Value>, Problem> {
    let user = super::altinn::citizen(&state)?;
    let (_, form) = super::altinn::form(&state, kostra::FORM).await?;
    if !state.caller.may_upload(&form.receiver.id) {
        return Err(Problem {
            status: StatusCode::FORBIDDEN,
            detail: format!("only uploaders of '{}' publish the KOSTRA dataset", form.receiver.id),
        });
    }
    Ok(Json(publish(&state, &user).await?))
}

/// Publish the KOSTRA dataset from the reports as they stand, by `by`: the dataset, its
/// new version and how many municipalities reported.
pub async fn publish(state: &AppState, by: &str) -> Result<Value, Problem> {
    let by = by.to_string();
    state
        .blocking(move |s| publish_blocking(s, &by))
        .await
        .map_err(Problem::internal)?
        .map_err(|e| Problem { status: StatusCode::CONFLICT, detail: format!("the KOSTRA dataset: {e}") })
}

/// [`publish`], off the runtime, and the download files of versions no longer kept go.
fn publish_blocking(s: &AppState, by: &str) -> Result<Value, String> {
    let published = publish_from(&s.store, &s.catalogue, &s.config.data.dir.join("tmp"), by)?;
    s.downloads.sweep_logged();
    Ok(published)
}

/// Publish the KOSTRA dataset from the reports in `catalogue` (also when seeding the
/// samples), by `by`: the dataset, its new version and how many municipalities reported.
pub fn publish_from(store: &Store, catalogue: &Catalogue, scratch: &Path, by: &str) -> Result<Value, String> {
    let form =
        catalogue.get(kostra::FORM).map_err(|e| e.to_string())?.ok_or("the KOSTRA form is not in the catalogue")?;
    let receiver = altinn::Form::of(form.properties.as_ref()).map_err(|e| e.to_string())?.receiver;
    let submissions = catalogue
        .search_all(&SearchQuery { kind: Some(altinn::SUBMISSION.into()), ..SearchQuery::default() })
        .map_err(|e| e.to_string())?;
    let reports: Vec<Value> =
        submissions.into_iter().filter_map(|r| r.properties).filter(|p| p["form"] == kostra::FORM).collect();
    let reports = kostra::latest(&reports);
    let features = kostra::join(boundaries(store)?, &reports);
    let meta = HumanFields {
        title: "KOSTRA nøkkeltall per kommune".into(),
        abstract_text: "Kommunenes KOSTRA-rapporter (netto driftsresultat, elever per lærer, legedekning) \
                        koblet til kommunegrensene, fra de mottatte og behandlede rapportene i Altinn. \
                        Municipalities' KOSTRA key figures joined to their boundaries."
            .into(),
        organisation_name: Some(receiver.name.clone()),
        keywords: ["kostra", "kommune", "nøkkeltall", "statistikk", "municipality", "statistics"]
            .map(String::from)
            .to_vec(),
        theme: Some("Samfunn".into()),
        topic_category: Some("society".into()),
        license: Some("CC BY 4.0".into()),
        lineage_note: Some(format!(
            "Siste mottatte eller behandlede KOSTRA-rapport per kommune (skjema {}), koblet på {} til datasettet {}.",
            kostra::FORM,
            kostra::NUMBER,
            kostra::BOUNDARIES
        )),
        ..HumanFields::default()
    };
    let target = Layer { dataset: kostra::DATASET, org: receiver.id.clone(), meta, crs: Some(STORAGE_CRS) };
    let version = layer::publish(store, catalogue, scratch, target, &features, by)?;
    Ok(json!({"dataset": kostra::DATASET, "version": version, "reported": reports.len()}))
}

/// The municipalities of the boundary dataset: number, name and geometry (GeoJSON, in
/// the storage CRS).
fn boundaries(store: &Store) -> Result<Vec<(String, String, Value)>, String> {
    let id = Slug::new(kostra::BOUNDARIES).map_err(|e| e.to_string())?;
    let info = store.current(&id).map_err(|e| format!("the boundaries ({}): {e}", kostra::BOUNDARIES))?;
    let field =
        |name: &str| info.schema.index_of(name).ok_or_else(|| format!("the boundaries have no attribute '{name}'"));
    let (number, name) = (field(kostra::NUMBER)?, field("navn")?);
    let layer = store.layer(&id).map_err(|e| e.to_string())?;
    let mut out = Vec::with_capacity(layer.len());
    for pos in 0..layer.len() as u32 {
        let values = layer.values_at(pos, &[number, name]).map_err(|e| e.to_string())?;
        let text = |i: usize| values.get(i).map(|v| v.to_text()).unwrap_or_default();
        let geometry = geojson(&layer.geometry_at(pos).map_err(|e| e.to_string())?);
        out.push((text(0), text(1), geometry));
    }
    Ok(out)
}

/// A polygon or multi-polygon as GeoJSON (other geometries as `null`).
fn geojson(g: &Geometry<f64>) -> Value {
    let ring = |l: &LineString<f64>| l.0.iter().map(|c| json!([c.x, c.y])).collect::<Vec<_>>();
    let polygon = |p: &Polygon<f64>| std::iter::once(p.exterior()).chain(p.interiors()).map(ring).collect::<Vec<_>>();
    match g {
        Geometry::Polygon(p) => json!({"type": "Polygon", "coordinates": polygon(p)}),
        Geometry::MultiPolygon(m) => {
            json!({"type": "MultiPolygon", "coordinates": m.0.iter().map(polygon).collect::<Vec<_>>()})
        }
        _ => Value::Null,
    }
}

/// The OpenAPI paths of these routes.
pub fn openapi() -> Vec<(&'static str, Value)> {
    vec![(
        "/api/kostra/publish",
        json!({"post": {
            "summary": "Publish the municipalities' KOSTRA reports, joined to their boundaries, as a new version of dataset kostra-nokkeltall (the KOSTRA form's receiver's uploaders)",
            "tags": ["KOSTRA"],
            "responses": {
                "200": {"description": "the new version", "content": {"application/json": {"schema": {"type": "object", "properties": {
                    "dataset": {"type": "string"}, "version": {"type": "integer"}, "reported": {"type": "integer"}
                }}}}},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "403": {"$ref": "#/components/responses/Forbidden"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "409": {"$ref": "#/components/responses/Conflict"}
            }
        }}),
    )]
}
