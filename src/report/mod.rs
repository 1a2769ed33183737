//! The report model every output format renders, and the formats: [`table`] (for a
//! terminal), [`json`] (the versioned contract, documented in `docs/json.md`) and
//! [`markdown`].

pub mod baseline;
pub mod findings;
pub mod github;
pub mod html;
pub mod json;
pub mod jsonl;
pub mod junit;
pub mod markdown;
pub mod rules;
pub mod sarif;
pub mod statistics;
pub mod table;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::date::ContentDate;
use crate::model::{Flag, Location, Problem, Severity};
use crate::normalize::RemovedLine;
use crate::pipeline::Analyzed;
use crate::profile::Attribution;
use crate::relate::{Cluster, Evidence, Kind, RelateStats, Related};

/// The version of the JSON report's schema. It changes when a field changes meaning or
/// goes away; new fields do not change it.
pub const SCHEMA_VERSION: u32 = 1;

/// A whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub version: u32,
    pub tool: Tool,
    /// The collection's date: `--as-of`, else the newest published date in it.
    pub as_of: Option<NaiveDate>,
    pub summary: Summary,
    pub items: Vec<ItemReport>,
    pub clusters: Vec<ClusterReport>,
    /// Source scores, by source name.
    pub sources: Vec<crate::score::SourceScore>,
    /// The configuration file the run used.
    pub configuration: Configuration,
    /// The configured ignores, each with the findings it hid.
    pub ignores: Vec<findings::IgnoreReport>,
    /// Every finding an ignore hid, with its reason.
    pub ignored: Vec<findings::Ignored>,
    pub problems: Vec<Problem>,
    /// The baseline the findings were compared with (`--baseline`), when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<baseline::Applied>,
    /// The run against the archive, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive: Option<crate::archive::report::ArchiveRun>,
}

/// The configuration file a run used: its path (none for the defaults) and whether it was
/// discovered beside the inputs rather than given with `--config`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Configuration {
    pub path: Option<String>,
    pub discovered: bool,
}

impl Configuration {
    /// The file in words, for the table and Markdown.
    pub fn describe(&self) -> String {
        match &self.path {
            Some(path) if self.discovered => format!("{path} (found beside the inputs)"),
            Some(path) => format!("{path} (--config)"),
            None => "built-in defaults".to_string(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

/// Counts over the whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Input files read (after walking folders).
    pub files: usize,
    pub items: usize,
    /// Items whose outlet could not be found: listed, not scored as one outlet.
    pub items_without_source: usize,
    /// Inputs, or parts of inputs, left out.
    pub skipped: usize,
    pub warnings: usize,
    /// Copy clusters.
    pub clusters: usize,
    /// Story clusters (items linked by any relation, at least one of them a rewrite or
    /// the same story).
    pub story_clusters: usize,
    /// Relations of each kind.
    pub relations: BTreeMap<&'static str, usize>,
    /// What the indexes proposed and how many pairs were verified.
    pub candidates: RelateStats,
    /// Items whose content predates their framing by more than the maximum age.
    pub stale: usize,
    /// Items with no date at all: nothing in the text dates them, and they have no
    /// published or fetched date.
    pub undated: usize,
    /// Items with a published or fetched date that nothing in the text dates: their
    /// framing is known, their content's date is not. Counted, not a finding.
    pub content_undated: usize,
    /// Items whose published date falls before their content window.
    pub date_conflicts: usize,
}

/// One item and everything found about it.
#[derive(Debug, Clone, Serialize)]
pub struct ItemReport {
    pub id: String,
    pub location: Option<Location>,
    pub source: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    pub dateline: Option<String>,
    /// RFC 3339.
    pub published: Option<String>,
    /// RFC 3339: when the page says it was last changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// The language the input declares.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// For fields read from a page's markup, the tag or rule that gave each.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub basis: BTreeMap<String, String>,
    /// The date the item is presented under: published, else fetched, else `as_of`.
    pub framing_date: Option<NaiveDate>,
    /// `published`, `fetched` or `as_of`: where the framing date comes from.
    pub framing_basis: &'static str,
    /// Fields inferred from the text, with how each was found.
    pub inferred: BTreeMap<String, String>,
    pub sha256: String,
    /// Words in the clean text.
    pub words: u32,
    pub boilerplate: Boilerplate,
    /// Where the item says it comes from: credit, byline, quotations with named speakers.
    pub attribution: Attribution,
    /// Garbled text, AI residue, generic filler and headline signals, with their evidence.
    pub signals: crate::score::signals::ItemSignals,
    pub flags: Vec<Flag>,
    /// Relations in which this item is the later one: what it copies.
    pub relations: Vec<RelationReport>,
    /// Earlier items its text would make it a rewrite or the same story of, held apart,
    /// each with the reason.
    pub held_apart: Vec<HeldApartReport>,
    /// Items that copy this one.
    pub copied_by: Vec<String>,
    /// The copy cluster.
    pub cluster: Option<String>,
    /// Whether this item is the origin of its copy cluster.
    pub origin: bool,
    /// The story cluster.
    pub story_cluster: Option<String>,
    /// Whether this item is the origin (the earliest item) of its story cluster.
    pub story_origin: bool,
    /// When the content was written, and the evidence.
    pub content_date: ContentDate,
    /// Whether the content window ends more than the maximum age before the framing date.
    pub stale: bool,
    /// Days from the end of the content window (or the estimate) to the framing date.
    pub age_days: Option<i64>,
    /// The item's standing in the archive, when the run used one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive: Option<crate::archive::report::ItemArchive>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Boilerplate {
    /// Share of the article's characters removed as boilerplate (0..1).
    pub ratio: f64,
    pub removed: Vec<RemovedLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RelationReport {
    pub kind: Kind,
    /// The earlier item this one relates to.
    pub other: String,
    pub score: f64,
    #[serde(flatten)]
    pub evidence: Evidence,
    /// For a relation to an archived item: what the archive holds of it.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub archived: Option<crate::archive::report::ArchivedOther>,
}

/// A pair held apart, seen from its later item.
#[derive(Debug, Clone, Serialize)]
pub struct HeldApartReport {
    /// The earlier item.
    pub other: String,
    /// Why, in words: "event dates 2008-12-11 vs 2009-04-28".
    pub reason: String,
    /// Why, as data: `kind` (`event_dates`, `no_name_shared`, `figures_differ`, `cluster_support`) and its
    /// values.
    pub hold: crate::relate::HoldReason,
    #[serde(flatten)]
    pub evidence: Evidence,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClusterReport {
    pub id: String,
    /// `copy` (copy relations only) or `story` (any relations).
    pub kind: &'static str,
    pub origin: String,
    pub size: usize,
    pub members: Vec<ClusterMember>,
    /// In runs with an archive: the archived item the cluster's text comes from, when a
    /// member copies one (for a story cluster, relates to one in any way).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archived_origin: Option<crate::archive::report::ArchivedOrigin>,
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

/// What [`build`] needs.
pub struct Input<'a> {
    pub analyzed: &'a [Analyzed],
    pub related: &'a Related,
    pub problems: Vec<Problem>,
    pub files: usize,
    pub as_of: Option<NaiveDate>,
    pub settings: Settings<'a>,
}

/// What building the report takes from the configuration.
#[derive(Debug, Clone)]
pub struct Settings<'a> {
    /// Source scores: the score's own options and the configured sources.
    pub scoring: crate::score::Scoring<'a>,
    /// Findings not to report, each with its reason.
    pub ignores: &'a [findings::Ignore],
    /// The configuration file the run used, as the report shows it.
    pub configuration: Configuration,
}

/// Builds the report model from the pipeline's results.
pub fn build(input: Input<'_>) -> Report {
    let analyzed = input.analyzed;
    let as_of = input.as_of.or_else(|| analyzed.iter().filter_map(|a| a.item.published).map(|p| p.date_naive()).max());
    let id = |index: usize| analyzed[index].item.id.clone();

    let mut relations: Vec<Vec<RelationReport>> = vec![Vec::new(); analyzed.len()];
    let mut copied_by: Vec<Vec<String>> = vec![Vec::new(); analyzed.len()];
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for relation in &input.related.relations {
        relations[relation.later].push(RelationReport {
            kind: relation.kind,
            other: id(relation.earlier),
            score: relation.score,
            evidence: relation.evidence,
            archived: None,
        });
        copied_by[relation.earlier].push(id(relation.later));
        *counts.entry(relation.kind.as_str()).or_default() += 1;
    }
    let mut held_apart: Vec<Vec<HeldApartReport>> = vec![Vec::new(); analyzed.len()];
    for held in &input.related.held_apart {
        held_apart[held.later].push(HeldApartReport {
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
    let mut clusters = Vec::with_capacity(input.related.clusters.len() + input.related.story_clusters.len());
    let groups = [("copy", "C", &input.related.clusters), ("story", "S", &input.related.story_clusters)];
    for (kind, prefix, list) in groups {
        for (number, cluster) in list.iter().enumerate() {
            let name = format!("{prefix}{}", number + 1);
            let (of, origin) =
                if kind == "copy" { (&mut cluster_of, &mut is_origin) } else { (&mut story_of, &mut is_story_origin) };
            origin[cluster.origin] = true;
            for &member in &cluster.members {
                of[member] = Some(name.clone());
            }
            clusters.push(cluster_report(analyzed, &relations, cluster, name, kind));
        }
    }

    let scoring = input.settings.scoring;
    let score = scoring.options;
    let items: Vec<ItemReport> = analyzed
        .iter()
        .enumerate()
        .map(|(index, a)| {
            let item = &a.item;
            let mut flags: Vec<Flag> = relations[index].iter().map(|r| r.kind.flag()).collect();
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
            ItemReport {
                id: item.id.clone(),
                location: item.location.clone(),
                source: item.source.as_ref().map(|_| {
                    crate::score::source_identity(item.source.as_deref(), item.url.as_deref(), scoring.sources)
                }),
                url: item.url.clone(),
                title: item.title.clone(),
                author: item.author.clone(),
                dateline: item.dateline.clone(),
                published: item.published.map(|p| p.to_rfc3339()),
                modified: item.modified.map(|p| p.to_rfc3339()),
                language: item.language.clone(),
                basis: item.basis.clone(),
                framing_date: a.date.framing_date,
                framing_basis: a.date.framing_basis.as_str(),
                inferred: item.inferred.clone(),
                sha256: a.fingerprint.sha256_hex(),
                words: a.fingerprint.words,
                boilerplate: Boilerplate {
                    ratio: (a.boilerplate_ratio * 1000.0).round() / 1000.0,
                    removed: a.removed.clone(),
                },
                attribution: a.attribution.clone(),
                signals: a.signals.clone(),
                flags,
                relations: std::mem::take(&mut relations[index]),
                held_apart: std::mem::take(&mut held_apart[index]),
                copied_by: std::mem::take(&mut copied_by[index]),
                cluster: cluster_of[index].clone(),
                origin: is_origin[index],
                story_cluster: story_of[index].clone(),
                story_origin: is_story_origin[index],
                content_date: a.date.content.clone(),
                stale: a.date.stale,
                age_days: a.date.age_days,
                archive: None,
            }
        })
        .collect();

    let count = |flag: Flag| items.iter().filter(|i| i.flags.contains(&flag)).count();
    let (stale, undated, date_conflicts) = (count(Flag::Stale), count(Flag::Undated), count(Flag::DateConflict));
    let content_undated = count(Flag::ContentUndated);
    let skipped = input.problems.iter().filter(|p| p.severity == Severity::Skipped).count();
    let warnings = input.problems.len() - skipped;
    let mut report = Report {
        version: SCHEMA_VERSION,
        tool: Tool { name: "copydesk", version: env!("CARGO_PKG_VERSION") },
        as_of,
        summary: Summary {
            files: input.files,
            items: items.len(),
            items_without_source: 0,
            skipped,
            warnings,
            clusters: input.related.clusters.len(),
            story_clusters: input.related.story_clusters.len(),
            relations: counts,
            candidates: input.related.stats,
            stale,
            undated,
            content_undated,
            date_conflicts,
        },
        items,
        clusters,
        sources: Vec::new(),
        configuration: input.settings.configuration,
        ignores: Vec::new(),
        ignored: Vec::new(),
        problems: input.problems,
        baseline: None,
        archive: None,
    };
    report.sources = crate::score::score_report(&report, scoring);
    report.summary.items_without_source = report.items.iter().filter(|i| i.source.is_none()).count();
    report.ignores = findings::apply_ignores(&mut report, input.settings.ignores);
    report.ignored = report.ignored_findings();
    // What is ignored is ignored everywhere: in every format and in the scores.
    if report.withdraw_ignored() {
        report.sources = crate::score::score_report(&report, scoring);
    }
    report
}

/// The report of one cluster: its members in origin order, each with the strongest of its
/// relations to an earlier member.
fn cluster_report(
    analyzed: &[Analyzed],
    relations: &[Vec<RelationReport>],
    cluster: &Cluster,
    name: String,
    kind: &'static str,
) -> ClusterReport {
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
    ClusterReport {
        id: name,
        kind,
        origin: analyzed[cluster.origin].item.id.clone(),
        size: cluster.members.len(),
        members,
        archived_origin: None,
    }
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// JUnit XML, one test case per item.
    Junit,
    /// GitHub Actions annotations.
    Github,
    /// One finding per line.
    Jsonl,
    /// One self-contained page for a browser (the texts shown are read again by
    /// `copydesk check`; elsewhere the page shows measured values only).
    Html,
}

/// Renders a report in a format.
pub fn render(report: &Report, format: Format) -> String {
    render_painted(report, format, table::Paint::default())
}

/// [`render`], with the table painted for a terminal.
pub fn render_painted(report: &Report, format: Format, paint: table::Paint) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = write_painted(report, format, paint, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes a report in a format; JSON is streamed, never held whole in memory. The table
/// and Markdown of a run against the archive open with the archive's section; the other
/// formats carry the archive in their items.
pub fn write(report: &Report, format: Format, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    write_painted(report, format, table::Paint::default(), out)
}

/// [`write`], with the table painted for a terminal (the other formats are never painted).
pub fn write_painted(
    report: &Report,
    format: Format,
    paint: table::Paint,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    if report.archive.is_some() {
        out.write_all(crate::archive::report::section(report, format).as_bytes())?;
    }
    match format {
        Format::Table => out.write_all(table::render_painted(report, paint).as_bytes()),
        Format::Json => json::write(report, out),
        Format::Markdown => out.write_all(markdown::render(report).as_bytes()),
        Format::Sarif => sarif::write(report, out),
        Format::Junit => junit::write(report, out),
        Format::Github => github::write(report, out),
        Format::Jsonl => jsonl::write(report, out),
        Format::Html => html::write(report, &html::Texts::new(), out),
    }
}

impl Report {
    /// The item with an id.
    pub fn item(&self, id: &str) -> Option<&ItemReport> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The items by id, for renderers that look many up.
    pub fn index(&self) -> std::collections::HashMap<&str, &ItemReport> {
        self.items.iter().map(|i| (i.id.as_str(), i)).collect()
    }
}

/// How many characters of a title a report line shows beside an item's id.
const TITLE_SHOWN: usize = 60;

/// An item as report lines name it: its stable id, and its title beside it when it has
/// one that says more than the id (`urn:bbc:podcast:m000sjxt “Title”`), clipped.
pub fn label(id: &str, title: Option<&str>) -> String {
    match title.map(str::trim).filter(|t| !t.is_empty() && *t != id) {
        Some(title) => format!("{id} “{}”", crate::util::clip(title, TITLE_SHOWN)),
        None => id.to_string(),
    }
}

impl ItemReport {
    /// The item's id with its title; see [`label`].
    pub fn label(&self) -> String {
        label(&self.id, self.title.as_deref())
    }
}

impl Report {
    /// The id of an item of the report with its title; see [`label`].
    pub fn label_of(&self, id: &str) -> String {
        label(id, self.items.iter().find(|i| i.id == id).and_then(|i| i.title.as_deref()))
    }
}

/// How many entries a list in a human-readable report shows before it is condensed.
pub const LIST_SHOWN: usize = 20;

/// A list joined with `separator`, condensed past [`LIST_SHOWN`] entries with a count
/// (`a, b, … and 1,234 more`).
pub fn condensed(entries: &[String], separator: &str) -> String {
    let mut out = entries.iter().take(LIST_SHOWN).cloned().collect::<Vec<_>>().join(separator);
    if entries.len() > LIST_SHOWN {
        out.push_str(&format!("{separator}… and {} more", thousands(entries.len() - LIST_SHOWN)));
    }
    out
}

/// A count with thousands separated by commas.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
