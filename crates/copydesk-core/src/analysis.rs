//! The per-item stages in one step, and the collection stages that follow them.
//!
//! [`analyze`] takes one item and runs normalize, fingerprint, the date evidence, the
//! content profile and the text signals on it, then drops its text: what is kept is
//! [`Analyzed`]. It is a pure function of the item, the collection's site templates and
//! the stages' own settings, so that any driver — one process or many — can call it on
//! any item in any order. [`relate`] then relates the analyzed items of a collection.

use chrono::NaiveDate;

use crate::date::{self, Assessment};
use crate::fingerprint::{self, Fingerprint, FingerprintOptions, Signer};
use crate::language;
use crate::model::{Item, Problem};
use crate::normalize::{self, NormalizeOptions, RemovedLine, Templates};
use crate::profile::{self, Attribution, Profile};
use crate::relate::{self, RelateOptions, Related, StoryOptions};
use crate::score::signals::{self, ItemSignals};
use crate::score::ScoreOptions;
use crate::util::{clip, TextLines};

/// An item after the per-item stages: its metadata (text dropped), what normalization
/// removed, its fingerprint and its content profile.
#[derive(Debug, Clone)]
pub struct Analyzed {
    /// The item without its text.
    pub item: Item,
    /// Position in the order items were read.
    pub seq: usize,
    pub removed: Vec<RemovedLine>,
    pub boilerplate_ratio: f64,
    pub fingerprint: Fingerprint,
    pub profile: Profile,
    pub attribution: Attribution,
    /// The framing date, the content-date evidence and the staleness verdicts.
    pub date: Assessment,
    /// Garbled text, AI residue, filler and headline signals, for scoring.
    pub signals: ItemSignals,
}

impl Analyzed {
    /// Drops what only relate reads — the MinHash signature, the paragraph hashes and
    /// the content profile — keeping the SHA-256 and the counts the report shows. Judging
    /// and the report need none of it, and it is about half of what an item keeps.
    pub fn drop_index(&mut self) {
        self.fingerprint.signature = Box::default();
        self.fingerprint.paragraphs = Vec::new();
        self.profile = Profile::default();
    }
}

/// The settings of the per-item stages, each stage's own.
#[derive(Debug, Clone, Copy)]
pub struct AnalysisSettings<'a> {
    pub normalize: &'a NormalizeOptions,
    pub fingerprint: &'a FingerprintOptions,
    /// Whether a content profile is built (`enabled`) and how many terms it keeps.
    pub story: &'a StoryOptions,
    /// The lexicon extensions of the headline signals.
    pub score: &'a ScoreOptions,
}

/// The per-item stages: the language, normalize, fingerprint, the date evidence and the
/// content profile, read from the article text (boilerplate and metadata lines left out,
/// the case of the clean lines kept for the profile); the text is dropped at the end.
pub fn analyze(
    mut item: Item,
    templates: &Templates,
    settings: AnalysisSettings<'_>,
    signer: &dyn Signer,
    dating: &date::Context<'_>,
) -> Analyzed {
    language::settle(&mut item);
    let normalized = normalize::normalize(&item, templates, settings.normalize);
    let fingerprint = fingerprint::fingerprint(&normalized.paragraphs, settings.fingerprint, signer);
    // The text's lines and its lower-case copy, made once for the stages below.
    let text = TextLines::new(&item.text);
    // Captions are not the article's content: they do not date it.
    let captions = normalize::furniture::caption_lines(&text).into_iter().map(|index| index + 1);
    let mut skip: Vec<usize> = normalized.removed.iter().map(|r| r.line).chain(captions).collect();
    skip.sort_unstable();
    skip.dedup();
    let date = date::assess_cut(&item, &text, &skip, dating);
    let profile = if settings.story.enabled && signals::english(item.language.as_deref()) {
        let kept = normalized.kept_lines.iter().filter_map(|&line| text.lines().get(line).copied());
        profile::profile(item.title.as_deref(), kept, settings.story.profile_terms)
    } else {
        Profile::default()
    };
    let attribution = profile::attribution(&item, &profile);
    let signals = item_signals(&item, &text, &normalized.removed, settings.score);
    item.text = String::new();
    Analyzed {
        item,
        seq: 0,
        removed: normalized.removed,
        boilerplate_ratio: normalized.boilerplate_ratio,
        fingerprint,
        profile,
        attribution,
        date,
        signals,
    }
}

/// A repeated line shorter than this is a label (a site name, a section), not a fault.
const MIN_REPEATED_WORDS: usize = 6;

/// The text and headline signals of an item; lines removed as repeats count as garbled.
fn item_signals(item: &Item, lines: &TextLines<'_>, removed: &[RemovedLine], options: &ScoreOptions) -> ItemSignals {
    let mut text = signals::text_signals_in(lines);
    // A repeated caption or a transcript's speaker label is the page's form, not a fault.
    let repeated = removed.iter().filter(|r| matches!(r.removal, normalize::Removal::RepeatedInItem { .. }));
    let artefact = |r: &&RemovedLine| {
        r.text.split_whitespace().count() >= MIN_REPEATED_WORDS
            && !normalize::furniture::is_caption(&r.text)
            && !normalize::furniture::is_speaker_label(&r.text)
    };
    for line in repeated.filter(artefact) {
        text.garbled.push(signals::Artefact { kind: "repeated_line", line: line.line, excerpt: clip(&line.text, 60) });
    }
    if !signals::english(item.language.as_deref()) {
        // Headline words, loaded words and the story profile are English rules.
        text.voice = signals::Voice::default();
        return ItemSignals { text, headline: Default::default(), not_applied: signals::ENGLISH_ONLY.to_vec() };
    }
    let headline = item
        .title
        .as_deref()
        .map(|t| signals::headline_signals_with(t, &item.text, &options.extend_loaded_words, &options.extend_clickbait))
        .unwrap_or_default();
    ItemSignals { text, headline, not_applied: Vec::new() }
}

/// Each item's rank in origin order: earliest first by publication day — the published
/// date, or for an item without one the date its content is estimated at — then items
/// with a published time before estimated ones, then by time, then first seen, then id.
/// Items with neither date come after all dated ones.
pub fn origin_rank(analyzed: &[Analyzed]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..analyzed.len()).collect();
    order.sort_by(|&a, &b| {
        let key = |i: usize| {
            let one = &analyzed[i];
            let day = one.item.published.map(|p| p.date_naive()).or(one.date.content.estimate);
            (day.is_none(), day, one.item.published.is_none(), one.item.published, one.seq)
        };
        key(a).cmp(&key(b)).then_with(|| analyzed[a].item.id.cmp(&analyzed[b].item.id))
    });
    let mut rank = vec![0; analyzed.len()];
    for (position, index) in order.into_iter().enumerate() {
        rank[index] = position;
    }
    rank
}

/// When an item's event happened: the day its text reports, else its published day.
pub fn event_time(analyzed: &Analyzed) -> relate::story::EventTime {
    relate::story::EventTime {
        day: analyzed.date.reported.or(analyzed.item.published.map(|p| p.date_naive())),
        named: analyzed.date.days_named.clone(),
    }
}

/// Relations and clusters of a collection of analyzed items: copies, then rewrites and
/// reports of the same story.
pub fn relate(analyzed: &[Analyzed], relate: &RelateOptions, story: &StoryOptions) -> crate::Result<Related> {
    let rank = origin_rank(analyzed);
    let prints: Vec<&Fingerprint> = analyzed.iter().map(|a| &a.fingerprint).collect();
    let related = relate::relate(&prints, &rank, relate);
    let mut text = |pairs: &[(usize, usize)]| relate::text_evidence(&prints, pairs, relate);
    relate_stories(analyzed, related, &rank, story, &mut text)
}

/// Adds rewrites, same-story pairs and story clusters to the copy relations of a
/// collection (`rank` its [`origin_rank`]), however those were found; `text` measures the
/// text overlap of the pairs it is given ([`relate::relate_stories`]).
pub fn relate_stories(
    analyzed: &[Analyzed],
    mut related: Related,
    rank: &[usize],
    story: &StoryOptions,
    text: &mut relate::TextEvidence<'_>,
) -> crate::Result<Related> {
    let prints: Vec<&Fingerprint> = analyzed.iter().map(|a| &a.fingerprint).collect();
    let profiles: Vec<&Profile> = analyzed.iter().map(|a| &a.profile).collect();
    let times: Vec<relate::story::EventTime> = analyzed.iter().map(event_time).collect();
    relate::relate_stories(&mut related, &prints, &profiles, &times, rank, story, text)?;
    Ok(related)
}

/// How far after most of a collection's published dates its date may lie: the newest
/// date within this many days after the 99th percentile counts, later ones are outliers.
const AS_OF_REACH_DAYS: i64 = 31;

/// The date of a collection, by default: the newest published date that is neither in the
/// future nor far after the rest, so that one mistyped date (2050-09-30) cannot make every
/// undated item of the collection look decades old.
#[derive(Debug, Default)]
pub struct CollectionDate {
    pub date: Option<NaiveDate>,
    /// Published dates left out, with how many items carry them.
    pub set_aside: Vec<(NaiveDate, usize)>,
}

impl CollectionDate {
    /// The collection date of a set of published dates, `today` being the run's day.
    pub fn of(mut dates: Vec<NaiveDate>, today: NaiveDate) -> CollectionDate {
        dates.sort_unstable();
        let limit = today + chrono::Duration::days(1);
        let valid = dates.partition_point(|d| *d <= limit);
        let reach = match valid {
            0 => None,
            n => dates.get((n - 1) * 99 / 100).map(|p| *p + chrono::Duration::days(AS_OF_REACH_DAYS)),
        };
        let cut = reach.map_or(0, |reach| dates[..valid].partition_point(|d| *d <= reach));
        let mut set_aside: Vec<(NaiveDate, usize)> = Vec::new();
        for date in &dates[cut..] {
            match set_aside.last_mut() {
                Some((last, count)) if last == date => *count += 1,
                _ => set_aside.push((*date, 1)),
            }
        }
        CollectionDate { date: cut.checked_sub(1).map(|i| dates[i]), set_aside }
    }

    /// A warning naming the published dates not taken as the collection's date.
    pub fn set_aside_problem(&self) -> Option<Problem> {
        if self.set_aside.is_empty() {
            return None;
        }
        let listed: Vec<String> = self
            .set_aside
            .iter()
            .take(5)
            .map(|(date, n)| if *n == 1 { date.to_string() } else { format!("{date} ({n} items)") })
            .collect();
        let more = self.set_aside.len().saturating_sub(5);
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        let message = format!(
            "published dates in the future or far after the rest of the collection are not taken as its date: {}{more}",
            listed.join(", ")
        );
        Some(Problem::warning("(collection)", None, message))
    }
}
