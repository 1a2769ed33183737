//! Judging and the report read nothing of the index: once the items are related, their
//! MinHash signatures, paragraph hashes and content profiles can go.

use copydesk_engine::{self as pipeline, CheckOptions, Timings};

#[test]
fn the_report_built_after_the_index_is_dropped_is_the_one_built_with_it() {
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/../../seeds");
    let options = CheckOptions { inputs: vec![seeds.to_string()], ..CheckOptions::default() };
    let inputs = copydesk_ingest::discover(&options.inputs, &options.settings.ingest).expect("the seeds");
    let analysis = pipeline::analyze_inputs(&inputs, &options).expect("analysis");
    let related = pipeline::relate(&analysis.analyzed, &options.settings);
    assert!(
        related.relations.len() >= 2 && analysis.analyzed.iter().all(|a| !a.profile.terms.is_empty()),
        "the seeds relate, and every item has a profile"
    );

    let verdicts = pipeline::judge(&analysis.analyzed, &related, None, &options.settings);
    let with_index = copydesk_report::build(copydesk_report::Input {
        analyzed: analysis.analyzed.clone(),
        verdicts,
        problems: analysis.problems.clone(),
        files: inputs.files.len(),
        as_of: analysis.as_of,
        candidates: related.stats,
        configuration: options.settings.configuration.clone(),
        archive: None,
    });
    let dropped =
        pipeline::report_of_related(analysis, related, inputs.files.len(), &options.settings, &mut Timings::default());

    assert_eq!(format!("{dropped:#?}"), format!("{with_index:#?}"));
}
