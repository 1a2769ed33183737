//! `copydesk watch`: poll a list of feeds into the archive, each feed on its own schedule,
//! and hand on the findings about items the archive had not seen.
//!
//! Every feed is polled every `every` at most as often as its server allows: an answer's
//! `Cache-Control: max-age` and a refusal's `Retry-After` push its next poll later, and
//! each failure in a row doubles the wait (up to [`MAX_BACKOFF_DOUBLINGS`] times, and never
//! past [`MAX_WAIT`]). A poll is one `ingest` of the feeds due: one transaction, with
//! conditional GET from the validators the archive keeps.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};

use copydesk_core::model::Problem;
use copydesk_core::verdict::findings::Finding;
use copydesk_ingest::{feedlist, fetch};
use copydesk_report::Report;

use crate::run::{self, RunOptions};
use crate::{Error, Result};

/// Failures in a row after which the back-off stops doubling.
pub const MAX_BACKOFF_DOUBLINGS: u32 = 6;
/// The longest a feed waits between polls, whatever its server asks.
pub const MAX_WAIT: Duration = Duration::from_secs(24 * 3600);

/// One feed's place in the schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedState {
    pub url: String,
    /// When it is next due.
    pub next: DateTime<Utc>,
    /// Failed polls in a row.
    pub failures: u32,
}

/// When each feed is next polled.
#[derive(Debug, Clone)]
pub struct Schedule {
    every: Duration,
    feeds: Vec<FeedState>,
}

/// What one poll of a feed gave, for the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub failed: bool,
    /// What the server asked: seconds to wait before the next request.
    pub wait_seconds: Option<u64>,
}

impl Schedule {
    /// Every feed due at once, `now`.
    pub fn new(urls: &[String], every: Duration, now: DateTime<Utc>) -> Schedule {
        let feeds = urls.iter().map(|url| FeedState { url: url.clone(), next: now, failures: 0 }).collect();
        Schedule { every, feeds }
    }

    /// The feeds due at `now`, in list order.
    pub fn due(&self, now: DateTime<Utc>) -> Vec<String> {
        self.feeds.iter().filter(|f| f.next <= now).map(|f| f.url.clone()).collect()
    }

    /// When the next feed falls due.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        self.feeds.iter().map(|f| f.next).min()
    }

    pub fn feeds(&self) -> &[FeedState] {
        &self.feeds
    }

    /// Places a feed after a poll at `now`.
    pub fn record(&mut self, url: &str, outcome: Outcome, now: DateTime<Utc>) {
        let every = self.every;
        let Some(feed) = self.feeds.iter_mut().find(|f| f.url == url) else { return };
        feed.failures = if outcome.failed { feed.failures.saturating_add(1) } else { 0 };
        let doublings = feed.failures.min(MAX_BACKOFF_DOUBLINGS);
        let backoff = every.saturating_mul(1 << doublings);
        let asked = Duration::from_secs(outcome.wait_seconds.unwrap_or(0));
        let wait = backoff.max(asked).min(MAX_WAIT).max(every.min(MAX_WAIT));
        feed.next = now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::days(1));
    }
}

/// The feeds a list of arguments names: URLs as they are; files holding OPML or one URL
/// per line, by the URLs in them. A file that is neither is a problem.
pub fn feeds_of(arguments: &[String]) -> (Vec<String>, Vec<Problem>) {
    let mut urls: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    let add = |url: String, urls: &mut Vec<String>| {
        if !urls.contains(&url) {
            urls.push(url);
        }
    };
    for argument in arguments {
        if fetch::is_url(argument) {
            add(argument.clone(), &mut urls);
            continue;
        }
        let path = Path::new(argument);
        let bytes = match std::fs::metadata(path) {
            Ok(meta) if !meta.is_file() => Err("not a regular file".to_string()),
            Ok(meta) if meta.len() > 16 << 20 => Err("larger than 16 MiB: not a feed list".to_string()),
            Ok(_) => std::fs::read(path).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        let listed = bytes.and_then(|bytes| {
            if feedlist::is_opml(&bytes) {
                feedlist::opml_urls(&bytes).map_err(|e| e.to_string())
            } else {
                feedlist::url_list(&String::from_utf8_lossy(&bytes))
                    .ok_or_else(|| "neither a URL, an OPML file nor a file of URLs (one per line)".to_string())
            }
        });
        match listed {
            Ok(listed) => listed.into_iter().for_each(|url| add(url, &mut urls)),
            Err(message) => problems.push(Problem::skipped(argument, None, message)),
        }
    }
    (urls, problems)
}

/// What `watch` is asked to do.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    pub feeds: Vec<String>,
    pub every: Duration,
    /// Stop after this many polls; `None` runs until stopped.
    pub polls: Option<u64>,
    /// The run of each poll: its archive, settings; its `inputs` are the feeds due.
    pub run: RunOptions,
}

/// One poll done: when, the report of its ingest, and the findings about items the
/// archive had not seen (new items and new versions).
pub struct Poll<'a> {
    pub number: u64,
    pub at: DateTime<Utc>,
    pub report: &'a Report,
    pub findings: Vec<Finding>,
}

/// Polls until `polls` are done or `stop` is set (checked between polls and while
/// waiting; a poll under way finishes, its transaction with it). Each poll is handed to
/// `on_poll`; an error it returns stops the watch.
pub fn watch(
    options: &WatchOptions,
    stop: &AtomicBool,
    mut on_poll: impl FnMut(Poll<'_>) -> std::io::Result<()>,
) -> Result<u64> {
    let mut schedule = Schedule::new(&options.feeds, options.every, Utc::now());
    let mut done = 0;
    while options.polls.is_none_or(|n| done < n) {
        if !wait_until(schedule.next_due(), stop) {
            break;
        }
        let at = Utc::now();
        let due = schedule.due(at);
        let mut run = options.run.clone();
        run.inputs = due.clone();
        run.seen_at = at;
        let report = run::run(&run)?;
        let feeds = report.archive.as_ref().map(|a| a.feeds.as_slice()).unwrap_or_default();
        for url in &due {
            let shown = fetch::redact(url);
            let fed = feeds.iter().find(|f| f.url == shown);
            let outcome = Outcome {
                failed: fed.is_none_or(|f| f.status == "failed"),
                wait_seconds: fed.and_then(|f| f.wait_seconds),
            };
            schedule.record(url, outcome, Utc::now());
        }
        done += 1;
        let findings = report
            .new_findings()
            .into_iter()
            .filter(|f| {
                report.item(&f.item).is_some_and(|i| i.archive.as_ref().is_none_or(|a| a.status != "unchanged"))
            })
            .collect();
        on_poll(Poll { number: done, at, report: &report, findings }).map_err(Error::Output)?;
    }
    Ok(done)
}

/// Sleeps until `when` (at once when it is past or `None`); `false` when `stop` was set.
fn wait_until(when: Option<DateTime<Utc>>, stop: &AtomicBool) -> bool {
    let step = Duration::from_millis(100);
    loop {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        let left = when.map_or(Duration::ZERO, |w| (w - Utc::now()).to_std().unwrap_or(Duration::ZERO));
        if left.is_zero() {
            return true;
        }
        std::thread::sleep(left.min(step));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + seconds, 0).expect("time")
    }

    fn urls() -> Vec<String> {
        vec!["http://127.0.0.1:1/a".to_string(), "http://127.0.0.1:1/b".to_string()]
    }

    #[test]
    fn every_feed_is_due_at_first_then_every_interval() {
        let mut schedule = Schedule::new(&urls(), Duration::from_secs(60), at(0));
        assert_eq!(schedule.due(at(0)), urls());
        schedule.record(&urls()[0], Outcome { failed: false, wait_seconds: None }, at(0));
        assert_eq!(schedule.due(at(0)), vec![urls()[1].clone()]);
        schedule.record(&urls()[1], Outcome { failed: false, wait_seconds: None }, at(0));
        assert!(schedule.due(at(59)).is_empty());
        assert_eq!(schedule.due(at(60)), urls());
        assert_eq!(schedule.next_due(), Some(at(60)));
    }

    #[test]
    fn the_server_can_ask_for_a_longer_wait_not_a_shorter_one() {
        let mut schedule = Schedule::new(&urls(), Duration::from_secs(60), at(0));
        schedule.record(&urls()[0], Outcome { failed: false, wait_seconds: Some(600) }, at(0));
        schedule.record(&urls()[1], Outcome { failed: false, wait_seconds: Some(5) }, at(0));
        assert_eq!(schedule.feeds()[0].next, at(600));
        assert_eq!(schedule.feeds()[1].next, at(60));
        // A year of max-age is held to the longest wait.
        schedule.record(&urls()[0], Outcome { failed: false, wait_seconds: Some(365 * 86_400) }, at(0));
        assert_eq!(schedule.feeds()[0].next, at(86_400));
    }

    #[test]
    fn failures_back_off_exponentially_and_success_resets() {
        let mut schedule = Schedule::new(&urls(), Duration::from_secs(10), at(0));
        let failed = Outcome { failed: true, wait_seconds: None };
        let waits: Vec<i64> = (0..9)
            .map(|_| {
                schedule.record(&urls()[0], failed, at(0));
                (schedule.feeds()[0].next - at(0)).num_seconds()
            })
            .collect();
        assert_eq!(waits, [20, 40, 80, 160, 320, 640, 640, 640, 640]);
        // Retry-After of a refusal counts when it is longer.
        schedule.record(&urls()[0], Outcome { failed: true, wait_seconds: Some(3600) }, at(0));
        assert_eq!(schedule.feeds()[0].next, at(3600));
        schedule.record(&urls()[0], Outcome { failed: false, wait_seconds: None }, at(0));
        assert_eq!((schedule.feeds()[0].failures, schedule.feeds()[0].next), (0, at(10)));
    }
}
