//! The verdicts of a run, each made once, in one place: [`judge`] takes the analyzed items,
//! their relations and what an archive says of them, and decides, in this order,
//!
//! 1. each item's relations (to items of the run and to archived items), the pairs held
//!    apart, the copy and story clusters with their origins;
//! 2. each item's dates, the archive's sightings of its text being one more piece of
//!    evidence, and with them its staleness;
//! 3. its flags, and the findings with their rule codes;
//! 4. which findings the configured ignores hide (they are taken out of the items, so
//!    that no score counts them);
//! 5. the sources' scores, and the sources scoring below their minimum.
//!
//! Nothing after `judge` changes a verdict: a report is built from [`Verdicts`] and the
//! analyzed items, and the formats render that report.

pub mod baseline;
pub mod describe;
pub mod findings;
mod standing;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rayon::prelude::*;
use serde::Serialize;

use crate::analysis::Analyzed;
use crate::date::{ContentDate, Sighting};
use crate::history::{timestamp, Match, Screened, Screening, Status, Stored};
use crate::model::{Flag, Location, Problem, CONFIGURATION_FILE_NAME};
use crate::relate::{Cluster, Evidence, HoldReason, Kind, Related};
use crate::score::{self, ItemFacts, ScoreOptions, SourceConfig, SourceScore, NO_SOURCE};
use findings::{rule, Finding, Ignore, IgnoreReport, Ignored, Rule};

pub use standing::item_facts;

/// A relation seen from its later item: what the item copies, rewrites or reports the
/// same story as.
#[derive(Debug, Clone, Serialize)]
pub struct ItemRelation {
    pub kind: Kind,
    /// The earlier item this one relates to.
    pub other: String,
    pub score: f64,
    #[serde(flatten)]
    pub evidence: Evidence,
    /// For a relation to an archived item: what the archive holds of it.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub archived: Option<ArchivedOther>,
}

impl ItemRelation {
    /// The relation in one sentence with its measured values.
    pub fn sentence(&self) -> String {
        describe::relation_sentence(self.kind, &self.other, &self.evidence)
    }

    /// Its measured values in words.
    pub fn measured(&self) -> String {
        describe::measured(self.kind, &self.evidence)
    }
}

/// The archived side of a relation to an archived item, flattened into the relation.
#[derive(Debug, Clone, Serialize)]
pub struct ArchivedOther {
    /// Always true: `other` is an archived item, not an item of this run.
    pub archived: bool,
    /// When the archive first saw the other item.
    pub first_seen: String,
    pub other_source: Option<String>,
    pub other_url: Option<String>,
    pub other_title: Option<String>,
    pub other_published: Option<String>,
    pub other_version: i64,
}

impl ArchivedOther {
    /// When the archived item was published (when it says) and first seen, in words.
    pub fn dates(&self) -> String {
        match &self.other_published {
            Some(published) if day(published) != day(&self.first_seen) => {
                format!("published {}, first seen {}", day(published), day(&self.first_seen))
            }
            _ => format!("first seen {}", day(&self.first_seen)),
        }
    }
}

/// The day of an RFC 3339 timestamp.
pub fn day(timestamp: &str) -> &str {
    timestamp.get(..10).unwrap_or(timestamp)
}

impl From<&Stored> for ArchivedOther {
    fn from(stored: &Stored) -> Self {
        ArchivedOther {
            archived: true,
            first_seen: timestamp(stored.first_seen),
            other_source: stored.source.clone(),
            other_url: stored.url.clone(),
            other_title: stored.title.clone(),
            other_published: stored.published.clone(),
            other_version: stored.version,
        }
    }
}

/// A pair held apart, seen from its later item.
#[derive(Debug, Clone, Serialize)]
pub struct HeldApartFrom {
    /// The earlier item.
    pub other: String,
    /// Why, in words: "event dates 2008-12-11 vs 2009-04-28".
    pub reason: String,
    /// Why, as data: `kind` (`event_dates`, `no_name_shared`, `figures_differ`,
    /// `names_differ`, `cluster_support`) and its values.
    pub hold: HoldReason,
    #[serde(flatten)]
    pub evidence: Evidence,
}

/// A copy or story cluster, its members in origin order.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterVerdict {
    pub id: String,
    /// `copy` (copy relations only) or `story` (any relations).
    pub kind: &'static str,
    pub origin: String,
    pub size: usize,
    pub members: Vec<ClusterMember>,
    /// In runs with an archive: the archived item the cluster's text comes from, when a
    /// member copies one (for a story cluster, relates to one in any way).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived_origin: Option<ArchivedOrigin>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClusterMember {
    pub id: String,
    /// `origin`, or the kind of this member's strongest relation within the cluster.
    pub role: &'static str,
    /// The earlier member that relation points to.
    pub of: Option<String>,
    /// In a story cluster: the member whose link to this one is the strongest, and that
    /// link's calibrated cosine. What holds the member in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_by: Option<HeldBy>,
    pub source: Option<String>,
    pub published: Option<String>,
}

/// What holds a member in its story cluster.
#[derive(Debug, Clone, Serialize)]
pub struct HeldBy {
    pub other: String,
    pub cosine_z: f64,
}

/// The archived item a cluster of the run comes from (`clusters[].archived_origin`).
#[derive(Debug, Clone, Serialize)]
pub struct ArchivedOrigin {
    pub id: String,
    pub source: Option<String>,
    pub url: Option<String>,
    pub published: Option<String>,
    pub first_seen: String,
    /// The member of the cluster related to it…
    pub member: String,
    /// …and how.
    pub kind: Kind,
}

impl ArchivedOrigin {
    /// How the member relates to the archived origin: "copy-1 is a near-duplicate of it".
    pub fn relation(&self) -> String {
        let how = match self.kind {
            Kind::Exact => "an exact copy of it",
            Kind::NearDuplicate => "a near-duplicate of it",
            Kind::PartialCopy => "a partial copy of it",
            Kind::Rewrite => "a rewrite of it",
            Kind::SameStory => "the same story as it",
        };
        format!("{} is {how}", self.member)
    }
}

/// An item's standing in the archive (`items[].archive`).
#[derive(Debug, Clone, Serialize)]
pub struct ItemArchive {
    /// `new`, `unchanged` or `edited`.
    pub status: &'static str,
    /// When the archive first saw the item (its URL, else its source and text): the run's
    /// time for an item stored now, null for a new item that was only screened.
    pub first_seen: Option<String>,
    /// The item's version in the archive: 1 for the first text seen at a URL.
    pub version: i64,
    /// The id the archive holds the item under (its latest version), when it held it
    /// before this run.
    pub archived_id: Option<String>,
    /// For an edited item, the archived version it replaces, compared with it.
    pub previous: Option<PreviousVersion>,
    /// For an item that occurs twice in the run under one identity: the id of the first.
    pub same_as: Option<String>,
    /// The archived exact copy or near-duplicate seen first: the content existed by then
    /// (a `not_after` bound for the date of the content).
    pub earliest_match: Option<EarliestMatch>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviousVersion {
    pub id: String,
    pub version: i64,
    pub first_seen: String,
    pub jaccard: f64,
    pub simhash_distance: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct EarliestMatch {
    pub id: String,
    pub source: Option<String>,
    pub url: Option<String>,
    /// The archived item's published date (RFC 3339), when it has one.
    pub published: Option<String>,
    pub first_seen: String,
    /// The earlier of its published date and its first sighting: the content existed by
    /// then.
    pub existed_by: String,
    pub kind: Kind,
    pub score: f64,
}

/// Everything decided about one item.
#[derive(Debug, Clone)]
pub struct ItemVerdict {
    /// The name its source is reported under (see [`score::source_identity`]); none when
    /// the item names no outlet.
    pub source: Option<String>,
    pub flags: Vec<Flag>,
    /// Relations in which this item is the later one: what it copies.
    pub relations: Vec<ItemRelation>,
    /// Earlier items its text would make it a rewrite or the same story of, held apart.
    pub held_apart: Vec<HeldApartFrom>,
    /// Items that copy this one.
    pub copied_by: Vec<String>,
    pub cluster: Option<String>,
    pub origin: bool,
    pub story_cluster: Option<String>,
    pub story_origin: bool,
    /// When the content was written, with the evidence (the archive's included).
    pub content_date: ContentDate,
    pub stale: bool,
    pub age_days: Option<i64>,
    /// No credit, no byline, no quotation with a named speaker.
    pub unattributed: bool,
    /// The item's standing in the archive, when the run used one.
    pub archive: Option<Box<ItemArchive>>,
}

/// What an archive says of a run's items, for [`judge`].
#[derive(Debug, Clone, Copy)]
pub struct History<'a> {
    pub screening: &'a Screening,
    /// Whether the items are being stored (`copydesk ingest`) or only screened.
    pub stored: bool,
    /// The time recorded as first seen for the items stored.
    pub seen_at: DateTime<Utc>,
}

/// What judging takes from the configuration: the settings of scoring and findings.
#[derive(Debug, Clone, Copy)]
pub struct JudgeSettings<'a> {
    pub score: &'a ScoreOptions,
    /// Sources known by several names, with their own minimum scores.
    pub sources: &'a [SourceConfig],
    /// Findings not to report, each with its reason.
    pub ignores: &'a [Ignore],
    /// The date stage's maximum age, for the archive's evidence.
    pub max_age_days: u32,
}

/// Everything [`judge`] rests on.
#[derive(Debug, Clone, Copy)]
pub struct Judging<'a> {
    pub analyzed: &'a [Analyzed],
    pub related: &'a Related,
    pub history: Option<History<'a>>,
    pub settings: JudgeSettings<'a>,
}

/// The verdicts of a run.
#[derive(Debug, Clone)]
pub struct Verdicts {
    /// One per analyzed item, in the same order.
    pub items: Vec<ItemVerdict>,
    /// Copy clusters (`C1`, …), then story clusters (`S1`, …).
    pub clusters: Vec<ClusterVerdict>,
    pub sources: Vec<SourceScore>,
    /// The findings reported: every finding less those the ignores hid.
    pub findings: Vec<Finding>,
    /// The configured ignores, each with how many findings it hid.
    pub ignores: Vec<IgnoreReport>,
    /// Every finding an ignore hid, with its reason.
    pub ignored: Vec<Ignored>,
    /// Warnings about the configuration found while judging (an ignore that hides
    /// nothing).
    pub problems: Vec<Problem>,
    /// Each item's standing on the score criteria, as its source's score counted it.
    pub facts: Vec<ItemFacts>,
}

/// Judges a run: see the module's documentation for the order.
pub fn judge(judging: Judging<'_>) -> Verdicts {
    let Judging { analyzed, related, history, settings } = judging;
    let id = |index: usize| analyzed[index].item.id.clone();

    let mut relations: Vec<Vec<ItemRelation>> = vec![Vec::new(); analyzed.len()];
    let mut copied_by: Vec<Vec<String>> = vec![Vec::new(); analyzed.len()];
    for relation in &related.relations {
        relations[relation.later].push(ItemRelation {
            kind: relation.kind,
            other: id(relation.earlier),
            score: relation.score,
            evidence: relation.evidence,
            archived: None,
        });
        copied_by[relation.earlier].push(id(relation.later));
    }
    let mut held_apart: Vec<Vec<HeldApartFrom>> = vec![Vec::new(); analyzed.len()];
    for held in &related.held_apart {
        held_apart[held.later].push(HeldApartFrom {
            other: id(held.earlier),
            reason: held.reason.describe(),
            hold: held.reason,
            evidence: held.evidence,
        });
    }

    let mut cluster_of: Vec<Option<String>> = vec![None; analyzed.len()];
    let mut story_of: Vec<Option<String>> = vec![None; analyzed.len()];
    let mut is_origin = vec![false; analyzed.len()];
    let mut is_story_origin = vec![false; analyzed.len()];
    let mut clusters = Vec::with_capacity(related.clusters.len() + related.story_clusters.len());
    let groups = [("copy", "C", &related.clusters), ("story", "S", &related.story_clusters)];
    for (kind, prefix, list) in groups {
        for (number, cluster) in list.iter().enumerate() {
            let name = format!("{prefix}{}", number + 1);
            let (of, origin) =
                if kind == "copy" { (&mut cluster_of, &mut is_origin) } else { (&mut story_of, &mut is_story_origin) };
            origin[cluster.origin] = true;
            for &member in &cluster.members {
                of[member] = Some(name.clone());
            }
            clusters.push(cluster_verdict(analyzed, &relations, cluster, name, kind));
        }
    }

    let score = settings.score;
    let mut items: Vec<ItemVerdict> = (analyzed, relations, held_apart, copied_by, cluster_of, story_of)
        .into_par_iter()
        .zip((is_origin, is_story_origin))
        .map(|((a, relations, held_apart, copied_by, cluster, story_cluster), (origin, story_origin))| {
            let item = &a.item;
            let mut flags: Vec<Flag> = relations.iter().map(|r| r.kind.flag()).collect();
            flags.sort_by_key(|flag| flag.as_str());
            flags.dedup();
            if item.lossy_utf8 {
                flags.push(Flag::LossyUtf8);
            }
            if a.attribution.unattributed {
                flags.push(Flag::Unattributed);
            }
            flags.extend(a.date.flags());
            if a.boilerplate_ratio >= score.heavy_boilerplate {
                flags.push(Flag::HeavyBoilerplate);
            }
            if !a.signals.text.garbled.is_empty() {
                flags.push(Flag::GarbledText);
            }
            if a.signals.headline.sensational() {
                flags.push(Flag::SensationalHeadline);
            }
            if !a.signals.text.ai_residue.is_empty() {
                flags.push(Flag::AiResidue);
            }
            if a.signals.text.filler_per_1000_words >= score.filler_per_1000_words {
                flags.push(Flag::GenericFiller);
            }
            ItemVerdict {
                source: item
                    .source
                    .as_ref()
                    .map(|_| score::source_identity(item.source.as_deref(), item.url.as_deref(), settings.sources)),
                flags,
                relations,
                held_apart,
                copied_by,
                cluster,
                origin,
                story_cluster,
                story_origin,
                content_date: a.date.content.clone(),
                stale: a.date.stale,
                age_days: a.date.age_days,
                unattributed: a.attribution.unattributed,
                archive: None,
            }
        })
        .collect();

    if let Some(history) = history {
        add_history(&mut items, analyzed, history);
        archived_origins(&mut clusters, &items, analyzed);
        date_by_history(&mut items, analyzed, settings.max_age_days);
    }

    // The ignores are matched against every finding the verdicts so far give, source
    // findings of the scores before anything is withdrawn included; what they hide is
    // taken out of the items, and the sources are scored without it.
    let mut problems = Vec::new();
    let mut standing = facts(analyzed, &items, settings);
    let mut sources = score::scores_with_limits(&standing, settings.score, settings.sources);
    let mut every = all_findings(analyzed, &items, &sources);
    let mut ignores = Vec::with_capacity(settings.ignores.len());
    let mut ignored: Vec<Ignored> = Vec::new();
    if !settings.ignores.is_empty() {
        let source_of = sources_by_id(analyzed, &items);
        for ignore in settings.ignores {
            let matched = every.iter().filter(|f| ignore.matches(f, finding_source(f, &source_of))).count();
            if matched == 0 {
                problems.push(Problem::warning(
                    CONFIGURATION_FILE_NAME,
                    None,
                    format!("an ignore matches nothing (reason: {:?}); remove it or correct it", ignore.reason),
                ));
            }
            ignores.push(IgnoreReport { ignore: ignore.clone(), matched });
        }
        ignored = every
            .iter()
            .filter_map(|finding| {
                let ignore =
                    settings.ignores.iter().find(|i| i.matches(finding, finding_source(finding, &source_of)))?;
                Some(Ignored { reason: ignore.reason.clone(), finding: finding.clone() })
            })
            .collect();
    }
    // What the ignores hide is taken out of the items; when anything was, the standing,
    // the scores and the findings are those of the items without it.
    if withdraw(&mut items, analyzed, &ignored) {
        standing = facts(analyzed, &items, settings);
        sources = score::scores_with_limits(&standing, settings.score, settings.sources);
        every = all_findings(analyzed, &items, &sources);
    }
    let findings: Vec<Finding> = if settings.ignores.is_empty() {
        every
    } else {
        let source_of = sources_by_id(analyzed, &items);
        every
            .into_iter()
            .filter(|f| !settings.ignores.iter().any(|i| i.matches(f, finding_source(f, &source_of))))
            .collect()
    };
    let facts = standing;
    Verdicts { items, clusters, sources, findings, ignores, ignored, problems, facts }
}

/// The verdict of one cluster: its members in origin order, each with the strongest of its
/// relations to an earlier member.
fn cluster_verdict(
    analyzed: &[Analyzed],
    relations: &[Vec<ItemRelation>],
    cluster: &Cluster,
    name: String,
    kind: &'static str,
) -> ClusterVerdict {
    let members = cluster
        .members
        .iter()
        .enumerate()
        .map(|(position, &member)| {
            let held_by = cluster
                .held_by
                .get(position)
                .copied()
                .flatten()
                .map(|hold| HeldBy { other: analyzed[hold.partner].item.id.clone(), cosine_z: hold.cosine_z });
            let strongest = relations[member]
                .iter()
                .filter(|r| cluster.members.iter().any(|&m| analyzed[m].item.id == r.other))
                .min_by_key(|r| r.kind);
            let item = &analyzed[member].item;
            ClusterMember {
                id: item.id.clone(),
                role: if member == cluster.origin {
                    "origin"
                } else {
                    strongest.map_or("related", |r| r.kind.as_str())
                },
                of: strongest.map(|r| r.other.clone()),
                held_by,
                source: item.source.clone(),
                published: item.published.map(|p| p.to_rfc3339()),
            }
        })
        .collect();
    ClusterVerdict {
        id: name,
        kind,
        origin: analyzed[cluster.origin].item.id.clone(),
        size: cluster.members.len(),
        members,
        archived_origin: None,
    }
}

/// Adds what the archive says of each item: its relations to archived items (after its
/// relations within the run), its standing, and the flags they give.
fn add_history(items: &mut [ItemVerdict], analyzed: &[Analyzed], history: History<'_>) {
    let seen_at = history.seen_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for (item, screened) in items.iter_mut().zip(&history.screening.items) {
        for m in &screened.matches {
            item.relations.push(archived_relation(m));
            if !item.flags.contains(&m.kind.flag()) {
                item.flags.push(m.kind.flag());
            }
        }
        if screened.status == Status::Edited && !item.flags.contains(&Flag::Edited) {
            item.flags.push(Flag::Edited);
        }
        item.archive = Some(Box::new(item_archive(screened, history.stored, &seen_at, analyzed)));
    }
}

fn archived_relation(m: &Match) -> ItemRelation {
    ItemRelation {
        kind: m.kind,
        other: m.other.id.clone(),
        score: m.score,
        evidence: m.evidence,
        archived: Some(ArchivedOther::from(&m.other)),
    }
}

fn item_archive(screened: &Screened, stored: bool, seen_at: &str, analyzed: &[Analyzed]) -> ItemArchive {
    let first_seen = match (screened.first_seen, stored) {
        (Some(seconds), _) => Some(timestamp(seconds)),
        (None, true) => Some(seen_at.to_string()),
        (None, false) => None,
    };
    ItemArchive {
        status: screened.status.as_str(),
        first_seen,
        version: screened.version,
        archived_id: screened.latest.as_ref().map(|l| l.id.clone()),
        previous: screened.previous.as_ref().map(|p| PreviousVersion {
            id: p.other.id.clone(),
            version: p.other.version,
            first_seen: timestamp(p.other.first_seen),
            jaccard: p.jaccard,
            simhash_distance: p.simhash_distance,
        }),
        same_as: screened.same_run.and_then(|i| analyzed.get(i).map(|a| a.item.id.clone())),
        earliest_match: screened.earliest_match().map(|m| EarliestMatch {
            id: m.other.id.clone(),
            source: m.other.source.clone(),
            url: m.other.url.clone(),
            published: m.other.published.clone(),
            first_seen: timestamp(m.other.first_seen),
            existed_by: timestamp(m.other.existed_by()),
            kind: m.kind,
            score: m.score,
        }),
    }
}

/// For each cluster, the earliest archived item a member copies (for a story cluster,
/// relates to in any way): earliest published, else earliest first seen.
fn archived_origins(clusters: &mut [ClusterVerdict], items: &[ItemVerdict], analyzed: &[Analyzed]) {
    let by_id: HashMap<&str, &ItemVerdict> =
        analyzed.iter().zip(items).map(|(a, verdict)| (a.item.id.as_str(), verdict)).collect();
    let when = |other: &ArchivedOther| {
        let at = other.other_published.as_deref().unwrap_or(&other.first_seen);
        DateTime::parse_from_rfc3339(at).map(|t| t.timestamp()).unwrap_or(i64::MAX)
    };
    for cluster in clusters {
        let copies_only = cluster.kind == "copy";
        let earliest = cluster
            .members
            .iter()
            .filter_map(|m| by_id.get(m.id.as_str()).map(|verdict| (m.id.as_str(), *verdict)))
            .flat_map(|(member, verdict)| verdict.relations.iter().map(move |r| (member, r)))
            .filter(|(_, r)| !copies_only || r.kind.is_copy())
            .filter_map(|(member, r)| r.archived.as_ref().map(|other| (member, r, other)))
            .min_by_key(|(_, r, other)| (when(other), other.first_seen.clone(), r.kind));
        cluster.archived_origin = earliest.map(|(member, r, other)| ArchivedOrigin {
            id: r.other.clone(),
            source: other.other_source.clone(),
            url: other.other_url.clone(),
            published: other.other_published.clone(),
            first_seen: other.first_seen.clone(),
            member: member.to_string(),
            kind: r.kind,
        });
    }
}

/// Dates each item's content by the archive too: an archived exact copy or near-duplicate
/// published, or first seen, on a day means the content existed by then.
fn date_by_history(items: &mut [ItemVerdict], analyzed: &[Analyzed], max_age_days: u32) {
    let parse = |t: &str| DateTime::parse_from_rfc3339(t).ok().map(|t| t.date_naive());
    for (item, a) in items.iter_mut().zip(analyzed) {
        let Some(sighting) = item.archive.as_ref().and_then(|a| a.earliest_match.clone()) else { continue };
        let Some(existed_by) = parse(&sighting.existed_by) else { continue };
        let kind = sighting.kind.as_str().replace('_', " ");
        let seen = Sighting {
            existed_by,
            first_seen: parse(&sighting.first_seen),
            id: &sighting.id,
            source: sighting.source.as_deref(),
            kind: &kind,
        };
        let framing: Option<NaiveDate> = a.date.framing_date;
        let Some(dated) = crate::date::bound_by_sighting(&mut item.content_date, framing, seen, max_age_days) else {
            continue;
        };
        item.flags.retain(|f| !matches!(f, Flag::Undated | Flag::ContentUndated));
        if let Some(age) = dated.age_days {
            item.age_days = Some(age);
            if dated.stale && !item.stale {
                item.stale = true;
                item.flags.push(Flag::Stale);
            }
        }
    }
}

/// The source each item id is counted under (items without one under `(no source)`).
fn sources_by_id<'a>(analyzed: &'a [Analyzed], items: &'a [ItemVerdict]) -> HashMap<&'a str, &'a str> {
    analyzed
        .iter()
        .zip(items)
        .map(|(a, verdict)| (a.item.id.as_str(), verdict.source.as_deref().unwrap_or(NO_SOURCE)))
        .collect()
}

/// The source a finding belongs to: its item's, or for a source finding the source itself.
fn finding_source<'a>(finding: &'a Finding, source_of: &HashMap<&str, &'a str>) -> Option<&'a str> {
    if finding.kind == "low_source_score" {
        Some(finding.item.as_str())
    } else {
        source_of.get(finding.item.as_str()).copied()
    }
}

/// Each item's standing on the score criteria, in the run's order.
fn facts(analyzed: &[Analyzed], items: &[ItemVerdict], settings: JudgeSettings<'_>) -> Vec<ItemFacts> {
    let source_of = sources_by_id(analyzed, items);
    analyzed
        .par_iter()
        .zip(items)
        .map(|(a, verdict)| item_facts(a, verdict, &|id| source_of.get(id).copied(), settings.score, settings.sources))
        .collect()
}

/// Every finding the verdicts give, item by item, then source by source.
fn all_findings(analyzed: &[Analyzed], items: &[ItemVerdict], sources: &[SourceScore]) -> Vec<Finding> {
    let mut findings: Vec<Finding> =
        analyzed.par_iter().zip(items).flat_map_iter(|(a, verdict)| item_findings(a, verdict)).collect();
    let location: HashMap<&str, Option<&Location>> =
        analyzed.iter().map(|a| (a.item.id.as_str(), a.item.location.as_ref())).collect();
    for source in sources.iter().filter(|s| s.score < s.min_score) {
        let Some(rule) = rule("low_source_score") else { continue };
        let first = source.items.first().and_then(|id| location.get(id.as_str()).copied().flatten());
        let failing: Vec<String> =
            source.failing().map(|c| format!("{} {:.2} < {}", c.name, c.value, c.threshold)).collect();
        findings.push(rule.finding(
            source.name.clone(),
            first.cloned(),
            None,
            format!(
                "source {} scores {:.0} (grade {}, {} items, interval {:.0}–{:.0}), below {:.0}; fails {}",
                source.name,
                source.score,
                source.grade,
                source.items.len(),
                source.interval[0],
                source.interval[1],
                source.min_score,
                failing.join(", ")
            ),
        ));
    }
    findings
}

/// The findings about one item: one per relation, then one per flag that is not a
/// relation's.
fn item_findings(a: &Analyzed, verdict: &ItemVerdict) -> Vec<Finding> {
    let item = &a.item;
    let mut findings = Vec::new();
    for relation in &verdict.relations {
        let Some(rule) = rule(relation.kind.as_str()) else { continue };
        findings.push(rule.finding(
            item.id.clone(),
            item.location.clone(),
            Some(relation.other.clone()),
            relation.sentence(),
        ));
    }
    for flag in &verdict.flags {
        let Some(rule) = rule(flag.as_str()) else { continue };
        if verdict.relations.iter().any(|r| r.kind.flag() == *flag) {
            continue;
        }
        findings.push(rule.finding(item.id.clone(), item.location.clone(), None, flag_message(a, verdict, rule)));
    }
    findings
}

/// The share of an item's text removed as boilerplate, as reports give it (three places).
pub fn boilerplate_shown(ratio: f64) -> f64 {
    (ratio * 1000.0).round() / 1000.0
}

/// A finding that is not a relation, with its evidence.
fn flag_message(a: &Analyzed, verdict: &ItemVerdict, rule: &Rule) -> String {
    let signals = &a.signals;
    match rule.kind {
        "stale" | "date_conflict" => {
            let evidence: Vec<String> = describe::evidence_in_order(&verdict.content_date)
                .into_iter()
                .take(3)
                .map(describe::evidence_line)
                .collect();
            let summary = describe::stale_summary(
                a.date.framing_date,
                a.date.framing_basis.as_str(),
                &verdict.content_date,
                verdict.age_days,
            );
            format!("{}: {summary}; evidence: {}", rule.kind.replace('_', " "), evidence.join("; "))
        }
        "heavy_boilerplate" => format!(
            "{:.0}% of the text is boilerplate ({} lines removed)",
            boilerplate_shown(a.boilerplate_ratio) * 100.0,
            a.removed.iter().filter(|r| r.removal.is_boilerplate()).count()
        ),
        "garbled_text" => artefacts("garbled text", &signals.text.garbled),
        "ai_residue" => artefacts("AI residue", &signals.text.ai_residue),
        "generic_filler" => format!(
            "{:.1} filler phrases per 1,000 words: {}",
            signals.text.filler_per_1000_words,
            signals
                .text
                .filler
                .iter()
                .take(3)
                .map(|a| format!("“{}” (line {})", a.excerpt, a.line))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        "sensational_headline" => {
            format!("sensational headline “{}”: {}", a.item.title.as_deref().unwrap_or(""), signals.headline.describe())
        }
        _ => rule.description.to_string(),
    }
}

/// Evidence of a text signal, on one line.
fn artefacts(what: &str, found: &[score::signals::Artefact]) -> String {
    let shown: Vec<String> =
        found.iter().take(3).map(|a| format!("{} at line {}: “{}”", a.kind, a.line, a.excerpt)).collect();
    format!("{what}: {}", shown.join("; "))
}

/// Takes the findings the ignores hid out of the items (their relations and flags), so
/// that no format shows them and no score counts them. Whether anything was taken out.
fn withdraw(items: &mut [ItemVerdict], analyzed: &[Analyzed], ignored: &[Ignored]) -> bool {
    let index: HashMap<&str, usize> = analyzed.iter().enumerate().map(|(i, a)| (a.item.id.as_str(), i)).collect();
    let mut changed = false;
    for ignored in ignored {
        let finding = &ignored.finding;
        let Some(item) = index.get(finding.item.as_str()).and_then(|&i| items.get_mut(i)) else { continue };
        match &finding.other {
            Some(other) => {
                item.relations.retain(|r| !(r.kind.as_str() == finding.kind && &r.other == other));
                if !item.relations.iter().any(|r| r.kind.as_str() == finding.kind) {
                    item.flags.retain(|f| f.as_str() != finding.kind);
                }
            }
            None => {
                item.flags.retain(|f| f.as_str() != finding.kind);
                match finding.kind {
                    "stale" => item.stale = false,
                    "unattributed" => item.unattributed = false,
                    _ => {}
                }
            }
        }
        changed = true;
    }
    changed
}
