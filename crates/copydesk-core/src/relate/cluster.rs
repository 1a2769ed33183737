//! Clusters: union-find over copy relations, average linkage over story evidence.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

/// A disjoint-set forest with path halving and union by size.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl UnionFind {
    pub fn new(n: usize) -> Self {
        UnionFind { parent: (0..n).collect(), size: vec![1; n] }
    }

    pub fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    pub fn union(&mut self, a: usize, b: usize) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a] < self.size[b] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a;
        self.size[a] += self.size[b];
    }

    /// The sets with more than one member, each sorted, in order of their first member.
    pub fn groups(&mut self) -> Vec<Vec<usize>> {
        let n = self.parent.len();
        let mut by_root: std::collections::HashMap<usize, Vec<usize>> = std::collections::HashMap::new();
        for x in 0..n {
            let root = self.find(x);
            if self.size[root] > 1 {
                by_root.entry(root).or_default().push(x);
            }
        }
        let mut groups: Vec<Vec<usize>> = by_root.into_values().collect();
        groups.sort_by_key(|g| g[0]);
        groups
    }
}

/// Average-linkage clustering: starting from `groups` (each item in at most one; items in
/// none start alone), merges the two clusters whose mean link weight is highest while it is
/// at least `cut`. The mean is taken over every pair of members, a pair without a link
/// weighing 0, so a cluster grows only by what most of its members support together and
/// never chains through one strong link; a negative link weighs against a merge. Returns the final clusters of more than one
/// member, each sorted, in order of their first member.
pub fn average_linkage(n: usize, groups: &[Vec<usize>], links: &[(usize, usize, f64)], cut: f64) -> Vec<Vec<usize>> {
    let mut cluster_of: Vec<usize> = (0..n).collect();
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    for group in groups {
        let Some(&head) = group.first() else { continue };
        for &member in &group[1..] {
            cluster_of[member] = head;
            members[member].clear();
            members[head].push(member);
        }
    }
    // Summed link weight between clusters, both ways.
    let mut sums: Vec<HashMap<usize, f64>> = vec![HashMap::new(); n];
    for &(a, b, weight) in links {
        let (a, b) = (cluster_of[a], cluster_of[b]);
        if a != b && weight != 0.0 {
            *sums[a].entry(b).or_default() += weight;
            *sums[b].entry(a).or_default() += weight;
        }
    }
    let mean = |sums: &[HashMap<usize, f64>], members: &[Vec<usize>], a: usize, b: usize| {
        sums[a].get(&b).copied().unwrap_or(0.0) / (members[a].len() * members[b].len()) as f64
    };
    let mut heap = BinaryHeap::new();
    for a in 0..n {
        for &b in sums[a].keys().filter(|&&b| b > a) {
            heap.push(Candidate { mean: mean(&sums, &members, a, b), a, b });
        }
    }
    while let Some(Candidate { mean: weight, a, b }) = heap.pop() {
        if weight < cut {
            break;
        }
        // Stale entries: a side was merged away, or the mean has changed since.
        if members[a].is_empty() || members[b].is_empty() || mean(&sums, &members, a, b) != weight {
            continue;
        }
        let moved = std::mem::take(&mut members[b]);
        members[a].extend(moved);
        let links_of_b = std::mem::take(&mut sums[b]);
        for (c, weight) in links_of_b {
            sums[c].remove(&b);
            if c != a {
                *sums[a].entry(c).or_default() += weight;
                *sums[c].entry(a).or_default() += weight;
            }
        }
        sums[a].remove(&b);
        let neighbours: Vec<usize> = sums[a].keys().copied().collect();
        for c in neighbours {
            heap.push(Candidate { mean: mean(&sums, &members, a, c), a: a.min(c), b: a.max(c) });
        }
    }
    let mut clusters: Vec<Vec<usize>> = members
        .into_iter()
        .filter(|m| m.len() > 1)
        .map(|mut m| {
            m.sort_unstable();
            m
        })
        .collect();
    clusters.sort_by_key(|c| c[0]);
    clusters
}

/// Lone items the clusters adopt, after [`average_linkage`]: an item in no cluster joins
/// the cluster to at least half of whose members it is `related` (a verdict of its own on
/// the pair), when its mean link weight over all the members is at least `floor` and none
/// of its links to them is negative. An item that qualifies for several joins the one of
/// highest mean. The clusters are judged as they were before any adoption, and stay
/// sorted.
pub fn adopt(clusters: &mut [Vec<usize>], n: usize, links: &[(usize, usize, f64, bool)], floor: f64) {
    let mut cluster_of = vec![usize::MAX; n];
    for (number, members) in clusters.iter().enumerate() {
        for &member in members {
            cluster_of[member] = number;
        }
    }
    // For each lone item and cluster: summed weight, related members, any negative link.
    let mut support: HashMap<(usize, usize), (f64, usize, bool)> = HashMap::new();
    for &(a, b, weight, related) in links {
        for (lone, other) in [(a, b), (b, a)] {
            if cluster_of[lone] == usize::MAX && cluster_of[other] != usize::MAX {
                let entry = support.entry((lone, cluster_of[other])).or_default();
                entry.0 += weight;
                entry.1 += usize::from(related);
                entry.2 |= weight < 0.0;
            }
        }
    }
    let mut best: HashMap<usize, (f64, usize)> = HashMap::new();
    for (&(lone, number), &(sum, related, negative)) in &support {
        let size = clusters[number].len();
        let mean = sum / size as f64;
        if negative || 2 * related < size || mean < floor {
            continue;
        }
        let entry = best.entry(lone).or_insert((mean, number));
        if (mean, std::cmp::Reverse(number)) > (entry.0, std::cmp::Reverse(entry.1)) {
            *entry = (mean, number);
        }
    }
    for (lone, (_, number)) in best {
        clusters[number].push(lone);
    }
    for members in clusters.iter_mut() {
        members.sort_unstable();
    }
}

/// A possible merge in the heap: the highest mean first, then the lowest indexes.
#[derive(Debug, PartialEq)]
struct Candidate {
    mean: f64,
    a: usize,
    b: usize,
}

impl Eq for Candidate {}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.mean.total_cmp(&other.mean).then_with(|| (other.a, other.b).cmp(&(self.a, self.b)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_linkage_does_not_chain_through_one_link() {
        // Two tight triples joined by one strong link between 2 and 3.
        let links = [(0, 1, 5.0), (0, 2, 5.0), (1, 2, 5.0), (3, 4, 5.0), (3, 5, 5.0), (4, 5, 5.0), (2, 3, 4.0)];
        assert_eq!(average_linkage(6, &[], &links, 3.0), vec![vec![0, 1, 2], vec![3, 4, 5]]);
        // Union-find over the same links makes one group.
        let mut union = UnionFind::new(6);
        links.iter().for_each(|&(a, b, _)| union.union(a, b));
        assert_eq!(union.groups().len(), 1);
        // A member supported by most of a cluster joins it.
        let links = [(0, 1, 5.0), (0, 2, 4.0), (1, 2, 3.0)];
        assert_eq!(average_linkage(3, &[], &links, 3.5), vec![vec![0, 1, 2]]);
        // One supported by one member in three does not.
        let links = [(0, 1, 5.0), (0, 2, 5.0), (1, 2, 5.0), (3, 0, 4.0)];
        assert_eq!(average_linkage(4, &[], &links, 3.0), vec![vec![0, 1, 2]]);
    }

    #[test]
    fn a_negative_link_weighs_against_a_merge() {
        // 2 is supported by 0 and 1 alike, but held apart from 1.
        let links = [(0, 1, 5.0), (0, 2, 5.0), (1, 2, 5.0)];
        assert_eq!(average_linkage(3, &[], &links, 3.0), vec![vec![0, 1, 2]]);
        let links = [(0, 1, 5.0), (0, 2, 5.0), (1, 2, -4.0)];
        assert_eq!(average_linkage(3, &[], &links, 3.0), vec![vec![0, 1]]);
    }

    #[test]
    fn lone_items_related_to_half_a_cluster_are_adopted() {
        let mut clusters = vec![vec![0, 1]];
        // 2 is related to 1 and above the background with 0; 3 is related to 0 only, with
        // nothing for 1; 4 is related to 1 but held apart from 0.
        let links = [(2, 1, 3.0, true), (2, 0, 1.5, false), (3, 0, 3.5, true), (4, 1, 5.0, true), (4, 0, -4.0, false)];
        adopt(&mut clusters, 5, &links, 2.0);
        assert_eq!(clusters, vec![vec![0, 1, 2]]);
        // Half the members related is not enough when the mean falls short.
        let mut clusters = vec![vec![0, 1]];
        adopt(&mut clusters, 3, &[(2, 1, 3.0, true), (2, 0, 0.5, false)], 2.0);
        assert_eq!(clusters, vec![vec![0, 1]]);
    }

    #[test]
    fn average_linkage_starts_from_the_given_groups() {
        // 0 and 1 are one group from the start; 2 links to both, 3 to one of them only.
        let links = [(2, 0, 4.0), (2, 1, 4.0), (3, 0, 4.0)];
        assert_eq!(average_linkage(4, &[vec![0, 1]], &links, 3.0), vec![vec![0, 1, 2]]);
        assert_eq!(average_linkage(4, &[vec![0, 1]], &[], 3.0), vec![vec![0, 1]]);
    }

    #[test]
    fn groups_connected_members() {
        let mut uf = UnionFind::new(6);
        uf.union(0, 3);
        uf.union(3, 5);
        uf.union(1, 2);
        assert_eq!(uf.groups(), vec![vec![0, 3, 5], vec![1, 2]]);
    }
}
