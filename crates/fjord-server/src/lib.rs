//! fjord-server: the HTTP face of fjord.
//!
//! Wiring only: configuration, the axum router and its middleware (tracing, metrics,
//! timeouts, panic guard, CORS), the mapping of every crate's errors to HTTP answers,
//! and start-up (open the data folder, reconcile the catalogue with the store, listen,
//! shut down gracefully), the tile cache in front of the tile routes, and the streaming
//! of large feature bodies; the identity gateway's HTTP side (who a request comes from,
//! the OpenID Connect endpoints, the login and account pages) and the partner upload
//! routes. Domain logic lives in the crates below (identities and the access policy in
//! fjord-auth, uploads in fjord-ingest).

mod account;
mod app;
mod auth;
mod catalogue_api;
pub mod config;
mod csw;
mod download;
mod home;
mod kartkatalog;
mod login;
mod metrics;
mod ogcapi;
mod openapi;
mod ops;
mod pages;
mod partners;
mod portals;
mod problem;
mod records;
mod refusals;
mod register_api;
mod stream;
pub mod tile_cache;
mod tiles;
mod wcs;
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

/// Where the identity database lives: `identity.sqlite` in the data folder.
pub fn identity_path(config: &Config) -> std::path::PathBuf {
    config.data.dir.join("identity.sqlite")
}

/// The store and the catalogue of one data folder, reconciled.
pub fn open_data(config: &Config) -> Result<(Arc<Store>, Arc<Catalogue>), StartError> {
    let dir = &config.data.dir;
    std::fs::create_dir_all(dir).map_err(|e| StartError::DataDir(dir.clone(), e))?;
    let store = Store::open(dir.join("store"), config.data.keep_versions)?;
    let catalogue = Catalogue::open(&dir.join("catalogue.sqlite"))?;
    fjord_portals::declare(&catalogue)?;
    fjord_ingest::sync::reconcile(&store, &catalogue)?;
    refresh_registers(config, &store, &catalogue);
    Ok((Arc::new(store), Arc::new(catalogue)))
}

/// Publish the portals' map layers from their records after seeding them (Doffin's
/// notices as the dataset `doffin-kunngjoringer`, KOSTRA's reports as `kostra-nokkeltall`):
/// each when the seeding `changed` records, or when the store lacks it. A seed that
/// wrote nothing publishes no new versions.
pub fn publish_portal_layers(
    config: &Config,
    store: &Store,
    catalogue: &Catalogue,
    changed: bool,
) -> Result<(), String> {
    let scratch = config.data.dir.join("tmp");
    let served = store.datasets().map_err(|e| e.to_string())?;
    let wanted = |id: &str| changed || !served.iter().any(|d| d.as_str() == id);
    if wanted(fjord_portals::doffin::LAYER) {
        portals::doffin::layer::publish(store, catalogue, &scratch, "seed")?;
    }
    if wanted(fjord_portals::kostra::DATASET) {
        portals::kostra::publish_from(store, catalogue, &scratch, "seed")?;
    }
    Ok(())
}

/// Bring the catalogue's registers of counties and municipalities in step with the
/// boundary datasets (`download.counties`, `download.municipalities`); a failure is
/// logged, the registers then stay as they were.
pub fn refresh_registers(config: &Config, store: &Store, catalogue: &Catalogue) {
    let refreshed = config.download.settings(&config.data.dir).map_err(|e| e.to_string()).and_then(|s| {
        let today = &fjord_core::time::now_rfc3339()[..10];
        fjord_download::areas::refresh_registers(store, catalogue, &s.boundaries, today).map_err(|e| e.to_string())
    });
    if let Err(e) = refreshed {
        tracing::error!(error = %e, "the registers of counties and municipalities could not be refreshed");
    }
}

/// Serve until SIGINT or SIGTERM. Logs the bound address (port 0 picks a free one) as
/// `listening on http://ADDR`.
///
/// One event loop per core, each a single-threaded runtime accepting on its own socket
/// of the same address (`SO_REUSEPORT`, the kernel spreads connections), as actix and
/// nginx do: tokio's work-stealing runtime spent a quarter of a cached tile's time waking
/// its workers. Heavy work still goes to blocking threads, one permit per core.
pub async fn serve(config: Config) -> Result<(), StartError> {
    let crs = Arc::new(config.services.crs_list().map_err(StartError::Config)?);
    let styles = Arc::new(
        fjord_render::StyleLibrary::load(&config.services.styles_dir)
            .map_err(|e| StartError::Config(config::ConfigError::Invalid(e.to_string())))?,
    );
    let (store, catalogue) = open_data(&config)?;
    let identities = Arc::new(
        fjord_auth::Identities::open(&identity_path(&config))
            .map_err(|e| StartError::Config(config::ConfigError::Invalid(format!("the identity database: {e}"))))?,
    );
    let uploads = Arc::new(
        fjord_ingest::uploads::Uploads::open(&config.data.dir.join("uploads"), config.limits.max_source_bytes)
            .map_err(|e| StartError::Config(config::ConfigError::Invalid(format!("the uploads folder: {e}"))))?,
    );
    let downloads = Arc::new(
        fjord_download::Downloads::open(
            Arc::clone(&store),
            Arc::clone(&catalogue),
            config.download.settings(&config.data.dir)?,
        )
        .map_err(|e| StartError::Config(config::ConfigError::Invalid(format!("the downloads folder: {e}"))))?,
    );
    downloads.start().map_err(|e| StartError::DataDir(config.data.dir.join("downloads"), e))?;
    let listen = config.server.listen.clone();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let bind_error = |e| StartError::Listen(listen.clone(), e);
    let mut listeners = bind_per_core(&listen, cores).await.map_err(bind_error)?;
    let listener = listeners.remove(0);
    let addr = listener.local_addr().map_err(bind_error)?;
    let permits = Arc::new(tokio::sync::Semaphore::new(cores));
    warm_up(&crs, cores).await;
    let tiles = Arc::new(TileCache::new(&config.data.dir, config.tiles.memory_cache_bytes, config.tiles.disk_cache));
    let config_map_cache = config.services.map_cache_bytes;
    let config_areas = config.auth.areas.clone();
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
        areas: Arc::new(fjord_ogc::area::Areas::new(&config_areas)),
        refusals: Arc::default(),
        identities,
        uploads,
        downloads,
        caller: Arc::new(fjord_auth::Caller::anonymous()),
    };
    // validations and publishes a stop cut short run again
    for id in state.uploads.pending().unwrap_or_default() {
        partners::advance_later(&state, id);
    }
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut loops = Vec::new();
    for (i, l) in listeners.into_iter().enumerate() {
        let l = l.into_std().map_err(bind_error)?;
        let (state, mut stopped) = (state.clone(), stopped.clone());
        let serve_here = move || -> std::io::Result<()> {
            runtime()?.block_on(async move {
                warm_up(&state.crs, 1).await;
                let until = async move {
                    let _ = stopped.wait_for(|s| *s).await;
                };
                let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
                axum::serve(tokio::net::TcpListener::from_std(l)?, app).with_graceful_shutdown(until).await
            })
        };
        loops.push(
            std::thread::Builder::new().name(format!("fjord-http-{}", i + 1)).spawn(serve_here).map_err(bind_error)?,
        );
    }
    tracing::info!(%addr, event_loops = cores, "listening on http://{addr}");
    let served = axum::serve(listener, router(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async move {
            shutdown().await;
            let _ = stop.send(true);
        })
        .await;
    drop(stopped);
    for l in loops {
        match l.join() {
            Ok(Err(e)) => tracing::error!(error = %e, "an event loop failed"),
            Err(_) => tracing::error!("an event loop panicked"),
            Ok(Ok(())) => {}
        }
    }
    served.map_err(|e| StartError::Listen(listen, e))
}

/// `n` listening sockets on `listen`, sharing its port (`SO_REUSEPORT`); with port 0 the
/// first picks a free one and the others take the same.
async fn bind_per_core(listen: &str, n: usize) -> std::io::Result<Vec<tokio::net::TcpListener>> {
    let mut addr = tokio::net::lookup_host(listen)
        .await?
        .next()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "no address"))?;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n.max(1) {
        let socket = if addr.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
        socket.set_reuseaddr(true)?;
        socket.set_reuseport(true)?;
        socket.bind(addr)?;
        let l = socket.listen(1024)?;
        addr = l.local_addr()?;
        out.push(l);
    }
    Ok(out)
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

/// The runtime of one event loop of `serve`: single-threaded, its blocking threads (store
/// reads, feature streams, maps) alive for an hour when idle instead of tokio's 10 s: each
/// keeps its own PROJ transformers, and building them again after every pause cost the
/// first requests tens of milliseconds (p99 of OGC API items 24–44 ms instead of 5 ms
/// after 15 s of quiet).
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
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
