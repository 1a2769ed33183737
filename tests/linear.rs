//! Every stage is linear (or n log n) in an item's size: a 16 MiB item is dated in about
//! the time its reading takes, however many of its lines are boilerplate.

use std::time::{Duration, Instant};

use copydesk_core::date::{self, timeline::Timeline, Context};
use copydesk_core::model::Item;

/// A 16 MiB article whose every third line is left out as boilerplate, as repeated lines
/// and page furniture are.
fn long_item() -> (Item, Vec<usize>) {
    let mut text = String::from("Storm cuts power to thousands on the coast\n\n");
    let mut skip = Vec::new();
    let mut line = 3;
    while text.len() < 16 * 1024 * 1024 - 200 {
        if line % 3 == 0 {
            text.push_str("Read more\n");
            skip.push(line);
        } else {
            text.push_str(&format!(
                "Crews restored {} lines along the coast on March {}, 2022.\n",
                line,
                line % 28 + 1
            ));
        }
        line += 1;
    }
    (Item { id: "long".into(), text, ..Item::default() }, skip)
}

#[test]
fn a_16_mib_item_is_dated_in_linear_time() {
    let (item, skip) = long_item();
    let timeline = Timeline::builtin().expect("the built-in timeline");
    let context = Context { timeline: &timeline, as_of: None, max_age_days: 30 };
    let started = Instant::now();
    let assessment = date::assess(&item, &skip, &context);
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(60), "dating 16 MiB took {elapsed:?}");
    let _ = assessment;
}
