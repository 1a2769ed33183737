//! HTML reduced to article text: the main text of a page (its `<article>`, else `<main>`,
//! else `<body>`), without scripts, navigation, headers, footers or forms, one block per
//! line, entities decoded. Also the page metadata news sites publish in `<meta>` tags.

use std::sync::LazyLock;

use regex::Regex;

/// What a page says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub title: Option<String>,
    pub published: Option<String>,
    pub author: Option<String>,
    pub site: Option<String>,
    pub url: Option<String>,
    pub text: String,
}

/// Elements whose content is never article text.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form", "button", "iframe",
    "select", "head",
];

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
    "title",
];

static ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)([a-z_:\-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#).expect("attribute pattern")
});

/// Reduces an HTML fragment (a feed entry's content) to text.
pub fn to_text(html: &str) -> String {
    collapse_blank_lines(&render(html))
}

/// Reads a whole page: metadata and main text.
pub fn read_page(html: &str) -> Page {
    let mut page = Page::default();
    for tag in tags(html) {
        let name = tag.name.as_str();
        if name == "meta" {
            let key =
                tag.attribute("property").or_else(|| tag.attribute("name")).unwrap_or_default().to_ascii_lowercase();
            let Some(content) = tag.attribute("content").filter(|c| !c.trim().is_empty()) else { continue };
            let content = decode(&content);
            match key.as_str() {
                "article:published_time" | "datepublished" | "pubdate" | "date" | "dc.date" => {
                    page.published.get_or_insert(content);
                }
                "author" | "article:author" => {
                    page.author.get_or_insert(content);
                }
                "og:site_name" | "application-name" => {
                    page.site.get_or_insert(content);
                }
                "og:title" => {
                    page.title.get_or_insert(content);
                }
                "og:url" => {
                    page.url.get_or_insert(content);
                }
                _ => {}
            }
        } else if name == "link" && tag.attribute("rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical")) {
            if let Some(href) = tag.attribute("href") {
                page.url = Some(decode(&href));
            }
        }
    }
    if page.title.is_none() {
        page.title = element_text(html, "title").or_else(|| element_text(html, "h1"));
    }
    let main = element_inner(html, "article")
        .or_else(|| element_inner(html, "main"))
        .or_else(|| element_inner(html, "body"))
        .unwrap_or(html);
    let mut text = to_text(main);
    // The headline is metadata, not body text.
    if let Some(title) = &page.title {
        if let Some(first) = text.lines().next() {
            if first.trim() == title.trim() {
                text = text[first.len()..].trim_start().to_string();
            }
        }
    }
    page.text = text;
    page
}

struct Tag {
    name: String,
    closing: bool,
    raw: String,
    /// Byte offsets of the tag in the document.
    start: usize,
    end: usize,
}

impl Tag {
    fn attribute(&self, wanted: &str) -> Option<String> {
        ATTRIBUTE.captures_iter(&self.raw).find(|c| c[1].eq_ignore_ascii_case(wanted)).map(|c| {
            c.get(2).or_else(|| c.get(3)).or_else(|| c.get(4)).map_or(String::new(), |m| m.as_str().to_string())
        })
    }
}

/// The tags of a document, in order. Comments and declarations are skipped.
fn tags(html: &str) -> impl Iterator<Item = Tag> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || loop {
        let open = at + html.get(at..)?.find('<')?;
        if html[open..].starts_with("<!--") {
            at = html[open..].find("-->").map_or(html.len(), |i| open + i + 3);
            continue;
        }
        let close = open + html[open..].find('>')?;
        at = close + 1;
        let inner = &html[open + 1..close];
        let closing = inner.starts_with('/');
        let name: String = inner
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == ':' || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        return Some(Tag { name, closing, raw: inner.to_string(), start: open, end: close + 1 });
    })
}

fn render(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut skipping: Option<(String, usize)> = None;
    let mut at = 0;
    for tag in tags(html) {
        if skipping.is_none() {
            push_text(&mut out, &html[at..tag.start]);
        }
        at = tag.end;
        match &mut skipping {
            Some((name, depth)) if *name == tag.name => {
                if tag.closing {
                    *depth -= 1;
                    if *depth == 0 {
                        skipping = None;
                    }
                } else if !tag.raw.ends_with('/') {
                    *depth += 1;
                }
                continue;
            }
            Some(_) => continue,
            None => {}
        }
        if !tag.closing && SKIPPED.contains(&tag.name.as_str()) && !tag.raw.ends_with('/') {
            skipping = Some((tag.name.clone(), 1));
            continue;
        }
        if BLOCKS.contains(&tag.name.as_str()) {
            out.push('\n');
        }
    }
    if skipping.is_none() {
        push_text(&mut out, &html[at.min(html.len())..]);
    }
    out
}

fn push_text(out: &mut String, raw: &str) {
    if raw.is_empty() {
        return;
    }
    let decoded = decode(raw);
    let mut last_space = out.ends_with(char::is_whitespace) || out.is_empty();
    for c in decoded.chars() {
        if c.is_whitespace() {
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

fn decode(text: &str) -> String {
    html_escape::decode_html_entities(text).replace('\u{a0}', " ")
}

fn collapse_blank_lines(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    lines.join("\n\n")
}

/// The inner HTML of the first `name` element.
fn element_inner<'a>(html: &'a str, name: &str) -> Option<&'a str> {
    let mut start = None;
    let mut depth = 0usize;
    for tag in tags(html).filter(|t| t.name == name) {
        match (tag.closing, start) {
            (false, None) => {
                start = Some(tag.end);
                depth = 1;
            }
            (false, Some(_)) => depth += 1,
            (true, Some(begin)) => {
                depth -= 1;
                if depth == 0 {
                    return html.get(begin..tag.start);
                }
            }
            (true, None) => {}
        }
    }
    start.and_then(|begin| html.get(begin..))
}

fn element_text(html: &str, name: &str) -> Option<String> {
    let text = collapse_blank_lines(&render(element_inner(html, name)?));
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_article_and_drops_the_page_around_it() {
        let html = r#"<!doctype html><html><head><title>Storm hits coast</title>
            <meta property="article:published_time" content="2025-02-03T08:00:00Z">
            <meta name="author" content="Ana Lima"><meta property="og:site_name" content="Coastal Post">
            <link rel="canonical" href="https://example.org/storm"><script>var x = "<p>no</p>";</script></head>
            <body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
            <article><h1>Storm hits coast</h1><p>The storm made landfall &amp; cut power.</p>
            <p>Officials said<br>repairs would take days.</p><aside>Read more: other story</aside></article>
            <footer>© 2025 Coastal Post</footer></body></html>"#;
        let page = read_page(html);
        assert_eq!(page.title.as_deref(), Some("Storm hits coast"));
        assert_eq!(page.published.as_deref(), Some("2025-02-03T08:00:00Z"));
        assert_eq!(page.author.as_deref(), Some("Ana Lima"));
        assert_eq!(page.site.as_deref(), Some("Coastal Post"));
        assert_eq!(page.url.as_deref(), Some("https://example.org/storm"));
        assert_eq!(page.text, "The storm made landfall & cut power.\n\nOfficials said\n\nrepairs would take days.");
    }

    #[test]
    fn reduces_a_fragment_to_text() {
        assert_eq!(to_text("<p>One&nbsp;two</p><p>Three <b>four</b></p>"), "One two\n\nThree four");
        assert_eq!(to_text("plain text, no tags"), "plain text, no tags");
        assert_eq!(to_text("<p>unclosed <b>tag"), "unclosed tag");
    }
}
