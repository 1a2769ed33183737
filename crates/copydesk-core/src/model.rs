//! The item model every stage shares.

use chrono::{DateTime, FixedOffset};
use serde::ser::SerializeMap;
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

/// A short note on each of a few fields of an item, by field name: how the field was
/// found or inferred. Kept in key order, as a map is written.
///
/// An item has a note or two, and a `BTreeMap` allocates a node of eleven entries for its
/// first: on a large collection that alone was a tenth of the memory an item holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldNotes(Vec<(String, String)>);

impl FieldNotes {
    /// Where `field`'s note is, or where it would go.
    fn position(&self, field: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(key, _)| key.as_str().cmp(field))
    }

    /// Sets the note of `field`, returning the one it replaces.
    pub fn insert(&mut self, field: String, note: String) -> Option<String> {
        match self.position(&field) {
            Ok(at) => Some(std::mem::replace(&mut self.0[at].1, note)),
            Err(at) => {
                self.0.insert(at, (field, note));
                None
            }
        }
    }

    pub fn get(&self, field: &str) -> Option<&String> {
        self.position(field).ok().map(|at| &self.0[at].1)
    }

    pub fn contains_key(&self, field: &str) -> bool {
        self.get(field).is_some()
    }

    pub fn remove(&mut self, field: &str) -> Option<String> {
        let at = self.position(field).ok()?;
        Some(self.0.remove(at).1)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The fields and their notes, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter().map(|(field, note)| (field, note))
    }
}

impl std::ops::Index<&str> for FieldNotes {
    type Output = String;

    fn index(&self, field: &str) -> &String {
        self.get(field).unwrap_or_else(|| panic!("no note on {field}"))
    }
}

impl FromIterator<(String, String)> for FieldNotes {
    fn from_iter<I: IntoIterator<Item = (String, String)>>(pairs: I) -> Self {
        let mut notes = FieldNotes::default();
        for (field, note) in pairs {
            notes.insert(field, note);
        }
        notes
    }
}

impl IntoIterator for FieldNotes {
    type Item = (String, String);
    type IntoIter = std::vec::IntoIter<(String, String)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl Serialize for FieldNotes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (field, note) in &self.0 {
            map.serialize_entry(field, note)?;
        }
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for FieldNotes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = std::collections::BTreeMap::<String, String>::deserialize(deserializer)?;
        Ok(map.into_iter().collect())
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
    pub basis: FieldNotes,
    /// When the feed that carried the item was read, if it came from a feed.
    pub fetched: Option<DateTime<FixedOffset>>,
    pub author: Option<String>,
    pub dateline: Option<String>,
    /// Fields inferred from the text rather than given, with how each was found.
    pub inferred: FieldNotes,
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn field_notes_keep_and_write_their_fields_as_a_map_does() {
        let pairs = [("title", "og:title"), ("language", "html lang"), ("published", "json-ld"), ("language", "text")];
        let mut notes = FieldNotes::default();
        let mut map = BTreeMap::new();
        for (field, note) in pairs {
            assert_eq!(notes.insert(field.into(), note.into()), map.insert(field.to_string(), note.to_string()));
        }
        assert_eq!(notes.len(), 3);
        assert_eq!(notes["language"], "text");
        assert!(notes.contains_key("title") && !notes.contains_key("author"));
        assert_eq!(serde_json::to_string(&notes).ok(), serde_json::to_string(&map).ok());
        let read: FieldNotes = serde_json::from_str(r#"{"url":"b","author":"a"}"#).expect("a map");
        assert_eq!(read.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(), ["author", "url"]);
        assert_eq!(notes.remove("title").as_deref(), Some("og:title"));
        assert_eq!(notes.remove("title"), None);
        assert_eq!(
            notes.into_iter().collect::<Vec<_>>(),
            map.into_iter().filter(|(f, _)| f != "title").collect::<Vec<_>>()
        );
    }
}
