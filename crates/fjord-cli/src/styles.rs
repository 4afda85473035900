//! `fjord styles import FILE.sld [--dataset ID]`: SLD 1.0 / SE 1.1 into the style folder.

use anyhow::{bail, Context};
use clap::Subcommand;
use fjord_core::Slug;
use fjord_server::Config;
use std::path::PathBuf;

/// The style subcommands.
#[derive(Subcommand)]
pub enum StylesCommand {
    /// Read an SLD file and write each of its styles as `<styles_dir>/<dataset>/<style>.json`;
    /// the parts native styles cannot hold are listed
    Import {
        /// the SLD document
        file: PathBuf,
        /// the dataset the styles are for (default: each NamedLayer's name)
        #[arg(long)]
        dataset: Option<String>,
    },
}

/// A style name as a file name: letters, digits, `-` and `_` only.
fn file_stem(name: &str) -> String {
    let s: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    if s.is_empty() {
        "sld".into()
    } else {
        s
    }
}

/// Run a style subcommand.
pub fn run(config: &Config, cmd: StylesCommand) -> anyhow::Result<()> {
    let StylesCommand::Import { file, dataset } = cmd;
    let meta = std::fs::metadata(&file).with_context(|| file.display().to_string())?;
    if meta.len() > fjord_ogc::sld::MAX_SLD_BYTES as u64 {
        bail!("{}: over {} bytes", file.display(), fjord_ogc::sld::MAX_SLD_BYTES);
    }
    let text = std::fs::read_to_string(&file).with_context(|| file.display().to_string())?;
    let read = fjord_ogc::sld::read_sld(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    for (layer, mut style) in read.styles {
        let target = dataset.clone().unwrap_or(layer);
        let slug = Slug::new(&target).map_err(|e| anyhow::anyhow!("dataset '{target}': {e}"))?;
        style.name = file_stem(&style.name);
        style.check()?;
        let dir = config.services.styles_dir.join(slug.as_str());
        std::fs::create_dir_all(&dir).with_context(|| dir.display().to_string())?;
        let path = dir.join(format!("{}.json", style.name));
        std::fs::write(&path, serde_json::to_string_pretty(&style)? + "\n")
            .with_context(|| path.display().to_string())?;
        println!("wrote {} ({} rules)", path.display(), style.rules.len());
    }
    for part in &read.ignored {
        eprintln!("ignored: {part}");
    }
    Ok(())
}
