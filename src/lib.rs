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
pub mod date;
pub mod error;
pub mod extract;
pub mod fingerprint;
pub mod ingest;
pub mod model;
pub mod normalize;
pub mod pipeline;
pub mod profile;
pub mod relate;
pub mod report;
pub mod score;
pub mod synth;
pub mod util;

pub use error::{Error, Result};
