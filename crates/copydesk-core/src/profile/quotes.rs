//! Direct quotations and who speaks them: the text between quotation marks, with the named
//! speaker when a verb of speech stands next to it ("…,” Zelensky said", "said Ellen
//! Whitford", "Pappas told reporters: “…”"); and phrases that cite a source without naming
//! it ("a senior official said", "on condition of anonymity").

use std::sync::LazyLock;

use regex::Regex;

use super::lexicon;
use super::text::{Paragraph, TokenKind};

/// A quotation in a paragraph: token indexes of its opening mark and of its closing mark
/// (none when the quotation runs on past the paragraph).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub open: usize,
    pub close: Option<usize>,
}

impl Span {
    /// Token indexes of the quoted words.
    pub fn inside(&self, tokens: usize) -> std::ops::Range<usize> {
        self.open + 1..self.close.unwrap_or(tokens)
    }
}

/// Who a quotation is attributed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    /// A name: the token index of its last word.
    Named(usize),
    /// A pronoun ("he said"): the speaker is the person named before.
    Pronoun,
    /// Someone described but not named ("the official said").
    Unnamed,
    /// No verb of speech next to the quotation.
    Unknown,
}

/// The quotations of a tokenized paragraph: curly and straight double quotation marks and
/// guillemets.
pub fn spans(paragraph: &Paragraph) -> Vec<Span> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (i, token) in paragraph.tokens.iter().enumerate() {
        let TokenKind::Punct(c) = token.kind else { continue };
        match (c, open) {
            ('“' | '„' | '«', None) => open = Some(i),
            ('”' | '»', Some(o)) => {
                out.push(Span { open: o, close: Some(i) });
                open = None;
            }
            ('"', None) => open = Some(i),
            ('"', Some(o)) => {
                out.push(Span { open: o, close: Some(i) });
                open = None;
            }
            _ => {}
        }
    }
    if let Some(o) = open {
        out.push(Span { open: o, close: None });
    }
    out
}

/// How far from the quotation a verb of speech is looked for, in tokens.
const REACH: usize = 7;

/// The speaker of a quotation, from the words right after it, else right before it.
pub fn speaker(paragraph: &Paragraph, span: Span) -> Speaker {
    let after = span.close.map_or(Speaker::Unknown, |close| after_quote(paragraph, close));
    if after != Speaker::Unknown {
        return after;
    }
    before_quote(paragraph, span.open)
}

fn after_quote(paragraph: &Paragraph, close: usize) -> Speaker {
    let tokens = &paragraph.tokens;
    let mut i = close + 1;
    if tokens.get(i).is_some_and(|t| t.is_punct(',')) {
        i += 1;
    }
    let first = i;
    while i < tokens.len() && i < first + REACH {
        match tokens[i].kind {
            TokenKind::Word if lexicon::is_speech_verb(paragraph.lower(i)) => {
                return if i == first { subject_after(paragraph, i + 1) } else { subject_at(paragraph, i - 1) };
            }
            TokenKind::Word => {}
            TokenKind::Punct(',' | '-' | '\'' | '’') => {}
            _ => return Speaker::Unknown,
        }
        i += 1;
    }
    Speaker::Unknown
}

fn before_quote(paragraph: &Paragraph, open: usize) -> Speaker {
    let tokens = &paragraph.tokens;
    let Some(mark) = open.checked_sub(1) else { return Speaker::Unknown };
    if !matches!(tokens[mark].kind, TokenKind::Punct(':' | ',')) {
        return Speaker::Unknown;
    }
    // "He said:", "Pappas told reporters:", "Blinken added on Tuesday:".
    let mut i = mark;
    while i > 0 && mark - i < 5 {
        i -= 1;
        if !tokens[i].is_word() {
            return Speaker::Unknown;
        }
        if lexicon::is_speech_verb(paragraph.lower(i)) {
            return match i.checked_sub(1) {
                Some(subject) => subject_at(paragraph, subject),
                None => Speaker::Unknown,
            };
        }
    }
    Speaker::Unknown
}

/// The speaker whose last word is at `i`, just before the verb.
fn subject_at(paragraph: &Paragraph, i: usize) -> Speaker {
    if !paragraph.is_word(i) {
        return Speaker::Unnamed;
    }
    let lower = paragraph.lower(i);
    if lexicon::is_pronoun(lower) {
        Speaker::Pronoun
    } else if paragraph.tokens[i].capital && is_name_word(lower) {
        Speaker::Named(i)
    } else {
        Speaker::Unnamed
    }
}

/// The speaker named right after the verb ("said Ellen Whitford, a teacher").
fn subject_after(paragraph: &Paragraph, i: usize) -> Speaker {
    if !paragraph.is_word(i) {
        return Speaker::Unknown;
    }
    if lexicon::is_pronoun(paragraph.lower(i)) {
        return Speaker::Pronoun;
    }
    let mut last = None;
    let mut j = i;
    while paragraph.tokens.get(j).is_some_and(|t| t.capital) {
        last = Some(j);
        j += 1;
    }
    match last {
        Some(last) if is_name_word(paragraph.lower(last)) => Speaker::Named(last),
        _ => Speaker::Unnamed,
    }
}

/// Whether a lower-case word can end a name.
pub fn is_name_word(lower: &str) -> bool {
    lower.chars().count() > 1
        && !lexicon::is_stop(lower)
        && !lexicon::is_title(lower)
        && !lexicon::is_calendar(lower)
        && !lexicon::is_pronoun(lower)
}

/// Every phrase starts with an ASCII letter, so the boundary before it is an ASCII one:
/// a Unicode `\b` would stop the fast engine at the first curly quote of the text.
static ANONYMOUS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)
        (?-u:\b)(?:
            on\s+(?:the\s+)?condition\s+of\s+anonymity
          | speaking\s+anonymously
          | declined\s+to\s+be\s+(?:named|identified)
          | (?:sources|insiders)\s+(?:said|say|told|close\s+to|familiar\s+with)
          | according\s+to\s+(?:a\s+|two\s+|three\s+|several\s+)?(?:unnamed\s+|senior\s+)*(?:sources?|people|persons?|insiders?)
          | (?:people|persons?|sources?)\s+(?:familiar|close)\s+(?:with|to)
          | (?:a|an|one|two|three|several)\s+(?:\w+\s+){0,2}?(?:official|source|diplomat|insider)s?\s+(?:said|says|told|who)
        )",
    )
    .expect("anonymous source pattern")
});

/// How many times a paragraph cites a source without naming it.
pub fn anonymous_sources(text: &str) -> usize {
    ANONYMOUS.find_iter(text).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speakers(text: &str) -> Vec<(Speaker, String)> {
        let mut paragraph = Paragraph::default();
        paragraph.read(text);
        spans(&paragraph)
            .into_iter()
            .map(|span| {
                let s = speaker(&paragraph, span);
                let name = match s {
                    Speaker::Named(i) => paragraph.tokens[i].text(text).to_string(),
                    _ => String::new(),
                };
                (s, name)
            })
            .collect()
    }

    #[test]
    fn finds_the_named_speaker_after_or_before_a_quotation() {
        let got = speakers("“The Minister is already in talks with our partners,” Ukrainian President Volodymyr Zelensky said in a video message.");
        assert_eq!(got[0].1, "Zelensky");
        let got = speakers("\"There was a huge bang,\" said Ellen Whitford, a 34-year-old teacher from Leeds.");
        assert_eq!(got[0].1, "Whitford");
        let got = speakers(
            "\"The vessel took on water,\" Pappas told state broadcaster ERT. \"Every passenger was off by 3 a.m.\"",
        );
        assert_eq!(got[0].1, "Pappas");
        assert_eq!(got[1].0, Speaker::Unknown);
        let got = speakers("During a visit to Morocco, Blinken added: “There is what Russia says and what it does.”");
        assert_eq!(got[0].1, "Blinken");
    }

    #[test]
    fn pronouns_and_unnamed_speakers_are_told_apart() {
        assert_eq!(speakers("He said: “Most of those strikes hit military targets.”")[0].0, Speaker::Pronoun);
        let got = speakers(
            "“It was an experimental weapon of limited number,” the official said, speaking on condition of anonymity.",
        );
        assert_eq!(got[0].0, Speaker::Unnamed);
        assert_eq!(anonymous_sources("the official said, speaking on condition of anonymity."), 1);
        assert_eq!(anonymous_sources("A senior US official on Friday tempered the threat."), 0);
        assert_eq!(anonymous_sources("two people familiar with the matter said"), 1);
        // Among curly quotes and accented names, as real copy has them.
        assert_eq!(
            anonymous_sources("“We will not go back,” two officials told Le Monde, as José Núñez, quoted by “sources close to the ministry”, said."),
            2
        );
        assert_eq!(speakers("Putin praised the “power” of this weapon")[0].0, Speaker::Unknown);
    }
}
