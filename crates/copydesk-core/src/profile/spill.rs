//! The sentences of content profiles set aside in a file while a collection is related.
//!
//! The words and names of every sentence are the largest part of a profile (about 1.3 KB
//! of the 4.5 KB an analyzed article keeps), and they are read only when a pair of items
//! is aligned sentence by sentence, which few items are. A driver that holds a whole
//! collection moves them to a file as its items are analyzed ([`Spill::put`]), and the
//! story stage reads a profile's back for each pair it measures
//! ([`Profile::with_sentences`]). The file is the driver's to choose; an unnamed temporary
//! file goes when the last profile that points into it is dropped.
//!
//! A block holds one profile's sentence ends, sentence words, sentence name ends and
//! sentence names, each list preceded by its length, all numbers little-endian.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex};

use super::stored::{Reader, Writer};
use super::Profile;
use crate::error::{Error, Result};

/// A file that the sentences of profiles are set aside in.
#[derive(Debug)]
pub struct Spill {
    file: Arc<Mutex<File>>,
    /// Where the next block is written.
    end: u64,
}

/// Where the sentences of one profile were set aside.
#[derive(Debug, Clone)]
pub(super) struct Spilled {
    file: Arc<Mutex<File>>,
    at: u64,
    len: u32,
}

impl PartialEq for Spilled {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.file, &other.file) && self.at == other.at && self.len == other.len
    }
}

fn poisoned() -> io::Error {
    io::Error::other("a thread failed while it used the file")
}

impl Spill {
    /// Sets sentences aside in `file`, from its start: a file for this alone, such as an
    /// unnamed temporary file.
    pub fn new(file: File) -> Spill {
        Spill { file: Arc::new(Mutex::new(file)), end: 0 }
    }

    /// Moves the sentences of `profiles` to the file, in one write. When the write fails
    /// every profile keeps its sentences in memory, and the error says why.
    pub fn put<'a>(&mut self, profiles: impl IntoIterator<Item = &'a mut Profile>) -> io::Result<()> {
        let mut block = Writer(Vec::new());
        let mut placed: Vec<(&mut Profile, u64, u32)> = Vec::new();
        for profile in profiles {
            if profile.spilled.is_some() || profile.sentence_ends.is_empty() {
                continue;
            }
            let start = block.0.len();
            block.list(&profile.sentence_ends);
            block.list(&profile.sentence_words);
            block.list(&profile.sentence_name_ends);
            block.list(&profile.sentence_names);
            let len = u32::try_from(block.0.len() - start).map_err(io::Error::other)?;
            placed.push((profile, self.end + start as u64, len));
        }
        if placed.is_empty() {
            return Ok(());
        }
        {
            let mut file = self.file.lock().map_err(|_| poisoned())?;
            file.seek(SeekFrom::Start(self.end))?;
            file.write_all(&block.0)?;
        }
        self.end += block.0.len() as u64;
        for (profile, at, len) in placed {
            profile.sentence_ends = Vec::new();
            profile.sentence_words = Vec::new();
            profile.sentence_name_ends = Vec::new();
            profile.sentence_names = Vec::new();
            profile.spilled = Some(Spilled { file: Arc::clone(&self.file), at, len });
        }
        Ok(())
    }
}

impl Spilled {
    fn read(&self) -> io::Result<Vec<u8>> {
        let mut bytes = vec![0; self.len as usize];
        let mut file = self.file.lock().map_err(|_| poisoned())?;
        file.seek(SeekFrom::Start(self.at))?;
        file.read_exact(&mut bytes)?;
        Ok(bytes)
    }
}

impl Profile {
    /// The profile with its sentences: itself, or, when a [`Spill`] set them aside, a copy
    /// with them read back.
    pub fn with_sentences(&self) -> Result<Cow<'_, Profile>> {
        let Some(spilled) = &self.spilled else {
            return Ok(Cow::Borrowed(self));
        };
        let bytes = spilled.read().map_err(Error::Spill)?;
        let mut input = Reader(&bytes);
        let lists = (|| Some([input.list()?, input.list()?, input.list()?, input.list()?]))();
        let Some([sentence_ends, sentence_words, sentence_name_ends, sentence_names]) =
            lists.filter(|_| input.0.is_empty())
        else {
            return Err(Error::Spill(io::Error::new(io::ErrorKind::InvalidData, "a block reads back damaged")));
        };
        Ok(Cow::Owned(Profile {
            sentence_ends,
            sentence_words,
            sentence_name_ends,
            sentence_names,
            spilled: None,
            ..self.clone()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{profile, DEFAULT_TERMS};

    const TEXTS: [&str; 3] = [
        "Mayor Ingrid Solberg said on Monday the 48 million euro terminal would open in May.\n\
         The ferry crossings will double and bring visitors back to the harbour, Solberg told reporters.",
        "Short.",
        "Floods closed the coastal road near Takengon on Tuesday after three days of rain.\n\
         Officials in Aceh said 1,200 people had left their homes and 14 schools were shut.",
    ];

    #[test]
    fn sentences_set_aside_read_back_as_they_were() {
        let originals: Vec<Profile> = TEXTS.iter().map(|t| profile(None, t.lines(), DEFAULT_TERMS)).collect();
        assert!(originals[0].sentence_count() >= 2 && originals[2].sentence_count() >= 2);
        let mut spill = Spill::new(tempfile::tempfile().expect("temporary file"));
        let mut profiles = originals.clone();
        spill.put(&mut profiles[..2]).expect("first block");
        spill.put(&mut profiles[2..]).expect("second block");
        for (original, profile) in originals.iter().zip(&profiles) {
            assert_eq!(profile.sentence_words, Vec::<u32>::new());
            assert!(profile.heap_bytes() < original.heap_bytes() || original.sentence_count() == 0);
            let restored = profile.with_sentences().expect("read back");
            assert_eq!(*restored, *original);
        }
        assert!(profiles[1].spilled.is_none(), "a profile without sentences sets nothing aside");
    }

    #[test]
    fn a_damaged_block_is_an_error() {
        let mut spill = Spill::new(tempfile::tempfile().expect("temporary file"));
        let mut profiles = vec![profile(None, TEXTS[0].lines(), DEFAULT_TERMS)];
        spill.put(&mut profiles).expect("block");
        spill.file.lock().expect("file").set_len(8).expect("cut short");
        let error = profiles[0].with_sentences().expect_err("a block cut short");
        assert!(error.to_string().contains("sentences set aside"), "{error}");
    }
}
