//! Metadata inferred from an article's text where the input did not give it: a `Source: X`
//! credit line, a byline with a date, a dateline.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

pub use crate::date::calendar::{find_written_date, month_number};

/// What the text says about itself. Line numbers count from 0 within the text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inference {
    pub credit: Option<Credit>,
    pub byline: Option<Byline>,
    pub dateline: Option<Dateline>,
}

/// A `Source: X` line naming where the text comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    pub source: String,
    pub line: usize,
}

/// A `By Name` line, perhaps with the date of publication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Byline {
    pub author: String,
    pub date: Option<NaiveDate>,
    pub line: usize,
}

/// The place (and perhaps date and agency) that opens a wire story: `LISBON, March 3
/// (Reuters) -`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dateline {
    pub place: String,
    /// The month and day as written, without a year (`March 3`).
    pub date: Option<String>,
    pub agency: Option<String>,
    pub line: usize,
}

static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:source|sources|via|credit|originally published by)\s*:\s*(.{2,80}?)\s*\.?$")
        .expect("credit pattern")
});

/// Credit values that are scrape artefacts, not sources.
const NOT_A_SOURCE: &[&str] = &["read full article", "read more", "original article", "link", "here", "unknown"];

static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:by)\s+(\p{Lu}[\p{L}'’.\-]*(?:\s+(?:\p{Lu}[\p{L}'’.\-]*|de|van|von|da|al|bin)){1,4})(?:\s*(?:,|\||·|–|—|-|and)?\s*(.*))?$")
        .expect("byline pattern")
});

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(\p{Lu}[\p{Lu}'’.\-]+(?:\s+\p{Lu}[\p{Lu}'’.\-]+)*(?:,\s*\p{Lu}[\p{L}.\-]+(?:\s+\p{Lu}[\p{L}.\-]+)*)?)(?:,\s*((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}))?\s*(?:\(([^)]{2,40})\))?\s*(?:[—–]|--?)\s+\S",
    )
    .expect("dateline pattern")
});

/// The first byte of the en and em dashes in UTF-8 (and of other characters).
pub(crate) const DASH_LEAD: u8 = 0xE2;

/// How many lines from the top a byline or dateline may stand at.
const HEAD_LINES: usize = 12;

/// Reads the metadata an article's text carries about itself.
pub fn infer(lines: &[&str]) -> Inference {
    let mut inference = Inference::default();
    for (index, line) in lines.iter().enumerate().rev() {
        if let Some(source) = credit(line) {
            inference.credit = Some(Credit { source, line: index });
            break;
        }
    }
    for (index, line) in lines.iter().enumerate().take(HEAD_LINES) {
        let line = line.trim();
        if inference.byline.is_none() && may_be_byline(line) {
            if let Some(caps) = BYLINE.captures(line) {
                // The name ends where a date begins: "by Sonya Bandouil November 23, 2024".
                let words: Vec<&str> =
                    caps[1].split_whitespace().take_while(|word| month_number(word).is_none()).collect();
                if words.len() >= 2 {
                    let author = words.join(" ");
                    inference.byline = Some(Byline { author, date: find_written_date(line), line: index });
                    continue;
                }
            }
        }
        if inference.dateline.is_none() && may_be_dateline(line) {
            if let Some(caps) = DATELINE.captures(line) {
                let place = caps[1].trim().to_string();
                // A dateline's place is a capitalised name, not a shouted sentence.
                if place.split_whitespace().count() <= 4 && place.chars().filter(|c| c.is_alphabetic()).count() >= 3 {
                    inference.dateline = Some(Dateline {
                        place,
                        date: caps.get(2).map(|m| m.as_str().to_string()),
                        agency: caps.get(3).map(|m| m.as_str().trim().to_string()),
                        line: index,
                    });
                }
            }
        }
    }
    inference
}

/// Whether a line may be a byline, which opens with "by": most lines are passed over
/// without a search on this.
fn may_be_byline(line: &str) -> bool {
    line.get(..2).is_some_and(|opening| opening.eq_ignore_ascii_case("by"))
}

/// Whether a line may open with a dateline, which begins with a capital and ends with a
/// dash.
fn may_be_dateline(line: &str) -> bool {
    line.chars().next().is_some_and(char::is_uppercase) && memchr::memchr2(b'-', DASH_LEAD, line.as_bytes()).is_some()
}

/// Whether a line may be a credit line: it opens with one of the words of [`CREDIT`],
/// whose first letters are these in any case (`ſ` is an `s` to a search that ignores
/// case), and has a colon.
fn may_be_credit(line: &str) -> bool {
    let opens = match line.as_bytes().first() {
        Some(b) if b.is_ascii() => matches!(b.to_ascii_lowercase(), b's' | b'v' | b'c' | b'o'),
        Some(_) => line.starts_with('ſ'),
        None => false,
    };
    opens && memchr::memchr(b':', line.as_bytes()).is_some()
}

/// Splits a line that opens with a dateline (`LISBON, March 3 (Meridian Wire) - `) into
/// the place and the article's first sentence, leaving out the date and the agency.
pub fn split_dateline(line: &str) -> Option<(&str, &str)> {
    let caps = DATELINE.captures(line)?;
    let place = caps.get(1)?.as_str().trim();
    if place.split_whitespace().count() > 4 || place.chars().filter(|c| c.is_alphabetic()).count() < 3 {
        return None;
    }
    // The pattern ends with the first character of the sentence.
    let end = caps.get(0)?.end();
    let last = line[..end].chars().next_back().map_or(0, char::len_utf8);
    Some((place, &line[end - last..]))
}

/// The source a credit line names, unless the line is a scrape artefact.
pub fn credit(line: &str) -> Option<String> {
    let line = line.trim();
    if !may_be_credit(line) {
        return None;
    }
    let caps = CREDIT.captures(line)?;
    let source = caps[1].trim().trim_end_matches('.').to_string();
    let lower = source.to_lowercase();
    if NOT_A_SOURCE.contains(&lower.as_str()) || source.split_whitespace().count() > 8 {
        return None;
    }
    Some(source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_credit_line_but_not_a_scrape_artefact() {
        let lines = ["Body text.", "Source: BFM TV"];
        assert_eq!(infer(&lines).credit, Some(Credit { source: "BFM TV".into(), line: 1 }));
        assert_eq!(infer(&["Body.", "Source: Read Full Article"]).credit, None);
    }

    #[test]
    fn the_lines_passed_over_are_none_the_patterns_match() {
        let lines = [
            "by Sonya Bandouil November 23, 2024",
            "BY ANN LEE",
            "By Ann Lee | Reuters",
            "Byron Bay — a town in New South Wales.",
            "LISBON, March 3 (Meridian Wire) - Portugal's parliament voted.",
            "ÉVORA, Portugal — The town voted.",
            "KYIV -- Air raid sirens sounded.",
            "Source: BFM TV",
            "ſource: BFM TV",
            "Credit : Harbour News.",
            "Originally published by The Harbour Times",
            "Originally published by: The Harbour Times",
            "VIA: Harbour News",
            "A sentence that is none of them.",
            "",
        ];
        for line in lines {
            assert!(!BYLINE.is_match(line) || may_be_byline(line), "{line}");
            assert!(!DATELINE.is_match(line) || may_be_dateline(line), "{line}");
            assert!(!CREDIT.is_match(line) || may_be_credit(line), "{line}");
        }
        // Each kind is found in the lines above.
        assert!(lines.iter().filter(|l| BYLINE.is_match(l)).count() >= 3);
        assert!(lines.iter().filter(|l| DATELINE.is_match(l)).count() >= 3);
        assert!(lines.iter().filter(|l| credit(l).is_some()).count() >= 3);
    }

    #[test]
    fn reads_a_byline_with_its_date() {
        let lines = ["Headline", "", "by Sonya Bandouil November 23, 2024 12:14 AM 1 min read"];
        let byline = infer(&lines).byline.expect("byline");
        assert_eq!(byline.author, "Sonya Bandouil");
        assert_eq!(byline.date, NaiveDate::from_ymd_opt(2024, 11, 23));
        assert_eq!(byline.line, 2);
    }

    #[test]
    fn a_sentence_starting_with_by_is_not_a_byline() {
        assert_eq!(infer(&["by the end of the week the river had risen."]).byline, None);
    }

    #[test]
    fn reads_a_wire_dateline() {
        let lines = ["LISBON, March 3 (Meridian Wire) - Portugal's parliament voted on Monday."];
        let dateline = infer(&lines).dateline.expect("dateline");
        assert_eq!(dateline.place, "LISBON");
        assert_eq!(dateline.date.as_deref(), Some("March 3"));
        assert_eq!(dateline.agency.as_deref(), Some("Meridian Wire"));
        let lines = ["KYIV, Ukraine — Air raid sirens sounded."];
        assert_eq!(infer(&lines).dateline.expect("dateline").place, "KYIV, Ukraine");
        assert_eq!(infer(&["Russia said it had attacked the city - a first."]).dateline, None);
        let line = "LISBON, March 3 (Meridian Wire) - Portugal's parliament voted.";
        assert_eq!(split_dateline(line), Some(("LISBON", "Portugal's parliament voted.")));
        assert_eq!(split_dateline("Russia said it had attacked the city - a first."), None);
    }
}
