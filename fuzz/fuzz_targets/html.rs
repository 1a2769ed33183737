//! HTML pages: main text and metadata of any bytes decoded as a page.
#![no_main]
use copydesk_ingest::{encoding, html};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let decoded = encoding::decode(data, encoding::Markup::Html, Some("utf-8"));
    let page = html::read_page(&decoded.text, None);
    assert!(page.text.len() <= decoded.text.len() * 2 + 64, "text longer than the page");
    let _ = html::to_text(&decoded.text);
});
