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

use crate::app::AppState;
use crate::auth::Ctx;
use crate::problem::Problem;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Json;
use fjord_catalogue::{HumanFields, SearchQuery};
use fjord_core::{Slug, STORAGE_CRS};
use fjord_portals::{altinn, kostra};
use geo_types::{Geometry, LineString, Polygon};
use serde_json::{json, Value};

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

/// [`publish`], off the runtime.
fn publish_blocking(s: &AppState, by: &str) -> Result<Value, String> {
    let form =
        s.catalogue.get(kostra::FORM).map_err(|e| e.to_string())?.ok_or("the KOSTRA form is not in the catalogue")?;
    let receiver = altinn::Form::of(form.properties.as_ref()).map_err(|e| e.to_string())?.receiver;
    let reports = kostra::latest(&submissions(s)?);
    let features = kostra::join(boundaries(s)?, &reports);
    let dir = s.config.data.dir.join("kostra");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join(format!("{}-{}.geojson", kostra::DATASET, uuid::Uuid::new_v4()));
    std::fs::write(&path, features.to_string()).map_err(|e| format!("{}: {e}", path.display()))?;
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
    let req = fjord_ingest::IngestRequest {
        source: fjord_ingest::SourceOptions {
            path: path.clone(),
            layer: None,
            crs: Some(STORAGE_CRS),
            max_bytes: s.config.limits.max_source_bytes,
        },
        dataset: Slug::new(kostra::DATASET).map_err(|e| e.to_string())?,
        org: Slug::new(&receiver.id).map_err(|e| e.to_string())?,
        meta: Some(meta),
        by: by.to_string(),
    };
    let outcome = fjord_ingest::ingest(&s.store, &s.catalogue, &req, &fjord_ingest::Quiet);
    let _ = std::fs::remove_file(&path);
    let outcome = outcome.map_err(|e| e.to_string())?;
    s.downloads.sweep_logged();
    Ok(json!({"dataset": kostra::DATASET, "version": outcome.info.version, "reported": reports.len()}))
}

/// Every KOSTRA submission's properties (the system reads them all, whoever asked).
fn submissions(s: &AppState) -> Result<Vec<Value>, String> {
    let mut q = SearchQuery { kind: Some(altinn::SUBMISSION.into()), limit: 1000, ..SearchQuery::default() };
    let mut out = Vec::new();
    loop {
        let page = s.catalogue.search(&q).map_err(|e| e.to_string())?;
        out.extend(page.hits.iter().filter_map(|h| h.record.properties.clone()).filter(|p| p["form"] == kostra::FORM));
        q.offset += page.hits.len();
        if page.hits.is_empty() || q.offset as u64 >= page.total {
            return Ok(out);
        }
    }
}

/// The municipalities of the boundary dataset: number, name and geometry (GeoJSON, in
/// the storage CRS).
fn boundaries(s: &AppState) -> Result<Vec<(String, String, Value)>, String> {
    let id = Slug::new(kostra::BOUNDARIES).map_err(|e| e.to_string())?;
    let info = s.store.current(&id).map_err(|e| format!("the boundaries ({}): {e}", kostra::BOUNDARIES))?;
    let field =
        |name: &str| info.schema.index_of(name).ok_or_else(|| format!("the boundaries have no attribute '{name}'"));
    let (number, name) = (field(kostra::NUMBER)?, field("navn")?);
    let layer = s.store.layer(&id).map_err(|e| e.to_string())?;
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
