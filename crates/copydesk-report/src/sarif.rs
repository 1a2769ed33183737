//! SARIF 2.1.0, the format GitHub code scanning reads: one rule per finding kind, one
//! result per finding, pointing at the item's file (and line).

use serde_json::{json, Value};

use super::findings::{Level, RULES};
use super::Report;

pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &document(report))?;
    out.write_all(b"\n")
}

fn document(report: &Report) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|rule| {
            json!({
                "id": rule.code,
                "name": rule.name,
                "shortDescription": { "text": rule.kind.replace('_', " ") },
                "fullDescription": { "text": rule.description },
                "help": { "text": format!("{} How it is measured: {}", rule.description, rule.measured) },
                "helpUri": super::rules::help_uri(rule),
                "defaultConfiguration": { "level": level(rule.level) },
                "properties": { "kind": rule.kind },
            })
        })
        .collect();
    let shown = report.findings.clone().into_iter().map(|finding| (finding, None));
    let hidden = report.ignored.iter().map(|i| (i.finding.clone(), Some(i.reason.as_str())));
    let results: Vec<Value> = shown
        .chain(hidden)
        .map(|(finding, ignored)| {
            let index = RULES.iter().position(|r| r.code == finding.code).unwrap_or(0);
            let mut result = json!({
                "ruleId": finding.code,
                "ruleIndex": index,
                "level": level(finding.level),
                "message": { "text": format!("{}: {}", finding.item, finding.message) },
                "partialFingerprints": { "copydesk/v1": finding.fingerprint() },
                "properties": { "item": finding.item, "kind": finding.kind },
            });
            if let Some(location) = &finding.location {
                let mut physical = json!({ "artifactLocation": { "uri": uri(&location.path) } });
                physical["region"] = json!({ "startLine": location.line.unwrap_or(1) });
                result["locations"] = json!([{ "physicalLocation": physical }]);
            }
            if let Some(other) = &finding.other {
                result["properties"]["other"] = json!(other);
            }
            if let Some(baseline) = &report.baseline {
                let state = match baseline.state(&finding) {
                    super::baseline::State::Known => "unchanged",
                    super::baseline::State::New => "new",
                };
                result["baselineState"] = json!(state);
            }
            if let Some(reason) = ignored {
                result["suppressions"] = json!([{ "kind": "external", "status": "accepted", "justification": reason }]);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "copydesk",
                "version": report.tool.version,
                "informationUri": "https://github.com/copydesk/copydesk",
                "rules": rules,
            }},
            "results": results,
            "properties": { "configuration": report.configuration },
        }],
    })
}

fn level(level: Level) -> &'static str {
    level.as_str()
}

/// A relative path as a URI reference: forward slashes, spaces and the like escaped.
fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}
