//! Timelines: dated events and the tenures of office holders, each with the phrases that
//! evidence it in a text.
//!
//! A timeline is a TOML file:
//!
//! ```toml
//! [[event]]
//! name = "Oreshnik missile first used, on Dnipro"
//! date = "2024-11-21"
//! terms = ["Oreshnik", "Orechnik"]
//! source = "Reuters, 2024-11-21"
//!
//! [[role]]
//! name = "Tod Wolters, commander of US European Command"
//! from = "2019-05-03"
//! until = "2022-07-01"
//! terms = ["Tod Wolters"]
//! holder = ["Tod Wolters", "Wolters"]
//! titles = ["top US commander in Europe"]
//! ```
//!
//! An event may also give an `end` (the last day of an event that lasts, such as a summit)
//! and a `kind`. A role without `until` is still held. `holder` and `titles` let a
//! holder's name followed by one of the titles in apposition ("Tod Wolters, the top US
//! commander in Europe") count like a term.
//!
//! The built-in timeline is compiled into the binary; users add their own files, and their
//! entries win: an entry of a later file replaces an earlier entry of the same name, and
//! takes its terms away from the entries of earlier files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Input, MatchKind};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{Error, Result};

/// The built-in timeline's text.
pub const BUILTIN: &str = include_str!("timeline-builtin.toml");

/// A dated event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub name: String,
    pub date: NaiveDate,
    /// The last day, for an event that lasts.
    pub end: Option<NaiveDate>,
    pub terms: Vec<String>,
    pub source: Option<String>,
    pub kind: Option<String>,
}

/// One holder's tenure of one office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    pub from: NaiveDate,
    /// The day the successor took over; `None` while the holder is still in office.
    pub until: Option<NaiveDate>,
    pub terms: Vec<String>,
    /// The holder's name forms.
    pub holder: Vec<String>,
    /// The office's title forms, in lower case.
    pub titles: Vec<String>,
    pub source: Option<String>,
}

/// What a phrase of the text names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A term of an event (index into [`Timeline::events`]).
    Event(usize),
    /// A term of a role: the holder named in office.
    Role(usize),
    /// Only the holder's name: it counts when a title of the role stands in apposition.
    Holder(usize),
}

/// A phrase of the text that names timeline entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermMatch {
    /// Byte range in the text searched.
    pub start: usize,
    pub end: usize,
    /// Every entry the phrase names (one phrase may name several tenures of one person).
    pub targets: Vec<Target>,
}

/// A set of events and roles, compiled for matching.
#[derive(Debug, Clone, Default)]
pub struct Timeline {
    pub events: Vec<Event>,
    pub roles: Vec<Role>,
    matcher: Option<AhoCorasick>,
    /// For each pattern of the matcher: what it names.
    targets: Vec<Vec<Target>>,
}

/// The form of one timeline file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    event: Vec<RawEntry>,
    #[serde(default)]
    role: Vec<RawEntry>,
}

/// One entry as written; checked field by field so that a mistake names its entry.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    name: Option<String>,
    date: Option<RawDate>,
    end: Option<RawDate>,
    from: Option<RawDate>,
    until: Option<RawDate>,
    #[serde(default)]
    terms: Vec<String>,
    #[serde(default)]
    holder: Vec<String>,
    #[serde(default)]
    titles: Vec<String>,
    source: Option<String>,
    kind: Option<String>,
}

/// A date written as a string (`"2022-03-29"`) or as a TOML date (`2022-03-29`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawDate {
    Text(String),
    Toml(toml::value::Datetime),
}

impl RawDate {
    fn parse(&self) -> Option<NaiveDate> {
        let text = match self {
            RawDate::Text(text) => text.trim().to_string(),
            RawDate::Toml(datetime) => datetime.to_string(),
        };
        NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok()
    }

    fn shown(&self) -> String {
        match self {
            RawDate::Text(text) => text.clone(),
            RawDate::Toml(datetime) => datetime.to_string(),
        }
    }
}

/// The entries of one file, before merging.
#[derive(Debug, Default)]
struct Layer {
    events: Vec<Event>,
    roles: Vec<Role>,
}

/// The files of a timeline, read and checked but not yet compiled for matching: reading
/// is quick and can fail, compiling takes a while and cannot, so a run reads its timeline
/// before anything else and compiles it alongside other work.
#[derive(Debug)]
pub struct TimelineFiles(Vec<Layer>);

impl TimelineFiles {
    /// Merges the files, later entries winning, and compiles the timeline.
    pub fn compile(self) -> Timeline {
        Timeline::merge(self.0)
    }
}

impl Timeline {
    /// The built-in timeline alone.
    pub fn builtin() -> Result<Timeline> {
        let layer = parse(BUILTIN, Path::new("timeline-builtin.toml"))?;
        Ok(Self::merge(vec![layer]))
    }

    /// The built-in timeline (unless `builtin` is false) and then the user's files in order,
    /// later entries winning.
    pub fn load(builtin: bool, files: &[PathBuf]) -> Result<Timeline> {
        Ok(Self::read(builtin, files)?.compile())
    }

    /// The files [`Timeline::load`] compiles, read and checked.
    pub fn read(builtin: bool, files: &[PathBuf]) -> Result<TimelineFiles> {
        let mut layers = Vec::with_capacity(files.len() + 1);
        if builtin {
            layers.push(parse(BUILTIN, Path::new("timeline-builtin.toml"))?);
        }
        for path in files {
            let text =
                std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
            layers.push(parse(&text, path)?);
        }
        Ok(TimelineFiles(layers))
    }

    /// A timeline from TOML text (`path` names it in errors), without the built-in one.
    pub fn from_toml(text: &str, path: &Path) -> Result<Timeline> {
        Ok(Self::merge(vec![parse(text, path)?]))
    }

    /// Merges layers, later ones winning on the same name or the same term.
    fn merge(layers: Vec<Layer>) -> Timeline {
        let mut events: Vec<(usize, Event)> = Vec::new();
        let mut roles: Vec<(usize, Role)> = Vec::new();
        for (number, layer) in layers.into_iter().enumerate() {
            let names: Vec<String> = layer
                .events
                .iter()
                .map(|e| &e.name)
                .chain(layer.roles.iter().map(|r| &r.name))
                .map(|n| fold(n))
                .collect();
            let terms: Vec<String> = layer
                .events
                .iter()
                .flat_map(|e| e.terms.iter())
                .chain(layer.roles.iter().flat_map(|r| r.terms.iter()))
                .map(|t| fold(t))
                .collect();
            let overridden = |name: &str| names.iter().any(|n| *n == fold(name));
            events.retain(|(_, e)| !overridden(&e.name));
            roles.retain(|(_, r)| !overridden(&r.name));
            for (_, event) in &mut events {
                event.terms.retain(|t| !terms.contains(&fold(t)));
            }
            for (_, role) in &mut roles {
                role.terms.retain(|t| !terms.contains(&fold(t)));
            }
            events.retain(|(_, e)| !e.terms.is_empty());
            roles.retain(|(_, r)| !r.terms.is_empty() || (!r.holder.is_empty() && !r.titles.is_empty()));
            events.extend(layer.events.into_iter().map(|e| (number, e)));
            roles.extend(layer.roles.into_iter().map(|r| (number, r)));
        }
        let mut timeline = Timeline {
            events: events.into_iter().map(|(_, e)| e).collect(),
            roles: roles.into_iter().map(|(_, r)| r).collect(),
            matcher: None,
            targets: Vec::new(),
        };
        timeline.compile();
        timeline
    }

    /// Builds the matcher over every term and holder name.
    fn compile(&mut self) {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut targets: Vec<Vec<Target>> = Vec::new();
        let mut add = |phrase: &str, target: Target| {
            for variant in variants(phrase) {
                let key = variant.to_lowercase();
                let slot = *index.entry(key).or_insert_with(|| {
                    patterns.push(variant.clone());
                    targets.push(Vec::new());
                    patterns.len() - 1
                });
                if !targets[slot].contains(&target) {
                    targets[slot].push(target);
                }
            }
        };
        for (i, event) in self.events.iter().enumerate() {
            event.terms.iter().for_each(|t| add(t, Target::Event(i)));
        }
        for (i, role) in self.roles.iter().enumerate() {
            role.terms.iter().for_each(|t| add(t, Target::Role(i)));
            if !role.titles.is_empty() {
                role.holder.iter().for_each(|h| add(h, Target::Holder(i)));
            }
        }
        // A DFA takes about 13 MB for the built-in timeline and searches article text about
        // four times faster than the NFA; leftmost-longest search lets the prefilter work.
        self.matcher = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .ok()
            .filter(|_| !patterns.is_empty());
        self.targets = targets;
    }

    /// Whether the timeline has no entries.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.roles.is_empty()
    }

    /// The phrases of `text` that name entries, on word boundaries and without overlaps:
    /// the leftmost, then the longest; a holder's name gives way to a term that starts
    /// inside it.
    pub fn find(&self, text: &str) -> Vec<TermMatch> {
        let Some(matcher) = &self.matcher else { return Vec::new() };
        let bytes = text.as_bytes();
        let next_char = |at: usize| at + text[at..].chars().next().map_or(1, char::len_utf8);
        let names_only = |pattern: usize| self.targets[pattern].iter().all(|t| matches!(t, Target::Holder(_)));
        let mut found = Vec::new();
        let mut at = 0;
        while at < text.len() {
            let Some(m) = matcher.find(Input::new(text).span(at..text.len())) else { break };
            let (start, end, pattern) = (m.start(), m.end(), m.pattern().as_usize());
            if !word_boundary(text, bytes, start, end) {
                at = next_char(start);
                continue;
            }
            if names_only(pattern) {
                let later = matcher.find(Input::new(text).span(next_char(start)..text.len()));
                if let Some(later) = later.filter(|l| {
                    l.start() < end
                        && !names_only(l.pattern().as_usize())
                        && word_boundary(text, bytes, l.start(), l.end())
                }) {
                    at = later.start();
                    continue;
                }
            }
            let targets = &self.targets[pattern];
            let terms: Vec<Target> = targets.iter().copied().filter(|t| !matches!(t, Target::Holder(_))).collect();
            found.push(TermMatch { start, end, targets: if terms.is_empty() { targets.clone() } else { terms } });
            at = end;
        }
        found
    }
}

/// Whether a match stands on word boundaries: no letter or digit just before or after.
fn word_boundary(text: &str, bytes: &[u8], start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let first = bytes.get(start).copied().unwrap_or(b' ');
    let last = bytes.get(end.saturating_sub(1)).copied().unwrap_or(b' ');
    let wordy = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    // A boundary only matters next to a word character of the phrase itself.
    (!wordy(before) || !(first as char).is_alphanumeric()) && (!wordy(after) || !(last as char).is_alphanumeric())
}

/// A phrase in the form terms and names are compared in: lower case, single spaces,
/// typographic apostrophes as plain ones.
pub fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace('’', "'").replace(['“', '”'], "\"").to_lowercase()
}

/// The spellings a phrase is searched under: as written, with single spaces, and with
/// typographic or plain apostrophes and quotes.
fn variants(phrase: &str) -> Vec<String> {
    let plain = phrase.split_whitespace().collect::<Vec<_>>().join(" ").replace('’', "'").replace(['“', '”'], "\"");
    let mut out = vec![plain.clone()];
    if plain.contains('\'') {
        out.push(plain.replace('\'', "’"));
    }
    if plain.contains('"') {
        let mut open = true;
        let curly: String = plain
            .chars()
            .map(|c| {
                if c == '"' {
                    open = !open;
                    if open {
                        '”'
                    } else {
                        '“'
                    }
                } else {
                    c
                }
            })
            .collect();
        out.push(curly.replace('\'', "’"));
        out.push(curly);
    }
    out.dedup();
    out
}

/// Parses one timeline file into checked entries.
fn parse(text: &str, path: &Path) -> Result<Layer> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| crate::util::line_of(text, s.start));
        Error::Timeline {
            path: path.to_path_buf(),
            entry: line.map_or_else(|| "file".to_string(), |l| format!("line {l}")),
            message: e.message().to_string(),
        }
    })?;
    let mut layer = Layer::default();
    for (number, entry) in raw.event.into_iter().enumerate() {
        let place = place("event", number, entry.name.as_deref());
        let fail = |message: String| Error::Timeline { path: path.to_path_buf(), entry: place.clone(), message };
        for key in [("from", entry.from.is_some()), ("until", entry.until.is_some())] {
            if key.1 {
                return Err(fail(format!("`{}` belongs to roles; an event has `date` (and optionally `end`)", key.0)));
            }
        }
        if !entry.holder.is_empty() || !entry.titles.is_empty() {
            return Err(fail("`holder` and `titles` belong to roles".into()));
        }
        let name = required_name(entry.name.as_deref()).map_err(&fail)?;
        let date = required_date(entry.date.as_ref(), "date").map_err(&fail)?;
        let end = optional_date(entry.end.as_ref(), "end").map_err(&fail)?;
        if end.is_some_and(|end| end < date) {
            return Err(fail("`end` is before `date`".into()));
        }
        let terms = checked_terms(&entry.terms, MIN_TERM_CHARS).map_err(&fail)?;
        if terms.is_empty() {
            return Err(fail("`terms` is missing or empty".into()));
        }
        layer.events.push(Event { name, date, end, terms, source: entry.source, kind: entry.kind });
    }
    for (number, entry) in raw.role.into_iter().enumerate() {
        let place = place("role", number, entry.name.as_deref());
        let fail = |message: String| Error::Timeline { path: path.to_path_buf(), entry: place.clone(), message };
        if entry.date.is_some() || entry.end.is_some() {
            return Err(fail("`date` and `end` belong to events; a role has `from` and optionally `until`".into()));
        }
        let name = required_name(entry.name.as_deref()).map_err(&fail)?;
        let from = required_date(entry.from.as_ref(), "from").map_err(&fail)?;
        let until = optional_date(entry.until.as_ref(), "until").map_err(&fail)?;
        if until.is_some_and(|until| until < from) {
            return Err(fail("`until` is before `from`".into()));
        }
        let terms = checked_terms(&entry.terms, MIN_TERM_CHARS).map_err(&fail)?;
        let holder = checked_terms(&entry.holder, 2).map_err(|m| fail(m.replace("term", "holder name")))?;
        // Holder names and titles only count side by side, so short ones ("Xi", "PM") are safe.
        let titles = checked_terms(&entry.titles, 2).map_err(|m| fail(m.replace("term", "title")))?;
        if terms.is_empty() && (holder.is_empty() || titles.is_empty()) {
            return Err(fail("a role needs `terms`, or both `holder` and `titles`".into()));
        }
        let titles = titles.iter().map(|t| fold(t)).collect();
        layer.roles.push(Role { name, from, until, terms, holder, titles, source: entry.source });
    }
    Ok(layer)
}

/// How an entry is named in errors: `[[event]] 3 "Name"`.
fn place(table: &str, number: usize, name: Option<&str>) -> String {
    match name {
        Some(name) if !name.trim().is_empty() => format!("[[{table}]] {} {name:?}", number + 1),
        _ => format!("[[{table}]] {}", number + 1),
    }
}

fn required_name(name: Option<&str>) -> std::result::Result<String, String> {
    match name.map(str::trim) {
        Some(name) if !name.is_empty() => Ok(name.to_string()),
        _ => Err("`name` is missing or empty".into()),
    }
}

fn required_date(date: Option<&RawDate>, key: &str) -> std::result::Result<NaiveDate, String> {
    let date = date.ok_or_else(|| format!("`{key}` is missing"))?;
    date.parse().ok_or_else(|| format!("`{key}` = {:?} is not a date of the form YYYY-MM-DD", date.shown()))
}

fn optional_date(date: Option<&RawDate>, key: &str) -> std::result::Result<Option<NaiveDate>, String> {
    date.map(|d| d.parse().ok_or_else(|| format!("`{key}` = {:?} is not a date of the form YYYY-MM-DD", d.shown())))
        .transpose()
}

/// The shortest term accepted, in characters: shorter ones would match inside ordinary
/// words too often.
const MIN_TERM_CHARS: usize = 3;

fn checked_terms(terms: &[String], min_chars: usize) -> std::result::Result<Vec<String>, String> {
    terms
        .iter()
        .map(|term| {
            let term = term.split_whitespace().collect::<Vec<_>>().join(" ");
            if term.chars().count() < min_chars {
                Err(format!("term {term:?} is shorter than {min_chars} characters"))
            } else {
                Ok(term)
            }
        })
        .collect()
}
