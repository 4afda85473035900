//! The `fjord` binary: serve, ingest, seed (datasets and tiles) and manage datasets over
//! one data folder.

mod datasets;
mod identity;
mod ingest;
mod progress;
mod styles;
mod tiles;

use clap::{Parser, Subcommand};
use fjord_server::Config;
use std::path::PathBuf;
use std::process::ExitCode;

/// fjord: a national spatial data infrastructure server.
#[derive(Parser)]
#[command(name = "fjord", version, about)]
struct Cli {
    /// configuration file (TOML); every key can also be set as FJORD_<SECTION>_<KEY>
    #[arg(long, global = true, env = "FJORD_CONFIG")]
    config: Option<PathBuf>,
    /// the data folder (overrides data.dir)
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve HTTP (the catalogue API, health and metrics)
    Serve {
        /// address to listen on (overrides server.listen); port 0 picks a free port
        #[arg(long)]
        listen: Option<String>,
    },
    /// Ingest a vector source as a new version of a dataset
    Ingest(ingest::IngestArgs),
    /// Ingest elevation (DEM) rasters as a new version of a dataset: warped to EPSG:25833
    /// and merged into one tile pyramid, finer and newer sources first
    IngestRaster(ingest::RasterArgs),
    /// Ingest every dataset folder (with a meta.toml) under DIR that is not loaded yet;
    /// with --zoom, cut the vector tiles of layer DIR into the disk tile cache instead
    Seed {
        /// folder of dataset folders, each with meta.toml naming dataset, org and source;
        /// with --zoom, the layer (dataset id) whose tiles to cut
        dir: PathBuf,
        /// ingest again even if the dataset exists
        #[arg(long, conflicts_with = "zoom")]
        force: bool,
        /// cut tiles of these levels, A-B (or one level)
        #[arg(long)]
        zoom: Option<String>,
        /// the tile matrix set of the tiles (WebMercatorQuad or utm33n)
        #[arg(long, requires = "zoom", default_value = "WebMercatorQuad")]
        tms: String,
        /// only tiles touching minx,miny,maxx,maxy in lon/lat (default: the layer's extent)
        #[arg(long, requires = "zoom")]
        bbox: Option<String>,
    },
    /// List, inspect, roll back and delete datasets
    #[command(subcommand)]
    Datasets(datasets::DatasetsCommand),
    /// Import map styles (SLD) into the style folder
    #[command(subcommand)]
    Styles(styles::StylesCommand),
    /// Users: register, set passwords, administrators, second factors
    #[command(subcommand)]
    Users(identity::UsersCommand),
    /// Partner organisations and their members' roles
    #[command(subcommand)]
    Orgs(identity::OrgsCommand),
    /// Clients of the identity gateway: partners' systems and public apps
    #[command(subcommand)]
    Clients(identity::ClientsCommand),
    /// The identity gateway's signing keys
    #[command(subcommand)]
    Keys(identity::KeysCommand),
    /// The audit log, newest first
    Audit(identity::AuditArgs),
}

fn init_logging(config: &Config, default_level: &str) {
    use tracing_subscriber::EnvFilter;
    let level = std::env::var("RUST_LOG").unwrap_or_else(|_| default_level.to_string());
    let filter = EnvFilter::try_new(&level).unwrap_or_else(|_| EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(std::io::stderr);
    if config.log.format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let mut config = Config::load(cli.config.as_deref(), |k| std::env::var(k).ok())?;
    if let Some(dir) = cli.data_dir {
        config.data.dir = dir;
    }
    fjord_ingest::quiet_gdal();
    match cli.command {
        Command::Serve { listen } => {
            if let Some(l) = listen {
                config.server.listen = l;
            }
            init_logging(&config, &config.log.level.clone());
            let rt = fjord_server::runtime()?;
            rt.block_on(fjord_server::serve(config))?;
            Ok(())
        }
        Command::Ingest(args) => {
            init_logging(&config, "warn");
            ingest::ingest(&config, args)
        }
        Command::IngestRaster(args) => {
            init_logging(&config, "warn");
            ingest::ingest_raster(&config, args)
        }
        Command::Seed { dir, force, zoom: None, .. } => {
            init_logging(&config, "warn");
            ingest::seed(&config, &dir, force)
        }
        Command::Seed { dir, zoom: Some(zoom), tms, bbox, .. } => {
            init_logging(&config, "warn");
            let layer = dir.to_string_lossy();
            tiles::seed(&config, tiles::SeedTiles { layer: &layer, tms: &tms, zoom: &zoom, bbox: bbox.as_deref() })
        }
        Command::Datasets(cmd) => {
            init_logging(&config, "warn");
            datasets::run(&config, cmd)
        }
        Command::Styles(cmd) => {
            init_logging(&config, "warn");
            styles::run(&config, cmd)
        }
        Command::Users(cmd) => identity::users(&config, cmd),
        Command::Orgs(cmd) => identity::orgs(&config, cmd),
        Command::Clients(cmd) => identity::clients(&config, cmd),
        Command::Keys(cmd) => identity::keys(&config, cmd),
        Command::Audit(args) => identity::audit(&config, args),
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
