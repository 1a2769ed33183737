//! The `copydesk` command: a thin layer over the library that parses arguments, runs the
//! pipeline and maps results to exit codes.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Parser, Subcommand};

use copydesk::config;
use copydesk_archive as archive;
use copydesk_core::history::WindowBy;
use copydesk_core::verdict::findings;
use copydesk_engine::run::RunOptions;
use copydesk_engine::{self as engine, sources, CheckOptions};
use copydesk_ingest::fetch::is_url;
use copydesk_report::html::Texts;
use copydesk_report::{self as report, Document, Format, RenderOptions};

mod progress;

/// mimalloc in place of the system allocator: the analysis allocates many small, short-lived
/// buffers on every worker thread, and glibc's arenas leave much of the freed memory
/// resident (see "Measured speed" in the README).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The progress display of a run, shown on standard error when it is a terminal and the
/// run is not `--quiet`.
fn progress(quiet: bool) -> std::sync::Arc<progress::Bar> {
    std::sync::Arc::new(progress::Bar::new(!quiet && std::io::stderr().is_terminal()))
}

/// Exit status when no finding crossed a `--fail-on` threshold.
const EXIT_OK: u8 = 0;
/// Exit status when a finding matched `--fail-on`.
const EXIT_FINDINGS: u8 = 1;
/// Exit status for usage errors and runs with no readable input.
const EXIT_ERROR: u8 = 2;

/// Screens collections of news articles: finds copies and names their origin, and flags
/// stale items with the evidence that dates them.
#[derive(Debug, Parser)]
#[command(name = "copydesk", version, about, long_about = None)]
struct Cli {
    /// When to colour the table: auto (when standard output is a terminal and NO_COLOR is
    /// not set; CLICOLOR_FORCE forces it), always or never.
    #[arg(long, value_enum, global = true, default_value = "auto", value_name = "WHEN")]
    color: ColorWhen,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    /// How to paint the table written to standard output (`to_terminal`) or a file.
    fn paint(self, to_terminal: bool) -> report::table::Paint {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
        let color = match self {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) => false,
            ColorWhen::Auto => set("CLICOLOR_FORCE") || to_terminal,
        };
        report::table::Paint { color }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Screen files, folders and feeds and print the report.
    Check(CheckArgs),
    /// Print the effective configuration (defaults, then copydesk.toml) as TOML.
    Config(ConfigArgs),
    /// Screen files, folders and feed URLs against the archive and store them in it.
    Ingest(IngestArgs),
    /// Poll feeds into the archive on a schedule (conditional GET, per-feed back-off) and
    /// print the findings about new items as they are found. SIGINT or SIGTERM finish the
    /// poll under way and exit 0.
    Watch(WatchArgs),
    /// Per-source reports from the archive over a time window.
    Sources(SourcesArgs),
    /// Show what copydesk reads from each input: metadata with its basis, language, the
    /// clean text that is fingerprinted, and what was removed.
    Extract(ExtractArgs),
    /// Work on the archive itself.
    #[command(subcommand)]
    Archive(ArchiveCommand),
    /// Explain a rule: what its findings mean, how it is measured, the settings that tune
    /// it (with their values in effect). With no code, list every rule.
    Rule(RuleArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to standard output: `copydesk man > copydesk.1`.
    Man,
}

#[derive(Debug, Args)]
struct RuleArgs {
    /// A rule code (CD101) or finding kind (near_duplicate).
    #[arg(value_name = "CODE")]
    code: Option<String>,
    /// Output format: text, or Markdown (the whole reference, as in docs/rules.md), or JSON.
    #[arg(long, short, value_enum, default_value = "text")]
    format: RuleFormat,
    #[command(flatten)]
    config: ConfigFile,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum WindowByArg {
    FirstSeen,
    Published,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum RuleFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, Args)]
struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
struct ExtractArgs {
    /// Files, folders (read recursively) or `-` for standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "table")]
    format: ExtractFormat,
    #[command(flatten)]
    read: ReadArgs,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ExtractFormat {
    Table,
    Json,
    Jsonl,
}

#[derive(Debug, Subcommand)]
enum ArchiveCommand {
    /// Run SQLite's integrity check over the whole archive (read-only) and say what it
    /// found: exit 0 when it is sound, 1 when it is damaged.
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// The archive; by default as for `copydesk ingest`.
    #[arg(long, value_name = "DB")]
    archive: Option<PathBuf>,
    #[command(flatten)]
    config: ConfigFile,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Files, folders (read recursively) or `-` for standard input (JSON Lines, or any
    /// format recognised by its content).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
    /// Exit with status 1 when a finding of these kinds or rule codes is present
    /// (comma-separated: copy, exact, near_duplicate, partial_copy, CD101, …), or with
    /// `unreadable` when an input or part of one could not be read.
    #[arg(long, value_name = "KINDS", value_delimiter = ',', value_parser = parse_selector)]
    fail_on: Vec<String>,
    /// Exit with status 0 even when findings match --fail-on (errors still exit 2).
    #[arg(long)]
    exit_zero: bool,
    /// Exit with status 1 when a source scores below N (0–100); sets the score below which
    /// a source is a `low_source_score` finding.
    #[arg(long, value_name = "N", value_parser = parse_score)]
    min_source_score: Option<f64>,
    #[command(flatten)]
    dating: DatingArgs,
    #[command(flatten)]
    common: CommonArgs,
    /// Check against this archive too: copies of archived items are reported.
    #[arg(long, value_name = "DB")]
    archive: Option<PathBuf>,
    /// Compare the findings with a baseline written by --write-baseline: findings it
    /// records are known (reported, SARIF baselineState "unchanged"), and --fail-on counts
    /// only new ones.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record this run's findings, by stable fingerprint, as a baseline for later runs.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Print the number of findings of each rule instead of the report (table or json).
    #[arg(long)]
    statistics: bool,
    #[command(flatten)]
    cluster: ClusterArgs,
}

/// How a run is spread over processes and threads (timely dataflow).
#[derive(Debug, Args)]
struct ClusterArgs {
    /// Run as one of the processes listed in FILE (one host:port a line); every process is
    /// given the same arguments and reads its share of the inputs; process 0 opens the
    /// archive, if any, and writes the report, the others only compute.
    #[arg(long, value_name = "FILE", requires = "process")]
    hosts: Option<PathBuf>,
    /// This process's line of --hosts, counting from 0.
    #[arg(long, value_name = "I", requires = "hosts")]
    process: Option<usize>,
    /// Worker threads in each process; alone, runs this process's threads on the same
    /// dataflow engine.
    #[arg(long, value_name = "W", value_parser = clap::value_parser!(u16).range(1..=256))]
    workers: Option<u16>,
    /// How long every process waits for the others to connect, in seconds.
    #[arg(long, value_name = "SECONDS", default_value = "60", value_parser = parse_timeout)]
    connect_timeout: f64,
}

impl ClusterArgs {
    /// The cluster these flags describe, when they describe one.
    fn cluster(&self, quiet: bool) -> Result<Option<copydesk_dataflow::Cluster>> {
        if self.hosts.is_none() && self.workers.is_none() {
            return Ok(None);
        }
        let hosts = self.hosts.as_deref().map(copydesk_dataflow::Hosts::read).transpose()?;
        Ok(Some(copydesk_dataflow::Cluster {
            verbose: !quiet,
            hosts,
            process: self.process.unwrap_or(0),
            workers: usize::from(self.workers.unwrap_or(1)),
            connect_timeout: std::time::Duration::from_secs_f64(self.connect_timeout),
        }))
    }
}

#[derive(Debug, Args)]
struct IngestArgs {
    /// Files, folders (read recursively), http(s):// feed or page URLs, or `-` for JSON
    /// Lines on standard input.
    #[arg(required = true, value_name = "PATH|URL")]
    paths: Vec<String>,
    /// The archive; by default [archive] path of copydesk.toml, else
    /// $XDG_DATA_HOME/copydesk/archive.sqlite3 (~/.local/share/copydesk/archive.sqlite3).
    #[arg(long, value_name = "DB")]
    archive: Option<PathBuf>,
    /// Exit with status 1 when a finding of these kinds or rule codes is present, copies
    /// of archived items included (comma-separated: copy, exact, near_duplicate, CD101, …),
    /// or with `unreadable` when an input or feed could not be read. Default: unreadable.
    #[arg(long, value_name = "KINDS", value_delimiter = ',', value_parser = parse_selector)]
    fail_on: Vec<String>,
    /// Record the items as first seen at this time (YYYY-MM-DD or RFC 3339) instead of
    /// now, to load an older collection.
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    seen_at: Option<DateTime<Utc>>,
    /// Give up on a feed that has not answered completely within this many seconds.
    #[arg(long, value_name = "SECONDS", value_parser = parse_timeout)]
    timeout: Option<f64>,
    /// Give up on a feed whose response is larger than this many bytes.
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1..=1 << 30))]
    max_response_bytes: Option<u64>,
    #[command(flatten)]
    dating: DatingArgs,
    #[command(flatten)]
    common: CommonArgs,
    #[command(flatten)]
    cluster: ClusterArgs,
}

#[derive(Debug, Args)]
struct WatchArgs {
    /// Feed URLs, OPML files (as feed readers export) or files of URLs, one per line.
    #[arg(required = true, value_name = "FEED")]
    feeds: Vec<String>,
    /// How often each feed is polled (30s, 15m, 1h); a server's Cache-Control max-age or
    /// Retry-After makes it later, failures back off from it exponentially.
    #[arg(long, value_name = "SPAN", default_value = "15m", value_parser = parse_every)]
    every: std::time::Duration,
    /// Stop after this many polls (for scripts and tests); by default run until stopped.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    polls: Option<u64>,
    /// The archive; by default as for `copydesk ingest`.
    #[arg(long, value_name = "DB")]
    archive: Option<PathBuf>,
    /// How the findings are written: a line each, or JSON Lines.
    #[arg(long, short, value_enum, default_value = "table")]
    format: WatchFormat,
    /// Append the findings to this file instead of writing them to standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Give up on a feed that has not answered completely within this many seconds.
    #[arg(long, value_name = "SECONDS", value_parser = parse_timeout)]
    timeout: Option<f64>,
    #[command(flatten)]
    dating: DatingArgs,
    #[command(flatten)]
    config: ConfigFile,
    /// No poll summaries and no problem lines on standard error.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum WatchFormat {
    Table,
    Jsonl,
}

#[derive(Debug, Args)]
struct SourcesArgs {
    /// The archive; by default as for `copydesk ingest`.
    #[arg(long, value_name = "DB")]
    archive: Option<PathBuf>,
    /// The window's length: 30d, 12h, 4w.
    #[arg(long, value_name = "SPAN", default_value = "30d", value_parser = parse_span)]
    since: chrono::Duration,
    /// The window's end (YYYY-MM-DD: the end of that day; or RFC 3339); by default now.
    #[arg(long, value_name = "TIME", value_parser = parse_until)]
    until: Option<DateTime<Utc>>,
    /// What places an item in the window: when the archive first saw it, or its published
    /// date (else its first sighting; reads the whole archive).
    #[arg(long, value_enum, default_value = "first-seen")]
    by: WindowByArg,
    /// Exit with status 1 when a source scores below this over the window (0–100).
    #[arg(long, value_name = "N", value_parser = parse_score)]
    min_source_score: Option<f64>,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "table")]
    format: SourcesFormat,
    #[command(flatten)]
    config: ConfigFile,
    /// Write the report to a file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// How content is dated: the options of `check` and `ingest`.
#[derive(Debug, Args)]
struct DatingArgs {
    /// A timeline of dated events and office holders (TOML) to date content by; may be
    /// given more than once. Added after those of the configuration; later entries win.
    #[arg(long, value_name = "FILE")]
    timeline: Vec<PathBuf>,
    /// An item is stale when its content ends more than this many days before its framing
    /// date (default 30, or `[date] max_age_days`).
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=36_500))]
    max_age: Option<u32>,
}

impl DatingArgs {
    /// The flags over the configuration's `[date]` settings.
    fn apply(&self, settings: &mut copydesk_core::date::DateOptions) {
        settings.timelines.extend(self.timeline.iter().cloned());
        if let Some(days) = self.max_age {
            settings.max_age_days = days;
        }
    }
}

/// Options `check` and `ingest` share.
#[derive(Debug, Args)]
struct CommonArgs {
    /// Output format.
    #[arg(long, short, value_enum, default_value = "table")]
    format: Format,
    /// The collection's date (YYYY-MM-DD); by default the newest published date in it.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<NaiveDate>,
    #[command(flatten)]
    read: ReadArgs,
}

/// How inputs are read and where the output goes: the options of every command that
/// reads files (`check`, `ingest`, `extract`).
#[derive(Debug, Args)]
struct ReadArgs {
    #[command(flatten)]
    config: ConfigFile,
    /// Let JSON Lines manifests name files outside their own folder.
    #[arg(long)]
    allow_outside_paths: bool,
    /// Write the output to a file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// No progress display and no problem lines on standard error.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct ConfigFile {
    /// Configuration file; by default copydesk.toml in the first input's folder (for
    /// `sources`, the current folder) or above.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Use the built-in defaults only.
    #[arg(long)]
    no_config: bool,
    /// Do not look for copydesk.toml beside the inputs: use --config FILE or the
    /// defaults. For CI on pull requests, whose inputs may bring a configuration of their
    /// own.
    #[arg(long)]
    no_discover: bool,
}

impl ConfigFile {
    fn lookup(&self) -> config::Lookup {
        config::Lookup { no_config: self.no_config, no_discover: self.no_discover }
    }
}

#[derive(Debug, Args)]
struct ConfigArgs {
    #[command(flatten)]
    file: ConfigFile,
    /// Where to look for copydesk.toml: the folder of the inputs.
    #[arg(value_name = "PATH", default_value = ".")]
    start: PathBuf,
}

/// The exit status of a run that wrote its report, by the one policy of `check` and
/// `ingest`: 1 when a finding `--fail-on` selects is new (a baseline's known findings do
/// not count), or when it selects `unreadable` and an input could not be read; else 0.
/// Says how many findings match on standard error unless `quiet` (each command says in
/// its own words what could not be read).
fn exit_status(report: &report::Report, selectors: &[String], quiet: bool) -> u8 {
    let matching = report
        .new_findings()
        .iter()
        .filter(|f| selectors.iter().any(|selector| findings::selects(selector, f)))
        .count();
    let unreadable = fails_on_unreadable(selectors) && report.input_failed();
    if matching > 0 && !quiet {
        eprintln!("copydesk: {matching} findings match --fail-on {}", selectors.join(","));
    }
    if matching > 0 || unreadable {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// The `--fail-on` selector for inputs that could not be read (not a finding).
const UNREADABLE: &str = "unreadable";

/// Whether `--fail-on` selects unreadable inputs.
fn fails_on_unreadable(selectors: &[String]) -> bool {
    selectors.iter().any(|s| s.eq_ignore_ascii_case(UNREADABLE))
}

fn parse_selector(value: &str) -> Result<String, String> {
    let mut known = findings::selector_names();
    known.push(UNREADABLE);
    let value = value.trim();
    if findings::RULES.iter().any(|r| r.code.eq_ignore_ascii_case(value))
        || known.contains(&value.replace('-', "_").to_lowercase().as_str())
    {
        Ok(value.to_string())
    } else {
        let codes: Vec<&str> = findings::RULES.iter().map(|r| r.code).collect();
        Err(format!(
            "{value:?} is not a finding kind or rule code (kinds: {}; codes: {})",
            known.join(", "),
            codes.join(", ")
        ))
    }
}

/// A number of seconds for `--timeout`: finite, from 0.001 to a day.
fn parse_timeout(value: &str) -> Result<f64, String> {
    let seconds: f64 = value.trim().parse().map_err(|_| format!("{value:?} is not a number of seconds"))?;
    config::real("timeout", seconds, 0.001, 86_400.0).map(|()| seconds)
}

/// A poll interval: a span of at least a second and at most a week.
fn parse_every(value: &str) -> Result<std::time::Duration, String> {
    let span = parse_span(value)?;
    if span > chrono::Duration::weeks(1) {
        return Err(format!("{value:?} is longer than a week"));
    }
    span.to_std().map_err(|_| format!("{value:?} is not a span such as 30s, 15m or 1h"))
}

/// A source score, 0 to 100.
fn parse_score(value: &str) -> Result<f64, String> {
    let score: f64 = value.trim().parse().map_err(|_| format!("{value:?} is not a number"))?;
    config::real("min-source-score", score, 0.0, 100.0).map(|()| score)
}

/// Parses a window length: `30d`, `12h`, `4w`, or a number of days.
fn parse_span(value: &str) -> std::result::Result<chrono::Duration, String> {
    let value = value.trim();
    let (number, unit) = match value.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => (&value[..at], value[at..].trim()),
        None => (value, "d"),
    };
    let n: i64 = number.parse().map_err(|_| format!("{value:?} is not a span such as 30d, 12h, 15m or 4w"))?;
    let span = match unit {
        "s" => chrono::Duration::try_seconds(n),
        "m" => chrono::Duration::try_minutes(n),
        "h" => chrono::Duration::try_hours(n),
        "d" => chrono::Duration::try_days(n),
        "w" => chrono::Duration::try_weeks(n),
        _ => None,
    };
    match span {
        Some(span) if n > 0 => Ok(span),
        _ => Err(format!("{value:?} is not a span such as 30d, 12h, 15m or 4w")),
    }
}

/// Parses the end of the window: a date (its end, midnight UTC after it) or RFC 3339.
fn parse_until(value: &str) -> std::result::Result<DateTime<Utc>, String> {
    if let Ok(date) = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") {
        if let Some(t) = date.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)) {
            return Ok(t.and_utc());
        }
    }
    DateTime::parse_from_rfc3339(value.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("{value:?} is not a date (YYYY-MM-DD) or an RFC 3339 time"))
}

fn parse_date(value: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| format!("{value:?} is not a date of the form YYYY-MM-DD"))
}

fn parse_time(value: &str) -> Result<DateTime<Utc>, String> {
    copydesk_core::util::parse_timestamp(value)
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("{value:?} is not a date (YYYY-MM-DD) or an RFC 3339 time"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("copydesk: error: {error:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Check(args) => check(args, cli.color),
        Command::Ingest(args) => ingest(args, cli.color),
        Command::Sources(args) => sources(args, cli.color),
        Command::Watch(args) => watch(args),
        Command::Extract(args) => extract(args, cli.color),
        Command::Archive(ArchiveCommand::Verify(args)) => verify(args),
        Command::Rule(args) => rule(args),
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(args.shell, &mut command, "copydesk", &mut std::io::stdout());
            Ok(EXIT_OK)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(<Cli as clap::CommandFactory>::command())
                .render(&mut page)
                .context("rendering the manual page")?;
            emit_text(&String::from_utf8_lossy(&page), None)?;
            Ok(EXIT_OK)
        }
        Command::Config(args) => {
            let loaded = config::resolve(args.file.config.as_deref(), args.file.lookup(), Some(&args.start))?;
            if let Some(path) = &loaded.path {
                println!("# from {}", path.display());
            }
            print!("{}", toml::to_string_pretty(&loaded.config).context("rendering the configuration")?);
            Ok(EXIT_OK)
        }
    }
}

fn rule(args: RuleArgs) -> Result<u8> {
    let start = std::env::current_dir().ok();
    let loaded = config::resolve(args.config.config.as_deref(), args.config.lookup(), start.as_deref())?;
    let settings = toml::Value::try_from(&loaded.config).context("reading the settings")?;
    let lookup = |setting: &str| {
        let (section, key) = setting.split_once('.')?;
        settings.get(section)?.get(key).map(ToString::to_string)
    };
    let rendered = match (args.format, args.code.as_deref()) {
        (RuleFormat::Markdown, None) => report::rules::markdown(&lookup),
        (RuleFormat::Json, None) => serde_json::to_string_pretty(findings::RULES).context("rendering JSON")? + "\n",
        (RuleFormat::Text, None) => report::rules::list(),
        (format, Some(code)) => {
            let Some(rule) = report::rules::find(code) else {
                let codes: Vec<&str> = findings::RULES.iter().map(|r| r.code).collect();
                anyhow::bail!("{code:?} is not a rule code or finding kind (codes: {})", codes.join(", "));
            };
            match format {
                RuleFormat::Json => serde_json::to_string_pretty(rule).context("rendering JSON")? + "\n",
                _ => report::rules::text(rule, &lookup),
            }
        }
    };
    emit_text(&rendered, None)?;
    Ok(EXIT_OK)
}

fn extract(args: ExtractArgs, color: ColorWhen) -> Result<u8> {
    let first_input = PathBuf::from(args.paths.iter().find(|p| *p != "-").map_or(".", String::as_str));
    let loaded = config::resolve(args.read.config.config.as_deref(), args.read.config.lookup(), Some(&first_input))?;
    let options = CheckOptions {
        inputs: args.paths.clone(),
        settings: loaded.config.settings(args.read.allow_outside_paths),
        as_of: None,
        progress: progress(args.read.quiet),
    };
    let extraction = engine::extract(&options)?;
    if !args.read.quiet {
        for problem in &extraction.problems {
            eprintln!("copydesk: {problem}");
        }
    }
    let format = match args.format {
        ExtractFormat::Table => Format::Table,
        ExtractFormat::Json => Format::Json,
        ExtractFormat::Jsonl => Format::Jsonl,
    };
    emit(Document::Extraction(&extraction), format, args.read.output.as_deref(), color, Texts::new())?;
    if extraction.items.is_empty() {
        anyhow::bail!("nothing readable in the inputs");
    }
    Ok(EXIT_OK)
}

fn check(args: CheckArgs, color: ColorWhen) -> Result<u8> {
    // Standard input has no folder: its configuration is the current folder's.
    let first_input = PathBuf::from(args.paths.iter().find(|p| *p != "-").map_or(".", String::as_str));
    let mut loaded = config::resolve(
        args.common.read.config.config.as_deref(),
        args.common.read.config.lookup(),
        Some(&first_input),
    )?;
    args.dating.apply(&mut loaded.config.date);
    if let Some(score) = args.min_source_score {
        loaded.config.score.min_source_score = score;
        loaded.config.sources.iter_mut().for_each(|s| s.min_score = None);
    }
    loaded.config.validate().map_err(|message| anyhow::anyhow!("invalid setting: {message}"))?;
    let options = CheckOptions {
        inputs: args.paths.clone(),
        settings: loaded.config.settings(args.common.read.allow_outside_paths),
        as_of: args.common.as_of,
        progress: progress(args.common.read.quiet),
    };
    if args.statistics && !matches!(args.common.format, Format::Table | Format::Json) {
        anyhow::bail!("--statistics prints a table or JSON, not {:?}", args.common.format);
    }
    let baseline =
        args.baseline.as_deref().map(|path| report::baseline::Baseline::read(path).map(|b| (b, path))).transpose()?;
    // The HTML page shows texts, read again from the inputs for the items it shows.
    let rereading = (args.common.format == Format::Html).then(|| options.clone());
    let cluster = args.cluster.cluster(args.common.read.quiet)?;
    let mut report = if args.archive.is_some() || args.paths.iter().any(|p| is_url(p)) {
        let run = RunOptions {
            inputs: args.paths.clone(),
            check: options,
            archive: args.archive.clone(),
            store: false,
            seen_at: Utc::now(),
        };
        match run_archive(&run, cluster.as_ref(), args.common.read.quiet)? {
            Some(report) => report,
            // The other processes compute only: process 0 writes the report.
            None => return Ok(EXIT_OK),
        }
    } else if let Some(cluster) = &cluster {
        let outcome = copydesk_dataflow::check(&options, cluster)?;
        say_share(cluster, &outcome, args.common.read.quiet);
        match outcome.result {
            Some(report) => report,
            None => return Ok(EXIT_OK),
        }
    } else {
        engine::check(&options)?
    };
    if let Some((baseline, path)) = &baseline {
        report.apply_baseline(baseline, path);
    }
    // Nothing read: a person gets the error, not an empty report; the machine formats
    // still get their document.
    if report.summary.items == 0 && args.common.format == Format::Table && !args.statistics {
        match report.problems.as_slice() {
            [only] => eprintln!("copydesk: error: {}: {}", only.path, only.message),
            problems => {
                for problem in problems {
                    eprintln!("copydesk: {problem}");
                }
                eprintln!("copydesk: error: no input could be read");
            }
        }
        return Ok(EXIT_ERROR);
    }
    if !args.common.read.quiet {
        for problem in &report.problems {
            eprintln!("copydesk: {problem}");
        }
    }
    if let Some(path) = &args.write_baseline {
        std::fs::write(path, report::baseline::Baseline::of(&report.findings).to_json())
            .with_context(|| format!("writing the baseline {}", path.display()))?;
    }
    if args.statistics {
        let statistics = report::statistics::Statistics::of(&report);
        let rendered = match args.common.format {
            Format::Json => statistics.json().context("rendering JSON")?,
            _ => statistics.table(),
        };
        emit_text(&rendered, args.common.read.output.as_deref())?;
    }
    let texts = match rereading {
        Some(mut options) => {
            options.inputs.retain(|p| p != "-" && !is_url(p));
            options.progress = std::sync::Arc::new(engine::Silent);
            let wanted = report::html::wanted(&report);
            let extraction = engine::extract_where(&options, |id| wanted.contains(id))?;
            extraction.items.into_iter().map(|item| (item.id, item.text)).collect()
        }
        None => report::html::Texts::new(),
    };
    if !args.statistics {
        emit(Document::Report(&report), args.common.format, args.common.read.output.as_deref(), color, texts)?;
    }
    if report.summary.items == 0 {
        eprintln!("copydesk: error: no input could be read");
        return Ok(EXIT_ERROR);
    }
    let mut selectors = args.fail_on.clone();
    if args.min_source_score.is_some() {
        selectors.push("low_source_score".to_string());
    }
    let status = exit_status(&report, &selectors, args.common.read.quiet);
    if fails_on_unreadable(&selectors) && report.input_failed() && !args.common.read.quiet {
        let n = report.summary.skipped;
        eprintln!("copydesk: {n} {} could not be read (--fail-on unreadable)", if n == 1 { "input" } else { "inputs" });
    }
    // The process ends next: the report's memory goes back with it, without being freed
    // piece by piece on one thread (about 0.25 s of a 200,000-item check).
    std::mem::forget(report);
    Ok(if args.exit_zero { EXIT_OK } else { status })
}

/// A run against the archive (or of URLs), its per-item stages spread over `cluster` when
/// one is given: the archive's own stages run at process 0, which returns the report; the
/// other processes analyze their share and return `None`.
fn run_archive(
    run: &RunOptions,
    cluster: Option<&copydesk_dataflow::Cluster>,
    quiet: bool,
) -> Result<Option<report::Report>> {
    let Some(cluster) = cluster else { return Ok(Some(engine::run::run(run)?)) };
    // Refused before process 0 opens (or creates) the archive.
    cluster.validate(&run.inputs)?;
    // Every process must find the same inputs: files and folders, never a fetch.
    let (expanded, _) = engine::run::expand_feed_lists(&run.inputs);
    if expanded.iter().any(|input| is_url(input)) {
        anyhow::bail!("--hosts and --workers read files and folders: fetch URLs and feeds with one process");
    }
    let check = CheckOptions { inputs: run.inputs.clone(), ..run.check.clone() };
    let spread = |inputs| copydesk_dataflow::analyze(inputs, &check, cluster);
    if cluster.process != 0 {
        let inputs = copydesk_ingest::discover(&run.inputs, &check.settings.ingest).context("finding the inputs")?;
        say_share(cluster, &spread(inputs)?, quiet);
        return Ok(None);
    }
    let report = engine::run::run_with(run, |inputs| {
        let outcome = spread(inputs).map_err(|e| engine::Error::Spread(e.into()))?;
        say_share(cluster, &outcome, quiet);
        outcome.result.ok_or_else(|| engine::Error::Spread("process 0 was given no items".into()))
    })?;
    Ok(Some(report))
}

/// Says on standard error what this process of a cluster did.
fn say_share<T>(cluster: &copydesk_dataflow::Cluster, outcome: &copydesk_dataflow::Outcome<T>, quiet: bool) {
    if cluster.hosts.is_some() && !quiet {
        let copydesk_dataflow::Outcome { analyzed, read, sent, received, .. } = outcome;
        eprintln!(
            "copydesk: process {} analysed {analyzed} items, reading {read} bytes of the inputs; \
             sent {sent} bytes, received {received}",
            cluster.process
        );
    }
}

fn ingest(args: IngestArgs, color: ColorWhen) -> Result<u8> {
    let first_input = args.paths.iter().find(|p| *p != "-" && !is_url(p)).map(PathBuf::from);
    let start = first_input.or_else(|| std::env::current_dir().ok());
    let loaded =
        config::resolve(args.common.read.config.config.as_deref(), args.common.read.config.lookup(), start.as_deref())?;
    let mut config = loaded.config;
    args.dating.apply(&mut config.date);
    if let Some(timeout) = args.timeout {
        config.fetch.timeout_seconds = timeout;
    }
    if let Some(bytes) = args.max_response_bytes {
        config.fetch.max_response_bytes = bytes;
    }
    config.validate().map_err(|message| anyhow::anyhow!("invalid setting: {message}"))?;
    let path = archive::resolve_path(args.archive.as_deref(), &config.archive, loaded.path.as_deref())
        .context("no archive path: give --archive DB, or set HOME or XDG_DATA_HOME")?;
    let options = RunOptions {
        inputs: args.paths.clone(),
        check: CheckOptions {
            inputs: Vec::new(),
            settings: config.settings(args.common.read.allow_outside_paths),
            as_of: args.common.as_of,
            progress: progress(args.common.read.quiet),
        },
        archive: Some(path),
        store: true,
        seen_at: args.seen_at.unwrap_or_else(Utc::now),
    };
    let cluster = args.cluster.cluster(args.common.read.quiet)?;
    let Some(report) = run_archive(&options, cluster.as_ref(), args.common.read.quiet)? else {
        // The other processes compute only: process 0 stores the items and writes the report.
        return Ok(EXIT_OK);
    };
    if !args.common.read.quiet {
        for problem in &report.problems {
            eprintln!("copydesk: {problem}");
        }
    }
    emit(Document::Report(&report), args.common.format, args.common.read.output.as_deref(), color, Texts::new())?;
    if report.read_nothing() {
        eprintln!("copydesk: error: no input could be read");
        return Ok(EXIT_ERROR);
    }
    // The unattended job fails on unreadable inputs unless --fail-on says otherwise.
    let selectors = if args.fail_on.is_empty() { vec![UNREADABLE.to_string()] } else { args.fail_on.clone() };
    if report.input_failed() && !args.common.read.quiet {
        let n = report.summary.skipped;
        eprintln!("copydesk: {n} {} could not be read; the rest was stored", if n == 1 { "input" } else { "inputs" });
    }
    Ok(exit_status(&report, &selectors, args.common.read.quiet))
}

fn watch(args: WatchArgs) -> Result<u8> {
    use copydesk_engine::watch::{self, WatchOptions};
    let start = std::env::current_dir().ok();
    let loaded = config::resolve(args.config.config.as_deref(), args.config.lookup(), start.as_deref())?;
    let mut config = loaded.config;
    args.dating.apply(&mut config.date);
    if let Some(timeout) = args.timeout {
        config.fetch.timeout_seconds = timeout;
    }
    config.validate().map_err(|message| anyhow::anyhow!("invalid setting: {message}"))?;
    let path = archive::resolve_path(args.archive.as_deref(), &config.archive, loaded.path.as_deref())
        .context("no archive path: give --archive DB, or set HOME or XDG_DATA_HOME")?;
    let (feeds, problems) = watch::feeds_of(&args.feeds);
    for problem in &problems {
        eprintln!("copydesk: {problem}");
    }
    if feeds.is_empty() {
        anyhow::bail!("no feed to watch");
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    #[cfg(unix)]
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, std::sync::Arc::clone(&stop)).context("handling signals")?;
    }
    let mut out: Box<dyn Write> = match &args.output {
        Some(file) => Box::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(file)
                .with_context(|| format!("opening {}", file.display()))?,
        ),
        None => Box::new(std::io::stdout()),
    };
    let options = WatchOptions {
        feeds,
        every: args.every,
        polls: args.polls,
        run: RunOptions {
            inputs: Vec::new(),
            check: CheckOptions { inputs: Vec::new(), settings: config.settings(false), ..CheckOptions::default() },
            archive: Some(path),
            store: true,
            seen_at: Utc::now(),
        },
    };
    let quiet = args.quiet;
    let format = args.format;
    let polls = watch::watch(&options, &stop, |poll| {
        if !quiet {
            for problem in &poll.report.problems {
                eprintln!("copydesk: {problem}");
            }
            eprintln!("copydesk: {}", poll_summary(&poll));
        }
        for finding in &poll.findings {
            match format {
                WatchFormat::Jsonl => {
                    let mut line = serde_json::to_value(finding)?;
                    line["polled_at"] = serde_json::json!(poll.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
                    writeln!(out, "{line}")?;
                }
                WatchFormat::Table => writeln!(
                    out,
                    "{}  {} {:<7}  {}: {}",
                    poll.at.format("%Y-%m-%d %H:%M:%S"),
                    finding.code,
                    finding.level.as_str(),
                    poll.report.label_of(&finding.item),
                    finding.message
                )?,
            }
        }
        out.flush()
    })?;
    if !quiet {
        eprintln!("copydesk: watch stopped after {polls} {}", if polls == 1 { "poll" } else { "polls" });
    }
    Ok(EXIT_OK)
}

/// One poll in a line: what the feeds gave and what was found.
fn poll_summary(poll: &copydesk_engine::watch::Poll<'_>) -> String {
    let feeds = poll.report.archive.as_ref().map(|a| a.feeds.as_slice()).unwrap_or_default();
    let count = |status: &str| feeds.iter().filter(|f| f.status == status).count();
    let new = poll.report.archive.as_ref().map_or(0, |a| a.new + a.edited);
    format!(
        "poll {} at {}: {} read, {} not modified, {} failed · {new} new items · {} new findings",
        poll.number,
        poll.at.format("%H:%M:%S"),
        count("read"),
        count("not_modified"),
        count("failed"),
        poll.findings.len()
    )
}

/// The formats of `copydesk sources`: a finding format has no findings to show here, so
/// asking for one is a usage error before the archive is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SourcesFormat {
    Table,
    Json,
    Markdown,
}

/// An existing archive opened read-only, with the settings of the configuration found
/// from the current folder (or given), for `sources` and `archive verify`.
fn read_archive(file: &ConfigFile, explicit: Option<&Path>) -> Result<(engine::Settings, PathBuf, archive::Archive)> {
    let start = std::env::current_dir().ok();
    let loaded = config::resolve(file.config.as_deref(), file.lookup(), start.as_deref())?;
    let path = archive::resolve_path(explicit, &loaded.config.archive, loaded.path.as_deref())
        .context("no archive path: give --archive DB, or set HOME or XDG_DATA_HOME")?;
    let settings = loaded.config.settings(false);
    let archive = archive::Archive::open(&path, archive::Mode::ReadOnly, settings.open_archive())?;
    Ok((settings, path, archive))
}

fn sources(args: SourcesArgs, color: ColorWhen) -> Result<u8> {
    let (settings, _, archive) = read_archive(&args.config, args.archive.as_deref())?;
    let by = match args.by {
        WindowByArg::FirstSeen => WindowBy::FirstSeen,
        WindowByArg::Published => WindowBy::Published,
    };
    let report = sources::sources_report(&archive, args.until.unwrap_or_else(Utc::now), args.since, by, &settings)?;
    let format = match args.format {
        SourcesFormat::Table => Format::Table,
        SourcesFormat::Json => Format::Json,
        SourcesFormat::Markdown => Format::Markdown,
    };
    emit(Document::Sources(&report), format, args.output.as_deref(), color, Texts::new())?;
    let Some(minimum) = args.min_source_score else { return Ok(EXIT_OK) };
    let below: Vec<String> = report
        .sources
        .iter()
        .filter_map(|s| s.score.filter(|&score| score < minimum).map(|score| format!("{} ({score})", s.name)))
        .collect();
    if below.is_empty() {
        return Ok(EXIT_OK);
    }
    eprintln!("copydesk: {} below --min-source-score {minimum}: {}", below.len(), below.join(", "));
    Ok(EXIT_FINDINGS)
}

fn verify(args: VerifyArgs) -> Result<u8> {
    let (_, path, archive) = read_archive(&args.config, args.archive.as_deref())?;
    let integrity = archive.integrity(true)?;
    if integrity.problems.is_empty() {
        println!("{}: ok ({} item versions; integrity_check found no problem)", path.display(), archive.count()?);
        return Ok(EXIT_OK);
    }
    println!("{}: damaged: integrity_check found {} problems", path.display(), integrity.problems.len());
    for problem in &integrity.problems {
        println!("  {problem}");
    }
    Ok(EXIT_FINDINGS)
}

/// Writes a document in a format to `-o FILE` or to standard output; the table is painted
/// as `color` says for where it goes.
fn emit(document: Document<'_>, format: Format, file: Option<&Path>, color: ColorWhen, texts: Texts) -> Result<()> {
    write_output(file, "the report", |out, terminal| {
        let renderer = format.renderer(RenderOptions { paint: color.paint(terminal), texts });
        renderer.write(document, out)
    })
}

/// Writes text that is not a document (statistics, a rule, the manual page).
fn emit_text(text: &str, file: Option<&Path>) -> Result<()> {
    write_output(file, "the output", |out, _| out.write_all(text.as_bytes()))
}

/// How much output is gathered before it is written. A report runs to tens of megabytes,
/// and each write is a call to the system: the JSON report of 20,000 items (48 MB) was
/// written in 205–274 ms 8 KiB at a time (the standard buffer), in 128–150 ms 256 KiB at
/// a time.
const OUTPUT_BUFFER: usize = 256 * 1024;

/// The one way copydesk writes its output: to `-o FILE`, else to standard output,
/// buffered; a closed pipe is no error. `write` is told whether it writes to a terminal.
fn write_output(
    file: Option<&Path>,
    what: &str,
    write: impl FnOnce(&mut dyn Write, bool) -> std::io::Result<()>,
) -> Result<()> {
    match file {
        Some(path) => std::fs::File::create(path)
            .and_then(|file| {
                let mut out = std::io::BufWriter::with_capacity(OUTPUT_BUFFER, file);
                write(&mut out, false)?;
                out.flush()
            })
            .with_context(|| format!("writing {what} to {}", path.display())),
        None => {
            let terminal = std::io::stdout().is_terminal();
            let mut out = std::io::BufWriter::with_capacity(OUTPUT_BUFFER, std::io::stdout().lock());
            match write(&mut out, terminal).and_then(|()| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                result => result.with_context(|| format!("writing {what}")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn spans_and_window_ends_parse() {
        assert_eq!(parse_span("30d"), Ok(chrono::Duration::days(30)));
        assert_eq!(parse_span("12h"), Ok(chrono::Duration::hours(12)));
        assert_eq!(parse_span("2w"), Ok(chrono::Duration::weeks(2)));
        assert_eq!(parse_span("7"), Ok(chrono::Duration::days(7)));
        assert!(parse_span("soon").is_err());
        assert!(parse_span("0d").is_err());
        let end = parse_until("2025-03-31").expect("date");
        assert_eq!(end, Utc.with_ymd_and_hms(2025, 4, 1, 0, 0, 0).single().expect("time"));
    }
}
