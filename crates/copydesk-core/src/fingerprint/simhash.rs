//! Charikar's SimHash over an item's shingles, counted in bit planes.
//!
//! [`simhash`] gives the very hash of `probabilistic-collections`' `SimHash` with the
//! project's hasher (the test below holds it to that, bit for bit), at a few operations a
//! shingle instead of 64: the ones at each bit position are counted in a vertical binary
//! counter, one `u64` a digit. Hashes are first summed sixteen at a time by a tree of
//! carry-save adders (Harley and Seal's), which has no branch; each sum of sixteen then
//! ripples into the counter from its fifth digit.

use std::hash::BuildHasher;

use super::MixBuildHasher;

/// The SimHash of `shingles`, each hashed by `hasher`: bit `63 - i` is set when at most
/// half of the hashes have bit `i` set (the library's order and its tie rule); 0 when
/// there are none.
pub fn simhash(shingles: &[u64], hasher: &MixBuildHasher) -> u64 {
    if shingles.is_empty() {
        return 0;
    }
    let mut counter = Counter::new();
    // The digits of weight 1, 2, 4 and 8 of the hashes not yet in the counter.
    let (mut ones, mut twos, mut fours, mut eights) = (0, 0, 0, 0);
    let mut blocks = shingles.chunks_exact(16);
    for block in blocks.by_ref() {
        let h: [u64; 16] = std::array::from_fn(|i| hasher.hash_one(block[i]));
        let mut sum_of_eight = |h: &[u64]| {
            let (twos_a, o) = add3(ones, h[0], h[1]);
            let (twos_b, o) = add3(o, h[2], h[3]);
            let (fours_a, t) = add3(twos, twos_a, twos_b);
            let (twos_a, o) = add3(o, h[4], h[5]);
            let (twos_b, o) = add3(o, h[6], h[7]);
            let (fours_b, t) = add3(t, twos_a, twos_b);
            let (eights_a, f) = add3(fours, fours_a, fours_b);
            (ones, twos, fours) = (o, t, f);
            eights_a
        };
        let eights_a = sum_of_eight(&h[..8]);
        let eights_b = sum_of_eight(&h[8..]);
        let (sixteens, e) = add3(eights, eights_a, eights_b);
        eights = e;
        counter.add(sixteens, 4);
    }
    for (digit, plane) in [ones, twos, fours, eights].into_iter().enumerate() {
        counter.add(plane, digit);
    }
    for &shingle in blocks.remainder() {
        counter.add(hasher.hash_one(shingle), 0);
    }
    let n = shingles.len() as u64;
    let mut hash = 0u64;
    for i in 0..64 {
        if 2 * counter.count(i) <= n {
            hash |= 1 << (63 - i);
        }
    }
    hash
}

/// A carry-save adder: the carries and the sums of three planes, bit by bit.
fn add3(a: u64, b: u64, c: u64) -> (u64, u64) {
    let u = a ^ b;
    ((a & b) | (u & c), u ^ c)
}

/// 64 counters, one a bit position, held as planes: `planes[j]` holds digit `j` of each.
struct Counter {
    planes: [u64; usize::BITS as usize],
    /// The digits in use.
    used: usize,
}

impl Counter {
    fn new() -> Counter {
        Counter { planes: [0; usize::BITS as usize], used: 0 }
    }

    /// Adds `2^digit` to the counters of the bits set in `plane`.
    fn add(&mut self, plane: u64, digit: usize) {
        let mut carry = plane;
        let mut digit = digit;
        while carry != 0 {
            let sum = self.planes[digit] ^ carry;
            carry &= self.planes[digit];
            self.planes[digit] = sum;
            digit += 1;
        }
        self.used = self.used.max(digit);
    }

    /// The count of bit position `i`.
    fn count(&self, i: usize) -> u64 {
        self.planes[..self.used].iter().enumerate().fold(0, |ones, (digit, plane)| ones | ((plane >> i) & 1) << digit)
    }
}

#[cfg(test)]
mod tests {
    use probabilistic_collections::similarity::SimHash;

    use super::*;
    use crate::util::mix64;

    #[test]
    fn the_simhash_is_the_librarys() {
        let hasher = MixBuildHasher::new(super::super::SEED);
        let library = SimHash::with_hasher(hasher);
        let mut state = 7u64;
        for len in [1usize, 2, 3, 4, 7, 15, 16, 17, 31, 32, 33, 64, 255, 256, 257, 1000, 4097] {
            let shingles: Vec<u64> = (0..len)
                .map(|_| {
                    state = mix64(state);
                    state
                })
                .collect();
            assert_eq!(simhash(&shingles, &hasher), library.get_sim_hash(shingles.iter().copied()), "{len} shingles");
            // Ties: every hash twice, and hashes that cancel out.
            let twice: Vec<u64> = shingles.iter().chain(&shingles).copied().collect();
            assert_eq!(simhash(&twice, &hasher), library.get_sim_hash(twice.iter().copied()), "{len} twice");
        }
        assert_eq!(simhash(&[], &hasher), 0);
    }
}
