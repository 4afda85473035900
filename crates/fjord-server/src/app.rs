//! The router and its middleware.

use crate::config::Config;
use crate::metrics::{self, Metrics};
use crate::problem::Problem;
use crate::tile_cache::TileCache;
use crate::{account, auth, catalogue_api, csw, download, login, ogcapi, ops, pages, partners, tiles, wcs, wfs};
use crate::{kartkatalog, openapi, portals, records, register_api, wms, wmts};
use axum::routing::get;
use axum::Router;
use fjord_catalogue::Catalogue;
use fjord_store::Store;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::CorsLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// the catalogue
    pub catalogue: Arc<Catalogue>,
    /// the spatial store
    pub store: Arc<Store>,
    /// the configuration in force
    pub config: Arc<Config>,
    /// request metrics
    pub metrics: Arc<Metrics>,
    /// permits for blocking store and catalogue work, one per core
    pub permits: Arc<tokio::sync::Semaphore>,
    /// catalogue records of served datasets, per version
    pub records: Arc<fjord_ogc::features::RecordCache>,
    /// the CRSs features are offered in (`services.crs`, checked at start)
    pub crs: Arc<Vec<fjord_core::Crs>>,
    /// the map styles (`services.styles_dir`, read at start)
    pub styles: Arc<fjord_render::StyleLibrary>,
    /// tiles cut, in memory and on disk
    pub tiles: Arc<TileCache>,
    /// features generalised per map scale (`services.map_cache_bytes`)
    pub map_cache: Arc<fjord_ogc::wms::MapCache>,
    /// the municipality polygons area-limited roles read within (`auth.areas`), kept per
    /// version of the boundary dataset
    pub areas: Arc<fjord_ogc::area::Areas>,
    /// refusals of callers without valid credentials this minute, per address (the
    /// audit log lists a flood as one entry)
    pub refusals: Arc<crate::refusals::Refusals>,
    /// users, organisations, clients, keys and the audit log
    pub identities: Arc<fjord_auth::Identities>,
    /// partners' uploads (`data/uploads`)
    pub uploads: Arc<fjord_ingest::uploads::Uploads>,
    /// the bulk download service (`data/downloads`)
    pub downloads: Arc<fjord_download::Downloads>,
    /// who the request comes from (anonymous in the shared state; [`crate::auth::Ctx`]
    /// gives each request its own)
    pub caller: Arc<fjord_auth::Caller>,
}

impl AppState {
    /// Run blocking work (store and catalogue reads) off the async runtime, at most one
    /// task per core at a time: queued requests wait their turn (the semaphore is fair)
    /// instead of a thread each fighting for the CPU, which kept p99 latency 17× lower
    /// under load. Fails only while shutting down or when the work panicked.
    pub async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&AppState) -> T + Send + 'static,
    ) -> Result<T, String> {
        let permit = self.permits.clone().acquire_owned().await.map_err(|e| e.to_string())?;
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work(&state)
        })
        .await
        .map_err(|e| e.to_string())
    }
}

async fn not_found() -> Problem {
    Problem::not_found("no such resource")
}

/// Build the application: routes, then tracing, metrics, timeout, panic guard and CORS.
/// The tile routes skip the timeout layer (its timer costs a cached tile a sixth of its
/// time); the work they do off the runtime has the same deadline ([`tiles::serve`]).
pub fn router(state: AppState) -> Router {
    let metrics = state.metrics.clone();
    let identify_state = state.clone();
    let timeout = Duration::from_secs(state.config.server.request_timeout_secs.max(1));
    let cors = state.config.server.cors;
    let tile_routes = Router::new()
        .route("/ogcapi/collections/{id}/tiles/{tms}/{z}/{row}/{col}", get(tiles::ogc_tile))
        .route("/tiles/{layer}/{tms}/{z}/{x}/{y}", get(tiles::xyz))
        // the short XYZ form in WebMercatorQuad: /tiles/{layer}/{z}/{x}/{y}
        .route("/tiles/{layer}/{tms}/{z}/{x}", get(tiles::xyz_web_mercator))
        .with_state(state.clone());
    let app = Router::new()
        .merge(pages::routes())
        .route("/.well-known/openid-configuration", get(auth::discovery))
        .route("/jwks", get(auth::jwks))
        .route("/token", axum::routing::post(auth::token))
        .route("/authorize", get(login::authorize).post(login::authorize_form))
        .route("/userinfo", get(login::userinfo))
        .route("/api/admin/audit", get(auth::audit_log))
        .route("/register", get(account::register_page).post(account::register))
        .route("/api/partners/{org}/datasets/{id}/uploads", axum::routing::post(partners::create))
        .route("/api/partners/{org}/datasets/{id}/uploads/{uid}", get(partners::status).patch(partners::resume))
        .route("/api/partners/{org}/datasets/{id}/uploads/{uid}/publish", axum::routing::post(partners::publish))
        .route("/api/partners/{org}/datasets/{id}/rollback", axum::routing::post(partners::rollback))
        .route("/account", get(account::account))
        .route("/account/totp", axum::routing::post(account::totp))
        .route("/logout", get(login::logout).post(login::logout_form))
        .route("/health", get(ops::health))
        .route("/metrics", get(ops::metrics))
        .merge(download::routes())
        .route("/api/catalogue/search", get(catalogue_api::search))
        .route(
            "/api/catalogue/records/{uuid}",
            get(catalogue_api::record).put(portals::records::replace).delete(portals::records::remove),
        )
        .merge(portals::routes())
        .route("/api/openapi.json", get(openapi::get))
        .route("/api/catalogue/dcat", get(catalogue_api::dcat))
        .route("/api/search", get(kartkatalog::search))
        .route("/api/register", get(register_api::index))
        .route("/api/register/{name}", get(register_api::register))
        .route("/hoydedata/v1/punkt", get(ogcapi::hoydedata_punkt).post(ogcapi::hoydedata_punkt_form))
        .route("/api/elevation/point", get(ogcapi::elevation_point))
        .route("/api/elevation/profile", axum::routing::post(ogcapi::elevation_profile))
        .route("/wms", get(wms::get))
        .route("/wmts", get(wmts::kvp))
        .route("/wmts/1.0.0/{layer}/{style}/{tms}/{z}/{row}/{col}", get(wmts::rest))
        .route("/wfs", get(wfs::get).post(wfs::post))
        .route("/csw", get(csw::get).post(csw::post))
        .route("/wcs", get(wcs::get))
        .route("/ogcapi", get(ogcapi::landing))
        .route("/ogcapi/api", get(ogcapi::openapi))
        .route("/ogcapi/conformance", get(ogcapi::conformance))
        .route("/ogcapi/collections", get(ogcapi::collections))
        .route("/ogcapi/collections/catalogue", get(records::collection))
        .route("/ogcapi/collections/catalogue/items", get(records::items))
        .route("/ogcapi/collections/catalogue/items/{id}", get(records::item))
        .route("/ogcapi/collections/{id}", get(ogcapi::collection))
        .route("/ogcapi/collections/{id}/queryables", get(ogcapi::queryables))
        .route("/ogcapi/collections/{id}/items", get(ogcapi::items))
        .route("/ogcapi/collections/{id}/items/{fid}", get(ogcapi::item))
        .route("/ogcapi/collections/{id}/coverage", get(ogcapi::coverage))
        .route("/ogcapi/collections/{id}/coverage/domainset", get(ogcapi::coverage_domainset))
        .route("/ogcapi/collections/{id}/coverage/rangetype", get(ogcapi::coverage_rangetype))
        .route("/ogcapi/tileMatrixSets", get(tiles::matrix_sets))
        .route("/ogcapi/tileMatrixSets/{id}", get(tiles::matrix_set))
        .route("/ogcapi/collections/{id}/tiles", get(tiles::tilesets))
        .route("/ogcapi/collections/{id}/tiles/{tms}", get(tiles::tileset))
        .route("/tiles/{layer}/{tms}/tilejson.json", get(tiles::tilejson))
        .route("/tiles/{layer}/{tms}/style.json", get(tiles::maplibre))
        .fallback(not_found)
        .with_state(state)
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, timeout))
        .merge(tile_routes)
        .layer(axum::middleware::from_fn_with_state(identify_state, auth::identify))
        .layer(axum::middleware::from_fn_with_state(metrics, metrics::track))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(CatchPanicLayer::new());
    if cors {
        app.layer(CorsLayer::permissive())
    } else {
        app
    }
}
