//! The JSON report's large arrays (items, clusters, source scores) are written a block of
//! elements at a time, rendered on all cores: byte for byte what `serde_json`'s pretty
//! printer writes for the whole report.

use copydesk_engine::synth::{self, CorpusSpec};
use copydesk_engine::{self as pipeline, CheckOptions};
use copydesk_report::{baseline::Baseline, json, Report};

/// The report of a check of `inputs`.
fn report_of(inputs: Vec<String>) -> Report {
    let options = CheckOptions { inputs, ..CheckOptions::default() };
    pipeline::check(&options).expect("the check runs")
}

fn assert_written_as_serde_writes_it(report: &Report) {
    let mut expected = serde_json::to_vec_pretty(report).expect("serialized");
    expected.push(b'\n');
    let mut written = Vec::new();
    json::write(report, &mut written).expect("written");
    assert!(
        written == expected,
        "{} items: {} bytes written, {} expected; first difference at byte {:?}",
        report.items.len(),
        written.len(),
        expected.len(),
        written.iter().zip(&expected).position(|(a, b)| a != b)
    );
}

#[test]
fn the_report_is_written_as_the_pretty_printer_writes_it() {
    // One thread in the pool, as on a machine of one core: a thread of the pool that
    // waited on another for the pool's work would wait for ever.
    rayon::ThreadPoolBuilder::new().num_threads(1).build_global().expect("the pool is built first");
    let dir = tempfile::tempdir().expect("a temporary folder");
    // Two items, and enough items for several blocks with copies among them.
    for documents in [2, 700] {
        let spec = CorpusSpec { documents, near_duplicate_share: 0.2, facts: true, ..CorpusSpec::default() };
        let lines: String = synth::generate(&spec).iter().map(|d| synth::to_json_line(d) + "\n").collect();
        let path = dir.path().join(format!("corpus-{documents}.jsonl"));
        std::fs::write(&path, lines).expect("the corpus is written");
        let mut report = report_of(vec![path.display().to_string()]);
        assert_eq!(report.items.len(), documents);
        if documents > 2 {
            // Every array written a block at a time holds something.
            assert!(!report.clusters.is_empty() && !report.sources.is_empty());
        }
        assert_written_as_serde_writes_it(&report);
        // From the pool's one thread, which renders the blocks itself.
        rayon::scope(|_| assert_written_as_serde_writes_it(&report));

        // With a baseline, which the report shows after its problems.
        report.apply_baseline(&Baseline::of(&[]), std::path::Path::new("baseline.json"));
        assert!(report.baseline.is_some());
        assert_written_as_serde_writes_it(&report);
    }

    // No items at all.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("a folder");
    let report = report_of(vec![empty.display().to_string()]);
    assert!(report.items.is_empty());
    assert_written_as_serde_writes_it(&report);
}
