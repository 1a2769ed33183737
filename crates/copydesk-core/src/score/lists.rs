//! English word lists, matched without regard to case in ASCII, and searched together in
//! one walk over the words of a text.

use std::ops::Range;

use regex_automata::{meta, Anchored, Input};
use regex_syntax::hir::{Hir, HirKind, Look};

use crate::util::{byte_runs, KeyMap};

/// An English word list, matched without regard to case in ASCII, as `(?i-u)` would match
/// it: searched, with case, in the text lowered to ASCII lower case. That finds the same
/// matches at the same byte offsets (lowering ASCII letters keeps every offset, and no
/// class or word boundary of a list tells case apart), and lets the regex engine look for
/// the words' literal forms first, where the case-insensitive pattern has too many of them
/// and is read a byte at a time: the attribution cues are found three times as fast.
pub(super) struct Folded {
    /// The pattern, in lower case and without flags.
    #[cfg(test)]
    pub(super) words: &'static str,
    regex: meta::Regex,
    /// The literal openings of its matches, when every match opens a word with one of
    /// them and each has four bytes or more (see [`Lists`]).
    starts: Option<Vec<Vec<u8>>>,
}

impl Folded {
    /// `words`: the pattern, in lower case and without flags.
    pub(super) fn new(words: &'static str) -> Folded {
        Folded::build(words, None)
    }

    /// [`Folded::new`], searched for its literal openings first, all of them. The regex
    /// engine takes at most 250 bytes of a pattern's literals to look for, and reads a
    /// longer list (the filler phrases: 494 bytes) a byte at a time: given every opening,
    /// it finds the filler phrases twice as fast, the same matches.
    pub(super) fn with_openings(words: &'static str) -> Folded {
        // A list whose openings cannot all be listed is searched as `Folded::new` does.
        let prefilter = Folded::openings(words).and_then(|openings| {
            regex_automata::util::prefilter::Prefilter::new(regex_automata::MatchKind::LeftmostFirst, &openings)
        });
        Folded::build(words, prefilter)
    }

    /// The literal openings of a list's matches, if they can all be listed: every match
    /// begins with one of them.
    pub(super) fn openings(words: &str) -> Option<Vec<regex_syntax::hir::literal::Literal>> {
        Folded::openings_of(&Folded::hir(words)?)
    }

    /// [`Folded::openings`] of a parsed list.
    fn openings_of(hir: &Hir) -> Option<Vec<regex_syntax::hir::literal::Literal>> {
        let mut extractor = regex_syntax::hir::literal::Extractor::new();
        extractor.kind(regex_syntax::hir::literal::ExtractKind::Prefix).limit_total(OPENINGS_LIMIT);
        extractor.extract(hir).literals().map(<[_]>::to_vec)
    }

    fn hir(words: &str) -> Option<Hir> {
        regex_syntax::ParserBuilder::new().build().parse(&Folded::pattern(words)).ok()
    }

    /// The literal openings of a list's matches, when every match opens a word (the list
    /// starts with a word boundary and each opening with a word character) and every
    /// opening has four bytes or more.
    fn starts(words: &str) -> Option<Vec<Vec<u8>>> {
        let hir = Folded::hir(words).filter(opens_at_boundary)?;
        let mut starts = Vec::new();
        for opening in Folded::openings_of(&hir)? {
            match opening.as_bytes() {
                bytes @ [a, _, _, _, ..] if is_word_byte(*a) => starts.push(bytes.to_vec()),
                _ => return None,
            }
        }
        starts.sort_unstable();
        starts.dedup();
        Some(starts)
    }

    fn build(words: &'static str, prefilter: Option<regex_automata::util::prefilter::Prefilter>) -> Folded {
        assert!(!words.bytes().any(|b| b.is_ascii_uppercase()), "a word list is written in lower case: {words}");
        let mut config = meta::Regex::config();
        // Setting no prefilter would also turn off the one the engine picks itself.
        if prefilter.is_some() {
            config = config.prefilter(prefilter);
        }
        let regex = meta::Regex::builder().configure(config).build(&Folded::pattern(words)).expect("word list pattern");
        Folded {
            #[cfg(test)]
            words,
            regex,
            starts: Folded::starts(words),
        }
    }

    fn pattern(words: &str) -> String {
        format!("(?-u){words}")
    }

    /// Whether the list is searched in the walk over the words of [`Lists`].
    #[cfg(test)]
    pub(super) fn walked(&self) -> bool {
        self.starts.is_some()
    }

    /// The byte ranges of the matches in `text` (lowered), in order.
    pub(super) fn ranges<'t>(&'t self, text: &'t str) -> impl Iterator<Item = Range<usize>> + 't {
        self.regex.find_iter(text).map(|m| m.range())
    }
}

/// Whether every match of a pattern opens at an ASCII word boundary.
fn opens_at_boundary(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Look(look) => matches!(look, Look::WordAscii | Look::WordStartAscii | Look::WordStartHalfAscii),
        HirKind::Concat(parts) => parts.first().is_some_and(opens_at_boundary),
        HirKind::Alternation(branches) => branches.iter().all(opens_at_boundary),
        HirKind::Capture(capture) => opens_at_boundary(&capture.sub),
        _ => false,
    }
}

/// The most bytes of literal openings taken from a word list.
const OPENINGS_LIMIT: usize = 10_000;

/// A byte of an ASCII word (`\w` in `(?-u)`).
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Word lists searched in one walk over the starts of the words of a lowered text. A match
/// of a list that opens at a word boundary with a word character opens a word, with one of
/// the list's literal openings: so at each start of a word the walk looks for the openings
/// that begin there, and searches the lists they belong to, anchored there. Taking the
/// leftmost such match, then the next from its end, is what a search of the whole text
/// finds, match for match. A list whose matches do not all open words with openings of
/// four bytes or more is searched in the whole text.
pub(super) struct Lists {
    lists: Vec<&'static Folded>,
    /// Whether an opening may begin with four bytes of these classes (see [`four`]), a
    /// bit for each: 128 KB. Bytes of one class share a bit, which only makes the walk
    /// look where nothing begins.
    fours: Box<[u64; FOURS / 64]>,
    /// The openings under each bit set in `fours`, each with the lists (as bits) it opens.
    openings: KeyMap<u32, Vec<(Vec<u8>, u8)>>,
}

/// Bits of [`Lists::fours`]: four classes of five bits.
const FOURS: usize = 1 << 20;

/// The most lists searched together: a bit each.
const MOST_LISTS: usize = 8;

/// The class of a byte, five bits: a lower-case letter (0–25), any digit (26), `_` (27), the three
/// other bytes that stand in openings of phrases (space, apostrophe, hyphen), and all
/// others (31).
static CLASS: [u8; 256] = {
    let mut classes = [31; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        classes[b] = match byte {
            b'a'..=b'z' => byte - b'a',
            b'0'..=b'9' => 26,
            b'_' => 27,
            b' ' => 28,
            b'\'' => 29,
            b'-' => 30,
            _ => 31,
        };
        b += 1;
    }
    classes
};

/// The bit of [`Lists::fours`] for the first four bytes of `bytes` from `at`, a space
/// standing for each byte past the end.
fn four(bytes: &[u8], at: usize) -> usize {
    (at..at + 4).fold(0, |bit, i| bit << 5 | usize::from(CLASS[usize::from(bytes.get(i).copied().unwrap_or(b' '))]))
        & (FOURS - 1)
}

impl Lists {
    /// At most eight lists.
    pub(super) fn new(lists: Vec<&'static Folded>) -> Lists {
        assert!(lists.len() <= MOST_LISTS, "at most {MOST_LISTS} word lists are searched together");
        let mut fours = Box::new([0u64; FOURS / 64]);
        let mut openings: KeyMap<u32, Vec<(Vec<u8>, u8)>> = KeyMap::default();
        for (index, list) in lists.iter().enumerate() {
            for opening in list.starts.iter().flatten() {
                let bit = four(opening, 0);
                fours[bit / 64] |= 1 << (bit % 64);
                let shared = openings.entry(bit as u32).or_default();
                match shared.iter_mut().find(|(bytes, _)| bytes == opening) {
                    Some((_, bits)) => *bits |= 1 << index,
                    None => shared.push((opening.clone(), 1 << index)),
                }
            }
        }
        Lists { lists, fours, openings }
    }

    /// The matches of every list in `lowered`, list by list, each in order.
    pub(super) fn search(&self, lowered: &str) -> Vec<Vec<Range<usize>>> {
        let mut found: Vec<Vec<Range<usize>>> = self
            .lists
            .iter()
            .map(|list| if list.starts.is_none() { list.ranges(lowered).collect() } else { Vec::new() })
            .collect();
        self.walk(lowered, &mut found);
        found
    }

    fn walk(&self, lowered: &str, found: &mut [Vec<Range<usize>>]) {
        let bytes = lowered.as_bytes();
        // Where each list's next match may start: past the end of its last.
        let mut resume = [0usize; MOST_LISTS];
        // The starts of words, and among them those whose first four bytes may open a
        // phrase (about one word in ten).
        for word in byte_runs(bytes, is_word_byte) {
            let bit = four(bytes, word.start);
            if self.fours[bit / 64] >> (bit % 64) & 1 == 1 {
                self.search_at(lowered, word.start, bit, &mut resume, found);
            }
        }
    }

    /// Searches, anchored at `at`, the lists whose openings begin there; `bit`: the bit of
    /// [`Lists::fours`] of the word there.
    fn search_at(
        &self,
        lowered: &str,
        at: usize,
        bit: usize,
        resume: &mut [usize; MOST_LISTS],
        found: &mut [Vec<Range<usize>>],
    ) {
        let rest = &lowered.as_bytes()[at..];
        let Some(openings) = self.openings.get(&(bit as u32)) else { return };
        let mut lists =
            openings.iter().filter(|(opening, _)| rest.starts_with(opening)).fold(0u8, |lists, (_, bits)| lists | bits);
        while lists != 0 {
            let index = lists.trailing_zeros() as usize;
            lists &= lists - 1;
            if at < resume[index] {
                continue;
            }
            let input = Input::new(lowered).range(at..).anchored(Anchored::Yes);
            if let Some(m) = self.lists[index].regex.search(&input) {
                found[index].push(m.range());
                resume[index] = m.end();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SAID: std::sync::LazyLock<Folded> =
        std::sync::LazyLock::new(|| Folded::new(r"\b(said|says|according to)\b"));
    static PREFIXED: std::sync::LazyLock<Folded> = std::sync::LazyLock::new(|| Folded::new(r"\b(outrage\w*|rips)\b"));
    static SHORT: std::sync::LazyLock<Folded> = std::sync::LazyLock::new(|| Folded::new(r"\b(rip|said)\b"));
    static INSIDE: std::sync::LazyLock<Folded> = std::sync::LazyLock::new(|| Folded::new(r"said\b"));

    #[test]
    fn a_list_is_walked_only_when_each_match_opens_a_word_with_four_known_bytes() {
        let starts = |list: &Folded| {
            list.starts.as_ref().map(|s| s.iter().map(|o| String::from_utf8_lossy(o).into_owned()).collect::<Vec<_>>())
        };
        assert_eq!(starts(&SAID), Some(vec!["according to".into(), "said".into(), "says".into()]));
        assert_eq!(starts(&PREFIXED), Some(vec!["outrage".into(), "rips".into()]));
        assert_eq!(SHORT.starts, None, "an opening of three bytes");
        assert_eq!(INSIDE.starts, None, "a match that may start inside a word");
    }

    #[test]
    fn the_walk_finds_what_a_search_of_the_whole_text_finds() {
        let lists = Lists::new(vec![&*SAID, &*PREFIXED, &*SHORT, &*INSIDE]);
        let texts = [
            "",
            "sa",
            "said",
            "unsaid, said. says according to according  to outrageous outrage-fuelled rip ripe rips ripsaw rips. _said said_",
            "ai said; the ai unsaid \u{e9}said caf\u{e9}said 1said said1 rip\nrips rip",
            "according to according to said said-said",
            "\u{2019}said 12345678said_said 1234567 said\tsaid\u{a0}said z{said`said@said[said",
        ];
        for text in texts {
            let walked = lists.search(text);
            for (list, found) in lists.lists.iter().zip(&walked) {
                assert_eq!(found, &list.ranges(text).collect::<Vec<_>>(), "{text:?}");
            }
        }
        assert_eq!(lists.search(texts[3])[0], vec![8..12, 14..18, 19..31]);
    }
}
