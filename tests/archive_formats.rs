//! Snapshots of the reports of runs against an archive: `copydesk check --archive` in the
//! table, Markdown and JSON formats, and `copydesk sources` in the same three. The archive
//! holds the earlier items of a few labelled pairs of `fixtures/stories/`, first seen on
//! a fixed day; the later items are checked against it.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const HISTORY: &[&str] = &["rw01-origin", "rw02-origin", "ss01-a", "hn01-a"];
const NEWS: &[&str] = &["rw01-copy", "rw02-copy", "ss01-b", "hn01-b"];

/// Runs copydesk with the archive and returns its output, with the archive's folder, the
/// tool's version and the time of a check (not what these snapshots check) replaced.
fn copydesk(args: &[&str], archive: &Path) -> String {
    let output = Command::cargo_bin("copydesk")
        .expect("binary")
        .env_remove("XDG_DATA_HOME")
        .args(args)
        .args(["--no-config", "--archive"])
        .arg(archive)
        .output()
        .expect("run copydesk");
    assert!(output.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&output.stderr));
    let folder = archive.parent().expect("folder").display().to_string();
    let report = String::from_utf8(output.stdout).expect("UTF-8 report");
    // A check that stores nothing is seen now.
    let lines: Vec<&str> = report
        .lines()
        .map(|line| if line.trim_start().starts_with("\"seen_at\":") { "    \"seen_at\": \"[now]\"," } else { line })
        .collect();
    (lines.join("\n") + "\n").replace(&folder, "[dir]").replace(env!("CARGO_PKG_VERSION"), "[version]")
}

/// Writes the fixture's rows `ids` as a manifest with their texts inline.
fn manifest(path: &Path, ids: &[&str]) {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/stories");
    let rows = std::fs::read_to_string(format!("{folder}/manifest.jsonl")).expect("manifest");
    let mut out = String::new();
    for line in rows.lines() {
        let mut row: Value = serde_json::from_str(line).expect("row");
        if !ids.iter().any(|id| row["id"] == *id) {
            continue;
        }
        let file = format!("{folder}/{}", row["path"].as_str().expect("path"));
        row["text"] = Value::String(std::fs::read_to_string(file).expect("text"));
        row.as_object_mut().expect("object").remove("path");
        out.push_str(&format!("{row}\n"));
    }
    std::fs::write(path, out).expect("write manifest");
}

/// An archive of the history, first seen on 2025-03-01, and the news to check.
fn setup(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let (history, news, archive) = (dir.join("history.jsonl"), dir.join("news.jsonl"), dir.join("archive.sqlite3"));
    manifest(&history, HISTORY);
    manifest(&news, NEWS);
    copydesk(&["ingest", "--quiet", "--seen-at", "2025-03-01", history.to_str().expect("path")], &archive);
    (archive, news)
}

#[test]
fn check_against_the_archive_in_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (archive, news) = setup(dir.path());
    let news = news.to_str().expect("path");
    for format in ["table", "markdown", "json"] {
        insta::assert_snapshot!(
            format!("archive_check_{format}"),
            copydesk(&["check", "--as-of", "2025-03-31", "--format", format, news], &archive)
        );
    }
}

#[test]
fn sources_in_every_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (archive, news) = setup(dir.path());
    copydesk(
        &["ingest", "--quiet", "--seen-at", "2025-03-20", "-o", "/dev/null", news.to_str().expect("path")],
        &archive,
    );
    for format in ["table", "markdown", "json"] {
        insta::assert_snapshot!(
            format!("archive_sources_{format}"),
            copydesk(&["sources", "--since", "14d", "--until", "2025-03-25", "--format", format], &archive)
        );
    }
}
