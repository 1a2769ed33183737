//! The date stage: when was an item's content written, and is it old news?
//!
//! Every item has a **framing date**, the date it is presented under: its published date,
//! else the date its feed was read, else the collection's date (`--as-of`, by default the
//! newest published date in the collection). Its text is read for **evidence** of when the
//! content was written:
//!
//! - explicit dates ("Nov. 22, 2024", "22 November 2024", "2022-03-29", "March 2022",
//!   "in 2019"); a date without a year takes it from the text (the same day written with
//!   a year elsewhere, an event of that day named beside it, a weekday that fits only some
//!   years) or else from the framing date;
//! - relative expressions ("ten days ago", "last weekend", "nearly two weeks after the WHO
//!   declared a pandemic"), anchored to the dated event they name, or else to the framing
//!   date;
//! - a [`Timeline`] of dated events and of office holders' tenures.
//!
//! Each piece of evidence is **hard** (the text alone fixes it: a year is written, an event
//! is named, a weekday narrows the year) or **soft** (it leans on the framing date, so it
//! cannot tell whether the framing is right). Hard bounds intersect into the content-date
//! window `[not_before, not_after]`; when two contradict, the less certain one is set aside
//! and the conflict is reported. Soft evidence only shapes the estimate. Phrases that tell
//! history ("five years after", "in 2020, when", "the late", "former") are reported but
//! bound nothing.
//!
//! An item is **stale** when its window ends more than `max_age_days` before its framing
//! date, **undated** when nothing in it dates it, and in **date conflict** when its stated
//! published date falls before the window begins.

mod archived;
pub mod calendar;
mod explicit;
mod extract;
mod relative;
pub mod timeline;
mod timeline_evidence;

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

pub use archived::{bound_by_sighting, Dated, Sighting};
pub use calendar::Span;
pub use timeline::{Timeline, TimelineFiles};

use calendar::{add_days, add_months, days_between, Direction};
use extract::{Approx, CalendarUnit, Doc, Form, Mention, Modifier, Part, Quantity, Unit};
use timeline::{Target, TermMatch};

use crate::model::{Flag, Item};
use crate::util::{clip, TextLines};

/// Settings of the date stage (`[date]` in `copydesk.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DateOptions {
    /// An item is stale when its content window ends more than this many days before its
    /// framing date.
    pub max_age_days: u32,
    /// Timeline files added to the built-in one, in order; later entries win. Relative
    /// paths in a configuration file are relative to that file.
    pub timelines: Vec<PathBuf>,
    /// Whether the built-in timeline is used.
    pub builtin_timeline: bool,
}

impl Default for DateOptions {
    fn default() -> Self {
        DateOptions { max_age_days: 30, timelines: Vec::new(), builtin_timeline: true }
    }
}

impl DateOptions {
    /// The timeline these options name: the built-in one (unless switched off) and the
    /// files.
    pub fn timeline(&self) -> crate::Result<Timeline> {
        Timeline::load(self.builtin_timeline, &self.timelines)
    }

    /// The files of [`DateOptions::timeline`], read and checked, to compile later.
    pub fn timeline_files(&self) -> crate::Result<TimelineFiles> {
        Timeline::read(self.builtin_timeline, &self.timelines)
    }
}

/// Where an item's framing date comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FramingBasis {
    Published,
    Fetched,
    AsOf,
}

impl FramingBasis {
    pub fn as_str(&self) -> &'static str {
        match self {
            FramingBasis::Published => "published",
            FramingBasis::Fetched => "fetched",
            FramingBasis::AsOf => "as_of",
        }
    }
}

/// What a piece of evidence says about the content date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bound {
    /// The content was written on or after the start of `implies`.
    NotBefore,
    /// The content was written on or before the end of `implies`.
    NotAfter,
    /// The content was written within `implies`.
    Near,
    /// The phrase tells history; it bounds nothing.
    History,
}

/// How sure a piece of evidence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// Fixed by the text alone; it bounds the content window.
    Hard,
    /// Resolved against the framing date (or the window); it only shapes the estimate.
    Soft,
}

/// One phrase of the text that dates the content, and what it implies.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DateEvidence {
    pub phrase: String,
    /// Line of the text, from 1.
    pub line: usize,
    /// Byte offset in the text.
    pub offset: usize,
    /// The day or days the phrase points at: `YYYY-MM-DD` or `YYYY-MM-DD/YYYY-MM-DD`.
    pub implies: Span,
    pub bound: Bound,
    pub kind: Strength,
    /// 0..1: how far the reading of the phrase can be trusted.
    pub confidence: f64,
    /// The bounds the phrase sets on the content date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_before: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_after: Option<NaiveDate>,
    /// `text`, or `timeline:<entry name>`.
    pub source: String,
    pub note: String,
    /// Contradicted by surer evidence, so left out of the window.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub set_aside: bool,
    /// The single most likely day, for the estimate.
    #[serde(skip)]
    pub point: NaiveDate,
}

/// Two pieces of evidence (or the published date and the evidence) that disagree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    pub message: String,
    pub phrases: Vec<String>,
}

/// When the content was written, as far as the evidence says.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ContentDate {
    pub not_before: Option<NaiveDate>,
    pub not_after: Option<NaiveDate>,
    pub estimate: Option<NaiveDate>,
    pub evidence: Vec<DateEvidence>,
    pub conflicts: Vec<Conflict>,
}

/// The date stage's findings about one item.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub framing_date: Option<NaiveDate>,
    pub framing_basis: FramingBasis,
    pub content: ContentDate,
    pub stale: bool,
    pub undated: bool,
    pub date_conflict: bool,
    /// Days from the end of the content window (or the estimate, when the window has no
    /// end) to the framing date; never negative.
    pub age_days: Option<i64>,
    /// The day the text says it reports: the first date written in full (with its year)
    /// in its header lines or its lead sentence, when it does not tell history.
    pub reported: Option<NaiveDate>,
    /// Every day the text names in full, history included, sorted.
    pub days_named: Vec<NaiveDate>,
}

impl Default for Assessment {
    fn default() -> Self {
        Assessment {
            framing_date: None,
            framing_basis: FramingBasis::AsOf,
            content: ContentDate::default(),
            stale: false,
            undated: true,
            date_conflict: false,
            age_days: None,
            reported: None,
            days_named: Vec::new(),
        }
    }
}

impl Assessment {
    /// The item flags the findings raise: `stale`, `undated`, `date_conflict`; and
    /// `content_undated`, a note without a finding, for an item that nothing in its text
    /// dates but that has a date of its own (published or fetched), so its framing is known.
    pub fn flags(&self) -> Vec<Flag> {
        let mut flags = Vec::new();
        if self.stale {
            flags.push(Flag::Stale);
        }
        if self.undated {
            let framed = matches!(self.framing_basis, FramingBasis::Published | FramingBasis::Fetched);
            flags.push(if framed { Flag::ContentUndated } else { Flag::Undated });
        }
        if self.date_conflict {
            flags.push(Flag::DateConflict);
        }
        flags
    }
}

/// What the date stage needs besides the item: the timeline, the collection's date and
/// the options.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub timeline: &'a Timeline,
    /// The collection's date, for items with neither a published nor a fetched date.
    pub as_of: Option<NaiveDate>,
    pub max_age_days: u32,
}

/// An item's framing date and where it comes from.
pub fn framing(item: &Item, as_of: Option<NaiveDate>) -> (Option<NaiveDate>, FramingBasis) {
    if let Some(published) = item.published {
        (Some(published.date_naive()), FramingBasis::Published)
    } else if let Some(fetched) = item.fetched {
        (Some(fetched.date_naive()), FramingBasis::Fetched)
    } else {
        (as_of, FramingBasis::AsOf)
    }
}

/// Assesses one item from its text; `skip` lists the lines (from 1) that are not article
/// text (boilerplate, byline, credit).
pub fn assess(item: &Item, skip: &[usize], context: &Context<'_>) -> Assessment {
    assess_cut(item, &TextLines::new(&item.text), skip, context)
}

/// [`assess`], with the item's text already cut into lines (`cut`, of `item.text`), as
/// the other per-item stages read it.
pub fn assess_cut(item: &Item, cut: &TextLines<'_>, skip: &[usize], context: &Context<'_>) -> Assessment {
    let (framing_date, framing_basis) = framing(item, context.as_of);
    let published = item.published.map(|p| p.date_naive());
    let mut assessment = cut_text_assessment(cut, skip, framing_date, published, context);
    assessment.framing_basis = framing_basis;
    assessment
}

/// Assesses a text framed on `framing` (and stated as published on `published`).
pub fn assess_text(
    text: &str,
    skip: &[usize],
    framing: Option<NaiveDate>,
    published: Option<NaiveDate>,
    context: &Context<'_>,
) -> Assessment {
    cut_text_assessment(&TextLines::new(text), skip, framing, published, context)
}

/// [`assess_text`] of a text already cut into lines.
fn cut_text_assessment(
    cut: &TextLines<'_>,
    skip: &[usize],
    framing: Option<NaiveDate>,
    published: Option<NaiveDate>,
    context: &Context<'_>,
) -> Assessment {
    let text = cut.text();
    let doc = Doc::of(cut, skip);
    let mentions = doc.mentions();
    let terms = context.timeline.find(text);
    let terms: Vec<TermMatch> =
        terms.into_iter().filter(|t| doc.lines.iter().any(|(_, s, e)| *s <= t.start && t.end <= *e)).collect();
    let assessor = Assessor {
        resolved: vec![None; mentions.len()],
        handled: vec![false; mentions.len()],
        event_day: vec![false; mentions.len()],
        doc,
        timeline: context.timeline,
        framing,
        mentions,
        terms,
        evidence: Vec::new(),
    };
    assessor.run(published, context.max_age_days)
}

/// How long after a dateline's or lead's date the content may have been written.
const LEAD_DAYS: i64 = 7;
/// How long after its date (or its end) an event described as under way ("currently",
/// "under way", "taking place") may still be: two weeks covers summits, talks and
/// conferences; wars, pandemics and other long-running events are never pinned this way.
const UNDER_WAY_DAYS: i64 = 14;
/// How long after its date an event described as of "earlier today" or "yesterday" may be.
const TODAY_DAYS: i64 = 2;
/// How close to the framing date an event's or role's start may be and still be read as
/// past: a story framed on Saturday may mention Monday's inauguration.
const TOLERANCE_DAYS: i64 = calendar::FUTURE_TOLERANCE_DAYS;
/// How far after an explicit relation ("five days after …") the content is searched for
/// its anchor, in bytes.
const ANCHOR_REACH: usize = 150;
/// A published date this many days before the window's start is a conflict (time zones
/// and late-evening stories excepted).
const PUBLISHED_SLACK_DAYS: i64 = 1;
/// The longest phrase kept in the evidence, in characters.
const PHRASE_CHARS: usize = 160;

struct Assessor<'a, 't> {
    doc: Doc<'t>,
    timeline: &'a Timeline,
    framing: Option<NaiveDate>,
    mentions: Vec<Mention>,
    terms: Vec<TermMatch>,
    evidence: Vec<DateEvidence>,
    /// For each mention, once resolved: its day(s) and strength, for use as an anchor.
    resolved: Vec<Option<(Span, Strength)>>,
    /// For each mention: whether it has been turned into evidence.
    handled: Vec<bool>,
    /// For each mention: whether it is the day of an event named beside it.
    event_day: Vec<bool>,
}

/// A piece of evidence before its place in the text is filled in.
struct Draft {
    spans: Vec<(usize, usize)>,
    implies: Span,
    bound: Bound,
    kind: Strength,
    confidence: f64,
    source: String,
    note: String,
    point: NaiveDate,
}

impl Assessor<'_, '_> {
    fn run(mut self, published: Option<NaiveDate>, max_age_days: u32) -> Assessment {
        // Phase 1: what the text fixes by itself.
        self.timeline_evidence();
        for index in 0..self.mentions.len() {
            self.absolute_evidence(index);
        }
        self.history_days();
        let (mut lo, mut hi, mut conflicts) = combine(&mut self.evidence);

        // Phase 2: what leans on an anchor, the framing date brought inside the window.
        let anchor = self.anchor(lo, hi);
        if let Some(anchor) = anchor {
            // Durations last: they count from dates this pass resolves.
            let counted = |m: &Mention| matches!(m.form, Form::After { .. } | Form::Duration { .. });
            for last in [false, true] {
                for index in 0..self.mentions.len() {
                    if !self.handled[index] && counted(&self.mentions[index]) == last {
                        self.anchored_evidence(index, anchor);
                    }
                }
            }
        }

        dedup(&mut self.evidence);
        self.evidence.sort_by_key(|e| e.offset);
        let estimate = estimate(&self.evidence, lo, hi, self.framing);
        let undated = !self.evidence.iter().any(|e| e.bound != Bound::History);
        let framing = self.framing;
        let stale =
            !undated && matches!((framing, hi), (Some(f), Some(h)) if days_between(h, f) > i64::from(max_age_days));
        let age_days = framing.zip(hi.or(estimate)).map(|(f, end)| days_between(end, f).max(0));
        let mut date_conflict = false;
        if let (Some(published), Some(start)) = (published, lo) {
            if days_between(published, start) > PUBLISHED_SLACK_DAYS {
                date_conflict = true;
                let by: Vec<String> = self
                    .evidence
                    .iter()
                    .filter(|e| e.kind == Strength::Hard && !e.set_aside && e.not_before == Some(start))
                    .map(|e| e.phrase.clone())
                    .collect();
                conflicts.push(Conflict {
                    message: format!(
                        "published {published}, but the content cannot have been written before {start} ({})",
                        by.iter().map(|p| format!("“{p}”")).collect::<Vec<_>>().join(", ")
                    ),
                    phrases: by,
                });
            }
        }
        if undated {
            lo = None;
            hi = None;
        }
        let (reported, days_named) = self.days_named();
        Assessment {
            framing_date: framing,
            framing_basis: FramingBasis::AsOf,
            content: ContentDate { not_before: lo, not_after: hi, estimate, evidence: self.evidence, conflicts },
            stale,
            undated,
            date_conflict,
            age_days: if undated { None } else { age_days },
            reported,
            days_named,
        }
    }

    /// The day the text reports and every day it names, from the hard evidence of one day
    /// each (evidence is in text order). A full date in the lead implies the week after
    /// it (the story was written within it); its first day is the day named.
    fn days_named(&self) -> (Option<NaiveDate>, Vec<NaiveDate>) {
        let single = |e: &&DateEvidence| {
            e.kind == Strength::Hard && (e.implies.to - e.implies.from).num_days() <= LEAD_DAYS && !e.set_aside
        };
        let lead_end = self.doc.lead.map_or(0, |(_, end)| end);
        let reported = self
            .evidence
            .iter()
            .filter(single)
            .find(|e| e.offset < lead_end && e.bound != Bound::History && e.source == "text")
            .map(|e| e.implies.from);
        let mut days: Vec<NaiveDate> = self.evidence.iter().filter(single).map(|e| e.implies.from).collect();
        days.sort_unstable();
        days.dedup();
        (reported, days)
    }

    /// The day relative phrases are read from: the framing date if the hard evidence
    /// allows it, else the surest near date, else the edge of the window nearest to the
    /// framing date.
    fn anchor(&self, lo: Option<NaiveDate>, hi: Option<NaiveDate>) -> Option<NaiveDate> {
        let clamp = |d: NaiveDate| {
            let d = lo.map_or(d, |lo| d.max(lo));
            hi.map_or(d, |hi| d.min(hi))
        };
        let near = self
            .evidence
            .iter()
            .filter(|e| e.kind == Strength::Hard && e.bound == Bound::Near && !e.set_aside)
            .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
            .map(|e| clamp(e.point));
        match self.framing {
            Some(f) if clamp(f) == f => Some(f),
            Some(f) => near.or(Some(clamp(f))),
            None => near.or(hi).or(lo),
        }
    }

    fn push(&mut self, draft: Draft) {
        let start = draft.spans.iter().map(|s| s.0).min().unwrap_or(0);
        let phrase = phrase(self.doc.text, &draft.spans);
        let (not_before, not_after) = match draft.bound {
            Bound::NotBefore => (Some(draft.implies.from), None),
            Bound::NotAfter => (None, Some(draft.implies.to)),
            Bound::Near => (Some(draft.implies.from), Some(draft.implies.to)),
            Bound::History => (None, None),
        };
        self.evidence.push(DateEvidence {
            phrase,
            line: self.doc.line(start),
            offset: start,
            implies: draft.implies,
            bound: draft.bound,
            kind: draft.kind,
            confidence: draft.confidence,
            not_before,
            not_after,
            source: draft.source,
            note: draft.note,
            set_aside: false,
            point: draft.point,
        });
    }
}

/// Intersects the hard bounds, surest first; evidence that would empty the window is set
/// aside and reported.
fn combine(evidence: &mut [DateEvidence]) -> (Option<NaiveDate>, Option<NaiveDate>, Vec<Conflict>) {
    let mut order: Vec<usize> = (0..evidence.len())
        .filter(|&i| evidence[i].kind == Strength::Hard && evidence[i].bound != Bound::History)
        .collect();
    order.sort_by(|&a, &b| {
        evidence[b].confidence.total_cmp(&evidence[a].confidence).then(evidence[a].offset.cmp(&evidence[b].offset))
    });
    let (mut lo, mut hi): (Option<NaiveDate>, Option<NaiveDate>) = (None, None);
    let (mut lo_by, mut hi_by): (Option<usize>, Option<usize>) = (None, None);
    let mut conflicts = Vec::new();
    for i in order {
        let (elo, ehi) = (evidence[i].not_before, evidence[i].not_after);
        let new_lo = lo.max(elo);
        let new_hi = match (hi, ehi) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if let (Some(l), Some(h)) = (new_lo, new_hi) {
            if l > h {
                let against = if elo.is_some_and(|e| hi.is_some_and(|h| e > h)) { hi_by } else { lo_by };
                let kept = against.map(|k| evidence[k].clone());
                let dropped = &mut evidence[i];
                dropped.set_aside = true;
                let message = match &kept {
                    Some(k) => format!(
                        "“{}” ({}) contradicts “{}” ({}); the first is set aside",
                        dropped.phrase, dropped.implies, k.phrase, k.implies
                    ),
                    None => format!("“{}” ({}) contradicts the other evidence", dropped.phrase, dropped.implies),
                };
                let mut phrases = vec![dropped.phrase.clone()];
                phrases.extend(kept.map(|k| k.phrase));
                conflicts.push(Conflict { message, phrases });
                continue;
            }
        }
        if new_lo != lo {
            lo_by = Some(i);
        }
        if new_hi != hi {
            hi_by = Some(i);
        }
        lo = new_lo;
        hi = new_hi;
    }
    (lo, hi, conflicts)
}

/// The best single day: the surest hard near date, else the middle soft near date inside
/// the window, else the framing date brought inside the window (soft evidence other than
/// near dates is read from the framing date, so it cannot move the estimate).
fn estimate(
    evidence: &[DateEvidence],
    lo: Option<NaiveDate>,
    hi: Option<NaiveDate>,
    framing: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let clamp = |d: NaiveDate| {
        let d = lo.map_or(d, |lo| d.max(lo));
        hi.map_or(d, |hi| d.min(hi))
    };
    let usable = |e: &&DateEvidence| e.bound == Bound::Near && !e.set_aside;
    if let Some(best) = evidence
        .iter()
        .filter(usable)
        .filter(|e| e.kind == Strength::Hard)
        .max_by(|a, b| a.confidence.total_cmp(&b.confidence).then(b.offset.cmp(&a.offset)))
    {
        return Some(clamp(best.point));
    }
    let mut soft: Vec<NaiveDate> = evidence
        .iter()
        .filter(usable)
        .map(|e| e.point)
        .filter(|p| lo.is_none_or(|lo| *p >= lo) && hi.is_none_or(|hi| *p <= hi))
        .collect();
    soft.sort();
    if !soft.is_empty() {
        return Some(soft[soft.len() / 2]);
    }
    if !evidence.iter().any(|e| e.bound != Bound::History) {
        return None;
    }
    framing.map(clamp).or(hi).or(lo)
}

/// Drops evidence that repeats an earlier phrase with the same reading.
fn dedup(evidence: &mut Vec<DateEvidence>) {
    let mut seen: Vec<(String, Bound, Span)> = Vec::new();
    evidence.retain(|e| {
        let key = (e.phrase.to_lowercase(), e.bound, e.implies);
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
}

/// The words of the text covering some spans: one stretch when they are close, else the
/// pieces joined with an ellipsis.
fn phrase(text: &str, spans: &[(usize, usize)]) -> String {
    let mut spans: Vec<(usize, usize)> = spans.to_vec();
    spans.sort();
    let (start, end) = (spans.first().map_or(0, |s| s.0), spans.iter().map(|s| s.1).max().unwrap_or(0));
    let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let joined = if end.saturating_sub(start) <= 100 {
        squeeze(&text[start..end])
    } else {
        spans.iter().map(|(s, e)| squeeze(&text[*s..*e])).collect::<Vec<_>>().join(" … ")
    };
    clip(&joined, PHRASE_CHARS)
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests;
