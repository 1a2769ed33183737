//! Character encodings and compression: the one way every input's bytes become text.
//!
//! [`read_limited`] reads a file (gzip-compressed or not) within the size limit, the
//! limit applied to the decompressed bytes; [`decode`] turns bytes into text. The encoding
//! is chosen, in order, by a byte order mark (UTF-8, UTF-16, UTF-32), by the document's
//! own declaration (an HTML `<meta charset>` or `http-equiv` tag, an XML declaration), by
//! the HTTP `Content-Type` charset of a fetched page, and by detection (`chardetng`) when
//! nothing is declared and the bytes are not UTF-8.

use std::io::Read;

use encoding_rs::Encoding;

/// The first bytes of a gzip stream.
const GZIP_MAGIC: &[u8] = b"\x1f\x8b";

/// How many leading bytes are searched for a declaration.
const DECLARATION_BYTES: usize = 4096;

/// What the encoding of a text was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// A byte order mark.
    Bom,
    /// An HTML `<meta charset>` or `<meta http-equiv="Content-Type">` tag.
    MetaCharset,
    /// The encoding of an XML declaration.
    XmlDeclaration,
    /// The charset of the HTTP `Content-Type` header.
    HttpHeader,
    /// Detected from the bytes: nothing was declared and they are not UTF-8.
    Detected,
    /// Nothing declared and the bytes are UTF-8 (or ASCII).
    Utf8,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Bom => "bom",
            Basis::MetaCharset => "meta charset",
            Basis::XmlDeclaration => "xml declaration",
            Basis::HttpHeader => "http header",
            Basis::Detected => "detected",
            Basis::Utf8 => "utf-8",
        }
    }
}

/// Text decoded from bytes.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    /// The encoding's name (`UTF-8`, `windows-1252`, `UTF-16LE`, `UTF-32BE`, …).
    pub encoding: &'static str,
    pub basis: Basis,
    /// Some bytes were not valid in the encoding and became U+FFFD.
    pub lossy: bool,
    /// A declaration that did not fit the bytes and was overruled, said as a warning.
    pub overruled: Option<String>,
}

/// What the bytes are thought to be, for the declarations looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    Html,
    Xml,
    /// Plain text, Markdown, JSON: only a byte order mark or a header declares.
    None,
}

/// Decodes bytes to text. `markup` says which in-document declaration to look for,
/// `http_charset` is the charset of a fetched document's `Content-Type`.
pub fn decode(bytes: &[u8], markup: Markup, http_charset: Option<&str>) -> Decoded {
    if let Some((encoding, text, lossy)) = decode_bom(bytes) {
        return Decoded { text, encoding, basis: Basis::Bom, lossy, overruled: None };
    }
    let declared = match markup {
        Markup::Html => html_charset(bytes).map(|e| (e, Basis::MetaCharset)),
        Markup::Xml => xml_encoding(bytes).map(|e| (e, Basis::XmlDeclaration)),
        Markup::None => None,
    };
    let declared = declared.or_else(|| http_charset.and_then(label).map(|e| (e, Basis::HttpHeader)));
    let mut overruled = None;
    if let Some((encoding, basis)) = declared {
        if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
            // A declaration read as ASCII cannot be UTF-16 without a byte order mark:
            // the document is in an ASCII-compatible encoding, most often UTF-8.
            overruled = Some(format!(
                "declares UTF-16 ({}) but is not UTF-16; read as {}",
                basis.as_str(),
                if std::str::from_utf8(bytes).is_ok() { "UTF-8" } else { "the detected encoding" }
            ));
        } else {
            let (text, lossy) = with_encoding(bytes, encoding);
            return Decoded { text, encoding: encoding.name(), basis, lossy, overruled: None };
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded { text: text.to_string(), encoding: "UTF-8", basis: Basis::Utf8, lossy: false, overruled },
        Err(_) => {
            let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            let encoding = detector.guess(None, chardetng::Utf8Detection::Allow);
            let (text, lossy) = with_encoding(bytes, encoding);
            Decoded { text, encoding: encoding.name(), basis: Basis::Detected, lossy, overruled }
        }
    }
}

/// The encoding a label names (`latin1`, `utf-8`, `Shift_JIS`, …).
fn label(name: &str) -> Option<&'static Encoding> {
    Encoding::for_label(name.trim().trim_matches(['"', '\'']).as_bytes())
}

fn with_encoding(bytes: &[u8], encoding: &'static Encoding) -> (String, bool) {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    (text.into_owned(), had_errors)
}

/// Text after a byte order mark, with the encoding it names and whether decoding was lossy.
fn decode_bom(bytes: &[u8]) -> Option<(&'static str, String, bool)> {
    // UTF-32 first: its little-endian mark begins with UTF-16's.
    if let Some(rest) = bytes.strip_prefix(b"\x00\x00\xfe\xff") {
        let (text, lossy) = utf32(rest, u32::from_be_bytes);
        return Some(("UTF-32BE", text, lossy));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe\x00\x00") {
        let (text, lossy) = utf32(rest, u32::from_le_bytes);
        return Some(("UTF-32LE", text, lossy));
    }
    let (encoding, _) = Encoding::for_bom(bytes)?;
    let (text, _, lossy) = encoding.decode(bytes);
    Some((encoding.name(), text.into_owned(), lossy))
}

fn utf32(bytes: &[u8], word: fn([u8; 4]) -> u32) -> (String, bool) {
    let mut text = String::with_capacity(bytes.len() / 4);
    let mut lossy = bytes.len() % 4 != 0;
    for chunk in bytes.chunks_exact(4) {
        match char::from_u32(word([chunk[0], chunk[1], chunk[2], chunk[3]])) {
            Some(c) => text.push(c),
            None => {
                text.push(char::REPLACEMENT_CHARACTER);
                lossy = true;
            }
        }
    }
    if lossy && bytes.len() % 4 != 0 {
        text.push(char::REPLACEMENT_CHARACTER);
    }
    (text, lossy)
}

/// The encoding an HTML page's `<meta charset="…">` or
/// `<meta http-equiv="Content-Type" content="text/html; charset=…">` declares.
pub fn html_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(DECLARATION_BYTES)]).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(at) = rest.find("<meta") {
        let tag = &rest[at..];
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        if let Some(encoding) = charset_in(tag) {
            return Some(encoding);
        }
        rest = &rest[at + 5..];
    }
    None
}

/// The value after `charset=` in a tag or header.
fn charset_in(text: &str) -> Option<&'static Encoding> {
    let (_, value) = text.split_once("charset")?;
    let value = value.trim_start().strip_prefix('=')?.trim_start().trim_start_matches(['"', '\'']);
    let end =
        value.find(|c: char| matches!(c, '"' | '\'' | ';' | '>' | '/') || c.is_whitespace()).unwrap_or(value.len());
    label(&value[..end])
}

/// The charset of an HTTP `Content-Type` header value.
pub fn content_type_charset(value: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    charset_in(&lower).map(|_| {
        let (_, value) = lower.split_once("charset").unwrap_or_default();
        value
            .trim_start()
            .trim_start_matches('=')
            .trim()
            .trim_matches(['"', '\''])
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string()
    })
}

/// The encoding an XML declaration names (`<?xml version="1.0" encoding="ISO-8859-1"?>`).
pub fn xml_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let head = &bytes[start..];
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = memchr::memmem::find(&head[..head.len().min(512)], b"?>")?;
    let declaration = String::from_utf8_lossy(&head[..end]).to_ascii_lowercase();
    let (_, rest) = declaration.split_once("encoding")?;
    let value = rest.trim_start().strip_prefix('=')?.trim_start().trim_start_matches(['"', '\'']);
    let name = value.split(['"', '\'', ' ', '?']).next()?;
    label(name)
}

/// An XML document decoded to a Rust string still names its old encoding: the
/// declaration's encoding is rewritten to say UTF-8, so that an XML parser does not
/// decode it again.
pub fn declare_utf8(text: &str) -> std::borrow::Cow<'_, str> {
    let offset = text.len() - text.trim_start().len();
    if !text[offset..].starts_with("<?xml") {
        return text.into();
    }
    let mut limit = text.len().min(offset + 512);
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let window = &text[offset..limit];
    let Some(end) = window.find("?>") else { return text.into() };
    let declaration = &window[..end];
    let Some(at) = declaration.to_ascii_lowercase().find("encoding") else { return text.into() };
    let after = &declaration[at + "encoding".len()..];
    let Some(equals) = after.find('=') else { return text.into() };
    let value = after[equals + 1..].trim_start();
    let Some(quote) = value.chars().next().filter(|c| matches!(c, '"' | '\'')) else { return text.into() };
    let Some(close) = value[1..].find(quote) else { return text.into() };
    let value_start = offset + at + "encoding".len() + equals + 1 + (after[equals + 1..].len() - value.len());
    let value_end = value_start + close + 2;
    format!("{}\"UTF-8\"{}", &text[..value_start], &text[value_end..]).into()
}

/// Whether bytes begin a gzip stream.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(GZIP_MAGIC)
}

/// Why bytes could not be read within the limit.
#[derive(Debug)]
pub enum ReadError {
    /// More than the limit, decompressed; the count read so far.
    TooLarge(u64),
    Io(std::io::Error),
}

/// Reads all of `reader`, decompressing gzip (recognised by its first bytes), and never
/// holds more than `limit + 1` decompressed bytes. `head` is what was already read from
/// the start of the stream.
pub fn read_limited(head: Vec<u8>, reader: impl Read, limit: u64) -> Result<(Vec<u8>, bool), ReadError> {
    let compressed = is_gzip(&head);
    let chained = std::io::Cursor::new(head).chain(reader);
    let mut bytes = Vec::new();
    let read = if compressed {
        flate2::read::MultiGzDecoder::new(chained).take(limit + 1).read_to_end(&mut bytes)
    } else {
        chained.take(limit + 1).read_to_end(&mut bytes)
    };
    read.map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok((bytes, compressed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_order_marks_name_the_encoding() {
        let mut utf16 = vec![0xff, 0xfe];
        utf16.extend("Grüße".encode_utf16().flat_map(u16::to_le_bytes));
        let decoded = decode(&utf16, Markup::None, None);
        assert_eq!((decoded.text.as_str(), decoded.encoding, decoded.basis), ("Grüße", "UTF-16LE", Basis::Bom));
        let mut utf32 = vec![0, 0, 0xfe, 0xff];
        utf32.extend("Grüße".chars().flat_map(|c| (c as u32).to_be_bytes()));
        let decoded = decode(&utf32, Markup::None, None);
        assert_eq!((decoded.text.as_str(), decoded.encoding), ("Grüße", "UTF-32BE"));
        let decoded = decode(b"\xef\xbb\xbfplain", Markup::None, None);
        assert_eq!((decoded.text.as_str(), decoded.basis), ("plain", Basis::Bom));
    }

    #[test]
    fn declarations_then_header_then_detection() {
        let page = b"<html><head><meta charset=\"windows-1252\"></head><body>caf\xe9</body></html>";
        let decoded = decode(page, Markup::Html, Some("utf-8"));
        assert!(decoded.text.contains("café"));
        assert_eq!((decoded.encoding, decoded.basis), ("windows-1252", Basis::MetaCharset));
        let old = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-1\"><p>na\xefve";
        assert_eq!(decode(old, Markup::Html, None).basis, Basis::MetaCharset);
        let xml = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><title>S\xe3o Paulo</title></rss>";
        let decoded = decode(xml, Markup::Xml, None);
        assert!(decoded.text.contains("São Paulo"));
        assert_eq!(decoded.basis, Basis::XmlDeclaration);
        let decoded = decode(b"<p>caf\xe9</p>", Markup::Html, Some("latin1"));
        assert_eq!((decoded.basis, decoded.text.as_str()), (Basis::HttpHeader, "<p>café</p>"));
        let decoded = decode("Le café est très bon, à côté de l'église.".as_bytes(), Markup::None, None);
        assert_eq!(decoded.basis, Basis::Utf8);
        let latin = b"Le caf\xe9 est tr\xe8s bon, \xe0 c\xf4t\xe9 de l'\xe9glise, d\xe9j\xe0 ferm\xe9e.";
        let decoded = decode(latin, Markup::None, None);
        assert_eq!(decoded.basis, Basis::Detected);
        assert!(decoded.text.contains("très"), "{}", decoded.text);
        assert!(!decoded.lossy);
    }

    #[test]
    fn a_false_utf16_declaration_is_overruled() {
        let xml = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss><title>Zürich</title></rss>";
        let decoded = decode(xml.as_bytes(), Markup::Xml, None);
        assert_eq!(decoded.text, xml);
        assert_eq!(decoded.basis, Basis::Utf8);
        assert!(decoded.overruled.expect("a warning").contains("declares UTF-16"));
    }

    #[test]
    fn rewrites_the_xml_declaration() {
        assert_eq!(
            declare_utf8("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss/>"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss/>"
        );
        assert_eq!(
            declare_utf8("<?xml version='1.0' encoding='latin1' standalone='yes'?><rss/>"),
            "<?xml version='1.0' encoding=\"UTF-8\" standalone='yes'?><rss/>"
        );
        assert_eq!(declare_utf8("<rss/>"), "<rss/>");
    }

    #[test]
    fn a_declaration_without_an_end_in_its_window_is_left_alone_whatever_the_script() {
        // The 512-byte window ends inside a three-byte character (found by fuzzing).
        let text = format!("<?xml{}ฆ?><rss/>", "!".repeat(505));
        assert!(!text.is_char_boundary(512));
        assert_eq!(declare_utf8(&text), text);
    }

    #[test]
    fn header_charsets() {
        assert_eq!(content_type_charset("text/html; charset=ISO-8859-1").as_deref(), Some("iso-8859-1"));
        assert_eq!(content_type_charset("application/rss+xml;charset=\"utf-8\"").as_deref(), Some("utf-8"));
        assert_eq!(content_type_charset("text/html"), None);
    }

    #[test]
    fn gzip_is_read_within_the_limit_of_its_decompressed_size() {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&vec![b'a'; 1 << 20]).expect("compress");
        let compressed = encoder.finish().expect("compress");
        assert!(compressed.len() < 10_000);
        let (bytes, gzip) = read_limited(compressed.clone(), std::io::empty(), 2 << 20).expect("read");
        assert!(gzip);
        assert_eq!(bytes.len(), 1 << 20);
        assert!(matches!(read_limited(compressed, std::io::empty(), 1000), Err(ReadError::TooLarge(1001))));
    }
}
