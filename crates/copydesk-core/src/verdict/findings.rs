//! Findings: every verdict of a run as one record with a stable rule code, for the CI
//! formats (SARIF, JUnit, GitHub annotations, JSON Lines) and for `--fail-on`; the rules
//! behind them; and the configured ignores that hide some of them.

use serde::Serialize;

use crate::model::Location;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Note,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }
}

/// A kind of finding, with the stable code CI configurations refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub code: &'static str,
    /// The finding kind, as in an item's `flags`.
    pub kind: &'static str,
    /// A readable name (SARIF `name`).
    pub name: &'static str,
    pub level: Level,
    pub description: &'static str,
    /// How the verdict is measured, for `copydesk rule` and docs/rules.md.
    pub measured: &'static str,
    /// The settings that tune it, as `section.key` of copydesk.toml.
    pub settings: &'static [&'static str],
}

/// Every rule. Codes are stable: a code is never reused for another kind.
pub const RULES: &[Rule] = &[
    Rule {
        code: "CD100",
        kind: "exact",
        name: "ExactCopy",
        level: Level::Error,
        description: "The item's clean text is identical to an earlier item's (equal SHA-256 after normalization and boilerplate removal).",
        measured: "Each item's text is normalized (Unicode NFKC, case, punctuation, whitespace) and stripped of boilerplate lines; the SHA-256 of what is left is compared. The earliest item of an equal group is its origin.",
        settings: &["normalize.repeated_line_max_words", "normalize.template_min_items", "normalize.template_ratio"],
    },
    Rule {
        code: "CD101",
        kind: "near_duplicate",
        name: "NearDuplicate",
        level: Level::Error,
        description: "The item is an earlier item's text with light edits or other boilerplate (shingle Jaccard, mutual containment or a trimmed copy above the thresholds).",
        measured: "Word shingles of the clean text are signed with MinHash and paired through LSH bands; each candidate pair is then verified exactly: shingle Jaccard at least near_duplicate_jaccard, or both containments at least near_duplicate_containment, or one text is the other trimmed (containment at least trimmed_containment with Jaccard at least trimmed_jaccard).",
        settings: &["relate.near_duplicate_jaccard", "relate.near_duplicate_containment", "relate.trimmed_containment", "relate.trimmed_jaccard", "fingerprint.shingle_words", "relate.lsh_recall"],
    },
    Rule {
        code: "CD102",
        kind: "partial_copy",
        name: "PartialCopy",
        level: Level::Error,
        description: "A large part of an earlier item is lifted into this one (containment or paragraphs lifted word for word).",
        measured: "The share of the earlier item's shingles found in this one (containment) is at least partial_containment, or at least partial_min_shared_paragraphs paragraphs holding partial_min_shared_words words are the same word for word.",
        settings: &["relate.partial_containment", "relate.partial_min_shared_paragraphs", "relate.partial_min_shared_words", "fingerprint.min_paragraph_words"],
    },
    Rule {
        code: "CD103",
        kind: "rewrite",
        name: "Rewrite",
        level: Level::Warning,
        description: "The item re-words an earlier item sentence by sentence and adds next to nothing (content profiles alike, sentences aligned in order, little new information).",
        measured: "Content profiles (stemmed content words, names, numbers, quotations) have a cosine of at least rewrite_cosine, at least rewrite_aligned of the sentences align in order (Dice overlap at least sentence_similarity), and at most rewrite_max_novelty of the later item's names, numbers and quotations are new.",
        settings: &["story.rewrite_cosine", "story.rewrite_aligned", "story.rewrite_max_novelty", "story.sentence_similarity"],
    },
    Rule {
        code: "CD104",
        kind: "same_story",
        name: "SameStory",
        level: Level::Note,
        description: "The item reports the same event as an earlier item, with information of its own (shared names, numbers, quotations and vocabulary).",
        measured: "Candidates share at least min_shared_keys rare names, numbers or telling words. A pair is the same story when its profile cosine is at least same_story_cosine with enough shared names, facts and aligned sentences, or when its cosine stands story_z spreads above what each item shares with the rest of the collection. Pairs whose event dates lie more than max_event_gap_days apart, that share no name, or whose similar sentences state other figures or names (one template, two events) are held apart, with the reason and the values in the report.",
        settings: &["story.same_story_cosine", "story.same_story_names", "story.same_story_facts", "story.same_story_aligned", "story.story_z", "story.max_event_gap_days", "story.min_shared_keys"],
    },
    Rule {
        code: "CD200",
        kind: "stale",
        name: "StaleContent",
        level: Level::Error,
        description: "The item's content is dated more than max_age days before the date it is framed at.",
        measured: "Dates in the text (explicit dates, years, weekdays, relative expressions) and people named in office or events from the timeline give the content a window; the item is framed at its published date, else its fetched date, else the collection's date. The gap between the end of the window and the framing date is compared with max_age_days. The dating phrases are the evidence.",
        settings: &["date.max_age_days", "date.builtin_timeline", "date.timelines"],
    },
    Rule {
        code: "CD201",
        kind: "undated",
        name: "Undated",
        level: Level::Warning,
        description: "Nothing in the item dates its content.",
        measured: "The item has no published or fetched date and nothing in its text dates it, so neither its framing nor its content can be placed.",
        settings: &["date.builtin_timeline", "date.timelines"],
    },
    Rule {
        code: "CD202",
        kind: "date_conflict",
        name: "DateConflict",
        level: Level::Warning,
        description: "The item's stated publication date contradicts the dates of its content.",
        measured: "The item's stated published date falls before the earliest day its content can be from.",
        settings: &["date.builtin_timeline", "date.timelines"],
    },
    Rule {
        code: "CD300",
        kind: "unattributed",
        name: "Unattributed",
        level: Level::Note,
        description: "The item names no source: no credit line or agency, no byline, no quotation with a named speaker.",
        measured: "Credit lines, agency names, bylines and quotations with a named speaker are looked for in the text and the metadata; none was found.",
        settings: &[],
    },
    Rule {
        code: "CD301",
        kind: "heavy_boilerplate",
        name: "HeavyBoilerplate",
        level: Level::Note,
        description: "A large share of the item's text is page boilerplate (scrape noise).",
        measured: "The share of the item's lines removed as boilerplate (repeated lines, site templates, page furniture) is at least heavy_boilerplate.",
        settings: &["score.heavy_boilerplate", "normalize.template_ratio"],
    },
    Rule {
        code: "CD302",
        kind: "garbled_text",
        name: "GarbledText",
        level: Level::Warning,
        description: "The text carries machine-translation or scrape artefacts: spaced ellipses, sentences broken by a stray full stop, unbalanced brackets or quotes, repeated lines.",
        measured: "Scrape and machine-translation artefacts are counted outside quotations: spaced ellipses, sentences broken by a stray full stop, unbalanced brackets or quotes, repeated lines. The excerpts are the evidence.",
        settings: &[],
    },
    Rule {
        code: "CD303",
        kind: "sensational_headline",
        name: "SensationalHeadline",
        level: Level::Warning,
        description: "The headline frames the story sensationally: loaded words, all capitals, exclamation marks or clickbait forms.",
        measured: "The headline is read for loaded words, capitals (acronyms aside), exclamation marks, hype labels and clickbait forms. English headlines only; other languages are reported as not measured.",
        settings: &["score.extend_loaded_words", "score.extend_clickbait"],
    },
    Rule {
        code: "CD304",
        kind: "ai_residue",
        name: "AiResidue",
        level: Level::Warning,
        description: "The text holds leftovers of an AI rewrite: assistant phrases or template placeholders.",
        measured: "Assistant phrases (\"as an AI language model\", \"I hope this helps\") and template placeholders (\"[insert name]\") in the text.",
        settings: &[],
    },
    Rule {
        code: "CD305",
        kind: "generic_filler",
        name: "GenericFiller",
        level: Level::Note,
        description: "The text is dense with generic filler phrases, as rewritten copy often is.",
        measured: "Generic filler phrases per 1,000 words at least filler_per_1000_words.",
        settings: &["score.filler_per_1000_words"],
    },
    Rule {
        code: "CD400",
        kind: "low_source_score",
        name: "LowSourceScore",
        level: Level::Error,
        description: "A source scores below the lowest acceptable score.",
        measured: "The source's score (the weighted mean of its criteria, out of 100) is below min_source_score, or below the source's own min_score. The criteria that fail are listed.",
        settings: &["score.min_source_score"],
    },
    Rule {
        code: "CD900",
        kind: "lossy_utf8",
        name: "InvalidUtf8",
        level: Level::Note,
        description: "The input was not valid UTF-8 and was decoded lossily.",
        measured: "The input's bytes are not valid in its declared or detected encoding; invalid sequences became U+FFFD.",
        settings: &["ingest.max_item_bytes"],
    },
];

/// The rule of a finding kind.
pub fn rule(kind: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.kind == kind)
}

/// One verdict about one item.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub kind: &'static str,
    pub level: Level,
    pub item: String,
    pub location: Option<Location>,
    /// The other item, for relations.
    pub other: Option<String>,
    /// The verdict with its measured values, in one sentence.
    pub message: String,
}

impl Finding {
    /// The finding's identity across runs: its rule, its item and the other item.
    pub fn fingerprint(&self) -> String {
        format!("{}:{}:{}", self.code, self.item, self.other.as_deref().unwrap_or(""))
    }
}

impl Rule {
    /// A finding of this rule about `item` (an item's id, or a source's name).
    pub fn finding(&self, item: String, location: Option<Location>, other: Option<String>, message: String) -> Finding {
        Finding { code: self.code, kind: self.kind, level: self.level, item, location, other, message }
    }
}

/// A finding not to report (`[[ignore]]` in the configuration): everything it names must
/// match, and it must say why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ignore {
    /// Why the finding is acceptable; required.
    pub reason: String,
    /// The item id the finding is about.
    #[serde(default)]
    pub item: Option<String>,
    /// The source of the item (or the source of a source finding).
    #[serde(default)]
    pub source: Option<String>,
    /// A rule code (`CD101`) or finding kind (`near_duplicate`).
    #[serde(default)]
    pub code: Option<String>,
}

impl Ignore {
    /// Whether the ignore hides a finding whose item (or, for a source finding, source)
    /// belongs to the source `source`.
    pub fn matches(&self, finding: &Finding, source: Option<&str>) -> bool {
        let item = self.item.as_deref().is_none_or(|id| id == finding.item);
        let source = self.source.as_deref().is_none_or(|name| source.is_some_and(|of| of.eq_ignore_ascii_case(name)));
        let code = self.code.as_deref().is_none_or(|code| selects(code, finding));
        item && source && code
    }
}

/// A finding an ignore hid, with the ignore's reason.
#[derive(Debug, Clone, Serialize)]
pub struct Ignored {
    #[serde(flatten)]
    pub finding: Finding,
    pub reason: String,
}

/// An ignore and how many findings it hid in this run.
#[derive(Debug, Clone, Serialize)]
pub struct IgnoreReport {
    #[serde(flatten)]
    pub ignore: Ignore,
    pub matched: usize,
}

/// Whether a finding matches a `--fail-on` selector: a rule code, a kind, or `copy`
/// (also `duplicate`) for every copy kind.
pub fn selects(selector: &str, finding: &Finding) -> bool {
    let selector = selector.trim();
    let kind = selector.replace('-', "_").to_lowercase();
    selector.eq_ignore_ascii_case(finding.code)
        || kind == finding.kind
        || ((kind == "copy" || kind == "duplicate")
            && matches!(finding.kind, "exact" | "near_duplicate" | "partial_copy"))
}

/// The selectors `--fail-on` takes besides rule codes.
pub fn selector_names() -> Vec<&'static str> {
    let mut names = vec!["copy", "duplicate"];
    names.extend(RULES.iter().map(|r| r.kind));
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_kinds_are_unique() {
        let mut codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
        let mut kinds: Vec<&str> = RULES.iter().map(|r| r.kind).collect();
        codes.sort_unstable();
        kinds.sort_unstable();
        let (n, m) = (codes.len(), kinds.len());
        codes.dedup();
        kinds.dedup();
        assert_eq!(codes.len(), n, "duplicate rule code");
        assert_eq!(kinds.len(), m, "duplicate rule kind");
        assert!(RULES.iter().all(|r| r.code.len() == 5 && r.code.starts_with("CD")));
    }
}
