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
}

impl Default for StoryOptions {
    fn default() -> Self {
        StoryOptions {
            enabled: true,
            profile_terms: crate::profile::DEFAULT_TERMS,
            index_terms: 8,
            max_posting: 64,
            min_shared_keys: 2,
            max_candidates: 24,
            sentence_similarity: 0.22,
            rewrite_cosine: 0.3,
            rewrite_aligned: 0.5,
            rewrite_max_novelty: 0.3,
            same_story_cosine: 0.25,
            same_story_names: 2,
            same_story_facts: 3,
            same_story_aligned: 1,
            same_quote_cosine: 0.15,
        }
    }
}

/// What was measured of a pair's content profiles.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StoryEvidence {
    /// Cosine similarity of the TF-IDF weighted content words.
    pub cosine: f64,
    /// Share of the shorter item's sentences that align, in order, with sentences of the
    /// other.
    pub aligned_sentences: f64,
    /// How many sentences align.
    pub aligned_count: u32,
    /// Names (folded spellings) both mention, other than names found in more than
    /// `max_posting` items of the collection.
    pub shared_names: u32,
    /// Numbers with their units both give (other than numbers that common).
    pub shared_numbers: u32,
    /// Quotations of the later item that the earlier one carries too.
    pub shared_quotes: u32,
    /// Share of the later item's names, numbers and quotations absent from the earlier one.
    pub novelty: f64,
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
        let mut df: KeyMap<u32, u32> = KeyMap::default();
        for profile in profiles {
            for &(term, _) in &profile.terms {
                *df.entry(term).or_default() += 1;
            }
        }
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
    let mut top: Vec<(u32, f32)> = vector.to_vec();
    top.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    keys.extend(top.iter().take(index_terms).map(|&(term, _)| term as u64));
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
    let mut postings: KeyMap<u64, Vec<u32>> = KeyMap::default();
    for (item, keys) in keys.iter().enumerate() {
        for &key in keys {
            postings.entry(key).or_default().push(item as u32);
        }
    }
    postings.retain(|_, members| {
        let keep = members.len() <= options.max_posting;
        if !keep {
            stats.skipped_keys += 1;
        }
        keep && members.len() > 1
    });
    let pairs: Vec<(u32, u32)> = keys
        .par_iter()
        .enumerate()
        .flat_map_iter(|(item, keys)| {
            let mut others: Vec<u32> = Vec::new();
            for key in keys {
                if let Some(members) = postings.get(key) {
                    others.extend(members.iter().copied().filter(|&m| m as usize > item));
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

/// Cosine of two weighted vectors sorted by hash.
pub fn cosine(a: &[(u32, f32)], b: &[(u32, f32)]) -> f64 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a[i].1 as f64 * b[j].1 as f64;
                i += 1;
                j += 1;
            }
        }
    }
    dot.min(1.0)
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

/// The most sentences of `a` and `b` that can be paired in order, each pair at least
/// `floor` similar: a longest common subsequence over sentence pairs, in O(|a| |b|).
pub fn align(a: &Profile, b: &Profile, floor: f64) -> usize {
    let (n, m) = (a.sentence_count(), b.sentence_count());
    if n == 0 || m == 0 {
        return 0;
    }
    let mut previous = vec![0u16; m + 1];
    let mut current = vec![0u16; m + 1];
    for i in 0..n {
        let s = a.sentence(i);
        for j in 0..m {
            let t = b.sentence(j);
            let mut best = previous[j + 1].max(current[j]);
            // The Dice coefficient cannot reach the floor when the lengths are too far apart.
            let bound = 2.0 * s.len().min(t.len()) as f64 / (s.len() + t.len()) as f64;
            if bound >= floor && dice(s, t) >= floor {
                best = best.max(previous[j] + 1);
            }
            current[j + 1] = best;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[m] as usize
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

/// Measures a pair given the later and the earlier item's profiles and weighted vectors,
/// or `None` when they are too far apart to be related at all.
pub fn measure(
    (later, earlier): (&Profile, &Profile),
    (later_vector, earlier_vector): (&Vector, &Vector),
    weights: &Weights,
    options: &StoryOptions,
) -> Option<StoryEvidence> {
    let cos = cosine(later_vector, earlier_vector);
    if cos < options.rewrite_cosine.min(options.same_story_cosine).min(options.same_quote_cosine) {
        return None;
    }
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
    let aligned = align(later, earlier, options.sentence_similarity);
    let shorter = later.sentence_count().min(earlier.sentence_count());
    let facts = later_names.len() + later_numbers.len() + later.quotes.len();
    let novel = facts - shared_names - shared_numbers - shared_quotes;
    Some(StoryEvidence {
        cosine: round(cos),
        aligned_sentences: if shorter == 0 { 0.0 } else { round(aligned as f64 / shorter as f64) },
        aligned_count: aligned as u32,
        shared_names: shared_names as u32,
        shared_numbers: shared_numbers as u32,
        shared_quotes: shared_quotes as u32,
        novelty: if facts == 0 { 0.0 } else { round(novel as f64 / facts as f64) },
    })
}

/// The verdict on measured evidence, if any.
pub fn classify(evidence: &StoryEvidence, options: &StoryOptions) -> Option<Verdict> {
    let facts = evidence.shared_names + evidence.shared_numbers + evidence.shared_quotes;
    let names = evidence.shared_names >= options.same_story_names;
    if evidence.cosine >= options.rewrite_cosine
        && evidence.aligned_sentences >= options.rewrite_aligned
        && evidence.novelty <= options.rewrite_max_novelty
        && facts >= options.same_story_facts
    {
        Some(Verdict::Rewrite)
    } else if names
        && evidence.aligned_count >= options.same_story_aligned
        && ((evidence.cosine >= options.same_story_cosine && facts >= options.same_story_facts)
            || (evidence.cosine >= options.same_quote_cosine && evidence.shared_quotes > 0))
    {
        Some(Verdict::SameStory)
    } else {
        None
    }
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

    #[test]
    fn classifies_measured_evidence() {
        let options = StoryOptions::default();
        let rewrite = StoryEvidence {
            cosine: 0.55,
            aligned_sentences: 0.9,
            aligned_count: 9,
            shared_names: 8,
            shared_numbers: 6,
            shared_quotes: 0,
            novelty: 0.1,
        };
        assert_eq!(classify(&rewrite, &options), Some(Verdict::Rewrite));
        let same_story =
            StoryEvidence { aligned_sentences: 0.2, aligned_count: 2, novelty: 0.7, cosine: 0.4, ..rewrite };
        assert_eq!(classify(&same_story, &options), Some(Verdict::SameStory));
        // Same topic, nothing specific in common.
        let same_topic = StoryEvidence { shared_names: 1, shared_numbers: 0, ..same_story };
        assert_eq!(classify(&same_topic, &options), None);
        // A shared quotation says the same statement is reported, at a lower cosine.
        let quoted = StoryEvidence { cosine: 0.2, shared_names: 3, shared_numbers: 0, shared_quotes: 1, ..same_story };
        assert_eq!(classify(&quoted, &options), Some(Verdict::SameStory));
        // Not one sentence in common: the same people and figures, another event.
        let apart = StoryEvidence { aligned_sentences: 0.0, aligned_count: 0, ..same_story };
        assert_eq!(classify(&apart, &options), None);
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
    }
}
