//! The archive's section of a report, for the table and Markdown formats: what the run
//! did to the archive, the copies of archived items, the edited items and the feeds.

use std::fmt::Write;

use crate::relate::Kind;
use crate::table::{count, measured};
use crate::verdict::day;
use crate::{ItemReport, RelationReport, Report};

/// The archive's section in the table: empty for a run without the archive.
pub fn table(report: &Report) -> String {
    let Some(run) = &report.archive else { return String::new() };
    let mut out = String::new();
    if run.stored {
        let _ =
            writeln!(out, "Archive {}: ingested, {} → {} item versions", run.path, run.items_before, run.items_after);
    } else {
        let _ = writeln!(
            out,
            "Archive {}: checked against {}, nothing stored",
            run.path,
            count(run.items_before as usize, "item version")
        );
    }
    let _ = writeln!(
        out,
        "    {} new · {} unchanged · {} edited · {} repeat history · {} same story as archived items",
        run.new, run.unchanged, run.edited, run.repeats_history, run.same_story
    );
    for (heading, stories) in [("Repeats history", false), ("Same story as archived items", true)] {
        let listed = archived_relations(report, stories);
        if listed.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{heading}");
        for (item, relation) in listed {
            let Some(other) = &relation.archived else { continue };
            let _ = writeln!(
                out,
                "    {}  {} archived {} ({}, {}): {}",
                item.id,
                link(relation.kind),
                relation.other,
                other.other_source.as_deref().unwrap_or("(no source)"),
                other.dates(),
                measured(relation)
            );
        }
    }
    let edited: Vec<_> =
        report.items.iter().filter(|i| i.archive.as_ref().is_some_and(|a| a.status == "edited")).collect();
    if !edited.is_empty() {
        let _ = writeln!(out, "\nEdited");
        for item in edited {
            let Some(archive) = &item.archive else { continue };
            let was = match (&archive.previous, &archive.same_as) {
                (Some(p), _) => format!(
                    "replaces version {} first seen {} (jaccard {:.2} · simhash Δ{})",
                    p.version,
                    day(&p.first_seen),
                    p.jaccard,
                    p.simhash_distance
                ),
                (None, Some(same)) => format!("replaces {same} of this run"),
                (None, None) => String::new(),
            };
            let _ = writeln!(out, "    {}  version {} {was}", item.id, archive.version);
        }
    }
    if !run.feeds.is_empty() {
        let _ = writeln!(out, "\nFeeds");
        for feed in &run.feeds {
            let what = match (feed.status, &feed.error) {
                ("failed", Some(error)) => format!("failed: {error}"),
                ("not_modified", _) => "not modified since the last read (HTTP 304)".to_string(),
                _ => format!("read, HTTP {}, {}", feed.http_status.unwrap_or(200), count(feed.items, "item")),
            };
            let _ = writeln!(out, "    {}  {what}", feed.url);
        }
    }
    out.push('\n');
    out
}

/// The archive's section in Markdown: empty for a run without the archive.
pub fn markdown(report: &Report) -> String {
    let Some(run) = &report.archive else { return String::new() };
    let mut out = String::new();
    let verb = if run.stored { "Ingested into" } else { "Checked against" };
    let _ = writeln!(out, "## Archive\n");
    let _ = writeln!(
        out,
        "{verb} `{}`: **{} new**, {} unchanged, {} edited, **{} repeat history**, {} same story as archived items; \
         {} item versions archived.\n",
        cell(&run.path),
        run.new,
        run.unchanged,
        run.edited,
        run.repeats_history,
        run.same_story,
        run.items_after
    );
    let listed: Vec<_> =
        archived_relations(report, false).into_iter().chain(archived_relations(report, true)).collect();
    if !listed.is_empty() {
        let _ = writeln!(out, "| item | kind | archived item | source | first seen | measured |");
        let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- |");
        for (item, relation) in listed {
            let Some(other) = &relation.archived else { continue };
            let _ = writeln!(
                out,
                "| `{}` | {} | `{}` | {} | {} | {} |",
                cell(&item.id),
                relation.kind.as_str(),
                cell(&relation.other),
                cell(other.other_source.as_deref().unwrap_or("")),
                day(&other.first_seen),
                measured(relation)
            );
        }
        out.push('\n');
    }
    let failed: Vec<_> = run.feeds.iter().filter(|f| f.status == "failed").collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "Feeds that failed:\n");
        for feed in failed {
            let _ = writeln!(out, "- `{}`: {}", cell(&feed.url), cell(feed.error.as_deref().unwrap_or("")));
        }
        out.push('\n');
    }
    out
}

/// How a relation to an archived item reads: "rewrite of", "same story as".
fn link(kind: Kind) -> String {
    match kind {
        Kind::SameStory => "same story as".to_string(),
        kind => format!("{} of", kind.as_str()),
    }
}

/// The relations to archived items: copies and rewrites, or reports of the same story.
fn archived_relations(report: &Report, same_story: bool) -> Vec<(&ItemReport, &RelationReport)> {
    report
        .items
        .iter()
        .flat_map(|item| item.relations.iter().map(move |relation| (item, relation)))
        .filter(|(_, relation)| relation.archived.is_some() && (relation.kind == Kind::SameStory) == same_story)
        .collect()
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ").replace('`', "'")
}
