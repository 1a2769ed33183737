//! RSS 2.0, RSS 1.0, Atom and JSON Feed documents, through `feed-rs`: one item per entry.

use super::{html, text};
use crate::model::{Item, Location, Problem};

/// The entries of a feed read as items.
#[derive(Debug)]
pub struct Feed {
    pub items: Vec<Item>,
    /// Entries left out because they have no text, counted in one problem.
    pub problem: Option<Problem>,
}

/// How many ids of entries without text a problem names.
const EMPTY_IDS_SHOWN: usize = 3;

/// Reads every entry of a feed document. Fails when the document does not parse or no
/// entry has text.
pub fn read_feed(bytes: &[u8], display: &str) -> Result<Feed, Problem> {
    let parser = feed_rs::parser::Builder::new()
        .id_generator(|links, _title, _uri| links.first().map(|l| l.href.clone()).unwrap_or_default())
        .build();
    let feed = parser.parse(bytes).map_err(|e| Problem::skipped(display, None, format!("malformed feed: {e}")))?;
    let feed_title = feed.title.as_ref().map(|t| plain(&t.content)).filter(|t| !t.is_empty());
    let feed_host = feed.links.iter().find_map(|l| host(&l.href));
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
        let source = feed_title.clone().or_else(|| feed_host.clone()).or_else(|| link.as_deref().and_then(host));
        let body = entry
            .content
            .and_then(|c| c.body)
            .or_else(|| entry.summary.map(|s| s.content))
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
            title: entry.title.map(|t| plain(&t.content)).filter(|t| !t.is_empty()),
            published: entry.published.or(entry.updated).map(|t| t.fixed_offset()),
            author: entry.authors.first().map(|a| a.name.clone()).filter(|a| !a.is_empty()),
            ..Item::default()
        };
        items.push(text::complete(item, &body, false));
    }
    if items.is_empty() {
        return Err(Problem::skipped(display, None, "feed has no entries with text"));
    }
    let problem = (!empty.is_empty()).then(|| {
        let verb = if empty.len() == 1 { "has" } else { "have" };
        let mut shown = empty.iter().take(EMPTY_IDS_SHOWN).map(|id| format!("{id:?}")).collect::<Vec<_>>().join(", ");
        if empty.len() > EMPTY_IDS_SHOWN {
            shown.push_str(", …");
        }
        Problem::skipped(display, None, format!("{} of {entries} entries {verb} no text ({shown})", empty.len()))
    });
    Ok(Feed { items, problem })
}

/// A title that may hold markup or entities, as plain text.
fn plain(text: &str) -> String {
    html::to_text(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The host of a URL, without `www.`.
pub fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?.split(':').next()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (!host.is_empty()).then_some(host)
}

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
        let problem = feed.problem.expect("an entry without text");
        assert_eq!(problem.message, "1 of 2 entries has no text (\"https://harbour.example/empty\")");
        let item = &items[0];
        assert_eq!(item.id, "port-1");
        assert_eq!(item.source.as_deref(), Some("Harbour News"));
        assert_eq!(item.title.as_deref(), Some("Port reopens"));
        assert_eq!(item.published.map(|p| p.date_naive().to_string()).as_deref(), Some("2025-04-02"));
        assert_eq!(item.text, "The port reopened on Wednesday.\n\nShips queued.");
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
    fn host_of_urls() {
        assert_eq!(host("https://www.kyivindependent.com/news/x").as_deref(), Some("kyivindependent.com"));
        assert_eq!(host("http://user@site.example:8080/x").as_deref(), Some("site.example"));
        assert_eq!(host("not a url"), None);
    }
}
