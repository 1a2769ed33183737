//! Properties of the stages that take raw input, on generated input: none panics, none
//! gives output out of proportion to its input, and normalization is idempotent.

use std::path::Path;
use std::sync::LazyLock;

use copydesk_core::date::{self, Context, Timeline};
use copydesk_core::model::Item;
use copydesk_core::normalize;
use copydesk_ingest::{detect, encoding, feed, html, jsonl, text, IngestOptions};
use proptest::prelude::*;

static TIMELINE: LazyLock<Timeline> = LazyLock::new(|| Timeline::builtin().expect("built-in timeline"));

/// Text with the characters that matter to the readers: markup, entities, quotes, dashes,
/// digits, month names, line breaks and a few scripts.
fn texty() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "<p>",
        "</p>",
        "<script>",
        "</script>",
        "<!--",
        "-->",
        "<article>",
        "<meta charset=\"latin1\">",
        "&amp;",
        "&#x27;",
        "&",
        "\"",
        "“",
        "”",
        "—",
        "–",
        "\n",
        "\n\n",
        "\r\n",
        "\t",
        " ",
        "March",
        "Nov.",
        "22",
        "2024",
        "ago",
        "by",
        "Source:",
        "ﬁ",
        "Ǆ",
        "İ",
        "ß",
        "é",
        "\u{0}",
        "\u{feff}",
        "Київ",
        "東京",
        "🙂",
        "---",
        "# ",
        "* ",
        "{\"text\": ",
        "}",
        "<?xml version=\"1.0\" encoding=\"utf-16\"?>",
        "<rss>",
        "<item>",
        "<title>",
    ]);
    prop::collection::vec(prop_oneof![pieces.prop_map(str::to_string), "[a-zA-Z .,]{0,12}"], 0..60)
        .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn normalization_is_idempotent(line in texty()) {
        let once = normalize::normalize_line(&line);
        prop_assert_eq!(normalize::normalize_line(&once), once);
    }

    #[test]
    fn html_text_is_bounded_by_the_page(page in texty()) {
        let read = html::read_page(&page, None);
        prop_assert!(read.text.len() <= page.len() * 2 + 64);
        prop_assert!(html::to_text(&page).len() <= page.len() * 2 + 64);
    }

    #[test]
    fn decoding_never_panics_and_is_bounded(bytes in prop::collection::vec(any::<u8>(), 0..512), markup in 0..3u8) {
        let markup = [encoding::Markup::Html, encoding::Markup::Xml, encoding::Markup::None][markup as usize];
        let decoded = encoding::decode(&bytes, markup, Some("utf-8"));
        prop_assert!(decoded.text.len() <= bytes.len() * 3 + 4);
        let _ = detect::detect(&bytes);
    }

    #[test]
    fn feeds_rows_and_texts_never_panic(input in texty()) {
        let _ = feed::read_feed(input.as_bytes(), "p.xml");
        let mut warnings = Vec::new();
        let _ = jsonl::read_row(input.as_bytes(), Path::new("/nonexistent"), "p.jsonl", 1, &IngestOptions::default(), &mut warnings);
        let item = text::complete(Item { id: "p".into(), ..Item::default() }, input.clone(), true);
        prop_assert!(item.text.len() <= input.len() + 16);
    }

    #[test]
    fn dating_never_panics(body in texty()) {
        let item = Item { id: "p".into(), text: body, ..Item::default() };
        let context = Context { timeline: &TIMELINE, as_of: None, max_age_days: 30 };
        let assessment = date::assess(&item, &[1, 3], &context);
        let _ = assessment;
    }
}
