//! Per-item signals read from the text: garbled text (machine-translation and scrape
//! artefacts), AI-rewrite residue and headline sensationalism. Each signal keeps the
//! evidence it rests on: the kind, the line and an excerpt.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::lists::{Folded, Lists};
use crate::util::TextLines;

/// One piece of evidence: what was found, where, and the words around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Artefact {
    pub kind: &'static str,
    /// Line within the article text, from 1.
    pub line: usize,
    pub excerpt: String,
}

/// Everything scoring reads from an item's text and headline.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ItemSignals {
    #[serde(flatten)]
    pub text: TextSignals,
    pub headline: HeadlineSignals,
    /// Rules written for English that were not applied to an item in another language
    /// (`headline_words`, `body_voice`, `story_profile`), so that they do not misfire.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_applied: Vec<&'static str>,
}

/// The English-only rules that are not applied to an item in another language.
pub const ENGLISH_ONLY: [&str; 3] = ["headline_words", "body_voice", "story_profile"];

/// Whether an item's declared language is English, or not declared: the rules written for
/// English apply to it.
pub fn english(language: Option<&str>) -> bool {
    language.is_none_or(|l| {
        let l = l.trim().to_ascii_lowercase();
        l.is_empty() || l == "en" || l.starts_with("en-") || l.starts_with("en_")
    })
}

/// What the text of an item shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TextSignals {
    /// Machine-translation and scrape artefacts.
    pub garbled: Vec<Artefact>,
    /// Leftover assistant phrases and template placeholders.
    pub ai_residue: Vec<Artefact>,
    /// Generic filler phrases ("it is worth noting that", "the broader landscape").
    pub filler: Vec<Artefact>,
    /// Filler phrases per 1,000 words.
    pub filler_per_1000_words: f64,
    /// How the body speaks: its loaded words, tone, numbers and attributions.
    pub voice: Voice,
}

/// Counts over an article's body that describe its voice. Loaded words, exclamation and
/// question marks and first-person words are counted outside direct quotations only: what a
/// speaker says is not the outlet's voice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Voice {
    /// Words in the body.
    pub words: usize,
    /// Loaded, emotive or pejorative words ("outrageous", "thugs", "hoax").
    pub loaded: usize,
    /// The first loaded words found, for the evidence.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub loaded_examples: Vec<String>,
    /// Exclamation marks.
    pub exclamations: usize,
    /// Question marks: rhetorical questions put to the reader.
    pub questions: usize,
    /// First-person words (I, me, my, we, our): the writer speaking for themself.
    pub first_person: usize,
    /// Numbers (figures written in digits).
    pub numbers: usize,
    /// Attribution cues: said, told, according to, reported, announced, a statement…
    pub attributions: usize,
}

impl Voice {
    /// A count per 1,000 words of the body.
    pub fn per_1000_words(&self, count: usize) -> f64 {
        if self.words == 0 {
            0.0
        } else {
            count as f64 * 1000.0 / self.words as f64
        }
    }
}

/// What the headline shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HeadlineSignals {
    /// A section label that opens the headline ("Opinion", "Analysis").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub loaded_words: Vec<String>,
    pub all_caps_words: Vec<String>,
    pub exclamation: bool,
    pub clickbait: Vec<String>,
}

impl HeadlineSignals {
    /// What makes the headline sensational, in words: `loaded “desperate”, exclamation mark`.
    pub fn describe(&self) -> String {
        let mut what: Vec<String> = self.loaded_words.iter().map(|w| format!("loaded “{w}”")).collect();
        what.extend(self.all_caps_words.iter().map(|w| format!("all caps “{w}”")));
        what.extend(self.clickbait.iter().map(|w| format!("clickbait “{w}”")));
        if self.exclamation {
            what.push("exclamation mark".to_string());
        }
        what.join(", ")
    }

    /// Whether the headline frames its story sensationally.
    pub fn sensational(&self) -> bool {
        !self.loaded_words.is_empty()
            || !self.all_caps_words.is_empty()
            || self.exclamation
            || !self.clickbait.is_empty()
    }
}

/// Words around a match, for the report.
const EXCERPT_CHARS: usize = 60;

static SPACED_ELLIPSIS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\.\s\.\s\.").expect("ellipsis pattern"));
/// Words before a full stop that do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep", "rev", "prof", "no", "vs",
    "v", "etc", "e.g", "i.e", "a.m", "p.m", "u.s", "u.k", "u.n", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "approx", "inc", "ltd", "co", "corp", "jr", "sr", "fig", "al",
];

// The patterns below are English word lists, matched in ASCII mode (`(?-u)`): a Unicode
// `\b` makes the fast regex engines give up on any line with a non-ASCII character (a
// curly quote, a dash), and Unicode `\w` and case folding swell the automaton past its
// cache; together they took a third of a check's time on real English news.

/// A pattern searched for in a text.
trait Search {
    /// The byte ranges of the matches in `text`, in order.
    fn ranges<'t>(&'t self, text: &'t str) -> Box<dyn Iterator<Item = std::ops::Range<usize>> + 't>;
}

impl Search for Regex {
    fn ranges<'t>(&'t self, text: &'t str) -> Box<dyn Iterator<Item = std::ops::Range<usize>> + 't> {
        Box::new(self.find_iter(text).map(|m| m.range()))
    }
}

impl Search for Folded {
    fn ranges<'t>(&'t self, text: &'t str) -> Box<dyn Iterator<Item = std::ops::Range<usize>> + 't> {
        Box::new(Folded::ranges(self, text))
    }
}

static ASSISTANT: LazyLock<Folded> = LazyLock::new(|| {
    Folded::new(
        r"\bas an ai(?: language model)?\b|\bcertainly[!,.]? here(?:'s| is)\b|\bhere(?:'s| is) (?:a|the) (?:rewritten|revised|paraphrased|reworded) (?:version|article)|\bi hope this helps\b|\bas of my (?:last )?knowledge (?:update|cutoff)\b|\bregenerate response\b|\bi (?:cannot|can't) browse\b",
    )
});

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\[(?:insert|your|add|enter|city|name|company|date|source|location)[^\]]{0,40}\]|\{\{[^}]{1,40}\}\}|lorem ipsum")
        .expect("placeholder pattern")
});

static FILLER: LazyLock<Folded> = LazyLock::new(|| {
    Folded::with_openings(
        r"\b(it is worth noting that|it is important to note that|in today's fast-paced world|this development (?:highlights|underscores)|highlights the importance of|underscores the importance of|plays a crucial role|a testament to|navigat(?:e|ing) the complexities|in the ever-evolving|delve into|the broader (?:geopolitical )?landscape|geopolitical landscape|potential implications|a significant shift|remains? to be seen|in conclusion|only time will tell|sent shockwaves|raises important questions)\b",
    )
});

static LOADED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i-u)\b(shocking|shock|stunning|stuns|desperate|devastating|horrifying|horrific|terrifying|slams|blasts|destroys|humiliat\w*|epic|insane|unbelievable|jaw-dropping|mind-blowing|outrage\w*|furious|fury|chaos|meltdown|bombshell|brutal|savage|nightmare|catastroph\w*|doom\w*|panic|explosive|sensational|miracle|exposed|backed into (?:a )?corner|cornered|terrified|apocalyptic|armageddon|crisis-hit|fuming)\b",
    )
    .expect("loaded pattern")
});

static CLICKBAIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i-u)(you won'?t believe|here'?s why|here is why|here'?s what|what happened next|will shock you|this is why|the reason why|you need to know|doctors hate|one weird trick|goes viral|breaks the internet|will blow your mind|\bnumber \d+ will\b|^\d+ (?:things|reasons|ways|signs)\b)",
    )
    .expect("clickbait pattern")
});

/// Loaded, emotive and pejorative words of the body: words that judge or inflame rather
/// than report. Matched case-insensitively on word boundaries, outside quotations.
static LOADED_BODY: LazyLock<Folded> = LazyLock::new(|| {
    Folded::new(
        r"\b(shocking|slams?|slammed|blasts?|blasted|destroys?|destroyed|outrage\w*|furious|fury|chaos|chaotic|bombshell|brutal\w*|nightmare|disastrous|radical\w*|insane|crazy|stupid\w*|idiot\w*|evil|lies|lying|liars?|hoax\w*|corrupt\w*|unhinged|disgrac\w*|pathetic|absurd\w*|ridiculous\w*|hysteri\w*|meltdown|rips|ripped|torch\w*|wrecks?|mock\w*|scorch\w*|tyrann\w*|tyrants?|propaganda|smear\w*|thugs?|treason\w*|traitor\w*|despicable|vile|disgusting|sickening|obscene|deranged|lunatic\w*|moron\w*|fools?|foolish|clowns?|coward\w*|shameful|shameless\w*|hypocri\w*|sham|fake|bogus|rigged|elites?|elitist|globalist\w*|leftists?|libs|woke|marxists?|fascis\w*|racists?|bigot\w*|extremists?|terrifying|horrif\w*|catastroph\w*|apocalyp\w*|ruin\w*|betray\w*|scandal\w*|crooked|sleazy|dishonest|outrageous|insanity|madness|lunacy|stunning|astonishing|unbelievable|awful|terrible|horrible|reckless\w*|heinous|monstrous|appalling)\b",
    )
});

/// The ways a report says where its facts come from.
static ATTRIBUTION_CUE: LazyLock<Folded> = LazyLock::new(|| {
    Folded::new(
        r"\b(said|says|told|according to|reported|announced|stated|testified|confirmed|wrote in|in a statement|statement from|spokes(?:man|woman|person)|court (?:records|documents|filings?)|data from|a report by|survey)\b",
    )
});

/// The word lists of the body: assistant phrases, filler, loaded words, attribution cues.
fn body_lists() -> [&'static Folded; 4] {
    [&ASSISTANT, &FILLER, &LOADED_BODY, &ATTRIBUTION_CUE]
}

/// The word lists of the body, searched in one walk over its words.
static BODY_LISTS: LazyLock<Lists> = LazyLock::new(|| Lists::new(body_lists().to_vec()));

/// Upper-case words that are acronyms, not shouting.
const ACRONYMS: &[&str] = &[
    "ATACMS", "NASDAQ", "UNICEF", "UNESCO", "NAFTA", "ASEAN", "OPEC", "NATO", "COVID", "HIMARS", "FTSE", "IRBM",
    "ICBM", "ISIS", "DACA", "SCOTUS", "NASA", "ESPN", "JSON", "DBMS", "NCAA", "LGBT", "LGBTQ", "FEMA", "USDA", "USPS",
    "ACLU", "AARP", "NAACP", "MSNBC", "CNBC", "OSHA", "NOAA", "USMCA", "FIFA", "UEFA", "IPCC", "NIST", "DARPA", "SWAT",
    "AIPAC", "CPAC", "MAGA", "NYPD", "LAPD", "AT&T", "HTML", "HTTP", "HTTPS", "NVIDIA", "BRICS", "OECD", "IMF",
    "NHTSA", "WNBA", "NASCAR", "UCLA", "USSR", "GDPR", "CERN", "INTERPOL", "IAEA", "UNHCR", "UNRWA", "HAMAS", "SARS",
    "MERS", "USAID", "OPCW", "NORAD", "CENTCOM",
];

/// Reads the signals of an article's text (without its headline).
pub fn text_signals(text: &str) -> TextSignals {
    text_signals_in(&TextLines::new(text))
}

/// [`text_signals`] of a text already cut into lines and lowered.
pub fn text_signals_in(text: &TextLines<'_>) -> TextSignals {
    read_text(text, true)
}

/// [`text_signals`], with each pattern searched in the whole text at once (`whole`) or
/// line by line, which finds the same.
fn read_text(shared: &TextLines<'_>, whole: bool) -> TextSignals {
    let (text, lines) = (shared.text(), shared.lines());
    // The English word lists are searched in the text in ASCII lower case, at the same
    // byte offsets (see `Folded`).
    let lowered = shared.lowered();
    let lowered_lines = shared.lowered_lines();
    let found = |pattern: &dyn Search, text: &str, lines: &[&str]| {
        if whole {
            Matches::of(pattern, text, lines)
        } else {
            Matches::by_line(pattern, lines)
        }
    };
    let listed = if whole { BODY_LISTS.search(lowered) } else { Vec::new() };
    let lists = body_lists();
    let [assistant, filler, loaded, attribution] = std::array::from_fn(|index| {
        let list: &dyn Search = lists[index];
        match listed.get(index) {
            Some(ranges) => Matches::placed(ranges.iter().cloned(), lowered, &lowered_lines)
                .unwrap_or_else(|| Matches::by_line(list, &lowered_lines)),
            None => Matches::by_line(list, &lowered_lines),
        }
    });
    let mut scans = Scans {
        ellipsis: found(&*SPACED_ELLIPSIS, text, lines),
        assistant,
        placeholder: found(&*PLACEHOLDER, text, lines),
        filler,
        loaded,
        attribution,
    };
    let mut signals = TextSignals::default();
    let mut words = 0usize;
    let (mut quoted, mut at, mut cues, mut loaded) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (index, &line) in lines.iter().enumerate() {
        let number = index + 1;
        let line_words = crate::util::word_count(line);
        words += line_words;
        quoted_ranges(line, &mut quoted);
        scans.attribution.in_line(index, &mut cues);
        scans.loaded.in_line(index, &mut loaded);
        signals.voice.read_line(line, line_words, &quoted, cues.len(), &loaded);
        // Inside a quotation a spaced ellipsis marks words left out, as news style wants.
        scans.ellipsis.in_line(index, &mut at);
        if let Some(m) = at.iter().find(|m| !quoted.iter().any(|r| r.contains(&m.start))) {
            signals.garbled.push(artefact("spaced_ellipsis", number, line, m.start));
        }
        if let Some(at) = stray_full_stop(line) {
            signals.garbled.push(artefact("stray_full_stop", number, line, at));
        }
        let (open, close) = (line.matches('(').count(), line.matches(')').count());
        if open != close {
            let at = if close > open { line.find(')') } else { line.find('(') }.unwrap_or(0);
            signals.garbled.push(artefact("unbalanced_brackets", number, line, at));
        }
        // A quotation running on into the next paragraph keeps its opening mark only, as
        // news style wants; a closing mark with no opening one is an artefact.
        let (open, close) = (line.matches('“').count() + line.matches('"').count(), line.matches('”').count());
        if close > open {
            signals.garbled.push(artefact("unbalanced_quotes", number, line, line.find('”').unwrap_or(0)));
        }
        scans.assistant.in_line(index, &mut at);
        if let Some(m) = at.first() {
            signals.ai_residue.push(artefact("assistant_phrase", number, line, m.start));
        }
        scans.placeholder.in_line(index, &mut at);
        if let Some(m) = at.first() {
            signals.ai_residue.push(artefact("template_placeholder", number, line, m.start));
        }
        scans.filler.in_line(index, &mut at);
        for m in &at {
            signals.filler.push(artefact("filler", number, line, m.start));
        }
    }
    signals.filler_per_1000_words =
        if words == 0 { 0.0 } else { (signals.filler.len() as f64 * 1000.0 / words as f64 * 10.0).round() / 10.0 };
    signals
}

/// The patterns [`text_signals`] looks for, each searched once in the whole text.
struct Scans {
    ellipsis: Matches,
    assistant: Matches,
    placeholder: Matches,
    filler: Matches,
    loaded: Matches,
    attribution: Matches,
}

/// Where a pattern matches, line by line: the line and the byte range within it, in
/// order.
struct Matches {
    found: Vec<(usize, std::ops::Range<usize>)>,
    /// The first match not yet asked for.
    next: usize,
}

impl Matches {
    /// The matches of `pattern` in `text`, cut into `lines`: from one search of the whole
    /// text, unless a match runs across a line break (or into one), when each line is
    /// searched on its own.
    fn of(pattern: &dyn Search, text: &str, lines: &[&str]) -> Matches {
        Matches::placed(pattern.ranges(text), text, lines).unwrap_or_else(|| Matches::by_line(pattern, lines))
    }

    /// The matches one search of the whole text finds (`ranges`, in order), placed in
    /// their lines, if none runs across a line break. These are the matches a search of
    /// each line finds: the text around a line break reads to the patterns as a line's
    /// ends do (a newline is no word character), so every match and every choice between
    /// matches is the same.
    fn placed(ranges: impl Iterator<Item = std::ops::Range<usize>>, text: &str, lines: &[&str]) -> Option<Matches> {
        let start_of = |line: &str| line.as_ptr() as usize - text.as_ptr() as usize;
        let mut found = Vec::new();
        let mut index = 0;
        for m in ranges {
            while index < lines.len() && start_of(lines[index]) + lines[index].len() <= m.start {
                index += 1;
            }
            let line = lines.get(index)?;
            let start = start_of(line);
            if m.start < start || m.end > start + line.len() {
                return None;
            }
            found.push((index, m.start - start..m.end - start));
        }
        Some(Matches { found, next: 0 })
    }

    /// The matches of a search of each line.
    fn by_line(pattern: &dyn Search, lines: &[&str]) -> Matches {
        let found = lines
            .iter()
            .enumerate()
            .flat_map(|(index, line)| pattern.ranges(line).map(move |range| (index, range)))
            .collect();
        Matches { found, next: 0 }
    }

    /// The matches in line `index`, into `out`; lines are asked for in order.
    fn in_line(&mut self, index: usize, out: &mut Vec<std::ops::Range<usize>>) {
        out.clear();
        while let Some((at, range)) = self.found.get(self.next).filter(|(at, _)| *at <= index) {
            if *at == index {
                out.push(range.clone());
            }
            self.next += 1;
        }
    }
}

/// Loaded words kept as evidence.
const LOADED_EXAMPLES: usize = 5;

impl Voice {
    /// Counts the voice of one line of an article's body, of `words` words, `quoted` its
    /// quotations, with the attribution cues and the loaded words found in it.
    fn read_line(
        &mut self,
        line: &str,
        words: usize,
        quoted: &[std::ops::Range<usize>],
        attributions: usize,
        loaded: &[std::ops::Range<usize>],
    ) {
        self.words += words;
        self.numbers += numbers(line);
        self.attributions += attributions;
        let outside = |at: usize| !quoted.iter().any(|r| r.contains(&at));
        for m in loaded.iter().filter(|m| outside(m.start)) {
            self.loaded += 1;
            let word = line[m.clone()].to_lowercase();
            if self.loaded_examples.len() < LOADED_EXAMPLES && !self.loaded_examples.contains(&word) {
                self.loaded_examples.push(word);
            }
        }
        for at in memchr::memchr2_iter(b'!', b'?', line.as_bytes()).filter(|&at| outside(at)) {
            match line.as_bytes()[at] {
                b'!' => self.exclamations += 1,
                _ => self.questions += 1,
            }
        }
        self.first_person += first_person(line, outside);
    }
}

/// The first-person words of a line outside quotations. A word is a run of letters,
/// digits and apostrophes; where it starts is counted with every character between two
/// words taken as one byte.
fn first_person(line: &str, outside: impl Fn(usize) -> bool) -> usize {
    let bytes = line.as_bytes();
    if line.is_ascii() {
        // Every character is one byte: the words are the runs of word bytes.
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'\'';
        return crate::util::byte_runs(bytes, word)
            .filter(|run| is_first_person(&line[run.clone()]) && outside(run.start))
            .count();
    }
    let (mut count, mut start, mut drift, mut at) = (0, 0, 0, 0);
    while at <= bytes.len() {
        let (ends_word, width) = match bytes.get(at) {
            None => (true, 1),
            Some(&byte) if byte.is_ascii() => (!byte.is_ascii_alphanumeric() && byte != b'\'', 1),
            Some(_) => {
                let c = line[at..].chars().next().unwrap_or(' ');
                (!c.is_alphanumeric() && c != '’', c.len_utf8())
            }
        };
        if ends_word {
            if is_first_person(&line[start..at]) && outside(start - drift) {
                count += 1;
            }
            drift += width - 1;
            start = at + width;
        }
        at += width;
    }
    count
}

fn is_first_person(word: &str) -> bool {
    // Most words are passed over on their length or their first letter.
    word.len() <= 6
        && matches!(word.as_bytes().first(), Some(b'I' | b'm' | b'M' | b'w' | b'W' | b'o' | b'O'))
        && matches!(
            word,
            "I" | "I'm" | "I’m" | "I've" | "I’ve" | "me" | "my" | "My" | "we" | "We" | "our" | "Our" | "myself"
        )
}

/// Figures written in digits: runs of digits with their separators count once.
/// A figure is counted where it starts, unless a letter comes right before it ("G7").
fn numbers(line: &str) -> usize {
    let bytes = line.as_bytes();
    let mut count = 0;
    let mut at = 0;
    while let Some(offset) = bytes[at..].iter().position(u8::is_ascii_digit) {
        let start = at + offset;
        if !(start > 0 && bytes[start - 1].is_ascii_alphabetic()) {
            count += 1;
        }
        // The figure runs on through its digits and the separators between them.
        let mut end = start + 1;
        while end < bytes.len()
            && (bytes[end].is_ascii_digit()
                || (matches!(bytes[end], b',' | b'.') && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)))
        {
            end += 1;
        }
        at = end;
    }
    count
}

/// The byte ranges of a line inside direct quotations (“…” or "…"); a quotation left open
/// runs to the end of the line.
fn quoted_ranges(line: &str, out: &mut Vec<std::ops::Range<usize>>) {
    out.clear();
    // Both typographic marks begin with the byte 0xE2.
    if memchr::memchr2(b'"', 0xE2, line.as_bytes()).is_none() {
        return;
    }
    let mut open: Option<usize> = None;
    for (at, c) in line.char_indices() {
        match (c, open) {
            ('“', None) => open = Some(at),
            ('”', Some(start)) => {
                out.push(start..at + c.len_utf8());
                open = None;
            }
            ('"', None) => open = Some(at),
            ('"', Some(start)) => {
                out.push(start..at + 1);
                open = None;
            }
            _ => {}
        }
    }
    if let Some(start) = open {
        out.push(start..line.len());
    }
}

/// Reads the signals of a headline, with the configured extra loaded words and clickbait
/// phrases (matched case-insensitively on word boundaries).
pub fn headline_signals_with(
    title: &str,
    body: &str,
    extra_loaded: &[String],
    extra_clickbait: &[String],
) -> HeadlineSignals {
    let mut signals = headline_signals_in(title, body);
    let lower = title.to_lowercase();
    let contains = |phrase: &String| {
        let phrase = phrase.trim().to_lowercase();
        !phrase.is_empty()
            && lower.match_indices(&phrase).any(|(at, _)| {
                let before = lower[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
                let after = lower[at + phrase.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
                before && after
            })
    };
    signals.loaded_words.extend(extra_loaded.iter().filter(|w| contains(w)).map(|w| w.trim().to_lowercase()));
    signals.clickbait.extend(extra_clickbait.iter().filter(|p| contains(p)).map(|p| p.trim().to_string()));
    signals
}

/// Reads the signals of a headline.
pub fn headline_signals(title: &str) -> HeadlineSignals {
    headline_signals_in(title, "")
}

/// Reads the signals of a headline above `body`. A section label that opens the headline
/// ("OPINION:", "Analysis |") is a label, not shouting; hype labels ("BREAKING:",
/// "EXCLUSIVE:", "WATCH:") are sensational. An upper-case word is an acronym, not shouting,
/// when it is a known acronym or the body writes it in upper case too.
pub fn headline_signals_in(title: &str, body: &str) -> HeadlineSignals {
    let (label, rest) = section_label(title);
    let mut signals = HeadlineSignals {
        loaded_words: loaded_in(rest),
        exclamation: rest.contains('!'),
        clickbait: CLICKBAIT.find_iter(rest).map(|m| m.as_str().to_string()).collect(),
        ..HeadlineSignals::default()
    };
    if let Some(label) = label {
        if HYPE_LABELS.contains(&label.to_lowercase().as_str()) {
            signals.clickbait.push(format!("{label} label"));
        } else {
            signals.label = Some(label.to_string());
        }
    }
    for word in rest.split(|c: char| !c.is_alphanumeric() && c != '&') {
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        if letters >= 4
            && word.chars().all(|c| !c.is_lowercase())
            && !ACRONYMS.contains(&word)
            && !written_in_capitals(body, word)
        {
            signals.all_caps_words.push(word.to_string());
        }
    }
    signals
}

/// The loaded words of a headline in the order they stand, each once.
fn loaded_in(headline: &str) -> Vec<String> {
    let lowered = headline.to_ascii_lowercase();
    let mut found: Vec<(usize, String)> = LOADED
        .ranges(headline)
        .chain(LOADED_BODY.ranges(&lowered))
        .map(|m| (m.start, headline[m].to_lowercase()))
        .collect();
    found.sort();
    let mut words: Vec<String> = Vec::with_capacity(found.len());
    for (_, word) in found {
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

/// Labels that open a headline to say what kind of piece it is.
const SECTION_LABELS: &[&str] = &[
    "opinion",
    "analysis",
    "editorial",
    "commentary",
    "review",
    "op-ed",
    "column",
    "perspective",
    "explainer",
    "interview",
    "letters",
    "obituary",
    "fact check",
    "factcheck",
    "exclusive",
    "breaking",
    "watch",
    "update",
    "live",
    "just in",
    "video",
    "photos",
    "must see",
    "breaking news",
];

/// Labels that announce a piece as urgent or unmissable.
const HYPE_LABELS: &[&str] = &["exclusive", "breaking", "breaking news", "watch", "just in", "must see"];

/// A section label that opens a headline, and the rest of the headline.
fn section_label(title: &str) -> (Option<&str>, &str) {
    let trimmed = title.trim_start();
    for separator in [':', '|', '–', '—'] {
        if let Some(at) = trimmed.find(separator) {
            let label = trimmed[..at].trim();
            if SECTION_LABELS.contains(&label.to_lowercase().as_str()) {
                return (Some(label), trimmed[at + separator.len_utf8()..].trim_start());
            }
        }
    }
    (None, title)
}

/// Whether `body` writes `word` in upper case as a word of its own.
fn written_in_capitals(body: &str, word: &str) -> bool {
    body.match_indices(word).any(|(at, _)| {
        let before = body[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = body[at + word.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        before && after
    })
}

/// Where a sentence is broken by a stray full stop: a full stop (perhaps with a closing
/// bracket) followed by a space and a lower-case word, after a word that is no
/// abbreviation (". late on social media", "(southwest). of Russia)").
fn stray_full_stop(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    for at in memchr::memchr_iter(b'.', bytes) {
        // An elision ("...") is style, not a broken sentence.
        if (at > 0 && bytes[at - 1] == b'.') || bytes.get(at + 1) == Some(&b'.') {
            continue;
        }
        let mut next = at + 1;
        if bytes.get(next) == Some(&b')') {
            // A party-and-state tag, "(D-Calif.)", or an abbreviation closing a bracket.
            let word_start = line[..at].rfind(['(', '-', ' ']).map_or(0, |i| i + 1);
            if line[word_start..at].starts_with(|c: char| c.is_ascii_uppercase()) {
                continue;
            }
            next += 1;
        }
        if !bytes.get(next).is_some_and(u8::is_ascii_whitespace) {
            continue;
        }
        while bytes.get(next).is_some_and(u8::is_ascii_whitespace) {
            next += 1;
        }
        if !bytes.get(next).is_some_and(u8::is_ascii_lowercase) {
            continue;
        }
        let start = line[..at].rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let before = line[start..at].trim_matches(|c: char| !c.is_alphanumeric() && c != '.').to_lowercase();
        if before.is_empty()
            || before.contains('.')
            || ABBREVIATIONS.contains(&before.as_str())
            || before.chars().count() == 1
            || before.chars().all(|c| c.is_ascii_digit())
        {
            continue;
        }
        return Some(start);
    }
    None
}

fn artefact(kind: &'static str, line: usize, text: &str, at: usize) -> Artefact {
    let start = text[..at.min(text.len())].char_indices().rev().nth(EXCERPT_CHARS / 2).map_or(0, |(i, _)| i);
    let excerpt: String = text[start..].chars().take(EXCERPT_CHARS).collect();
    Artefact { kind, line, excerpt: excerpt.trim().to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(signals: &[Artefact]) -> Vec<&'static str> {
        signals.iter().map(|a| a.kind).collect()
    }

    #[test]
    fn one_search_of_the_text_finds_what_a_search_of_each_line_finds() {
        let texts = [
            "It is worth noting that he said so. . . According to the survey, chaos.\n\
             “The bombshell report,” she said, “is a hoax.” [Insert city here] I hope this helps!",
            // Matches that would run across a line break, or start on one.
            "A spaced ellipsis at the end . .\n. of a line. . .\n[insert\nname] {{not\nthis}} {{but this}}",
            "Windows line ends . . .\r\nsaid the spokesman\r\n[your text]\r\nlorem ipsum\r",
            "said\n\nsaid\n\n\nthe shocking end",
            "",
            "\n\n. . .",
        ];
        for text in texts {
            let shared = TextLines::new(text);
            assert_eq!(read_text(&shared, true), read_text(&shared, false), "{text:?}");
        }
        let first = read_text(&TextLines::new(texts[0]), true);
        assert!(!first.filler.is_empty() && first.ai_residue.len() == 2 && first.voice.attributions == 4, "{first:?}");
        let found = Matches::placed(SPACED_ELLIPSIS.ranges(texts[1]), texts[1], &texts[1].lines().collect::<Vec<_>>());
        assert!(found.is_none(), "a match across a line break sends the search line by line");
    }

    #[test]
    fn the_body_lists_walked_together_find_what_each_list_finds_alone() {
        // The project's seed articles and fixtures (articles, pages, feeds), as they are.
        fn read_all(folder: &std::path::Path, texts: &mut Vec<String>) {
            for entry in std::fs::read_dir(folder).expect("a folder of the project") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    read_all(&path, texts);
                } else if let Ok(text) = std::fs::read_to_string(&path) {
                    texts.push(text);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut texts = Vec::new();
        read_all(&root.join("seeds"), &mut texts);
        read_all(&root.join("fixtures"), &mut texts);
        texts.push(
            "It is worth noting that the spokesman said: “As an AI language model, I cannot browse.” \
             In a statement, Here's the rewritten version; outrageously, the hoax-peddlers slammed it."
                .to_string(),
        );
        let lists = body_lists();
        assert!(lists.iter().all(|list| list.walked()), "every list of the body is found in the walk");
        let mut matches = 0;
        for text in &texts {
            let lowered = text.to_ascii_lowercase();
            let walked = BODY_LISTS.search(&lowered);
            for (list, found) in lists.iter().zip(&walked) {
                assert_eq!(found, &list.ranges(&lowered).collect::<Vec<_>>(), "{}", list.words);
                matches += found.len();
            }
        }
        assert!(texts.len() > 200 && matches > 1000, "{} texts, {matches} matches", texts.len());
    }

    #[test]
    fn the_filler_phrases_are_looked_for_by_their_whole_openings() {
        let openings = Folded::openings(FILLER.words).expect("the filler phrases' openings");
        assert!(openings.len() >= 20, "{openings:?}");
        // Long enough to pick out the phrases, not only their first words.
        assert!(openings.iter().all(|opening| opening.as_bytes().len() >= 8), "{openings:?}");
        let text = "in conclusion, it is worth noting that only time will tell. in concluding, it is.";
        assert_eq!(FILLER.ranges(text).collect::<Vec<_>>(), vec![0..13, 15..38, 39..58]);
    }

    #[test]
    fn word_lists_in_lowered_text_find_what_the_case_insensitive_patterns_find() {
        let text = "IT IS WORTH NOTING THAT the Minister SAID, According To officials, it was a Shocking HOAX-like \
            Outrageous move. As An AI language model... Here's The Rewritten Version. Raises Important Questions; \
            the Spokesperson told reporters (sAiD, SAYS); Zoë said: “Chaos”. Résumé-destroyed? insanity, INSANE";
        let lists: [(&dyn Search, &str); 4] = [
            (&*ASSISTANT, ASSISTANT.words),
            (&*FILLER, FILLER.words),
            (&*LOADED_BODY, LOADED_BODY.words),
            (&*ATTRIBUTION_CUE, ATTRIBUTION_CUE.words),
        ];
        for (list, words) in lists {
            let cased = Regex::new(&format!("(?i-u){words}")).expect("pattern");
            let expected: Vec<_> = cased.find_iter(text).map(|m| m.range()).collect();
            let found: Vec<_> = list.ranges(&text.to_ascii_lowercase()).collect();
            assert!(!expected.is_empty(), "{words}");
            assert_eq!(found, expected, "{words}");
        }
    }

    #[test]
    fn finds_translation_and_scrape_artefacts() {
        let text = "It claims to have intercepted missiles, but in a number too small to protect all its cities. . . But Russia once again claims.\n\
            It was fired from the Astrakhan region (southwest). of Russia), the first in this war.\n\
            Zelensky said in a video message to his fellow citizens. published on Friday. late on social media.";
        let found = kinds(&text_signals(text).garbled);
        assert!(found.contains(&"spaced_ellipsis"), "{found:?}");
        assert!(found.contains(&"unbalanced_brackets"), "{found:?}");
        assert_eq!(found.iter().filter(|k| **k == "stray_full_stop").count(), 2, "{found:?}");
    }

    #[test]
    fn clean_news_text_has_no_artefacts() {
        let text = "Gen. Tod Wolters told a U.S. Senate hearing at 3 p.m. on Tuesday that Russia (not Belarus) fired the missiles.\n\
            He added: “There is what Russia says and there is what Russia does.\n\
            “And what Russia is doing is the continued brutalisation of Ukraine.”\n\
            Prices rose 2.5 percent in March, officials said.";
        assert_eq!(text_signals(text).garbled, vec![]);
    }

    #[test]
    fn news_style_is_not_garbled() {
        let text = "“We will not stop . . . we will win,” she said.\n\
            Sen. Dianne Feinstein (D-Calif.) said the F.B.I. had been told.\n\
            He added that “the rest is history...” and left.\n\
            “Hack politician.” Her reply came in a statement.";
        assert_eq!(text_signals(text).garbled, vec![]);
    }

    #[test]
    fn figures_are_counted_as_a_byte_by_byte_reading_counts_them() {
        fn byte_by_byte(line: &str) -> usize {
            let bytes = line.as_bytes();
            let mut count = 0;
            let mut previous_is_part = false;
            for (i, &b) in bytes.iter().enumerate() {
                let digit = b.is_ascii_digit();
                let separator =
                    (b == b',' || b == b'.') && previous_is_part && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
                if digit && !previous_is_part && !(i > 0 && bytes[i - 1].is_ascii_alphabetic()) {
                    count += 1;
                }
                previous_is_part = digit || separator;
            }
            count
        }
        let lines = [
            "",
            "7",
            "G7 and 3,500 people, 4.2 billion, 1,2,3 and 1..2, 5. 6, 7,",
            "On 12 March 2024 at 10.30, about 40% of the 1,000,000 voters (G20, B2B) left.",
            "no figures at all",
            ",1.1,.2.,3",
            "x1y2 3z 44.55.66",
            "“It was 9,” she said — 10 to 11.",
        ];
        for line in lines {
            assert_eq!(numbers(line), byte_by_byte(line), "{line}");
        }
        assert_eq!(numbers("G7 and 3,500 people, 4.2 billion"), 2);
    }

    #[test]
    fn first_person_words_are_found_where_the_split_on_words_finds_them() {
        // The count as a split on every character that is no letter, digit or apostrophe
        // gives it, each such character counted as one byte.
        fn by_split(line: &str, outside: impl Fn(usize) -> bool) -> usize {
            line.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
                .scan(0usize, |offset, word| {
                    let at = *offset;
                    *offset += word.len() + 1;
                    Some((at, word))
                })
                .filter(|(at, word)| is_first_person(word) && outside(*at))
                .count()
        }
        let lines = [
            "I think we should go, and my team agrees.",
            "“We will win,” he said — but I’m not sure our plan, or my own, will work; I’ve doubts.",
            "Ünïcödé — “my” «we» I'm I've Our We My me myself… ¿we? ¡I!",
            "",
            "we",
            "—I—",
            "“ab” — we",
            "\"We will win,\" he said, but I'm not sure our plan, or my own, will work; I've doubts.",
            "'we' my' 'my I'",
            "we-me_my",
        ];
        for line in lines {
            let mut quoted = Vec::new();
            quoted_ranges(line, &mut quoted);
            let outside = |at: usize| !quoted.iter().any(|r| r.contains(&at));
            assert_eq!(first_person(line, outside), by_split(line, outside), "{line}");
            assert_eq!(first_person(line, |_| true), by_split(line, |_| true), "{line}");
        }
        assert_eq!(first_person("“We will win,” I said — my word.", |_| true), 3);
    }

    #[test]
    fn the_voice_is_counted_outside_quotations() {
        let voice = text_signals(
            "“This is an outrageous hoax!” the senator said.\n\
            It was an outrageous decision, and I think the radical plan will fail. Why would anyone vote for it?\n\
            The plan costs $4.2 billion over 10 years, according to the budget office.",
        )
        .voice;
        assert_eq!(voice.loaded, 2, "{voice:?}");
        assert_eq!(voice.loaded_examples, ["outrageous", "radical"]);
        assert_eq!((voice.exclamations, voice.questions, voice.first_person), (0, 1, 1));
        assert_eq!(voice.numbers, 2);
        assert_eq!(voice.attributions, 2);
        assert!(voice.words > 30);
    }

    #[test]
    fn acronyms_and_section_labels_are_not_shouting() {
        assert!(!headline_signals("ISIS claims attack as DACA ruling nears").sensational());
        let opinion = headline_signals("OPINION: The council should rethink its budget");
        assert!(!opinion.sensational(), "{opinion:?}");
        assert_eq!(opinion.label.as_deref(), Some("OPINION"));
        assert!(headline_signals("BREAKING: Council budget passes").sensational());
        // An upper-case word the body writes in upper case too is an acronym.
        assert!(
            !headline_signals_in("WHOIS records show the domain moved", "The WHOIS database lists it.").sensational()
        );
        assert!(headline_signals_in("This is HUGE for the council", "The council met.").sensational());
    }

    #[test]
    fn finds_ai_residue_and_filler() {
        let signals = text_signals(
            "Certainly! Here is a rewritten version of the article:\nThe mayor of [insert city] spoke.\nIt is worth noting that this development highlights the importance of planning.",
        );
        assert_eq!(kinds(&signals.ai_residue), ["assistant_phrase", "template_placeholder"]);
        assert_eq!(signals.filler.len(), 2);
        assert!(signals.filler_per_1000_words > 50.0);
    }

    #[test]
    fn reads_sensational_headlines() {
        let express =
            headline_signals("Desperate Putin unleashes devastating hypersonic missiles as Russia backed into corner");
        assert_eq!(express.loaded_words, ["desperate", "devastating", "backed into corner"]);
        assert!(express.sensational());
        let bait = headline_signals("You WON'T BELIEVE what this mayor did! Here's why");
        assert!(bait.exclamation);
        assert_eq!(bait.all_caps_words, ["BELIEVE"]);
        assert_eq!(bait.clickbait.len(), 2);
        let calm = headline_signals(
            "Ukraine begins talks with partners about advanced air defense systems after NATO meeting",
        );
        assert!(!calm.sensational(), "{calm:?}");
        assert!(!headline_signals("Russia says ATACMS missiles hit Kursk region").sensational());
        let extended = headline_signals_with("Council unveils whopping budget", "", &["whopping".into()], &[]);
        assert_eq!(extended.loaded_words, ["whopping"]);
        assert!(headline_signals_with("Council unveils whoppingly large budget", "", &["whopping".into()], &[])
            .loaded_words
            .is_empty());
    }
}
