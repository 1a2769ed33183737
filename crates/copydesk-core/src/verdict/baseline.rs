//! Baselines: today's findings recorded by stable fingerprint, so that CI on a collection
//! that already has findings fails only on new ones. `--write-baseline FILE` writes one,
//! `--baseline FILE` reads it; a finding it holds is *known* (SARIF `baselineState`
//! `unchanged`), any other is *new*, and a recorded finding no longer found is *absent*.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::findings::Finding;

/// The version of the baseline file's layout.
pub const VERSION: u32 = 1;

/// A baseline file: the findings of one run.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    /// The copydesk version that wrote it (for people; not checked).
    #[serde(default)]
    pub tool: String,
    pub findings: Vec<Entry>,
}

/// One recorded finding.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub fingerprint: String,
    pub code: String,
    /// The finding's message when it was recorded (for people; not compared).
    #[serde(default)]
    pub message: String,
}

/// Why a baseline could not be read.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("reading the baseline {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("the baseline {path} is not a copydesk baseline: {source}")]
    Parse { path: PathBuf, source: serde_json::Error },
    #[error("the baseline {path} has version {found}; this copydesk reads version {VERSION}")]
    Version { path: PathBuf, found: u32 },
}

/// Whether a finding was in the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    New,
    Known,
}

/// The baseline a report was compared with: which of its findings were known.
#[derive(Debug, Clone, Serialize)]
pub struct Applied {
    pub path: String,
    /// The report's findings recorded in the baseline.
    pub known: usize,
    /// The report's findings not in it.
    pub new: usize,
    /// Recorded findings this run no longer found, by fingerprint.
    pub absent: Vec<String>,
    #[serde(skip)]
    fingerprints: BTreeSet<String>,
}

impl Applied {
    /// The comparison in words, for the human formats.
    pub fn describe(&self) -> String {
        format!("{} · {} known, {} new, {} no longer found", self.path, self.known, self.new, self.absent.len())
    }

    /// Compares a run's findings with a baseline read from `path`.
    pub fn compare(findings: &[Finding], baseline: &Baseline, path: &Path) -> Applied {
        let fingerprints: BTreeSet<String> = baseline.findings.iter().map(|e| e.fingerprint.clone()).collect();
        let found: BTreeSet<String> = findings.iter().map(Finding::fingerprint).collect();
        let known = found.intersection(&fingerprints).count();
        let absent = fingerprints.difference(&found).cloned().collect();
        Applied { path: path.display().to_string(), known, new: found.len() - known, absent, fingerprints }
    }

    /// Whether a finding is in the baseline.
    pub fn state(&self, finding: &Finding) -> State {
        if self.fingerprints.contains(&finding.fingerprint()) {
            State::Known
        } else {
            State::New
        }
    }
}

impl Baseline {
    /// The baseline of a run: every finding it reports (ignored ones are not findings).
    pub fn of(findings: &[Finding]) -> Baseline {
        let mut findings: Vec<Entry> = findings
            .iter()
            .map(|f| Entry { fingerprint: f.fingerprint(), code: f.code.to_string(), message: f.message.clone() })
            .collect();
        findings.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
        findings.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Baseline { version: VERSION, tool: format!("copydesk {}", env!("CARGO_PKG_VERSION")), findings }
    }

    pub fn read(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read { path: path.into(), source })?;
        let baseline: Baseline =
            serde_json::from_str(&text).map_err(|source| BaselineError::Parse { path: path.into(), source })?;
        if baseline.version != VERSION {
            return Err(BaselineError::Version { path: path.into(), found: baseline.version });
        }
        Ok(baseline)
    }

    /// The baseline as the JSON of its file.
    pub fn to_json(&self) -> String {
        // A baseline is plain strings and numbers: rendering it cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}
