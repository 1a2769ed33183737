//! `copydesk extract` and the reading of real-world pages: the metadata with its basis,
//! the main text without the page around it, and pages whose story cannot be found.

use assert_cmd::Command;
use serde_json::Value;

fn copydesk() -> Command {
    let mut command = Command::cargo_bin("copydesk").expect("binary");
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
    })
}

#[test]
fn extract_shows_each_field_with_its_basis_and_the_clean_text() {
    let output = copydesk()
        .args(["extract", "--no-config", "--format", "json", "fixtures/pages/story-with-furniture.html"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let extraction = json(&output);
    let item = &extraction["items"][0];
    assert_eq!(item["title"], "Harbour dredging approved after two-year review");
    assert_eq!(item["author"], "Mara Lindqvist");
    assert_eq!(item["published"], "2024-11-20T07:45:00+00:00");
    assert_eq!(item["modified"], "2024-11-21T10:00:00+00:00");
    assert_eq!(item["source"], "The Harbour Gazette");
    assert_eq!(item["language"], "en-GB");
    assert!(item["basis"]["published"].as_str().is_some_and(|b| b.contains("datePublished")), "{item}");
    assert!(item["basis"]["source"].as_str().is_some_and(|b| b.contains("publisher")), "{item}");
    let text = item["text"].as_str().expect("text");
    assert!(text.contains("deepen the main shipping channel") && text.contains("14.5 million euros"), "{text}");
    for furniture in ["newsletter", "Most read", "Great article", "HTML comment", "swallowed", "Share on"] {
        assert!(!text.contains(furniture), "{furniture:?} in {text}");
    }
    assert!(item["words"].as_u64().is_some_and(|w| w > 150), "{item}");

    let lines = copydesk()
        .args(["extract", "--no-config", "--format", "jsonl", "fixtures/pages/story-with-furniture.html", "seeds/"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&lines.stdout);
    assert_eq!(stdout.lines().count(), 6, "{stdout}");
    assert!(stdout.lines().all(|l| serde_json::from_str::<Value>(l).is_ok()));

    let table =
        copydesk().args(["extract", "--no-config", "fixtures/pages/story-with-furniture.html"]).output().expect("run");
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("published  2024-11-20T07:45:00+00:00  (json-ld NewsArticle datePublished)"), "{table}");
}

#[test]
fn pages_whose_story_is_not_found_are_skipped_not_copies() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Two different pages of one site whose stories the extractor cannot find: only their
    // template words are left. They must not become copies of each other.
    let template = |headline: &str| {
        format!(
            "<html><head><title>{headline} | Metro Post</title><meta property=\"og:site_name\" content=\"Metro Post\"></head>\
             <body><nav><a href='/'>News</a> <a href='/sport'>Sport</a></nav><div id='app'></div>\
             <footer>Sign up for our newsletter · Privacy · Terms</footer></body></html>"
        )
    };
    std::fs::write(dir.path().join("one.html"), template("Mayor resigns")).expect("write");
    std::fs::write(dir.path().join("two.html"), template("Storm hits coast")).expect("write");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/pages/story-with-furniture.html"),
        dir.path().join("story.html"),
    )
    .expect("copy");
    let output = copydesk().args(["check", "--no-config", "--format", "json"]).arg(dir.path()).output().expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let report = json(&output);
    assert_eq!(report["summary"]["items"], 1, "{}", report["summary"]);
    assert_eq!(report["summary"]["skipped"], 2);
    assert!(report["summary"]["relations"].as_object().is_some_and(|r| r.is_empty()));
    let problems = report["problems"].as_array().expect("problems");
    assert!(problems.iter().all(|p| p["message"].as_str().is_some_and(|m| m.contains("no article text found"))));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("one.html") && stderr.contains("no article text found"), "{stderr}");
}

#[test]
fn a_page_whose_text_contradicts_its_declared_language_is_read_in_the_language_of_its_text() {
    let page = "fixtures/pages/declared-english-german-text.html";
    let output = copydesk().args(["extract", "--no-config", "--format", "json", page]).output().expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let item = &json(&output)["items"][0];
    assert_eq!(item["language"], "de", "{item}");
    let basis = item["basis"]["language"].as_str().unwrap_or_default();
    assert!(basis.starts_with("the text (whatlang") && basis.ends_with("not the declared en-US"), "{basis}");

    // The English-only rules are then reported as not applied rather than misfiring.
    let output = copydesk().args(["check", "--no-config", "--format", "json", page]).output().expect("run");
    let item = &json(&output)["items"][0];
    let not_applied = item["signals"]["not_applied"].to_string();
    assert!(not_applied.contains("headline_words") && not_applied.contains("body_voice"), "{item}");
}
