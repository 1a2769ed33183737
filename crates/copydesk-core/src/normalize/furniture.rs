//! Page furniture that survives extraction inside the article text: photo captions and
//! credits, and the speaker labels of transcripts. They are the page's form, not the
//! article's words: the date stage does not date content by a caption, and scoring does
//! not count a repeated caption or label as garbled text.

use std::sync::LazyLock;

use memchr::memmem;

use crate::util::TextLines;

/// Whether a line is a photo caption or credit ("FILE - In this April 24, 2020 file
/// photo…", "(AP Photo/Evan Vucci)", "Photo: Getty Images"): page furniture, not the
/// article's own text or date.
pub fn is_caption(line: &str) -> bool {
    let line = line.trim_start();
    // Lowering ASCII is lowering it one byte at a time.
    let lower = if line.is_ascii() { line.to_ascii_lowercase() } else { line.to_lowercase() };
    lowered_is_caption(&lower, CREDIT_WORDS.iter().any(|w| lower.contains(w)))
}

/// [`is_caption`] of a line in lower case, `credited` if it holds one of the
/// [`CREDIT_WORDS`].
fn lowered_is_caption(lower: &str, credited: bool) -> bool {
    let lower = lower.trim_start();
    OPENINGS.iter().any(|o| lower.starts_with(o)) || (credited && CREDITS.iter().any(|c| lower.contains(c)))
}

/// The lines of a text that are captions ([`is_caption`]), numbered from 0. The credit
/// words are looked for once in the text's lower-case copy, not in each line, and each line
/// is read in that copy rather than lowered again. The patterns are ASCII but for an en
/// dash, which has no case, so lowering a line's ASCII letters alone finds what lowering
/// all its letters finds: no other letter lowers to ASCII but the Kelvin sign (`K` to `k`)
/// and the dotted capital I (`İ` to `i` and a combining dot, which no pattern holds), so a
/// line with the Kelvin sign is lowered on its own.
pub fn caption_lines(text: &TextLines<'_>) -> Vec<usize> {
    let mut credited = vec![false; text.lines().len()];
    let lowered = text.lowered().as_bytes();
    for word in CREDIT_FINDERS.iter() {
        for at in word.find_iter(lowered) {
            if let Some(line) = credited.get_mut(text.line_at(at)) {
                *line = true;
            }
        }
    }
    let kelvin = |line: &str| !line.is_ascii() && line.contains('\u{212A}');
    let caption = |index: usize, line: &str| {
        if kelvin(line) {
            is_caption(line)
        } else {
            lowered_is_caption(text.lowered_line(index), credited[index])
        }
    };
    text.lines().iter().enumerate().filter(|&(index, line)| caption(index, line)).map(|(index, _)| index).collect()
}

/// The searchers of the [`CREDIT_WORDS`], made once.
static CREDIT_FINDERS: LazyLock<Vec<memmem::Finder<'static>>> =
    LazyLock::new(|| CREDIT_WORDS.iter().map(|word| memmem::Finder::new(word.as_bytes())).collect());

/// How a caption opens.
const OPENINGS: &[&str] = &[
    "file -",
    "file –",
    "file photo",
    "file:",
    "in this photo",
    "in this file photo",
    "in this undated",
    "photo:",
    "image:",
    "pictured:",
    "caption:",
    "credit:",
    "photograph:",
];

/// What a photo credit says, wherever it stands in a line.
const CREDITS: &[&str] = &[
    "(ap photo",
    "ap photo/",
    "(photo by",
    "(photo:",
    "photo credit",
    "getty images",
    "/reuters",
    "reuters/",
    "(reuters photo",
    "/afp",
    "afp via getty",
    "afp photo",
    "shutterstock",
    "(image:",
    "image credit",
    "/bloomberg",
    "(courtesy",
];

/// A word one of the [`CREDITS`] holds, each: most lines hold none, and are passed over
/// with these few searches.
const CREDIT_WORDS: &[&str] = &["photo", "getty", "reuters", "afp", "shutterstock", "image", "bloomberg", "courtesy"];

/// Whether a line is a speaker's label in a transcript ("TRUMP:", "Anderson Cooper:").
pub fn is_speaker_label(line: &str) -> bool {
    let line = line.trim();
    let Some(name) = line.strip_suffix(':').or_else(|| line.split_once(':').map(|(name, _)| name)) else {
        return false;
    };
    let words = name.split_whitespace().count();
    (1..=3).contains(&words) && name.split_whitespace().all(|w| w.starts_with(|c: char| c.is_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caption_lines_are_the_lines_is_caption_takes() {
        let mut lines: Vec<String> = [
            "The mayor at the opening. (Photo by Ann Lee/Getty Images)",
            "  FILE - In this April 24, 2020 file photo, the president speaks.",
            "Photo: Getty Images",
            "The court ruled on April 24, 2020, that the law stands.",
            "La maire à l’inauguration. (Courtesy of the city)",
            "İMAGE: city hall",
            "Image: city hall",
            "SHUTTERSTOC\u{212A}",
            "The mayor at the opening. SHUTTERSTOC\u{212A}",
            "“Photo: ” he said",
            "\r",
            "",
        ]
        .map(String::from)
        .to_vec();
        let pieces: Vec<&str> =
            "photo|PHOTO|Getty|images|(AP| |/|:|file| -|–|İ|\u{212A}|’|é|Reuters|AFP|(courtesy|x".split('|').collect();
        let mut state = 0x5851_f42d_4c95_7f2d_u64;
        for _ in 0..500 {
            let length = (state % 9) as usize;
            let line: String = (0..length)
                .map(|_| {
                    state = crate::util::mix64(state);
                    pieces[(state % pieces.len() as u64) as usize]
                })
                .collect();
            state = crate::util::mix64(state);
            lines.push(line);
        }
        for end in ["\n", "\r\n"] {
            let text = lines.join(end);
            let shared = TextLines::new(&text);
            let expected: Vec<usize> =
                crate::util::lines(&text).enumerate().filter(|(_, line)| is_caption(line)).map(|(i, _)| i).collect();
            assert!(expected.len() > 20, "the test's lines hold captions");
            assert_eq!(caption_lines(&shared), expected);
        }
    }

    #[test]
    fn every_credit_holds_a_credit_word() {
        for credit in CREDITS {
            assert!(CREDIT_WORDS.iter().any(|word| credit.contains(word)), "{credit}");
        }
        assert!(is_caption("The mayor at the opening. (Photo by Ann Lee/Getty Images)"));
        assert!(is_caption("The mayor at the opening. SHUTTERSTOCK"));
        assert!(is_caption("La maire à l’inauguration. (Courtesy of the city)"));
        assert!(!is_caption("The mayor said the photo was taken in 2020."));
    }

    #[test]
    fn captions_and_labels_are_furniture() {
        assert!(is_caption("FILE - In this April 24, 2020 file photo, the president speaks."));
        assert!(is_caption("Protesters gather outside the court. (AP Photo/Evan Vucci)"));
        assert!(is_caption("Photo: Getty Images"));
        assert!(!is_caption("The court ruled on April 24, 2020, that the law stands."));
        assert!(is_speaker_label("TRUMP:"));
        assert!(is_speaker_label("Anderson Cooper: Good evening."));
        assert!(!is_speaker_label("The mayor said the plan was final: no more delays."));
    }
}
