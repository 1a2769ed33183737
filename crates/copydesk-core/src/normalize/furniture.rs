//! Page furniture that survives extraction inside the article text: photo captions and
//! credits, and the speaker labels of transcripts. They are the page's form, not the
//! article's words: the date stage does not date content by a caption, and scoring does
//! not count a repeated caption or label as garbled text.

/// Whether a line is a photo caption or credit ("FILE - In this April 24, 2020 file
/// photo…", "(AP Photo/Evan Vucci)", "Photo: Getty Images"): page furniture, not the
/// article's own text or date.
pub fn is_caption(line: &str) -> bool {
    let line = line.trim_start();
    // Lowering ASCII is lowering it one byte at a time.
    let lower = if line.is_ascii() { line.to_ascii_lowercase() } else { line.to_lowercase() };
    OPENINGS.iter().any(|o| lower.starts_with(o))
        || (CREDIT_WORDS.iter().any(|w| lower.contains(w)) && CREDITS.iter().any(|c| lower.contains(c)))
}

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
