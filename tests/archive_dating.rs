//! Archived copies date content: text first seen long before an item's framing date
//! makes the item stale, with the archived item as evidence.

use assert_cmd::Command;

const STORY: &str = "The harbour authority said on the quay that the northern breakwater would be rebuilt with \
    stone from the Kessel quarry, at a cost its engineers put at 41 million crowns.\\n\\n\
    Work is to begin once the herring season closes and will take about two years, the authority's \
    chief engineer, Maren Holt, told reporters at the harbour office.\\n\\n\
    Fishing crews have asked for the old pier to stay open during the works so that the smaller boats \
    can still land their catch in the inner basin.";

fn copydesk(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("copydesk").expect("binary").args(args).output().expect("run copydesk")
}

#[test]
fn an_item_first_seen_years_ago_is_stale_by_the_archive() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = dir.path().join("archive.sqlite3");
    let old = dir.path().join("old.jsonl");
    std::fs::write(&old, format!("{{\"id\": \"old\", \"source\": \"Harbour Post\", \"text\": \"{STORY}\"}}\n"))
        .expect("write");
    let new = dir.path().join("new.jsonl");
    std::fs::write(
        &new,
        format!(
            "{{\"id\": \"new\", \"source\": \"Rerun Daily\", \"published\": \"2024-06-01\", \"text\": \"{STORY}\"}}\n"
        ),
    )
    .expect("write");

    let stored = copydesk(&[
        "ingest",
        "--no-config",
        "--archive",
        archive.to_str().expect("path"),
        "--seen-at",
        "2021-05-04",
        old.to_str().expect("path"),
    ]);
    assert_eq!(stored.status.code(), Some(0), "{}", String::from_utf8_lossy(&stored.stderr));

    let checked = copydesk(&[
        "check",
        "--no-config",
        "--format",
        "json",
        "--archive",
        archive.to_str().expect("path"),
        new.to_str().expect("path"),
    ]);
    assert!(checked.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&checked.stderr));
    let report: serde_json::Value = serde_json::from_slice(&checked.stdout).expect("json");
    let item = &report["items"][0];
    assert_eq!(item["stale"], true, "{item}");
    assert_eq!(item["content_date"]["not_after"], "2021-05-04");
    let evidence = item["content_date"]["evidence"].as_array().expect("evidence");
    assert!(evidence.iter().any(|e| e["source"].as_str().is_some_and(|s| s.starts_with("archive:"))), "{evidence:?}");
    let rerun =
        report["sources"].as_array().expect("sources").iter().find(|s| s["name"] == "Rerun Daily").expect("source");
    let freshness =
        rerun["criteria"].as_array().expect("criteria").iter().find(|c| c["name"] == "freshness").expect("freshness");
    assert_eq!(freshness["pass"], false);
}

#[test]
fn an_archived_item_published_years_ago_dates_its_later_copy() {
    // An older collection loaded today: the archive first sees the item now, but the item
    // says it was published in 2021, and that is when its text existed.
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = dir.path().join("archive.sqlite3");
    let old = dir.path().join("old.jsonl");
    std::fs::write(
        &old,
        format!(
            "{{\"id\": \"old\", \"source\": \"Harbour Post\", \"published\": \"2021-03-10T08:00:00Z\", \"text\": \"{STORY}\"}}\n"
        ),
    )
    .expect("write");
    let new = dir.path().join("new.jsonl");
    let edited = STORY.replace("about two years", "about two full years");
    std::fs::write(
        &new,
        format!(
            "{{\"id\": \"new\", \"source\": \"Rerun Daily\", \"published\": \"2025-06-01\", \"text\": \"{edited}\"}}\n"
        ),
    )
    .expect("write");
    let archive = archive.to_str().expect("path");
    let stored = copydesk(&["ingest", "--no-config", "--archive", archive, old.to_str().expect("path")]);
    assert_eq!(stored.status.code(), Some(0), "{}", String::from_utf8_lossy(&stored.stderr));

    let checked =
        copydesk(&["check", "--no-config", "--format", "json", "--archive", archive, new.to_str().expect("path")]);
    let report: serde_json::Value = serde_json::from_slice(&checked.stdout).expect("json");
    let item = &report["items"][0];
    assert_eq!(item["stale"], true, "{item}");
    assert_eq!(item["content_date"]["not_after"], "2021-03-10");
    let sighting = &item["archive"]["earliest_match"];
    assert_eq!(sighting["id"], "old");
    assert_eq!(sighting["existed_by"], "2021-03-10T08:00:00Z");
    let evidence = item["content_date"]["evidence"].as_array().expect("evidence");
    let cited = evidence.iter().find(|e| e["source"] == "archive:old").expect("the archived item is cited");
    assert!(cited["note"].as_str().is_some_and(|n| n.contains("was published on 2021-03-10")), "{cited}");

    // The table says so too.
    let table = copydesk(&["check", "--no-config", "--archive", archive, new.to_str().expect("path")]);
    let table = String::from_utf8_lossy(&table.stdout);
    assert!(table.contains("archived old (Harbour Post, published 2021-03-10, first seen "), "{table}");
}
