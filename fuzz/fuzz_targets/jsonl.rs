//! JSON Lines rows. `path` rows resolve in a folder that does not exist, so no file is read.
#![no_main]
use std::path::Path;

use copydesk_ingest::{jsonl, IngestOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = IngestOptions::default();
    for (line, row) in data.split(|&b| b == b'\n').enumerate() {
        let mut warnings = Vec::new();
        let _ = jsonl::read_row(row, Path::new("/nonexistent/fuzz"), "fuzz.jsonl", line + 1, &options, &mut warnings);
    }
});
