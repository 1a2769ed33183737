//! The seeds: the five real articles the project started from (see DESIGN.md). What a
//! good run on them shows, checked through the real binary.

use assert_cmd::Command;
use serde_json::Value;

fn seeds_report() -> Value {
    let output = Command::cargo_bin("copydesk")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", "--format", "json", "seeds/"])
        .output()
        .expect("run copydesk");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("JSON report")
}

fn item<'a>(report: &'a Value, prefix: &str) -> &'a Value {
    report["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"].as_str().is_some_and(|id| id.starts_with(prefix)))
        .expect(prefix)
}

#[test]
fn the_five_seeds_are_read_with_stable_ids() {
    let report = seeds_report();
    let ids: Vec<&str> = report["items"].as_array().expect("items").iter().filter_map(|i| i["id"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "000_f40c278f641e585f.txt",
            "001_98f0752c817f1c45.txt",
            "002_c2993e90a32e447b.txt",
            "003_8dc226cd7a77cfe9.txt",
            "004_91c2ac172fc88816.txt"
        ]
    );
    assert_eq!(report["summary"]["skipped"], 0);
}

#[test]
fn no_copy_relation_among_the_seeds() {
    let report = seeds_report();
    for item in report["items"].as_array().expect("items") {
        let copies: Vec<&Value> = item["relations"]
            .as_array()
            .expect("relations")
            .iter()
            .filter(|r| matches!(r["kind"].as_str(), Some("exact" | "near_duplicate" | "partial_copy")))
            .collect();
        assert!(copies.is_empty(), "{}: {copies:?}", item["id"]);
    }
    assert!(report["clusters"].as_array().expect("clusters").iter().all(|c| c["kind"] != "copy"));
}

#[test]
fn page_boilerplate_of_001_is_stripped_and_counted() {
    let report = seeds_report();
    let scrape = item(&report, "001");
    let ratio = scrape["boilerplate"]["ratio"].as_f64().expect("ratio");
    assert!(ratio > 0.15, "boilerplate ratio {ratio}");
    let removed: Vec<&str> = scrape["boilerplate"]["removed"]
        .as_array()
        .expect("removed")
        .iter()
        .filter_map(|r| r["text"].as_str())
        .collect();
    for line in ["Skip to content", "* indicates required", "Subscribe", "Enter your email to subscribe"] {
        assert!(removed.contains(&line), "{line:?} not removed: {removed:?}");
    }
    assert_eq!(scrape["author"], "Sonya Bandouil");
    assert_eq!(scrape["inferred"]["author"], "byline (line 5)");
    assert!(scrape["published"].as_str().is_some_and(|p| p.starts_with("2024-11-23")));
}

#[test]
fn credit_and_scrape_artefacts_are_read() {
    let report = seeds_report();
    let bfm = item(&report, "000");
    assert_eq!(bfm["source"], "BFM TV");
    assert!(bfm["inferred"]["source"].as_str().is_some_and(|how| how.contains("Source: BFM TV")));
    let express = item(&report, "003");
    assert_eq!(
        express["title"],
        "Desperate Putin unleashes devastating hypersonic missiles as Russia backed into corner"
    );
    let removed: Vec<&str> = express["boilerplate"]["removed"]
        .as_array()
        .expect("removed")
        .iter()
        .filter_map(|r| r["text"].as_str())
        .collect();
    assert!(removed.contains(&"Source: Read Full Article"), "{removed:?}");
    assert!(removed.iter().any(|l| l.starts_with("We use your sign-up")), "{removed:?}");
}
