//! Source quality: scores on a collection of eight sources with known profiles
//! (`fixtures/sources/`), and the seeds' per-item signals.

use assert_cmd::Command;
use serde_json::Value;

fn report(args: &[&str]) -> Value {
    let output = Command::cargo_bin("copydesk")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("run copydesk");
    assert!(output.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON report")
}

fn labels() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sources/labels.json")).expect("labels");
    serde_json::from_str(&text).expect("labels JSON")
}

fn source<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["sources"].as_array().expect("sources").iter().find(|s| s["name"] == name).expect(name)
}

fn failing(source: &Value) -> Vec<&str> {
    source["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .filter(|c| c["pass"] == false)
        .filter_map(|c| c["name"].as_str())
        .collect()
}

#[test]
fn scores_rank_the_sources_as_their_profiles_do() {
    let report = report(&["check", "--no-config", "--format", "json", "fixtures/sources/manifest.jsonl"]);
    let labels = labels();
    let tiers: Vec<Vec<&str>> = labels["tiers"]
        .as_array()
        .expect("tiers")
        .iter()
        .map(|tier| tier.as_array().expect("tier").iter().filter_map(Value::as_str).collect())
        .collect();
    let score = |name: &str| source(&report, name)["score"].as_f64().expect("score");
    for tier in &tiers {
        for name in tier {
            println!("{name:<24} {:>5.1} {:?}", score(name), failing(source(&report, name)));
        }
    }
    // A source of a better tier never scores below one of a worse tier: content farms below
    // the re-runs and garbled translations, and those below the wire and the dailies.
    for (i, better) in tiers.iter().enumerate() {
        for worse in tiers[i + 1..].iter().flatten() {
            for better in better {
                assert!(
                    score(better) > score(worse),
                    "{better} ({}) should score above {worse} ({})",
                    score(better),
                    score(worse)
                );
            }
        }
    }
    // The best and the worst are far apart.
    let best = tiers[0].iter().map(|n| score(n)).fold(f64::MIN, f64::max);
    let worst = tiers[tiers.len() - 1].iter().map(|n| score(n)).fold(f64::MAX, f64::min);
    assert!(best - worst >= 25.0, "{best} vs {worst}");
}

#[test]
fn failing_criteria_are_the_expected_ones_and_name_their_items() {
    let report = report(&["check", "--no-config", "--format", "json", "fixtures/sources/manifest.jsonl"]);
    let labels = labels();
    for (name, expected) in labels["expected_failures"].as_object().expect("failures") {
        let fails = failing(source(&report, name));
        for criterion in expected.as_array().expect("list").iter().filter_map(Value::as_str) {
            assert!(fails.contains(&criterion), "{name} should fail {criterion}; fails {fails:?}");
        }
    }
    for (name, expected) in labels["expected_passes"].as_object().expect("passes") {
        let fails = failing(source(&report, name));
        for criterion in expected.as_array().expect("list").iter().filter_map(Value::as_str) {
            assert!(!fails.contains(&criterion), "{name} should pass {criterion}");
        }
    }
    for source in report["sources"].as_array().expect("sources") {
        for criterion in source["criteria"].as_array().expect("criteria").iter().filter(|c| c["pass"] == false) {
            let items = criterion["failing"].as_array().expect("failing");
            assert!(!items.is_empty(), "{} fails {} without naming items", source["name"], criterion["name"]);
            assert!(items.iter().all(|i| i["id"].is_string() && i["reason"].as_str().is_some_and(|r| !r.is_empty())));
        }
    }
}

#[test]
fn seeds_signals_and_sources() {
    let report = report(&["check", "--format", "json", "seeds/"]);
    let item = |prefix: &str| {
        report["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["id"].as_str().is_some_and(|id| id.starts_with(prefix)))
            .expect(prefix)
    };
    // Items whose outlet cannot be found are not pooled into one outlet with a grade.
    assert!(report["sources"].as_array().expect("sources").iter().all(|s| s["name"] != "(no source)"));
    assert_eq!(report["summary"]["items_without_source"], 4);
    // 003 is stale; 002 is unattributed.
    assert_eq!(item("003")["stale"], true);
    assert!(item("002")["flags"].as_array().expect("flags").iter().any(|f| f == "unattributed"));
    let bfm = source(&report, "BFM TV");
    assert!(!failing(bfm).contains(&"attribution"), "{bfm}");
    // 001's page boilerplate is scrape noise; 000's translation artefacts are garbled text;
    // 003's headline is sensational.
    assert!(item("001")["flags"].as_array().expect("flags").iter().any(|f| f == "heavy_boilerplate"));
    let clean =
        bfm["criteria"].as_array().expect("criteria").iter().find(|c| c["name"] == "clean_text").expect("clean");
    assert_eq!(clean["pass"], false, "{clean}");
    let garbled: Vec<&str> = item("000")["signals"]["garbled"]
        .as_array()
        .expect("garbled")
        .iter()
        .filter_map(|a| a["kind"].as_str())
        .collect();
    assert!(garbled.contains(&"spaced_ellipsis") && garbled.contains(&"unbalanced_brackets"), "{garbled:?}");
    assert!(item("003")["flags"].as_array().expect("flags").iter().any(|f| f == "sensational_headline"));
}

#[test]
fn aliases_ignores_and_the_minimum_score() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = env!("CARGO_MANIFEST_DIR");
    std::fs::write(
        dir.path().join("copydesk.toml"),
            "[[source]]\nname = \"Harbour Wire Service\"\naliases = [\"Harbor Wire\"]\n\n\
             [[ignore]]\nsource = \"Rerun Daily\"\ncode = \"CD200\"\nreason = \"re-runs are labelled as archive pieces on the site\"\n\n\
             [[ignore]]\nitem = \"no-such-item\"\nreason = \"a stale entry\"\n\n\
             [date]\nbuiltin_timeline = true\n",
    )
    .expect("config");
    let manifest = format!("{root}/fixtures/sources/manifest.jsonl");
    let config = dir.path().join("copydesk.toml");
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "--config", config.to_str().expect("path"), "--format", "json", manifest.as_str()];
        args.extend_from_slice(extra);
        Command::cargo_bin("copydesk").expect("binary").args(&args).output().expect("run")
    };
    let output = run(&[]);
    let report: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert!(report["sources"].as_array().expect("sources").iter().any(|s| s["name"] == "Harbour Wire Service"));
    assert_eq!(report["ignores"][0]["matched"].as_u64(), Some(4), "{}", report["ignores"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("an ignore matches nothing"), "{stderr}");
    // What is ignored is ignored everywhere: not stale in the items, not counted against
    // the source's freshness, not listed in the table, and listed as ignored.
    let items = report["items"].as_array().expect("items");
    assert!(items.iter().filter(|i| i["source"] == "Rerun Daily").all(|i| i["stale"] == false));
    assert_eq!(report["summary"]["stale"], 0);
    assert_eq!(report["ignored"].as_array().map(Vec::len), Some(4));
    let rerun =
        report["sources"].as_array().expect("sources").iter().find(|s| s["name"] == "Rerun Daily").expect("source");
    let freshness =
        rerun["criteria"].as_array().expect("criteria").iter().find(|c| c["name"] == "freshness").expect("freshness");
    assert_eq!(freshness["pass"], true, "{freshness}");
    let table = Command::cargo_bin("copydesk")
        .expect("binary")
        .args(["check", "--config", config.to_str().expect("path"), manifest.as_str()])
        .output()
        .expect("run");
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(!table.contains("Stale items"), "{table}");
    assert!(table.contains("4 findings ignored by it"), "{table}");
    // The minimum score: ContentMill Hub scores below 70.
    assert_eq!(run(&["--min-source-score", "70"]).status.code(), Some(1));
    assert_eq!(run(&["--min-source-score", "0"]).status.code(), Some(0));
    // An ignore without a reason is a configuration error.
    std::fs::write(&config, "[[ignore]]\ncode = \"CD200\"\n").expect("config");
    let output = run(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("reason"));
}

/// Runs copydesk with an archive, from the repository's folder, and returns its exit status
/// and standard output.
fn with_archive(args: &[&str], archive: &std::path::Path) -> (i32, String) {
    let output = Command::cargo_bin("copydesk")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("XDG_DATA_HOME")
        .args(args)
        .args(["--no-config", "--archive"])
        .arg(archive)
        .output()
        .expect("run copydesk");
    let code = output.status.code().unwrap_or(-1);
    assert!(code < 2, "{}", String::from_utf8_lossy(&output.stderr));
    (code, String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn the_archive_scores_each_window_as_check_scores_the_collection() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = dir.path().join("archive.sqlite3");
    // Rerun Daily's last three items arrive a month after everything else.
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sources/manifest.jsonl"))
        .expect("manifest");
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sources");
    let (mut june, mut july) = (String::new(), String::new());
    for line in manifest.lines() {
        let mut row: Value = serde_json::from_str(line).expect("row");
        let file = format!("{folder}/{}", row["path"].as_str().expect("path"));
        row["path"] = Value::String(file);
        let late = ["rerundaily-04", "rerundaily-05", "rerundaily-06"].iter().any(|id| row["id"] == *id);
        let out = if late { &mut july } else { &mut june };
        out.push_str(&format!("{row}\n"));
    }
    let (june_file, july_file) = (dir.path().join("june.jsonl"), dir.path().join("july.jsonl"));
    std::fs::write(&june_file, june).expect("june");
    std::fs::write(&july_file, july).expect("july");
    for (file, at) in [(&june_file, "2025-06-12"), (&july_file, "2025-07-12")] {
        let path = file.to_str().expect("path");
        with_archive(
            &["ingest", "--quiet", "--allow-outside-paths", "--seen-at", at, "-o", "/dev/null", path],
            &archive,
        );
    }

    // Over June, every source but Rerun Daily scores as `copydesk check` scores it on the
    // June items.
    let checked = report(&[
        "check",
        "--no-config",
        "--allow-outside-paths",
        "--format",
        "json",
        june_file.to_str().expect("path"),
    ]);
    let (_, june_report) =
        with_archive(&["sources", "--since", "30d", "--until", "2025-06-30", "--format", "json"], &archive);
    let june_report: Value = serde_json::from_str(&june_report).expect("JSON");
    for expected in checked["sources"].as_array().expect("sources") {
        let name = expected["name"].as_str().expect("name");
        let got = source(&june_report, name);
        assert_eq!(got["score"], expected["score"], "{name}");
        assert_eq!(got["quality"]["grade"], expected["grade"], "{name}");
        assert_eq!(failing(&got["quality"]), failing(expected), "{name}");
        let failing_items = |s: &Value| s["criteria"].to_string();
        assert_eq!(failing_items(&got["quality"]), failing_items(expected), "{name}: the same items and reasons");
    }

    // Over July, only Rerun Daily has items; its score moves against June's.
    let (_, july_report) =
        with_archive(&["sources", "--since", "30d", "--until", "2025-07-30", "--format", "json"], &archive);
    let july_report: Value = serde_json::from_str(&july_report).expect("JSON");
    let rerun = source(&july_report, "Rerun Daily");
    let (now, before) = (rerun["score"].as_f64().expect("score"), rerun["previous_score"].as_f64().expect("previous"));
    assert!(rerun["change"]["score"].as_f64().is_some_and(|c| (c - (now - before)).abs() < 1e-6), "{rerun}");
    assert_eq!(rerun["items"], 3);
    let harbor = source(&july_report, "Harbor Wire");
    assert!(harbor["score"].is_null() && harbor["previous_score"].as_f64().is_some_and(|s| s > 90.0), "{harbor}");

    // The table shows the scores and their change; a minimum score fails the run.
    let (code, table) = with_archive(&["sources", "--since", "30d", "--until", "2025-06-30"], &archive);
    assert_eq!(code, 0);
    assert!(table.contains("Scores over the window") && table.contains("ContentMill Hub"), "{table}");
    let (code, _) =
        with_archive(&["sources", "--since", "30d", "--until", "2025-06-30", "--min-source-score", "70"], &archive);
    assert_eq!(code, 1, "ContentMill Hub scores below 70");
}
