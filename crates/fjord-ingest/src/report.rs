//! The ingest report: what was read, written, repaired and rejected, per feature.

use crate::validate::Repair;
use serde::Serialize;
use std::collections::BTreeMap;

/// At most this many repaired or rejected features are listed one by one; the counts
/// are always exact.
pub const MAX_LISTED: usize = 10_000;

/// One rejected feature.
#[derive(Clone, Debug, Serialize)]
pub struct Rejection {
    /// the source's feature id (or its position when the source has none)
    pub source_id: u64,
    /// why
    pub reason: String,
}

/// One repaired feature.
#[derive(Clone, Debug, Serialize)]
pub struct Repaired {
    /// the source's feature id
    pub source_id: u64,
    /// what was done
    pub repairs: Vec<Repair>,
}

/// The report of one ingest, stored with the version as `report.json`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// features read from the source
    pub read: u64,
    /// features written to the new version
    pub written: u64,
    /// features written after a safe repair
    pub repaired: u64,
    /// features left out
    pub rejected: u64,
    /// how often each repair was made
    pub repairs_by_kind: BTreeMap<String, u64>,
    /// repaired features (the first MAX_LISTED)
    pub repaired_features: Vec<Repaired>,
    /// rejected features (the first MAX_LISTED)
    pub rejected_features: Vec<Rejection>,
}

impl Report {
    pub(crate) fn reject(&mut self, source_id: u64, reason: impl Into<String>) {
        self.rejected += 1;
        if self.rejected_features.len() < MAX_LISTED {
            self.rejected_features.push(Rejection { source_id, reason: reason.into() });
        }
    }

    pub(crate) fn repaired(&mut self, source_id: u64, repairs: Vec<Repair>) {
        if repairs.is_empty() {
            return;
        }
        self.repaired += 1;
        for r in &repairs {
            let key = serde_json::to_value(r).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
            *self.repairs_by_kind.entry(key).or_default() += 1;
        }
        if self.repaired_features.len() < MAX_LISTED {
            self.repaired_features.push(Repaired { source_id, repairs });
        }
    }
}
