//! A deterministic corpus generator for the benchmark: news-length documents whose words
//! follow a Zipf distribution over a synthetic vocabulary (as word frequencies in news
//! text do), split into paragraphs, with planted near-duplicates whose shingle Jaccard
//! similarity is measured exactly when they are made. As in English, the most frequent
//! words are function words ("the", "of", "and"), and every sentence begins with a capital
//! letter, so that the text reads as English prose and not as a garbled scrape. With
//! `facts`, sentences also name people and places (capitalised words drawn from a Zipf
//! distribution over a second vocabulary) and give numbers, as news does, so that content
//! profiles and the story index carry names and numbers as they would on real articles.

use std::collections::HashSet;

use copydesk_core::util::mix64;

/// What to generate.
#[derive(Debug, Clone)]
pub struct CorpusSpec {
    pub documents: usize,
    /// Share of documents that are near-duplicates of an earlier one.
    pub near_duplicate_share: f64,
    pub seed: u64,
    /// Put names and numbers in the sentences.
    pub facts: bool,
}

impl Default for CorpusSpec {
    fn default() -> Self {
        CorpusSpec { documents: 20_000, near_duplicate_share: 0.1, seed: 1, facts: false }
    }
}

/// One generated document.
#[derive(Debug, Clone)]
pub struct Document {
    pub id: String,
    pub source: String,
    pub title: String,
    pub published: String,
    pub text: String,
    /// For a planted near-duplicate: the document it copies and their exact Jaccard
    /// similarity over 5-word shingles.
    pub copy_of: Option<(usize, f64)>,
}

/// A small deterministic random number generator (splitmix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.0)
    }

    /// A uniform number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A vocabulary with Zipf-distributed frequencies.
struct Vocabulary {
    words: Vec<String>,
    /// Cumulative weights, for sampling by binary search.
    cumulative: Vec<f64>,
}

/// The most frequent words of English news, most frequent first: the head of the
/// content vocabulary's Zipf distribution, as in English text.
const FUNCTION_WORDS: &[&str] = &[
    "the", "of", "to", "and", "a", "in", "that", "for", "is", "on", "said", "was", "with", "he", "it", "as", "at",
    "by", "from", "his", "an", "have", "has", "are", "but", "be", "were", "not", "this", "who", "they", "had", "which",
    "their", "will", "its", "after", "been", "would", "or", "we", "more", "also", "new", "than", "one", "about",
    "when", "there", "she",
];

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ter", "son", "ra", "vel", "an", "dor", "is", "pe", "tu", "ber", "gan", "li", "mon", "ne", "or",
    "sta", "vi", "re", "col", "den", "ment", "ing", "al", "ly", "ed", "pro", "con", "ex", "in", "un", "ri", "to", "ca",
];

impl Vocabulary {
    /// `size` words, `head` first (the most frequent), then invented ones.
    fn new(size: usize, head: &[&str], rng: &mut Rng) -> Self {
        let mut seen: HashSet<String> = head.iter().map(|w| w.to_string()).collect();
        let mut words: Vec<String> = head.iter().map(|w| w.to_string()).collect();
        while words.len() < size {
            // Frequent words are short, as in English.
            let syllables = 1 + rng.below(if words.len() < 100 { 2 } else { 4 });
            let word: String = (0..syllables).map(|_| SYLLABLES[rng.below(SYLLABLES.len())]).collect();
            if seen.insert(word.clone()) {
                words.push(word);
            }
        }
        let mut total = 0.0;
        let cumulative = (1..=size)
            .map(|rank| {
                total += 1.0 / (rank as f64).powf(1.05);
                total
            })
            .collect();
        Vocabulary { words, cumulative }
    }

    fn sample(&self, rng: &mut Rng) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = rng.unit() * total;
        let index = self.cumulative.partition_point(|&c| c < x).min(self.words.len() - 1);
        &self.words[index]
    }
}

/// Generates a corpus. The same spec always gives the same corpus.
pub fn generate(spec: &CorpusSpec) -> Vec<Document> {
    let mut rng = Rng::new(spec.seed);
    let vocabulary = Vocabulary::new(30_000, FUNCTION_WORDS, &mut rng);
    let names = spec.facts.then(|| Vocabulary::new(50_000, &[], &mut rng));
    let mut documents: Vec<Document> = Vec::with_capacity(spec.documents);
    for index in 0..spec.documents {
        let day = 1 + index * 365 / spec.documents.max(1);
        let published =
            chrono::NaiveDate::from_yo_opt(2025, day.min(365) as u32).map(|d| d.to_string()).unwrap_or_default();
        let source = format!("source-{:03}", rng.below(200));
        let plant = index > 10 && rng.unit() < spec.near_duplicate_share;
        let (text, copy_of) = if plant {
            let original = rng.below(index);
            let rate = 0.005 + rng.unit() * 0.08;
            let text = edit(&documents[original].text, rate, &vocabulary, &mut rng);
            let similarity = shingle_jaccard(&documents[original].text, &text, 5);
            (text, Some((original, similarity)))
        } else {
            (article(&vocabulary, names.as_ref(), &mut rng), None)
        };
        let title = text.split_whitespace().take(8).collect::<Vec<_>>().join(" ");
        documents.push(Document { id: format!("doc-{index:07}"), source, title, published, text, copy_of });
    }
    documents
}

/// A news-length article: 4 to 8 paragraphs of 50 to 100 words (about 3 KB). With `names`,
/// about every other sentence names someone or somewhere and every fourth gives a number.
fn article(vocabulary: &Vocabulary, names: Option<&Vocabulary>, rng: &mut Rng) -> String {
    let paragraphs = 4 + rng.below(5);
    (0..paragraphs)
        .map(|_| {
            let words = 50 + rng.below(51);
            let mut paragraph = String::new();
            for i in 0..words {
                if i > 0 {
                    paragraph.push(' ');
                }
                let word = vocabulary.sample(rng);
                if i % 17 == 0 {
                    push_capitalised(&mut paragraph, word);
                } else {
                    paragraph.push_str(word);
                }
                if let Some(names) = names.filter(|_| i % 17 == 8) {
                    if rng.unit() < 0.5 {
                        paragraph.push(' ');
                        push_capitalised(&mut paragraph, names.sample(rng));
                    }
                    if rng.unit() < 0.25 {
                        paragraph.push_str(&format!(" {}", 2 + rng.below(99_998)));
                    }
                }
                if i % 17 == 16 {
                    paragraph.push('.');
                }
            }
            paragraph.push('.');
            paragraph
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `word` with its first letter in upper case, pushed onto `text`.
fn push_capitalised(text: &mut String, word: &str) {
    let mut letters = word.chars();
    if let Some(first) = letters.next() {
        text.extend(first.to_uppercase());
        text.push_str(letters.as_str());
    }
}

/// Replaces a share of the words, as a light edit does: a replaced word keeps the capital
/// letter and the full stop of the one it replaces.
fn edit(text: &str, rate: f64, vocabulary: &Vocabulary, rng: &mut Rng) -> String {
    text.split('\n')
        .map(|line| {
            line.split(' ')
                .map(|word| {
                    if !word.is_empty() && rng.unit() < rate {
                        let mut replaced = String::new();
                        if word.starts_with(char::is_uppercase) {
                            push_capitalised(&mut replaced, vocabulary.sample(rng));
                        } else {
                            replaced.push_str(vocabulary.sample(rng));
                        }
                        if word.ends_with('.') {
                            replaced.push('.');
                        }
                        replaced
                    } else {
                        word.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The exact Jaccard similarity of two texts' `k`-word shingles within paragraphs.
pub fn shingle_jaccard(a: &str, b: &str, k: usize) -> f64 {
    let shingles = |text: &str| -> HashSet<Vec<String>> {
        text.lines()
            .flat_map(|line| {
                let words: Vec<String> =
                    copydesk_core::fingerprint::words(&line.to_lowercase()).map(str::to_string).collect();
                words.windows(k).map(<[String]>::to_vec).collect::<Vec<_>>()
            })
            .collect()
    };
    let (a, b) = (shingles(a), shingles(b));
    let union = a.union(&b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

/// A document as a JSON Lines row.
pub fn to_json_line(document: &Document) -> String {
    serde_json::json!({
        "id": document.id,
        "source": document.source,
        "title": document.title,
        "published": document.published,
        "text": document.text,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_spec_gives_the_same_corpus() {
        let spec = CorpusSpec { documents: 200, ..CorpusSpec::default() };
        let (a, b) = (generate(&spec), generate(&spec));
        assert_eq!(a.len(), 200);
        assert!(a.iter().zip(&b).all(|(x, y)| x.text == y.text));
        let planted: Vec<f64> = a.iter().filter_map(|d| d.copy_of.map(|c| c.1)).collect();
        assert!(!planted.is_empty());
        assert!(planted.iter().all(|&j| j > 0.3 && j <= 1.0), "{planted:?}");
        let mean_len = a.iter().map(|d| d.text.len()).sum::<usize>() / a.len();
        assert!((2500..5000).contains(&mean_len), "{mean_len}");
    }

    #[test]
    fn articles_with_facts_name_people_and_give_numbers() {
        let spec = CorpusSpec { documents: 50, near_duplicate_share: 0.0, facts: true, ..CorpusSpec::default() };
        let corpus = generate(&spec);
        let profiles: Vec<copydesk_core::profile::Profile> = corpus
            .iter()
            .map(|d| copydesk_core::profile::profile(None, d.text.split("\n\n"), copydesk_core::profile::DEFAULT_TERMS))
            .collect();
        let names = profiles.iter().map(|p| p.names.len()).sum::<usize>() / profiles.len();
        let numbers = profiles.iter().map(|p| p.numbers.len()).sum::<usize>() / profiles.len();
        assert!((5..40).contains(&names), "{names} names per article");
        assert!((2..20).contains(&numbers), "{numbers} numbers per article");
        // Without facts, the only capitals are those that begin a sentence.
        let plain = generate(&CorpusSpec { facts: false, ..spec });
        for document in &plain {
            for sentence in document.text.split(". ").flat_map(|s| s.split("\n\n")) {
                let mut words = sentence.split(' ');
                assert!(words.next().is_some_and(|w| w.starts_with(char::is_uppercase)), "{sentence:?}");
                assert!(words.all(|w| !w.contains(char::is_uppercase)), "{sentence:?}");
            }
        }
    }

    #[test]
    fn generated_articles_read_as_english_prose() {
        let spec = CorpusSpec { documents: 200, ..CorpusSpec::default() };
        let analysed: Vec<_> = generate(&spec)
            .iter()
            .map(|d| {
                let mut item = copydesk_core::model::Item { text: d.text.clone(), ..Default::default() };
                copydesk_core::language::settle(&mut item);
                let signals = copydesk_core::score::signals::text_signals(&item.text);
                (item.language, signals.garbled.len())
            })
            .collect();
        let english = analysed.iter().filter(|(language, _)| language.as_deref() == Some("en")).count();
        let garbled = analysed.iter().filter(|(_, garbled)| *garbled > 0).count();
        assert_eq!((english, garbled), (200, 0), "{analysed:?}");
    }
}
