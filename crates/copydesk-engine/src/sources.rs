//! `copydesk sources`: per-source reports over a time window from the archive, compared
//! with the window before it of the same length. The archive gives each source's history
//! of the two windows; each window is scored from the score facts stored with its items,
//! so that a source's score rests on the same items as its counts.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use copydesk_archive::Archive;
use copydesk_core::history::{summarize, timestamp, SourceHistory, SourceItem, WindowBy};
use copydesk_core::score::{scores_with_limits, ItemFacts, SourceScore};
use copydesk_report::sources::{Change, FirstSeen, SourceSummary, SourcesReport, Window};
use copydesk_report::{self as report};

use crate::{Result, Settings};

/// The scores of the sources over a window, from the facts of their items: each item once
/// (its latest version in the window, by identity), items without facts left out.
pub fn window_scores(histories: &BTreeMap<String, SourceHistory>, config: &Settings) -> BTreeMap<String, SourceScore> {
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

/// The per-source report over the window of `length` ending at `until`, compared with
/// the window of the same length before it.
pub fn sources_report(
    archive: &Archive,
    until: DateTime<Utc>,
    length: Duration,
    by: WindowBy,
    config: &Settings,
) -> Result<SourcesReport> {
    let since = until - length;
    let previous_since = since - length;
    let current = archive.source_histories(since, until, by, &config.sources)?;
    let previous = archive.source_histories(previous_since, since, by, &config.sources)?;
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
        version: report::SCHEMA_VERSION,
        tool: report::Tool::copydesk(),
        archive: archive.path().display().to_string(),
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

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
