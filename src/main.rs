//! The `copydesk` command: a thin layer over the library that parses arguments, runs the
//! pipeline and maps results to exit codes.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use copydesk::config;
use copydesk::pipeline::{self, CheckOptions};
use copydesk::report::{self, findings, Format};

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
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Screen files, folders and feeds and print the report.
    Check(CheckArgs),
    /// Print the effective configuration (defaults, then copydesk.toml) as TOML.
    Config(ConfigArgs),
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Files, folders (read recursively) or `-` for standard input (JSON Lines, or any
    /// format recognised by its content).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value = "table")]
    format: Format,
    /// The collection's date (YYYY-MM-DD); by default the newest published date in it.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<NaiveDate>,
    /// Exit with status 1 when a finding of these kinds or rule codes is present
    /// (comma-separated: copy, exact, near_duplicate, partial_copy, CD101, …).
    #[arg(long, value_name = "KINDS", value_delimiter = ',', value_parser = parse_selector)]
    fail_on: Vec<String>,
    /// Exit with status 0 even when findings match --fail-on (errors still exit 2).
    #[arg(long)]
    exit_zero: bool,
    /// A timeline of dated events and office holders (TOML) to date content by; may be
    /// given more than once. Added after those of the configuration; later entries win.
    #[arg(long, value_name = "FILE")]
    timeline: Vec<PathBuf>,
    /// An item is stale when its content ends more than this many days before its framing
    /// date (default 30, or `[date] max_age_days`).
    #[arg(long, value_name = "DAYS")]
    max_age: Option<u32>,
    #[command(flatten)]
    config: ConfigFile,
    /// Let JSON Lines manifests name files outside their own folder.
    #[arg(long)]
    allow_outside_paths: bool,
    /// Write the report to a file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// No progress display and no problem lines on standard error.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct ConfigFile {
    /// Configuration file; by default copydesk.toml in the first input's folder or above.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Use the built-in defaults only.
    #[arg(long)]
    no_config: bool,
}

#[derive(Debug, Args)]
struct ConfigArgs {
    #[command(flatten)]
    file: ConfigFile,
    /// Where to look for copydesk.toml: the folder of the inputs.
    #[arg(value_name = "PATH", default_value = ".")]
    start: PathBuf,
}

fn parse_selector(value: &str) -> Result<String, String> {
    let known = findings::selector_names();
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

fn parse_date(value: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| format!("{value:?} is not a date of the form YYYY-MM-DD"))
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
        Command::Check(args) => check(args),
        Command::Config(args) => {
            let loaded = config::resolve(args.file.config.as_deref(), args.file.no_config, Some(&args.start))?;
            if let Some(path) = &loaded.path {
                println!("# from {}", path.display());
            }
            print!("{}", toml::to_string_pretty(&loaded.config).context("rendering the configuration")?);
            Ok(EXIT_OK)
        }
    }
}

fn check(args: CheckArgs) -> Result<u8> {
    // Standard input has no folder: its configuration is the current folder's.
    let first_input = PathBuf::from(args.paths.iter().find(|p| *p != "-").map_or(".", String::as_str));
    let mut loaded = config::resolve(args.config.config.as_deref(), args.config.no_config, Some(&first_input))?;
    loaded.config.date.timelines.extend(args.timeline.iter().cloned());
    if let Some(days) = args.max_age {
        loaded.config.date.max_age_days = days;
    }
    let options = CheckOptions {
        inputs: args.paths.clone(),
        config: loaded.config,
        allow_outside_paths: args.allow_outside_paths,
        as_of: args.as_of,
        progress: !args.quiet && std::io::stderr().is_terminal(),
    };
    let report = pipeline::check(&options)?;
    if !args.quiet {
        for problem in &report.problems {
            eprintln!("copydesk: {problem}");
        }
    }
    let written = match &args.output {
        Some(path) => std::fs::File::create(path)
            .and_then(|file| {
                let mut out = std::io::BufWriter::new(file);
                report::write(&report, args.format, &mut out)?;
                out.flush()
            })
            .with_context(|| format!("writing the report to {}", path.display())),
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            match report::write(&report, args.format, &mut out).and_then(|()| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                result => result.context("writing the report"),
            }
        }
    };
    written?;
    if report.summary.items == 0 {
        eprintln!("copydesk: error: no input could be read");
        return Ok(EXIT_ERROR);
    }
    let matching = report
        .all_findings()
        .iter()
        .filter(|f| args.fail_on.iter().any(|selector| findings::selects(selector, f)))
        .count();
    if matching > 0 {
        if !args.quiet {
            eprintln!("copydesk: {matching} findings match --fail-on {}", args.fail_on.join(","));
        }
        if !args.exit_zero {
            return Ok(EXIT_FINDINGS);
        }
    }
    Ok(EXIT_OK)
}
