//! JSON Lines: one finding per line, for scripts and log pipelines.

use serde::Serialize;

use super::baseline::State;
use super::findings::Finding;
use super::Report;

/// A finding, and with a baseline whether it knew it.
#[derive(Serialize)]
struct Line<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<State>,
}

pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for finding in report.findings.clone() {
        let baseline_state = report.baseline.as_ref().map(|b| b.state(&finding));
        serde_json::to_writer(&mut *out, &Line { finding: &finding, baseline_state })?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
