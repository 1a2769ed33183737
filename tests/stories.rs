//! Rewrites and same-story pairs, measured against labelled fixtures, and on the seeds.
//!
//! `fixtures/stories/` holds 12 rewrites (every sentence re-worded), 12 pairs of independent
//! reports of one event and 12 hard negatives (same topic, different events), with
//! `labels.json` naming the expected relation of each pair: `rewrite`, `same_story`, `none`
//! or `same_story_or_none`. A pair that is not listed is expected to have no relation.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use assert_cmd::Command;
use copydesk::config::Config;
use copydesk_engine::{self as pipeline, CheckOptions};
use copydesk_report::Report;
use serde_json::Value;

fn path(relative: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(relative).display().to_string()
}

fn check(input: &str, config: Config) -> Report {
    let options =
        CheckOptions { inputs: vec![path(input)], settings: config.settings(false), ..CheckOptions::default() };
    pipeline::check(&options).expect("check")
}

/// An unordered pair of ids.
fn pair(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

/// The relation found for each related pair (the strongest, when there are two).
fn found(report: &Report) -> HashMap<(String, String), &'static str> {
    let mut found: HashMap<(String, String), (copydesk_core::relate::Kind, &'static str)> = HashMap::new();
    for item in &report.items {
        for relation in &item.relations {
            let entry = found.entry(pair(&item.id, &relation.other)).or_insert((relation.kind, relation.kind.as_str()));
            if relation.kind < entry.0 {
                *entry = (relation.kind, relation.kind.as_str());
            }
        }
    }
    found.into_iter().map(|(pair, (_, kind))| (pair, kind)).collect()
}

/// The labelled pairs of a fixture folder's `labels.json`: (a, b, expected).
fn labelled_pairs(labels: &str) -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string(path(labels)).expect("labels.json");
    let labels: Value = serde_json::from_str(&text).expect("labels are JSON");
    labels["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| {
            let field = |name: &str| p[name].as_str().expect(name).to_string();
            (field("a"), field("b"), field("expected"))
        })
        .collect()
}

fn labels() -> HashMap<(String, String), String> {
    labelled_pairs("fixtures/stories/labels.json")
        .into_iter()
        .map(|(a, b, expected)| (pair(&a, &b), expected))
        .collect()
}

/// Precision and recall of one kind.
#[derive(Debug, Default)]
struct Score {
    true_positives: usize,
    false_positives: usize,
    false_negatives: usize,
}

impl Score {
    fn precision(&self) -> f64 {
        let predicted = self.true_positives + self.false_positives;
        if predicted == 0 {
            1.0
        } else {
            self.true_positives as f64 / predicted as f64
        }
    }

    fn recall(&self) -> f64 {
        let expected = self.true_positives + self.false_negatives;
        if expected == 0 {
            1.0
        } else {
            self.true_positives as f64 / expected as f64
        }
    }
}

/// Scores each kind: a pair counts for a kind when it is labelled so or found so; a pair
/// labelled `same_story_or_none` is right either way.
fn score(
    found: &HashMap<(String, String), &'static str>,
    labels: &HashMap<(String, String), String>,
) -> BTreeMap<&'static str, Score> {
    let mut scores: BTreeMap<&'static str, Score> = BTreeMap::new();
    let mut pairs: Vec<&(String, String)> = found.keys().chain(labels.keys()).collect();
    pairs.sort();
    pairs.dedup();
    for pair in pairs {
        let expected = labels.get(pair).map_or("none", String::as_str);
        let got = found.get(pair).copied().unwrap_or("none");
        for kind in ["rewrite", "same_story"] {
            let score = scores.entry(kind).or_default();
            let tolerated = expected == "same_story_or_none" && kind == "same_story";
            match (got == kind, expected == kind) {
                (true, true) => score.true_positives += 1,
                (true, false) if !tolerated => score.false_positives += 1,
                (false, true) => score.false_negatives += 1,
                _ => {}
            }
        }
    }
    scores
}

#[test]
fn rewrites_and_same_story_pairs_match_the_labels() {
    let report = check("fixtures/stories/manifest.jsonl", Config::default());
    assert_eq!(report.summary.items, 72);
    let found = found(&report);
    let labels = labels();
    let scores = score(&found, &labels);

    println!("\n{:<12} {:>4} {:>4} {:>4} {:>10} {:>8}", "kind", "tp", "fp", "fn", "precision", "recall");
    for (kind, s) in &scores {
        println!(
            "{kind:<12} {:>4} {:>4} {:>4} {:>10.3} {:>8.3}",
            s.true_positives,
            s.false_positives,
            s.false_negatives,
            s.precision(),
            s.recall()
        );
    }
    println!("story candidates: {:?}", report.summary.candidates.story);
    let mut wrong: Vec<String> = Vec::new();
    for (pair, kind) in &found {
        let expected = labels.get(pair).map_or("none", String::as_str);
        if *kind != expected && !(expected == "same_story_or_none" && *kind == "same_story") {
            wrong.push(format!("{} / {}: found {kind}, expected {expected}", pair.0, pair.1));
        }
    }
    for (pair, expected) in &labels {
        if !found.contains_key(pair) && (expected == "rewrite" || expected == "same_story") {
            wrong.push(format!("{} / {}: nothing found, expected {expected}", pair.0, pair.1));
        }
    }
    wrong.sort();
    for line in &wrong {
        println!("  {line}");
    }

    let rewrite = &scores["rewrite"];
    assert!(rewrite.recall() >= 0.85, "rewrite recall {:.3}", rewrite.recall());
    assert!(rewrite.precision() >= 0.9, "rewrite precision {:.3}", rewrite.precision());
    let same_story = &scores["same_story"];
    assert!(same_story.precision() >= 0.9, "same_story precision {:.3}", same_story.precision());

    // No hard negative is a copy or a rewrite.
    for (pair, expected) in &labels {
        if expected == "none" || expected == "same_story_or_none" {
            let kind = found.get(pair).copied().unwrap_or("none");
            assert!(kind == "none" || kind == "same_story", "{} / {} found {kind}", pair.0, pair.1);
        }
    }
}

#[test]
fn the_content_farm_rewrites_of_the_source_fixtures_are_found() {
    // fixtures/sources (the source-quality fixtures): five items of one content farm are
    // sentence-by-sentence paraphrases with filler added; four are credited word-for-word
    // copies; the rest are unrelated.
    let report = check("fixtures/sources/manifest.jsonl", Config::default());
    let text = std::fs::read_to_string(path("fixtures/sources/labels.json")).expect("labels.json");
    let labels: Value = serde_json::from_str(&text).expect("labels are JSON");
    let expected: HashMap<(String, String), &str> = labels["items"]
        .as_object()
        .expect("items")
        .iter()
        .filter_map(|(id, item)| item["rewrite_of"].as_str().map(|origin| (pair(id, origin), "rewrite")))
        .collect();
    assert_eq!(expected.len(), 5);
    let found = found(&report);
    for (pair, kind) in &expected {
        assert_eq!(found.get(pair).copied(), Some(*kind), "{} / {}", pair.0, pair.1);
    }
    let others: Vec<_> = found
        .iter()
        .filter(|(pair, kind)| (**kind == "rewrite" || **kind == "same_story") && !expected.contains_key(*pair))
        .collect();
    assert!(others.is_empty(), "{others:?}");
}

#[test]
fn every_measured_value_is_reported_and_the_origin_is_the_earliest() {
    let report = check("fixtures/stories/manifest.jsonl", Config::default());
    let copy = report.item("rw01-copy").expect("rw01-copy");
    let relation = copy.relations.iter().find(|r| r.other == "rw01-origin").expect("rewrite of rw01-origin");
    assert_eq!(relation.kind.as_str(), "rewrite");
    let json = serde_json::to_value(relation).expect("json");
    for field in
        ["cosine", "aligned_sentences", "shared_names", "shared_numbers", "shared_quotes", "novelty", "jaccard"]
    {
        assert!(json.get(field).is_some(), "{field} missing from {json}");
    }
    assert!(copy.flags.contains(&copydesk_core::model::Flag::Rewrite), "{:?}", copy.flags);
    let cluster = report.clusters.iter().find(|c| c.kind == "story" && c.members.iter().any(|m| m.id == "rw01-copy"));
    let cluster = cluster.expect("story cluster of rw01");
    assert_eq!(cluster.origin, "rw01-origin");
    assert_eq!(copy.story_cluster.as_deref(), Some(cluster.id.as_str()));
}

#[test]
fn thresholds_come_from_the_configuration() {
    let mut config = Config::default();
    config.story.enabled = false;
    let report = check("fixtures/stories/manifest.jsonl", config);
    assert!(found(&report).values().all(|k| *k != "rewrite" && *k != "same_story"));
    assert!(report.clusters.iter().all(|c| c.kind == "copy"));

    let mut config = Config::default();
    config.story.rewrite_max_novelty = 0.0;
    let strict = check("fixtures/stories/manifest.jsonl", config);
    let rewrites = |report: &Report| found(report).values().filter(|k| **k == "rewrite").count();
    assert!(rewrites(&strict) < rewrites(&check("fixtures/stories/manifest.jsonl", Config::default())));
}

#[test]
fn the_seed_reports_of_zelenskys_statement_form_one_story() {
    let report = check("seeds", Config::default());
    let id = |prefix: &str| report.items.iter().find(|i| i.id.starts_with(prefix)).expect(prefix);
    let story = id("000").story_cluster.clone().expect("000 is in a story cluster");
    assert_eq!(id("001").story_cluster.as_ref(), Some(&story));
    assert_eq!(id("002").story_cluster.as_ref(), Some(&story));
    assert_ne!(id("003").story_cluster.as_ref(), Some(&story));
    assert_ne!(id("004").story_cluster.as_ref(), Some(&story));
    let cluster = report.clusters.iter().find(|c| c.id == story).expect("cluster");
    assert_eq!(cluster.kind, "story");
    assert_eq!(cluster.size, 3);
}

#[test]
fn seed_002_is_unattributed_and_000_is_not() {
    let report = check("seeds", Config::default());
    let id = |prefix: &str| report.items.iter().find(|i| i.id.starts_with(prefix)).expect(prefix);
    let retelling = id("002");
    assert!(retelling.attribution.unattributed);
    assert!(retelling.flags.contains(&copydesk_core::model::Flag::Unattributed), "{:?}", retelling.flags);
    let origin = id("000");
    assert!(!origin.attribution.unattributed);
    assert!(!origin.flags.contains(&copydesk_core::model::Flag::Unattributed));
    assert_eq!(origin.attribution.credit.as_deref(), Some("BFM TV"));
    assert!(origin.attribution.named_quotes >= 1, "{:?}", origin.attribution);
    assert!(origin.attribution.anonymous_sources >= 1, "{:?}", origin.attribution);
    assert_eq!(id("001").attribution.byline.as_deref(), Some("Sonya Bandouil"));
}

#[test]
fn fail_on_takes_rewrite_and_same_story() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_copydesk"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(args)
            .output()
            .expect("run copydesk")
            .status
            .code()
    };
    assert_eq!(
        run(&["check", "-q", "--no-config", "--fail-on", "rewrite", "fixtures/stories/manifest.jsonl"]),
        Some(1)
    );
    assert_eq!(run(&["check", "-q", "--no-config", "--fail-on", "same_story", "seeds"]), Some(1));
    assert_eq!(run(&["check", "-q", "--no-config", "--fail-on", "rewrite", "seeds"]), Some(0));
}

/// The pairs of `fixtures/events/` (hard negatives of the kinds editors meet, and events
/// told twice) and whether the report relates each: by a relation, or by one story
/// cluster; with the reason it gives when it holds the pair apart, and the pair's `open`
/// note in `labels.json` (a hard negative still related, and why).
#[allow(clippy::type_complexity)]
fn event_pairs() -> Vec<(String, String, String, bool, Option<String>, Option<String>)> {
    let report = check("fixtures/events/manifest.jsonl", Config::default());
    let found = found(&report);
    let story_of =
        |id: &str| report.clusters.iter().position(|c| c.kind == "story" && c.members.iter().any(|m| m.id == id));
    let text = std::fs::read_to_string(path("fixtures/events/labels.json")).expect("labels.json");
    let labels: Value = serde_json::from_str(&text).expect("labels are JSON");
    let open = |a: &str| {
        labels["pairs"]
            .as_array()
            .and_then(|pairs| pairs.iter().find(|p| p["a"] == a).and_then(|p| p["open"].as_str()).map(str::to_string))
    };
    labelled_pairs("fixtures/events/labels.json")
        .into_iter()
        .map(|(a, b, expected)| {
            let related = found.contains_key(&pair(&a, &b)) || (story_of(&a).is_some() && story_of(&a) == story_of(&b));
            let held = report
                .item(&a)
                .and_then(|item| item.held_apart.iter().find(|h| h.other == b))
                .map(|h| h.reason.clone());
            let open = open(&a);
            println!("{a} / {b}: expected {expected}, related {related}, held apart: {held:?}");
            (a, b, expected, related, held, open)
        })
        .collect()
}

#[test]
fn reports_of_one_event_are_related_and_other_events_are_held_apart_with_what_differs() {
    let pairs = event_pairs();
    let find = |id: &str| pairs.iter().find(|p| p.0 == id).expect(id);
    // Two reports of one fire, of one storm warning and of one match, in their own words.
    for id in ["ev05-b", "ev10-b", "ev11-b"] {
        assert!(find(id).3, "{id}: one event told twice");
    }
    // A flood warning and a look back at an earlier flood of the same river: the same
    // places, people and sentences, ten years apart.
    let (_, _, _, related, held, _) = find("ev03-b");
    assert!(!related);
    assert_eq!(held.as_deref(), Some("event dates 2026-02-12 vs 2015-12-27"));
    // A club's match report and its transfer news share the club and the manager only.
    assert!(!find("ev04-b").3);
    // Two days of one market: the same indexes, other closes.
    let (_, _, _, related, held, _) = find("ev01-b");
    assert!(!related);
    let held = held.as_deref().unwrap_or_default();
    assert!(held.starts_with("figures differ for FTSE 100: "), "{held}");
    assert!(held.contains("8,412") && held.contains("8,361"), "{held}");
    // Two regions' warnings: the same frame, other places.
    let (_, _, _, related, held, _) = find("ev02-b");
    assert!(!related);
    let held = held.as_deref().unwrap_or_default();
    assert!(held.starts_with("names differ: ") && held.contains("Cornwall") && held.contains("Orkney"), "{held}");
}

#[test]
fn no_hard_negative_of_the_event_fixtures_is_related() {
    let wrong: Vec<String> = event_pairs()
        .into_iter()
        .filter(|(_, _, expected, related, _, open)| open.is_none() && *related != (expected == "related"))
        .map(|(a, b, expected, related, _, _)| format!("{a} / {b}: expected {expected}, related {related}"))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
#[ignore = "a preview and the report of the match it previews are still related: the tense is not read"]
fn the_open_hard_negatives_of_the_event_fixtures_are_held_apart() {
    let pairs = event_pairs();
    let open: Vec<_> = pairs.iter().filter(|p| p.5.is_some()).collect();
    assert!(!open.is_empty());
    let wrong: Vec<String> = open
        .iter()
        .filter(|(_, _, expected, related, _, _)| *related != (expected == "related"))
        .map(|(a, b, _, _, _, note)| format!("{a} / {b}: {}", note.as_deref().unwrap_or_default()))
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}
