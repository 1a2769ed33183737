//! The CI formats: SARIF validated against the SARIF 2.1.0 schema, JUnit parsed as XML,
//! GitHub annotations and JSON Lines read line by line; `--fail-on` with rule codes and
//! `--exit-zero`.

use assert_cmd::Command;

fn run(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("copydesk")
        .expect("binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("run copydesk")
}

fn stdout(args: &[&str]) -> String {
    let output = run(args);
    assert!(output.status.code().is_some_and(|c| c < 2), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/schemas/sarif-2.1.0.json"))
            .expect("schema"),
    )
    .expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    for target in ["fixtures/copies", "seeds"] {
        let sarif: serde_json::Value =
            serde_json::from_str(&stdout(&["check", "--no-config", "--format", "sarif", target])).expect("SARIF JSON");
        let errors: Vec<String> =
            validator.iter_errors(&sarif).map(|e| format!("{} at {}", e, e.instance_path)).collect();
        assert!(errors.is_empty(), "{target}: {errors:#?}");
        assert_eq!(sarif["version"], "2.1.0");
    }
    let sarif: serde_json::Value =
        serde_json::from_str(&stdout(&["check", "--no-config", "--format", "sarif", "fixtures/copies"]))
            .expect("SARIF JSON");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(results.iter().any(|r| r["ruleId"] == "CD101"
        && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "fixtures/copies/edited-copy.txt"));
    // A broken document is caught by the same validator: the test can fail.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn junit_is_well_formed_xml_with_a_case_per_item() {
    let xml = stdout(&["check", "--no-config", "--format", "junit", "fixtures/copies"]);
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut cases, mut failures) = (0, Vec::new());
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                if e.name().as_ref() == b"testcase" {
                    cases += 1;
                }
                if e.name().as_ref() == b"failure" {
                    let kind = e.try_get_attribute("type").expect("attribute").expect("type");
                    failures.push(String::from_utf8_lossy(&kind.value).into_owned());
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(cases, 5);
    assert!(failures.contains(&"CD100".to_string()) && failures.contains(&"CD102".to_string()), "{failures:?}");
}

#[test]
fn github_annotations_point_at_files() {
    let text = stdout(&["check", "--no-config", "--format", "github", "fixtures/copies"]);
    let lines: Vec<&str> = text.lines().collect();
    assert!(!lines.is_empty());
    assert!(lines
        .iter()
        .all(|l| l.starts_with("::error ") || l.starts_with("::warning ") || l.starts_with("::notice ")));
    assert!(
        lines
            .iter()
            .any(|l| l
                .starts_with("::error file=fixtures/copies/syndicated-copy.txt,line=1,title=copydesk CD100 exact::"))
    );
}

#[test]
fn jsonl_has_one_finding_per_line() {
    let text = stdout(&["check", "--no-config", "--format", "jsonl", "fixtures/copies"]);
    let findings: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    assert_eq!(findings.iter().filter(|f| f["code"] == "CD100").count(), 1);
    assert!(findings.iter().all(|f| f["item"].is_string() && f["message"].is_string()));
}

#[test]
fn fail_on_takes_codes_and_kinds_and_exit_zero_overrides() {
    assert_eq!(run(&["check", "--no-config", "--fail-on", "CD102", "fixtures/copies"]).status.code(), Some(1));
    assert_eq!(run(&["check", "--no-config", "--fail-on", "near-duplicate", "fixtures/copies"]).status.code(), Some(1));
    assert_eq!(run(&["check", "--no-config", "--fail-on", "CD100", "seeds"]).status.code(), Some(0));
    assert_eq!(
        run(&["check", "--no-config", "--fail-on", "copy", "--exit-zero", "fixtures/copies"]).status.code(),
        Some(0)
    );
    let unknown = run(&["check", "--no-config", "--fail-on", "CD999", "fixtures/copies"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("not a finding kind or rule code"));
}
