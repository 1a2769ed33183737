//! JSON Lines: one finding per line, for scripts and log pipelines.

use super::Report;

pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    for finding in report.all_findings() {
        serde_json::to_writer(&mut *out, &finding)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
