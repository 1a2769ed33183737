//! Reading feeds and pages over HTTP(S): conditional GET with the validators the archive
//! kept from the last read (ETag, Last-Modified), a time limit, a bounded number of
//! redirects and a cap on the response size. Redirects are followed here, one hop at a
//! time, under a [`Policy`]: http and https only, and no move from a public address to a
//! private, loopback or link-local one unless that URL was given or the configuration
//! allows it; each hop connects to the very addresses that were checked. Credentials in a
//! URL (`user:password@`) are used for the request and never reported or stored. Each failure is one sentence that says what
//! went wrong; the caller reports it with the URL.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::human_bytes;

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
    /// Follow a redirect from a public address to a private, loopback or link-local one.
    pub allow_private_redirects: bool,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            timeout_seconds: 30.0,
            max_response_bytes: 16 * 1024 * 1024,
            max_redirects: 5,
            parallel: 8,
            allow_private_redirects: false,
        }
    }
}

/// Resolves a host and port to the addresses to connect to.
pub type Resolve = dyn Fn(&str, u16) -> std::io::Result<Vec<SocketAddr>> + Send + Sync;

/// Where fetches may go.
#[derive(Clone)]
pub struct Policy {
    /// The URLs the user gave: these may be on any address.
    configured: HashSet<String>,
    allow_private_redirects: bool,
    resolve: Arc<Resolve>,
    is_private: fn(IpAddr) -> bool,
}

impl Policy {
    /// The policy for the URLs given, resolving through the system.
    pub fn new(configured: &[String], config: &FetchConfig) -> Self {
        Policy {
            configured: configured.iter().cloned().collect(),
            allow_private_redirects: config.allow_private_redirects,
            resolve: Arc::new(|host: &str, port: u16| Ok((host, port).to_socket_addrs()?.collect())),
            is_private,
        }
    }

    /// The same policy with another resolver and another test of what is private.
    pub fn with_network(self, resolve: Arc<Resolve>, is_private: fn(IpAddr) -> bool) -> Self {
        Policy { resolve, is_private, ..self }
    }
}

/// Addresses that are not on the public internet: loopback, private, link-local, shared
/// (carrier-grade NAT), unspecified, and their IPv6 counterparts.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || (a == 100 && (64..128).contains(&b))
                || a == 0
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback() || v6.is_unspecified() || (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
    }
}

/// A URL as it may be shown and stored: any `user:password@` replaced by `***@`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_string(),
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
    /// How long the server asks a reader to wait before the next request, in seconds:
    /// `Cache-Control: max-age` of an answer, `Retry-After` of a refusal (429, 503).
    pub wait_seconds: Option<u64>,
}

/// Fetches every URL, several at a time, each with its validators if the archive kept
/// some. The results are in the order of `urls`.
pub fn fetch_all(urls: &[String], validators: &HashMap<String, Validators>, config: &FetchConfig) -> Vec<Fetch> {
    fetch_all_with(urls, validators, config, &Policy::new(urls, config))
}

/// [`fetch_all`] under a given policy. The URLs of the results are redacted; `validators`
/// are looked up by the redacted URL, as they are stored.
pub fn fetch_all_with(
    urls: &[String],
    validators: &HashMap<String, Validators>,
    config: &FetchConfig,
    policy: &Policy,
) -> Vec<Fetch> {
    let mut results: Vec<Fetch> = Vec::with_capacity(urls.len());
    for chunk in urls.chunks(config.parallel.max(1)) {
        let fetched: Vec<Fetch> = std::thread::scope(|scope| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|url| {
                    scope.spawn(move || {
                        let at = Utc::now();
                        let shown = redact(url);
                        let (fetched, wait_seconds) = fetch_hinted(url, validators.get(&shown), config, policy);
                        Fetch { url: shown, fetched, at, wait_seconds }
                    })
                })
                .collect();
            handles
                .into_iter()
                .zip(chunk)
                .map(|(handle, url)| {
                    handle.join().unwrap_or_else(|_| Fetch {
                        url: redact(url),
                        fetched: Fetched::Failed("the fetch failed unexpectedly".into()),
                        at: Utc::now(),
                        wait_seconds: None,
                    })
                })
                .collect()
        });
        results.extend(fetched);
    }
    results
}

/// An agent that connects only to `addresses`, the ones the policy checked, and follows
/// no redirect by itself.
fn agent(config: &FetchConfig, addresses: Vec<SocketAddr>) -> ureq::Agent {
    let timeout = Duration::from_secs_f64(config.timeout_seconds.clamp(0.001, 86_400.0));
    ureq::AgentBuilder::new()
        .timeout(timeout)
        .redirects(0)
        .resolver(move |_: &str| Ok(addresses.clone()))
        .user_agent(concat!("copydesk/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Fetches one URL, following redirects under the policy.
pub fn fetch(url: &str, validators: Option<&Validators>, config: &FetchConfig, policy: &Policy) -> Fetched {
    fetch_hinted(url, validators, config, policy).0
}

/// [`fetch`], with how long the server asks to wait before the next request.
pub fn fetch_hinted(
    url: &str,
    validators: Option<&Validators>,
    config: &FetchConfig,
    policy: &Policy,
) -> (Fetched, Option<u64>) {
    let failed = |message: String| (Fetched::Failed(message), None);
    let mut current = match url::Url::parse(url) {
        Ok(parsed) => parsed,
        Err(_) => return failed("not a valid http(s) URL".to_string()),
    };
    let mut from_public = false;
    for hop in 0..=config.max_redirects {
        if !matches!(current.scheme(), "http" | "https") {
            return failed(format!(
                "redirected to a {}: URL ({}); only http and https are fetched",
                current.scheme(),
                redact(current.as_str())
            ));
        }
        let (Some(host), Some(port)) = (current.host_str(), current.port_or_known_default()) else {
            return failed("not a valid http(s) URL".to_string());
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let addresses = match (policy.resolve)(host, port) {
            Ok(addresses) if !addresses.is_empty() => addresses,
            _ => return failed("host not found".to_string()),
        };
        let private = addresses.iter().any(|a| (policy.is_private)(a.ip()));
        let given = hop == 0 || policy.configured.contains(current.as_str());
        if private && from_public && !given && !policy.allow_private_redirects {
            return failed(format!(
                "redirected from a public address to a private one ({}); refused ([fetch] allow_private_redirects to permit)",
                redact(current.as_str())
            ));
        }
        match fetch_one(&agent(config, addresses), current.as_str(), validators, config) {
            Hop::Done(fetched, wait) => return (fetched, wait),
            Hop::Redirect(location) => match current.join(&location) {
                Ok(next) => {
                    from_public = !private;
                    current = next;
                }
                Err(_) => return failed(format!("redirected to an invalid URL {:?}", redact(&location))),
            },
        }
    }
    failed(format!("more than {} redirects", config.max_redirects))
}

/// What one request gave: an answer, or where to go next.
enum Hop {
    Done(Fetched, Option<u64>),
    Redirect(String),
}

fn fetch_one(agent: &ureq::Agent, url: &str, validators: Option<&Validators>, config: &FetchConfig) -> Hop {
    let done = |fetched| Hop::Done(fetched, None);
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
            let message = format!("HTTP {code} {}", response.status_text()).trim_end().to_string();
            return Hop::Done(Fetched::Failed(message), retry_after(&response));
        }
        Err(ureq::Error::Transport(transport)) => return done(Fetched::Failed(describe(&transport, config))),
    };
    let status = response.status();
    let wait = max_age(&response);
    let done = |fetched| Hop::Done(fetched, wait);
    if status == 304 {
        return done(Fetched::NotModified);
    }
    if (300..400).contains(&status) {
        if let Some(location) = response.header("Location") {
            return Hop::Redirect(location.to_string());
        }
    }
    if !(200..300).contains(&status) {
        return done(Fetched::Failed(format!("HTTP {status} {}", response.status_text()).trim_end().to_string()));
    }
    let limit = config.max_response_bytes;
    let too_large = |size: u64| {
        Fetched::Failed(format!("response of {} is larger than the {} limit", human_bytes(size), human_bytes(limit)))
    };
    if let Some(length) = response.header("Content-Length").and_then(|v| v.trim().parse::<u64>().ok()) {
        if length > limit {
            return done(too_large(length));
        }
    }
    let validators = Validators {
        etag: response.header("ETag").map(str::to_string),
        last_modified: response.header("Last-Modified").map(str::to_string),
    };
    let charset = response.header("Content-Type").and_then(crate::encoding::content_type_charset);
    let mut bytes = Vec::new();
    if let Err(e) = response.into_reader().take(limit + 1).read_to_end(&mut bytes) {
        return done(Fetched::Failed(describe_io(&e, config)));
    }
    if bytes.len() as u64 > limit {
        return done(Fetched::Failed(format!("response is larger than the {} limit", human_bytes(limit))));
    }
    done(Fetched::Body { status, bytes, validators, charset })
}

/// Seconds from `Retry-After`: a number of seconds, or an HTTP date.
fn retry_after(response: &ureq::Response) -> Option<u64> {
    let value = response.header("Retry-After")?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(seconds);
    }
    let when = DateTime::parse_from_rfc2822(value).ok()?;
    Some(u64::try_from((when.with_timezone(&Utc) - Utc::now()).num_seconds()).unwrap_or(0))
}

/// Seconds from `Cache-Control: max-age=N` (`s-maxage` is for shared caches).
fn max_age(response: &ureq::Response) -> Option<u64> {
    response.header("Cache-Control")?.split(',').find_map(|directive| {
        let (name, value) = directive.trim().split_once('=')?;
        name.trim().eq_ignore_ascii_case("max-age").then(|| value.trim().trim_matches('"').parse().ok()).flatten()
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;

    /// A server on 127.0.0.1 that answers every request for `/feed` with a feed, and any
    /// other path `/to/REST` with a redirect to `REST` (percent-decoded), for a while.
    fn serve() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(20) {
                let Ok(mut stream) = stream else { continue };
                let mut buffer = [0u8; 4096];
                let n = stream.read(&mut buffer).unwrap_or(0);
                let request = String::from_utf8_lossy(&buffer[..n]).to_string();
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
                let reply = match path.strip_prefix("/to/") {
                    Some(target) => format!(
                        "HTTP/1.1 302 Found\r\nLocation: {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        target.replace("%3A", ":")
                    ),
                    None => "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml; charset=ISO-8859-1\r\nContent-Length: 5\r\nConnection: close\r\n\r\n<rss>".to_string(),
                };
                let _ = stream.write_all(reply.as_bytes());
            }
        });
        port
    }

    /// `public.test` is the server on 127.0.0.1, taken for a public address; every other
    /// host resolves as usual. Nothing is sent off the machine: a refused target is never
    /// connected to.
    fn policy(port: u16, urls: &[String], allow: bool) -> Policy {
        let config = FetchConfig { allow_private_redirects: allow, ..FetchConfig::default() };
        let resolve = Arc::new(move |host: &str, p: u16| -> std::io::Result<Vec<SocketAddr>> {
            if host == "public.test" {
                Ok(vec![SocketAddr::from(([127, 0, 0, 1], port))])
            } else {
                Ok((host, p).to_socket_addrs()?.collect())
            }
        });
        Policy::new(urls, &config)
            .with_network(resolve, |ip| ip != IpAddr::from([127, 0, 0, 1]) && super::is_private(ip))
    }

    fn get(url: &str, policy: &Policy) -> Fetched {
        fetch(url, None, &FetchConfig::default(), policy)
    }

    #[test]
    fn a_public_feed_may_not_redirect_to_a_private_address() {
        let port = serve();
        let config = FetchConfig::default();
        for target in ["http://10.0.0.1/feed", "http://127.0.0.2:1/feed", "http://169.254.169.254/latest"] {
            let url = format!("http://public.test:{port}/to/{target}");
            match get(&url, &policy(port, std::slice::from_ref(&url), false)) {
                Fetched::Failed(message) => assert!(message.contains("to a private one"), "{target}: {message}"),
                other => panic!("{target}: {other:?}"),
            }
        }
        // Allowed by the configuration, or because the target was given itself: the hop is
        // tried (nothing listens on 127.0.0.2, so the connection is refused there).
        let allowed = |fetched: Fetched| match fetched {
            Fetched::Failed(message) => assert!(message.starts_with("connection failed"), "{message}"),
            other => panic!("{other:?}"),
        };
        let url = format!("http://public.test:{port}/to/http://127.0.0.2:{port}/feed");
        allowed(get(&url, &policy(port, std::slice::from_ref(&url), true)));
        let target = format!("http://127.0.0.2:{port}/feed");
        let given = [url.clone(), target];
        allowed(get(&url, &policy(port, &given, false)));
        // A redirect within the same host is followed, and the header's charset kept.
        let url = format!("http://public.test:{port}/to/http://public.test:{port}/feed");
        match fetch(&url, None, &config, &policy(port, std::slice::from_ref(&url), false)) {
            Fetched::Body { charset, .. } => assert_eq!(charset.as_deref(), Some("iso-8859-1")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn only_http_and_https_are_followed() {
        let port = serve();
        let url = format!("http://127.0.0.1:{port}/to/file%3A///etc/passwd");
        match get(&url, &Policy::new(std::slice::from_ref(&url), &FetchConfig::default())) {
            Fetched::Failed(message) => assert!(message.contains("only http and https"), "{message}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn credentials_are_redacted() {
        assert_eq!(redact("https://user:secret@feeds.example/rss?x=1"), "https://***@feeds.example/rss?x=1");
        assert_eq!(redact("https://feeds.example/a@b"), "https://feeds.example/a@b");
        assert!(is_private("10.1.2.3".parse().expect("ip")));
        assert!(is_private("::ffff:192.168.1.1".parse().expect("ip")));
        assert!(is_private("fe80::1".parse().expect("ip")));
        assert!(!is_private("93.184.216.34".parse().expect("ip")));
    }
}
