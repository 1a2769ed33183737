//! The `copydesk` command's configuration: `copydesk.toml`, found beside the inputs or given
//! with `--config`, read with every key's range checked, and composed into the settings of
//! each stage ([`config::Config::settings`]). The command itself is `src/main.rs`.
//!
//! Programs that screen articles use the workspace's crates: `copydesk-core` (the model and
//! the stages), `copydesk-ingest` (reading inputs), `copydesk-archive` (the SQLite
//! history), `copydesk-report` (the report and its formats) and `copydesk-engine` (the
//! runs that put them in order).

pub mod config;
