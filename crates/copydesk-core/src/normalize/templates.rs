//! Site templates: lines that recur across the items of one source or of the collection,
//! counted in a first pass over the inputs. A recurring line is a template only when it
//! is far more common than the item's typical line, so that copies, whose paragraphs all
//! recur, keep their text.

use rayon::slice::ParallelSliceMut;

use super::NormalizeOptions;
use crate::util::{hash_bytes, KeyMap};

/// Counts, over the first pass, in how many items each line occurs.
///
/// Every item's distinct line keys are kept as they come, and counted at the end by
/// sorting them on all cores: adding them up item by item in one hash table is one
/// thread's work, and at a few million lines nearly every line misses the cache.
#[derive(Debug, Default, Clone)]
pub struct TemplateCounter {
    /// Each item's distinct line keys.
    lines: Vec<u64>,
    /// The same, with the key of the item's source, for the items that have one.
    source_lines: Vec<(u64, u64)>,
}

impl TemplateCounter {
    /// Counts the distinct line keys of one item.
    pub fn add(&mut self, source: Option<&str>, keys: impl IntoIterator<Item = u64>) {
        let mut keys: Vec<u64> = keys.into_iter().collect();
        keys.sort_unstable();
        keys.dedup();
        if let Some(source) = source.map(source_key) {
            self.source_lines.extend(keys.iter().map(|&key| (source, key)));
        }
        self.lines.append(&mut keys);
    }

    /// Adds another counter's counts (for counting on several threads).
    pub fn merge(mut self, mut other: TemplateCounter) -> TemplateCounter {
        self.lines.append(&mut other.lines);
        self.source_lines.append(&mut other.source_lines);
        self
    }

    /// The counts, to be added up elsewhere (by another process): each line's items, and
    /// each source's line's items (the source by its key).
    pub fn into_counts(mut self) -> (KeyMap<u64, u32>, KeyMap<(u64, u64), u32>) {
        (counted(&mut self.lines, 1), counted(&mut self.source_lines, 1))
    }

    /// Keeps what can matter: lines seen in more than one item.
    pub fn finish(mut self) -> Templates {
        Templates { lines: counted(&mut self.lines, 2), source_lines: counted(&mut self.source_lines, 2) }
    }
}

/// How many times each key occurs, for the keys that occur at least `at_least` times.
fn counted<K: Ord + Copy + Send + std::hash::Hash>(keys: &mut [K], at_least: u32) -> KeyMap<K, u32> {
    keys.par_sort_unstable();
    let runs = keys.chunk_by(|a, b| a == b).map(|run| (run[0], u32::try_from(run.len()).unwrap_or(u32::MAX)));
    kept(runs, at_least)
}

/// The counts of at least `at_least`, in a table of no spare room.
fn kept<K: Eq + std::hash::Hash>(counts: impl IntoIterator<Item = (K, u32)>, at_least: u32) -> KeyMap<K, u32> {
    let mut kept: KeyMap<K, u32> = counts.into_iter().filter(|&(_, n)| n >= at_least).collect();
    kept.shrink_to_fit();
    kept
}

/// How often lines recur across the collection.
#[derive(Debug, Default, Clone)]
pub struct Templates {
    lines: KeyMap<u64, u32>,
    source_lines: KeyMap<(u64, u64), u32>,
}

fn source_key(source: &str) -> u64 {
    hash_bytes(source.trim().to_lowercase().as_bytes())
}

impl Templates {
    /// Templates from counts added up over the whole collection elsewhere: each line's
    /// items, and each source's line's items. Lines seen once may be left out; the lines
    /// of the items to be normalized must be there.
    pub fn from_counts(
        lines: impl IntoIterator<Item = (u64, u32)>,
        source_lines: impl IntoIterator<Item = ((u64, u64), u32)>,
    ) -> Templates {
        Templates { lines: kept(lines, 2), source_lines: kept(source_lines, 2) }
    }

    /// In how many items a line occurs (1 for lines seen once).
    pub fn frequency(&self, key: u64) -> u32 {
        self.lines.get(&key).copied().unwrap_or(1)
    }

    /// How common an item's typical text is: the median frequency of its lines, each line
    /// weighted by its length, so that the article's paragraphs, not its many short
    /// navigation lines, decide.
    pub fn typical_frequency(&self, lines: impl Iterator<Item = (u64, usize)>) -> f64 {
        let mut weighted: Vec<(u32, usize)> = lines.map(|(key, chars)| (self.frequency(key), chars.max(1))).collect();
        if weighted.is_empty() {
            return 1.0;
        }
        weighted.sort_unstable();
        let half = weighted.iter().map(|(_, chars)| chars).sum::<usize>().div_ceil(2);
        let mut seen = 0;
        for (frequency, chars) in &weighted {
            seen += chars;
            if seen >= half {
                return *frequency as f64;
            }
        }
        1.0
    }

    /// If the line is a site template for an item of `source` whose typical line occurs in
    /// `typical` items, the number of items that carry it.
    pub fn template(&self, key: u64, source: Option<&str>, typical: f64, options: &NormalizeOptions) -> Option<u32> {
        let everywhere = self.frequency(key);
        let in_source = source.and_then(|s| self.source_lines.get(&(source_key(s), key)).copied()).unwrap_or(0);
        let recurs = everywhere >= options.template_min_items || in_source >= options.template_min_items_per_source;
        let stands_out = everywhere as f64 >= options.template_ratio * typical;
        (recurs && stands_out).then_some(everywhere)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Items of a few sources, with lines repeated within and across items, and lines of
    /// their own.
    fn items() -> Vec<(Option<&'static str>, Vec<u64>)> {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |below: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % below
        };
        let sources = [None, Some("Site"), Some("site "), Some("Other")];
        let mut line = move || if next(3) == 0 { 100 + next(1 << 40) } else { next(60) };
        (0..400).map(|_| (sources[line() as usize % 4], (0..line() % 12).map(|_| line()).collect())).collect()
    }

    #[test]
    fn lines_are_counted_once_an_item_as_by_adding_up_item_by_item() {
        let (mut lines, mut source_lines) = (KeyMap::<u64, u32>::default(), KeyMap::<(u64, u64), u32>::default());
        let (mut one, mut halves) =
            (TemplateCounter::default(), [TemplateCounter::default(), TemplateCounter::default()]);
        for (i, (source, keys)) in items().into_iter().enumerate() {
            let distinct: std::collections::BTreeSet<u64> = keys.iter().copied().collect();
            for &key in &distinct {
                *lines.entry(key).or_default() += 1;
                if let Some(source) = source {
                    *source_lines.entry((source_key(source), key)).or_default() += 1;
                }
            }
            one.add(source, keys.iter().copied());
            halves[i % 2].add(source, keys);
        }
        let [first, second] = halves;
        assert_eq!(first.merge(second).into_counts(), (lines.clone(), source_lines.clone()));
        let templates = one.finish();
        lines.retain(|_, n| *n > 1);
        source_lines.retain(|_, n| *n > 1);
        assert_eq!((templates.lines, templates.source_lines), (lines, source_lines));
    }

    #[test]
    fn a_footer_shared_by_a_sources_items_is_a_template_but_shared_copy_text_is_not() {
        let options = NormalizeOptions::default();
        let mut counter = TemplateCounter::default();
        // Three items of one source share footer lines (keys 97 to 99); each has its own text.
        for own in [1, 2, 3] {
            counter.add(Some("Site"), [own, own + 10, 97, 98, 99]);
        }
        // Four copies of one article share all their lines.
        for _ in 0..4 {
            counter.add(Some("Other"), [50, 51, 52]);
        }
        let templates = counter.finish();
        // Short footer lines outnumber the paragraphs, but the paragraphs hold the text.
        let typical = templates.typical_frequency([(1, 400), (11, 300), (97, 20), (98, 30), (99, 20)].into_iter());
        assert_eq!(typical, 1.0);
        assert_eq!(templates.template(99, Some("Site"), typical, &options), Some(3));
        assert_eq!(templates.template(99, Some("Elsewhere"), typical, &options), None, "3 < 5 items collection-wide");
        let typical = templates.typical_frequency([(50, 80), (51, 80), (52, 80)].into_iter());
        assert_eq!(templates.template(50, Some("Other"), typical, &options), None);
    }
}
