//! End-to-end tests of the staleness check: the labelled fixture collection and the seeds,
//! run through the real binary.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `copydesk check` with `args` from the repository root and returns the JSON report.
fn check(args: &[&str]) -> Value {
    let output = Command::cargo_bin("copydesk")
        .expect("binary")
        .current_dir(root())
        .arg("check")
        .args(args)
        .args(["--format", "json", "--quiet"])
        .output()
        .expect("run copydesk");
    assert!(output.status.success(), "copydesk failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON report")
}

fn item<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["id"] == id))
        .unwrap_or_else(|| panic!("no item {id} in the report"))
}

fn flags(item: &Value) -> Vec<&str> {
    item["flags"].as_array().map(|f| f.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

#[test]
fn staleness_fixture_precision_and_recall() {
    let labels: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("fixtures/staleness/labels.json")).expect("labels.json"),
    )
    .expect("labels JSON");
    let report =
        check(&["fixtures/staleness/manifest.jsonl", "--timeline", "fixtures/staleness/timeline.toml", "--no-config"]);

    let (mut true_pos, mut false_pos, mut false_neg) = (0u32, 0u32, 0u32);
    let mut failures = Vec::new();
    let labelled = labels["items"].as_array().expect("labelled items");
    assert_eq!(labelled.len(), 30);
    for label in labelled {
        let id = label["id"].as_str().expect("id");
        let expected = label["expected"].as_str().expect("expected");
        let found = item(&report, id);
        let stale = found["stale"].as_bool().expect("stale is a bool");
        assert_eq!(stale, flags(found).contains(&"stale"), "{id}: the flag and the field agree");
        match (expected == "stale", stale) {
            (true, true) => true_pos += 1,
            (false, true) => false_pos += 1,
            (true, false) => false_neg += 1,
            (false, false) => {}
        }
        if expected == "current" && label.get("trap").is_some() && stale {
            failures.push(format!("{id}: current item with a trap ({}) flagged stale", label["trap"]));
        }
        // Nothing in the text dates these: `undated` without a date of their own,
        // `content_undated` with one.
        let content_undated = flags(found).iter().any(|f| *f == "undated" || *f == "content_undated");
        if expected == "undated" && !content_undated {
            failures.push(format!("{id}: not flagged undated: {}", found["content_date"]));
        }
        if expected == "stale" && stale {
            let evidence = found["content_date"]["evidence"].as_array().expect("evidence");
            assert!(!evidence.is_empty(), "{id}: a stale item comes with evidence");
            assert!(found["age_days"].as_i64().expect("age_days") > 30, "{id}");
        }
    }
    let precision = f64::from(true_pos) / f64::from((true_pos + false_pos).max(1));
    let recall = f64::from(true_pos) / f64::from((true_pos + false_neg).max(1));
    println!(
        "staleness fixture: precision {precision:.3}, recall {recall:.3} ({true_pos} true positives, {false_pos} false positives, {false_neg} false negatives)"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(precision >= 0.9, "precision {precision:.3}");
    assert!(recall >= 0.9, "recall {recall:.3}");
}

#[test]
fn the_seeds_flag_only_the_2022_article_as_stale() {
    // From the repository root, so that copydesk.toml (and its timeline) applies.
    let report = check(&["seeds/"]);
    let stale = item(&report, "003_8dc226cd7a77cfe9.txt");
    assert_eq!(stale["stale"], true, "{}", stale["content_date"]);
    assert!(flags(stale).contains(&"stale"));
    let not_after = stale["content_date"]["not_after"].as_str().expect("window end");
    assert!(not_after.starts_with("2022-"), "window ends {not_after}");
    let phrases: Vec<String> = stale["content_date"]["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .filter(|e| e["bound"] != "history")
        .filter_map(|e| e["phrase"].as_str().map(str::to_lowercase))
        .collect();
    let dating =
        ["tod wolters", "currently taking place in istanbul", "ten days ago", "kinzhal", "around a month of fighting"];
    let named: Vec<&str> = dating.iter().copied().filter(|d| phrases.iter().any(|p| p.contains(d))).collect();
    assert!(named.len() >= 2, "evidence names {named:?} among {phrases:?}");
    assert!(stale["age_days"].as_i64().expect("age") > 365);

    for id in
        ["000_f40c278f641e585f.txt", "001_98f0752c817f1c45.txt", "002_c2993e90a32e447b.txt", "004_91c2ac172fc88816.txt"]
    {
        let current = item(&report, id);
        assert_eq!(current["stale"], false, "{id}: {}", current["content_date"]);
        assert!(!flags(current).contains(&"undated"), "{id} is dated by its text");
    }
    assert_eq!(report["summary"]["stale"], 1);
}

#[test]
fn the_table_and_markdown_list_stale_items_with_their_evidence() {
    for format in ["table", "markdown"] {
        let output = Command::cargo_bin("copydesk")
            .expect("binary")
            .current_dir(root())
            .args(["check", "seeds/", "--quiet", "--format", format])
            .output()
            .expect("run copydesk");
        let text = String::from_utf8_lossy(&output.stdout);
        let block = text.split("Stale items").nth(1).unwrap_or_else(|| panic!("{format}: no stale block in {text}"));
        let block = block.split("Boilerplate").next().unwrap_or_default();
        assert!(block.contains("003_8dc226cd7a77cfe9.txt"), "{format}: {block}");
        assert!(block.contains("framed 2024-11-23"), "{format}: {block}");
        assert!(block.contains("Tod Wolters") && block.contains("→ 2019-05-03 to 2022-07-01"), "{format}: {block}");
        assert!(!block.contains("000_f40c278f641e585f.txt"), "{format}: only stale items are listed");
    }
}

#[test]
fn fail_on_stale_exits_with_findings() {
    Command::cargo_bin("copydesk")
        .expect("binary")
        .current_dir(root())
        .args(["check", "seeds/", "--quiet", "--fail-on", "stale"])
        .assert()
        .code(1);
    Command::cargo_bin("copydesk")
        .expect("binary")
        .current_dir(root())
        .args(["check", "seeds/", "--quiet", "--fail-on", "date_conflict"])
        .assert()
        .code(0);
}

#[test]
fn a_longer_maximum_age_clears_a_recent_tenure() {
    // Item 12's content ends 104 days before its framing date.
    let args = ["fixtures/staleness/manifest.jsonl", "--timeline", "fixtures/staleness/timeline.toml", "--no-config"];
    let report = check(&args);
    assert_eq!(item(&report, "12-stoltenberg-vilnius")["stale"], true);
    let mut longer = args.to_vec();
    longer.extend(["--max-age", "200"]);
    let report = check(&longer);
    assert_eq!(item(&report, "12-stoltenberg-vilnius")["stale"], false);
    assert_eq!(item(&report, "05-merkel-hydrogen-steel")["stale"], true);
}

#[test]
fn a_bad_timeline_is_a_usage_error_naming_the_file_and_entry() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("broken.toml");
    std::fs::write(&path, "[[event]]\nname = \"Summit\"\ndate = \"March 2024\"\nterms = [\"summit\"]\n")
        .expect("write");
    let output = Command::cargo_bin("copydesk")
        .expect("binary")
        .current_dir(root())
        .args(["check", "seeds/", "--quiet", "--timeline"])
        .arg(&path)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("broken.toml") && stderr.contains("\"Summit\""), "{stderr}");
}
