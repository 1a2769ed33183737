//! The item model every stage shares.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use serde::Serialize;

/// Where an item came from: the file (as given or found in a folder) and, for JSON Lines,
/// the line. CI formats point at this place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}", self.path, line),
            None => f.write_str(&self.path),
        }
    }
}

/// One article as ingested: metadata and full text. The text is dropped once the item is
/// fingerprinted; later stages see [`crate::pipeline::Analyzed`].
#[derive(Debug, Clone, Default)]
pub struct Item {
    /// Stable id: a JSON Lines row's `id` (else `file:line`), a feed entry's guid (else its
    /// link), a file's path relative to the folder given on the command line.
    pub id: String,
    pub location: Option<Location>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    pub published: Option<DateTime<FixedOffset>>,
    /// When the page says it was last changed; never taken for the published date.
    pub modified: Option<DateTime<FixedOffset>>,
    /// The language the input declares (`en`, `de-DE`), when it does; the analysis settles
    /// it against the text ([`crate::language::settle`]).
    pub language: Option<String>,
    /// For fields read from a page's markup, the tag or rule that gave each
    /// (`published` → `json-ld NewsArticle datePublished`), and how the language was
    /// settled.
    pub basis: BTreeMap<String, String>,
    /// When the feed that carried the item was read, if it came from a feed.
    pub fetched: Option<DateTime<FixedOffset>>,
    pub author: Option<String>,
    pub dateline: Option<String>,
    /// Fields inferred from the text rather than given, with how each was found.
    pub inferred: BTreeMap<String, String>,
    pub text: String,
    /// Lines of `text` (counted from 0) that carry metadata rather than article text: the
    /// byline, a `Source:` credit.
    pub metadata_lines: Vec<(usize, MetadataLine)>,
    /// The input was not valid UTF-8 and was decoded lossily.
    pub lossy_utf8: bool,
    /// The encoding the text was decoded from and its basis, for inputs read from bytes.
    pub encoding: Option<TextEncoding>,
}

/// The encoding of an input and what it was taken from (`bom`, `meta charset`, `xml
/// declaration`, `http header`, `detected`, `utf-8`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextEncoding {
    pub name: String,
    pub basis: String,
}

/// What a metadata line of the text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetadataLine {
    Byline,
    Credit,
}

/// Something wrong with one input: reported with its place, the run goes on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub message: String,
    /// `skipped` when the input (or part of it) was left out, `warning` when it was read
    /// with a caveat (for example decoded lossily).
    pub severity: Severity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Skipped,
}

impl Problem {
    pub fn skipped(path: impl Into<String>, line: Option<usize>, message: impl Into<String>) -> Self {
        Problem { path: path.into(), line, message: message.into(), severity: Severity::Skipped }
    }

    pub fn warning(path: impl Into<String>, line: Option<usize>, message: impl Into<String>) -> Self {
        Problem { path: path.into(), line, message: message.into(), severity: Severity::Warning }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.severity {
            Severity::Warning => "warning",
            Severity::Skipped => "skipped",
        };
        match self.line {
            Some(line) => write!(f, "{}:{}: {what}: {}", self.path, line, self.message),
            None => write!(f, "{}: {what}: {}", self.path, self.message),
        }
    }
}

/// What an item is flagged for: a finding kind, as the report's `flags` name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Flag {
    /// An exact copy of another item.
    Exact,
    /// A near-duplicate of another item.
    NearDuplicate,
    /// Holds a part of another item.
    PartialCopy,
    /// A rewrite of another item.
    Rewrite,
    /// Tells the story of another item.
    SameStory,
    /// Its content predates its framing.
    Stale,
    /// Neither the content nor the framing could be dated.
    Undated,
    /// The framing is dated, the content is not.
    ContentUndated,
    /// Its dates contradict each other.
    DateConflict,
    /// Bad bytes were decoded as U+FFFD.
    LossyUtf8,
    /// No source could be named.
    Unattributed,
    /// Much of the text is boilerplate.
    HeavyBoilerplate,
    /// The text is garbled.
    GarbledText,
    /// The headline is sensational.
    SensationalHeadline,
    /// The text holds residue of a text generator.
    AiResidue,
    /// The text is padded with generic filler.
    GenericFiller,
    /// An archived item came back with other text.
    Edited,
}

impl Flag {
    /// The flag's name in the report.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Exact => "exact",
            Flag::NearDuplicate => "near_duplicate",
            Flag::PartialCopy => "partial_copy",
            Flag::Rewrite => "rewrite",
            Flag::SameStory => "same_story",
            Flag::Stale => "stale",
            Flag::Undated => "undated",
            Flag::ContentUndated => "content_undated",
            Flag::DateConflict => "date_conflict",
            Flag::LossyUtf8 => "lossy_utf8",
            Flag::Unattributed => "unattributed",
            Flag::HeavyBoilerplate => "heavy_boilerplate",
            Flag::GarbledText => "garbled_text",
            Flag::SensationalHeadline => "sensational_headline",
            Flag::AiResidue => "ai_residue",
            Flag::GenericFiller => "generic_filler",
            Flag::Edited => "edited",
        }
    }
}

/// The name of copydesk's configuration file: never read as an article, and the place a
/// problem with the configuration is reported at.
pub const CONFIGURATION_FILE_NAME: &str = "copydesk.toml";
