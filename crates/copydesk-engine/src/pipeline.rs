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
//!    The sentences of each profile, read only for the pairs the story stage measures,
//!    are set aside in an unnamed temporary file as the items are collected
//!    ([`SetAside`]).
//! 3. Relate, then the report.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rayon::prelude::*;

use copydesk_core::analysis::{self, AnalysisSettings, Analyzed, CollectionDate};
use copydesk_core::fingerprint::Signer;
use copydesk_core::model::{Location, Problem};
use copydesk_core::normalize::{self, TemplateCounter, Templates};
use copydesk_core::profile::{Profile, Spill};
use copydesk_core::relate::Related;
use copydesk_core::verdict::{self, Verdicts};
use copydesk_core::{date, language};
use copydesk_ingest::{self as ingest, IngestOptions, Inputs, Reader, Unit};
use copydesk_report::extract::{Extracted, Extraction, EXTRACT_VERSION};
use copydesk_report::{self as report, Report};

use crate::{Error, Progress, Result, Settings, Silent};

/// Units handed to the worker threads at a time.
const BATCH: usize = 512;

/// What `copydesk check` is asked to do.
#[derive(Clone)]
pub struct CheckOptions {
    /// Files, folders, or `-` for JSON Lines on standard input.
    pub inputs: Vec<String>,
    pub settings: Settings,
    /// The collection's date; by default the newest published date in it. Items with
    /// neither a published nor a fetched date are framed on it.
    pub as_of: Option<NaiveDate>,
    /// Told how far the run is.
    pub progress: Arc<dyn Progress + Send>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions { inputs: Vec::new(), settings: Settings::default(), as_of: None, progress: Arc::new(Silent) }
    }
}

impl std::fmt::Debug for CheckOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckOptions")
            .field("inputs", &self.inputs)
            .field("settings", &self.settings)
            .field("as_of", &self.as_of)
            .finish_non_exhaustive()
    }
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
    let analysis = analyze_inputs_spilling(&inputs, options)?;
    let mut timings = analysis.timings;

    let report = report_of(analysis, inputs.files.len(), &options.settings, &mut timings)?;
    Ok((report, timings))
}

/// The collection stages after the per-item ones: relate, judge, build the report. Every
/// driver ends here, on one machine or many.
pub fn report_of(analysis: Analysis, files: usize, settings: &Settings, timings: &mut Timings) -> Result<Report> {
    let start = Instant::now();
    let related = relate(&analysis.analyzed, settings)?;
    timings.relate = start.elapsed();
    Ok(report_of_related(analysis, related, files, settings, timings))
}

/// The collection stages after relate, for a driver that related the items itself: judge,
/// build the report.
pub fn report_of_related(
    analysis: Analysis,
    related: Related,
    files: usize,
    settings: &Settings,
    timings: &mut Timings,
) -> Report {
    let start = Instant::now();
    let mut analyzed = analysis.analyzed;
    // The index served relate; what is judged and reported is the rest.
    analyzed.iter_mut().for_each(Analyzed::drop_index);
    let verdicts = judge(&analyzed, &related, None, settings);
    let report = report::build(report::Input {
        analyzed,
        verdicts,
        problems: analysis.problems,
        files,
        as_of: analysis.as_of,
        candidates: related.stats,
        configuration: settings.configuration.clone(),
        archive: None,
    });
    timings.report = start.elapsed();
    report
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
    options.settings.ingest.clone()
}

/// Reads and analyzes inputs that are already discovered: both passes over them, every
/// item normalized, fingerprinted and dated. The archive's runs start here, and
/// `copydesk check` through [`analyze_inputs_spilling`]; then they relate the items (to
/// each other, and to history).
pub fn analyze_inputs(inputs: &Inputs, options: &CheckOptions) -> Result<Analysis> {
    analyze(inputs, options, None)
}

/// [`analyze_inputs`], setting the sentences of the items' profiles aside as the items are
/// collected ([`SetAside`]): for a driver that relates a whole collection held in memory.
pub fn analyze_inputs_spilling(inputs: &Inputs, options: &CheckOptions) -> Result<Analysis> {
    let mut aside = SetAside::default();
    let mut analysis = analyze(inputs, options, Some(&mut aside))?;
    analysis.problems.extend(aside.warning());
    Ok(analysis)
}

/// Sets the sentences of content profiles aside ([`Spill`]) in an unnamed temporary file
/// (in the system's temporary folder, `TMPDIR`), opened when the first are put. Where no
/// temporary file can be made or written, they stay in memory, and a warning says why.
#[derive(Debug, Default)]
pub struct SetAside {
    spill: Option<Spill>,
    failed: Option<std::io::Error>,
}

impl SetAside {
    /// Sets the sentences of `profiles` aside, in one write.
    pub fn put<'a>(&mut self, profiles: impl IntoIterator<Item = &'a mut Profile>) {
        if self.failed.is_some() {
            return;
        }
        let spill = match self.spill.as_mut() {
            Some(spill) => spill,
            None => match tempfile::tempfile() {
                Ok(file) => self.spill.insert(Spill::new(file)),
                Err(error) => return self.failed = Some(error),
            },
        };
        // After a failed write, the rest stay in memory too.
        if let Err(error) = spill.put(profiles) {
            self.spill = None;
            self.failed = Some(error);
        }
    }

    /// The warning that sentences stay in memory, when they do.
    pub fn warning(&self) -> Option<Problem> {
        let error = self.failed.as_ref()?;
        let message = format!(
            "the sentences of the items are kept in memory, as they cannot be set aside in a temporary file: {error}"
        );
        Some(Problem::warning("(temporary file)", None, message))
    }
}

fn analyze(inputs: &Inputs, options: &CheckOptions, aside: Option<&mut SetAside>) -> Result<Analysis> {
    let ingest_options = ingest_options(options);
    // A timeline file that cannot be read stops the run before any input is read; the
    // timeline is then compiled while the first pass reads.
    let timeline = options.settings.date.timeline_files()?;
    let mut timings = Timings::default();
    let progress = options.progress.as_ref();

    let start = Instant::now();
    progress.phase("reading (1/2)", None);
    let (timeline, first) = std::thread::scope(|scope| {
        let compiling = scope.spawn(|| timeline.compile());
        let first = first_pass(inputs, &ingest_options, progress);
        (compiling.join(), first)
    });
    let timeline = timeline.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    timings.templates = start.elapsed();

    let start = Instant::now();
    // The first pass counted the items: the second shows how far it is, and when it ends.
    progress.phase("analysing (2/2)", Some(first.ids.len() as u64));
    let as_of = collection_as_of(options, &first.collection_date);
    let dating = date::Context { timeline: &timeline, as_of, max_age_days: options.settings.date.max_age_days };
    let analyzed = second_pass(inputs, &ingest_options, &first, options, &dating, aside, progress);
    timings.analyze = start.elapsed();
    progress.finish(analyzed.len(), timings.templates + timings.analyze);
    let mut problems = first.problems;
    if options.as_of.is_none() {
        problems.extend(first.collection_date.set_aside_problem());
    }
    Ok(Analysis { analyzed, problems, as_of, timings })
}

/// The date a collection is checked as of: `--as-of` when given, else the one its
/// published dates give.
pub fn collection_as_of(options: &CheckOptions, collection: &CollectionDate) -> Option<NaiveDate> {
    options.as_of.or(collection.date)
}

/// What copydesk reads from the inputs, item by item (`copydesk extract`): the same two
/// passes as a check — the first for site templates, the second normalizing each item —
/// without the analysis.
pub fn extract(options: &CheckOptions) -> Result<Extraction> {
    extract_where(options, |_| true)
}

/// [`extract`], keeping only the items whose id `keep` accepts: every item is read and
/// normalized as in a check (the site templates need them all), but only those are held.
pub fn extract_where(options: &CheckOptions, keep: impl Fn(&str) -> bool + Sync) -> Result<Extraction> {
    let ingest_options = ingest_options(options);
    let inputs = ingest::discover(&options.inputs, &ingest_options).map_err(Error::Inputs)?;
    let progress = options.progress.as_ref();
    progress.phase("reading", None);
    let first = first_pass(&inputs, &ingest_options, progress);
    let normalize_options = &options.settings.normalize;
    let mut items = Vec::new();
    let mut seq = 0;
    for_each_batch(
        &inputs,
        &ingest_options,
        |unit| {
            let parsed = ingest::parse(unit, &inputs, &ingest_options);
            let extracted: Vec<Extracted> = parsed
                .items
                .into_iter()
                .map(|mut item| {
                    language::settle(&mut item);
                    let normalized = normalize::normalize(&item, &first.templates, normalize_options);
                    Extracted::new(&item, &normalized.kept_lines, normalized.removed)
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
    progress.done();
    Ok(Extraction { version: EXTRACT_VERSION, items, problems: first.problems })
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
/// then to `collect`, in reading order. No core waits on one thread's part: a reader
/// thread reads the next batch while a batch is worked on, and the results of one batch
/// are collected while the next is worked on.
fn for_each_batch<T: Send>(
    inputs: &Inputs,
    options: &IngestOptions,
    work: impl Fn(Unit) -> T + Sync,
    mut collect: impl FnMut(Vec<T>) + Send,
) {
    std::thread::scope(|scope| {
        // One batch read ahead: the reader keeps pace, and holds no more.
        let (sender, batches) = std::sync::mpsc::sync_channel::<Vec<Unit>>(1);
        scope.spawn(move || {
            let mut reader = Reader::new(inputs, options);
            loop {
                let batch: Vec<Unit> = reader.by_ref().take(BATCH).collect();
                if batch.is_empty() || sender.send(batch).is_err() {
                    break;
                }
            }
        });
        let mut worked: Option<Vec<T>> = None;
        for batch in batches {
            let earlier = worked.take();
            let (results, ()) =
                rayon::join(|| batch.into_par_iter().map(&work).collect(), || earlier.map_or((), &mut collect));
            worked = Some(results);
        }
        if let Some(results) = worked {
            collect(results);
        }
    });
}

fn first_pass(inputs: &Inputs, options: &IngestOptions, progress: &dyn Progress) -> FirstPass {
    let mut counter = TemplateCounter::default();
    let mut roll = Roll::default();
    for_each_batch(
        inputs,
        options,
        |unit| count_unit(unit, inputs, options),
        |results| {
            for unit in results {
                counter = std::mem::take(&mut counter).merge(unit.counter);
                progress.advance(unit.ids.len() as u64);
                roll.add(unit.ids, unit.problems, unit.dates);
            }
        },
    );
    let collection_date = roll.collection_date();
    FirstPass { templates: counter.finish(), ids: roll.ids, problems: roll.problems, collection_date }
}

/// What the first pass reads of one unit (a file, or a JSON Lines row): the counts of its
/// items' lines for the site templates, their ids and places, its problems, and its items'
/// published days.
#[derive(Debug, Default)]
pub struct UnitCount {
    pub counter: TemplateCounter,
    pub ids: Vec<(String, Option<Location>)>,
    pub problems: Vec<Problem>,
    pub dates: Vec<NaiveDate>,
}

/// The first pass over one unit; a page read here is kept for the second pass.
pub fn count_unit(unit: Unit, inputs: &Inputs, options: &IngestOptions) -> UnitCount {
    let parsed = ingest::parse_keeping(unit, inputs, options);
    let mut counter = TemplateCounter::default();
    let mut ids = Vec::with_capacity(parsed.items.len());
    let dates: Vec<NaiveDate> = parsed.items.iter().filter_map(|item| item.published).map(|p| p.date_naive()).collect();
    for item in &parsed.items {
        counter.add(item.source.as_deref(), normalize::keyed_lines(&item.text).map(|line| line.3));
        ids.push((item.id.clone(), item.location.clone()));
    }
    UnitCount { counter, ids, problems: parsed.problems, dates }
}

/// The first pass's ids, problems and published days, rolled up unit by unit in reading
/// order: an id used again is given a suffix (`id#2`) and a warning.
#[derive(Debug, Default)]
pub struct Roll {
    taken: HashMap<String, usize>,
    /// The unique id of every item, in reading order.
    pub ids: Vec<String>,
    pub problems: Vec<Problem>,
    pub published: Vec<NaiveDate>,
}

impl Roll {
    /// Adds the next unit's ids (with their places), problems and published days.
    pub fn add(&mut self, ids: Vec<(String, Option<Location>)>, problems: Vec<Problem>, dates: Vec<NaiveDate>) {
        self.published.extend(dates);
        for (id, location) in ids {
            let seen = self.taken.entry(id.clone()).or_default();
            *seen += 1;
            if *seen == 1 {
                self.ids.push(id);
            } else {
                let unique = format!("{id}#{seen}");
                let place = location.map(|l| (l.path, l.line)).unwrap_or_default();
                self.problems.push(Problem::warning(
                    place.0,
                    place.1,
                    format!("id {id:?} is used twice; this item is reported as {unique:?}"),
                ));
                self.ids.push(unique);
            }
        }
        self.problems.extend(problems);
    }

    /// The collection's date, from the published days seen, as of today.
    pub fn collection_date(&self) -> CollectionDate {
        CollectionDate::of(self.published.clone(), chrono::Utc::now().date_naive())
    }
}

/// The second pass over one unit: its items through the per-item stages.
pub fn analyze_unit(
    unit: Unit,
    inputs: &Inputs,
    options: &IngestOptions,
    templates: &Templates,
    settings: AnalysisSettings<'_>,
    signer: &dyn Signer,
    dating: &date::Context<'_>,
) -> Vec<Analyzed> {
    let parsed = ingest::parse(unit, inputs, options);
    parsed.items.into_iter().map(|item| analysis::analyze(item, templates, settings, signer, dating)).collect()
}

fn second_pass(
    inputs: &Inputs,
    options: &IngestOptions,
    first: &FirstPass,
    check: &CheckOptions,
    dating: &date::Context<'_>,
    mut aside: Option<&mut SetAside>,
    progress: &dyn Progress,
) -> Vec<Analyzed> {
    let signer: Box<dyn Signer> = check.settings.fingerprint.signer();
    let settings = check.settings.analysis();
    let mut analyzed: Vec<Analyzed> = Vec::with_capacity(first.ids.len());
    for_each_batch(
        inputs,
        options,
        |unit| analyze_unit(unit, inputs, options, &first.templates, settings, signer.as_ref(), dating),
        |mut results| {
            if let Some(aside) = aside.as_deref_mut() {
                aside.put(results.iter_mut().flatten().map(|one| &mut one.profile));
            }
            for mut batch in results {
                for mut one in batch.drain(..) {
                    let seq = analyzed.len();
                    // Both passes read the same items in the same order.
                    if let Some(id) = first.ids.get(seq) {
                        one.item.id = id.clone();
                    }
                    one.seq = seq;
                    // Kept as a copy made here: packed (no spare capacity), and placed
                    // with the other items' rather than among the scratch the analyzing
                    // thread freed, which the allocator keeps (a tenth of the peak).
                    analyzed.push(one.clone());
                    progress.advance(1);
                }
            }
        },
    );
    analyzed
}

/// The per-item stages' own settings.
pub fn analysis_settings(settings: &Settings) -> AnalysisSettings<'_> {
    settings.analysis()
}

/// Relations and clusters of a set of analyzed items (for callers that hold them).
pub fn relate(analyzed: &[Analyzed], settings: &Settings) -> Result<Related> {
    Ok(analysis::relate(analyzed, &settings.relate, &settings.story)?)
}

/// Every verdict about a run's analyzed items, related, with what an archive says of them.
pub fn judge(
    analyzed: &[Analyzed],
    related: &Related,
    history: Option<verdict::History<'_>>,
    settings: &Settings,
) -> Verdicts {
    verdict::judge(verdict::Judging { analyzed, related, history, settings: settings.judge() })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The units of a JSON Lines file of `rows` rows, through `for_each_batch`: the line
    /// of each unit, in the order `collect` was given them, and the sizes of the batches.
    fn batched(rows: usize) -> (Vec<usize>, Vec<usize>) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("rows.jsonl");
        let text: String = (0..rows).map(|i| format!("{{\"id\":\"{i}\",\"text\":\"row {i}\"}}\n")).collect();
        std::fs::write(&path, text).expect("the rows are written");
        let options = IngestOptions::default();
        let inputs = ingest::discover(&[path.display().to_string()], &options).expect("the file is found");
        let (mut lines, mut batches) = (Vec::new(), Vec::new());
        for_each_batch(
            &inputs,
            &options,
            |unit| match unit {
                Unit::Row { line, .. } => line,
                _ => 0,
            },
            |results| {
                batches.push(results.len());
                lines.extend(results);
            },
        );
        (lines, batches)
    }

    #[test]
    fn batches_are_collected_once_each_in_reading_order() {
        for rows in [1, BATCH - 1, BATCH, BATCH + 1, 3 * BATCH + 7] {
            let (lines, batches) = batched(rows);
            assert_eq!(lines, (1..=rows).collect::<Vec<_>>(), "{rows} rows");
            assert_eq!(batches.len(), rows.div_ceil(BATCH), "{rows} rows");
            assert!(batches.iter().all(|&n| n > 0 && n <= BATCH), "{rows} rows: {batches:?}");
        }
    }
}
