//! The Markdown report, fit to paste into a pull request or `$GITHUB_STEP_SUMMARY`.

use std::fmt::Write;

use super::table::{count, evidence_in_order, evidence_line, measured, rule_name, stale_summary, story_measured};
use super::Report;
use crate::model::Flag;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let index = report.index();
    let s = &report.summary;
    let _ = writeln!(out, "## copydesk report\n");
    let as_of = report.as_of.map(|d| format!(", as of {d}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "{} from {}{as_of}: **{}**, **{}**, **{} stale**, {} undated, {} skipped, {}.\n",
        count(s.items, "item"),
        count(s.files, "file"),
        count(s.clusters, "copy cluster"),
        count(s.story_clusters, "story cluster"),
        s.stale,
        s.undated,
        s.skipped,
        count(s.warnings, "warning")
    );
    let _ = writeln!(
        out,
        "Configuration: {} · {} ignored by it.\n",
        cell(&report.configuration.describe()),
        count(report.ignored.len(), "finding")
    );
    if let Some(baseline) = &report.baseline {
        let _ = writeln!(out, "Baseline: {}.\n", cell(&baseline.describe()));
    }
    for (kind, heading) in [("copy", "Copy clusters"), ("story", "Story clusters")] {
        let clusters: Vec<_> = report.clusters.iter().filter(|c| c.kind == kind).collect();
        if clusters.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {heading}\n");
        let _ = writeln!(out, "| cluster | item | role | source | published | measured |");
        let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- |");
        for cluster in clusters {
            if let Some(archived) = &cluster.archived_origin {
                let _ = writeln!(
                    out,
                    "| {} | `{}` | archived origin | {} | {} | first seen {}; {} |",
                    cluster.id,
                    cell(&archived.id),
                    cell(archived.source.as_deref().unwrap_or("")),
                    archived.published.as_deref().map(|p| p.get(..10).unwrap_or(p)).unwrap_or(""),
                    archived.first_seen.get(..10).unwrap_or(&archived.first_seen),
                    cell(&archived.relation())
                );
            }
            for member in &cluster.members {
                let Some(item) = index.get(member.id.as_str()) else { continue };
                let relation = member.of.as_deref().and_then(|of| item.relations.iter().find(|r| r.other == of));
                let mut measured =
                    relation.map(|r| format!("of `{}`: {}", cell(&r.other), measured(r))).unwrap_or_default();
                if let Some(held) = member.held_by.as_ref().filter(|h| member.of.as_deref() != Some(h.other.as_str())) {
                    let _ = write!(measured, "held in by `{}` (z {:.1})", cell(&held.other), held.cosine_z);
                }
                let _ = writeln!(
                    out,
                    "| {} | `{}` | {} | {} | {} | {} |",
                    cluster.id,
                    cell(&member.id),
                    member.role,
                    cell(item.source.as_deref().unwrap_or("")),
                    item.published.as_deref().map(|p| p.get(..10).unwrap_or(p)).unwrap_or(""),
                    measured
                );
            }
        }
        out.push('\n');
    }
    let held: Vec<_> = report.items.iter().flat_map(|i| i.held_apart.iter().map(move |h| (i, h))).collect();
    if !held.is_empty() {
        let _ = writeln!(out, "### Held apart\n\nThe text alone would relate these pairs.\n");
        for (item, h) in held {
            let measured = story_measured(&h.evidence).unwrap_or_default();
            let _ = writeln!(out, "- `{}` / `{}`: {}; {}", cell(&item.id), cell(&h.other), h.reason, measured);
        }
        out.push('\n');
    }
    let stale: Vec<_> = report.items.iter().filter(|i| i.stale).collect();
    if !stale.is_empty() {
        let _ = writeln!(out, "### Stale items\n");
        for item in stale {
            let _ = writeln!(out, "- {}: {}", md_label(item), stale_summary(item));
            for evidence in evidence_in_order(item) {
                let _ = writeln!(out, "  - {}", evidence_line(evidence).replace('|', "\\|"));
            }
        }
        out.push('\n');
    }
    let conflicts: Vec<_> = report.items.iter().filter(|i| i.flags.contains(&Flag::DateConflict)).collect();
    if !conflicts.is_empty() {
        let _ = writeln!(out, "### Date conflicts\n");
        for item in conflicts {
            for conflict in &item.content_date.conflicts {
                let _ = writeln!(out, "- {}: {}", md_label(item), conflict.message);
            }
        }
        out.push('\n');
    }
    let undated: Vec<String> = report.items.iter().filter(|i| i.flags.contains(&Flag::Undated)).map(md_label).collect();
    if !undated.is_empty() {
        let _ = writeln!(
            out,
            "### Undated items\n\nNo published or fetched date, and nothing in the text dates them: {}.\n",
            super::condensed(&undated, ", ")
        );
    }
    let unattributed: Vec<_> = report.items.iter().filter(|i| i.attribution.unattributed).collect();
    if !unattributed.is_empty() {
        let _ = writeln!(out, "### Unattributed items\n");
        let _ = writeln!(out, "No source credit, no byline and no quotation with a named speaker:\n");
        for item in unattributed {
            let _ = writeln!(out, "- {}", md_label(item));
        }
        out.push('\n');
    }
    let boilerplate: Vec<_> =
        report.items.iter().filter(|i| i.boilerplate.removed.iter().any(|r| r.removal.is_boilerplate())).collect();
    if !boilerplate.is_empty() {
        let _ = writeln!(out, "### Boilerplate removed\n");
        let _ = writeln!(out, "| item | share of text | lines removed |");
        let _ = writeln!(out, "| --- | --- | --- |");
        for item in boilerplate {
            let lines: Vec<String> = item
                .boilerplate
                .removed
                .iter()
                .filter(|r| r.removal.is_boilerplate())
                .take(5)
                .map(|r| format!("{}: “{}”", rule_name(&r.removal), cell(&r.text)))
                .collect();
            let more = item.boilerplate.removed.iter().filter(|r| r.removal.is_boilerplate()).count().saturating_sub(5);
            let more = if more > 0 { format!("<br>… and {more} more") } else { String::new() };
            let _ = writeln!(
                out,
                "| `{}` | {:.0}% | {}{more} |",
                cell(&item.id),
                item.boilerplate.ratio * 100.0,
                lines.join("<br>")
            );
        }
        out.push('\n');
    }
    if !report.sources.is_empty() || report.summary.items_without_source > 0 {
        let _ = writeln!(out, "### Sources\n");
        write_scores(&mut out, &report.sources.iter().collect::<Vec<_>>());
        if report.summary.items_without_source > 0 {
            let n = report.summary.items_without_source;
            let _ = writeln!(out, "\n{n} item{} without an outlet, not scored.", if n == 1 { "" } else { "s" });
        }
        out.push('\n');
    }
    if !report.problems.is_empty() {
        let _ = writeln!(out, "### Problems with inputs\n");
        for problem in &report.problems {
            let _ = writeln!(out, "- `{}`", cell(&problem.to_string()));
        }
        out.push('\n');
    }
    out
}

/// Text safe inside a table cell.
/// An item's id in code type with its title beside it; see [`super::label`].
fn md_label(item: &super::ItemReport) -> String {
    let label = item.label();
    let title = label.strip_prefix(item.id.as_str()).unwrap_or_default();
    format!("`{}`{}", cell(&item.id), cell(title))
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ").replace('`', "'")
}

/// The source scores as a Markdown table, best first, each failing criterion with its
/// items.
pub(crate) fn write_scores(out: &mut String, sources: &[&crate::score::SourceScore]) {
    let _ = writeln!(out, "| source | score | grade | items | interval | failing criteria |");
    let _ = writeln!(out, "| --- | ---: | --- | ---: | --- | --- |");
    let mut sources = sources.to_vec();
    sources.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.name.cmp(&b.name)));
    for source in &sources {
        let failing: Vec<String> = source
            .failing()
            .map(|c| {
                let items: Vec<String> = c.failing.iter().map(|i| format!("`{}`", cell(&i.id))).collect();
                format!("{} {:.2} < {} ({})", c.name, c.value, c.threshold, items.join(", "))
            })
            .collect();
        let _ = writeln!(
            out,
            "| {} | {:.0} | {} | {} | {:.0}–{:.0} ({}) | {} |",
            cell(&source.name),
            source.score,
            source.grade,
            source.items.len(),
            source.interval[0],
            source.interval[1],
            source.confidence,
            failing.join("<br>")
        );
    }
}
