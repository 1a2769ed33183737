//! MinHash signatures behind one interface, [`Signer`]:
//!
//! - [`OnePermutation`], the production signer: one-permutation hashing with rotation
//!   densification. Each shingle is hashed once and lands in one of `k` bins; a bin keeps
//!   its smallest value; empty bins borrow from the next filled bin. It costs O(n + k) per
//!   document instead of O(n·k).
//! - [`Reference`], the classic k-hash MinHash of `probabilistic-collections`, kept as the
//!   reference the fast signer is tested against (their Jaccard estimates agree within a
//!   stated tolerance) and measured beside it in the benchmark.

use probabilistic_collections::similarity::MinHash;

use super::hasher::MixBuildHasher;
use crate::util::mix64;

/// A MinHash signature: `k` 32-bit minima. Two signatures estimate the Jaccard similarity
/// of their shingle sets by the share of equal positions.
pub type Signature = Box<[u32]>;

/// The value of a bin no shingle reached (only in signatures of empty documents).
pub const EMPTY: u32 = u32::MAX;

/// Computes MinHash signatures of shingle-hash sets.
pub trait Signer: Send + Sync {
    /// The signature of a set of distinct shingle hashes.
    fn sign(&self, shingles: &[u64]) -> Signature;
    /// The number of positions in a signature.
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The Jaccard similarity two signatures estimate.
pub fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    let equal = a.iter().zip(b).filter(|(x, y)| x == y && **x != EMPTY).count();
    equal as f64 / a.len() as f64
}

/// One-permutation hashing with densification.
#[derive(Debug, Clone)]
pub struct OnePermutation {
    bins: usize,
    seed: u64,
}

impl OnePermutation {
    pub fn new(bins: usize, seed: u64) -> Self {
        OnePermutation { bins: bins.max(1), seed: mix64(seed) }
    }
}

impl Signer for OnePermutation {
    fn sign(&self, shingles: &[u64]) -> Signature {
        let k = self.bins;
        let mut minima = vec![u64::MAX; k];
        for &shingle in shingles {
            let h = mix64(shingle ^ self.seed);
            // The high half picks the bin (fast range reduction), the low half is the value.
            let bin = (((h >> 32) * k as u64) >> 32) as usize;
            let value = h & 0xffff_ffff;
            if value < minima[bin] {
                minima[bin] = value;
            }
        }
        densify(&mut minima);
        minima.into_iter().map(|v| if v == u64::MAX { EMPTY } else { v as u32 }).collect()
    }

    fn len(&self) -> usize {
        self.bins
    }
}

/// Fills each empty bin from the nearest filled bin to its right (circularly), shifted by
/// the distance so that borrowed values differ from their donor's.
fn densify(minima: &mut [u64]) {
    let k = minima.len();
    if minima.iter().all(|&v| v != u64::MAX) || minima.iter().all(|&v| v == u64::MAX) {
        return;
    }
    let original = minima.to_vec();
    for i in 0..k {
        if original[i] != u64::MAX {
            continue;
        }
        let (distance, donor) =
            (1..k).map(|d| (d, original[(i + d) % k])).find(|(_, v)| *v != u64::MAX).unwrap_or((0, 0));
        minima[i] = (donor + distance as u64 * 0x9e37_79b9) & 0xffff_ffff;
    }
}

/// The classic MinHash of `probabilistic-collections`: `k` hash functions, each shingle
/// hashed by each, with [`MixBuildHasher`] as the hash family.
#[derive(Debug, Clone)]
pub struct Reference {
    hashes: usize,
    seeds: [u64; 2],
}

impl Reference {
    pub fn new(hashes: usize, seed: u64) -> Self {
        Reference { hashes: hashes.max(1), seeds: [seed, seed ^ 0x5555_5555_5555_5555] }
    }
}

impl Signer for Reference {
    fn sign(&self, shingles: &[u64]) -> Signature {
        if shingles.is_empty() {
            return vec![EMPTY; self.hashes].into_boxed_slice();
        }
        let hashers = [MixBuildHasher::new(self.seeds[0]), MixBuildHasher::new(self.seeds[1])];
        let min_hash = MinHash::with_hashers(self.hashes, hashers);
        min_hash.get_min_hashes(shingles.iter().copied()).into_iter().map(|v| (v >> 32) as u32).collect()
    }

    fn len(&self) -> usize {
        self.hashes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two sets with a planted Jaccard similarity: `shared` common elements, `own` each.
    fn sets(seed: u64, shared: usize, own: usize) -> (Vec<u64>, Vec<u64>) {
        let common: Vec<u64> = (0..shared as u64).map(|i| mix64(seed * 1_000_003 + i)).collect();
        let mut a = common.clone();
        let mut b = common;
        a.extend((0..own as u64).map(|i| mix64(seed * 7_000_003 + 1_000_000 + i)));
        b.extend((0..own as u64).map(|i| mix64(seed * 9_000_011 + 2_000_000 + i)));
        (a, b)
    }

    #[test]
    fn identical_sets_have_identical_signatures_and_empty_sets_match_nothing() {
        let signer = OnePermutation::new(128, 7);
        let (a, _) = sets(1, 300, 0);
        assert_eq!(jaccard(&signer.sign(&a), &signer.sign(&a)), 1.0);
        assert_eq!(jaccard(&signer.sign(&[]), &signer.sign(&[])), 0.0);
    }

    #[test]
    fn short_documents_are_densified() {
        let signer = OnePermutation::new(128, 7);
        let signature = signer.sign(&[1, 2, 3]);
        assert!(signature.iter().all(|&v| v != EMPTY));
    }

    /// The fast signer agrees with the crate's MinHash. Over 400 random pairs with planted
    /// Jaccard similarities from 0.03 to 1, both estimate the truth equally well (mean
    /// absolute errors within 0.01 of each other, both under 0.045: 128 positions give an
    /// estimate a standard error of at most 0.044), neither is biased (mean signed error
    /// under 0.01), and the two estimates of a pair differ by 0.07 on average at most.
    #[test]
    fn one_permutation_agrees_with_the_reference_minhash() {
        let fast = OnePermutation::new(128, 11);
        let reference = Reference::new(128, 11);
        let pairs = 400;
        let (mut fast_error, mut reference_error, mut fast_bias, mut reference_bias, mut apart) =
            (0.0, 0.0, 0.0, 0.0, 0.0);
        for seed in 0..pairs {
            let shared = 20 + (seed as usize * 37) % 600;
            let own = (seed as usize * 53) % 400;
            let (a, b) = sets(seed, shared, own);
            let truth = shared as f64 / (shared + 2 * own) as f64;
            let f = jaccard(&fast.sign(&a), &fast.sign(&b));
            let r = jaccard(&reference.sign(&a), &reference.sign(&b));
            fast_error += (f - truth).abs();
            reference_error += (r - truth).abs();
            fast_bias += f - truth;
            reference_bias += r - truth;
            apart += (f - r).abs();
        }
        let n = pairs as f64;
        let (fast_error, reference_error, apart) = (fast_error / n, reference_error / n, apart / n);
        assert!(fast_error < 0.045 && reference_error < 0.045, "errors {fast_error} {reference_error}");
        assert!((fast_error - reference_error).abs() < 0.01, "errors {fast_error} {reference_error}");
        assert!((fast_bias / n).abs() < 0.01 && (reference_bias / n).abs() < 0.01, "bias {fast_bias} {reference_bias}");
        assert!(apart < 0.07, "mean difference {apart}");
    }
}
