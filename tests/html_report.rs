//! The HTML report, rendered in a real headless browser (Debian's `chromium`, which
//! `.ci/run` installs): the page holds the stale item's dating phrases marked in
//! context, the story cluster and the sources chart, and loads nothing from the network.
//! A screenshot is kept in `target/test-artifacts/`. Where no browser is installed the
//! browser part is skipped with a note, unless `COPYDESK_REQUIRE_BROWSER` is set (as CI
//! sets it), which makes a missing browser a failure.

mod common;

use std::path::PathBuf;
use std::process::Command;

use common::{copydesk, run};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn seeds_page() -> String {
    let page = run(copydesk().current_dir(ROOT).args(["check", "seeds", "--format", "html"]));
    page.assert_code(0);
    page.stdout
}

#[test]
fn the_page_is_self_contained_and_accessible() {
    let page = seeds_page();
    let html = scraper::Html::parse_document(&page);
    let select = |css: &str| scraper::Selector::parse(css).expect("selector");
    // Nothing is loaded from anywhere: no sources, no style sheets, no imports, and a
    // policy that forbids them.
    assert_eq!(html.select(&select("[src], link, iframe, object, embed")).count(), 0);
    assert!(!page.contains("url(") && !page.contains("@import"));
    assert!(page.contains("default-src 'none'"));
    // Landmarks, headings and labelled controls.
    for css in ["header h1", "nav form fieldset legend", "main", "section#summary h2", "select#source-filter"] {
        assert!(html.select(&select(css)).next().is_some(), "{css}");
    }
    assert!(html.select(&select("svg[role=img] title")).count() >= 2, "charts carry a title");
    assert!(page.contains("<mark>Air Force General Tod Wolters</mark>"), "the dating phrase is marked");
}

#[test]
fn copies_are_shown_side_by_side_with_the_shared_passages_marked() {
    let page = run(copydesk().current_dir(ROOT).args(["check", "fixtures/copies", "--no-config", "-f", "html"]));
    page.assert_code(0);
    let html = scraper::Html::parse_document(&page.stdout);
    let sides = scraper::Selector::parse("section#copies .sides figure").expect("selector");
    assert_eq!(html.select(&sides).count(), 6, "three members, each beside its origin");
    let marks = scraper::Selector::parse("section#copies mark").expect("selector");
    assert!(html.select(&marks).count() > 6);
}

fn browser() -> Option<PathBuf> {
    let candidates = std::env::var_os("CHROMIUM").map(PathBuf::from).into_iter().chain(
        ["chromium", "chromium-browser", "google-chrome"].iter().filter_map(|name| {
            std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
        }),
    );
    candidates.into_iter().find(|p| p.is_file())
}

#[test]
fn the_page_renders_in_a_headless_browser() {
    let Some(chromium) = browser() else {
        assert!(std::env::var_os("COPYDESK_REQUIRE_BROWSER").is_none(), "no chromium found, and CI requires one");
        eprintln!("note: no chromium on PATH; the browser test is skipped");
        return;
    };
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = dir.path().join("report.html");
    std::fs::write(&file, seeds_page()).expect("write the page");
    let url = format!("file://{}", file.display());
    let artifacts = PathBuf::from(ROOT).join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).expect("artifacts folder");
    let screenshot = artifacts.join("html-report.png");
    let _ = std::fs::remove_file(&screenshot);
    let headless = |extra: &[String]| {
        Command::new(&chromium)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"])
            // Any name resolution fails: a page that tried the network would show it.
            .arg("--host-resolver-rules=MAP * ~NOTFOUND")
            .arg(format!("--user-data-dir={}", dir.path().join("profile").display()))
            .args(extra)
            .arg(&url)
            .output()
            .expect("run chromium")
    };
    let dom = headless(&["--dump-dom".to_string(), "--virtual-time-budget=2000".to_string()]);
    assert!(dom.status.success(), "{}", String::from_utf8_lossy(&dom.stderr));
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("<mark>Air Force General Tod Wolters</mark>"), "{dom}");
    assert!(dom.contains("Story clusters (1)"), "{dom}");
    assert!(dom.contains("<svg class=\"chart\""), "{dom}");
    // The filter script ran: with every kind checked, no section is hidden.
    assert!(
        dom.contains("id=\"stale\"")
            && !dom.contains("id=\"stale\" data-kind=\"stale\" aria-labelledby=\"stale-h\" hidden")
    );

    let shot = headless(&["--window-size=1280,2200".to_string(), format!("--screenshot={}", screenshot.display())]);
    assert!(shot.status.success(), "{}", String::from_utf8_lossy(&shot.stderr));
    let size = std::fs::metadata(&screenshot).map(|m| m.len()).unwrap_or(0);
    assert!(size > 10_000, "a screenshot of the page was kept ({size} bytes)");
}
