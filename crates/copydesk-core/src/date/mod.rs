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
mod extract;
pub mod timeline;

use std::path::PathBuf;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;
use serde::{Deserialize, Serialize};

pub use archived::{bound_by_sighting, Dated, Sighting};
pub use calendar::Span;
pub use timeline::Timeline;

use calendar::{add_days, add_months, days_between, Direction};
use extract::{Approx, CalendarUnit, Doc, Form, Mention, Modifier, Part, Quantity, Unit};
use timeline::{Target, TermMatch};

use crate::model::{Flag, Item};
use crate::util::clip;

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
pub struct Evidence {
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
    pub evidence: Vec<Evidence>,
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
    let (framing_date, framing_basis) = framing(item, context.as_of);
    let published = item.published.map(|p| p.date_naive());
    let mut assessment = assess_text(&item.text, skip, framing_date, published, context);
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
    let doc = Doc::new(text, skip);
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

static NOT_CURRENT_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:former|ex|then|the\s+late|onetime|one-time|erstwhile|incoming|president-elect|future|would-be|previous|retired|deposed|ousted|served\s+as)(?-u:\b)[\s\-]*(?:[\w.’']+[\s\-]+){0,2}$")
        .expect("not current pattern")
});

static NOT_CURRENT_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:'s|’s)?\s*(?:,|\(|–|—|-)?\s*(?:who\s+(?:was|were|had\s+been|served|died|then|later|left|stepped|resigned)|now(?-u:\b)|then(?-u:\b)|the\s+former|a\s+former|at\s+the\s+time(?-u:\b))")
        .expect("not current pattern")
});

static APPOSITION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*,\s+(?P<app>[^,;:.()]{3,80})").expect("apposition pattern"));

static FORMER_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:former|ex|then|late|onetime|one-time|erstwhile|retired|previous|incoming|future)(?-u:\b)",
    )
    .expect("former pattern")
});

/// Words that make an event last long: it is never pinned by "currently" or "under way".
static LONG_RUNNING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:war|wars|invasion|invaded|conflict|pandemic|epidemic|occupation|crisis|era|siege|offensive|presidency|tenure|reign|fighting)(?-u:\b)")
        .expect("long-running pattern")
});

/// Words that name fighting: a duration "of fighting" is counted from such an event.
static WARLIKE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:war|invasion|invaded|invade|offensive|fighting|conflict|hostilities|attack|attacked|siege)(?-u:\b)")
        .expect("warlike pattern")
});

struct Assessor<'a, 't> {
    doc: Doc<'t>,
    timeline: &'a Timeline,
    framing: Option<NaiveDate>,
    mentions: Vec<Mention>,
    terms: Vec<TermMatch>,
    evidence: Vec<Evidence>,
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
        let single = |e: &&Evidence| {
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
        self.evidence.push(Evidence {
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

    /// Evidence from the timeline: events named, and office holders named as such.
    fn timeline_evidence(&mut self) {
        for index in 0..self.terms.len() {
            let term = self.terms[index].clone();
            let events: Vec<usize> =
                term.targets.iter().filter_map(|t| if let Target::Event(i) = t { Some(*i) } else { None }).collect();
            let roles: Vec<usize> =
                term.targets.iter().filter_map(|t| if let Target::Role(i) = t { Some(*i) } else { None }).collect();
            let holders: Vec<usize> =
                term.targets.iter().filter_map(|t| if let Target::Holder(i) = t { Some(*i) } else { None }).collect();
            if let Some(event) = self.choose_event(&events) {
                self.event_evidence(&term, event);
            } else if !roles.is_empty() {
                self.role_evidence(&term, &roles, None);
            } else if !holders.is_empty() {
                if let Some(end) = self.apposition(&term, &holders) {
                    self.role_evidence(&term, &holders, Some(end));
                }
            }
        }
    }

    /// Of several events one phrase names, the latest that had happened by the framing
    /// date, else the earliest.
    fn choose_event(&self, events: &[usize]) -> Option<usize> {
        let all = &self.timeline.events;
        let limit = self.framing.map(|f| add_days(f, TOLERANCE_DAYS));
        events
            .iter()
            .copied()
            .filter(|&e| limit.is_none_or(|l| all[e].date <= l))
            .max_by_key(|&e| all[e].date)
            .or_else(|| events.iter().copied().min_by_key(|&e| all[e].date))
    }

    /// Of several tenures one phrase names, the one the framing date falls in, else the
    /// latest begun by then, else the earliest.
    fn choose_role(&self, roles: &[usize]) -> Option<usize> {
        let all = &self.timeline.roles;
        let Some(f) = self.framing else { return roles.iter().copied().max_by_key(|&r| all[r].from) };
        roles
            .iter()
            .copied()
            .find(|&r| all[r].from <= f && all[r].until.is_none_or(|u| f <= u))
            .or_else(|| {
                roles
                    .iter()
                    .copied()
                    .filter(|&r| all[r].from <= add_days(f, TOLERANCE_DAYS))
                    .max_by_key(|&r| all[r].from)
            })
            .or_else(|| roles.iter().copied().min_by_key(|&r| all[r].from))
    }

    fn event_evidence(&mut self, term: &TermMatch, index: usize) {
        let event = self.timeline.events[index].clone();
        let source = format!("timeline:{}", event.name);
        let day = Span::day(event.date);
        let lasting = event.end.map_or(day, |end| Span::new(event.date, end));
        let history = self.doc.in_history(term.start);
        // An event that had already happened by the framing date is not looked forward
        // to, whatever the clause around it says ("plans mass production of Oreshnik").
        let ahead = self.doc.looks_ahead(term.start) && self.framing.is_none_or(|f| event.date > f);
        let long_running = LONG_RUNNING.is_match(&event.name)
            || LONG_RUNNING.is_match(&self.doc.text[term.start..term.end])
            || event.kind.as_deref().is_some_and(|k| LONG_RUNNING.is_match(k));
        let under_way = self.doc.under_way(term.start, term.end);
        let spans = vec![(term.start, term.end)];
        let draft = if history {
            Draft {
                spans,
                implies: lasting,
                bound: Bound::History,
                kind: Strength::Hard,
                confidence: 0.9,
                source,
                note: format!("{} ({}), told as history", event.name, event.date),
                point: event.date,
            }
        } else if ahead {
            Draft {
                spans,
                implies: lasting,
                bound: Bound::NotAfter,
                kind: Strength::Soft,
                confidence: 0.5,
                source,
                note: format!("{} ({}), looked forward to", event.name, event.date),
                point: event.date,
            }
        } else if let Some((ongoing, ms, me)) = under_way.filter(|_| !long_running) {
            let (to, what) = if ongoing {
                (add_days(lasting.to, UNDER_WAY_DAYS), format!("described as under way: within {UNDER_WAY_DAYS} days"))
            } else {
                (add_days(event.date, TODAY_DAYS), "described as just happened".to_string())
            };
            let from = if ongoing { add_days(event.date, -1) } else { event.date };
            Draft {
                spans: vec![(term.start, term.end), (ms, me)],
                implies: Span::new(from, to),
                bound: Bound::Near,
                kind: Strength::Hard,
                confidence: 0.85,
                source,
                note: format!("{} ({}), {what}", event.name, event.date),
                point: event.date,
            }
        } else {
            Draft {
                spans,
                implies: lasting,
                bound: Bound::NotBefore,
                kind: Strength::Hard,
                confidence: 0.9,
                source,
                note: format!("names {} ({})", event.name, event.date),
                point: event.date,
            }
        };
        self.push(draft);
    }

    /// Whether a holder's name stands in apposition with a title of the office ("Tod
    /// Wolters, the top US commander in Europe"); the end of the apposition if so.
    fn apposition(&self, term: &TermMatch, roles: &[usize]) -> Option<usize> {
        let (_, sentence_end) = self.doc.sentence(term.start);
        let rest = &self.doc.text[term.end..sentence_end.max(term.end)];
        let caps = APPOSITION.captures(rest)?;
        let app = caps.name("app")?;
        let words = app.as_str().to_lowercase();
        if FORMER_WORD.is_match(&words) {
            return None;
        }
        let titled = roles.iter().any(|&r| {
            self.timeline.roles[r].titles.iter().any(|title| {
                words.match_indices(title.as_str()).any(|(at, _)| {
                    let before = words[..at].chars().next_back();
                    let after = words[at + title.len()..].chars().next();
                    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
                })
            })
        });
        titled.then(|| term.end + app.end())
    }

    fn role_evidence(&mut self, term: &TermMatch, roles: &[usize], apposition_end: Option<usize>) {
        let Some(index) = self.choose_role(roles) else { return };
        let role = self.timeline.roles[index].clone();
        let (sentence_start, sentence_end) = self.doc.sentence(term.start);
        let text = self.doc.text;
        let before = &text[extract::floor_char(text, sentence_start.max(term.start.saturating_sub(40)))..term.start];
        let after = &text[term.end..extract::floor_char(text, sentence_end.min(term.end + 60)).max(term.end)];
        let spans = vec![(term.start, apposition_end.unwrap_or(term.end))];
        let source = format!("timeline:{}", role.name);
        let tenure = match role.until {
            Some(until) => format!("{} to {until}", role.from),
            None => format!("since {}", role.from),
        };
        let implies = Span::new(role.from, role.until.unwrap_or(role.from));
        let others: Vec<String> = roles
            .iter()
            .filter(|&&r| r != index)
            .map(|&r| {
                let other = &self.timeline.roles[r];
                match other.until {
                    Some(until) => format!("{} to {until}", other.from),
                    None => format!("since {}", other.from),
                }
            })
            .collect();
        let also = if others.is_empty() { String::new() } else { format!("; other tenures: {}", others.join(", ")) };
        let past = self.past_date_in_sentence(term.start, roles);
        if NOT_CURRENT_BEFORE.is_match(before)
            || NOT_CURRENT_AFTER.is_match(after)
            || self.doc.in_history(term.start)
            || past.is_some()
        {
            let why = match past {
                Some(date) => format!("named at a past date, “{date}”"),
                None => "not named as the current holder".to_string(),
            };
            self.push(Draft {
                spans,
                implies,
                bound: Bound::History,
                kind: Strength::Hard,
                confidence: 0.7,
                source,
                note: format!("{} ({tenure}), {why}", role.name),
                point: role.from,
            });
            return;
        }
        let (bound, point) = match role.until {
            Some(until) => (Bound::NotAfter, until),
            None => (Bound::NotBefore, role.from),
        };
        // "President Obama" alone is how many outlets name a former holder too: a bare
        // title before a name shapes the estimate but never makes an item stale. A
        // qualified title ("US President Barack Obama", "Air Force General Tod Wolters")
        // or an apposition naming the office is evidence.
        let bare = apposition_end.is_none() && bare_title(&text[term.start..term.end], before);
        let how = if apposition_end.is_some() {
            "named with the office's title"
        } else if bare {
            "named by a bare title, which former holders keep too"
        } else {
            "named in office"
        };
        self.push(Draft {
            spans,
            implies,
            bound,
            kind: if bare { Strength::Soft } else { Strength::Hard },
            confidence: if bare {
                0.4
            } else if apposition_end.is_some() {
                0.7
            } else {
                0.75
            },
            source,
            note: format!("{how}: {} ({tenure}){also}", role.name),
            point,
        });
        // A role with an end bounds both ways.
        if let (Some(last), Some(_)) = (self.evidence.last_mut(), role.until) {
            last.not_before = Some(role.from);
        }
    }

    /// A date with a year written in the same sentence as an office holder, before the
    /// framing date and within one of the tenures ("In 2016, President Barack Obama
    /// designated …"): the sentence tells of that time, not of the present.
    fn past_date_in_sentence(&self, at: usize, roles: &[usize]) -> Option<String> {
        let (s, e) = self.doc.sentence(at);
        let framing = self.framing?;
        self.mentions.iter().filter(|m| s <= m.start && m.end <= e).find_map(|m| {
            let span = match m.form {
                Form::Day { year: Some(year), month, day, .. } => {
                    NaiveDate::from_ymd_opt(year, month, day).map(Span::day)
                }
                Form::MonthYear { year, month } => Span::month(year, month),
                Form::Year { year } => Span::year(year),
                _ => None,
            }?;
            let held = roles.iter().any(|&r| {
                let role = &self.timeline.roles[r];
                role.from <= span.to && role.until.is_none_or(|until| span.from <= until)
            });
            (span.to < framing && held && !self.doc.looks_ahead(m.start))
                .then(|| self.doc.text[m.start..m.end].to_string())
        })
    }

    /// Evidence the text fixes by itself: dates with a year, dates whose year the text
    /// gives elsewhere, weekdays that narrow the year, relations to named events.
    fn absolute_evidence(&mut self, index: usize) {
        let mention = self.mentions[index].clone();
        let (start, end) = (mention.start, mention.end);
        let history = self.doc.in_history(start);
        match mention.form {
            Form::Day { year: Some(year), month, day, weekday, .. } => {
                let Some(date) = NaiveDate::from_ymd_opt(year, month, day) else { return };
                let mut note = String::from("date written in full");
                let mut confidence = 0.95;
                if let Some(weekday) = weekday {
                    if date.weekday() == weekday {
                        note = format!("{} fits {date}", calendar::weekday_name(weekday));
                    } else {
                        note = format!(
                            "{} does not fit {date}, a {}",
                            calendar::weekday_name(weekday),
                            calendar::weekday_name(date.weekday())
                        );
                        confidence = 0.6;
                    }
                }
                self.day_evidence(index, date, Strength::Hard, confidence, note);
            }
            Form::Day { year: None, month, day, weekday, relative_year: None } => {
                if let Some((date, note, event_day)) = self.year_from_text(index, month, day) {
                    self.event_day[index] = event_day;
                    self.day_evidence(index, date, Strength::Hard, 0.85, note);
                } else if let (Some(weekday), Some(framing)) = (weekday, self.framing) {
                    let direction = if self.doc.looks_ahead(start) { Direction::Future } else { Direction::Past };
                    let (date, years) = calendar::resolve_with_weekday(month, day, weekday, framing, direction);
                    if let Some(date) = date {
                        let others: Vec<String> =
                            years.iter().filter(|y| **y != date.year()).map(|y| y.to_string()).collect();
                        let others = if others.is_empty() {
                            String::new()
                        } else {
                            format!("; it also fits {}", others.join(", "))
                        };
                        let which = match direction {
                            Direction::Past => "the latest year on or before the framing date",
                            Direction::Future => "the first year from the framing date on",
                        };
                        let note = format!(
                            "{} fits {} {day} in {} ({which}, searched over {} years{others})",
                            calendar::weekday_name(weekday),
                            calendar::MONTHS[month as usize - 1],
                            date.year(),
                            calendar::WEEKDAY_SEARCH_YEARS
                        );
                        self.day_evidence(index, date, Strength::Hard, 0.8, capitalize(&note));
                    }
                }
            }
            Form::Day { .. } => {}
            Form::MonthYear { year, month } => {
                let Some(span) = Span::month(year, month) else { return };
                self.span_evidence(index, span, history || self.doc.obituary, 0.9, "month and year written");
            }
            Form::Year { year } => {
                let Some(span) = Span::year(year) else { return };
                self.span_evidence(index, span, history || self.doc.obituary, 0.85, "year written");
            }
            Form::Decade { start: first } => {
                let (Some(a), Some(b)) = (Span::year(first), Span::year(first + 9)) else { return };
                self.span_evidence(index, Span::new(a.from, b.to), history || self.doc.obituary, 0.8, "decade written");
            }
            Form::Period { first, last } => {
                let (Some(from), Some(to)) =
                    (NaiveDate::from_ymd_opt(first - 1, 10, 1), NaiveDate::from_ymd_opt(last + 1, 3, 31))
                else {
                    return;
                };
                let span = Span::new(from, to);
                self.handled[index] = true;
                self.resolved[index] = Some((span, Strength::Hard));
                let note = format!("a period that runs {first}–{last} is reported as current");
                if history || self.framing.is_some_and(|f| from > f) {
                    self.span_evidence(index, span, history, 0.7, "period written");
                } else {
                    let kind = if self.doc.in_lead(start) { Strength::Hard } else { Strength::Soft };
                    self.push(Draft {
                        spans: vec![(start, end)],
                        implies: span,
                        bound: Bound::Near,
                        kind,
                        confidence: 0.7,
                        source: "text".into(),
                        note,
                        point: span.middle(),
                    });
                }
            }
            Form::After { quantity, before } => {
                if let Some(anchor_term) = self.following_event(end) {
                    let event = self.timeline.events[anchor_term.1].clone();
                    self.relative_to(index, quantity, before, event.date, Strength::Hard, anchor_term.0, &event.name);
                }
            }
            Form::Ago { quantity } => {
                if let Some((span, event)) = self.event_in_sentence(start) {
                    let event = self.timeline.events[event].clone();
                    self.relative_to(index, quantity, false, event.date, Strength::Hard, span, &event.name);
                }
            }
            _ => {}
        }
    }

    /// The year of a month and day written without one, when the text gives it: the same
    /// day written with a year elsewhere, or an event of that day named in the sentence
    /// (then the date is the event's, not the day the text reports: `true`).
    fn year_from_text(&self, index: usize, month: u32, day: u32) -> Option<(NaiveDate, String, bool)> {
        let written = self.mentions.iter().find_map(|m| match m.form {
            Form::Day { year: Some(year), month: m2, day: d2, .. } if m2 == month && d2 == day => {
                NaiveDate::from_ymd_opt(year, month, day)
            }
            _ => None,
        });
        if let Some(date) = written {
            return Some((date, format!("year from the same day written in full ({date})"), false));
        }
        let (s, e) = self.doc.sentence(self.mentions[index].start);
        self.terms.iter().filter(|t| s <= t.start && t.end <= e).find_map(|t| {
            t.targets.iter().find_map(|target| {
                let Target::Event(i) = target else { return None };
                let event = &self.timeline.events[*i];
                let date = NaiveDate::from_ymd_opt(event.date.year(), month, day)?;
                (days_between(event.date, date).abs() <= 1)
                    .then(|| (date, format!("year from {} ({}) named beside it", event.name, event.date), true))
            })
        })
    }

    /// Evidence from one resolved day.
    fn day_evidence(&mut self, index: usize, date: NaiveDate, kind: Strength, confidence: f64, note: String) {
        let (start, end) = (self.mentions[index].start, self.mentions[index].end);
        self.handled[index] = true;
        self.resolved[index] = Some((Span::day(date), kind));
        let history = self.doc.in_history(start);
        let ahead = self.doc.looks_ahead(start);
        let (bound, implies, kind, note) = if history {
            (Bound::History, Span::day(date), kind, format!("{note}; told as history"))
        } else if ahead {
            (Bound::NotAfter, Span::day(date), Strength::Soft, format!("{note}; looked forward to"))
        } else if self.reports_day(index) {
            let place = if self.doc.in_dateline(start) { "dateline" } else { "lead" };
            (Bound::Near, Span::new(date, add_days(date, LEAD_DAYS)), kind, format!("{note}; the {place}'s date"))
        } else {
            (Bound::NotBefore, Span::day(date), kind, note)
        };
        self.push(Draft {
            spans: vec![(start, end)],
            implies,
            bound,
            kind,
            confidence,
            source: "text".into(),
            note,
            point: date,
        });
    }

    /// Whether a date is the day the text reports: in the dateline, or in the lead when it
    /// is not the start of something else ("since February 24") nor an event's day.
    fn reports_day(&self, index: usize) -> bool {
        let start = self.mentions[index].start;
        if self.doc.in_dateline(start) {
            return true;
        }
        self.doc.in_lead(start) && !self.doc.anchors_something(start) && !self.event_day[index]
    }

    /// Evidence from a month, a year or a decade: the content is not older than its start,
    /// unless it is history or lies ahead.
    fn span_evidence(&mut self, index: usize, span: Span, history: bool, confidence: f64, what: &str) {
        let (start, end) = (self.mentions[index].start, self.mentions[index].end);
        self.handled[index] = true;
        self.resolved[index] = Some((span, Strength::Hard));
        let ahead =
            self.doc.looks_ahead(start) || self.framing.is_some_and(|f| span.from > add_days(f, TOLERANCE_DAYS));
        let (bound, kind, note) = if history {
            (Bound::History, Strength::Hard, format!("{what}; told as history"))
        } else if ahead {
            (Bound::NotAfter, Strength::Soft, format!("{what}; looked forward to"))
        } else {
            (Bound::NotBefore, Strength::Hard, what.to_string())
        };
        self.push(Draft {
            spans: vec![(start, end)],
            implies: span,
            bound,
            kind,
            confidence,
            source: "text".into(),
            note,
            point: span.from,
        });
    }

    /// The first event named after `at` in the same sentence, within reach: its phrase
    /// span and index.
    fn following_event(&self, at: usize) -> Option<((usize, usize), usize)> {
        let (_, e) = self.doc.sentence(at);
        self.terms.iter().filter(|t| t.start >= at && t.end <= e && t.start <= at + ANCHOR_REACH).find_map(|t| {
            let events: Vec<usize> =
                t.targets.iter().filter_map(|x| if let Target::Event(i) = x { Some(*i) } else { None }).collect();
            self.choose_event(&events).map(|event| ((t.start, t.end), event))
        })
    }

    /// An event named anywhere in the sentence of `at`.
    fn event_in_sentence(&self, at: usize) -> Option<((usize, usize), usize)> {
        let (s, e) = self.doc.sentence(at);
        self.terms.iter().filter(|t| s <= t.start && t.end <= e).find_map(|t| {
            let events: Vec<usize> =
                t.targets.iter().filter_map(|x| if let Target::Event(i) = x { Some(*i) } else { None }).collect();
            self.choose_event(&events).map(|event| ((t.start, t.end), event))
        })
    }

    /// Evidence from a duration counted from an anchor day: "five days after" the event,
    /// "ten days ago" (the event was then), "two days before".
    #[allow(clippy::too_many_arguments)]
    fn relative_to(
        &mut self,
        index: usize,
        quantity: Quantity,
        before: bool,
        anchor: NaiveDate,
        strength: Strength,
        anchor_span: (usize, usize),
        anchor_name: &str,
    ) {
        let (start, end) = (self.mentions[index].start, self.mentions[index].end);
        self.handled[index] = true;
        let span = apply(quantity, anchor, if before { -1 } else { 1 });
        let years = quantity.is_years();
        let kind = if years { Strength::Soft } else { strength };
        let what = if years { "an anniversary" } else { "counted" };
        let direction = if before { "before" } else { "after" };
        self.resolved[index] = Some((span, kind));
        self.push(Draft {
            spans: vec![(start, end), anchor_span],
            implies: span,
            bound: Bound::Near,
            kind,
            confidence: if years { 0.5 } else { 0.8 },
            source: "text".into(),
            note: format!("{what} {direction} {anchor_name} ({anchor})"),
            point: span.middle(),
        });
    }

    /// Days told as history: a full date that is the day of an event the text tells as
    /// history is history too ("five years after the WHO declared a pandemic … On
    /// Wednesday, March 11, 2020").
    fn history_days(&mut self) {
        let days: Vec<NaiveDate> = self
            .evidence
            .iter()
            .filter(|e| e.bound == Bound::History && e.source.starts_with("timeline:"))
            .map(|e| e.implies.from)
            .collect();
        for e in &mut self.evidence {
            if e.source == "text"
                && matches!(e.bound, Bound::NotBefore | Bound::Near)
                && e.implies.from == e.point
                && days.contains(&e.point)
                && e.kind == Strength::Hard
            {
                e.bound = Bound::History;
                e.not_before = None;
                e.not_after = None;
                e.note.push_str("; the day of an event told as history");
            }
        }
    }

    /// Evidence that leans on the anchor: dates without a year, weekdays, relative words,
    /// durations without a named event.
    fn anchored_evidence(&mut self, index: usize, anchor: NaiveDate) {
        let mention = self.mentions[index].clone();
        let (start, end) = (mention.start, mention.end);
        let ahead = self.doc.looks_ahead(start);
        let direction = if ahead { Direction::Future } else { Direction::Past };
        let history = self.doc.in_history(start);
        let from_anchor = if Some(anchor) == self.framing {
            "from the framing date".to_string()
        } else {
            format!("from {anchor}, inside the content window")
        };
        let soft = |implies: Span, bound: Bound, note: String, point: NaiveDate| Draft {
            spans: vec![(start, end)],
            implies,
            bound: if history { Bound::History } else { bound },
            kind: Strength::Soft,
            confidence: 0.4,
            source: "text".into(),
            note,
            point,
        };
        let draft = match mention.form {
            Form::Day { year: None, month, day, relative_year, .. } => {
                let date = match relative_year {
                    Some(offset) => NaiveDate::from_ymd_opt(anchor.year() + offset, month, day),
                    None => calendar::resolve_month_day(month, day, anchor, direction),
                };
                let Some(date) = date else { return };
                self.resolved[index] = Some((Span::day(date), Strength::Soft));
                let note = format!("year read {from_anchor}");
                let (bound, implies, note) = if ahead {
                    (Bound::NotAfter, Span::day(date), format!("{note}; looked forward to"))
                } else if self.reports_day(index) {
                    (Bound::Near, Span::new(date, add_days(date, LEAD_DAYS)), format!("{note}; the lead's date"))
                } else {
                    (Bound::NotBefore, Span::day(date), note)
                };
                soft(implies, bound, note, date)
            }
            Form::Month { month, modifier, part } => {
                let span = match modifier {
                    // "last March" said in March is a year back.
                    Modifier::Last => calendar::resolve_month(month, anchor, Direction::Past).and_then(|s| {
                        if s.contains(anchor) {
                            Span::month(anchor.year() - 1, month)
                        } else {
                            Some(s)
                        }
                    }),
                    Modifier::Next => calendar::resolve_month(month, anchor, Direction::Future),
                    Modifier::This => Span::month(anchor.year(), month),
                    Modifier::Plain => calendar::resolve_month(month, anchor, direction),
                };
                let Some(span) = span.map(|s| month_part(s, part)) else { return };
                self.resolved[index] = Some((span, Strength::Soft));
                let bound = if span.from > anchor { Bound::NotAfter } else { Bound::NotBefore };
                soft(span, bound, format!("month read {from_anchor}"), span.from)
            }
            Form::Weekday { weekday, modifier } => {
                let date = match modifier {
                    Modifier::Next => calendar::resolve_weekday(weekday, anchor, Direction::Future),
                    Modifier::Last => calendar::resolve_weekday(weekday, add_days(anchor, -1), Direction::Past),
                    _ => calendar::resolve_weekday(weekday, anchor, direction),
                };
                self.resolved[index] = Some((Span::day(date), Strength::Soft));
                let (bound, implies) = if date > anchor {
                    (Bound::NotAfter, Span::day(date))
                } else {
                    (Bound::Near, Span::new(date, add_days(date, 6)))
                };
                soft(implies, bound, format!("weekday read {from_anchor}"), date)
            }
            Form::Relative { unit, offset, part } => {
                let span = relative_span(unit, offset, part, anchor);
                self.resolved[index] = Some((span, Strength::Soft));
                let bound = match offset {
                    o if o < 0 => Bound::NotBefore,
                    o if o > 0 => Bound::NotAfter,
                    _ => Bound::Near,
                };
                let point = anchor.max(span.from).min(span.to);
                soft(span, bound, format!("read {from_anchor}"), point)
            }
            Form::Ago { quantity } => {
                let span = apply(quantity, anchor, -1);
                let bound = if quantity.is_years() { Bound::History } else { Bound::NotBefore };
                let note = if quantity.is_years() {
                    format!("read {from_anchor}; years back, told as history")
                } else {
                    format!("read {from_anchor}")
                };
                soft(span, bound, note, span.middle())
            }
            Form::After { quantity, before } => {
                // Counted from a date written after it in the sentence.
                let (_, e) = self.doc.sentence(start);
                let following = (0..self.mentions.len()).find(|&i| {
                    let m = &self.mentions[i];
                    m.start >= end && m.end <= e && m.start <= end + ANCHOR_REACH && self.resolved[i].is_some()
                });
                let Some(other) = following else { return };
                let Some((span, strength)) = self.resolved[other] else { return };
                let name = format!("“{}”", &self.doc.text[self.mentions[other].start..self.mentions[other].end]);
                let other_span = (self.mentions[other].start, self.mentions[other].end);
                self.relative_to(index, quantity, before, span.from, strength, other_span, &name);
                return;
            }
            Form::Duration { quantity } => {
                let Some((anchor_day, name)) = self.warlike_anchor(start) else { return };
                self.relative_to(index, quantity, false, anchor_day, Strength::Soft, (start, end), &name);
                if let Some(last) = self.evidence.last_mut() {
                    last.note.push_str(", the nearest dated start of fighting mentioned before it");
                }
                return;
            }
            _ => return,
        };
        self.handled[index] = true;
        self.push(draft);
    }

    /// What a duration "of fighting" counts from: the nearest event about fighting named
    /// before it, else the nearest date written before it in a sentence about fighting.
    fn warlike_anchor(&self, at: usize) -> Option<(NaiveDate, String)> {
        let event = self.terms.iter().filter(|t| t.end <= at).rev().find_map(|t| {
            t.targets.iter().find_map(|target| {
                let Target::Event(i) = target else { return None };
                let event = &self.timeline.events[*i];
                (WARLIKE.is_match(&event.name) || WARLIKE.is_match(&self.doc.text[t.start..t.end]))
                    .then(|| (event.date, event.name.clone()))
            })
        });
        if event.is_some() {
            return event;
        }
        (0..self.mentions.len()).rev().find_map(|i| {
            let m = &self.mentions[i];
            if m.end > at || !matches!(m.form, Form::Day { .. }) {
                return None;
            }
            let (span, _) = self.resolved[i]?;
            let (s, e) = self.doc.sentence(m.start);
            WARLIKE.is_match(&self.doc.text[s..e]).then(|| (span.from, format!("“{}”", &self.doc.text[m.start..m.end])))
        })
    }
}

/// The day or days a duration counted from an anchor points at. `sign` is 1 for after,
/// -1 for before.
fn apply(quantity: Quantity, anchor: NaiveDate, sign: i64) -> Span {
    let shift = |count: i64| -> NaiveDate {
        let count = count * sign;
        match quantity.unit {
            Unit::Day => add_days(anchor, count),
            Unit::Week => add_days(anchor, 7 * count),
            Unit::Month => add_months(anchor, count),
            Unit::Year => add_months(anchor, 12 * count),
            Unit::Decade => add_months(anchor, 120 * count),
        }
    };
    let n = quantity.count as i64;
    let base = shift(n);
    let unit_days = quantity.unit.days();
    let total = quantity.days();
    let tolerance = match quantity.unit {
        Unit::Day => 1,
        Unit::Week => 2,
        Unit::Month => 7,
        Unit::Year => 30,
        Unit::Decade => 365,
    };
    match quantity.approx {
        Approx::Exact => Span::new(add_days(base, -tolerance), add_days(base, tolerance)),
        Approx::AtLeast => Span::new(base, shift(n + 1)),
        Approx::AtMost => {
            let slack = (unit_days / 2).max(total * 15 / 100).max(1);
            Span::new(add_days(base, -slack * sign), base)
        }
        Approx::About => {
            let slack = (total / 4).max(tolerance);
            Span::new(add_days(base, -slack), add_days(base, slack))
        }
    }
}

/// The days of a relative word ("last week", "earlier this month") seen from the anchor.
fn relative_span(unit: CalendarUnit, offset: i32, part: Part, anchor: NaiveDate) -> Span {
    let offset = i64::from(offset);
    let whole = match unit {
        CalendarUnit::Day => Span::day(add_days(anchor, offset)),
        CalendarUnit::Week => {
            let monday = add_days(calendar::week_start(anchor), 7 * offset);
            Span::new(monday, add_days(monday, 6))
        }
        CalendarUnit::Weekend => {
            // The weekend before the anchor's week for "last", the coming one for "next".
            let saturday = add_days(calendar::week_start(anchor), 5);
            let saturday = match offset {
                o if o < 0 => add_days(saturday, -7),
                o if o > 0 && saturday <= anchor => add_days(saturday, 7),
                _ => saturday,
            };
            Span::new(saturday, add_days(saturday, 1))
        }
        CalendarUnit::Month => {
            let first = add_months(anchor.with_day(1).unwrap_or(anchor), offset);
            Span::month(first.year(), first.month()).unwrap_or(Span::day(first))
        }
        CalendarUnit::Year => Span::year(anchor.year() + offset as i32).unwrap_or(Span::day(anchor)),
    };
    match part {
        Part::Earlier => Span::new(whole.from, anchor.min(whole.to).max(whole.from)),
        Part::Later => Span::new(anchor.max(whole.from).min(whole.to), whole.to),
        _ => whole,
    }
}

/// The part of a month: early (1–10), mid (11–20), late (21–end).
fn month_part(span: Span, part: Part) -> Span {
    let day = |d: u32| span.from.with_day(d).unwrap_or(span.from);
    match part {
        Part::Early => Span::new(span.from, day(10)),
        Part::Mid => Span::new(day(11), day(20)),
        Part::Late => Span::new(day(21), span.to),
        _ => span,
    }
}

/// Intersects the hard bounds, surest first; evidence that would empty the window is set
/// aside and reported.
fn combine(evidence: &mut [Evidence]) -> (Option<NaiveDate>, Option<NaiveDate>, Vec<Conflict>) {
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
    evidence: &[Evidence],
    lo: Option<NaiveDate>,
    hi: Option<NaiveDate>,
    framing: Option<NaiveDate>,
) -> Option<NaiveDate> {
    let clamp = |d: NaiveDate| {
        let d = lo.map_or(d, |lo| d.max(lo));
        hi.map_or(d, |hi| d.min(hi))
    };
    let usable = |e: &&Evidence| e.bound == Bound::Near && !e.set_aside;
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
fn dedup(evidence: &mut Vec<Evidence>) {
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

/// Titles that outlets keep using for former holders ("President Obama", "Secretary
/// Clinton").
const BARE_TITLES: &[&str] = &[
    "president",
    "pres.",
    "secretary",
    "chancellor",
    "senator",
    "sen.",
    "governor",
    "gov.",
    "mayor",
    "speaker",
    "premier",
    "prime",
    "vice",
    "leader",
];

/// Whether a timeline term is a bare title before a name ("President Obama"), with no
/// country, organisation or service word written before it ("US President", "Air Force
/// General").
fn bare_title(term: &str, before: &str) -> bool {
    let first = term.split_whitespace().next().unwrap_or_default().to_lowercase();
    if !BARE_TITLES.contains(&first.as_str()) {
        return false;
    }
    let previous = before.split_whitespace().next_back().unwrap_or_default();
    !qualifier(previous.trim_matches(|c: char| !c.is_alphanumeric() && c != '.'))
}

/// Whether a word before a title names a country or organisation: an initialism ("US",
/// "U.S.", "NATO") or a demonym ("American", "French", "Chinese", "Israeli").
fn qualifier(word: &str) -> bool {
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()) {
        return true;
    }
    word.starts_with(|c: char| c.is_uppercase())
        && word.len() >= 4
        && ["an", "ish", "ese", "ch", "i"].iter().any(|end| word.ends_with(end))
}
