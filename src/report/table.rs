//! The terminal report: one block per copy cluster and per story cluster (members, source,
//! date, kind, measured values), then the items with problems, then the inputs that were
//! skipped.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use super::{ClusterReport, ItemReport, RelationReport, Report};
use crate::util::clip;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let index = report.index();
    let s = &report.summary;
    let as_of = report.as_of.map(|d| format!(" · as of {d}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "copydesk {} · {} from {}{as_of}",
        report.tool.version,
        count(s.items, "item"),
        count(s.files, "file")
    );

    let copies: Vec<&ClusterReport> = report.clusters.iter().filter(|c| c.kind == "copy").collect();
    let stories: Vec<&ClusterReport> = report.clusters.iter().filter(|c| c.kind == "story").collect();
    if copies.is_empty() {
        let _ = writeln!(out, "\nNo copies found.");
    } else {
        let _ = writeln!(out, "\nCopy clusters");
    }
    for cluster in copies {
        cluster_block(&mut out, &index, cluster);
    }
    if !stories.is_empty() {
        let _ = writeln!(out, "\nStory clusters (rewrites and reports of the same story)");
    }
    for cluster in stories {
        cluster_block(&mut out, &index, cluster);
    }

    let unattributed: Vec<&str> =
        report.items.iter().filter(|i| i.attribution.unattributed).map(|i| i.id.as_str()).collect();
    if !unattributed.is_empty() {
        let _ = writeln!(out, "\nUnattributed (no source credit, no byline, no quotation with a named speaker)");
        for id in unattributed {
            let _ = writeln!(out, "    {id}");
        }
    }

    let mut boilerplate: Vec<&ItemReport> =
        report.items.iter().filter(|i| i.boilerplate.removed.iter().any(|r| r.removal.is_boilerplate())).collect();
    boilerplate.sort_by(|a, b| b.boilerplate.ratio.total_cmp(&a.boilerplate.ratio).then_with(|| a.id.cmp(&b.id)));
    if !boilerplate.is_empty() {
        let _ = writeln!(out, "\nBoilerplate removed");
        for item in boilerplate {
            let mut rules: BTreeMap<String, usize> = BTreeMap::new();
            for line in item.boilerplate.removed.iter().filter(|r| r.removal.is_boilerplate()) {
                *rules.entry(rule_name(&line.removal)).or_default() += 1;
            }
            let lines = count(rules.values().sum(), "line");
            let rules: Vec<String> = rules.into_iter().map(|(rule, n)| format!("{rule} {n}")).collect();
            let _ = writeln!(
                out,
                "    {}  {:.0}% of the text, {lines} ({})",
                item.id,
                item.boilerplate.ratio * 100.0,
                rules.join(", ")
            );
        }
    }

    let inferred: Vec<&ItemReport> = report.items.iter().filter(|i| !i.inferred.is_empty()).collect();
    if !inferred.is_empty() {
        let _ = writeln!(out, "\nInferred metadata");
        for item in inferred {
            let fields: Vec<String> = item.inferred.iter().map(|(field, how)| format!("{field} from {how}")).collect();
            let _ = writeln!(out, "    {}  {}", item.id, fields.join("; "));
        }
    }

    if !report.problems.is_empty() {
        let _ = writeln!(out, "\nProblems with inputs");
        for problem in &report.problems {
            let _ = writeln!(out, "    {problem}");
        }
    }

    let relations: Vec<String> = s.relations.iter().map(|(kind, n)| format!("{n} {kind}")).collect();
    let relations = if relations.is_empty() { "no relations".to_string() } else { relations.join(", ") };
    let _ = writeln!(
        out,
        "\n{} · {} · {} · {relations} · {} skipped · {}",
        count(s.items, "item"),
        count(s.clusters, "copy cluster"),
        count(s.story_clusters, "story cluster"),
        s.skipped,
        count(s.warnings, "warning")
    );
    out
}

/// One cluster: its origin, then each member with the relation that ties it in.
fn cluster_block(out: &mut String, index: &HashMap<&str, &ItemReport>, cluster: &ClusterReport) {
    let origin = index.get(cluster.origin.as_str()).copied();
    let _ = writeln!(
        out,
        "\n{}  origin {} — {} — {} items",
        cluster.id,
        cluster.origin,
        origin.map(describe).unwrap_or_default(),
        cluster.size
    );
    let width = cluster.members.iter().map(|m| m.id.chars().count()).max().unwrap_or(0).min(48);
    for member in &cluster.members {
        let Some(item) = index.get(member.id.as_str()) else { continue };
        let relation = member.of.as_deref().and_then(|of| item.relations.iter().find(|r| r.other == of));
        let measured = relation.map(|r| format!("  of {}: {}", r.other, measured(r))).unwrap_or_default();
        let _ =
            writeln!(out, "    {:<14}  {:<width$}  {}{measured}", member.role, clip(&member.id, width), describe(item));
    }
}

/// "1 item", "2 items".
pub(crate) fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Source and date of an item, for one line of the table.
fn describe(item: &ItemReport) -> String {
    let source = item.source.as_deref().unwrap_or("(no source)");
    let date = item.published.as_deref().map(|p| p.get(..10).unwrap_or(p)).unwrap_or("(no date)");
    format!("{source}, {date}")
}

/// The measured values of a relation, in words an editor reads at a glance.
pub fn measured(relation: &RelationReport) -> String {
    let e = &relation.evidence;
    if let Some(story) = &e.story {
        return format!(
            "cosine {:.2} · aligned sentences {} ({:.2}) · shared names {} · numbers {} · quotes {} · novelty {:.2} · jaccard {:.2}",
            story.cosine,
            story.aligned_count,
            story.aligned_sentences,
            story.shared_names,
            story.shared_numbers,
            story.shared_quotes,
            story.novelty,
            e.jaccard
        );
    }
    match relation.kind {
        crate::relate::Kind::Exact => "identical clean text (equal SHA-256)".to_string(),
        _ => format!(
            "jaccard {:.2} · contained {:.2} / {:.2} · {} shared paragraphs · simhash Δ{}",
            e.jaccard,
            e.containment_later_in_earlier,
            e.containment_earlier_in_later,
            e.shared_paragraphs,
            e.simhash_distance
        ),
    }
}

pub(crate) fn rule_name(removal: &crate::normalize::Removal) -> String {
    use crate::normalize::Removal;
    match removal {
        Removal::Lexicon { rule } => (*rule).to_string(),
        Removal::RepeatedInItem { .. } => "repeated".to_string(),
        Removal::SiteTemplate { .. } => "site_template".to_string(),
        Removal::Metadata { .. } => "metadata".to_string(),
        Removal::PageLabel => "page_label".to_string(),
    }
}
