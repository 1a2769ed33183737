//! Evidence from the timeline: events the text names, and office holders it names as
//! holding their office (or, with "former", "then-", "the late", as not holding it).

use std::sync::LazyLock;

use regex::Regex;

use super::*;

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

impl Assessor<'_, '_> {
    /// Evidence from the timeline: events named, and office holders named as such.
    pub(super) fn timeline_evidence(&mut self) {
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
    pub(super) fn choose_event(&self, events: &[usize]) -> Option<usize> {
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
    pub(super) fn choose_role(&self, roles: &[usize]) -> Option<usize> {
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

    pub(super) fn event_evidence(&mut self, term: &TermMatch, index: usize) {
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
    pub(super) fn apposition(&self, term: &TermMatch, roles: &[usize]) -> Option<usize> {
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

    pub(super) fn role_evidence(&mut self, term: &TermMatch, roles: &[usize], apposition_end: Option<usize>) {
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
    pub(super) fn past_date_in_sentence(&self, at: usize, roles: &[usize]) -> Option<String> {
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
}
