//! The archive ([`copydesk_archive`]) and the runs against it: `copydesk ingest`,
//! `copydesk check --archive` and URLs ([`run`]), and `copydesk watch` ([`watch`]).

pub use copydesk_archive::*;
pub use copydesk_ingest::fetch;

pub mod run;
pub mod watch;

/// An error that stops a run against the archive.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// The inputs could not be listed or spooled.
    #[error("{0}")]
    Inputs(#[source] std::io::Error),
    /// The findings of a watch could not be written.
    #[error("writing the findings: {0}")]
    Output(#[source] std::io::Error),
    /// The run itself failed before the archive was involved (a bad timeline, say).
    #[error(transparent)]
    Run(#[from] crate::Error),
}
