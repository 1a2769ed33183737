//! Rewrites and reports of the same story found in the archive, not only within a run:
//! the earlier item of every labelled pair of `fixtures/stories/` is ingested first, then
//! the later items are checked against the archive (and ingested) in a run of their own,
//! so that every relation found crosses the archive.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn run(args: &[&str], archive: &Path) -> Value {
    let output = Command::cargo_bin("copydesk")
        .expect("binary")
        .env_remove("XDG_DATA_HOME")
        .args(args)
        .args(["--no-config", "--format", "json", "--archive"])
        .arg(archive)
        .output()
        .expect("run copydesk");
    assert!(output.status.code().is_some_and(|c| c <= 1), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON report")
}

/// The labelled pairs: (later, earlier) → expected relation.
fn labels() -> HashMap<(String, String), String> {
    let text = std::fs::read_to_string(fixture("fixtures/stories/labels.json")).expect("labels.json");
    let labels: Value = serde_json::from_str(&text).expect("labels are JSON");
    labels["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| {
            let (a, b) = (p["a"].as_str().expect("a"), p["b"].as_str().expect("b"));
            ((a.to_string(), b.to_string()), p["expected"].as_str().expect("expected").to_string())
        })
        .collect()
}

/// Writes the fixture's rows whose id is in `ids` as a manifest with the texts inline.
fn manifest(path: &Path, ids: &[&String]) {
    let rows = std::fs::read_to_string(fixture("fixtures/stories/manifest.jsonl")).expect("manifest");
    let mut out = String::new();
    for line in rows.lines() {
        let mut row: Value = serde_json::from_str(line).expect("row");
        if !ids.iter().any(|id| row["id"] == id.as_str()) {
            continue;
        }
        let file = row["path"].as_str().expect("path").to_string();
        row["text"] = Value::String(std::fs::read_to_string(fixture("fixtures/stories").join(file)).expect("text"));
        row.as_object_mut().expect("object").remove("path");
        out.push_str(&row.to_string());
        out.push('\n');
    }
    std::fs::write(path, out).expect("write manifest");
}

/// The relations of each item to archived items: (item, archived item) → kind.
fn archived_relations(report: &Value) -> HashMap<(String, String), String> {
    let mut found = HashMap::new();
    for item in report["items"].as_array().expect("items") {
        for relation in item["relations"].as_array().expect("relations") {
            if relation["archived"] == true {
                let key = (
                    item["id"].as_str().expect("id").to_string(),
                    relation["other"].as_str().expect("other").to_string(),
                );
                found.insert(key, relation["kind"].as_str().expect("kind").to_string());
            }
        }
    }
    found
}

#[test]
fn rewrites_and_same_stories_of_archived_items_are_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let labels = labels();
    let earlier: Vec<&String> = labels.keys().map(|(_, b)| b).collect();
    let later: Vec<&String> = labels.keys().map(|(a, _)| a).collect();
    let (history, news) = (dir.path().join("history.jsonl"), dir.path().join("news.jsonl"));
    manifest(&history, &earlier);
    manifest(&news, &later);
    let archive = dir.path().join("archive.sqlite3");

    let first = run(&["ingest", history.to_str().expect("path")], &archive);
    assert_eq!(first["archive"]["new"], 36);

    let checked = run(&["check", news.to_str().expect("path")], &archive);
    let found = archived_relations(&checked);
    let (mut right, mut wrong) = (HashMap::<&str, usize>::new(), Vec::new());
    for (pair, expected) in &labels {
        let got = found.get(pair).map_or("none", String::as_str);
        let tolerated = expected == "same_story_or_none" && (got == "same_story" || got == "none");
        if got == expected || tolerated {
            *right.entry(expected.as_str()).or_default() += 1;
        } else {
            wrong.push(format!("{} / {}: found {got}, expected {expected}", pair.0, pair.1));
        }
    }
    for (pair, kind) in &found {
        if !labels.contains_key(pair) {
            wrong.push(format!("{} / {}: found {kind}, not a labelled pair", pair.0, pair.1));
        }
    }
    println!("labelled pairs right, by label: {right:?}; lookups {}", checked["archive"]["lookups"]);
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert_eq!(right.get("rewrite"), Some(&12));
    assert_eq!(right.get("same_story"), Some(&12));

    // Every archived relation carries what was measured.
    let copy = checked["items"].as_array().expect("items").iter().find(|i| i["id"] == "rw01-copy").expect("rw01-copy");
    let relation = &copy["relations"][0];
    assert_eq!(relation["other"], "rw01-origin");
    assert_eq!(relation["kind"], "rewrite");
    assert_eq!(relation["other_source"], "Meridian Wire");
    for field in ["cosine", "aligned_sentences", "shared_names", "shared_numbers", "novelty", "jaccard"] {
        assert!(relation[field].is_number(), "{field}: {relation}");
    }
    assert_eq!(checked["archive"]["repeats_history"], 12);
    // The 12 labelled same-story pairs, and the follow-ups that may count as one.
    let same_story = checked["archive"]["same_story"].as_u64().expect("same_story");
    assert!((12..=16).contains(&same_story), "{same_story}");

    // Ingested, the rewrites are kept as relations; reports of the same story are not.
    run(&["ingest", news.to_str().expect("path")], &archive);
    let conn = rusqlite::Connection::open(&archive).expect("archive");
    let kinds: Vec<(i64, i64)> = conn
        .prepare("SELECT kind, count(*) FROM relations GROUP BY kind ORDER BY kind")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .expect("relations");
    assert_eq!(kinds, vec![(3, 12)], "rewrites only");
    let profiles: i64 = conn.query_row("SELECT count(*) FROM profiles", [], |r| r.get(0)).expect("profiles");
    assert_eq!(profiles, 72);
}
