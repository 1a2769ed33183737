//! `copydesk check` on several processes and threads (timely dataflow), on 127.0.0.1 only:
//! the report is the one a single process writes, and a missing or lost peer ends the
//! run with exit status 2 naming it, in time.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use copydesk_engine::synth::{self, CorpusSpec};

/// A generated collection with planted near-duplicates, names and numbers (so that
/// stories are related too), and three copies of one article told by other outlets.
fn corpus(dir: &Path, documents: usize) -> PathBuf {
    let spec = CorpusSpec { documents, seed: 7, facts: true, ..CorpusSpec::default() };
    let mut lines: Vec<String> = synth::generate(&spec).iter().map(synth::to_json_line).collect();
    let story = "Flood waters rose along the Tamsin River on Tuesday, and 1,200 residents of Harlow left their homes, \
                 the county said. \"We have never seen the river this high,\" said Mayor Ellen Whitford.";
    for (n, outlet) in ["Harlow Courier", "Valley Post", "River Times"].iter().enumerate() {
        let text = format!(
            "Tamsin floods Harlow\n\n{story}\n\nRescue crews from three counties worked through the night ({n})."
        );
        lines.push(
            serde_json::json!({"id": format!("flood-{n}"), "source": outlet, "published": "2025-03-04", "text": text})
                .to_string(),
        );
    }
    let path = dir.join("corpus.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").expect("write the corpus");
    path
}

/// `count` free ports on 127.0.0.1, reserved by binding port 0, in a host file.
fn host_file(dir: &Path, count: usize) -> (PathBuf, Vec<String>) {
    let listeners: Vec<TcpListener> =
        (0..count).map(|_| TcpListener::bind("127.0.0.1:0").expect("a free port")).collect();
    let addresses: Vec<String> = listeners.iter().map(|l| l.local_addr().expect("address").to_string()).collect();
    drop(listeners);
    let path = dir.join("hosts");
    std::fs::write(&path, addresses.join("\n") + "\n").expect("write the host file");
    (path, addresses)
}

fn process(corpus: &Path, hosts: &Path, index: usize, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args(["check", "--format", "json", "--no-config", "--connect-timeout", "30"])
        .arg(corpus)
        .arg("--hosts")
        .arg(hosts)
        .args(["--process", &index.to_string()])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start copydesk")
}

/// Waits for a process, reading its output as it comes (a report larger than a pipe
/// holds would block it otherwise), and kills it past `limit`.
fn finish(child: Child, limit: Duration) -> Output {
    let pid = child.id();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || sender.send(child.wait_with_output().expect("output")));
    receiver.recv_timeout(limit).unwrap_or_else(|_| {
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        panic!("process {pid} did not end within {limit:?}")
    })
}

fn single(corpus: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args(["check", "--format", "json", "--no-config"])
        .arg(corpus)
        .output()
        .expect("run copydesk")
}

#[test]
fn three_processes_write_the_report_one_process_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = corpus(dir.path(), 1500);
    let alone = single(&corpus);
    let report: serde_json::Value = serde_json::from_slice(&alone.stdout).expect("JSON");
    assert!(report["summary"]["relations"]["near_duplicate"].as_u64().unwrap_or(0) > 0, "copies are planted");
    assert!(report["summary"]["story_clusters"].as_u64().unwrap_or(0) > 0, "a story is planted");

    let (hosts, addresses) = host_file(dir.path(), 3);
    let others: Vec<Child> = (1..3).map(|i| process(&corpus, &hosts, i, &[])).collect();
    let first = process(&corpus, &hosts, 0, &[]);
    let first = finish(first, Duration::from_secs(300));
    let others: Vec<Output> = others.into_iter().map(|c| finish(c, Duration::from_secs(60))).collect();
    for (index, output) in std::iter::once(&first).chain(&others).enumerate() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), alone.status.code(), "process {index}: {stderr}");
        assert!(stderr.contains(&format!("process {index} analysed")), "process {index}: {stderr}");
    }
    assert!(others.iter().all(|o| o.stdout.is_empty()), "only process 0 writes the report");
    assert!(
        first.stdout == alone.stdout,
        "the report of 3 processes differs from one process's ({} vs {} bytes)",
        first.stdout.len(),
        alone.stdout.len()
    );
    assert_eq!(addresses.len(), 3);
}

#[test]
fn worker_threads_of_one_process_write_the_same_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = corpus(dir.path(), 800);
    let alone = single(&corpus);
    let threads = Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args(["check", "--format", "json", "--no-config", "--workers", "2"])
        .arg(&corpus)
        .output()
        .expect("run copydesk");
    assert_eq!(threads.status.code(), alone.status.code(), "{}", String::from_utf8_lossy(&threads.stderr));
    assert!(threads.stdout == alone.stdout, "the report of 2 workers differs from one process's");
}

/// Where the sentences of the profiles cannot be set aside, both keep them in memory and
/// say so alike.
#[test]
fn without_a_temporary_folder_worker_threads_write_the_report_one_process_writes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = corpus(dir.path(), 300);
    let missing = dir.path().join("no such folder");
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_copydesk"))
            .env("TMPDIR", &missing)
            .args(["check", "--format", "json", "--no-config"])
            .args(extra)
            .arg(&corpus)
            .output()
            .expect("run copydesk")
    };
    let (alone, threads) = (run(&[]), run(&["--workers", "2"]));
    let report: serde_json::Value = serde_json::from_slice(&alone.stdout).expect("JSON");
    let warned = report["problems"].as_array().is_some_and(|problems| {
        problems.iter().any(|p| {
            p["path"] == "(temporary file)" && p["message"].as_str().is_some_and(|m| m.contains("kept in memory"))
        })
    });
    assert!(warned, "{}", report["problems"]);
    assert!(threads.stdout == alone.stdout, "the report of 2 workers differs from one process's");
}

/// One process's check of `corpus` with the configuration file `config`.
fn configured(config: &Path, corpus: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args(["check", "--format", "json", "--config"])
        .arg(config)
        .arg(corpus)
        .args(extra)
        .output()
        .expect("run copydesk")
}

/// The copy stage's own paths (exact groups, capped LSH buckets, postings too common to
/// pair, the text overlap of story pairs) give on three workers what one process gives.
#[test]
fn crowded_buckets_and_exact_groups_spread_over_workers_give_the_same_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = corpus(dir.path(), 800);
    // Two word-for-word copies of the first article, under other ids.
    let text = std::fs::read_to_string(&corpus).expect("read the corpus");
    let mut first: serde_json::Value = serde_json::from_str(text.lines().next().expect("a row")).expect("JSON");
    let mut copies = String::new();
    for n in 0..2 {
        first["id"] = serde_json::json!(format!("again-{n}"));
        copies.push_str(&format!("{first}\n"));
    }
    std::fs::write(&corpus, text + &copies).expect("write the corpus");
    let config = dir.path().join("crowded.toml");
    std::fs::write(&config, "[relate]\nmax_bucket = 3\n").expect("write the configuration");
    let run = |extra: &[&str]| configured(&config, &corpus, extra);
    let alone = run(&[]);
    let report: serde_json::Value = serde_json::from_slice(&alone.stdout).expect("JSON");
    let candidates = &report["summary"]["candidates"];
    assert!(candidates["capped_buckets"].as_u64().unwrap_or(0) > 0, "buckets are capped: {candidates}");
    assert!(candidates["exact_groups"].as_u64().unwrap_or(0) > 0, "exact copies are planted: {candidates}");
    assert!(candidates["story"]["aligned"].as_u64().unwrap_or(0) > 0, "story pairs are measured: {candidates}");
    let threads = run(&["--workers", "3"]);
    assert_eq!(threads.status.code(), alone.status.code(), "{}", String::from_utf8_lossy(&threads.stderr));
    assert!(threads.stdout == alone.stdout, "the report of 3 workers differs from one process's");
}

/// A large JSON Lines file is read by byte range, each worker its own. Rows without an id
/// (named by their line), a repeated id, blank lines, rows that are not JSON and rows over
/// the size limit are reported by line, as one process reports them.
#[test]
fn rows_read_by_byte_range_keep_their_line_numbers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = corpus(dir.path(), 600);
    let text = std::fs::read_to_string(&corpus).expect("read the corpus");
    let mut rows: Vec<String> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut row: serde_json::Value = serde_json::from_str(line).expect("JSON");
        match n % 97 {
            13 => rows.extend([String::new(), "  ".into(), line.into()]),
            29 => rows.push("{\"id\": \"broken\", \"text\": ".into()),
            41 => {
                row.as_object_mut().expect("an object").remove("id");
                rows.push(row.to_string());
            }
            55 => {
                row["id"] = serde_json::json!("twice");
                rows.push(row.to_string());
            }
            71 => rows.push(serde_json::json!({"id": format!("huge-{n}"), "text": "word ".repeat(20_000)}).to_string()),
            _ => rows.push(line.into()),
        }
    }
    std::fs::write(&corpus, rows.join("\n") + "\n").expect("write the corpus");
    let config = dir.path().join("small.toml");
    std::fs::write(&config, "[ingest]\nmax_item_bytes = 50000\n").expect("write the configuration");
    let run = |extra: &[&str]| configured(&config, &corpus, extra);
    let alone = run(&[]);
    let report: serde_json::Value = serde_json::from_slice(&alone.stdout).expect("JSON");
    let problems = report["problems"].as_array().cloned().unwrap_or_default();
    let by_line = |needle: &str| {
        problems.iter().filter(|p| p["line"].is_u64() && p["message"].to_string().contains(needle)).count()
    };
    assert!(by_line("longer than") >= 6 && by_line("twice") >= 5, "{problems:?}");
    let ids: Vec<&str> = report["items"].as_array().expect("items").iter().filter_map(|i| i["id"].as_str()).collect();
    assert!(
        ids.iter().filter(|id| id.contains("corpus.jsonl:")).count() >= 6,
        "rows without an id are named by their line"
    );
    for workers in ["3", "7"] {
        let threads = run(&["--workers", workers]);
        assert_eq!(threads.status.code(), alone.status.code(), "{}", String::from_utf8_lossy(&threads.stderr));
        assert!(threads.stdout == alone.stdout, "the report of {workers} workers differs from one process's");
    }
}

/// A folder of pages, texts, a small JSON Lines file and a large one, on three processes:
/// each file goes whole to one process (the large one by byte range to all), no process
/// reads the whole collection, and the report is the one a single process writes.
#[test]
fn a_folder_is_shared_by_file_and_no_process_reads_it_all() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("collection");
    std::fs::create_dir(&folder).expect("a folder");
    let corpus = corpus(dir.path(), 600);
    std::fs::rename(&corpus, folder.join("corpus.jsonl")).expect("move the corpus");
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    for seed in std::fs::read_dir(&seeds).expect("the seeds") {
        let seed = seed.expect("a seed").path();
        if seed.extension().is_some_and(|e| e == "txt") {
            std::fs::copy(&seed, folder.join(seed.file_name().expect("a name"))).expect("copy a seed");
        }
    }
    let page = "<html><head><title>Harbour reopens</title></head><body><article><h1>Harbour reopens</h1>\
        <p>The harbour at Kellin reopened on Monday after three weeks of repairs to the sea wall, the port \
        authority said. Ferries to the islands resume on Wednesday.</p><p>Repairs cost 4.2 million euros, \
        paid by the region and the port.</p></article></body></html>";
    std::fs::write(folder.join("page.html"), page).expect("write a page");
    let rows = (0..3).map(|n| {
        serde_json::json!({"id": format!("small-{n}"), "text": format!("A short item, number {n}, \
        about the river and the mill.")})
        .to_string()
    });
    std::fs::write(folder.join("small.jsonl"), rows.collect::<Vec<_>>().join("\n")).expect("write a small file");
    let total: u64 = std::fs::read_dir(&folder)
        .expect("the folder")
        .map(|f| f.expect("a file").metadata().expect("size").len())
        .sum();

    let alone = single(&folder);
    let (hosts, _) = host_file(dir.path(), 3);
    let others: Vec<Child> = (1..3).map(|i| process(&folder, &hosts, i, &[])).collect();
    let first = finish(process(&folder, &hosts, 0, &[]), Duration::from_secs(300));
    let others: Vec<Output> = others.into_iter().map(|c| finish(c, Duration::from_secs(60))).collect();
    let mut reads = Vec::new();
    for (index, output) in std::iter::once(&first).chain(&others).enumerate() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), alone.status.code(), "process {index}: {stderr}");
        let read: u64 = stderr
            .split("reading ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("process {index} says what it read: {stderr}"));
        reads.push(read);
    }
    // Every byte of the collection is read once, by one process, and each reads its part.
    assert_eq!(reads.iter().sum::<u64>(), total, "{reads:?}");
    assert!(reads.iter().all(|&read| read > 0 && read < total * 2 / 3), "{reads:?} of {total} bytes");
    assert!(first.stdout == alone.stdout, "the report of 3 processes differs from one process's");
}

#[test]
fn a_peer_that_never_connects_ends_the_run_with_its_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = corpus(dir.path(), 10);
    let (hosts, addresses) = host_file(dir.path(), 2);
    let start = Instant::now();
    let mut command = common::copydesk();
    let output = command
        .args(["check", "--format", "json", "--no-config", "--connect-timeout", "2", "--process", "0"])
        .arg(&corpus)
        .arg("--hosts")
        .arg(&hosts)
        .output()
        .expect("run copydesk");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("process 1") && stderr.contains(&addresses[1]), "{stderr}");
    assert!(start.elapsed() < Duration::from_secs(15), "took {:?}", start.elapsed());
}

#[test]
fn a_lost_process_ends_the_others_with_its_name_instead_of_a_hang() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Large enough that the processes are still at work when one is killed.
    let corpus = corpus(dir.path(), 6000);
    let (hosts, addresses) = host_file(dir.path(), 3);
    let survivors: Vec<Child> = (0..2).map(|i| process(&corpus, &hosts, i, &[])).collect();
    let mut victim = process(&corpus, &hosts, 2, &[]);
    // Killed once it says it is connected, while the processes are at work.
    let stderr = victim.stderr.take().expect("stderr");
    let connected = std::io::BufRead::lines(std::io::BufReader::new(stderr))
        .map_while(Result::ok)
        .any(|line| line.contains("connected to 2 processes"));
    assert!(connected, "process 2 said it was connected");
    std::thread::sleep(Duration::from_millis(500));
    assert!(victim.try_wait().expect("wait").is_none(), "the run ended before the process could be killed");
    victim.kill().expect("kill process 2");
    let _ = victim.wait();
    let killed = Instant::now();
    for (index, survivor) in survivors.into_iter().enumerate() {
        let output = finish(survivor, Duration::from_secs(60));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "process {index}: {stderr}");
        assert!(
            stderr.contains("lost process 2") && stderr.contains(&addresses[2]),
            "process {index} names the lost process: {stderr}"
        );
    }
    assert!(killed.elapsed() < Duration::from_secs(60));
}

#[test]
fn settings_out_of_range_are_refused_before_anything_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = corpus(dir.path(), 5);
    let (hosts, _) = host_file(dir.path(), 2);
    let out_of_range = common::run(
        common::copydesk().args(["check", "--no-config", "--process", "5", "--hosts"]).arg(&hosts).arg(&corpus),
    );
    out_of_range.assert_code(2);
    assert!(out_of_range.stderr.contains("--process 5"), "{}", out_of_range.stderr);
    let stdin = common::run(
        common::copydesk().args(["check", "--no-config", "--process", "0", "--hosts"]).arg(&hosts).arg("-"),
    );
    stdin.assert_code(2);
    assert!(stdin.stderr.contains("standard input"), "{}", stdin.stderr);
    // Process 0 of an ingest refuses before it opens, or makes, the archive.
    let archive = dir.path().join("archive.sqlite3");
    let ingest = common::run(
        common::copydesk()
            .args(["ingest", "--no-config", "--process", "0", "--hosts"])
            .arg(&hosts)
            .arg("--archive")
            .arg(&archive)
            .arg("-"),
    );
    ingest.assert_code(2);
    assert!(ingest.stderr.contains("standard input"), "{}", ingest.stderr);
    assert!(!archive.exists(), "no archive is made for a run refused");
}

/// `copydesk ingest` on three processes: each analyzes its share, process 0 alone opens
/// the archive, and it stores and reports what one process stores and reports.
#[test]
fn ingest_on_three_processes_stores_what_one_process_stores() {
    let dir = tempfile::tempdir().expect("tempdir");
    let corpus = corpus(dir.path(), 600);
    let (hosts, _) = host_file(dir.path(), 3);
    let places: Vec<PathBuf> = ["alone", "process-0", "process-1", "process-2"]
        .iter()
        .map(|name| {
            let place = dir.path().join(name);
            std::fs::create_dir(&place).expect("a folder for each process");
            place
        })
        .collect();
    let ingest = |place: &Path, process: Option<usize>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_copydesk"));
        command
            .current_dir(place)
            .args(["ingest", "--no-config", "--format", "json", "--archive", "archive.sqlite3"])
            .args(["--seen-at", "2025-06-01"])
            .arg(&corpus);
        if let Some(process) = process {
            command.arg("--hosts").arg(&hosts).args(["--process", &process.to_string(), "--connect-timeout", "30"]);
        }
        command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("start copydesk")
    };
    let alone = finish(ingest(&places[0], None), Duration::from_secs(300));
    assert_eq!(alone.status.code(), Some(0), "{}", String::from_utf8_lossy(&alone.stderr));
    let others: Vec<Child> = (1..3).map(|i| ingest(&places[i + 1], Some(i))).collect();
    let first = finish(ingest(&places[1], Some(0)), Duration::from_secs(300));
    let others: Vec<Output> = others.into_iter().map(|c| finish(c, Duration::from_secs(60))).collect();
    for (index, output) in std::iter::once(&first).chain(&others).enumerate() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "process {index}: {stderr}");
        assert!(stderr.contains(&format!("process {index} analysed")), "process {index}: {stderr}");
    }
    assert!(others.iter().all(|o| o.stdout.is_empty()), "only process 0 writes the report");
    for place in &places[2..] {
        assert!(!place.join("archive.sqlite3").exists(), "only process 0 opens the archive");
    }
    assert!(first.stdout == alone.stdout, "the ingest report of 3 processes differs from one process's");

    // What was stored: the same items screened again against each archive (on two
    // threads for the one the cluster filled) are found in it, the same way.
    let screen = |place: &Path, extra: &[&str]| {
        let output = Command::new(env!("CARGO_BIN_EXE_copydesk"))
            .current_dir(place)
            .args(["check", "--no-config", "--format", "json", "--archive", "archive.sqlite3"])
            .arg(&corpus)
            .args(extra)
            .output()
            .expect("run copydesk");
        let mut report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
        // The time of the screening, to the second.
        report["archive"]["seen_at"].take();
        (output.status.code(), report)
    };
    let (one, two) = (screen(&places[0], &[]), screen(&places[1], &["--workers", "2"]));
    assert_eq!(one.1["archive"]["unchanged"].as_u64(), one.1["summary"]["items"].as_u64(), "{}", one.1["archive"]);
    assert!(one == two, "the archives differ: {} against {}", one.1["archive"], two.1["archive"]);
}

/// Every process must find the same inputs: a URL (or a feed list naming URLs) is fetched
/// by one process, and a cluster run refuses it before it reads anything.
#[test]
fn a_cluster_refuses_urls_to_fetch() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = dir.path().join("archive.sqlite3");
    let refused = common::run(
        common::copydesk()
            .args(["ingest", "--no-config", "--workers", "2", "--archive"])
            .arg(&archive)
            .arg("http://127.0.0.1:9/feed.xml"),
    );
    refused.assert_code(2);
    assert!(refused.stderr.contains("fetch URLs and feeds with one process"), "{}", refused.stderr);
    assert!(!archive.exists(), "nothing was stored");
}
