//! fjord-portals: the eGovernment portals (Norway.no, MyPage, Altinn forms with KOSTRA,
//! Standardisation, Regelhjelp, Anskaffelser/Doffin, OEP, the National Register) as thin
//! modules over the one catalogue.
//!
//! A portal owns no store and no search. It declares its record kinds, each with a JSON
//! Schema for the kind's `properties` ([`fjord_catalogue::Kind`]), and keeps its records
//! in the catalogue beside the datasets: the catalogue checks every write against the
//! schema, searches every kind with the same search, and the one access policy
//! (`fjord_auth::decide`) says who reads what. A module here holds what is particular to
//! its portal: its kinds, its workflow (which status may follow which), and its sample
//! records in `datasets/portals/`. Its HTTP routes and pages sit in fjord-server's
//! `portals` module, one file per portal.

pub mod altinn;
pub mod doffin;
pub mod draft;
mod error;
pub mod folkeregister;
pub mod kostra;
pub mod norway;
pub mod oep;
pub mod regelhjelp;
pub mod standards;

pub use draft::Draft;
pub use error::{Error, Result};

use fjord_catalogue::{Catalogue, Kind};

/// Every portal's record kinds.
pub fn kinds() -> Vec<Kind> {
    [
        norway::kinds(),
        standards::kinds(),
        regelhjelp::kinds(),
        doffin::kinds(),
        folkeregister::kinds(),
        oep::kinds(),
        altinn::kinds(),
    ]
    .concat()
}

/// Check a write of a portal record against its kind's workflow (beyond its schema):
/// `old` is the record it replaces. A refusal names the field.
pub fn check_change(
    old: Option<&fjord_catalogue::Record>,
    new: &fjord_catalogue::Record,
) -> fjord_catalogue::Result<()> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64);
    check(&new.kind, new.properties.as_ref())?;
    match new.kind.as_str() {
        doffin::KIND => doffin::check_change(old, new, now),
        folkeregister::KIND => folkeregister::check(new),
        oep::RECORD | oep::REQUEST => oep::check(new),
        _ => Ok(()),
    }
}

/// The kinds whose records a caller who may not read them does not see listed either
/// (unlike a restricted dataset, whose metadata is public): a buyer's draft tender, a
/// citizen's request or form, a register entry. An exempt journal entry is listed,
/// its content masked.
pub const UNLISTED_KINDS: [&str; 5] =
    [doffin::KIND, norway::HELPDESK_REQUEST, oep::REQUEST, altinn::SUBMISSION, folkeregister::KIND];

/// The kinds whose records only their portal's own API writes, because a workflow keeps
/// them (a form submission moves from draft to processed by its steps alone): the
/// generic record writes refuse them.
pub const WORKFLOW_KINDS: [&str; 1] = [altinn::SUBMISSION];

/// What a kind's JSON Schema cannot say, checked before a record of `kind` with
/// `properties` is written (a form's own schema must compile); the refusal names the
/// field.
fn check(kind: &str, properties: Option<&serde_json::Value>) -> fjord_catalogue::Result<()> {
    match kind {
        altinn::FORM => altinn::check_form(properties),
        _ => Ok(()),
    }
}

/// The organisation id of the municipality numbered `number`: `kommune-0301` for Oslo.
/// Municipalities are known by it to every portal: the National Register's municipal
/// offices, and KOSTRA's reporters, who report for their own municipality only.
pub fn municipality_org(number: &str) -> String {
    format!("kommune-{number}")
}

/// The municipality number of a municipality's organisation id (`kommune-0301` → `0301`);
/// `None` for any other organisation.
pub fn municipality_of(org: &str) -> Option<&str> {
    org.strip_prefix("kommune-").filter(|n| n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Declare every portal's record kinds in the catalogue, so that their records are
/// checked on every write.
pub fn declare(catalogue: &Catalogue) -> fjord_catalogue::Result<()> {
    for kind in kinds() {
        catalogue.declare(kind)?;
    }
    Ok(())
}

/// Load the sample records of `dir` (`*.json`, each an array of [`Draft`]s): those whose
/// uuid the catalogue lacks, or all when `force`. Returns how many were written.
pub fn seed(catalogue: &Catalogue, dir: &std::path::Path, force: bool) -> Result<usize> {
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::Io(dir.display().to_string(), e))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let now = fjord_core::time::now_rfc3339();
    let mut written = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).map_err(|e| Error::Io(file.display().to_string(), e))?;
        let drafts: Vec<Draft> =
            serde_json::from_str(&text).map_err(|e| Error::Sample(file.display().to_string(), e.to_string()))?;
        for draft in drafts {
            let uuid = draft
                .uuid
                .clone()
                .ok_or_else(|| Error::Sample(file.display().to_string(), format!("'{}' has no uuid", draft.title)))?;
            let old = catalogue.get(&uuid)?;
            if old.is_some() && !force {
                continue;
            }
            let record = draft.into_record(&uuid, old.as_ref(), &now);
            check(&record.kind, record.properties.as_ref())
                .and_then(|_| catalogue.upsert(&record))
                .map_err(|e| Error::Sample(file.display().to_string(), format!("{uuid}: {e}")))?;
            written += 1;
        }
    }
    Ok(written)
}
