//! Rewrites and same-story groups, from the content profiles ([`crate::profile`]).
//!
//! A rewrite re-words every sentence of another article, so the two share almost no
//! shingles; they still share the names, the numbers and the vocabulary, their sentences
//! still follow each other in the same order, and the rewrite adds next to nothing. Two
//! independent reports of one event share the names, numbers and vocabulary too, but each
//! adds its own facts and quotes, and their sentences do not line up.
//!
//! Candidates come from an index over the profiles: postings of every name, every number
//! and each item's most telling words, leaving out postings longer than a cap (a name in
//! every other article tells nothing). A pair is a candidate when it shares at least two
//! keys; each item keeps its best few. Each candidate is then measured on all cores: the
//! TF-IDF cosine of the profiles (document frequencies from the whole collection), the
//! shared names, numbers and quotations (leaving out those too common to single out a
//! story), the sentences that align in order, and the novelty of the later item.

use chrono::NaiveDate;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::profile::Profile;
use crate::util::KeyMap;

/// Thresholds of rewrite and same-story detection: the `[story]` section of
/// `copydesk.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoryOptions {
    /// Look for rewrites and same-story pairs at all.
    pub enabled: bool,
    /// Content words kept in each item's profile, the most frequent first.
    pub profile_terms: usize,
    /// An item's words with the highest TF-IDF weight that go into the candidate index
    /// (beside all its names and numbers).
    pub index_terms: usize,
    /// Index postings longer than this are left out: a key carried by that many items does
    /// not single out a story. Names and numbers that common do not count as shared facts
    /// either.
    pub max_posting: usize,
    /// Keys two items must share to become a candidate pair.
    pub min_shared_keys: usize,
    /// Candidates kept per item, those sharing most keys first.
    pub max_candidates: usize,
    /// Two sentences align when their word sets overlap at least this much (Dice
    /// coefficient of their stemmed content words and quantities).
    pub sentence_similarity: f64,
    /// A rewrite: TF-IDF cosine of the profiles at least this…
    pub rewrite_cosine: f64,
    /// …at least this share of the shorter item's sentences aligned in order…
    pub rewrite_aligned: f64,
    /// …and at most this share of the later item's names, numbers and quotations new. A
    /// rewrite also keeps the facts: it shares at least `same_story_facts` of them.
    pub rewrite_max_novelty: f64,
    /// The same story: TF-IDF cosine at least this…
    pub same_story_cosine: f64,
    /// …at least this many shared names…
    pub same_story_names: u32,
    /// …at least this many shared names, numbers and quotations together…
    pub same_story_facts: u32,
    /// …and at least this many sentences aligned (two reports of one event state some fact
    /// in like words).
    pub same_story_aligned: u32,
    /// Two items that quote the same words (and share `same_story_names` names) report
    /// the same statement: for them a TF-IDF cosine of this is enough.
    pub same_quote_cosine: f64,
    /// The calibrated cosine ([`StoryEvidence::cosine_z`]) at which two items report the
    /// same story, and the mean calibrated cosine between two story clusters at which they
    /// are merged into one.
    pub story_z: f64,
    /// What an item's cosine to an unrelated item is taken to be before the collection
    /// says otherwise: its mean…
    pub prior_cosine_mean: f64,
    /// …its standard deviation…
    pub prior_cosine_spread: f64,
    /// …and how many items of the collection that belief counts as. In a small collection
    /// the belief dominates; in a large one each item's own background does.
    pub prior_weight: f64,
    /// Two reports whose days lie further apart than this report different events, unless
    /// the later names the earlier's day (it tells the earlier as its background).
    pub max_event_gap_days: u32,
}

impl Default for StoryOptions {
    fn default() -> Self {
        StoryOptions {
            enabled: true,
            profile_terms: crate::profile::DEFAULT_TERMS,
            index_terms: 8,
            max_posting: 64,
            min_shared_keys: 2,
            max_candidates: 50,
            sentence_similarity: 0.22,
            rewrite_cosine: 0.3,
            rewrite_aligned: 0.5,
            rewrite_max_novelty: 0.3,
            same_story_cosine: 0.25,
            same_story_names: 2,
            same_story_facts: 3,
            same_story_aligned: 1,
            same_quote_cosine: 0.15,
            story_z: 4.0,
            prior_cosine_mean: 0.02,
            prior_cosine_spread: 0.06,
            prior_weight: 20.0,
            max_event_gap_days: 90,
        }
    }
}

/// What was measured of a pair's content profiles.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StoryEvidence {
    /// Cosine similarity of the TF-IDF weighted content words.
    pub cosine: f64,
    /// The mean cosine of the two items to the other items of the collection: what an
    /// unrelated pair of these items scores.
    pub background_cosine: f64,
    /// The calibrated cosine: how many standard deviations the cosine stands above each
    /// item's background, the mean of the two. Long and short, generic and specific items
    /// are judged alike by it.
    pub cosine_z: f64,
    /// Share of the shorter item's sentences that align, in order, with sentences of the
    /// other.
    pub aligned_sentences: f64,
    /// How many sentences align.
    pub aligned_count: u32,
    /// Sentences of the later item that the earlier carries word for word (a disclaimer,
    /// a fixed explanation, a copied line): copied text, not a report re-told.
    pub identical_sentences: u32,
    /// Names (folded spellings) both mention, other than names found in more than
    /// `max_posting` items of the collection.
    pub shared_names: u32,
    /// Numbers with their units both give (other than numbers that common).
    pub shared_numbers: u32,
    /// Quotations of the later item that the earlier one carries too.
    pub shared_quotes: u32,
    /// How many names (those not common in the collection) each item names: the later's…
    pub later_names: u32,
    /// …and the earlier's.
    pub earlier_names: u32,
    /// Similar sentences of the two items that share a figure…
    pub figures_agree: u32,
    /// …and those that each state a figure the other item does not (a templated sentence
    /// with another revenue, score or index close: "FTSE 100 rose 0.8% to 8,412" against
    /// "FTSE 100 fell 0.6% to 8,361").
    pub figures_differ: u32,
    /// Similar sentences that each name someone or somewhere the other item never names
    /// (an amber warning for Cornwall against one for Orkney).
    pub names_differ: u32,
    /// Similar sentences that share a name or a figure and differ in neither…
    pub facts_agree: u32,
    /// …and those whose figures or names differ.
    pub facts_differ: u32,
    /// Share of the later item's names, numbers and quotations absent from the earlier one.
    pub novelty: f64,
}

impl StoryEvidence {
    /// The names, numbers and quotations the two items share.
    pub fn shared_facts(&self) -> u32 {
        self.shared_names + self.shared_numbers + self.shared_quotes
    }
}

/// The verdict on a candidate pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Rewrite,
    SameStory,
}

/// How many pairs the profile index proposed and how many were measured in full.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StoryStats {
    /// Index keys left out because their postings were longer than `max_posting`.
    pub skipped_keys: usize,
    /// Pairs proposed by the profile index (not already in one copy cluster).
    pub candidates: usize,
    /// Pairs similar enough for the sentence alignment.
    pub aligned: usize,
}

/// Words with their weights, sorted by hash.
pub type Vector = [(u32, f32)];

/// The collection-wide weights of the profiles' words.
pub struct Weights {
    /// Each item's words with their TF-IDF weights, normalised to length 1, sorted by hash.
    pub vectors: Vec<Vec<(u32, f32)>>,
    /// Names found in too many items to single out a story, sorted.
    pub common_names: Vec<u32>,
    /// Numbers found in too many items, sorted.
    pub common_numbers: Vec<u32>,
}

/// The keys found in more than `limit` of the lists, sorted.
fn common(lists: impl Iterator<Item = impl Iterator<Item = u32>>, limit: usize) -> Vec<u32> {
    let mut all: Vec<u32> = lists.flatten().collect();
    all.par_sort_unstable();
    all.chunk_by(|a, b| a == b).filter(|run| run.len() > limit).map(|run| run[0]).collect()
}

impl Weights {
    /// Document frequencies over the collection, then each item's weighted vector; names
    /// and numbers found in more than `common_items` items.
    pub fn new(profiles: &[&Profile], common_items: usize) -> Weights {
        let n = profiles.iter().filter(|p| !p.is_empty()).count() as u64;
        // Counted on every core, a share of the profiles each, then added up.
        let share = profiles.len().div_ceil(rayon::current_num_threads()).max(1);
        let df: KeyMap<u32, u32> = profiles
            .par_chunks(share)
            .map(|share| {
                let mut df: KeyMap<u32, u32> = KeyMap::default();
                for &(term, _) in share.iter().flat_map(|profile| &profile.terms) {
                    *df.entry(term).or_default() += 1;
                }
                df
            })
            .reduce(KeyMap::default, |mut total, df| {
                for (term, count) in df {
                    *total.entry(term).or_default() += count;
                }
                total
            });
        // The inverse document frequency once per word.
        let idf: KeyMap<u32, f32> = df.into_iter().map(|(term, df)| (term, idf(n, u64::from(df)))).collect();
        let vectors =
            profiles.par_iter().map(|profile| weigh(profile, |term| idf.get(&term).copied().unwrap_or(1.0))).collect();
        let common_names = common(profiles.iter().map(|p| p.names.iter().map(|n| n.0)), common_items);
        let common_numbers = common(profiles.iter().map(|p| p.numbers.iter().copied()), common_items);
        Weights { vectors, common_names, common_numbers }
    }
}

/// The smoothed inverse document frequency of a word found in `df` of `n` profiles.
pub fn idf(n: u64, df: u64) -> f32 {
    (((n as f64 + 1.0) / (df as f64 + 1.0)).ln() + 1.0) as f32
}

/// A profile's words weighted by TF-IDF (sublinear term frequency, 1 + ln(count), times
/// `idf` of the word) and scaled to length 1, sorted by hash.
pub fn weigh(profile: &Profile, mut idf: impl FnMut(u32) -> f32) -> Vec<(u32, f32)> {
    let vector =
        profile.terms.iter().map(|&(term, count)| (term, (1.0 + f32::from(count.max(1)).ln()) * idf(term))).collect();
    normalised(vector)
}

/// The keys under which the candidate index files a profile: every name, every number,
/// and its `index_terms` words of highest weight. Names, numbers and words never share a
/// key; the key's upper half says which it is (see [`KeyKind`]).
pub fn index_keys(profile: &Profile, vector: &Vector, index_terms: usize) -> Vec<u64> {
    let mut keys: Vec<u64> = Vec::with_capacity(profile.names.len() + profile.numbers.len() + index_terms);
    keys.extend(profile.names.iter().map(|&(name, _)| (KeyKind::Name as u64) << 32 | name as u64));
    keys.extend(profile.numbers.iter().map(|&number| (KeyKind::Number as u64) << 32 | number as u64));
    let heaviest_first = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    let mut top: Vec<(u32, f32)> = vector.to_vec();
    if top.len() > index_terms {
        top.select_nth_unstable_by(index_terms, heaviest_first);
        top.truncate(index_terms);
    }
    top.sort_unstable_by(heaviest_first);
    keys.extend(top.iter().map(|&(term, _)| term as u64));
    keys
}

/// What an index key stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Term = 0,
    Name = 1,
    Number = 2,
}

impl KeyKind {
    /// The kind of a key and the hash it carries.
    pub fn of(key: u64) -> (KeyKind, u32) {
        let kind = match key >> 32 {
            1 => KeyKind::Name,
            2 => KeyKind::Number,
            _ => KeyKind::Term,
        };
        (kind, key as u32)
    }
}

/// A vector scaled to length 1.
fn normalised(mut vector: Vec<(u32, f32)>) -> Vec<(u32, f32)> {
    let norm = vector.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        vector.iter_mut().for_each(|(_, w)| *w /= norm);
    }
    vector
}

/// Candidate pairs `(a, b)`, `a < b`, from postings of names, numbers and top words.
/// `same_group` tells the pairs already related as copies, which are not proposed again.
///
/// Each item's keys are worked out once (choosing its top words is most of the work) and
/// held while the candidates are found, 8 bytes a key; the postings are one sorted list
/// of `(hash, item)` per kind of key, 8 bytes a posting, and no list per key is held.
pub fn candidates(
    profiles: &[&Profile],
    weights: &Weights,
    options: &StoryOptions,
    same_group: impl Fn(usize, usize) -> bool + Sync,
) -> (Vec<(u32, u32)>, StoryStats) {
    let mut stats = StoryStats::default();
    let keys: Vec<Vec<u64>> = profiles
        .par_iter()
        .zip(&weights.vectors)
        .map(|(profile, vector)| index_keys(profile, vector, options.index_terms))
        .collect();
    // In the order of their discriminants, so that `postings[kind as usize]` is a kind's.
    let kinds = [KeyKind::Term, KeyKind::Name, KeyKind::Number];
    let postings: Vec<Vec<(u32, u32)>> = kinds
        .iter()
        .map(|&kind| {
            let mut postings: Vec<(u32, u32)> = keys
                .par_iter()
                .enumerate()
                .flat_map_iter(|(item, keys)| {
                    keys.iter()
                        .map(|&key| KeyKind::of(key))
                        .filter(move |&(of, _)| of == kind)
                        .map(move |(_, hash)| (hash, item as u32))
                })
                .collect();
            postings.par_sort_unstable();
            postings
        })
        .collect();
    // Where each shared key's items lie in its kind's postings: keys of one item, or of
    // more than `max_posting`, propose nothing.
    let mut runs: KeyMap<u64, (usize, usize)> = KeyMap::default();
    for (&kind, postings) in kinds.iter().zip(&postings) {
        let mut start = 0;
        for run in postings.chunk_by(|a, b| a.0 == b.0) {
            if run.len() > options.max_posting {
                stats.skipped_keys += 1;
            } else if run.len() > 1 {
                runs.insert((kind as u64) << 32 | u64::from(run[0].0), (start, start + run.len()));
            }
            start += run.len();
        }
    }
    let pairs: Vec<(u32, u32)> = keys
        .par_iter()
        .enumerate()
        .flat_map_iter(|(item, keys)| {
            let mut others: Vec<u32> = Vec::new();
            for &key in keys {
                if let Some(&(start, end)) = runs.get(&key) {
                    let members = &postings[KeyKind::of(key).0 as usize][start..end];
                    others.extend(members.iter().map(|&(_, m)| m).filter(|&m| m as usize > item));
                }
            }
            others.sort_unstable();
            let mut counted: Vec<(u32, usize)> = Vec::new();
            for run in others.chunk_by(|a, b| a == b) {
                if run.len() >= options.min_shared_keys && !same_group(item, run[0] as usize) {
                    counted.push((run[0], run.len()));
                }
            }
            counted.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            counted.truncate(options.max_candidates);
            counted.into_iter().map(move |(other, _)| (item as u32, other))
        })
        .collect();
    stats.candidates = pairs.len();
    (pairs, stats)
}

/// When an item's event happened, as far as its dates say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventTime {
    /// The day it reports: the day its text says it reports, else its published day.
    pub day: Option<NaiveDate>,
    /// Every day its text names in full, sorted.
    pub named: Vec<NaiveDate>,
}

/// How near the earlier report's day a day the later one names must be for the later to
/// tell the earlier as its background.
const BACKGROUND_SLACK_DAYS: i64 = 3;

/// The two days, the earlier item's first, when a pair reports events too far apart in
/// time to be one: both days are known, they lie more than `max_event_gap_days` apart, and
/// the later item does not name the earlier's day.
pub fn event_gap(later: &EventTime, earlier: &EventTime, options: &StoryOptions) -> Option<(NaiveDate, NaiveDate)> {
    let (later_day, earlier_day) = (later.day?, earlier.day?);
    let gap = (later_day - earlier_day).num_days().abs();
    let names_it = later.named.iter().any(|&d| (d - earlier_day).num_days().abs() <= BACKGROUND_SLACK_DAYS);
    (gap > i64::from(options.max_event_gap_days) && !names_it).then_some((earlier_day, later_day))
}

/// An item's cosine to the unrelated items of its collection.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Background {
    pub mean: f64,
    /// The standard deviation.
    pub spread: f64,
}

/// The least standard deviation a background is given, so that no cosine is infinitely
/// far above one.
const MIN_SPREAD: f64 = 0.001;

impl Background {
    /// The background an item is given before anything is known of its collection.
    pub fn prior(options: &StoryOptions) -> Background {
        Background { mean: options.prior_cosine_mean, spread: options.prior_cosine_spread.max(MIN_SPREAD) }
    }

    /// How many standard deviations `cosine` stands above the background.
    pub fn z(&self, cosine: f64) -> f64 {
        (cosine - self.mean) / self.spread
    }
}

/// How many other items an item's sampled spread is measured on, in a large collection.
const BACKGROUND_SAMPLE: usize = 64;

/// The share of the sampled spread that an item's spread is at least.
const SAMPLED_SPREAD_SHARE: f64 = 0.5;

/// The other items item `i`'s sampled spread is measured on, not of its own copy cluster
/// (`group`): all of them in a collection of up to `BACKGROUND_SAMPLE + 1` items, else
/// `BACKGROUND_SAMPLE` picked by a fixed hash (an item may be picked twice).
fn sample(vectors: &[Vec<(u32, f32)>], i: usize, group: &[usize]) -> Vec<usize> {
    let n = vectors.len();
    let unrelated = |j: &usize| *j != i && !vectors[*j].is_empty() && (group[i] == usize::MAX || group[i] != group[*j]);
    if n <= BACKGROUND_SAMPLE + 1 {
        (0..n).filter(unrelated).collect()
    } else {
        (0..BACKGROUND_SAMPLE as u64)
            .map(|k| (crate::util::mix64(((i as u64) << 8) | k) % n as u64) as usize)
            .filter(unrelated)
            .collect()
    }
}

/// The standard deviation of `cosines`, summed in their order; 0 with fewer than two.
fn deviation(cosines: &[f64]) -> f64 {
    if cosines.len() < 2 {
        return 0.0;
    }
    let mean = cosines.iter().sum::<f64>() / cosines.len() as f64;
    let variance = cosines.iter().map(|c| (c - mean) * (c - mean)).sum::<f64>() / cosines.len() as f64;
    variance.sqrt()
}

/// The standard deviation of item `i`'s cosines to its [`sample`], one merge a cosine; 0
/// for an empty vector. [`sampled_spreads`] gives the same for every item, faster.
#[cfg(test)]
fn sampled_spread(vectors: &[Vec<(u32, f32)>], i: usize, group: &[usize]) -> f64 {
    let vector = &vectors[i];
    if vector.is_empty() {
        return 0.0;
    }
    let cosines: Vec<f64> = sample(vectors, i, group).iter().map(|&j| cosine(vector, &vectors[j])).collect();
    deviation(&cosines)
}

/// How many items' sampled spreads are measured together.
const SPREAD_BLOCK: usize = 512;

/// The sampled spread of every `wanted` item (0 for the others): the standard deviation
/// of its cosines to its [`sample`], each cosine and each sum the very one of measuring the
/// item alone.
///
/// The samples are scattered over the whole collection, and reading each sampled vector
/// where it lies waits on memory for most of the time in a large one. So the items are
/// taken in blocks: the tables of a block's items are built, and the cosines of the block
/// are computed in the order of the sampled items, each sampled vector read once a block
/// and the vectors in the order they lie in; then each item's cosines are summed in its
/// sample's order.
fn sampled_spreads(vectors: &[Vec<(u32, f32)>], group: &[usize], wanted: &[bool]) -> Vec<f64> {
    let starts: Vec<usize> = (0..vectors.len()).step_by(SPREAD_BLOCK).collect();
    starts
        .par_iter()
        .flat_map_iter(|&start| {
            let block = start..(start + SPREAD_BLOCK).min(vectors.len());
            let samples: Vec<Vec<usize>> = block
                .clone()
                .map(|i| if vectors[i].is_empty() || !wanted[i] { Vec::new() } else { sample(vectors, i, group) })
                .collect();
            let tables: Vec<Option<Terms>> = block
                .clone()
                .zip(&samples)
                .map(|(i, picked)| if picked.len() < 2 { None } else { Terms::of(&vectors[i]) })
                .collect();
            // (sampled item, item of the block, place in its sample), by sampled item.
            let mut order: Vec<(usize, usize, usize)> = samples
                .iter()
                .enumerate()
                .filter(|(_, picked)| picked.len() >= 2)
                .flat_map(|(local, picked)| picked.iter().enumerate().map(move |(k, &j)| (j, local, k)))
                .collect();
            order.sort_unstable();
            let mut cosines: Vec<Vec<f64>> = samples.iter().map(|picked| vec![0.0; picked.len()]).collect();
            for (j, local, k) in order {
                cosines[local][k] = match &tables[local] {
                    Some(terms) => terms.cosine(&vectors[j]),
                    None => cosine(&vectors[start + local], &vectors[j]),
                };
            }
            cosines.into_iter().map(|cosines| deviation(&cosines))
        })
        .collect()
}

/// The background of each item of a candidate pair: the mean of its cosine to every other
/// item (exact: its dot product with the sum of all vectors, less its own), and the
/// standard deviation from the second moment over its candidate pairs (the near
/// neighbours, where the spread that matters lies; every other pair counts as 0). Both are
/// blended with the prior of `options`, which counts as `prior_weight` items. An item of
/// no pair is given the prior unmeasured: no cosine of it is ever calibrated.
///
/// `copies` are groups of items that are one text (copy clusters, never candidates of
/// each other): an item's copies are left out of its background, from the mean as from
/// the spread, or a copied item would seem to stand far above every other pair.
///
/// Where every pair shares words (a collection of one beat, or of one template), the
/// pairs that are no candidates are far from 0 and their spread matters too: the spread
/// is at least `SAMPLED_SPREAD_SHARE` of that of the cosines to `BACKGROUND_SAMPLE` other
/// items picked by a fixed hash (all of them in a small collection).
pub fn backgrounds(
    vectors: &[Vec<(u32, f32)>],
    pairs: &[(u32, u32)],
    cosines: &[f64],
    copies: &[Vec<usize>],
    options: &StoryOptions,
) -> Vec<Background> {
    let items = vectors.iter().filter(|v| !v.is_empty()).count();
    // The items of candidate pairs, the only ones measured, and their second moments.
    let mut second = vec![0.0f64; vectors.len()];
    let mut wanted = vec![false; vectors.len()];
    for (&(a, b), &cosine) in pairs.iter().zip(cosines) {
        for item in [a as usize, b as usize] {
            second[item] += cosine * cosine;
            wanted[item] = true;
        }
    }
    // Each item's summed cosine to its own copies, and how many they are.
    let mut own_copies = vec![(0.0f64, 0usize); vectors.len()];
    for group in copies {
        for (i, &a) in group.iter().enumerate() {
            for &b in &group[i + 1..] {
                if vectors[a].is_empty() || vectors[b].is_empty() || !(wanted[a] || wanted[b]) {
                    continue;
                }
                let cos = cosine(&vectors[a], &vectors[b]);
                for item in [a, b] {
                    own_copies[item].0 += cos;
                    own_copies[item].1 += 1;
                }
            }
        }
    }
    let mut sum: KeyMap<u32, f64> = KeyMap::default();
    for vector in vectors {
        for &(term, weight) in vector {
            *sum.entry(term).or_default() += f64::from(weight);
        }
    }
    let (prior_mean, prior_spread, prior_weight) =
        (options.prior_cosine_mean, options.prior_cosine_spread, options.prior_weight.max(0.0));
    let mut group = vec![usize::MAX; vectors.len()];
    for (number, members) in copies.iter().enumerate() {
        for &member in members {
            group[member] = number;
        }
    }
    let sampled = sampled_spreads(vectors, &group, &wanted);
    vectors
        .par_iter()
        .zip(second)
        .zip(own_copies)
        .zip(sampled)
        .zip(wanted)
        .map(|((((vector, second), (copied, copies)), sampled), wanted)| {
            if !wanted {
                return Background::prior(options);
            }
            let others = items.saturating_sub(1 + copies) as f64;
            let (mean, second, weight) = if vector.is_empty() || others == 0.0 {
                (0.0, 0.0, 0.0)
            } else {
                let dot: f64 =
                    vector.iter().map(|&(term, w)| f64::from(w) * sum.get(&term).copied().unwrap_or(0.0)).sum();
                let own: f64 = vector.iter().map(|&(_, w)| f64::from(w) * f64::from(w)).sum();
                ((dot - own - copied).max(0.0) / others, second / others, others)
            };
            let total = weight + prior_weight;
            if total == 0.0 {
                return Background::prior(options);
            }
            let mean = (prior_weight * prior_mean + weight * mean) / total;
            let second =
                (prior_weight * (prior_spread * prior_spread + prior_mean * prior_mean) + weight * second) / total;
            let spread = (second - mean * mean).max(MIN_SPREAD * MIN_SPREAD).sqrt();
            Background { mean, spread: spread.max(SAMPLED_SPREAD_SHARE * sampled) }
        })
        .collect()
}

/// Cosine of two weighted vectors sorted by hash.
///
/// The merge steps without branching on the order of the two terms (which a branch
/// predictor cannot guess): each step adds the product or nothing and advances the side
/// or sides holding the smaller term. The products are added in the same order as a
/// branching merge adds them.
pub fn cosine(a: &[(u32, f32)], b: &[(u32, f32)]) -> f64 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let ((x, u), (y, v)) = (a[i], b[j]);
        let product = f64::from(u) * f64::from(v);
        dot += if x == y { product } else { 0.0 };
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    dot.min(1.0)
}

/// A weighted vector in a small open-addressing table, for many cosines with it: each
/// term of the other vector is looked up in a few bytes held in the first level cache,
/// where a merge steps through both vectors.
///
/// A term lies at most `LANES - 1` slots past its home slot (the table does not wrap: it
/// ends in `LANES - 1` spare slots), so a lookup reads the `LANES` slots from home and
/// keeps the weight of the one that holds the term, without a branch: whether a term is
/// there is as hard for a branch predictor to guess as a coin.
struct Terms {
    keys: Vec<u32>,
    weights: Vec<f32>,
    mask: usize,
}

impl Terms {
    /// What marks a free slot.
    const FREE: u32 = u32::MAX;
    /// How many slots a lookup reads.
    const LANES: usize = 8;

    /// The table of `vector`; `None` when a term is the free mark, or when a term would
    /// lie `LANES` or more slots past its home.
    fn of(vector: &[(u32, f32)]) -> Option<Terms> {
        let size = (4 * vector.len()).next_power_of_two().max(16);
        let slots = size + Self::LANES - 1;
        let mut terms = Terms { keys: vec![Self::FREE; slots], weights: vec![0.0; slots], mask: size - 1 };
        for &(term, weight) in vector {
            if term == Self::FREE {
                return None;
            }
            let home = term as usize & terms.mask;
            let free = terms.keys[home..home + Self::LANES].iter().position(|&key| key == Self::FREE)?;
            terms.keys[home + free] = term;
            terms.weights[home + free] = weight;
        }
        Some(terms)
    }

    /// The weight of `term`, 0 when the vector does not hold it.
    #[inline]
    fn weight(&self, term: u32) -> f32 {
        let home = term as usize & self.mask;
        let keys = &self.keys[home..home + Self::LANES];
        let weights = &self.weights[home..home + Self::LANES];
        // At most one slot holds the term: the bits of its weight, or of 0, are those of
        // every slot's masked by whether it holds the term, put together with OR (which,
        // unlike a sum of floats, may be taken in any order, so it runs in vector lanes).
        let bits = keys
            .iter()
            .zip(weights)
            .fold(0u32, |bits, (&key, &weight)| bits | (weight.to_bits() & 0u32.wrapping_sub(u32::from(key == term))));
        f32::from_bits(bits)
    }

    /// [`cosine`] of the table's vector (first) and `other`: the same products, added in
    /// the same order (`other`'s, which is the order of the terms). A term the table does
    /// not hold adds 0 to a sum of products that are never negative, which leaves it as
    /// it was, bit for bit.
    fn cosine(&self, other: &[(u32, f32)]) -> f64 {
        let mut dot = 0.0f64;
        for &(term, v) in other {
            dot += f64::from(self.weight(term)) * f64::from(v);
        }
        dot.min(1.0)
    }
}

/// How many elements two sorted slices share.
pub fn shared<T: Ord + Copy>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Dice coefficient of two sorted word sets.
fn dice(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    2.0 * shared(a, b) as f64 / (a.len() + b.len()) as f64
}

/// How many sentences of `a` have the very words of a sentence of `b`.
pub fn identical(a: &Profile, b: &Profile) -> usize {
    let theirs: std::collections::HashSet<&[u32]> = (0..b.sentence_count()).map(|j| b.sentence(j)).collect();
    (0..a.sentence_count()).filter(|&i| theirs.contains(a.sentence(i))).count()
}

/// The most sentences of `a` and `b` that can be paired in order, each pair at least
/// `floor` similar: a longest common subsequence over sentence pairs.
pub fn align(a: &Profile, b: &Profile, floor: f64) -> usize {
    align_and_match(a, b, floor).0
}

/// [`align`], and for each sentence of `a` the most similar sentence of `b` at least
/// `floor` similar (the first of equals), from the same comparisons.
///
/// Only the sentence pairs that share a word are compared (a pair that shares none is
/// similar at no floor above 0), and the longest chain of similar pairs is found from
/// them alone (Hunt and Szymanski): the work follows the words the two items share, not
/// the product of their lengths.
pub fn align_and_match(a: &Profile, b: &Profile, floor: f64) -> (usize, Vec<Option<u32>>) {
    let (n, m) = (a.sentence_count(), b.sentence_count());
    let mut matches: Vec<Option<u32>> = vec![None; n];
    if n == 0 || m == 0 {
        return (0, matches);
    }
    let lengths: Vec<usize> = (0..m).map(|j| b.sentence(j).len()).collect();
    // The sentences of `b` that hold each word, as `word << 32 | sentence`, sorted: the
    // words a sentence of `a` shares with every sentence of `b` are then counted in one
    // pass over its own words.
    let mut postings: Vec<u64> = Vec::with_capacity(lengths.iter().sum());
    for j in 0..m {
        postings.extend(b.sentence(j).iter().map(|&word| u64::from(word) << 32 | j as u64));
    }
    postings.sort_unstable();
    // Which words `b` may hold (a bit per word hash modulo 4,096): most words of `a` are
    // not in `b`, and are passed over without a search.
    let mut held = [0u64; 64];
    for &p in &postings {
        held[(p >> 38) as usize & 63] |= 1 << ((p >> 32) & 63);
    }
    let mut shared_words = vec![0u32; m];
    // The sentences of `b` compared with the sentence of `a` at hand, and those similar.
    let mut compared: Vec<u32> = Vec::new();
    let mut similar: Vec<u32> = Vec::new();
    // `ends[k]`: the first sentence of `b` at which a chain of k + 1 similar pairs, in
    // order in both items, can end so far.
    let mut ends: Vec<u32> = Vec::new();
    for (i, matched) in matches.iter_mut().enumerate() {
        let s = a.sentence(i);
        compared.clear();
        // A sentence's words are sorted: each is looked for after the one before.
        let (mut from, mut last) = (0, 0);
        for &word in s {
            if held[(word >> 6) as usize & 63] & 1 << (word & 63) == 0 {
                continue;
            }
            if word < last {
                from = 0;
            }
            last = word;
            let key = u64::from(word) << 32;
            from += postings[from..].partition_point(|&p| p < key);
            for &p in postings[from..].iter().take_while(|&&p| p >> 32 == u64::from(word)) {
                let j = (p & u64::from(u32::MAX)) as u32;
                if shared_words[j as usize] == 0 {
                    compared.push(j);
                }
                shared_words[j as usize] += 1;
            }
        }
        if floor <= 0.0 {
            // Every pair reaches such a floor, sharing words or not.
            compared.clear();
            compared.extend(0..m as u32);
        } else {
            compared.sort_unstable();
        }
        similar.clear();
        let mut top = 0.0;
        for &j in &compared {
            let shared = std::mem::take(&mut shared_words[j as usize]);
            // `dice(s, t)`, from the shared words counted above (sentences are sorted
            // word sets).
            let d = 2.0 * f64::from(shared) / (s.len() + lengths[j as usize]) as f64;
            if d >= floor {
                similar.push(j);
                if matched.is_none() || d > top {
                    (*matched, top) = (Some(j), d);
                }
            }
        }
        // Last to first, so that one sentence of `a` extends a chain once at most.
        for &j in similar.iter().rev() {
            let k = ends.partition_point(|&end| end < j);
            match ends.get_mut(k) {
                Some(end) => *end = j,
                None => ends.push(j),
            }
        }
    }
    (ends.len(), matches)
}

/// How alike the frames of two sentences must be (Dice coefficient of their words but
/// their figures) for them to tell one frame of two events: a template filled in twice.
/// Two reports of one event rarely word a sentence that alike, unless they copy it.
pub const ONE_FRAME: f64 = 0.5;

/// What the similar sentences of two items say of their facts ([`compare_facts`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// Similar sentences sharing a figure.
    pub figures_agree: u32,
    /// Similar sentences each stating a figure the other item does not state.
    pub figures_differ: u32,
    /// Similar sentences each naming someone or somewhere the other item never names.
    pub names_differ: u32,
    /// Similar sentences sharing a name or a figure, and differing in neither.
    pub agree: u32,
    /// Similar sentences differing in their figures or their names.
    pub differ: u32,
    /// The first sentences (of the later item, of the earlier) whose figures differ,
    /// those attached to a name they share first…
    pub figures_example: Option<(u32, u32)>,
    /// …and the first whose names differ.
    pub names_example: Option<(u32, u32)>,
}

/// What a sentence says, for [`compare_facts`]: its frame, the words that
/// are neither figures nor the distinctive words of names (what a template keeps when it
/// is filled in again); and its names and figures that are not too common in the
/// collection.
struct Said {
    frame: Vec<u32>,
    names: Vec<u32>,
    figures: Vec<u32>,
}

fn said(profile: &Profile, i: usize, weights: &Weights) -> Said {
    let (mut frame, mut figures) = (Vec::new(), Vec::new());
    let name_stems = profile.sentence_name_stems(i);
    for &k in profile.sentence(i) {
        if profile.numbers.binary_search(&k).is_ok() {
            if weights.common_numbers.binary_search(&k).is_err() {
                figures.push(k);
            }
        } else if !name_stems.contains(&k) {
            frame.push(k);
        }
    }
    let names =
        profile.sentence_names(i).iter().copied().filter(|k| weights.common_names.binary_search(k).is_err()).collect();
    Said { frame, names, figures }
}

fn names_of(profile: &Profile, key: u32) -> bool {
    profile.names.binary_search_by_key(&key, |n| n.0).is_ok()
}

/// Compares the facts of similar sentences: for each sentence of `later` that names
/// someone or states a figure, the most similar sentence of `earlier` (`matches`, from
/// [`align_and_match`]). Two sentences of one frame (their words but
/// their figures and the distinctive words of their names at least `frame` alike) differ
/// in their figures when each states a figure the other item states nowhere ("rose 0.8%
/// to 8,412" against "fell 0.6% to 8,361"), and in their names when each names someone or somewhere the other item
/// never names ("amber warning for Cornwall" against "for Orkney"). Two similar
/// sentences agree when they share a figure, or a name without other figures attached,
/// and differ in neither. Names and
/// figures common in the collection do not count.
pub fn compare_facts(
    (later, earlier): (&Profile, &Profile),
    matches: &[Option<u32>],
    frame: f64,
    weights: &Weights,
) -> Facts {
    let mut theirs: Vec<Option<Said>> = (0..earlier.sentence_count()).map(|_| None).collect();
    let mut facts = Facts::default();
    let mut example_named = false;
    for (i, &matched) in matches.iter().enumerate().take(later.sentence_count()) {
        let Some(j) = matched.map(|j| j as usize).filter(|&j| j < theirs.len()) else { continue };
        let mine = said(later, i, weights);
        if mine.names.is_empty() && mine.figures.is_empty() {
            continue;
        }
        let other = theirs[j].get_or_insert_with(|| said(earlier, j, weights));
        let one_frame = dice(&mine.frame, &other.frame) >= frame;
        let share_name = shared(&mine.names, &other.names) > 0;
        let other_figures = mine.figures.iter().any(|k| earlier.numbers.binary_search(k).is_err())
            && other.figures.iter().any(|k| later.numbers.binary_search(k).is_err());
        let figures_differ = one_frame && other_figures;
        let names_differ = one_frame
            && mine.names.iter().any(|&k| !names_of(earlier, k))
            && other.names.iter().any(|&k| !names_of(later, k));
        let share_figure = shared(&mine.figures, &other.figures) > 0;
        facts.figures_agree += u32::from(share_figure);
        facts.figures_differ += u32::from(figures_differ);
        facts.names_differ += u32::from(names_differ);
        if figures_differ || names_differ {
            facts.differ += 1;
        } else if share_figure || (share_name && !other_figures) {
            // A name shared with other figures attached ("Hoshida Motor rose 2.1%" against
            // "Hoshida Motor lost 2.4%") is the same company on another day as often as
            // one event told twice: no agreement.
            facts.agree += 1;
        }
        let pair = Some((i as u32, j as u32));
        if figures_differ && (facts.figures_example.is_none() || (share_name && !example_named)) {
            facts.figures_example = pair;
            example_named = share_name;
        }
        if names_differ && facts.names_example.is_none() {
            facts.names_example = pair;
        }
    }
    facts
}

/// How many written forms a reason lists of each side.
const SHOWN: usize = 4;

/// What differs between sentence `i` of `later` and sentence `j` of `earlier`, in words:
/// the figures (or the names) each states that the other item does not, at most `SHOWN`
/// in alphabetical order, and for figures a name both sentences share (the first in that
/// order). Returns (shared name, earlier's, later's).
pub fn written_differences(
    (later, earlier): (&Profile, &Profile),
    (i, j): (u32, u32),
    weights: &Weights,
    names: bool,
) -> (Option<String>, String, String) {
    let Said { names: later_names, figures: later_figures, .. } = said(later, i as usize, weights);
    let Said { names: earlier_names, figures: earlier_figures, .. } = said(earlier, j as usize, weights);
    let list = |profile: &Profile, other: &Profile, keys: &[u32]| -> String {
        let mut shown: Vec<&str> = keys
            .iter()
            .filter(|&&k| if names { !names_of(other, k) } else { other.numbers.binary_search(&k).is_err() })
            .filter_map(|&k| if names { profile.name_text(k) } else { profile.number_text(k) })
            .collect();
        shown.sort_unstable();
        shown.truncate(SHOWN);
        shown.join(", ")
    };
    if names {
        (None, list(earlier, later, &earlier_names), list(later, earlier, &later_names))
    } else {
        let name = later_names
            .iter()
            .filter(|k| earlier_names.binary_search(k).is_ok())
            .filter_map(|&k| later.name_text(k))
            .min()
            .map(str::to_string);
        (name, list(earlier, later, &earlier_figures), list(later, earlier, &later_figures))
    }
}

/// Words two quotations must share to be one…
const QUOTE_MIN_SHARED: usize = 4;
/// …and the share of the shorter one's words.
const QUOTE_MIN_SHARE: f64 = 0.5;

/// Whether two quotations are one (perhaps translated or cut differently): they share at
/// least four words and half of the shorter one's words.
fn same_quote(a: &[u32], b: &[u32]) -> bool {
    let both = shared(a, b);
    both >= QUOTE_MIN_SHARED && both as f64 >= QUOTE_MIN_SHARE * a.len().min(b.len()) as f64
}

/// Measures a pair given the later and the earlier item's profiles, their cosine and
/// their backgrounds.
pub fn measure(
    (later, earlier): (&Profile, &Profile),
    cos: f64,
    (later_background, earlier_background): (Background, Background),
    weights: &Weights,
    options: &StoryOptions,
) -> StoryEvidence {
    let uncommon = |keys: &mut dyn Iterator<Item = u32>, common: &[u32]| -> Vec<u32> {
        keys.filter(|k| common.binary_search(k).is_err()).collect()
    };
    let later_names = uncommon(&mut later.names.iter().map(|n| n.0), &weights.common_names);
    let earlier_names = uncommon(&mut earlier.names.iter().map(|n| n.0), &weights.common_names);
    let later_numbers = uncommon(&mut later.numbers.iter().copied(), &weights.common_numbers);
    let earlier_numbers = uncommon(&mut earlier.numbers.iter().copied(), &weights.common_numbers);
    let shared_names = shared(&later_names, &earlier_names);
    let shared_numbers = shared(&later_numbers, &earlier_numbers);
    let shared_quotes =
        later.quotes.iter().filter(|q| earlier.quotes.iter().any(|e| same_quote(&q.words, &e.words))).count();
    let (aligned, matches) = align_and_match(later, earlier, options.sentence_similarity);
    let facts_compared = compare_facts((later, earlier), &matches, ONE_FRAME, weights);
    let shorter = later.sentence_count().min(earlier.sentence_count());
    let facts = later_names.len() + later_numbers.len() + later.quotes.len();
    let novel = facts - shared_names - shared_numbers - shared_quotes;
    StoryEvidence {
        cosine: round(cos),
        background_cosine: round((later_background.mean + earlier_background.mean) / 2.0),
        cosine_z: round(calibrated(cos, later_background, earlier_background)),
        aligned_sentences: if shorter == 0 { 0.0 } else { round(aligned as f64 / shorter as f64) },
        aligned_count: aligned as u32,
        identical_sentences: identical(later, earlier).min(aligned) as u32,
        shared_names: shared_names as u32,
        shared_numbers: shared_numbers as u32,
        shared_quotes: shared_quotes as u32,
        later_names: later_names.len() as u32,
        earlier_names: earlier_names.len() as u32,
        figures_agree: facts_compared.figures_agree,
        figures_differ: facts_compared.figures_differ,
        names_differ: facts_compared.names_differ,
        facts_agree: facts_compared.agree,
        facts_differ: facts_compared.differ,
        novelty: if facts == 0 { 0.0 } else { round(novel as f64 / facts as f64) },
    }
}

/// The calibrated cosine of a pair: the mean over its two items of how many standard
/// deviations the cosine stands above the item's background.
pub fn calibrated(cosine: f64, a: Background, b: Background) -> f64 {
    (a.z(cosine) + b.z(cosine)) / 2.0
}

/// Whether a pair is worth measuring in full: it may be a rewrite or the same story.
pub fn worth_measuring(cosine: f64, z: f64, options: &StoryOptions) -> bool {
    z >= options.story_z
        || cosine >= options.rewrite_cosine.min(options.same_story_cosine).min(options.same_quote_cosine)
}

/// The verdict on measured evidence, if any.
pub fn classify(evidence: &StoryEvidence, options: &StoryOptions) -> Option<Verdict> {
    let facts = evidence.shared_facts();
    let story = evidence.cosine_z >= options.story_z;
    if story
        && evidence.cosine >= options.rewrite_cosine
        && evidence.aligned_sentences >= options.rewrite_aligned
        && evidence.novelty <= options.rewrite_max_novelty
        && facts >= options.same_story_facts
    {
        Some(Verdict::Rewrite)
    } else if (standing_out(evidence, options) || specific(evidence, options))
        && retold(evidence) >= options.same_story_aligned
    {
        Some(Verdict::SameStory)
    } else {
        None
    }
}

/// The aligned sentences that are told again in other words: what says two reports tell
/// one event. Sentences carried word for word are copied text, which the copy stage
/// judges; shared template text says nothing of the event.
fn retold(evidence: &StoryEvidence) -> u32 {
    evidence.aligned_count.saturating_sub(evidence.identical_sentences)
}

/// Whether a pair's text stands out from its collection enough to report one story: the
/// calibrated cosine reaches `story_z`, the pair shares `same_story_facts` facts or one
/// aligned sentence more than `same_story_aligned` asks (one shared sentence and a town's
/// name are what two local stories of one place have in common), and at least one name
/// or quotation: an event happens to someone, somewhere.
fn standing_out(evidence: &StoryEvidence, options: &StoryOptions) -> bool {
    let facts = evidence.shared_facts();
    evidence.cosine_z >= options.story_z
        && (facts >= options.same_story_facts || retold(evidence) > options.same_story_aligned)
        && evidence.shared_names + evidence.shared_quotes > 0
}

/// The fewest names each item of a pair must name for the pair, sharing none of them, to
/// be about different people and places.
const NAMES_TO_DIFFER: u32 = 2;

/// The fewest similar sentences whose names or figures differ that make a pair two
/// events told in one frame (two days' market close, two regions' warnings), when they
/// are more than the similar sentences that agree. Reports of one event that is still
/// unfolding differ in a figure or two (a toll, a count), and agree in more.
const FACTS_TO_DIFFER: u32 = 2;

/// Why the measured facts of a pair say it reports two events, whatever its words share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Apart {
    /// Both items name people and places, and none of the same.
    NoNameShared,
    /// Similar sentences state other figures, more of them than agree.
    FiguresDiffer,
    /// Similar sentences name other people or places, more of them than agree.
    NamesDiffer,
}

/// Whether a pair's facts conflict: both items name people and places and share none of
/// them; or `FACTS_TO_DIFFER` of their similar sentences, and more than agree, differ in
/// their figures (a revenue, a score, a price) or in their names (a region, a club).
pub fn apart(evidence: &StoryEvidence) -> Option<Apart> {
    if evidence.shared_names == 0
        && evidence.later_names >= NAMES_TO_DIFFER
        && evidence.earlier_names >= NAMES_TO_DIFFER
    {
        Some(Apart::NoNameShared)
    } else if evidence.facts_differ >= FACTS_TO_DIFFER && evidence.facts_differ > evidence.facts_agree {
        Some(if evidence.figures_differ >= evidence.names_differ { Apart::FiguresDiffer } else { Apart::NamesDiffer })
    } else {
        None
    }
}

/// Whether a pair shares enough specific facts to report one story whatever its
/// collection: `same_story_names` names and `same_story_facts` facts at a cosine of
/// `same_story_cosine`, or a quotation at `same_quote_cosine`. This is what holds a small
/// collection together, where no background can be measured.
pub fn specific(evidence: &StoryEvidence, options: &StoryOptions) -> bool {
    let facts = evidence.shared_facts();
    evidence.shared_names >= options.same_story_names
        && ((evidence.cosine >= options.same_story_cosine && facts >= options.same_story_facts)
            || (evidence.cosine >= options.same_quote_cosine && evidence.shared_quotes > 0))
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::profile;

    fn p(text: &str) -> Profile {
        profile(None, text.lines(), crate::profile::DEFAULT_TERMS)
    }

    const ORIGIN: &str = "The harbour board approved a new ferry terminal on Monday after a long debate.\n\
        Construction will cost 48 million euros and start in the spring.\n\
        Mayor Ingrid Solberg said the terminal would double the number of crossings.\n\
        Local fishermen protested outside the town hall during the vote.";

    #[test]
    fn aligns_reworded_sentences_in_order() {
        let rewrite = p("On Monday, after lengthy discussion, the board of the harbour gave its approval to a new terminal for ferries.\n\
            Building work, costing 48 million euros, is due to begin in spring.\n\
            According to Mayor Ingrid Solberg, crossings will double thanks to the terminal.\n\
            During the vote, local fishermen staged a protest outside the town hall.");
        let origin = p(ORIGIN);
        assert_eq!(origin.sentence_count(), 4);
        assert_eq!(align(&rewrite, &origin, 0.25), 4);
        // The same sentences in another order align only as far as the order allows.
        let shuffled = p("Local fishermen protested outside the town hall during the vote.\n\
            Mayor Ingrid Solberg said the terminal would double the number of crossings.\n\
            Construction will cost 48 million euros and start in the spring.\n\
            The harbour board approved a new ferry terminal on Monday after a long debate.");
        assert_eq!(align(&shuffled, &origin, 0.25), 1);
        let unrelated = p("The orchestra opened its season with a programme of Sibelius symphonies.\n\
            Tickets sold out within hours of going on sale last month.");
        assert_eq!(align(&unrelated, &origin, 0.25), 0);
    }

    /// The alignment as a full table over every pair of sentences, as it is defined.
    fn align_by_table(a: &Profile, b: &Profile, floor: f64) -> (usize, Vec<Option<u32>>) {
        let (n, m) = (a.sentence_count(), b.sentence_count());
        let mut table = vec![vec![0usize; m + 1]; n + 1];
        let mut matches = vec![None; n];
        for i in 0..n {
            let mut top = 0.0;
            for j in 0..m {
                let (s, t) = (a.sentence(i), b.sentence(j));
                let d = 2.0 * shared(s, t) as f64 / (s.len() + t.len()) as f64;
                table[i + 1][j + 1] = table[i][j + 1].max(table[i + 1][j]);
                if d >= floor {
                    table[i + 1][j + 1] = table[i + 1][j + 1].max(table[i][j] + 1);
                    if matches[i].is_none() || d > top {
                        (matches[i], top) = (Some(j as u32), d);
                    }
                }
            }
        }
        (table[n][m], matches)
    }

    /// A reproducible stream of numbers below a bound (xorshift from `state`).
    fn below_from(mut state: u64) -> impl FnMut(u64) -> u64 {
        move |below| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % below
        }
    }

    #[test]
    fn the_alignment_from_shared_words_is_the_one_of_the_full_table() {
        // Sentences of a few words from a small vocabulary, so that many pairs share some.
        let mut next = below_from(0x2545_f491_4f6c_dd1d);
        let words =
            ["harbour", "ferry", "board", "terminal", "vote", "mayor", "crossing", "euros", "spring", "fishermen"];
        let mut text = |sentences: u64| -> String {
            (0..sentences)
                .map(|_| {
                    let sentence: Vec<&str> =
                        (0..3 + next(6)).map(|_| words[next(words.len() as u64) as usize]).collect();
                    format!("The {} said.", sentence.join(" "))
                })
                .collect::<Vec<_>>()
                .join("\n")
        };
        for round in 0..200 {
            let (a, b) = (p(&text(1 + round % 12)), p(&text(1 + round % 9)));
            for floor in [0.0, 0.25, 0.5, 0.8] {
                assert_eq!(
                    align_and_match(&a, &b, floor),
                    align_by_table(&a, &b, floor),
                    "round {round}, floor {floor}"
                );
            }
        }
    }

    /// `vector` with its terms spread so that several share a home slot, in order.
    fn crowded(vector: &[(u32, f32)], round: u64) -> Vec<(u32, f32)> {
        vector.iter().map(|&(term, weight)| ((term % 5) + ((term + round as u32 % 3) << 12), weight)).collect()
    }

    #[test]
    fn the_cosine_adds_the_products_of_the_shared_terms_in_order() {
        let mut next = below_from(0x9e37_79b9_7f4a_7c15);
        // Terms from a small range, so that vectors share some; each vector sorted, no term twice.
        let mut vector = |len: u64| -> Vec<(u32, f32)> {
            let mut terms: Vec<u32> = (0..len).map(|_| next(40) as u32).collect();
            terms.sort_unstable();
            terms.dedup();
            terms.into_iter().map(|t| (t, (1 + next(1000)) as f32 / 4000.0)).collect()
        };
        for round in 0..500 {
            let (a, b) = (vector(round % 30), vector(round % 17));
            let mut dot = 0.0f64;
            for &(term, u) in &a {
                if let Some(&(_, v)) = b.iter().find(|&&(other, _)| other == term) {
                    dot += f64::from(u) * f64::from(v);
                }
            }
            assert_eq!(cosine(&a, &b).to_bits(), dot.min(1.0).to_bits(), "round {round}: {a:?} {b:?}");
            let table = Terms::of(&a).expect("no term is the free mark");
            assert_eq!(table.cosine(&b).to_bits(), cosine(&a, &b).to_bits(), "round {round}: {a:?} {b:?}");
            // The same terms shifted to share home slots (the table has at least 16).
            let (a, b) = (crowded(&a, round), crowded(&b, round));
            if let Some(table) = Terms::of(&a) {
                assert_eq!(table.cosine(&b).to_bits(), cosine(&a, &b).to_bits(), "round {round}: {a:?} {b:?}");
            }
        }
        assert!(Terms::of(&[(7, 0.5), (u32::MAX, 0.5)]).is_none(), "the free mark is no term");
        let too_many: Vec<(u32, f32)> = (0..Terms::LANES as u32 + 1).map(|k| (k << 16, 0.1)).collect();
        assert!(Terms::of(&too_many).is_none(), "a term too far from home leaves the table unbuilt");
        let just_enough = &too_many[..Terms::LANES];
        let table = Terms::of(just_enough).expect("every term within reach of home");
        assert_eq!(table.cosine(just_enough).to_bits(), cosine(just_enough, just_enough).to_bits());
    }

    #[test]
    fn classifies_measured_evidence() {
        let options = StoryOptions::default();
        let rewrite = StoryEvidence {
            cosine: 0.55,
            background_cosine: 0.03,
            cosine_z: 8.0,
            aligned_sentences: 0.9,
            aligned_count: 9,
            identical_sentences: 0,
            shared_names: 8,
            shared_numbers: 6,
            shared_quotes: 0,
            later_names: 10,
            earlier_names: 9,
            figures_agree: 3,
            figures_differ: 1,
            names_differ: 0,
            facts_agree: 5,
            facts_differ: 1,
            novelty: 0.1,
        };
        assert_eq!(classify(&rewrite, &options), Some(Verdict::Rewrite));
        // The same text in a collection where such cosines are common is no rewrite.
        let common = StoryEvidence { cosine_z: 2.0, ..rewrite };
        assert_eq!(classify(&common, &options), Some(Verdict::SameStory), "its specific facts still tie it");
        let same_story =
            StoryEvidence { aligned_sentences: 0.2, aligned_count: 2, novelty: 0.7, cosine: 0.4, ..rewrite };
        assert_eq!(classify(&same_story, &options), Some(Verdict::SameStory));
        // Same topic, nothing specific in common, and a cosine usual in its collection.
        let same_topic = StoryEvidence { shared_names: 1, shared_numbers: 0, cosine_z: 2.0, ..same_story };
        assert_eq!(classify(&same_topic, &options), None);
        // The same text far above its background stands in for the missing names.
        let standing_out = StoryEvidence { cosine_z: 6.0, ..same_topic };
        assert_eq!(classify(&standing_out, &options), Some(Verdict::SameStory));
        // Not without one name or quotation in common: text alone tells of no event.
        let nameless = StoryEvidence { shared_names: 0, shared_quotes: 0, ..standing_out };
        assert_eq!(classify(&nameless, &options), None);
        // But one sentence and a name in common are what two stories of one town share.
        let one_place = StoryEvidence { aligned_count: 1, ..standing_out };
        assert_eq!(classify(&one_place, &options), None);
        // Sentences carried word for word (a fixed explanation) are not a report re-told.
        let template = StoryEvidence { aligned_count: 3, identical_sentences: 2, ..standing_out };
        assert_eq!(classify(&template, &options), None);
        // A shared quotation says the same statement is reported, at a lower cosine.
        let quoted = StoryEvidence {
            cosine: 0.2,
            cosine_z: 2.0,
            shared_names: 3,
            shared_numbers: 0,
            shared_quotes: 1,
            ..same_story
        };
        assert_eq!(classify(&quoted, &options), Some(Verdict::SameStory));
        // Not one sentence in common: the same people and figures, another event.
        let apart = StoryEvidence { aligned_sentences: 0.0, aligned_count: 0, ..same_story };
        assert_eq!(classify(&apart, &options), None);
    }

    #[test]
    fn calibrates_cosines_to_each_background() {
        let options = StoryOptions::default();
        let prior = Background::prior(&options);
        assert!((prior.z(options.prior_cosine_mean + options.prior_cosine_spread) - 1.0).abs() < 1e-9);
        // A generic item sits among many similar ones: the same cosine means less for it.
        let generic = Background { mean: 0.2, spread: 0.1 };
        let specific = Background { mean: 0.02, spread: 0.05 };
        assert!(calibrated(0.4, specific, specific) > calibrated(0.4, generic, specific));
        assert!(calibrated(0.4, generic, specific) > calibrated(0.4, generic, generic));
        assert!((calibrated(0.4, generic, generic) - 2.0).abs() < 1e-9);
    }

    #[test]
    fn backgrounds_follow_the_collection_and_lean_on_the_prior_when_small() {
        let options = StoryOptions::default();
        // Two items alone: almost all prior.
        let vectors = vec![vec![(1, 1.0f32)], vec![(1, 0.6f32), (2, 0.8f32)]];
        let pairs = [(0, 1)];
        let cosines = [cosine(&vectors[0], &vectors[1])];
        let small = backgrounds(&vectors, &pairs, &cosines, &[], &options);
        let prior = Background::prior(&options);
        assert!(small[0].mean > prior.mean && small[0].mean < cosines[0]);
        let no_prior = StoryOptions { prior_weight: 0.0, ..options };
        let measured = backgrounds(&vectors, &pairs, &cosines, &[], &no_prior);
        assert!((measured[0].mean - cosines[0]).abs() < 1e-6, "{measured:?}");
        assert!(measured[0].spread < 0.01, "one other item: no spread beyond the floor");
    }

    fn weights_of(profiles: &[&Profile]) -> Weights {
        Weights::new(profiles, 64)
    }

    fn facts(later: &Profile, earlier: &Profile, weights: &Weights) -> Facts {
        let (_, matches) = align_and_match(later, earlier, StoryOptions::default().sentence_similarity);
        compare_facts((later, earlier), &matches, ONE_FRAME, weights)
    }

    #[test]
    fn similar_sentences_are_compared_by_their_figures() {
        let first = p("The ferry company reported quarterly revenue of 412 million euros on Tuesday.\n\
            Net profit rose to 38 million euros from 31 million euros a year earlier.\n\
            The company kept its forecast for the year.");
        let template = p("The ferry company reported quarterly revenue of 377 million euros on Tuesday.\n\
            Net profit fell to 12 million euros from 29 million euros a year earlier.\n\
            The company kept its forecast for the year.");
        let retold = p("On Tuesday the ferry company reported revenue of 412 million euros for the quarter.\n\
            Net profit rose to 38 million euros, the company said.");
        let weights = weights_of(&[&first, &template, &retold]);
        let compared = facts(&template, &first, &weights);
        assert_eq!((compared.figures_agree, compared.figures_differ, compared.agree, compared.differ), (0, 2, 0, 2));
        assert_eq!(compared.figures_example, Some((0, 0)));
        let compared = facts(&retold, &first, &weights);
        assert_eq!((compared.figures_agree, compared.figures_differ, compared.agree, compared.differ), (2, 0, 2, 0));
        // A figure common in the collection says nothing.
        let common = Weights { common_numbers: retold.numbers.clone(), ..weights_of(&[&first, &retold]) };
        assert_eq!(facts(&retold, &first, &common).figures_agree, 0);
    }

    #[test]
    fn a_figure_attached_to_an_index_is_compared_and_its_label_is_not() {
        // Two days of one templated market report: the index's label is the same, its close is not.
        let monday = p("The FTSE 100 index rose 0.8 percent to 8,412 points, while the FTSE 250 gained 0.5 percent.\n\
            Sterling was little changed at $1.2710, and the yield on the 10-year gilt eased to 4.12 percent.");
        let tuesday = p("The FTSE 100 index fell 0.6 percent to 8,361 points, while the FTSE 250 lost 0.3 percent.\n\
            Sterling dipped to $1.2655, and the yield on the 10-year gilt rose to 4.19 percent.");
        // "100" and "250" label the indexes: no figure of either day.
        let written: Vec<&str> = monday.numbers.iter().filter_map(|&k| monday.number_text(k)).collect();
        assert!(!written.contains(&"100") && !written.contains(&"250"), "{written:?}");
        let weights = weights_of(&[&monday, &tuesday]);
        let compared = facts(&tuesday, &monday, &weights);
        assert_eq!(compared.figures_differ, 2, "{compared:?}");
        assert_eq!(compared.differ, 2);
        let (name, earlier, later) =
            written_differences((&tuesday, &monday), compared.figures_example.expect("example"), &weights, false);
        assert_eq!(name.as_deref(), Some("FTSE 100"));
        assert!(earlier.contains("8,412") && later.contains("8,361"), "{earlier} vs {later}");
    }

    #[test]
    fn a_name_with_other_figures_attached_is_no_agreement() {
        let tuesday = p("Carmakers gained on the index, with Hoshida Motor up 2.1 percent.");
        let wednesday = p("Automakers were among the biggest drags on the index, and Hoshida Motor lost 2.4 percent.");
        let retold = p("Hoshida Motor gained 2.1 percent on the index, led by carmakers.");
        let weights = weights_of(&[&tuesday, &wednesday, &retold]);
        // Not one frame, so no conflict either; but the same company on another day.
        let compared = facts(&wednesday, &tuesday, &weights);
        assert_eq!((compared.agree, compared.differ), (0, 0), "{compared:?}");
        assert_eq!(facts(&retold, &tuesday, &weights).agree, 1);
    }

    #[test]
    fn similar_sentences_naming_other_places_differ() {
        let cornwall = p("The Met Office has issued an amber warning for wind across Cornwall and Devon from Friday, with gusts expected on exposed coasts.\n\
            Storm Idris is expected to bring power cuts and disruption to ferries between Penzance and Scilly.");
        let orkney = p("The Met Office has issued an amber warning for wind across Orkney and Shetland from Sunday, with gusts expected on exposed islands.\n\
            Storm Ffion is expected to bring power cuts and disruption to ferries between Aberdeen and Lerwick.");
        let retold = p(
            "Forecasters at the Met Office warned of wind across Cornwall and Devon, with gusts likely on the coast.\n\
            Ferries between Penzance and Scilly may be disrupted as Storm Idris brings power cuts.",
        );
        let weights = weights_of(&[&cornwall, &orkney, &retold]);
        let compared = facts(&orkney, &cornwall, &weights);
        assert_eq!((compared.names_differ, compared.differ, compared.agree), (2, 2, 0), "{compared:?}");
        let (_, earlier, later) =
            written_differences((&orkney, &cornwall), compared.names_example.expect("example"), &weights, true);
        assert_eq!((earlier.as_str(), later.as_str()), ("Cornwall, Devon", "Orkney, Shetland"));
        // Another report of the same warning names the same places.
        let compared = facts(&retold, &cornwall, &weights);
        assert_eq!((compared.names_differ, compared.differ), (0, 0), "{compared:?}");
        assert!(compared.agree >= 1, "{compared:?}");
    }

    #[test]
    fn counts_the_sentences_carried_word_for_word() {
        let notice = "What an amber warning means: travel delays and power cuts are likely.";
        let a = p(&format!("Gales will reach the islands on Sunday night.\n{notice}"));
        let b = p(&format!("Strong winds are forecast for the coast on Friday.\n{notice}"));
        assert_eq!(identical(&a, &b), 1);
        assert_eq!(identical(&a, &p(ORIGIN)), 0);
    }

    #[test]
    fn conflicting_names_or_figures_hold_a_pair_apart() {
        let evidence = StoryEvidence {
            cosine: 0.4,
            background_cosine: 0.03,
            cosine_z: 9.0,
            aligned_sentences: 0.6,
            aligned_count: 6,
            identical_sentences: 0,
            shared_names: 2,
            shared_numbers: 0,
            shared_quotes: 0,
            later_names: 8,
            earlier_names: 9,
            figures_agree: 1,
            figures_differ: 4,
            names_differ: 1,
            facts_agree: 1,
            facts_differ: 4,
            novelty: 0.9,
        };
        assert_eq!(apart(&evidence), Some(Apart::FiguresDiffer), "one template, other figures");
        // As many similar sentences agree as differ, or one differs alone: one event.
        assert_eq!(apart(&StoryEvidence { facts_agree: 4, ..evidence }), None);
        assert_eq!(apart(&StoryEvidence { facts_differ: 1, facts_agree: 0, ..evidence }), None);
        // Sentences naming other places, more than differ in figures.
        let places = StoryEvidence { figures_differ: 0, names_differ: 3, facts_differ: 3, ..evidence };
        assert_eq!(apart(&places), Some(Apart::NamesDiffer));
        // Both name people and places, none the same.
        let strangers = StoryEvidence { shared_names: 0, facts_differ: 0, ..evidence };
        assert_eq!(apart(&strangers), Some(Apart::NoNameShared));
        assert_eq!(apart(&StoryEvidence { later_names: 1, ..strangers }), None, "too few names to tell");
    }

    #[test]
    fn the_sampled_spreads_in_blocks_are_each_items_own_bit_for_bit() {
        let mut next = below_from(0x2545_f491_4f6c_dd1d);
        for n in [0usize, 1, 3, 65, 66, SPREAD_BLOCK + 7, 3 * SPREAD_BLOCK] {
            let vectors: Vec<Vec<(u32, f32)>> = (0..n)
                .map(|i| {
                    // Some empty vectors, and some with the free mark (no table: the merge).
                    let len = if i % 11 == 0 { 0 } else { next(30) };
                    let mut terms: Vec<u32> = (0..len).map(|_| next(200) as u32).collect();
                    if i % 13 == 1 {
                        terms.push(u32::MAX);
                    }
                    terms.sort_unstable();
                    terms.dedup();
                    terms.into_iter().map(|t| (t, (1 + next(1000)) as f32 / 4000.0)).collect()
                })
                .collect();
            // Copy clusters of three, and items in none.
            let group: Vec<usize> = (0..n).map(|i| if i % 5 == 0 { i / 15 } else { usize::MAX }).collect();
            // Items of no candidate pair are not measured.
            let wanted: Vec<bool> = (0..n).map(|i| i % 7 != 3).collect();
            let blocked = sampled_spreads(&vectors, &group, &wanted);
            assert_eq!(blocked.len(), n);
            for (i, spread) in blocked.iter().enumerate() {
                let alone = if wanted[i] { sampled_spread(&vectors, i, &group) } else { 0.0 };
                assert_eq!(spread.to_bits(), alone.to_bits(), "{n} items, item {i}");
            }
            if n > 65 {
                assert!(blocked.iter().any(|&s| s > 0.0), "the sample measured something");
            }
        }
    }

    #[test]
    fn where_every_pair_shares_words_the_spread_comes_from_a_sample() {
        let no_prior = StoryOptions { prior_weight: 0.0, ..StoryOptions::default() };
        // One beat: every item shares word 1; items 0 and 3 are the one candidate pair, of
        // the least cosine.
        let vectors = vec![
            vec![(1, 0.6f32), (2, 0.8f32)],
            vec![(1, 0.8f32), (3, 0.6f32)],
            vec![(1, 1.0f32)],
            vec![(1, 0.28f32), (4, 0.96f32)],
        ];
        let cosines: Vec<f64> = (1..4).map(|j| cosine(&vectors[0], &vectors[j])).collect();
        let backgrounds = backgrounds(&vectors, &[(0, 3)], &cosines[2..], &[], &no_prior);
        let mean = cosines.iter().sum::<f64>() / 3.0;
        let sampled = (cosines.iter().map(|c| (c - mean) * (c - mean)).sum::<f64>() / 3.0).sqrt();
        assert!((backgrounds[0].mean - mean).abs() < 1e-6, "{backgrounds:?}");
        assert!(backgrounds[0].spread >= SAMPLED_SPREAD_SHARE * sampled - 1e-9, "{backgrounds:?}");
        assert!(backgrounds[0].spread > MIN_SPREAD);
        // Item 1 is of no pair: its background is never read, and not measured.
        assert_eq!(backgrounds[1], Background::prior(&no_prior));
    }

    #[test]
    fn an_items_copies_are_left_out_of_its_background() {
        let no_prior = StoryOptions { prior_weight: 0.0, ..StoryOptions::default() };
        // Items 0 and 1 are one text; 2 and 3 are others, candidates of 0 and 1.
        let text = vec![(1, 0.8f32), (2, 0.6f32)];
        let vectors = vec![text.clone(), text, vec![(1, 0.6f32), (3, 0.8f32)], vec![(3, 1.0f32)]];
        let pairs = [(0, 2), (1, 2)];
        let cosines: Vec<f64> =
            pairs.iter().map(|&(a, b)| cosine(&vectors[a as usize], &vectors[b as usize])).collect();
        let apart = backgrounds(&vectors, &pairs, &cosines, &[vec![0, 1]], &no_prior);
        // Two others: the cosine to item 2 and 0 to item 3.
        assert!((apart[0].mean - cosines[0] / 2.0).abs() < 1e-6, "{apart:?}");
        assert!((apart[0].spread - cosines[0] / 2.0).abs() < 1e-6, "{apart:?}");
        // Counted as another item, the copy would lift the mean and crush the spread.
        let counted = backgrounds(&vectors, &pairs, &cosines, &[], &no_prior);
        assert!(counted[0].mean > apart[0].mean && counted[0].spread < apart[0].spread, "{counted:?}");
    }

    #[test]
    fn finds_candidates_through_shared_keys_only() {
        let profiles: Vec<Profile> = [
            ORIGIN,
            "Mayor Ingrid Solberg defended the 48 million euros ferry terminal plan before the harbour board.",
            "The orchestra opened its season with a programme of Sibelius symphonies in Helsinki.",
        ]
        .iter()
        .map(|t| p(t))
        .collect();
        let refs: Vec<&Profile> = profiles.iter().collect();
        let weights = Weights::new(&refs, 64);
        let (pairs, stats) = candidates(&refs, &weights, &StoryOptions::default(), |_, _| false);
        assert_eq!(pairs, vec![(0, 1)]);
        assert_eq!(stats.candidates, 1);
        let (pairs, _) = candidates(&refs, &weights, &StoryOptions::default(), |_, _| true);
        assert!(pairs.is_empty());
        // A key of more items than `max_posting` proposes nothing and is counted.
        let (pairs, stats) =
            candidates(&refs, &weights, &StoryOptions { max_posting: 1, ..StoryOptions::default() }, |_, _| false);
        assert!(pairs.is_empty());
        assert!(stats.skipped_keys >= 2, "{stats:?}");
    }
}
