//! Measures same-story detection against a collection labelled with the event each item
//! reports.
//!
//! Reads a folder holding `items.jsonl` (the articles, as `copydesk check` reads them)
//! and `labels.tsv` (`id`, `topic`, `event`: items of one event are one story), runs the
//! per-item stages and the relate stage as `copydesk check` does, and prints:
//!
//! - pairwise precision, recall and F1 over all pairs of labelled items, a pair counting
//!   as related when a relation joins them or one story cluster holds both;
//! - B-cubed precision, recall and F1 of the story clusters (an item in no cluster is a
//!   cluster of its own);
//! - the false links that join two events of one topic (similar events), the other false
//!   links, and the missed pairs;
//! - the pairs held apart, by reason, and how many of them report one event by the labels;
//! - the time the story stage took.
//!
//! ```sh
//! cargo run --release --example eval-events -- ../shared/real/events-dev [--config FILE] [--errors N]
//! ```
//!
//! `--errors N` prints up to N false links, N missed pairs and N pairs of one event held
//! apart, with their measured values.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::time::Instant;

use copydesk::config::Config;
use copydesk_core::relate::Relation;
use copydesk_engine::{self as pipeline, CheckOptions};
use copydesk_ingest as ingest;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let config = match value("--config") {
        Some(path) => copydesk::config::load(Path::new(&path))?,
        None => Config::default(),
    };
    let errors: usize = value("--errors").map_or(Ok(0), |n| n.parse())?;
    let mut positional = Vec::new();
    let mut skip = false;
    for arg in &args {
        if skip {
            skip = false;
        } else if arg.starts_with("--") {
            skip = true;
        } else {
            positional.push(arg.as_str());
        }
    }
    let folder = Path::new(positional.first().copied().unwrap_or("../shared/real/events-dev"));

    let labels = read_labels(&folder.join("labels.tsv"))?;
    let options = CheckOptions {
        inputs: vec![folder.join("items.jsonl").display().to_string()],
        settings: config.settings(false),
        ..CheckOptions::default()
    };
    let ingest_options = pipeline::ingest_options(&options);
    let inputs = ingest::discover(&options.inputs, &ingest_options)?;
    let analysis = pipeline::analyze_inputs(&inputs, &options)?;
    let analyzed = &analysis.analyzed;
    let start = Instant::now();
    let related = pipeline::relate(analyzed, &options.settings)?;
    let relate_time = start.elapsed();

    let ids: Vec<&str> = analyzed.iter().map(|a| a.item.id.as_str()).collect();
    let event_of = |i: usize| labels.get(ids[i]).map(|l| l.event.as_str());
    let topic_of = |i: usize| labels.get(ids[i]).map(|l| l.topic.as_str());
    let labelled: Vec<usize> = (0..ids.len()).filter(|&i| event_of(i).is_some()).collect();

    // The predicted partition: story clusters, then copy clusters, else the item alone.
    let mut cluster_of: Vec<usize> = (0..ids.len()).map(|i| usize::MAX - i).collect();
    for (number, cluster) in related.clusters.iter().enumerate() {
        for &member in &cluster.members {
            cluster_of[member] = ids.len() + number;
        }
    }
    for (number, cluster) in related.story_clusters.iter().enumerate() {
        for &member in &cluster.members {
            cluster_of[member] = number;
        }
    }
    let mut by_pair: HashMap<(usize, usize), &Relation> = HashMap::new();
    for relation in &related.relations {
        let pair = (relation.later.min(relation.earlier), relation.later.max(relation.earlier));
        by_pair.insert(pair, relation);
    }

    let (mut tp, mut fp, mut fn_, mut fp_similar) = (0u64, 0u64, 0u64, 0u64);
    let (mut false_links, mut missed) = (Vec::new(), Vec::new());
    for (k, &a) in labelled.iter().enumerate() {
        for &b in &labelled[k + 1..] {
            let predicted = cluster_of[a] == cluster_of[b] || by_pair.contains_key(&(a.min(b), a.max(b)));
            let truth = event_of(a) == event_of(b);
            match (predicted, truth) {
                (true, true) => tp += 1,
                (true, false) => {
                    fp += 1;
                    if topic_of(a) == topic_of(b) {
                        fp_similar += 1;
                    }
                    false_links.push((a, b));
                }
                (false, true) => {
                    fn_ += 1;
                    missed.push((a, b));
                }
                (false, false) => {}
            }
        }
    }
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, tp + fn_);

    // B-cubed over the labelled items.
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for &i in &labelled {
        members.entry(cluster_of[i]).or_default().push(i);
    }
    let mut events: HashMap<&str, usize> = HashMap::new();
    for &i in &labelled {
        *events.entry(event_of(i).unwrap_or_default()).or_default() += 1;
    }
    let (mut bp, mut br) = (0.0, 0.0);
    for &i in &labelled {
        let cluster = &members[&cluster_of[i]];
        let right = cluster.iter().filter(|&&j| event_of(j) == event_of(i)).count() as f64;
        bp += right / cluster.len() as f64;
        br += right / events[event_of(i).unwrap_or_default()] as f64;
    }
    let n = labelled.len() as f64;
    let (bp, br) = (bp / n, br / n);

    let story_clusters = related.story_clusters.len();
    println!("items {} labelled {} events {}", ids.len(), labelled.len(), events.len());
    println!("relations {} story clusters {story_clusters}", related.relations.len());
    println!(
        "pairwise  P {precision:.3}  R {recall:.3}  F1 {:.3}  (tp {tp}, fp {fp} of which {fp_similar} between similar events, fn {fn_})",
        f1(precision, recall)
    );
    println!("B-cubed   P {bp:.3}  R {br:.3}  F1 {:.3}", f1(bp, br));
    // Pairs held apart, by the kind of reason: how many, and how many of one event.
    let mut held: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut wrongly_held = Vec::new();
    for h in &related.held_apart {
        let kind = serde_json::to_value(h.reason).ok().and_then(|v| v["kind"].as_str().map(str::to_string));
        let entry = held.entry(kind.unwrap_or_default()).or_default();
        entry.0 += 1;
        if event_of(h.later).is_some() && event_of(h.later) == event_of(h.earlier) {
            entry.1 += 1;
            wrongly_held.push(h);
        }
    }
    for (kind, (all, one_event)) in &held {
        println!("held apart by {kind}: {all} pairs, {one_event} of them one event");
    }
    println!("relate stage {:.2} s", relate_time.as_secs_f64());

    let describe = |a: usize, b: usize| -> String {
        let pair = (a.min(b), a.max(b));
        let evidence = by_pair.get(&pair).map_or_else(
            || "via cluster".to_string(),
            |r| {
                format!(
                    "{} {:?}",
                    r.kind.as_str(),
                    r.evidence.story.map(|s| serde_json::to_string(&s).unwrap_or_default())
                )
            },
        );
        format!("{} ({}) ~ {} ({}): {evidence}", ids[a], event_of(a).unwrap_or("?"), ids[b], event_of(b).unwrap_or("?"))
    };
    for &(a, b) in false_links.iter().take(errors) {
        println!("false link  {}", describe(a, b));
    }
    for &(a, b) in missed.iter().take(errors) {
        println!("missed      {}", describe(a, b));
    }
    for h in wrongly_held.iter().take(errors) {
        println!(
            "held apart  {} ~ {} ({}): {}",
            ids[h.later],
            ids[h.earlier],
            event_of(h.later).unwrap_or("?"),
            h.reason.describe()
        );
    }
    Ok(())
}

struct Label {
    topic: String,
    event: String,
}

fn read_labels(path: &Path) -> anyhow::Result<BTreeMap<String, Label>> {
    let text = std::fs::read_to_string(path)?;
    let mut labels = BTreeMap::new();
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split('\t').collect();
        if let [id, topic, event, ..] = fields[..] {
            labels.insert(id.to_string(), Label { topic: topic.to_string(), event: event.to_string() });
        }
    }
    Ok(labels)
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}
