//! Score: per-source criteria and a 0–100 score, in the style of the point systems of
//! rating services. Each criterion is graded: a value from 0 to 1 for every item (pass or
//! fail for the yes-or-no tests, a measured rate mapped onto 0–1 for the others), and the
//! source's value is the mean over its items. The score is the weighted mean of the
//! criteria's values, out of 100, with a grade and an interval that says how far the number
//! of items lets it be trusted. A criterion on which no item of the run falls short tells
//! the sources apart by nothing: it is reported as not measured and weighs nothing.

mod lists;
pub mod signals;

use std::collections::BTreeMap;

use rayon::prelude::*;
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
    /// How its body speaks: the counts the graded criteria are measured from.
    #[serde(default)]
    pub voice: signals::Voice,
    /// Direct quotations with a named speaker, and whether a source is credited.
    #[serde(default)]
    pub named_quotes: u32,
    #[serde(default)]
    pub credited: bool,
}

/// The criteria, in report order.
pub const CRITERIA: [&str; 11] = [
    "originality",
    "no_unattributed_copies",
    "freshness",
    "attribution",
    "bylines_and_datelines",
    "clean_text",
    "headline_restraint",
    "restrained_language",
    "measured_tone",
    "specificity",
    "depth",
];

impl ItemFacts {
    /// Why the item fails a yes-or-no criterion, if it does.
    pub fn failure(&self, criterion: &str) -> Option<&str> {
        match criterion {
            "originality" => self.originality.as_deref(),
            "no_unattributed_copies" => self.no_unattributed_copies.as_deref(),
            "freshness" => self.freshness.as_deref(),
            "attribution" => self.attribution.as_deref(),
            "bylines_and_datelines" => self.bylines_and_datelines.as_deref(),
            "clean_text" => self.clean_text.as_deref(),
            "headline_restraint" => self.headline_restraint.as_deref(),
            _ => None,
        }
    }

    /// The item's value on a criterion, from 0 to 1, and why it falls short when it does.
    pub fn value(&self, criterion: &str, scales: &Scales) -> (f64, Option<String>) {
        let voice = &self.voice;
        // The reason is written only for a value that falls short.
        let graded = |value: f64, what: &dyn Fn() -> String| {
            let value = value.clamp(0.0, 1.0);
            (value, (value < 0.5).then(what))
        };
        match criterion {
            "attribution" => {
                if let Some(reason) = &self.attribution {
                    return (0.0, Some(reason.clone()));
                }
                let cues = voice.attributions + self.named_quotes as usize + usize::from(self.credited);
                let rate = voice.per_1000_words(cues);
                graded(rate / scales.attribution_full, &|| format!("{rate:.1} attribution cues per 1,000 words"))
            }
            "restrained_language" => {
                let rate = voice.per_1000_words(voice.loaded);
                let value =
                    1.0 - (rate - scales.loaded_full) / (scales.loaded_zero - scales.loaded_full).max(f64::EPSILON);
                graded(value, &|| {
                    let examples = if voice.loaded_examples.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", voice.loaded_examples.join(", "))
                    };
                    format!("{rate:.1} loaded words per 1,000 words{examples}")
                })
            }
            "measured_tone" => {
                let rate = voice.per_1000_words(voice.exclamations + voice.questions + voice.first_person);
                graded(1.0 - rate / scales.tone_zero, &|| {
                    format!(
                        "{rate:.1} exclamations, questions and first-person words per 1,000 words ({} !, {} ?, {} first person)",
                        voice.exclamations, voice.questions, voice.first_person
                    )
                })
            }
            "specificity" => {
                let rate = voice.per_1000_words(voice.numbers);
                graded(rate / scales.numbers_full, &|| format!("{rate:.1} figures per 1,000 words"))
            }
            "depth" => graded(voice.words as f64 / scales.depth_full_words, &|| format!("{} words", voice.words)),
            yes_or_no => match self.failure(yes_or_no) {
                Some(reason) => (0.0, Some(reason.to_string())),
                None => (1.0, None),
            },
        }
    }
}

/// How the graded criteria map a measured rate onto 0–1 (linearly, clamped).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scales {
    /// Attribution cues per 1,000 words (said, according to, named quotations, credits) that
    /// earn the whole of `attribution`.
    pub attribution_full: f64,
    /// Loaded words per 1,000 words up to which `restrained_language` is whole (news has a
    /// few: "crisis", "chaos" in a quotation's paraphrase)…
    pub loaded_full: f64,
    /// …and at which it is 0.
    pub loaded_zero: f64,
    /// Exclamation marks, questions and first-person words per 1,000 words at which
    /// `measured_tone` is 0.
    pub tone_zero: f64,
    /// Figures per 1,000 words that earn the whole of `specificity`.
    pub numbers_full: f64,
    /// Words that earn the whole of `depth`.
    pub depth_full_words: f64,
}

impl Default for Scales {
    fn default() -> Self {
        Scales {
            attribution_full: 10.0,
            loaded_full: 1.0,
            loaded_zero: 6.0,
            tone_zero: 30.0,
            numbers_full: 25.0,
            depth_full_words: 800.0,
        }
    }
}

/// Weight and threshold of one criterion.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// The criterion's weight in the score (the defaults add up to 100).
    pub weight: f64,
    /// Below this value the criterion is reported as failing, with its items.
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
    pub restrained_language: Criterion,
    pub measured_tone: Criterion,
    pub specificity: Criterion,
    pub depth: Criterion,
    /// How the graded criteria map their measured rates onto 0–1.
    pub scales: Scales,
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
    let host = url.and_then(crate::util::host);
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
            // Set, not fitted: a collection of rated outlets with one article per outlet per
            // story cannot tell how much copying, re-runs and garbled text matter.
            originality: Criterion { weight: 15.0, threshold: 0.8 },
            no_unattributed_copies: Criterion { weight: 15.0, threshold: 0.95 },
            freshness: Criterion { weight: 10.0, threshold: 0.95 },
            clean_text: Criterion { weight: 10.0, threshold: 0.8 },
            // Fitted on real outlets against published quality ratings
            // (scripts/fit-score-weights.py; README, Source scores).
            attribution: Criterion { weight: 0.0, threshold: 0.5 },
            bylines_and_datelines: Criterion { weight: 0.0, threshold: 0.5 },
            headline_restraint: Criterion { weight: 0.0, threshold: 0.8 },
            restrained_language: Criterion { weight: 31.6, threshold: 0.7 },
            measured_tone: Criterion { weight: 0.0, threshold: 0.7 },
            specificity: Criterion { weight: 12.2, threshold: 0.5 },
            depth: Criterion { weight: 6.2, threshold: 0.5 },
            scales: Scales::default(),
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
            "headline_restraint" => self.headline_restraint,
            "restrained_language" => self.restrained_language,
            "measured_tone" => self.measured_tone,
            "specificity" => self.specificity,
            _ => self.depth,
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
    /// The mean of the items' values, from 0 to 1 (for a yes-or-no criterion, the share of
    /// items that pass).
    pub value: f64,
    pub threshold: f64,
    /// The weight as configured.
    pub weight: f64,
    /// Whether the criterion counts in this run: it does not when no item of the run falls
    /// short on it (see `note`).
    pub measured: bool,
    /// Why a criterion is not measured, when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The value reaches the threshold (or the criterion is not measured).
    pub pass: bool,
    /// Points earned out of 100: the criterion's share of the measured weights times its value.
    pub points: f64,
    /// The interval of the value at the configured confidence.
    pub interval: [f64; 2],
    /// What was measured, over the source's items.
    pub measure: String,
    /// The items that fall short, each with the reason.
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
        self.criteria.iter().filter(|c| !c.pass && c.weight > 0.0)
    }
}

/// Scores sources from their items' facts, each with its lowest acceptable score: the
/// source's own `min_score`, else `min_source_score`.
pub fn scores_with_limits(facts: &[ItemFacts], options: &ScoreOptions, sources: &[SourceConfig]) -> Vec<SourceScore> {
    let mut scores = score_sources(facts, options);
    for score in &mut scores {
        score.min_score =
            sources.iter().find(|s| s.name == score.name).and_then(|s| s.min_score).unwrap_or(options.min_source_score);
    }
    scores
}

/// Scores every source of a collection, in name order. Items without a source are not
/// pooled into one: they are left out (the report counts them).
pub fn score_sources(items: &[ItemFacts], options: &ScoreOptions) -> Vec<SourceScore> {
    let items: Vec<&ItemFacts> = items.iter().filter(|i| i.source != NO_SOURCE).collect();
    let unmeasured = unmeasured(&items, options);
    let mut by_source: BTreeMap<&str, Vec<&ItemFacts>> = BTreeMap::new();
    for item in items {
        by_source.entry(item.source.as_str()).or_default().push(item);
    }
    let by_source: Vec<(&str, Vec<&ItemFacts>)> = by_source.into_iter().collect();
    by_source.par_iter().map(|(name, items)| score_source(name, items, options, &unmeasured)).collect()
}

/// The criteria that tell nothing in this run, each with the reason: a yes-or-no test that
/// no item of the run fails (its points would be free), a measured rate when no item has
/// any text to measure.
fn unmeasured(items: &[&ItemFacts], options: &ScoreOptions) -> BTreeMap<&'static str, String> {
    let mut out = BTreeMap::new();
    if items.is_empty() {
        return out;
    }
    let texts = items.iter().any(|i| i.voice.words > 0);
    for name in CRITERIA {
        if GRADED.contains(&name) {
            if !texts {
                out.insert(name, "no item of this run has text to measure".to_string());
            }
        } else if items.iter().all(|i| i.value(name, &options.scales).0 >= 1.0) {
            out.insert(name, "no item of this run fails it: it tells the sources apart by nothing here".to_string());
        }
    }
    out
}

/// The criteria measured as rates rather than passed or failed.
const GRADED: [&str; 5] = ["attribution", "restrained_language", "measured_tone", "specificity", "depth"];

fn score_source(
    name: &str,
    items: &[&ItemFacts],
    options: &ScoreOptions,
    unmeasured: &BTreeMap<&'static str, String>,
) -> SourceScore {
    let n = items.len();
    let z = z_for(options.confidence);
    let measured_weight: f64 =
        CRITERIA.iter().filter(|c| !unmeasured.contains_key(*c)).map(|c| options.criterion(c).weight.max(0.0)).sum();
    let scale = if measured_weight > 0.0 { 100.0 / measured_weight } else { 0.0 };
    let (mut score, mut low, mut high) = (0.0, 0.0, 0.0);
    let mut criteria = Vec::with_capacity(CRITERIA.len());
    for name in CRITERIA {
        let criterion = options.criterion(name);
        let mut failing = Vec::new();
        let mut values = Vec::with_capacity(n);
        // A rate is measured only over the items that have text to measure (an item in a
        // language the English rules do not read has none).
        let measurable: Vec<&&ItemFacts> =
            items.iter().filter(|i| !GRADED.contains(&name) || i.voice.words > 0).collect();
        for item in &measurable {
            let (value, reason) = item.value(name, &options.scales);
            values.push(value);
            if let Some(reason) = reason {
                failing.push(FailingItem { id: item.id.clone(), reason });
            }
        }
        let value = if values.is_empty() { 0.0 } else { values.iter().sum::<f64>() / values.len() as f64 };
        let interval = mean_interval(&values, z);
        let note = unmeasured.get(name).cloned();
        let measured = note.is_none();
        let share = if measured { criterion.weight.max(0.0) * scale } else { 0.0 };
        score += share * value;
        low += share * interval[0];
        high += share * interval[1];
        criteria.push(CriterionReport {
            name,
            value: round(value),
            threshold: criterion.threshold,
            weight: criterion.weight,
            measured,
            note,
            pass: !measured || value >= criterion.threshold,
            points: round(share * value),
            interval: [round(interval[0]), round(interval[1])],
            measure: measure(name, items),
            failing,
        });
    }
    if measured_weight <= 0.0 {
        (score, low, high) = (100.0, 100.0, 100.0);
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

/// What a criterion measured over a source's items, in words.
fn measure(criterion: &str, items: &[&ItemFacts]) -> String {
    let n = items.len();
    let words: usize = items.iter().map(|i| i.voice.words).sum();
    let rate = |count: usize| if words == 0 { 0.0 } else { count as f64 * 1000.0 / words as f64 };
    let sum = |f: fn(&ItemFacts) -> usize| items.iter().map(|i| f(i)).sum::<usize>();
    match criterion {
        "attribution" => {
            let cues = sum(|i| i.voice.attributions + i.named_quotes as usize + usize::from(i.credited));
            format!("{:.1} attribution cues per 1,000 words over {n} items", rate(cues))
        }
        "restrained_language" => {
            format!("{:.1} loaded words per 1,000 words outside quotations", rate(sum(|i| i.voice.loaded)))
        }
        "measured_tone" => format!(
            "{:.1} exclamations, questions and first-person words per 1,000 words outside quotations",
            rate(sum(|i| i.voice.exclamations + i.voice.questions + i.voice.first_person))
        ),
        "specificity" => format!("{:.1} figures per 1,000 words", rate(sum(|i| i.voice.numbers))),
        "depth" => {
            let mut lengths: Vec<usize> = items.iter().map(|i| i.voice.words).collect();
            lengths.sort_unstable();
            let median = lengths.get(n / 2).copied().unwrap_or(0);
            format!("median {median} words")
        }
        yes_or_no => {
            let failing = items.iter().filter(|i| i.failure(yes_or_no).is_some()).count();
            format!("{} of {n} items pass", n - failing)
        }
    }
}

/// The interval of a mean of values in [0, 1]: Wilson's for values that are all 0 or 1,
/// else the normal interval of the mean, clamped.
fn mean_interval(values: &[f64], z: f64) -> [f64; 2] {
    let n = values.len();
    if n == 0 {
        return [0.0, 1.0];
    }
    if values.iter().all(|&v| v == 0.0 || v == 1.0) {
        let passing = values.iter().filter(|&&v| v == 1.0).count();
        return wilson(passing, n, z);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return [0.0, 1.0];
    }
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half = z * (variance / n as f64).sqrt();
    [(mean - half).max(0.0), (mean + half).min(1.0)]
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
        // Only the two copy criteria are measured here: a quarter of the items pass each.
        assert_eq!(farm.score, 25.0);
        assert_eq!(farm.grade, "F");
        assert_eq!(farm.confidence, "low");
        let originality = &farm.criteria[0];
        assert!(!originality.pass);
        assert_eq!(originality.value, 0.25);
        assert_eq!(originality.failing.len(), 3);
        assert_eq!(originality.failing[0].reason, "rewrite of w1");
        // Four items leave the score wide open.
        assert!(farm.interval[1] - farm.interval[0] >= 40.0, "{:?}", farm.interval);
    }

    fn voiced(id: &str, source: &str, words: usize, loaded: usize, numbers: usize) -> ItemFacts {
        let voice = signals::Voice { words, loaded, numbers, attributions: words / 100, ..signals::Voice::default() };
        ItemFacts { voice, ..item(id, source) }
    }

    #[test]
    fn graded_criteria_score_by_their_measured_rates() {
        let mut items: Vec<ItemFacts> = (0..20).map(|i| voiced(&format!("w{i}"), "Wire", 800, 0, 25)).collect();
        items.extend((0..20).map(|i| voiced(&format!("r{i}"), "Rant", 400, 6, 2)));
        let scores = score_sources(&items, &ScoreOptions::default());
        let (rant, wire) = (&scores[0], &scores[1]);
        assert!(wire.score > rant.score + 30.0, "{} vs {}", wire.score, rant.score);
        let language = rant.criteria.iter().find(|c| c.name == "restrained_language").unwrap();
        // From 6 loaded words per 1,000 words the value is 0.
        assert_eq!(language.value, 0.0);
        assert_eq!(language.failing.len(), 20);
        assert!(
            language.failing[0].reason.starts_with("15.0 loaded words per 1,000 words"),
            "{:?}",
            language.failing[0]
        );
        assert!(language.measured);
    }

    #[test]
    fn a_criterion_no_item_fails_weighs_nothing_and_says_so() {
        let items: Vec<ItemFacts> = (0..5).map(|i| voiced(&format!("w{i}"), "Wire", 800, 0, 25)).collect();
        let scores = score_sources(&items, &ScoreOptions::default());
        let originality = &scores[0].criteria[0];
        assert!(!originality.measured);
        assert_eq!(originality.points, 0.0);
        assert!(originality.note.as_deref().is_some_and(|n| n.contains("no item of this run fails it")));
        assert_eq!(scores[0].score, 100.0);
    }

    #[test]
    fn items_without_a_source_are_not_pooled_into_one() {
        let items = vec![item("a", NO_SOURCE), item("b", NO_SOURCE), item("c", "Wire")];
        let scores = score_sources(&items, &ScoreOptions::default());
        assert_eq!(scores.len(), 1);
        assert_eq!(scores[0].name, "Wire");
    }

    #[test]
    fn wilson_interval_narrows_with_more_items() {
        let few = wilson(2, 2, 1.645);
        let many = wilson(200, 200, 1.645);
        assert!(few[0] < 0.6 && many[0] > 0.98, "{few:?} {many:?}");
    }
}
