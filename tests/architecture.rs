//! The rules of the workspace that Cargo does not enforce by itself.

use std::path::Path;

/// The direct dependencies of a workspace crate, by name.
fn dependencies(manifest: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(manifest).expect("manifest");
    let manifest: toml::Table = text.parse().expect("manifest is TOML");
    // `[dependencies]` and every `[target.'cfg(…)'.dependencies]`.
    let targets = manifest.get("target").and_then(toml::Value::as_table).into_iter().flat_map(|t| t.values());
    std::iter::once(&toml::Value::Table(manifest.clone()))
        .chain(targets)
        .filter_map(|section| section.get("dependencies").and_then(toml::Value::as_table))
        .flat_map(|table| table.keys().cloned().collect::<Vec<_>>())
        .collect()
}

/// A workspace crate's direct dependencies, after checking that the manifest was read
/// (it names `expected`) and that it names none of `forbidden`.
fn dependencies_without(manifest: &str, expected: &str, forbidden: &[&str]) -> Vec<String> {
    let found = dependencies(&Path::new(env!("CARGO_MANIFEST_DIR")).join(manifest));
    assert!(found.iter().any(|d| d == expected), "{manifest} was read: {found:?}");
    let broken: Vec<&String> = found.iter().filter(|d| forbidden.contains(&d.as_str())).collect();
    assert!(broken.is_empty(), "{manifest} depends on {broken:?}");
    found
}

#[test]
fn the_core_has_no_command_line_database_network_or_terminal() {
    let forbidden = ["clap", "rusqlite", "ureq", "indicatif", "anstyle", "signal-hook", "libc", "copydesk"];
    dependencies_without("crates/copydesk-core/Cargo.toml", "regex", &forbidden);
}

#[test]
fn ingest_has_no_command_line_database_or_terminal() {
    let forbidden = ["clap", "rusqlite", "indicatif", "anstyle", "signal-hook", "copydesk"];
    let found = dependencies_without("crates/copydesk-ingest/Cargo.toml", "copydesk-core", &forbidden);
    assert!(found.iter().any(|d| d == "libc"), "the target dependencies were read: {found:?}");
}

#[test]
fn the_archive_depends_on_the_core_alone_of_ours_and_knows_no_command_line_or_network() {
    let forbidden = ["clap", "ureq", "indicatif", "anstyle", "signal-hook"];
    let found = dependencies_without("crates/copydesk-archive/Cargo.toml", "rusqlite", &forbidden);
    let ours: Vec<&String> = found.iter().filter(|d| d.starts_with("copydesk")).collect();
    assert_eq!(ours, ["copydesk-core"], "the archive depends on {ours:?}");
}

#[test]
fn the_report_depends_on_the_core_alone_of_ours() {
    let forbidden = ["rusqlite", "ureq", "indicatif", "signal-hook"];
    let found = dependencies_without("crates/copydesk-report/Cargo.toml", "anstyle", &forbidden);
    let ours: Vec<&String> = found.iter().filter(|d| d.starts_with("copydesk")).collect();
    assert_eq!(ours, ["copydesk-core"], "the report depends on {ours:?}");
}

#[test]
fn the_engine_parses_no_flags_or_configuration_and_draws_no_progress() {
    let forbidden = ["clap", "toml", "indicatif", "anstyle", "signal-hook", "copydesk"];
    dependencies_without("crates/copydesk-engine/Cargo.toml", "copydesk-archive", &forbidden);
}

#[test]
fn the_dataflow_runs_the_engines_steps_and_knows_no_command_line_or_database() {
    let forbidden = ["clap", "toml", "indicatif", "anstyle", "signal-hook", "rusqlite", "copydesk"];
    let found = dependencies_without("crates/copydesk-dataflow/Cargo.toml", "timely", &forbidden);
    assert!(found.iter().any(|d| d == "copydesk-engine"), "it is made of the engine's steps: {found:?}");
}

#[test]
fn the_binary_reaches_the_stages_through_the_engine_and_the_crates_only() {
    // The readers' parsers, the database and the HTTP client are the crates' business.
    let forbidden =
        ["rusqlite", "ureq", "feed-rs", "trafilatura", "scraper", "rayon", "regex", "timely", "differential-dataflow"];
    dependencies_without("Cargo.toml", "copydesk-engine", &forbidden);
}
