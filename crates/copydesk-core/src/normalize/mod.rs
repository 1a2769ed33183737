//! Normalize: Unicode NFKC, case folding and whitespace, then boilerplate removal by
//! (a) the [`boilerplate`] lexicon of line forms, (b) lines repeated within an item and
//! (c) lines that recur across items of one source or of the collection (site templates,
//! see [`templates`]). What is removed is kept, with the reason, for the report.

pub mod boilerplate;
pub mod furniture;
pub mod templates;

use serde::Serialize;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

use crate::model::{Item, MetadataLine};
use crate::util::{clip, hash_bytes, KeyMap};
pub use templates::{TemplateCounter, Templates};

/// Settings of the normalize stage.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NormalizeOptions {
    /// A line repeated within one item is boilerplate when it has at most this many words;
    /// longer repeated lines lose their repeats only.
    pub repeated_line_max_words: usize,
    /// A line is a site template when it recurs in at least this many items of one source…
    pub template_min_items_per_source: u32,
    /// …or of the whole collection…
    pub template_min_items: u32,
    /// …and is at least this many times more common than the item's typical line, so that
    /// the shared paragraphs of copies are never taken for templates.
    pub template_ratio: f64,
    /// Regular expressions of boilerplate lines to add to the built-in lexicon, matched
    /// against the normalized line (lower case, single spaces); reported as rule `custom`.
    pub extend_boilerplate: Vec<String>,
    #[serde(skip)]
    compiled: std::sync::OnceLock<Option<regex::RegexSet>>,
}

impl NormalizeOptions {
    /// Checks the `extend_boilerplate` patterns; the error names the bad one.
    pub fn validate(&self) -> Result<(), String> {
        for pattern in &self.extend_boilerplate {
            regex::Regex::new(pattern).map_err(|e| format!("extend_boilerplate pattern {pattern:?}: {e}"))?;
        }
        Ok(())
    }

    /// Whether a normalized line matches one of the `extend_boilerplate` patterns.
    fn custom_boilerplate(&self, line: &str) -> bool {
        self.compiled
            .get_or_init(|| {
                (!self.extend_boilerplate.is_empty())
                    .then(|| regex::RegexSet::new(&self.extend_boilerplate).ok())
                    .flatten()
            })
            .as_ref()
            .is_some_and(|set| set.is_match(line))
    }
}

impl Default for NormalizeOptions {
    fn default() -> Self {
        NormalizeOptions {
            repeated_line_max_words: 15,
            template_min_items_per_source: 3,
            template_min_items: 5,
            template_ratio: 2.0,
            extend_boilerplate: Vec::new(),
            compiled: std::sync::OnceLock::new(),
        }
    }
}

/// Why a line was taken out of the clean text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Removal {
    /// A boilerplate form of the lexicon; `rule` names it.
    Lexicon { rule: &'static str },
    /// The line occurs more than once in the item.
    RepeatedInItem { times: u32 },
    /// The line recurs across items: `items` of the collection carry it.
    SiteTemplate { items: u32 },
    /// A short label above the article's first paragraph or below its last (a site name,
    /// a section, a menu): page furniture, never article text.
    PageLabel,
    /// Metadata, not article text: the byline or a `Source:` credit.
    Metadata { what: MetadataLine },
}

impl Removal {
    /// Whether the removal counts as boilerplate (metadata lines do not).
    pub fn is_boilerplate(&self) -> bool {
        !matches!(self, Removal::Metadata { .. })
    }
}

/// A line taken out of the clean text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RemovedLine {
    /// Line number within the article text, from 1.
    pub line: usize,
    pub text: String,
    #[serde(flatten)]
    pub removal: Removal,
}

/// An item's clean text and what was removed from it.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// Normalized paragraphs (one per non-empty line) of the clean text.
    pub paragraphs: Vec<String>,
    /// The lines of the item's text (counted from 0) the paragraphs come from.
    pub kept_lines: Vec<usize>,
    pub removed: Vec<RemovedLine>,
    /// Share of the article's characters that were boilerplate.
    pub boilerplate_ratio: f64,
}

/// A line of at least this many words is an article paragraph, for telling the page's
/// edges from the article.
const PARAGRAPH_WORDS: usize = 8;

/// The most words a page label has.
const LABEL_WORDS: usize = 4;

/// A short line that is not a sentence: a site name, a section, a menu.
fn is_label(normalized: &str) -> bool {
    at_most_words(normalized, LABEL_WORDS) && !normalized.ends_with(['.', '!', '?', '"', '\''])
}

/// Whether a normalized line has at most `n` words (single spaces between them): read no
/// further than the word after the `n`th.
fn at_most_words(normalized: &str, n: usize) -> bool {
    normalized.split(' ').nth(n).is_none()
}

/// How long a removed line may be in the report.
const REMOVED_LINE_CHARS: usize = 160;

/// Normalizes one line: NFKC, lower case, typographic quotes and dashes folded to ASCII,
/// runs of whitespace as one space.
pub fn normalize_line(line: &str) -> String {
    if line.is_ascii() {
        return normalize_ascii(line);
    }
    let mut out = String::with_capacity(line.len());
    let mut last_space = true;
    let mut push = |c: char| {
        if c.is_ascii() {
            if c.is_ascii_whitespace() {
                if !last_space {
                    out.push(' ');
                    last_space = true;
                }
                return;
            }
            out.push(c.to_ascii_lowercase());
            last_space = false;
            return;
        }
        let c = match c {
            '‘' | '’' | '‚' | '‛' | '′' => '\'',
            '“' | '”' | '„' | '‟' | '«' | '»' | '″' => '"',
            '–' | '—' | '‒' | '―' | '−' => '-',
            c => c,
        };
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            if c.is_uppercase() {
                out.extend(c.to_lowercase());
            } else {
                out.push(c);
            }
            last_space = false;
        }
    };
    if line.is_ascii() || is_nfkc_quick(line.chars()) == IsNormalized::Yes {
        line.chars().for_each(&mut push);
    } else {
        line.nfkc().for_each(&mut push);
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// [`normalize_line`] for ASCII text.
fn normalize_ascii(line: &str) -> String {
    if spaced_as_normalized(line.as_bytes()) {
        return line.to_ascii_lowercase();
    }
    // A byte at a time, collapsing white space.
    let mut out = Vec::with_capacity(line.len());
    let mut last_space = true;
    for &b in line.as_bytes() {
        if b.is_ascii_whitespace() {
            if !last_space {
                out.push(b' ');
                last_space = true;
            }
        } else {
            out.push(b.to_ascii_lowercase());
            last_space = false;
        }
    }
    if out.last() == Some(&b' ') {
        out.pop();
    }
    // Lower-casing and collapsing ASCII whitespace keeps ASCII text ASCII.
    String::from_utf8(out).unwrap_or_default()
}

/// Whether ASCII text is already spaced as a normalized line is, as most lines of an
/// article are: its only white space single spaces between other bytes, so that lower case
/// is all it needs. Read in vector lanes, without a branch a byte.
fn spaced_as_normalized(bytes: &[u8]) -> bool {
    let space = |b: u8| b.is_ascii_whitespace();
    if bytes.first().is_some_and(|&b| space(b)) || bytes.last().is_some_and(|&b| space(b)) {
        return false;
    }
    let irregular = bytes
        .iter()
        .zip(&bytes[1.min(bytes.len())..])
        .fold(false, |irregular, (&before, &b)| irregular | (space(b) & ((b != b' ') | space(before))));
    !irregular
}

/// The key a normalized line is counted under.
pub fn line_key(normalized: &str) -> u64 {
    hash_bytes(normalized.as_bytes())
}

/// Whether a normalized line holds any word at all.
fn has_words(normalized: &str) -> bool {
    normalized.chars().any(char::is_alphanumeric)
}

/// Lines of an item's text with their normalized form and key, blank lines left out.
pub fn keyed_lines(text: &str) -> impl Iterator<Item = (usize, &str, String, u64)> {
    crate::util::lines(text).enumerate().filter_map(|(index, raw)| {
        let normalized = normalize_line(raw);
        has_words(&normalized).then(|| {
            let key = line_key(&normalized);
            (index, raw, normalized, key)
        })
    })
}

/// Normalizes an item's text and removes its boilerplate.
pub fn normalize(item: &Item, templates: &Templates, options: &NormalizeOptions) -> Normalized {
    let lines: Vec<(usize, &str, String, u64)> = keyed_lines(&item.text).collect();
    let mut counts: KeyMap<u64, u32> = KeyMap::default();
    for (_, _, _, key) in &lines {
        *counts.entry(*key).or_default() += 1;
    }
    let typical = templates.typical_frequency(lines.iter().map(|l| (l.3, l.2.len())));
    let mut seen: KeyMap<u64, ()> = KeyMap::default();
    let is_paragraph = |normalized: &str| !at_most_words(normalized, PARAGRAPH_WORDS - 1);
    let first_paragraph = lines.iter().position(|l| is_paragraph(&l.2)).unwrap_or(usize::MAX);
    let last_paragraph = lines.iter().rposition(|l| is_paragraph(&l.2)).unwrap_or(0);
    let mut out = Normalized::default();
    let (mut total_chars, mut boilerplate_chars) = (0usize, 0usize);
    for (position, (index, raw, normalized, key)) in lines.into_iter().enumerate() {
        let chars = normalized.chars().count();
        total_chars += chars;
        let metadata = item.metadata_lines.iter().find(|(line, _)| *line == index).map(|(_, what)| *what);
        let times = counts[&key];
        let first = seen.insert(key, ()).is_none();
        let removal = if let Some(what) = metadata {
            Some(Removal::Metadata { what })
        } else if let Some(rule) = boilerplate::classify_normalized(&normalized) {
            Some(Removal::Lexicon { rule })
        } else if options.custom_boilerplate(&normalized) {
            Some(Removal::Lexicon { rule: "custom" })
        } else if (position < first_paragraph || position > last_paragraph) && is_label(&normalized) {
            Some(Removal::PageLabel)
        } else if times > 1 && (!first || at_most_words(&normalized, options.repeated_line_max_words)) {
            Some(Removal::RepeatedInItem { times })
        } else {
            templates
                .template(key, item.source.as_deref(), typical, options)
                .map(|items| Removal::SiteTemplate { items })
        };
        match removal {
            Some(removal) => {
                if removal.is_boilerplate() {
                    boilerplate_chars += chars;
                }
                out.removed.push(RemovedLine { line: index + 1, text: clip(raw.trim(), REMOVED_LINE_CHARS), removal });
            }
            None => {
                out.paragraphs.push(normalized);
                out.kept_lines.push(index);
            }
        }
    }
    out.boilerplate_ratio = if total_chars == 0 { 0.0 } else { boilerplate_chars as f64 / total_chars as f64 };
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_no_further_than_asked() {
        for line in ["", "one", "one two", "one two three four", "one two three four five", "a b c d e f g h i"] {
            let words = line.split(' ').count();
            for n in 0..11 {
                assert_eq!(at_most_words(line, n), words <= n, "{line:?}, {n}");
            }
        }
    }

    #[test]
    fn normalizes_case_width_quotes_and_space() {
        assert_eq!(normalize_line("  Zelensky’s  “Oreshnik”\tＦＵＬＬ–width  "), "zelensky's \"oreshnik\" full-width");
        assert_eq!(normalize_line("ﬁnance"), "finance");
    }

    #[test]
    fn ascii_lines_spaced_as_normalized_lines_are_only_lowered() {
        // The byte at a time path, written out, is the reference.
        let collapsed = |line: &str| line.split_ascii_whitespace().collect::<Vec<_>>().join(" ").to_ascii_lowercase();
        let lines = [
            "",
            " ",
            "a",
            "The Port Reopened.",
            " lead",
            "trail ",
            "two  spaces",
            "a\tb",
            "a \tb",
            "a\r",
            "\x0cform",
            "line\nbreak",
            "vertical\x0btab",
            "x y z",
        ];
        for line in lines {
            assert_eq!(normalize_line(line), collapsed(line), "{line:?}");
        }
        assert!(spaced_as_normalized(b"The Port Reopened."));
        assert!(spaced_as_normalized(b""));
        for irregular in [&b" a"[..], b"a ", b"a  b", b"a\tb", b"a \nb"] {
            assert!(!spaced_as_normalized(irregular), "{irregular:?}");
        }
    }

    #[test]
    fn removes_lexicon_lines_repeats_and_metadata() {
        let text = "Skip to content\nThe storm hit the coast on Monday, cutting power to thousands of homes.\nSubscribe\n* indicates required\nSubscribe\nSource: Harbour News";
        let lines: Vec<&str> = text.lines().collect();
        let credit = crate::infer::infer(&lines).credit.map(|credit| (credit.line, MetadataLine::Credit));
        let item = Item { text: text.into(), metadata_lines: credit.into_iter().collect(), ..Item::default() };
        let normalized = normalize(&item, &Templates::default(), &NormalizeOptions::default());
        assert_eq!(
            normalized.paragraphs,
            vec!["the storm hit the coast on monday, cutting power to thousands of homes."]
        );
        let reasons: Vec<_> = normalized.removed.iter().map(|r| (r.line, r.removal.clone())).collect();
        assert_eq!(reasons[0], (1, Removal::Lexicon { rule: "navigation" }));
        assert_eq!(reasons[1], (3, Removal::Lexicon { rule: "newsletter" }));
        assert_eq!(reasons[4], (6, Removal::Metadata { what: MetadataLine::Credit }));
        assert!(
            normalized.boilerplate_ratio > 0.2 && normalized.boilerplate_ratio < 0.5,
            "{}",
            normalized.boilerplate_ratio
        );
    }

    #[test]
    fn configured_patterns_extend_the_lexicon() {
        let options = NormalizeOptions {
            extend_boilerplate: vec!["^download the \\w+ app".into()],
            ..NormalizeOptions::default()
        };
        assert!(options.validate().is_ok());
        let item = Item {
            text: "The port reopened on Monday after repairs to the quay.\nDownload the Harbour app today".into(),
            ..Item::default()
        };
        let normalized = normalize(&item, &Templates::default(), &options);
        assert_eq!(normalized.removed[0].removal, Removal::Lexicon { rule: "custom" });
        let bad = NormalizeOptions { extend_boilerplate: vec!["(unclosed".into()], ..NormalizeOptions::default() };
        assert!(bad.validate().is_err_and(|e| e.contains("(unclosed")));
    }

    #[test]
    fn a_long_repeated_paragraph_keeps_its_first_occurrence() {
        let paragraph =
            "The minister said the talks would resume next week in the capital after a pause of several days.";
        let item = Item {
            text: format!("{paragraph}\nAnother line of the story follows here.\n{paragraph}"),
            ..Item::default()
        };
        let normalized = normalize(&item, &Templates::default(), &NormalizeOptions::default());
        assert_eq!(normalized.paragraphs.len(), 2);
        assert_eq!(normalized.removed[0].line, 3);
    }
}
