//! Evidence the text fixes by itself: dates with a year, dates whose year the text gives
//! elsewhere, weekdays that narrow the year, and days told as history.

use super::*;

impl Assessor<'_, '_> {
    /// Evidence the text fixes by itself: dates with a year, dates whose year the text
    /// gives elsewhere, weekdays that narrow the year, relations to named events.
    pub(super) fn absolute_evidence(&mut self, index: usize) {
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
    pub(super) fn year_from_text(&self, index: usize, month: u32, day: u32) -> Option<(NaiveDate, String, bool)> {
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
    pub(super) fn day_evidence(
        &mut self,
        index: usize,
        date: NaiveDate,
        kind: Strength,
        confidence: f64,
        note: String,
    ) {
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
    pub(super) fn reports_day(&self, index: usize) -> bool {
        let start = self.mentions[index].start;
        if self.doc.in_dateline(start) {
            return true;
        }
        self.doc.in_lead(start) && !self.doc.anchors_something(start) && !self.event_day[index]
    }

    /// Evidence from a month, a year or a decade: the content is not older than its start,
    /// unless it is history or lies ahead.
    pub(super) fn span_evidence(&mut self, index: usize, span: Span, history: bool, confidence: f64, what: &str) {
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

    /// Days told as history: a full date that is the day of an event the text tells as
    /// history is history too ("five years after the WHO declared a pandemic … On
    /// Wednesday, March 11, 2020").
    pub(super) fn history_days(&mut self) {
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
}
