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

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::util::byte_runs;

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
    /// Every term and holder name, searched for where a phrase may open.
    matcher: Option<AhoCorasick>,
    /// For each pattern of the matcher: what it names.
    targets: Vec<Vec<Target>>,
    /// The patterns' openings, which say where the matcher needs to look.
    openings: Openings,
    /// The patterns, for the tests' reference search.
    #[cfg(test)]
    patterns: Vec<String>,
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
            openings: Openings::default(),
            #[cfg(test)]
            patterns: Vec::new(),
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
        // The matcher is asked only where a pattern may open: anchored searches of a few
        // steps each, which the compact automaton answers as well as a DFA, and it is built
        // in a third of the time (the DFA that searched through whole texts took 13 MB).
        self.matcher = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(&patterns)
            .ok()
            .filter(|_| !patterns.is_empty());
        self.openings = Openings::of(&patterns);
        #[cfg(test)]
        {
            self.patterns = patterns;
        }
        self.targets = targets;
    }

    /// Whether the timeline has no entries.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.roles.is_empty()
    }

    /// The phrases of `text` that name entries, on word boundaries and without overlaps:
    /// the leftmost, then the longest; a holder's name gives way to a term that starts
    /// inside it.
    ///
    /// The text is read as a search from left to right reads it, but only where a phrase
    /// may open on a word boundary ([`Openings`]): a match anywhere else fails its word
    /// boundary, and the search would go on from the next character.
    pub fn find(&self, text: &str) -> Vec<TermMatch> {
        let Some(matcher) = &self.matcher else { return Vec::new() };
        let bytes = text.as_bytes();
        // The longest pattern that matches from `at`.
        let longest_at = |at: usize| {
            let input = Input::new(text).span(at..text.len()).anchored(Anchored::Yes);
            matcher.try_find(input).ok().flatten()
        };
        let names_only = |pattern: usize| self.targets[pattern].iter().all(|t| matches!(t, Target::Holder(_)));
        let mut found = Vec::new();
        let mut at = 0;
        for start in self.openings.places(bytes) {
            if start < at {
                continue;
            }
            let Some(m) = longest_at(start) else { continue };
            let (end, pattern) = (m.end(), m.pattern().as_usize());
            if !word_boundary(text, bytes, start, end) {
                continue;
            }
            if names_only(pattern) {
                // The first phrase a search from the next character finds, on a word
                // boundary or not, when it starts inside the name.
                let later = (start + 1..end).find_map(longest_at);
                if let Some(later) = later
                    .filter(|l| !names_only(l.pattern().as_usize()) && word_boundary(text, bytes, l.start(), l.end()))
                {
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

/// Bits of each table of openings (16 KB).
const OPENING_BITS: u32 = 17;

/// The bytes of an opening that stand for it in a table.
const OPENING_BYTES: usize = 8;

/// The longest opening of a pattern that opens with a byte other than an ASCII letter or
/// digit, in bytes.
const ODD_OPENING: usize = 4;

/// Where the timeline's patterns may open on a word boundary in a text.
///
/// A pattern that opens with an ASCII letter or digit matches on a word boundary only
/// where the text's run of ASCII letters and digits is the pattern's first run, in either
/// case: a longer run in the text fails the boundary after the pattern or the one before
/// it. The first table keeps each such pattern's first run (its length and first 8 bytes,
/// in lower case), so that each word of the text costs one look. A pattern that opens with
/// another byte (a quotation mark, a letter beyond ASCII) is looked for at that byte, but
/// not right after an ASCII letter or digit when the byte itself reads as a word
/// character; the second table keeps the first 4 bytes of those patterns.
#[derive(Debug, Clone, Default)]
struct Openings {
    /// A bit for each first run of a pattern, by [`word_slot`].
    words: Box<[u64]>,
    /// A bit for each opening of a pattern that opens with another byte, by
    /// [`opening_slot`].
    others: Box<[u64]>,
    /// The lengths of those openings: bit `k - 1` for `k` bytes.
    lengths: u8,
    /// The bytes other than ASCII letters and digits that open patterns.
    odd: Vec<u8>,
}

impl Openings {
    fn of(patterns: &[String]) -> Openings {
        let table = || vec![0; 1 << (OPENING_BITS - 6)].into_boxed_slice();
        let mut openings = Openings { words: table(), others: table(), ..Openings::default() };
        for pattern in patterns.iter().map(String::as_bytes).filter(|p| !p.is_empty()) {
            if pattern[0].is_ascii_alphanumeric() {
                let run = pattern.iter().take_while(|b| b.is_ascii_alphanumeric()).count();
                set(&mut openings.words, word_slot(pattern, 0..run));
                continue;
            }
            let k = pattern.len().min(ODD_OPENING);
            set(&mut openings.others, opening_slot(lower_opening(pattern), k));
            openings.lengths |= 1 << (k - 1);
            let first = pattern[0];
            if !openings.odd.contains(&first) {
                openings.odd.push(first);
            }
        }
        openings
    }

    /// Whether a pattern that opens with a byte other than an ASCII letter or digit may
    /// open at `at`.
    fn may_open_odd(&self, bytes: &[u8], at: usize) -> bool {
        let rest = bytes.get(at..).unwrap_or_default();
        let opening = lower_opening(rest);
        (1..=ODD_OPENING.min(rest.len()))
            .any(|k| self.lengths & (1 << (k - 1)) != 0 && is_set(&self.others, opening_slot(opening, k)))
    }

    /// The places of `bytes`, in order, where a pattern may open on a word boundary.
    fn places<'a>(&'a self, bytes: &'a [u8]) -> impl Iterator<Item = usize> + 'a {
        let words = byte_runs(bytes, |b| b.is_ascii_alphanumeric())
            .filter(|run| is_set(&self.words, word_slot(bytes, run.clone())))
            .map(|run| run.start);
        let in_word =
            move |at: usize| at > 0 && bytes[at - 1].is_ascii_alphanumeric() && (bytes[at] as char).is_alphanumeric();
        let odd: Box<dyn Iterator<Item = usize> + 'a> = match self.odd[..] {
            [] => Box::new(std::iter::empty()),
            [a] => Box::new(memchr::memchr_iter(a, bytes)),
            [a, b] => Box::new(memchr::memchr2_iter(a, b, bytes)),
            [a, b, c] => Box::new(memchr::memchr3_iter(a, b, c, bytes)),
            _ => Box::new((0..bytes.len()).filter(move |&at| self.odd.contains(&bytes[at]))),
        };
        let odd = odd.filter(move |&at| !in_word(at) && self.may_open_odd(bytes, at));
        merged(words, odd)
    }
}

/// Two ascending sequences as one.
fn merged(a: impl Iterator<Item = usize>, b: impl Iterator<Item = usize>) -> impl Iterator<Item = usize> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if y < x => b.next(),
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
    })
}

fn set(table: &mut [u64], slot: usize) {
    table[slot / 64] |= 1 << (slot % 64);
}

fn is_set(table: &[u64], slot: usize) -> bool {
    table[slot / 64] & (1 << (slot % 64)) != 0
}

/// The place in the table of first runs of a run of ASCII letters and digits: its length
/// and its first 8 bytes, in lower case.
fn word_slot(bytes: &[u8], run: std::ops::Range<usize>) -> usize {
    let n = run.len().min(OPENING_BYTES);
    let first = match bytes.get(run.start..run.start + OPENING_BYTES) {
        Some(eight) => u64::from_le_bytes(eight.try_into().unwrap_or_default()),
        None => {
            let mut eight = [0u8; OPENING_BYTES];
            eight[..n].copy_from_slice(&bytes[run.start..run.start + n]);
            u64::from_le_bytes(eight)
        }
    };
    // A letter or digit in ASCII is in lower case with the bit 0x20 set.
    let kept = (first | 0x2020_2020_2020_2020) & (u64::MAX >> (8 * (OPENING_BYTES - n)));
    slot_of(kept ^ (run.len() as u64).wrapping_mul(0xff51_afd7_ed55_8ccd))
}

/// The first 4 bytes of `bytes` (fewer when it is shorter, zeros after), in ASCII lower
/// case, as one number.
fn lower_opening(bytes: &[u8]) -> u32 {
    let mut opening = [0u8; ODD_OPENING];
    let n = bytes.len().min(ODD_OPENING);
    opening[..n].copy_from_slice(&bytes[..n]);
    u32::from_le_bytes(opening.map(|b| b.to_ascii_lowercase()))
}

/// The place in the table of openings of the first `k` bytes of an opening.
fn opening_slot(opening: u32, k: usize) -> usize {
    let kept = opening & (u32::MAX >> (8 * (ODD_OPENING - k)));
    slot_of(u64::from(kept) | (k as u64) << 32)
}

fn slot_of(key: u64) -> usize {
    (crate::util::mix64(key) >> (64 - OPENING_BITS)) as usize
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::mix64;

    /// The phrases a search through the whole text finds: leftmost-longest from where the
    /// last phrase ended, passing on a character where a match fails its word boundary.
    fn searched(timeline: &Timeline, matcher: &AhoCorasick, text: &str) -> Vec<TermMatch> {
        let bytes = text.as_bytes();
        let next_char = |at: usize| at + text[at..].chars().next().map_or(1, char::len_utf8);
        let names_only = |pattern: usize| timeline.targets[pattern].iter().all(|t| matches!(t, Target::Holder(_)));
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
            let targets = &timeline.targets[pattern];
            let terms: Vec<Target> = targets.iter().copied().filter(|t| !matches!(t, Target::Holder(_))).collect();
            found.push(TermMatch { start, end, targets: if terms.is_empty() { targets.clone() } else { terms } });
            at = end;
        }
        found
    }

    /// A text of the timeline's phrases, whole, cut, in other cases, run into words and
    /// punctuation, with typographic quotes and letters beyond ASCII.
    fn text_of(timeline: &Timeline, state: &mut u64) -> String {
        const BITS: &[&str] =
            &[" ", " ", ", ", ". ", "\n", "-", "'", "’", "\"", "“", "”", "é", "É", "x", "9", "the ", "said ", "Ü", "—"];
        let mut next = || {
            *state = mix64(*state);
            *state
        };
        let mut text = String::new();
        for _ in 0..(next() % 40) {
            let pattern = &timeline.patterns[next() as usize % timeline.patterns.len()];
            match next() % 6 {
                0 => text.push_str(&pattern.to_uppercase()),
                1 => {
                    let cut = (1..pattern.len()).filter(|&i| pattern.is_char_boundary(i)).nth(next() as usize % 4);
                    text.push_str(&pattern[..cut.unwrap_or(pattern.len())]);
                }
                2 => text.push_str(&pattern.to_lowercase()),
                _ => text.push_str(pattern),
            }
            for _ in 0..(next() % 3) {
                text.push_str(BITS[next() as usize % BITS.len()]);
            }
        }
        text
    }

    #[test]
    fn phrases_are_found_where_a_search_through_the_whole_text_finds_them() {
        let builtin = Timeline::builtin().expect("the built-in timeline");
        let own = Timeline::from_toml(
            r#"
            [[event]]
            name = "Quoted"
            date = "2025-04-02"
            terms = ["\"Liberation Day\" tariffs", "Élan vital", "“first phase”", "Ab-Cd", "1.5C", "inping", "Zhu Rongji"]
            [[role]]
            name = "Holder"
            from = "2020-01-01"
            terms = ["President Xi Jinping"]
            holder = ["Xi", "Xi Jinping", "Jinping Zhu"]
            titles = ["president"]
            "#,
            Path::new("own.toml"),
        )
        .expect("the test timeline");
        let mut state = 11;
        let mut phrases = 0;
        // A holder's name holds a phrase that opens inside a word, then one on a word
        // boundary: the first decides.
        let fixed = ["Jinping Zhu Rongji", "Xi Jinping Zhu Rongji", "Mr Xi, president", "an “first phase” plan"];
        for timeline in [&builtin, &own] {
            let matcher = AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(&timeline.patterns)
                .expect("the reference matcher");
            for text in fixed {
                assert_eq!(timeline.find(text), searched(timeline, &matcher, text), "{text:?}");
            }
            for _ in 0..3_000 {
                let text = text_of(timeline, &mut state);
                let expected = searched(timeline, &matcher, &text);
                phrases += expected.len();
                assert_eq!(timeline.find(&text), expected, "{text:?}");
            }
        }
        assert!(phrases > 10_000, "{phrases} phrases found");
    }

    #[test]
    fn places_are_the_words_a_pattern_opens_with() {
        let toml = "[[event]]\nname = \"E\"\ndate = \"2025-01-01\"\nterms = [\"Oreshnik\", \"G20 summit\", \"“first phase”\"]\n";
        let timeline = Timeline::from_toml(toml, Path::new("t.toml")).expect("timeline");
        let places = |text: &str| timeline.openings.places(text.as_bytes()).collect::<Vec<_>>();
        assert_eq!(places("OREShnik, g20 and xOreshnik, Oreshniks"), vec![0, 10]);
        // The mark's first byte reads as a letter (â) to the word boundary, as it does here.
        assert_eq!(places("the “first phase”, a“first phase” and the “second”"), vec![4]);
        assert_eq!(places("the “first phase”, (“first phase”"), vec![4, 24]);
        assert_eq!(places("G2 G200 Ore"), Vec::<usize>::new());
    }
}
