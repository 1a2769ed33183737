//! The lexicon of boilerplate line forms: what scrapers pick up from page templates and
//! what is never article text. Each rule has a name, reported with every line it removes.
//!
//! | rule | removes |
//! | --- | --- |
//! | `navigation` | "Skip to content", "Edit post", "More news", "Editors' picks", section labels |
//! | `newsletter` | short lines about newsletters, subscribing, signing up, email fields, "* indicates required" |
//! | `signup_notice` | sign-up and consent notices of any length ("We use your sign-up to provide content…") |
//! | `cookie` | cookie notices |
//! | `share` | share buttons ("Share on Facebook", "Tweet", "Copy link") |
//! | `read_more` | "Read more", "Read full article", "Source: Read Full Article", "Continue reading", "Click here" |
//! | `advertisement` | ad markers ("Advertisement", "Sponsored", "Story continues below advertisement") |
//! | `page_furniture` | "1 min read", "Listen to this article", "This audio is created with AI assistance", bare clock times, "More info" |
//! | `copyright` | "© 2025 Site. All rights reserved." |
//! | `follow` | "Follow us on …" |

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

/// The longest line, in words, that the keyword rules (`newsletter`, `cookie`) remove.
pub const SHORT_LINE_WORDS: usize = 30;

struct Rules {
    /// Whole-line forms: they only match short lines.
    line_names: Vec<&'static str>,
    line: RegexSet,
    /// Phrases that are never article text, whatever the line's length.
    phrase_names: Vec<&'static str>,
    phrases: Vec<Regex>,
    /// All phrases in one pattern, so that a line is scanned once.
    any_phrase: Regex,
    /// Keywords that mark a short line as boilerplate.
    short_names: Vec<&'static str>,
    short: RegexSet,
}

/// The longest line, in bytes, a whole-line form can match.
const LINE_FORM_MAX_BYTES: usize = 240;

static RULES: LazyLock<Rules> = LazyLock::new(|| {
    let line: &[(&str, &str)] = &[
        (
            "navigation",
            r"^(skip to (main )?content|skip to navigation|edit post|menu|search|close|back to top|more news|more stories|editors'? picks|news feed|most read|most popular|trending( now)?|top stories|latest news|breaking news|world news|related( articles| stories| coverage| content)?|you may also like|recommended( for you)?|home)$",
        ),
        (
            "share",
            r"^((share|share this( article| story| page)?|share on \w+|tweet|email|print|copy link|facebook|twitter|x|linkedin|whatsapp|telegram|reddit|pinterest)[\s|·,/]*)+$",
        ),
        (
            "read_more",
            r"^(source:\s*)?(read more|read full article|read the full (article|story)|continue reading|click here|full story|see also|related:|read also|also read|more on this story)\b.{0,120}$",
        ),
        (
            "advertisement",
            r"^(advertisement|advertising|ad|ads|sponsored( content)?|promoted( content)?|paid content|partner content|story continues (below|after) (this )?advertisement|scroll to continue( with content)?|article continues below)(:.{0,80})?$",
        ),
        (
            "page_furniture",
            r"^(\d+ min(ute)?s? read|listen to this article.*|this (audio|article) (is|was) (created|generated|produced) with ai assistance|\d{1,2}:\d{2}\s*([ap]\.?m\.?)?|more info|updated:?\s.{0,40}|published:?\s.{0,40})$",
        ),
        ("copyright", r"^((©|\(c\)|copyright ©?\s*\d{4}).{0,120}|.{0,80}all rights reserved\.?)$"),
        ("follow", r"^(follow us( on)?|like us on|join us on)\b.{0,80}$"),
    ];
    let phrases: &[(&str, &str)] = &[
        (
            "signup_notice",
            r"we use your sign-?up|unsubscribe at any time|indicates required|thank(s| you) for signing up|we've sent you a confirmation email|successful+y subscribed|enter (your|a valid|correct) email|please,? enter (a )?(valid|correct) email",
        ),
        ("cookie", r"we use cookies|accept (all )?cookies|cookie (settings|policy|preferences)|manage cookies"),
    ];
    let short: &[(&str, &str)] = &[
        (
            "newsletter",
            r"\b(newsletters?|subscribe|subscribed|subscription|subscribers only|unsubscribe|sign[- ]?up|signing up|email address|your inbox|indicates required)\b",
        ),
        ("cookie", r"\bcookies?\b.*\b(use|accept|consent|settings|policy|privacy)\b"),
    ];
    Rules {
        line_names: line.iter().map(|(n, _)| *n).collect(),
        line: RegexSet::new(line.iter().map(|(_, p)| *p)).expect("lexicon patterns"),
        phrase_names: phrases.iter().map(|(n, _)| *n).collect(),
        phrases: phrases.iter().map(|(_, p)| Regex::new(p).expect("lexicon pattern")).collect(),
        any_phrase: Regex::new(&phrases.iter().map(|(_, p)| format!("(?:{p})")).collect::<Vec<_>>().join("|"))
            .expect("lexicon pattern"),
        short_names: short.iter().map(|(n, _)| *n).collect(),
        short: RegexSet::new(short.iter().map(|(_, p)| *p)).expect("lexicon patterns"),
    }
});

/// The lexicon rule a line falls under, if it is boilerplate. The line may be raw or
/// already normalized (see [`super::normalize_line`]).
pub fn classify(line: &str) -> Option<&'static str> {
    if is_normalized(line) {
        classify_normalized(line)
    } else {
        classify_normalized(&super::normalize_line(line))
    }
}

/// [`classify`] for a line already normalized by [`super::normalize_line`].
pub fn classify_normalized(line: &str) -> Option<&'static str> {
    let line = line.trim_matches(|c: char| c == '*' || c == '•' || c == '-' || c == ' ');
    if line.is_empty() {
        return None;
    }
    if line.len() <= LINE_FORM_MAX_BYTES {
        if let Some(index) = RULES.line.matches(line).iter().next() {
            return Some(RULES.line_names[index]);
        }
    }
    if RULES.any_phrase.is_match(line) {
        if let Some(index) = RULES.phrases.iter().position(|p| p.is_match(line)) {
            return Some(RULES.phrase_names[index]);
        }
    }
    if line.len() <= SHORT_LINE_WORDS * 12 && line.split(' ').count() <= SHORT_LINE_WORDS {
        if let Some(index) = RULES.short.matches(line).iter().next() {
            return Some(RULES.short_names[index]);
        }
    }
    None
}

/// Whether a line is already in normalized form (lower case, single spaces, ASCII quotes).
fn is_normalized(line: &str) -> bool {
    let mut last_space = true;
    for c in line.chars() {
        let space = c == ' ';
        if (space && last_space)
            || c.is_uppercase()
            || (c.is_whitespace() && !space)
            || matches!(c, '‘' | '’' | '“' | '”')
        {
            return false;
        }
        last_space = space;
    }
    !last_space || line.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_the_forms_of_the_lexicon() {
        for (line, rule) in [
            ("Skip to content", "navigation"),
            ("Editors' Picks", "navigation"),
            ("* indicates required", "signup_notice"),
            ("Enter your email to subscribe", "signup_notice"),
            ("Subscribe", "newsletter"),
            ("Sign up for our morning briefing", "newsletter"),
            ("We use your sign-up to provide content in ways you’ve consented to and to improve our understanding of you. This may include adverts from us and 3rd parties based on our understanding. You can unsubscribe at any time. More info", "signup_notice"),
            ("Source: Read Full Article", "read_more"),
            ("Read more: Floods close schools", "read_more"),
            ("ADVERTISEMENT", "advertisement"),
            ("Story continues below advertisement", "advertisement"),
            ("Sponsored: The best deals this week", "advertisement"),
            ("Share on Facebook | Tweet | Email", "share"),
            ("We use cookies to improve your experience.", "cookie"),
            ("This audio is created with AI assistance", "page_furniture"),
            ("5:04 PM", "page_furniture"),
            ("© 2025 Harbour News. All rights reserved.", "copyright"),
            ("Follow us on X", "follow"),
        ] {
            assert_eq!(classify(line), Some(rule), "{line}");
        }
    }

    #[test]
    fn keeps_article_sentences() {
        for line in [
            "The council voted to subscribe to the regional water scheme after a long debate that ran late into the night, officials said, with thirty members in favour and twelve against the proposal.",
            "Russia said it had attacked the city of Dnipro.",
            "Read the statement, the minister told reporters, before judging it.",
            "Advertising revenue at the broadcaster fell 12% in the third quarter, the company said.",
            "Copyright lawyers for the studio said the ruling would be appealed.",
        ] {
            assert_eq!(classify(line), None, "{line}");
        }
    }
}
