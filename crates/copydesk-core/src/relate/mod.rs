//! Relate: candidates through indexes (LSH bands over the MinHash signatures, postings of
//! paragraph hashes), never all pairs; each candidate verified and classified with its
//! measured values; clusters over the copy relations, each with its origin. Then rewrites
//! and same-story pairs from the content profiles ([`story`]), and story clusters over all
//! relations.

pub mod cluster;
pub mod lsh;
pub mod story;

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::fingerprint::{jaccard, simhash_distance, Fingerprint, ParagraphHash};
use crate::profile::Profile;
use cluster::UnionFind;
pub use lsh::Banding;
pub use story::{StoryEvidence, StoryOptions, StoryStats};

/// Thresholds of the relate stage.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RelateOptions {
    /// Shingle Jaccard at or above which two items are near-duplicates.
    pub near_duplicate_jaccard: f64,
    /// Two items each contained in the other at least this much are near-duplicates too
    /// (light edits spread over the text)…
    pub near_duplicate_containment: f64,
    /// …and so is a trimmed copy: the shorter is contained in the longer at least this
    /// much…
    pub trimmed_containment: f64,
    /// …and their Jaccard is at least this.
    pub trimmed_jaccard: f64,
    /// Containment (of either in the other) at or above which an item is a partial copy.
    pub partial_containment: f64,
    /// Paragraphs lifted word for word make a partial copy too, below that containment,
    /// when there are at least this many…
    pub partial_min_shared_paragraphs: u32,
    /// …holding at least this many words.
    pub partial_min_shared_words: u32,
    /// The smallest Jaccard at which containment estimated from the MinHash signatures is
    /// trusted; below it only shared paragraphs measure containment.
    pub estimate_min_jaccard: f64,
    /// The chance that a pair at the lowest near-duplicate Jaccard becomes an LSH
    /// candidate; it sets the banding.
    pub lsh_recall: f64,
    /// Index buckets with more members than this link each member to the first ones only.
    pub max_bucket: usize,
}

impl Default for RelateOptions {
    fn default() -> Self {
        RelateOptions {
            near_duplicate_jaccard: 0.8,
            near_duplicate_containment: 0.8,
            trimmed_containment: 0.9,
            trimmed_jaccard: 0.6,
            partial_containment: 0.5,
            partial_min_shared_paragraphs: 2,
            partial_min_shared_words: 80,
            estimate_min_jaccard: 0.2,
            lsh_recall: 0.98,
            max_bucket: 64,
        }
    }
}

/// The kinds of relation between two items, the later one named first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Exact,
    NearDuplicate,
    PartialCopy,
    Rewrite,
    SameStory,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Exact => "exact",
            Kind::NearDuplicate => "near_duplicate",
            Kind::PartialCopy => "partial_copy",
            Kind::Rewrite => "rewrite",
            Kind::SameStory => "same_story",
        }
    }

    /// The item flag of this relation.
    pub fn flag(self) -> crate::model::Flag {
        use crate::model::Flag;
        match self {
            Kind::Exact => Flag::Exact,
            Kind::NearDuplicate => Flag::NearDuplicate,
            Kind::PartialCopy => Flag::PartialCopy,
            Kind::Rewrite => Flag::Rewrite,
            Kind::SameStory => Flag::SameStory,
        }
    }

    /// Whether the kind is a copy of the text (exact, near-duplicate, partial copy), as
    /// opposed to a relation of content (rewrite, same story).
    pub fn is_copy(self) -> bool {
        matches!(self, Kind::Exact | Kind::NearDuplicate | Kind::PartialCopy)
    }
}

/// What was measured of a pair.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Evidence {
    /// Shingle Jaccard similarity, estimated from the MinHash signatures.
    pub jaccard: f64,
    /// How much of the later item's text is in the earlier one (0..1).
    pub containment_later_in_earlier: f64,
    /// How much of the earlier item's text is in the later one (0..1).
    pub containment_earlier_in_later: f64,
    /// Paragraphs the two share word for word.
    pub shared_paragraphs: u32,
    /// Hamming distance of the 64-bit SimHashes.
    pub simhash_distance: u32,
    /// The comparison of the content profiles, for rewrites and same-story pairs.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub story: Option<StoryEvidence>,
}

/// A relation: `later` is a copy of kind `kind` of `earlier` (indexes into the items).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Relation {
    pub kind: Kind,
    pub later: usize,
    pub earlier: usize,
    /// The one number that decided the kind: 1 for exact, the Jaccard for a
    /// near-duplicate, the larger containment for a partial copy, the share of aligned
    /// sentences for a rewrite, the profile cosine for the same story.
    pub score: f64,
    pub evidence: Evidence,
}

/// A group of items linked by copy relations (or, for a story cluster, by any relation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cluster {
    /// The origin: earliest published, then first seen, then id.
    pub origin: usize,
    /// Members in origin order, the origin first.
    pub members: Vec<usize>,
    /// For a story cluster, what holds each member in (in the order of `members`): its
    /// strongest link to another member. Empty for a copy cluster.
    pub held_by: Vec<Option<Hold>>,
}

/// The link that holds a member in its story cluster.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Hold {
    /// The other member.
    pub partner: usize,
    /// The calibrated cosine of the pair.
    pub cosine_z: f64,
}

/// A pair whose text alone would make it a rewrite or the same story, held apart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HeldApart {
    pub later: usize,
    pub earlier: usize,
    pub reason: HoldReason,
    pub evidence: Evidence,
}

/// Why a pair was held apart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HoldReason {
    /// The two report days too far apart to be one event, and the later does not name the
    /// earlier's day.
    EventDates { earlier: chrono::NaiveDate, later: chrono::NaiveDate },
    /// Both name people and places, and none of the same.
    NoNameShared { later_names: u32, earlier_names: u32 },
    /// Similar sentences state other figures, more of them than agree: how many differ,
    /// and of the first that differ (one whose figures belong to a name both give, if
    /// any) the name and the figures each states that the other item does not.
    FiguresDiffer {
        sentences: u32,
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<Written>,
        earlier: Written,
        later: Written,
    },
    /// Similar sentences name other people or places, more of them than agree: how many,
    /// and of the first the names each gives that the other item never names.
    NamesDiffer { sentences: u32, earlier: Written, later: Written },
    /// The two ended in different story clusters: the other members of either do not
    /// support the link.
    ClusterSupport,
}

impl HoldReason {
    /// The reason in words, for the report.
    pub fn describe(&self) -> String {
        match self {
            HoldReason::EventDates { earlier, later } => format!("event dates {earlier} vs {later}"),
            HoldReason::NoNameShared { later_names, earlier_names } => {
                format!("no name in common ({later_names} and {earlier_names} names)")
            }
            HoldReason::FiguresDiffer { sentences, name, earlier, later } => {
                let name = name.map(|n| format!(" for {n}")).unwrap_or_default();
                format!("figures differ{name}: {earlier} vs {later}{}", similar(*sentences))
            }
            HoldReason::NamesDiffer { sentences, earlier, later } => {
                format!("names differ: {earlier} vs {later}{}", similar(*sentences))
            }
            HoldReason::ClusterSupport => "the other members of the two stories do not support the link".to_string(),
        }
    }
}

/// ", in 3 similar sentences" after the first that differs, when there are more.
fn similar(sentences: u32) -> String {
    if sentences > 1 {
        format!(" ({sentences} similar sentences differ)")
    } else {
        String::new()
    }
}

/// How a name or figures are written in an item ("FTSE 100", "8,412, 0.8 percent"), kept
/// in place (a reason is copied as it is reported): at most `Written::CAPACITY` bytes,
/// cut on a character boundary.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Written {
    bytes: [u8; Written::CAPACITY],
    len: u8,
}

impl Written {
    pub const CAPACITY: usize = 47;

    pub fn new(text: &str) -> Written {
        let mut len = text.len().min(Written::CAPACITY);
        while !text.is_char_boundary(len) {
            len -= 1;
        }
        let mut bytes = [0; Written::CAPACITY];
        bytes[..len].copy_from_slice(&text.as_bytes()[..len]);
        Written { bytes, len: len as u8 }
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }
}

impl std::fmt::Display for Written {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Written {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl Serialize for Written {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The link of two story units (copy clusters or lone items): the weight average linkage
/// reads, the clamped calibrated cosine adoption reads, and whether any pair of their
/// members has a verdict.
#[derive(Debug, Clone, Copy)]
struct UnitLink {
    weight: f64,
    raw: f64,
    related: bool,
}

/// The share of the cut that a measured pair without a verdict weighs at most.
const WANTING: f64 = 0.99;

/// How many pairs each index proposed and how many were verified.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RelateStats {
    pub exact_groups: usize,
    pub lsh_candidates: usize,
    /// LSH buckets larger than `max_bucket`, whose members were each paired with the
    /// bucket's first member only.
    pub capped_buckets: usize,
    pub paragraph_candidates: usize,
    pub verified: usize,
    pub banding: Option<Banding>,
    /// The profile index of rewrites and same-story pairs.
    pub story: StoryStats,
}

/// What the relate stage found.
#[derive(Debug, Clone, Default)]
pub struct Related {
    pub relations: Vec<Relation>,
    /// Clusters over copy relations.
    pub clusters: Vec<Cluster>,
    /// Story clusters: groups of items reporting one event, each joining more than one
    /// copy cluster or lone item.
    pub story_clusters: Vec<Cluster>,
    /// Pairs the text relates that were held apart.
    pub held_apart: Vec<HeldApart>,
    pub stats: RelateStats,
}

/// Relates items given their fingerprints and their rank in origin order (a lower rank is
/// earlier: earliest published, then first seen, then id).
pub fn relate(prints: &[&Fingerprint], rank: &[usize], options: &RelateOptions) -> Related {
    let mut stats = RelateStats::default();
    let groups = exact_groups(prints, rank);
    let representatives: Vec<usize> = groups.iter().map(|g| g[0]).collect();

    // Candidates among the representatives.
    let banding = banding(prints.first().map(|p| p.signature.len()), options);
    stats.banding = Some(banding);
    let signatures: Vec<Option<&[u32]>> = representatives.iter().map(|&i| Some(&prints[i].signature[..])).collect();
    let (mut candidates, capped) = lsh::candidates(&signatures, banding, options.max_bucket);
    stats.capped_buckets = capped;
    stats.lsh_candidates = candidates.len();
    let by_paragraph = paragraph_candidates(prints, &representatives, options.max_bucket);
    stats.paragraph_candidates = by_paragraph.len();
    candidates.extend(by_paragraph);
    candidates.par_sort_unstable();
    candidates.dedup();
    stats.verified = candidates.len();

    let verified: Vec<Relation> = candidates
        .par_iter()
        .filter_map(|&(a, b)| {
            let (a, b) = (representatives[a as usize], representatives[b as usize]);
            let (later, earlier) = if rank[a] > rank[b] { (a, b) } else { (b, a) };
            copy_relation(later, earlier, prints[later], prints[earlier], options)
        })
        .collect();
    assemble(prints.len(), &groups, |i| prints[i].paragraphs.len() as u32, verified, rank, stats)
}

/// The banding of the LSH index for signatures of `positions` positions (128 when no item
/// has one).
pub fn banding(positions: Option<usize>, options: &RelateOptions) -> Banding {
    Banding::for_threshold(
        positions.unwrap_or(128),
        options.trimmed_jaccard.min(options.near_duplicate_jaccard),
        options.lsh_recall,
    )
}

/// Identical texts: one group per SHA-256 of the items with words, each in origin order,
/// the groups in origin order of their first member, which represents the group.
pub fn exact_groups(prints: &[&Fingerprint], rank: &[usize]) -> Vec<Vec<usize>> {
    let mut groups: HashMap<[u8; 32], Vec<usize>> = HashMap::new();
    for (index, print) in prints.iter().enumerate().filter(|(_, p)| !p.is_empty()) {
        groups.entry(print.sha256).or_default().push(index);
    }
    let mut groups: Vec<Vec<usize>> = groups.into_values().collect();
    for group in &mut groups {
        group.sort_by_key(|&i| rank[i]);
    }
    groups.sort_by_key(|g| rank[g[0]]);
    groups
}

/// The relation a verified candidate pair makes, if it is a copy.
pub fn copy_relation(
    later: usize,
    earlier: usize,
    later_print: &Fingerprint,
    earlier_print: &Fingerprint,
    options: &RelateOptions,
) -> Option<Relation> {
    verify(later_print, earlier_print, options).map(|(kind, score, evidence)| Relation {
        kind,
        later,
        earlier,
        score,
        evidence,
    })
}

/// The copy relations and clusters, from the exact groups (with each group's paragraph
/// count, `paragraphs_of` its representative) and the verified pairs of representatives.
pub fn assemble(
    n: usize,
    groups: &[Vec<usize>],
    paragraphs_of: impl Fn(usize) -> u32,
    verified: Vec<Relation>,
    rank: &[usize],
    mut stats: RelateStats,
) -> Related {
    let mut relations: Vec<Relation> = Vec::new();
    stats.exact_groups = groups.iter().filter(|g| g.len() > 1).count();
    for group in groups.iter().filter(|g| g.len() > 1) {
        for &member in &group[1..] {
            let evidence = Evidence {
                jaccard: 1.0,
                containment_later_in_earlier: 1.0,
                containment_earlier_in_later: 1.0,
                shared_paragraphs: paragraphs_of(group[0]),
                simhash_distance: 0,
                story: None,
            };
            relations.push(Relation { kind: Kind::Exact, later: member, earlier: group[0], score: 1.0, evidence });
        }
    }

    // The other members of an exact group copy what their representative copies. (Items
    // that copy the representative are not related to its exact copies too: one relation
    // to the earliest of identical texts says it all.)
    let group_of: HashMap<usize, &Vec<usize>> = groups.iter().filter(|g| g.len() > 1).map(|g| (g[0], g)).collect();
    for relation in verified {
        relations.push(relation);
        let Some(group) = group_of.get(&relation.later) else { continue };
        for &member in &group[1..] {
            relations.push(Relation { later: member, ..relation });
        }
    }
    relations.sort_by(|x, y| (rank[x.later], rank[x.earlier], x.kind).cmp(&(rank[y.later], rank[y.earlier], y.kind)));
    relations.dedup_by(|x, y| x.later == y.later && x.earlier == y.earlier);

    let clusters = clusters(n, &relations, rank);
    Related { relations, clusters, story_clusters: Vec::new(), held_apart: Vec::new(), stats }
}

/// Groups of items linked by relations, each in origin order.
fn clusters(n: usize, relations: &[Relation], rank: &[usize]) -> Vec<Cluster> {
    let mut union = UnionFind::new(n);
    for relation in relations {
        union.union(relation.later, relation.earlier);
    }
    let mut clusters: Vec<Cluster> = union
        .groups()
        .into_iter()
        .map(|mut members| {
            members.sort_by_key(|&i| rank[i]);
            Cluster { origin: members[0], members, held_by: Vec::new() }
        })
        .collect();
    clusters.sort_by_key(|c| rank[c.origin]);
    clusters
}

/// Adds rewrites and same-story pairs to the copy relations, and story clusters.
///
/// Candidates come from the profile index (a pair already in one copy cluster is not
/// proposed again). Each candidate's cosine is calibrated against its items' backgrounds
/// ([`story::backgrounds`]); the promising ones are measured in full and classified on all
/// cores. Story clusters are then grown by average linkage over the calibrated cosines of
/// all candidates, starting from the copy clusters, so a cluster holds only what its
/// members support together. A rewrite or same-story verdict between items that end in
/// different clusters is held apart, with the reason.
///
/// The measured pairs carry the overlap of their texts too: `text` is given every
/// measured pair `(later, earlier)` once, and returns the text [`Evidence`] of each (see
/// [`text_evidence`]), wherever the fingerprints are.
///
/// The sentences of the profiles of the pairs measured are read back when a [`Spill`]
/// set them aside; that is the one way this fails.
///
/// [`Spill`]: crate::profile::Spill
pub fn relate_stories(
    related: &mut Related,
    prints: &[&Fingerprint],
    profiles: &[&Profile],
    times: &[story::EventTime],
    rank: &[usize],
    options: &StoryOptions,
    text: &mut TextEvidence<'_>,
) -> crate::Result<()> {
    if !options.enabled {
        return Ok(());
    }
    let n = profiles.len();
    let mut copy_cluster = vec![usize::MAX; n];
    for (number, cluster) in related.clusters.iter().enumerate() {
        for &member in &cluster.members {
            copy_cluster[member] = number;
        }
    }
    let weights = story::Weights::new(profiles, options.max_posting);
    let (candidates, mut stats) = story::candidates(profiles, &weights, options, |a, b| {
        copy_cluster[a] != usize::MAX && copy_cluster[a] == copy_cluster[b]
    });
    let candidates: Vec<(u32, u32)> = candidates
        .into_iter()
        .filter(|&(a, b)| !prints[a as usize].is_empty() && !prints[b as usize].is_empty())
        .collect();
    let cosines: Vec<f64> = candidates
        .par_iter()
        .map(|&(a, b)| story::cosine(&weights.vectors[a as usize], &weights.vectors[b as usize]))
        .collect();
    let copies: Vec<Vec<usize>> = related.clusters.iter().map(|c| c.members.clone()).collect();
    let backgrounds = story::backgrounds(&weights.vectors, &candidates, &cosines, &copies, options);
    let calibrated: Vec<f64> = candidates
        .iter()
        .zip(&cosines)
        .map(|(&(a, b), &cos)| story::calibrated(cos, backgrounds[a as usize], backgrounds[b as usize]))
        .collect();

    // The profiles of a pair with their sentences.
    let whole = |later: usize, earlier: usize| -> crate::Result<_> {
        Ok((profiles[later].with_sentences()?, profiles[earlier].with_sentences()?))
    };
    let later_first = |(a, b): (u32, u32)| {
        let (a, b) = (a as usize, b as usize);
        if rank[a] > rank[b] {
            (a, b)
        } else {
            (b, a)
        }
    };
    let gaps: Vec<Option<(chrono::NaiveDate, chrono::NaiveDate)>> = candidates
        .iter()
        .map(|&pair| {
            let (later, earlier) = later_first(pair);
            story::event_gap(&times[later], &times[earlier], options)
        })
        .collect();

    let mut measured: Vec<(usize, Relation, Option<story::Verdict>)> = candidates
        .par_iter()
        .zip(&cosines)
        .zip(&calibrated)
        .enumerate()
        .filter(|(_, ((_, &cos), &z))| story::worth_measuring(cos, z, options))
        .map(|(index, ((&pair, &cos), _))| {
            let (later, earlier) = later_first(pair);
            let (later_profile, earlier_profile) = whole(later, earlier)?;
            let measured = story::measure(
                (&later_profile, &earlier_profile),
                cos,
                (backgrounds[later], backgrounds[earlier]),
                &weights,
                options,
            );
            let verdict = story::classify(&measured, options);
            let (kind, score) = match verdict {
                Some(story::Verdict::Rewrite) => (Kind::Rewrite, measured.aligned_sentences),
                _ => (Kind::SameStory, measured.cosine),
            };
            let evidence = Evidence { story: Some(measured), ..Evidence::default() };
            Ok((index, Relation { kind, later, earlier, score, evidence }, verdict))
        })
        .collect::<crate::Result<_>>()?;
    let pairs: Vec<(usize, usize)> = measured.iter().map(|(_, r, _)| (r.later, r.earlier)).collect();
    for ((_, relation, _), overlap) in measured.iter_mut().zip(text(&pairs)) {
        relation.evidence = Evidence { story: relation.evidence.story, ..overlap };
    }
    stats.aligned = measured.len();
    related.stats.story = stats;

    // Story clusters by average linkage, from the copy clusters.
    // Links weigh their calibrated cosine; a pair related by its specific facts weighs
    // the cut at least, whatever its collection, and a pair measured without a verdict
    // just under it. A pair held apart by its dates, names or figures weighs against any
    // cluster that would hold both.
    let mut links: Vec<(usize, usize, f64)> = candidates
        .iter()
        .zip(&calibrated)
        .zip(&gaps)
        .map(|((&(a, b), &z), gap)| (a as usize, b as usize, if gap.is_some() { -options.story_z } else { z.max(0.0) }))
        .collect();
    for (index, relation, verdict) in &measured {
        let Some(evidence) = relation.evidence.story else { continue };
        if gaps[*index].is_some() {
            continue;
        }
        if story::apart(&evidence).is_some() {
            links[*index].2 = -options.story_z;
        } else if verdict.is_some() && story::specific(&evidence, options) {
            links[*index].2 = links[*index].2.max(options.story_z);
        } else if verdict.is_none() {
            // Measured and found wanting: it supports a cluster its members are held in
            // by other links, and never makes one alone.
            links[*index].2 = links[*index].2.min(options.story_z * WANTING);
        }
    }
    // A copy cluster is one text: it takes part as one unit, through the strongest link of
    // its members (the weakest, when one is held apart).
    let unit_of: Vec<usize> =
        (0..n).map(|i| related.clusters.get(copy_cluster[i]).map_or(i, |c| c.members[0])).collect();
    let mut related_pair = vec![false; links.len()];
    for (index, _, verdict) in &measured {
        related_pair[*index] = verdict.is_some() && links[*index].2 >= 0.0;
        if verdict == &Some(story::Verdict::Rewrite) && links[*index].2 >= 0.0 {
            links[*index].2 = links[*index].2.max(options.story_z);
        }
    }
    let combine = |old: f64, new: f64| if old < 0.0 || new < 0.0 { old.min(new) } else { old.max(new) };
    let mut by_unit: HashMap<(usize, usize), UnitLink> = HashMap::new();
    for (index, &(a, b, weight)) in links.iter().enumerate() {
        let (a, b) = (unit_of[a], unit_of[b]);
        if a == b {
            continue;
        }
        let raw = if weight < 0.0 { weight } else { calibrated[index].max(0.0) };
        let related = related_pair[index];
        let entry = by_unit.entry((a.min(b), a.max(b))).or_insert(UnitLink { weight, raw, related });
        *entry = UnitLink {
            weight: combine(entry.weight, weight),
            raw: combine(entry.raw, raw),
            related: entry.related || related,
        };
    }
    let mut unit_links: Vec<((usize, usize), UnitLink)> = by_unit.into_iter().collect();
    unit_links.sort_unstable_by_key(|&(pair, _)| pair);
    let linkage: Vec<(usize, usize, f64)> = unit_links.iter().map(|&((a, b), l)| (a, b, l.weight)).collect();
    let mut grown = cluster::average_linkage(n, &[], &linkage, options.story_z);
    // A lone unit related to half a cluster's units, and supported by all of them at half
    // the cut, is adopted: a small collection holds too few pairs to lift it higher.
    let adoptable: Vec<(usize, usize, f64, bool)> =
        unit_links.iter().map(|&((a, b), l)| (a, b, l.raw, l.related)).collect();
    cluster::adopt(&mut grown, n, &adoptable, options.story_z / 2.0);
    for units in &mut grown {
        let mut members: Vec<usize> = Vec::with_capacity(units.len());
        for &unit in units.iter() {
            match related.clusters.get(copy_cluster[unit]) {
                Some(copies) => members.extend(&copies.members),
                None => members.push(unit),
            }
        }
        members.sort_unstable();
        *units = members;
    }
    let mut story_of = vec![usize::MAX; n];
    for (number, members) in grown.iter().enumerate() {
        for &member in members {
            story_of[member] = number;
        }
    }
    let together = |a: usize, b: usize| story_of[a] != usize::MAX && story_of[a] == story_of[b];

    for (index, relation, verdict) in measured {
        if verdict.is_none() {
            continue;
        }
        let apart = relation.evidence.story.and_then(|e| story::apart(&e).map(|apart| (apart, e)));
        // How the names or figures of the pair's similar sentences are written, from their
        // facts compared again for the reason's example only when a pair is held apart by
        // them: (the name, the earlier item's, the later item's).
        let written_example = |names: bool| -> crate::Result<_> {
            let (later, earlier) = whole(relation.later, relation.earlier)?;
            let pair = (&*later, &*earlier);
            let matches = story::align_and_match(pair.0, pair.1, options.sentence_similarity).1;
            let facts = story::compare_facts(pair, &matches, story::ONE_FRAME, &weights);
            let example = if names { facts.names_example } else { facts.figures_example };
            Ok(example.map(|at| story::written_differences(pair, at, &weights, names)).unwrap_or_default())
        };
        let reason = match (gaps[index], apart) {
            (Some((earlier, later)), _) => HoldReason::EventDates { earlier, later },
            (None, Some((story::Apart::NoNameShared, e))) => {
                HoldReason::NoNameShared { later_names: e.later_names, earlier_names: e.earlier_names }
            }
            (None, Some((story::Apart::FiguresDiffer, e))) => {
                let (name, earlier, later) = written_example(false)?;
                HoldReason::FiguresDiffer {
                    sentences: e.figures_differ,
                    name: name.as_deref().map(Written::new),
                    earlier: Written::new(&earlier),
                    later: Written::new(&later),
                }
            }
            (None, Some((story::Apart::NamesDiffer, e))) => {
                let (_, earlier, later) = written_example(true)?;
                HoldReason::NamesDiffer {
                    sentences: e.names_differ,
                    earlier: Written::new(&earlier),
                    later: Written::new(&later),
                }
            }
            (None, None) if together(relation.later, relation.earlier) => {
                related.relations.push(relation);
                continue;
            }
            (None, None) => HoldReason::ClusterSupport,
        };
        related.held_apart.push(HeldApart {
            later: relation.later,
            earlier: relation.earlier,
            reason,
            evidence: relation.evidence,
        });
    }
    related
        .relations
        .sort_by(|x, y| (rank[x.later], rank[x.earlier], x.kind).cmp(&(rank[y.later], rank[y.earlier], y.kind)));
    related.relations.dedup_by(|x, y| x.later == y.later && x.earlier == y.earlier);
    related.held_apart.sort_by_key(|h| (rank[h.later], rank[h.earlier]));

    // A story cluster joins more than one copy cluster (or lone item); each member is
    // held in by its strongest link inside.
    let mut strongest: Vec<Option<(usize, f64, f64)>> = vec![None; n];
    for (&(a, b, weight), &z) in links.iter().zip(&calibrated) {
        if together(a, b) {
            for (member, partner) in [(a, b), (b, a)] {
                if strongest[member].is_none_or(|(_, best, _)| weight > best) {
                    strongest[member] = Some((partner, weight, z));
                }
            }
        }
    }
    related.story_clusters = grown
        .into_iter()
        .filter(|members| {
            let first = copy_cluster[members[0]];
            first == usize::MAX || members.iter().any(|&m| copy_cluster[m] != first)
        })
        .map(|mut members| {
            members.sort_by_key(|&i| rank[i]);
            let held_by = members
                .iter()
                .map(|&m| strongest[m].map(|(partner, _, z)| Hold { partner, cosine_z: round(z) }))
                .collect();
            Cluster { origin: members[0], members, held_by }
        })
        .collect();
    related.story_clusters.sort_by_key(|c| rank[c.origin]);
    Ok(())
}

/// Pairs of representatives that share a paragraph, from postings of paragraph hashes.
fn paragraph_candidates(prints: &[&Fingerprint], representatives: &[usize], max_bucket: usize) -> Vec<(u32, u32)> {
    // One list of (paragraph, item) sorted by paragraph, each paragraph's items in order:
    // 16 bytes a paragraph, where a map of lists took several times that.
    let mut postings: Vec<(u64, u32)> = representatives
        .iter()
        .enumerate()
        .flat_map(|(slot, &index)| paragraph_keys(&prints[index].paragraphs).map(move |hash| (hash, slot as u32)))
        .collect();
    postings.par_sort_unstable();
    let mut pairs = Vec::new();
    let mut members: Vec<u32> = Vec::new();
    for posting in postings.chunk_by(|a, b| a.0 == b.0) {
        members.clear();
        members.extend(posting.iter().map(|&(_, slot)| slot));
        posting_pairs(&members, max_bucket, &mut pairs);
    }
    pairs
}

/// The distinct paragraph hashes of an item, the keys of its postings.
pub fn paragraph_keys(paragraphs: &[ParagraphHash]) -> impl Iterator<Item = u64> + '_ {
    let mut seen = HashSet::new();
    paragraphs.iter().map(|p| p.hash).filter(move |&hash| seen.insert(hash))
}

/// The pairs `(a, b)`, `a < b`, of the members of one posting (items in origin order that
/// share a paragraph). A paragraph carried by more than `max_bucket` items is a template,
/// not a copy signal, and proposes none.
pub fn posting_pairs(members: &[u32], max_bucket: usize, pairs: &mut Vec<(u32, u32)>) {
    if members.len() < 2 || members.len() > max_bucket {
        return;
    }
    for (i, &a) in members.iter().enumerate() {
        for &b in &members[..i] {
            pairs.push((a.min(b), a.max(b)));
        }
    }
}

/// Measures a candidate pair and classifies it, or `None` when it is no copy.
pub fn verify(later: &Fingerprint, earlier: &Fingerprint, options: &RelateOptions) -> Option<(Kind, f64, Evidence)> {
    let (evidence, overlap) = measure(later, earlier, options);
    let Overlap { jaccard: j, contained, mutual, shared, shared_words_later, shared_words_earlier } = overlap;
    if j >= options.near_duplicate_jaccard
        || mutual >= options.near_duplicate_containment
        || (j >= options.trimmed_jaccard && contained >= options.trimmed_containment)
    {
        Some((Kind::NearDuplicate, evidence.jaccard, evidence))
    } else if contained >= options.partial_containment
        || (shared >= options.partial_min_shared_paragraphs
            && shared_words_later.min(shared_words_earlier) >= options.partial_min_shared_words)
    {
        Some((Kind::PartialCopy, round(contained), evidence))
    } else {
        None
    }
}

/// The unrounded overlap measures a copy verdict rests on.
pub struct Overlap {
    jaccard: f64,
    contained: f64,
    mutual: f64,
    shared: u32,
    shared_words_later: u32,
    shared_words_earlier: u32,
}

/// Measures the text overlap of the pairs `(later, earlier)` it is given, in their order,
/// wherever the items' fingerprints are.
pub type TextEvidence<'a> = dyn FnMut(&[(usize, usize)]) -> Vec<Evidence> + 'a;

/// The text overlap of each pair `(later, earlier)` of items with these fingerprints.
pub fn text_evidence(prints: &[&Fingerprint], pairs: &[(usize, usize)], options: &RelateOptions) -> Vec<Evidence> {
    pairs.par_iter().map(|&(later, earlier)| measure(prints[later], prints[earlier], options).0).collect()
}

/// Measures the text overlap of a pair: Jaccard, containment both ways, shared
/// paragraphs, SimHash distance.
pub fn measure(later: &Fingerprint, earlier: &Fingerprint, options: &RelateOptions) -> (Evidence, Overlap) {
    let j = jaccard(&later.signature, &earlier.signature);
    let (shared, shared_words_later, shared_words_earlier) = shared_paragraphs(later, earlier);
    let by_paragraphs =
        |shared_words: u32, words: u32| if words == 0 { 0.0 } else { (shared_words as f64 / words as f64).min(1.0) };
    // |A ∩ B| = J (|A| + |B|) / (1 + J), from the Jaccard estimate and the exact set sizes.
    let by_estimate = |own: u32| {
        if j < options.estimate_min_jaccard || own == 0 {
            0.0
        } else {
            (j * (later.shingles + earlier.shingles) as f64 / (1.0 + j) / own as f64).min(1.0)
        }
    };
    let containment_later = by_paragraphs(shared_words_later, later.words).max(by_estimate(later.shingles));
    let containment_earlier = by_paragraphs(shared_words_earlier, earlier.words).max(by_estimate(earlier.shingles));
    let evidence = Evidence {
        jaccard: round(j),
        containment_later_in_earlier: round(containment_later),
        containment_earlier_in_later: round(containment_earlier),
        shared_paragraphs: shared,
        simhash_distance: simhash_distance(later.simhash, earlier.simhash),
        story: None,
    };
    let overlap = Overlap {
        jaccard: j,
        contained: containment_later.max(containment_earlier),
        mutual: containment_later.min(containment_earlier),
        shared,
        shared_words_later,
        shared_words_earlier,
    };
    (evidence, overlap)
}

/// Paragraphs two items share, and their words on each side.
fn shared_paragraphs(a: &Fingerprint, b: &Fingerprint) -> (u32, u32, u32) {
    let in_b: HashSet<u64> = b.paragraphs.iter().map(|p| p.hash).collect();
    let in_a: HashSet<u64> = a.paragraphs.iter().map(|p| p.hash).collect();
    let shared: HashSet<u64> = in_a.intersection(&in_b).copied().collect();
    if shared.is_empty() {
        return (0, 0, 0);
    }
    let words =
        |f: &Fingerprint| f.paragraphs.iter().filter(|p| shared.contains(&p.hash)).map(|p| p.words).sum::<u32>();
    (shared.len() as u32, words(a), words(b))
}

/// Measured values are reported to three decimals.
fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::{fingerprint, FingerprintOptions};

    fn print(text: &str) -> Fingerprint {
        let options = FingerprintOptions::default();
        let paragraphs: Vec<String> =
            text.lines().map(crate::normalize::normalize_line).filter(|l| !l.is_empty()).collect();
        fingerprint(&paragraphs, &options, options.signer().as_ref())
    }

    /// A paragraph of 30 pseudo-random words from a vocabulary of 5,000.
    fn paragraph(seed: usize) -> String {
        (0..30)
            .map(|i| format!("w{}", crate::util::mix64((seed * 1000 + i) as u64) % 5000))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn article(seeds: std::ops::Range<usize>) -> String {
        seeds.map(paragraph).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn a_reason_says_what_differs_with_the_values() {
        let figures = HoldReason::FiguresDiffer {
            sentences: 4,
            name: Some(Written::new("FTSE 100")),
            earlier: Written::new("0.8 percent, 8,412"),
            later: Written::new("0.6 percent, 8,361"),
        };
        assert_eq!(
            figures.describe(),
            "figures differ for FTSE 100: 0.8 percent, 8,412 vs 0.6 percent, 8,361 (4 similar sentences differ)"
        );
        let scores = HoldReason::FiguresDiffer {
            sentences: 1,
            name: Some(Written::new("Rovers")),
            earlier: Written::new("2-1"),
            later: Written::new("0-0"),
        };
        assert_eq!(scores.describe(), "figures differ for Rovers: 2-1 vs 0-0");
        let names = HoldReason::NamesDiffer {
            sentences: 2,
            earlier: Written::new("Cornwall, Devon"),
            later: Written::new("Orkney, Shetland"),
        };
        assert_eq!(names.describe(), "names differ: Cornwall, Devon vs Orkney, Shetland (2 similar sentences differ)");
        let json = serde_json::to_value(names).expect("json");
        assert_eq!(json["kind"], "names_differ");
        assert_eq!(json["earlier"], "Cornwall, Devon");
        // A long list is cut on a character boundary.
        assert_eq!(Written::new(&"é".repeat(40)).as_str().len(), 46);
    }

    #[test]
    fn classifies_exact_near_and_partial_copies() {
        let origin = article(0..10);
        let exact = origin.clone();
        let mut near = origin.clone();
        near.push_str("\nadvertisement line that was inserted by the copying site here");
        let partial = format!("{}\n{}", article(100..112), article(3..6));
        let unrelated = article(200..210);
        let prints: Vec<Fingerprint> =
            [&origin, &exact, &near, &partial, &unrelated].iter().map(|t| print(t)).collect();
        let refs: Vec<&Fingerprint> = prints.iter().collect();
        let related = relate(&refs, &[0, 1, 2, 3, 4], &RelateOptions::default());
        let kinds: Vec<(usize, usize, Kind)> = related.relations.iter().map(|r| (r.later, r.earlier, r.kind)).collect();
        assert!(kinds.contains(&(1, 0, Kind::Exact)), "{kinds:?}");
        assert!(kinds.contains(&(2, 0, Kind::NearDuplicate)), "{kinds:?}");
        assert!(kinds.contains(&(3, 0, Kind::PartialCopy)), "{kinds:?}");
        assert!(!kinds.iter().any(|k| k.0 == 4 || k.1 == 4), "{kinds:?}");
        assert_eq!(related.clusters.len(), 1);
        assert_eq!(related.clusters[0].origin, 0);
        let partial = related.relations.iter().find(|r| r.later == 3 && r.earlier == 0).expect("partial");
        assert_eq!(partial.evidence.shared_paragraphs, 3);
        assert_eq!(partial.evidence.containment_earlier_in_later, 0.3);
    }
}
