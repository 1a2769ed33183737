//! Recognises an input's format from its content, not its name.

/// The formats copydesk reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Plain text or Markdown: one article per file.
    Text,
    /// An HTML page: one article, main text extracted.
    Html,
    /// RSS 2.0, RSS 1.0, Atom or JSON Feed: one article per entry.
    Feed,
    /// JSON Lines: one article per row, or a manifest of files.
    JsonLines,
}

/// Why content is not read at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    Empty,
    Binary,
    /// A JSON document (an object over several lines, an array) that is neither JSON
    /// Lines nor a JSON Feed: data, not articles.
    JsonDocument,
}

/// How many leading bytes the sniffer looks at.
pub const SNIFF_BYTES: usize = 8192;

/// Recognises the format of content from its first bytes. Markdown is read as text.
pub fn detect(head: &[u8]) -> Result<InputFormat, Unreadable> {
    if has_wide_bom(head) {
        // UTF-16 and UTF-32 hold NUL bytes: recognise the decoded text.
        let decoded = super::encoding::decode(head, super::encoding::Markup::None, None);
        return detect(decoded.text.as_bytes());
    }
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let head = &head[..head.len().min(SNIFF_BYTES)];
    if head.iter().all(u8::is_ascii_whitespace) {
        return Err(Unreadable::Empty);
    }
    if looks_binary(head) {
        return Err(Unreadable::Binary);
    }
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
    let body = &head[start..];
    let lower = String::from_utf8_lossy(body).to_ascii_lowercase();
    if body.starts_with(b"<") {
        // The root element decides: a page that mentions "<feed" or "<rss" in its head
        // (a script, a link) is a page.
        match root_element(&lower) {
            Some("html") => return Ok(InputFormat::Html),
            Some("rss" | "feed" | "rdf:rdf") => return Ok(InputFormat::Feed),
            _ => {}
        }
        let atom_entry = lower.contains("<entry") && lower.contains("http://www.w3.org/2005/atom");
        if lower.contains("<rss") || lower.contains("<feed") || lower.contains("<rdf:rdf") || atom_entry {
            return Ok(InputFormat::Feed);
        }
        return Ok(InputFormat::Html);
    }
    if body.starts_with(b"{") || body.starts_with(b"[") {
        if lower.contains("jsonfeed.org/version") {
            return Ok(InputFormat::Feed);
        }
        return if looks_like_json_lines(body) { Ok(InputFormat::JsonLines) } else { Err(Unreadable::JsonDocument) };
    }
    Ok(InputFormat::Text)
}

/// The name of a markup document's first element, after its declaration, doctype and
/// comments (lower case).
fn root_element(lower: &str) -> Option<&str> {
    let mut rest = lower.trim_start();
    loop {
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.split_once("-->")?.1.trim_start();
        } else if rest.starts_with("<?") || rest.starts_with("<!") {
            rest = rest.split_once('>')?.1.trim_start();
        } else {
            let name = rest.strip_prefix('<')?;
            let end = name.find(|c: char| !(c.is_ascii_alphanumeric() || c == ':' || c == '-')).unwrap_or(name.len());
            return Some(&name[..end]).filter(|n| !n.is_empty());
        }
    }
}

/// Whether bytes begin with a UTF-16 or UTF-32 byte order mark.
pub fn has_wide_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") || bytes.starts_with(b"\x00\x00\xfe\xff")
}

/// JSON Lines: one of the first two rows is a whole JSON object on its own line (the other
/// may be broken, and is reported as such).
fn looks_like_json_lines(body: &[u8]) -> bool {
    let mut rows = body.split(|&b| b == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace));
    let complete =
        |row: &[u8]| matches!(serde_json::from_slice::<serde_json::Value>(row), Ok(serde_json::Value::Object(_)));
    // A row cut off by the end of the sniffed head cannot be judged: a long first row is
    // taken for JSON Lines.
    let first = rows.next().unwrap_or_default();
    if complete(first) || (first.len() + 1 >= body.len() && first.starts_with(b"{")) {
        return true;
    }
    rows.next().is_some_and(complete)
}

/// Binary content: a NUL byte, or many control characters that text never holds.
fn looks_binary(head: &[u8]) -> bool {
    if head.contains(&0) {
        return true;
    }
    let control = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)).count();
    control * 10 > head.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_formats_by_content() {
        assert_eq!(detect(b"Headline\n\nBody text."), Ok(InputFormat::Text));
        assert_eq!(detect(b"\xef\xbb\xbf<?xml version=\"1.0\"?><rss version=\"2.0\">"), Ok(InputFormat::Feed));
        assert_eq!(
            detect(b"<?xml version=\"1.0\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"),
            Ok(InputFormat::Feed)
        );
        assert_eq!(detect(b"<!doctype html><html><body><p>x</p>"), Ok(InputFormat::Html));
        assert_eq!(detect(b"{\"id\": \"a\", \"text\": \"b\"}\n"), Ok(InputFormat::JsonLines));
        assert_eq!(detect(b"<entry xmlns=\"http://www.w3.org/2005/Atom\"><id>urn:1</id>"), Ok(InputFormat::Feed));
        assert_eq!(detect(b"{\n \"version\": \"https://jsonfeed.org/version/1.1\"}"), Ok(InputFormat::Feed));
        assert_eq!(detect(b"  \n\t"), Err(Unreadable::Empty));
        assert_eq!(detect(b"{\n  \"ranking\": [\"a\", \"b\"]\n}\n"), Err(Unreadable::JsonDocument));
        assert_eq!(detect(b"[{\"id\": 1}]"), Err(Unreadable::JsonDocument));
        assert_eq!(detect(b"{not json\n{\"id\": \"a\", \"text\": \"b\"}\n"), Ok(InputFormat::JsonLines));
        assert_eq!(detect(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Err(Unreadable::Binary));
        // A page whose head mentions a feed is a page.
        let page = b"\n <!DOCTYPE html>\n<!-- x --><html lang=\"de\"><head><link href=\"/feed\"><script>var f = '<feed>';</script>";
        assert_eq!(detect(page), Ok(InputFormat::Html));
    }

    #[test]
    fn reads_utf16_with_a_byte_order_mark() {
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend("Headline here\n\nBody text.".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(detect(&utf16), Ok(InputFormat::Text));
        let mut html = vec![0xfe, 0xff];
        html.extend("<html><body>x</body></html>".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(detect(&html), Ok(InputFormat::Html));
    }
}
