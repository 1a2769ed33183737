//! Locality-sensitive hashing: a signature of `k` positions is cut into `bands` bands of
//! `rows` positions; two items become candidates when one band is equal. The band count
//! is chosen for the similarity threshold, so that a pair at the threshold is a candidate
//! with a stated probability.

use rayon::prelude::*;

use crate::util::{hash_bytes, KeyMap};

/// How a signature is cut into bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Banding {
    pub bands: usize,
    pub rows: usize,
}

impl Banding {
    /// The probability that a pair of Jaccard similarity `s` becomes a candidate.
    pub fn candidate_probability(&self, s: f64) -> f64 {
        1.0 - (1.0 - s.powi(self.rows as i32)).powi(self.bands as i32)
    }

    /// The banding with the most rows per band (fewest false candidates) that still makes
    /// a pair at `threshold` a candidate with probability at least `recall`.
    pub fn for_threshold(positions: usize, threshold: f64, recall: f64) -> Banding {
        let mut best = Banding { bands: positions, rows: 1 };
        for rows in 1..=positions {
            if positions % rows != 0 {
                continue;
            }
            let banding = Banding { bands: positions / rows, rows };
            if banding.candidate_probability(threshold) >= recall {
                best = banding;
            }
        }
        best
    }
}

/// Candidate pairs `(a, b)` with `a < b`, indexes into `signatures`, sorted and distinct,
/// and the count of buckets that were capped. A bucket larger than `max_bucket` (a band
/// shared by very many near-identical items) links each member to the bucket's first
/// member only: they are one group, and one pair each places every member in it. The
/// count of pairs stays linear in the number of items however many repeat one text.
/// Items whose signature is `None` (empty documents) take no part.
pub fn candidates(signatures: &[Option<&[u32]>], banding: Banding, max_bucket: usize) -> (Vec<(u32, u32)>, usize) {
    let capped = std::sync::atomic::AtomicUsize::new(0);
    let mut pairs: Vec<(u32, u32)> = (0..banding.bands)
        .into_par_iter()
        .flat_map_iter(|band| {
            let mut buckets: KeyMap<u64, Vec<u32>> = KeyMap::default();
            for (index, signature) in signatures.iter().enumerate() {
                let Some(signature) = signature else { continue };
                buckets.entry(band_hash(signature, banding, band)).or_default().push(index as u32);
            }
            let mut pairs = Vec::new();
            for members in buckets.into_values() {
                if bucket_pairs(&members, max_bucket, &mut pairs) {
                    capped.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
            pairs
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    (pairs, capped.into_inner())
}

/// The key of a signature's bucket in one band: the hash of the band's positions.
pub fn band_hash(signature: &[u32], banding: Banding, band: usize) -> u64 {
    let rows = &signature[band * banding.rows..(band + 1) * banding.rows];
    let bytes: Vec<u8> = rows.iter().flat_map(|v| v.to_le_bytes()).collect();
    hash_bytes(&bytes)
}

/// Appends the pairs `(a, b)`, `a < b`, of one bucket's members (items in origin order);
/// says whether the bucket was capped (more than `max_bucket` members, each then paired
/// with the first only).
pub fn bucket_pairs(members: &[u32], max_bucket: usize, pairs: &mut Vec<(u32, u32)>) -> bool {
    if members.len() < 2 {
        return false;
    }
    if members.len() > max_bucket {
        pairs.extend(members[1..].iter().map(|&a| (members[0].min(a), members[0].max(a))));
        return true;
    }
    for (i, &a) in members.iter().enumerate() {
        for &b in members.iter().take(i) {
            pairs.push((b.min(a), b.max(a)));
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banding_for_the_near_duplicate_threshold() {
        let banding = Banding::for_threshold(128, 0.6, 0.98);
        assert_eq!(banding, Banding { bands: 32, rows: 4 });
        assert!(banding.candidate_probability(0.8) > 0.9999);
        assert!(banding.candidate_probability(0.1) < 0.01);
    }

    #[test]
    fn equal_bands_make_candidates() {
        let a = [1u32, 2, 3, 4, 5, 6, 7, 8];
        let b = [1u32, 2, 3, 4, 9, 9, 9, 9];
        let c = [0u32, 0, 0, 0, 0, 0, 0, 0];
        let sigs = vec![Some(&a[..]), Some(&b[..]), Some(&c[..]), None];
        assert_eq!(candidates(&sigs, Banding { bands: 2, rows: 4 }, 10), (vec![(0, 1)], 0));
    }

    #[test]
    fn near_identical_signatures_give_linear_candidates() {
        // 5,000 signatures that differ in one position each: every band but one is one
        // bucket of nearly all of them.
        let signatures: Vec<Vec<u32>> = (0..5000u32)
            .map(|i| {
                let mut s = vec![7u32; 128];
                s[(i % 128) as usize] = i;
                s
            })
            .collect();
        let refs: Vec<Option<&[u32]>> = signatures.iter().map(|s| Some(&s[..])).collect();
        let (pairs, capped) = candidates(&refs, Banding { bands: 32, rows: 4 }, 64);
        assert!(pairs.len() < 3 * 5000, "{} pairs for 5,000 items", pairs.len());
        assert_eq!(capped, 32);
        assert!(pairs.iter().all(|&(a, _)| a == 0 || a < 200), "each is paired with a bucket's first member");
    }
}
