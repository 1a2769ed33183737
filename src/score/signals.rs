//! Per-item signals read from the text: garbled text (machine-translation and scrape
//! artefacts), AI-rewrite residue and headline sensationalism. Each signal keeps the
//! evidence it rests on: the kind, the line and an excerpt.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

/// One piece of evidence: what was found, where, and the words around it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Artefact {
    pub kind: &'static str,
    /// Line within the article text, from 1.
    pub line: usize,
    pub excerpt: String,
}

/// Everything scoring reads from an item's text and headline.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ItemSignals {
    #[serde(flatten)]
    pub text: TextSignals,
    pub headline: HeadlineSignals,
}

/// What the text of an item shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct TextSignals {
    /// Machine-translation and scrape artefacts.
    pub garbled: Vec<Artefact>,
    /// Leftover assistant phrases and template placeholders.
    pub ai_residue: Vec<Artefact>,
    /// Generic filler phrases ("it is worth noting that", "the broader landscape").
    pub filler: Vec<Artefact>,
    /// Filler phrases per 1,000 words.
    pub filler_per_1000_words: f64,
}

/// What the headline shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HeadlineSignals {
    pub loaded_words: Vec<String>,
    pub all_caps_words: Vec<String>,
    pub exclamation: bool,
    pub clickbait: Vec<String>,
}

impl HeadlineSignals {
    /// What makes the headline sensational, in words: `loaded “desperate”, exclamation mark`.
    pub fn describe(&self) -> String {
        let mut what: Vec<String> = self.loaded_words.iter().map(|w| format!("loaded “{w}”")).collect();
        what.extend(self.all_caps_words.iter().map(|w| format!("all caps “{w}”")));
        what.extend(self.clickbait.iter().map(|w| format!("clickbait “{w}”")));
        if self.exclamation {
            what.push("exclamation mark".to_string());
        }
        what.join(", ")
    }

    /// Whether the headline frames its story sensationally.
    pub fn sensational(&self) -> bool {
        !self.loaded_words.is_empty()
            || !self.all_caps_words.is_empty()
            || self.exclamation
            || !self.clickbait.is_empty()
    }
}

/// Words around a match, for the report.
const EXCERPT_CHARS: usize = 60;

static SPACED_ELLIPSIS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\.\s\.\s\.").expect("ellipsis pattern"));
/// Words before a full stop that do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep", "rev", "prof", "no", "vs",
    "v", "etc", "e.g", "i.e", "a.m", "p.m", "u.s", "u.k", "u.n", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "approx", "inc", "ltd", "co", "corp", "jr", "sr", "fig", "al",
];

static ASSISTANT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\bas an ai(?: language model)?\b|\bcertainly[!,.]? here(?:'s| is)\b|\bhere(?:'s| is) (?:a|the) (?:rewritten|revised|paraphrased|reworded) (?:version|article)|\bi hope this helps\b|\bas of my (?:last )?knowledge (?:update|cutoff)\b|\bregenerate response\b|\bi (?:cannot|can't) browse\b",
    )
    .expect("assistant pattern")
});

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\[(?:insert|your|add|enter|city|name|company|date|source|location)[^\]]{0,40}\]|\{\{[^}]{1,40}\}\}|lorem ipsum")
        .expect("placeholder pattern")
});

static FILLER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(it is worth noting that|it is important to note that|in today's fast-paced world|this development (?:highlights|underscores)|highlights the importance of|underscores the importance of|plays a crucial role|a testament to|navigat(?:e|ing) the complexities|in the ever-evolving|delve into|the broader (?:geopolitical )?landscape|geopolitical landscape|potential implications|a significant shift|remains? to be seen|in conclusion|only time will tell|sent shockwaves|raises important questions)\b",
    )
    .expect("filler pattern")
});

static LOADED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(shocking|shock|stunning|stuns|desperate|devastating|horrifying|horrific|terrifying|slams|blasts|destroys|humiliat\w*|epic|insane|unbelievable|jaw-dropping|mind-blowing|outrage\w*|furious|fury|chaos|meltdown|bombshell|brutal|savage|nightmare|catastroph\w*|doom\w*|panic|explosive|sensational|miracle|exposed|backed into (?:a )?corner|cornered|terrified|apocalyptic|armageddon|crisis-hit|fuming)\b",
    )
    .expect("loaded pattern")
});

static CLICKBAIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(you won'?t believe|here'?s why|here is why|here'?s what|what happened next|will shock you|this is why|the reason why|you need to know|doctors hate|one weird trick|goes viral|breaks the internet|will blow your mind|\bnumber \d+ will\b|^\d+ (?:things|reasons|ways|signs)\b)",
    )
    .expect("clickbait pattern")
});

/// Upper-case words that are acronyms, not shouting.
const ACRONYMS: &[&str] = &[
    "ATACMS", "NASDAQ", "UNICEF", "UNESCO", "NAFTA", "ASEAN", "OPEC", "NATO", "COVID", "HIMARS", "FTSE", "IRBM", "ICBM",
];

/// Reads the signals of an article's text (without its headline).
pub fn text_signals(text: &str) -> TextSignals {
    let mut signals = TextSignals::default();
    let mut words = 0usize;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        words += line.split_whitespace().count();
        if let Some(m) = SPACED_ELLIPSIS.find(line) {
            signals.garbled.push(artefact("spaced_ellipsis", number, line, m.start()));
        }
        if let Some(at) = stray_full_stop(line) {
            signals.garbled.push(artefact("stray_full_stop", number, line, at));
        }
        let (open, close) = (line.matches('(').count(), line.matches(')').count());
        if open != close {
            let at = if close > open { line.find(')') } else { line.find('(') }.unwrap_or(0);
            signals.garbled.push(artefact("unbalanced_brackets", number, line, at));
        }
        // A quotation running on into the next paragraph keeps its opening mark only, as
        // news style wants; a closing mark with no opening one is an artefact.
        let (open, close) = (line.matches('“').count(), line.matches('”').count());
        if close > open {
            signals.garbled.push(artefact("unbalanced_quotes", number, line, line.find('”').unwrap_or(0)));
        }
        if let Some(m) = ASSISTANT.find(line) {
            signals.ai_residue.push(artefact("assistant_phrase", number, line, m.start()));
        }
        if let Some(m) = PLACEHOLDER.find(line) {
            signals.ai_residue.push(artefact("template_placeholder", number, line, m.start()));
        }
        for m in FILLER.find_iter(line) {
            signals.filler.push(artefact("filler", number, line, m.start()));
        }
    }
    signals.filler_per_1000_words =
        if words == 0 { 0.0 } else { (signals.filler.len() as f64 * 1000.0 / words as f64 * 10.0).round() / 10.0 };
    signals
}

/// Reads the signals of a headline, with the configured extra loaded words and clickbait
/// phrases (matched case-insensitively on word boundaries).
pub fn headline_signals_with(title: &str, extra_loaded: &[String], extra_clickbait: &[String]) -> HeadlineSignals {
    let mut signals = headline_signals(title);
    let lower = title.to_lowercase();
    let contains = |phrase: &String| {
        let phrase = phrase.trim().to_lowercase();
        !phrase.is_empty()
            && lower.match_indices(&phrase).any(|(at, _)| {
                let before = lower[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
                let after = lower[at + phrase.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
                before && after
            })
    };
    signals.loaded_words.extend(extra_loaded.iter().filter(|w| contains(w)).map(|w| w.trim().to_lowercase()));
    signals.clickbait.extend(extra_clickbait.iter().filter(|p| contains(p)).map(|p| p.trim().to_string()));
    signals
}

/// Reads the signals of a headline.
pub fn headline_signals(title: &str) -> HeadlineSignals {
    let mut signals = HeadlineSignals {
        loaded_words: LOADED.find_iter(title).map(|m| m.as_str().to_lowercase()).collect(),
        exclamation: title.contains('!'),
        clickbait: CLICKBAIT.find_iter(title).map(|m| m.as_str().to_string()).collect(),
        ..HeadlineSignals::default()
    };
    for word in title.split(|c: char| !c.is_alphanumeric()) {
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        if letters >= 4 && word.chars().all(|c| !c.is_lowercase()) && !ACRONYMS.contains(&word) {
            signals.all_caps_words.push(word.to_string());
        }
    }
    signals.loaded_words.dedup();
    signals
}

/// Where a sentence is broken by a stray full stop: a full stop (perhaps with a closing
/// bracket) followed by a space and a lower-case word, after a word that is no
/// abbreviation (". late on social media", "(southwest). of Russia)").
fn stray_full_stop(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    for at in memchr::memchr_iter(b'.', bytes) {
        let mut next = at + 1;
        if bytes.get(next) == Some(&b')') {
            next += 1;
        }
        if !bytes.get(next).is_some_and(u8::is_ascii_whitespace) {
            continue;
        }
        while bytes.get(next).is_some_and(u8::is_ascii_whitespace) {
            next += 1;
        }
        if !bytes.get(next).is_some_and(u8::is_ascii_lowercase) {
            continue;
        }
        let start = line[..at].rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let before = line[start..at].trim_matches(|c: char| !c.is_alphanumeric() && c != '.').to_lowercase();
        if before.is_empty()
            || ABBREVIATIONS.contains(&before.as_str())
            || before.chars().count() == 1
            || before.chars().all(|c| c.is_ascii_digit())
        {
            continue;
        }
        return Some(start);
    }
    None
}

fn artefact(kind: &'static str, line: usize, text: &str, at: usize) -> Artefact {
    let start = text[..at.min(text.len())].char_indices().rev().nth(EXCERPT_CHARS / 2).map_or(0, |(i, _)| i);
    let excerpt: String = text[start..].chars().take(EXCERPT_CHARS).collect();
    Artefact { kind, line, excerpt: excerpt.trim().to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(signals: &[Artefact]) -> Vec<&'static str> {
        signals.iter().map(|a| a.kind).collect()
    }

    #[test]
    fn finds_translation_and_scrape_artefacts() {
        let text = "It claims to have intercepted missiles, but in a number too small to protect all its cities. . . But Russia once again claims.\n\
            It was fired from the Astrakhan region (southwest). of Russia), the first in this war.\n\
            Zelensky said in a video message to his fellow citizens. published on Friday. late on social media.";
        let found = kinds(&text_signals(text).garbled);
        assert!(found.contains(&"spaced_ellipsis"), "{found:?}");
        assert!(found.contains(&"unbalanced_brackets"), "{found:?}");
        assert_eq!(found.iter().filter(|k| **k == "stray_full_stop").count(), 2, "{found:?}");
    }

    #[test]
    fn clean_news_text_has_no_artefacts() {
        let text = "Gen. Tod Wolters told a U.S. Senate hearing at 3 p.m. on Tuesday that Russia (not Belarus) fired the missiles.\n\
            He added: “There is what Russia says and there is what Russia does.\n\
            “And what Russia is doing is the continued brutalisation of Ukraine.”\n\
            Prices rose 2.5 percent in March, officials said.";
        assert_eq!(text_signals(text).garbled, vec![]);
    }

    #[test]
    fn finds_ai_residue_and_filler() {
        let signals = text_signals(
            "Certainly! Here is a rewritten version of the article:\nThe mayor of [insert city] spoke.\nIt is worth noting that this development highlights the importance of planning.",
        );
        assert_eq!(kinds(&signals.ai_residue), ["assistant_phrase", "template_placeholder"]);
        assert_eq!(signals.filler.len(), 2);
        assert!(signals.filler_per_1000_words > 50.0);
    }

    #[test]
    fn reads_sensational_headlines() {
        let express =
            headline_signals("Desperate Putin unleashes devastating hypersonic missiles as Russia backed into corner");
        assert_eq!(express.loaded_words, ["desperate", "devastating", "backed into corner"]);
        assert!(express.sensational());
        let bait = headline_signals("You WON'T BELIEVE what this mayor did! Here's why");
        assert!(bait.exclamation);
        assert_eq!(bait.all_caps_words, ["BELIEVE"]);
        assert_eq!(bait.clickbait.len(), 2);
        let calm = headline_signals(
            "Ukraine begins talks with partners about advanced air defense systems after NATO meeting",
        );
        assert!(!calm.sensational(), "{calm:?}");
        assert!(!headline_signals("Russia says ATACMS missiles hit Kursk region").sensational());
        let extended = headline_signals_with("Council unveils whopping budget", &["whopping".into()], &[]);
        assert_eq!(extended.loaded_words, ["whopping"]);
        assert!(headline_signals_with("Council unveils whoppingly large budget", &["whopping".into()], &[])
            .loaded_words
            .is_empty());
    }
}
