//! Judging and the report read nothing of the index: once the items are related, their
//! MinHash signatures, paragraph hashes and content profiles can go.

use copydesk_engine::{self as pipeline, CheckOptions, Timings};

#[test]
fn the_report_built_after_the_index_is_dropped_is_the_one_built_with_it() {
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/../../seeds");
    let options = CheckOptions { inputs: vec![seeds.to_string()], ..CheckOptions::default() };
    let inputs = copydesk_ingest::discover(&options.inputs, &options.settings.ingest).expect("the seeds");
    let analysis = pipeline::analyze_inputs(&inputs, &options).expect("analysis");
    let related = pipeline::relate(&analysis.analyzed, &options.settings).expect("relate");
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

/// The sentences of the profiles, set aside in a temporary file while the items are
/// related, are read back for every pair measured: the relations, the pairs held apart
/// with their reasons, and the clusters are those of the sentences held in memory.
#[test]
fn items_related_with_their_sentences_set_aside_relate_as_with_them_in_memory() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let inputs = vec![format!("{root}/fixtures/events"), format!("{root}/seeds")];
    let options = CheckOptions { inputs, ..CheckOptions::default() };
    let inputs = copydesk_ingest::discover(&options.inputs, &options.settings.ingest).expect("the fixtures");
    let held = pipeline::analyze_inputs(&inputs, &options).expect("analysis");
    let spilled = pipeline::analyze_inputs_spilling(&inputs, &options).expect("analysis");
    assert_eq!(held.problems, spilled.problems, "a temporary file was made");
    let sentences =
        |analysis: &pipeline::Analysis| analysis.analyzed.iter().map(|a| a.profile.heap_bytes()).sum::<usize>();
    assert!(
        sentences(&spilled) * 4 < sentences(&held) * 3,
        "the sentences are set aside: {} of {} bytes held",
        sentences(&spilled),
        sentences(&held)
    );

    let in_memory = pipeline::relate(&held.analyzed, &options.settings).expect("relate");
    let read_back = pipeline::relate(&spilled.analyzed, &options.settings).expect("relate");
    assert!(in_memory.stats.story.aligned > 0 && !in_memory.held_apart.is_empty(), "pairs are aligned and held apart");
    assert_eq!(format!("{read_back:#?}"), format!("{in_memory:#?}"));
}
