//! Accuracy of copy detection, measured on a labelled corpus that this test builds from
//! the project's own article texts (`fixtures/corpus/`) with the edits copies undergo in
//! practice:
//!
//! - exact copies republished under another site's page template;
//! - near-duplicates with two or three of: other site boilerplate, reordered paragraphs,
//!   a trimmed ending, inserted ad lines, a few words replaced by synonyms;
//! - partial copies: two to four paragraphs lifted into a longer piece, and briefs cut
//!   from the start of an article;
//! - hard negatives: templated reports of different events (earnings, weather warnings,
//!   match reports) that share their frame sentences and their sites' boilerplate.
//!
//! Every copy is labelled with its origin and kind. A predicted relation between a copy
//! and its labelled origin counts as a true positive when its kind matches the label; a
//! relation of any kind between items of different families is a false positive;
//! relations between two copies of one origin are not scored. The test prints precision
//! and recall per kind and requires at least 0.95 for each.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use assert_cmd::Command;
use copydesk_engine::synth::Rng;

struct Site {
    name: String,
    header: Vec<String>,
    footer: Vec<String>,
}

fn read_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path).expect("fixture").lines().map(str::to_string).collect()
}

fn sites(folder: &Path) -> Vec<Site> {
    let mut sites = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(folder).expect("boilerplate").map(|e| e.expect("entry").path()).collect();
    paths.sort();
    for path in paths.into_iter().filter(|p| p.file_stem().is_some_and(|s| s != "ads")) {
        let (mut header, mut footer, mut part) = (Vec::new(), Vec::new(), 0);
        for line in read_lines(&path) {
            match line.trim() {
                "--- header ---" => part = 1,
                "--- footer ---" => part = 2,
                "" => {}
                text if part == 1 => header.push(text.to_string()),
                text if part == 2 => footer.push(text.to_string()),
                _ => {}
            }
        }
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        sites.push(Site { name, header, footer });
    }
    sites
}

fn paragraphs(path: &Path) -> Vec<String> {
    read_lines(path).into_iter().filter(|l| !l.trim().is_empty()).collect()
}

/// An item of the generated collection.
struct Generated {
    id: String,
    site: usize,
    day: u32,
    /// The article's paragraphs, without the site's page around them.
    paragraphs: Vec<String>,
    /// The family (origin article) it belongs to, and its label relative to the origin.
    family: String,
    label: Option<&'static str>,
}

fn page(site: &Site, body: &[String]) -> String {
    let mut lines = site.header.clone();
    lines.push(String::new());
    for paragraph in body {
        lines.push(paragraph.clone());
        lines.push(String::new());
    }
    lines.extend(site.footer.iter().cloned());
    lines.join("\n")
}

/// Replaces `count` words that have a synonym (or every such word, if fewer).
fn replace_words(paragraphs: &mut [String], synonyms: &[(String, String)], count: usize, rng: &mut Rng) {
    let mut done = 0;
    let start = rng.below(synonyms.len());
    for (word, replacement) in synonyms.iter().cycle().skip(start).take(synonyms.len()) {
        let needle = format!(" {word} ");
        if let Some(p) = (0..paragraphs.len()).find(|&p| paragraphs[p].contains(&needle)) {
            paragraphs[p] = paragraphs[p].replacen(&needle, &format!(" {replacement} "), 1);
            done += 1;
            if done == count {
                return;
            }
        }
    }
    assert!(done > 0, "no word of the text has a synonym");
}

fn build(rng: &mut Rng) -> Vec<Generated> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus");
    let sites = sites(&root.join("boilerplate"));
    let ads = read_lines(&root.join("boilerplate/ads.txt"));
    let synonyms: Vec<(String, String)> = read_lines(&root.join("synonyms.txt"))
        .into_iter()
        .filter_map(|l| l.split_once('=').map(|(a, b)| (a.trim().to_string(), b.trim().to_string())))
        .collect();
    let mut articles: Vec<_> =
        std::fs::read_dir(root.join("articles")).expect("articles").map(|e| e.expect("entry").path()).collect();
    articles.sort();
    let mut templated: Vec<_> =
        std::fs::read_dir(root.join("templated")).expect("templated").map(|e| e.expect("entry").path()).collect();
    templated.sort();

    let mut items = Vec::new();
    let push = |items: &mut Vec<Generated>, family: &str, label, site: usize, day: u32, paragraphs: Vec<String>| {
        let id = format!("{family}-{}", items.iter().filter(|i: &&Generated| i.family == family).count());
        items.push(Generated { id, site, day, paragraphs, family: family.to_string(), label });
    };
    // 40 articles: 26 origins of exact and near copies, 7 origins of partial copies and 7
    // hosts that only appear with lifted paragraphs inside them.
    for (index, path) in articles.iter().enumerate() {
        let family = format!("a{:02}", index + 1);
        let body = paragraphs(path);
        let origin_site = rng.below(sites.len());
        let day = 1 + rng.below(200) as u32;
        if index < 26 {
            push(&mut items, &family, None, origin_site, day, body.clone());
            for copy in 0..1 + rng.below(3) {
                let site = (origin_site + 1 + rng.below(sites.len() - 1)) % sites.len();
                let day = day + 1 + copy as u32;
                if rng.below(4) == 0 {
                    push(&mut items, &family, Some("exact"), site, day, body.clone());
                    continue;
                }
                let mut copy_body = body.clone();
                // One edit of the text itself (a copy with other boilerplate and ads only is
                // exact once normalized), then one or two more of any kind.
                let mut edits = vec![[1usize, 2, 4][rng.below(3)]];
                edits.extend((0..1 + rng.below(2)).map(|_| rng.below(5)));
                for edit in &edits {
                    match edit {
                        0 => {} // other site boilerplate: every copy is on another site already
                        1 => {
                            let a = rng.below(copy_body.len());
                            let b = (a + 1 + rng.below(copy_body.len() - 1)) % copy_body.len();
                            copy_body.swap(a, b);
                        }
                        2 => {
                            copy_body.pop();
                        }
                        3 => {
                            for _ in 0..1 + rng.below(3) {
                                let at = 1 + rng.below(copy_body.len() - 1);
                                copy_body.insert(at, ads[rng.below(ads.len())].clone());
                            }
                        }
                        _ => replace_words(&mut copy_body, &synonyms, 2 + rng.below(5), rng),
                    }
                }
                push(&mut items, &family, Some("near_duplicate"), site, day, copy_body);
            }
        } else if index < 33 {
            push(&mut items, &family, None, origin_site, day, body.clone());
            let host = paragraphs(&articles[index + 7]);
            let site = (origin_site + 1 + rng.below(sites.len() - 1)) % sites.len();
            let lifted = 2 + rng.below(3);
            let start = rng.below(body.len() - lifted);
            let mut piece = host[..host.len() / 2].to_vec();
            piece.extend(body[start..start + lifted].iter().cloned());
            piece.extend(host[host.len() / 2..].iter().cloned());
            push(&mut items, &family, Some("partial_copy"), site, day + 2, piece);
            if rng.below(2) == 0 {
                let brief = body[..3].to_vec();
                let site = (site + 1) % sites.len();
                push(&mut items, &family, Some("partial_copy"), site, day + 3, brief);
            }
        }
    }
    for (index, path) in templated.iter().enumerate() {
        let family = format!("t{:02}", index + 1);
        push(&mut items, &family, None, rng.below(sites.len()), 1 + rng.below(200) as u32, paragraphs(path));
    }
    items
}

/// Counts of one evaluation run.
#[derive(Default)]
struct Tally {
    labelled: BTreeMap<&'static str, usize>,
    true_positive: BTreeMap<&'static str, usize>,
    false_positive: BTreeMap<&'static str, usize>,
    errors: Vec<String>,
}

const KINDS: [&str; 3] = ["exact", "near_duplicate", "partial_copy"];

/// Five collections, each built with its own random edits, about 300 labelled copies in all.
#[test]
fn copy_detection_precision_and_recall() {
    let mut tally = Tally::default();
    for seed in 1..=5 {
        evaluate(seed, &mut tally);
    }
    println!("{:<16} {:>5} {:>5} {:>9} {:>7}", "kind", "label", "found", "precision", "recall");
    let mut failures = Vec::new();
    for kind in KINDS {
        let labelled = tally.labelled.get(kind).copied().unwrap_or(0);
        let tp = tally.true_positive.get(kind).copied().unwrap_or(0);
        let fp = tally.false_positive.get(kind).copied().unwrap_or(0);
        let precision = if tp + fp == 0 { 1.0 } else { tp as f64 / (tp + fp) as f64 };
        let recall = if labelled == 0 { 1.0 } else { tp as f64 / labelled as f64 };
        println!("{kind:<16} {labelled:>5} {tp:>5} {precision:>9.3} {recall:>7.3}");
        assert!(labelled >= 40, "too few {kind} examples: {labelled}");
        if precision < 0.95 || recall < 0.95 {
            failures.push(kind);
        }
    }
    assert!(failures.is_empty(), "below 0.95 for {failures:?}:\n{}", tally.errors.join("\n"));
}

fn evaluate(seed: u64, tally: &mut Tally) {
    let mut rng = Rng::new(seed);
    let items = build(&mut rng);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus");
    let sites = sites(&root.join("boilerplate"));
    let folder = tempfile::tempdir().expect("tempdir");
    let manifest: Vec<String> = items
        .iter()
        .map(|item| {
            serde_json::json!({
                "id": item.id,
                "source": sites[item.site].name,
                "published": format!("2025-{:02}-{:02}", 1 + (item.day - 1) / 28, 1 + (item.day - 1) % 28),
                "text": page(&sites[item.site], &item.paragraphs),
            })
            .to_string()
        })
        .collect();
    std::fs::write(folder.path().join("collection.jsonl"), manifest.join("\n")).expect("write");
    if let Ok(keep) = std::env::var("COPYDESK_KEEP_CORPUS") {
        std::fs::write(keep, manifest.join("\n")).expect("keep");
    }

    let output = Command::cargo_bin("copydesk")
        .expect("binary")
        .args(["check", "--no-config", "--quiet", "--format", "json"])
        .arg(folder.path().join("collection.jsonl"))
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");

    let family: HashMap<&str, &str> = items.iter().map(|i| (i.id.as_str(), i.family.as_str())).collect();
    let origin: HashMap<&str, &str> =
        items.iter().filter(|i| i.label.is_none()).map(|i| (i.family.as_str(), i.id.as_str())).collect();
    let labels: HashMap<&str, &str> = items.iter().filter_map(|i| i.label.map(|l| (i.id.as_str(), l))).collect();

    let mut found: HashSet<(String, &str)> = HashSet::new();
    for label in labels.values() {
        *tally.labelled.entry(label).or_default() += 1;
    }
    for item in report["items"].as_array().expect("items") {
        let id = item["id"].as_str().expect("id");
        for relation in item["relations"].as_array().expect("relations") {
            let other = relation["other"].as_str().expect("other");
            let kind =
                KINDS.iter().find(|k| **k == relation["kind"].as_str().unwrap_or_default()).copied().unwrap_or("other");
            if family[id] != family[other] {
                *tally.false_positive.entry(kind).or_default() += 1;
                tally.errors.push(format!("seed {seed}: {id} -> {other}: {kind} across families {relation}"));
                continue;
            }
            let (copy, earlier) = if labels.contains_key(id) { (id, other) } else { (other, id) };
            if origin.get(family[copy]) != Some(&earlier) {
                continue; // two copies of one origin: not scored
            }
            if labels.get(copy) == Some(&kind) {
                *tally.true_positive.entry(kind).or_default() += 1;
                found.insert((copy.to_string(), kind));
            } else {
                *tally.false_positive.entry(kind).or_default() += 1;
                tally.errors.push(format!(
                    "seed {seed}: {copy} -> {earlier}: {kind}, labelled {:?} {relation}",
                    labels.get(copy)
                ));
            }
        }
    }
    for (id, label) in &labels {
        if !found.contains(&(id.to_string(), *label)) {
            tally.errors.push(format!("seed {seed}: missed {id} labelled {label}"));
        }
    }
}
