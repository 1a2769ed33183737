//! The pipeline of `copydesk check`: two streaming passes over the inputs, then the
//! collection-wide stages.
//!
//! 1. The first pass reads every item and counts its lines across the collection, to
//!    find site templates; it also finds the problems with the inputs and gives every
//!    item its unique id.
//! 2. The second pass reads the items again and, on every core, normalizes and
//!    fingerprints each one and builds its content profile; the full text is dropped as
//!    soon as that is done, so memory grows with the number of items, not with their text.
//!    The date stage reads each item's text for the evidence of when it was written in
//!    the same step, and keeps only that evidence.
//! 3. Relate, then the report.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::analysis::{self, AnalysisSettings, CollectionDate};
use crate::config::Config;
use crate::date;
use crate::fingerprint::Signer;
use crate::ingest::{self, IngestOptions, Inputs, Reader, Unit};
use crate::model::Problem;
use crate::normalize::{self, TemplateCounter, Templates};
use crate::relate::Related;
use crate::report::{self, Report};
use crate::verdict::{self, Verdicts};
use crate::{Error, Result};

pub use crate::analysis::Analyzed;

/// Units handed to the worker threads at a time.
const BATCH: usize = 512;

/// What `copydesk check` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Files, folders, or `-` for JSON Lines on standard input.
    pub inputs: Vec<String>,
    pub config: Config,
    pub allow_outside_paths: bool,
    /// The collection's date; by default the newest published date in it. Items with
    /// neither a published nor a fetched date are framed on it.
    pub as_of: Option<NaiveDate>,
    /// Show progress on standard error (when it is a terminal).
    pub progress: bool,
}

/// Time spent in each stage, for the benchmark.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub templates: Duration,
    pub analyze: Duration,
    pub relate: Duration,
    pub report: Duration,
}

/// Runs the whole check and returns the report.
pub fn check(options: &CheckOptions) -> Result<Report> {
    check_timed(options).map(|(report, _)| report)
}

/// Runs the whole check and says how long each stage took.
pub fn check_timed(options: &CheckOptions) -> Result<(Report, Timings)> {
    let ingest_options = ingest_options(options);
    let inputs = ingest::discover(&options.inputs, &ingest_options).map_err(Error::Inputs)?;
    let analysis = analyze_inputs(&inputs, options)?;
    let mut timings = analysis.timings;

    let start = Instant::now();
    let related = relate(&analysis.analyzed, &options.config);
    timings.relate = start.elapsed();

    let start = Instant::now();
    let verdicts = judge(&analysis.analyzed, &related, None, &options.config);
    let report = report::build(report::Input {
        analyzed: &analysis.analyzed,
        verdicts,
        problems: analysis.problems,
        files: inputs.files.len(),
        as_of: analysis.as_of,
        candidates: related.stats,
        configuration: options.config.shown(),
        archive: None,
    });
    timings.report = start.elapsed();
    Ok((report, timings))
}

/// What the per-item stages make of a set of inputs.
#[derive(Debug)]
pub struct Analysis {
    pub analyzed: Vec<Analyzed>,
    /// Problems with the inputs, found on the way.
    pub problems: Vec<Problem>,
    /// The collection's date: `--as-of`, else the newest published date.
    pub as_of: Option<NaiveDate>,
    /// Time of the two passes (`templates` and `analyze`).
    pub timings: Timings,
}

/// The ingest stage's own settings, out of what `check` is asked to do.
pub fn ingest_options(options: &CheckOptions) -> IngestOptions {
    IngestOptions {
        allow_outside_paths: options.allow_outside_paths,
        max_item_bytes: options.config.ingest.max_item_bytes,
        max_stdin_bytes: options.config.ingest.max_stdin_bytes,
    }
}

/// Reads and analyzes inputs that are already discovered: both passes over them, every
/// item normalized, fingerprinted and dated. `copydesk check` and the archive's runs
/// both start here, then relate the items (to each other, and to history).
pub fn analyze_inputs(inputs: &Inputs, options: &CheckOptions) -> Result<Analysis> {
    let ingest_options = ingest_options(options);
    let timeline = options.config.date.timeline()?;
    let mut timings = Timings::default();
    let progress = progress_bar(options.progress);

    let start = Instant::now();
    progress.set_message("reading (1/2)");
    let first = first_pass(inputs, &ingest_options, &progress);
    timings.templates = start.elapsed();

    let start = Instant::now();
    // The first pass counted the items: the second shows how far it is, and when it ends.
    progress.set_message("analysing (2/2)");
    progress.set_length(first.ids.len() as u64);
    progress.set_style(bar_style());
    progress.set_position(0);
    let as_of = options.as_of.or(first.collection_date.date);
    let dating = date::Context { timeline: &timeline, as_of, max_age_days: options.config.date.max_age_days };
    let analyzed = second_pass(inputs, &ingest_options, &first, options, &dating, &progress);
    timings.analyze = start.elapsed();
    finish(&progress, analyzed.len(), timings.templates + timings.analyze);
    let mut problems = first.problems;
    if options.as_of.is_none() {
        problems.extend(first.collection_date.set_aside_problem());
    }
    Ok(Analysis { analyzed, problems, as_of, timings })
}

/// What copydesk reads from the inputs, item by item (`copydesk extract`): the same two
/// passes as a check — the first for site templates, the second normalizing each item —
/// without the analysis.
pub fn extract(options: &CheckOptions) -> Result<crate::extract::Extraction> {
    extract_where(options, |_| true)
}

/// [`extract`], keeping only the items whose id `keep` accepts: every item is read and
/// normalized as in a check (the site templates need them all), but only those are held.
pub fn extract_where(options: &CheckOptions, keep: impl Fn(&str) -> bool) -> Result<crate::extract::Extraction> {
    let ingest_options = ingest_options(options);
    let inputs = ingest::discover(&options.inputs, &ingest_options).map_err(Error::Inputs)?;
    let progress = progress_bar(options.progress);
    let first = first_pass(&inputs, &ingest_options, &progress);
    let normalize_options = &options.config.normalize;
    let mut items = Vec::new();
    let mut seq = 0;
    for_each_batch(
        &inputs,
        &ingest_options,
        |unit| {
            let parsed = ingest::parse(unit, &inputs, &ingest_options);
            let extracted: Vec<crate::extract::Extracted> = parsed
                .items
                .iter()
                .map(|item| {
                    let normalized = normalize::normalize(item, &first.templates, normalize_options);
                    crate::extract::Extracted::new(item, &normalized.kept_lines, normalized.removed)
                })
                .collect();
            extracted
        },
        |results| {
            for mut one in results.into_iter().flatten() {
                if let Some(id) = first.ids.get(seq) {
                    one.id = id.clone();
                }
                seq += 1;
                if keep(&one.id) {
                    items.push(one);
                }
            }
        },
    );
    progress.finish_and_clear();
    let version = crate::extract::EXTRACT_VERSION;
    Ok(crate::extract::Extraction { version, items, problems: first.problems })
}

/// Progress on standard error: a spinner while the items are counted (the first pass),
/// then a bar with the total, the share done, the rate and the time left.
fn progress_bar(show: bool) -> ProgressBar {
    let target = if show { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
    let bar = ProgressBar::with_draw_target(None, target);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg}: {human_pos} items · {rate} · {elapsed}")
            .map(with_rate)
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template(
        "{msg} [{bar:30}] {human_pos}/{human_len} items ({percent}%) · {rate} · {elapsed} · about {eta} left",
    )
    .map(|style| with_rate(style).progress_chars("=> "))
    .unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// Items per second as a whole number.
fn with_rate(style: ProgressStyle) -> ProgressStyle {
    style.with_key("rate", |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
        let _ = write!(w, "{:.0} items/s", state.per_sec());
    })
}

/// Clears the progress display and, where it was shown, leaves one line saying how many
/// items took how long.
fn finish(progress: &ProgressBar, items: usize, elapsed: Duration) {
    let shown = !progress.is_hidden();
    progress.finish_and_clear();
    if shown {
        let seconds = elapsed.as_secs_f64();
        let rate = if seconds > 0.0 { items as f64 / seconds } else { 0.0 };
        eprintln!(
            "copydesk: {} items read and analysed in {seconds:.1} s ({rate:.0} items/s)",
            crate::report::thousands(items)
        );
    }
}

/// What the first pass learns.
struct FirstPass {
    templates: Templates,
    /// The unique id of every item, in reading order.
    ids: Vec<String>,
    problems: Vec<Problem>,
    /// The collection's date, from its items' published dates.
    collection_date: CollectionDate,
}

/// Cuts the inputs into batches of units and hands each batch to `work` on all cores,
/// keeping the reading order.
fn for_each_batch<T: Send>(
    inputs: &Inputs,
    options: &IngestOptions,
    work: impl Fn(Unit) -> T + Sync,
    mut collect: impl FnMut(Vec<T>),
) {
    let mut reader = Reader::new(inputs, options);
    loop {
        let batch: Vec<Unit> = reader.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            break;
        }
        collect(batch.into_par_iter().map(&work).collect());
    }
}

fn first_pass(inputs: &Inputs, options: &IngestOptions, progress: &ProgressBar) -> FirstPass {
    let mut counter = TemplateCounter::default();
    let mut ids = Vec::new();
    let mut problems = Vec::new();
    let mut taken: HashMap<String, usize> = HashMap::new();
    let mut published: Vec<NaiveDate> = Vec::new();
    for_each_batch(
        inputs,
        options,
        |unit| {
            let parsed = ingest::parse_keeping(unit, inputs, options);
            let mut counter = TemplateCounter::default();
            let mut ids = Vec::with_capacity(parsed.items.len());
            let dates: Vec<NaiveDate> =
                parsed.items.iter().filter_map(|item| item.published).map(|p| p.date_naive()).collect();
            for item in &parsed.items {
                counter.add(item.source.as_deref(), normalize::keyed_lines(&item.text).map(|line| line.3));
                ids.push((item.id.clone(), item.location.clone()));
            }
            (counter, ids, parsed.problems, dates)
        },
        |results| {
            for (batch_counter, batch_ids, batch_problems, batch_dates) in results {
                published.extend(batch_dates);
                counter = std::mem::take(&mut counter).merge(batch_counter);
                progress.inc(batch_ids.len() as u64);
                for (id, location) in batch_ids {
                    let seen = taken.entry(id.clone()).or_default();
                    *seen += 1;
                    if *seen == 1 {
                        ids.push(id);
                    } else {
                        let unique = format!("{id}#{seen}");
                        let place = location.map(|l| (l.path, l.line)).unwrap_or_default();
                        problems.push(Problem::warning(
                            place.0,
                            place.1,
                            format!("id {id:?} is used twice; this item is reported as {unique:?}"),
                        ));
                        ids.push(unique);
                    }
                }
                problems.extend(batch_problems);
            }
        },
    );
    let collection_date = CollectionDate::of(published, chrono::Utc::now().date_naive());
    FirstPass { templates: counter.finish(), ids, problems, collection_date }
}

fn second_pass(
    inputs: &Inputs,
    options: &IngestOptions,
    first: &FirstPass,
    check: &CheckOptions,
    dating: &date::Context<'_>,
    progress: &ProgressBar,
) -> Vec<Analyzed> {
    let config = &check.config;
    let signer: Box<dyn Signer> = config.fingerprint.signer();
    let settings = analysis_settings(config);
    let mut analyzed: Vec<Analyzed> = Vec::with_capacity(first.ids.len());
    for_each_batch(
        inputs,
        options,
        |unit| {
            let parsed = ingest::parse(unit, inputs, options);
            parsed
                .items
                .into_iter()
                .map(|item| analysis::analyze(item, &first.templates, settings, signer.as_ref(), dating))
                .collect::<Vec<_>>()
        },
        |results| {
            for mut batch in results {
                for mut one in batch.drain(..) {
                    let seq = analyzed.len();
                    // Both passes read the same items in the same order.
                    if let Some(id) = first.ids.get(seq) {
                        one.item.id = id.clone();
                    }
                    one.seq = seq;
                    analyzed.push(one);
                    progress.inc(1);
                }
            }
        },
    );
    analyzed
}

/// The per-item stages' own settings, out of the configuration.
pub fn analysis_settings(config: &Config) -> AnalysisSettings<'_> {
    AnalysisSettings {
        normalize: &config.normalize,
        fingerprint: &config.fingerprint,
        story: &config.story,
        score: &config.score,
    }
}

/// Relations and clusters of a set of analyzed items (for callers that hold them).
pub fn relate(analyzed: &[Analyzed], config: &Config) -> Related {
    analysis::relate(analyzed, &config.relate, &config.story)
}

/// Every verdict about a run's analyzed items, related, with what an archive says of them.
pub fn judge(
    analyzed: &[Analyzed],
    related: &Related,
    history: Option<verdict::History<'_>>,
    config: &Config,
) -> Verdicts {
    verdict::judge(verdict::Judging { analyzed, related, history, settings: config.judge_settings() })
}
