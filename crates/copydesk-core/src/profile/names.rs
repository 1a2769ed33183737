//! Names: capitalised sequences, folded to their last word and to a spelling key, so that
//! "Volodymyr Zelensky", "Zelensky's" and "Zelenskyy" are one name, and so are the French
//! and English transliterations "Orechnik" and "Oreshnik".

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The spelling key of one word of a name: lower case, accents and possessive dropped, and
/// the common transliteration variants of one sound written the same way (`sh`/`ch`/`sch`/
/// `tch`, `zh`/`j`, `kh`/`h`, `y`/`i`, `w`/`v`, `ph`/`f`, `ck`/`k`), doubled letters
/// written once.
pub fn fold(word: &str) -> String {
    let mut out = String::new();
    fold_into(word, &mut String::new(), &mut out);
    out
}

/// [`fold`], written into `out`, with `plain` for the word made plain: a caller that folds
/// many words keeps both and allocates nothing.
pub fn fold_into(word: &str, plain: &mut String, out: &mut String) {
    plain_into(strip_possessive(word), plain);
    let plain = plain.as_str();
    let bytes = plain.as_bytes();
    out.clear();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        let (sound, used): (&str, usize) = if rest.starts_with(b"sch") || rest.starts_with(b"tch") {
            ("s", 3)
        } else if rest.starts_with(b"sh") || rest.starts_with(b"ch") {
            ("s", 2)
        } else if rest.starts_with(b"zh") || rest.starts_with(b"dj") {
            ("j", 2)
        } else if rest.starts_with(b"kh") {
            ("h", 2)
        } else if rest.starts_with(b"ph") {
            ("f", 2)
        } else if rest.starts_with(b"ck") {
            ("k", 2)
        } else {
            match rest[0] {
                b'y' => ("i", 1),
                b'w' => ("v", 1),
                _ => {
                    // Copy one whole character (it may be more than one byte).
                    let len = plain[i..].chars().next().map_or(1, char::len_utf8);
                    (&plain[i..i + len], len)
                }
            }
        };
        if !out.ends_with(sound) || sound.len() != 1 {
            out.push_str(sound);
        }
        i += used;
    }
}

/// A word in lower case without its accents, full stops and apostrophes, written into
/// `out`.
fn plain_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        // An ASCII character is its own decomposition and no combining mark.
        out.extend(word.bytes().filter(|&b| b != b'.' && b != b'\'').map(|b| char::from(b.to_ascii_lowercase())));
        return;
    }
    plain_chars_into(word, out);
}

/// [`plain_into`], character by character.
fn plain_chars_into(word: &str, out: &mut String) {
    for c in word.nfd() {
        if is_combining_mark(c) || c == '.' || c == '\'' || c == '’' {
            continue;
        }
        out.extend(c.to_lowercase());
    }
}

/// A word without a possessive ending: "Zelensky's" is "Zelensky", "Reuters'" stays.
pub fn strip_possessive(word: &str) -> &str {
    for ending in ["'s", "’s", "'S", "’S"] {
        if let Some(stem) = word.strip_suffix(ending) {
            return stem;
        }
    }
    word
}

/// Whether a word is written with a capital first letter (or in capitals).
pub fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_words_are_made_plain_as_character_by_character() {
        let plain = |word: &str| {
            let mut out = "left from before".to_string();
            plain_into(word, &mut out);
            out
        };
        let plain_chars = |word: &str| {
            let mut out = String::new();
            plain_chars_into(word, &mut out);
            out
        };
        for word in ["Zelensky", "ZELENSKY", "O'Neill", "St.", "U.S.", "McDonald's", "Per-Olav", "A1", "", "'.", "x"] {
            assert_eq!(plain(word), plain_chars(word), "{word}");
        }
        assert_eq!(plain("O'Neill"), "oneill");
        assert_eq!(plain("Zelénsky’s"), "zelenskys");
    }

    #[test]
    fn folds_spelling_variants_of_a_name() {
        assert_eq!(fold("Zelensky"), fold("Zelenskyy"));
        assert_eq!(fold("Zelensky’s"), fold("Zelenskiy"));
        assert_eq!(fold("Orechnik"), fold("Oreshnik"));
        assert_eq!(fold("Kinzhal"), fold("Kinjal"));
        assert_eq!(fold("Kurakhové"), fold("Kurakhove"));
        assert_eq!(fold("U.S."), "us");
        assert_ne!(fold("Putin"), fold("Patin"));
        assert_eq!(fold("Zelensky"), "zelenski");
    }
}
