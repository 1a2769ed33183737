//! Tokens and sentences of one paragraph of article text, with the case of every word kept
//! (names are told by their capitals).

use super::lexicon;
use crate::util::hash_bytes;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters (and digits after the first letter), with inner apostrophes and the dots of
    /// abbreviations such as `U.S.`.
    Word,
    /// Digits with thousands separators and a decimal point: `15,600`, `3.9`.
    Number,
    /// Any other character that is not white space.
    Punct(char),
}

/// A token: its kind and its place in the paragraph (byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: u32,
    pub end: u32,
    /// For a word, where its lower-case form stands in the paragraph's buffer of lower-case
    /// forms; `OWN` for a word written in lower case, its own lower-case form.
    lower: (u32, u32),
    /// For a word, the hash of its lower-case form; 0 otherwise.
    pub key: u64,
    /// White space stands right before the token (or it opens the paragraph).
    pub spaced: bool,
    /// A word that starts with a capital.
    pub capital: bool,
}

/// The lower-case range of a word that is its own lower-case form.
const OWN: (u32, u32) = (u32::MAX, u32::MAX);

impl Token {
    #[inline]
    pub fn text<'a>(&self, paragraph: &'a str) -> &'a str {
        paragraph.get(self.start as usize..self.end as usize).unwrap_or("")
    }

    #[inline]
    pub fn is_word(&self) -> bool {
        matches!(self.kind, TokenKind::Word)
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.kind == TokenKind::Punct(c)
    }
}

/// A tokenized paragraph with the lower-case form of every word.
#[derive(Debug, Default)]
pub struct Paragraph {
    pub tokens: Vec<Token>,
    /// The paragraph itself.
    text: String,
    /// The lower-case forms of the words not already written in lower case.
    lower: String,
    /// The paragraph holds a digit.
    pub has_digits: bool,
    /// The paragraph holds a quotation mark.
    pub has_quotes: bool,
}

impl Paragraph {
    /// Tokenizes a paragraph, reusing the buffers of the previous one: one pass that cuts
    /// the tokens and writes the lower-case form of the words that need one.
    pub fn read(&mut self, text: &str) {
        self.text.clear();
        self.text.push_str(text);
        let (digits, quotes) = tokenize(text, &mut self.tokens, &mut self.lower);
        self.has_digits = digits;
        self.has_quotes = quotes;
    }

    /// The lower-case form of word `i` (typographic apostrophes as `'`); empty for other
    /// tokens.
    pub fn lower(&self, i: usize) -> &str {
        match self.tokens.get(i) {
            Some(token) if token.lower == OWN => token.text(&self.text),
            Some(token) => self.lower.get(token.lower.0 as usize..token.lower.1 as usize).unwrap_or(""),
            None => "",
        }
    }

    /// Whether token `i` is a word.
    pub fn is_word(&self, i: usize) -> bool {
        self.tokens.get(i).is_some_and(Token::is_word)
    }
}

/// Whether a character opens a quotation.
pub fn is_opening_quote(c: char) -> bool {
    matches!(c, '“' | '„' | '«' | '"')
}

/// Whether a character may close a quotation or a parenthesis after the end of a sentence.
fn is_closing(c: char) -> bool {
    matches!(c, '”' | '»' | '"' | ')' | '’' | '\'' | ']')
}

/// Whether a character is a quotation mark.
fn is_quotation_mark(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '«' | '»')
}

/// Classes of ASCII bytes, as bits, for the tokenizer's hottest loops: a letter or digit
/// is `ALNUM`, and also `UPPER` or `DIGIT`; white space is `SPACE`.
const ALNUM: u8 = 1;
const UPPER: u8 = 2;
const DIGIT: u8 = 4;
const SPACE: u8 = 8;

static ASCII_CLASS: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        table[b] = if byte.is_ascii_uppercase() {
            ALNUM | UPPER
        } else if byte.is_ascii_lowercase() {
            ALNUM
        } else if byte.is_ascii_digit() {
            ALNUM | DIGIT
        } else if byte.is_ascii_whitespace() || byte == 0x0b {
            SPACE
        } else {
            0
        };
        b += 1;
    }
    table
};

/// Cuts a paragraph into tokens, in place of those in `out`, and writes the lower-case
/// form of each word not written in lower case to `lower`. ASCII is read byte by byte
/// through a table of classes; other characters are decoded where they stand. Says
/// whether the paragraph holds digits and quotation marks.
fn tokenize(paragraph: &str, out: &mut Vec<Token>, lower: &mut String) -> (bool, bool) {
    out.clear();
    lower.clear();
    let bytes = paragraph.as_bytes();
    let n = bytes.len();
    let char_at = |i: usize| -> char {
        match bytes.get(i) {
            Some(&b) if b < 128 => b as char,
            Some(_) => paragraph.get(i..).and_then(|rest| rest.chars().next()).unwrap_or(' '),
            None => ' ',
        }
    };
    let digits_after =
        |from: usize| bytes.get(from..).map_or(0, |rest| rest.iter().take_while(|b| b.is_ascii_digit()).count());
    let (mut digits, mut quotes) = (false, false);
    let mut i = 0;
    let mut spaced = true;
    while i < n {
        let b = bytes[i];
        let class = ASCII_CLASS[b as usize];
        if class == SPACE {
            spaced = true;
            i += 1;
            continue;
        }
        let c = if b < 128 { b as char } else { char_at(i) };
        let len = c.len_utf8();
        if b >= 128 && c.is_whitespace() {
            spaced = true;
            i += len;
            continue;
        }
        let mut end = i + len;
        let mut token =
            Token { kind: TokenKind::Word, start: i as u32, end: 0, lower: OWN, key: 0, spaced, capital: false };
        if (class & ALNUM != 0 && class & DIGIT == 0) || (b >= 128 && c.is_alphabetic()) {
            let mut ascii = b < 128;
            token.capital = class & UPPER != 0 || (b >= 128 && c.is_uppercase());
            let mut classes = class | if token.capital { UPPER } else { 0 };
            while end < n {
                let class = ASCII_CLASS[bytes[end] as usize];
                if class & ALNUM != 0 {
                    classes |= class;
                    end += 1;
                    continue;
                }
                let next = char_at(end);
                let width = next.len_utf8();
                if bytes[end] >= 128 && next.is_alphanumeric() {
                    ascii = false;
                    end += width;
                } else if (next == '\'' || next == '’') && char_at(end + width).is_alphabetic() {
                    // An inner apostrophe: "Zelensky's", "don't".
                    ascii &= width == 1;
                    end += width;
                } else if next == '.'
                    && end == i + 1
                    && bytes.get(end + 1).is_some_and(u8::is_ascii_alphabetic)
                    && bytes.get(end + 2) == Some(&b'.')
                {
                    // The dots of "U.S." and "a.m.": a single letter, a dot, a letter and a dot.
                    end += 3;
                } else {
                    break;
                }
            }
            let word = paragraph.get(i..end).unwrap_or("");
            let upper = classes & UPPER != 0;
            if ascii && !upper {
                token.key = hash_bytes(word.as_bytes());
            } else {
                let start = lower.len();
                if ascii {
                    lower.push_str(word);
                    if let Some(added) = lower.get_mut(start..) {
                        added.make_ascii_lowercase();
                    }
                } else {
                    word.chars().for_each(|c| push_lower(lower, c));
                }
                token.lower = (start as u32, lower.len() as u32);
                token.key = hash_bytes(&lower.as_bytes()[start..]);
            }
        } else if class & DIGIT != 0 {
            token.kind = TokenKind::Number;
            digits = true;
            while end < n {
                let b = bytes[end];
                let separator = (b == b',' && digits_after(end + 1) == 3) || (b == b'.' && digits_after(end + 1) > 0);
                if b.is_ascii_digit() || separator {
                    end += 1;
                } else {
                    break;
                }
            }
        } else {
            token.kind = TokenKind::Punct(c);
            quotes |= is_quotation_mark(c);
        }
        token.end = end as u32;
        out.push(token);
        spaced = false;
        i = end;
    }
    (digits, quotes)
}

fn push_lower(lower: &mut String, c: char) {
    if c == '’' {
        lower.push('\'');
    } else if c.is_ascii() {
        lower.push(c.to_ascii_lowercase());
    } else {
        lower.extend(c.to_lowercase());
    }
}

/// The sentences of a tokenized paragraph, as ranges of token indexes. A sentence ends at
/// a full stop, question or exclamation mark followed by a capital, a digit, a quotation
/// or the end of the paragraph, unless the full stop closes an abbreviation or an initial.
pub fn sentences(paragraph: &str, tokens: &[Token]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    sentences_into(paragraph, tokens, &mut out);
    out
}

/// [`sentences`], in place of the ranges in `out`.
pub fn sentences_into(paragraph: &str, tokens: &[Token], out: &mut Vec<std::ops::Range<usize>>) {
    out.clear();
    let mut start = 0;
    let mut i = 0;
    while i < tokens.len() {
        let ends = match tokens[i].kind {
            TokenKind::Punct('.') => !before_is_abbreviation(paragraph, tokens, i),
            TokenKind::Punct('!' | '?' | '…') => true,
            _ => false,
        };
        if ends {
            // Closing quotes and parentheses belong to the sentence they close.
            let mut end = i + 1;
            while end < tokens.len() && matches!(tokens[end].kind, TokenKind::Punct(c) if is_closing(c)) {
                end += 1;
            }
            let next = tokens.get(end);
            let boundary = match next {
                None => true,
                Some(token) => {
                    let first = token.text(paragraph).chars().next().unwrap_or(' ');
                    token.spaced
                        && (first.is_uppercase()
                            || first.is_ascii_digit()
                            || is_opening_quote(first)
                            || matches!(first, '‘' | '(' | '-' | '–' | '—'))
                }
            };
            if boundary {
                if end > start {
                    out.push(start..end);
                }
                start = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    if start < tokens.len() {
        out.push(start..tokens.len());
    }
}

/// Whether the full stop at `dot` closes an abbreviation ("Gen.", "Nov.") or an initial.
fn before_is_abbreviation(paragraph: &str, tokens: &[Token], dot: usize) -> bool {
    let Some(previous) = dot.checked_sub(1).map(|p| tokens[p]) else { return false };
    if !previous.is_word() || previous.end != tokens[dot].start {
        return false;
    }
    let word = previous.text(paragraph);
    let mut chars = word.chars();
    let single_capital = matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase());
    single_capital || (word.len() <= 5 && lexicon::is_abbreviation(&word.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let mut paragraph = Paragraph::default();
        paragraph.read(text);
        paragraph.tokens.iter().map(|t| t.text(text).to_string()).collect()
    }

    #[test]
    fn tokenizes_words_numbers_and_abbreviations() {
        assert_eq!(
            words("Zelensky’s 15,600 U.S. troops, $4.2 billion, 3.9%."),
            ["Zelensky’s", "15,600", "U.S.", "troops", ",", "$", "4.2", "billion", ",", "3.9", "%", "."]
        );
        assert_eq!(words("1.1-gigawatt 'quoted'"), ["1.1", "-", "gigawatt", "'", "quoted", "'"]);
    }

    #[test]
    fn splits_sentences_but_not_after_abbreviations() {
        let text = "Gen. Tod Wolters spoke on Nov. 22. He said: “It works.” Then he left. . . But not for long";
        let mut paragraph = Paragraph::default();
        paragraph.read(text);
        let tokens = &paragraph.tokens;
        let got: Vec<String> = sentences(text, tokens)
            .into_iter()
            .map(|r| text[tokens[r.start].start as usize..tokens[r.end - 1].end as usize].to_string())
            .collect();
        assert_eq!(
            got,
            ["Gen. Tod Wolters spoke on Nov. 22.", "He said: “It works.”", "Then he left. . .", "But not for long"]
        );
    }
}
