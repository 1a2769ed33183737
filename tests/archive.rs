//! The archive through the real binary: `copydesk ingest`, `copydesk check --archive` and
//! `copydesk sources`, and the archive's reliability — a process killed mid-ingest, two
//! ingests at once, files that are not archives.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use copydesk_engine::synth::{self, CorpusSpec};
use serde_json::Value;

fn copydesk() -> Command {
    let mut command = Command::cargo_bin("copydesk").expect("binary");
    command.env_remove("XDG_DATA_HOME");
    command
}

fn json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn ingest(archive: &Path, inputs: &[&str]) -> (i32, Value) {
    let output = copydesk()
        .args(["ingest", "--no-config", "--format", "json", "--archive"])
        .arg(archive)
        .args(inputs)
        .output()
        .expect("run copydesk");
    (output.status.code().unwrap_or(-1), json(&output))
}

fn count_items(archive: &Path) -> i64 {
    let conn = rusqlite::Connection::open(archive).expect("open the archive");
    conn.query_row("SELECT count(*) FROM items", [], |r| r.get(0)).expect("count")
}

fn item<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["items"].as_array().and_then(|items| items.iter().find(|i| i["id"] == id)).expect(id)
}

/// A JSON Lines file of generated documents `range` of a corpus of `documents`.
fn corpus(path: &Path, documents: usize, range: std::ops::Range<usize>) -> Vec<synth::Document> {
    let corpus = synth::generate(&CorpusSpec { documents, ..CorpusSpec::default() });
    let lines: Vec<String> = corpus[range.clone()].iter().map(synth::to_json_line).collect();
    std::fs::write(path, lines.join("\n") + "\n").expect("write corpus");
    corpus[range].to_vec()
}

fn paragraph(seed: usize) -> String {
    (0..40)
        .map(|i| format!("w{}", copydesk_core::util::mix64((seed * 1000 + i) as u64) % 5000))
        .collect::<Vec<_>>()
        .join(" ")
}

fn article(seeds: std::ops::Range<usize>) -> String {
    seeds.map(paragraph).collect::<Vec<_>>().join("\n\n")
}

fn row(id: &str, source: &str, url: Option<&str>, text: &str) -> String {
    serde_json::json!({"id": id, "source": source, "url": url, "title": format!("Story {id}"), "text": text})
        .to_string()
}

#[test]
fn ingest_twice_changes_nothing_and_check_sees_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = dir.path().join("archive.sqlite3");
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
    let (code, first) = ingest(&archive, &[seeds]);
    assert_eq!(code, 0, "{first}");
    assert_eq!(first["archive"]["new"], 5);
    assert_eq!(first["archive"]["items_after"], 5);
    assert!(first["items"][0]["archive"]["first_seen"].is_string());
    let (code, second) = ingest(&archive, &[seeds]);
    assert_eq!(code, 0);
    assert_eq!(second["archive"]["new"], 0);
    assert_eq!(second["archive"]["unchanged"], 5);
    assert_eq!(count_items(&archive), 5);
    assert_eq!(
        second["items"][0]["archive"]["first_seen"], first["items"][0]["archive"]["first_seen"],
        "first seen stays the first sighting"
    );

    // A lightly edited copy of seed 001, from another source, repeats history.
    let original = std::fs::read_to_string(format!("{seeds}/001_98f0752c817f1c45.txt")).expect("seed");
    let copy = original.replace("Zelensky", "Zelenskyy");
    let rows = dir.path().join("new.jsonl");
    std::fs::write(&rows, row("copy-1", "Copy Farm", Some("https://farm.example/1"), &copy) + "\n").expect("write");
    let output = copydesk()
        .args(["check", "--no-config", "--format", "json", "--fail-on", "copy", "--archive"])
        .arg(&archive)
        .arg(&rows)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1), "a copy of an archived item is a finding");
    let report = json(&output);
    let relation = &item(&report, "copy-1")["relations"][0];
    assert_eq!(relation["archived"], true);
    assert_eq!(relation["other"], "001_98f0752c817f1c45.txt");
    assert_eq!(relation["kind"], "near_duplicate");
    assert_eq!(relation["first_seen"], first["items"][1]["archive"]["first_seen"]);
    assert!(relation["jaccard"].as_f64().is_some_and(|j| j > 0.8), "{relation}");
    let archived = &item(&report, "copy-1")["archive"];
    assert_eq!(archived["status"], "new");
    assert_eq!(archived["earliest_match"]["id"], "001_98f0752c817f1c45.txt");
    assert_eq!(report["archive"]["stored"], false);
    assert_eq!(count_items(&archive), 5, "check never stores");

    let table = copydesk().args(["check", "--no-config", "--archive"]).arg(&archive).arg(&rows).output().expect("run");
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("Repeats history"), "{table}");
    assert!(table.contains("near_duplicate of archived 001_98f0752c817f1c45.txt"), "{table}");
}

#[test]
fn an_edited_item_is_a_new_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = dir.path().join("archive.sqlite3");
    let first = dir.path().join("first.jsonl");
    let body = article(0..6);
    std::fs::write(&first, row("a", "Harbour News", Some("https://harbour.example/a"), &body) + "\n").expect("write");
    assert_eq!(ingest(&archive, &[first.to_str().expect("path")]).0, 0);
    let second = dir.path().join("second.jsonl");
    let edited = format!("{body}\n\n{}", paragraph(99));
    std::fs::write(&second, row("a", "Harbour News", Some("https://harbour.example/a"), &edited) + "\n")
        .expect("write");
    let (code, report) = ingest(&archive, &[second.to_str().expect("path")]);
    assert_eq!(code, 0);
    let a = item(&report, "a");
    assert_eq!(a["archive"]["status"], "edited");
    assert_eq!(a["archive"]["version"], 2);
    assert_eq!(a["archive"]["previous"]["version"], 1);
    assert!(a["flags"].as_array().is_some_and(|f| f.contains(&Value::from("edited"))));
    assert_eq!(a["relations"].as_array().map(Vec::len), Some(0), "an item's own versions are no copies");
    assert_eq!(report["archive"]["edited"], 1);
    assert_eq!(count_items(&archive), 2);
    assert_eq!(ingest(&archive, &[second.to_str().expect("path")]).1["archive"]["unchanged"], 1);

    // Without a URL, an item is known by its source and text: its edit is a new item that
    // repeats its earlier text.
    let plain = dir.path().join("plain.jsonl");
    std::fs::write(&plain, row("b", "Harbour News", None, &article(20..26)) + "\n").expect("write");
    assert_eq!(ingest(&archive, &[plain.to_str().expect("path")]).0, 0);
    let retouched = format!("{}\n\n{}", article(20..26), paragraph(98));
    std::fs::write(&plain, row("b", "Harbour News", None, &retouched) + "\n").expect("write");
    let (_, report) = ingest(&archive, &[plain.to_str().expect("path")]);
    let b = item(&report, "b");
    assert_eq!(b["archive"]["status"], "new");
    assert_eq!(b["relations"][0]["kind"], "near_duplicate", "{b}");
    assert_eq!(b["relations"][0]["other_source"], "Harbour News");

    // The source's score counts each item once, an edited one with its latest version;
    // the two texts of `b` are two items.
    let output = copydesk()
        .args(["sources", "--no-config", "--format", "json", "--archive"])
        .arg(&archive)
        .output()
        .expect("run");
    let report = json(&output);
    let harbour = &report["sources"][0];
    assert_eq!(harbour["name"], "Harbour News");
    assert_eq!((harbour["items"].as_u64(), harbour["edited"].as_u64()), (Some(3), Some(1)));
    assert_eq!(harbour["quality"]["items"], serde_json::json!(["a", "b", "b"]), "{harbour}");
}

#[test]
fn sources_report_a_window_and_its_trend() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = dir.path().join("archive.sqlite3");
    let write = |name: &str, rows: &[String]| {
        let path = dir.path().join(name);
        std::fs::write(&path, rows.join("\n") + "\n").expect("write");
        path
    };
    let early =
        write("early.jsonl", &[row("o1", "Origin", None, &article(0..6)), row("o2", "Origin", None, &article(10..16))]);
    let late = write(
        "late.jsonl",
        &[
            row("c1", "Farm", None, &format!("{}\n\n{}", article(0..6), paragraph(500))),
            row("o3", "Origin", None, &article(20..26)),
        ],
    );
    for (path, at) in [(&early, "2025-03-05"), (&late, "2025-03-25")] {
        let status = copydesk()
            .args(["ingest", "--no-config", "--quiet", "--seen-at", at, "--archive"])
            .arg(&archive)
            .arg(path)
            .output()
            .expect("run");
        assert_eq!(status.status.code(), Some(0));
    }
    let output = copydesk()
        .args(["sources", "--no-config", "--since", "15d", "--until", "2025-03-30", "--format", "json", "--archive"])
        .arg(&archive)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let report = json(&output);
    assert_eq!(report["window"]["since"], "2025-03-16T00:00:00Z");
    let source = |name: &str| {
        report["sources"].as_array().and_then(|s| s.iter().find(|s| s["name"] == name)).cloned().expect(name)
    };
    let farm = source("Farm");
    assert_eq!(farm["items"], 1);
    assert_eq!(farm["copies_of_others"], 1);
    assert_eq!(farm["change"]["items"], 1);
    let origin = source("Origin");
    assert_eq!(origin["items"], 1);
    assert_eq!(origin["copied_by_others"], 1);
    assert_eq!(origin["previous"]["items"], 2);
    assert_eq!(origin["change"]["items"], -1);
    assert_eq!(origin["first_seen"]["first"], "2025-03-25T00:00:00Z");

    let table = copydesk()
        .args(["sources", "--no-config", "--since", "15d", "--until", "2025-03-30", "--archive"])
        .arg(&archive)
        .output()
        .expect("run");
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("Farm") && table.contains("copies of others"), "{table}");
}

#[test]
fn the_archive_path_comes_from_the_flag_the_configuration_or_the_data_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/000_f40c278f641e585f.txt");
    let data = dir.path().join("data");
    let status = copydesk().env("XDG_DATA_HOME", &data).args(["ingest", "--quiet", "--no-config", seeds]).output();
    assert_eq!(status.expect("run").status.code(), Some(0));
    assert!(data.join("copydesk/archive.sqlite3").is_file());

    let project = dir.path().join("project");
    std::fs::create_dir_all(&project).expect("mkdir");
    std::fs::write(project.join("copydesk.toml"), "[archive]\npath = \"history/archive.sqlite3\"\n").expect("config");
    std::fs::copy(seeds, project.join("story.txt")).expect("copy");
    let status =
        copydesk().env("XDG_DATA_HOME", &data).arg("ingest").arg("--quiet").arg(project.join("story.txt")).output();
    assert_eq!(status.expect("run").status.code(), Some(0));
    assert!(project.join("history/archive.sqlite3").is_file(), "relative to the configuration file");
}

#[test]
fn foreign_and_corrupt_archives_are_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
    let random = dir.path().join("random.sqlite3");
    let noise: Vec<u8> = (0..20_000u64).map(|i| copydesk_core::util::mix64(i) as u8).collect();
    std::fs::write(&random, &noise).expect("write");
    let foreign = dir.path().join("notes.sqlite3");
    rusqlite::Connection::open(&foreign)
        .and_then(|c| c.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');"))
        .expect("foreign database");
    let marked = dir.path().join("marked.sqlite3");
    rusqlite::Connection::open(&marked)
        .and_then(|c| c.execute_batch("PRAGMA application_id = 42; CREATE TABLE t (x);"))
        .expect("marked database");
    for (path, says) in [
        (&random, "not an SQLite database"),
        (&foreign, "without the copydesk archive marker"),
        (&marked, "another application"),
    ] {
        let before = std::fs::read(path).expect("read");
        for command in ["ingest", "check"] {
            let output =
                copydesk().args([command, "--no-config", "--archive"]).arg(path).arg(seeds).output().expect("run");
            assert_eq!(output.status.code(), Some(2), "{command} {}", path.display());
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.contains("is not a copydesk archive") && stderr.contains(says), "{stderr}");
            assert!(stderr.contains("left untouched"), "{stderr}");
            assert!(std::fs::read(path).expect("read") == before, "{} was modified", path.display());
        }
    }
    let missing = dir.path().join("missing.sqlite3");
    let output = copydesk().args(["check", "--no-config", "--archive"]).arg(&missing).arg(seeds).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no archive at"));
    assert!(!missing.exists(), "check never creates an archive");
}

/// The size of the archive's write-ahead log.
fn wal_size(archive: &Path) -> u64 {
    std::fs::metadata(format!("{}-wal", archive.display())).map(|m| m.len()).unwrap_or(0)
}

fn integrity(archive: &Path) -> String {
    let conn = rusqlite::Connection::open(archive).expect("open the archive");
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check")
}

#[test]
fn an_ingest_killed_midway_leaves_the_archive_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let documents = 3_000;
    let input = dir.path().join("corpus.jsonl");
    corpus(&input, documents, 0..documents);
    // A small page cache makes SQLite write pages of the open transaction to the log long
    // before it commits, so that the kill lands in the middle of the writing.
    let config = dir.path().join("copydesk.toml");
    std::fs::write(&config, "[archive]\ncache_mib = 1\n").expect("config");
    let archive = dir.path().join("archive.sqlite3");

    // A first ingest stores a few items; the killed one must leave exactly those.
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
    assert_eq!(ingest(&archive, &[seeds]).0, 0);
    let before = count_items(&archive);
    let before_wal = wal_size(&archive);

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args(["ingest", "--quiet", "--format", "json", "--config"])
        .arg(&config)
        .arg("--archive")
        .arg(&archive)
        .arg(&input)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start copydesk");
    let start = Instant::now();
    let mut killed_while_writing = false;
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        let wal = wal_size(&archive);
        if wal > before_wal + 2 * 1024 * 1024 {
            child.kill().expect("SIGKILL");
            killed_while_writing = true;
            eprintln!("killed after {:.2} s with {wal} bytes in the write-ahead log", start.elapsed().as_secs_f64());
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(600), "the ingest took too long");
        std::thread::sleep(Duration::from_millis(2));
    }
    let status = child.wait().expect("wait");
    assert!(killed_while_writing, "the ingest finished before it wrote 2 MiB to the log");
    assert_eq!(status.code(), None, "killed by a signal");
    assert_eq!(integrity(&archive), "ok");
    assert_eq!(count_items(&archive), before, "the killed ingest left part of its items");

    // The archive works after the kill: the same ingest completes.
    let (code, report) = ingest(&archive, &[input.to_str().expect("path")]);
    assert_eq!(code, 0);
    assert_eq!(report["archive"]["new"].as_u64(), Some(documents as u64));
    assert_eq!(count_items(&archive), before + documents as i64);
    assert_eq!(integrity(&archive), "ok");
}

#[test]
fn two_ingests_at_once_both_succeed_and_store_each_item_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = dir.path().join("archive.sqlite3");
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    corpus(&a, 900, 0..600);
    corpus(&b, 900, 300..900);
    // Both start on an archive that does not exist yet.
    let spawn = |input: &PathBuf| {
        std::process::Command::new(env!("CARGO_BIN_EXE_copydesk"))
            .args(["ingest", "--no-config", "--quiet", "--format", "json", "--archive"])
            .arg(&archive)
            .arg(input)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start copydesk")
    };
    let (first, second) = (spawn(&a), spawn(&b));
    let (first, second) = (first.wait_with_output().expect("wait"), second.wait_with_output().expect("wait"));
    for output in [&first, &second] {
        assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let (first, second) = (json(&first), json(&second));
    let new = first["archive"]["new"].as_u64().unwrap_or(0) + second["archive"]["new"].as_u64().unwrap_or(0);
    let unchanged =
        first["archive"]["unchanged"].as_u64().unwrap_or(0) + second["archive"]["unchanged"].as_u64().unwrap_or(0);
    assert_eq!(new, 900, "each item is new to exactly one of the two runs");
    assert_eq!(unchanged, 300);
    assert_eq!(count_items(&archive), 900);
    let conn = rusqlite::Connection::open(&archive).expect("open");
    let doubled: i64 = conn
        .query_row(
            "SELECT count(*) FROM (SELECT ident FROM items GROUP BY ident, version HAVING count(*) > 1)",
            [],
            |r| r.get(0),
        )
        .expect("query");
    assert_eq!(doubled, 0);
    assert_eq!(integrity(&archive), "ok");
}

#[test]
fn a_cluster_of_copies_names_its_archived_origin() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = dir.path().join("archive.sqlite3");
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
    let (code, _) = ingest(&archive, &[seeds]);
    assert_eq!(code, 0);
    let original = std::fs::read_to_string(format!("{seeds}/001_98f0752c817f1c45.txt")).expect("seed");
    let rows = dir.path().join("new.jsonl");
    let first = row("copy-1", "Copy Farm", None, &original.replace("Zelensky", "Zelenskyy"));
    let second = row("copy-2", "Other Farm", None, &original.replace("Ukraine", "Ukraina"));
    std::fs::write(&rows, format!("{first}\n{second}\n")).expect("write");
    let output = copydesk()
        .args(["check", "--no-config", "--format", "json", "--archive"])
        .arg(&archive)
        .arg(&rows)
        .output()
        .expect("run");
    let report = json(&output);
    let cluster = report["clusters"].as_array().and_then(|c| c.iter().find(|c| c["kind"] == "copy")).expect("cluster");
    assert_eq!(cluster["size"], 2);
    let origin = &cluster["archived_origin"];
    assert_eq!(origin["id"], "001_98f0752c817f1c45.txt", "{cluster}");
    assert_eq!(origin["kind"], "near_duplicate");
    assert!(origin["member"] == "copy-1" || origin["member"] == "copy-2");
    assert!(origin["first_seen"].is_string());

    let table = copydesk().args(["check", "--no-config", "--archive"]).arg(&archive).arg(&rows).output().expect("run");
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("archived origin  001_98f0752c817f1c45.txt"), "{table}");
}
