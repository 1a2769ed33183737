//! Feeds read over HTTP by `copydesk ingest`, against a small server this test runs on
//! 127.0.0.1: valid RSS and Atom feeds, a redirect, conditional GET answered with 304,
//! and every way a feed fails — 404, 500, a server too slow for the time limit, a
//! malformed feed, responses over the size cap, endless redirects. The good feeds are
//! stored, each failure is one line naming its URL, and the exit status says something
//! failed. The server answers a bounded number of connections and stops by itself.
//!
//! Feed files as they are found in the wild (fixtures/feeds/): dates that are not RFC 822,
//! entries dated only by `<updated>` or `dc:date`, a feed that declares UTF-16 but is
//! UTF-8, and a namespaced RSS with the usual malformations.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

const LAST_MODIFIED: &str = "Wed, 02 Apr 2025 09:00:00 GMT";

/// What the server saw: the path and the conditional headers of each request.
type Seen = Arc<Mutex<Vec<(String, Option<String>, Option<String>)>>>;

fn story(seed: u64) -> String {
    (0..60).map(|i| format!("w{}", copydesk_core::util::mix64(seed * 1000 + i) % 5000)).collect::<Vec<_>>().join(" ")
}

fn rss(title: &str, entries: &[(&str, u64)]) -> String {
    let items: String = entries
        .iter()
        .map(|(guid, seed)| {
            format!(
                "<item><title>Story {guid}</title><link>http://news.example/{guid}</link><guid>{guid}</guid>\
                 <pubDate>Wed, 02 Apr 2025 09:00:00 GMT</pubDate><description>{} . {}</description></item>",
                story(*seed),
                story(seed + 100)
            )
        })
        .collect();
    format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>{title}</title><link>http://news.example/</link>{items}</channel></rss>")
}

fn atom() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Valley Atom</title>\
         <id>urn:valley</id><updated>2025-04-02T00:00:00Z</updated><entry><id>urn:valley:1</id><title>Dam inspected</title>\
         <link href=\"http://valley.example/dam\"/><updated>2025-04-02T00:00:00Z</updated>\
         <content type=\"text\">{}</content></entry></feed>",
        story(7)
    )
}

fn respond(stream: &mut TcpStream, status: &str, headers: &[(&str, String)], body: &[u8]) {
    let mut head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body));
}

fn handle(mut stream: TcpStream, seen: Seen, base: String) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 65_536 {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
    }
    let request = String::from_utf8_lossy(&request).to_string();
    let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
    let header = |name: &str| {
        request.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim().to_string())
        })
    };
    let (etag, modified) = (header("If-None-Match"), header("If-Modified-Since"));
    if let Ok(mut seen) = seen.lock() {
        seen.push((path.clone(), etag.clone(), modified.clone()));
    }
    match path.as_str() {
        "/rss.xml" if etag.as_deref() == Some("\"rss-v1\"") => respond(&mut stream, "304 Not Modified", &[], b""),
        "/rss.xml" => respond(
            &mut stream,
            "200 OK",
            &[("ETag", "\"rss-v1\"".into()), ("Content-Type", "application/rss+xml".into())],
            rss("Harbour News", &[("h-1", 1), ("h-2", 2)]).as_bytes(),
        ),
        "/atom.xml" if modified.as_deref() == Some(LAST_MODIFIED) => respond(&mut stream, "304 Not Modified", &[], b""),
        "/atom.xml" => respond(&mut stream, "200 OK", &[("Last-Modified", LAST_MODIFIED.into())], atom().as_bytes()),
        "/moved.xml" => {
            respond(&mut stream, "301 Moved Permanently", &[("Location", format!("{base}/other.xml"))], b"")
        }
        "/cached.xml" => respond(
            &mut stream,
            "200 OK",
            &[("Cache-Control", "public, max-age=3600".into())],
            rss("Cached Courier", &[("c-1", 5)]).as_bytes(),
        ),
        "/other.xml" => respond(&mut stream, "200 OK", &[], rss("Other Wire", &[("o-1", 3)]).as_bytes()),
        "/loop.xml" => respond(&mut stream, "302 Found", &[("Location", format!("{base}/loop.xml"))], b""),
        "/missing.xml" => respond(&mut stream, "404 Not Found", &[], b"no such feed"),
        "/error.xml" => respond(&mut stream, "500 Internal Server Error", &[], b"oops"),
        "/slow.xml" => {
            std::thread::sleep(Duration::from_secs(3));
            respond(&mut stream, "200 OK", &[], rss("Slow", &[("s-1", 4)]).as_bytes());
        }
        "/malformed.xml" => respond(&mut stream, "200 OK", &[], b"<rss><channel><item><title>broken"),
        "/huge.xml" => {
            // No Content-Length: the body runs until the server closes the connection.
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n<rss><channel>");
            let chunk = "<item><title>x</title></item>".repeat(1000);
            for _ in 0..100 {
                if stream.write_all(chunk.as_bytes()).is_err() {
                    break;
                }
            }
        }
        "/huge-declared.xml" => {
            let _ =
                stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\nConnection: close\r\n\r\n<rss>");
        }
        _ => respond(&mut stream, "404 Not Found", &[], b""),
    }
}

/// Starts the server; it stops after 200 connections or two minutes.
fn serve() -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    listener.set_nonblocking(true).expect("non-blocking");
    let seen: Seen = Arc::default();
    let (seen_by_server, base_for_server) = (seen.clone(), base.clone());
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut served = 0;
        while Instant::now() < deadline && served < 200 {
            match listener.accept() {
                Ok((stream, _)) => {
                    served += 1;
                    let _ = stream.set_nonblocking(false);
                    let (seen, base) = (seen_by_server.clone(), base_for_server.clone());
                    std::thread::spawn(move || handle(stream, seen, base));
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(5)),
                Err(_) => break,
            }
        }
    });
    (base, seen)
}

fn ingest(archive: &Path, urls: &[String]) -> (i32, Value, String) {
    let output = Command::cargo_bin("copydesk")
        .expect("binary")
        .args(["ingest", "--no-config", "--format", "json", "--timeout", "1", "--max-response-bytes", "65536"])
        .arg("--archive")
        .arg(archive)
        .args(urls)
        .output()
        .expect("run copydesk");
    let report = serde_json::from_slice(&output.stdout).expect("JSON report");
    (output.status.code().unwrap_or(-1), report, String::from_utf8_lossy(&output.stderr).to_string())
}

#[test]
fn feeds_are_fetched_conditionally_and_failures_named() {
    let (base, seen) = serve();
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = dir.path().join("archive.sqlite3");
    let url = |path: &str| format!("{base}/{path}");
    let good = vec![url("rss.xml"), url("atom.xml"), url("moved.xml")];
    let bad = [
        ("missing.xml", "HTTP 404"),
        ("error.xml", "HTTP 500"),
        ("slow.xml", "no complete response within 1 s"),
        ("malformed.xml", "malformed feed"),
        ("huge.xml", "larger than the 64.0 KiB limit"),
        ("huge-declared.xml", "larger than the 64.0 KiB limit"),
        ("loop.xml", "more than 5 redirects"),
    ];
    let mut all = good.clone();
    all.extend(bad.iter().map(|(path, _)| url(path)));

    let started = Instant::now();
    let (code, report, stderr) = ingest(&archive, &all);
    assert!(started.elapsed() < Duration::from_secs(30), "the slow feed was not cut off");
    assert_eq!(code, 1, "some feeds failed: {stderr}");
    let ids: Vec<&str> = report["items"].as_array().expect("items").iter().filter_map(|i| i["id"].as_str()).collect();
    assert_eq!(ids, ["h-1", "h-2", "urn:valley:1", "o-1"]);
    assert_eq!(report["archive"]["new"], 4);
    for (path, says) in bad {
        let lines: Vec<&str> = stderr.lines().filter(|l| l.contains(&url(path))).collect();
        assert_eq!(lines.len(), 1, "one line for {path}: {stderr}");
        assert!(lines[0].contains(says), "{path}: {}", lines[0]);
        let feed = report["archive"]["feeds"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["url"] == url(path)))
            .expect("feed in the report");
        assert_eq!(feed["status"], "failed", "{feed}");
    }
    let harbour = &report["items"][0];
    assert_eq!(harbour["source"], "Harbour News");
    assert_eq!(harbour["location"]["path"], url("rss.xml"));

    // The second read is conditional: both feeds answer 304, nothing changes.
    let (code, report, stderr) = ingest(&archive, &good[..2]);
    assert_eq!(code, 0, "{stderr}");
    let statuses: Vec<&str> =
        report["archive"]["feeds"].as_array().expect("feeds").iter().filter_map(|f| f["status"].as_str()).collect();
    assert_eq!(statuses, ["not_modified", "not_modified"]);
    assert_eq!(report["archive"]["items_after"], 4);
    let seen = seen.lock().expect("seen").clone();
    let conditional = |path: &str| seen.iter().rfind(|s| s.0 == path).cloned().expect(path);
    assert_eq!(conditional("/rss.xml").1.as_deref(), Some("\"rss-v1\""));
    assert_eq!(conditional("/atom.xml").2.as_deref(), Some(LAST_MODIFIED));

    // A feed that only failed gives nothing at all: exit 2.
    let (code, _, stderr) = ingest(&archive, &[url("missing.xml")]);
    assert_eq!(code, 2, "{stderr}");
}

/// Runs `copydesk check` on fixture feeds: exit code, JSON report and stderr.
fn check(paths: &[&str]) -> (i32, Value, String) {
    let output = Command::cargo_bin("copydesk")
        .expect("binary")
        .args(["check", "--no-config", "--format", "json"])
        .args(paths.iter().map(|p| Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/feeds").join(p)))
        .output()
        .expect("run copydesk");
    let report = serde_json::from_slice(&output.stdout).expect("JSON report");
    (output.status.code().unwrap_or(-1), report, String::from_utf8_lossy(&output.stderr).to_string())
}

fn item<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["items"].as_array().and_then(|items| items.iter().find(|i| i["id"] == id)).expect(id)
}

#[test]
fn feed_dates_are_read_leniently_and_an_unreadable_one_is_named() {
    let (code, report, stderr) = check(&["lenient-dates.xml"]);
    assert_eq!(code, 0, "{stderr}");
    for (id, published) in [
        ("courier-20231216-ferry", "2023-12-16T14:02:33+00:00"),
        ("courier-20231218-barriers", "2023-12-18T09:15:00+03:00"),
        ("courier-20231219-library", "2023-12-19T08:00:00+00:00"),
        ("courier-20231217-choir", "2023-12-17T18:30:00+01:00"),
    ] {
        assert_eq!(item(&report, id)["published"], published, "{id}");
    }
    // dc:date is a date, not a publication date: its basis is recorded.
    assert_eq!(item(&report, "courier-20231217-choir")["inferred"]["published"], "entry <date> (no publication date)");
    let bakery = item(&report, "courier-bakery");
    assert_eq!(bakery["published"], Value::Null);
    assert_eq!(bakery["framing_date"], "2023-12-19", "framed by the feed's own date");
    let warning: Vec<&str> = stderr.lines().filter(|l| l.contains("date not readable")).collect();
    assert_eq!(warning.len(), 1, "{stderr}");
    assert!(warning[0].contains("lenient-dates.xml"), "{}", warning[0]);
    assert!(warning[0].contains("“Bakery on Mill Street changes hands”"), "{}", warning[0]);
    assert!(warning[0].contains("sometime before Christmas"), "{}", warning[0]);
}

#[test]
fn an_atom_entry_dated_only_by_updated_is_dated() {
    let (code, report, stderr) = check(&["atom-updated.xml"]);
    assert_eq!(code, 0, "{stderr}");
    let rail = item(&report, "urn:gazette:2024:rail-timetable");
    assert_eq!(rail["published"], "2024-09-11T17:40:00+02:00");
    assert_eq!(rail["inferred"]["published"], "entry <updated> (no publication date)");
    let fair = item(&report, "urn:gazette:2024:harvest-fair");
    assert_eq!(fair["published"], "2024-09-10T09:00:00+00:00", "published wins over updated");
    assert_eq!(fair["inferred"].get("published"), None);
}

#[test]
fn mislabelled_and_malformed_feeds_are_recovered_with_a_warning() {
    let (code, report, stderr) = check(&["declared-utf16.xml", "namespaced-malformed.xml"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(report["summary"]["skipped"], 0, "{stderr}");
    let ponte = item(&report, "correio-ponte-2024");
    assert_eq!(ponte["title"], "Câmara aprova orçamento para a ponte");
    assert!(stderr.lines().any(|l| l.contains("declared-utf16.xml: warning: declares UTF-16")), "{stderr}");

    let quay = item(&report, "hc-quay-shop");
    assert_eq!(quay["title"], "Fish & chips shop reopens on the quay");
    assert_eq!(quay["author"], "Mara Lindqvist", "dc:creator read under its usual namespace");
    assert_eq!(quay["published"], "2024-05-03T08:00:00+00:00");
    assert_eq!(quay["url"], "https://harbourcoast.example/quay-shop?id=41&ref=rss");
    assert_eq!(item(&report, "hc-lifeboat-drill")["source"], "Harbour & Coast Weekly");
    let line = stderr.lines().find(|l| l.contains("namespaced-malformed.xml")).expect("a repair warning");
    assert!(line.contains("warning: malformed feed, read after repair"), "{line}");
    assert!(line.contains("undeclared namespace prefix dc, media"), "{line}");
}

#[test]
fn feed_items_dated_by_the_feed_are_counted_not_warned_and_named_by_title() {
    let (_, report, _) = check(&["lenient-dates.xml"]);
    assert_eq!(report["summary"]["undated"], 0);
    assert_eq!(report["summary"]["content_undated"], 3, "two entries are dated by their text");
    let output = Command::cargo_bin("copydesk")
        .expect("binary")
        .args(["check", "--no-config"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/feeds/lenient-dates.xml"))
        .output()
        .expect("run copydesk");
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(!table.contains("\nUndated"), "{table}");
    assert!(table.contains("0 undated (3 dated by the feed or page, not by the text)"), "{table}");
    assert!(table.contains("courier-20231217-choir “School choir wins regional contest”"), "{table}");
}

#[test]
fn credentials_in_a_url_are_never_reported_or_stored() {
    let (base, _) = serve();
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = dir.path().join("archive.sqlite3");
    let url = base.replace("http://", "http://reader:s3cret-word@") + "/rss.xml";
    let (code, report, stderr) =
        ingest(&archive, &[url, base.replace("http://", "http://reader:s3cret-word@") + "/missing.xml"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(report["archive"]["new"], 2);
    let report = report.to_string();
    assert!(!report.contains("s3cret") && !stderr.contains("s3cret"), "{report}\n{stderr}");
    assert!(report.contains("***@127.0.0.1"), "{report}");
    for entry in std::fs::read_dir(dir.path()).expect("list") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("read");
        assert!(memchr_find(&bytes, b"s3cret").is_none(), "a password was stored");
    }
}

fn memchr_find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// An OPML list of feeds served by the test server.
fn opml(base: &str, feeds: &[&str]) -> String {
    let outlines: String =
        feeds.iter().map(|f| format!("<outline type=\"rss\" text=\"{f}\" xmlUrl=\"{base}/{f}\"/>")).collect();
    format!("<?xml version=\"1.0\"?><opml version=\"2.0\"><head><title>Desk</title></head><body><outline text=\"News\">{outlines}</outline></body></opml>")
}

#[test]
fn watch_polls_an_opml_list_and_stores_every_item_once() {
    let (base, seen) = serve();
    let dir = tempfile::tempdir().expect("tempdir");
    let list = dir.path().join("feeds.opml");
    std::fs::write(&list, opml(&base, &["rss.xml", "atom.xml", "cached.xml"])).expect("write OPML");
    let archive = dir.path().join("archive.sqlite3");
    let output = Command::cargo_bin("copydesk")
        .expect("binary")
        .args(["watch", "--no-config", "--every", "2s", "--polls", "2", "--format", "jsonl", "--timeout", "5"])
        .arg("--archive")
        .arg(&archive)
        .arg(&list)
        .timeout(Duration::from_secs(60))
        .output()
        .expect("run copydesk");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("poll 1 at") && stderr.contains("poll 2 at"), "{stderr}");
    assert!(stderr.contains("watch stopped after 2 polls"), "{stderr}");

    // Each path was asked for once per poll it was due in: the cached feed once only, the
    // others twice, the second time conditionally (and answered 304).
    let seen = seen.lock().expect("seen").clone();
    let asked = |path: &str| seen.iter().filter(|(p, _, _)| p == path).collect::<Vec<_>>();
    assert_eq!(asked("/cached.xml").len(), 1, "max-age=3600 keeps it from the second poll: {seen:?}");
    assert_eq!(asked("/rss.xml").len(), 2, "{seen:?}");
    assert_eq!(asked("/rss.xml")[1].1.as_deref(), Some("\"rss-v1\""), "conditional GET: {seen:?}");
    assert_eq!(asked("/atom.xml")[1].2.as_deref(), Some(LAST_MODIFIED), "conditional GET: {seen:?}");
    assert!(
        stderr.contains("poll 2 at") && stderr.contains("0 read, 2 not modified, 0 failed · 0 new items"),
        "{stderr}"
    );

    // Every item was stored once.
    let verify = Command::cargo_bin("copydesk")
        .expect("binary")
        .args(["archive", "verify", "--no-config", "--archive"])
        .arg(&archive)
        .output()
        .expect("run copydesk");
    let verified = String::from_utf8_lossy(&verify.stdout);
    assert!(verified.contains("ok (4 item versions"), "{verified}");

    // The findings of the first poll were written as JSON Lines, each once.
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    assert!(!lines.is_empty(), "new items bring findings: {stderr}");
    assert!(lines.iter().all(|l| l["polled_at"].is_string() && l["code"].is_string()), "{stdout}");
    let mut keys: Vec<String> = lines.iter().map(|l| format!("{}:{}:{}", l["code"], l["item"], l["other"])).collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n, "a finding is written once: {stdout}");
}

#[cfg(unix)]
#[test]
fn watch_stops_cleanly_on_sigterm() {
    let (base, _) = serve();
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = dir.path().join("archive.sqlite3");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args(["watch", "--no-config", "--every", "1s", "--timeout", "5"])
        .arg("--archive")
        .arg(&archive)
        .arg(format!("{base}/rss.xml"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start copydesk watch");
    let mut stderr = child.stderr.take().expect("stderr");
    let mut text = String::new();
    let started = Instant::now();
    let mut buffer = [0u8; 1024];
    while !text.contains("poll 1 at") && started.elapsed() < Duration::from_secs(30) {
        match stderr.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => text.push_str(&String::from_utf8_lossy(&buffer[..n])),
        }
    }
    assert!(text.contains("poll 1 at"), "{text}");
    let killed = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill");
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "watch did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    let _ = stderr.read_to_string(&mut text);
    assert_eq!(status.code(), Some(0), "{text}");
    assert!(text.contains("watch stopped after"), "{text}");
}

#[test]
fn ingest_reads_the_feeds_an_opml_file_lists() {
    let (base, _) = serve();
    let dir = tempfile::tempdir().expect("tempdir");
    let list = dir.path().join("subscriptions.xml");
    std::fs::write(&list, opml(&base, &["rss.xml", "atom.xml"])).expect("write OPML");
    let (code, report, stderr) = ingest(&dir.path().join("archive.sqlite3"), &[list.display().to_string()]);
    assert_eq!(code, 0, "{stderr}");
    let ids: Vec<&str> = report["items"].as_array().expect("items").iter().filter_map(|i| i["id"].as_str()).collect();
    assert_eq!(ids, ["h-1", "h-2", "urn:valley:1"]);
    let feeds: Vec<&str> =
        report["archive"]["feeds"].as_array().expect("feeds").iter().filter_map(|f| f["url"].as_str()).collect();
    assert_eq!(feeds, [format!("{base}/rss.xml"), format!("{base}/atom.xml")]);
}
