//! Hostile and unusual inputs: special files, encodings, compression, sizes. Each is read
//! or refused with one line, within a time bound, and never panics.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::{check_json, folder_with_good_article, write, GOOD_ARTICLE, OTHER_ARTICLE};

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
fn a_nul_byte_anywhere_makes_a_file_binary() {
    let dir = folder_with_good_article();
    let mut late = GOOD_ARTICLE.replace("Storm", "Gale").into_bytes();
    late.extend(std::iter::repeat_n(b'x', 10_000));
    late.extend(b"\0 hidden\n");
    write(dir.path().join("col/late-nul.txt"), late);
    let run = check_json(dir.path(), &["col"]);
    run.assert_code(0);
    run.one_line_about("col/late-nul.txt", "binary file (holds NUL bytes)");
    assert_eq!(run.ids(), ["good.txt"]);
}

#[test]
fn a_declared_charset_is_used() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path().join("col/page.html"),
        b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">\
          <title>Caf\xe9 owners protest</title></head><body><article><p>Owners of the caf\xe9s on the square \
          said on Friday that the new rules would close them \x96 all of them.</p></article></body></html>",
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
