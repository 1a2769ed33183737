//! Page metadata: title, dates, authors, outlet, address and language of a parsed HTML
//! page, each with the tag or rule that gave it.
//!
//! A page says the same thing in many places, and not all of them can be trusted alike.
//! The publication date is looked for in the order of trust that real pages bear out:
//! JSON-LD (`NewsArticle`, `Article`, `BlogPosting`, `WebPage` and their kin, inside
//! `@graph` and arrays, even when the JSON is slightly broken), OpenGraph
//! `article:published_time`, `itemprop="datePublished"`, the meta names of the common
//! content-management systems, `<time>` elements (those marked as the publication first),
//! the URL path, and last the dates written in bylines and at the top of the text (never
//! in menus, sidebars, teasers or comments), in English, German, French, Spanish, Italian,
//! Portuguese and Dutch with their abbreviations, the month names of twelve more
//! languages, and `2020年3月12日`. Published and modified
//! dates are kept apart: a date marked as an update is never taken for the publication.
//! The day a page shows its readers in the lines under its headline is the day they take
//! for the publication, and wins over metadata that names another day, unless the address
//! names the metadata's day too. Dates before 1995 or in the future are not believed.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};
use ego_tree::NodeId;
use regex::Regex;
use scraper::{ElementRef, Html, Node, Selector};
use serde_json::Value;

use crate::util::{read_timestamp_with, Timestamp};

/// A value read from a page, with the tag or rule it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field<T> {
    pub value: T,
    /// Which tag or rule gave the value: `json-ld NewsArticle datePublished`,
    /// `meta og:site_name`, `url path /2024/11/22/`, `text "Publié le 12 mars 2020"`.
    pub basis: String,
}

impl<T> Field<T> {
    fn new(value: T, basis: impl Into<String>) -> Self {
        Field { value, basis: basis.into() }
    }
}

/// The metadata of one page. A field is `None` when the page does not give it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageMeta {
    pub title: Option<Field<String>>,
    /// When the page was first published. A date without a time of day is midnight UTC,
    /// and its basis says so.
    pub published: Option<Field<DateTime<FixedOffset>>>,
    /// When the page says it was last changed; never used as the published date.
    pub modified: Option<Field<DateTime<FixedOffset>>>,
    /// The authors' names, without "By", handles, profile addresses or the outlet's name.
    pub authors: Option<Field<Vec<String>>>,
    /// The outlet: the publisher's name, else the site name, else the host.
    pub site: Option<Field<String>>,
    /// The page's own address: canonical link, else `og:url`, else the address given.
    pub url: Option<Field<String>>,
    /// The page's language as declared (`en`, `de-DE`); not detected from the text.
    pub language: Option<Field<String>>,
}

/// Reads the metadata of a page; `url` is the address the page was fetched from, when
/// known, used for dates in its path and as the last resort for the outlet.
pub fn read_meta(html: &Html, url: Option<&str>) -> PageMeta {
    let page = Page::new(html);
    let ld = JsonLd::read(html);
    let language = language(html, &page);
    let address = address(html, &page, url);
    let site = site(&page, &ld, address.as_ref().map(|f| f.value.as_str()).or(url));
    let site_name = site.as_ref().map(|f| f.value.as_str());
    let title = title(html, &page, &ld, site_name);
    let authors = authors(html, &page, &ld, site_name);
    let lang = language.as_ref().map(|f| f.value.as_str());
    let (published, modified) = dates(html, &page, &ld, url.or(address.as_ref().map(|f| f.value.as_str())), lang);
    PageMeta { title, published, modified, authors, site, url: address, language }
}

/// Parses a CSS selector written in this file.
macro_rules! selector {
    ($css:literal) => {{
        static SELECTOR: LazyLock<Selector> =
            LazyLock::new(|| Selector::parse($css).unwrap_or_else(|e| panic!("selector {}: {e:?}", $css)));
        &*SELECTOR
    }};
}

/// The `<meta>` tags of a page, by lower-case name (`name`, `property`, `itemprop` or
/// `http-equiv`), in document order.
struct Page {
    metas: Vec<(String, String)>,
}

impl Page {
    fn new(html: &Html) -> Page {
        let mut metas = Vec::new();
        for meta in html.select(selector!("meta[content]")) {
            let Some(content) = meta.attr("content").map(clean).filter(|c| !c.is_empty()) else { continue };
            for key in ["property", "name", "itemprop", "http-equiv"] {
                if let Some(name) = meta.attr(key) {
                    metas.push((name.trim().to_lowercase(), content.clone()));
                }
            }
        }
        Page { metas }
    }

    /// The first value of a meta name.
    fn meta(&self, name: &str) -> Option<&str> {
        self.metas.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// Every value of a meta name.
    fn metas<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.metas.iter().filter(move |(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// Collapses white space and trims.
fn clean(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------------------
// JSON-LD

/// The JSON-LD objects of a page, flattened out of arrays, `@graph` and nesting.
struct JsonLd {
    nodes: Vec<Value>,
    /// The raw text of scripts that would not parse even after repair.
    broken: Vec<String>,
}

/// Properties whose objects describe other things than the page itself: other articles,
/// comments, reviews, the parts of a live blog.
const LD_FOREIGN: &[&str] = &[
    "itemListElement",
    "comment",
    "review",
    "liveBlogUpdate",
    "citation",
    "relatedLink",
    "significantLink",
    "hasPart",
];

impl JsonLd {
    fn read(html: &Html) -> JsonLd {
        let mut ld = JsonLd { nodes: Vec::new(), broken: Vec::new() };
        for script in html.select(selector!("script[type]")) {
            let kind = script.attr("type").unwrap_or_default().trim().to_ascii_lowercase();
            if kind != "application/ld+json" && kind != "application/json+ld" {
                continue;
            }
            let text: String = script.text().collect();
            let values = parse_json_lenient(&text);
            if values.is_empty() {
                ld.broken.push(text);
            }
            for value in values {
                flatten(value, &mut ld.nodes, 0);
            }
        }
        ld
    }

    /// The nodes that describe the page, best first: articles, then pages, then anything
    /// else that carries a publication date.
    fn ranked(&self) -> Vec<(&Value, &str)> {
        let mut ranked: Vec<(u8, usize, &Value, &str)> = Vec::new();
        for (index, node) in self.nodes.iter().enumerate() {
            let types = types(node);
            let rank = if types.iter().any(|t| is_article_type(t)) {
                0
            } else if types.iter().any(|t| t.ends_with("Page")) {
                1
            } else if types.iter().any(|t| is_other_thing(t)) {
                continue;
            } else if node.get("datePublished").is_some() {
                2
            } else {
                continue;
            };
            let name = types.iter().copied().find(|t| is_article_type(t) || t.ends_with("Page"));
            ranked.push((rank, index, node, name.or(types.first().copied()).unwrap_or("node")));
        }
        ranked.sort_by_key(|(rank, index, _, _)| (*rank, *index));
        ranked.into_iter().map(|(_, _, node, name)| (node, name)).collect()
    }

    /// The node with this `@id`.
    fn by_id(&self, id: &str) -> Option<&Value> {
        self.nodes.iter().find(|node| {
            node.get("@id").and_then(Value::as_str) == Some(id) && node.as_object().is_some_and(|o| o.len() > 1)
        })
    }

    /// A node, or the node its `@id` refers to.
    fn resolve<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value.as_object() {
            Some(object) if object.len() == 1 => {
                value.get("@id").and_then(Value::as_str).and_then(|id| self.by_id(id)).unwrap_or(value)
            }
            _ => value,
        }
    }
}

fn is_article_type(t: &str) -> bool {
    t.ends_with("Article") || t.ends_with("Posting") || t == "Report"
}

/// Types whose dates and names are not the page's.
fn is_other_thing(t: &str) -> bool {
    matches!(
        t,
        "WebSite"
            | "Person"
            | "ImageObject"
            | "VideoObject"
            | "Comment"
            | "BreadcrumbList"
            | "ListItem"
            | "ItemList"
            | "SiteNavigationElement"
            | "WPHeader"
            | "WPFooter"
            | "WPSideBar"
    ) || t.ends_with("Organization")
}

fn types(node: &Value) -> Vec<&str> {
    match node.get("@type") {
        Some(Value::String(t)) => vec![short_type(t)],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).map(short_type).collect(),
        _ => Vec::new(),
    }
}

/// `http://schema.org/NewsArticle` and `schema:NewsArticle` are `NewsArticle`.
fn short_type(t: &str) -> &str {
    t.rsplit(['/', ':']).next().unwrap_or(t).trim()
}

/// Puts every object inside `value` into `out`, the object itself first; the objects under
/// properties that describe other things are left out.
fn flatten(value: Value, out: &mut Vec<Value>, depth: usize) {
    if depth > 12 {
        return;
    }
    match value {
        Value::Array(list) => {
            for value in list {
                flatten(value, out, depth + 1);
            }
        }
        Value::Object(mut object) => {
            let graph = object.remove("@graph");
            let mut children = Vec::new();
            for (key, child) in &object {
                if !LD_FOREIGN.contains(&key.as_str()) && (child.is_object() || child.is_array()) {
                    children.push(child.clone());
                }
            }
            out.push(Value::Object(object));
            if let Some(graph) = graph {
                flatten(graph, out, depth + 1);
            }
            for child in children {
                flatten(child, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// Parses the JSON values of a script, repairing what pages commonly break: HTML comment
/// and CDATA wrappers, raw control characters inside strings, trailing commas, `\'`.
fn parse_json_lenient(text: &str) -> Vec<Value> {
    let values = parse_json_stream(text);
    if !values.is_empty() {
        return values;
    }
    static TRAILING_COMMA: LazyLock<Regex> = LazyLock::new(|| Regex::new(r",(\s*[}\]])").expect("regex"));
    let mut repaired: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    for wrapper in ["<!--", "-->", "<![CDATA[", "]]>", "//"] {
        if repaired.contains(wrapper) && !wrapper.starts_with('/') {
            repaired = repaired.replace(wrapper, " ");
        }
    }
    repaired = repaired.replace("\\'", "'");
    let repaired = TRAILING_COMMA.replace_all(&repaired, "$1");
    let repaired = repaired.trim().trim_end_matches(';');
    parse_json_stream(repaired)
}

/// The JSON values one after another in `text`, up to the first that does not parse.
fn parse_json_stream(text: &str) -> Vec<Value> {
    serde_json::Deserializer::from_str(text.trim()).into_iter::<Value>().map_while(Result::ok).collect()
}

/// A JSON-LD value as text: a string, or the `name` of an object.
fn ld_text<'a>(ld: &'a JsonLd, value: &'a Value) -> Vec<&'a str> {
    match ld.resolve(value) {
        Value::String(s) => vec![s.as_str()],
        Value::Array(list) => list.iter().flat_map(|v| ld_text(ld, v)).collect(),
        object @ Value::Object(_) => object.get("name").map(|n| ld_text(ld, n)).unwrap_or_default(),
        _ => Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------
// Title, outlet, address, language

fn title(html: &Html, page: &Page, ld: &JsonLd, site: Option<&str>) -> Option<Field<String>> {
    let mut found: Option<Field<String>> = None;
    if let Some((node, kind)) =
        ld.ranked().into_iter().find(|(node, kind)| is_article_type(kind) && node.get("headline").is_some())
    {
        if let Some(headline) = node.get("headline").and_then(Value::as_str).map(clean).filter(|h| !h.is_empty()) {
            found = Some(Field::new(decode_entities(&headline), format!("json-ld {kind} headline")));
        }
    }
    if found.is_none() {
        for name in ["og:title", "twitter:title", "dc.title", "parsely-title", "sailthru.title", "title"] {
            if let Some(value) = page.meta(name) {
                found = Some(Field::new(value.to_string(), format!("meta {name}")));
                break;
            }
        }
    }
    let h1 = html
        .select(selector!("h1"))
        .map(|h| clean(&h.text().collect::<String>()))
        .find(|h| (3..=300).contains(&h.chars().count()));
    let head =
        html.select(selector!("title")).next().map(|t| clean(&t.text().collect::<String>())).filter(|t| !t.is_empty());
    let mut found =
        found.or_else(|| h1.clone().map(|h| Field::new(h, "h1"))).or_else(|| head.map(|t| Field::new(t, "title")))?;
    // The headline of the page is the h1 when the title given is the h1 with the site's
    // name around it.
    if let Some(h1) = &h1 {
        if found.value != *h1
            && found.value.contains(h1.as_str())
            && h1.chars().count() * 2 > found.value.chars().count()
        {
            found = Field::new(h1.clone(), "h1");
        }
    }
    found.value = strip_site(&found.value, site);
    Some(found)
}

/// Cuts the site's name off a title: `Story | Outlet`, `Outlet - Story`.
fn strip_site(title: &str, site: Option<&str>) -> String {
    let Some(site) = site.map(str::to_lowercase) else { return title.to_string() };
    for sep in [" | ", " - ", " – ", " — ", " :: ", " · ", " » "] {
        let parts: Vec<&str> = title.split(sep).collect();
        if parts.len() < 2 {
            continue;
        }
        let is_site = |part: &str| {
            let part = part.trim().to_lowercase();
            part == site
                || site.contains(&part) && part.len() > 3
                || part.contains(&site) && part.len() < site.len() + 12
        };
        if let Some(last) = parts.last().filter(|p| is_site(p)) {
            return title[..title.len() - last.len() - sep.len()].trim().to_string();
        }
        if let Some(first) = parts.first().filter(|p| is_site(p)) {
            return title[first.len() + sep.len()..].trim().to_string();
        }
    }
    title.to_string()
}

fn decode_entities(text: &str) -> String {
    html_escape::decode_html_entities(text).into_owned()
}

fn site(page: &Page, ld: &JsonLd, url: Option<&str>) -> Option<Field<String>> {
    for (node, kind) in ld.ranked() {
        if let Some(publisher) = node.get("publisher") {
            if let Some(name) = ld_text(ld, publisher).into_iter().map(clean).find(|n| !n.is_empty()) {
                return Some(Field::new(decode_entities(&name), format!("json-ld {kind} publisher.name")));
            }
        }
    }
    for name in ["og:site_name", "application-name"] {
        if let Some(value) = page.meta(name) {
            return Some(Field::new(value.to_string(), format!("meta {name}")));
        }
    }
    let host = host(url?)?;
    Some(Field::new(host.clone(), format!("host {host}")))
}

/// The host of an address, without `www.`.
fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?.split(':').next()?.to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    (host.contains('.')).then(|| host.to_string())
}

fn address(html: &Html, page: &Page, url: Option<&str>) -> Option<Field<String>> {
    let given = url.filter(|u| u.starts_with("http"));
    let canonical = html
        .select(selector!("link[rel][href]"))
        .find(|l| l.attr("rel").is_some_and(|r| r.split_whitespace().any(|r| r.eq_ignore_ascii_case("canonical"))));
    if let Some(href) = canonical.and_then(|l| l.attr("href")).and_then(|h| absolute(h, given)) {
        return Some(Field::new(href, "link canonical"));
    }
    if let Some(href) = page.meta("og:url").and_then(|h| absolute(h, given)) {
        return Some(Field::new(href, "meta og:url"));
    }
    given.map(|u| Field::new(u.to_string(), "address given"))
}

/// An address made absolute against the page's own, when it can be.
fn absolute(href: &str, base: Option<&str>) -> Option<String> {
    let href = href.trim();
    if href.starts_with("http://") || href.starts_with("https://") {
        return Some(href.to_string());
    }
    let base = base?;
    let (scheme, rest) = base.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    if let Some(path) = href.strip_prefix("//") {
        return Some(format!("{scheme}://{path}"));
    }
    href.starts_with('/').then(|| format!("{scheme}://{host}{href}"))
}

fn language(html: &Html, page: &Page) -> Option<Field<String>> {
    let tag = |value: &str| {
        let value = value.trim().replace('_', "-");
        let ok = (2..=20).contains(&value.len()) && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        ok.then_some(value)
    };
    if let Some(lang) = html.root_element().attr("lang").and_then(tag) {
        return Some(Field::new(lang, "html lang"));
    }
    for name in ["og:locale", "content-language", "language", "dc.language", "inlanguage"] {
        if let Some(lang) = page.meta(name).and_then(tag) {
            return Some(Field::new(lang, format!("meta {name}")));
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// Authors

fn authors(html: &Html, page: &Page, ld: &JsonLd, site: Option<&str>) -> Option<Field<Vec<String>>> {
    let found = |raw: Vec<&str>, basis: String| {
        let names = names(&raw, site);
        (!names.is_empty()).then(|| Field::new(names, basis))
    };
    for (node, kind) in ld.ranked() {
        for key in ["author", "creator"] {
            if let Some(author) = node.get(key) {
                if let Some(field) = found(ld_text(ld, author), format!("json-ld {kind} {key}")) {
                    return Some(field);
                }
            }
        }
    }
    for name in [
        "author",
        "article:author",
        "parsely-author",
        "sailthru.author",
        "dc.creator",
        "dcterms.creator",
        "citation_author",
        "byl",
        "article:author_name",
        "cxenseparse:author",
    ] {
        if let Some(field) = found(page.metas(name).collect(), format!("meta {name}")) {
            return Some(field);
        }
    }
    for element in html.select(selector!("[itemprop~=author]")) {
        let named = element.select(selector!("[itemprop~=name]")).next().unwrap_or(element);
        let text = named.attr("content").map(str::to_string).unwrap_or_else(|| element_text(named, 200));
        if let Some(field) = found(vec![&text], "itemprop author".into()) {
            return Some(field);
        }
    }
    for link in html.select(selector!("a[rel~=author]")) {
        if let Some(field) = found(vec![&element_text(link, 200)], "link rel=author".into()) {
            return Some(field);
        }
    }
    for element in html.select(selector!(
        ".byline, .author, .author-name, .byline-name, .article-author, .post-author, .entry-author, [class*=byline], [class*=author-name]"
    )) {
        if inside(element, &["footer", "aside", "nav"], &["comment", "related", "sidebar"]) {
            continue;
        }
        let text = element_text(element, 300);
        if text.chars().count() > 120 {
            continue;
        }
        if let Some(field) = found(vec![&text], format!("byline {}", describe(element))) {
            return Some(field);
        }
    }
    None
}

/// The names in author values: "By …" and its equivalents cut, lists split ("A and B",
/// "A, B"), and profile addresses, handles, e-mail addresses and the outlet's name left out.
fn names(raw: &[&str], site: Option<&str>) -> Vec<String> {
    static BY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:(?:written|posted|reported|text|story|words|photos?)\s+)?(?:by|von|par|por|di|door|de|author|autor|auteur|autore|auteur|texto|text|redactado por|escrito por)\b\s*:?\s*")
            .expect("regex")
    });
    static SPLIT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\s*(?:,|;|\||/|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\ben\b|\bwith\b)\s*").expect("regex")
    });
    let site = site.map(str::to_lowercase);
    let mut out: Vec<String> = Vec::new();
    for value in raw {
        let value = clean(&decode_entities(value));
        if value.contains("://") || value.starts_with("www.") || value.starts_with('/') {
            continue;
        }
        let value = BY.replace(&value, "");
        for part in SPLIT.split(&value) {
            let name = BY.replace(part.trim(), "");
            let name = name.trim_matches(|c: char| !c.is_alphanumeric() && c != '.').trim();
            let words = name.split_whitespace().count();
            let plausible = (1..=5).contains(&words)
                && name.chars().any(char::is_alphabetic)
                && !name.chars().any(|c| c.is_ascii_digit() || c == '@' || c == '#')
                && !name.contains("http")
                && name.chars().next().is_some_and(|c| !c.is_lowercase());
            if !plausible {
                continue;
            }
            let lower = name.to_lowercase();
            if site.as_deref().is_some_and(|s| s == lower || host_like(&lower)) {
                continue;
            }
            if !out.iter().any(|n| n.to_lowercase() == lower) {
                out.push(name.to_string());
            }
        }
    }
    out
}

/// Whether a name is written like a host (`example.com`).
fn host_like(name: &str) -> bool {
    !name.contains(' ')
        && name.contains('.')
        && name.rsplit('.').next().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_lowercase()))
}

/// The visible text of an element, collapsed, at most about `limit` characters.
fn element_text(element: ElementRef, limit: usize) -> String {
    let mut out = String::new();
    visible_text(element, &mut out, limit);
    clean(&out)
}

/// The visible text of an element without the page's furniture: menus, asides, footers,
/// forms, comments, lists of other stories, share and newsletter boxes.
fn story_text(element: ElementRef, limit: usize) -> String {
    let mut out = String::new();
    visible_text_of(element, &mut out, limit, furniture);
    clean(&out)
}

/// Whether an element is page furniture rather than the story, by its name or by a class
/// or id that names a menu, an aside, comments or other stories.
fn furniture(element: ElementRef) -> bool {
    static MARKS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)comment|related|sidebar|widget|teaser|recommend|menu|navigation|navbar|breadcrumb|newsletter|share|social|footer|cookie|banner|promo|popular|most-read|trending")
            .expect("regex")
    });
    // A container of the story that also names its sidebars (`main has-sidebar`) is not
    // furniture; comments are, whatever else their class says.
    static STORY: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)main|article|content|story|body|entry").expect("regex"));
    if matches!(element.value().name(), "nav" | "aside" | "footer" | "form" | "menu") {
        return true;
    }
    let marks = marks(element);
    MARKS.is_match(&marks) && (marks.contains("comment") || !STORY.is_match(&marks))
}

/// Appends the text of an element, leaving out scripts, styles and other invisible parts.
fn visible_text(element: ElementRef, out: &mut String, limit: usize) {
    visible_text_of(element, out, limit, |_| false);
}

/// Appends the visible text of an element, less the elements `skip` names.
fn visible_text_of(element: ElementRef, out: &mut String, limit: usize, skip: fn(ElementRef) -> bool) {
    for child in element.children() {
        if out.len() >= limit {
            return;
        }
        if let Some(text) = child.value().as_text() {
            out.push_str(text);
        } else if let Some(child) = ElementRef::wrap(child) {
            let name = child.value().name();
            if matches!(name, "script" | "style" | "noscript" | "template" | "svg" | "select" | "button") {
                continue;
            }
            if skip(child) {
                out.push(' ');
                continue;
            }
            let block = matches!(
                name,
                "p" | "div" | "br" | "li" | "h1" | "h2" | "h3" | "h4" | "td" | "section" | "time" | "span"
            );
            if block {
                out.push(' ');
            }
            visible_text_of(child, out, limit, skip);
            if block {
                out.push(' ');
            }
        }
    }
}

/// Whether an element sits inside one of these elements, or inside one whose class or id
/// holds one of these words.
fn inside(element: ElementRef, names: &[&str], words: &[&str]) -> bool {
    element.ancestors().filter_map(ElementRef::wrap).any(|a| {
        names.contains(&a.value().name()) || {
            let marks = marks(a);
            words.iter().any(|w| marks.contains(w))
        }
    })
}

/// The class and id of an element, in lower case.
fn marks(element: ElementRef) -> String {
    let mut marks = String::new();
    for key in ["class", "id", "itemprop"] {
        if let Some(value) = element.value().attr(key) {
            marks.push_str(&value.to_lowercase());
            marks.push(' ');
        }
    }
    marks
}

/// An element as a basis: `span.byline`.
fn describe(element: ElementRef) -> String {
    let name = element.value().name();
    match element.value().classes().next() {
        Some(class) => format!("{name}.{class}"),
        None => match element.value().id() {
            Some(id) => format!("{name}#{id}"),
            None => name.to_string(),
        },
    }
}

// ---------------------------------------------------------------------------------------
// Dates

type Date = Field<DateTime<FixedOffset>>;

/// The meta names that give the publication date, after `article:published_time`.
const PUBLISHED_METAS: &[&str] = &[
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.date",
    "dc.date",
    "dcterms.created",
    "dc.date.created",
    "dc.created",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "published-date",
    "published_date",
    "publication_date",
    "publication-date",
    "publicationdate",
    "pub_date",
    "date_published",
    "datepublished",
    "published_time",
    "publish_time",
    "publishtime",
    "article.published",
    "article_date_original",
    "article.created",
    "article:published",
    "og:published_time",
    "og:article:published_time",
    "cxenseparse:recs:publishtime",
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "rnews:datepublished",
    "bt:pubdate",
    "originalpublicationdate",
    "displaydate",
    "sailthru.published",
    "release_date",
    "datecreated",
    "created",
    "dc:date",
];

/// The meta names that give the date of the last change.
const MODIFIED_METAS: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "article:modified",
    "datemodified",
    "dcterms.modified",
    "dc.date.modified",
    "modified_time",
    "modified",
    "lastmod",
    "last-modified",
    "article.updated",
    "dateupdated",
    "date_updated",
    "updated",
    "revised",
    "cxenseparse:recs:articlemodified",
];

/// Whether the page's language writes numeric dates month first (`03/12/2020` for March
/// 12): American English and English without a region.
fn month_first(lang: Option<&str>) -> bool {
    let lang = lang.unwrap_or("").to_ascii_lowercase();
    matches!(lang.as_str(), "en" | "en-us" | "en-ca" | "en-ph")
}

/// The earliest publication date believed.
fn earliest() -> NaiveDate {
    NaiveDate::from_ymd_opt(1995, 1, 1).unwrap_or_default()
}

/// A date from a timestamp value, if it reads and is plausible.
fn date_field(lang: Option<&str>, value: &str, basis: impl Into<String>) -> Option<Date> {
    let stamp = read_timestamp_with(value, !month_first(lang))?;
    from_stamp(stamp, basis.into())
}

fn from_stamp(stamp: Timestamp, basis: String) -> Option<Date> {
    plausible(stamp.at).then(|| {
        let basis = if stamp.has_time { basis } else { format!("{basis}{DATE_ONLY}") };
        Field::new(stamp.at, basis)
    })
}

fn plausible(at: DateTime<FixedOffset>) -> bool {
    let tomorrow = Utc::now() + chrono::Duration::days(1);
    at.date_naive() >= earliest() && at.with_timezone(&Utc) <= tomorrow
}

/// A day at midnight UTC, for dates read from the URL or the text.
fn day_field(day: NaiveDate, basis: String) -> Option<Date> {
    let at = FixedOffset::east_opt(0)?.from_utc_datetime(&day.and_hms_opt(0, 0, 0)?);
    from_stamp(Timestamp { at, has_time: false }, basis)
}

fn dates(html: &Html, page: &Page, ld: &JsonLd, url: Option<&str>, lang: Option<&str>) -> (Option<Date>, Option<Date>) {
    let modified = modified(html, page, ld, lang);
    let published = published(html, page, ld, url, lang);
    (published, modified)
}

fn published(html: &Html, page: &Page, ld: &JsonLd, url: Option<&str>, lang: Option<&str>) -> Option<Date> {
    // Every candidate, in the order of trust; the first is the answer, the others may
    // tell the local day of a UTC timestamp.
    let mut candidates: Vec<Date> = Vec::new();
    for key in ["datePublished", "dateCreated"] {
        for (node, kind) in ld.ranked() {
            let basis = format!("json-ld {kind} {key}");
            candidates.extend(node.get(key).and_then(Value::as_str).and_then(|v| date_field(lang, v, basis)));
        }
    }
    static LD_PUBLISHED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#""datePublished"\s*:\s*"([^"]{6,40})""#).expect("regex"));
    for text in &ld.broken {
        let basis = "json-ld datePublished (in a script that does not parse)";
        candidates.extend(LD_PUBLISHED.captures(text).and_then(|c| date_field(lang, &c[1], basis)));
    }
    candidates.extend(
        page.metas("article:published_time").filter_map(|v| date_field(lang, v, "meta article:published_time")),
    );
    for element in html.select(selector!("[itemprop~=datePublished]")) {
        candidates.extend(element_date(element, "itemprop datePublished", lang));
    }
    for name in PUBLISHED_METAS {
        candidates.extend(page.metas(name).filter_map(|v| date_field(lang, v, format!("meta {name}"))));
    }
    for element in html.select(selector!("abbr.published[title], .published[title], [class~=dtstart][title]")) {
        candidates
            .extend(element.attr("title").and_then(|v| date_field(lang, v, format!("{} title", describe(element)))));
    }
    candidates.extend(time_element(html, lang));
    candidates.extend(url.and_then(url_date));
    candidates.extend(text_date(html, lang));
    let (best, others) = candidates.split_first()?;
    let answer = local_day(best, others, &time_instants(html, lang));
    // The day the page shows its readers under the headline is the day they take for the
    // publication; metadata that names another day speaks of another version of the page
    // (a first draft, an earlier edition, the day in UTC). Unless the address names the
    // metadata's day too.
    let day = answer.value.date_naive();
    let url_agrees = url.and_then(url_date).is_some_and(|u| u.value.date_naive() == day);
    match shown_date(html, lang) {
        Some(shown) if shown.value.date_naive() != day && !url_agrees => {
            let basis = shown.basis.trim_end_matches(DATE_ONLY);
            Some(Field::new(shown.value, format!("{basis} (the page's metadata says {day}){DATE_ONLY}")))
        }
        _ => Some(answer),
    }
}

/// The instants of every `<time datetime>` of the page with an offset, updates included:
/// they tell the local time of a UTC timestamp that names the same instant.
fn time_instants(html: &Html, lang: Option<&str>) -> Vec<Date> {
    html.select(selector!("time[datetime]"))
        .filter_map(|t| t.attr("datetime").and_then(|v| date_field(lang, v, "time datetime")))
        .filter(|d| !date_only(d) && d.value.offset().local_minus_utc() != 0)
        .collect()
}

/// The suffix of the basis of a date given without a time of day.
const DATE_ONLY: &str = " (date only, no time)";

fn date_only(date: &Date) -> bool {
    date.basis.ends_with(DATE_ONLY)
}

/// A UTC timestamp shown in the page's own time, so that its day is the day the page
/// gives: the offset of another value naming the same instant; the clock of another value
/// that is the same time whole hours apart (a local time written as UTC); unless a date
/// given without a time confirms the UTC day, the day of one that is the UTC day's
/// neighbour and fits its hour (west of Greenwich up to twelve hours, east up to three);
/// or, for a timestamp at a whole hour late in the evening, the local midnight it stands
/// for.
fn local_day(best: &Date, others: &[Date], instants: &[Date]) -> Date {
    use chrono::Timelike;
    let at = best.value;
    if at.offset().local_minus_utc() != 0 || date_only(best) {
        return best.clone();
    }
    let shifted = |offset: i32, why: String| {
        let Some(zone) = FixedOffset::east_opt(offset) else { return best.clone() };
        Field::new(at.with_timezone(&zone), format!("{} (local time from {why})", best.basis))
    };
    for other in others.iter().chain(instants).filter(|o| !date_only(o)) {
        let offset = other.value.offset().local_minus_utc();
        if offset != 0 && (other.value - at).num_seconds().abs() < 60 {
            return shifted(offset, other.basis.clone());
        }
    }
    for other in others.iter().filter(|o| !date_only(o) && o.value.offset().local_minus_utc() == 0) {
        let apart = (other.value - at).num_seconds();
        if apart != 0 && apart % 3600 == 0 && apart.abs() <= 12 * 3600 {
            return shifted(apart as i32, other.basis.clone());
        }
    }
    let day = at.date_naive();
    let hour = at.hour() as i32;
    if others.iter().any(|o| date_only(o) && o.value.date_naive() == day) {
        return best.clone();
    }
    for other in others.iter().filter(|o| date_only(o)) {
        let given = other.value.date_naive();
        if day.pred_opt() == Some(given) && hour < 12 {
            return shifted(-(hour + 1) * 3600, other.basis.clone());
        }
        if day.succ_opt() == Some(given) && hour >= 21 {
            return shifted((24 - hour) * 3600, other.basis.clone());
        }
    }
    if (20..=23).contains(&hour) && at.minute() == 0 && at.second() == 0 && at.nanosecond() == 0 {
        return shifted((24 - hour) * 3600, "a whole hour late in the evening: local midnight".into());
    }
    best.clone()
}

fn modified(html: &Html, page: &Page, ld: &JsonLd, lang: Option<&str>) -> Option<Date> {
    for (node, kind) in ld.ranked() {
        if let Some(field) = node
            .get("dateModified")
            .and_then(Value::as_str)
            .and_then(|v| date_field(lang, v, format!("json-ld {kind} dateModified")))
        {
            return Some(field);
        }
    }
    for name in MODIFIED_METAS {
        if let Some(field) = page.metas(name).find_map(|v| date_field(lang, v, format!("meta {name}"))) {
            return Some(field);
        }
    }
    for element in html.select(selector!("[itemprop~=dateModified]")) {
        if let Some(field) = element_date(element, "itemprop dateModified", lang) {
            return Some(field);
        }
    }
    None
}

/// The date an element gives in its `content` or `datetime` attribute, else in its text.
fn element_date(element: ElementRef, basis: &str, lang: Option<&str>) -> Option<Date> {
    for key in ["content", "datetime"] {
        if let Some(field) = element.attr(key).and_then(|v| date_field(lang, v, format!("{basis} {key}"))) {
            return Some(field);
        }
    }
    let text = element_text(element, 200);
    date_field(lang, &text, format!("{basis} text")).or_else(|| {
        let found = find_dates(&text, lang, true).into_iter().find(|d| !d.updated)?;
        day_field(found.day, format!("{basis} text \"{}\"", found.snippet))
    })
}

/// Words that mark a date as a change rather than the publication, in class names, ids
/// and the text before a date.
const UPDATED_WORDS: &[&str] = &[
    "updat",
    "modif",
    "edited",
    "revised",
    "aktualisiert",
    "geändert",
    "mis à jour",
    "mise à jour",
    "actualiza",
    "aggiornat",
    "atualiza",
    "bijgewerkt",
    "gewijzigd",
    "last-mod",
];

fn marked_updated(text: &str) -> bool {
    let text = text.to_lowercase();
    UPDATED_WORDS.iter().any(|w| text.contains(w))
}

/// The date of a `<time>` element: first one marked as the publication (`pubdate`, a class
/// or id naming it), then the first in the article's header or byline, then the first in
/// the article; a time marked as an update, or in comments, asides or lists of other
/// stories, is passed over.
fn time_element(html: &Html, lang: Option<&str>) -> Option<Date> {
    let mut marked = None;
    let mut in_article = None;
    let mut first = None;
    for time in html.select(selector!("time")) {
        let own = marks(time);
        let parent = time.parent().and_then(ElementRef::wrap).map(marks).unwrap_or_default();
        if marked_updated(&own) || marked_updated(&parent) {
            continue;
        }
        let text = element_text(time, 200);
        if marked_updated(&text) {
            continue;
        }
        if inside(
            time,
            &["aside", "footer", "nav"],
            &["comment", "related", "sidebar", "widget", "teaser", "recommend"],
        ) {
            continue;
        }
        let pubdate = time.attr("pubdate").is_some()
            || ["publish", "pubdate", "posted", "entry-date", "post-date", "created", "date-pub"]
                .iter()
                .any(|w| own.contains(w) || parent.contains(w));
        let Some(field) = element_date(time, "time", lang) else { continue };
        let field = Field::new(
            field.value,
            field.basis.replacen("time", &format!("time{}", if pubdate { " (marked published)" } else { "" }), 1),
        );
        if pubdate {
            marked = Some(field);
            break;
        }
        let article = time
            .ancestors()
            .filter_map(ElementRef::wrap)
            .any(|a| matches!(a.value().name(), "article" | "header" | "main"));
        if article && in_article.is_none() {
            in_article = Some(field);
        } else if first.is_none() {
            first = Some(field);
        }
    }
    marked.or(in_article).or(first)
}

/// The date in a URL path: `/2024/11/22/`, `/2024-11-22/`, `/20241122/`.
fn url_date(url: &str) -> Option<Date> {
    // Four digits, then month and day with the same separator twice, or none at all.
    static PATH_DATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"/((?:19|20)\d{2})(?:([/_-])(\d{1,2})([/_-])(\d{1,2})|(\d{2})(\d{2}))(?:[/_.-]|$)").expect("regex")
    });
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = &path[path.find('/')?..];
    let path = path.split(['?', '#']).next()?;
    for c in PATH_DATE.captures_iter(path) {
        let (month, day) = match (c.get(2), c.get(4)) {
            (Some(a), Some(b)) if a.as_str() == b.as_str() => (&c[3], &c[5]),
            (None, None) => (&c[6], &c[7]),
            _ => continue,
        };
        let (Ok(y), Ok(m), Ok(d)) = (c[1].parse(), month.parse(), day.parse()) else { continue };
        if let Some(day) = NaiveDate::from_ymd_opt(y, m, d) {
            return day_field(day, format!("url path {}", &c[0]));
        }
    }
    None
}

/// A date found in running text.
#[derive(Debug, Clone)]
struct TextDate {
    day: NaiveDate,
    /// The date as written, with the words before it that say what it dates.
    snippet: String,
    /// The words before it mark it as an update.
    updated: bool,
    /// The words before it mark it as the publication.
    published: bool,
}

/// The month names and abbreviations of English, German, French, Spanish, Italian,
/// Portuguese and Dutch, and the month names (as a date writes them) of Polish, Czech,
/// Swedish, Danish, Norwegian, Turkish, Indonesian, Romanian, Russian, Ukrainian, Finnish
/// and Greek.
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("januar", 1),
    ("jänner", 1),
    ("janvier", 1),
    ("janv", 1),
    ("enero", 1),
    ("ene", 1),
    ("gennaio", 1),
    ("gen", 1),
    ("janeiro", 1),
    ("januari", 1),
    ("february", 2),
    ("feb", 2),
    ("februar", 2),
    ("février", 2),
    ("fevrier", 2),
    ("févr", 2),
    ("fév", 2),
    ("febrero", 2),
    ("febbraio", 2),
    ("fevereiro", 2),
    ("fev", 2),
    ("februari", 2),
    ("march", 3),
    ("mar", 3),
    ("märz", 3),
    ("mär", 3),
    ("mrz", 3),
    ("mars", 3),
    ("marzo", 3),
    ("março", 3),
    ("marco", 3),
    ("maart", 3),
    ("mrt", 3),
    ("april", 4),
    ("apr", 4),
    ("avril", 4),
    ("avr", 4),
    ("abril", 4),
    ("abr", 4),
    ("aprile", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("maggio", 5),
    ("mag", 5),
    ("maio", 5),
    ("mei", 5),
    ("june", 6),
    ("jun", 6),
    ("juni", 6),
    ("juin", 6),
    ("junio", 6),
    ("giugno", 6),
    ("giu", 6),
    ("junho", 6),
    ("july", 7),
    ("jul", 7),
    ("juli", 7),
    ("juillet", 7),
    ("juil", 7),
    ("julio", 7),
    ("luglio", 7),
    ("lug", 7),
    ("julho", 7),
    ("august", 8),
    ("aug", 8),
    ("août", 8),
    ("aout", 8),
    ("agosto", 8),
    ("ago", 8),
    ("augustus", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("settembre", 9),
    ("set", 9),
    ("setembro", 9),
    ("october", 10),
    ("oct", 10),
    ("oktober", 10),
    ("okt", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("ottobre", 10),
    ("ott", 10),
    ("outubro", 10),
    ("out", 10),
    ("november", 11),
    ("nov", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("novembro", 11),
    ("december", 12),
    ("dec", 12),
    ("dezember", 12),
    ("dez", 12),
    ("décembre", 12),
    ("decembre", 12),
    ("déc", 12),
    ("diciembre", 12),
    ("dic", 12),
    ("dicembre", 12),
    ("dezembro", 12),
    ("styczeń", 1),
    ("stycznia", 1),
    ("ledna", 1),
    ("leden", 1),
    ("ocak", 1),
    ("ianuarie", 1),
    ("января", 1),
    ("січня", 1),
    ("tammikuuta", 1),
    ("ιανουαρίου", 1),
    ("luty", 2),
    ("lutego", 2),
    ("února", 2),
    ("únor", 2),
    ("şubat", 2),
    ("februarie", 2),
    ("февраля", 2),
    ("лютого", 2),
    ("helmikuuta", 2),
    ("φεβρουαρίου", 2),
    ("marzec", 3),
    ("marca", 3),
    ("března", 3),
    ("březen", 3),
    ("marts", 3),
    ("mart", 3),
    ("maret", 3),
    ("martie", 3),
    ("марта", 3),
    ("березня", 3),
    ("maaliskuuta", 3),
    ("μαρτίου", 3),
    ("kwiecień", 4),
    ("kwietnia", 4),
    ("dubna", 4),
    ("duben", 4),
    ("nisan", 4),
    ("aprilie", 4),
    ("апреля", 4),
    ("квітня", 4),
    ("huhtikuuta", 4),
    ("απριλίου", 4),
    ("maj", 5),
    ("maja", 5),
    ("května", 5),
    ("květen", 5),
    ("mayıs", 5),
    ("мая", 5),
    ("травня", 5),
    ("toukokuuta", 5),
    ("μαΐου", 5),
    ("czerwiec", 6),
    ("czerwca", 6),
    ("června", 6),
    ("červen", 6),
    ("haziran", 6),
    ("iunie", 6),
    ("июня", 6),
    ("червня", 6),
    ("kesäkuuta", 6),
    ("ιουνίου", 6),
    ("lipiec", 7),
    ("lipca", 7),
    ("července", 7),
    ("červenec", 7),
    ("temmuz", 7),
    ("iulie", 7),
    ("июля", 7),
    ("липня", 7),
    ("heinäkuuta", 7),
    ("ιουλίου", 7),
    ("sierpień", 8),
    ("sierpnia", 8),
    ("srpna", 8),
    ("srpen", 8),
    ("augusti", 8),
    ("agustus", 8),
    ("ağustos", 8),
    ("августа", 8),
    ("серпня", 8),
    ("elokuuta", 8),
    ("αυγούστου", 8),
    ("wrzesień", 9),
    ("września", 9),
    ("září", 9),
    ("eylül", 9),
    ("septembrie", 9),
    ("сентября", 9),
    ("вересня", 9),
    ("syyskuuta", 9),
    ("σεπτεμβρίου", 9),
    ("październik", 10),
    ("października", 10),
    ("října", 10),
    ("říjen", 10),
    ("ekim", 10),
    ("octombrie", 10),
    ("октября", 10),
    ("жовтня", 10),
    ("lokakuuta", 10),
    ("οκτωβρίου", 10),
    ("listopad", 11),
    ("listopada", 11),
    ("listopadu", 11),
    ("kasım", 11),
    ("noiembrie", 11),
    ("ноября", 11),
    ("листопада", 11),
    ("marraskuuta", 11),
    ("νοεμβρίου", 11),
    ("grudzień", 12),
    ("grudnia", 12),
    ("prosince", 12),
    ("prosinec", 12),
    ("desember", 12),
    ("aralık", 12),
    ("decembrie", 12),
    ("декабря", 12),
    ("грудня", 12),
    ("joulukuuta", 12),
    ("δεκεμβρίου", 12),
];

fn month_number(word: &str) -> Option<u32> {
    static MAP: LazyLock<HashMap<String, u32>> =
        LazyLock::new(|| MONTHS.iter().map(|(n, m)| (n.to_string(), *m)).collect());
    MAP.get(&word.to_lowercase()).copied()
}

/// The regular expressions of written dates, built once.
struct DatePatterns {
    day_month_year: Regex,
    month_day_year: Regex,
    numeric_dmy: Regex,
    numeric_ymd: Regex,
    numeric_short: Regex,
    /// `2020年3月12日`, `2020년 3월 12일`.
    east_asian: Regex,
}

static PATTERNS: LazyLock<DatePatterns> = LazyLock::new(|| {
    // A month is any word here, looked up in `MONTHS` once found: a pattern with every
    // month name of every language would be slow to run over the text of every page.
    // Boundaries are ASCII ones, around digits, for the same reason.
    let year = r"((?:19|20)\d{2})(?-u:\b)";
    DatePatterns {
        day_month_year: Regex::new(&format!(
            r"(?i)(?-u:\b)(\d{{1,2}})(?:\.|º|°|er|st|nd|rd|th)?\s*(?:de\s+|-\s*)?(\p{{L}}+)\.?,?\s*(?:de\s+|del\s+|-\s*)?{year}"
        ))
        .expect("regex"),
        month_day_year: Regex::new(&format!(
            r"(?i)(?:^|[^\p{{L}}\p{{N}}])(\p{{L}}+)\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+{year}"
        ))
        .expect("regex"),
        numeric_dmy: Regex::new(r"(?-u:\b)(\d{1,2})([./-])(\d{1,2})([./-])((?:19|20)\d{2})(?-u:\b)").expect("regex"),
        numeric_ymd: Regex::new(r"(?-u:\b)((?:19|20)\d{2})([./-])(\d{1,2})([./-])(\d{1,2})(?-u:\b)").expect("regex"),
        numeric_short: Regex::new(r"(?-u:\b)(\d{1,2})\.(\d{1,2})\.(\d{2})(?-u:\b)").expect("regex"),
        east_asian: Regex::new(r"((?:19|20)\d{2})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]").expect("regex"),
    }
});

/// Words before a date that mark it as the publication.
const PUBLISHED_WORDS: &[&str] = &[
    "published",
    "posted",
    "veröffentlicht",
    "erschienen",
    "publié",
    "publiée",
    "publicado",
    "publicada",
    "publicación",
    "pubblicato",
    "pubblicata",
    "gepubliceerd",
    "geplaatst",
    "postado",
    "publication",
    "data de publicação",
];

/// The dates written in `text`, in the order they appear. Numeric dates with slashes are
/// read month first on English pages without a British locale, else day first; with
/// `short_years`, as in a byline, `2.11.22` is a date too.
fn find_dates(text: &str, lang: Option<&str>, short_years: bool) -> Vec<TextDate> {
    let patterns = &*PATTERNS;
    let month_first = month_first(lang);
    let mut found: Vec<(usize, usize, NaiveDate)> = Vec::new();
    for c in patterns.day_month_year.captures_iter(text) {
        if let (Ok(d), Some(m), Ok(y)) = (c[1].parse(), month_number(&c[2]), c[3].parse()) {
            if let Some(day) = NaiveDate::from_ymd_opt(y, m, d) {
                found.push((c.get(0).map_or(0, |m| m.start()), c.get(0).map_or(0, |m| m.end()), day));
            }
        }
    }
    for c in patterns.month_day_year.captures_iter(text) {
        if let (Some(m), Ok(d), Ok(y)) = (month_number(&c[1]), c[2].parse(), c[3].parse()) {
            if let Some(day) = NaiveDate::from_ymd_opt(y, m, d) {
                found.push((c.get(1).map_or(0, |m| m.start()), c.get(0).map_or(0, |m| m.end()), day));
            }
        }
    }
    for c in patterns.numeric_dmy.captures_iter(text) {
        if c[2] != c[4] {
            continue;
        }
        let (Ok(a), Ok(b), Ok(y)) = (c[1].parse::<u32>(), c[3].parse::<u32>(), c[5].parse()) else { continue };
        let (m, d) = if (month_first && &c[2] == "/" && a <= 12) || b > 12 { (a, b) } else { (b, a) };
        if let Some(day) = NaiveDate::from_ymd_opt(y, m, d) {
            found.push((c.get(0).map_or(0, |m| m.start()), c.get(0).map_or(0, |m| m.end()), day));
        }
    }
    for c in patterns.numeric_ymd.captures_iter(text) {
        if c[2] != c[4] {
            continue;
        }
        let (Ok(y), Ok(m), Ok(d)) = (c[1].parse(), c[3].parse(), c[5].parse()) else { continue };
        if let Some(day) = NaiveDate::from_ymd_opt(y, m, d) {
            found.push((c.get(0).map_or(0, |m| m.start()), c.get(0).map_or(0, |m| m.end()), day));
        }
    }
    for c in patterns.east_asian.captures_iter(text) {
        let (Ok(y), Ok(m), Ok(d)) = (c[1].parse(), c[2].parse(), c[3].parse()) else { continue };
        if let Some(day) = NaiveDate::from_ymd_opt(y, m, d) {
            found.push((c.get(0).map_or(0, |m| m.start()), c.get(0).map_or(0, |m| m.end()), day));
        }
    }
    if short_years {
        let this_year = Utc::now().year() % 100;
        for c in patterns.numeric_short.captures_iter(text) {
            let Some(whole) = c.get(0) else { continue };
            if text[whole.end()..].starts_with(|c: char| c == '.' || c.is_ascii_digit()) {
                continue;
            }
            let (Ok(d), Ok(m), Ok(y)) = (c[1].parse(), c[2].parse(), c[3].parse::<i32>()) else { continue };
            let year = if y <= this_year { 2000 + y } else { 1900 + y };
            if let Some(day) = NaiveDate::from_ymd_opt(year, m, d) {
                found.push((whole.start(), whole.end(), day));
            }
        }
    }
    found.sort_by_key(|(start, _, _)| *start);
    found.dedup_by(|b, a| b.0 < a.1);
    found
        .into_iter()
        .map(|(start, end, day)| {
            let mut from = start.saturating_sub(40);
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            let raw = &text[from..start];
            let raw = raw.rsplit(['.', '|', '·', '•', '\n']).next().unwrap_or(raw);
            let before = raw.to_lowercase();
            let updated = UPDATED_WORDS.iter().any(|w| before.contains(w));
            let published = !updated && PUBLISHED_WORDS.iter().any(|w| before.contains(w));
            let lead = if updated || published { raw.len() } else { 0 };
            let snippet = clean(&text[start - lead..end]);
            TextDate { day, snippet, updated, published }
        })
        .collect()
}

/// Where each element of a page starts in the page's visible text, counted in bytes of
/// text read before it: how far apart two parts of a page are as a reader sees them.
struct Layout {
    starts: HashMap<NodeId, usize>,
}

impl Layout {
    fn new(html: &Html) -> Layout {
        let mut starts = HashMap::new();
        let mut offset = 0;
        for node in html.tree.root().descendants() {
            match node.value() {
                Node::Element(_) => {
                    starts.insert(node.id(), offset);
                }
                Node::Text(text) => {
                    let hidden = node.parent().and_then(ElementRef::wrap).is_some_and(|p| {
                        matches!(p.value().name(), "script" | "style" | "noscript" | "template" | "title")
                    });
                    if !hidden {
                        offset += text.trim().len();
                    }
                }
                _ => {}
            }
        }
        Layout { starts }
    }

    fn start(&self, element: ElementRef) -> usize {
        self.starts.get(&element.id()).copied().unwrap_or(usize::MAX)
    }
}

/// The story's headline: the first `<h1>` outside navigation, asides and footers.
fn headline(html: &Html) -> Option<ElementRef<'_>> {
    html.select(selector!("h1")).find(|h| !inside(*h, &["nav", "aside", "footer"], &[]))
}

/// The date the page shows its readers with the story: written in an element whose class
/// or id names the publication or a date (or in a `<time>`), in the headline's block or
/// in the first lines after the headline; never in navigation, asides, footers, links,
/// teasers or comments, and never one marked as an update. A date shown above the site's
/// menu (the day's date in a masthead) is no story's date.
fn shown_date(html: &Html, lang: Option<&str>) -> Option<Date> {
    static MARKED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)publi|posted|date|time|datum|fecha|data|stamp|byline|meta|info|author|autor").expect("regex")
    });
    static FOREIGN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)comment|related|sidebar|footer|widget|teaser|recommend|update|modif|navigation|menu|more|similar|next|prev")
            .expect("regex")
    });
    let headline = headline(html)?;
    let layout = Layout::new(html);
    let top = layout.start(headline);
    let block = headline.ancestors().filter_map(ElementRef::wrap).take(2).find(|a| element_text(*a, 800).len() < 600);
    for element in html.select(selector!("body [class], body [id], body time")) {
        let own = marks(element);
        let time = element.value().name() == "time";
        if !(time || MARKED.is_match(&own)) || FOREIGN.is_match(&own) {
            continue;
        }
        let at = layout.start(element);
        let in_block = block.is_some_and(|b| element.ancestors().any(|a| a.id() == b.id()));
        if at > top.saturating_add(1500) {
            break;
        }
        if at < top && !in_block {
            continue;
        }
        if inside(element, &["aside", "footer", "nav", "a"], &["comment", "related", "teaser", "sidebar"]) {
            continue;
        }
        // The text less the parts marked as an update (`<time class="updated">`).
        let mut text = String::new();
        visible_text_of(element, &mut text, 400, |e| marked_updated(&marks(e)));
        let text = clean(&text);
        if text.chars().count() > 300 {
            continue;
        }
        if let Some(date) = find_dates(&text, lang, true).into_iter().find(|d| !d.updated) {
            return day_field(
                date.day,
                format!("text \"{}\" in {} under the headline", date.snippet, describe(element)),
            );
        }
    }
    None
}

/// A date written in a byline-like element (one whose class or id speaks of the
/// publication, a date, a byline or the article's meta line, in that order of trust),
/// else in the blocks around the headline, else near the top of the article's text.
fn text_date(html: &Html, lang: Option<&str>) -> Option<Date> {
    static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)date|time|byline|posted|publi|dateline|meta|datum|fecha|data|info|author|autor|stamp")
            .expect("regex")
    });
    static FOREIGN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)comment|related|sidebar|footer|widget|teaser|recommend|update|modif|metabox|navigation|menu")
            .expect("regex")
    });
    static PUBLICATION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)publi|post-?date|pubdate|posted|created|entry-date|article-?date|story-?date").expect("regex")
    });
    static DATE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)date|time|datum|fecha|data|stamp").expect("regex"));
    // The best date of each tier: the element's class or id names the publication, a
    // date, or a byline or meta line.
    let mut tiers: [Option<Date>; 3] = [None, None, None];
    let mut seen = 0;
    for element in html.select(selector!("body [class], body [id]")) {
        let marks = marks(element);
        if !BYLINE.is_match(&marks)
            || FOREIGN.is_match(&marks)
            || inside(element, &["aside", "footer", "nav", "a"], &[])
        {
            continue;
        }
        let text = element_text(element, 400);
        if text.chars().count() > 300 {
            continue;
        }
        seen += 1;
        if seen > 80 {
            break;
        }
        let tier = if PUBLICATION.is_match(&marks) {
            0
        } else if DATE.is_match(&marks) {
            1
        } else {
            2
        };
        for date in find_dates(&text, lang, true) {
            if date.updated {
                continue;
            }
            let field = day_field(date.day, format!("text \"{}\" in {}", date.snippet, describe(element)));
            let tier = if date.published { 0 } else { tier };
            if tiers[tier].is_none() {
                tiers[tier] = field;
            }
            break;
        }
        if tiers[0].is_some() {
            break;
        }
    }
    if let Some(found) = tiers.into_iter().flatten().next() {
        return Some(found);
    }
    // Near the headline: in the blocks around the first h1 of the story.
    let headline = headline(html);
    for block in headline.iter().flat_map(|h| h.ancestors().filter_map(ElementRef::wrap).take(3)) {
        let text = story_text(block, 1500);
        if let Some(date) = find_dates(&text, lang, false).into_iter().find(|d| !d.updated) {
            return day_field(date.day, format!("text \"{}\" near the headline", date.snippet));
        }
    }
    let region = html.select(selector!("article, main, [role=main], body")).next()?;
    let text = story_text(region, 3000);
    let dates = find_dates(&text, lang, false);
    let published = dates.iter().find(|d| d.published).or_else(|| dates.iter().find(|d| !d.updated))?;
    day_field(published.day, format!("text \"{}\"", published.snippet))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(page: &str, url: Option<&str>) -> PageMeta {
        read_meta(&Html::parse_document(page), url)
    }

    fn day(field: &Option<Date>) -> String {
        field.as_ref().map(|f| f.value.date_naive().to_string()).unwrap_or_default()
    }

    fn basis<T>(field: &Option<Field<T>>) -> &str {
        field.as_ref().map_or("", |f| f.basis.as_str())
    }

    #[test]
    fn json_ld_in_a_graph_gives_the_article_not_the_site_or_the_page() {
        let meta = read(include_str!("../../../fixtures/pages/jsonld-graph.html"), None);
        assert_eq!(meta.published.as_ref().map(|f| f.value.to_rfc3339()).as_deref(), Some("2024-03-01T18:45:00+00:00"));
        assert_eq!(basis(&meta.published), "json-ld NewsArticle datePublished");
        assert_eq!(day(&meta.modified), "2024-03-04");
        assert_eq!(basis(&meta.modified), "json-ld NewsArticle dateModified");
        assert_eq!(meta.authors.as_ref().map(|f| f.value.clone()), Some(vec!["Mara Lindqvist".to_string()]));
        assert_eq!(basis(&meta.authors), "json-ld NewsArticle author");
        assert_eq!(meta.site.as_ref().map(|f| f.value.as_str()), Some("The Coastal Ledger"));
        assert_eq!(basis(&meta.site), "json-ld NewsArticle publisher.name");
        assert_eq!(meta.title.as_ref().map(|f| f.value.as_str()), Some("Harbour authority approves night ferries"));
        assert_eq!(
            meta.url.as_ref().map(|f| f.value.as_str()),
            Some("https://www.coastal-ledger.example/news/harbour-night-ferries")
        );
        assert_eq!(basis(&meta.url), "link canonical");
        assert_eq!(meta.language.as_ref().map(|f| f.value.as_str()), Some("en-GB"));
    }

    #[test]
    fn a_modified_date_first_in_the_markup_is_not_the_published_one() {
        let meta = read(include_str!("../../../fixtures/pages/modified-first.html"), None);
        assert_eq!(meta.published.as_ref().map(|f| f.value.to_rfc3339()).as_deref(), Some("2023-10-05T07:15:00+03:00"));
        assert_eq!(basis(&meta.published), "meta article:published_time");
        assert_eq!(day(&meta.modified), "2023-10-09");
        assert_eq!(basis(&meta.modified), "meta article:modified_time");
        // The profile address and the handle are not names; the outlet is not an author.
        let authors = meta.authors.as_ref().map(|f| f.value.clone()).unwrap_or_default();
        assert_eq!(authors, ["Ines Okafor", "Tomas Reyes"]);
        assert!(basis(&meta.authors).starts_with("byline"), "{}", basis(&meta.authors));
        assert_eq!(meta.language.as_ref().map(|f| f.value.as_str()), Some("en-US"));
        assert_eq!(basis(&meta.url), "meta og:url");
        assert_eq!(meta.title.as_ref().map(|f| f.value.as_str()), Some("Old mill reopens as workshop space"));
    }

    #[test]
    fn cms_meta_names_give_the_dates_and_a_photo_credit_is_not_the_outlet() {
        let meta = read(include_str!("../../../fixtures/pages/cms-metas.html"), None);
        assert_eq!(day(&meta.published), "2023-11-12");
        assert_eq!(basis(&meta.published), "meta parsely-pub-date");
        assert_eq!(day(&meta.modified), "2023-11-14");
        assert_eq!(basis(&meta.modified), "meta last-modified");
        assert_eq!(meta.site.as_ref().map(|f| f.value.as_str()), Some("Metro Daily"));
        assert_eq!(meta.authors.as_ref().map(|f| f.value.clone()), Some(vec!["Priya Natarajan".to_string()]));
    }

    #[test]
    fn a_time_marked_published_wins_over_updates_and_other_stories() {
        let meta = read(include_str!("../../../fixtures/pages/time-only.html"), None);
        assert_eq!(day(&meta.published), "2021-02-11");
        assert!(basis(&meta.published).starts_with("time (marked published)"), "{}", basis(&meta.published));
    }

    #[test]
    fn a_utc_timestamp_takes_the_local_day_of_the_same_instant() {
        let meta = read(include_str!("../../../fixtures/pages/time-tags.html"), None);
        let published = meta.published.as_ref().map(|f| f.value.to_rfc3339());
        assert_eq!(published.as_deref(), Some("2022-05-03T20:30:00-05:00"));
        assert!(basis(&meta.published).starts_with("json-ld ReportageNewsArticle datePublished (local time from"));
    }

    #[test]
    fn a_date_only_in_the_address_is_found() {
        let page = include_str!("../../../fixtures/pages/url-date.html");
        let meta = read(page, Some("https://www.rowing.example/sport/2023/06/17/rowing-club-wins/"));
        assert_eq!(day(&meta.published), "2023-06-17");
        assert_eq!(basis(&meta.published), "url path /2023/06/17/ (date only, no time)");
        assert_eq!(meta.site.as_ref().map(|f| f.value.as_str()), Some("rowing.example"));
        assert!(read(page, None).published.is_none(), "1898 is not a publication date");
    }

    #[test]
    fn dates_in_addresses_of_every_month_and_form() {
        let day = |url: &str| url_date(url).map(|d| d.value.date_naive().to_string()).unwrap_or_default();
        assert_eq!(day("https://blog.example/2019/11/17/post/"), "2019-11-17");
        assert_eq!(day("https://blog.example/2019/1/5/post"), "2019-01-05");
        assert_eq!(day("https://news.example/2022-12-30-year-in-review"), "2022-12-30");
        assert_eq!(day("https://news.example/story/20221030/"), "2022-10-30");
        assert_eq!(day("https://news.example/2022/10/"), "");
        assert_eq!(day("https://news.example/2022/10-30/x"), "");
        assert_eq!(day("https://news.example/2022/13/45/x/2021/12/01/"), "2021-12-01");
    }

    #[test]
    fn german_and_french_bylines_give_the_publication_not_the_update() {
        let meta = read(include_str!("../../../fixtures/pages/de-text.html"), None);
        assert_eq!(day(&meta.published), "2009-08-06");
        assert!(basis(&meta.published).contains("Veröffentlicht am 6. August 2009"), "{}", basis(&meta.published));
        assert_eq!(meta.title.as_ref().map(|f| f.value.as_str()), Some("Stadtwerke senken den Gaspreis"));

        let meta = read(include_str!("../../../fixtures/pages/fr-text.html"), None);
        assert_eq!(day(&meta.published), "2020-03-12");
        assert!(basis(&meta.published).contains("Publié le 12 mars 2020"), "{}", basis(&meta.published));
        assert!(basis(&meta.published).ends_with("(date only, no time)"));
    }

    #[test]
    fn the_day_shown_under_the_headline_wins_over_the_metadata() {
        let page = include_str!("../../../fixtures/pages/shown-date.html");
        let meta = read(page, Some("https://traveller.example/travel/lakeside-hotels"));
        assert_eq!(day(&meta.published), "2023-01-01");
        let shown = basis(&meta.published);
        assert!(shown.contains("\"1 January 2023\"") && shown.contains("under the headline"), "{shown}");
        assert!(shown.contains("metadata says 2021-11-22"), "{shown}");
        assert_eq!(day(&meta.modified), "2023-01-01");
        // The address names the metadata's day: two sources agree against the page.
        let meta = read(page, Some("https://traveller.example/2021/11/22/lakeside-hotels"));
        assert_eq!(day(&meta.published), "2021-11-22", "{}", basis(&meta.published));
        // The masthead's day and the dates of related stories are no story's date.
        let unshown = page.replace("<span class=\"article-byline__date\">1 January 2023</span>", "");
        let meta = read(&unshown, None);
        assert_eq!(day(&meta.published), "2021-11-22", "{}", basis(&meta.published));
        assert_eq!(basis(&meta.published), "json-ld NewsArticle datePublished");
    }

    #[test]
    fn dates_in_menus_and_sidebars_are_not_the_story_s() {
        let meta = read(include_str!("../../../fixtures/pages/menu-dates.html"), None);
        assert_eq!(day(&meta.published), "2022-11-21");
        assert_eq!(basis(&meta.published), "text \"21. November 2022\" (date only, no time)");
    }

    #[test]
    fn dates_are_read_in_seven_languages() {
        for (text, expected) in [
            ("6. August 2009", "2009-08-06"),
            ("12.03.2020", "2020-03-12"),
            ("12 mars 2020", "2020-03-12"),
            ("3 de mayo de 2021", "2021-05-03"),
            ("12 marzo 2020", "2020-03-12"),
            ("5 de março de 2019", "2019-03-05"),
            ("14 januari 2022", "2022-01-14"),
            ("Published on 2020/03/12", "2020-03-12"),
            ("March 12th, 2020", "2020-03-12"),
            ("1er décembre 2021", "2021-12-01"),
        ] {
            let found = find_dates(text, Some("de"), false);
            assert_eq!(found.first().map(|d| d.day.to_string()).as_deref(), Some(expected), "{text}");
        }
        let us = find_dates("Posted 03/12/2020", Some("en-US"), false);
        assert_eq!(us.first().map(|d| d.day.to_string()).as_deref(), Some("2020-03-12"));
        assert!(us.first().is_some_and(|d| d.published));
        assert!(find_dates("2.11.22", None, false).is_empty());
        assert_eq!(
            find_dates("Kultur, 2.11.22", None, true).first().map(|d| d.day.to_string()).as_deref(),
            Some("2022-11-02")
        );
    }

    #[test]
    fn dates_are_read_in_more_languages_and_scripts() {
        for (text, expected) in [
            ("Opublikowano: 12 marca 2020", "2020-03-12"),
            ("Publikováno 5. května 2021", "2021-05-05"),
            ("Publicerad 3 augusti 2019", "2019-08-03"),
            ("Yayınlanma: 14 Şubat 2022", "2022-02-14"),
            ("Diterbitkan 17 Agustus 2020", "2020-08-17"),
            ("Publicat 1 decembrie 2018", "2018-12-01"),
            ("Опубликовано 9 мая 2021", "2021-05-09"),
            ("Julkaistu 6. joulukuuta 2017", "2017-12-06"),
            ("Δημοσιεύθηκε 25 Μαρτίου 2021", "2021-03-25"),
            ("2020年3月12日 10:00", "2020-03-12"),
            ("2021년 11월 5일", "2021-11-05"),
        ] {
            let found = find_dates(text, None, false);
            assert_eq!(found.first().map(|d| d.day.to_string()).as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn dates_before_1995_or_in_the_future_are_not_believed() {
        let page = |date: &str| {
            format!(r#"<html><head><meta property="article:published_time" content="{date}"></head></html>"#)
        };
        assert!(read(&page("1994-12-31"), None).published.is_none());
        assert!(read(&page("2999-01-01"), None).published.is_none());
        assert_eq!(day(&read(&page("1995-01-02"), None).published), "1995-01-02");
    }

    #[test]
    fn author_values_become_names() {
        let names = |raw: &[&str]| names(raw, Some("Daily Star"));
        assert_eq!(names(&["By Ann Lee and Bo Chen"]), ["Ann Lee", "Bo Chen"]);
        assert_eq!(names(&["Ann Lee, Bo Chen; Cy Diaz"]), ["Ann Lee", "Bo Chen", "Cy Diaz"]);
        assert_eq!(names(&["Von Jana Brenner"]), ["Jana Brenner"]);
        assert!(names(&["https://example.com/author/ann-lee"]).is_empty());
        assert!(names(&["@annlee"]).is_empty());
        assert!(names(&["ann.lee@example.com"]).is_empty());
        assert!(names(&["Daily Star"]).is_empty());
        assert!(names(&["dailystar.example"]).is_empty());
    }

    #[test]
    fn broken_json_ld_is_repaired() {
        let values =
            parse_json_lenient("<!--\n{\"@type\": \"NewsArticle\", \"headline\": \"A\tB\nC\", \"x\": [1, 2,],}\n-->");
        assert_eq!(values.len(), 1);
        assert_eq!(values[0]["@type"], "NewsArticle");
    }
}
