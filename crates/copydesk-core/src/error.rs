//! Errors that stop a whole run. Problems with single inputs are not errors: they are
//! collected as [`crate::model::Problem`]s and reported, and the run goes on.

use std::path::PathBuf;

/// An error that stops a run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid configuration in {path}: {message}")]
    Config { path: PathBuf, message: String },
    #[error("cannot read the inputs: {0}")]
    Inputs(#[source] std::io::Error),
    #[error("invalid timeline {path}: {entry}: {message}")]
    Timeline { path: PathBuf, entry: String, message: String },
    #[error("invalid date {value:?}: expected YYYY-MM-DD or RFC 3339")]
    Date { value: String },
    #[error("{0}")]
    Usage(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
