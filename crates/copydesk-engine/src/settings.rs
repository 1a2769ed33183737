//! What a run takes: the settings of every stage, each in the stage's own type. The
//! command line composes them from `copydesk.toml` and its flags; a program builds them in
//! code.

use copydesk_archive::ArchiveConfig;
use copydesk_core::analysis::AnalysisSettings;
use copydesk_core::date::DateOptions;
use copydesk_core::fingerprint::FingerprintOptions;
use copydesk_core::normalize::NormalizeOptions;
use copydesk_core::relate::{RelateOptions, StoryOptions};
use copydesk_core::score::{ScoreOptions, SourceConfig};
use copydesk_core::verdict::findings::Ignore;
use copydesk_core::verdict::JudgeSettings;
use copydesk_ingest::fetch::FetchConfig;
use copydesk_ingest::IngestOptions;
use copydesk_report::Configuration;

/// The settings of every stage of a run.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub ingest: IngestOptions,
    pub normalize: NormalizeOptions,
    pub fingerprint: FingerprintOptions,
    pub relate: RelateOptions,
    pub story: StoryOptions,
    pub date: DateOptions,
    pub score: ScoreOptions,
    /// Sources known by several names, with their own minimum scores.
    pub sources: Vec<SourceConfig>,
    /// Findings not to report, each with its reason.
    pub ignores: Vec<Ignore>,
    pub archive: ArchiveConfig,
    pub fetch: FetchConfig,
    /// The configuration file the settings came from, as reports show it.
    pub configuration: Configuration,
}

impl Settings {
    /// What the per-item stages take.
    pub fn analysis(&self) -> AnalysisSettings<'_> {
        AnalysisSettings {
            normalize: &self.normalize,
            fingerprint: &self.fingerprint,
            story: &self.story,
            score: &self.score,
        }
    }

    /// What judging takes: scoring, the sources, the ignores, the maximum age.
    pub fn judge(&self) -> JudgeSettings<'_> {
        JudgeSettings {
            score: &self.score,
            sources: &self.sources,
            ignores: &self.ignores,
            max_age_days: self.date.max_age_days,
        }
    }

    /// What opening the archive takes.
    pub fn open_archive(&self) -> copydesk_archive::OpenSettings<'_> {
        copydesk_archive::OpenSettings { archive: &self.archive, fingerprint: &self.fingerprint, relate: &self.relate }
    }
}
