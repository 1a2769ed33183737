//! A profile as bytes, for the archive: every part of a [`Profile`] in a fixed order, each
//! list preceded by its length, all numbers little-endian. The first byte is the format's
//! version; a version this copydesk does not know, or bytes that end early, decode to
//! `None`.
//!
//! ```text
//! version: u8 = 2
//! terms:     u32 count, then (hash u32, count u16) each
//! names:     u32 count, then (key u32, mentions u16) each
//! numbers:   u32 count, then u32 each
//! quotes:    u32 count, then (speaker u32 + 1 or 0, u32 words, words u32…) each
//! sentences: u32 count, then the end of each (u32), then u32 words, then words u32…
//! named quotes u32, anonymous sources u32
//! sentence names: u32 count, then the end of each (u32), then u32 entries, then entries
//!            u32… (each sentence's name keys, then their stems)
//! written names, written numbers: u32 bytes, then UTF-8 bytes each
//! ```
//!
//! Version 1 ended after the anonymous sources: it reads back without the names of the
//! sentences and the written forms.

use super::{Profile, Quote};

const VERSION: u8 = 2;

impl Profile {
    /// The profile as bytes (see the module documentation).
    ///
    /// The sentences of a profile set aside by a [`super::Spill`] are not in memory: read
    /// them back first ([`Profile::with_sentences`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        debug_assert!(self.spilled.is_none(), "a profile is written with its sentences");
        let mut out = Writer(Vec::with_capacity(64 + self.heap_bytes()));
        out.0.push(VERSION);
        out.len(self.terms.len());
        for &(term, count) in &self.terms {
            out.u32(term);
            out.u16(count);
        }
        out.len(self.names.len());
        for &(name, mentions) in &self.names {
            out.u32(name);
            out.u16(mentions);
        }
        out.list(&self.numbers);
        out.len(self.quotes.len());
        for quote in &self.quotes {
            out.u32(quote.speaker.map_or(0, |s| s.wrapping_add(1)));
            out.list(&quote.words);
        }
        out.list(&self.sentence_ends);
        out.list(&self.sentence_words);
        out.u32(self.named_quotes);
        out.u32(self.anonymous_sources);
        out.list(&self.sentence_name_ends);
        out.list(&self.sentence_names);
        out.text(&self.name_text);
        out.text(&self.number_text);
        out.0
    }

    /// A profile read back from [`Profile::to_bytes`]; `None` when the bytes are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Profile> {
        let mut input = Reader(bytes);
        let version = *input.take(1)?.first()?;
        if version != 1 && version != VERSION {
            return None;
        }
        let terms = (0..input.len()?).map(|_| Some((input.u32()?, input.u16()?))).collect::<Option<_>>()?;
        let names = (0..input.len()?).map(|_| Some((input.u32()?, input.u16()?))).collect::<Option<_>>()?;
        let numbers = input.list()?;
        let quotes = (0..input.len()?)
            .map(|_| {
                let speaker = input.u32()?.checked_sub(1);
                Some(Quote { speaker, words: input.list()?.into_boxed_slice() })
            })
            .collect::<Option<_>>()?;
        let sentence_ends: Vec<u32> = input.list()?;
        let sentence_words: Vec<u32> = input.list()?;
        // Every sentence must end inside the words, in order.
        if !cuts(&sentence_ends, sentence_words.len()) {
            return None;
        }
        let mut profile = Profile {
            terms,
            names,
            numbers,
            quotes,
            sentence_words,
            sentence_ends,
            named_quotes: input.u32()?,
            anonymous_sources: input.u32()?,
            ..Profile::default()
        };
        if version >= 2 {
            profile.sentence_name_ends = input.list()?;
            profile.sentence_names = input.list()?;
            let ends = &profile.sentence_name_ends;
            // One end per sentence, each block of names two halves (keys, stems).
            let mut start = 0;
            let halves = ends.iter().all(|&end| (end.wrapping_sub(std::mem::replace(&mut start, end))) % 2 == 0);
            if !cuts(ends, profile.sentence_names.len())
                || (!ends.is_empty() && ends.len() != profile.sentence_count())
                || !halves
            {
                return None;
            }
            profile.name_text = input.text()?;
            profile.number_text = input.text()?;
        }
        input.0.is_empty().then_some(profile)
    }
}

/// Whether `ends` cut a list of `len` entries: in order, none past its end.
fn cuts(ends: &[u32], len: usize) -> bool {
    let mut start = 0;
    for &end in ends {
        if end < start || end as usize > len {
            return false;
        }
        start = end;
    }
    true
}

pub(super) struct Writer(pub(super) Vec<u8>);

impl Writer {
    fn u16(&mut self, value: u16) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    fn u32(&mut self, value: u32) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    fn len(&mut self, len: usize) {
        self.u32(u32::try_from(len).unwrap_or(u32::MAX));
    }

    pub(super) fn list(&mut self, values: &[u32]) {
        self.len(values.len());
        values.iter().for_each(|&v| self.u32(v));
    }

    fn text(&mut self, text: &str) {
        self.len(text.len());
        self.0.extend_from_slice(text.as_bytes());
    }
}

pub(super) struct Reader<'a>(pub(super) &'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Option<u32> {
        self.take(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A length, refused when the bytes left could not hold that many entries.
    fn len(&mut self) -> Option<usize> {
        let len = self.u32()? as usize;
        (len <= self.0.len() / 4).then_some(len)
    }

    pub(super) fn list(&mut self) -> Option<Vec<u32>> {
        (0..self.len()?).map(|_| self.u32()).collect()
    }

    fn text(&mut self) -> Option<String> {
        let len = self.u32()? as usize;
        String::from_utf8(self.take(len)?.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use crate::profile::{profile, Profile, DEFAULT_TERMS};

    const TEXT: &str = "Mayor Ingrid Solberg said on Monday the 48 million euro terminal would open in May.\n\
        “We will double the ferry crossings and bring visitors back to the harbour,” Solberg told reporters.\n\
        A senior official, speaking on condition of anonymity, said 300 jobs were at stake.";

    #[test]
    fn a_profile_reads_back_as_it_was_written() {
        let original = profile(Some("Ferry terminal approved"), TEXT.lines(), DEFAULT_TERMS);
        assert!(original.sentence_count() >= 2, "{}", original.sentence_count());
        assert!(!original.quotes.is_empty(), "quotes");
        assert!(!original.numbers.is_empty(), "numbers");
        assert!(original.name_text(crate::profile::name_key("Solberg")) == Some("Solberg"));
        let bytes = original.to_bytes();
        assert_eq!(Profile::from_bytes(&bytes), Some(original));
        assert_eq!(Profile::from_bytes(&Profile::default().to_bytes()), Some(Profile::default()));
    }

    #[test]
    fn damaged_bytes_read_as_nothing() {
        let bytes = profile(None, TEXT.lines(), DEFAULT_TERMS).to_bytes();
        for cut in [0, 1, 5, bytes.len() / 2, bytes.len() - 1] {
            assert_eq!(Profile::from_bytes(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Profile::from_bytes(&longer), None);
        let mut other_version = bytes;
        other_version[0] = 9;
        assert_eq!(Profile::from_bytes(&other_version), None);
        // A length larger than the bytes left is refused before anything is allocated.
        assert_eq!(Profile::from_bytes(&[1, 255, 255, 255, 255]), None);
    }

    #[test]
    fn a_profile_of_the_first_format_reads_back_without_sentence_names_and_written_forms() {
        let original = profile(None, TEXT.lines(), DEFAULT_TERMS);
        let mut bytes = original.to_bytes();
        // Version 1 is version 2 without what follows the anonymous sources.
        let tail = 4 * (2 + original.sentence_count() + original.sentence_names.len())
            + 8
            + original.name_text.len()
            + original.number_text.len();
        bytes.truncate(bytes.len() - tail);
        bytes[0] = 1;
        let read = Profile::from_bytes(&bytes).expect("version 1");
        assert_eq!(read.names, original.names);
        assert_eq!(read.sentence_count(), original.sentence_count());
        assert!(read.sentence_names(0).is_empty());
        assert_eq!(read.name_text(original.names[0].0), None);
    }
}
