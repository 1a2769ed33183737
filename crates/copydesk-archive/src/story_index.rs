//! Rewrites and reports of the same story among archived items. The archive keeps each
//! item's content profile (`profiles`), the postings of its index keys — every name, every
//! number and its most telling words, as within a run ([`story::index_keys`]) — in
//! `story_keys`, and the document frequency of every word in `term_df`.
//!
//! Screening a new item looks up each of its keys with one indexed query. A key carried by
//! more than `[story] max_posting` archived items does not single out a story and is left
//! out (its names and numbers do not count as shared facts either), exactly as within a
//! run. The archived items that share at least `min_shared_keys` keys with the new item,
//! the `max_candidates` sharing most, are read and measured with [`story::measure`]; word
//! weights come from the document frequencies of the archive and the run together.

use std::collections::HashMap;
use std::rc::Rc;

use rusqlite::{Connection, OptionalExtension};

use crate::screen::{Cache, LookupStats, Match, ScreenError};
use copydesk_core::fingerprint::Fingerprint;
use copydesk_core::profile::Profile;
use copydesk_core::relate::story::{self, KeyKind, StoryOptions, Weights};
use copydesk_core::relate::{Evidence, Kind, RelateOptions};
use copydesk_core::util::KeyMap;

/// Document frequencies of words over the archive and the items of a run.
pub(super) struct Frequencies {
    /// Profiles in the archive and in the run.
    profiles: u64,
    run: KeyMap<u32, u32>,
    /// Archived frequencies read so far.
    archived: KeyMap<u32, u64>,
}

impl Frequencies {
    pub(super) fn new<'a>(conn: &Connection, run: impl Iterator<Item = &'a Profile>) -> rusqlite::Result<Self> {
        let archived: i64 = conn
            .query_row("SELECT value FROM meta WHERE key = 'profiles'", [], |row| row.get::<_, String>(0))
            .optional()?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut frequencies =
            Frequencies { profiles: archived.max(0) as u64, run: KeyMap::default(), archived: KeyMap::default() };
        for profile in run.filter(|p| !p.is_empty()) {
            frequencies.profiles += 1;
            for &(term, _) in &profile.terms {
                *frequencies.run.entry(term).or_default() += 1;
            }
        }
        Ok(frequencies)
    }

    /// A profile's words weighted by TF-IDF over the archive and the run.
    pub(super) fn weigh(&mut self, conn: &Connection, profile: &Profile) -> rusqlite::Result<Vec<(u32, f32)>> {
        let mut select = conn.prepare_cached("SELECT df FROM term_df WHERE term = ?1")?;
        for &(term, _) in &profile.terms {
            if let std::collections::hash_map::Entry::Vacant(entry) = self.archived.entry(term) {
                let df: Option<i64> = select.query_row([i64::from(term)], |row| row.get(0)).optional()?;
                entry.insert(df.unwrap_or(0).max(0) as u64);
            }
        }
        let n = self.profiles;
        Ok(story::weigh(profile, |term| {
            let df =
                self.archived.get(&term).copied().unwrap_or(0) + u64::from(self.run.get(&term).copied().unwrap_or(0));
            story::idf(n, df)
        }))
    }
}

/// A new item as the story screening sees it.
pub(super) struct Probe<'a> {
    pub profile: &'a Profile,
    pub vector: &'a [(u32, f32)],
    pub keys: &'a [i64],
    pub fingerprint: &'a Fingerprint,
    /// Its identity: its own archived versions are no stories of it.
    pub ident: i64,
    /// The archived identities it copies: a copy is not also a rewrite.
    pub copied: &'a [i64],
}

/// The index keys of a weighted profile, as stored.
pub(super) fn keys(profile: &Profile, vector: &[(u32, f32)], options: &StoryOptions) -> Vec<i64> {
    let mut keys: Vec<i64> =
        story::index_keys(profile, vector, options.index_terms).into_iter().map(|k| k as i64).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// The archived rewrites of, and reports of the same story as, a new item: at most one
/// per archived identity, leaving out the item's own versions and the items it copies.
pub(super) fn find(
    conn: &Connection,
    probe: &Probe<'_>,
    frequencies: &mut Frequencies,
    relate: &RelateOptions,
    options: &StoryOptions,
    cache: &mut Cache,
    stats: &mut LookupStats,
) -> Result<Vec<Match>, ScreenError> {
    if !options.enabled || probe.profile.is_empty() || probe.fingerprint.is_empty() {
        return Ok(Vec::new());
    }
    let mut select = conn.prepare_cached("SELECT item FROM story_keys WHERE key = ?1 LIMIT ?2")?;
    let (mut common_names, mut common_numbers) = (Vec::new(), Vec::new());
    let mut proposed: Vec<i64> = Vec::new();
    for &key in probe.keys {
        stats.story_queries += 1;
        let rows: Vec<i64> = select
            .query_map([key, options.max_posting as i64 + 1], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if rows.len() <= options.max_posting {
            proposed.extend(rows);
            continue;
        }
        match KeyKind::of(key as u64) {
            (KeyKind::Name, name) => common_names.push(name),
            (KeyKind::Number, number) => common_numbers.push(number),
            (KeyKind::Term, _) => {}
        }
    }
    proposed.sort_unstable();
    let mut counted: Vec<(i64, usize)> = proposed
        .chunk_by(|a, b| a == b)
        .filter(|run| run.len() >= options.min_shared_keys)
        .map(|run| (run[0], run.len()))
        .collect();
    counted.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    counted.truncate(options.max_candidates);
    stats.story_candidates += counted.len();
    common_names.sort_unstable();
    common_numbers.sort_unstable();
    let common = Weights { vectors: Vec::new(), common_names, common_numbers };

    let mut best: HashMap<i64, Match> = HashMap::new();
    for (rowid, _) in counted {
        let Some(archived) = crate::screen::load(conn, rowid, cache)? else { continue };
        let ident = archived.stored.ident;
        if ident == probe.ident || probe.copied.contains(&ident) || archived.fingerprint.is_empty() {
            continue;
        }
        let Some(profile) = load_profile(conn, rowid, cache)? else { continue };
        let vector = frequencies.weigh(conn, &profile)?;
        stats.story_verified += 1;
        // Against the archive, both items are judged against the prior background: the
        // archive keeps no per-item background.
        let prior = story::Background::prior(options);
        let cos = story::cosine(probe.vector, &vector);
        if !story::worth_measuring(cos, story::calibrated(cos, prior, prior), options) {
            continue;
        }
        let measured = story::measure((probe.profile, &profile), cos, (prior, prior), &common, options);
        // Items whose names or figures conflict are held apart, as within a run.
        if story::apart(&measured).is_some() {
            continue;
        }
        let (kind, score) = match story::classify(&measured, options) {
            Some(story::Verdict::Rewrite) => (Kind::Rewrite, measured.aligned_sentences),
            Some(story::Verdict::SameStory) => (Kind::SameStory, measured.cosine),
            None => continue,
        };
        let evidence = Evidence {
            story: Some(measured),
            ..copydesk_core::relate::measure(probe.fingerprint, &archived.fingerprint, relate).0
        };
        let found = Match { other: archived.stored.clone(), kind, score, evidence };
        match best.get(&archived.stored.ident) {
            Some(kept) if (kept.kind, -kept.score, kept.other.rowid) <= (kind, -score, rowid) => {}
            _ => {
                best.insert(archived.stored.ident, found);
            }
        }
    }
    Ok(best.into_values().collect())
}

/// An archived item's profile; `None` for an item stored without one (by an archive of
/// schema version 3 or earlier).
fn load_profile(conn: &Connection, rowid: i64, cache: &mut Cache) -> Result<Option<Rc<Profile>>, ScreenError> {
    if let Some(found) = cache.profiles.get(&rowid) {
        return Ok(found.clone());
    }
    let mut select = conn.prepare_cached("SELECT data FROM profiles WHERE item = ?1")?;
    let bytes: Option<Vec<u8>> = select.query_row([rowid], |row| row.get(0)).optional()?;
    let profile = match bytes {
        None => None,
        Some(bytes) => Some(Rc::new(
            Profile::from_bytes(&bytes)
                .ok_or_else(|| ScreenError::Damaged(rowid, "profile cannot be decoded".into()))?,
        )),
    };
    cache.profiles.insert(rowid, profile.clone());
    Ok(profile)
}

/// The story rows of the items a transaction stores: profiles, index keys and document
/// frequencies, written together by [`StoryRows::write`].
#[derive(Default)]
pub(super) struct StoryRows {
    profiles: Vec<(i64, Vec<u8>)>,
    keys: Vec<(i64, i64)>,
    df: KeyMap<u32, i64>,
}

impl StoryRows {
    /// Adds a stored item's profile and its index keys.
    pub(super) fn add(&mut self, rowid: i64, profile: &Profile, keys: &[i64]) {
        if profile.is_empty() {
            return;
        }
        self.profiles.push((rowid, profile.to_bytes()));
        self.keys.extend(keys.iter().map(|&key| (key, rowid)));
        for &(term, _) in &profile.terms {
            *self.df.entry(term).or_default() += 1;
        }
    }

    pub(super) fn write(mut self, conn: &Connection) -> rusqlite::Result<()> {
        let mut insert = conn.prepare_cached("INSERT OR REPLACE INTO profiles (item, data) VALUES (?1, ?2)")?;
        for (rowid, data) in &self.profiles {
            insert.execute(rusqlite::params![rowid, data])?;
        }
        self.keys.sort_unstable();
        let mut insert = conn.prepare_cached("INSERT OR IGNORE INTO story_keys (key, item) VALUES (?1, ?2)")?;
        for (key, item) in &self.keys {
            insert.execute([key, item])?;
        }
        let mut df: Vec<(u32, i64)> = self.df.into_iter().collect();
        df.sort_unstable();
        let mut upsert = conn.prepare_cached(
            "INSERT INTO term_df (term, df) VALUES (?1, ?2) ON CONFLICT (term) DO UPDATE SET df = df + excluded.df",
        )?;
        for (term, count) in df {
            upsert.execute([i64::from(term), count])?;
        }
        conn.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + ?1 WHERE key = 'profiles'",
            [self.profiles.len() as i64],
        )?;
        Ok(())
    }
}
