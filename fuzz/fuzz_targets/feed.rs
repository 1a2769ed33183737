//! Feeds: the bytes of a file read as a feed, through the encoding step as `copydesk` does.
#![no_main]
use copydesk_ingest::{detect, encoding, feed};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = detect::detect(data);
    let decoded = encoding::decode(data, encoding::Markup::Xml, None);
    let text = encoding::declare_utf8(&decoded.text);
    let _ = feed::read_feed(text.as_bytes(), "fuzz.xml");
    let _ = feed::read_feed(data, "fuzz.xml");
});
