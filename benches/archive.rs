//! The archive benchmark: how fast a large archive is built, how fast new items are
//! screened against it, how large it is per item, and how much memory each step takes.
//!
//! ```text
//! cargo bench --bench archive                        # 100,000 archived documents
//! cargo bench --bench archive -- --docs 1000000      # one million
//! cargo bench --bench archive -- --docs 1000000 --keep   # reuse an archive built before
//! ```
//!
//! It generates the archive's documents with the corpus generator (`copydesk_engine::synth`) in
//! chunks of 50,000, fingerprints each chunk on every core and stores it with
//! `Archive::append` (one transaction per chunk, prepared statements, postings sorted by
//! key). Then it writes 1,000 new documents — 500 light edits of archived documents, 500
//! documents the archive has never seen — and measures:
//! - `copydesk check new.jsonl --archive DB` as a separate process (wall time, peak
//!   memory), and the recall of the planted copies in its report;
//! - the screening alone, in this process;
//! - `copydesk ingest new.jsonl --archive DB` (screen and store) as a separate process.

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use chrono::Utc;
use copydesk::config::Config;
use copydesk_archive::{Archive, ArchivedItem, Mode};
use copydesk_core::analysis::Analyzed;
use copydesk_core::model::Item;
use copydesk_core::normalize::Templates;
use copydesk_engine as pipeline;
use copydesk_engine::synth::{self, CorpusSpec, Rng};
use rayon::prelude::*;

const CHUNK: usize = 50_000;
const NEW: usize = 1_000;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1));
    let documents: usize = value("--docs").and_then(|v| v.replace('_', "").parse().ok()).unwrap_or(100_000);
    let keep = args.iter().any(|a| a == "--keep");
    let folder = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("archive-bench");
    std::fs::create_dir_all(&folder).expect("benchmark folder");
    println!("copydesk archive benchmark · {documents} archived documents · {} threads", rayon::current_num_threads());
    let path = folder.join(format!("archive-{documents}.sqlite3"));
    let config = Config::default();

    let reuse = keep && path.exists();
    if !reuse {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        build(&path, documents, &config);
    } else {
        println!("reusing {}", path.display());
    }
    let stored = {
        let archive = Archive::open(&path, Mode::Existing, config.settings(false).open_archive()).expect("open");
        let _ = archive.connection().execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
        archive.count().expect("count")
    };
    let bytes = file_size(&path);
    println!(
        "archive: {stored} item versions · {:.1} MB · {:.0} bytes per item",
        bytes as f64 / 1e6,
        bytes as f64 / stored.max(1) as f64
    );
    table_sizes(&path);

    let (new_path, planted) = new_items(&folder, documents);
    check_process(&path, &new_path, &planted);
    screen_in_process(&path, &new_path, &config);
    ingest_process(&path, &new_path);
}

/// Generates, fingerprints and stores the archive's documents chunk by chunk.
fn build(path: &Path, documents: usize, config: &Config) {
    reset_peak_memory();
    let mut archive =
        Archive::open(path, Mode::Create, config.settings(false).open_archive()).expect("create the archive");
    let _ = archive.connection().execute_batch("PRAGMA cache_size = -1048576");
    let signer = config.fingerprint.signer();
    let settings = config.settings(false);
    // These items are screened for copies only; no timeline dates them.
    let timeline = copydesk_core::date::Timeline::default();
    let undated = copydesk_core::date::Context { timeline: &timeline, as_of: None, max_age_days: 30 };
    let templates = Templates::default();
    let (mut generate_s, mut fingerprint_s, mut store_s) = (0.0, 0.0, 0.0);
    let start = Instant::now();
    let chunks = documents.div_ceil(CHUNK);
    let mut total = 0;
    for chunk in 0..chunks {
        let size = CHUNK.min(documents - chunk * CHUNK);
        let t = Instant::now();
        let corpus = synth::generate(&CorpusSpec {
            documents: size,
            seed: 1000 + chunk as u64,
            facts: true,
            ..CorpusSpec::default()
        });
        generate_s += t.elapsed().as_secs_f64();

        let t = Instant::now();
        let analyzed: Vec<Analyzed> = corpus
            .into_par_iter()
            .map(|d| {
                let item = Item {
                    id: format!("c{chunk:02}-{}", d.id),
                    source: Some(d.source),
                    title: Some(d.title),
                    published: copydesk_core::util::parse_timestamp(&d.published),
                    text: d.text,
                    ..Item::default()
                };
                copydesk_core::analysis::analyze(item, &templates, settings.analysis(), signer.as_ref(), &undated)
            })
            .collect();
        fingerprint_s += t.elapsed().as_secs_f64();

        let t = Instant::now();
        let published: Vec<Option<String>> =
            analyzed.iter().map(|a| a.item.published.map(|p| p.to_rfc3339())).collect();
        let items: Vec<ArchivedItem<'_>> = analyzed
            .iter()
            .zip(&published)
            .map(|(a, published)| ArchivedItem {
                id: &a.item.id,
                source: a.item.source.as_deref(),
                url: a.item.url.as_deref(),
                title: a.item.title.as_deref(),
                published: published.as_deref(),
                fingerprint: &a.fingerprint,
                profile: Some(&a.profile),
                facts: None,
            })
            .collect();
        total += archive.append(&items, Utc::now(), &config.story).expect("append");
        store_s += t.elapsed().as_secs_f64();
        if chunks > 1 {
            println!(
                "  {:>9} stored · {:.0} s · {:.0} items/s overall",
                total,
                start.elapsed().as_secs_f64(),
                total as f64 / start.elapsed().as_secs_f64()
            );
        }
    }
    let all = start.elapsed().as_secs_f64();
    println!(
        "build: {total} items in {all:.1} s · generate {generate_s:.1} s · fingerprint {fingerprint_s:.1} s ({:.0} items/s) · \
         store {store_s:.1} s ({:.0} items/s) · ingest rate (fingerprint + store) {:.0} items/s · peak {:.0} MB",
        total as f64 / fingerprint_s,
        total as f64 / store_s,
        total as f64 / (fingerprint_s + store_s),
        peak_memory_mb()
    );
}

/// Writes the 1,000 new documents: 500 light edits of archived documents (each with the
/// id of its original) and 500 never seen.
fn new_items(folder: &Path, documents: usize) -> (PathBuf, Vec<(String, String)>) {
    let mut rng = Rng::new(77);
    let chunks = documents.div_ceil(CHUNK);
    let mut lines = Vec::with_capacity(NEW);
    let mut planted = Vec::new();
    // Originals from a few chunks spread over the archive.
    let picks: Vec<usize> = (0..4).map(|i| i * chunks / 4).collect::<HashSet<_>>().into_iter().collect();
    let per_chunk = (NEW / 2).div_ceil(picks.len());
    for &chunk in &picks {
        let size = CHUNK.min(documents - chunk * CHUNK);
        let corpus = synth::generate(&CorpusSpec {
            documents: size,
            seed: 1000 + chunk as u64,
            facts: true,
            ..CorpusSpec::default()
        });
        let mut taken = 0;
        while taken < per_chunk && planted.len() < NEW / 2 {
            let original = &corpus[rng.below(corpus.len())];
            if original.copy_of.is_some() {
                continue;
            }
            taken += 1;
            let text = edit(&original.text, 0.02, &mut rng);
            let id = format!("copy-{:04}", planted.len());
            let source = format!("copier-{:02}", rng.below(20));
            lines.push(
                serde_json::json!({"id": id, "source": source, "title": original.title, "text": text}).to_string(),
            );
            planted.push((id, format!("c{chunk:02}-{}", original.id)));
        }
    }
    let fresh = synth::generate(&CorpusSpec {
        documents: NEW - planted.len(),
        seed: 99_999,
        near_duplicate_share: 0.0,
        facts: true,
    });
    for d in fresh {
        lines
            .push(serde_json::json!({"id": format!("fresh-{}", d.id), "source": d.source, "text": d.text}).to_string());
    }
    let path = folder.join("new.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").expect("write new items");
    println!(
        "new items: {} planted near-duplicates of archived items, {} never seen",
        planted.len(),
        NEW - planted.len()
    );
    (path, planted)
}

/// Replaces a share of the words with new ones, as a light edit does.
fn edit(text: &str, rate: f64, rng: &mut Rng) -> String {
    text.split('\n')
        .map(|line| {
            line.split(' ')
                .map(|w| {
                    if !w.is_empty() && rng.unit() < rate {
                        format!("edited{}", rng.below(1000))
                    } else {
                        w.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn check_process(archive: &Path, new: &Path, planted: &[(String, String)]) {
    let out = new.with_extension("report.json");
    let mut command = Command::new(env!("CARGO_BIN_EXE_copydesk"));
    command
        .args(["check", "--quiet", "--no-config", "--format", "json", "-o"])
        .arg(&out)
        .arg(new)
        .arg("--archive")
        .arg(archive);
    let (status, seconds, peak) = run_measured(&mut command);
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).expect("report")).expect("JSON");
    let mut found: HashSet<(String, String)> = HashSet::new();
    for item in report["items"].as_array().into_iter().flatten() {
        for relation in item["relations"].as_array().into_iter().flatten() {
            if relation["archived"] == true {
                found.insert((
                    item["id"].as_str().unwrap_or_default().to_string(),
                    relation["other"].as_str().unwrap_or_default().to_string(),
                ));
            }
        }
    }
    let hit = planted.iter().filter(|p| found.contains(&(p.0.clone(), p.1.clone()))).count();
    let fresh_matched = found.iter().filter(|f| f.0.starts_with("fresh-")).count();
    println!(
        "`copydesk check` of {NEW} new items against the archive: {seconds:.2} s · peak RSS {peak:.0} MB · exit {} · \
         planted copies found {hit} of {} · relations of never-seen items to the archive {fresh_matched} · lookups {}",
        status.code().unwrap_or(-1),
        planted.len(),
        report["archive"]["lookups"]
    );
}

fn screen_in_process(path: &Path, new: &Path, config: &Config) {
    let options = pipeline::CheckOptions { settings: config.settings(false), ..Default::default() };
    let inputs = copydesk_ingest::discover(&[new.display().to_string()], &Default::default()).expect("inputs");
    let analyzed = pipeline::analyze_inputs(&inputs, &options).expect("analyze").analyzed;
    let start = Instant::now();
    let mut archive = Archive::open(path, Mode::Existing, options.settings.open_archive()).expect("open");
    let opened = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let screening = archive.screen(&analyzed, &config.relate, &config.story).expect("screen");
    let seconds = start.elapsed().as_secs_f64();
    let matched = screening.items.iter().filter(|s| !s.matches.is_empty()).count();
    println!(
        "screening alone (in process): open {:.3} s · screen {seconds:.3} s · {:.0} items/s · {:.0} µs per item · \
         {matched} items with archived matches · {:?}",
        opened,
        analyzed.len() as f64 / seconds,
        seconds * 1e6 / analyzed.len() as f64,
        screening.stats
    );
}

fn ingest_process(archive: &Path, new: &Path) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_copydesk"));
    command
        .args(["ingest", "--quiet", "--no-config", "--format", "json", "-o", "/dev/null"])
        .arg(new)
        .arg("--archive")
        .arg(archive);
    let (status, seconds, peak) = run_measured(&mut command);
    println!(
        "`copydesk ingest` of {NEW} new items into the archive: {seconds:.2} s · {:.0} items/s · peak RSS {peak:.0} MB · exit {}",
        NEW as f64 / seconds,
        status.code().unwrap_or(-1)
    );
}

fn table_sizes(path: &Path) {
    let Ok(conn) = rusqlite::Connection::open(path) else { return };
    let query = "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC";
    let Ok(mut statement) = conn.prepare(query) else { return };
    let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?)));
    if let Ok(rows) = rows {
        let sizes: Vec<String> =
            rows.flatten().map(|(name, bytes)| format!("{name} {:.1} MB", bytes as f64 / 1e6)).collect();
        println!("  by table and index: {}", sizes.join(" · "));
    }
}

fn file_size(path: &Path) -> u64 {
    ["", "-wal"].iter().filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok()).map(|m| m.len()).sum()
}

/// Resets this process's peak resident memory (Linux `clear_refs`).
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// This process's peak resident memory since the last reset, in MB.
fn peak_memory_mb() -> f64 {
    common::high_water_mark_mb(&std::fs::read_to_string("/proc/self/status").unwrap_or_default())
}

/// Runs a command to its end and says how it exited, how long it took and its peak
/// resident memory in MB, read from `/proc` while it runs (the rusage of children would
/// count this process's own memory, shared with the child until it starts the binary).
/// The archive's pages mapped into memory count in the resident memory.
fn run_measured(command: &mut Command) -> (std::process::ExitStatus, f64, f64) {
    let start = Instant::now();
    let child = command.spawn().expect("start copydesk");
    let (status, peak) = common::wait_with_peak_memory(child);
    (status, start.elapsed().as_secs_f64(), peak)
}
