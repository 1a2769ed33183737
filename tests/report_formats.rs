//! Snapshots of every report format on the seeds and on a small collection with copies.
//! A change to a format shows up here as a diff to review.

use assert_cmd::Command;

fn copydesk(args: &[&str]) -> String {
    let output = Command::cargo_bin("copydesk")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("run copydesk");
    assert!(output.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8 report")
}

/// The tool's version is not part of what a snapshot checks.
fn without_version(report: String) -> String {
    report.replace(env!("CARGO_PKG_VERSION"), "[version]")
}

#[test]
fn seeds_table() {
    insta::assert_snapshot!(without_version(copydesk(&["check", "seeds"])));
}

#[test]
fn seeds_json() {
    insta::assert_snapshot!(without_version(copydesk(&["check", "--format", "json", "seeds"])));
}

#[test]
fn seeds_markdown() {
    insta::assert_snapshot!(without_version(copydesk(&["check", "--format", "markdown", "seeds"])));
}

#[test]
fn copies_table() {
    insta::assert_snapshot!(without_version(copydesk(&["check", "--no-config", "fixtures/copies"])));
}

#[test]
fn copies_json() {
    insta::assert_snapshot!(without_version(copydesk(&[
        "check",
        "--no-config",
        "--format",
        "json",
        "fixtures/copies"
    ])));
}

#[test]
fn copies_markdown() {
    insta::assert_snapshot!(without_version(copydesk(&[
        "check",
        "--no-config",
        "--format",
        "markdown",
        "fixtures/copies"
    ])));
}

#[test]
fn copies_sarif() {
    insta::assert_snapshot!(without_version(copydesk(&[
        "check",
        "--no-config",
        "--format",
        "sarif",
        "fixtures/copies"
    ])));
}

#[test]
fn copies_junit() {
    insta::assert_snapshot!(without_version(copydesk(&[
        "check",
        "--no-config",
        "--format",
        "junit",
        "fixtures/copies"
    ])));
}

#[test]
fn copies_github() {
    insta::assert_snapshot!(without_version(copydesk(&[
        "check",
        "--no-config",
        "--format",
        "github",
        "fixtures/copies"
    ])));
}

#[test]
fn copies_jsonl() {
    insta::assert_snapshot!(without_version(copydesk(&[
        "check",
        "--no-config",
        "--format",
        "jsonl",
        "fixtures/copies"
    ])));
}

#[test]
fn seeds_ci_formats() {
    for format in ["sarif", "junit", "github", "jsonl"] {
        insta::assert_snapshot!(
            format!("seeds_{format}"),
            without_version(copydesk(&["check", "--format", format, "seeds"]))
        );
    }
}

#[test]
fn sources_every_format() {
    for format in ["table", "json", "markdown", "sarif", "junit", "github", "jsonl"] {
        insta::assert_snapshot!(
            format!("sources_{format}"),
            without_version(copydesk(&["check", "--no-config", "--format", format, "fixtures/sources/manifest.jsonl"]))
        );
    }
}
