//! Article text into an [`Item`]: the headline line, Markdown markup, front matter and the
//! metadata the text carries about itself.

use std::sync::LazyLock;

use regex::Regex;

use super::infer::{self, Inference};
use crate::model::{Item, MetadataLine};
use crate::normalize::boilerplate;
use crate::util::parse_timestamp;

/// The longest line that can still be a headline, in words.
const HEADLINE_MAX_WORDS: usize = 25;
/// How many leading lines may be passed over (section labels, navigation) to reach it.
const HEADLINE_SEARCH_LINES: usize = 4;

static MD_IMAGE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"!\[[^\]]*\]\([^)]*\)").expect("image pattern"));
static MD_LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[([^\]]*)\]\([^)]*\)").expect("link pattern"));
static MD_EMPHASIS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\*\*|__|\*|`)").expect("emphasis pattern"));
static MD_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(#{1,6}\s+|>\s?|[-*+]\s+)").expect("prefix pattern"));

/// Fills in `item` from the article text of a text or Markdown file, a manifest row or a
/// feed entry: takes the headline line out of the body (when the input gave no title, the
/// first line that reads like a headline becomes it), then infers what is still missing.
pub fn complete(mut item: Item, text: String, markdown: bool) -> Item {
    let mut text = if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text };
    if markdown {
        text = strip_front_matter(&mut item, &text);
        text = strip_markdown(&text);
    }
    let mut lines: Vec<&str> = copydesk_core::util::lines(&text).collect();
    let headline = headline_line(&lines, item.title.as_deref());
    if let Some(index) = headline {
        if item.title.is_none() {
            item.title = Some(lines[index].trim().to_string());
            item.inferred.insert("title".into(), format!("headline line {}", index + 1));
        }
        lines.remove(index);
    }
    let inference = infer::infer(&lines);
    apply_inference(&mut item, &inference);
    if let Some(byline) = &inference.byline {
        item.metadata_lines.push((byline.line, MetadataLine::Byline));
    }
    if let Some(credit) = &inference.credit {
        item.metadata_lines.push((credit.line, MetadataLine::Credit));
    }
    item.text = if headline.is_some() {
        lines.join("\n")
    } else {
        // Every line kept: the lines joined again are the text without its last line
        // break (no carriage return is left in it).
        drop(lines);
        if text.ends_with('\n') {
            text.pop();
        }
        text
    };
    item
}

/// Where the headline stands: the line equal to the given title, or else the first of the
/// leading lines that reads like a headline.
fn headline_line(lines: &[&str], title: Option<&str>) -> Option<usize> {
    let candidates = lines.iter().enumerate().filter(|(_, l)| !l.trim().is_empty()).take(HEADLINE_SEARCH_LINES);
    if let Some(title) = title {
        let title = title.trim();
        return candidates.filter(|(_, l)| l.trim() == title).map(|(i, _)| i).next();
    }
    for (index, line) in candidates {
        let line = line.trim();
        if boilerplate::classify(line).is_some() || is_label(line) {
            continue;
        }
        return reads_like_headline(line).then_some(index);
    }
    None
}

/// A section label or other short line above the headline ("World News").
fn is_label(line: &str) -> bool {
    line.split_whitespace().count() < 3 && !line.ends_with('.')
}

/// A headline: a single short line, not a sentence ending in a full stop, not a byline,
/// credit or dateline.
pub fn reads_like_headline(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let first = line.chars().next().unwrap_or(' ');
    (3..=HEADLINE_MAX_WORDS).contains(&words)
        && !line.ends_with(['.', ',', ';', ':'])
        && (first.is_uppercase() || first.is_ascii_digit() || "\"'“‘".contains(first))
        && infer::credit(line).is_none()
        && !line.to_lowercase().starts_with("by ")
        && infer::infer(&[line]).dateline.is_none()
}

fn apply_inference(item: &mut Item, inference: &Inference) {
    if let (None, Some(credit)) = (&item.source, &inference.credit) {
        item.source = Some(credit.source.clone());
        item.inferred
            .insert("source".into(), format!("credit line \"Source: {}\" (line {})", credit.source, credit.line + 1));
    }
    if let Some(byline) = &inference.byline {
        if item.author.is_none() {
            item.author = Some(byline.author.clone());
            item.inferred.insert("author".into(), format!("byline (line {})", byline.line + 1));
        }
        if let (None, Some(date)) = (item.published, byline.date) {
            item.published = date.and_hms_opt(0, 0, 0).map(|t| t.and_utc().fixed_offset());
            item.inferred.insert("published".into(), format!("byline date {date} (line {})", byline.line + 1));
        }
    }
    if let Some(dateline) = &inference.dateline {
        if item.dateline.is_none() {
            let mut value = dateline.place.clone();
            if let Some(date) = &dateline.date {
                value = format!("{value}, {date}");
            }
            if let Some(agency) = &dateline.agency {
                value = format!("{value} ({agency})");
            }
            item.dateline = Some(value);
            item.inferred.insert("dateline".into(), format!("dateline (line {})", dateline.line + 1));
        }
    }
}

/// Reads `key: value` front matter between `---` lines into the item's metadata.
fn strip_front_matter(item: &mut Item, text: &str) -> String {
    let Some(rest) = text.strip_prefix("---\n") else { return text.to_string() };
    let Some(end) = rest.find("\n---") else { return text.to_string() };
    for line in rest[..end].lines() {
        let Some((key, value)) = line.split_once(':') else { continue };
        let value = value.trim().trim_matches(['"', '\'']).to_string();
        if value.is_empty() {
            continue;
        }
        match key.trim().to_ascii_lowercase().as_str() {
            "title" => item.title = item.title.take().or(Some(value)),
            "source" | "publisher" => item.source = item.source.take().or(Some(value)),
            "author" | "byline" => item.author = item.author.take().or(Some(value)),
            "url" | "link" => item.url = item.url.take().or(Some(value)),
            "date" | "published" => item.published = item.published.or_else(|| parse_timestamp(&value)),
            _ => {}
        }
    }
    let after = &rest[end + 4..];
    after.strip_prefix('\n').unwrap_or(after).to_string()
}

fn strip_markdown(text: &str) -> String {
    text.lines()
        .map(|line| {
            let line = MD_PREFIX.replace(line, "");
            let line = MD_IMAGE.replace_all(&line, "");
            let line = MD_LINK.replace_all(&line, "$1");
            MD_EMPHASIS.replace_all(&line, "").into_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(text: &str) -> Item {
        complete(Item::default(), text.to_string(), false)
    }

    #[test]
    fn first_line_is_the_title_when_it_reads_like_a_headline() {
        let it = item("Storm cuts power to thousands on the coast\n\nThe storm hit on Monday.");
        assert_eq!(it.title.as_deref(), Some("Storm cuts power to thousands on the coast"));
        assert_eq!(it.text.trim(), "The storm hit on Monday.");
        assert!(it.inferred.contains_key("title"));
    }

    #[test]
    fn a_sentence_is_not_a_title() {
        let it = item("Ukraine asks its allies for air defence systems after the attack.\nMore text.");
        assert_eq!(it.title, None);
    }

    #[test]
    fn passes_over_navigation_and_labels_to_the_headline() {
        let it = item("Skip to content\nEdit post\n\nUkraine begins talks with partners about air defense\n\nby Ann Lee November 23, 2024\nBody.");
        assert_eq!(it.title.as_deref(), Some("Ukraine begins talks with partners about air defense"));
        assert_eq!(it.author.as_deref(), Some("Ann Lee"));
        assert_eq!(it.published.map(|p| p.date_naive().to_string()).as_deref(), Some("2024-11-23"));
        let it = item("World News\n\nDesperate leader unleashes new missiles\n\nBody text here.");
        assert_eq!(it.title.as_deref(), Some("Desperate leader unleashes new missiles"));
    }

    #[test]
    fn reads_markdown_and_front_matter() {
        let md = "---\ntitle: \"Port reopens\"\ndate: 2025-04-02\nsource: Harbour News\n---\n# Port reopens\n\nThe **port** reopened, [officials said](https://x.org).";
        let it = complete(Item::default(), md.to_string(), true);
        assert_eq!(it.title.as_deref(), Some("Port reopens"));
        assert_eq!(it.source.as_deref(), Some("Harbour News"));
        assert_eq!(it.text.trim(), "The port reopened, officials said.");
        assert!(it.inferred.is_empty());
    }

    #[test]
    fn the_text_is_its_lines_joined_with_line_breaks() {
        let texts = [
            "",
            "\n",
            "\n\n",
            "A long first sentence of the article that ends here.",
            "A long first sentence of the article that ends here.\n",
            "A long first sentence of the article that ends here.\n\n",
            "A sentence that ends here.\r\n\r\nAnother one, after a blank line.\r",
            "\nA sentence that opens on the second line.\n\nAnd a last one.\n\n\n",
            "Storm cuts power to thousands on the coast\n\nThe storm hit on Monday.\n",
        ];
        for text in texts {
            let completed = item(text);
            let unix = text.replace("\r\n", "\n").replace('\r', "\n");
            let mut lines: Vec<&str> = unix.lines().collect();
            if completed.title.is_some() {
                lines.remove(0);
            }
            assert_eq!(completed.text, lines.join("\n"), "{text:?}");
        }
    }

    #[test]
    fn infers_source_from_a_credit_line() {
        let it = item("A long first sentence of the article that ends here.\nSource: BFM TV");
        assert_eq!(it.source.as_deref(), Some("BFM TV"));
        assert!(it.inferred["source"].contains("line 2"));
    }
}
