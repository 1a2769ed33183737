//! A profile as bytes, for the archive: every part of a [`Profile`] in a fixed order, each
//! list preceded by its length, all numbers little-endian. The first byte is the format's
//! version; a version this copydesk does not know, or bytes that end early, decode to
//! `None`.
//!
//! ```text
//! version: u8 = 1
//! terms:     u32 count, then (hash u32, count u16) each
//! names:     u32 count, then (key u32, mentions u16) each
//! numbers:   u32 count, then u32 each
//! quotes:    u32 count, then (speaker u32 + 1 or 0, u32 words, words u32…) each
//! sentences: u32 count, then the end of each (u32), then u32 words, then words u32…
//! named quotes u32, anonymous sources u32
//! ```

use super::{Profile, Quote};

const VERSION: u8 = 1;

impl Profile {
    /// The profile as bytes (see the module documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
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
        out.0
    }

    /// A profile read back from [`Profile::to_bytes`]; `None` when the bytes are not one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Profile> {
        let mut input = Reader(bytes);
        if input.take(1)? != [VERSION] {
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
        let mut start = 0;
        for &end in &sentence_ends {
            if end < start || end as usize > sentence_words.len() {
                return None;
            }
            start = end;
        }
        let profile = Profile {
            terms,
            names,
            numbers,
            quotes,
            sentence_words,
            sentence_ends,
            named_quotes: input.u32()?,
            anonymous_sources: input.u32()?,
        };
        input.0.is_empty().then_some(profile)
    }
}

struct Writer(Vec<u8>);

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

    fn list(&mut self, values: &[u32]) {
        self.len(values.len());
        values.iter().for_each(|&v| self.u32(v));
    }
}

struct Reader<'a>(&'a [u8]);

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

    fn list(&mut self) -> Option<Vec<u32>> {
        (0..self.len()?).map(|_| self.u32()).collect()
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
}
