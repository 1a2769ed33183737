//! Site templates: lines that recur across the items of one source or of the collection,
//! counted in a first pass over the inputs. A recurring line is a template only when it
//! is far more common than the item's typical line, so that copies, whose paragraphs all
//! recur, keep their text.

use super::NormalizeOptions;
use crate::util::{hash_bytes, KeyMap};

/// Counts, over the first pass, in how many items each line occurs.
#[derive(Debug, Default, Clone)]
pub struct TemplateCounter {
    lines: KeyMap<u64, u32>,
    source_lines: KeyMap<(u64, u64), u32>,
}

impl TemplateCounter {
    /// Counts the distinct line keys of one item.
    pub fn add(&mut self, source: Option<&str>, keys: impl IntoIterator<Item = u64>) {
        let mut keys: Vec<u64> = keys.into_iter().collect();
        keys.sort_unstable();
        keys.dedup();
        let source = source.map(source_key);
        for key in keys {
            *self.lines.entry(key).or_default() += 1;
            if let Some(source) = source {
                *self.source_lines.entry((source, key)).or_default() += 1;
            }
        }
    }

    /// Adds another counter's counts (for counting on several threads).
    pub fn merge(mut self, other: TemplateCounter) -> TemplateCounter {
        for (key, n) in other.lines {
            *self.lines.entry(key).or_default() += n;
        }
        for (key, n) in other.source_lines {
            *self.source_lines.entry(key).or_default() += n;
        }
        self
    }

    /// The counts, to be added up elsewhere (by another process): each line's items, and
    /// each source's line's items (the source by its key).
    pub fn into_counts(self) -> (KeyMap<u64, u32>, KeyMap<(u64, u64), u32>) {
        (self.lines, self.source_lines)
    }

    /// Keeps what can matter: lines seen in more than one item.
    pub fn finish(mut self) -> Templates {
        self.lines.retain(|_, n| *n > 1);
        self.source_lines.retain(|_, n| *n > 1);
        self.lines.shrink_to_fit();
        self.source_lines.shrink_to_fit();
        Templates { lines: self.lines, source_lines: self.source_lines }
    }
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
        TemplateCounter { lines: lines.into_iter().collect(), source_lines: source_lines.into_iter().collect() }
            .finish()
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
