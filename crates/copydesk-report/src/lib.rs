//! The report of a copydesk run, built once from finished verdicts, and its formats.
//!
//! [`build`] lays out the analyzed items and the verdicts about them (`copydesk_core::verdict`)
//! as a [`Report`], deciding nothing; every format renders that one model through the
//! [`Renderer`] of its [`Format`]: the table for a terminal, the JSON contract (documented
//! in `docs/json.md`), Markdown, an HTML page, and the CI formats (SARIF, JUnit, GitHub
//! annotations, JSON Lines). The per-source report of `copydesk sources` ([`sources`])
//! and what `copydesk extract` read ([`extract`]) go through the same renderers.

pub use copydesk_core::verdict::{baseline, findings};

// The core's modules at the paths the formats have always used.
pub(crate) use copydesk_core::{analysis, date, history, model, normalize, profile, relate, score, util, verdict};

pub mod archive_section;
pub mod extract;
mod format;
pub mod github;
pub mod html;
pub mod json;
pub mod jsonl;
pub mod junit;
pub mod markdown;
pub mod rules;
pub mod sarif;
pub mod sources;
pub mod statistics;
pub mod table;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::analysis::Analyzed;
use crate::date::ContentDate;
use crate::history::LookupStats;
use crate::model::{FieldNotes, Flag, Location, Problem, Severity};
use crate::normalize::RemovedLine;
use crate::profile::Attribution;
use crate::relate::{Kind, RelateStats};
use crate::verdict::Verdicts;

pub use format::{Document, DocumentKind, Format, RenderOptions, Renderer};

pub use crate::verdict::{
    ArchivedOrigin, ArchivedOther, ClusterMember, ClusterVerdict as ClusterReport, EarliestMatch,
    HeldApartFrom as HeldApartReport, HeldBy, ItemArchive, ItemRelation as RelationReport, PreviousVersion,
};

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
    pub archive: Option<ArchiveRun>,
    /// The findings reported: every finding of the run less those the ignores hid.
    #[serde(skip)]
    pub findings: Vec<findings::Finding>,
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

impl Tool {
    /// copydesk, at the version of this crate (the workspace's).
    pub fn copydesk() -> Tool {
        Tool { name: "copydesk", version: env!("CARGO_PKG_VERSION") }
    }
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
    /// The language: as the input declares it, else as the text reads (`basis.language`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// For fields read from a page's markup, the tag or rule that gave each; how the
    /// language was settled.
    #[serde(skip_serializing_if = "FieldNotes::is_empty")]
    pub basis: FieldNotes,
    /// The date the item is presented under: published, else fetched, else `as_of`.
    pub framing_date: Option<NaiveDate>,
    /// `published`, `fetched` or `as_of`: where the framing date comes from.
    pub framing_basis: &'static str,
    /// Fields inferred from the text, with how each was found.
    pub inferred: FieldNotes,
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
    pub archive: Option<Box<ItemArchive>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Boilerplate {
    /// Share of the article's characters removed as boilerplate (0..1).
    pub ratio: f64,
    pub removed: Vec<RemovedLine>,
}

/// The run against the archive, at the report's top level.
#[derive(Debug, Clone, Serialize)]
pub struct ArchiveRun {
    /// The archive's file.
    pub path: String,
    /// Whether the items were stored (`copydesk ingest`) or only screened
    /// (`copydesk check --archive`).
    pub stored: bool,
    /// The time recorded as first seen for the items stored by this run.
    pub seen_at: String,
    /// Item versions in the archive before and after the run.
    pub items_before: u64,
    pub items_after: u64,
    /// Items new to the archive.
    pub new: usize,
    /// Items the archive already held with the same text.
    pub unchanged: usize,
    /// Items whose URL the archive held with another text.
    pub edited: usize,
    /// Items that copy an archived item (exactly, nearly or in part) or rewrite one.
    pub repeats_history: usize,
    /// Items that report the same story as an archived item, each with its own facts.
    pub same_story: usize,
    /// What the archive lookups cost.
    pub lookups: LookupStats,
    /// The feeds read over HTTP(S), in the order given.
    pub feeds: Vec<FeedReport>,
}

/// One feed URL and what reading it gave.
#[derive(Debug, Clone, Serialize)]
pub struct FeedReport {
    pub url: String,
    /// `read`, `not_modified` (HTTP 304 to a conditional request) or `failed`.
    pub status: &'static str,
    /// The HTTP status of a read.
    pub http_status: Option<u16>,
    /// Bytes read.
    pub bytes: Option<usize>,
    /// Items the feed gave.
    pub items: usize,
    /// Why it failed.
    pub error: Option<String>,
    /// How long the server asked a reader to wait before the next request, in seconds
    /// (`Cache-Control: max-age`, or `Retry-After` of a refusal).
    pub wait_seconds: Option<u64>,
}

/// A run against the archive, as the report shows it: what [`build`] cannot count from
/// the verdicts.
#[derive(Debug, Clone)]
pub struct ArchiveSection {
    pub path: String,
    pub stored: bool,
    pub seen_at: chrono::DateTime<chrono::Utc>,
    pub items_before: u64,
    pub items_after: u64,
    pub lookups: LookupStats,
    pub feeds: Vec<FeedReport>,
}

/// What [`build`] needs: the analyzed items and every verdict about them, made. The items
/// are taken, not borrowed: each one's parts move into its line of the report instead of
/// being copied there.
pub struct Input {
    pub analyzed: Vec<Analyzed>,
    pub verdicts: Verdicts,
    pub problems: Vec<Problem>,
    pub files: usize,
    pub as_of: Option<NaiveDate>,
    /// What the indexes proposed and how many pairs were verified.
    pub candidates: RelateStats,
    /// The configuration file the run used, as the report shows it.
    pub configuration: Configuration,
    /// The run against the archive, when there was one.
    pub archive: Option<ArchiveSection>,
}

// The items of a report are made from the analyzed items one by one, in the memory those
// took (the standard library collects a mapped vector in place when the new elements fit
// in the old ones): on a large collection a second vector the size of the first would be
// the run's peak. Keep an item's report no larger than its analysis.
const _: () = assert!(
    std::mem::size_of::<ItemReport>() <= std::mem::size_of::<Analyzed>()
        && std::mem::align_of::<ItemReport>() == std::mem::align_of::<Analyzed>(),
    "an ItemReport must fit where its Analyzed item was"
);

/// Builds the report from the analyzed items and their verdicts: it lays them out and
/// counts them, and decides nothing.
pub fn build(input: Input) -> Report {
    let analyzed = input.analyzed;
    let mut verdicts = input.verdicts;
    // Each item's standing on the score criteria has served the source scores (and an
    // ingest has stored it); the report does not show it, so it is let go before the items
    // are laid out.
    verdicts.facts = Vec::new();
    let as_of = input.as_of.or_else(|| analyzed.iter().filter_map(|a| a.item.published).map(|p| p.date_naive()).max());
    let items: Vec<ItemReport> = analyzed
        .into_iter()
        .zip(verdicts.items)
        .map(|(a, verdict)| {
            let item = a.item;
            let mut attribution = a.attribution;
            attribution.unattributed = verdict.unattributed;
            ItemReport {
                id: item.id,
                location: item.location,
                source: verdict.source,
                url: item.url,
                title: item.title,
                author: item.author,
                dateline: item.dateline,
                published: item.published.map(|p| p.to_rfc3339()),
                modified: item.modified.map(|p| p.to_rfc3339()),
                language: item.language,
                basis: item.basis,
                framing_date: a.date.framing_date,
                framing_basis: a.date.framing_basis.as_str(),
                inferred: item.inferred,
                sha256: a.fingerprint.sha256_hex(),
                words: a.fingerprint.words,
                boilerplate: Boilerplate {
                    ratio: crate::verdict::boilerplate_shown(a.boilerplate_ratio),
                    removed: a.removed,
                },
                attribution,
                signals: a.signals,
                flags: verdict.flags,
                relations: verdict.relations,
                held_apart: verdict.held_apart,
                copied_by: verdict.copied_by,
                cluster: verdict.cluster,
                origin: verdict.origin,
                story_cluster: verdict.story_cluster,
                story_origin: verdict.story_origin,
                content_date: verdict.content_date,
                stale: verdict.stale,
                age_days: verdict.age_days,
                archive: verdict.archive,
            }
        })
        .collect();

    let mut relations: BTreeMap<&'static str, usize> = BTreeMap::new();
    for relation in items.iter().flat_map(|i| &i.relations) {
        *relations.entry(relation.kind.as_str()).or_default() += 1;
    }
    let count = |flag: Flag| items.iter().filter(|i| i.flags.contains(&flag)).count();
    let mut problems = input.problems;
    problems.extend(verdicts.problems);
    let skipped = problems.iter().filter(|p| p.severity == Severity::Skipped).count();
    let clusters_of = |kind: &str| verdicts.clusters.iter().filter(|c| c.kind == kind).count();
    let summary = Summary {
        files: input.files,
        items: items.len(),
        items_without_source: items.iter().filter(|i| i.source.is_none()).count(),
        skipped,
        warnings: problems.len() - skipped,
        clusters: clusters_of("copy"),
        story_clusters: clusters_of("story"),
        relations,
        candidates: input.candidates,
        stale: items.iter().filter(|i| i.stale).count(),
        undated: count(Flag::Undated),
        content_undated: count(Flag::ContentUndated),
        date_conflicts: count(Flag::DateConflict),
    };
    let archive = input.archive.map(|section| archive_run(section, &items));
    Report {
        version: SCHEMA_VERSION,
        tool: Tool::copydesk(),
        as_of,
        summary,
        items,
        clusters: verdicts.clusters,
        sources: verdicts.sources,
        configuration: input.configuration,
        ignores: verdicts.ignores,
        ignored: verdicts.ignored,
        problems,
        baseline: None,
        archive,
        findings: verdicts.findings,
    }
}

/// The archive's section of the report: the run's counts over its items' standing.
fn archive_run(section: ArchiveSection, items: &[ItemReport]) -> ArchiveRun {
    let status = |name: &str| items.iter().filter(|i| i.archive.as_ref().is_some_and(|a| a.status == name)).count();
    let archived = |item: &&ItemReport| -> Vec<Kind> {
        item.relations.iter().filter(|r| r.archived.is_some()).map(|r| r.kind).collect()
    };
    let repeats_history = items.iter().filter(|i| archived(i).iter().any(|&k| k != Kind::SameStory)).count();
    let same_story = items
        .iter()
        .filter(|i| {
            let kinds = archived(i);
            !kinds.is_empty() && kinds.iter().all(|&k| k == Kind::SameStory)
        })
        .count();
    ArchiveRun {
        path: section.path,
        stored: section.stored,
        seen_at: section.seen_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        items_before: section.items_before,
        items_after: section.items_after,
        new: status("new"),
        unchanged: status("unchanged"),
        edited: status("edited"),
        repeats_history,
        same_story,
        lookups: section.lookups,
        feeds: section.feeds,
    }
}

impl Report {
    /// Compares the report's findings with a baseline read from `path`.
    pub fn apply_baseline(&mut self, baseline: &baseline::Baseline, path: &std::path::Path) {
        self.baseline = Some(baseline::Applied::compare(&self.findings, baseline, path));
    }

    /// The findings that are not in the baseline (all of them without one).
    pub fn new_findings(&self) -> Vec<findings::Finding> {
        let mut findings = self.findings.clone();
        if let Some(baseline) = &self.baseline {
            findings.retain(|f| baseline.state(f) == baseline::State::New);
        }
        findings
    }

    /// Whether any input of the run failed: a file, a feed or part of one was skipped.
    pub fn input_failed(&self) -> bool {
        self.summary.skipped > 0
    }

    /// Whether the run read nothing at all: no item, and no feed that answered "not
    /// modified".
    pub fn read_nothing(&self) -> bool {
        self.summary.items == 0
            && !self.archive.as_ref().is_some_and(|a| a.feeds.iter().any(|f| f.status == "not_modified"))
    }
}

/// Renders a report in a format, unpainted.
pub fn render(report: &Report, format: Format) -> String {
    format.render(report)
}

/// Writes a report in a format; JSON is streamed, never held whole in memory.
pub fn write(report: &Report, format: Format, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    format.renderer(RenderOptions::default()).report(report, out)
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
