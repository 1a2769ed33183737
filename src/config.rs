//! Configuration: `copydesk.toml`, found in the first input's folder or above it, or given
//! with `--config`. Every key has a default; unknown keys are an error naming the key and
//! the file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::date::DateOptions;
use crate::error::{Error, Result};
use crate::fingerprint::FingerprintOptions;
use crate::normalize::NormalizeOptions;
use crate::relate::{RelateOptions, StoryOptions};

/// The name of the configuration file looked for.
pub const FILE_NAME: &str = "copydesk.toml";

/// The effective configuration of a run.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub ingest: IngestConfig,
    pub normalize: NormalizeOptions,
    pub fingerprint: FingerprintOptions,
    pub relate: RelateOptions,
    /// Rewrites and same-story pairs.
    pub story: StoryOptions,
    pub date: DateOptions,
    pub archive: crate::archive::ArchiveConfig,
    pub fetch: crate::archive::fetch::FetchConfig,
    /// Source scores: criteria weights and thresholds, lexicon extensions.
    pub score: crate::score::ScoreOptions,
    /// Sources known by several names, and per-source settings.
    #[serde(rename = "source")]
    pub sources: Vec<crate::score::SourceConfig>,
    /// Findings not to report, each with its reason.
    #[serde(rename = "ignore")]
    pub ignores: Vec<crate::report::findings::Ignore>,
}

/// Settings of the ingest stage that a configuration file may set.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IngestConfig {
    /// The largest article read, in bytes.
    pub max_item_bytes: u64,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig { max_item_bytes: crate::ingest::IngestOptions::default().max_item_bytes }
    }
}

/// A configuration and the file it came from, if any.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub config: Config,
    pub path: Option<PathBuf>,
}

/// Finds `copydesk.toml` in `start` (a file's folder or a folder) or the nearest folder
/// above it.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start =
        if start.is_dir() { start.to_path_buf() } else { start.parent().map(Path::to_path_buf).unwrap_or_default() };
    let start = start.canonicalize().unwrap_or(start);
    start.ancestors().map(|folder| folder.join(FILE_NAME)).find(|candidate| candidate.is_file())
}

/// Reads a configuration file. Timeline paths in it are taken relative to its folder.
pub fn load(path: &Path) -> Result<Config> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    let mut config: Config = toml::from_str(&text).map_err(|e| Error::Config {
        path: path.to_path_buf(),
        message: e.message().to_string() + &span_line(&text, e.span()),
    })?;
    config.normalize.validate().map_err(|message| Error::Config { path: path.to_path_buf(), message })?;
    let folder = path.parent().unwrap_or(Path::new(""));
    for timeline in &mut config.date.timelines {
        if timeline.is_relative() {
            *timeline = folder.join(&*timeline);
        }
    }
    Ok(config)
}

/// " (line N)" for the start of a TOML error's span.
fn span_line(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    span.map(|s| format!(" (line {})", line_of(text, s.start))).unwrap_or_default()
}

/// The line (from 1) a byte offset of `text` falls on.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|b| **b == b'\n').count() + 1
}

/// The configuration for a run: `explicit` if given, else the file discovered from the
/// first input, else the defaults.
pub fn resolve(explicit: Option<&Path>, no_config: bool, first_input: Option<&Path>) -> Result<Loaded> {
    if no_config {
        return Ok(Loaded::default());
    }
    let path = match explicit {
        Some(path) => Some(path.to_path_buf()),
        None => first_input.and_then(discover),
    };
    match path {
        Some(path) => Ok(Loaded { config: load(&path)?, path: Some(path) }),
        None => Ok(Loaded::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_name_the_key_and_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "[relate]\nnear_duplicate_jacard = 0.9\n").expect("write");
        let error = load(&path).expect_err("unknown key").to_string();
        assert!(error.contains("near_duplicate_jacard"), "{error}");
        assert!(error.contains("copydesk.toml"), "{error}");
        assert!(error.contains("line 2"), "{error}");
    }

    #[test]
    fn timeline_paths_are_relative_to_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "[date]\nmax_age_days = 10\ntimelines = [\"beat/timeline.toml\"]\n").expect("write");
        let config = load(&path).expect("load");
        assert_eq!(config.date.max_age_days, 10);
        assert_eq!(config.date.timelines, vec![dir.path().join("beat/timeline.toml")]);
    }

    #[test]
    fn discovers_the_file_from_a_folder_upward() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(FILE_NAME), "[relate]\nnear_duplicate_jaccard = 0.9\n").expect("write");
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).expect("mkdir");
        let found = discover(&nested).expect("found");
        assert_eq!(load(&found).expect("load").relate.near_duplicate_jaccard, 0.9);
    }
}
