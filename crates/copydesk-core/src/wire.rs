//! Analyzed items as bytes, exactly: what the per-item stages made of an item on one
//! process, read back on another, so that the collection stages there give the report one
//! process would. Every field is written in a fixed order, lists and texts preceded by
//! their length, numbers little-endian; [`decode`] refuses bytes that end early or hold
//! an unknown tag. The format is for processes of one run (one build), not for storage.

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};

use crate::analysis::Analyzed;
use crate::date::{Assessment, Bound, Conflict, ContentDate, DateEvidence, FramingBasis, Span, Strength};
use crate::fingerprint::{Fingerprint, ParagraphHash};
use crate::model::{FieldNotes, Item, Location, MetadataLine, TextEncoding};
use crate::normalize::{Removal, RemovedLine};
use crate::profile::{Attribution, Profile};
use crate::score::signals::{Artefact, HeadlineSignals, ItemSignals, TextSignals, Voice};

/// Bytes that are not an analyzed item of this format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an analyzed item could not be read back: {0}")]
pub struct WireError(&'static str);

/// Appends an analyzed item's bytes to `out`.
pub fn encode(one: &Analyzed, out: &mut Vec<u8>) {
    let mut w = Writer(out);
    w.item(&one.item);
    w.u64(one.seq as u64);
    w.u32(one.removed.len() as u32);
    for removed in &one.removed {
        w.removed(removed);
    }
    w.f64(one.boilerplate_ratio);
    w.fingerprint(&one.fingerprint);
    w.bytes(&one.profile.to_bytes());
    w.attribution(&one.attribution);
    w.assessment(&one.date);
    w.signals(&one.signals);
}

/// Reads back an analyzed item written by [`encode`]; the bytes must hold exactly one.
pub fn decode(bytes: &[u8]) -> Result<Analyzed, WireError> {
    let mut r = Reader(bytes);
    let item = r.item()?;
    let seq = r.u64()? as usize;
    let removed = r.list(Reader::removed)?;
    let boilerplate_ratio = r.f64()?;
    let fingerprint = r.fingerprint()?;
    let profile = Profile::from_bytes(r.bytes()?).ok_or(WireError("profile"))?;
    let attribution = r.attribution()?;
    let date = r.assessment()?;
    let signals = r.signals()?;
    if !r.0.is_empty() {
        return Err(WireError("bytes after the item"));
    }
    Ok(Analyzed { item, seq, removed, boilerplate_ratio, fingerprint, profile, attribution, date, signals })
}

/// The one `&'static str` of each name read back: names are few (rule and signal kinds),
/// so each distinct one is kept once for the life of the process.
fn intern(name: &str) -> &'static str {
    static NAMES: LazyLock<Mutex<HashSet<&'static str>>> = LazyLock::new(|| Mutex::new(HashSet::new()));
    let mut names = NAMES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(known) = names.get(name) {
        return known;
    }
    let kept: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(kept);
    kept
}

struct Writer<'a>(&'a mut Vec<u8>);

impl Writer<'_> {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn f64(&mut self, v: f64) {
        self.0.extend_from_slice(&v.to_bits().to_le_bytes());
    }
    fn bool(&mut self, v: bool) {
        self.u8(u8::from(v));
    }
    fn bytes(&mut self, v: &[u8]) {
        self.u32(v.len() as u32);
        self.0.extend_from_slice(v);
    }
    fn str(&mut self, v: &str) {
        self.bytes(v.as_bytes());
    }
    fn strs(&mut self, v: &[String]) {
        self.u32(v.len() as u32);
        v.iter().for_each(|s| self.str(s));
    }
    fn opt_str(&mut self, v: Option<&str>) {
        self.bool(v.is_some());
        if let Some(v) = v {
            self.str(v);
        }
    }
    fn opt_u64(&mut self, v: Option<u64>) {
        self.bool(v.is_some());
        if let Some(v) = v {
            self.u64(v);
        }
    }
    fn opt_i64(&mut self, v: Option<i64>) {
        self.bool(v.is_some());
        if let Some(v) = v {
            self.i64(v);
        }
    }
    fn date(&mut self, v: NaiveDate) {
        self.i64(i64::from(v.num_days_from_ce()));
    }
    fn opt_date(&mut self, v: Option<NaiveDate>) {
        self.bool(v.is_some());
        if let Some(v) = v {
            self.date(v);
        }
    }
    fn time(&mut self, v: Option<DateTime<FixedOffset>>) {
        self.bool(v.is_some());
        if let Some(v) = v {
            self.i64(v.timestamp());
            self.u32(v.timestamp_subsec_nanos());
            self.i64(i64::from(v.offset().local_minus_utc()));
        }
    }
    fn map(&mut self, v: &FieldNotes) {
        self.u32(v.len() as u32);
        for (key, value) in v.iter() {
            self.str(key);
            self.str(value);
        }
    }

    fn item(&mut self, item: &Item) {
        self.str(&item.id);
        self.bool(item.location.is_some());
        if let Some(location) = &item.location {
            self.str(&location.path);
            self.opt_u64(location.line.map(|l| l as u64));
        }
        self.opt_str(item.source.as_deref());
        self.opt_str(item.url.as_deref());
        self.opt_str(item.title.as_deref());
        self.time(item.published);
        self.time(item.modified);
        self.opt_str(item.language.as_deref());
        self.map(&item.basis);
        self.time(item.fetched);
        self.opt_str(item.author.as_deref());
        self.opt_str(item.dateline.as_deref());
        self.map(&item.inferred);
        self.str(&item.text);
        self.u32(item.metadata_lines.len() as u32);
        for (line, what) in &item.metadata_lines {
            self.u64(*line as u64);
            self.u8(match what {
                MetadataLine::Byline => 0,
                MetadataLine::Credit => 1,
            });
        }
        self.bool(item.lossy_utf8);
        self.bool(item.encoding.is_some());
        if let Some(encoding) = &item.encoding {
            self.str(&encoding.name);
            self.str(&encoding.basis);
        }
    }

    fn removed(&mut self, removed: &RemovedLine) {
        self.u64(removed.line as u64);
        self.str(&removed.text);
        match &removed.removal {
            Removal::Lexicon { rule } => {
                self.u8(0);
                self.str(rule);
            }
            Removal::RepeatedInItem { times } => {
                self.u8(1);
                self.u32(*times);
            }
            Removal::SiteTemplate { items } => {
                self.u8(2);
                self.u32(*items);
            }
            Removal::PageLabel => self.u8(3),
            Removal::Metadata { what } => {
                self.u8(4);
                self.u8(match what {
                    MetadataLine::Byline => 0,
                    MetadataLine::Credit => 1,
                });
            }
        }
    }

    fn fingerprint(&mut self, f: &Fingerprint) {
        self.0.extend_from_slice(&f.sha256);
        self.u32(f.signature.len() as u32);
        f.signature.iter().for_each(|v| self.u32(*v));
        self.u64(f.simhash);
        self.u32(f.shingles);
        self.u32(f.words);
        self.u32(f.paragraphs.len() as u32);
        for p in &f.paragraphs {
            self.u64(p.hash);
            self.u32(p.words);
        }
    }

    fn attribution(&mut self, a: &Attribution) {
        self.opt_str(a.credit.as_deref());
        self.opt_str(a.byline.as_deref());
        self.u32(a.named_quotes);
        self.u32(a.anonymous_sources);
        self.bool(a.unattributed);
    }

    fn span(&mut self, span: Span) {
        self.date(span.from);
        self.date(span.to);
    }

    fn assessment(&mut self, a: &Assessment) {
        self.opt_date(a.framing_date);
        self.u8(match a.framing_basis {
            FramingBasis::Published => 0,
            FramingBasis::Fetched => 1,
            FramingBasis::AsOf => 2,
        });
        let c = &a.content;
        self.opt_date(c.not_before);
        self.opt_date(c.not_after);
        self.opt_date(c.estimate);
        self.u32(c.evidence.len() as u32);
        for e in &c.evidence {
            self.str(&e.phrase);
            self.u64(e.line as u64);
            self.u64(e.offset as u64);
            self.span(e.implies);
            self.u8(match e.bound {
                Bound::NotBefore => 0,
                Bound::NotAfter => 1,
                Bound::Near => 2,
                Bound::History => 3,
            });
            self.u8(match e.kind {
                Strength::Hard => 0,
                Strength::Soft => 1,
            });
            self.f64(e.confidence);
            self.opt_date(e.not_before);
            self.opt_date(e.not_after);
            self.str(&e.source);
            self.str(&e.note);
            self.bool(e.set_aside);
            self.date(e.point);
        }
        self.u32(c.conflicts.len() as u32);
        for conflict in &c.conflicts {
            self.str(&conflict.message);
            self.strs(&conflict.phrases);
        }
        self.bool(a.stale);
        self.bool(a.undated);
        self.bool(a.date_conflict);
        self.opt_i64(a.age_days);
        self.opt_date(a.reported);
        self.u32(a.days_named.len() as u32);
        a.days_named.iter().for_each(|d| self.date(*d));
    }

    fn artefacts(&mut self, list: &[Artefact]) {
        self.u32(list.len() as u32);
        for a in list {
            self.str(a.kind);
            self.u64(a.line as u64);
            self.str(&a.excerpt);
        }
    }

    fn signals(&mut self, s: &ItemSignals) {
        let t = &s.text;
        self.artefacts(&t.garbled);
        self.artefacts(&t.ai_residue);
        self.artefacts(&t.filler);
        self.f64(t.filler_per_1000_words);
        let v = &t.voice;
        for n in [v.words, v.loaded] {
            self.u64(n as u64);
        }
        self.strs(&v.loaded_examples);
        for n in [v.exclamations, v.questions, v.first_person, v.numbers, v.attributions] {
            self.u64(n as u64);
        }
        let h = &s.headline;
        self.opt_str(h.label.as_deref());
        self.strs(&h.loaded_words);
        self.strs(&h.all_caps_words);
        self.bool(h.exclamation);
        self.strs(&h.clickbait);
        self.u32(s.not_applied.len() as u32);
        s.not_applied.iter().for_each(|n| self.str(n));
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], WireError> {
        if self.0.len() < n {
            return Err(WireError("the bytes end early"));
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], WireError> {
        let mut out = [0; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }
    fn u8(&mut self) -> Result<u8, WireError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, WireError> {
        self.array().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Result<u64, WireError> {
        self.array().map(u64::from_le_bytes)
    }
    fn i64(&mut self) -> Result<i64, WireError> {
        self.array().map(i64::from_le_bytes)
    }
    fn usize(&mut self) -> Result<usize, WireError> {
        usize::try_from(self.u64()?).map_err(|_| WireError("a count too large"))
    }
    fn f64(&mut self) -> Result<f64, WireError> {
        self.u64().map(f64::from_bits)
    }
    fn bool(&mut self) -> Result<bool, WireError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(WireError("a flag neither 0 nor 1")),
        }
    }
    fn bytes(&mut self) -> Result<&'a [u8], WireError> {
        let n = self.u32()? as usize;
        self.take(n)
    }
    fn string(&mut self) -> Result<String, WireError> {
        std::str::from_utf8(self.bytes()?).map(str::to_string).map_err(|_| WireError("text that is not UTF-8"))
    }
    fn list<T>(&mut self, mut one: impl FnMut(&mut Self) -> Result<T, WireError>) -> Result<Vec<T>, WireError> {
        let n = self.u32()? as usize;
        // Every element takes at least a byte: a count beyond the bytes left is damage.
        if n > self.0.len() {
            return Err(WireError("a count beyond the bytes"));
        }
        (0..n).map(|_| one(self)).collect()
    }
    fn strings(&mut self) -> Result<Vec<String>, WireError> {
        self.list(Self::string)
    }
    fn opt<T>(&mut self, one: impl FnOnce(&mut Self) -> Result<T, WireError>) -> Result<Option<T>, WireError> {
        if self.bool()? {
            one(self).map(Some)
        } else {
            Ok(None)
        }
    }
    fn date(&mut self) -> Result<NaiveDate, WireError> {
        let days = i32::try_from(self.i64()?).map_err(|_| WireError("a day out of range"))?;
        NaiveDate::from_num_days_from_ce_opt(days).ok_or(WireError("a day out of range"))
    }
    fn time(&mut self) -> Result<Option<DateTime<FixedOffset>>, WireError> {
        self.opt(|r| {
            let (seconds, nanos, offset) = (r.i64()?, r.u32()?, r.i64()?);
            let offset = i32::try_from(offset).ok().and_then(FixedOffset::east_opt).ok_or(WireError("an offset"))?;
            DateTime::from_timestamp(seconds, nanos).map(|t| t.with_timezone(&offset)).ok_or(WireError("a time"))
        })
    }
    fn map(&mut self) -> Result<FieldNotes, WireError> {
        let pairs = self.list(|r| Ok((r.string()?, r.string()?)))?;
        Ok(pairs.into_iter().collect())
    }
    fn metadata_line(&mut self) -> Result<MetadataLine, WireError> {
        match self.u8()? {
            0 => Ok(MetadataLine::Byline),
            1 => Ok(MetadataLine::Credit),
            _ => Err(WireError("a metadata line of no known kind")),
        }
    }

    fn item(&mut self) -> Result<Item, WireError> {
        Ok(Item {
            id: self.string()?,
            location: self.opt(|r| Ok(Location { path: r.string()?, line: r.opt(Self::usize)? }))?,
            source: self.opt(Self::string)?,
            url: self.opt(Self::string)?,
            title: self.opt(Self::string)?,
            published: self.time()?,
            modified: self.time()?,
            language: self.opt(Self::string)?,
            basis: self.map()?,
            fetched: self.time()?,
            author: self.opt(Self::string)?,
            dateline: self.opt(Self::string)?,
            inferred: self.map()?,
            text: self.string()?,
            metadata_lines: self.list(|r| Ok((r.usize()?, r.metadata_line()?)))?,
            lossy_utf8: self.bool()?,
            encoding: self.opt(|r| Ok(TextEncoding { name: r.string()?, basis: r.string()? }))?,
        })
    }

    fn removed(&mut self) -> Result<RemovedLine, WireError> {
        let line = self.usize()?;
        let text = self.string()?;
        let removal = match self.u8()? {
            0 => Removal::Lexicon { rule: intern(&self.string()?) },
            1 => Removal::RepeatedInItem { times: self.u32()? },
            2 => Removal::SiteTemplate { items: self.u32()? },
            3 => Removal::PageLabel,
            4 => Removal::Metadata { what: self.metadata_line()? },
            _ => return Err(WireError("a removal of no known kind")),
        };
        Ok(RemovedLine { line, text, removal })
    }

    fn fingerprint(&mut self) -> Result<Fingerprint, WireError> {
        let sha256 = self.array()?;
        let signature = self.list(Self::u32)?.into_boxed_slice();
        Ok(Fingerprint {
            sha256,
            signature,
            simhash: self.u64()?,
            shingles: self.u32()?,
            words: self.u32()?,
            paragraphs: self.list(|r| Ok(ParagraphHash { hash: r.u64()?, words: r.u32()? }))?,
        })
    }

    fn attribution(&mut self) -> Result<Attribution, WireError> {
        Ok(Attribution {
            credit: self.opt(Self::string)?,
            byline: self.opt(Self::string)?,
            named_quotes: self.u32()?,
            anonymous_sources: self.u32()?,
            unattributed: self.bool()?,
        })
    }

    fn span(&mut self) -> Result<Span, WireError> {
        Ok(Span { from: self.date()?, to: self.date()? })
    }

    fn evidence(&mut self) -> Result<DateEvidence, WireError> {
        Ok(DateEvidence {
            phrase: self.string()?,
            line: self.usize()?,
            offset: self.usize()?,
            implies: self.span()?,
            bound: match self.u8()? {
                0 => Bound::NotBefore,
                1 => Bound::NotAfter,
                2 => Bound::Near,
                3 => Bound::History,
                _ => return Err(WireError("a bound of no known kind")),
            },
            kind: match self.u8()? {
                0 => Strength::Hard,
                1 => Strength::Soft,
                _ => return Err(WireError("a strength of no known kind")),
            },
            confidence: self.f64()?,
            not_before: self.opt(Self::date)?,
            not_after: self.opt(Self::date)?,
            source: self.string()?,
            note: self.string()?,
            set_aside: self.bool()?,
            point: self.date()?,
        })
    }

    fn assessment(&mut self) -> Result<Assessment, WireError> {
        let framing_date = self.opt(Self::date)?;
        let framing_basis = match self.u8()? {
            0 => FramingBasis::Published,
            1 => FramingBasis::Fetched,
            2 => FramingBasis::AsOf,
            _ => return Err(WireError("a framing of no known kind")),
        };
        let content = ContentDate {
            not_before: self.opt(Self::date)?,
            not_after: self.opt(Self::date)?,
            estimate: self.opt(Self::date)?,
            evidence: self.list(Self::evidence)?,
            conflicts: self.list(|r| Ok(Conflict { message: r.string()?, phrases: r.strings()? }))?,
        };
        Ok(Assessment {
            framing_date,
            framing_basis,
            content,
            stale: self.bool()?,
            undated: self.bool()?,
            date_conflict: self.bool()?,
            age_days: self.opt(Self::i64)?,
            reported: self.opt(Self::date)?,
            days_named: self.list(Self::date)?,
        })
    }

    fn artefacts(&mut self) -> Result<Vec<Artefact>, WireError> {
        self.list(|r| Ok(Artefact { kind: intern(&r.string()?), line: r.usize()?, excerpt: r.string()? }))
    }

    fn signals(&mut self) -> Result<ItemSignals, WireError> {
        let garbled = self.artefacts()?;
        let ai_residue = self.artefacts()?;
        let filler = self.artefacts()?;
        let filler_per_1000_words = self.f64()?;
        let (words, loaded) = (self.usize()?, self.usize()?);
        let loaded_examples = self.strings()?;
        let voice = Voice {
            words,
            loaded,
            loaded_examples,
            exclamations: self.usize()?,
            questions: self.usize()?,
            first_person: self.usize()?,
            numbers: self.usize()?,
            attributions: self.usize()?,
        };
        let text = TextSignals { garbled, ai_residue, filler, filler_per_1000_words, voice };
        let headline = HeadlineSignals {
            label: self.opt(Self::string)?,
            loaded_words: self.strings()?,
            all_caps_words: self.strings()?,
            exclamation: self.bool()?,
            clickbait: self.strings()?,
        };
        let not_applied = self.list(|r| Ok(intern(&r.string()?)))?;
        Ok(ItemSignals { text, headline, not_applied })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze, AnalysisSettings};
    use crate::date::{Context, Timeline};
    use crate::fingerprint::FingerprintOptions;
    use crate::normalize::NormalizeOptions;
    use crate::relate::StoryOptions;
    use crate::score::ScoreOptions;

    /// An item that exercises every part: metadata, boilerplate, dates, quotes, signals.
    fn analyzed() -> Analyzed {
        let text = "BREAKING: Harbour strike SHOCKS city!!\n\nBy Ana Ruiz, March 3, 2025\n\nLISBON, March 3 (Meridian Wire) - Dock workers walked out on Monday, ten days after talks on pay failed, the union said.\n\n\"We will not go back until the offer changes,\" said union leader Marta Sousa. Officials said 1,200 workers joined . . . the strike.\n\nSign up for our newsletter\n\nSign up for our newsletter\n\nSource: Meridian Wire";
        let mut basis = FieldNotes::default();
        basis.insert("published".to_string(), "json-ld datePublished".to_string());
        let item = Item {
            id: "harbour-1".into(),
            location: Some(Location { path: "feeds/wire.jsonl".into(), line: Some(7) }),
            source: Some("Meridian Wire".into()),
            url: Some("https://wire.example/harbour".into()),
            title: Some("BREAKING: Harbour strike SHOCKS city!!".into()),
            published: DateTime::parse_from_rfc3339("2025-03-03T09:30:00+01:00").ok(),
            language: Some("en".into()),
            basis,
            text: text.into(),
            metadata_lines: vec![(3, MetadataLine::Byline)],
            lossy_utf8: true,
            encoding: Some(TextEncoding { name: "windows-1252".into(), basis: "meta charset".into() }),
            ..Item::default()
        };
        let (normalize, fingerprint, story, score) = (
            NormalizeOptions::default(),
            FingerprintOptions::default(),
            StoryOptions::default(),
            ScoreOptions::default(),
        );
        let settings =
            AnalysisSettings { normalize: &normalize, fingerprint: &fingerprint, story: &story, score: &score };
        let timeline = Timeline::builtin().expect("the built-in timeline");
        let as_of = NaiveDate::from_ymd_opt(2025, 3, 4);
        let dating = Context { timeline: &timeline, as_of, max_age_days: 30 };
        let signer = fingerprint.signer();
        let mut one = analyze(item, &Default::default(), settings, signer.as_ref(), &dating);
        one.seq = 41;
        one
    }

    #[test]
    fn an_analyzed_item_reads_back_as_it_was_written() {
        let one = analyzed();
        assert!(!one.removed.is_empty() && !one.date.content.evidence.is_empty(), "the item exercises the format");
        assert!(!one.signals.text.garbled.is_empty() && one.signals.headline.sensational());
        let mut bytes = Vec::new();
        encode(&one, &mut bytes);
        let back = decode(&bytes).expect("decoded");
        assert_eq!(format!("{back:?}"), format!("{one:?}"));
    }

    #[test]
    fn damaged_bytes_are_refused_not_misread() {
        let mut bytes = Vec::new();
        encode(&analyzed(), &mut bytes);
        for cut in [0, 1, bytes.len() / 2, bytes.len() - 1] {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_err());
    }
}
