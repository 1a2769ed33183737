//! Configuration: `copydesk.toml`, found in the first input's folder or above it, or given
//! with `--config`. Every key has a default; unknown keys are an error naming the key and
//! the file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use copydesk_archive::ArchiveConfig;
use copydesk_core::date::DateOptions;
use copydesk_core::fingerprint::FingerprintOptions;
use copydesk_core::normalize::NormalizeOptions;
use copydesk_core::relate::{RelateOptions, StoryOptions};
use copydesk_core::score::{ScoreOptions, SourceConfig};
use copydesk_core::util::line_of;
use copydesk_core::verdict::findings::Ignore;
use copydesk_engine::Settings;
use copydesk_ingest::fetch::FetchConfig;
use copydesk_ingest::IngestOptions;
use copydesk_report::Configuration;

/// The name of the configuration file looked for.
pub const FILE_NAME: &str = copydesk_core::model::CONFIGURATION_FILE_NAME;

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid configuration in {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

type Result<T, E = ConfigError> = std::result::Result<T, E>;

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
    pub archive: ArchiveConfig,
    pub fetch: FetchConfig,
    /// Source scores: criteria weights and thresholds, lexicon extensions.
    pub score: ScoreOptions,
    /// Sources known by several names, and per-source settings.
    #[serde(rename = "source")]
    pub sources: Vec<SourceConfig>,
    /// Findings not to report, each with its reason.
    #[serde(rename = "ignore")]
    pub ignores: Vec<Ignore>,
    /// The file the configuration was read from, and how it was found: reported, so that
    /// a CI run shows which file decided what it ignored.
    #[serde(skip)]
    pub origin: Option<Origin>,
}

impl Config {
    /// The settings of every stage, as this configuration sets them: what the engine runs
    /// with. `allow_outside_paths` is a flag of the command, not a key of the file.
    pub fn settings(&self, allow_outside_paths: bool) -> Settings {
        Settings {
            ingest: IngestOptions {
                allow_outside_paths,
                max_item_bytes: self.ingest.max_item_bytes,
                max_stdin_bytes: self.ingest.max_stdin_bytes,
            },
            normalize: self.normalize.clone(),
            fingerprint: self.fingerprint.clone(),
            relate: self.relate.clone(),
            story: self.story.clone(),
            date: self.date.clone(),
            score: self.score.clone(),
            sources: self.sources.clone(),
            ignores: self.ignores.clone(),
            archive: self.archive.clone(),
            fetch: self.fetch.clone(),
            configuration: self.origin.as_ref().map(Origin::shown).unwrap_or_default(),
        }
    }
}

/// The file a configuration came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub path: PathBuf,
    /// Found from the inputs' folder upward, rather than given with `--config`.
    pub discovered: bool,
}

impl Origin {
    /// The file as a report shows it. A discovered file is found by its real path: shown
    /// relative to the current folder where it is inside it, as the inputs are.
    fn shown(&self) -> Configuration {
        let here = std::env::current_dir().ok().and_then(|d| d.canonicalize().ok());
        let path = here
            .and_then(|here| self.path.strip_prefix(here).ok().map(Path::to_path_buf))
            .unwrap_or_else(|| self.path.clone());
        Configuration { path: Some(path.display().to_string()), discovered: self.discovered }
    }
}

/// Settings of the ingest stage that a configuration file may set.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IngestConfig {
    /// The largest article read, in bytes.
    pub max_item_bytes: u64,
    /// The most read from standard input or a pipe, in bytes.
    pub max_stdin_bytes: u64,
}

impl Default for IngestConfig {
    fn default() -> Self {
        let defaults = IngestOptions::default();
        IngestConfig { max_item_bytes: defaults.max_item_bytes, max_stdin_bytes: defaults.max_stdin_bytes }
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
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io { path: path.to_path_buf(), source })?;
    let mut config: Config = toml::from_str(&text).map_err(|e| ConfigError::Invalid {
        path: path.to_path_buf(),
        message: e.message().to_string() + &span_line(&text, e.span()),
    })?;
    config.normalize.validate().map_err(|message| ConfigError::Invalid { path: path.to_path_buf(), message })?;
    config.validate().map_err(|message| ConfigError::Invalid { path: path.to_path_buf(), message })?;
    let folder = path.parent().unwrap_or(Path::new(""));
    for timeline in &mut config.date.timelines {
        if timeline.is_relative() {
            *timeline = folder.join(&*timeline);
        }
    }
    Ok(config)
}

/// A setting's value outside its range, said with the key and the range.
fn out_of_range(
    key: &str,
    value: impl std::fmt::Display,
    min: impl std::fmt::Display,
    max: impl std::fmt::Display,
) -> String {
    format!("`{key}` = {value} is out of range: expected {min} to {max}")
}

/// Checks that a whole number is within `min..=max`.
fn whole<T: PartialOrd + std::fmt::Display + Copy>(
    key: &str,
    value: T,
    min: T,
    max: T,
) -> std::result::Result<(), String> {
    if value < min || value > max {
        return Err(out_of_range(key, value, min, max));
    }
    Ok(())
}

/// Checks that a number is finite and within `min..=max`.
pub fn real(key: &str, value: f64, min: f64, max: f64) -> std::result::Result<(), String> {
    if !value.is_finite() || value < min || value > max {
        return Err(out_of_range(key, format!("{value:?}"), min, max));
    }
    Ok(())
}

/// A share, from 0 to 1.
fn share(key: &str, value: f64) -> std::result::Result<(), String> {
    real(key, value, 0.0, 1.0)
}

/// The range of every number a run takes: checked when the file is read and after
/// command-line flags are applied, so that no value reaches a stage that would panic,
/// hang or exhaust memory on it.
impl Config {
    pub fn validate(&self) -> std::result::Result<(), String> {
        const GIB: u64 = 1 << 30;
        let i = &self.ingest;
        whole("ingest.max_item_bytes", i.max_item_bytes, 1, GIB)?;
        whole("ingest.max_stdin_bytes", i.max_stdin_bytes, 1, 1 << 40)?;
        let n = &self.normalize;
        whole("normalize.repeated_line_max_words", n.repeated_line_max_words, 1, 1000)?;
        whole("normalize.template_min_items_per_source", n.template_min_items_per_source, 2, 1_000_000)?;
        whole("normalize.template_min_items", n.template_min_items, 2, 1_000_000)?;
        real("normalize.template_ratio", n.template_ratio, 1.0, 1000.0)?;
        let f = &self.fingerprint;
        whole("fingerprint.shingle_words", f.shingle_words, 1, 32)?;
        whole("fingerprint.minhash_hashes", f.minhash_hashes, 8, 1024)?;
        whole("fingerprint.min_paragraph_words", f.min_paragraph_words, 1, 1000)?;
        let r = &self.relate;
        share("relate.near_duplicate_jaccard", r.near_duplicate_jaccard)?;
        share("relate.near_duplicate_containment", r.near_duplicate_containment)?;
        share("relate.trimmed_containment", r.trimmed_containment)?;
        share("relate.trimmed_jaccard", r.trimmed_jaccard)?;
        share("relate.partial_containment", r.partial_containment)?;
        whole("relate.partial_min_shared_paragraphs", r.partial_min_shared_paragraphs, 1, 10_000)?;
        whole("relate.partial_min_shared_words", r.partial_min_shared_words, 1, 1_000_000)?;
        share("relate.estimate_min_jaccard", r.estimate_min_jaccard)?;
        real("relate.lsh_recall", r.lsh_recall, 0.01, 0.9999)?;
        whole("relate.max_bucket", r.max_bucket, 2, 100_000)?;
        let st = &self.story;
        whole("story.profile_terms", st.profile_terms, 1, 1024)?;
        whole("story.index_terms", st.index_terms, 1, 1024)?;
        whole("story.max_posting", st.max_posting, 2, 100_000)?;
        whole("story.min_shared_keys", st.min_shared_keys, 1, 1000)?;
        whole("story.max_candidates", st.max_candidates, 1, 10_000)?;
        share("story.sentence_similarity", st.sentence_similarity)?;
        share("story.rewrite_cosine", st.rewrite_cosine)?;
        share("story.rewrite_aligned", st.rewrite_aligned)?;
        share("story.rewrite_max_novelty", st.rewrite_max_novelty)?;
        share("story.same_story_cosine", st.same_story_cosine)?;
        share("story.same_quote_cosine", st.same_quote_cosine)?;
        whole("story.same_story_names", st.same_story_names, 0, 10_000)?;
        whole("story.same_story_facts", st.same_story_facts, 0, 10_000)?;
        whole("story.same_story_aligned", st.same_story_aligned, 0, 10_000)?;
        real("story.story_z", st.story_z, 0.0, 1000.0)?;
        share("story.prior_cosine_mean", st.prior_cosine_mean)?;
        real("story.prior_cosine_spread", st.prior_cosine_spread, 0.001, 1.0)?;
        real("story.prior_weight", st.prior_weight, 0.0, 1e9)?;
        whole("story.max_event_gap_days", st.max_event_gap_days, 0, 1_000_000)?;
        whole("date.max_age_days", self.date.max_age_days, 0, 36_500)?;
        whole("archive.busy_timeout_seconds", self.archive.busy_timeout_seconds, 0, 86_400)?;
        whole("archive.cache_mib", self.archive.cache_mib, 1, 65_536)?;
        let fe = &self.fetch;
        real("fetch.timeout_seconds", fe.timeout_seconds, 0.001, 86_400.0)?;
        whole("fetch.max_response_bytes", fe.max_response_bytes, 1, GIB)?;
        whole("fetch.max_redirects", fe.max_redirects, 0, 20)?;
        whole("fetch.parallel", fe.parallel, 1, 256)?;
        let sc = &self.score;
        let criteria = [
            ("originality", &sc.originality),
            ("no_unattributed_copies", &sc.no_unattributed_copies),
            ("freshness", &sc.freshness),
            ("attribution", &sc.attribution),
            ("bylines_and_datelines", &sc.bylines_and_datelines),
            ("clean_text", &sc.clean_text),
            ("headline_restraint", &sc.headline_restraint),
        ];
        for (name, criterion) in criteria {
            real(&format!("score.{name}.weight"), criterion.weight, 0.0, 1000.0)?;
            share(&format!("score.{name}.threshold"), criterion.threshold)?;
        }
        share("score.heavy_boilerplate", sc.heavy_boilerplate)?;
        share("score.confidence", sc.confidence)?;
        real("score.min_source_score", sc.min_source_score, 0.0, 100.0)?;
        real("score.filler_per_1000_words", sc.filler_per_1000_words, 0.0, 1000.0)?;
        for source in &self.sources {
            if let Some(min) = source.min_score {
                real(&format!("source.min_score (of {:?})", source.name), min, 0.0, 100.0)?;
            }
        }
        Ok(())
    }
}

/// " (line N)" for the start of a TOML error's span.
fn span_line(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    span.map(|s| format!(" (line {})", line_of(text, s.start))).unwrap_or_default()
}

/// How a run finds its configuration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lookup {
    /// `--no-config`: the defaults only.
    pub no_config: bool,
    /// `--no-discover`: no `copydesk.toml` found from the inputs; `--config` or the
    /// defaults.
    pub no_discover: bool,
}

/// The configuration for a run: `explicit` if given, else (unless `lookup` says not to)
/// the file discovered from the first input, else the defaults.
pub fn resolve(explicit: Option<&Path>, lookup: Lookup, first_input: Option<&Path>) -> Result<Loaded> {
    if lookup.no_config {
        return Ok(Loaded::default());
    }
    let (path, discovered) = match explicit {
        Some(path) => (Some(path.to_path_buf()), false),
        None if lookup.no_discover => (None, false),
        None => (first_input.and_then(discover), true),
    };
    match path {
        Some(path) => {
            let mut config = load(&path)?;
            config.origin = Some(Origin { path: path.clone(), discovered });
            Ok(Loaded { config, path: Some(path) })
        }
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
    fn out_of_range_settings_name_the_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(FILE_NAME);
        for (text, key) in [
            ("[archive]\nbusy_timeout_seconds = 9223372036854775807\n", "archive.busy_timeout_seconds"),
            ("[fingerprint]\nminhash_hashes = 100000000\n", "fingerprint.minhash_hashes"),
            ("[fetch]\ntimeout_seconds = 1e300\n", "fetch.timeout_seconds"),
            ("[fetch]\ntimeout_seconds = nan\n", "fetch.timeout_seconds"),
            ("[relate]\nnear_duplicate_jaccard = 1.5\n", "relate.near_duplicate_jaccard"),
            ("[ingest]\nmax_item_bytes = 0\n", "ingest.max_item_bytes"),
        ] {
            std::fs::write(&path, text).expect("write");
            let error = load(&path).expect_err(text).to_string();
            assert!(error.contains(key) && error.contains("out of range"), "{text}: {error}");
        }
        Config::default().validate().expect("the defaults are in range");
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

    #[test]
    fn every_setting_a_rule_names_is_a_setting() {
        let config = toml::Value::try_from(Config::default()).expect("the defaults render");
        for rule in copydesk_core::verdict::findings::RULES {
            for setting in rule.settings {
                let (section, key) = setting.split_once('.').expect("section.key");
                assert!(config.get(section).and_then(|s| s.get(key)).is_some(), "{}: no setting {setting}", rule.code);
            }
        }
    }
}
