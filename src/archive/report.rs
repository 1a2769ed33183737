//! What a run against the archive adds to the report: the run's counts (`archive` at the
//! top level), each item's standing in the archive (`items[].archive`), and relations to
//! archived items (`items[].relations[]` with `"archived": true`). The table and
//! Markdown formats put a section about the archive before the usual report.

use std::fmt::Write;

use serde::Serialize;

use super::screen::{LookupStats, Match, Screened, Screening, Status, Stored};
use super::timestamp;
use crate::model::Flag;
use crate::relate::Kind;
use crate::report::table::{count, measured};
use crate::report::{Format, ItemReport, RelationReport, Report};

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
    pub kind: crate::relate::Kind,
    pub score: f64,
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
    fn dates(&self) -> String {
        match &self.other_published {
            Some(published) if day(published) != day(&self.first_seen) => {
                format!("published {}, first seen {}", day(published), day(&self.first_seen))
            }
            _ => format!("first seen {}", day(&self.first_seen)),
        }
    }
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

/// For each cluster, the earliest archived item a member copies (for a story cluster,
/// relates to in any way): earliest published, else earliest first seen.
fn archived_origins(report: &mut Report) {
    let items: std::collections::HashMap<&str, &ItemReport> = report.items.iter().map(|i| (i.id.as_str(), i)).collect();
    let when = |other: &ArchivedOther| {
        let at = other.other_published.as_deref().unwrap_or(&other.first_seen);
        chrono::DateTime::parse_from_rfc3339(at).map(|t| t.timestamp()).unwrap_or(i64::MAX)
    };
    for cluster in &mut report.clusters {
        let copies_only = cluster.kind == "copy";
        let earliest = cluster
            .members
            .iter()
            .filter_map(|m| items.get(m.id.as_str()))
            .flat_map(|item| item.relations.iter().map(move |r| (item, r)))
            .filter(|(_, r)| !copies_only || r.kind.is_copy())
            .filter_map(|(item, r)| r.archived.as_ref().map(|other| (item, r, other)))
            .min_by_key(|(_, r, other)| (when(other), other.first_seen.clone(), r.kind));
        cluster.archived_origin = earliest.map(|(item, r, other)| ArchivedOrigin {
            id: r.other.clone(),
            source: other.other_source.clone(),
            url: other.other_url.clone(),
            published: other.other_published.clone(),
            first_seen: other.first_seen.clone(),
            member: item.id.clone(),
            kind: r.kind,
        });
    }
}

/// Everything [`annotate`] adds to a report.
pub struct Annotation<'a> {
    pub path: &'a std::path::Path,
    pub stored: bool,
    pub seen_at: chrono::DateTime<chrono::Utc>,
    pub screening: &'a Screening,
    pub feeds: Vec<FeedReport>,
}

/// Adds the archive's findings to a report built from the same items, in the same order.
/// `items_after` is left at the count before the run, for the caller to set once the
/// items are stored.
pub fn annotate(report: &mut Report, annotation: Annotation<'_>) {
    let screening = annotation.screening;
    let seen_at = annotation.seen_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let ids: Vec<String> = report.items.iter().map(|i| i.id.clone()).collect();
    let (mut new, mut unchanged, mut edited, mut repeats, mut same_story) = (0, 0, 0, 0, 0);
    for (item, screened) in report.items.iter_mut().zip(&screening.items) {
        match screened.status {
            Status::New => new += 1,
            Status::Unchanged => unchanged += 1,
            Status::Edited => edited += 1,
        }
        if screened.matches.iter().any(|m| m.kind != Kind::SameStory) {
            repeats += 1;
        } else if !screened.matches.is_empty() {
            same_story += 1;
        }
        for m in &screened.matches {
            item.relations.push(relation(m));
            if !item.flags.contains(&m.kind.flag()) {
                item.flags.push(m.kind.flag());
            }
            *report.summary.relations.entry(m.kind.as_str()).or_default() += 1;
        }
        if screened.status == Status::Edited && !item.flags.contains(&Flag::Edited) {
            item.flags.push(Flag::Edited);
        }
        item.archive = Some(item_archive(screened, annotation.stored, &seen_at, &ids));
    }
    archived_origins(report);
    report.archive = Some(ArchiveRun {
        path: annotation.path.display().to_string(),
        stored: annotation.stored,
        seen_at,
        items_before: screening.archived_before,
        // Known once the items are stored; the run sets it then.
        items_after: screening.archived_before,
        new,
        unchanged,
        edited,
        repeats_history: repeats,
        same_story,
        lookups: screening.stats,
        feeds: annotation.feeds,
    });
}

fn relation(m: &Match) -> RelationReport {
    RelationReport {
        kind: m.kind,
        other: m.other.id.clone(),
        score: m.score,
        evidence: m.evidence,
        archived: Some(ArchivedOther::from(&m.other)),
    }
}

fn item_archive(screened: &Screened, stored: bool, seen_at: &str, ids: &[String]) -> ItemArchive {
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
        same_as: screened.same_run.and_then(|i| ids.get(i).cloned()),
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

/// The archive's section of a run against the archive, for the table and Markdown
/// formats ([`crate::report::write`] puts it first); empty for the other formats.
pub fn section(report: &Report, format: Format) -> String {
    match format {
        Format::Table => table(report),
        Format::Markdown => markdown(report),
        _ => String::new(),
    }
}

fn day(timestamp: &str) -> &str {
    timestamp.get(..10).unwrap_or(timestamp)
}

fn table(report: &Report) -> String {
    let Some(run) = &report.archive else { return String::new() };
    let mut out = String::new();
    if run.stored {
        let _ =
            writeln!(out, "Archive {}: ingested, {} → {} item versions", run.path, run.items_before, run.items_after);
    } else {
        let _ = writeln!(
            out,
            "Archive {}: checked against {}, nothing stored",
            run.path,
            count(run.items_before as usize, "item version")
        );
    }
    let _ = writeln!(
        out,
        "    {} new · {} unchanged · {} edited · {} repeat history · {} same story as archived items",
        run.new, run.unchanged, run.edited, run.repeats_history, run.same_story
    );
    for (heading, stories) in [("Repeats history", false), ("Same story as archived items", true)] {
        let listed = archived_relations(report, stories);
        if listed.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{heading}");
        for (item, relation) in listed {
            let Some(other) = &relation.archived else { continue };
            let _ = writeln!(
                out,
                "    {}  {} archived {} ({}, {}): {}",
                item.id,
                link(relation.kind),
                relation.other,
                other.other_source.as_deref().unwrap_or("(no source)"),
                other.dates(),
                measured(relation)
            );
        }
    }
    let edited: Vec<_> =
        report.items.iter().filter(|i| i.archive.as_ref().is_some_and(|a| a.status == "edited")).collect();
    if !edited.is_empty() {
        let _ = writeln!(out, "\nEdited");
        for item in edited {
            let Some(archive) = &item.archive else { continue };
            let was = match (&archive.previous, &archive.same_as) {
                (Some(p), _) => format!(
                    "replaces version {} first seen {} (jaccard {:.2} · simhash Δ{})",
                    p.version,
                    day(&p.first_seen),
                    p.jaccard,
                    p.simhash_distance
                ),
                (None, Some(same)) => format!("replaces {same} of this run"),
                (None, None) => String::new(),
            };
            let _ = writeln!(out, "    {}  version {} {was}", item.id, archive.version);
        }
    }
    if !run.feeds.is_empty() {
        let _ = writeln!(out, "\nFeeds");
        for feed in &run.feeds {
            let what = match (feed.status, &feed.error) {
                ("failed", Some(error)) => format!("failed: {error}"),
                ("not_modified", _) => "not modified since the last read (HTTP 304)".to_string(),
                _ => format!("read, HTTP {}, {}", feed.http_status.unwrap_or(200), count(feed.items, "item")),
            };
            let _ = writeln!(out, "    {}  {what}", feed.url);
        }
    }
    out.push('\n');
    out
}

fn markdown(report: &Report) -> String {
    let Some(run) = &report.archive else { return String::new() };
    let mut out = String::new();
    let verb = if run.stored { "Ingested into" } else { "Checked against" };
    let _ = writeln!(out, "## Archive\n");
    let _ = writeln!(
        out,
        "{verb} `{}`: **{} new**, {} unchanged, {} edited, **{} repeat history**, {} same story as archived items; \
         {} item versions archived.\n",
        cell(&run.path),
        run.new,
        run.unchanged,
        run.edited,
        run.repeats_history,
        run.same_story,
        run.items_after
    );
    let listed: Vec<_> =
        archived_relations(report, false).into_iter().chain(archived_relations(report, true)).collect();
    if !listed.is_empty() {
        let _ = writeln!(out, "| item | kind | archived item | source | first seen | measured |");
        let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- |");
        for (item, relation) in listed {
            let Some(other) = &relation.archived else { continue };
            let _ = writeln!(
                out,
                "| `{}` | {} | `{}` | {} | {} | {} |",
                cell(&item.id),
                relation.kind.as_str(),
                cell(&relation.other),
                cell(other.other_source.as_deref().unwrap_or("")),
                day(&other.first_seen),
                measured(relation)
            );
        }
        out.push('\n');
    }
    let failed: Vec<_> = run.feeds.iter().filter(|f| f.status == "failed").collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "Feeds that failed:\n");
        for feed in failed {
            let _ = writeln!(out, "- `{}`: {}", cell(&feed.url), cell(feed.error.as_deref().unwrap_or("")));
        }
        out.push('\n');
    }
    out
}

/// How a relation to an archived item reads: "rewrite of", "same story as".
fn link(kind: Kind) -> String {
    match kind {
        Kind::SameStory => "same story as".to_string(),
        kind => format!("{} of", kind.as_str()),
    }
}

/// The relations to archived items: copies and rewrites, or reports of the same story.
fn archived_relations(report: &Report, same_story: bool) -> Vec<(&ItemReport, &RelationReport)> {
    report
        .items
        .iter()
        .flat_map(|item| item.relations.iter().map(move |relation| (item, relation)))
        .filter(|(_, relation)| relation.archived.is_some() && (relation.kind == Kind::SameStory) == same_story)
        .collect()
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ").replace('`', "'")
}

/// Dates content by the archive: an item whose archived exact copy or near-duplicate was
/// published, or first seen, on a day has content from that day or before (a hard
/// `not_after`, with the archived item as evidence). An item whose content so existed
/// more than `max_age_days` before its framing date is stale.
pub fn date_from_archive(report: &mut Report, config: &crate::config::Config) {
    use crate::date::{Bound, Evidence, Span, Strength};
    let mut changed = false;
    for item in &mut report.items {
        let Some(sighting) = item.archive.as_ref().and_then(|a| a.earliest_match.as_ref()) else { continue };
        let Some(seen) = chrono::DateTime::parse_from_rfc3339(&sighting.existed_by).ok().map(|t| t.date_naive()) else {
            continue;
        };
        let first_seen = chrono::DateTime::parse_from_rfc3339(&sighting.first_seen).ok().map(|t| t.date_naive());
        let when = if first_seen == Some(seen) {
            format!("was first seen on {seen}")
        } else {
            let sighting = first_seen.map(|d| format!(", first seen by the archive on {d}")).unwrap_or_default();
            format!("was published on {seen}{sighting}")
        };
        if item.content_date.not_after.is_some_and(|end| end <= seen) {
            continue;
        }
        item.content_date.evidence.push(Evidence {
            phrase: format!("archived {} {}", sighting.kind.as_str().replace('_', " "), sighting.id),
            line: 0,
            offset: 0,
            implies: Span::day(seen),
            bound: Bound::NotAfter,
            kind: Strength::Hard,
            confidence: 0.95,
            not_before: None,
            not_after: Some(seen),
            source: format!("archive:{}", sighting.id),
            note: format!(
                "a {} of this text ({}) {when}: the content existed by then",
                sighting.kind.as_str().replace('_', " "),
                sighting.source.as_deref().unwrap_or("no source")
            ),
            set_aside: false,
            point: seen,
        });
        item.content_date.not_after = Some(seen);
        item.flags.retain(|f| !matches!(f, Flag::Undated | Flag::ContentUndated));
        if let Some(framing) = item.framing_date {
            let age = (framing - seen).num_days().max(0);
            item.age_days = Some(age);
            if age > i64::from(config.date.max_age_days) && !item.stale {
                item.stale = true;
                item.flags.push(Flag::Stale);
            }
        }
        changed = true;
    }
    if changed {
        report.summary.stale = report.items.iter().filter(|i| i.stale).count();
        report.summary.undated = report.items.iter().filter(|i| i.flags.contains(&Flag::Undated)).count();
        report.summary.content_undated =
            report.items.iter().filter(|i| i.flags.contains(&Flag::ContentUndated)).count();
    }
}
