//! Screening new items against the archive: for each item, what the archive already holds
//! under its identity (nothing, the same text, or an earlier version of it) and which
//! archived items it copies. Candidates come from indexed queries only — one per LSH band
//! key and one per paragraph hash of the new item — and each candidate is measured with
//! [`copydesk_core::relate::verify`], exactly as pairs within a run are.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::story_index::{self as archived_story, Frequencies, Probe, StoryRows};
use crate::{
    band_keys, decode_paragraphs, decode_signature, identity_key, insert_facts, insert_item, insert_postings,
    paragraph_keys, Archive, ArchiveError, ArchivedItem, Result, INSERT_ITEM,
};
use copydesk_core::analysis::Analyzed;
use copydesk_core::fingerprint::{jaccard, simhash_distance, Fingerprint};
use copydesk_core::profile::Profile;
use copydesk_core::relate::{verify, Banding, Evidence, Kind, RelateOptions, Related, StoryOptions};
use copydesk_core::score::ItemFacts;

pub use copydesk_core::history::{LookupStats, Match, Previous, Screened, Screening, Status, Stored};

/// An archived item and its fingerprint, as read for measuring.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub stored: Stored,
    pub fingerprint: Fingerprint,
}

/// A batch of items to ingest: the run's analyzed items, their relations to each other,
/// the time to record as first seen, and the validators of the feeds read.
pub struct Batch<'a> {
    pub analyzed: &'a [Analyzed],
    pub related: &'a Related,
    pub seen_at: DateTime<Utc>,
    pub feeds: &'a [FeedValidators],
}

/// An ingest under way: one write transaction in which the items are screened against
/// everything stored before it, then stored. Dropped without [`Ingest::commit`], it
/// stores nothing.
pub struct Ingest<'a> {
    tx: Transaction<'a>,
    path: std::path::PathBuf,
    banding: Banding,
    /// Each screened item's story index keys, as they are stored.
    story_keys: Vec<Vec<i64>>,
}

impl Ingest<'_> {
    /// Screens items against the archive as it stands in this transaction.
    pub fn screen(&mut self, analyzed: &[Analyzed], relate: &RelateOptions, story: &StoryOptions) -> Result<Screening> {
        let (screening, keys) =
            screen_in(&self.tx, self.banding, analyzed, relate, story).map_err(|e| lift(&self.path, e))?;
        self.story_keys = keys;
        Ok(screening)
    }

    /// Stores a screened batch: new items and new versions of edited ones with their
    /// fingerprints, band keys, paragraph postings, profiles, story index keys, score facts
    /// and relations (to archived items and to each other); unchanged items change nothing.
    /// The feeds' validators are kept for their next conditional GET.
    pub fn store(&mut self, batch: Batch<'_>, screening: &Screening, facts: &[ItemFacts]) -> Result<()> {
        let path = &self.path;
        let sql = |source| ArchiveError::Sqlite { path: path.clone(), source };
        store(&self.tx, self.banding, &batch, screening, &self.story_keys, facts).map_err(sql)?;
        crate::validators::save_validators(&self.tx, batch.feeds, batch.seen_at).map_err(sql)
    }

    /// Makes what was stored part of the archive.
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        self.tx.commit().map_err(|source| ArchiveError::Sqlite { path, source })
    }
}

impl Archive {
    /// Screens items against the archive without storing them. The lookups read one
    /// consistent snapshot of the archive.
    pub fn screen(&mut self, analyzed: &[Analyzed], relate: &RelateOptions, story: &StoryOptions) -> Result<Screening> {
        let banding = self.settings.banding;
        let path = self.path.clone();
        let sql = |source| ArchiveError::Sqlite { path: path.clone(), source };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Deferred).map_err(sql)?;
        let (screening, _) = screen_in(&tx, banding, analyzed, relate, story).map_err(|e| lift(&path, e))?;
        tx.commit().map_err(sql)?;
        Ok(screening)
    }

    /// Begins an ingest: another run writing to the archive is waited for, so that each
    /// run screens against everything stored before it.
    pub fn begin_ingest(&mut self) -> Result<Ingest<'_>> {
        let banding = self.settings.banding;
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|source| ArchiveError::Sqlite { path: path.clone(), source })?;
        Ok(Ingest { tx, path, banding, story_keys: Vec::new() })
    }

    /// For one fingerprint, the archived exact copy or near-duplicate seen first, if any:
    /// the content existed by that item's first-seen time, a `not_after` bound for the
    /// content's date with the archived item as evidence.
    pub fn earliest_sighting(&self, fingerprint: &Fingerprint, options: &RelateOptions) -> Result<Option<Match>> {
        let mut cache = Cache::default();
        let mut stats = LookupStats::default();
        let matches =
            find_matches(&self.conn, self.settings.banding, fingerprint, None, options, &mut cache, &mut stats)
                .map_err(|e| lift(&self.path, e))?;
        Ok(matches
            .into_iter()
            .filter(|m| matches!(m.kind, Kind::Exact | Kind::NearDuplicate))
            .min_by_key(|m| (m.other.first_seen, m.other.rowid)))
    }

    /// Reads one archived item version with its fingerprint.
    pub fn load(&self, rowid: i64) -> Result<Option<Loaded>> {
        let mut cache = Cache::default();
        load(&self.conn, rowid, &mut cache).map(|l| l.map(|l| (*l).clone())).map_err(|e| lift(&self.path, e))
    }
}

/// The validators of one feed read in this run, to keep for its next conditional GET.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedValidators {
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// An error while screening: SQLite's, or a stored row that cannot be decoded.
#[derive(Debug)]
pub(super) enum ScreenError {
    Sqlite(rusqlite::Error),
    Damaged(i64, String),
}

impl From<rusqlite::Error> for ScreenError {
    fn from(e: rusqlite::Error) -> Self {
        ScreenError::Sqlite(e)
    }
}

fn lift(path: &std::path::Path, error: ScreenError) -> ArchiveError {
    match error {
        ScreenError::Sqlite(source) => ArchiveError::Sqlite { path: path.to_path_buf(), source },
        ScreenError::Damaged(item, reason) => ArchiveError::Damaged { path: path.to_path_buf(), item, reason },
    }
}

/// Archived items and profiles read during one screening, by row.
#[derive(Default)]
pub(super) struct Cache {
    loaded: HashMap<i64, Option<Rc<Loaded>>>,
    pub(super) profiles: HashMap<i64, Option<Rc<Profile>>>,
}

const SELECT_ITEM: &str = "SELECT rowid, ident, version, id, source, url, title, published, first_seen, \
    sha256, signature, simhash, shingles, words, paragraphs FROM items WHERE rowid = ?1";

pub(super) fn load(conn: &Connection, rowid: i64, cache: &mut Cache) -> Result<Option<Rc<Loaded>>, ScreenError> {
    if let Some(found) = cache.loaded.get(&rowid) {
        return Ok(found.clone());
    }
    let mut select = conn.prepare_cached(SELECT_ITEM)?;
    let row = select
        .query_row([rowid], |row| {
            Ok((
                Stored {
                    rowid: row.get(0)?,
                    ident: row.get(1)?,
                    version: row.get(2)?,
                    id: row.get(3)?,
                    source: row.get(4)?,
                    url: row.get(5)?,
                    title: row.get(6)?,
                    published: row.get(7)?,
                    first_seen: row.get(8)?,
                },
                row.get::<_, Vec<u8>>(9)?,
                row.get::<_, Vec<u8>>(10)?,
                row.get::<_, i64>(11)?,
                row.get::<_, u32>(12)?,
                row.get::<_, u32>(13)?,
                row.get::<_, Vec<u8>>(14)?,
            ))
        })
        .optional()?;
    let loaded = match row {
        None => None,
        Some((stored, sha, signature, simhash, shingles, words, paragraphs)) => {
            let damaged = |what: &str| ScreenError::Damaged(rowid, what.to_string());
            let sha256: [u8; 32] = sha.try_into().map_err(|_| damaged("SHA-256 is not 32 bytes"))?;
            let signature = decode_signature(&signature).ok_or_else(|| damaged("signature is not whole positions"))?;
            let paragraphs =
                decode_paragraphs(&paragraphs).ok_or_else(|| damaged("paragraph hashes are not whole entries"))?;
            let fingerprint = Fingerprint { sha256, signature, simhash: simhash as u64, shingles, words, paragraphs };
            Some(Rc::new(Loaded { stored, fingerprint }))
        }
    };
    cache.loaded.insert(rowid, loaded.clone());
    Ok(loaded)
}

/// Archived item versions that share a band key or a paragraph with a fingerprint. A
/// band bucket gives its first `max_bucket` members; a paragraph carried by more than
/// `max_bucket` items is a template, not a copy signal, as within a run.
fn candidates(
    conn: &Connection,
    banding: Banding,
    fingerprint: &Fingerprint,
    max_bucket: usize,
    stats: &mut LookupStats,
) -> rusqlite::Result<Vec<i64>> {
    let mut found = Vec::new();
    if !fingerprint.is_empty() {
        let mut by_band = conn.prepare_cached("SELECT item FROM bands WHERE key = ?1 LIMIT ?2")?;
        for key in band_keys(&fingerprint.signature, banding) {
            stats.band_queries += 1;
            let rows = by_band.query_map([key, max_bucket as i64], |row| row.get::<_, i64>(0))?;
            for row in rows {
                found.push(row?);
            }
        }
    }
    let mut by_paragraph = conn.prepare_cached("SELECT item FROM paragraphs WHERE hash = ?1 LIMIT ?2")?;
    for hash in paragraph_keys(&fingerprint.paragraphs) {
        stats.paragraph_queries += 1;
        let rows: Vec<i64> = by_paragraph
            .query_map([hash, max_bucket as i64 + 1], |row| row.get::<_, i64>(0))?
            .collect::<rusqlite::Result<_>>()?;
        if rows.len() <= max_bucket {
            found.extend(rows);
        }
    }
    found.sort_unstable();
    found.dedup();
    Ok(found)
}

/// Copies of archived items among a fingerprint's candidates, one per archived identity
/// (its strongest), leaving out the identity `own` (the item's own earlier versions).
fn find_matches(
    conn: &Connection,
    banding: Banding,
    fingerprint: &Fingerprint,
    own: Option<i64>,
    options: &RelateOptions,
    cache: &mut Cache,
    stats: &mut LookupStats,
) -> Result<Vec<Match>, ScreenError> {
    let rows = candidates(conn, banding, fingerprint, options.max_bucket, stats)?;
    stats.candidates += rows.len();
    let mut best: HashMap<i64, Match> = HashMap::new();
    for rowid in rows {
        let Some(archived) = load(conn, rowid, cache)? else { continue };
        if Some(archived.stored.ident) == own || archived.fingerprint.is_empty() {
            continue;
        }
        stats.verified += 1;
        let found = if archived.fingerprint.sha256 == fingerprint.sha256 {
            Some(exact(fingerprint))
        } else {
            verify(fingerprint, &archived.fingerprint, options)
        };
        let Some((kind, score, evidence)) = found else { continue };
        let candidate = Match { other: archived.stored.clone(), kind, score, evidence };
        match best.get(&archived.stored.ident) {
            Some(kept) if (kept.kind, -kept.score, kept.other.rowid) <= (kind, -score, rowid) => {}
            _ => {
                best.insert(archived.stored.ident, candidate);
            }
        }
    }
    let mut matches: Vec<Match> = best.into_values().collect();
    matches.sort_by_key(|m| (m.other.first_seen, m.other.rowid));
    matches.truncate(options.max_bucket);
    Ok(matches)
}

fn exact(fingerprint: &Fingerprint) -> (Kind, f64, Evidence) {
    let evidence = Evidence {
        jaccard: 1.0,
        containment_later_in_earlier: 1.0,
        containment_earlier_in_later: 1.0,
        shared_paragraphs: fingerprint.paragraphs.len() as u32,
        simhash_distance: 0,
        story: None,
    };
    (Kind::Exact, 1.0, evidence)
}

/// The latest archived version under an identity, and when the identity was first seen.
fn latest_version(conn: &Connection, ident: i64) -> rusqlite::Result<Option<(i64, i64)>> {
    let mut latest = conn.prepare_cached(
        "SELECT (SELECT rowid FROM items WHERE ident = ?1 ORDER BY version DESC LIMIT 1), \
         (SELECT min(first_seen) FROM items WHERE ident = ?1)",
    )?;
    latest.query_row([ident], |row| Ok((row.get::<_, Option<i64>>(0)?, row.get::<_, Option<i64>>(1)?))).map(
        |(rowid, first_seen)| match (rowid, first_seen) {
            (Some(rowid), Some(first_seen)) => Some((rowid, first_seen)),
            _ => None,
        },
    )
}

fn screen_in(
    conn: &Connection,
    banding: Banding,
    analyzed: &[Analyzed],
    options: &RelateOptions,
    story: &StoryOptions,
) -> Result<(Screening, Vec<Vec<i64>>), ScreenError> {
    let archived_before = crate::count(conn)?;
    let mut cache = Cache::default();
    let mut stats = LookupStats::default();
    let mut frequencies = Frequencies::new(conn, analyzed.iter().map(|a| &a.profile))?;
    let mut items = Vec::with_capacity(analyzed.len());
    let mut story_keys = Vec::with_capacity(analyzed.len());
    // The last item of this run under each identity.
    let mut in_run: HashMap<i64, usize> = HashMap::new();
    for (index, one) in analyzed.iter().enumerate() {
        let fingerprint = &one.fingerprint;
        let item = &one.item;
        let ident = identity_key(item.url.as_deref(), item.source.as_deref(), &fingerprint.sha256);
        let mut matches = find_matches(conn, banding, fingerprint, Some(ident), options, &mut cache, &mut stats)?;
        let vector = frequencies.weigh(conn, &one.profile)?;
        let keys = archived_story::keys(&one.profile, &vector, story);
        let copied: Vec<i64> = matches.iter().map(|m| m.other.ident).collect();
        let probe = Probe { profile: &one.profile, vector: &vector, keys: &keys, fingerprint, ident, copied: &copied };
        let stories = archived_story::find(conn, &probe, &mut frequencies, options, story, &mut cache, &mut stats)?;
        matches.extend(stories);
        matches.sort_by_key(|m| (m.kind, m.other.first_seen, m.other.rowid));
        story_keys.push(keys);
        let mut screened = Screened {
            ident,
            status: Status::New,
            first_seen: None,
            version: 1,
            latest: None,
            previous: None,
            same_run: None,
            matches,
        };
        if let Some(&earlier) = in_run.get(&ident) {
            let before: &Screened = &items[earlier];
            screened.same_run = Some(earlier);
            screened.first_seen = before.first_seen;
            screened.latest = before.latest.clone();
            if analyzed[earlier].fingerprint.sha256 == fingerprint.sha256 {
                screened.status = Status::Unchanged;
                screened.version = before.version;
            } else {
                screened.status = Status::Edited;
                screened.version = before.version + 1;
            }
        } else if let Some((rowid, first_seen)) = latest_version(conn, ident)? {
            let latest = load(conn, rowid, &mut cache)?.ok_or(ScreenError::Damaged(rowid, "vanished".into()))?;
            screened.first_seen = Some(first_seen);
            screened.latest = Some(latest.stored.clone());
            if latest.fingerprint.sha256 == fingerprint.sha256 {
                screened.status = Status::Unchanged;
                screened.version = latest.stored.version;
            } else {
                screened.status = Status::Edited;
                screened.version = latest.stored.version + 1;
                screened.previous = Some(Previous {
                    other: latest.stored.clone(),
                    jaccard: round(jaccard(&fingerprint.signature, &latest.fingerprint.signature)),
                    simhash_distance: simhash_distance(fingerprint.simhash, latest.fingerprint.simhash),
                });
            }
        }
        // An item the archive saw before is the earlier one of any pair with an archived
        // item seen after it: only what was there before its first sighting is history.
        if let Some(first_seen) = screened.first_seen {
            screened.matches.retain(|m| m.other.first_seen < first_seen);
        }
        in_run.insert(ident, index);
        items.push(screened);
    }
    Ok((Screening { items, stats, archived_before }, story_keys))
}

/// Stores a screened batch: each new item and each new version, its band keys and
/// paragraph postings, and its relations to archived items and to the other items of the
/// run.
fn store(
    conn: &Connection,
    banding: Banding,
    batch: &Batch<'_>,
    screening: &Screening,
    story_keys: &[Vec<i64>],
    facts: &[ItemFacts],
) -> rusqlite::Result<()> {
    let (analyzed, related, seen_at) = (batch.analyzed, batch.related, batch.seen_at);
    let screened = &screening.items;
    let mut stories = StoryRows::default();
    // The archive row each item of the run stands for, and whether it was stored now.
    let mut rows: Vec<Option<(i64, bool)>> = vec![None; analyzed.len()];
    let mut bands: Vec<(i64, i64)> = Vec::new();
    let mut paragraphs: Vec<(i64, i64)> = Vec::new();
    let mut relations: HashSet<(i64, i64)> = HashSet::new();
    {
        let mut insert = conn.prepare_cached(INSERT_ITEM)?;
        let mut find = conn.prepare_cached("SELECT rowid FROM items WHERE ident = ?1 AND version = ?2")?;
        let mut relate = conn
            .prepare_cached("INSERT OR IGNORE INTO relations (later, earlier, kind, score) VALUES (?1, ?2, ?3, ?4)")?;
        for (index, (one, screened)) in analyzed.iter().zip(screened).enumerate() {
            if screened.status == Status::Unchanged {
                rows[index] = match screened.same_run {
                    Some(earlier) => rows[earlier],
                    None => {
                        find.query_row((screened.ident, screened.version), |r| r.get(0)).optional()?.map(|r| (r, false))
                    }
                };
                continue;
            }
            let item = &one.item;
            let published = item.published.map(|p| p.to_rfc3339());
            let archived = ArchivedItem {
                id: &item.id,
                source: item.source.as_deref(),
                url: item.url.as_deref(),
                title: item.title.as_deref(),
                published: published.as_deref(),
                fingerprint: &one.fingerprint,
                // Stored below with the item's index keys and the run's facts.
                profile: None,
                facts: None,
            };
            let rowid = match insert_item(&mut insert, &archived, screened.ident, screened.version, seen_at)? {
                Some(rowid) => rowid,
                // Stored meanwhile by another run: refer to that row.
                None => {
                    rows[index] = find
                        .query_row((screened.ident, screened.version), |r| r.get(0))
                        .optional()?
                        .map(|r| (r, false));
                    continue;
                }
            };
            rows[index] = Some((rowid, true));
            if !one.fingerprint.is_empty() {
                bands.extend(band_keys(&one.fingerprint.signature, banding).into_iter().map(|k| (k, rowid)));
            }
            paragraphs.extend(paragraph_keys(&one.fingerprint.paragraphs).into_iter().map(|h| (h, rowid)));
            if let Some(keys) = story_keys.get(index) {
                stories.add(rowid, &one.profile, keys);
            }
            if let Some(facts) = facts.get(index) {
                insert_facts(conn, rowid, facts)?;
            }
            for m in screened.matches.iter().filter(|m| m.kind != Kind::SameStory) {
                if relations.insert((rowid, m.other.rowid)) {
                    relate.execute((rowid, m.other.rowid, kind_code(m.kind), m.score))?;
                }
            }
        }
        // Reports of the same story are not copies of each other: the archive keeps copies
        // and rewrites only.
        for relation in related.relations.iter().filter(|r| r.kind != Kind::SameStory) {
            let (Some((later, stored)), Some((earlier, _))) = (rows[relation.later], rows[relation.earlier]) else {
                continue;
            };
            if stored && later != earlier && relations.insert((later, earlier)) {
                relate.execute((later, earlier, kind_code(relation.kind), relation.score))?;
            }
        }
    }
    insert_postings(conn, &mut bands, &mut paragraphs)?;
    stories.write(conn)
}

/// How a relation's kind is stored.
pub fn kind_code(kind: Kind) -> i64 {
    match kind {
        Kind::Exact => 0,
        Kind::NearDuplicate => 1,
        Kind::PartialCopy => 2,
        Kind::Rewrite => 3,
        Kind::SameStory => 4,
    }
}

pub fn kind_from_code(code: i64) -> Option<Kind> {
    match code {
        0 => Some(Kind::Exact),
        1 => Some(Kind::NearDuplicate),
        2 => Some(Kind::PartialCopy),
        3 => Some(Kind::Rewrite),
        4 => Some(Kind::SameStory),
        _ => None,
    }
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
