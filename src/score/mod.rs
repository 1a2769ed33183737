//! Score: per-source criteria and a 0–100 score, in the style of the point systems of
//! rating services. Each criterion is the share of a source's items that pass one test;
//! a criterion whose share reaches its threshold earns its weight in points. The score is
//! the sum of the points, with a grade and an interval that says how far the number of
//! items lets it be trusted.

pub mod signals;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What scoring needs to know of one item: for each criterion, why the item fails it
/// (`None` when it passes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemFacts {
    /// The item's id and source name; the archive keeps them with the item, not here.
    #[serde(skip)]
    pub id: String,
    #[serde(skip)]
    pub source: String,
    /// The item copies or rewrites an earlier item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub originality: Option<String>,
    /// It copies or rewrites another source without naming it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_unattributed_copies: Option<String>,
    /// It is stale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub freshness: Option<String>,
    /// It names no source, quotes no named speaker and has no credit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<String>,
    /// It has no author or no date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bylines_and_datelines: Option<String>,
    /// Its text is heavy with boilerplate or garbled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clean_text: Option<String>,
    /// Its headline is sensational.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headline_restraint: Option<String>,
}

/// The criteria, in report order.
pub const CRITERIA: [&str; 7] = [
    "originality",
    "no_unattributed_copies",
    "freshness",
    "attribution",
    "bylines_and_datelines",
    "clean_text",
    "headline_restraint",
];

impl ItemFacts {
    /// Why the item fails a criterion, if it does.
    pub fn failure(&self, criterion: &str) -> Option<&str> {
        match criterion {
            "originality" => self.originality.as_deref(),
            "no_unattributed_copies" => self.no_unattributed_copies.as_deref(),
            "freshness" => self.freshness.as_deref(),
            "attribution" => self.attribution.as_deref(),
            "bylines_and_datelines" => self.bylines_and_datelines.as_deref(),
            "clean_text" => self.clean_text.as_deref(),
            _ => self.headline_restraint.as_deref(),
        }
    }
}

/// Weight and pass threshold of one criterion.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// Points the criterion is worth.
    pub weight: f64,
    /// The share of items that must pass for the points.
    pub threshold: f64,
}

/// Settings of the score stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScoreOptions {
    pub originality: Criterion,
    pub no_unattributed_copies: Criterion,
    pub freshness: Criterion,
    pub attribution: Criterion,
    pub bylines_and_datelines: Criterion,
    pub clean_text: Criterion,
    pub headline_restraint: Criterion,
    /// A boilerplate ratio at or above this is heavy.
    pub heavy_boilerplate: f64,
    /// Confidence of the score interval (Wilson intervals on each share).
    pub confidence: f64,
    /// A source scoring below this is a finding (`low_source_score`); `--min-source-score`
    /// overrides it.
    pub min_source_score: f64,
    /// Generic filler phrases per 1,000 words at or above which an item is flagged.
    pub filler_per_1000_words: f64,
    /// Words to add to the built-in lexicon of loaded headline words.
    pub extend_loaded_words: Vec<String>,
    /// Phrases to add to the built-in clickbait forms.
    pub extend_clickbait: Vec<String>,
}

/// A source known by several names (`[[source]]` in the configuration).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// The name reports use.
    pub name: String,
    /// Other names and web hosts of the same source (`kyivindependent.com`).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The lowest acceptable score for this source, instead of the general one.
    #[serde(default)]
    pub min_score: Option<f64>,
}

/// The name under which an item's source is reported: the configured name when the item's
/// source or its URL's host is one of a source's names or aliases, else the source as
/// found, else `(no source)`.
pub fn source_identity(source: Option<&str>, url: Option<&str>, sources: &[SourceConfig]) -> String {
    let host = url.and_then(crate::ingest::feed::host);
    for known in sources {
        let names = std::iter::once(&known.name).chain(&known.aliases);
        for name in names {
            let name = name.trim();
            if source.is_some_and(|s| s.trim().eq_ignore_ascii_case(name))
                || host.as_deref().is_some_and(|h| h.eq_ignore_ascii_case(name.trim_start_matches("www.")))
            {
                return known.name.clone();
            }
        }
    }
    source
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or(host)
        .unwrap_or_else(|| NO_SOURCE.to_string())
}

/// The source name of items that name none.
pub const NO_SOURCE: &str = "(no source)";

impl Default for ScoreOptions {
    fn default() -> Self {
        ScoreOptions {
            originality: Criterion { weight: 20.0, threshold: 0.8 },
            no_unattributed_copies: Criterion { weight: 20.0, threshold: 0.95 },
            freshness: Criterion { weight: 15.0, threshold: 0.95 },
            attribution: Criterion { weight: 15.0, threshold: 0.7 },
            bylines_and_datelines: Criterion { weight: 10.0, threshold: 0.5 },
            clean_text: Criterion { weight: 10.0, threshold: 0.8 },
            headline_restraint: Criterion { weight: 10.0, threshold: 0.8 },
            heavy_boilerplate: 0.2,
            confidence: 0.9,
            min_source_score: 50.0,
            filler_per_1000_words: 6.0,
            extend_loaded_words: Vec::new(),
            extend_clickbait: Vec::new(),
        }
    }
}

impl ScoreOptions {
    pub fn criterion(&self, name: &str) -> Criterion {
        match name {
            "originality" => self.originality,
            "no_unattributed_copies" => self.no_unattributed_copies,
            "freshness" => self.freshness,
            "attribution" => self.attribution,
            "bylines_and_datelines" => self.bylines_and_datelines,
            "clean_text" => self.clean_text,
            _ => self.headline_restraint,
        }
    }

    /// The points all criteria are worth together (100 with the defaults).
    pub fn total_weight(&self) -> f64 {
        CRITERIA.iter().map(|c| self.criterion(c).weight).sum()
    }
}

/// One criterion of one source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionReport {
    pub name: &'static str,
    /// Share of the source's items that pass.
    pub value: f64,
    pub threshold: f64,
    pub weight: f64,
    pub pass: bool,
    /// Points earned: the weight when it passes, else 0.
    pub points: f64,
    /// The interval of the share at the configured confidence.
    pub interval: [f64; 2],
    /// The items that fail it, each with the reason.
    pub failing: Vec<FailingItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailingItem {
    pub id: String,
    pub reason: String,
}

/// A source's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceScore {
    pub name: String,
    pub items: Vec<String>,
    /// 0 to 100.
    pub score: f64,
    pub grade: &'static str,
    /// The lowest and highest score the items allow at the configured confidence.
    pub interval: [f64; 2],
    /// `low` (under 5 items), `medium` (under 20), `high`.
    pub confidence: &'static str,
    /// The lowest acceptable score for this source (`min_source_score`, `--min-source-score`
    /// or the source's own `min_score`).
    pub min_score: f64,
    pub criteria: Vec<CriterionReport>,
}

impl SourceScore {
    /// The criteria the source fails.
    pub fn failing(&self) -> impl Iterator<Item = &CriterionReport> {
        self.criteria.iter().filter(|c| !c.pass)
    }
}

/// Scores the sources of a report: each item's facts read from its report, grouped by
/// source identity.
pub fn score_report(report: &crate::report::Report, config: &crate::config::Config) -> Vec<SourceScore> {
    scores_with_limits(&report_facts(report, config), config)
}

/// Scores sources from their items' facts, each with its lowest acceptable score.
pub fn scores_with_limits(facts: &[ItemFacts], config: &crate::config::Config) -> Vec<SourceScore> {
    let mut scores = score_sources(facts, &config.score);
    for score in &mut scores {
        score.min_score = config
            .sources
            .iter()
            .find(|s| s.name == score.name)
            .and_then(|s| s.min_score)
            .unwrap_or(config.score.min_source_score);
    }
    scores
}

/// Each item's facts, read from its report, in the report's order. The source of the other
/// item of a relation is that item's source in the report, or, for an archived item, the
/// source the archive holds.
pub fn report_facts(report: &crate::report::Report, config: &crate::config::Config) -> Vec<ItemFacts> {
    let source_of: std::collections::HashMap<&str, &str> =
        report.items.iter().map(|i| (i.id.as_str(), i.source.as_deref().unwrap_or(NO_SOURCE))).collect();
    report.items.iter().map(|item| item_facts(item, &source_of, config)).collect()
}

/// What one item's report says for each criterion.
fn item_facts(
    item: &crate::report::ItemReport,
    source_of: &std::collections::HashMap<&str, &str>,
    config: &crate::config::Config,
) -> ItemFacts {
    use crate::relate::Kind;
    let options = &config.score;
    let source = item.source.as_deref().unwrap_or(NO_SOURCE);
    let other_source = |r: &crate::report::RelationReport| -> String {
        match &r.archived {
            Some(archived) => {
                source_identity(archived.other_source.as_deref(), archived.other_url.as_deref(), &config.sources)
            }
            None => source_of.get(r.other.as_str()).copied().unwrap_or(NO_SOURCE).to_string(),
        }
    };
    let copies: Vec<&crate::report::RelationReport> =
        item.relations.iter().filter(|r| r.kind != Kind::SameStory).collect();
    let originality = copies.first().map(|r| format!("{} of {}", r.kind.as_str().replace('_', " "), r.other));
    let credit = item.attribution.credit.as_deref().map(str::to_lowercase);
    let uncredited = copies.iter().find(|r| {
        let other = other_source(r);
        let named = credit.as_deref().is_some_and(|c| {
            let o = other.to_lowercase();
            c.contains(&o) || o.contains(c)
        });
        other != source && !named
    });
    let no_unattributed_copies = uncredited.map(|r| {
        let other = other_source(r);
        format!("{} of {} ({other}) without credit", r.kind.as_str().replace('_', " "), r.other)
    });
    let freshness = item.stale.then(|| {
        let end = item.content_date.not_after.map_or_else(|| "?".to_string(), |d| d.to_string());
        let age = item.age_days.unwrap_or_default();
        let framing = item.framing_date.map_or_else(|| "?".to_string(), |d| d.to_string());
        format!("stale: content ends {end}, {age} days before its framing date {framing}")
    });
    let attribution = item
        .attribution
        .unattributed
        .then(|| "no source credit, no byline, no quotation with a named speaker".to_string());
    let author = item.author.is_some() || item.attribution.byline.is_some();
    let date = item.published.is_some() || item.dateline.is_some();
    let bylines_and_datelines = match (author, date) {
        (true, true) => None,
        (false, true) => Some("no author".to_string()),
        (true, false) => Some("no date".to_string()),
        (false, false) => Some("no author and no date".to_string()),
    };
    let mut dirty = Vec::new();
    if item.boilerplate.ratio >= options.heavy_boilerplate {
        dirty.push(format!("scrape noise: {:.0}% of the text is boilerplate", item.boilerplate.ratio * 100.0));
    }
    let signals = &item.signals.text;
    if !signals.garbled.is_empty() {
        let mut kinds: Vec<&str> = signals.garbled.iter().map(|a| a.kind).collect();
        kinds.dedup();
        dirty.push(format!("garbled: {} ({} artefacts)", kinds.join(", "), signals.garbled.len()));
    }
    if let Some(residue) = signals.ai_residue.first() {
        dirty.push(format!("AI residue: {} “{}”", residue.kind, residue.excerpt));
    }
    let clean_text = (!dirty.is_empty()).then(|| dirty.join("; "));
    let headline = &item.signals.headline;
    let headline_restraint = headline.sensational().then(|| format!("sensational headline: {}", headline.describe()));
    ItemFacts {
        id: item.id.clone(),
        source: source.to_string(),
        originality,
        no_unattributed_copies,
        freshness,
        attribution,
        bylines_and_datelines,
        clean_text,
        headline_restraint,
    }
}

/// Scores every source of a collection, in name order.
pub fn score_sources(items: &[ItemFacts], options: &ScoreOptions) -> Vec<SourceScore> {
    let mut by_source: BTreeMap<&str, Vec<&ItemFacts>> = BTreeMap::new();
    for item in items {
        by_source.entry(item.source.as_str()).or_default().push(item);
    }
    by_source.into_iter().map(|(name, items)| score_source(name, &items, options)).collect()
}

fn score_source(name: &str, items: &[&ItemFacts], options: &ScoreOptions) -> SourceScore {
    let n = items.len();
    let z = z_for(options.confidence);
    let total = options.total_weight().max(f64::EPSILON);
    let scale = 100.0 / total;
    let (mut score, mut low, mut high) = (0.0, 0.0, 0.0);
    let mut criteria = Vec::with_capacity(CRITERIA.len());
    for name in CRITERIA {
        let criterion = options.criterion(name);
        let failing: Vec<FailingItem> = items
            .iter()
            .filter_map(|i| i.failure(name).map(|reason| FailingItem { id: i.id.clone(), reason: reason.to_string() }))
            .collect();
        let passing = n - failing.len();
        let value = if n == 0 { 0.0 } else { passing as f64 / n as f64 };
        let interval = wilson(passing, n, z);
        let pass = value >= criterion.threshold;
        let points = if pass { criterion.weight * scale } else { 0.0 };
        score += points;
        if interval[0] >= criterion.threshold {
            low += criterion.weight * scale;
        }
        if interval[1] >= criterion.threshold {
            high += criterion.weight * scale;
        }
        criteria.push(CriterionReport {
            name,
            value: round(value),
            threshold: criterion.threshold,
            weight: criterion.weight,
            pass,
            points: round(points),
            interval: [round(interval[0]), round(interval[1])],
            failing,
        });
    }
    SourceScore {
        name: name.to_string(),
        items: items.iter().map(|i| i.id.clone()).collect(),
        score: round(score),
        grade: grade(score),
        interval: [round(low), round(high)],
        confidence: match n {
            0..=4 => "low",
            5..=19 => "medium",
            _ => "high",
        },
        min_score: options.min_source_score,
        criteria,
    }
}

/// Letter grades: A from 85, B from 70, C from 55, D from 40, else F.
pub fn grade(score: f64) -> &'static str {
    match score {
        s if s >= 85.0 => "A",
        s if s >= 70.0 => "B",
        s if s >= 55.0 => "C",
        s if s >= 40.0 => "D",
        _ => "F",
    }
}

/// The Wilson score interval of a share `k / n`.
fn wilson(k: usize, n: usize, z: f64) -> [f64; 2] {
    if n == 0 {
        return [0.0, 1.0];
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let denominator = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denominator;
    let half = z * ((p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt()) / denominator;
    [(centre - half).max(0.0), (centre + half).min(1.0)]
}

/// The two-sided normal quantile for a confidence level (0.8, 0.9, 0.95 or 0.99).
fn z_for(confidence: f64) -> f64 {
    match confidence {
        c if c >= 0.99 => 2.576,
        c if c >= 0.95 => 1.960,
        c if c >= 0.9 => 1.645,
        _ => 1.282,
    }
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, source: &str) -> ItemFacts {
        ItemFacts { id: id.into(), source: source.into(), ..ItemFacts::default() }
    }

    #[test]
    fn a_careful_source_earns_every_point() {
        let items: Vec<ItemFacts> = (0..200).map(|i| item(&format!("w{i}"), "Wire")).collect();
        let scores = score_sources(&items, &ScoreOptions::default());
        assert_eq!(scores[0].score, 100.0);
        assert_eq!(scores[0].grade, "A");
        assert_eq!(scores[0].confidence, "high");
        assert!(scores[0].interval[0] >= 85.0, "{:?}", scores[0].interval);
    }

    #[test]
    fn failing_criteria_name_their_items_and_cost_their_weight() {
        let mut items: Vec<ItemFacts> = (0..4).map(|i| item(&format!("f{i}"), "Farm")).collect();
        for it in &mut items[..3] {
            it.originality = Some("rewrite of w1".into());
            it.no_unattributed_copies = Some("rewrite of w1 (Wire) without credit".into());
        }
        let scores = score_sources(&items, &ScoreOptions::default());
        let farm = &scores[0];
        assert_eq!(farm.score, 60.0);
        assert_eq!(farm.grade, "C");
        assert_eq!(farm.confidence, "low");
        let originality = &farm.criteria[0];
        assert!(!originality.pass);
        assert_eq!(originality.value, 0.25);
        assert_eq!(originality.failing.len(), 3);
        assert_eq!(originality.failing[0].reason, "rewrite of w1");
        // Four items leave the score wide open.
        assert!(farm.interval[1] - farm.interval[0] >= 40.0, "{:?}", farm.interval);
    }

    #[test]
    fn wilson_interval_narrows_with_more_items() {
        let few = wilson(2, 2, 1.645);
        let many = wilson(200, 200, 1.645);
        assert!(few[0] < 0.6 && many[0] > 0.98, "{few:?} {many:?}");
    }
}
