//! Errors that stop a whole run. Problems with single inputs are not errors: they are
//! collected as [`crate::model::Problem`]s and reported, and the run goes on.

use std::path::PathBuf;

/// An error that stops a run: a file a stage needs (a timeline) cannot be read or is not
/// valid.
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
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
