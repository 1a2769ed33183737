//! copydesk's engine: the one place that knows the order of the stages.
//!
//! ```text
//! inputs ─ ingest ─▶ analysis (per item, on every core) ─▶ relate ─▶ judge ─▶ report
//!                                                  archive ─┘ (screen, then store)
//! ```
//!
//! - [`check`] runs `copydesk check` over files, folders and standard input;
//! - [`run::run`] runs `copydesk ingest` and `copydesk check --archive` (and fetches URLs);
//! - [`watch::watch`] polls feeds into the archive;
//! - [`sources::sources_report`] reports on sources over a window of the archive;
//! - [`extract`] shows what was read from each input.
//!
//! Each takes [`Settings`]: every stage's own settings type, composed by the caller (the
//! command line reads them from `copydesk.toml`). Progress is reported through the
//! [`Progress`] trait; the engine itself prints nothing.
//!
//! The stages themselves live in `copydesk_core` (analysis, relations, dating, verdicts,
//! scores), `copydesk_ingest` (reading inputs), `copydesk_archive` (the SQLite history)
//! and `copydesk_report` (the report and its formats).

mod pipeline;
mod progress;
pub mod run;
mod settings;
pub mod sources;
pub mod synth;
pub mod watch;

pub use pipeline::{
    analysis_settings, analyze_inputs, analyze_inputs_spilling, analyze_unit, check, check_timed, collection_as_of,
    count_unit, extract, extract_where, ingest_options, judge, relate, report_of, report_of_related, Analysis,
    CheckOptions, Roll, SetAside, Timings, UnitCount,
};
pub use progress::{Progress, Silent};
pub use settings::Settings;

/// An error that stops a run. Problems with single inputs are not errors: they are in the
/// report, and the run goes on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The inputs could not be listed or spooled.
    #[error("cannot read the inputs: {0}")]
    Inputs(#[source] std::io::Error),
    /// A stage could not start (a timeline that cannot be read, say).
    #[error(transparent)]
    Stage(#[from] copydesk_core::Error),
    #[error(transparent)]
    Archive(#[from] copydesk_archive::ArchiveError),
    /// The per-item stages failed where they were spread (a cluster's run).
    #[error(transparent)]
    Spread(Box<dyn std::error::Error + Send + Sync>),
    /// The findings of a watch could not be written.
    #[error("writing the findings: {0}")]
    Output(#[source] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
