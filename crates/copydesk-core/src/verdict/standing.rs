//! An item's standing on each score criterion, from its verdicts: which criteria it fails
//! and why, and the measures its graded criteria read.

use crate::analysis::Analyzed;
use crate::date::FramingBasis;
use crate::relate::Kind;
use crate::score::{source_identity, ItemFacts, ScoreOptions, SourceConfig, NO_SOURCE};

use super::{boilerplate_shown, ItemRelation, ItemVerdict};

/// What one item's verdicts say for each criterion. `source_of` gives the source of an
/// item of the run by id; the source of an archived item is the one the archive holds.
pub fn item_facts<'a>(
    a: &Analyzed,
    verdict: &ItemVerdict,
    source_of: &dyn Fn(&str) -> Option<&'a str>,
    options: &ScoreOptions,
    sources: &[SourceConfig],
) -> ItemFacts {
    let item = &a.item;
    let source = verdict.source.as_deref().unwrap_or(NO_SOURCE);
    let other_source = |r: &ItemRelation| -> String {
        match &r.archived {
            Some(archived) => source_identity(archived.other_source.as_deref(), archived.other_url.as_deref(), sources),
            None => source_of(r.other.as_str()).unwrap_or(NO_SOURCE).to_string(),
        }
    };
    let copies: Vec<&ItemRelation> = verdict.relations.iter().filter(|r| r.kind != Kind::SameStory).collect();
    let originality = copies.first().map(|r| format!("{} of {}", r.kind.as_str().replace('_', " "), r.other));
    let credit = a.attribution.credit.as_deref().map(str::to_lowercase);
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
    // An item framed only by the collection's date never claimed to be current news: its
    // verdict is reported, but it is not held against its source.
    let framed_by_itself = a.date.framing_basis != FramingBasis::AsOf;
    let freshness = (verdict.stale && framed_by_itself).then(|| {
        let end = verdict.content_date.not_after.map_or_else(|| "?".to_string(), |d| d.to_string());
        let age = verdict.age_days.unwrap_or_default();
        let framing = a.date.framing_date.map_or_else(|| "?".to_string(), |d| d.to_string());
        format!("stale: content ends {end}, {age} days before its framing date {framing}")
    });
    let attribution =
        verdict.unattributed.then(|| "no source credit, no byline, no quotation with a named speaker".to_string());
    let author = item.author.is_some() || a.attribution.byline.is_some();
    let date = item.published.is_some() || item.dateline.is_some();
    let bylines_and_datelines = match (author, date) {
        (true, true) => None,
        (false, true) => Some("no author".to_string()),
        (true, false) => Some("no date".to_string()),
        (false, false) => Some("no author and no date".to_string()),
    };
    let mut dirty = Vec::new();
    let boilerplate = boilerplate_shown(a.boilerplate_ratio);
    if boilerplate >= options.heavy_boilerplate {
        dirty.push(format!("scrape noise: {:.0}% of the text is boilerplate", boilerplate * 100.0));
    }
    let signals = &a.signals.text;
    if !signals.garbled.is_empty() {
        let mut kinds: Vec<&str> = signals.garbled.iter().map(|a| a.kind).collect();
        kinds.sort_unstable();
        kinds.dedup();
        dirty.push(format!("garbled: {} ({} artefacts)", kinds.join(", "), signals.garbled.len()));
    }
    if let Some(residue) = signals.ai_residue.first() {
        dirty.push(format!("AI residue: {} “{}”", residue.kind, residue.excerpt));
    }
    let clean_text = (!dirty.is_empty()).then(|| dirty.join("; "));
    let headline = &a.signals.headline;
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
        voice: signals.voice.clone(),
        named_quotes: a.attribution.named_quotes,
        credited: a.attribution.credit.is_some(),
    }
}
