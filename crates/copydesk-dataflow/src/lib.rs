//! `copydesk check` past one machine: the engine's stages on timely dataflow, with
//! differential dataflow for the keyed reductions, on several threads of one process or
//! on several processes that talk over TCP.
//!
//! Every process is given the same arguments and finds the same inputs; each worker (a
//! thread of a process) reads its share of them: its byte range of each large JSON Lines
//! file ([`ingest::Cut`]), and every `W`-th of the other files, whole, in reading order
//! (a file that is not its own it does not open). The run goes in these steps:
//!
//! 0. **Line numbers.** Each worker counts the line ends of its byte ranges; worker 0
//!    hands the counts round, and each worker numbers its rows from there.
//! 1. **First pass.** Each worker counts the lines of its items ([`copydesk_engine::count_unit`]).
//!    The counts are added up by key across all workers (a differential `count_total`,
//!    exchanged by line), and each worker gets back the totals of the lines its own items
//!    hold (a `join` with the lines it asked for): the site templates of the whole
//!    collection, as each item needs them, without any worker holding all of them. The
//!    items' ids, problems and published days go to worker 0, which rolls them up in
//!    reading order ([`copydesk_engine::Roll`]) and broadcasts the collection's date.
//! 2. **Per-item stages.** Each worker analyzes its items ([`copydesk_engine::analyze_unit`]),
//!    keeps their MinHash signatures and paragraph hashes, and sends the rest, as bytes
//!    ([`copydesk_core::wire`]), to worker 0.
//! 3. **Copies.** Worker 0 puts the items in reading order and ranks them in origin order;
//!    the workers find the copy relations from the fingerprints they hold, exchanged by
//!    band key, paragraph hash and pair (the `copies` module).
//! 4. **Collection stages.** Worker 0 runs the story stage, judge and the report
//!    ([`copydesk_engine::report_of_related`]): the report is the one a single process
//!    writes for the same inputs and settings.
//!
//! `copydesk ingest` and `copydesk check --archive` spread only the first two steps
//! ([`analyze`]): worker 0 gets each item whole, its index with it, and process 0 runs
//! the archive's stages on them as one process does, against the one archive.
//!
//! A peer that does not connect within the deadline, or a connection lost during the run,
//! ends every process with an error naming the peer (see [`install_failure_hook`]); the
//! run is then started again. Nothing is printed to standard output by this crate.

mod cluster;
mod copies;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use differential_dataflow::input::Input as _;
use differential_dataflow::operators::count::CountTotal;
use timely::communication::allocator::zero_copy::initialize::initialize_networking_from_sockets;
use timely::communication::allocator::ProcessBuilder;
use timely::communication::{AllocatorBuilder, Hooks};
use timely::dataflow::operators::vec::{Broadcast, Input};
use timely::dataflow::operators::{Exchange, Inspect, Probe};
use timely::worker::Worker;
use timely::WorkerConfig;

use copydesk_core::analysis::{self, Analyzed};
use copydesk_core::date;
use copydesk_core::fingerprint::Fingerprint;
use copydesk_core::model::{Location, Problem, Severity};
use copydesk_core::normalize::{TemplateCounter, Templates};
use copydesk_core::relate::Related;
use copydesk_core::wire;
use copydesk_engine::{
    analyze_unit, collection_as_of, count_unit, report_of_related, Analysis, CheckOptions, Roll, SetAside, Timings,
};
use copydesk_ingest::{self as ingest, Cut, IngestOptions, Inputs, Part, Position, Reader};
use copydesk_report::Report;

pub use cluster::{Hosts, Traffic};

/// How a run is spread: over the processes of a host file (this being one of them), and
/// over threads within each process.
#[derive(Debug, Clone)]
pub struct Cluster {
    /// Say on standard error when every peer is connected.
    pub verbose: bool,
    /// The processes; `None` for this process alone.
    pub hosts: Option<Hosts>,
    /// This process's place in `hosts`.
    pub process: usize,
    /// Worker threads in each process.
    pub workers: usize,
    /// How long to wait for every peer to connect.
    pub connect_timeout: Duration,
}

impl Cluster {
    /// Whether this process is one of the host file's, and the inputs can be shared:
    /// checked before anything is read or opened.
    pub fn validate(&self, inputs: &[String]) -> Result<(), Error> {
        let processes = self.hosts.as_ref().map_or(1, |h| h.addresses.len());
        if self.process >= processes {
            return Err(Error::Process { process: self.process, processes });
        }
        if processes > 1 && inputs.iter().any(|i| i == "-") {
            return Err(Error::Stdin);
        }
        Ok(())
    }
}

/// What a process's part of the run gave.
#[derive(Debug)]
pub struct Outcome<T> {
    /// What the run is for (the report of [`check`], the analysis of [`analyze`]), at
    /// process 0; the other processes compute only.
    pub result: Option<T>,
    /// Items this process analyzed.
    pub analyzed: usize,
    /// Bytes of the inputs this process read for them (its byte range of each large JSON
    /// Lines file, and the other files it was given).
    pub read: u64,
    /// Bytes this process sent to and received from its peers.
    pub sent: u64,
    pub received: u64,
}

impl<T> Outcome<T> {
    fn map<U>(self, f: impl FnOnce(T) -> U) -> Outcome<U> {
        Outcome {
            result: self.result.map(f),
            analyzed: self.analyzed,
            read: self.read,
            sent: self.sent,
            received: self.received,
        }
    }
}

/// An error that ends a distributed run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("the host file {path}: {message}")]
    Hosts { path: String, message: String },
    #[error("--process {process} is not a line of the host file, which lists {processes} processes")]
    Process { process: usize, processes: usize },
    #[error("cannot listen on {address}: {message}")]
    Listen { address: String, message: String },
    #[error("{} did not connect within {} s", absent.join(", "), waited.as_secs_f64())]
    Connect { waited: Duration, absent: Vec<String> },
    #[error("standard input cannot be shared by several processes: give the processes files")]
    Stdin,
    #[error("cannot read the inputs: {0}")]
    Inputs(#[source] std::io::Error),
    #[error(transparent)]
    Stage(#[from] copydesk_core::Error),
    #[error("the dataflow failed: {0}")]
    Dataflow(String),
}

/// How many of its units a worker analyzes between two steps of the dataflow (sending
/// what it analyzed, taking in what arrived): often enough that nothing piles up, seldom
/// enough that stepping costs nothing.
const STEP_EVERY_UNITS: usize = 64;

/// What every worker of a process shares.
struct Shared {
    inputs: Inputs,
    /// The JSON Lines files the workers read by byte range.
    cuts: Vec<Cut>,
    ingest: IngestOptions,
    options: CheckOptions,
    timeline: date::Timeline,
    goal: Goal,
}

/// Where an item is: its unit's place in reading order, its own place in the unit, and the
/// worker that read it (which holds its fingerprint). Items sort in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
struct ItemAt {
    unit: Position,
    place: u32,
    worker: u32,
}

/// What worker 0 gathers for the collection stages.
struct Gathered {
    roll: Roll,
    as_of: Option<chrono::NaiveDate>,
    set_aside: Option<Problem>,
    /// That the sentences of the profiles stay in memory, when they could not be set aside.
    kept_in_memory: Option<Problem>,
    /// Each item read back from its bytes, with where it is; without the index part of
    /// its fingerprint unless the items go to the archive.
    items: Vec<(ItemAt, Result<Analyzed, wire::WireError>)>,
}

/// What worker 0 hands on: the analysis, and the relations when the run found them.
type Collected = (Analysis, Option<Related>);

/// How far the workers take a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Goal {
    /// `copydesk check`: the copies found where the fingerprints are, the stories at
    /// worker 0.
    Relations,
    /// The per-item stages only, each item gathered whole at worker 0 (its index with it)
    /// for the stages of the archive, which runs on one machine.
    Analysis,
}

/// Runs `copydesk check` as this process's part of a cluster (or on threads of this process
/// alone). Process 0 returns the report.
pub fn check(options: &CheckOptions, cluster: &Cluster) -> Result<Outcome<Report>, Error> {
    let inputs = ingest::discover(&options.inputs, &options.settings.ingest).map_err(Error::Inputs)?;
    let files = inputs.files.len();
    let outcome = spread(inputs, options, cluster, Goal::Relations)?;
    Ok(outcome.map(|(analysis, related)| {
        let related = related.unwrap_or_default();
        report_of_related(analysis, related, files, &options.settings, &mut Timings::default())
    }))
}

/// The per-item stages of `inputs` spread over a cluster: every process reads its share,
/// the site templates are counted over all of them, and process 0 gets every item whole,
/// in reading order — the analysis one process gives
/// ([`copydesk_engine::analyze_inputs`]). `copydesk ingest` and `copydesk check
/// --archive` run the archive's stages on it at process 0. `inputs` must be what every
/// process finds for the same arguments.
pub fn analyze(inputs: Inputs, options: &CheckOptions, cluster: &Cluster) -> Result<Outcome<Analysis>, Error> {
    Ok(spread(inputs, options, cluster, Goal::Analysis)?.map(|(analysis, _)| analysis))
}

/// Runs this process's workers as part of the cluster, as far as `goal` says.
fn spread(inputs: Inputs, options: &CheckOptions, cluster: &Cluster, goal: Goal) -> Result<Outcome<Collected>, Error> {
    cluster.validate(&options.inputs)?;
    let processes = cluster.hosts.as_ref().map_or(1, |h| h.addresses.len());
    let ingest_options = options.settings.ingest.clone();
    let timeline = options.settings.date.timeline()?;
    let workers = cluster.workers.max(1);
    let cuts = if processes * workers > 1 { ingest::cuts(&inputs) } else { Vec::new() };
    let shared = Arc::new(Shared { inputs, cuts, ingest: ingest_options, options: options.clone(), timeline, goal });

    let traffic = Arc::<Traffic>::default();
    let (builders, guard): (Vec<AllocatorBuilder>, Box<dyn std::any::Any + Send>) = match &cluster.hosts {
        Some(hosts) if processes > 1 => {
            let sockets = cluster::connect(hosts, cluster.process, cluster.connect_timeout, &traffic)?;
            if cluster.verbose {
                eprintln!("copydesk: process {} connected to {} processes", cluster.process, processes - 1);
            }
            install_failure_hook(hosts.addresses.clone());
            let hooks = Hooks::default();
            let local = ProcessBuilder::new_typed_vector(workers, hooks.refill.clone(), hooks.spill.clone());
            let (builders, guard) = initialize_networking_from_sockets(local, sockets, cluster.process, workers, hooks)
                .map_err(|e| Error::Dataflow(e.to_string()))?;
            (builders.into_iter().map(AllocatorBuilder::Tcp).collect(), Box::new(guard))
        }
        _ => timely::CommunicationConfig::Process(workers).try_build().map_err(Error::Dataflow)?,
    };
    let worker_shared = Arc::clone(&shared);
    let guards = timely::execute::execute_from(builders, guard, WorkerConfig::default(), move |worker| {
        run_worker(worker, &worker_shared)
    })
    .map_err(Error::Dataflow)?;
    let mut collected = None;
    let (mut analyzed, mut read) = (0, 0);
    for result in guards.join() {
        let (work, mine) = result.map_err(Error::Dataflow)?.map_err(Error::Dataflow)?;
        analyzed += work.analyzed;
        read += work.read;
        collected = collected.or(mine);
    }
    Ok(Outcome { result: collected, analyzed, read, sent: traffic.sent(), received: traffic.received() })
}

/// Puts the gathered items in reading order and gives them their unique ids: the
/// analysis, and where each item is.
fn in_reading_order(gathered: Gathered) -> Result<(Analysis, Vec<ItemAt>), String> {
    let Gathered { roll, as_of, set_aside, kept_in_memory, mut items } = gathered;
    items.sort_unstable_by_key(|(at, _)| *at);
    let places: Vec<ItemAt> = items.iter().map(|(at, _)| *at).collect();
    // Collected into the memory the items arrived in, not beside it: the standard library
    // reuses a vector's allocation for a `map` of its own elements.
    let analyzed = items
        .into_iter()
        .enumerate()
        .map(|(seq, (_, one))| {
            let mut one = one?;
            if let Some(id) = roll.ids.get(seq) {
                one.item.id = id.clone();
            }
            one.seq = seq;
            Ok(one)
        })
        .collect::<Result<Vec<Analyzed>, wire::WireError>>()
        .map_err(|e| e.to_string())?;
    let mut problems = roll.problems;
    problems.extend(set_aside);
    problems.extend(kept_in_memory);
    Ok((Analysis { analyzed, problems, as_of, timings: Timings::default() }, places))
}

/// What one worker did: the items it analyzed, and the bytes of the inputs it read for them.
#[derive(Debug, Clone, Copy)]
struct Work {
    analyzed: usize,
    read: u64,
}

/// One worker's part: what it did, and at worker 0 what the collection stages need.
fn run_worker(worker: &mut Worker, shared: &Shared) -> Result<(Work, Option<Collected>), String> {
    let (index, peers) = (worker.index(), worker.peers());
    let parts = parts(worker, shared)?;
    let share = || Reader::share(&shared.inputs, &shared.ingest, parts.clone(), index, peers);

    // 1. The first pass over this worker's units.
    let mut counter = TemplateCounter::default();
    let mut rolled: Vec<UnitRecord> = Vec::new();
    for (position, unit) in share() {
        let counted = count_unit(unit, &shared.inputs, &shared.ingest);
        counter = counter.merge(counted.counter);
        rolled.push(UnitRecord::of(position, counted.ids, counted.problems, counted.dates));
    }
    let (lines, source_lines) = counter.into_counts();
    let lines = totals(worker, lines);
    let source_lines = totals(worker, source_lines);
    let templates = Templates::from_counts(lines, source_lines);
    let first = gather(worker, rolled);

    // The collection's date, decided by worker 0 from every item's published day.
    let roll = (index == 0).then(|| {
        let mut records = first;
        records.sort_unstable_by_key(|r| r.unit);
        let mut roll = Roll::default();
        for record in records {
            record.roll_into(&mut roll);
        }
        roll
    });
    let collection = roll.as_ref().map(Roll::collection_date);
    let decided = collection.as_ref().map(|c| collection_as_of(&shared.options, c));
    let as_of = broadcast(worker, decided.map(|d| d.map(day_number)))?.map(from_day_number);

    // 2. The per-item stages on this worker's units, sent to worker 0 as bytes; the index
    // part of each fingerprint stays here when the copies are found where it is.
    let whole = shared.goal == Goal::Analysis;
    let settings = shared.options.settings.analysis();
    let signer = shared.options.settings.fingerprint.signer();
    let dating =
        date::Context { timeline: &shared.timeline, as_of, max_age_days: shared.options.settings.date.max_age_days };
    // Each unit's items leave as soon as they are analyzed, and the worker steps the
    // dataflow every few units: no worker holds its share, and worker 0 takes in what
    // arrives while it analyzes its own.
    let (mut count, mut units) = (0, 0);
    let mut share = share();
    let mut prints: HashMap<ItemAt, Fingerprint> = HashMap::new();
    // Worker 0 reads each item back as it arrives, so the bytes never pile up, and sets the
    // sentences of its profile aside when it relates the items, as one process does.
    let aside: Option<Rc<RefCell<SetAside>>> = (!whole).then(Rc::default);
    let arriving = aside.clone();
    let mut items = Router::new(
        worker,
        |_| 0,
        move |(at, bytes): &(ItemAt, Vec<u8>)| {
            let mut one = wire::decode(bytes);
            if let (Some(aside), Ok(one)) = (&arriving, &mut one) {
                aside.borrow_mut().put([&mut one.profile]);
            }
            (*at, one)
        },
    );
    // Worker 0 knows from the first pass how many items will arrive.
    if let Some(roll) = &roll {
        items.expect(roll.ids.len());
    }
    for (position, unit) in share.by_ref() {
        let analyzed =
            analyze_unit(unit, &shared.inputs, &shared.ingest, &templates, settings, signer.as_ref(), &dating);
        count += analyzed.len();
        for (place, mut one) in analyzed.into_iter().enumerate() {
            let at = ItemAt { unit: position, place: place as u32, worker: index as u32 };
            if !whole {
                prints.insert(at, copies::index_part(&mut one.fingerprint));
            }
            let mut bytes = Vec::new();
            wire::encode(&one, &mut bytes);
            items.send((at, bytes));
        }
        units += 1;
        if units % STEP_EVERY_UNITS == 0 {
            worker.step();
        }
    }
    let items = items.finish(worker);
    let work = Work { analyzed: count, read: share.read() };

    let gathered = roll.map(|roll| {
        let set_aside =
            if shared.options.as_of.is_none() { collection.as_ref().and_then(|c| c.set_aside_problem()) } else { None };
        let kept_in_memory = aside.as_ref().and_then(|aside| aside.borrow().warning());
        Gathered { roll, as_of, set_aside, kept_in_memory, items }
    });

    // 3. Copies, found where the fingerprints are; worker 0 ranks the items. 4. Stories,
    // at worker 0, with the text overlap of the pairs it measures taken where they are.
    let collected = gathered.map(in_reading_order).transpose()?;
    if whole {
        return Ok((work, collected.map(|(analysis, _)| (analysis, None))));
    }
    let rank = collected.as_ref().map(|(analysis, _)| analysis::origin_rank(&analysis.analyzed));
    let ranked = collected.as_ref().zip(rank.as_deref()).map(|((_, places), rank)| copies::Ranked { places, rank });
    let index = copies::index(worker, prints, ranked.as_ref())?;
    let relate_options = &shared.options.settings.relate;
    let found = copies::relate(worker, &index, ranked.as_ref(), relate_options)?;
    let mut measured = false;
    let mut failed = None;
    let related = found.zip(ranked.as_ref()).map(|(copies, ranked)| {
        let analyzed = collected.as_ref().map_or(&[][..], |(analysis, _)| &analysis.analyzed[..]);
        let mut text = |pairs: &[(usize, usize)]| {
            measured = true;
            copies::measure(worker, &index, Some(ranked), pairs, relate_options).unwrap_or_else(|e| {
                failed = Some(e);
                Vec::new()
            })
        };
        analysis::relate_stories(analyzed, copies, ranked.rank, &shared.options.settings.story, &mut text)
    });
    if !measured {
        // Every worker takes part in the one measuring step, asked for or not.
        copies::measure(worker, &index, None, &[], relate_options)?;
    }
    if let Some(failed) = failed {
        return Err(failed);
    }
    let related = related.transpose().map_err(|e| e.to_string())?;
    Ok((work, collected.zip(related).map(|((analysis, _), related)| (analysis, Some(related)))))
}

/// An item's place, as it travels: path and line.
type Place = (String, Option<u64>);

/// What the first pass says of one unit, as it travels to worker 0.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct UnitRecord {
    unit: Position,
    /// Each item's id and place.
    ids: Vec<(String, Option<Place>)>,
    /// Each problem: path, line, message, whether the input was skipped.
    problems: Vec<(String, Option<u64>, String, bool)>,
    /// The items' published days, as days from the common era.
    dates: Vec<i32>,
}

impl UnitRecord {
    fn of(
        unit: Position,
        ids: Vec<(String, Option<Location>)>,
        problems: Vec<Problem>,
        dates: Vec<chrono::NaiveDate>,
    ) -> Self {
        UnitRecord {
            unit,
            ids: ids.into_iter().map(|(id, at)| (id, at.map(|l| (l.path, l.line.map(|n| n as u64))))).collect(),
            problems: problems
                .into_iter()
                .map(|p| (p.path, p.line.map(|n| n as u64), p.message, p.severity == Severity::Skipped))
                .collect(),
            dates: dates.into_iter().map(day_number).collect(),
        }
    }

    /// Adds the unit to the roll of the first pass, as the one-process pass does.
    fn roll_into(self, roll: &mut Roll) {
        let ids: Vec<(String, Option<Location>)> = self
            .ids
            .into_iter()
            .map(|(id, at)| (id, at.map(|(path, line)| Location { path, line: line.map(|n| n as usize) })))
            .collect();
        let problems = self
            .problems
            .into_iter()
            .map(|(path, line, message, skipped)| {
                let line = line.map(|n| n as usize);
                if skipped {
                    Problem::skipped(path, line, message)
                } else {
                    Problem::warning(path, line, message)
                }
            })
            .collect();
        roll.add(ids, problems, self.dates.into_iter().map(from_day_number).collect());
    }
}

fn day_number(day: chrono::NaiveDate) -> i32 {
    chrono::Datelike::num_days_from_ce(&day)
}

fn from_day_number(days: i32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_num_days_from_ce_opt(days).unwrap_or_default()
}

/// This worker's part of each file the workers read by byte range ([`Cut`]): every worker
/// counts the line ends in its range of each, and worker 0 hands all the counts round, so
/// that each worker knows how many lines come before its range.
fn parts(worker: &mut Worker, shared: &Shared) -> Result<HashMap<usize, Part>, String> {
    let (index, peers) = (worker.index(), worker.peers());
    let counted: Vec<(usize, usize, u64)> = shared
        .cuts
        .iter()
        .enumerate()
        .map(|(n, cut)| {
            // A file that can no longer be read counts none: its reader says why.
            let ends = ingest::line_ends(&shared.inputs.files[cut.file].path, cut.range(index, peers)).unwrap_or(0);
            (n, index, ends)
        })
        .collect();
    let gathered = gather(worker, counted);
    let table = (index == 0).then(|| {
        let mut table = vec![0; shared.cuts.len() * peers];
        for (n, from, ends) in gathered {
            table[n * peers + from] = ends;
        }
        table
    });
    let table: Vec<u64> = broadcast(worker, table)?;
    let parts = shared.cuts.iter().zip(table.chunks(peers.max(1)));
    Ok(parts.map(|(cut, ends)| (cut.file, cut.part(index, peers, ends))).collect())
}

/// Adds up counts by key over every worker and gives each worker back the totals of the
/// keys it brought (those above 1: a line seen once is no template): a differential
/// `count_total`, joined with the keys each worker asked for.
fn totals<K>(worker: &mut Worker, local: impl IntoIterator<Item = (K, u32)>) -> Vec<(K, u32)>
where
    K: differential_dataflow::ExchangeData + differential_dataflow::Hashable + std::hash::Hash,
{
    let index = worker.index() as u64;
    let received: Rc<RefCell<HashMap<K, (u32, isize)>>> = Rc::default();
    let sink = Rc::clone(&received);
    let (mut input, probe) = worker.dataflow::<u32, _, _>(|scope| {
        let (input, brought) = scope.new_collection::<(K, u64), isize>();
        let sums = brought.clone().map(|(key, _)| key).count_total();
        let asked = brought.map(|(key, from)| (key, from)).distinct();
        let answered = asked
            .join_map(sums, |key, from, total| (*from, key.clone(), *total))
            .filter(|(_, _, total)| *total > 1)
            .inner
            .exchange(|((from, _, _), _, _)| *from)
            .inspect(move |((_, key, total), _, diff)| {
                let mut seen = sink.borrow_mut();
                let entry = seen.entry(key.clone()).or_insert((0, 0));
                entry.0 = u32::try_from(*total).unwrap_or(u32::MAX);
                entry.1 += diff;
            });
        (input, answered.probe().0)
    });
    for (key, n) in local {
        input.update((key, index), n as isize);
    }
    input.advance_to(1);
    input.flush();
    worker.step_or_park_while(None, || probe.less_than(input.time()));
    drop(input);
    let found = received.borrow_mut().drain().filter(|(_, (_, diff))| *diff > 0).map(|(k, (n, _))| (k, n)).collect();
    found
}

/// Sends every worker's records to worker 0, which gets them all (in no set order); the
/// other workers get none.
fn gather<D: timely::ExchangeData + Clone>(worker: &mut Worker, records: Vec<D>) -> Vec<D> {
    exchange(worker, records, |_| 0)
}

/// Sends every worker's records to the worker `route` names (its value modulo the number
/// of workers); each worker gets the records routed to it, in no set order.
fn exchange<D: timely::ExchangeData + Clone>(
    worker: &mut Worker,
    records: Vec<D>,
    route: impl Fn(&D) -> u64 + 'static,
) -> Vec<D> {
    let mut router = Router::new(worker, route, D::clone);
    for record in records {
        router.send(record);
    }
    router.finish(worker)
}

/// Records on their way to the workers that take them, sent one by one while the worker
/// goes on; each worker keeps what `take` makes of each record it gets, as it arrives.
struct Router<D: timely::ExchangeData + Clone, T = D> {
    input: timely::dataflow::InputHandleVec<u32, D>,
    probe: timely::dataflow::ProbeHandle<u32>,
    received: Rc<RefCell<Vec<T>>>,
}

impl<D: timely::ExchangeData + Clone, T: 'static> Router<D, T> {
    fn new(worker: &mut Worker, route: impl Fn(&D) -> u64 + 'static, take: impl Fn(&D) -> T + 'static) -> Self {
        let received: Rc<RefCell<Vec<T>>> = Rc::default();
        let sink = Rc::clone(&received);
        let (input, probe) = worker.dataflow::<u32, _, _>(|scope| {
            let (input, stream) = scope.new_input::<D>();
            let probe = stream.exchange(route).inspect(move |record| sink.borrow_mut().push(take(record))).probe().0;
            (input, probe)
        });
        Router { input, probe, received }
    }

    /// Makes room for `records` arrivals at once: a worker that knows how many it will get
    /// keeps them in one allocation of that size, not in one grown by doubling (up to twice
    /// the size, and both the old and the new at once while it grows).
    fn expect(&self, records: usize) {
        self.received.borrow_mut().reserve_exact(records);
    }

    fn send(&mut self, record: D) {
        self.input.send(record);
    }

    /// Waits until every worker's records are in; returns those routed to this worker.
    fn finish(mut self, worker: &mut Worker) -> Vec<T> {
        self.input.advance_to(1);
        let probe = self.probe;
        let time = *self.input.time();
        drop(self.input);
        worker.step_or_park_while(None, || probe.less_than(&time));
        let all = std::mem::take(&mut *self.received.borrow_mut());
        all
    }
}

/// Worker 0's value, given to every worker.
fn broadcast<D: timely::ExchangeData + Clone>(worker: &mut Worker, value: Option<D>) -> Result<D, String> {
    let received: Rc<RefCell<Option<D>>> = Rc::default();
    let sink = Rc::clone(&received);
    let (mut input, probe) = worker.dataflow::<u32, _, _>(|scope| {
        let (input, stream) = scope.new_input::<D>();
        let probe = stream.broadcast().inspect(move |v| *sink.borrow_mut() = Some(v.clone())).probe().0;
        (input, probe)
    });
    if let Some(value) = value {
        input.send(value);
    }
    input.advance_to(1);
    worker.step_or_park_while(None, || probe.less_than(input.time()));
    drop(input);
    let value = received.borrow_mut().take();
    value.ok_or_else(|| "worker 0 sent no value".to_string())
}

/// The peers this process has lost, as they were noticed.
static LOST: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// How long a process waits, after losing a peer, for other losses before it ends.
const LOSS_GRACE: Duration = Duration::from_millis(500);

/// Makes a lost peer or a failed worker end the process with exit status 2 and a message
/// naming the peer, instead of leaving the other workers waiting for it: timely's network
/// threads (`timely:recv-N`, `timely:send-N`) panic when a connection breaks.
pub fn install_failure_hook(addresses: Vec<String>) {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let thread = std::thread::current();
        let name = thread.name().unwrap_or("");
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("no message");
        let peer = name.strip_prefix("timely:recv-").or_else(|| name.strip_prefix("timely:send-"));
        if let Some(peer) = peer.and_then(|p| p.parse::<usize>().ok()) {
            let address = addresses.get(peer).map(String::as_str).unwrap_or("?");
            let loss = format!("lost process {peer} ({address}): {message}");
            // When one process dies, the others end too, and a survivor may see one of
            // them go before the one that died: every loss seen within a moment is named.
            let first = {
                let mut lost = LOST.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                lost.push(loss);
                lost.len() == 1
            };
            if first {
                std::thread::sleep(LOSS_GRACE);
                let lost = LOST.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                eprintln!("copydesk: error: {}; run the check again", lost.join("; "));
                std::process::exit(2);
            }
            return;
        }
        if name.starts_with("timely:work-") {
            // A lost peer can fail a worker (a poisoned queue) before the lost connection
            // is reported: the loss, once noticed, is what the run ends with.
            std::thread::sleep(2 * LOSS_GRACE);
            let lost = LOST.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if lost.is_empty() {
                eprintln!("copydesk: error: a worker failed: {message}");
            } else {
                eprintln!("copydesk: error: {}; run the check again", lost.join("; "));
            }
            std::process::exit(2);
        }
        default(info);
    }));
}
