//! fjord-server: the HTTP face of fjord.
//!
//! Wiring only: configuration, the axum router and its middleware (tracing, metrics,
//! timeouts, panic guard, CORS), the mapping of every crate's errors to HTTP answers,
//! and start-up (open the data folder, reconcile the catalogue with the store, listen,
//! shut down gracefully), the tile cache in front of the tile routes, and the streaming
//! of large feature bodies. Domain logic lives in the crates below.

mod app;
mod catalogue_api;
pub mod config;
mod home;
mod metrics;
mod ogcapi;
mod ops;
mod problem;
mod stream;
pub mod tile_cache;
mod tiles;
mod wfs;
mod wms;
mod wmts;

pub use app::{router, AppState};
pub use config::Config;
pub use problem::Problem;
pub use tile_cache::TileCache;

use fjord_catalogue::Catalogue;
use fjord_store::Store;
use std::sync::Arc;

/// Why the server (or a CLI command) could not open its data or start listening.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// the data folder cannot be created or read
    #[error("{0}: {1}")]
    DataDir(std::path::PathBuf, std::io::Error),
    /// the store failed to open
    #[error(transparent)]
    Store(#[from] fjord_store::Error),
    /// the catalogue failed to open
    #[error(transparent)]
    Catalogue(#[from] fjord_catalogue::Error),
    /// reconciling catalogue and store failed
    #[error(transparent)]
    Ingest(#[from] fjord_ingest::Error),
    /// the configuration is not usable
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    /// the address cannot be bound, or serving failed
    #[error("cannot serve on {0}: {1}")]
    Listen(String, std::io::Error),
}

/// The store and the catalogue of one data folder, reconciled.
pub fn open_data(config: &Config) -> Result<(Arc<Store>, Arc<Catalogue>), StartError> {
    let dir = &config.data.dir;
    std::fs::create_dir_all(dir).map_err(|e| StartError::DataDir(dir.clone(), e))?;
    let store = Store::open(dir.join("store"), config.data.keep_versions)?;
    let catalogue = Catalogue::open(&dir.join("catalogue.sqlite"))?;
    fjord_ingest::sync::reconcile(&store, &catalogue)?;
    Ok((Arc::new(store), Arc::new(catalogue)))
}

/// Serve until SIGINT or SIGTERM. Logs the bound address (port 0 picks a free one) as
/// `listening on http://ADDR`.
pub async fn serve(config: Config) -> Result<(), StartError> {
    let crs = Arc::new(config.services.crs_list().map_err(StartError::Config)?);
    let styles = Arc::new(
        fjord_render::StyleLibrary::load(&config.services.styles_dir)
            .map_err(|e| StartError::Config(config::ConfigError::Invalid(e.to_string())))?,
    );
    let (store, catalogue) = open_data(&config)?;
    let listen = config.server.listen.clone();
    let listener = tokio::net::TcpListener::bind(&listen).await.map_err(|e| StartError::Listen(listen.clone(), e))?;
    let addr = listener.local_addr().map_err(|e| StartError::Listen(listen.clone(), e))?;
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let permits = Arc::new(tokio::sync::Semaphore::new(cores));
    warm_up(&crs, cores).await;
    let tiles = Arc::new(TileCache::new(&config.data.dir, config.tiles.memory_cache_bytes, config.tiles.disk_cache));
    let config_map_cache = config.services.map_cache_bytes;
    let state = AppState {
        catalogue,
        store,
        crs,
        styles,
        config: Arc::new(config),
        metrics: Arc::default(),
        permits,
        records: Arc::default(),
        tiles,
        map_cache: Arc::new(fjord_ogc::wms::MapCache::new(config_map_cache)),
    };
    tracing::info!(%addr, "listening on http://{addr}");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| StartError::Listen(listen, e))
}

/// Build the PROJ transformers between the storage CRS and each offered CRS on `threads`
/// blocking threads at once (a barrier keeps them distinct), so the first requests do
/// not pay for it. Those threads stay idle in the pool and serve the requests.
async fn warm_up(crs: &[fjord_core::Crs], threads: usize) {
    let barrier = Arc::new(std::sync::Barrier::new(threads));
    let tasks: Vec<_> = (0..threads)
        .map(|_| {
            let (barrier, crs) = (Arc::clone(&barrier), crs.to_vec());
            tokio::task::spawn_blocking(move || {
                barrier.wait();
                for c in crs {
                    let mut p = [(500_000.0, 6_650_000.0)];
                    let _ = fjord_core::transform::transform_in_place(fjord_core::STORAGE_CRS, c, &mut p);
                    let _ = fjord_core::transform::transform_in_place(c, fjord_core::STORAGE_CRS, &mut p);
                }
            })
        })
        .collect();
    for t in tasks {
        let _ = t.await;
    }
}

/// The runtime `serve` runs on. Blocking threads (store reads, feature streams) stay
/// alive for an hour when idle instead of tokio's 10 s: each keeps its own PROJ
/// transformers, and building them again after every pause cost the first requests tens
/// of milliseconds (p99 of OGC API items 24–44 ms instead of 5 ms after 15 s of quiet).
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_keep_alive(std::time::Duration::from_secs(3600))
        .on_thread_stop(fjord_core::transform::release_thread_transformers)
        .build()
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
