//! Errors that stop a whole run. Problems with single inputs are not errors: they are
//! collected as [`crate::model::Problem`]s and reported, and the run goes on.

use std::path::PathBuf;

/// An error that stops a run: a file a stage needs (a timeline) cannot be read or is not
/// valid, or what a stage set aside cannot be read back.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid timeline {path}: {entry}: {message}")]
    Timeline { path: PathBuf, entry: String, message: String },
    /// The sentences of a profile, set aside in a file while the collection is related,
    /// could not be read back ([`crate::profile::Spill`]).
    #[error("cannot read back the sentences set aside in a temporary file: {0}")]
    Spill(#[source] std::io::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
