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

#[test]
fn the_core_has_no_command_line_database_network_or_terminal() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/copydesk-core/Cargo.toml");
    let found = dependencies(&manifest);
    assert!(found.iter().any(|d| d == "regex"), "the manifest was read: {found:?}");
    let forbidden = ["clap", "rusqlite", "ureq", "indicatif", "anstyle", "signal-hook", "libc", "copydesk"];
    let broken: Vec<&String> = found.iter().filter(|d| forbidden.contains(&d.as_str())).collect();
    assert!(broken.is_empty(), "copydesk-core depends on {broken:?}");
}

#[test]
fn ingest_has_no_command_line_database_or_terminal() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/copydesk-ingest/Cargo.toml");
    let found = dependencies(&manifest);
    assert!(found.iter().any(|d| d == "copydesk-core"), "the manifest was read: {found:?}");
    assert!(found.iter().any(|d| d == "libc"), "the target dependencies were read: {found:?}");
    let forbidden = ["clap", "rusqlite", "indicatif", "anstyle", "signal-hook", "copydesk"];
    let broken: Vec<&String> = found.iter().filter(|d| forbidden.contains(&d.as_str())).collect();
    assert!(broken.is_empty(), "copydesk-ingest depends on {broken:?}");
}

#[test]
fn the_archive_depends_on_the_core_alone_of_ours_and_knows_no_command_line_or_network() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/copydesk-archive/Cargo.toml");
    let found = dependencies(&manifest);
    assert!(found.iter().any(|d| d == "rusqlite"), "the manifest was read: {found:?}");
    let ours: Vec<&String> = found.iter().filter(|d| d.starts_with("copydesk")).collect();
    assert_eq!(ours, ["copydesk-core"], "the archive depends on {ours:?}");
    let forbidden = ["clap", "ureq", "indicatif", "anstyle", "signal-hook"];
    let broken: Vec<&String> = found.iter().filter(|d| forbidden.contains(&d.as_str())).collect();
    assert!(broken.is_empty(), "copydesk-archive depends on {broken:?}");
}

#[test]
fn the_report_depends_on_the_core_alone_of_ours() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/copydesk-report/Cargo.toml");
    let found = dependencies(&manifest);
    assert!(found.iter().any(|d| d == "anstyle"), "the manifest was read: {found:?}");
    let ours: Vec<&String> = found.iter().filter(|d| d.starts_with("copydesk")).collect();
    assert_eq!(ours, ["copydesk-core"], "the report depends on {ours:?}");
    let forbidden = ["rusqlite", "ureq", "indicatif", "signal-hook"];
    let broken: Vec<&String> = found.iter().filter(|d| forbidden.contains(&d.as_str())).collect();
    assert!(broken.is_empty(), "copydesk-report depends on {broken:?}");
}

#[test]
fn the_engine_parses_no_flags_or_configuration_and_draws_no_progress() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/copydesk-engine/Cargo.toml");
    let found = dependencies(&manifest);
    assert!(found.iter().any(|d| d == "copydesk-archive"), "the manifest was read: {found:?}");
    let forbidden = ["clap", "toml", "indicatif", "anstyle", "signal-hook", "copydesk"];
    let broken: Vec<&String> = found.iter().filter(|d| forbidden.contains(&d.as_str())).collect();
    assert!(broken.is_empty(), "copydesk-engine depends on {broken:?}");
}

#[test]
fn the_dataflow_runs_the_engines_steps_and_knows_no_command_line_or_database() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/copydesk-dataflow/Cargo.toml");
    let found = dependencies(&manifest);
    assert!(found.iter().any(|d| d == "timely"), "the manifest was read: {found:?}");
    assert!(found.iter().any(|d| d == "copydesk-engine"), "it is made of the engine's steps: {found:?}");
    let forbidden = ["clap", "toml", "indicatif", "anstyle", "signal-hook", "rusqlite", "copydesk"];
    let broken: Vec<&String> = found.iter().filter(|d| forbidden.contains(&d.as_str())).collect();
    assert!(broken.is_empty(), "copydesk-dataflow depends on {broken:?}");
}

#[test]
fn the_binary_reaches_the_stages_through_the_engine_and_the_crates_only() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let found = dependencies(&manifest);
    assert!(found.iter().any(|d| d == "copydesk-engine"), "the manifest was read: {found:?}");
    // The readers' parsers, the database and the HTTP client are the crates' business.
    let forbidden =
        ["rusqlite", "ureq", "feed-rs", "trafilatura", "scraper", "rayon", "regex", "timely", "differential-dataflow"];
    let broken: Vec<&String> = found.iter().filter(|d| forbidden.contains(&d.as_str())).collect();
    assert!(broken.is_empty(), "the binary depends on {broken:?}");
}
