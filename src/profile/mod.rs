//! The content profile of an item: what it is about, in a form that survives re-wording.
//! Rewriters change every sentence but keep the facts: the names, the numbers, the order of
//! events. A profile keeps
//!
//! - its most frequent content words, stemmed (English Snowball) and hashed, with counts;
//! - the names it mentions, folded to a spelling key of their last word ([`names`]);
//! - its numbers with their units ([`numbers`]);
//! - its direct quotations, each with its speaker when one is named ([`quotes`]);
//! - its sentences, each as a small set of hashed content words, for alignment;
//! - what it says about where it comes from ([`Attribution`]).
//!
//! It is computed once per item, in the pass that fingerprints it, and holds no text.

pub mod lexicon;
pub mod names;
pub mod numbers;
pub mod quotes;
pub mod text;

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;

use crate::model::{Item, MetadataLine};
use crate::util::hash_bytes;
use quotes::Speaker;
use text::{Paragraph, TokenKind};

/// Content words kept per item, the most frequent first.
pub const DEFAULT_TERMS: usize = 64;
/// Sentences kept per item (alignment is quadratic in them).
const MAX_SENTENCES: usize = 160;
/// Distinct content words kept per sentence.
const MAX_SENTENCE_WORDS: usize = 48;
/// A sentence with fewer content words than this is left out of the alignment.
const MIN_SENTENCE_WORDS: usize = 3;
/// A quotation with fewer content words than this is a scare quote ("power"), not speech.
const MIN_QUOTE_WORDS: usize = 4;

/// Seeds that keep the hashes of the three vocabularies apart.
const NAME_SEED: u64 = 0x6e61_6d65;
const NUMBER_SEED: u64 = 0x6e75_6d62;

/// A direct quotation: its content words and, when named, its speaker's name key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// Hashed stems, sorted, without repeats.
    pub words: Box<[u32]>,
    pub speaker: Option<u32>,
}

/// What an item says about where it comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Attribution {
    /// The source credited in the text: a `Source:` line, or the agency of the dateline.
    pub credit: Option<String>,
    /// The author, from the byline or the input's metadata.
    pub byline: Option<String>,
    /// Direct quotations with a named speaker.
    pub named_quotes: u32,
    /// Sources cited without a name ("a senior official said", "on condition of anonymity").
    pub anonymous_sources: u32,
    /// No credit, no byline and no quotation with a named speaker.
    pub unattributed: bool,
}

/// The content profile of one item. See the module documentation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    /// The most frequent content words: (hashed stem, count), sorted by hash.
    pub terms: Vec<(u32, u16)>,
    /// Name keys with the number of mentions, sorted by key.
    pub names: Vec<(u32, u16)>,
    /// Hashed canonical quantities, sorted, without repeats.
    pub numbers: Vec<u32>,
    pub quotes: Vec<Quote>,
    /// The words of every sentence, one after another; `sentence_ends` cuts them.
    sentence_words: Vec<u32>,
    sentence_ends: Vec<u32>,
    pub named_quotes: u32,
    pub anonymous_sources: u32,
}

impl Profile {
    /// How many sentences the profile keeps.
    pub fn sentence_count(&self) -> usize {
        self.sentence_ends.len()
    }

    /// The words of sentence `i`: hashed stems and quantities, sorted, without repeats.
    pub fn sentence(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.sentence_ends[i - 1] as usize };
        let end = self.sentence_ends.get(i).map_or(start, |&e| e as usize);
        self.sentence_words.get(start..end).unwrap_or(&[])
    }

    /// Whether there is nothing to compare.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Heap bytes held, for the benchmark.
    pub fn heap_bytes(&self) -> usize {
        self.terms.capacity() * 8
            + self.names.capacity() * 8
            + self.numbers.capacity() * 4
            + self.quotes.iter().map(|q| q.words.len() * 4 + 16).sum::<usize>()
            + self.sentence_words.capacity() * 4
            + self.sentence_ends.capacity() * 4
    }
}

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Stems seen by a worker thread, by the hash of the lower-case word: news vocabulary
/// repeats, and stemming is the dearest step per word.
const STEM_CACHE_LIMIT: usize = 1 << 17;

thread_local! {
    static STEMS: RefCell<HashMap<u64, u32>> = RefCell::new(HashMap::with_capacity(1024));
}

/// The hashed stem of a lower-case content word.
pub fn stem_hash(lower: &str) -> u32 {
    let key = hash_bytes(lower.as_bytes());
    STEMS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(&hash) = cache.get(&key) {
            return hash;
        }
        let hash = hash_bytes(STEMMER.stem(lower).as_bytes()) as u32;
        if cache.len() >= STEM_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(key, hash);
        hash
    })
}

/// The key of a name: the hash of the spelling key of its last word.
pub fn name_key(word: &str) -> u32 {
    (hash_bytes(names::fold(word).as_bytes()) ^ NAME_SEED) as u32
}

/// The key of a quantity.
fn number_key(canonical: &str) -> u32 {
    (hash_bytes(canonical.as_bytes()) ^ NUMBER_SEED) as u32
}

/// A lower-case word that counts as a content word: letters, not a stop word.
fn content_word(lower: &str) -> Option<&str> {
    let word = names::strip_possessive(lower).trim_end_matches('\'');
    let letters = word.chars().filter(|c| c.is_alphabetic()).count();
    (letters >= 2 && !lexicon::is_stop(word)).then_some(word)
}

/// A capitalised sequence, kept until the whole item is read.
struct NameRun {
    key: u32,
    /// The stem of its last word, to check whether the item also writes it in lower case.
    stem: u32,
    /// A single word that opens a sentence ("Analysts", "Hypersonic").
    lone_initial: bool,
}

/// Builds the profile of an item from its headline and its clean text, given as paragraphs
/// with their case. The headline counts for the content words only: headlines are often
/// written in title case, which says nothing about names.
pub fn profile<'a>(title: Option<&str>, paragraphs: impl IntoIterator<Item = &'a str>, max_terms: usize) -> Profile {
    let mut out = Profile::default();
    let mut counts: HashMap<u32, (u16, u32)> = HashMap::new();
    let mut position = 0u32;
    let mut paragraph = Paragraph::default();
    if let Some(title) = title {
        paragraph.read(title);
        for i in 0..paragraph.tokens.len() {
            if let Some(stem) = paragraph.tokens[i].is_word().then(|| content_word(paragraph.lower(i))).flatten() {
                let stem = stem_hash(stem);
                let entry = counts.entry(stem).or_insert((0, position));
                entry.0 = entry.0.saturating_add(1);
                position += 1;
            }
        }
    }
    let mut lower_stems: Vec<u32> = Vec::new();
    let mut capital_stems: Vec<u32> = Vec::new();
    let mut runs: Vec<NameRun> = Vec::new();
    let mut numbers: Vec<u32> = Vec::new();
    let mut last_person: Option<u32> = None;
    let mut stems: Vec<Option<u32>> = Vec::new();
    let mut sentence: Vec<u32> = Vec::new();

    // A dateline's date and agency say who filed the story and when, not what it is about;
    // its place stays.
    let mut paragraphs: Vec<&str> = paragraphs.into_iter().collect();
    if let Some((place, body)) = paragraphs.first().and_then(|first| crate::ingest::infer::split_dateline(first)) {
        paragraphs.splice(0..1, [place, body]);
    }
    for text in paragraphs {
        paragraph.read(text);
        let tokens = &paragraph.tokens;
        let sentences = text::sentences(text, tokens);
        let mut initial = vec![false; tokens.len()];
        for range in &sentences {
            if let Some(first) = range.clone().find(|&i| tokens[i].is_word() || tokens[i].kind == TokenKind::Number) {
                initial[first] = true;
            }
        }

        // Content words.
        stems.clear();
        for (i, token) in tokens.iter().enumerate() {
            let stem = if token.is_word() { content_word(paragraph.lower(i)).map(stem_hash) } else { None };
            if let Some(stem) = stem {
                let entry = counts.entry(stem).or_insert((0, position));
                entry.0 = entry.0.saturating_add(1);
                position += 1;
                if names::is_capitalised(token.text(text)) {
                    if !initial[i] {
                        capital_stems.push(stem);
                    }
                } else {
                    lower_stems.push(stem);
                }
            }
            stems.push(stem);
        }

        // Quantities, which also count as words of their sentence.
        let quantities = numbers::quantities(text, &paragraph);
        for quantity in &quantities {
            let key = number_key(&quantity.canonical());
            numbers.push(key);
            // The scale and unit words belong to the quantity.
            for (k, slot) in stems.iter_mut().enumerate().take(quantity.end).skip(quantity.token) {
                *slot = (k == quantity.token).then_some(key);
            }
        }

        // Names, and the last person named before each token (for "he said").
        let mut person_before: Vec<Option<u32>> = Vec::with_capacity(tokens.len());
        let mut i = 0;
        while i < tokens.len() {
            person_before.push(last_person);
            if !(tokens[i].is_word() && names::is_capitalised(tokens[i].text(text))) {
                i += 1;
                continue;
            }
            let start = i;
            let mut end = i + 1;
            loop {
                let possessive =
                    names::strip_possessive(tokens[end - 1].text(text)).len() < tokens[end - 1].text(text).len();
                if possessive {
                    break;
                }
                let mut next = end;
                // "Per-Olav Lunde", "Kursk-Vostochny": a hyphen inside a name.
                if tokens.get(next).is_some_and(|t| t.is_punct('-') && !t.spaced) {
                    next += 1;
                }
                let continues = tokens
                    .get(next)
                    .is_some_and(|t| t.is_word() && (t.spaced || next > end) && names::is_capitalised(t.text(text)));
                if !continues {
                    break;
                }
                end = next + 1;
            }
            for _ in i + 1..end {
                person_before.push(last_person);
            }
            let last = end - 1;
            let lower = paragraph.lower(last);
            let word = names::strip_possessive(lower);
            if quotes::is_name_word(word) {
                let key = name_key(tokens[last].text(text));
                let words = (start..end).filter(|&k| tokens[k].is_word()).count();
                if words >= 2 {
                    last_person = Some(key);
                }
                runs.push(NameRun {
                    key,
                    stem: content_word(lower).map_or(0, stem_hash),
                    lone_initial: words == 1 && initial[start],
                });
            }
            i = end;
        }

        // Quotations and their speakers.
        for span in quotes::spans(&paragraph) {
            let mut words: Vec<u32> =
                span.inside(tokens.len()).filter_map(|k| stems.get(k).copied().flatten()).collect();
            words.sort_unstable();
            words.dedup();
            if words.len() < MIN_QUOTE_WORDS {
                continue;
            }
            let speaker = match quotes::speaker(text, &paragraph, span) {
                Speaker::Named(k) => Some(name_key(tokens[k].text(text))),
                Speaker::Pronoun => person_before.get(span.open).copied().flatten(),
                Speaker::Unnamed | Speaker::Unknown => None,
            };
            if speaker.is_some() {
                out.named_quotes += 1;
            }
            out.quotes.push(Quote { words: words.into_boxed_slice(), speaker });
        }
        out.anonymous_sources += quotes::anonymous_sources(text) as u32;

        // Sentences.
        for range in sentences {
            if out.sentence_ends.len() >= MAX_SENTENCES {
                break;
            }
            sentence.clear();
            for k in range {
                if let Some(word) = stems[k] {
                    if !sentence.contains(&word) && sentence.len() < MAX_SENTENCE_WORDS {
                        sentence.push(word);
                    }
                }
            }
            if sentence.len() >= MIN_SENTENCE_WORDS {
                sentence.sort_unstable();
                out.sentence_words.extend_from_slice(&sentence);
                out.sentence_ends.push(out.sentence_words.len() as u32);
            }
        }
    }

    // Terms: the most frequent, the earliest first among equals.
    let mut terms: Vec<(u32, u16, u32)> = counts.into_iter().map(|(h, (n, first))| (h, n, first)).collect();
    terms.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
    terms.truncate(max_terms);
    out.terms = terms.into_iter().map(|(h, n, _)| (h, n)).collect();
    out.terms.sort_unstable();

    // Names: a word the item also writes in lower case is a common word ("the central
    // bank"); a lone capitalised word that opens a sentence is a name only if the item
    // capitalises it elsewhere too.
    lower_stems.sort_unstable();
    lower_stems.dedup();
    capital_stems.sort_unstable();
    capital_stems.dedup();
    let mut names: HashMap<u32, u16> = HashMap::new();
    for run in runs {
        if run.stem != 0 && lower_stems.binary_search(&run.stem).is_ok() {
            continue;
        }
        if run.lone_initial && capital_stems.binary_search(&run.stem).is_err() {
            continue;
        }
        let count = names.entry(run.key).or_default();
        *count = count.saturating_add(1);
    }
    out.names = names.into_iter().collect();
    out.names.sort_unstable();
    numbers.sort_unstable();
    numbers.dedup();
    out.numbers = numbers;
    out.terms.shrink_to_fit();
    out.sentence_words.shrink_to_fit();
    out.sentence_ends.shrink_to_fit();
    out
}

static AGENCY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\(([^()]{2,40})\)\s*$").expect("agency pattern"));

/// What an item says about where it comes from, from its metadata and its profile.
pub fn attribution(item: &Item, profile: &Profile) -> Attribution {
    let lines: Vec<&str> = item.text.lines().collect();
    let credit = item
        .metadata_lines
        .iter()
        .filter(|(_, what)| *what == MetadataLine::Credit)
        .find_map(|(line, _)| lines.get(*line).and_then(|l| crate::ingest::infer::credit(l)))
        .or_else(|| item.dateline.as_deref().and_then(|d| AGENCY.captures(d)).map(|caps| caps[1].trim().to_string()));
    let byline = item.author.clone().filter(|a| !a.trim().is_empty());
    let unattributed = credit.is_none() && byline.is_none() && profile.named_quotes == 0;
    Attribution {
        credit,
        byline,
        named_quotes: profile.named_quotes,
        anonymous_sources: profile.anonymous_sources,
        unattributed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_of(text: &str) -> Vec<u32> {
        profile(None, text.lines(), DEFAULT_TERMS).names.iter().map(|n| n.0).collect()
    }

    #[test]
    fn folds_names_to_their_last_word() {
        let a = names_of("Ukrainian President Volodymyr Zelensky spoke to the nation on Friday.");
        let b = names_of("On Friday, Zelenskyy’s office published the address.");
        assert!(a.contains(&name_key("Zelensky")), "{a:?}");
        assert!(b.contains(&name_key("Zelensky")), "{b:?}");
        assert!(!a.contains(&name_key("Friday")));
    }

    #[test]
    fn drops_common_words_that_open_sentences_or_appear_in_lower_case() {
        let text =
            "Analysts were cautious. The central bank held rates, the Bank said. Hypersonic missiles are fast.\n\
                    The hypersonic weapon was fired by Russia. Russia said so.";
        let names = names_of(text);
        assert!(!names.contains(&name_key("Analysts")));
        assert!(!names.contains(&name_key("Bank")));
        assert!(!names.contains(&name_key("Hypersonic")));
        assert!(names.contains(&name_key("Russia")));
    }

    #[test]
    fn keeps_quotations_with_their_speakers() {
        let text = "Air Force General Tod Wolters testified on Tuesday. He said: “Most of those strikes have been designated at specific military targets.”\n\
                    “It was an experimental weapon of which Russia has a limited number,” the official said.\n\
                    Putin praised the “power” of this weapon.";
        let p = profile(None, text.lines(), DEFAULT_TERMS);
        assert_eq!(p.quotes.len(), 2);
        assert_eq!(p.quotes[0].speaker, Some(name_key("Wolters")));
        assert_eq!(p.quotes[1].speaker, None);
        assert_eq!(p.named_quotes, 1);
    }

    #[test]
    fn sentences_hold_stems_and_quantities() {
        let p = profile(
            None,
            ["Ukraine fired 300 km missiles. Russia replied. The ministry said it was monitoring the situation."],
            64,
        );
        assert_eq!(p.sentence_count(), 2);
        assert!(p.sentence(0).contains(&number_key("300 km")));
        assert!(p.sentence(0).contains(&stem_hash("missiles")));
        assert_eq!(p.sentence(0).len(), 4);
    }
}
