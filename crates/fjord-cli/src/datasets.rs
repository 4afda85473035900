//! `fjord datasets list | show | versions | report | rollback | delete`.

use clap::Subcommand;
use fjord_core::Slug;
use fjord_server::Config;

/// The dataset subcommands.
#[derive(Subcommand)]
pub enum DatasetsCommand {
    /// One line per dataset: id, served version, features, title
    List,
    /// The catalogue record of a dataset (JSON)
    Show {
        /// dataset id
        id: String,
    },
    /// The kept versions of a dataset
    Versions {
        /// dataset id
        id: String,
    },
    /// The ingest report of a version (default: the served one), as JSON
    Report {
        /// dataset id
        id: String,
        /// version number
        version: Option<u32>,
    },
    /// Serve an earlier kept version again
    Rollback {
        /// dataset id
        id: String,
        /// version number
        version: u32,
    },
    /// Remove a dataset, all its versions and its catalogue record
    Delete {
        /// dataset id
        id: String,
    },
}

/// Run a dataset subcommand.
pub fn run(config: &Config, cmd: DatasetsCommand) -> anyhow::Result<()> {
    let (store, catalogue) = fjord_server::open_data(config)?;
    match cmd {
        DatasetsCommand::List => {
            println!("{:<24} {:>7} {:>10}  title", "dataset", "version", "features");
            for id in store.datasets()? {
                let info = store.current(&id)?;
                let title = catalogue.by_dataset(id.as_str())?.map(|r| r.title).unwrap_or_default();
                println!("{:<24} {:>7} {:>10}  {title}", id.as_str(), info.version, info.feature_count);
            }
        }
        DatasetsCommand::Show { id } => {
            let id = Slug::new(&id)?;
            let record = catalogue
                .by_dataset(id.as_str())?
                .ok_or_else(|| fjord_store::Error::DatasetNotFound(id.to_string()))?;
            println!("{}", serde_json::to_string_pretty(&record)?);
        }
        DatasetsCommand::Versions { id } => {
            let id = Slug::new(&id)?;
            let current = store.current_version(&id)?;
            println!("{:>7} {:>10}  {:<20}  {:<12} source", "version", "features", "ingested", "by");
            for v in store.versions(&id)? {
                let mark = if Some(v.version) == current { "*" } else { " " };
                println!(
                    "{mark}{:>6} {:>10}  {:<20}  {:<12} {} ({})",
                    v.version,
                    v.feature_count,
                    v.lineage.at,
                    v.lineage.by,
                    v.lineage.source,
                    v.lineage.sha256.get(..12).unwrap_or("")
                );
            }
        }
        DatasetsCommand::Report { id, version } => {
            let id = Slug::new(&id)?;
            let v = match version {
                Some(v) => v,
                None => store.current(&id)?.version,
            };
            let report = store.report(&id, v)?.ok_or_else(|| anyhow::anyhow!("version {v} of {id} has no report"))?;
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        DatasetsCommand::Rollback { id, version } => {
            let id = Slug::new(&id)?;
            let info = store.rollback(&id, version)?;
            fjord_ingest::sync::sync_dataset(&store, &catalogue, &id)?;
            println!("{id} now serves version {} ({} features)", info.version, info.feature_count);
        }
        DatasetsCommand::Delete { id } => {
            let id = Slug::new(&id)?;
            store.delete(&id)?;
            fjord_ingest::sync::sync_dataset(&store, &catalogue, &id)?;
            println!("{id} deleted");
        }
    }
    Ok(())
}
