//! Hostile and unusual inputs: special files, encodings, compression, sizes. Each is read
//! or refused with one line, within a time bound, and never panics.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::{check_json, folder_with_good_article, run, write, GOOD_ARTICLE, OTHER_ARTICLE};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("compress");
    encoder.finish().expect("compress")
}

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn a_fifo_named_by_a_manifest_is_refused_without_waiting() {
    let dir = folder_with_good_article();
    mkfifo(&dir.path().join("col/pipe.txt"));
    write(
        dir.path().join("col/manifest.jsonl"),
        "{\"id\": \"p\", \"path\": \"pipe.txt\"}\n{\"id\": \"g\", \"path\": \"good.txt\"}\n",
    );
    let started = Instant::now();
    let run = check_json(dir.path(), &["col"]);
    assert!(started.elapsed() < Duration::from_secs(10));
    run.assert_code(0);
    run.one_line_about("col/manifest.jsonl:1", "not a regular file");
    assert_eq!(run.ids(), ["g"]);
}

#[cfg(unix)]
#[test]
fn a_device_given_as_an_argument_is_refused() {
    let dir = folder_with_good_article();
    let run = check_json(dir.path(), &["col", "/dev/zero"]);
    run.assert_code(0);
    run.one_line_about("/dev/zero", "not a regular file");
}

#[test]
fn utf16_and_utf32_with_a_byte_order_mark_are_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut utf16 = vec![0xff, 0xfe];
    utf16.extend(GOOD_ARTICLE.encode_utf16().flat_map(u16::to_le_bytes));
    write(dir.path().join("col/utf16.txt"), utf16);
    let mut utf32 = vec![0, 0, 0xfe, 0xff];
    utf32.extend(OTHER_ARTICLE.chars().flat_map(|c| (c as u32).to_be_bytes()));
    write(dir.path().join("col/utf32.txt"), utf32);
    let run = check_json(dir.path(), &["col"]);
    run.assert_code(0);
    assert_eq!(run.item("utf16.txt")["title"], "Storm cuts power to thousands on the coast");
    assert_eq!(run.item("utf32.txt")["title"], "Bridge opens downtown after two years of works");
    assert_eq!(run.summary("skipped"), 0, "{}", run.stderr);
}

#[test]
fn stray_nul_bytes_are_removed_and_a_file_full_of_them_is_binary() {
    let dir = folder_with_good_article();
    let mut late = GOOD_ARTICLE.replace("Storm", "Gale").into_bytes();
    late.extend(std::iter::repeat_n(b'x', 10_000));
    late.extend(b"\0 hidden\n");
    write(dir.path().join("col/late-nul.txt"), late);
    let mut full = GOOD_ARTICLE.replace("Storm", "Hail").into_bytes();
    full.extend(std::iter::repeat_n(b"a\0".as_slice(), 5_000).flatten());
    write(dir.path().join("col/many-nul.txt"), full);
    let run = check_json(dir.path(), &["col"]);
    run.assert_code(0);
    run.one_line_about("col/late-nul.txt", "1 NUL byte removed from the text");
    run.one_line_about("col/many-nul.txt", "binary file");
    assert_eq!(run.ids(), ["good.txt", "late-nul.txt"]);
}

#[test]
fn a_declared_charset_is_used() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path().join("col/page.html"),
        b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">\
          <title>Caf\xe9 owners protest</title></head><body><article><p>Owners of the caf\xe9s on the square \
          said on Friday that the new rules would close them \x96 all of them.</p><p>The council said the rules on \
          tables and chairs outside would be enforced from the first of next month.</p></article></body></html>",
    );
    let run = check_json(dir.path(), &["col"]);
    run.assert_code(0);
    assert_eq!(run.item("page.html")["title"], "Café owners protest");
    assert_eq!(run.summary("warnings"), 0, "{}", run.stderr);
}

#[test]
fn a_feed_that_declares_utf16_but_is_utf8_is_recovered_with_a_warning() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path().join("col/feed.xml"),
        "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss version=\"2.0\"><channel><title>Zürich Daily</title>\
         <item><title>Lake frozen</title><guid>lake-1</guid><description>The lake in Zürich froze over \
         on Monday for the first time in decades, the city said.</description></item></channel></rss>",
    );
    let run = check_json(dir.path(), &["col"]);
    run.assert_code(0);
    run.one_line_about("col/feed.xml", "declares UTF-16");
    assert_eq!(run.item("lake-1")["source"], "Zürich Daily");
}

#[test]
fn gzip_files_are_read_and_a_gzip_bomb_is_refused_by_the_cap() {
    let dir = folder_with_good_article();
    let page = format!("<html><body><article><p>{}</p></article></body></html>", OTHER_ARTICLE);
    write(dir.path().join("col/page.html.gz"), gzip(page.as_bytes()));
    // 64 MiB of spaces and letters compress to about 64 KiB.
    let mut bomb = b"Headline of the bomb\n\n".to_vec();
    bomb.extend(std::iter::repeat_n(b'a', 64 << 20));
    write(dir.path().join("col/bomb.txt.gz"), gzip(&bomb));
    let started = Instant::now();
    let run = check_json(dir.path(), &["col"]);
    assert!(started.elapsed() < Duration::from_secs(15));
    run.assert_code(0);
    assert!(run.item("page.html.gz")["clean_text_chars"].as_u64().unwrap_or(1) > 0);
    run.one_line_about("col/bomb.txt.gz", "larger than the 16.0 MiB limit");
}

#[test]
fn out_of_range_settings_are_usage_errors_naming_the_key() {
    let dir = folder_with_good_article();
    let db = dir.path().join("archive.sqlite3");
    let db = db.to_str().expect("path");
    for timeout in ["1e300", "NaN", "inf", "0"] {
        let run = common::run(common::copydesk().current_dir(dir.path()).args([
            "ingest",
            "col",
            "--archive",
            db,
            "--timeout",
            timeout,
        ]));
        run.assert_code(2);
        assert!(run.stderr.contains("--timeout") && run.stderr.contains("out of range"), "{}", run.stderr);
    }
    for (text, key) in [
        ("[archive]\nbusy_timeout_seconds = 9223372036854775807\n", "archive.busy_timeout_seconds"),
        ("[fingerprint]\nminhash_hashes = 100000000\n", "fingerprint.minhash_hashes"),
        ("[fetch]\ntimeout_seconds = nan\n", "fetch.timeout_seconds"),
    ] {
        write(dir.path().join("col/copydesk.toml"), text);
        for command in [&["check", "col"][..], &["ingest", "col", "--archive", db][..]] {
            let started = Instant::now();
            let run = common::run(common::copydesk().current_dir(dir.path()).args(command));
            assert!(started.elapsed() < Duration::from_secs(10));
            run.assert_code(2);
            assert!(run.stderr.contains(key), "{command:?} {text}: {}", run.stderr);
        }
    }
}

#[test]
fn standard_input_is_spooled_within_its_cap() {
    let dir = folder_with_good_article();
    write(dir.path().join("cap.toml"), "[ingest]\nmax_stdin_bytes = 1000\n");
    let row = serde_json::json!({"id": "r", "text": GOOD_ARTICLE}).to_string() + "\n";
    let run = common::run(
        common::copydesk()
            .current_dir(dir.path())
            .args(["check", "-", "col", "--config", "cap.toml", "--format", "json"])
            .write_stdin(row.repeat(20)),
    );
    run.assert_code(0);
    run.one_line_about("<stdin>", "longer than the 1000 bytes limit for standard input");
    assert_eq!(run.ids(), ["good.txt"]);
}

/// An archive of 400 small items from JSON Lines, large enough to span many pages.
fn archive_of_rows(dir: &std::path::Path) -> std::path::PathBuf {
    let rows: String = (0..400)
        .map(|i| {
            let words: Vec<String> = (0..150).map(|w| format!("w{}", copydesk_core::util::mix64(i * 1000 + w) % 3000)).collect();
            serde_json::json!({"id": format!("r{i}"), "source": format!("S{}", i % 5), "text": format!("Headline number {i} here\n\n{}", words.join(" "))})
                .to_string()
                + "\n"
        })
        .collect();
    write(dir.join("rows.jsonl"), rows);
    let db = dir.join("archive.sqlite3");
    let run = common::run(
        common::copydesk().current_dir(dir).args(["ingest", "rows.jsonl", "--no-config", "-q", "--archive"]).arg(&db),
    );
    run.assert_code(0);
    db
}

#[test]
fn archive_verify_finds_damage_that_ingest_refuses_to_build_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = archive_of_rows(dir.path());
    let verify = |db: &std::path::Path| {
        common::run(common::copydesk().args(["archive", "verify", "--no-config", "--archive"]).arg(db))
    };
    let run = verify(&db);
    run.assert_code(0);
    assert!(run.stdout.contains(": ok (400 item versions"), "{}", run.stdout);
    // Damage three pages in the middle of the file.
    let mut bytes = std::fs::read(&db).expect("read");
    let middle = bytes.len() / 2 / 4096 * 4096;
    for (i, byte) in bytes[middle..middle + 3 * 4096].iter_mut().enumerate() {
        *byte = (copydesk_core::util::mix64(i as u64) % 251) as u8;
    }
    std::fs::write(&db, bytes).expect("write");
    let run = verify(&db);
    run.assert_code(1);
    assert!(run.stdout.contains("damaged: integrity_check found"), "{}", run.stdout);
    let before = std::fs::read(&db).expect("read");
    let run = common::run(
        common::copydesk().current_dir(dir.path()).args(["ingest", "rows.jsonl", "--no-config", "--archive"]).arg(&db),
    );
    run.assert_code(2);
    assert!(run.stderr.contains("is damaged") && run.stderr.contains("nothing was stored"), "{}", run.stderr);
    assert!(std::fs::read(&db).expect("read") == before, "the damaged archive was written to");
}

#[cfg(unix)]
#[test]
fn a_read_only_archive_is_read_by_check_and_sources() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let db = archive_of_rows(dir.path());
    let folder = dir.path().join("ro");
    std::fs::create_dir(&folder).expect("mkdir");
    let ro = folder.join("archive.sqlite3");
    std::fs::copy(&db, &ro).expect("copy");
    write(dir.path().join("new/a.txt"), GOOD_ARTICLE);
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    // Root ignores file modes: as root, run copydesk as an unprivileged user, for whom
    // the folder and the archive really are read-only.
    let unprivileged = as_root() && setpriv_works();
    let binary = dir.path().join("copydesk");
    std::fs::copy(env!("CARGO_BIN_EXE_copydesk"), &binary).expect("copy the binary");
    let copydesk = || {
        let mut command = if unprivileged {
            let mut command = assert_cmd::Command::new("setpriv");
            command.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(&binary);
            command
        } else {
            assert_cmd::Command::new(&binary)
        };
        command.timeout(std::time::Duration::from_secs(20)).current_dir(dir.path());
        command
    };
    let before = std::fs::read(&ro).expect("read");
    let check = common::run(copydesk().args(["check", "new", "--no-config", "--format", "json", "--archive"]).arg(&ro));
    let sources = common::run(copydesk().args(["sources", "--no-config", "--since", "3650d", "--archive"]).arg(&ro));
    let verify = common::run(copydesk().args(["archive", "verify", "--no-config", "--archive"]).arg(&ro));
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    check.assert_code(0);
    assert_eq!(check.report()["archive"]["items_before"], 400, "{}", check.stdout);
    sources.assert_code(0);
    assert!(sources.stdout.contains("S1"), "{}", sources.stdout);
    verify.assert_code(0);
    assert!(std::fs::read(&ro).expect("read") == before, "a read-only run changed the archive");
    if unprivileged {
        // Nothing could be created beside the archive: no write-ahead log, no lock file.
        let names: Vec<_> = std::fs::read_dir(&folder).expect("list").filter_map(Result::ok).collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }
}

fn as_root() -> bool {
    std::process::Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Whether `setpriv` can run a command as another user here.
fn setpriv_works() -> bool {
    std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
        .status()
        .is_ok_and(|s| s.success())
}

/// A pull request's articles: an exact copy, and a `copydesk.toml` of its own that ignores
/// exact copies.
fn pull_request() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path().join("articles/a.txt"), GOOD_ARTICLE);
    write(dir.path().join("articles/b.txt"), GOOD_ARTICLE);
    write(dir.path().join("articles/c.txt"), OTHER_ARTICLE);
    write(dir.path().join("articles/copydesk.toml"), "[[ignore]]\ncode = \"CD100\"\nreason = \"trust me\"\n");
    write(dir.path().join("base/copydesk.toml"), "[date]\nmax_age_days = 30\n");
    dir
}

fn gate(dir: &std::path::Path, extra: &[&str]) -> common::Run {
    common::run(common::copydesk().current_dir(dir).args(["check", "articles", "--fail-on", "copy"]).args(extra))
}

#[test]
fn every_format_shows_the_configuration_and_what_it_ignored() {
    let dir = pull_request();
    let json = gate(dir.path(), &["--format", "json"]);
    json.assert_code(0);
    let report = json.report();
    assert_eq!(report["configuration"]["discovered"], true, "{}", report["configuration"]);
    assert!(report["configuration"]["path"].as_str().expect("path").ends_with("articles/copydesk.toml"));
    let ignored = report["ignored"].as_array().expect("ignored");
    assert_eq!(ignored.len(), 1, "{ignored:?}");
    assert_eq!((ignored[0]["code"].as_str(), ignored[0]["reason"].as_str()), (Some("CD100"), Some("trust me")));

    let table = gate(dir.path(), &[]);
    assert!(
        table.stdout.contains("articles/copydesk.toml (found beside the inputs) · 1 finding ignored by it"),
        "{}",
        table.stdout
    );
    let markdown = gate(dir.path(), &["--format", "markdown"]);
    assert!(markdown.stdout.contains("1 finding ignored by it"), "{}", markdown.stdout);
    let sarif: serde_json::Value =
        serde_json::from_str(&gate(dir.path(), &["--format", "sarif"]).stdout).expect("SARIF");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let suppressed: Vec<_> = results.iter().filter(|r| r.get("suppressions").is_some()).collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["justification"], "trust me");
    assert_eq!(suppressed[0]["ruleId"], "CD100");
    let junit = gate(dir.path(), &["--format", "junit"]).stdout;
    assert!(
        junit.contains("skipped=\"1\"")
            && junit.contains("<skipped message=\"ignored by the configuration: trust me\"/>"),
        "{junit}"
    );
    let github = gate(dir.path(), &["--format", "github"]).stdout;
    assert!(
        github.contains("::notice title=copydesk configuration::") && github.contains("1 finding ignored"),
        "{github}"
    );
}

#[test]
fn a_pinned_configuration_keeps_the_gate_closed() {
    let dir = pull_request();
    let run = gate(dir.path(), &["--no-discover", "--format", "json"]);
    run.assert_code(1);
    assert!(run.report()["configuration"]["path"].is_null());
    assert_eq!(run.report()["ignored"].as_array().map(Vec::len), Some(0));
    let run = gate(dir.path(), &["--config", "base/copydesk.toml", "--format", "json"]);
    run.assert_code(1);
    assert_eq!(run.report()["configuration"]["path"], "base/copydesk.toml");
    assert_eq!(run.report()["configuration"]["discovered"], false);
}

#[test]
fn near_identical_rows_cost_about_what_distinct_ones_do() {
    let dir = tempfile::tempdir().expect("tempdir");
    let words: Vec<String> = (0..120).map(|w| format!("w{}", copydesk_core::util::mix64(w) % 400)).collect();
    let rows: String = (0..2000)
        .map(|i| {
            let mut text = words.clone();
            text[i % 120] = format!("x{i}");
            serde_json::json!({"id": format!("n{i}"), "source": "S", "text": format!("Headline here\n\n{}", text.join(" "))})
                .to_string()
                + "\n"
        })
        .collect();
    write(dir.path().join("near.jsonl"), rows);
    let run = check_json(dir.path(), &["near.jsonl"]);
    run.assert_code(0);
    let report = run.report();
    let candidates = &report["summary"]["candidates"];
    // At most one pair per item and band (32 bands): each with its bucket's first member.
    assert!(candidates["verified"].as_u64().expect("verified") <= 32 * 2000, "{candidates}");
    assert!(candidates["capped_buckets"].as_u64().expect("capped") > 0, "{candidates}");
    let relations: usize =
        report["items"].as_array().expect("items").iter().map(|i| i["relations"].as_array().map_or(0, Vec::len)).sum();
    assert!(relations <= 32 * 2000, "{relations} relations for 2,000 items");
    assert_eq!(report["clusters"].as_array().map(Vec::len), Some(1));
}

#[cfg(unix)]
#[test]
fn without_a_temporary_folder_the_sentences_stay_in_memory_and_a_warning_says_so() {
    let dir = folder_with_good_article();
    write(dir.path().join("col/other.txt"), OTHER_ARTICLE);
    let missing = dir.path().join("no such folder");
    let in_memory = run(common::copydesk().current_dir(dir.path()).env("TMPDIR", &missing).args([
        "check",
        "col",
        "--format",
        "json",
        "--no-config",
    ]));
    in_memory.assert_code(0);
    in_memory.one_line_about("(temporary file)", "kept in memory");
    let usual = check_json(dir.path(), &["col"]);
    assert_eq!(in_memory.ids(), usual.ids());
    assert_eq!(in_memory.report()["items"], usual.report()["items"]);
    assert_eq!(in_memory.report()["clusters"], usual.report()["clusters"]);
}
