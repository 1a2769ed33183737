//! Locality-sensitive hashing: a signature of `k` positions is cut into `bands` bands of
//! `rows` positions; two items become candidates when one band is equal. The band count
//! is chosen for the similarity threshold, so that a pair at the threshold is a candidate
//! with a stated probability.

use rayon::prelude::*;

use crate::util::hash_bytes;

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
            // Each item under its bucket's key; sorted, a bucket is a run of its members in
            // origin order. Sized at once, so that no band copies its keys as it grows.
            let mut keyed: Vec<(u64, u32)> = Vec::with_capacity(signatures.len());
            keyed.extend(
                signatures
                    .iter()
                    .enumerate()
                    .filter_map(|(index, signature)| signature.map(|s| (band_hash(s, banding, band), index as u32))),
            );
            keyed.sort_unstable();
            let (mut pairs, mut members) = (Vec::new(), Vec::new());
            for bucket in keyed.chunk_by(|a, b| a.0 == b.0).filter(|bucket| bucket.len() > 1) {
                members.clear();
                members.extend(bucket.iter().map(|&(_, index)| index));
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

/// The key of a signature's bucket in one band: the hash of the band's positions, as
/// little-endian bytes.
pub fn band_hash(signature: &[u32], banding: Banding, band: usize) -> u64 {
    let rows = &signature[band * banding.rows..(band + 1) * banding.rows];
    let mut bytes = [0u8; 64];
    if rows.len() * 4 > bytes.len() {
        let bytes: Vec<u8> = rows.iter().flat_map(|v| v.to_le_bytes()).collect();
        return hash_bytes(&bytes);
    }
    for (place, value) in bytes.chunks_exact_mut(4).zip(rows) {
        place.copy_from_slice(&value.to_le_bytes());
    }
    hash_bytes(&bytes[..rows.len() * 4])
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
    fn a_band_hashes_as_its_little_endian_bytes() {
        for rows in [1usize, 4, 16, 17, 32] {
            let signature: Vec<u32> = (0..2 * rows as u32).map(|v| v.wrapping_mul(0x9E37_79B9)).collect();
            let banding = Banding { bands: 2, rows };
            for band in 0..2 {
                let bytes: Vec<u8> =
                    signature[band * rows..(band + 1) * rows].iter().flat_map(|v| v.to_le_bytes()).collect();
                assert_eq!(band_hash(&signature, banding, band), hash_bytes(&bytes), "{rows} rows, band {band}");
            }
        }
    }

    /// The candidates of a bucket map, one list of members per band and key.
    fn by_map(signatures: &[Option<&[u32]>], banding: Banding, max_bucket: usize) -> (Vec<(u32, u32)>, usize) {
        let (mut pairs, mut capped) = (Vec::new(), 0);
        for band in 0..banding.bands {
            let mut buckets: std::collections::BTreeMap<u64, Vec<u32>> = Default::default();
            for (index, signature) in signatures.iter().enumerate() {
                if let Some(signature) = signature {
                    buckets.entry(band_hash(signature, banding, band)).or_default().push(index as u32);
                }
            }
            for members in buckets.values() {
                capped += usize::from(bucket_pairs(members, max_bucket, &mut pairs));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        (pairs, capped)
    }

    #[test]
    fn the_candidates_are_those_of_a_bucket_map() {
        // Small values, so that bands often agree; every fifth item has no signature.
        let signatures: Vec<Vec<u32>> = (0..600u64)
            .map(|i| (0..16u64).map(|k| (crate::util::mix64(i / 3 * 31 + k * (i % 7)) % 3) as u32).collect())
            .collect();
        let refs: Vec<Option<&[u32]>> =
            signatures.iter().enumerate().map(|(i, s)| (i % 5 != 4).then_some(&s[..])).collect();
        for (banding, max_bucket) in [(Banding { bands: 4, rows: 4 }, 4), (Banding { bands: 8, rows: 2 }, 40)] {
            let found = candidates(&refs, banding, max_bucket);
            assert!(!found.0.is_empty() && found.1 > 0, "{banding:?}: pairs, and capped buckets");
            assert_eq!(found, by_map(&refs, banding, max_bucket), "{banding:?}");
        }
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
