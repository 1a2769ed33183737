//! Reading feeds and pages over HTTP(S): conditional GET with the validators the archive
//! kept from the last read (ETag, Last-Modified), a time limit, a bounded number of
//! redirects and a cap on the response size. Each failure is one sentence that says what
//! went wrong; the caller reports it with the URL.

use std::collections::HashMap;
use std::io::Read;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::screen::FeedValidators;
use crate::ingest::human_bytes;

/// Settings of feed fetching that a configuration file may set (`[fetch]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FetchConfig {
    /// The longest a whole request may take, connection and body included.
    pub timeout_seconds: f64,
    /// The largest response body read; a larger one is a failure.
    pub max_response_bytes: u64,
    /// Redirects followed before giving up.
    pub max_redirects: u32,
    /// Feeds fetched at the same time.
    pub parallel: usize,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig { timeout_seconds: 30.0, max_response_bytes: 16 * 1024 * 1024, max_redirects: 5, parallel: 8 }
    }
}

/// Whether a command-line input is a URL to fetch rather than a path.
pub fn is_url(input: &str) -> bool {
    let lower = input.get(..8).unwrap_or(input).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The validators kept from a feed's last read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What one fetch gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The body, with the validators to send next time.
    Body { status: u16, bytes: Vec<u8>, validators: Validators, charset: Option<String> },
    /// `304 Not Modified`: nothing new since the last read.
    NotModified,
    /// Why the feed could not be read.
    Failed(String),
}

/// One URL and what fetching it gave.
#[derive(Debug, Clone)]
pub struct Fetch {
    pub url: String,
    pub fetched: Fetched,
    pub at: DateTime<Utc>,
}

/// Fetches every URL, several at a time, each with its validators if the archive kept
/// some. The results are in the order of `urls`.
pub fn fetch_all(urls: &[String], validators: &HashMap<String, Validators>, config: &FetchConfig) -> Vec<Fetch> {
    let agent = agent(config);
    let mut results: Vec<Fetch> = Vec::with_capacity(urls.len());
    for chunk in urls.chunks(config.parallel.max(1)) {
        let fetched: Vec<Fetch> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|url| {
                    let agent = agent.clone();
                    scope.spawn(move || {
                        let at = Utc::now();
                        Fetch { url: url.clone(), fetched: fetch(&agent, url, validators.get(url), config), at }
                    })
                })
                .collect();
            handles
                .into_iter()
                .zip(chunk)
                .map(|(handle, url)| {
                    handle.join().unwrap_or_else(|_| Fetch {
                        url: url.clone(),
                        fetched: Fetched::Failed("the fetch failed unexpectedly".into()),
                        at: Utc::now(),
                    })
                })
                .collect()
        });
        results.extend(fetched);
    }
    results
}

fn agent(config: &FetchConfig) -> ureq::Agent {
    let timeout = Duration::from_secs_f64(config.timeout_seconds.max(0.001));
    ureq::AgentBuilder::new()
        .timeout(timeout)
        .redirects(config.max_redirects)
        .user_agent(concat!("copydesk/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Fetches one URL.
pub fn fetch(agent: &ureq::Agent, url: &str, validators: Option<&Validators>, config: &FetchConfig) -> Fetched {
    let mut request = agent.get(url);
    if let Some(validators) = validators {
        if let Some(etag) = &validators.etag {
            request = request.set("If-None-Match", etag);
        }
        if let Some(modified) = &validators.last_modified {
            request = request.set("If-Modified-Since", modified);
        }
    }
    let response = match request.call() {
        Ok(response) => response,
        Err(ureq::Error::Status(code, response)) => {
            return Fetched::Failed(format!("HTTP {code} {}", response.status_text()).trim_end().to_string())
        }
        Err(ureq::Error::Transport(transport)) => return Fetched::Failed(describe(&transport, config)),
    };
    let status = response.status();
    if status == 304 {
        return Fetched::NotModified;
    }
    if !(200..300).contains(&status) {
        return Fetched::Failed(format!("HTTP {status} {}", response.status_text()).trim_end().to_string());
    }
    let limit = config.max_response_bytes;
    let too_large = |size: u64| {
        Fetched::Failed(format!("response of {} is larger than the {} limit", human_bytes(size), human_bytes(limit)))
    };
    if let Some(length) = response.header("Content-Length").and_then(|v| v.trim().parse::<u64>().ok()) {
        if length > limit {
            return too_large(length);
        }
    }
    let validators = Validators {
        etag: response.header("ETag").map(str::to_string),
        last_modified: response.header("Last-Modified").map(str::to_string),
    };
    let charset = response.header("Content-Type").and_then(crate::ingest::encoding::content_type_charset);
    let mut bytes = Vec::new();
    if let Err(e) = response.into_reader().take(limit + 1).read_to_end(&mut bytes) {
        return Fetched::Failed(describe_io(&e, config));
    }
    if bytes.len() as u64 > limit {
        return Fetched::Failed(format!("response is larger than the {} limit", human_bytes(limit)));
    }
    Fetched::Body { status, bytes, validators, charset }
}

fn describe(transport: &ureq::Transport, config: &FetchConfig) -> String {
    use ureq::ErrorKind;
    match transport.kind() {
        ErrorKind::TooManyRedirects => format!("more than {} redirects", config.max_redirects),
        ErrorKind::Dns => "host not found".to_string(),
        ErrorKind::ConnectionFailed => match std::error::Error::source(transport) {
            Some(source) => format!("connection failed: {source}"),
            None => "connection failed".to_string(),
        },
        ErrorKind::Io => {
            let io = std::error::Error::source(transport).and_then(|s| s.downcast_ref::<std::io::Error>());
            match io {
                Some(e) => describe_io(e, config),
                None => format!("network error: {}", transport.message().unwrap_or("unknown")),
            }
        }
        ErrorKind::InvalidUrl | ErrorKind::UnknownScheme => "not a valid http(s) URL".to_string(),
        _ => match transport.message() {
            Some(message) => format!("{}: {message}", transport.kind()),
            None => transport.kind().to_string(),
        },
    }
}

fn describe_io(error: &std::io::Error, config: &FetchConfig) -> String {
    match error.kind() {
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
            format!("no complete response within {} s", config.timeout_seconds)
        }
        _ => format!("network error: {error}"),
    }
}

/// The validators the archive kept for these URLs.
pub fn load_validators(conn: &Connection, urls: &[String]) -> rusqlite::Result<HashMap<String, Validators>> {
    let mut select = conn.prepare_cached("SELECT etag, last_modified FROM feeds WHERE url = ?1")?;
    let mut found = HashMap::new();
    for url in urls {
        let row = select
            .query_row([url], |row| {
                Ok(Validators { etag: row.get::<_, Option<String>>(0)?, last_modified: row.get(1)? })
            })
            .optional()?;
        if let Some(validators) = row.filter(|v| v.etag.is_some() || v.last_modified.is_some()) {
            found.insert(url.clone(), validators);
        }
    }
    Ok(found)
}

/// Keeps the validators of the feeds read in this run, in the run's transaction.
pub(crate) fn save_validators(conn: &Connection, feeds: &[FeedValidators], at: DateTime<Utc>) -> rusqlite::Result<()> {
    let mut upsert = conn.prepare_cached(
        "INSERT INTO feeds (url, etag, last_modified, checked) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, \
         checked = excluded.checked",
    )?;
    for feed in feeds {
        upsert.execute((&feed.url, &feed.etag, &feed.last_modified, at.timestamp()))?;
    }
    Ok(())
}

impl super::Archive {
    /// The validators the archive kept for these feed URLs.
    pub fn validators(&self, urls: &[String]) -> super::Result<HashMap<String, Validators>> {
        load_validators(&self.conn, urls).map_err(|e| self.sql(e))
    }
}
