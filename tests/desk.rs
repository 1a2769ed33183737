//! The editor's and CI maintainer's desk: rules explained, shell completions and the
//! manual page, baselines that fail only on new findings, statistics per rule.

mod common;

use common::{copydesk, run, write, GOOD_ARTICLE, OTHER_ARTICLE};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn a_rule_is_explained_with_its_measure_and_settings() {
    let explained = run(copydesk().current_dir(ROOT).args(["rule", "CD101", "--no-config"]));
    explained.assert_code(0);
    assert!(explained.stdout.starts_with("CD101 NearDuplicate (near_duplicate, level error)"), "{}", explained.stdout);
    assert!(explained.stdout.contains("How it is measured:"), "{}", explained.stdout);
    assert!(explained.stdout.contains("[relate] near_duplicate_jaccard = 0.8"), "{}", explained.stdout);
    assert!(explained.stdout.contains("docs/rules.md#cd101-nearduplicate"), "{}", explained.stdout);

    // A kind names its rule too, and the values are those of the configuration in effect.
    let dir = tempfile::tempdir().expect("temporary folder");
    write(dir.path().join("copydesk.toml"), "[date]\nmax_age_days = 45\n");
    let configured = run(copydesk().current_dir(dir.path()).args(["rule", "stale"]));
    configured.assert_code(0);
    assert!(configured.stdout.contains("[date] max_age_days = 45"), "{}", configured.stdout);

    let unknown = run(copydesk().args(["rule", "CD999"]));
    unknown.assert_code(2);
    assert!(unknown.stderr.contains("\"CD999\" is not a rule code"), "{}", unknown.stderr);
}

#[test]
fn the_rule_reference_in_docs_is_current() {
    let rendered = run(copydesk().current_dir(ROOT).args(["rule", "--format", "markdown", "--no-config"]));
    rendered.assert_code(0);
    let docs = std::fs::read_to_string(format!("{ROOT}/docs/rules.md")).expect("docs/rules.md");
    assert!(
        docs == rendered.stdout,
        "docs/rules.md is out of date: run `cargo run -- rule --format markdown --no-config > docs/rules.md`"
    );
    for rule in ["## CD100 ExactCopy", "## CD200 StaleContent", "## CD900 InvalidUtf8"] {
        assert!(docs.contains(rule), "{rule}");
    }
}

#[test]
fn sarif_rules_link_to_their_explanation() {
    let sarif =
        run(copydesk().current_dir(ROOT).args(["check", "--no-config", "--format", "sarif", "fixtures/copies"]));
    sarif.assert_code(0);
    let sarif: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("SARIF");
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().expect("rules");
    let cd102 = rules.iter().find(|r| r["id"] == "CD102").expect("CD102");
    assert_eq!(cd102["helpUri"], "https://github.com/copydesk/copydesk/blob/main/docs/rules.md#cd102-partialcopy");
    assert!(cd102["help"]["text"].as_str().is_some_and(|t| t.contains("How it is measured")));
}

#[test]
fn completions_and_the_manual_page_are_printed() {
    let bash = run(copydesk().args(["completions", "bash"]));
    bash.assert_code(0);
    assert!(bash.stdout.contains("_copydesk()") && bash.stdout.contains("--fail-on"), "{}", bash.stdout);
    let zsh = run(copydesk().args(["completions", "zsh"]));
    zsh.assert_code(0);
    assert!(zsh.stdout.starts_with("#compdef copydesk"), "{}", zsh.stdout);
    let man = run(copydesk().arg("man"));
    man.assert_code(0);
    assert!(man.stdout.contains(".TH copydesk 1"), "{}", man.stdout);
    assert!(man.stdout.contains("ingest"), "the page lists the commands");
}

/// A collection with one copy: `wire.txt` and its syndicated copy.
fn collection_with_one_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    write(dir.path().join("col/wire.txt"), GOOD_ARTICLE);
    write(dir.path().join("col/copy.txt"), GOOD_ARTICLE);
    write(dir.path().join("col/other.txt"), OTHER_ARTICLE);
    dir
}

#[test]
fn a_baseline_accepts_known_findings_and_fails_on_new_ones() {
    let dir = collection_with_one_copy();
    let check = |extra: &[&str]| {
        run(copydesk().current_dir(dir.path()).args(["check", "col", "--no-config", "--fail-on", "copy"]).args(extra))
    };
    // Without a baseline the copy fails the run.
    check(&["-q"]).assert_code(1);
    check(&["-q", "--write-baseline", "baseline.json"]).assert_code(1);
    let baseline: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("baseline.json")).expect("baseline written"))
            .expect("baseline JSON");
    assert_eq!(baseline["version"], 1);
    assert!(baseline["findings"].as_array().expect("findings").iter().any(|f| f["code"] == "CD100"));

    // With it, the known copy is reported but does not fail.
    let known = check(&["--baseline", "baseline.json", "--format", "sarif"]);
    known.assert_code(0);
    let sarif: serde_json::Value = serde_json::from_str(&known.stdout).expect("SARIF");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().any(|r| r["ruleId"] == "CD100" && r["baselineState"] == "unchanged"), "{results:#?}");

    // A new copy fails, and of the copies only it is new.
    write(dir.path().join("col/second-copy.txt"), OTHER_ARTICLE);
    let new = check(&["--baseline", "baseline.json", "--format", "sarif"]);
    new.assert_code(1);
    let sarif: serde_json::Value = serde_json::from_str(&new.stdout).expect("SARIF");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let new_results: Vec<&serde_json::Value> =
        results.iter().filter(|r| r["baselineState"] == "new" && r["ruleId"] == "CD100").collect();
    assert_eq!(new_results.len(), 1, "{results:#?}");
    assert!(new_results[0]["message"]["text"].as_str().is_some_and(|m| m.contains("other")), "{new_results:#?}");

    // The table says what the baseline knew: the new item brings its notes and warnings too.
    let table = check(&["--baseline", "baseline.json"]);
    assert!(table.stdout.contains("baseline: baseline.json · 7 known, 3 new, 0 no longer found"), "{}", table.stdout);

    // A damaged baseline is a clear error, not an empty one.
    write(dir.path().join("bad.json"), "{\"findings\": 3}");
    let bad = check(&["--baseline", "bad.json"]);
    bad.assert_code(2);
    assert!(bad.stderr.contains("bad.json is not a copydesk baseline"), "{}", bad.stderr);
}

#[test]
fn statistics_count_the_findings_of_each_rule() {
    let dir = collection_with_one_copy();
    let stats =
        run(copydesk().current_dir(dir.path()).args(["check", "col", "--no-config", "--statistics", "-f", "json"]));
    stats.assert_code(0);
    let stats: serde_json::Value = serde_json::from_str(&stats.stdout).expect("JSON");
    let exact = stats["rules"].as_array().expect("rules").iter().find(|r| r["code"] == "CD100").cloned();
    assert_eq!(exact.map(|r| (r["count"].clone(), r["new"].clone())), Some((1.into(), 1.into())));

    let table = run(copydesk().current_dir(dir.path()).args(["check", "col", "--no-config", "--statistics"]));
    assert!(table.stdout.lines().any(|l| l.contains("CD100") && l.contains("exact")), "{}", table.stdout);
    assert!(!table.stdout.contains("copy cluster"), "the statistics replace the report:\n{}", table.stdout);

    let sarif =
        run(copydesk().current_dir(dir.path()).args(["check", "col", "--no-config", "--statistics", "-f", "sarif"]));
    sarif.assert_code(2);
}

#[test]
fn ingest_dates_by_the_timeline_and_age_it_is_given() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let stale = |extra: &[&str]| {
        let archive = dir.path().join(format!("archive-{}.sqlite3", extra.len()));
        let ingested = run(copydesk()
            .current_dir(ROOT)
            .args(["ingest", "--no-config", "seeds/", "-f", "json", "--archive"])
            .arg(&archive)
            .args(extra));
        ingested.assert_code(0);
        ingested.report()["summary"]["stale"].as_u64().expect("stale count")
    };
    assert_eq!(stale(&[]), 0, "the seeds' stale item is dated by the war's timeline only");
    assert_eq!(stale(&["--timeline", "fixtures/timeline-ukraine-war.toml"]), 1);
    assert_eq!(stale(&["--timeline", "fixtures/timeline-ukraine-war.toml", "--max-age", "5000"]), 0);
}

#[test]
fn fail_on_decides_whether_unreadable_inputs_fail() {
    let dir = collection_with_one_copy();
    write(dir.path().join("col/empty.txt"), "");
    let ingest = |extra: &[&str]| {
        run(copydesk()
            .current_dir(dir.path())
            .args(["ingest", "col", "--no-config", "-q", "--archive"])
            .arg(dir.path().join(format!("archive-{}.sqlite3", extra.join("-"))))
            .args(extra))
    };
    // The unattended default: an input that cannot be read fails the job, the rest is stored.
    ingest(&[]).assert_code(1);
    // Chosen selectors decide alone: no copy of the archive's own kind fails here.
    ingest(&["--fail-on", "stale"]).assert_code(0);
    ingest(&["--fail-on", "stale,unreadable"]).assert_code(1);

    let check = |extra: &[&str]| {
        run(copydesk().current_dir(dir.path()).args(["check", "col", "--no-config", "-q"]).args(extra))
    };
    check(&[]).assert_code(0);
    let failing = check(&["--fail-on", "unreadable"]);
    failing.assert_code(1);
    assert!(failing.stderr.is_empty(), "quiet: {}", failing.stderr);
    assert_eq!(check(&["--fail-on", "unreadable", "--exit-zero"]).code, 0);
}

#[test]
fn sources_window_by_published_date() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let item = serde_json::json!({
        "id": "old", "source": "Harbour Post", "published": "2021-03-10T08:00:00+02:00",
        "title": "Harbour works to begin", "text": GOOD_ARTICLE,
    });
    write(dir.path().join("old.jsonl"), format!("{item}\n"));
    let archive = dir.path().join("archive.sqlite3");
    run(copydesk()
        .current_dir(dir.path())
        .args(["ingest", "old.jsonl", "--no-config", "-q", "--archive"])
        .arg(&archive))
    .assert_code(0);
    let sources = |extra: &[&str]| {
        let report = run(copydesk()
            .current_dir(dir.path())
            .args(["sources", "--no-config", "-f", "json", "--since", "30d", "--until", "2021-03-20", "--archive"])
            .arg(&archive)
            .args(extra));
        report.assert_code(0);
        report.report()
    };
    // Loaded today, the item is outside a 2021 window by its first sighting…
    assert_eq!(sources(&[])["sources"].as_array().map(Vec::len), Some(0));
    // …and inside it by its published date.
    let by_published = sources(&["--by", "published"]);
    assert_eq!(by_published["window"]["by"], "published");
    let names: Vec<&str> =
        by_published["sources"].as_array().expect("sources").iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, ["Harbour Post"]);
}

#[test]
fn a_bad_path_is_one_error_line() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let missing = run(copydesk().current_dir(dir.path()).args(["check", "--no-config", "nonexistent"]));
    missing.assert_code(2);
    assert!(missing.stdout.is_empty(), "no empty report: {}", missing.stdout);
    assert_eq!(missing.stderr, "copydesk: error: nonexistent: no such file or folder\n");
    // The machine formats still get their document, which says what was skipped.
    let json = run(copydesk().current_dir(dir.path()).args(["check", "--no-config", "nonexistent", "-f", "json"]));
    json.assert_code(2);
    assert_eq!(json.summary("skipped"), 1);
}

#[test]
fn sources_refuses_a_finding_format_before_opening_the_archive() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let missing = dir.path().join("no-such-archive.db");
    let sarif = run(copydesk()
        .current_dir(dir.path())
        .args(["sources", "--no-config", "-f", "sarif", "--archive"])
        .arg(&missing));
    sarif.assert_code(2);
    assert!(
        sarif.stderr.contains("invalid value 'sarif'") && sarif.stderr.contains("table, json, markdown"),
        "{}",
        sarif.stderr
    );
    assert!(!missing.exists(), "no archive was opened or made");
}

#[test]
fn the_table_is_coloured_when_asked_and_never_in_machine_formats() {
    const ESC: char = '\u{1b}';
    let table = |args: &[&str], env: &[(&str, &str)]| {
        let mut command = copydesk();
        command.current_dir(ROOT).args(["check", "--no-config", "seeds"]).args(args);
        command.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
        for (key, value) in env {
            command.env(key, value);
        }
        let run = run(&mut command);
        run.assert_code(0);
        run.stdout
    };
    assert!(!table(&[], &[]).contains(ESC), "a pipe gets plain text");
    let painted = table(&["--color", "always"], &[]);
    assert!(painted.contains("\u{1b}[1m\u{1b}[36mStory clusters"), "{painted}");
    assert!(table(&[], &[("CLICOLOR_FORCE", "1")]).contains(ESC));
    assert!(!table(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains(ESC));
    assert!(!table(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]).contains(ESC));
    assert!(!table(&["--color", "always", "-f", "json"], &[]).contains(ESC));
}

#[test]
fn the_table_starts_with_the_summary_and_condenses_long_lists() {
    let dir = tempfile::tempdir().expect("temporary folder");
    for n in 0..60u64 {
        let words: Vec<String> =
            (0..80).map(|i| format!("w{}", copydesk_core::util::mix64(n * 1000 + i) % 50_000)).collect();
        let text = format!("Story {n}\n\n{}\n", words.join(" "));
        write(dir.path().join(format!("col/{n:02}-a.txt")), &text);
        write(dir.path().join(format!("col/{n:02}-b.txt")), &text);
    }
    let table = run(copydesk().current_dir(dir.path()).args(["check", "col", "--no-config"]));
    table.assert_code(0);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(lines[1].starts_with("120 items · 60 copy clusters"), "{}", lines[1]);
    assert!(
        table.stdout.contains("… and 10 more copy clusters (all of them: --format json or html)"),
        "{}",
        table.stdout
    );
    let shown = lines.iter().filter(|l| l.starts_with('C') && l[1..].starts_with(|c: char| c.is_ascii_digit())).count();
    assert_eq!(shown, 50, "50 clusters shown");
}
