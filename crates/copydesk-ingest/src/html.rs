//! HTML reduced to article text, on a real HTML5 parser.
//!
//! A page's main text comes from `trafilatura`, a port of the trafilatura extractor: it
//! scores the page's blocks and keeps the one that holds the story, without comments,
//! scripts, styles, navigation, related links, comment sections, captions or share
//! widgets. Its metadata comes from [`super::page::read_meta`], each field with the tag or
//! rule that gave it; where the page gives none, the extractor's own reading fills in.
//! A page whose text is a handful of words is a page whose story was not found: it is
//! reported and skipped, never screened as an article (two such pages would otherwise be
//! "copies" of each other's template words).
//!
//! A fragment (a feed entry's content) is reduced to its text on the same parser.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use scraper::{Html, Node};

use super::page::{read_meta, PageMeta};

/// Fewer words than this in a page's main text mean the story was not found.
pub const MIN_PAGE_WORDS: usize = 25;

/// What a page says about itself, and its main text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub title: Option<String>,
    pub published: Option<DateTime<FixedOffset>>,
    pub modified: Option<DateTime<FixedOffset>>,
    pub author: Option<String>,
    pub site: Option<String>,
    pub url: Option<String>,
    pub language: Option<String>,
    /// Where each field came from: `published` → `json-ld NewsArticle datePublished`.
    pub basis: BTreeMap<String, String>,
    /// The main text, one paragraph per block, blank lines between them.
    pub text: String,
    /// Why no article text was found, when none was.
    pub failure: Option<String>,
}

impl Page {
    /// Gives an item the page's metadata, leaving what the item already has.
    pub fn apply(&self, item: &mut crate::model::Item) {
        let mut set = |field: &str, present: bool| {
            if !present {
                if let Some(how) = self.basis.get(field) {
                    item.basis.insert(field.to_string(), how.clone());
                }
            }
        };
        set("title", item.title.is_some());
        set("source", item.source.is_some());
        set("url", item.url.is_some());
        set("author", item.author.is_some());
        set("published", item.published.is_some());
        set("modified", item.modified.is_some());
        set("language", item.language.is_some());
        item.title = item.title.take().or_else(|| self.title.clone());
        item.source = item.source.take().or_else(|| self.site.clone());
        item.url = item.url.take().or_else(|| self.url.clone());
        item.author = item.author.take().or_else(|| self.author.clone());
        item.published = item.published.or(self.published);
        item.modified = item.modified.or(self.modified);
        item.language = item.language.take().or_else(|| self.language.clone());
    }
}

/// Reads a whole page: metadata and main text. `url` is the address the page came from,
/// when known.
pub fn read_page(html: &str, url: Option<&str>) -> Page {
    let document = Html::parse_document(html);
    let meta = read_meta(&document, url);
    let mut options = trafilatura::Options::default().with_fallback(true);
    options.original_url = meta.url.as_ref().map(|u| u.value.as_str()).or(url).and_then(|u| url::Url::parse(u).ok());
    let mut page = from_meta(meta);
    match trafilatura::extract(html, &options) {
        Ok(extracted) => {
            fill(&mut page, &extracted.metadata);
            // The extracted HTML keeps the paragraphs that the flat text runs together.
            page.text = to_text(&extracted.content_html);
            // Unclosed inline elements nest, and the extractor can then emit the same text
            // once per level. A main text never holds more than the page does.
            let page_chars: usize = document.root_element().text().map(str::len).sum();
            if page.text.len() > page_chars {
                page.text = without_repeats(&page.text);
            }
        }
        Err(e) => page.failure = Some(format!("no article text found ({e})")),
    }
    // The headline is metadata, not body text.
    if let (Some(title), Some(first)) = (&page.title, page.text.lines().next()) {
        if first.trim() == title.trim() {
            page.text = page.text[first.len()..].trim_start().to_string();
        }
    }
    let words = page.text.split_whitespace().count();
    if page.failure.is_none() && words < MIN_PAGE_WORDS {
        page.failure = Some(format!(
            "no article text found: the main text has {words} words (fewer than {MIN_PAGE_WORDS}), a sign that the story was not found"
        ));
    }
    if page.failure.is_some() {
        page.text.clear();
    }
    page
}

/// The page's own metadata, with its basis.
fn from_meta(meta: PageMeta) -> Page {
    let mut page = Page::default();
    let bases = [
        ("title", meta.title.as_ref().map(|f| &f.basis)),
        ("published", meta.published.as_ref().map(|f| &f.basis)),
        ("modified", meta.modified.as_ref().map(|f| &f.basis)),
        ("author", meta.authors.as_ref().map(|f| &f.basis)),
        ("source", meta.site.as_ref().map(|f| &f.basis)),
        ("url", meta.url.as_ref().map(|f| &f.basis)),
        ("language", meta.language.as_ref().map(|f| &f.basis)),
    ];
    for (field, basis) in bases {
        if let Some(basis) = basis {
            page.basis.insert(field.to_string(), basis.clone());
        }
    }
    page.title = meta.title.map(|f| f.value);
    page.published = meta.published.map(|f| f.value);
    page.modified = meta.modified.map(|f| f.value);
    page.author = meta.authors.map(|f| f.value.join(", ")).filter(|a| !a.is_empty());
    page.site = meta.site.map(|f| f.value);
    page.url = meta.url.map(|f| f.value);
    page.language = meta.language.map(|f| f.value);
    page
}

/// Fills what the page's own metadata left open from the extractor's reading.
fn fill(page: &mut Page, found: &trafilatura::Metadata) {
    let basis = "main-text extractor";
    let given = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let mut take = |field: &str, slot: &mut Option<String>, value: Option<String>| {
        if slot.is_none() {
            if let Some(value) = value {
                *slot = Some(value);
                page_basis(&mut page.basis, field, basis);
            }
        }
    };
    let mut title = page.title.take();
    take("title", &mut title, given(&found.title));
    let mut author = page.author.take();
    take("author", &mut author, given(&found.author).filter(|a| !a.contains("://") && !a.starts_with('@')));
    let mut site = page.site.take();
    take("source", &mut site, given(&found.sitename));
    let mut language = page.language.take();
    take("language", &mut language, given(&found.language));
    (page.title, page.author, page.site, page.language) = (title, author, site, language);
    if page.published.is_none() {
        if let Some(day) = found.date.and_then(|d| d.and_hms_opt(0, 0, 0)) {
            page.published = Some(Utc.from_utc_datetime(&day).fixed_offset());
            page.basis.insert("published".into(), format!("{basis} (date only, no time)"));
        }
    }
}

fn page_basis(basis: &mut BTreeMap<String, String>, field: &str, how: &str) {
    basis.insert(field.to_string(), how.to_string());
}

/// The extractor's text with one paragraph per line, as blank-line separated paragraphs.
fn paragraphs(text: &str) -> String {
    let lines: Vec<String> =
        text.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|l| !l.is_empty()).collect();
    lines.join("\n\n")
}

/// The paragraphs of `text` less those that repeat an earlier one or are part of the
/// paragraph kept before them.
fn without_repeats(text: &str) -> String {
    let mut seen = std::collections::HashSet::new();
    let mut kept: Vec<&str> = Vec::new();
    for paragraph in text.split("\n\n") {
        let inside_last = kept.last().is_some_and(|last| last.contains(paragraph));
        if !inside_last && seen.insert(paragraph) {
            kept.push(paragraph);
        }
    }
    kept.join("\n\n")
}

/// Elements whose content is never text.
const SKIPPED: &[&str] =
    &["script", "style", "noscript", "template", "svg", "iframe", "select", "head", "button", "form", "nav"];

/// Elements that end a line of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "article",
    "section",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "dd",
    "dt",
    "main",
    "hr",
    "header",
    "footer",
    "aside",
];

/// Reduces an HTML fragment (a feed entry's content) to text: one paragraph per block,
/// scripts, styles and comments left out, entities decoded.
pub fn to_text(html: &str) -> String {
    if !html.contains('<') && !html.contains('&') {
        return paragraphs(html);
    }
    let fragment = Html::parse_fragment(html);
    let mut out = String::with_capacity(html.len() / 2);
    let mut stack = vec![(fragment.tree.root(), false)];
    while let Some((node, leaving)) = stack.pop() {
        match node.value() {
            Node::Text(text) if !leaving => push_text(&mut out, text),
            Node::Element(element) => {
                let name = element.name();
                if BLOCKS.contains(&name) {
                    out.push('\n');
                }
                if leaving || SKIPPED.contains(&name) {
                    continue;
                }
                stack.push((node, true));
                let children: Vec<_> = node.children().collect();
                stack.extend(children.into_iter().rev().map(|c| (c, false)));
            }
            _ if !leaving => {
                let children: Vec<_> = node.children().collect();
                stack.extend(children.into_iter().rev().map(|c| (c, false)));
            }
            _ => {}
        }
    }
    paragraphs(&out)
}

fn push_text(out: &mut String, text: &str) {
    let mut last_space = out.ends_with(char::is_whitespace) || out.is_empty();
    for c in text.chars() {
        if c.is_whitespace() || c == '\u{a0}' {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            out.push(c);
            last_space = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(name: &str) -> Page {
        let path = format!("{}/../../fixtures/pages/{name}", env!("CARGO_MANIFEST_DIR"));
        let html = std::fs::read_to_string(&path).expect("fixture page");
        read_page(&html, None)
    }

    #[test]
    fn nested_unclosed_elements_do_not_repeat_the_text() {
        // The shape of a page the `html` fuzz target found: each unclosed <q> made the
        // extractor emit the rest of the page once more.
        let html = "<body>vq<q>vq<q>\n<q>ab<q>\nq,q q<q>cd<q>\nq\nefgh<q>ij<q>\nq,q>$</body>";
        let page = read_page(html, None);
        assert!(page.text.len() <= html.len(), "{:?}", page.text);
        assert_eq!(page.text, "");
        assert!(page.failure.is_some_and(|f| f.contains("fewer than")));
        assert_eq!(without_repeats("a b c\n\nb c\n\nd\n\nd\n\nc"), "a b c\n\nd\n\nc");
    }

    #[test]
    fn reduces_a_fragment_to_text() {
        assert_eq!(to_text("<p>One&nbsp;two</p><p>Three <b>four</b></p>"), "One two\n\nThree four");
        assert_eq!(to_text("plain text, no tags"), "plain text, no tags");
        assert_eq!(to_text("<p>unclosed <b>tag"), "unclosed tag");
        assert_eq!(
            to_text("<p>kept</p><!-- a comment --><script>var s = '<script>';</script><p>after</p>"),
            "kept\n\nafter"
        );
    }

    #[test]
    fn the_story_is_found_and_the_furniture_left_out() {
        let page = page("story-with-furniture.html");
        assert_eq!(page.failure, None);
        assert!(page.text.contains("The harbour authority approved"), "{}", page.text);
        assert!(page.text.contains("dredging would begin in March"), "{}", page.text);
        for furniture in ["Sign up for our newsletter", "Most read", "Great article", "an HTML comment", "swallowed"] {
            assert!(!page.text.contains(furniture), "{furniture:?} leaked into:\n{}", page.text);
        }
        assert_eq!(page.site.as_deref(), Some("The Harbour Gazette"));
        assert!(page.basis["published"].contains("json-ld"), "{:?}", page.basis);
    }

    #[test]
    fn a_page_without_a_story_is_a_failure_not_an_article() {
        let html = "<html><head><title>Home</title></head><body><nav><a href='/'>Home</a></nav>\
                    <div class='teaser'><a href='/a'>Read more</a></div><footer>© 2024</footer></body></html>";
        let page = read_page(html, None);
        assert!(page.failure.is_some(), "{page:?}");
        assert!(page.text.is_empty());
    }
}
