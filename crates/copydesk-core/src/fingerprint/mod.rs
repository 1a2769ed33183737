//! Fingerprint: SHA-256 of the clean text for exact copies, a MinHash signature over word
//! shingles and a 64-bit SimHash for near-duplicates, and paragraph hashes for partial
//! copies. Shingles never cross a paragraph boundary, so reordered paragraphs keep their
//! shingles.

pub mod hasher;
pub mod minhash;
mod simhash;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::util::{byte_runs, hash_bytes, mix64};
pub use hasher::MixBuildHasher;
pub use minhash::{jaccard, OnePermutation, Reference, Signature, Signer};

/// Settings of the fingerprint stage.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FingerprintOptions {
    /// Words per shingle.
    pub shingle_words: usize,
    /// Positions in a MinHash signature.
    pub minhash_hashes: usize,
    /// Paragraphs shorter than this, in words, get no paragraph hash (too common to tell
    /// anything).
    pub min_paragraph_words: usize,
    /// `one-permutation` (fast, default) or `reference` (the classic k-hash MinHash of
    /// `probabilistic-collections`).
    pub signer: SignerKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignerKind {
    OnePermutation,
    Reference,
}

impl Default for FingerprintOptions {
    fn default() -> Self {
        FingerprintOptions {
            shingle_words: 5,
            minhash_hashes: 128,
            min_paragraph_words: 8,
            signer: SignerKind::OnePermutation,
        }
    }
}

/// The seed every signature of a run (and of an archive) shares.
pub const SEED: u64 = 0x636f_7079_6465_736b;

impl FingerprintOptions {
    pub fn signer(&self) -> Box<dyn Signer> {
        match self.signer {
            SignerKind::OnePermutation => Box::new(OnePermutation::new(self.minhash_hashes, SEED)),
            SignerKind::Reference => Box::new(Reference::new(self.minhash_hashes, SEED)),
        }
    }
}

/// A paragraph's hash and length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParagraphHash {
    pub hash: u64,
    pub words: u32,
}

/// What the relate stage needs of an item's text. The SimHash is Charikar's, over the
/// item's distinct shingles.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fingerprint {
    pub sha256: [u8; 32],
    pub signature: Signature,
    pub simhash: u64,
    /// Distinct shingles in the clean text.
    pub shingles: u32,
    pub words: u32,
    pub paragraphs: Vec<ParagraphHash>,
}

impl Fingerprint {
    pub fn sha256_hex(&self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut hex = String::with_capacity(64);
        for &byte in &self.sha256 {
            hex.push(char::from(DIGITS[usize::from(byte >> 4)]));
            hex.push(char::from(DIGITS[usize::from(byte & 0xf)]));
        }
        hex
    }

    /// Whether the clean text has no words.
    pub fn is_empty(&self) -> bool {
        self.words == 0
    }
}

/// Fingerprints the clean text given as normalized paragraphs.
pub fn fingerprint(paragraphs: &[String], options: &FingerprintOptions, signer: &dyn Signer) -> Fingerprint {
    // The buffers are taken out of the thread for the item, and put back.
    let mut scratch = SCRATCH.with(|slot| std::mem::take(&mut *slot.borrow_mut()));
    let fingerprint = fingerprint_with(&mut scratch, paragraphs, options, signer);
    SCRATCH.with(|slot| *slot.borrow_mut() = scratch);
    fingerprint
}

/// What a thread keeps from one item to the next: the shingles and the word hashes of a
/// paragraph, which would otherwise grow again for every item.
#[derive(Default)]
struct Scratch {
    shingles: Vec<u64>,
    word_hashes: Vec<u64>,
    /// The table [`dedup`] marks the shingles seen in.
    seen: Vec<u64>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

fn fingerprint_with(
    scratch: &mut Scratch,
    paragraphs: &[String],
    options: &FingerprintOptions,
    signer: &dyn Signer,
) -> Fingerprint {
    let Scratch { shingles, word_hashes, seen } = scratch;
    shingles.clear();
    let mut sha = Sha256::new();
    let mut hashes = Vec::new();
    let mut words_total = 0u32;
    for (index, paragraph) in paragraphs.iter().enumerate() {
        if index > 0 {
            sha.update(b"\n");
        }
        sha.update(paragraph.as_bytes());
        word_hashes_into(paragraph, word_hashes);
        words_total += word_hashes.len() as u32;
        shingle_into(word_hashes, options.shingle_words, shingles);
        if word_hashes.len() >= options.min_paragraph_words {
            hashes.push(ParagraphHash { hash: combine(word_hashes), words: word_hashes.len() as u32 });
        }
    }
    dedup(shingles, seen);
    let simhash = simhash::simhash(shingles, &MixBuildHasher::new(SEED));
    Fingerprint {
        sha256: sha.finalize().into(),
        signature: signer.sign(shingles),
        simhash,
        shingles: shingles.len() as u32,
        words: words_total,
        paragraphs: hashes,
    }
}

/// Drops the repeats of a shingle, keeping the first of each in place: what the rest of
/// the stage reads (the count, the MinHash signature, the SimHash) does not depend on the
/// order. The shingles are mixed hashes, so their low bits place them in an open-addressing
/// table of at least twice their number (`seen`, kept between items); a sort would take
/// `log n` comparisons per shingle instead of about one look.
fn dedup(shingles: &mut Vec<u64>, seen: &mut Vec<u64>) {
    let size = (2 * shingles.len()).next_power_of_two().max(16);
    seen.clear();
    seen.resize(size, 0);
    let mask = size - 1;
    // 0 marks an empty slot; the shingle 0 is kept apart.
    let mut zero = false;
    shingles.retain(|&shingle| {
        if shingle == 0 {
            return !std::mem::replace(&mut zero, true);
        }
        let mut slot = shingle as usize & mask;
        loop {
            match seen[slot] {
                0 => {
                    seen[slot] = shingle;
                    return true;
                }
                held if held == shingle => return false,
                _ => slot = (slot + 1) & mask,
            }
        }
    });
}

/// The words of a normalized paragraph: runs of letters and digits.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

/// The hashes of the [`words`] of a normalized paragraph, into `out` (cleared first).
fn word_hashes_into(paragraph: &str, out: &mut Vec<u64>) {
    out.clear();
    if !paragraph.is_ascii() {
        out.extend(words(paragraph).map(|w| hash_bytes(w.as_bytes())));
        return;
    }
    // In ASCII text a character is alphanumeric as a byte is: the same words, found
    // without decoding characters.
    let bytes = paragraph.as_bytes();
    out.extend(byte_runs(bytes, |b| b.is_ascii_alphanumeric()).map(|word| hash_bytes(&bytes[word])));
}

/// Appends the hashes of the `k`-word shingles of a paragraph; a paragraph shorter than
/// `k` words is one shingle.
fn shingle_into(word_hashes: &[u64], k: usize, out: &mut Vec<u64>) {
    let k = k.max(1);
    if word_hashes.is_empty() {
        return;
    }
    if word_hashes.len() < k {
        out.push(combine(word_hashes));
        return;
    }
    // A polynomial rolling hash over the window, finalised once per shingle.
    let power = (1..k).fold(1u64, |p, _| p.wrapping_mul(ROLL));
    let mut rolling = word_hashes[..k].iter().fold(0u64, |h, &w| h.wrapping_mul(ROLL).wrapping_add(w));
    out.push(mix64(rolling));
    for i in k..word_hashes.len() {
        rolling = rolling
            .wrapping_sub(word_hashes[i - k].wrapping_mul(power))
            .wrapping_mul(ROLL)
            .wrapping_add(word_hashes[i]);
        out.push(mix64(rolling));
    }
}

/// The multiplier of the rolling shingle hash (odd, so multiplication is invertible).
const ROLL: u64 = 0x100_0000_01b3;

/// An order-sensitive hash of a sequence of hashes.
fn combine(hashes: &[u64]) -> u64 {
    let mut h = 0x2545_f491_4f6c_dd1d_u64;
    for &x in hashes {
        h = mix64(h.rotate_left(5) ^ x);
    }
    h
}

/// Hamming distance between two SimHashes.
pub fn simhash_distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedup_keeps_each_shingle_once_as_sorting_does() {
        let mut seen = Vec::new();
        for (n, spread) in [(0, 1), (1, 1), (7, 3), (300, 50), (5_000, 4_000), (5_000, 1 << 40)] {
            // Repeats, zeros, and values that share their low bits.
            let shingles: Vec<u64> = (0..n)
                .map(|i| (mix64(i % spread) % spread).wrapping_mul(if i % 3 == 0 { 1 << 32 } else { 1 }))
                .collect();
            let mut deduped = shingles.clone();
            dedup(&mut deduped, &mut seen);
            let mut sorted = shingles.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(deduped.len(), sorted.len(), "{n} shingles");
            // The first of each, in place.
            let mut taken = std::collections::HashSet::new();
            let firsts: Vec<u64> = shingles.iter().copied().filter(|s| taken.insert(*s)).collect();
            assert_eq!(deduped, firsts, "{n} shingles");
        }
    }

    fn print(text: &str) -> Fingerprint {
        let options = FingerprintOptions::default();
        let paragraphs: Vec<String> =
            text.lines().map(crate::normalize::normalize_line).filter(|l| !l.is_empty()).collect();
        fingerprint(&paragraphs, &options, options.signer().as_ref())
    }

    const STORY: &str = "The storm made landfall on Monday near the port city, cutting power to thousands of homes.\n\
        Emergency crews worked through the night to clear roads blocked by fallen trees and debris.\n\
        The mayor said schools would stay closed until Wednesday while engineers inspect the buildings.";

    #[test]
    fn the_sha256_is_written_as_lower_case_hex() {
        // The SHA-256 of "abc" (FIPS 180-2, appendix B.1).
        assert_eq!(print("abc").sha256_hex(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn equal_clean_texts_have_equal_sha256() {
        assert_eq!(print(STORY).sha256, print(&STORY.to_uppercase()).sha256);
        assert_ne!(print(STORY).sha256, print(&STORY.replace("Monday", "Tuesday")).sha256);
    }

    #[test]
    fn reordered_paragraphs_keep_their_shingles() {
        let lines: Vec<&str> = STORY.lines().collect();
        let reordered = format!("{}\n{}\n{}", lines[2], lines[0], lines[1]);
        let (a, b) = (print(STORY), print(&reordered));
        assert_eq!(jaccard(&a.signature, &b.signature), 1.0);
        assert_ne!(a.sha256, b.sha256);
        assert_eq!(simhash_distance(a.simhash, b.simhash), 0);
    }

    #[test]
    fn a_fingerprint_owes_nothing_to_the_item_before_it() {
        let alone = print(STORY);
        let other = print("A wholly different text of its own, with words the story has not.");
        let again = print(STORY);
        assert_eq!(
            (again.shingles, again.simhash, &again.signature),
            (alone.shingles, alone.simhash, &alone.signature)
        );
        assert_ne!(other.simhash, alone.simhash);
    }

    #[test]
    fn paragraphs_get_hashes_and_counts() {
        let f = print(STORY);
        assert_eq!(f.paragraphs.len(), 3);
        assert_eq!(f.words, 45);
        assert!(f.shingles > 30);
    }

    #[test]
    fn ascii_paragraphs_hash_the_words_the_character_path_finds() {
        let by_characters = |text: &str| words(text).map(|w| hash_bytes(w.as_bytes())).collect::<Vec<_>>();
        let mut out = vec![7];
        for text in ["", " ", "a", "ab cd", " 3.9% of u.s. troops-", "x\ty\u{1}z", "tail9", "--", "one\ntwo"] {
            word_hashes_into(text, &mut out);
            assert_eq!(out, by_characters(text), "{text:?}");
        }
        // Text with characters beyond ASCII takes the character path.
        word_hashes_into("café olé", &mut out);
        assert_eq!(out, by_characters("café olé"));
        assert_eq!(out.len(), 2);
    }
}
