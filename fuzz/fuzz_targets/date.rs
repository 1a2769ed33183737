//! Date extraction: any text dated against the built-in timeline.
#![no_main]
use std::sync::LazyLock;

use copydesk_core::date::{self, Context, Timeline};
use copydesk_core::model::Item;
use libfuzzer_sys::fuzz_target;

static TIMELINE: LazyLock<Timeline> = LazyLock::new(|| Timeline::builtin().expect("built-in timeline"));

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let item = Item { id: "fuzz".into(), text: text.into_owned(), ..Item::default() };
    let lines = item.text.lines().count();
    let skip: Vec<usize> = (1..=lines).step_by(3).collect();
    let context = Context { timeline: &TIMELINE, as_of: None, max_age_days: 30 };
    let _ = date::assess(&item, &skip, &context);
});
