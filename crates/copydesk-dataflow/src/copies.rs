//! Copy relations where the fingerprints live. Each worker keeps the MinHash signatures
//! and paragraph hashes of its own items; worker 0, which holds the rest of every item,
//! ranks the items in origin order and tells each worker its items' ranks. Then:
//!
//! 1. **Exact copies.** Each item's SHA-256 goes to the worker of that hash, which groups
//!    identical texts. The groups go to worker 0; their members after the first (the
//!    representative) are told so, and take no further part.
//! 2. **Candidates.** Each representative sends its key in every LSH band, and every
//!    paragraph hash it holds, to the worker of that key: the buckets and postings of the
//!    whole collection, each on one worker, paired by [`lsh::bucket_pairs`] and
//!    [`relate::posting_pairs`] as on one machine.
//! 3. **Verification.** Each pair goes to the worker of the pair, which drops repeats;
//!    then to the worker holding the earlier item, which adds its fingerprint; then to the
//!    worker holding the later one, which verifies it ([`relate::copy_relation`]). The
//!    copies found go to worker 0.
//!
//! Worker 0 then puts the relations together ([`relate::assemble`]). What it never holds
//! is the index: signatures, paragraph hashes, buckets and postings stay spread over the
//! workers.

use std::collections::{HashMap, HashSet};

use copydesk_core::fingerprint::Fingerprint;
use copydesk_core::relate::{self, lsh, Evidence, Kind, RelateOptions, RelateStats, Related, Relation};
use copydesk_core::util::{mix64, KeyMap};
use serde::{Deserialize, Serialize};
use timely::worker::Worker;

use crate::{exchange, gather, ItemAt};

/// An item on its way through the copy stage: its rank in origin order and the worker
/// that holds its fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
struct Held {
    rank: u32,
    worker: u32,
}

/// The bucket of an LSH band, or the posting of a paragraph hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
enum Key {
    Band(u32, u64),
    Paragraph(u64),
}

impl Key {
    fn route(&self) -> u64 {
        match *self {
            Key::Band(band, hash) => mix64(hash ^ u64::from(band).wrapping_mul(0x9e37_79b9_7f4a_7c15)),
            Key::Paragraph(hash) => mix64(hash),
        }
    }
}

/// A pair of candidates, the earlier first, and whether an LSH band proposed it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Pair {
    earlier: Held,
    later: Held,
    by_band: bool,
}

/// The text overlap of a pair, as it travels.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Overlap {
    measured: [f64; 3],
    shared_paragraphs: u32,
    simhash_distance: u32,
}

impl Overlap {
    fn of(e: &Evidence) -> Overlap {
        Overlap {
            measured: [e.jaccard, e.containment_later_in_earlier, e.containment_earlier_in_later],
            shared_paragraphs: e.shared_paragraphs,
            simhash_distance: e.simhash_distance,
        }
    }

    fn evidence(&self) -> Evidence {
        let [jaccard, containment_later_in_earlier, containment_earlier_in_later] = self.measured;
        Evidence {
            jaccard,
            containment_later_in_earlier,
            containment_earlier_in_later,
            shared_paragraphs: self.shared_paragraphs,
            simhash_distance: self.simhash_distance,
            story: None,
        }
    }
}

/// A copy relation as it travels to worker 0, between ranks.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Found {
    kind: Kind,
    later: u32,
    earlier: u32,
    score: f64,
    overlap: Overlap,
}

impl Found {
    fn of(relation: &Relation) -> Found {
        Found {
            kind: relation.kind,
            later: relation.later as u32,
            earlier: relation.earlier as u32,
            score: relation.score,
            overlap: Overlap::of(&relation.evidence),
        }
    }

    /// The relation between items, from the item at each rank.
    fn relation(&self, at_rank: &[usize]) -> Relation {
        Relation {
            kind: self.kind,
            later: at_rank[self.later as usize],
            earlier: at_rank[self.earlier as usize],
            score: self.score,
            evidence: self.overlap.evidence(),
        }
    }
}

/// What each worker counted of the candidates it held, for the report's statistics.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
struct Counted {
    positions: Option<u32>,
    capped_buckets: u64,
    paragraph_candidates: u64,
    lsh_candidates: u64,
    verified: u64,
}

/// Takes from an analyzed item's fingerprint what only the copy stage reads (signature
/// and paragraph hashes), leaving what the report and the story stage read.
pub(crate) fn index_part(print: &mut Fingerprint) -> Fingerprint {
    Fingerprint {
        sha256: print.sha256,
        signature: std::mem::take(&mut print.signature),
        simhash: print.simhash,
        shingles: print.shingles,
        words: print.words,
        paragraphs: std::mem::take(&mut print.paragraphs),
    }
}

/// The index part of the fingerprints a worker holds, by rank in origin order.
pub(crate) struct Index {
    me: u32,
    held: Vec<(u32, Fingerprint)>,
}

impl Index {
    fn at(&self, rank: u32) -> Result<&Fingerprint, String> {
        let found = self.held.binary_search_by_key(&rank, |(r, _)| *r);
        found.map(|i| &self.held[i].1).map_err(|_| format!("worker {} does not hold item {rank}", self.me))
    }
}

/// Where each item is and its rank in origin order, as worker 0 knows them: the item's
/// unit and place, in reading order, and its rank.
pub(crate) struct Ranked<'a> {
    pub places: &'a [ItemAt],
    pub rank: &'a [usize],
}

impl Ranked<'_> {
    /// The item at `index` (in reading order) as it travels: its rank and its worker.
    fn held(&self, index: usize) -> Held {
        Held { rank: self.rank[index] as u32, worker: self.places[index].worker }
    }
}

/// Gives every worker the ranks of the items it holds: each worker brings the fingerprints
/// of its items by place, worker 0 the rank of every item.
pub(crate) fn index(
    worker: &mut Worker,
    prints: HashMap<ItemAt, Fingerprint>,
    ranked: Option<&Ranked<'_>>,
) -> Result<Index, String> {
    let me = worker.index() as u32;
    let ranks: Vec<(ItemAt, u32)> = match ranked {
        Some(ranked) => ranked.places.iter().zip(ranked.rank).map(|(place, &r)| (*place, r as u32)).collect(),
        None => Vec::new(),
    };
    let ranks = exchange(worker, ranks, |(place, _)| u64::from(place.worker));
    let mut prints = prints;
    let mut held: Vec<(u32, Fingerprint)> = Vec::with_capacity(prints.len());
    for (place, rank) in ranks {
        let print = prints
            .remove(&place)
            .ok_or_else(|| format!("worker {me} was given the rank of an item it does not hold"))?;
        held.push((rank, print));
    }
    if !prints.is_empty() {
        return Err(format!("worker {me} was not given the rank of {} of its items", prints.len()));
    }
    held.sort_unstable_by_key(|(rank, _)| *rank);
    Ok(Index { me, held })
}

/// The copy relations of the collection, from the fingerprints every worker holds; worker
/// 0 gets back the relations and clusters, between items in reading order.
pub(crate) fn relate(
    worker: &mut Worker,
    index: &Index,
    ranked: Option<&Ranked<'_>>,
    options: &RelateOptions,
) -> Result<Option<Related>, String> {
    let Index { me, ref held } = *index;
    let positions = held.first().map(|(_, p)| p.signature.len());
    let banding = relate::banding(positions, options);

    // 1. Exact copies, grouped where their hash lives.
    let texts: Vec<([u8; 32], Held, u32)> = held
        .iter()
        .filter(|(_, print)| !print.is_empty())
        .map(|(rank, print)| (print.sha256, Held { rank: *rank, worker: me }, print.paragraphs.len() as u32))
        .collect();
    let texts = exchange(worker, texts, |(sha, _, _)| {
        u64::from_le_bytes([sha[0], sha[1], sha[2], sha[3], sha[4], sha[5], sha[6], sha[7]])
    });
    let mut by_text: HashMap<[u8; 32], Vec<(Held, u32)>> = HashMap::new();
    for (sha, item, paragraphs) in texts {
        by_text.entry(sha).or_default().push((item, paragraphs));
    }
    let mut groups: Vec<(Vec<u32>, u32)> = Vec::new();
    let mut copies: Vec<Held> = Vec::new();
    for mut members in by_text.into_values().filter(|m| m.len() > 1) {
        members.sort_unstable_by_key(|(item, _)| item.rank);
        copies.extend(members[1..].iter().map(|(item, _)| *item));
        groups.push((members.iter().map(|(item, _)| item.rank).collect(), members[0].1));
    }
    let groups = gather(worker, groups);
    let copies: HashSet<u32> =
        exchange(worker, copies, |item| u64::from(item.worker)).into_iter().map(|i| i.rank).collect();

    // 2. Candidates from the buckets and postings of the representatives.
    let mut keys: Vec<(Key, Held)> = Vec::new();
    for (rank, print) in held.iter().filter(|(rank, print)| !print.is_empty() && !copies.contains(rank)) {
        let item = Held { rank: *rank, worker: me };
        keys.extend(
            (0..banding.bands)
                .map(|band| (Key::Band(band as u32, lsh::band_hash(&print.signature, banding, band)), item)),
        );
        keys.extend(relate::paragraph_keys(&print.paragraphs).map(|hash| (Key::Paragraph(hash), item)));
    }
    let mut keys = exchange(worker, keys, |(key, _)| key.route());
    // Each bucket is a run of the keys sorted by key, its members in origin order.
    keys.sort_unstable_by_key(|&(key, item)| (key, item.rank));
    let mut counted = Counted { positions: positions.map(|p| p as u32), ..Counted::default() };
    let mut pairs: Vec<Pair> = Vec::new();
    let mut proposed: Vec<(u32, u32)> = Vec::new();
    for bucket in keys.chunk_by(|a, b| a.0 == b.0) {
        let members: Vec<Held> = bucket.iter().map(|&(_, item)| item).collect();
        let slots: Vec<u32> = (0..members.len() as u32).collect();
        proposed.clear();
        let by_band = matches!(bucket[0].0, Key::Band(..));
        if by_band {
            counted.capped_buckets += u64::from(lsh::bucket_pairs(&slots, options.max_bucket, &mut proposed));
        } else {
            relate::posting_pairs(&slots, options.max_bucket, &mut proposed);
            counted.paragraph_candidates += proposed.len() as u64;
        }
        pairs.extend(proposed.iter().map(|&(a, b)| Pair {
            earlier: members[a as usize],
            later: members[b as usize],
            by_band,
        }));
    }

    // 3. Each pair once, where the pair lives; then with the earlier item's fingerprint;
    // then verified where the later item lives.
    let pairs =
        exchange(worker, pairs, |pair| mix64((u64::from(pair.earlier.rank) << 32) | u64::from(pair.later.rank)));
    let mut distinct: KeyMap<(u32, u32), Pair> = KeyMap::default();
    for pair in pairs {
        distinct
            .entry((pair.earlier.rank, pair.later.rank))
            .and_modify(|seen| seen.by_band |= pair.by_band)
            .or_insert(pair);
    }
    counted.verified = distinct.len() as u64;
    counted.lsh_candidates = distinct.values().filter(|pair| pair.by_band).count() as u64;
    let pairs: Vec<((), Held, Held)> = distinct.into_values().map(|pair| ((), pair.later, pair.earlier)).collect();
    let mut found: Vec<Found> = Vec::new();
    for ((), later, earlier, earlier_print) in with_earlier(worker, index, pairs)? {
        let later_print = index.at(later)?;
        let relation = relate::copy_relation(later as usize, earlier as usize, later_print, &earlier_print, options);
        found.extend(relation.as_ref().map(Found::of));
    }
    let found = gather(worker, found);
    let counts = gather(worker, vec![counted]);

    let Some(&Ranked { places, rank }) = ranked else { return Ok(None) };
    let mut at_rank = vec![0; places.len()];
    for (index, &r) in rank.iter().enumerate() {
        at_rank[r] = index;
    }
    let mut stats = RelateStats {
        banding: Some(relate::banding(counts.iter().find_map(|c| c.positions).map(|p| p as usize), options)),
        ..RelateStats::default()
    };
    for c in &counts {
        stats.capped_buckets += c.capped_buckets as usize;
        stats.paragraph_candidates += c.paragraph_candidates as usize;
        stats.lsh_candidates += c.lsh_candidates as usize;
        stats.verified += c.verified as usize;
    }
    let mut paragraphs: HashMap<usize, u32> = HashMap::new();
    let groups: Vec<Vec<usize>> = groups
        .into_iter()
        .map(|(ranks, count)| {
            let members: Vec<usize> = ranks.iter().map(|&r| at_rank[r as usize]).collect();
            paragraphs.insert(members[0], count);
            members
        })
        .collect();
    let verified: Vec<Relation> = found.iter().map(|f| f.relation(&at_rank)).collect();
    let paragraphs_of = |index: usize| paragraphs.get(&index).copied().unwrap_or(0);
    Ok(Some(relate::assemble(places.len(), &groups, paragraphs_of, verified, rank, stats)))
}

/// The text overlap of pairs of items, measured where the later item is: worker 0 brings
/// the pairs `(later, earlier)` (indexes in reading order) and gets back the evidence of
/// each, in their order; the other workers bring none.
pub(crate) fn measure(
    worker: &mut Worker,
    index: &Index,
    ranked: Option<&Ranked<'_>>,
    pairs: &[(usize, usize)],
    options: &RelateOptions,
) -> Result<Vec<Evidence>, String> {
    let pairs: Vec<(u32, Held, Held)> = match ranked {
        Some(ranked) => pairs
            .iter()
            .enumerate()
            .map(|(n, &(later, earlier))| (n as u32, ranked.held(later), ranked.held(earlier)))
            .collect(),
        None => Vec::new(),
    };
    let mut measured: Vec<(u32, Overlap)> = Vec::new();
    for (n, later, _, earlier_print) in with_earlier(worker, index, pairs)? {
        let (evidence, _) = relate::measure(index.at(later)?, &earlier_print, options);
        measured.push((n, Overlap::of(&evidence)));
    }
    let mut measured = gather(worker, measured);
    measured.sort_unstable_by_key(|(n, _)| *n);
    Ok(measured.iter().map(|(_, overlap)| overlap.evidence()).collect())
}

/// Brings each pair `(tag, later, earlier)` to the worker that holds its later item, with
/// the earlier item's fingerprint (taken from the worker that holds it): each pair comes
/// out as `(tag, later rank, earlier rank, earlier fingerprint)`.
fn with_earlier<T: timely::ExchangeData + Clone>(
    worker: &mut Worker,
    index: &Index,
    pairs: Vec<(T, Held, Held)>,
) -> Result<Vec<(T, u32, u32, Fingerprint)>, String> {
    let pairs = exchange(worker, pairs, |(_, _, earlier)| u64::from(earlier.worker));
    let mut with_prints = Vec::with_capacity(pairs.len());
    for (tag, later, earlier) in pairs {
        with_prints.push((tag, later, earlier.rank, index.at(earlier.rank)?.clone()));
    }
    let with_prints = exchange(worker, with_prints, |(_, later, _, _)| u64::from(later.worker));
    Ok(with_prints.into_iter().map(|(tag, later, earlier, print)| (tag, later.rank, earlier, print)).collect())
}
