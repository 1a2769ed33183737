//! Tokens and sentences of one paragraph of article text, with the case of every word kept
//! (names are told by their capitals).

use super::lexicon;

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
    /// White space stands right before the token (or it opens the paragraph).
    pub spaced: bool,
}

impl Token {
    pub fn text<'a>(&self, paragraph: &'a str) -> &'a str {
        paragraph.get(self.start as usize..self.end as usize).unwrap_or("")
    }

    pub fn is_word(&self) -> bool {
        self.kind == TokenKind::Word
    }

    pub fn is_punct(&self, c: char) -> bool {
        self.kind == TokenKind::Punct(c)
    }
}

/// A tokenized paragraph with the lower-case form of every token.
#[derive(Debug, Default)]
pub struct Paragraph {
    pub tokens: Vec<Token>,
    lower: String,
    ranges: Vec<(u32, u32)>,
}

impl Paragraph {
    /// Tokenizes a paragraph, reusing the buffers of the previous one.
    pub fn read(&mut self, text: &str) {
        tokenize(text, &mut self.tokens);
        self.lower.clear();
        self.ranges.clear();
        for token in &self.tokens {
            let start = self.lower.len() as u32;
            for c in token.text(text).chars() {
                match c {
                    '’' => self.lower.push('\''),
                    c if c.is_ascii() => self.lower.push(c.to_ascii_lowercase()),
                    c => self.lower.extend(c.to_lowercase()),
                }
            }
            self.ranges.push((start, self.lower.len() as u32));
        }
    }

    /// The lower-case form of token `i` (typographic apostrophes as `'`).
    pub fn lower(&self, i: usize) -> &str {
        self.ranges.get(i).and_then(|&(s, e)| self.lower.get(s as usize..e as usize)).unwrap_or("")
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

/// Cuts a paragraph into tokens, appending them to `out`.
pub fn tokenize(paragraph: &str, out: &mut Vec<Token>) {
    out.clear();
    let bytes = paragraph.as_bytes();
    let mut chars = paragraph.char_indices().peekable();
    let mut spaced = true;
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            spaced = true;
            continue;
        }
        let kind;
        let mut end = start + c.len_utf8();
        if c.is_alphabetic() {
            kind = TokenKind::Word;
            let mut letters = 1;
            while let Some(&(i, next)) = chars.peek() {
                if next.is_alphanumeric() {
                    letters += 1;
                } else if next == '\'' || next == '’' {
                    // An inner apostrophe: "Zelensky's", "don't".
                    let after = paragraph[i + next.len_utf8()..].chars().next();
                    if !after.is_some_and(char::is_alphabetic) {
                        break;
                    }
                } else if next == '.' && letters == 1 {
                    // The dots of "U.S." and "a.m.": a single letter, a dot, a letter and a dot.
                    let rest = &bytes[i + 1..];
                    if rest.len() >= 2 && rest[0].is_ascii_alphabetic() && rest[1] == b'.' {
                        chars.next();
                        chars.next();
                        chars.next();
                        end = i + 3;
                        continue;
                    }
                    break;
                } else {
                    break;
                }
                chars.next();
                end = i + next.len_utf8();
            }
        } else if c.is_ascii_digit() {
            kind = TokenKind::Number;
            while let Some(&(i, next)) = chars.peek() {
                let digits_after = |from: usize| bytes[from..].iter().take_while(|b| b.is_ascii_digit()).count();
                let separator = (next == ',' && digits_after(i + 1) == 3) || (next == '.' && digits_after(i + 1) > 0);
                if next.is_ascii_digit() || separator {
                    chars.next();
                    end = i + 1;
                } else {
                    break;
                }
            }
        } else {
            kind = TokenKind::Punct(c);
        }
        out.push(Token { kind, start: start as u32, end: end as u32, spaced });
        spaced = false;
    }
}

/// The sentences of a tokenized paragraph, as ranges of token indexes. A sentence ends at
/// a full stop, question or exclamation mark followed by a capital, a digit, a quotation
/// or the end of the paragraph, unless the full stop closes an abbreviation or an initial.
pub fn sentences(paragraph: &str, tokens: &[Token]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
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
    out
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
        let mut tokens = Vec::new();
        tokenize(text, &mut tokens);
        tokens.iter().map(|t| t.text(text).to_string()).collect()
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
        let mut tokens = Vec::new();
        tokenize(text, &mut tokens);
        let got: Vec<String> = sentences(text, &tokens)
            .into_iter()
            .map(|r| text[tokens[r.start].start as usize..tokens[r.end - 1].end as usize].to_string())
            .collect();
        assert_eq!(
            got,
            ["Gen. Tod Wolters spoke on Nov. 22.", "He said: “It works.”", "Then he left. . .", "But not for long"]
        );
    }
}
