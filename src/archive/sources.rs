//! Per-source reports over a time window, from the archive: each source's quality score
//! over the items it published in the window, how many items it published, how many copy
//! another source's items and how many of its items others copied, and how that compares
//! with the window before, of the same length.
//!
//! [`Archive::source_histories`] gives each source's archived items of a window with the
//! copy relations they take part in and the score facts stored with them at ingest;
//! [`summarize`] counts them and [`window_scores`] scores them, so that a source's score
//! rests on the same items as its counts. Sources are named as in `copydesk check`: by
//! the configuration's `[[source]]` names and aliases, else as the items give them.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use super::screen::kind_from_code;
use super::{timestamp, Archive, Result};
use crate::config::Config;
use crate::relate::Kind;
use crate::report::table::count;
use crate::score::{scores_with_limits, source_identity, ItemFacts, SourceScore};

/// The name under which items without a source are counted.
pub use crate::score::NO_SOURCE;

/// An archived item version of a source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceItem {
    pub rowid: i64,
    /// The identity its versions share (see `identity_key`).
    #[serde(skip)]
    pub ident: i64,
    pub id: String,
    pub url: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
    /// Unix seconds.
    pub first_seen: i64,
    pub version: i64,
    /// The archived items this one copies.
    pub copies: Vec<Link>,
    /// The criteria the item failed when it was ingested, with the reasons; `None` for an
    /// item stored without them (by `Archive::append`, or by schema version 3 or earlier).
    #[serde(skip)]
    pub facts: Option<ItemFacts>,
}

impl SourceItem {
    /// When the item is dated for a window by published date (Unix seconds): its
    /// published date when it has one that can be read, else its first sighting.
    fn dated(&self) -> i64 {
        self.published.as_deref().and_then(crate::util::parse_timestamp).map_or(self.first_seen, |t| t.timestamp())
    }
}

/// One end of a copy relation, seen from the other end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub kind: Kind,
    /// The archive row of the other item.
    pub other: i64,
    pub other_id: String,
    pub other_source: Option<String>,
}

/// A source's archive over a window: its items first seen in the window, and the copies
/// of its items (of any time) that other sources made in the window.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SourceHistory {
    pub name: String,
    pub items: Vec<SourceItem>,
    /// Items of other sources, first seen in the window, that copy one of this source's
    /// items: the link names the copy.
    pub copied_by: Vec<Link>,
}

/// What [`summarize`] counts over a source's window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Counts {
    /// Items first seen in the window (first versions).
    pub items: usize,
    /// New versions of items edited at their URL.
    pub edited: usize,
    /// Items that copy an item of another source.
    pub copies_of_others: usize,
    /// Items that copy an earlier item of the same source (re-runs).
    pub repeats_own: usize,
    /// Items of other sources that copy this source's items.
    pub copied_by_others: usize,
    /// `copies_of_others` as a share of the item versions of the window.
    pub copy_share: f64,
}

/// The counts of a source's window: the seam the score stage will share.
pub fn summarize(history: &SourceHistory) -> Counts {
    let name = history.name.as_str();
    let other = |link: &Link| link.other_source.as_deref().unwrap_or(NO_SOURCE) != name;
    let versions = history.items.len();
    let copies_of_others = history.items.iter().filter(|i| i.copies.iter().any(other)).count();
    let mut copiers: Vec<i64> = history.copied_by.iter().map(|l| l.other).collect();
    copiers.sort_unstable();
    copiers.dedup();
    Counts {
        items: history.items.iter().filter(|i| i.version == 1).count(),
        edited: history.items.iter().filter(|i| i.version > 1).count(),
        copies_of_others,
        repeats_own: history.items.iter().filter(|i| i.copies.iter().any(|l| !other(l))).count(),
        copied_by_others: copiers.len(),
        copy_share: if versions == 0 { 0.0 } else { round(copies_of_others as f64 / versions as f64) },
    }
}

/// The scores of the sources over a window, from the facts of their items: each item once
/// (its latest version in the window, by identity), items without facts left out.
pub fn window_scores(histories: &BTreeMap<String, SourceHistory>, config: &Config) -> BTreeMap<String, SourceScore> {
    let mut facts: Vec<ItemFacts> = Vec::new();
    for history in histories.values() {
        // In first-seen order, each identity where it first appears, with its latest facts.
        let mut slot: std::collections::HashMap<i64, usize> = std::collections::HashMap::new();
        let mut latest: Vec<&SourceItem> = Vec::new();
        for item in history.items.iter().filter(|i| i.facts.is_some()) {
            match slot.get(&item.ident) {
                Some(&at) => latest[at] = item,
                None => {
                    slot.insert(item.ident, latest.len());
                    latest.push(item);
                }
            }
        }
        for item in latest {
            if let Some(one) = &item.facts {
                facts.push(ItemFacts { id: item.id.clone(), source: history.name.clone(), ..one.clone() });
            }
        }
    }
    scores_with_limits(&facts, &config.score, &config.sources)
        .into_iter()
        .map(|score| (score.name.clone(), score))
        .collect()
}

impl Archive {
    /// Every source's items first seen in `[from, until)`, with their copy relations and
    /// score facts; sources named as `config` names them.
    pub fn source_histories(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        by: WindowBy,
        config: &Config,
    ) -> Result<BTreeMap<String, SourceHistory>> {
        let name_of = |source: Option<&str>, url: Option<&str>| source_identity(source, url, &config.sources);
        // First-seen times are whole seconds: a bound within a second is taken to the end of
        // it, so that a window ending now holds what was stored this second.
        let whole = |t: DateTime<Utc>| t.timestamp() + i64::from(t.timestamp_subsec_nanos() > 0);
        let (from, until) = (whole(from), whole(until));
        let mut histories: BTreeMap<String, SourceHistory> = BTreeMap::new();
        let mut rows: BTreeMap<i64, (String, usize)> = BTreeMap::new();
        let sql = |e| self.sql(e);
        // Published dates are text with their own offsets: windowing by them reads every
        // item and compares instants; first sightings are windowed by the index.
        let window = match by {
            WindowBy::FirstSeen => "WHERE i.first_seen >= ?1 AND i.first_seen < ?2",
            WindowBy::Published => "WHERE ?1 <= ?2",
        };
        let mut select = self
            .conn
            .prepare_cached(&format!(
                "SELECT i.rowid, i.id, i.source, i.url, i.title, i.published, i.first_seen, i.version, f.data, i.ident \
                 FROM items i LEFT JOIN facts f ON f.item = i.rowid {window} ORDER BY i.first_seen, i.rowid"
            ))
            .map_err(sql)?;
        let items = select
            .query_map([from, until], |row| {
                Ok((
                    row.get::<_, Option<String>>(2)?,
                    SourceItem {
                        rowid: row.get(0)?,
                        ident: row.get(9)?,
                        id: row.get(1)?,
                        url: row.get(3)?,
                        title: row.get(4)?,
                        published: row.get(5)?,
                        first_seen: row.get(6)?,
                        version: row.get(7)?,
                        copies: Vec::new(),
                        facts: row.get::<_, Option<String>>(8)?.and_then(|data| serde_json::from_str(&data).ok()),
                    },
                ))
            })
            .map_err(sql)?;
        for row in items {
            let (source, item) = row.map_err(sql)?;
            if by == WindowBy::Published && !(from..until).contains(&item.dated()) {
                continue;
            }
            let name = name_of(source.as_deref(), item.url.as_deref());
            let history = histories
                .entry(name.clone())
                .or_insert_with(|| SourceHistory { name: name.clone(), ..Default::default() });
            rows.insert(item.rowid, (name, history.items.len()));
            history.items.push(item);
        }
        let window = match by {
            WindowBy::FirstSeen => "WHERE l.first_seen >= ?1 AND l.first_seen < ?2",
            WindowBy::Published => "WHERE ?1 <= ?2",
        };
        let mut select = self
            .conn
            .prepare_cached(&format!(
                "SELECT r.later, l.id, l.source, l.url, r.earlier, e.id, e.source, e.url, r.kind \
                 FROM items l JOIN relations r ON r.later = l.rowid JOIN items e ON e.rowid = r.earlier {window}"
            ))
            .map_err(sql)?;
        let relations = select
            .query_map([from, until], |row| {
                Ok((
                    (row.get::<_, i64>(0)?, row.get::<_, String>(1)?),
                    name_of(row.get::<_, Option<String>>(2)?.as_deref(), row.get::<_, Option<String>>(3)?.as_deref()),
                    (row.get::<_, i64>(4)?, row.get::<_, String>(5)?),
                    name_of(row.get::<_, Option<String>>(6)?.as_deref(), row.get::<_, Option<String>>(7)?.as_deref()),
                    row.get::<_, i64>(8)?,
                ))
            })
            .map_err(sql)?;
        for row in relations {
            let ((later, later_id), later_source, (earlier, earlier_id), earlier_source, kind) = row.map_err(sql)?;
            let Some(kind) = kind_from_code(kind) else { continue };
            // The later item is in the window (by published date, only its rows are).
            if by == WindowBy::Published && !rows.contains_key(&later) {
                continue;
            }
            if let Some((name, index)) = rows.get(&later) {
                if let Some(item) = histories.get_mut(name).and_then(|h| h.items.get_mut(*index)) {
                    item.copies.push(Link {
                        kind,
                        other: earlier,
                        other_id: earlier_id,
                        other_source: Some(earlier_source.clone()),
                    });
                }
            }
            if later_source != earlier_source {
                histories
                    .entry(earlier_source.clone())
                    .or_insert_with(|| SourceHistory { name: earlier_source, ..Default::default() })
                    .copied_by
                    .push(Link { kind, other: later, other_id: later_id, other_source: Some(later_source) });
            }
        }
        Ok(histories)
    }

    /// The per-source report over the window of `length` ending at `until`, compared with
    /// the window of the same length before it.
    pub fn sources_report(
        &self,
        until: DateTime<Utc>,
        length: Duration,
        by: WindowBy,
        config: &Config,
    ) -> Result<SourcesReport> {
        let since = until - length;
        let previous_since = since - length;
        let current = self.source_histories(since, until, by, config)?;
        let previous = self.source_histories(previous_since, since, by, config)?;
        let (mut scores, previous_scores) = (window_scores(&current, config), window_scores(&previous, config));
        let mut names: Vec<&String> = current.keys().chain(previous.keys()).collect();
        names.sort();
        names.dedup();
        let empty = SourceHistory::default();
        let sources = names
            .into_iter()
            .map(|name| {
                let now = current.get(name).unwrap_or(&empty);
                let before = previous.get(name).unwrap_or(&empty);
                let (c, p) = (summarize(now), summarize(before));
                let quality = scores.remove(name);
                let previous_score = previous_scores.get(name).map(|s| s.score);
                SourceSummary {
                    name: name.clone(),
                    score: quality.as_ref().map(|q| q.score),
                    previous_score,
                    change: Change {
                        items: c.items as i64 - p.items as i64,
                        copies_of_others: c.copies_of_others as i64 - p.copies_of_others as i64,
                        copied_by_others: c.copied_by_others as i64 - p.copied_by_others as i64,
                        copy_share: round(c.copy_share - p.copy_share),
                        score: quality.as_ref().zip(previous_score).map(|(q, p)| round(q.score - p)),
                    },
                    quality,
                    counts: c,
                    first_seen: FirstSeen {
                        first: now.items.iter().map(|i| i.first_seen).min().map(timestamp),
                        last: now.items.iter().map(|i| i.first_seen).max().map(timestamp),
                    },
                    previous: p,
                }
            })
            .filter(|s| s.counts.items + s.counts.edited + s.counts.copied_by_others > 0 || s.previous.items > 0)
            .collect();
        Ok(SourcesReport {
            version: crate::report::SCHEMA_VERSION,
            tool: crate::report::Tool { name: "copydesk", version: env!("CARGO_PKG_VERSION") },
            archive: self.path.display().to_string(),
            window: Window {
                since: stamp(since),
                until: stamp(until),
                previous_since: stamp(previous_since),
                days: round(length.num_seconds() as f64 / 86_400.0),
                by,
            },
            sources,
        })
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The report of `copydesk sources`.
#[derive(Debug, Clone, Serialize)]
pub struct SourcesReport {
    pub version: u32,
    pub tool: crate::report::Tool,
    pub archive: String,
    pub window: Window,
    pub sources: Vec<SourceSummary>,
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

/// What places an archived item in a window of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowBy {
    /// When the archive first saw the item.
    FirstSeen,
    /// The item's published date, else when the archive first saw it.
    Published,
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

/// Parses a window length: `30d`, `12h`, `4w`, or a number of days.
pub fn parse_span(value: &str) -> std::result::Result<Duration, String> {
    let value = value.trim();
    let (number, unit) = match value.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((at, _)) => (&value[..at], value[at..].trim()),
        None => (value, "d"),
    };
    let n: i64 = number.parse().map_err(|_| format!("{value:?} is not a span such as 30d, 12h, 15m or 4w"))?;
    let span = match unit {
        "s" => Duration::try_seconds(n),
        "m" => Duration::try_minutes(n),
        "h" => Duration::try_hours(n),
        "d" => Duration::try_days(n),
        "w" => Duration::try_weeks(n),
        _ => None,
    };
    match span {
        Some(span) if n > 0 => Ok(span),
        _ => Err(format!("{value:?} is not a span such as 30d, 12h, 15m or 4w")),
    }
}

/// Parses the end of the window: a date (its end, midnight UTC after it) or RFC 3339.
pub fn parse_until(value: &str) -> std::result::Result<DateTime<Utc>, String> {
    if let Ok(date) = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") {
        if let Some(t) = date.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)) {
            return Ok(t.and_utc());
        }
    }
    DateTime::parse_from_rfc3339(value.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("{value:?} is not a date (YYYY-MM-DD) or an RFC 3339 time"))
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
        crate::report::table::write_scores(&mut out, &scores);
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
        crate::report::markdown::write_scores(&mut out, &scores);
    }
    out
}

/// The report as JSON.
pub fn render_json(report: &SourcesReport) -> String {
    let mut out = serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
