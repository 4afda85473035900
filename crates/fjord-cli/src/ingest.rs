//! `fjord ingest`, `fjord ingest-raster` and `fjord seed`.

use crate::progress::Bar;
use anyhow::Context;
use clap::Args;
use fjord_core::{Crs, Slug};
use fjord_ingest::{IngestRequest, Outcome, SourceOptions};
use fjord_server::Config;
use std::path::{Path, PathBuf};

/// What both ingest commands publish to: the dataset, its owner and its human metadata.
#[derive(Args)]
pub struct Target {
    /// dataset id (a-z, 0-9, '-', '_')
    #[arg(long)]
    dataset: String,
    /// owner organisation id
    #[arg(long)]
    org: String,
    /// sidecar with the human metadata (TOML, or JSON by extension)
    #[arg(long)]
    meta: Option<PathBuf>,
}

impl Target {
    /// The dataset, the organisation and the sidecar read, checked.
    fn read(&self) -> anyhow::Result<(Slug, Slug, Option<fjord_catalogue::HumanFields>)> {
        let meta = self.meta.as_deref().map(fjord_ingest::read_sidecar).transpose()?;
        Ok((Slug::new(&self.dataset).context("--dataset")?, Slug::new(&self.org).context("--org")?, meta))
    }
}

/// Arguments of `fjord ingest`.
#[derive(Args)]
pub struct IngestArgs {
    /// the source: any vector file GDAL reads (GeoJSON, Shapefile or zipped Shapefile,
    /// GeoPackage, GML, FlatGeobuf, CSV with WKT, SOSI, ...)
    path: PathBuf,
    #[command(flatten)]
    target: Target,
    /// the source CRS (e.g. EPSG:4326), for sources without one or to override it
    #[arg(long)]
    crs: Option<String>,
    /// the layer to read when the source has several
    #[arg(long)]
    layer: Option<String>,
}

/// Arguments of `fjord ingest-raster`.
#[derive(Args)]
pub struct RasterArgs {
    /// elevation sources: any raster GDAL reads (GeoTIFF/COG, Esri ASCII grid, XYZ, ...),
    /// or folders of them
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    target: Target,
    /// vertical datum of the heights [default: the sidecar's `vertical_datum`, else NN2000]
    #[arg(long)]
    datum: Option<String>,
    /// the CRS of sources that name none (XYZ, an ASCII grid without .prj), e.g. EPSG:25833
    #[arg(long)]
    crs: Option<String>,
}

/// `fjord ingest-raster PATH... --dataset ID --org ORG [--meta FILE] [--datum NN2000] [--crs EPSG:n]`
pub fn ingest_raster(config: &Config, a: RasterArgs) -> anyhow::Result<()> {
    let (dataset, org, meta) = a.target.read()?;
    let assume_crs = a.crs.as_deref().map(Crs::parse).transpose()?;
    let req = fjord_ingest::dem::DemRequest {
        paths: a.paths,
        dataset,
        org,
        meta,
        vertical_datum: a.datum,
        assume_crs,
        by: who(),
    };
    run_dem(config, &req)
}

fn run_dem(config: &Config, req: &fjord_ingest::dem::DemRequest) -> anyhow::Result<()> {
    let (store, catalogue) = fjord_server::open_data(config)?;
    let started = std::time::Instant::now();
    let info = fjord_ingest::dem::ingest_dem(&store, &catalogue, req)?;
    let Some(r) = &info.raster else { anyhow::bail!("the version published is not elevation") };
    println!(
        "published {} version {}: {} m cells, {} levels, {} tiles, heights {:.1}–{:.1} m (mean {:.1}, {:.1} % NoData) in {:.1} s",
        req.dataset,
        info.version,
        r.cell,
        r.levels,
        r.tiles,
        r.stats.min,
        r.stats.max,
        r.stats.mean,
        r.stats.nodata_share * 100.0,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn who() -> String {
    std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "cli".into())
}

fn print_outcome(dataset: &Slug, o: &Outcome) {
    let r = &o.report;
    println!(
        "published {dataset} version {}: {} features written ({} read, {} repaired, {} rejected)",
        o.info.version, r.written, r.read, r.repaired, r.rejected
    );
    for (kind, n) in &r.repairs_by_kind {
        println!("  repaired {n} × {kind}");
    }
    for rej in r.rejected_features.iter().take(20) {
        println!("  rejected source feature {}: {}", rej.source_id, rej.reason);
    }
    if r.rejected > 20 {
        println!("  … {} more; full report: fjord datasets report {dataset}", r.rejected - 20);
    }
}

fn run_ingest(config: &Config, req: IngestRequest) -> anyhow::Result<()> {
    let (store, catalogue) = fjord_server::open_data(config)?;
    let dataset = req.dataset.clone();
    let outcome = fjord_ingest::ingest(&store, &catalogue, &req, &Bar::new())?;
    print_outcome(&dataset, &outcome);
    Ok(())
}

/// `fjord ingest PATH --dataset ID --org ORG [--meta FILE] [--crs EPSG:n] [--layer NAME]`
pub fn ingest(config: &Config, a: IngestArgs) -> anyhow::Result<()> {
    let (dataset, org, meta) = a.target.read()?;
    let req = IngestRequest {
        source: SourceOptions {
            path: a.path,
            layer: a.layer,
            crs: a.crs.as_deref().map(Crs::parse).transpose()?,
            max_bytes: config.limits.max_source_bytes,
        },
        dataset,
        org,
        meta,
        by: who(),
    };
    run_ingest(config, req)
}

/// `fjord seed DIR`: every `DIR/*/meta.toml` naming `dataset`, `org` and `source`.
pub fn seed(config: &Config, dir: &Path, force: bool) -> anyhow::Result<()> {
    let mut sidecars: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| dir.display().to_string())?
        .flatten()
        .map(|e| e.path().join("meta.toml"))
        .filter(|p| p.is_file())
        .collect();
    sidecars.sort();
    let (store, _) = fjord_server::open_data(config)?;
    let loaded = store.datasets()?;
    drop(store);
    for sidecar in sidecars {
        let meta = fjord_ingest::read_sidecar(&sidecar)?;
        let field = |v: &Option<String>, name: &str| {
            v.clone().with_context(|| format!("{}: '{name}' is required for seeding", sidecar.display()))
        };
        let dataset = Slug::new(&field(&meta.dataset, "dataset")?)?;
        if !force && loaded.contains(&dataset) {
            println!("{dataset}: already loaded, skipped");
            continue;
        }
        let folder = sidecar.parent().unwrap_or(dir);
        let source = folder.join(field(&meta.source, "source")?);
        let org = Slug::new(&field(&meta.org, "org")?)?;
        if fjord_ingest::dem::is_raster_file(&source) {
            let req = fjord_ingest::dem::DemRequest {
                paths: vec![source],
                dataset,
                org,
                meta: Some(meta),
                vertical_datum: None,
                assume_crs: None,
                by: "seed".into(),
            };
            run_dem(config, &req)?;
            continue;
        }
        let req = IngestRequest {
            source: SourceOptions {
                path: source,
                layer: meta.layer.clone(),
                crs: None,
                max_bytes: config.limits.max_source_bytes,
            },
            dataset,
            org,
            meta: Some(meta),
            by: "seed".into(),
        };
        run_ingest(config, req)?;
    }
    // the portals' sample records (authorities, forms, tenders, ...) in `portals/`
    let portals = dir.join("portals");
    if portals.is_dir() {
        let (store, catalogue) = fjord_server::open_data(config)?;
        let written = fjord_portals::seed(&catalogue, &portals, force)?;
        println!("portal records: {written} written");
        fjord_server::publish_portal_layers(config, &store, &catalogue, written > 0).map_err(anyhow::Error::msg)?;
    }
    Ok(())
}
