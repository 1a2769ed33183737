//! The content profile of an item: what it is about, in a form that survives re-wording.
//! Rewriters change every sentence but keep the facts: the names, the numbers, the order of
//! events. A profile keeps
//!
//! - its most frequent content words, stemmed (English Snowball) and hashed, with counts;
//! - the names it mentions, folded to a spelling key of their distinctive word: the last
//!   ("Zelensky"), or the one before a generic head ("Tamsin" of "Tamsin River") ([`names`]);
//! - its numbers with their units ([`numbers`]);
//! - its direct quotations, each with its speaker when one is named ([`quotes`]);
//! - its sentences, each as a small set of hashed content words, for alignment, with the
//!   names each sentence holds;
//! - how its names and numbers are written ("Cornwall", "8,412", "2-1"), to say what
//!   differs when two items are held apart;
//! - what it says about where it comes from ([`Attribution`]).
//!
//! It is computed once per item, in the pass that fingerprints it, and holds no text but
//! the written form of its names and numbers.

pub mod lexicon;
pub mod names;
pub mod numbers;
pub mod quotes;
mod spill;
mod stored;
pub mod text;

use std::cell::RefCell;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::LazyLock;

use regex::Regex;
use rust_stemmers::{Algorithm, Stemmer};
use serde::Serialize;

use crate::model::{Item, MetadataLine};
use crate::util::{hash_bytes, KeyMap};
use quotes::Speaker;
pub use spill::Spill;
use spill::Spilled;
use text::{Paragraph, TokenKind};

/// What ends the written form of each name and number in a profile's texts.
const SEPARATOR: char = '\u{1f}';
/// The longest written form kept of a name or a number, in bytes.
const MAX_TEXT: usize = 40;

/// Content words kept per item, the most frequent first.
pub const DEFAULT_TERMS: usize = 64;
/// Sentences kept per item (alignment is quadratic in them).
const MAX_SENTENCES: usize = 160;
/// Names, numbers and quotations kept per item: enough for any news story, and a bound on
/// the memory of a very long text.
const MAX_NAMES: usize = 128;
const MAX_NUMBERS: usize = 128;
const MAX_QUOTES: usize = 64;
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
    /// The names of every sentence, one after another, `sentence_name_ends` cutting them:
    /// for each sentence its name keys, sorted, then the stem of each name's distinctive
    /// word (or `u32::MAX`), in the same order (empty for a profile read from an archive
    /// of an older format).
    sentence_names: Vec<u32>,
    sentence_name_ends: Vec<u32>,
    /// How each name of `names` is written, in their order, each followed by `SEPARATOR`.
    name_text: String,
    /// How each number of `numbers` is written, likewise.
    number_text: String,
    pub named_quotes: u32,
    pub anonymous_sources: u32,
    /// Where the sentences were set aside, when a [`Spill`] holds them.
    spilled: Option<Spilled>,
}

impl Profile {
    /// How many sentences the profile keeps. The sentences of a profile set aside by a
    /// [`Spill`] are read back with [`Profile::with_sentences`].
    pub fn sentence_count(&self) -> usize {
        debug_assert!(self.spilled.is_none(), "the sentences of a profile are read back before they are read");
        self.sentence_ends.len()
    }

    /// The words of sentence `i`: hashed stems and quantities, sorted, without repeats.
    pub fn sentence(&self, i: usize) -> &[u32] {
        let start = i.checked_sub(1).and_then(|p| self.sentence_ends.get(p)).map_or(0, |&e| e as usize);
        let end = self.sentence_ends.get(i).map_or(start, |&e| e as usize);
        self.sentence_words.get(start..end).unwrap_or(&[])
    }

    /// The names of sentence `i` and the stems of their distinctive words.
    fn names_and_stems(&self, i: usize) -> (&[u32], &[u32]) {
        let start = i.checked_sub(1).and_then(|p| self.sentence_name_ends.get(p)).map_or(0, |&e| e as usize);
        let end = self.sentence_name_ends.get(i).map_or(start, |&e| e as usize);
        let block = self.sentence_names.get(start..end).unwrap_or(&[]);
        block.split_at(block.len() / 2)
    }

    /// The name keys of sentence `i`, sorted, without repeats.
    pub fn sentence_names(&self, i: usize) -> &[u32] {
        self.names_and_stems(i).0
    }

    /// The stems of the distinctive words of the names of sentence `i` (those words are
    /// among the sentence's words), in the order of [`Profile::sentence_names`];
    /// `u32::MAX` for a word without a stem.
    pub fn sentence_name_stems(&self, i: usize) -> &[u32] {
        self.names_and_stems(i).1
    }

    /// How the name of `key` is written in the item ("Cornwall", "FTSE 100").
    pub fn name_text(&self, key: u32) -> Option<&str> {
        let index = self.names.binary_search_by_key(&key, |n| n.0).ok()?;
        self.name_text.split(SEPARATOR).nth(index).filter(|t| !t.is_empty())
    }

    /// How the number of `key` is written in the item ("8,412", "$1.2710", "2-1").
    pub fn number_text(&self, key: u32) -> Option<&str> {
        let index = self.numbers.binary_search(&key).ok()?;
        self.number_text.split(SEPARATOR).nth(index).filter(|t| !t.is_empty())
    }

    /// Whether there is nothing to compare.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.terms.capacity() * 8
            + self.names.capacity() * 8
            + self.numbers.capacity() * 4
            + self.quotes.iter().map(|q| q.words.len() * 4 + 16).sum::<usize>()
            + self.sentence_words.capacity() * 4
            + self.sentence_ends.capacity() * 4
            + self.sentence_names.capacity() * 4
            + self.sentence_name_ends.capacity() * 4
            + self.name_text.capacity()
            + self.number_text.capacity()
    }
}

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// Sets of the word cache (two words each).
const WORD_CACHE_SETS: usize = 1 << 16;

/// What is known of a lower-case word, packed in 32 bits to keep the cache small: the
/// hashed stem of a content word (31 bits), and whether the word may belong to a phrase
/// that cites an unnamed source ("official", "anonymity").
#[derive(Debug, Clone, Copy)]
struct WordInfo(u32);

impl WordInfo {
    const CITES: u32 = 1 << 31;
    const NO_STEM: u32 = Self::CITES - 1;

    fn new(stem: Option<u32>, cites: bool) -> Self {
        let stem = stem.map_or(Self::NO_STEM, |h| (h & Self::NO_STEM).min(Self::NO_STEM - 1));
        WordInfo(stem | if cites { Self::CITES } else { 0 })
    }

    fn stem(self) -> Option<u32> {
        let stem = self.0 & Self::NO_STEM;
        (stem != Self::NO_STEM).then_some(stem)
    }

    fn cites(self) -> bool {
        self.0 & Self::CITES != 0
    }
}

/// Words seen by any worker thread, by the hash of their lower-case form: news vocabulary
/// repeats, and stop-word lookup and stemming are the dearest steps per word. A two-way
/// set-associative table shared by all threads, each entry one atomic word (the upper
/// half of the word's hash as a tag, then its [`WordInfo`]): one look in one cache line
/// per word, no lock, and a fixed size (1 MB). Threads may race on an entry; the loser's
/// word is stemmed again later, never misread.
struct WordCache {
    sets: Box<[[AtomicU64; 2]]>,
}

static WORD_CACHE: LazyLock<WordCache> = LazyLock::new(|| WordCache {
    sets: (0..WORD_CACHE_SETS).map(|_| [AtomicU64::new(0), AtomicU64::new(0)]).collect(),
});

impl WordCache {
    /// The set and tag of a word hash. Tag 0 marks an empty entry, so no word has it.
    fn place(key: u64) -> (usize, u64) {
        ((key as usize) & (WORD_CACHE_SETS - 1), (key >> 32).max(1))
    }

    fn get(&self, key: u64) -> Option<WordInfo> {
        let (set, tag) = Self::place(key);
        let entries = self.sets.get(set)?;
        entries.iter().map(|e| e.load(Relaxed)).find(|e| e >> 32 == tag).map(|e| WordInfo(e as u32))
    }

    /// Asks for the sets of the paragraph's words before they are looked up. The table is
    /// larger than a core's own cache (commonly 512 KiB to 1 MiB of L2), and shares it with
    /// everything else the thread reads, so a look-up mostly waits for memory; these
    /// prefetches depend on nothing, so the processor has many of them under way at once,
    /// and the look-ups that follow find their sets at hand. (A table of a quarter or half
    /// the size, which fits in that cache, misses more words and is slower.)
    fn warm(&self, tokens: &[text::Token]) {
        for token in tokens.iter().filter(|t| t.is_word()) {
            if let Some(entries) = self.sets.get(Self::place(token.key).0) {
                prefetch(entries);
            }
        }
    }

    fn insert(&self, key: u64, info: WordInfo) {
        let (set, tag) = Self::place(key);
        if let Some(entries) = self.sets.get(set) {
            entries[1].store(entries[0].load(Relaxed), Relaxed);
            entries[0].store(tag << 32 | u64::from(info.0), Relaxed);
        }
    }
}

/// Asks for the cache line of `entries` without waiting for it: a prefetch retires at once,
/// where a load stays in the processor's window until its line arrives and, a few dozen
/// words on, holds up everything behind it.
#[cfg(target_arch = "x86_64")]
fn prefetch(entries: &[AtomicU64; 2]) {
    use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
    // SAFETY: a prefetch is a hint: it reads nothing the program sees and cannot fault.
    // SSE, which has it, is part of every x86-64 processor.
    unsafe { _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(entries).cast::<i8>()) };
}

/// Loads the cache line of `entries`, where there is no prefetch to ask for it.
#[cfg(not(target_arch = "x86_64"))]
fn prefetch(entries: &[AtomicU64; 2]) {
    std::hint::black_box(entries[0].load(Relaxed));
}

/// What a worker thread keeps from one item to the next: buffers that would otherwise be
/// allocated again for every item.
#[derive(Default)]
struct Scratch {
    paragraph: Paragraph,
    words: KeyMap<u64, Word>,
    counts: KeyMap<u32, Count>,
    runs: Vec<NameRun>,
    stems: Vec<Option<u32>>,
    sentence: Vec<u32>,
    sentences: Vec<std::ops::Range<usize>>,
    initial: Vec<bool>,
    /// The persons (names of two words or more) of the paragraph: token index and key.
    persons: Vec<(usize, u32)>,
    /// How the names of `runs` and the numbers are written, one after another.
    written: String,
    /// The numbers of the item: key and how it is written (a range of `written`).
    numbers: Vec<(u32, (u32, u32))>,
    /// The sentences of the paragraph that are kept: first token, end token, number.
    kept: Vec<(usize, usize, u32)>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// What is known of a lower-case word, given with its hash.
fn word_info<'w>(cache: &WordCache, key: u64, lower: impl FnOnce() -> &'w str) -> WordInfo {
    if let Some(info) = cache.get(key) {
        return info;
    }
    let lower = lower();
    let info = WordInfo::new(
        content_word(lower).map(|word| hash_bytes(STEMMER.stem(word).as_bytes()) as u32),
        lexicon::may_cite_source(lower),
    );
    cache.insert(key, info);
    info
}

/// The hashed stem of a lower-case word, if it is a content word (letters, not a stop
/// word; a possessive ending is dropped).
pub fn word_stem(lower: &str) -> Option<u32> {
    word_info(&WORD_CACHE, hash_bytes(lower.as_bytes()), || lower).stem()
}

/// The key of a name: the hash of the spelling key of its distinctive word.
pub fn name_key(word: &str) -> u32 {
    thread_local! {
        /// The word made plain, and folded: kept from one name to the next.
        static FOLDED: RefCell<(String, String)> = const { RefCell::new((String::new(), String::new())) };
    }
    FOLDED.with_borrow_mut(|(plain, folded)| {
        names::fold_into(word, plain, folded);
        (hash_bytes(folded.as_bytes()) ^ NAME_SEED) as u32
    })
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
    /// The stem of its distinctive word, to check whether the item also writes it in lower
    /// case.
    stem: Option<u32>,
    /// A single word that opens a sentence ("Analysts", "Hypersonic").
    lone_initial: bool,
    /// Its first token in the paragraph, while the paragraph is read; then the number of
    /// the kept sentence it stands in, or `u32::MAX`.
    at: u32,
    /// How it is written: a range of the scratch's `written`.
    written: (u32, u32),
}

/// What is counted of a content word over the item.
#[derive(Debug, Clone, Copy, Default)]
struct Count {
    count: u16,
    /// Position of its first occurrence.
    first: u32,
    /// Written in lower case somewhere.
    lower: bool,
    /// Written with a capital inside a sentence somewhere.
    capital: bool,
}

/// A word form of the item (before stemming): what the cache says of it, and its counts.
#[derive(Debug, Clone, Copy)]
struct Word {
    info: WordInfo,
    count: Count,
}

/// Counts one occurrence of a word form, given with the hash of its lower-case form; the
/// first time, looks it up in the shared word cache. The item's own word forms are few, so
/// this small table stays close at hand.
fn see<'m, 'w>(
    words: &'m mut KeyMap<u64, Word>,
    cache: &WordCache,
    key: u64,
    lower: impl FnOnce() -> &'w str,
    position: &mut u32,
) -> &'m mut Word {
    let word = words.entry(key).or_insert_with(|| Word {
        info: word_info(cache, key, lower),
        count: Count { first: *position, ..Count::default() },
    });
    if word.info.stem().is_some() {
        word.count.count = word.count.count.saturating_add(1);
        *position += 1;
    }
    word
}

/// Builds the profile of an item from its headline and its clean text, given as paragraphs
/// with their case. The headline counts for the content words only: headlines are often
/// written in title case, which says nothing about names.
pub fn profile<'a>(title: Option<&str>, paragraphs: impl IntoIterator<Item = &'a str>, max_terms: usize) -> Profile {
    // The scratch buffers are taken out of the thread for the item, and put back.
    let mut scratch = SCRATCH.with(|slot| std::mem::take(&mut *slot.borrow_mut()));
    let profile = build(&mut scratch, title, paragraphs, max_terms);
    SCRATCH.with(|slot| *slot.borrow_mut() = scratch);
    profile
}

fn build<'a>(
    scratch: &mut Scratch,
    title: Option<&str>,
    paragraphs: impl IntoIterator<Item = &'a str>,
    max_terms: usize,
) -> Profile {
    let cache: &WordCache = &WORD_CACHE;
    let Scratch {
        paragraph,
        words,
        counts,
        runs,
        stems,
        sentence,
        sentences,
        initial,
        persons,
        written,
        numbers,
        kept,
    } = scratch;
    words.clear();
    runs.clear();
    written.clear();
    numbers.clear();
    let mut out = Profile::default();
    let mut position = 0u32;
    if let Some(title) = title {
        paragraph.read(title);
        for (i, token) in paragraph.tokens.iter().enumerate() {
            if token.is_word() {
                see(words, cache, token.key, || paragraph.lower(i), &mut position);
            }
        }
    }
    let mut last_person: Option<u32> = None;

    // A dateline's date and agency say who filed the story and when, not what it is about;
    // its place stays.
    let mut paragraphs: Vec<&str> = paragraphs.into_iter().collect();
    // (A dateline has a dash near the start; most paragraphs are passed over on that.)
    let dashed = |line: &&&str| line.bytes().take(120).any(|b| b == b'-' || b == crate::infer::DASH_LEAD);
    if let Some((place, body)) = paragraphs.first().filter(dashed).and_then(|first| crate::infer::split_dateline(first))
    {
        paragraphs.splice(0..1, [place, body]);
    }
    for text in paragraphs {
        paragraph.read(text);
        let tokens = &paragraph.tokens;
        cache.warm(tokens);
        text::sentences_into(text, tokens, sentences);
        initial.clear();
        initial.resize(tokens.len(), false);
        for range in sentences.iter() {
            if let Some(first) = range.clone().find(|&i| matches!(tokens[i].kind, TokenKind::Word | TokenKind::Number))
            {
                initial[first] = true;
            }
        }

        // Content words.
        stems.clear();
        let mut cites = false;
        for (i, token) in tokens.iter().enumerate() {
            let mut stem = None;
            if token.is_word() {
                let word = see(words, cache, token.key, || paragraph.lower(i), &mut position);
                cites |= word.info.cites();
                stem = word.info.stem();
                if !token.capital {
                    word.count.lower = true;
                } else if !initial[i] {
                    word.count.capital = true;
                }
            }
            stems.push(stem);
        }

        // Quantities, which also count as words of their sentence.
        let quantities = if paragraph.has_digits { numbers::quantities(text, paragraph) } else { Vec::new() };
        for quantity in quantities {
            let key = number_key(&quantity.canonical());
            // Written with its currency sign, its scale and its unit: "$9,870", "3.9 million".
            let number = tokens[quantity.token];
            let first = match quantity.token.checked_sub(1).map(|p| tokens[p].kind) {
                Some(TokenKind::Punct(c)) if !number.spaced && lexicon::currency_symbol(c).is_some() => {
                    tokens[quantity.token - 1].start
                }
                _ => number.start,
            };
            let last = tokens.get(quantity.end.saturating_sub(1)).map_or(number.end, |t| t.end);
            numbers.push((key, write(written, text.get(first as usize..last as usize).unwrap_or(""))));

            // The scale and unit words belong to the quantity.
            for (k, slot) in stems.iter_mut().enumerate().take(quantity.end).skip(quantity.token) {
                *slot = (k == quantity.token).then_some(key);
            }
        }

        // Names, and the persons among them (for "he said"); the last person named before
        // the paragraph, for "he said" at its start.
        let person_before_paragraph = last_person;
        persons.clear();
        let first_run = runs.len();
        let mut i = 0;
        while i < tokens.len() {
            if !tokens[i].capital {
                i += 1;
                continue;
            }
            let start = i;
            let mut end = i + 1;
            loop {
                let word = tokens[end - 1].text(text);
                if names::strip_possessive(word).len() < word.len() {
                    break;
                }
                let mut next = end;
                // "Per-Olav Lunde", "Kursk-Vostochny": a hyphen inside a name.
                if tokens.get(next).is_some_and(|t| t.is_punct('-') && !t.spaced) {
                    next += 1;
                }
                let continues = tokens.get(next).is_some_and(|t| t.capital && (t.spaced || next > end));
                if !continues {
                    break;
                }
                end = next + 1;
            }
            // The name's distinctive word: the last, or the one before a generic head
            // ("Tamsin River", "Mill Street").
            let mut head = end - 1;
            let generic = |k: usize| {
                !tokens[k].is_word() || lexicon::is_generic_head(names::strip_possessive(paragraph.lower(k)))
            };
            while head > start && generic(head) {
                head -= 1;
            }
            let lower = names::strip_possessive(paragraph.lower(head));
            if quotes::is_name_word(lower) && !lexicon::is_generic_head(lower) {
                let length = (start..end).filter(|&k| tokens[k].is_word()).count();
                let word = tokens[head].text(text);
                // "FTSE 100", "Route 66": the label is part of the name.
                let labelled = head == end - 1
                    && names::strip_possessive(word).len() == word.len()
                    && numbers::label(text, paragraph, end);
                let shown = if labelled {
                    let label = tokens[end].text(text);
                    let at = written.len();
                    written.push_str(word);
                    written.push(' ');
                    written.push_str(label);
                    (at as u32, written.len() as u32)
                } else {
                    write(written, names::strip_possessive(word))
                };
                let key = if labelled {
                    name_key(written.get(shown.0 as usize..shown.1 as usize).unwrap_or(word))
                } else {
                    name_key(word)
                };
                if length >= 2 && head == end - 1 && !labelled {
                    last_person = Some(key);
                    persons.push((start, key));
                }
                runs.push(NameRun {
                    key,
                    stem: stems[head],
                    lone_initial: length == 1 && initial[start],
                    at: start as u32,
                    written: shown,
                });
            }
            i = end;
        }

        // Quotations and their speakers.
        let spans = if paragraph.has_quotes { quotes::spans(paragraph) } else { Vec::new() };
        for span in spans {
            let mut quoted: Vec<u32> =
                span.inside(tokens.len()).filter_map(|k| stems.get(k).copied().flatten()).collect();
            quoted.sort_unstable();
            quoted.dedup();
            if quoted.len() < MIN_QUOTE_WORDS {
                continue;
            }
            let speaker = match quotes::speaker(paragraph, span) {
                Speaker::Named(k) => Some(name_key(tokens[k].text(text))),
                Speaker::Pronoun => persons
                    .iter()
                    .rev()
                    .find(|(at, _)| *at < span.open)
                    .map(|&(_, key)| key)
                    .or(person_before_paragraph),
                Speaker::Unnamed | Speaker::Unknown => None,
            };
            if speaker.is_some() {
                out.named_quotes += 1;
            }
            if out.quotes.len() < MAX_QUOTES {
                out.quotes.push(Quote { words: quoted.into_boxed_slice(), speaker });
            }
        }
        if cites {
            out.anonymous_sources += quotes::anonymous_sources(text) as u32;
        }

        // Sentences.
        kept.clear();
        for range in sentences.drain(..) {
            if out.sentence_ends.len() >= MAX_SENTENCES {
                break;
            }
            let (first, last) = (range.start, range.end);
            sentence.clear();
            sentence.extend(range.filter_map(|k| stems[k]));
            // A long sentence keeps the words with the smallest hashes: the same sample of
            // the same words in every item.
            let keep = 2 * MAX_SENTENCE_WORDS;
            if sentence.len() > keep {
                sentence.select_nth_unstable(keep - 1);
                sentence.truncate(keep);
            }
            sentence.sort_unstable();
            sentence.dedup();
            sentence.truncate(MAX_SENTENCE_WORDS);
            if sentence.len() >= MIN_SENTENCE_WORDS {
                kept.push((first, last, out.sentence_ends.len() as u32));
                out.sentence_words.extend_from_slice(sentence);
                out.sentence_ends.push(out.sentence_words.len() as u32);
            }
        }
        // Each name of the paragraph in its kept sentence.
        for run in &mut runs[first_run..] {
            let at = run.at as usize;
            run.at = kept.iter().find(|&&(first, last, _)| (first..last).contains(&at)).map_or(u32::MAX, |k| k.2);
        }
    }

    // Word forms with one stem count together.
    counts.clear();
    for word in words.values() {
        let Some(stem) = word.info.stem() else { continue };
        let c = &word.count;
        let total = counts.entry(stem).or_insert(Count { first: c.first, ..Count::default() });
        total.count = total.count.saturating_add(c.count);
        total.first = total.first.min(c.first);
        total.lower |= c.lower;
        total.capital |= c.capital;
    }

    // Names: a word the item also writes in lower case is a common word ("the central
    // bank"); a lone capitalised word that opens a sentence is a name only if the item
    // capitalises it elsewhere too.
    runs.retain(|run| {
        let seen = run.stem.and_then(|stem| counts.get(&stem)).copied().unwrap_or_default();
        !(seen.lower || (run.lone_initial && !seen.capital))
    });
    // Each name with its mentions and how it is first written.
    let mut names: KeyMap<u32, Named> = KeyMap::default();
    let shouted = |(start, end): (u32, u32)| {
        let text = written.get(start as usize..end as usize).unwrap_or("");
        !text.chars().any(char::is_lowercase)
    };
    for run in runs.iter() {
        let (count, shown) = names.entry(run.key).or_insert((0, run.written));
        *count = count.saturating_add(1);
        // "Tokyo" rather than the dateline's "TOKYO".
        if shouted(*shown) && !shouted(run.written) {
            *shown = run.written;
        }
    }
    let mut named: Vec<(u32, Named)> = names.into_iter().collect();
    if named.len() > MAX_NAMES {
        // The most mentioned names.
        named.sort_unstable_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(&b.0)));
        named.truncate(MAX_NAMES);
    }
    named.sort_unstable_by_key(|n| n.0);
    out.names = named.iter().map(|&(key, (count, _))| (key, count)).collect();
    out.name_text = texts(written, named.iter().map(|n| n.1 .1));
    // The names of each sentence.
    let mut in_sentences: Vec<(u32, u32, u32)> = runs
        .iter()
        .filter(|run| run.at != u32::MAX && out.names.binary_search_by_key(&run.key, |n| n.0).is_ok())
        .map(|run| (run.at, run.key, run.stem.unwrap_or(u32::MAX)))
        .collect();
    in_sentences.sort_unstable();
    in_sentences.dedup_by_key(|n| (n.0, n.1));
    for block in in_sentences.chunk_by(|a, b| a.0 == b.0) {
        let sentence = block[0].0 as usize;
        out.sentence_name_ends.resize(sentence, out.sentence_names.len() as u32);
        out.sentence_names.extend(block.iter().map(|n| n.1));
        out.sentence_names.extend(block.iter().map(|n| n.2));
        out.sentence_name_ends.push(out.sentence_names.len() as u32);
    }
    out.sentence_name_ends.resize(out.sentence_ends.len(), out.sentence_names.len() as u32);
    numbers.sort_unstable_by_key(|n| n.0);
    numbers.dedup_by_key(|n| n.0);
    // The numbers with the smallest hashes: the same sample of the same numbers everywhere.
    numbers.truncate(MAX_NUMBERS);
    out.numbers = numbers.iter().map(|n| n.0).collect();

    out.number_text = texts(written, numbers.iter().map(|n| n.1));

    // Terms: the most frequent, the earliest first among equals.
    let mut terms: Vec<(u32, Count)> = counts.iter().map(|(&stem, &c)| (stem, c)).collect();
    let order = |a: &(u32, Count), b: &(u32, Count)| b.1.count.cmp(&a.1.count).then(a.1.first.cmp(&b.1.first));
    if terms.len() > max_terms && max_terms > 0 {
        terms.select_nth_unstable_by(max_terms - 1, order);
    }
    terms.truncate(max_terms);
    out.terms = terms.into_iter().map(|(stem, c)| (stem, c.count)).collect();
    out.terms.sort_unstable();
    // Collecting in place keeps the capacity of the larger vector it came from.
    out.terms.shrink_to_fit();
    out.names.shrink_to_fit();
    out.numbers.shrink_to_fit();
    out.quotes.shrink_to_fit();
    out.sentence_words.shrink_to_fit();
    out.sentence_ends.shrink_to_fit();
    out.sentence_names.shrink_to_fit();
    out.sentence_name_ends.shrink_to_fit();
    out
}

/// A name's mentions and how it is written (a range of the scratch's `written`).
type Named = (u16, (u32, u32));

/// Appends a written form, cut to `MAX_TEXT` bytes on a character boundary, to `written`;
/// returns its range there.
fn write(written: &mut String, text: &str) -> (u32, u32) {
    let mut end = text.len().min(MAX_TEXT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let start = written.len() as u32;
    // The separator never stands inside a written form.
    written.extend(text[..end].chars().filter(|&c| c != SEPARATOR));
    (start, written.len() as u32)
}

/// The written forms of the given ranges of `written`, each followed by `SEPARATOR`.
fn texts(written: &str, ranges: impl Iterator<Item = (u32, u32)>) -> String {
    let mut out = String::new();
    for (start, end) in ranges {
        out.push_str(written.get(start as usize..end as usize).unwrap_or(""));
        out.push(SEPARATOR);
    }
    out
}

static AGENCY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\(([^()]{2,40})\)\s*$").expect("agency pattern"));

/// What an item says about where it comes from, from its metadata and its profile.
pub fn attribution(item: &Item, profile: &Profile) -> Attribution {
    let credit = item
        .metadata_lines
        .iter()
        .filter(|(_, what)| *what == MetadataLine::Credit)
        .find_map(|(line, _)| item.text.lines().nth(*line).and_then(crate::infer::credit))
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
    fn place_and_organisation_names_fold_to_their_distinctive_word() {
        let a = names_of("Traffic was sent along Hadley Street and across the Tamsin River on Monday.");
        let b = names_of("Drivers will use the Hadley St. crossing; the Tamsin is high.");
        assert!(a.contains(&name_key("Hadley")) && a.contains(&name_key("Tamsin")), "{a:?}");
        assert!(b.contains(&name_key("Hadley")) && b.contains(&name_key("Tamsin")), "{b:?}");
        assert!(!a.contains(&name_key("Street")) && !a.contains(&name_key("River")));
        assert!(names_of("The decision fell to the City Council on Monday.").is_empty());
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
    fn a_very_long_text_keeps_a_bounded_profile() {
        let paragraphs: Vec<String> = (0..2000)
            .map(|i| format!("Officials in Town{i} counted {} voters and quoted Mayor Person{i}: “We expect {} more voters here soon.”", 1000 + i, 5000 + i))
            .collect();
        let p = profile(None, paragraphs.iter().map(String::as_str), DEFAULT_TERMS);
        assert_eq!(p.terms.len(), DEFAULT_TERMS);
        assert_eq!(p.names.len(), MAX_NAMES);
        assert_eq!(p.numbers.len(), MAX_NUMBERS);
        assert_eq!(p.quotes.len(), MAX_QUOTES);
        assert_eq!(p.sentence_count(), MAX_SENTENCES);
        assert!(p.heap_bytes() < 64 * 1024, "{}", p.heap_bytes());
    }

    #[test]
    fn each_sentence_keeps_its_names_and_each_name_and_number_how_it_is_written() {
        let p = profile(
            None,
            [
                "An amber warning covers Cornwall and Devon from Friday. Gusts may reach 80 mph on exposed coasts.",
                "The FTSE 100 index rose 0.8 percent to 8,412 points. Rovers beat Hollins 2-1 at Brookside Park.",
            ],
            64,
        );
        assert_eq!(p.sentence_count(), 4);
        let mut first = [name_key("Cornwall"), name_key("Devon")];
        first.sort_unstable();
        assert_eq!(p.sentence_names(0), &first[..]);
        assert!(p.sentence_names(1).is_empty());
        // The label is part of the index's name; the stems of the names' distinctive words
        // are among the sentence's words.
        assert_eq!(p.sentence_names(2), &[name_key("FTSE 100")]);
        assert_eq!(p.name_text(name_key("FTSE 100")), Some("FTSE 100"));
        assert!(p.sentence_name_stems(0).iter().all(|stem| p.sentence(0).contains(stem)));
        let written: Vec<&str> = p.numbers.iter().filter_map(|&k| p.number_text(k)).collect();
        for figure in ["80 mph", "0.8 percent", "8,412", "2-1"] {
            assert!(written.contains(&figure), "{figure} in {written:?}");
        }
        assert_eq!(written.len(), 4, "{written:?}");
        // A name is shown as the text writes it, not as a dateline shouts it.
        let dated = profile(None, ["TOKYO (Meridian Wire) - Shares in Tokyo rose on Tuesday as exporters gained."], 64);
        assert_eq!(dated.name_text(name_key("Tokyo")), Some("Tokyo"));
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
        assert!(word_stem("missiles").is_some_and(|stem| p.sentence(0).contains(&stem)));
        assert_eq!(p.sentence(0).len(), 4);
    }
}
