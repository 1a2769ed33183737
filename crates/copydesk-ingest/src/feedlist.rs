//! Lists of feeds: OPML (what feed readers export) and plain files of URLs, one per line.

use quick_xml::events::Event;

/// Why a feed list could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FeedListError {
    #[error("not a valid OPML document: {0}")]
    Xml(String),
    #[error("the OPML document lists no feed (no outline with an xmlUrl)")]
    Empty,
}

/// Whether the bytes are an OPML document: its root element is `<opml>`.
pub fn is_opml(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head);
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    // Skip the XML declaration, comments and processing instructions before the root.
    while let Some(after) = rest.strip_prefix("<?").or_else(|| rest.strip_prefix("<!--")) {
        let end = if rest.starts_with("<?") { "?>" } else { "-->" };
        match after.find(end) {
            Some(i) => rest = after[i + end.len()..].trim_start(),
            None => return false,
        }
    }
    rest.get(..5).is_some_and(|root| root.eq_ignore_ascii_case("<opml"))
}

/// The feed URLs of an OPML document, in document order, each once.
pub fn opml_urls(bytes: &[u8]) -> Result<Vec<String>, FeedListError> {
    let mut reader = quick_xml::Reader::from_reader(bytes);
    reader.config_mut().check_end_names = false;
    let mut buffer = Vec::new();
    let mut urls: Vec<String> = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(Event::Start(element) | Event::Empty(element))
                if element.local_name().as_ref().eq_ignore_ascii_case(b"outline") =>
            {
                for attribute in element.attributes().flatten() {
                    if !attribute.key.local_name().as_ref().eq_ignore_ascii_case(b"xmlurl") {
                        continue;
                    }
                    let value = attribute
                        .decode_and_unescape_value(reader.decoder())
                        .map_err(|e| FeedListError::Xml(format!("{e} at byte {}", reader.buffer_position())))?;
                    let url = value.trim().to_string();
                    if !url.is_empty() && !urls.contains(&url) {
                        urls.push(url);
                    }
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(FeedListError::Xml(format!("{e} at byte {}", reader.buffer_position()))),
        }
        buffer.clear();
    }
    if urls.is_empty() {
        return Err(FeedListError::Empty);
    }
    Ok(urls)
}

/// The URLs of a plain list (one per line; blank lines and `#` comments skipped), or
/// `None` when a line is something else: then the file is not a list of URLs.
pub fn url_list(text: &str) -> Option<Vec<String>> {
    let mut urls = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        if !crate::fetch::is_url(line) || line.contains(char::is_whitespace) {
            return None;
        }
        if !urls.iter().any(|u| u == line) {
            urls.push(line.to_string());
        }
    }
    (!urls.is_empty()).then_some(urls)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- exported by a feed reader -->
<opml version="2.0">
  <head><title>Subscriptions</title></head>
  <body>
    <outline text="News">
      <outline type="rss" text="Wire" xmlUrl="http://127.0.0.1:8080/wire.xml" htmlUrl="http://127.0.0.1:8080/"/>
      <outline type="rss" text="Daily" xmlURL="http://127.0.0.1:8080/daily.xml?a=1&amp;b=2"/>
    </outline>
    <outline type="rss" text="Wire again" xmlUrl="http://127.0.0.1:8080/wire.xml"/>
  </body>
</opml>"#;

    #[test]
    fn reads_the_feeds_of_nested_outlines_once_each() {
        assert!(is_opml(OPML.as_bytes()));
        assert_eq!(
            opml_urls(OPML.as_bytes()),
            Ok(vec![
                "http://127.0.0.1:8080/wire.xml".to_string(),
                "http://127.0.0.1:8080/daily.xml?a=1&b=2".to_string()
            ])
        );
    }

    #[test]
    fn other_documents_are_not_opml() {
        assert!(!is_opml(b"<rss version=\"2.0\"><channel/></rss>"));
        assert!(!is_opml(b"The opml format is a list of outlines."));
        assert!(!is_opml(b"<?xml version=\"1.0\""));
        assert_eq!(opml_urls(b"<opml><body><outline text=\"x\"/></body></opml>"), Err(FeedListError::Empty));
        assert!(matches!(
            opml_urls(b"<opml><body><outline xmlUrl=\"a&bogus;\"/></body></opml>"),
            Err(FeedListError::Xml(_))
        ));
    }

    #[test]
    fn a_list_of_urls_is_only_urls() {
        assert_eq!(
            url_list("# my feeds\nhttp://a.example/feed\n\nhttps://b.example/rss\nhttp://a.example/feed\n"),
            Some(vec!["http://a.example/feed".to_string(), "https://b.example/rss".to_string()])
        );
        assert_eq!(url_list("http://a.example/feed\nand some words\n"), None);
        assert_eq!(url_list("\n# nothing\n"), None);
    }
}
