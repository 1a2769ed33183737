//! The runs of `copydesk ingest` and `copydesk check --archive`: read the inputs (paths,
//! and URLs fetched over HTTP(S)), analyze and relate them as `copydesk check` does,
//! screen them against the archive, store them when ingesting, and build the report.

use std::collections::HashMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use copydesk_archive::{Archive, ArchiveError, Batch, FeedValidators, Mode};
use copydesk_core::analysis::Analyzed;
use copydesk_core::model::{Problem, Severity};
use copydesk_core::verdict::History;
use copydesk_ingest::fetch::{self, Fetch, Fetched};
use copydesk_ingest::{self as ingest, InputFile, Inputs};
use copydesk_report::{self as report, ArchiveSection, FeedReport, Report};

use crate::pipeline::{self, Analysis, CheckOptions};
use crate::{Error, Result};

/// What a run against the archive is asked to do.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Files, folders, `-` for JSON Lines on standard input, and `http(s)://` URLs.
    pub inputs: Vec<String>,
    /// The settings of the per-item stages; its `inputs` are ignored.
    pub check: CheckOptions,
    /// The archive; `None` reads URLs without any archive (`copydesk check` of a URL).
    pub archive: Option<PathBuf>,
    /// Store the items (`copydesk ingest`) or only screen them.
    pub store: bool,
    /// The time recorded as first seen for the items stored.
    pub seen_at: DateTime<Utc>,
}

/// Runs the inputs against the archive and returns the report. Errors of the archive
/// (missing, foreign, of other settings, unwritable) stop the run before any input is
/// read; problems with single inputs and feeds are in the report.
pub fn run(options: &RunOptions) -> Result<Report> {
    run_with(options, |inputs| pipeline::analyze_inputs(&inputs, &options.check))
}

/// [`run`], with the per-item stages run by `analyze` on the inputs found: on the
/// processes of a cluster, say, which must find the same inputs for the same arguments
/// (files and folders then, never URLs). The archive is opened and checked first, as in
/// [`run`], and its stages run here.
pub fn run_with(options: &RunOptions, analyze: impl FnOnce(Inputs) -> Result<Analysis>) -> Result<Report> {
    let config = &options.check.settings;
    let mut archive = match &options.archive {
        Some(path) => {
            let mode = if options.store { Mode::Create } else { Mode::ReadOnly };
            let archive = Archive::open(path, mode, config.open_archive())?;
            archive.check_settings(&config.fingerprint, &config.relate)?;
            if options.store {
                // A damaged page is found before anything is added on top of it.
                let integrity = archive.integrity(false)?;
                if !integrity.problems.is_empty() {
                    let mut problems = integrity.problems.iter().take(3).cloned().collect::<Vec<_>>().join("; ");
                    if integrity.problems.len() > 3 {
                        problems.push_str(&format!("; {} more", integrity.problems.len() - 3));
                    }
                    return Err(ArchiveError::Corrupt { path: path.clone(), problems }.into());
                }
            }
            Some(archive)
        }
        None => None,
    };

    let (inputs, list_problems) = expand_feed_lists(&options.inputs);
    let (urls, paths): (Vec<String>, Vec<String>) = inputs.into_iter().partition(|i| fetch::is_url(i));
    let ingest_options = pipeline::ingest_options(&options.check);
    let mut inputs = ingest::discover(&paths, &ingest_options).map_err(Error::Inputs)?;
    inputs.problems.extend(list_problems);

    // Fetch the URLs, each body spooled to a file read like any other input.
    let validators = match (&archive, options.store) {
        (Some(archive), true) => archive
            .validators(&urls.iter().map(|url| fetch::redact(url)).collect::<Vec<_>>())?
            .into_iter()
            .map(|(url, kept)| (url, fetch::Validators { etag: kept.etag, last_modified: kept.last_modified }))
            .collect(),
        _ => HashMap::new(),
    };
    let fetches = fetch::fetch_all(&urls, &validators, &config.fetch);
    let mut spooled = Vec::new();
    for one in &fetches {
        match &one.fetched {
            Fetched::Body { bytes, charset, .. } => {
                let file = spool(bytes).map_err(Error::Inputs)?;
                inputs.files.push(InputFile {
                    path: file.path().to_path_buf(),
                    display: one.url.clone(),
                    id: one.url.clone(),
                    folder: std::path::PathBuf::from("."),
                    fetched: Some(one.at.fixed_offset()),
                    charset: charset.clone(),
                });
                spooled.push(file);
            }
            Fetched::NotModified => {}
            Fetched::Failed(message) => inputs.problems.push(Problem::skipped(&one.url, None, message)),
        }
    }

    let files = inputs.files.len();
    let analysis = analyze(inputs)?;
    drop(spooled);
    let analyzed = analysis.analyzed;
    let related = pipeline::relate(&analyzed, config)?;
    let feeds = feed_reports(&fetches, &analyzed, &analysis.problems);
    let input = |analyzed, verdicts, archive| report::Input {
        analyzed,
        verdicts,
        problems: analysis.problems.clone(),
        files,
        as_of: analysis.as_of,
        candidates: related.stats,
        configuration: config.configuration.clone(),
        archive,
    };

    let Some(archive) = archive.as_mut() else {
        let verdicts = pipeline::judge(&analyzed, &related, None, config);
        return Ok(report::build(input(analyzed, verdicts, None)));
    };
    // The validators to keep for the next conditional GET of each feed read.
    let keep: Vec<FeedValidators> = fetches
        .iter()
        .zip(&feeds)
        .filter_map(|(fetch, report)| match &fetch.fetched {
            Fetched::Body { validators, .. } if report.status == "read" => Some(FeedValidators {
                url: fetch.url.clone(),
                etag: validators.etag.clone(),
                last_modified: validators.last_modified.clone(),
            }),
            _ => None,
        })
        .collect();
    let (screening, verdicts) = if options.store {
        // Screened and stored in one transaction: the items are judged against
        // everything stored before them, and stored with the standing they were judged to
        // have.
        let mut ingest = archive.begin_ingest()?;
        let screening = ingest.screen(&analyzed, &config.relate, &config.story)?;
        let history = History { screening: &screening, stored: true, seen_at: options.seen_at };
        let verdicts = pipeline::judge(&analyzed, &related, Some(history), config);
        let batch = Batch { analyzed: &analyzed, related: &related, seen_at: options.seen_at, feeds: &keep };
        ingest.store(batch, &screening, &verdicts.facts)?;
        ingest.commit()?;
        (screening, verdicts)
    } else {
        let screening = archive.screen(&analyzed, &config.relate, &config.story)?;
        let history = History { screening: &screening, stored: false, seen_at: options.seen_at };
        let verdicts = pipeline::judge(&analyzed, &related, Some(history), config);
        (screening, verdicts)
    };
    let section = ArchiveSection {
        path: archive.path().display().to_string(),
        stored: options.store,
        seen_at: options.seen_at,
        items_before: screening.archived_before,
        items_after: archive.count()?,
        lookups: screening.stats,
        feeds,
    };
    Ok(report::build(input(analyzed, verdicts, Some(section))))
}

fn spool(bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    use std::io::Write;
    let mut file = tempfile::NamedTempFile::new()?;
    file.write_all(bytes)?;
    file.flush()?;
    Ok(file)
}

/// The inputs with each OPML file given by name replaced by the feeds it lists (folders
/// are walked for articles, not for feed lists). An OPML file that cannot be read is a
/// problem, and its place is left out.
pub fn expand_feed_lists(inputs: &[String]) -> (Vec<String>, Vec<Problem>) {
    use copydesk_ingest::feedlist;
    let mut expanded = Vec::with_capacity(inputs.len());
    let mut problems = Vec::new();
    for input in inputs {
        let path = std::path::Path::new(input);
        let is_file = input != "-" && !fetch::is_url(input) && std::fs::metadata(path).is_ok_and(|m| m.is_file());
        let head = is_file.then(|| read_head(path)).flatten();
        if !head.as_deref().is_some_and(feedlist::is_opml) {
            expanded.push(input.clone());
            continue;
        }
        let read = std::fs::read(path).map_err(|e| e.to_string());
        match read.and_then(|bytes| feedlist::opml_urls(&bytes).map_err(|e| e.to_string())) {
            Ok(urls) => expanded.extend(urls),
            Err(message) => problems.push(Problem::skipped(input, None, message)),
        }
    }
    (expanded, problems)
}

/// The first 4 KiB of a file, enough to tell an OPML list.
fn read_head(path: &std::path::Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path).ok()?.take(4096).read_to_end(&mut head).ok()?;
    Some(head)
}

/// What became of each URL: read (with its items), not modified, or failed — a feed whose
/// body could not be read as articles failed too.
fn feed_reports(fetches: &[Fetch], analyzed: &[Analyzed], problems: &[Problem]) -> Vec<FeedReport> {
    fetches
        .iter()
        .map(|fetch| {
            let url = fetch.url.as_str();
            let items = analyzed.iter().filter(|a| a.item.location.as_ref().is_some_and(|l| l.path == url)).count();
            match &fetch.fetched {
                Fetched::Body { status, bytes, .. } => {
                    let skipped = problems.iter().find(|p| p.path == url && p.severity == Severity::Skipped);
                    FeedReport {
                        url: url.to_string(),
                        status: if skipped.is_some() && items == 0 { "failed" } else { "read" },
                        http_status: Some(*status),
                        bytes: Some(bytes.len()),
                        items,
                        error: skipped.filter(|_| items == 0).map(|p| p.message.clone()),
                        wait_seconds: fetch.wait_seconds,
                    }
                }
                Fetched::NotModified => FeedReport {
                    url: url.to_string(),
                    status: "not_modified",
                    http_status: Some(304),
                    bytes: None,
                    items: 0,
                    error: None,
                    wait_seconds: fetch.wait_seconds,
                },
                Fetched::Failed(message) => FeedReport {
                    url: url.to_string(),
                    status: "failed",
                    http_status: None,
                    bytes: None,
                    items: 0,
                    error: Some(message.clone()),
                    wait_seconds: fetch.wait_seconds,
                },
            }
        })
        .collect()
}
