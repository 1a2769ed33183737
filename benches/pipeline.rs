//! The copydesk benchmark: throughput, peak memory and growth of each stage and of the
//! whole `copydesk check`, over generated corpora.
//!
//! ```text
//! cargo bench --bench pipeline                    # 20,000 and 200,000 documents
//! cargo bench --bench pipeline -- --docs 20000    # one size
//! ```
//!
//! For each size it generates a deterministic corpus (Zipf-distributed words, planted
//! near-duplicates with known Jaccard), writes it as JSON Lines, then measures:
//! - the normalize stage alone, and the fingerprint stage alone (shingles, SHA-256,
//!   MinHash, SimHash, paragraph hashes) with the fast one-permutation signer and with
//!   the reference MinHash of `probabilistic-collections`, on all cores;
//! - the content profile, the date evidence and the text signals, each alone on all
//!   cores, on each document's raw text;
//! - each stage of the pipeline in process, with its time;
//! - `copydesk check corpus.jsonl --format json` end to end, as a separate process,
//!   with the table and the JSON report, its wall time and peak resident memory;
//! - recall of the planted near-duplicates and the number of unplanted relations.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

mod common;

use common::wait_with_peak_memory;
use copydesk::config::Config;
use copydesk_core::fingerprint::{self, FingerprintOptions, SignerKind};
use copydesk_core::model::Item;
use copydesk_core::normalize::{self, Templates};
use copydesk_engine::synth::{self, CorpusSpec};
use copydesk_engine::{self as pipeline, CheckOptions};
use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let sizes: Vec<usize> = args
        .iter()
        .position(|a| a == "--docs")
        .and_then(|i| args.get(i + 1))
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![20_000, 200_000]);
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("corpus");
    std::fs::create_dir_all(&folder).expect("benchmark folder");
    println!("copydesk benchmark · {} threads", rayon::current_num_threads());
    for documents in sizes {
        bench_size(documents, &folder);
    }
}

fn bench_size(documents: usize, folder: &Path) {
    println!("\n## {documents} documents");
    let spec = CorpusSpec { documents, ..CorpusSpec::default() };
    let corpus = synth::generate(&spec);
    let text_bytes: usize = corpus.iter().map(|d| d.text.len()).sum();
    let path = folder.join(format!("corpus-{documents}.jsonl"));
    let lines: Vec<String> = corpus.iter().map(synth::to_json_line).collect();
    std::fs::write(&path, lines.join("\n") + "\n").expect("write corpus");
    drop(lines);
    let file_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "corpus: {:.1} MB of text, {:.1} MB of JSON Lines, {}",
        mb(text_bytes),
        mb(file_bytes as usize),
        path.display()
    );

    for signer in [SignerKind::OnePermutation, SignerKind::Reference] {
        fingerprint_stage(&corpus, text_bytes, signer);
    }
    reading_stages(&corpus, text_bytes);
    let planted: Vec<(String, String, f64)> = corpus
        .iter()
        .filter_map(|d| d.copy_of.map(|(original, j)| (d.id.clone(), corpus[original].id.clone(), j)))
        .collect();
    drop(corpus);

    stages_in_process(&path, documents, text_bytes);
    end_to_end(&path, documents, text_bytes, &planted);
}

/// The normalize stage and the fingerprint stage on all cores, each timed on its own (the
/// fingerprint stage on the normalized paragraphs), MB/s counted over the raw text.
fn fingerprint_stage(corpus: &[synth::Document], text_bytes: usize, signer: SignerKind) {
    let options = FingerprintOptions { signer, ..FingerprintOptions::default() };
    let config = Config::default();
    let signer_impl = options.signer();
    let templates = Templates::default();
    let start = Instant::now();
    let normalized: Vec<Vec<String>> = corpus
        .par_iter()
        .map(|d| {
            let item = Item { text: d.text.clone(), ..Item::default() };
            normalize::normalize(&item, &templates, &config.normalize).paragraphs
        })
        .collect();
    let normalize_seconds = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let words: u64 = normalized
        .par_iter()
        .map(|paragraphs| fingerprint::fingerprint(paragraphs, &options, signer_impl.as_ref()).words as u64)
        .sum();
    let seconds = start.elapsed().as_secs_f64();
    if signer == SignerKind::OnePermutation {
        println!(
            "normalize: {:.2} s · {:.0} docs/s · {:.1} MB/s",
            normalize_seconds,
            corpus.len() as f64 / normalize_seconds,
            mb(text_bytes) / normalize_seconds
        );
    }
    println!(
        "fingerprint ({signer:?}): {:.2} s · {:.0} docs/s · {:.1} MB/s · {words} words; normalize + fingerprint {:.1} MB/s",
        seconds,
        corpus.len() as f64 / seconds,
        mb(text_bytes) / seconds,
        mb(text_bytes) / (seconds + normalize_seconds)
    );
}

/// The stages that read an article's text with case (the content profile, the date
/// evidence, the text signals), each alone on all cores over the raw texts.
fn reading_stages(corpus: &[synth::Document], text_bytes: usize) {
    let config = Config::default();
    let timeline = config.date.timeline().expect("the built-in timeline");
    let dating =
        copydesk_core::date::Context { timeline: &timeline, as_of: None, max_age_days: config.date.max_age_days };
    let report = |name: &str, seconds: f64| {
        println!(
            "{name}: {seconds:.2} s · {:.0} docs/s · {:.1} MB/s",
            corpus.len() as f64 / seconds,
            mb(text_bytes) / seconds
        );
    };
    let start = Instant::now();
    let terms: usize = corpus
        .par_iter()
        .map(|d| copydesk_core::profile::profile(None, d.text.lines(), config.story.profile_terms).terms.len())
        .sum();
    report("content profile", start.elapsed().as_secs_f64());
    let start = Instant::now();
    let dated = corpus
        .par_iter()
        .filter(|d| {
            let item = Item { text: d.text.clone(), ..Item::default() };
            copydesk_core::date::assess(&item, &[], &dating).content.estimate.is_some()
        })
        .count();
    report("date evidence", start.elapsed().as_secs_f64());
    let start = Instant::now();
    let words: usize =
        corpus.par_iter().map(|d| copydesk_core::score::signals::text_signals(&d.text).voice.words).sum();
    report("text signals", start.elapsed().as_secs_f64());
    println!("  ({terms} profile terms, {dated} documents dated by their text, {words} words)");
}

/// The pipeline's stages in this process, each with its time.
fn stages_in_process(path: &Path, documents: usize, text_bytes: usize) {
    let options = CheckOptions { inputs: vec![path.display().to_string()], ..CheckOptions::default() };
    let start = Instant::now();
    let (report, timings) = pipeline::check_timed(&options).expect("check");
    let total = start.elapsed().as_secs_f64();
    let rate = |seconds: f64| format!("{:.0} docs/s, {:.1} MB/s", documents as f64 / seconds, mb(text_bytes) / seconds);
    println!("in process: {total:.2} s");
    println!(
        "  pass 1 (read + line counts): {:.2} s ({})",
        timings.templates.as_secs_f64(),
        rate(timings.templates.as_secs_f64())
    );
    println!(
        "  pass 2 (read + normalize + fingerprint): {:.2} s ({})",
        timings.analyze.as_secs_f64(),
        rate(timings.analyze.as_secs_f64())
    );
    println!("  relate: {:.2} s · candidates {:?}", timings.relate.as_secs_f64(), report.summary.candidates);
    println!("  report: {:.2} s", timings.report.as_secs_f64());
    println!("  relations: {:?}", report.summary.relations);
}

/// `copydesk check` as a user runs it: wall time and peak resident memory of the process,
/// with the default table report and with the JSON report.
fn end_to_end(path: &Path, documents: usize, text_bytes: usize, planted: &[(String, String, f64)]) {
    let out = path.with_extension("report.json");
    for format in ["table", "json"] {
        let start = Instant::now();
        let child = Command::new(env!("CARGO_BIN_EXE_copydesk"))
            .args(["check", "--quiet", "--format", format, "-o"])
            .arg(&out)
            .arg(path)
            .spawn()
            .expect("run copydesk");
        let (status, peak) = wait_with_peak_memory(child);
        let seconds = start.elapsed().as_secs_f64();
        println!(
            "end to end ({format}): `copydesk check` {seconds:.2} s · {:.0} docs/s · {:.1} MB/s of text · peak RSS {peak:.0} MB ({:.1} KB per document) · exit {}",
            documents as f64 / seconds,
            mb(text_bytes) / seconds,
            peak * 1000.0 / documents as f64,
            status.code().unwrap_or(-1)
        );
    }
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).expect("report")).expect("json");
    let mut found: HashSet<(String, String)> = HashSet::new();
    for item in report["items"].as_array().into_iter().flatten() {
        for relation in item["relations"].as_array().into_iter().flatten() {
            let kind = relation["kind"].as_str().unwrap_or_default();
            if kind == "near_duplicate" || kind == "exact" {
                found.insert((
                    item["id"].as_str().unwrap_or_default().into(),
                    relation["other"].as_str().unwrap_or_default().into(),
                ));
            }
        }
    }
    let above: Vec<_> = planted.iter().filter(|p| p.2 >= 0.8).collect();
    let hit = above.iter().filter(|p| found.contains(&(p.0.clone(), p.1.clone()))).count();
    let planted_pairs: HashSet<(String, String)> = planted.iter().map(|p| (p.0.clone(), p.1.clone())).collect();
    let unplanted = found.iter().filter(|pair| !planted_pairs.contains(pair)).count();
    println!(
        "planted near-duplicates with Jaccard ≥ 0.8: {} of {} found (recall {:.3}); {} near-duplicate relations not planted (copies of copies among them)",
        hit,
        above.len(),
        hit as f64 / above.len().max(1) as f64,
        unplanted
    );
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}
