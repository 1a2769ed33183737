//! The report of `copydesk sources` and its formats: a table, Markdown and JSON.

use std::fmt::Write;

use chrono::{DateTime, Duration};
use serde::Serialize;

use crate::history::{Counts, WindowBy};
use crate::score::SourceScore;
use crate::table::count;

/// The report of `copydesk sources`.
#[derive(Debug, Clone, Serialize)]
pub struct SourcesReport {
    pub version: u32,
    pub tool: super::Tool,
    pub archive: String,
    pub window: Window,
    pub sources: Vec<SourceSummary>,
}

impl SourcesReport {
    /// A report of no source over no window, of an archive.
    pub fn empty(archive: &str) -> SourcesReport {
        let stamp = "1970-01-01T00:00:00Z".to_string();
        SourcesReport {
            version: super::SCHEMA_VERSION,
            tool: super::Tool::copydesk(),
            archive: archive.to_string(),
            window: Window {
                since: stamp.clone(),
                until: stamp.clone(),
                previous_since: stamp,
                days: 0.0,
                by: WindowBy::FirstSeen,
            },
            sources: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Window {
    /// The window is `[since, until)`; the previous one `[previous_since, since)`.
    pub since: String,
    pub until: String,
    pub previous_since: String,
    pub days: f64,
    /// What places an item in the window: `first_seen` (when the archive first saw it) or
    /// `published` (its published date, else its first sighting).
    pub by: WindowBy,
}

/// One source over the window.
#[derive(Debug, Clone, Serialize)]
pub struct SourceSummary {
    pub name: String,
    /// The quality score over the window's items (0 to 100), when any of them was stored
    /// with its score facts.
    pub score: Option<f64>,
    /// The score over the previous window.
    pub previous_score: Option<f64>,
    /// The score with its grade, interval, confidence and criteria, each failing
    /// criterion with its items and reasons: as in `copydesk check`.
    pub quality: Option<SourceScore>,
    #[serde(flatten)]
    pub counts: Counts,
    pub first_seen: FirstSeen,
    /// The same counts over the previous window.
    pub previous: Counts,
    /// This window's counts less the previous window's.
    pub change: Change,
}

#[derive(Debug, Clone, Serialize)]
pub struct FirstSeen {
    pub first: Option<String>,
    pub last: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Change {
    pub items: i64,
    pub copies_of_others: i64,
    pub copied_by_others: i64,
    pub copy_share: f64,
    /// The score less the previous window's, when both windows have one.
    pub score: Option<f64>,
}

fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
}

fn day(t: &Option<String>) -> &str {
    t.as_deref().map(short).unwrap_or("-")
}

/// The last day of a window that ends (exclusively) at a timestamp.
fn last_day(end: &str) -> String {
    DateTime::parse_from_rfc3339(end)
        .map(|t| (t - Duration::seconds(1)).date_naive().to_string())
        .unwrap_or_else(|_| short(end).to_string())
}

/// The date of a timestamp.
fn short(t: &str) -> &str {
    t.get(..10).unwrap_or(t)
}

/// The report as a table for a terminal.
pub fn render_table(report: &SourcesReport) -> String {
    let mut out = String::new();
    let w = &report.window;
    let _ = writeln!(
        out,
        "copydesk sources · {} · {} – {} ({} days{}), compared with {} – {}\n",
        report.archive,
        short(&w.since),
        last_day(&w.until),
        w.days,
        match w.by {
            WindowBy::FirstSeen => "",
            WindowBy::Published => ", by published date",
        },
        short(&w.previous_since),
        last_day(&w.since),
    );
    if report.sources.is_empty() {
        let _ = writeln!(out, "No items in the archive over these windows.");
        return out;
    }
    let width = report.sources.iter().map(|s| s.name.chars().count()).max().unwrap_or(6).clamp(6, 40);
    let _ = writeln!(
        out,
        "{:<width$}  {:>11}  {:>12}  {:>6}  {:>16}  {:>16}  {:>9}  first seen",
        "source", "score (Δ)", "items (Δ)", "edited", "copies of others", "copied by others", "re-runs"
    );
    for s in &report.sources {
        let c = &s.counts;
        let _ = writeln!(
            out,
            "{:<width$}  {:>11}  {:>12}  {:>6}  {:>16}  {:>16}  {:>9}  {} – {}",
            crate::util::clip(&s.name, width),
            score_cell(s),
            format!("{} ({})", c.items, signed(s.change.items)),
            c.edited,
            format!("{} ({})", c.copies_of_others, signed(s.change.copies_of_others)),
            format!("{} ({})", c.copied_by_others, signed(s.change.copied_by_others)),
            c.repeats_own,
            day(&s.first_seen.first),
            day(&s.first_seen.last),
        );
    }
    let items: usize = report.sources.iter().map(|s| s.counts.items).sum();
    let _ = writeln!(out, "\n{} · {}", count(report.sources.len(), "source"), count(items, "new item"));
    let scores: Vec<&SourceScore> = report.sources.iter().filter_map(|s| s.quality.as_ref()).collect();
    if !scores.is_empty() {
        let _ = writeln!(out, "\nScores over the window (score out of 100, grade, items, failing criteria)");
        crate::table::write_scores(&mut out, &scores);
    }
    out
}

/// A source's score with its change against the previous window: `80 B (+5)`; `-` for a
/// source without scored items.
fn score_cell(source: &SourceSummary) -> String {
    let Some(quality) = &source.quality else { return "-".to_string() };
    match source.change.score {
        Some(change) => format!("{:.0} {} ({})", quality.score, quality.grade, signed(change.round() as i64)),
        None => format!("{:.0} {} (new)", quality.score, quality.grade),
    }
}

/// The report as Markdown.
pub fn render_markdown(report: &SourcesReport) -> String {
    let mut out = String::new();
    let w = &report.window;
    let _ = writeln!(out, "## Sources, {} – {}\n", short(&w.since), last_day(&w.until));
    let _ = writeln!(
        out,
        "| source | score (change) | items | change | edited | copies of others | copied by others | re-runs |"
    );
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for s in &report.sources {
        let c = &s.counts;
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} ({}) | {} ({}) | {} |",
            s.name.replace('|', "\\|"),
            score_cell(s),
            c.items,
            signed(s.change.items),
            c.edited,
            c.copies_of_others,
            signed(s.change.copies_of_others),
            c.copied_by_others,
            signed(s.change.copied_by_others),
            c.repeats_own
        );
    }
    let scores: Vec<&SourceScore> = report.sources.iter().filter_map(|s| s.quality.as_ref()).collect();
    if !scores.is_empty() {
        let _ = writeln!(out, "\n### Scores over the window\n");
        crate::markdown::write_scores(&mut out, &scores);
    }
    out
}

/// The report as JSON.
pub fn render_json(report: &SourcesReport) -> String {
    let mut out = serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
