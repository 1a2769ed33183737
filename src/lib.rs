//! copydesk screens collections of news articles: it finds copies and rewrites and names
//! their origin, flags stale items with the evidence that dates them, and rates sources.
//!
//! The library follows the pipeline of the command-line tool, one module per stage:
//!
//! ```text
//! ingest -> normalize -> fingerprint -> relate -> date -> score -> report
//! ```
//!
//! [`pipeline::check`] runs the stages over a set of inputs and returns a
//! [`report::Report`], which every output format in [`report`] renders.
//!
//! [`archive`] keeps every ingested item's fingerprints in an SQLite database, so that
//! new items are screened against history: [`archive::run::run`] is `copydesk ingest`
//! and `copydesk check --archive`.

pub mod archive;
pub mod config;
pub mod pipeline;
pub mod sources;
pub mod synth;

pub use copydesk_core::{
    analysis, date, error, fingerprint, history, model, normalize, profile, relate, score, util, verdict,
};
pub use copydesk_ingest as ingest;
pub use copydesk_report as report;
pub use copydesk_report::extract;
pub use error::{Error, Result};
