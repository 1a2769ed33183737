//! The terminal report: one block per copy cluster and per story cluster (members, source,
//! date, kind, measured values), the stale items with the evidence that dates them, then
//! the items with problems, then the inputs that were skipped.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use super::{condensed, thousands, ClusterReport, ItemReport, RelationReport, Report};
use crate::date::DateEvidence;
use crate::model::Flag;
use crate::util::clip;
use crate::verdict::describe;

pub fn render(report: &Report) -> String {
    render_painted(report, Paint::default())
}

/// The table, painted for a terminal when `paint.color` is set.
pub fn render_painted(report: &Report, paint: Paint) -> String {
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
    // The summary first: past a few hundred items the lists below are long.
    let relations: Vec<String> = s.relations.iter().map(|(kind, n)| format!("{n} {kind}")).collect();
    let relations = if relations.is_empty() { "no relations".to_string() } else { relations.join(", ") };
    let content_undated = match s.content_undated {
        0 => String::new(),
        n => format!(" ({} dated by the feed or page, not by the text)", thousands(n)),
    };
    let _ = writeln!(
        out,
        "{} · {} · {} · {relations} · {} stale · {} undated{content_undated} · {} skipped · {}",
        count(s.items, "item"),
        count(s.clusters, "copy cluster"),
        count(s.story_clusters, "story cluster"),
        s.stale,
        s.undated,
        s.skipped,
        count(s.warnings, "warning")
    );
    let _ = writeln!(
        out,
        "configuration: {} · {} ignored by it",
        report.configuration.describe(),
        count(report.ignored.len(), "finding")
    );
    if let Some(baseline) = &report.baseline {
        let _ = writeln!(out, "baseline: {}", baseline.describe());
    }

    let copies: Vec<&ClusterReport> = report.clusters.iter().filter(|c| c.kind == "copy").collect();
    let stories: Vec<&ClusterReport> = report.clusters.iter().filter(|c| c.kind == "story").collect();
    if copies.is_empty() {
        let _ = writeln!(out, "\n{}", paint.heading("No copies found.", Tone::Good));
    } else {
        let _ = writeln!(out, "\n{}", paint.heading("Copy clusters", Tone::Error));
    }
    let more_copies = copies.len().saturating_sub(BLOCK_SHOWN);
    for cluster in copies.into_iter().take(BLOCK_SHOWN) {
        cluster_block(&mut out, &index, cluster, &report.ignored);
    }
    more(&mut out, more_copies, "copy cluster");
    if !stories.is_empty() {
        let _ =
            writeln!(out, "\n{}", paint.heading("Story clusters (rewrites and reports of the same story)", Tone::Note));
    }
    let more_stories = stories.len().saturating_sub(BLOCK_SHOWN);
    for cluster in stories.into_iter().take(BLOCK_SHOWN) {
        cluster_block(&mut out, &index, cluster, &report.ignored);
    }
    more(&mut out, more_stories, "story cluster");

    let held: Vec<(&ItemReport, &crate::HeldApartReport)> =
        report.items.iter().flat_map(|i| i.held_apart.iter().map(move |h| (i, h))).collect();
    if !held.is_empty() {
        let _ = writeln!(out, "\n{}", paint.heading("Held apart (the text alone would relate them)", Tone::Plain));
        let hidden = held.len().saturating_sub(BLOCK_SHOWN);
        for (item, h) in held.into_iter().take(BLOCK_SHOWN) {
            let measured = story_measured(&h.evidence).unwrap_or_default();
            let _ = writeln!(out, "    {} / {}: {}  {measured}", item.id, h.other, h.reason);
        }
        more(&mut out, hidden, "held-apart pair");
    }

    let unattributed: Vec<String> =
        report.items.iter().filter(|i| i.attribution.unattributed).map(ItemReport::label).collect();
    if !unattributed.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint.heading("Unattributed (no source credit, no byline, no quotation with a named speaker)", Tone::Plain)
        );
        let _ = writeln!(out, "    {}", condensed(&unattributed, "\n    "));
    }

    let stale: Vec<&ItemReport> = report.items.iter().filter(|i| i.stale).collect();
    if !stale.is_empty() {
        let _ = writeln!(out, "\n{}", paint.heading("Stale items", Tone::Error));
    }
    let more_stale = stale.len().saturating_sub(BLOCK_SHOWN);
    for item in stale.into_iter().take(BLOCK_SHOWN) {
        let _ = writeln!(out, "\n    {}  {}", item.label(), stale_summary(item));
        for evidence in evidence_in_order(item) {
            let _ = writeln!(out, "        {}", evidence_line(evidence));
        }
    }

    more(&mut out, more_stale, "stale item");

    let conflicts: Vec<&ItemReport> = report.items.iter().filter(|i| i.flags.contains(&Flag::DateConflict)).collect();
    if !conflicts.is_empty() {
        let _ = writeln!(out, "\n{}", paint.heading("Date conflicts", Tone::Warning));
        for item in conflicts {
            for conflict in &item.content_date.conflicts {
                let _ = writeln!(out, "    {}  {}", item.label(), conflict.message);
            }
        }
    }

    let undated: Vec<String> =
        report.items.iter().filter(|i| i.flags.contains(&Flag::Undated)).map(ItemReport::label).collect();
    if !undated.is_empty() {
        let _ = writeln!(
            out,
            "\n{}\n    {}",
            paint.heading("Undated (no published or fetched date, and nothing in the text dates them)", Tone::Warning),
            condensed(&undated, "\n    ")
        );
    }

    let mut boilerplate: Vec<&ItemReport> =
        report.items.iter().filter(|i| i.boilerplate.removed.iter().any(|r| r.removal.is_boilerplate())).collect();
    boilerplate.sort_by(|a, b| b.boilerplate.ratio.total_cmp(&a.boilerplate.ratio).then_with(|| a.id.cmp(&b.id)));
    if !boilerplate.is_empty() {
        let _ = writeln!(out, "\n{}", paint.heading("Boilerplate removed", Tone::Plain));
        let hidden = boilerplate.len().saturating_sub(BLOCK_SHOWN);
        for item in boilerplate.into_iter().take(BLOCK_SHOWN) {
            let mut rules: BTreeMap<String, usize> = BTreeMap::new();
            for line in item.boilerplate.removed.iter().filter(|r| r.removal.is_boilerplate()) {
                *rules.entry(rule_name(&line.removal)).or_default() += 1;
            }
            let lines = count(rules.values().sum(), "line");
            let rules: Vec<String> = rules.into_iter().map(|(rule, n)| format!("{rule} {n}")).collect();
            let _ = writeln!(
                out,
                "    {}  {:.0}% of the text, {lines} ({})",
                item.label(),
                item.boilerplate.ratio * 100.0,
                rules.join(", ")
            );
        }
        more(&mut out, hidden, "item");
    }

    let inferred: Vec<&ItemReport> = report.items.iter().filter(|i| !i.inferred.is_empty()).collect();
    if !inferred.is_empty() {
        let _ = writeln!(out, "\n{}", paint.heading("Inferred metadata", Tone::Plain));
        let hidden = inferred.len().saturating_sub(BLOCK_SHOWN);
        for item in inferred.into_iter().take(BLOCK_SHOWN) {
            let fields: Vec<String> = item.inferred.iter().map(|(field, how)| format!("{field} from {how}")).collect();
            let _ = writeln!(out, "    {}  {}", item.label(), fields.join("; "));
        }
        more(&mut out, hidden, "item");
    }

    if !report.sources.is_empty() || s.items_without_source > 0 {
        let _ = writeln!(
            out,
            "\n{}",
            paint.heading("Sources (score out of 100, grade, items, failing criteria)", Tone::Plain)
        );
        // Past a screenful, the lowest scores are the ones an editor looks for.
        let mut shown: Vec<&crate::score::SourceScore> = report.sources.iter().collect();
        shown.sort_by(|a, b| a.score.total_cmp(&b.score).then_with(|| a.name.cmp(&b.name)));
        let higher = shown.len().saturating_sub(BLOCK_SHOWN);
        shown.truncate(BLOCK_SHOWN);
        write_scores_painted(&mut out, &shown, paint);
        if higher > 0 {
            let _ = writeln!(
                out,
                "    … and {} scoring higher (all of them: --format json or html)",
                count(higher, "more source")
            );
        }
        if s.items_without_source > 0 {
            let _ = writeln!(out, "    {} without an outlet, not scored", count(s.items_without_source, "item"));
        }
    }

    if !report.problems.is_empty() {
        let _ = writeln!(out, "\n{}", paint.heading("Problems with inputs", Tone::Warning));
        for problem in report.problems.iter().take(BLOCK_SHOWN) {
            let _ = writeln!(out, "    {problem}");
        }
        more(&mut out, report.problems.len().saturating_sub(BLOCK_SHOWN), "problem");
    }

    out
}

/// Entries of each block of the table shown at most; the rest are counted.
pub const BLOCK_SHOWN: usize = 50;

/// The count of what a block left out, and where to find all of it.
fn more(out: &mut String, hidden: usize, noun: &str) {
    if hidden > 0 {
        let noun = format!("more {noun}");
        let _ = writeln!(out, "\n    … and {} (all of them: --format json or html)", count(hidden, &noun));
    }
}

/// One cluster: its origin, then each member with the relation that ties it in.
fn cluster_block(
    out: &mut String,
    index: &HashMap<&str, &ItemReport>,
    cluster: &ClusterReport,
    ignored: &[super::findings::Ignored],
) {
    let origin = index.get(cluster.origin.as_str()).copied();
    let _ = writeln!(
        out,
        "\n{}  origin {} — {} — {} items",
        cluster.id,
        cluster.origin,
        origin.map(describe).unwrap_or_default(),
        cluster.size
    );
    if let Some(archived) = &cluster.archived_origin {
        let _ = writeln!(
            out,
            "    {:<14}  {} ({}, first seen {}): {}",
            "archived origin",
            archived.id,
            archived.source.as_deref().unwrap_or("no source"),
            archived.first_seen.get(..10).unwrap_or(&archived.first_seen),
            archived.relation()
        );
    }
    let width = cluster.members.iter().map(|m| m.id.chars().count()).max().unwrap_or(0).min(48);
    for member in &cluster.members {
        let Some(item) = index.get(member.id.as_str()) else { continue };
        let relation = member.of.as_deref().and_then(|of| item.relations.iter().find(|r| r.other == of));
        let withdrawn = || {
            ignored
                .iter()
                .find(|i| i.finding.item == member.id && i.finding.other.as_deref() == member.of.as_deref())
                .map(|i| format!("  of {}: finding ignored ({})", i.finding.other.as_deref().unwrap_or(""), i.reason))
        };
        let measured =
            relation.map(|r| format!("  of {}: {}", r.other, measured(r))).or_else(withdrawn).unwrap_or_default();
        // The link that holds a member in, unless it is the relation already shown.
        let held = member
            .held_by
            .as_ref()
            .filter(|h| member.of.as_deref() != Some(h.other.as_str()))
            .map(|h| format!(" · held in by {} (z {:.1})", h.other, h.cosine_z));
        let _ = writeln!(
            out,
            "    {:<14}  {:<width$}  {}{measured}{}",
            member.role,
            clip(&member.id, width),
            describe(item),
            held.unwrap_or_default()
        );
    }
}

/// The source scores, best first: score, grade, items, interval and failing criteria, then
/// each failing item with the reason.
pub(crate) fn write_scores(out: &mut String, sources: &[&crate::score::SourceScore]) {
    write_scores_painted(out, sources, Paint::default());
}

fn write_scores_painted(out: &mut String, sources: &[&crate::score::SourceScore], paint: Paint) {
    let mut sources = sources.to_vec();
    sources.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.name.cmp(&b.name)));
    let width = sources.iter().map(|s| s.name.chars().count()).max().unwrap_or(0).min(32);
    for source in sources {
        let failing: Vec<String> =
            source.failing().map(|c| format!("{} {:.2} < {}", c.name, c.value, c.threshold)).collect();
        let failing = if failing.is_empty() { "passes every criterion".to_string() } else { failing.join(", ") };
        let _ = writeln!(
            out,
            "    {:<width$}  {:>3.0}  {}  {}  [{:.0}–{:.0}, {} confidence]  {failing}",
            clip(&source.name, width),
            source.score,
            paint.grade(source.grade),
            count(source.items.len(), "item"),
            source.interval[0],
            source.interval[1],
            source.confidence,
        );
        for criterion in source.failing() {
            for item in &criterion.failing {
                let _ = writeln!(out, "        {}: {}  {}", criterion.name, item.id, item.reason);
            }
        }
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

/// Framing date, content window and age of a stale item, on one line.
pub(crate) fn stale_summary(item: &ItemReport) -> String {
    describe::stale_summary(item.framing_date, item.framing_basis, &item.content_date, item.age_days)
}

/// An item's evidence, the bounds that decide first.
pub(crate) fn evidence_in_order(item: &ItemReport) -> Vec<&DateEvidence> {
    describe::evidence_in_order(&item.content_date)
}

pub(crate) use describe::{evidence_line, story_measured};

/// Source and date of an item, for one line of the table.
fn describe(item: &ItemReport) -> String {
    let source = item.source.as_deref().unwrap_or("(no source)");
    let date = item.published.as_deref().map(|p| p.get(..10).unwrap_or(p)).unwrap_or("(no date)");
    format!("{source}, {date}")
}

/// The measured values of a relation, in words an editor reads at a glance.
pub fn measured(relation: &RelationReport) -> String {
    relation.measured()
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

/// How a heading reads at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Good,
    Note,
    Warning,
    Error,
}

/// How the table is painted: plain text, or with ANSI colours for a terminal
/// (`--color`, `NO_COLOR`, `CLICOLOR_FORCE`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Paint {
    pub color: bool,
}

impl Paint {
    fn paint(self, text: &str, style: anstyle::Style) -> String {
        if self.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    fn heading(self, text: &str, tone: Tone) -> String {
        use anstyle::AnsiColor;
        let color = match tone {
            Tone::Plain => None,
            Tone::Good => Some(AnsiColor::Green),
            Tone::Note => Some(AnsiColor::Cyan),
            Tone::Warning => Some(AnsiColor::Yellow),
            Tone::Error => Some(AnsiColor::Red),
        };
        self.paint(text, anstyle::Style::new().bold().fg_color(color.map(Into::into)))
    }

    /// A grade, green to red.
    fn grade(self, grade: &str) -> String {
        use anstyle::AnsiColor;
        let color = match grade {
            "A" | "B" => AnsiColor::Green,
            "C" => AnsiColor::Yellow,
            _ => AnsiColor::Red,
        };
        self.paint(grade, anstyle::Style::new().bold().fg_color(Some(color.into())))
    }
}
