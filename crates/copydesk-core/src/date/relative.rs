//! Evidence that leans on an anchor: dates without a year, weekdays, relative words
//! ("ten days ago", "last weekend") and durations ("a month of fighting"), anchored to a
//! dated mention, a named event or the framing date.

use std::sync::LazyLock;

use regex::Regex;

use super::*;

/// Words that name fighting: a duration "of fighting" is counted from such an event.
static WARLIKE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:war|invasion|invaded|invade|offensive|fighting|conflict|hostilities|attack|attacked|siege)(?-u:\b)")
        .expect("warlike pattern")
});

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

impl Assessor<'_, '_> {
    /// The first event named after `at` in the same sentence, within reach: its phrase
    /// span and index.
    pub(super) fn following_event(&self, at: usize) -> Option<((usize, usize), usize)> {
        let (_, e) = self.doc.sentence(at);
        self.terms.iter().filter(|t| t.start >= at && t.end <= e && t.start <= at + ANCHOR_REACH).find_map(|t| {
            let events: Vec<usize> =
                t.targets.iter().filter_map(|x| if let Target::Event(i) = x { Some(*i) } else { None }).collect();
            self.choose_event(&events).map(|event| ((t.start, t.end), event))
        })
    }

    /// An event named anywhere in the sentence of `at`.
    pub(super) fn event_in_sentence(&self, at: usize) -> Option<((usize, usize), usize)> {
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
    pub(super) fn relative_to(
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

    /// Evidence that leans on the anchor: dates without a year, weekdays, relative words,
    /// durations without a named event.
    pub(super) fn anchored_evidence(&mut self, index: usize, anchor: NaiveDate) {
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
    pub(super) fn warlike_anchor(&self, at: usize) -> Option<(NaiveDate, String)> {
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
