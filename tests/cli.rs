//! The command line end to end: inputs of every kind, ids, output formats, exit codes,
//! paths that leave the collection, the configuration.

mod common;

use std::path::Path;

use common::{check_json, copydesk, run, write, GOOD_ARTICLE, OTHER_ARTICLE};

const THIRD_ARTICLE: &str = "Council approves budget for next year\n\n\
    The city council approved the budget for next year on Thursday by nine votes to four.\n\n\
    Spending on schools rises by five percent, the finance committee said.\n";

const RSS: &str = r#"<?xml version="1.0"?>
<rss version="2.0"><channel><title>Harbour News</title><link>https://harbour.example/</link>
<item><title>Port reopens</title><link>https://harbour.example/port</link><guid>port-1</guid>
<pubDate>Wed, 02 Apr 2025 09:00:00 GMT</pubDate>
<description>&lt;p&gt;The port reopened on Wednesday after a week of repairs.&lt;/p&gt;</description></item>
</channel></rss>
"#;

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Valley Daily</title>
<link href="https://www.valley.example/"/><id>urn:feed</id><updated>2025-01-01T00:00:00Z</updated>
<entry><id>urn:valley:1</id><title>Dam inspected</title><link href="https://www.valley.example/dam"/>
<updated>2025-01-02T00:00:00Z</updated><content type="html">&lt;p&gt;Engineers inspected the dam on Thursday.&lt;/p&gt;</content></entry>
</feed>
"#;

const JSON_FEED: &str = r#"{"version": "https://jsonfeed.org/version/1.1", "title": "Hill Gazette",
 "items": [{"id": "hill-7", "url": "https://hill.example/7", "title": "School reopens",
 "content_text": "The school reopened on Monday after the floods.", "date_published": "2025-05-01T08:00:00Z"}]}
"#;

const HTML: &str = r#"<!doctype html><html><head><title>Library extends opening hours | City Paper</title>
<meta property="og:site_name" content="City Paper">
<meta property="og:title" content="Library extends opening hours">
<meta property="article:published_time" content="2025-03-04T10:00:00Z"></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<article><h1>Library extends opening hours</h1>
<p>The central library will open until nine in the evening from next month, the city said.</p>
<p>The longer hours follow a survey in which most readers asked for evening opening, and the council will review them after six months.</p></article>
<footer>Copyright City Paper</footer></body></html>
"#;

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

#[test]
fn checks_a_folder_of_text_files_with_ids_relative_to_it() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write(dir.path().join("col/a.txt"), GOOD_ARTICLE);
    write(dir.path().join("col/sub/b.md"), format!("# {OTHER_ARTICLE}"));
    write(dir.path().join("col/.hidden.txt"), THIRD_ARTICLE);

    let run = check_json(dir.path(), &["col"]);
    run.assert_code(0);
    assert_eq!(run.ids(), ["a.txt", "sub/b.md"]);
    let a = run.item("a.txt");
    assert_eq!(a["title"], "Storm cuts power to thousands on the coast");
    assert_eq!(a["location"]["path"], "col/a.txt");
    assert_eq!(run.item("sub/b.md")["title"], "Bridge opens downtown after two years of works");
    assert_eq!(run.summary("files"), 2);

    // The same ids whichever way the folder is named.
    let absolute = dir.path().join("col");
    let run = check_json(dir.path(), &[absolute.to_str().expect("utf-8 path")]);
    assert_eq!(run.ids(), ["a.txt", "sub/b.md"]);
    let run = check_json(&absolute, &["."]);
    assert_eq!(run.ids(), ["a.txt", "sub/b.md"]);
    let run = check_json(dir.path(), &["col/"]);
    assert_eq!(run.ids(), ["a.txt", "sub/b.md"]);
}

/// A folder `m` with a manifest naming `a.txt` and `sub/b.txt`, and `c.txt` it does not
/// name.
fn manifest_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary folder");
    let m = dir.path().join("m");
    write(m.join("a.txt"), GOOD_ARTICLE);
    write(m.join("sub/b.txt"), OTHER_ARTICLE);
    write(m.join("c.txt"), THIRD_ARTICLE);
    write(
        m.join("manifest.jsonl"),
        concat!(
            r#"{"id": "A", "path": "a.txt", "source": "Coast Times", "published": "2024-11-22"}"#,
            "\n",
            r#"{"id": "B", "path": "sub/b.txt", "source": "City Paper"}"#,
            "\n"
        ),
    );
    dir
}

#[test]
fn a_manifest_reads_the_files_it_names_once() {
    let dir = manifest_folder();
    let run = check_json(dir.path(), &["m"]);
    run.assert_code(0);
    assert_eq!(sorted(run.ids()), ["A", "B", "c.txt"], "{}", run.stderr);
    let a = run.item("A");
    assert_eq!(a["source"], "Coast Times");
    assert_eq!(a["title"], "Storm cuts power to thousands on the coast");
    assert_eq!(a["published"], "2024-11-22T00:00:00+00:00");
    assert_eq!(run.item("B")["source"], "City Paper");
    assert_eq!(run.summary("clusters"), 0, "a file read twice would be its own copy");
    assert!(run.stderr.trim().is_empty(), "{}", run.stderr);
}

#[test]
fn a_manifest_given_by_its_bare_name_reads_files_beside_it() {
    let dir = manifest_folder();
    let run = check_json(&dir.path().join("m"), &["manifest.jsonl"]);
    run.assert_code(0);
    assert_eq!(sorted(run.ids()), ["A", "B"], "{}", run.stderr);
}

#[test]
fn a_manifest_whose_path_rows_come_late_still_reads_each_file_once() {
    let dir = manifest_folder();
    let first = serde_json::json!({ "id": "long", "text": THIRD_ARTICLE.repeat(80) }).to_string();
    let manifest = dir.path().join("m/manifest.jsonl");
    let rows = std::fs::read_to_string(&manifest).expect("manifest");
    write(&manifest, format!("{first}\n{rows}"));
    let run = check_json(dir.path(), &["m"]);
    run.assert_code(0);
    assert_eq!(sorted(run.ids()), ["A", "B", "c.txt", "long"], "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn reads_a_named_pipe_given_on_the_command_line() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let pipe = dir.path().join("pipe");
    assert!(std::process::Command::new("mkfifo").arg(&pipe).status().expect("mkfifo").success());
    let writer = pipe.clone();
    // As `copydesk check <(command)` does: the pipe can be read once only.
    std::thread::spawn(move || {
        let rows = serde_json::json!({ "id": "p1", "text": GOOD_ARTICLE }).to_string() + "\n";
        std::fs::write(writer, rows).expect("write to the pipe");
    });
    let run = check_json(dir.path(), &["pipe"]);
    run.assert_code(0);
    assert_eq!(run.ids(), ["p1"], "{}", run.stderr);
}

#[test]
fn reads_json_lines_on_standard_input() {
    let dir = manifest_folder();
    let rows = [
        serde_json::json!({ "id": "s1", "title": "Council approves budget", "text": THIRD_ARTICLE }),
        serde_json::json!({ "text": OTHER_ARTICLE }),
        // Paths on standard input are relative to the current folder.
        serde_json::json!({ "id": "s3", "path": "m/a.txt" }),
    ];
    let input: String = rows.iter().map(|r| r.to_string() + "\n").collect();
    let run = run(copydesk()
        .current_dir(dir.path())
        .args(["check", "-", "--format", "json", "--no-config"])
        .write_stdin(input));
    run.assert_code(0);
    assert_eq!(run.ids(), ["s1", "<stdin>:2", "s3"], "{}", run.stderr);
    assert_eq!(run.item("s1")["location"]["line"], 1);
    assert_eq!(run.item("s3")["title"], "Storm cuts power to thousands on the coast");
}

#[test]
fn standard_input_is_recognised_by_content() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let stdin = |input: &str| {
        run(copydesk()
            .current_dir(dir.path())
            .args(["check", "-", "--format", "json", "--no-config"])
            .write_stdin(input))
    };
    let feed = stdin(RSS);
    feed.assert_code(0);
    assert_eq!(feed.ids(), ["port-1"], "{}", feed.stderr);
    // A piped article is one article, not a line of problems per line.
    let text = stdin(GOOD_ARTICLE);
    text.assert_code(0);
    assert_eq!(text.ids(), ["<stdin>"]);
    assert!(text.stderr.trim().is_empty(), "{}", text.stderr);
    assert_eq!(text.item("<stdin>")["title"], "Storm cuts power to thousands on the coast");
}

#[test]
fn standard_input_uses_the_configuration_of_the_current_folder() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write(dir.path().join("copydesk.toml"), "[ingest]\nmax_item_bytes = 100\n");
    let row = serde_json::json!({ "id": "s1", "text": GOOD_ARTICLE }).to_string() + "\n";
    let run = run(copydesk().current_dir(dir.path()).args(["check", "-", "--format", "json"]).write_stdin(row));
    run.assert_code(2);
    run.one_line_about("<stdin>:1:", "longer than the 100 bytes limit");
}

#[test]
fn reads_rss_atom_json_feed_and_html() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write(dir.path().join("col/news.rss"), RSS);
    write(dir.path().join("col/news.atom"), ATOM);
    write(dir.path().join("col/feed.json"), JSON_FEED);
    write(dir.path().join("col/page.html"), HTML);
    let run = check_json(dir.path(), &["col"]);
    run.assert_code(0);
    assert!(run.stderr.trim().is_empty(), "{}", run.stderr);
    assert_eq!(sorted(run.ids()), ["hill-7", "page.html", "port-1", "urn:valley:1"]);

    let rss = run.item("port-1");
    assert_eq!(rss["title"], "Port reopens");
    assert_eq!(rss["source"], "Harbour News");
    assert_eq!(rss["published"], "2025-04-02T09:00:00+00:00");
    assert_eq!(rss["url"], "https://harbour.example/port");
    let atom = run.item("urn:valley:1");
    assert_eq!(atom["title"], "Dam inspected");
    assert_eq!(atom["source"], "Valley Daily");
    let json_feed = run.item("hill-7");
    assert_eq!(json_feed["title"], "School reopens");
    assert_eq!(json_feed["source"], "Hill Gazette");
    let html = run.item("page.html");
    assert_eq!(html["source"], "City Paper");
    assert_eq!(html["published"], "2025-03-04T10:00:00+00:00");
    assert!(html["words"].as_u64().expect("words") >= 10, "{html}");
}

#[test]
fn formats_are_recognised_by_content_not_by_name() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write(dir.path().join("col/feed.txt"), RSS);
    let rows = [
        serde_json::json!({ "id": "row-1", "text": GOOD_ARTICLE }),
        serde_json::json!({ "id": "row-2", "text": OTHER_ARTICLE }),
    ];
    write(dir.path().join("col/export"), rows.iter().map(|r| r.to_string() + "\n").collect::<String>());
    let run = check_json(dir.path(), &["col"]);
    run.assert_code(0);
    assert_eq!(run.ids(), ["row-1", "row-2", "port-1"]);
    assert_eq!(run.item("row-1")["location"]["path"], "col/export");
    assert_eq!(run.item("port-1")["source"], "Harbour News");
}

#[test]
fn the_json_report_has_the_documented_top_level() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write(dir.path().join("col/a.txt"), GOOD_ARTICLE);
    write(dir.path().join("col/feed.xml"), RSS);
    let run = check_json(dir.path(), &["col", "--as-of", "2025-06-01"]);
    run.assert_code(0);
    let report = run.report();
    assert_eq!(report["version"], 1);
    assert_eq!(report["as_of"], "2025-06-01");
    for key in ["items", "clusters", "sources"] {
        assert!(report[key].is_array(), "{key} in {report}");
    }
    let harbour =
        report["sources"].as_array().expect("sources").iter().find(|s| s["name"] == "Harbour News").expect("source");
    assert_eq!(harbour["items"][0], "port-1");
    assert!(harbour["score"].is_number() && harbour["criteria"].is_array(), "{harbour}");
    let item = run.item("a.txt");
    for key in ["id", "source", "title", "published", "framing_date", "sha256", "flags", "relations", "cluster"] {
        assert!(item.get(key).is_some(), "{key} in {item}");
    }
    assert_eq!(item["framing_date"], "2025-06-01");
}

#[test]
fn renders_markdown_and_the_table() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write(dir.path().join("col/a.txt"), GOOD_ARTICLE);
    write(dir.path().join("col/copy.txt"), GOOD_ARTICLE);
    write(dir.path().join("col/empty.txt"), "");
    let markdown =
        run(copydesk().current_dir(dir.path()).args(["check", "col", "--format", "markdown", "--no-config"]));
    markdown.assert_code(0);
    assert!(markdown.stdout.starts_with("## copydesk report\n"), "{}", markdown.stdout);
    assert!(markdown.stdout.contains("2 items from 3 files"), "{}", markdown.stdout);
    assert!(markdown.stdout.contains("| C1 | `a.txt` | origin |"), "{}", markdown.stdout);
    assert!(markdown.stdout.contains("- `col/empty.txt: skipped: empty file`"), "{}", markdown.stdout);

    let table = run(copydesk().current_dir(dir.path()).args(["check", "col", "--no-config"]));
    table.assert_code(0);
    assert!(table.stdout.contains("2 items from 3 files"), "{}", table.stdout);
    assert!(table.stdout.contains("origin a.txt"), "{}", table.stdout);
}

#[test]
fn fail_on_copy_sets_the_exit_status() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write(dir.path().join("copies/a.txt"), GOOD_ARTICLE);
    write(dir.path().join("copies/b.txt"), GOOD_ARTICLE);
    write(dir.path().join("clean/a.txt"), GOOD_ARTICLE);
    write(dir.path().join("clean/b.txt"), OTHER_ARTICLE);

    let copies = check_json(dir.path(), &["copies", "--fail-on", "copy"]);
    copies.assert_code(1);
    assert!(copies.stderr.contains("1 findings match --fail-on copy"), "{}", copies.stderr);
    assert_eq!(copies.item("b.txt")["flags"][0], "exact");

    check_json(dir.path(), &["clean", "--fail-on", "copy"]).assert_code(0);
    // Without --fail-on, findings do not fail the run.
    check_json(dir.path(), &["copies"]).assert_code(0);
    // Other kinds are not asked for.
    check_json(dir.path(), &["copies", "--fail-on", "partial_copy"]).assert_code(0);
}

#[test]
fn usage_errors_exit_with_status_2() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write(dir.path().join("col/a.txt"), GOOD_ARTICLE);
    let bad_flag = check_json(dir.path(), &["col", "--no-such-flag"]);
    bad_flag.assert_code(2);
    assert!(bad_flag.stderr.contains("--no-such-flag"), "{}", bad_flag.stderr);
    let bad_date = check_json(dir.path(), &["col", "--as-of", "2024-02-30"]);
    bad_date.assert_code(2);
    assert!(bad_date.stderr.contains("\"2024-02-30\" is not a date of the form YYYY-MM-DD"), "{}", bad_date.stderr);
    let bad_kind = check_json(dir.path(), &["col", "--fail-on", "typo"]);
    bad_kind.assert_code(2);
    let no_paths = run(copydesk().arg("check"));
    no_paths.assert_code(2);
    assert!(bad_flag.stdout.is_empty() && bad_date.stdout.is_empty());
}

#[test]
fn manifest_paths_outside_its_folder_are_refused_unless_allowed() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write(dir.path().join("outside.txt"), OTHER_ARTICLE);
    let absolute = dir.path().join("outside.txt");
    let rows = [
        serde_json::json!({ "id": "up", "path": "../outside.txt" }),
        serde_json::json!({ "id": "abs", "path": absolute.to_str().expect("utf-8 path") }),
        serde_json::json!({ "id": "in", "text": GOOD_ARTICLE }),
    ];
    write(dir.path().join("m/manifest.jsonl"), rows.iter().map(|r| r.to_string() + "\n").collect::<String>());

    let run = check_json(dir.path(), &["m"]);
    run.assert_code(0);
    assert_eq!(run.ids(), ["in"]);
    run.one_line_about("m/manifest.jsonl:1:", "`path` \"../outside.txt\" leaves the manifest's folder");
    run.one_line_about("m/manifest.jsonl:2:", "is absolute; manifest paths must stay inside");
    assert!(run.stderr.contains("--allow-outside-paths"), "{}", run.stderr);
    assert_eq!(run.summary("skipped"), 2);

    let allowed = check_json(dir.path(), &["m", "--allow-outside-paths"]);
    allowed.assert_code(0);
    assert_eq!(allowed.ids(), ["up", "abs", "in"], "{}", allowed.stderr);
    assert_eq!(allowed.item("up")["title"], "Bridge opens downtown after two years of works");
}

#[cfg(unix)]
#[test]
fn symbolic_links_that_leave_the_folder_are_refused() {
    use std::os::unix::fs::symlink;

    let dir = tempfile::tempdir().expect("temporary folder");
    write(dir.path().join("secret.txt"), OTHER_ARTICLE);
    write(
        dir.path().join("elsewhere/more.txt"),
        "Ferry service resumes on the lake\n\nThe ferry between the two towns resumed on Sunday after the ice melted.\n",
    );
    write(dir.path().join("col/a.txt"), GOOD_ARTICLE);
    symlink(dir.path().join("secret.txt"), dir.path().join("col/escape.txt")).expect("symlink");
    symlink("../elsewhere", dir.path().join("col/escape-dir")).expect("symlink");
    // Links that stay inside are read, each file once; a loop is not followed.
    symlink("a.txt", dir.path().join("col/alias.txt")).expect("symlink");
    symlink("..", dir.path().join("col/sub-loop")).expect("symlink");
    write(dir.path().join("col/sub/b.txt"), THIRD_ARTICLE);
    symlink("..", dir.path().join("col/sub/loop")).expect("symlink");

    let run = check_json(dir.path(), &["col"]);
    run.assert_code(0);
    assert_eq!(run.ids(), ["a.txt", "sub/b.txt"], "{}", run.stderr);
    run.one_line_about("col/escape.txt", "leaves the folder");
    run.one_line_about("col/escape-dir", "leaves the folder");
    run.one_line_about("col/sub-loop", "leaves the folder");
    assert_eq!(run.summary("skipped"), 3);
    assert_eq!(run.summary("clusters"), 0);

    let allowed = check_json(dir.path(), &["col", "--allow-outside-paths"]);
    allowed.assert_code(0);
    let ids = allowed.ids();
    assert!(ids.contains(&"escape.txt".to_string()) && ids.contains(&"escape-dir/more.txt".to_string()), "{ids:?}");
    // Every file once, however many ways lead to it.
    assert_eq!(allowed.summary("clusters"), 0, "{ids:?}");
}

#[test]
fn config_prints_toml_and_rejects_unknown_keys() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let printed = run(copydesk().current_dir(dir.path()).args(["config", "--no-config"]));
    printed.assert_code(0);
    let value: toml::Value = toml::from_str(&printed.stdout).expect("config prints TOML");
    assert_eq!(value["ingest"]["max_item_bytes"].as_integer(), Some(16 * 1024 * 1024));
    assert!(value.get("relate").is_some(), "{value}");

    write(dir.path().join("col/a.txt"), GOOD_ARTICLE);
    write(dir.path().join("col/copydesk.toml"), "[ingest]\nmax_item_byte = 100\n");
    let config = run(copydesk().current_dir(dir.path()).args(["config", "col"]));
    config.assert_code(2);
    let check = run(copydesk().current_dir(dir.path()).args(["check", "col"]));
    check.assert_code(2);
    assert!(check.stdout.is_empty(), "{}", check.stdout);
    for stderr in [&config.stderr, &check.stderr] {
        assert!(stderr.contains("unknown field `max_item_byte`"), "{stderr}");
        assert!(stderr.contains("col/copydesk.toml"), "{stderr}");
    }

    write(dir.path().join("col/copydesk.toml"), "[ingest]\nmax_item_bytes = 100\n");
    let config = run(copydesk().current_dir(dir.path()).args(["config", "col"]));
    config.assert_code(0);
    assert!(config.stdout.contains("max_item_bytes = 100\n"), "{}", config.stdout);
    assert!(config.stdout.starts_with("# from "), "{}", config.stdout);
}

#[test]
fn output_goes_to_a_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    write(dir.path().join("col/a.txt"), GOOD_ARTICLE);
    let out = dir.path().join("report.json");
    let run = run(copydesk()
        .current_dir(dir.path())
        .args(["check", "col", "--no-config", "--format", "json", "-o"])
        .arg(&out));
    run.assert_code(0);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).expect("report written")).expect("json");
    assert_eq!(report["items"][0]["id"], "a.txt");

    let nowhere = Path::new("no/such/folder/report.json");
    let failed = check_json(dir.path(), &["col", "-o", nowhere.to_str().expect("path")]);
    failed.assert_code(2);
    assert!(failed.stderr.contains("writing the report to no/such/folder/report.json"), "{}", failed.stderr);
}

#[test]
fn the_annotated_example_configuration_is_valid() {
    let output = assert_cmd::Command::cargo_bin("copydesk")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["config", "--config", "copydesk.example.toml"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("near_duplicate_jaccard = 0.8") && printed.contains("The Kyiv Independent"), "{printed}");
}

/// The settings of `table` that `example` leaves out or sets to another value, by dotted key.
fn departures(defaults: &toml::Table, example: &toml::Table, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (key, default) in defaults {
        let path = format!("{prefix}{key}");
        match (default, example.get(key)) {
            (toml::Value::Table(inner), Some(toml::Value::Table(given))) => {
                found.extend(departures(inner, given, &format!("{path}.")))
            }
            (_, None) => found.push(format!("{path} is missing")),
            (default, Some(given)) if default != given => found.push(format!("{path} = {given}, not {default}")),
            _ => {}
        }
    }
    found
}

#[test]
fn the_annotated_example_names_every_setting_at_its_default() {
    let output = assert_cmd::Command::cargo_bin("copydesk")
        .expect("binary")
        .args(["config", "--no-config"])
        .output()
        .expect("run");
    let defaults: toml::Table = String::from_utf8_lossy(&output.stdout).parse().expect("defaults are TOML");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("copydesk.example.toml");
    let example: toml::Table = std::fs::read_to_string(path).expect("example").parse().expect("example is TOML");
    // The example shows one source and one ignore; the defaults have none.
    let found: Vec<String> = departures(&defaults, &example, "")
        .into_iter()
        .filter(|d| !d.starts_with("source ") && !d.starts_with("ignore "))
        .collect();
    assert!(found.is_empty(), "copydesk.example.toml is out of date:\n{}", found.join("\n"));
}
