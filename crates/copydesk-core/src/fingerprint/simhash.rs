//! Charikar's SimHash over an item's shingles, counted in bit planes.
//!
//! [`simhash`] gives the very hash of `probabilistic-collections`' `SimHash` with the
//! project's hasher (the test below holds it to that, bit for bit), at a few operations a
//! shingle instead of 64: the ones at each bit position are counted in a vertical binary
//! counter, one `u64` a digit, where adding a hash is a ripple of carries.

use std::hash::BuildHasher;

use super::MixBuildHasher;

/// The SimHash of `shingles`, each hashed by `hasher`: bit `63 - i` is set when at most
/// half of the hashes have bit `i` set (the library's order and its tie rule); 0 when
/// there are none.
pub fn simhash(shingles: &[u64], hasher: &MixBuildHasher) -> u64 {
    if shingles.is_empty() {
        return 0;
    }
    // planes[j] holds digit j of the 64 counters, one counter a bit position.
    let mut planes = [0u64; usize::BITS as usize];
    let mut used = 0;
    for &shingle in shingles {
        let mut carry = hasher.hash_one(shingle);
        let mut digit = 0;
        while carry != 0 {
            let sum = planes[digit] ^ carry;
            carry &= planes[digit];
            planes[digit] = sum;
            digit += 1;
        }
        used = used.max(digit);
    }
    let n = shingles.len() as u64;
    let mut hash = 0u64;
    for i in 0..64 {
        let ones =
            planes[..used].iter().enumerate().fold(0u64, |ones, (digit, plane)| ones | ((plane >> i) & 1) << digit);
        if 2 * ones <= n {
            hash |= 1 << (63 - i);
        }
    }
    hash
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
        for len in [1usize, 2, 3, 4, 7, 64, 255, 256, 257, 1000, 4097] {
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
