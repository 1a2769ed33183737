//! HTML reduced to article text, on a real HTML5 parser.
//!
//! A page's main text comes from `trafilatura`, a port of the trafilatura extractor: it
//! scores the page's blocks and keeps the one that holds the story, without comments,
//! scripts, styles, navigation, related links, comment sections, captions or share
//! widgets. What the extractor keeps of the lines that point to other pages goes after it:
//! lists of links (and runs of paragraphs that are each a link) with the heading or line
//! that introduces them, "read also" lines ("Read more: …", "Lea también: …"), and a
//! short heading or a line ending in a colon left with nothing after it; the page's own
//! links tell which text was a link. Its metadata comes from [`super::page::read_meta`],
//! each field with the tag or rule that gave it; where the page gives none, the
//! extractor's own reading fills in.
//! A page whose text is a handful of words is a page whose story was not found: it is
//! reported and skipped, never screened as an article (two such pages would otherwise be
//! "copies" of each other's template words).
//!
//! A fragment (a feed entry's content) is reduced to its text on the same parser.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use scraper::{ElementRef, Html, Node, Selector};

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
            page.text = article_text(&extracted.content_html, &Links::new(&document));
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
    render(&Html::parse_fragment(html), &HashSet::new())
}

/// The text of the extractor's HTML of a story, less the blocks that point to other pages
/// rather than tell the story: lists of links with the heading or line that introduces
/// them, and paragraphs that are a "read also" line ("Read more: …", "Lea también: …").
/// Lists of links that hold much of the text are the story itself (a page of links) and
/// stay.
fn article_text(html: &str, links: &Links) -> String {
    let fragment = Html::parse_fragment(html);
    let mut dropped = HashSet::new();
    let mut lists = Vec::new();
    let total = compact(fragment.root_element()).chars().count();
    let mut listed = 0;
    for block in fragment.root_element().descendants().filter_map(ElementRef::wrap) {
        let name = block.value().name();
        if !matches!(name, "ul" | "ol" | "p") || inside_any(block, &["blockquote", "ul", "ol"]) {
            continue;
        }
        if name == "p" {
            if pointer(block, links) {
                dropped.insert(block.id());
            }
            continue;
        }
        let items = block.children().filter_map(ElementRef::wrap).filter(|c| c.value().name() == "li").count();
        let (text, linked) = links.share(block);
        if items >= 2 && linked * 5 >= text * 4 {
            lists.push(block.id());
            listed += text;
            if let Some(lead) = block.prev_siblings().find_map(ElementRef::wrap).filter(|lead| introduces(*lead)) {
                lists.push(lead.id());
            }
        }
    }
    // Paragraphs one after another that are each a link: a list in all but name.
    for parent in fragment.root_element().descendants().filter_map(ElementRef::wrap) {
        let mut run: Vec<ElementRef> = Vec::new();
        let children: Vec<ElementRef> = parent.children().filter_map(ElementRef::wrap).collect();
        for (index, child) in children.iter().enumerate() {
            let (text, linked) = links.share(*child);
            let words = child.text().flat_map(str::split_whitespace).count();
            let link_line = child.value().name() == "p" && text > 0 && linked * 5 >= text * 4 && words <= 25;
            if link_line {
                run.push(*child);
            }
            if !link_line || index + 1 == children.len() {
                if run.len() >= 2 {
                    listed += run.iter().map(|p| compact(*p).chars().count()).sum::<usize>();
                    lists.extend(run.iter().map(|p| p.id()));
                    if let Some(lead) = run[0].prev_siblings().find_map(ElementRef::wrap).filter(|l| introduces(*l)) {
                        lists.push(lead.id());
                    }
                }
                run.clear();
            }
        }
    }
    if listed * 10 <= total * 3 {
        dropped.extend(lists);
    }
    // A short heading, or a line ending in a colon, with nothing after it introduces what
    // the extractor left out (the list of other stories, the comments): it goes too.
    let blocks: Vec<ElementRef> = fragment
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|b| {
            matches!(
                b.value().name(),
                "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" | "td" | "pre" | "blockquote"
            )
        })
        .filter(|b| b.text().any(|t| !t.trim().is_empty()))
        .filter(|b| !b.ancestors().any(|a| dropped.contains(&a.id())) && !dropped.contains(&b.id()))
        .collect();
    for last in blocks.iter().rev().take(5) {
        let text: String = last.text().collect();
        let words = text.split_whitespace().count();
        let sentence = text.trim_end().ends_with(['.', '!', '?', '"', '»', '“', '”']);
        let heading = matches!(last.value().name(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6") && words <= 8 && !sentence;
        let opening = last.value().name() == "p" && text.trim_end().ends_with(':') && words <= 12;
        if !(heading || opening) {
            break;
        }
        dropped.insert(last.id());
    }
    render(&fragment, &dropped)
}

/// Whether an element sits inside one of these elements.
fn inside_any(element: ElementRef, names: &[&str]) -> bool {
    element.ancestors().filter_map(ElementRef::wrap).any(|a| names.contains(&a.value().name()))
}

/// Words of the lines that point readers to other stories, in the languages of the pages
/// read most ("read", "see also", "related", "more on").
const POINTERS: &[&str] = &[
    "read",
    "see also",
    "related",
    "more on",
    "more from",
    "recommend",
    "interesting",
    "lea ",
    "lee ",
    "leer",
    "vea ",
    "ver también",
    "mira",
    "interesar",
    "relacionad",
    "también",
    "lesen",
    "lesetipp",
    "auch",
    "mehr zum",
    "weitere",
    "empfehl",
    "interessant",
    "lire",
    "à lire",
    "voir aussi",
    "aussi",
    "leggi",
    "anche",
    "leia",
    "veja",
    "lees ook",
    "czytaj",
    "zobacz",
    "przeczytaj",
    "więcej",
];

fn names_a_pointer(text: &str) -> bool {
    let text = format!("{} ", text.to_lowercase());
    POINTERS.iter().any(|p| text.contains(p))
}

/// Whether an element is the heading or the line that introduces the list after it: a
/// heading, or a short paragraph that ends in a colon or speaks of other stories.
fn introduces(element: ElementRef) -> bool {
    let text: String = element.text().collect();
    let words = text.split_whitespace().count();
    match element.value().name() {
        "h2" | "h3" | "h4" | "h5" | "h6" => words <= 12,
        "p" => words <= 8 && (text.trim_end().ends_with(':') || names_a_pointer(&text)),
        _ => false,
    }
}

/// Whether a paragraph points to another page: a lead-in of a few words that speaks of
/// other stories, a colon ("Read also:", "Lea también:", "Czytaj też:"), and a link that
/// is most of the paragraph.
fn pointer(paragraph: ElementRef, links: &Links) -> bool {
    let text: String = paragraph.text().collect();
    let Some((lead, rest)) = text.split_once([':', '»']) else { return false };
    if !rest.starts_with(char::is_whitespace) {
        return false;
    }
    let (all, linked) = links.share(paragraph);
    (1..=5).contains(&lead.split_whitespace().count())
        && names_a_pointer(lead)
        && rest.split_whitespace().count() <= 30
        && linked * 10 >= all * 6
}

/// The links of a page, to tell which blocks of the extracted text were links: the
/// extractor keeps a link's text but not the link.
struct Links {
    /// For each paragraph, list and list item of the page that holds a link: its text
    /// without white space, and the characters of it inside links.
    linked: HashMap<String, usize>,
}

impl Links {
    fn new(document: &Html) -> Links {
        static BLOCKS: LazyLock<Selector> =
            LazyLock::new(|| Selector::parse("p, li, ul, ol").unwrap_or_else(|e| panic!("selector: {e:?}")));
        let mut linked = HashMap::new();
        for element in document.select(&BLOCKS) {
            let (mut text, mut inside) = (String::new(), 0);
            for node in element.descendants() {
                if let Node::Text(t) = node.value() {
                    let before = text.len();
                    text.extend(t.chars().filter(|c| !c.is_whitespace()));
                    let in_link = node
                        .ancestors()
                        .filter_map(ElementRef::wrap)
                        .take_while(|a| a.id() != element.id())
                        .any(|a| a.value().name() == "a");
                    if in_link {
                        inside += text[before..].chars().count();
                    }
                }
                if text.len() > 8000 {
                    break;
                }
            }
            if inside > 0 && text.len() <= 8000 {
                linked.entry(text).or_insert(inside);
            }
        }
        Links { linked }
    }

    /// The characters of an extracted block and those of them that were inside links on
    /// the page.
    fn share(&self, block: ElementRef) -> (usize, usize) {
        let key = compact(block);
        let text = key.chars().count();
        if let Some(inside) = self.linked.get(&key) {
            return (text, (*inside).min(text));
        }
        // A list the extractor took apart: its items one by one.
        let items = block.children().filter_map(ElementRef::wrap).filter(|c| c.value().name() == "li");
        let inside = items.filter_map(|li| self.linked.get(&compact(li))).sum::<usize>();
        (text, inside.min(text))
    }
}

/// The text of an element without white space.
fn compact(element: ElementRef) -> String {
    element.text().flat_map(str::chars).filter(|c| !c.is_whitespace()).collect()
}

/// The text of a parsed fragment, one paragraph per block, less the elements `dropped`.
fn render(fragment: &Html, dropped: &HashSet<ego_tree::NodeId>) -> String {
    let mut out = String::new();
    let mut stack = vec![(fragment.tree.root(), false)];
    while let Some((node, leaving)) = stack.pop() {
        match node.value() {
            Node::Text(text) if !leaving => push_text(&mut out, text),
            Node::Element(element) => {
                let name = element.name();
                if BLOCKS.contains(&name) {
                    out.push('\n');
                }
                if leaving || SKIPPED.contains(&name) || dropped.contains(&node.id()) {
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
    fn links_to_other_stories_are_not_the_story() {
        let page = page("links-furniture.html");
        assert_eq!(page.failure, None);
        for kept in ["petition signed by more than four thousand", "as the ferry trust proposed", "free for children."]
        {
            assert!(page.text.contains(kept), "{kept:?} lost from:\n{}", page.text);
        }
        for furniture in [
            "Read also",
            "Road bridge to close",
            "More on this topic",
            "Four thousand sign petition",
            "A hundred years of crossing",
            "From the same column",
            "market hall",
            "library's longer hours",
            "You might also like",
        ] {
            assert!(!page.text.contains(furniture), "{furniture:?} leaked into:\n{}", page.text);
        }
        assert!(page.text.ends_with("free for children."), "{}", page.text);
    }

    #[test]
    fn a_page_of_links_keeps_its_links() {
        // When the lists of links are most of the text, they are the story.
        let items: String = (1..=6)
            .map(|i| format!("<li><a href='/d/{i}'>Deal number {i}: a tent for two at half price</a></li>"))
            .collect();
        let html = format!(
            "<html><body><article><h1>Weekend deals</h1><p>Six offers we found this week, all ending on Sunday night, chosen by the editors.</p><ul>{items}</ul></article></body></html>"
        );
        let page = read_page(&html, None);
        assert!(page.text.contains("Deal number 3"), "{page:?}");
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
