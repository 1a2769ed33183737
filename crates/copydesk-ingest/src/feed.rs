//! RSS 2.0, RSS 1.0, Atom and JSON Feed documents, through `feed-rs`: one item per entry.

use chrono::{DateTime, FixedOffset, Utc};
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

use super::{html, text};
use crate::model::{Item, Location, Problem};
use crate::util::{clip, parse_timestamp};

/// The entries of a feed read as items.
#[derive(Debug)]
pub struct Feed {
    pub items: Vec<Item>,
    /// What was wrong with the feed while it was read: entries left out because they have
    /// no text (counted in one problem), a mislabelled encoding or a malformation that was
    /// repaired, an entry whose date cannot be read.
    pub problems: Vec<Problem>,
}

/// How many ids of entries without text a problem names.
const EMPTY_IDS_SHOWN: usize = 3;

/// Entry elements that give its publication date, best first.
const PUBLISHED_ELEMENTS: &[&str] = &["published", "pubDate", "issued", "created"];
/// Entry elements that give a date when no publication date is given, best first.
const UPDATED_ELEMENTS: &[&str] = &["date", "updated", "modified"];

/// Reads every entry of a feed document. Fails when the document does not parse, even
/// after the repairs feed readers make, or when no entry has text.
pub fn read_feed(bytes: &[u8], display: &str) -> Result<Feed, Problem> {
    let mut problems = Vec::new();
    let json = first_byte(bytes) == Some(b'{');
    let mut document = if json {
        String::from_utf8_lossy(bytes).into_owned()
    } else {
        let (text, note) = decode_xml(bytes);
        problems.extend(note.map(|n| Problem::warning(display, None, n)));
        text
    };
    if !json && root_is_atom_entry(&document) {
        // An Atom entry document (RFC 4287 §4.1.2) is read as a feed of one entry.
        document = wrap_entry(&document);
    }
    let feed = match parse(document.as_bytes()) {
        Ok(feed) => feed,
        Err(error) => {
            let repaired = (!json).then(|| repair(&document)).filter(|(_, repairs)| !repairs.is_empty());
            let Some((fixed, repairs)) = repaired else {
                return Err(Problem::skipped(display, None, format!("malformed feed: {error}")));
            };
            let feed = parse(fixed.as_bytes()).map_err(|_| {
                Problem::skipped(display, None, format!("malformed feed, not readable after repair: {error}"))
            })?;
            problems.push(Problem::warning(
                display,
                None,
                format!("malformed feed, read after repair ({}): {error}", repairs.join(", ")),
            ));
            document = fixed;
            feed
        }
    };
    let raw = if json { raw_json_entries(&document) } else { raw_xml_entries(&document) };
    let paired = raw.len() == feed.entries.len();
    let feed_title = feed.title.as_ref().map(|t| plain(&t.content)).filter(|t| !t.is_empty());
    let feed_host = feed.links.iter().find_map(|l| host(&l.href));
    let feed_date = feed.published.or(feed.updated).map(|t| t.fixed_offset());
    let feed_language = feed.language.as_deref().map(str::trim).filter(|l| !l.is_empty()).map(String::from);
    let entries = feed.entries.len();
    let mut items = Vec::with_capacity(entries);
    let mut empty = Vec::new();
    for (index, entry) in feed.entries.into_iter().enumerate() {
        let link =
            entry.links.iter().find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate")).map(|l| l.href.clone());
        let id = if !entry.id.trim().is_empty() {
            entry.id.trim().to_string()
        } else {
            link.clone().unwrap_or_else(|| format!("{display}#{}", index + 1))
        };
        let title = entry.title.as_ref().map(|t| plain(&t.content)).filter(|t| !t.is_empty());
        let raw_entry = if paired {
            raw.get(index)
        } else {
            raw.iter().find(|r| r.id.as_deref() == Some(id.as_str()) || (r.link.is_some() && r.link == link))
        };
        let mut inferred = copydesk_core::model::FieldNotes::default();
        let published = match raw_entry {
            Some(raw) => {
                let dated = raw.date();
                if dated.is_none() && !raw.dates.is_empty() {
                    let name = title.clone().or_else(|| raw.id.clone()).or_else(|| link.clone()).unwrap_or(id.clone());
                    let written = raw.dates.iter().map(|(e, v)| format!("<{e}> {v:?}")).collect::<Vec<_>>().join(", ");
                    problems.push(Problem::warning(
                        display,
                        None,
                        format!("entry “{}”: date not readable: {written}", clip(&name, 80)),
                    ));
                }
                dated.map(|(at, element, given)| {
                    if !given {
                        inferred.insert("published".to_string(), format!("entry <{element}> (no publication date)"));
                    }
                    at
                })
            }
            None => match (entry.published, entry.updated) {
                (Some(at), _) => Some(at.fixed_offset()),
                (None, Some(at)) => {
                    inferred.insert("published".to_string(), "entry updated (no publication date)".to_string());
                    Some(at.fixed_offset())
                }
                (None, None) => None,
            },
        };
        let fetched = published.is_none().then_some(feed_date).flatten();
        if fetched.is_some() {
            inferred.insert(
                "fetched".to_string(),
                "the feed's own date (the entry gives none that can be read)".to_string(),
            );
        }
        let source = feed_title.clone().or_else(|| feed_host.clone()).or_else(|| link.as_deref().and_then(host));
        let body = entry
            .content
            .and_then(|c| c.body)
            .or_else(|| entry.summary.map(|s| s.content))
            .or_else(|| entry.media.iter().find_map(|m| m.description.as_ref().map(|d| d.content.clone())))
            .map(|b| html::to_text(&b))
            .unwrap_or_default();
        if body.trim().is_empty() {
            empty.push(id);
            continue;
        }
        let item = Item {
            id,
            location: Some(Location { path: display.to_string(), line: None }),
            source,
            url: link,
            title,
            published,
            fetched,
            author: entry.authors.first().map(|a| a.name.clone()).filter(|a| !a.is_empty()),
            language: feed_language.clone(),
            basis: feed_language.iter().map(|_| ("language".to_string(), "feed <language>".to_string())).collect(),
            inferred,
            ..Item::default()
        };
        items.push(text::complete(item, body, false));
    }
    if items.is_empty() {
        let why = if entries == 0 { "feed has no entries" } else { "feed has no entries with text" };
        let repaired = problems.iter().find(|p| p.message.starts_with("malformed feed"));
        let why = repaired.map_or_else(|| why.to_string(), |p| format!("{why}; {}", p.message));
        return Err(Problem::skipped(display, None, why));
    }
    if !empty.is_empty() {
        let verb = if empty.len() == 1 { "has" } else { "have" };
        let mut shown = empty.iter().take(EMPTY_IDS_SHOWN).map(|id| format!("{id:?}")).collect::<Vec<_>>().join(", ");
        if empty.len() > EMPTY_IDS_SHOWN {
            shown.push_str(", …");
        }
        problems.push(Problem::skipped(
            display,
            None,
            format!("{} of {entries} entries {verb} no text ({shown})", empty.len()),
        ));
    }
    Ok(Feed { items, problems })
}

/// Parses a UTF-8 feed document with feed-rs, reading its dates leniently.
fn parse(document: &[u8]) -> Result<feed_rs::model::Feed, feed_rs::parser::ParseFeedError> {
    feed_rs::parser::Builder::new()
        .id_generator(|links, _title, _uri| links.first().map(|l| l.href.clone()).unwrap_or_default())
        .timestamp_parser(|value| feed_timestamp(value).map(|t| t.with_timezone(&Utc)))
        .build()
        .parse(document)
}

/// Whether the document's root element is an Atom `<entry>`.
fn root_is_atom_entry(document: &str) -> bool {
    let mut rest = document.trim_start_matches('\u{feff}').trim_start();
    while rest.starts_with("<?") || rest.starts_with("<!") {
        let close = if rest.starts_with("<!--") { "-->" } else { ">" };
        let Some(end) = rest.find(close) else { return false };
        rest = rest[end + close.len()..].trim_start();
    }
    rest.strip_prefix("<entry").is_some_and(|r| r.starts_with([' ', '>', '\n', '\r', '\t']))
}

/// An Atom entry document inside a feed element, its XML declaration kept in front.
fn wrap_entry(document: &str) -> String {
    let start = document.find("<entry").unwrap_or(0);
    let (head, entry) = document.split_at(start);
    format!("{head}<feed xmlns=\"http://www.w3.org/2005/Atom\">{entry}</feed>")
}

/// Reads a feed's date leniently ([`parse_timestamp`]); a weekday in another language
/// before the date (`mer, 16 nov 2022 00:38:15 +0100`) is left out, as it adds nothing.
fn feed_timestamp(value: &str) -> Option<DateTime<FixedOffset>> {
    parse_timestamp(value).or_else(|| {
        let (weekday, rest) = value.trim().split_once(',')?;
        weekday.trim_end_matches('.').chars().all(char::is_alphabetic).then(|| parse_timestamp(rest))?
    })
}

fn first_byte(bytes: &[u8]) -> Option<u8> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// Decodes an XML feed to UTF-8 text whose declaration says UTF-8: by its byte order
/// mark, else by the encoding its declaration names. A declared encoding the bytes cannot
/// be in (UTF-16 without a byte order mark, read as ASCII), or a single-byte encoding
/// declared for bytes that are valid UTF-8 with non-ASCII characters, is a mislabel:
/// the document is read as UTF-8, as feed readers do, with a note saying so.
fn decode_xml(bytes: &[u8]) -> (String, Option<String>) {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return (with_utf8_declaration(text.into_owned()), None);
    }
    let utf8 = std::str::from_utf8(bytes).ok();
    let Some(label) = declared_encoding(bytes) else {
        return (String::from_utf8_lossy(bytes).into_owned(), None);
    };
    let note = |what: &str| Some(format!("declares encoding {label:?} but {what}; read as UTF-8"));
    let (text, note) = match Encoding::for_label(label.as_bytes()) {
        None => (String::from_utf8_lossy(bytes).into_owned(), note("that encoding is unknown")),
        Some(encoding) if encoding == UTF_8 => (String::from_utf8_lossy(bytes).into_owned(), None),
        Some(encoding) if encoding == UTF_16LE || encoding == UTF_16BE => {
            (String::from_utf8_lossy(bytes).into_owned(), note("is not UTF-16 (its declaration is ASCII)"))
        }
        Some(_) if utf8.is_some_and(|u| !u.is_ascii()) => {
            (utf8.unwrap_or_default().to_string(), note("its bytes are UTF-8"))
        }
        Some(encoding) => (encoding.decode_without_bom_handling(bytes).0.into_owned(), None),
    };
    (with_utf8_declaration(text), note)
}

/// The encoding an XML declaration names, if any.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = &bytes[start..bytes.len().min(start + 512)];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = memchr::memmem::find(head, b"?>")?;
    let declaration = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
    let (_, rest) = declaration.split_once("encoding")?;
    let value = rest.trim_start().strip_prefix('=')?.trim_start().trim_start_matches(['"', '\'']);
    let name = value.split(['"', '\'', ' ', '?']).next().unwrap_or_default();
    (!name.is_empty()).then(|| name.to_string())
}

/// The document with its XML declaration, if any, replaced by one that says UTF-8.
fn with_utf8_declaration(text: String) -> String {
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if !trimmed.starts_with("<?xml") {
        return text;
    }
    match trimmed.find("?>") {
        Some(end) => format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{}", &trimmed[end + 2..]),
        None => text,
    }
}

/// Namespaces feeds use under their usual prefixes, for a prefix a feed uses without
/// declaring it.
const KNOWN_NAMESPACES: &[(&str, &str)] = &[
    ("atom", "http://www.w3.org/2005/Atom"),
    ("content", "http://purl.org/rss/1.0/modules/content/"),
    ("dc", "http://purl.org/dc/elements/1.1/"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("itunes", "http://www.itunes.com/dtds/podcast-1.0.dtd"),
    ("media", "http://search.yahoo.com/mrss/"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("slash", "http://purl.org/rss/1.0/modules/slash/"),
    ("sy", "http://purl.org/rss/1.0/modules/syndication/"),
    ("wfw", "http://wellformedweb.org/CommentAPI/"),
];

/// Repairs the malformations feed readers recover from, as a new document and the list of
/// repairs made: a namespace prefix used without being declared (declared on the root
/// element, with its usual namespace when it is a known one), a `&` that starts no
/// entity, an HTML entity XML does not define, a `<` that starts no markup, a closing tag
/// that closes nothing, and elements left open at the end (a truncated feed).
fn repair(document: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(document.len() + 64);
    let mut stack: Vec<String> = Vec::new();
    let mut declared: Vec<String> = vec!["xml".into(), "xmlns".into()];
    let mut used: Vec<String> = Vec::new();
    let mut root_end: Option<usize> = None;
    let (mut ampersands, mut entities, mut less_thans, mut strays) = (0usize, 0usize, 0usize, 0usize);
    let mut truncated = false;
    let mut rest = document;
    while let Some(at) = rest.find(['<', '&']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with('&') {
            let entity = rest[1..].find(';').filter(|&n| n <= 32).map(|n| &rest[1..=n]);
            match entity {
                Some(name) if is_xml_entity(name) => {
                    out.push_str(&rest[..name.len() + 2]);
                    rest = &rest[name.len() + 2..];
                }
                Some(name) if name.chars().all(|c| c.is_ascii_alphanumeric()) && !name.is_empty() => {
                    let decoded = html_escape::decode_html_entities(&rest[..name.len() + 2]).into_owned();
                    if decoded.starts_with('&') {
                        out.push_str("&amp;");
                        rest = &rest[1..];
                        ampersands += 1;
                    } else {
                        html_escape::encode_text_to_string(&decoded, &mut out);
                        rest = &rest[name.len() + 2..];
                        entities += 1;
                    }
                }
                _ => {
                    out.push_str("&amp;");
                    rest = &rest[1..];
                    ampersands += 1;
                }
            }
            continue;
        }
        // Markup that is copied whole, closed at the end of the document if it never ends.
        let sections: [(&str, &str); 4] = [("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>"), ("<!", ">")];
        if let Some((open, close)) = sections.iter().find(|(open, _)| rest.starts_with(open)) {
            match rest[open.len()..].find(close) {
                Some(n) => {
                    let length = open.len() + n + close.len();
                    out.push_str(&rest[..length]);
                    rest = &rest[length..];
                }
                None => {
                    out.push_str(rest);
                    out.push_str(close);
                    rest = "";
                    truncated = true;
                }
            }
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = if closing { 2 } else { 1 };
        let starts_name = rest[name_start..].chars().next().is_some_and(|c| c.is_alphabetic() || c == '_' || c == ':');
        if !starts_name {
            out.push_str("&lt;");
            rest = &rest[1..];
            less_thans += 1;
            continue;
        }
        let Some(length) = tag_length(rest) else {
            // A tag cut off by the end of the document.
            rest = "";
            truncated = true;
            break;
        };
        let tag = &rest[..length];
        rest = &rest[length..];
        let name: String =
            tag[name_start..].chars().take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/').collect();
        if closing {
            match stack.iter().rposition(|open| *open == name) {
                Some(position) => {
                    for open in stack.drain(position + 1..).rev() {
                        out.push_str(&format!("</{open}>"));
                    }
                    stack.pop();
                    out.push_str(tag);
                }
                None => strays += 1,
            }
            continue;
        }
        for word in std::iter::once(name.as_str()).chain(attribute_names(tag)) {
            if let Some(declaration) = word.strip_prefix("xmlns:") {
                declared.push(declaration.to_string());
            } else if let Some((prefix, _)) = word.split_once(':') {
                used.push(prefix.to_string());
            }
        }
        out.push_str(tag);
        if root_end.is_none() {
            root_end = Some(out.len() - if tag.ends_with("/>") { 2 } else { 1 });
        }
        if !tag.ends_with("/>") {
            stack.push(name);
        }
    }
    out.push_str(rest);
    if !stack.is_empty() {
        truncated = true;
    }
    for open in stack.iter().rev() {
        out.push_str(&format!("</{open}>"));
    }
    used.sort();
    used.dedup();
    let undeclared: Vec<&String> = used.iter().filter(|p| !declared.contains(p)).collect();
    if let (Some(at), false) = (root_end, undeclared.is_empty()) {
        let declarations: String = undeclared
            .iter()
            .map(|prefix| {
                let uri = KNOWN_NAMESPACES
                    .iter()
                    .find(|(known, _)| known == prefix)
                    .map_or_else(|| format!("urn:undeclared:{prefix}"), |(_, uri)| uri.to_string());
                format!(" xmlns:{prefix}=\"{uri}\"")
            })
            .collect();
        out.insert_str(at, &declarations);
    }
    let mut repairs = Vec::new();
    if !undeclared.is_empty() {
        let prefixes = undeclared.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(", ");
        repairs.push(format!("undeclared namespace prefix {prefixes}"));
    }
    let counted = [
        (ampersands, "stray `&`"),
        (entities, "HTML entity"),
        (less_thans, "unescaped `<`"),
        (strays, "closing tag without an opening one"),
    ];
    repairs.extend(counted.iter().filter(|(n, _)| *n > 0).map(|(n, what)| format!("{n} × {what}")));
    if truncated {
        repairs.push("document cut off, open elements closed".to_string());
    }
    (out, repairs)
}

/// Whether `name` (between `&` and `;`) is an entity XML defines or a character reference.
fn is_xml_entity(name: &str) -> bool {
    matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
        || name.strip_prefix("#x").is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()))
        || name.strip_prefix('#').is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
}

/// The length of the tag at the start of `text` up to its `>`, quotes respected.
fn tag_length(text: &str) -> Option<usize> {
    let mut quote = None;
    for (at, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(at + 1),
            (None, '<') if at > 0 => return None,
            _ => {}
        }
    }
    None
}

/// The names of a tag's attributes (`<name a="1" b='2'>`).
fn attribute_names(tag: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let inner = tag.trim_start_matches('<').trim_end_matches('>').trim_end_matches('/');
    let mut rest = inner.trim_start_matches(|c: char| !c.is_whitespace());
    loop {
        rest = rest.trim_start();
        let end = rest.find(|c: char| c == '=' || c.is_whitespace()).unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        names.push(&rest[..end]);
        rest = rest[end..].trim_start();
        let Some(value) = rest.strip_prefix('=') else { continue };
        let value = value.trim_start();
        rest = match value.chars().next() {
            Some(q @ ('"' | '\'')) => value[1..].find(q).map_or("", |n| &value[n + 2..]),
            _ => value.trim_start_matches(|c: char| !c.is_whitespace()),
        };
    }
    names
}

/// What a feed's own markup says of one entry: its title, id and link to name it by, and
/// the date elements it holds with their written values.
#[derive(Debug, Default)]
struct RawEntry {
    title: Option<String>,
    id: Option<String>,
    link: Option<String>,
    /// (element's local name, text as written), in document order.
    dates: Vec<(String, String)>,
}

impl RawEntry {
    /// The entry's date, the element that gave it, and whether that element is a
    /// publication date (rather than an update or a Dublin Core date).
    fn date(&self) -> Option<(DateTime<FixedOffset>, &str, bool)> {
        for (names, given) in [(PUBLISHED_ELEMENTS, true), (UPDATED_ELEMENTS, false)] {
            for name in names {
                let found = self.dates.iter().filter(|(element, _)| element == name);
                if let Some(at) = found.clone().find_map(|(_, value)| feed_timestamp(value)) {
                    return Some((at, name, given));
                }
            }
        }
        None
    }
}

/// The entries of an XML feed as written, in document order: `<item>` (RSS) and
/// `<entry>` (Atom) elements. A document that stops parsing gives the entries before.
fn raw_xml_entries(document: &str) -> Vec<RawEntry> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(document);
    reader.config_mut().check_end_names = false;
    let mut entries = Vec::new();
    let mut current: Option<RawEntry> = None;
    // The entry-level element being read, by local name, and its text so far.
    let mut field: Option<(String, String)> = None;
    let mut depth = 0usize;
    let mut entry_depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                depth += 1;
                let local = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if current.is_none() && (local == "item" || local == "entry") {
                    current = Some(RawEntry::default());
                    entry_depth = depth;
                } else if current.is_some() && depth == entry_depth + 1 {
                    if local == "link" {
                        if let Some(entry) = current.as_mut() {
                            entry.link = entry.link.take().or_else(|| href(&e));
                        }
                    }
                    field = Some((local, String::new()));
                }
            }
            Ok(Event::Empty(e)) => {
                if let (Some(entry), true) = (current.as_mut(), depth == entry_depth) {
                    if e.local_name().as_ref() == b"link" && entry.link.is_none() {
                        entry.link = href(&e);
                    }
                }
            }
            Ok(Event::Text(t)) => {
                if let Some((_, text)) = field.as_mut() {
                    let raw = String::from_utf8_lossy(t.as_ref()).into_owned();
                    text.push_str(&quick_xml::escape::unescape(&raw).map(|u| u.into_owned()).unwrap_or(raw));
                }
            }
            Ok(Event::CData(t)) => {
                if let Some((_, text)) = field.as_mut() {
                    text.push_str(&String::from_utf8_lossy(t.as_ref()));
                }
            }
            Ok(Event::End(_)) => {
                if current.is_some() && depth == entry_depth {
                    entries.extend(current.take());
                } else if depth == entry_depth + 1 {
                    if let (Some((name, text)), Some(entry)) = (field.take(), current.as_mut()) {
                        let text = text.trim().to_string();
                        if !text.is_empty() {
                            match name.as_str() {
                                "title" => entry.title = Some(plain(&text)),
                                "guid" | "id" => entry.id = Some(text),
                                "link" => entry.link = entry.link.take().or(Some(text)),
                                n if PUBLISHED_ELEMENTS.contains(&n) || UPDATED_ELEMENTS.contains(&n) => {
                                    entry.dates.push((name, text));
                                }
                                _ => {}
                            }
                        }
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    entries
}

/// A `<link href="…">`'s address.
fn href(element: &quick_xml::events::BytesStart) -> Option<String> {
    let attribute = element.try_get_attribute("href").ok().flatten()?;
    attribute.unescape_value().ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// The items of a JSON Feed as written.
fn raw_json_entries(document: &str) -> Vec<RawEntry> {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(document) else { return Vec::new() };
    let Some(items) = value.get("items").and_then(|i| i.as_array()) else { return Vec::new() };
    let text = |item: &serde_json::Value, key: &str| {
        item.get(key).and_then(|v| v.as_str()).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
    };
    items
        .iter()
        .map(|item| {
            let dates = [("date_published", "published"), ("date_modified", "modified")]
                .iter()
                .filter_map(|(key, element)| text(item, key).map(|v| (element.to_string(), v)))
                .collect();
            RawEntry {
                title: text(item, "title"),
                id: item.get("id").map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)),
                link: text(item, "url"),
                dates,
            }
        })
        .collect()
}

/// A title that may hold markup or entities, as plain text.
fn plain(text: &str) -> String {
    html::to_text(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

pub use copydesk_core::util::host;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rss_entries() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour News</title>
            <link>https://harbour.example/</link>
            <item><title>Port reopens</title><link>https://harbour.example/port</link><guid>port-1</guid>
            <pubDate>Wed, 02 Apr 2025 09:00:00 GMT</pubDate>
            <description>&lt;p&gt;The port reopened on Wednesday.&lt;/p&gt;&lt;p&gt;Ships queued.&lt;/p&gt;</description></item>
            <item><title>No body</title><link>https://harbour.example/empty</link></item>
            </channel></rss>"#;
        let feed = read_feed(rss, "feed.xml").expect("feed");
        let items = feed.items;
        assert_eq!(items.len(), 1);
        let problem = feed.problems.first().expect("an entry without text");
        assert_eq!(problem.message, "1 of 2 entries has no text (\"https://harbour.example/empty\")");
        let item = &items[0];
        assert_eq!(item.id, "port-1");
        assert_eq!(item.source.as_deref(), Some("Harbour News"));
        assert_eq!(item.title.as_deref(), Some("Port reopens"));
        assert_eq!(item.published.map(|p| p.date_naive().to_string()).as_deref(), Some("2025-04-02"));
        assert_eq!(item.text, "The port reopened on Wednesday.\n\nShips queued.");
    }

    #[test]
    fn the_channel_language_is_the_declared_language_of_its_entries() {
        let rss = br#"<rss version="2.0"><channel><title>Rheinbote</title><language>de-DE</language>
            <item><guid>gas-1</guid><title>Gaspreis sinkt</title>
            <description>Die Stadtwerke senken zum 1. Oktober den Gaspreis um vier Prozent.</description></item>
            </channel></rss>"#;
        let item = &read_feed(rss, "feed.xml").expect("feed").items[0];
        // feed-rs gives the tag in lower case; language tags are case-insensitive.
        assert_eq!(item.language.as_deref(), Some("de-de"));
        assert_eq!(item.basis["language"], "feed <language>");
    }

    #[test]
    fn reads_atom_and_falls_back_to_the_site_host() {
        let atom = br#"<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
            <link href="https://www.valley.example/"/><id>urn:feed</id><updated>2025-01-01T00:00:00Z</updated>
            <entry><id>urn:1</id><title>Dam inspected</title><link href="https://www.valley.example/dam"/>
            <updated>2025-01-02T00:00:00Z</updated><content type="html">&lt;p&gt;Engineers inspected the dam.&lt;/p&gt;</content></entry></feed>"#;
        let items = read_feed(atom, "atom.xml").expect("feed").items;
        assert_eq!(items[0].source.as_deref(), Some("valley.example"));
        assert_eq!(items[0].url.as_deref(), Some("https://www.valley.example/dam"));
    }

    #[test]
    fn reads_json_feed() {
        let json = br#"{"version": "https://jsonfeed.org/version/1.1", "title": "Valley Daily",
            "items": [{"id": "7", "url": "https://valley.example/7", "title": "Bridge opens",
            "content_text": "The bridge opened to traffic.", "date_published": "2025-05-01T08:00:00Z"}]}"#;
        let items = read_feed(json, "feed.json").expect("feed").items;
        assert_eq!(items[0].id, "7");
        assert_eq!(items[0].source.as_deref(), Some("Valley Daily"));
        assert_eq!(items[0].text, "The bridge opened to traffic.");
    }

    #[test]
    fn a_malformed_feed_is_one_problem() {
        let problem = read_feed(b"<rss><channel><item><title>broken", "bad.xml").expect_err("malformed");
        assert!(problem.message.starts_with("malformed feed"), "{}", problem.message);
    }

    #[test]
    fn a_truncated_feed_is_closed_and_read() {
        let rss = b"<rss version=\"2.0\"><channel><title>Wire</title><item><guid>w-1</guid>\
            <pubDate>mer, 16 nov 2022 00:38:15 +0100</pubDate><description>Talks resumed in the capital.</description>\
            </item><item><title>cut";
        let feed = read_feed(rss, "cut.xml").expect("repaired");
        assert_eq!(feed.items.len(), 1);
        assert_eq!(feed.items[0].published.map(|p| p.to_rfc3339()).as_deref(), Some("2022-11-16T00:38:15+01:00"));
        let repaired = feed.problems.iter().find(|p| p.message.starts_with("malformed feed, read after repair"));
        assert!(repaired.is_some_and(|p| p.message.contains("document cut off")), "{:?}", feed.problems);
    }

    #[test]
    fn repairs_keep_wellformed_markup() {
        let (fixed, repairs) = repair("<a x='1 < 2'><![CDATA[a < b & c]]><!-- & --><b>1 &lt; 2 &#38; &copy;</b></a>");
        assert_eq!(fixed, "<a x='1 < 2'><![CDATA[a < b & c]]><!-- & --><b>1 &lt; 2 &#38; ©</b></a>");
        assert_eq!(repairs, ["1 × HTML entity"]);
    }

    #[test]
    fn host_of_urls() {
        assert_eq!(host("https://www.kyivindependent.com/news/x").as_deref(), Some("kyivindependent.com"));
        assert_eq!(host("http://user@site.example:8080/x").as_deref(), Some("site.example"));
        assert_eq!(host("not a url"), None);
    }
}
