//! A fast seeded hasher for values that are already hashes (shingle hashes), plugged into
//! `probabilistic-collections` through its `BuildHasher` parameter.

use std::hash::{BuildHasher, Hasher};

use crate::util::mix64;

/// Builds [`MixHasher`]s with a seed.
#[derive(Debug, Clone, Copy)]
pub struct MixBuildHasher {
    seed: u64,
}

impl MixBuildHasher {
    pub fn new(seed: u64) -> Self {
        MixBuildHasher { seed: mix64(seed ^ 0x9e37_79b9_7f4a_7c15) }
    }
}

impl BuildHasher for MixBuildHasher {
    type Hasher = MixHasher;

    fn build_hasher(&self) -> MixHasher {
        MixHasher { state: self.seed }
    }
}

/// Folds the words written to it into one 64-bit state with a strong finaliser; one
/// `write_u64` costs a multiply-xorshift round.
#[derive(Debug, Clone, Copy)]
pub struct MixHasher {
    state: u64,
}

impl Hasher for MixHasher {
    fn finish(&self) -> u64 {
        mix64(self.state)
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u64(&mut self, value: u64) {
        self.state = mix64(self.state ^ value).wrapping_add(0x9e37_79b9_7f4a_7c15);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_give_different_hashes() {
        let a = MixBuildHasher::new(1).hash_one(42u64);
        let b = MixBuildHasher::new(2).hash_one(42u64);
        assert_ne!(a, b);
        assert_eq!(a, MixBuildHasher::new(1).hash_one(42u64));
    }
}
