//! Reading the text: its lines and sentences, the lead, the stretches that tell history,
//! and every written date or time expression (a mention), before any of them is resolved
//! to days.

use std::sync::LazyLock;

use chrono::Weekday;
use regex::Regex;

use super::calendar::{self, month_number};
use crate::util::TextLines;

/// The text of one item as the date stage reads it.
#[derive(Debug)]
pub(crate) struct Doc<'t> {
    pub text: &'t str,
    /// Byte ranges of the lines read (boilerplate and metadata lines left out), with their
    /// number counted from 1.
    pub lines: Vec<(usize, usize, usize)>,
    /// For each line read: which patterns can match in it.
    clues: Vec<Clues>,
    /// Byte ranges of the sentences of the lines read, in order.
    pub sentences: Vec<(usize, usize)>,
    /// The first sentence of the first paragraph of prose.
    pub lead: Option<(usize, usize)>,
    /// The end of the dateline (`MILLBROOK, March 3 (Wire) -`), when the lead has one.
    pub dateline: Option<(usize, usize)>,
    /// The text reads as an obituary: the years of a life are history.
    pub obituary: bool,
    /// Stretches that tell history (after "five years since", "in 2020, when", "born in").
    pub history: Vec<(usize, usize)>,
}

/// The fewest words a line needs to hold the lead.
const LEAD_MIN_WORDS: usize = 12;

/// Abbreviations after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "gen", "lt", "col", "maj", "capt", "sgt", "adm", "gov", "sen", "rep", "mr", "mrs", "ms", "dr", "prof", "st", "jr",
    "sr", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "corp",
    "ltd", "co", "vs", "mt", "ft", "rev", "hon", "u.s", "u.k", "u.n", "e.g", "i.e",
];

impl<'t> Doc<'t> {
    /// Reads `text`, leaving out the lines (numbered from 1) in `skip`.
    #[cfg(test)]
    pub fn new(text: &'t str, skip: &[usize]) -> Doc<'t> {
        Doc::of(&TextLines::new(text), skip)
    }

    /// Reads a text cut into lines, leaving out the lines (numbered from 1) in `skip`. A
    /// line read ends before its `\n`, after a `\r` before it.
    pub fn of(cut: &TextLines<'t>, skip: &[usize]) -> Doc<'t> {
        let text = cut.text();
        // Sorted, so that each line is looked up in logarithmic time: a long item has as
        // many lines to skip as it has lines.
        let mut skip = skip.to_vec();
        skip.sort_unstable();
        let mut lines = Vec::new();
        for (index, (start, line)) in cut.placed_lines().enumerate() {
            // The lines are cut without the `\r` of a `\r\n`; a line read keeps it.
            let end = start + line.len() + usize::from(text.as_bytes().get(start + line.len()) == Some(&b'\r'));
            if skip.binary_search(&(index + 1)).is_err() && line.chars().any(char::is_alphanumeric) {
                lines.push((index + 1, start, end));
            }
        }
        let mut sentences = Vec::new();
        for &(_, start, end) in &lines {
            split_sentences(text, start, end, &mut sentences);
        }
        let lead_line = lines.iter().find(|(_, s, e)| text[*s..*e].split_whitespace().count() >= LEAD_MIN_WORDS);
        let lead = lead_line.and_then(|(_, s, _)| sentences.iter().find(|(a, _)| a == s).copied());
        let dateline = lead.and_then(|(s, e)| DATELINE.find(&text[s..e]).map(|m| (s, s + m.end())));
        let lowered = cut.lowered().as_bytes();
        let clues: Vec<Clues> = lines.iter().map(|(_, s, e)| Clues::of(&lowered[*s..*e])).collect();
        let obituary =
            lines.iter().zip(&clues).any(|((_, s, e), c)| c.has(Clues::OBITUARY) && OBITUARY.is_match(&text[*s..*e]));
        let mut doc = Doc { text, lines, clues, sentences, lead, dateline, obituary, history: Vec::new() };
        doc.history = doc.find_history();
        doc
    }

    /// The sentence a byte offset falls in.
    pub fn sentence(&self, at: usize) -> (usize, usize) {
        let index = self.sentences.partition_point(|(start, _)| *start <= at);
        self.sentences.get(index.wrapping_sub(1)).copied().filter(|(_, end)| at <= *end).unwrap_or((at, at))
    }

    /// The clues of the line a byte offset falls on.
    fn clues_at(&self, at: usize) -> Clues {
        let index = self.lines.partition_point(|(_, start, _)| *start <= at);
        self.clues.get(index.wrapping_sub(1)).copied().unwrap_or_default()
    }

    /// The line number (from 1) of a byte offset.
    pub fn line(&self, at: usize) -> usize {
        let index = self.lines.partition_point(|(_, start, _)| *start <= at);
        self.lines.get(index.wrapping_sub(1)).map_or(1, |(number, _, _)| *number)
    }

    /// Whether a byte offset is in the lead sentence.
    pub fn in_lead(&self, at: usize) -> bool {
        self.lead.is_some_and(|(s, e)| s <= at && at < e)
    }

    /// Whether the words just before `at` make the date there the start of something else
    /// ("since", "after", "began on"), not the day the text reports.
    pub fn anchors_something(&self, at: usize) -> bool {
        let (start, _) = self.sentence(at);
        let from = floor_char(self.text, start.max(at.saturating_sub(80)));
        ANCHORING.is_match(&self.text[from..at])
    }

    /// Whether a byte offset is in the dateline.
    pub fn in_dateline(&self, at: usize) -> bool {
        self.dateline.is_some_and(|(s, e)| s <= at && at < e)
    }

    /// Whether a byte offset falls in a stretch that tells history.
    pub fn in_history(&self, at: usize) -> bool {
        self.history.iter().any(|(s, e)| *s <= at && at < *e)
    }

    /// Whether the text before `at` in its sentence looks ahead ("will", "is due to",
    /// "upcoming", or "by" just before).
    pub fn looks_ahead(&self, at: usize) -> bool {
        let (start, _) = self.sentence(at);
        let from = floor_char(self.text, start.max(at.saturating_sub(100)));
        let before = &self.text[from..at];
        FUTURE.is_match(before) || FUTURE_JUST_BEFORE.is_match(before)
    }

    /// Whether an event named at `start..end` is said to be under way, and where the text
    /// says so: `Some((true, ..))` for "currently", "under way", "taking place";
    /// `Some((false, ..))` for "earlier today", "this morning", "yesterday".
    pub fn under_way(&self, start: usize, end: usize) -> Option<(bool, usize, usize)> {
        let (s, e) = self.sentence(start);
        let from = floor_char(self.text, s.max(start.saturating_sub(60)));
        let to = floor_char(self.text, e.min(end + 80)).max(from);
        let window = &self.text[from..to];
        let nearest = |pattern: &Regex| {
            pattern.find_iter(window).map(|m| (from + m.start(), from + m.end())).min_by_key(|(ms, me)| {
                if *ms >= end {
                    ms - end
                } else {
                    start.saturating_sub(*me)
                }
            })
        };
        if let Some((ms, me)) = nearest(&ONGOING) {
            Some((true, ms, me))
        } else {
            nearest(&TODAY).map(|(ms, me)| (false, ms, me))
        }
    }

    /// The stretches that tell history: from an anniversary phrase ("five years after",
    /// "the tenth anniversary of", "born in") to the end of its clause; and the year itself
    /// in "since 1998", "in 2020, when", "charged over a 2019 fraud".
    fn find_history(&self) -> Vec<(usize, usize)> {
        let mut scopes = Vec::new();
        for &(start, end) in &self.sentences {
            let sentence = &self.text[start..end];
            let clues = self.clues_at(start);
            let digit = clues.has(Clues::DIGIT);
            let clause_patterns = [
                (clues.has(Clues::ANNIVERSARY), &*ANNIVERSARY),
                (clues.has(Clues::UNIT), &*YEARS_SINCE),
                (clues.has(Clues::BORN), &*BORN),
            ];
            for (_, pattern) in clause_patterns.into_iter().filter(|(wanted, _)| *wanted) {
                for m in pattern.find_iter(sentence) {
                    scopes.push((start + m.start(), start + clause_end(sentence, m.end())));
                }
            }
            if !digit {
                continue;
            }
            for pattern in [&*IN_YEAR_WHEN, &*SINCE_YEAR, &*COURT] {
                for caps in pattern.captures_iter(sentence) {
                    if let Some(year) = caps.name("y") {
                        scopes.push((start + year.start(), start + year.end()));
                    }
                }
            }
        }
        scopes
    }

    /// Every mention of a date or a time in the lines read, in text order, without
    /// overlaps (the more specific form wins).
    pub fn mentions(&self) -> Vec<Mention> {
        let mut found: Vec<Mention> = Vec::new();
        for (&(_, start, end), &clues) in self.lines.iter().zip(&self.clues) {
            let line = &self.text[start..end];
            if clues.is_empty() {
                continue;
            }
            let mut taken: Vec<(usize, usize)> = Vec::new();
            let mut push = |m: Mention, found: &mut Vec<Mention>| {
                if !taken.iter().any(|(s, e)| m.start < *e && *s < m.end) {
                    taken.push((m.start, m.end));
                    found.push(Mention { start: m.start + start, end: m.end + start, form: m.form });
                }
            };
            let digit = clues.has(Clues::DIGIT);
            let month = clues.has(Clues::MONTH);
            let unit = clues.has(Clues::UNIT);
            let scans: [(bool, Scan); 9] = [
                (digit, scan_iso),
                (digit && month, scan_month_day),
                (unit, scan_quantities),
                (digit && month, scan_month_year),
                (digit, scan_periods),
                (digit, scan_years),
                (month, scan_months),
                (clues.has(Clues::RELATIVE), scan_relative),
                // Every weekday name ends in "day".
                (unit, scan_weekdays),
            ];
            for (wanted, scan) in scans {
                if wanted {
                    for m in scan(line) {
                        push(m, &mut found);
                    }
                }
            }
        }
        found.sort_by_key(|m| m.start);
        found
    }
}

/// Where the clause that goes on at `from` ends: at a comma, semicolon, colon, dash or
/// parenthesis (a comma inside a written date does not count), else at the sentence's end.
fn clause_end(sentence: &str, from: usize) -> usize {
    let from = floor_char(sentence, from);
    for (offset, c) in sentence[from..].char_indices() {
        let at = from + offset;
        let rest = &sentence[at + c.len_utf8()..];
        let ends = match c {
            ';' | ':' | '(' => true,
            ',' => !rest.trim_start().starts_with(|d: char| d.is_ascii_digit()),
            ' ' => rest.starts_with("– ") || rest.starts_with("— ") || rest.starts_with("- "),
            _ => false,
        };
        if ends {
            return at;
        }
    }
    sentence.len()
}

/// A scanner of one form of mention in a line.
type Scan = fn(&str) -> Vec<Mention>;

/// Cheap clues to which patterns can match a stretch of text: a pattern is only run where
/// its words occur, which keeps the stage fast on text with few dates.
#[derive(Debug, Clone, Copy, Default)]
struct Clues(u16);

impl Clues {
    const DIGIT: u16 = 1;
    const MONTH: u16 = 1 << 1;
    const UNIT: u16 = 1 << 2;
    const RELATIVE: u16 = 1 << 3;
    const ANNIVERSARY: u16 = 1 << 4;
    const BORN: u16 = 1 << 5;
    const OBITUARY: u16 = 1 << 6;

    /// The clues of a stretch of text in ASCII lower case, from one pass over its words
    /// (runs of ASCII letters; a word of more than 12 letters gives none).
    fn of(lowered: &[u8]) -> Clues {
        let mut clues = if crate::util::has_ascii_digit(lowered) { Clues::DIGIT } else { 0 };
        for word in crate::util::byte_runs(lowered, |b| b.is_ascii_alphabetic()) {
            let word = &lowered[word];
            if (3..=12).contains(&word.len()) && Clues::may_give(word) {
                clues |= Clues::word(word);
            }
        }
        Clues(clues)
    }

    /// Whether a word (of 3 letters or more, in any case) may give a clue: it ends in "day"
    /// or "days", or it begins as a word that gives one does. Most words give none, and
    /// are passed over on this.
    fn may_give(word: &[u8]) -> bool {
        let stem = word.strip_suffix(b"s").or_else(|| word.strip_suffix(b"S")).unwrap_or(word);
        if stem.len() >= 3 && stem[stem.len() - 3..].eq_ignore_ascii_case(b"day") {
            return true;
        }
        let opening = Clues::opening(word);
        CLUE_OPENINGS[opening / 64] & (1 << (opening % 64)) != 0
    }

    /// The first three letters of a word, five bits each, case left out.
    const fn opening(word: &[u8]) -> usize {
        ((word[0] & 31) as usize) << 10 | ((word[1] & 31) as usize) << 5 | (word[2] & 31) as usize
    }

    /// The clue one lower-case word gives.
    fn word(word: &[u8]) -> u16 {
        if RELATIVE_WORDS.contains(&word) {
            Clues::RELATIVE
        } else if word == ANNIVERSARY_WORD {
            Clues::ANNIVERSARY
        } else if word == BORN_WORD {
            Clues::BORN
        } else if OBITUARY_WORDS.contains(&word) {
            Clues::OBITUARY
        } else if word.ends_with(b"day")
            || word.ends_with(b"days")
            || UNIT_OPENINGS.iter().any(|unit| word.starts_with(unit))
        {
            Clues::UNIT
        } else if word.len() >= 3 && MONTHS.contains(&&word[..3]) {
            Clues::MONTH
        } else {
            0
        }
    }

    fn has(&self, clue: u16) -> bool {
        self.0 & clue != 0
    }

    fn is_empty(&self) -> bool {
        self.0 == 0
    }
}

// The words that give a clue, in lower case ([`Clues::word`]).
const RELATIVE_WORDS: [&[u8]; 9] =
    [b"today", b"tonight", b"tomorrow", b"yesterday", b"this", b"last", b"next", b"past", b"coming"];
const ANNIVERSARY_WORD: &[u8] = b"anniversary";
const BORN_WORD: &[u8] = b"born";
const OBITUARY_WORDS: [&[u8]; 4] = [b"died", b"age", b"survived", b"obituary"];
/// A word that begins with one of these is a unit of time ("weeks", "yearlong").
const UNIT_OPENINGS: [&[u8]; 5] = [b"week", b"fortnight", b"month", b"year", b"decade"];
const MONTHS: [&[u8]; 12] =
    [b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec"];

/// The openings of the words that give a clue other than by ending in "day", as a set of
/// [`Clues::opening`]s.
static CLUE_OPENINGS: [u64; 512] = {
    let mut set = [0u64; 512];
    let lists: [&[&[u8]]; 6] =
        [&RELATIVE_WORDS, &[ANNIVERSARY_WORD], &[BORN_WORD], &OBITUARY_WORDS, &UNIT_OPENINGS, &MONTHS];
    let mut list = 0;
    while list < lists.len() {
        let mut i = 0;
        while i < lists[list].len() {
            let opening = Clues::opening(lists[list][i]);
            set[opening / 64] |= 1 << (opening % 64);
            i += 1;
        }
        list += 1;
    }
    set
};

/// The nearest char boundary at or before a byte offset.
pub(crate) fn floor_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Cuts a line into sentences at `.`, `!` or `?` followed by a space and a capital, a
/// digit or a quote, except after the usual abbreviations and initials.
fn split_sentences(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let line = &text[start..end];
    let bytes = line.as_bytes();
    let mut sentence_start = 0;
    // The three marks are ASCII: no byte of another character is one of them.
    for i in memchr::memchr3_iter(b'.', b'!', b'?', bytes) {
        let c = bytes[i];
        let mut next = i + 1;
        while next < bytes.len() && matches!(bytes[next], b'"' | b'\'' | b')') {
            next += 1;
        }
        // Closing typographic quotes.
        let rest = &line[next..];
        let rest = rest.strip_prefix('”').or_else(|| rest.strip_prefix('’')).unwrap_or(rest);
        if !rest.starts_with(' ') {
            continue;
        }
        let following = rest.trim_start().chars().next();
        if !following.is_some_and(|f| f.is_uppercase() || f.is_ascii_digit() || matches!(f, '"' | '“' | '‘' | '\''))
        {
            continue;
        }
        if c == b'.' {
            let before = &line[..i];
            let word_start = before
                .char_indices()
                .rev()
                .take_while(|(_, ch)| ch.is_alphanumeric() || *ch == '.')
                .last()
                .map_or(i, |(at, _)| at);
            let word = &before[word_start..];
            let abbreviation = if word.is_ascii() {
                ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
            } else {
                ABBREVIATIONS.contains(&word.to_lowercase().as_str())
            };
            if abbreviation || (word.chars().count() == 1 && word.chars().all(char::is_uppercase)) {
                continue;
            }
        }
        let cut = line.len() - rest.len();
        out.push((start + sentence_start, start + cut));
        sentence_start = cut + (rest.len() - rest.trim_start().len());
    }
    if sentence_start < line.len() {
        out.push((start + sentence_start, end));
    }
}

/// A date or time expression found in the text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Mention {
    /// Byte range in the whole text.
    pub start: usize,
    pub end: usize,
    pub form: Form,
}

/// What a mention says, before it is resolved against anything.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Form {
    /// A day: `Wednesday, March 3, 2021`, `Nov. 22`, `22 November 2024`, `2022-03-29`.
    /// `relative_year` is set by a following "last year" (-1), "this year" (0), "next
    /// year" (1).
    Day { year: Option<i32>, month: u32, day: u32, weekday: Option<Weekday>, relative_year: Option<i32> },
    /// `March 2022`.
    MonthYear { year: i32, month: u32 },
    /// `in 2019`.
    Year { year: i32 },
    /// `the 1980s`.
    Decade { start: i32 },
    /// A business or sports period: `full-year 2019`, `the 2024-25 season`.
    Period { first: i32, last: i32 },
    /// A month without day or year: `last March`, `in late October`.
    Month { month: u32, modifier: Modifier, part: Part },
    /// A weekday alone: `on Tuesday`, `last Friday`.
    Weekday { weekday: Weekday, modifier: Modifier },
    /// `today`, `last week`, `earlier this month`, `next year`, `last weekend`.
    Relative { unit: CalendarUnit, offset: i32, part: Part },
    /// `ten days ago`.
    Ago { quantity: Quantity },
    /// `five days after`, `a month of fighting since`, `two days before`: anchored to
    /// what follows.
    After { quantity: Quantity, before: bool },
    /// `around a month of fighting`: a duration of something that began at a dated event.
    Duration { quantity: Quantity },
}

/// The word that goes with a month or weekday.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Modifier {
    Last,
    This,
    Next,
    /// `in`, `on`, `since`, `by` and the like: the direction depends on the sentence.
    Plain,
}

/// The part of a month a mention names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    Whole,
    Early,
    Mid,
    Late,
    /// `earlier this week`: up to the anchor.
    Earlier,
    /// `later this year`: from the anchor on.
    Later,
}

/// The calendar units relative words count in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CalendarUnit {
    Day,
    Weekend,
    Week,
    Month,
    Year,
}

/// A span of time as written: `nearly two weeks`, `more than a month`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Quantity {
    pub count: u32,
    pub unit: Unit,
    pub approx: Approx,
}

/// Units of a written duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Day,
    Week,
    Month,
    Year,
    Decade,
}

/// How exact a written duration is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Approx {
    Exact,
    /// `more than`, `over`.
    AtLeast,
    /// `nearly`, `almost`, `less than`.
    AtMost,
    /// `about`, `around`, `some`, `a few`.
    About,
}

impl Quantity {
    /// The duration in days, roughly.
    pub fn days(&self) -> i64 {
        self.count as i64 * self.unit.days()
    }

    /// Whether the duration is a year or more: such phrases tell history.
    pub fn is_years(&self) -> bool {
        self.days() >= 360
    }
}

impl Unit {
    /// Days in the unit, roughly.
    pub fn days(&self) -> i64 {
        match self {
            Unit::Day => 1,
            Unit::Week => 7,
            Unit::Month => 30,
            Unit::Year => 365,
            Unit::Decade => 3652,
        }
    }
}

const MONTH: &str = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)(?-u:\b)\.?";
const WEEKDAY: &str = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?-u:\b)";
const NUMBER: &str = r"(?:a\s+couple\s+of|a\s+few|several|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|\d{1,3})";
const APPROX: &str = r"(?:just\s+over|just\s+under|more\s+than|less\s+than|fewer\s+than|close\s+to|over|under|about|around|almost|nearly|some|roughly|approximately|just|barely)";
const UNIT: &str = r"(?:days?|weeks?|fortnights?|months?|years?|decades?)";

fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("date stage pattern")
}

static ISO: LazyLock<Regex> = LazyLock::new(|| compile(r"(?-u:\b)((?:19|20)\d{2})-(\d{2})-(\d{2})(?-u:\b)"));

static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?:(?-u:\b)(?P<wd>{WEEKDAY}),?\s+)?(?-u:\b)(?:the\s+)?(?P<m>{MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?-u:\b)(?:,?\s+(?P<y>(?:19|20)\d{{2}})(?-u:\b))?(?P<rel>(?:\s+of)?\s+(?i:last|this|next)\s+year(?-u:\b))?"
    ))
});

static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?:(?-u:\b)(?P<wd>{WEEKDAY}),?\s+)?(?-u:\b)(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{MONTH})(?:,?\s+(?P<y>(?:19|20)\d{{2}})(?-u:\b))?(?P<rel>(?:\s+of)?\s+(?i:last|this|next)\s+year(?-u:\b))?"
    ))
});

static MONTH_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?-u:\b)(?P<m1>{MONTH})\s+(?:and|to|through|until|till|-|–)\s+(?P<m2>{MONTH}),?\s+(?P<y>(?:19|20)\d{{2}})(?-u:\b)"
    ))
});

static MONTH_YEAR: LazyLock<Regex> =
    LazyLock::new(|| compile(&format!(r"(?-u:\b)(?P<m>{MONTH}),?\s+(?P<y>(?:19|20)\d{{2}})(?-u:\b)")));

static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)(?-u:\b)(?:(?P<a>(?:19|20)\d{2})[-–/](?P<b>\d{2}|(?:19|20)\d{2})\s+(?:season|campaign|financial\s+year|fiscal\s+year|school\s+year|academic\s+year)|(?:full[-\s]year|fiscal|financial\s+year|FY)\s*(?P<c>(?:19|20)\d{2})|(?P<e>(?:19|20)\d{2})\s+(?:revenue\s+|profit\s+|earnings\s+|sales\s+)?(?:forecast|guidance|outlook))(?-u:\b)",
    )
});

static DECADE: LazyLock<Regex> = LazyLock::new(|| compile(r"(?-u:\b)(?i:the\s+)(?P<y>(?:19|20)\d0)s(?-u:\b)"));

static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)(?-u:\b)(?:in|since|of|by|until|till|from|during|before|after|around|circa|early|late|mid-|the|a|an|year|between|and|to|through|for|over|spring|summer|autumn|winter|fall)\s+(?P<y>(?:19|20)\d{2})(?-u:\b)",
    )
});

/// Words after a number that make it a count, not a year.
const COUNT_NOUNS: &[&str] = &[
    "people",
    "soldiers",
    "troops",
    "km",
    "kilometres",
    "kilometers",
    "metres",
    "meters",
    "miles",
    "votes",
    "dollars",
    "euros",
    "pounds",
    "tonnes",
    "tons",
    "jobs",
    "homes",
    "cases",
    "deaths",
    "units",
    "residents",
    "workers",
    "members",
    "staff",
    "employees",
    "children",
    "men",
    "women",
    "feet",
    "hectares",
    "acres",
    "times",
];

static MONTH_ALONE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?-u:\b)(?P<mod>(?i:last|this|next|earlier\s+in|later\s+in|in|since|until|by|from|through|before|after|during|between|and|early|late|mid-|mid))\s+(?P<part>(?i:early|late|mid-|mid)\s*)?(?P<m>(?:January|February|March|April|May|June|July|August|September|October|November|December)(?-u:\b))",
    )
});

static WEEKDAY_ALONE: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?-u:\b)(?:(?P<mod>(?i:on|this|last|next|since|by|until|from|late\s+on|early\s+on))\s+)?(?P<wd>{WEEKDAY})"
    ))
});

static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)(?-u:\b)(?:(?P<part>earlier|later)\s+)?(?:(?P<this>this|last|next|past|coming)\s+(?P<unit>week|weekend|month|year)|(?P<day>today|yesterday|tomorrow|tonight)|(?P<this2>this)\s+(?:morning|afternoon|evening))(?-u:\b)",
    )
});

static AGO: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?i)(?-u:\b)(?:(?P<approx>{APPROX})\s+)?(?P<n>{NUMBER})\s+(?:full\s+)?(?P<unit>{UNIT})\s+ago(?-u:\b)"
    ))
});

static AFTER: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?i)(?-u:\b)(?:(?P<approx>{APPROX})\s+)?(?P<n>{NUMBER})\s+(?:full\s+)?(?P<unit>{UNIT})(?:\s+on\s+[a-z]+)?(?:\s+of\s+[a-z]+)?\s+(?P<rel>after|since|before|on\s+from|into)(?-u:\b)"
    ))
});

static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?i)(?-u:\b)(?:(?P<approx>{APPROX})\s+)?(?P<n>{NUMBER})\s+(?P<unit>{UNIT})\s+of\s+(?:fighting|war|warfare|conflict|combat|hostilities|invasion|occupation|siege|shelling|bombardment)(?-u:\b)"
    ))
});

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"^\s*\p{{Lu}}[\p{{Lu}}'’.\-]+(?:\s+\p{{Lu}}[\p{{Lu}}'’.\-]+)*(?:,\s*\p{{Lu}}[\p{{L}}.\-]+(?:\s+\p{{Lu}}[\p{{L}}.\-]+)*)?(?:,\s*{MONTH}\s+\d{{1,2}})?\s*(?:\([^)]{{2,40}}\))?\s*(?:[—–]|--?)"
    ))
});

static OBITUARY: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)(?-u:\b)(?:has\s+died|have\s+died|died\s+(?:peacefully\s+)?(?:at|on|in|aged|after)|at\s+the\s+age\s+of\s+\d+|is\s+survived\s+by|obituary)(?-u:\b)",
    )
});

static ANNIVERSARY: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)(?-u:\b)(?:(?:[a-z]+(?:st|nd|rd|th)|\d+(?:st|nd|rd|th)|\d+-year|[a-z]+-year)\s+anniversary|anniversary\s+of|mark(?:s|ed|ing)?\s+(?:the\s+)?anniversary)(?-u:\b)",
    )
});

static YEARS_SINCE: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?i)(?-u:\b)(?:(?:{APPROX})\s+)?{NUMBER}\s+(?:full\s+)?(?:years?|decades?)\s+(?:on\s+[a-z]+\s+)?(?:after|since|on\s+from)(?-u:\b)"
    ))
});

static IN_YEAR_WHEN: LazyLock<Regex> =
    LazyLock::new(|| compile(r"(?i)(?-u:\b)in\s+(?P<y>(?:19|20)\d{2}),\s+when(?-u:\b)"));

static SINCE_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"(?i)(?-u:\b)since\s+(?:the\s+)?(?:[a-z][\w-]*\s+){0,3}?(?:of\s+|in\s+)?(?P<y>(?:19|20)\d{2}s?)(?-u:\b)")
});

static BORN: LazyLock<Regex> = LazyLock::new(|| compile(r"(?i)(?-u:\b)born\s+(?:in|on)(?-u:\b)"));

static COURT: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)(?-u:\b)(?:charged|accused|convicted|sentenced|indicted|jailed|fined|sued|prosecuted|acquitted|cleared|arrested|tried|trial|case|charges?|inquiry|investigation|probe|lawsuit|pleaded\s+[a-z]+)(?-u:\b)(?:\s+[\w']+){0,3}?\s+(?:over|for|in\s+connection\s+with|related\s+to|relating\s+to|about)\s+(?:a|an|the|his|her|their|its)\s+(?:alleged\s+)?(?P<y>(?:19|20)\d{2})(?-u:\b)",
    )
});

static FUTURE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)(?-u:\b)(?:will|shall|(?:is|are|was|were)\s+due|due\s+to\s+(?:be|begin|start|open|appear|vote|meet|take|hold|visit|arrive|return|launch|publish|report|face|end|close|run|sit|hear|give|make|present|sign)|scheduled\s+(?:to|for)|expected\s+to|set\s+to|plans?\s+to|hopes?\s+to|aims?\s+to|intends?\s+to|upcoming|forthcoming|ahead\s+of|approach(?:es|ing)|is\s+to|are\s+to)(?-u:\b)",
    )
});

static FUTURE_JUST_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| compile(r"(?i)(?-u:\b)(?:by|before|until|till)\s+(?:the\s+(?:end|start|middle)\s+of\s+)?$"));

static ANCHORING: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)(?-u:\b)(?:since|after|before|until|began|begun|started|launched|invaded|died|born)(?-u:\b)(?:\s+[\w’'-]+){0,6}?\s+(?:on|in)?\s*$",
    )
});

static ONGOING: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)(?-u:\b)(?:currently|under\s?way|taking\s+place|ongoing|in\s+progress|is\s+being\s+held|are\s+being\s+held|still\s+going\s+on)(?-u:\b)",
    )
});

static TODAY: LazyLock<Regex> =
    LazyLock::new(|| compile(r"(?i)(?-u:\b)(?:earlier\s+today|this\s+morning|yesterday)(?-u:\b)"));

fn number_value(word: &str) -> Option<(u32, bool)> {
    let word = word.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_lowercase();
    let exact = |n| Some((n, false));
    match word.as_str() {
        "a couple of" => Some((2, true)),
        "a few" => Some((3, true)),
        "several" => Some((4, true)),
        "a" | "an" | "one" => exact(1),
        "two" => exact(2),
        "three" => exact(3),
        "four" => exact(4),
        "five" => exact(5),
        "six" => exact(6),
        "seven" => exact(7),
        "eight" => exact(8),
        "nine" => exact(9),
        "ten" => exact(10),
        "eleven" => exact(11),
        "twelve" => exact(12),
        "thirteen" => exact(13),
        "fourteen" => exact(14),
        "fifteen" => exact(15),
        "sixteen" => exact(16),
        "seventeen" => exact(17),
        "eighteen" => exact(18),
        "nineteen" => exact(19),
        "twenty" => exact(20),
        "thirty" => exact(30),
        "forty" => exact(40),
        "fifty" => exact(50),
        digits => digits.parse().ok().map(|n| (n, false)),
    }
}

fn quantity(caps: &regex::Captures<'_>) -> Option<Quantity> {
    let (count, vague) = number_value(caps.name("n")?.as_str())?;
    let unit_word = caps.name("unit")?.as_str().to_ascii_lowercase();
    let (count, unit) = match unit_word.trim_end_matches('s') {
        "day" => (count, Unit::Day),
        "week" => (count, Unit::Week),
        "fortnight" => (count * 2, Unit::Week),
        "month" => (count, Unit::Month),
        "year" => (count, Unit::Year),
        "decade" => (count, Unit::Decade),
        _ => return None,
    };
    let approx = match caps.name("approx").map(|a| a.as_str().split_whitespace().collect::<Vec<_>>().join(" ")) {
        None => Approx::Exact,
        Some(word) => match word.to_ascii_lowercase().as_str() {
            "more than" | "over" | "just over" => Approx::AtLeast,
            "less than" | "fewer than" | "under" | "just under" | "almost" | "nearly" | "barely" => Approx::AtMost,
            "just" => Approx::Exact,
            _ => Approx::About,
        },
    };
    let approx = if vague && approx == Approx::Exact { Approx::About } else { approx };
    (count > 0).then_some(Quantity { count, unit, approx })
}

fn scan_iso(line: &str) -> Vec<Mention> {
    ISO.captures_iter(line)
        .filter_map(|caps| {
            let m = caps.get(0)?;
            let (year, month, day) = (caps[1].parse().ok()?, caps[2].parse().ok()?, caps[3].parse().ok()?);
            chrono::NaiveDate::from_ymd_opt(year, month, day)?;
            Some(Mention {
                start: m.start(),
                end: m.end(),
                form: Form::Day { year: Some(year), month, day, weekday: None, relative_year: None },
            })
        })
        .collect()
}

fn scan_month_day(line: &str) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    for pattern in [&*MONTH_DAY, &*DAY_MONTH] {
        for caps in pattern.captures_iter(line) {
            let Some(m) = caps.get(0) else { continue };
            // "March 30,000" is a number, not a date.
            let after = &line[m.end()..];
            if after.starts_with(',') && after[1..].starts_with(|c: char| c.is_ascii_digit()) {
                continue;
            }
            let (Some(month), Some(day)) = (
                caps.name("m").and_then(|m| month_number(m.as_str())),
                caps.name("d").and_then(|d| d.as_str().parse::<u32>().ok()),
            ) else {
                continue;
            };
            if !(1..=31).contains(&day) {
                continue;
            }
            let year = caps.name("y").and_then(|y| y.as_str().parse().ok());
            let weekday = caps.name("wd").and_then(|w| calendar::weekday(w.as_str()));
            let relative_year = caps.name("rel").map(|r| {
                let lower = r.as_str().to_ascii_lowercase();
                if lower.contains("last") {
                    -1
                } else if lower.contains("next") {
                    1
                } else {
                    0
                }
            });
            let mention = Mention {
                start: m.start(),
                end: m.end(),
                form: Form::Day { year, month, day, weekday, relative_year },
            };
            if !out.iter().any(|o| o.start < mention.end && mention.start < o.end) {
                out.push(mention);
            }
        }
    }
    out
}

fn scan_month_year(line: &str) -> Vec<Mention> {
    let mut out: Vec<Mention> = Vec::new();
    // "between January and November 2019": the year goes with both months.
    for caps in MONTH_RANGE.captures_iter(line) {
        let (Some(m1), Some(m2), Some(y)) = (caps.name("m1"), caps.name("m2"), caps.name("y")) else { continue };
        let (Some(first), Some(second), Ok(year)) =
            (month_number(m1.as_str()), month_number(m2.as_str()), y.as_str().parse())
        else {
            continue;
        };
        out.push(Mention { start: m1.start(), end: m1.end(), form: Form::MonthYear { year, month: first } });
        out.push(Mention { start: m2.start(), end: y.end(), form: Form::MonthYear { year, month: second } });
    }
    for caps in MONTH_YEAR.captures_iter(line) {
        let (Some(m), Some(month), Some(Ok(year))) = (
            caps.get(0),
            caps.name("m").and_then(|m| month_number(m.as_str())),
            caps.name("y").map(|y| y.as_str().parse()),
        ) else {
            continue;
        };
        if !out.iter().any(|o| o.start < m.end() && m.start() < o.end) {
            out.push(Mention { start: m.start(), end: m.end(), form: Form::MonthYear { year, month } });
        }
    }
    out
}

fn scan_periods(line: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    for caps in PERIOD.captures_iter(line) {
        let Some(m) = caps.get(0) else { continue };
        let (first, last) = if let (Some(a), Some(b)) = (caps.name("a"), caps.name("b")) {
            let first: i32 = a.as_str().parse().unwrap_or(0);
            let b = b.as_str();
            let last: i32 =
                if b.len() == 2 { first / 100 * 100 + b.parse::<i32>().unwrap_or(0) } else { b.parse().unwrap_or(0) };
            (first, if last < first { last + 100 } else { last })
        } else if let Some(year) = caps.name("c").or_else(|| caps.name("e")) {
            let year: i32 = year.as_str().parse().unwrap_or(0);
            (year, year)
        } else {
            continue;
        };
        if first >= 1900 && last - first <= 2 {
            out.push(Mention { start: m.start(), end: m.end(), form: Form::Period { first, last } });
        }
    }
    for caps in DECADE.captures_iter(line) {
        let (Some(m), Some(y)) = (caps.get(0), caps.name("y")) else { continue };
        if let Ok(start) = y.as_str().parse() {
            out.push(Mention { start: y.start(), end: m.end(), form: Form::Decade { start } });
        }
    }
    out
}

fn scan_years(line: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    for caps in YEAR.captures_iter(line) {
        let Some(y) = caps.name("y") else { continue };
        let after = &line[y.end()..];
        // A season (2024-25), a larger number (2019,000), a percentage or a count.
        let mut chars = after.chars();
        let (first, second) = (chars.next(), chars.next());
        if (matches!(first, Some('-' | '–' | '/' | '.' | ',')) && second.is_some_and(|c| c.is_ascii_digit()))
            || first == Some('%')
        {
            continue;
        }
        let next_word: String =
            after.trim_start().chars().take_while(|c| c.is_alphabetic()).collect::<String>().to_lowercase();
        if COUNT_NOUNS.contains(&next_word.as_str()) {
            continue;
        }
        if let Ok(year) = y.as_str().parse() {
            out.push(Mention { start: y.start(), end: y.end(), form: Form::Year { year } });
        }
    }
    out
}

fn scan_months(line: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    for caps in MONTH_ALONE.captures_iter(line) {
        let (Some(m), Some(month)) = (caps.get(0), caps.name("m")) else { continue };
        let Some(number) = month_number(month.as_str()) else { continue };
        let word = caps.name("mod").map(|w| w.as_str().to_ascii_lowercase()).unwrap_or_default();
        let modifier = match word.as_str() {
            "last" => Modifier::Last,
            "this" => Modifier::This,
            "next" => Modifier::Next,
            _ => Modifier::Plain,
        };
        let part = month_part(&format!("{word} {}", caps.name("part").map_or("", |p| p.as_str())));
        out.push(Mention { start: m.start(), end: m.end(), form: Form::Month { month: number, modifier, part } });
    }
    out
}

/// The part of the month an `early`/`mid`/`late` before a month names.
pub(crate) fn month_part(text: &str) -> Part {
    let lower = text.to_ascii_lowercase();
    if lower.contains("early") {
        Part::Early
    } else if lower.contains("mid") {
        Part::Mid
    } else if lower.contains("late") {
        Part::Late
    } else {
        Part::Whole
    }
}

fn scan_weekdays(line: &str) -> Vec<Mention> {
    WEEKDAY_ALONE
        .captures_iter(line)
        .filter_map(|caps| {
            let m = caps.get(0)?;
            let weekday = calendar::weekday(caps.name("wd")?.as_str())?;
            let modifier = match caps.name("mod").map(|w| w.as_str().to_ascii_lowercase()).as_deref() {
                Some("last") => Modifier::Last,
                Some("this") => Modifier::This,
                Some("next") => Modifier::Next,
                _ => Modifier::Plain,
            };
            Some(Mention { start: m.start(), end: m.end(), form: Form::Weekday { weekday, modifier } })
        })
        .collect()
}

fn scan_relative(line: &str) -> Vec<Mention> {
    RELATIVE
        .captures_iter(line)
        .filter_map(|caps| {
            let m = caps.get(0)?;
            let part = match caps.name("part").map(|p| p.as_str().to_ascii_lowercase()).as_deref() {
                Some("earlier") => Part::Earlier,
                Some("later") => Part::Later,
                _ => Part::Whole,
            };
            let (unit, offset) = if let Some(day) = caps.name("day") {
                match day.as_str().to_ascii_lowercase().as_str() {
                    "yesterday" => (CalendarUnit::Day, -1),
                    "tomorrow" => (CalendarUnit::Day, 1),
                    _ => (CalendarUnit::Day, 0),
                }
            } else if caps.name("this2").is_some() {
                (CalendarUnit::Day, 0)
            } else {
                let unit = match caps.name("unit")?.as_str().to_ascii_lowercase().as_str() {
                    "week" => CalendarUnit::Week,
                    "weekend" => CalendarUnit::Weekend,
                    "month" => CalendarUnit::Month,
                    _ => CalendarUnit::Year,
                };
                let offset = match caps.name("this")?.as_str().to_ascii_lowercase().as_str() {
                    "last" | "past" => -1,
                    "next" | "coming" => 1,
                    _ => 0,
                };
                (unit, offset)
            };
            Some(Mention { start: m.start(), end: m.end(), form: Form::Relative { unit, offset, part } })
        })
        .collect()
}

fn scan_quantities(line: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    for caps in AFTER.captures_iter(line) {
        let (Some(m), Some(quantity)) = (caps.get(0), quantity(&caps)) else { continue };
        let before = caps.name("rel").is_some_and(|r| r.as_str().eq_ignore_ascii_case("before"));
        out.push(Mention { start: m.start(), end: m.end(), form: Form::After { quantity, before } });
    }
    for caps in AGO.captures_iter(line) {
        let (Some(m), Some(quantity)) = (caps.get(0), quantity(&caps)) else { continue };
        if !out.iter().any(|o: &Mention| o.start < m.end() && m.start() < o.end) {
            out.push(Mention { start: m.start(), end: m.end(), form: Form::Ago { quantity } });
        }
    }
    for caps in DURATION.captures_iter(line) {
        let (Some(m), Some(quantity)) = (caps.get(0), quantity(&caps)) else { continue };
        if !out.iter().any(|o: &Mention| o.start < m.end() && m.start() < o.end) {
            out.push(Mention { start: m.start(), end: m.end(), form: Form::Duration { quantity } });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms(text: &str) -> Vec<(String, Form)> {
        let doc = Doc::new(text, &[]);
        doc.mentions().into_iter().map(|m| (text[m.start..m.end].to_string(), m.form)).collect()
    }

    #[test]
    fn splits_sentences_but_not_after_abbreviations() {
        let text = "Gen. Tod Wolters spoke on Nov. 22. He said U.S. forces were ready. \"We are,\" he said.";
        let doc = Doc::new(text, &[]);
        let sentences: Vec<&str> = doc.sentences.iter().map(|(s, e)| &text[*s..*e]).collect();
        assert_eq!(
            sentences,
            vec!["Gen. Tod Wolters spoke on Nov. 22.", "He said U.S. forces were ready.", "\"We are,\" he said."]
        );
    }

    #[test]
    fn finds_explicit_dates_in_news_forms() {
        let found = forms("It voted on Wednesday, March 3, 2021, and again on Nov. 22, 2024, then 22 November 2024.");
        assert_eq!(found[0].0, "Wednesday, March 3, 2021");
        assert_eq!(
            found[0].1,
            Form::Day { year: Some(2021), month: 3, day: 3, weekday: Some(Weekday::Wed), relative_year: None }
        );
        assert_eq!(found[1].0, "Nov. 22, 2024");
        assert_eq!(found[2].0, "22 November 2024");
        let found = forms("In a filing dated 2019-07-31 it cited March 2022 and events in 2019.");
        assert_eq!(found[0].0, "2019-07-31");
        assert_eq!(found[1].1, Form::MonthYear { year: 2022, month: 3 });
        assert_eq!(found[2].1, Form::Year { year: 2019 });
        let found = forms("The court sits on Thursday, November 18, and Starmer won on July 4 last year.");
        assert_eq!(
            found[0].1,
            Form::Day { year: None, month: 11, day: 18, weekday: Some(Weekday::Thu), relative_year: None }
        );
        assert_eq!(found[1].0, "July 4 last year");
    }

    #[test]
    fn finds_periods_decades_and_relative_words() {
        let found = forms("It raised its full-year 2019 forecast; the 2024-25 season; recordings from the 1980s.");
        assert_eq!(found[0].1, Form::Period { first: 2019, last: 2019 });
        assert_eq!(found[1].1, Form::Period { first: 2024, last: 2025 });
        assert_eq!(found[2].1, Form::Decade { start: 1980 });
        let found = forms("Earlier today and last weekend, this Friday and earlier this month, announced last March.");
        let phrases: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(phrases, vec!["Earlier today", "last weekend", "this Friday", "earlier this month", "last March"]);
    }

    #[test]
    fn finds_durations() {
        let found = forms("Ten days ago it struck, nearly two weeks after the WHO declared a pandemic.");
        assert_eq!(found[0].1, Form::Ago { quantity: Quantity { count: 10, unit: Unit::Day, approx: Approx::Exact } });
        assert_eq!(
            found[1].1,
            Form::After { quantity: Quantity { count: 2, unit: Unit::Week, approx: Approx::AtMost }, before: false }
        );
        let found =
            forms("after more than a month of fighting since Russian forces invaded, in around a month of fighting.");
        assert_eq!(found[0].0, "more than a month of fighting since");
        assert_eq!(
            found[1].1,
            Form::Duration { quantity: Quantity { count: 1, unit: Unit::Month, approx: Approx::About } }
        );
    }

    #[test]
    fn leaves_counts_modal_may_and_evergreen_periods_alone() {
        assert!(forms("A hedgehog may travel a mile in a night; 2,000 and 4,000 soldiers.").is_empty());
        assert!(
            forms("Tides rise twice a day, every 24 hours and 50 minutes; the cycle takes about two weeks.").is_empty()
        );
        assert!(forms("The cycle from spring to neap takes two days from start to finish.").is_empty());
    }

    #[test]
    fn marks_history_and_looking_ahead() {
        let text = "Leaders met on Monday to mark three years since Russia invaded on February 24, 2022. In 2020, when the pandemic began, offices emptied. He was charged on Wednesday over a 2019 fraud. Voters are due to vote on February 23.";
        let doc = Doc::new(text, &[]);
        let at = |needle: &str| text.find(needle).expect("needle");
        assert!(!doc.in_history(at("Monday")));
        assert!(doc.in_history(at("February 24")));
        assert!(doc.in_history(at("2020")));
        assert!(doc.in_history(at("2019")));
        assert!(!doc.in_history(at("Wednesday")));
        assert!(doc.looks_ahead(at("February 23")));
        assert!(!doc.looks_ahead(at("Wednesday")));
    }

    #[test]
    fn clues_are_those_of_each_word_in_lower_case() {
        // Each run of ASCII letters of 12 letters at most, lowered, given to `Clues::word`.
        let reference = |text: &str| {
            let mut clues = if text.bytes().any(|b| b.is_ascii_digit()) { Clues::DIGIT } else { 0 };
            for word in text.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| w.len() <= 12) {
                clues |= Clues::word(word.to_ascii_lowercase().as_bytes());
            }
            clues
        };
        let texts = [
            "",
            "Today",
            "MONDAY night",
            "Sundays and holidays",
            "daysx",
            "12 Jan.",
            "Decades",
            "fortnightly",
            "Ages",
            "AGE 9",
            "survivedx",
            "abcdefghijklmday",
            "abcdefghijday",
            "comings",
            "ño-day",
            "Sept",
            "mayday",
            "The Born",
            "Obituary: died",
            "for the last year",
            "x\u{e9}day",
            "nothing here at all",
        ];
        for text in texts {
            assert_eq!(Clues::of(text.to_ascii_lowercase().as_bytes()).0, reference(text), "{text:?}");
        }
    }

    #[test]
    fn reads_the_lines_a_split_at_each_line_feed_gives() {
        // What the lines were before the text was cut once for every stage: each piece
        // between two `\n`, its `\r` kept, numbered from 1; those with a letter or digit.
        let reference = |text: &str, skip: &[usize]| {
            let mut lines = Vec::new();
            let mut offset = 0;
            for (index, line) in text.split('\n').enumerate() {
                let (start, end) = (offset, offset + line.len());
                offset = end + 1;
                if !skip.contains(&(index + 1)) && line.chars().any(char::is_alphanumeric) {
                    lines.push((index + 1, start, end));
                }
            }
            lines
        };
        let texts = [
            "",
            "\n",
            "one line",
            "first\nsecond\n",
            "first\r\nsecond\r\n",
            "first\r\r\nsecond\r",
            "\r\n\r\nafter blank lines\r\n-- \r\nlast",
            "no end\r",
            "Dé\r\nété\n\n\n2024\r\n",
        ];
        for text in texts {
            for skip in [&[][..], &[1], &[2, 4]] {
                assert_eq!(Doc::new(text, skip).lines, reference(text, skip), "{text:?} {skip:?}");
            }
        }
    }

    #[test]
    fn finds_the_lead_and_dateline() {
        let text = "World News\n\nMILLBROOK, March 3 (Northern Wire) - The city council voted on Wednesday to build a network of protected cycle lanes. It was late.";
        let doc = Doc::new(text, &[]);
        let (s, e) = doc.lead.expect("lead");
        assert!(text[s..e].starts_with("MILLBROOK"));
        assert!(text[s..e].ends_with("cycle lanes."));
        assert!(doc.in_dateline(text.find("March 3").expect("date")));
        assert!(!doc.in_dateline(text.find("Wednesday").expect("weekday")));
    }
}
