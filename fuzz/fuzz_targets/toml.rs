//! Timeline and configuration files: any TOML text, read as either.
#![no_main]
use std::path::Path;

use copydesk::config::Config;
use copydesk_core::date::Timeline;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(timeline) = Timeline::from_toml(text, Path::new("fuzz.toml")) {
        let _ = timeline.find("President Zelensky met NATO leaders in Vilnius in July 2023.");
    }
    if let Ok(config) = toml::from_str::<Config>(text) {
        let _ = config.validate();
        let _ = config.normalize.validate();
    }
});
