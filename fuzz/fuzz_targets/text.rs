//! Plain text and Markdown: metadata inference and normalization of any text.
#![no_main]
use copydesk_ingest::{encoding, text};
use copydesk_core::model::Item;
use copydesk_core::normalize;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&flag, rest)) = data.split_first() else { return };
    let decoded = encoding::decode(rest, encoding::Markup::None, None);
    let item = text::complete(Item { id: "fuzz".into(), ..Item::default() }, decoded.text, flag & 1 == 1);
    for line in item.text.lines() {
        let once = normalize::normalize_line(line);
        assert_eq!(normalize::normalize_line(&once), once, "normalization is not idempotent");
    }
});
