//! What an archive of earlier items says about the items of a run, as plain data: for each
//! item, what the archive holds under its identity (nothing, the same text, or an earlier
//! version) and which archived items it copies, rewrites or reports the same story as.
//! The archive finds these; the verdicts rest on them like on any other evidence.

use serde::Serialize;

use crate::relate::{Evidence, Kind};
use crate::score::{ItemFacts, NO_SOURCE};

/// What the archive holds under a new item's identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nothing: the item is new to the archive.
    New,
    /// The same text: the item is archived already (or occurs twice in this run).
    Unchanged,
    /// Another text at the same URL: the item was edited since it was archived.
    Edited,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Unchanged => "unchanged",
            Status::Edited => "edited",
        }
    }
}

/// An archived item version, without its fingerprint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stored {
    /// The row of this version in the archive.
    pub rowid: i64,
    /// The identity its versions share: its URL, else its source and text.
    #[serde(skip)]
    pub ident: i64,
    pub version: i64,
    pub id: String,
    pub source: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
    /// When the archive first saw this version (Unix seconds).
    pub first_seen: i64,
}

impl Stored {
    /// When the text is known to have existed (Unix seconds): its published date when
    /// that is earlier than the archive's first sighting (an older collection loaded
    /// later), else the sighting.
    pub fn existed_by(&self) -> i64 {
        self.published_seconds().map_or(self.first_seen, |published| published.min(self.first_seen))
    }

    /// The published date, in Unix seconds, when there is one that can be read.
    pub fn published_seconds(&self) -> Option<i64> {
        self.published.as_deref().and_then(crate::util::parse_timestamp).map(|t| t.timestamp())
    }
}

/// A copy, rewrite or report of the same story of an archived item: the new item is the
/// later one.
#[derive(Debug, Clone, PartialEq)]
pub struct Match {
    pub other: Stored,
    pub kind: Kind,
    pub score: f64,
    pub evidence: Evidence,
}

/// The archived version an edited item replaces, compared with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Previous {
    pub other: Stored,
    pub jaccard: f64,
    pub simhash_distance: u32,
}

/// What screening found for one new item.
#[derive(Debug, Clone)]
pub struct Screened {
    /// The item's identity key.
    pub ident: i64,
    pub status: Status,
    /// When the archive first saw this identity, if it has.
    pub first_seen: Option<i64>,
    /// The version the item has (or would have) in the archive.
    pub version: i64,
    /// The latest archived version under the item's identity, if any.
    pub latest: Option<Stored>,
    /// The archived version an edited item replaces (none when the version it replaces
    /// is an earlier item of the same run, see `same_run`).
    pub previous: Option<Previous>,
    /// For an item seen earlier in the same run under the same identity: that item's
    /// index.
    pub same_run: Option<usize>,
    /// Copies, rewrites and reports of the same story of archived items of other
    /// identities, the closest kind first, then the earliest first seen; for an item the
    /// archive saw before, only items it saw before that.
    pub matches: Vec<Match>,
}

impl Screened {
    /// The archived exact copy or near-duplicate seen first: the content existed by then.
    /// This is the archive's evidence for the latest date the content can be from.
    pub fn earliest_match(&self) -> Option<&Match> {
        self.matches
            .iter()
            .filter(|m| matches!(m.kind, Kind::Exact | Kind::NearDuplicate))
            .min_by_key(|m| (m.other.existed_by(), m.other.first_seen, m.other.rowid))
    }
}

/// What the lookups cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LookupStats {
    /// Indexed queries by band key.
    pub band_queries: usize,
    /// Indexed queries by paragraph hash.
    pub paragraph_queries: usize,
    /// Distinct archived item versions proposed.
    pub candidates: usize,
    /// Candidate pairs measured.
    pub verified: usize,
    /// Indexed queries of the story index, one per name, number and telling word.
    pub story_queries: usize,
    /// Archived items proposed by the story index.
    pub story_candidates: usize,
    /// Of those, the profiles compared.
    pub story_verified: usize,
}

/// The result of screening a run's items against an archive, item by item in the run's
/// order.
#[derive(Debug, Clone, Default)]
pub struct Screening {
    pub items: Vec<Screened>,
    pub stats: LookupStats,
    /// Item versions in the archive before the run.
    pub archived_before: u64,
}

// ---- Per-source histories over a window of time.

/// What places an archived item in a window of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowBy {
    /// When the archive first saw the item.
    FirstSeen,
    /// The item's published date, else when the archive first saw it.
    Published,
}

/// An archived item version of a source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceItem {
    pub rowid: i64,
    /// The identity its versions share (see `identity_key`).
    #[serde(skip)]
    pub ident: i64,
    pub id: String,
    pub url: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
    /// Unix seconds.
    pub first_seen: i64,
    pub version: i64,
    /// The archived items this one copies.
    pub copies: Vec<Link>,
    /// The criteria the item failed when it was ingested, with the reasons; `None` for an
    /// item stored without them (by `Archive::append`, or by schema version 3 or earlier).
    #[serde(skip)]
    pub facts: Option<ItemFacts>,
}

impl SourceItem {
    /// When the item is dated for a window by published date (Unix seconds): its
    /// published date when it has one that can be read, else its first sighting.
    pub fn dated(&self) -> i64 {
        self.published.as_deref().and_then(crate::util::parse_timestamp).map_or(self.first_seen, |t| t.timestamp())
    }
}

/// One end of a copy relation, seen from the other end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub kind: Kind,
    /// The archive row of the other item.
    pub other: i64,
    pub other_id: String,
    pub other_source: Option<String>,
}

/// A source's archive over a window: its items first seen in the window, and the copies
/// of its items (of any time) that other sources made in the window.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SourceHistory {
    pub name: String,
    pub items: Vec<SourceItem>,
    /// Items of other sources, first seen in the window, that copy one of this source's
    /// items: the link names the copy.
    pub copied_by: Vec<Link>,
}

/// What [`summarize`] counts over a source's window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Counts {
    /// Items first seen in the window (first versions).
    pub items: usize,
    /// New versions of items edited at their URL.
    pub edited: usize,
    /// Items that copy an item of another source.
    pub copies_of_others: usize,
    /// Items that copy an earlier item of the same source (re-runs).
    pub repeats_own: usize,
    /// Items of other sources that copy this source's items.
    pub copied_by_others: usize,
    /// `copies_of_others` as a share of the item versions of the window.
    pub copy_share: f64,
}

/// The counts of a source's window: the seam the score stage will share.
pub fn summarize(history: &SourceHistory) -> Counts {
    let name = history.name.as_str();
    let other = |link: &Link| link.other_source.as_deref().unwrap_or(NO_SOURCE) != name;
    let versions = history.items.len();
    let copies_of_others = history.items.iter().filter(|i| i.copies.iter().any(other)).count();
    let mut copiers: Vec<i64> = history.copied_by.iter().map(|l| l.other).collect();
    copiers.sort_unstable();
    copiers.dedup();
    Counts {
        items: history.items.iter().filter(|i| i.version == 1).count(),
        edited: history.items.iter().filter(|i| i.version > 1).count(),
        copies_of_others,
        repeats_own: history.items.iter().filter(|i| i.copies.iter().any(|l| !other(l))).count(),
        copied_by_others: copiers.len(),
        copy_share: if versions == 0 { 0.0 } else { round(copies_of_others as f64 / versions as f64) },
    }
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A Unix time as an RFC 3339 timestamp in UTC.
pub fn timestamp(seconds: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp(seconds, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}
