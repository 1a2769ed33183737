//! The heap a check holds per item at each stage, and what each part of an analyzed item
//! costs: the figures behind the memory section of the README.
//!
//! ```text
//! cargo run --release --example heap-per-item -- corpus.jsonl
//! ```
//!
//! Every allocation is counted (bytes asked for, not pages touched), so the figures leave
//! out the allocator's own overhead and fragmentation, which peak resident memory shows.

use std::alloc::{GlobalAlloc, Layout, System};
use std::mem::size_of;
use std::sync::atomic::{AtomicIsize, Ordering};

use copydesk_core::analysis::Analyzed;
use copydesk_core::verdict::Verdicts;
use copydesk_engine::{self as pipeline, CheckOptions};

/// The system allocator, counting the bytes live and their peak.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

fn count(change: isize) {
    let now = LIVE.fetch_add(change, Ordering::Relaxed) + change;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as isize - layout.size() as isize);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Measures one stage: the bytes it leaves held and its peak above where it started.
struct Stage {
    start: isize,
}

impl Stage {
    fn start() -> Stage {
        let start = LIVE.load(Ordering::Relaxed);
        PEAK.store(start, Ordering::Relaxed);
        Stage { start }
    }

    /// Prints the stage's figures per item of `items`.
    fn end(self, name: &str, items: usize) {
        let (live, peak) = (LIVE.load(Ordering::Relaxed), PEAK.load(Ordering::Relaxed));
        let per_item = |bytes: isize| bytes / items.max(1) as isize;
        println!(
            "{name:<28} {:>7} B/item held {:>7} B/item at peak",
            per_item(live - self.start),
            per_item(peak - self.start)
        );
    }

    /// Prints what the stage freed per item of `items`.
    fn freed(self, name: &str, items: usize) {
        let live = LIVE.load(Ordering::Relaxed);
        println!("  {name:<26} {:>7} B/item", (self.start - live) / items.max(1) as isize);
    }
}

fn main() -> anyhow::Result<()> {
    let inputs: Vec<String> = std::env::args().skip(1).collect();
    anyhow::ensure!(!inputs.is_empty(), "usage: heap-per-item PATH...");
    let options = CheckOptions { inputs, ..CheckOptions::default() };
    let inputs = copydesk_ingest::discover(&options.inputs, &options.settings.ingest)?;

    let stage = Stage::start();
    let mut analysis = pipeline::analyze_inputs_spilling(&inputs, &options)?;
    let n = analysis.analyzed.len();
    println!("{n} items; an analyzed item is {} bytes inline:", size_of::<Analyzed>());
    inline_sizes();
    stage.end("analysis (kept)", n);
    let parts = analysis.analyzed.clone();

    let stage = Stage::start();
    let rank = copydesk_core::analysis::origin_rank(&analysis.analyzed);
    let prints: Vec<_> = analysis.analyzed.iter().map(|a| &a.fingerprint).collect();
    let copies = copydesk_core::relate::relate(&prints, &rank, &options.settings.relate);
    drop(prints);
    stage.end("relate: copies", n);
    let stage = Stage::start();
    let prints: Vec<_> = analysis.analyzed.iter().map(|a| &a.fingerprint).collect();
    let mut text =
        |pairs: &[(usize, usize)]| copydesk_core::relate::text_evidence(&prints, pairs, &options.settings.relate);
    let related =
        copydesk_core::analysis::relate_stories(&analysis.analyzed, copies, &rank, &options.settings.story, &mut text)?;
    stage.end("relate: stories", n);

    let stage = Stage::start();
    analysis.analyzed.iter_mut().for_each(Analyzed::drop_index);
    stage.end("index dropped", n);

    let stage = Stage::start();
    let verdicts = pipeline::judge(&analysis.analyzed, &related, None, &options.settings);
    stage.end("judge", n);
    verdict_parts(verdicts.clone(), n);

    let stage = Stage::start();
    let report = copydesk_report::build(copydesk_report::Input {
        analyzed: std::mem::take(&mut analysis.analyzed),
        verdicts,
        problems: Vec::new(),
        files: inputs.files.len(),
        as_of: analysis.as_of,
        candidates: related.stats,
        configuration: Default::default(),
        archive: None,
    });
    stage.end("report (items taken in)", n);
    drop(report);

    analyzed_parts(parts, n);
    Ok(())
}

/// The inline size of each part of an analyzed item.
fn inline_sizes() {
    use copydesk_core::{date, fingerprint, model, normalize, profile, score};
    let parts = [
        ("metadata", size_of::<model::Item>()),
        ("removed lines", size_of::<Vec<normalize::RemovedLine>>()),
        ("fingerprint", size_of::<fingerprint::Fingerprint>()),
        ("content profile", size_of::<profile::Profile>()),
        ("attribution", size_of::<profile::Attribution>()),
        ("date evidence", size_of::<date::Assessment>()),
        ("signals", size_of::<score::signals::ItemSignals>()),
    ];
    for (name, size) in parts {
        println!("  {name:<26} {size:>7} B inline");
    }
}

/// What each part of the analyzed items holds on the heap, measured by dropping it.
fn analyzed_parts(mut items: Vec<Analyzed>, n: usize) {
    println!("an analyzed item's parts:");
    let mut part = |name: &str, clear: fn(&mut Analyzed)| {
        let stage = Stage::start();
        items.iter_mut().for_each(clear);
        stage.freed(name, n);
    };
    part("MinHash signature", |a| a.fingerprint.signature = Box::default());
    part("paragraph hashes", |a| a.fingerprint.paragraphs = Vec::new());
    part("content profile", |a| a.profile = Default::default());
    part("removed lines", |a| a.removed = Vec::new());
    part("signals", |a| a.signals = Default::default());
    part("attribution", |a| a.attribution = Default::default());
    part("date evidence", |a| a.date = Default::default());
    part("metadata", |a| a.item = Default::default());
    let stage = Stage::start();
    drop(items);
    stage.freed("the items themselves", n);
}

/// What each part of the verdicts holds on the heap, measured by dropping it.
fn verdict_parts(mut verdicts: Verdicts, n: usize) {
    println!("the verdicts' parts:");
    let mut part = |name: &str, clear: fn(&mut Verdicts)| {
        let stage = Stage::start();
        clear(&mut verdicts);
        stage.freed(name, n);
    };
    part("findings", |v| v.findings = Vec::new());
    part("score facts", |v| v.facts = Vec::new());
    part("source scores", |v| v.sources = Vec::new());
    part("clusters", |v| v.clusters = Vec::new());
    part("per-item verdicts", |v| v.items = Vec::new());
}
