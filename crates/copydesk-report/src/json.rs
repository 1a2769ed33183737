//! The JSON report: the contract scripts and CI rely on, documented field by field in
//! `docs/json.md` and versioned by [`super::SCHEMA_VERSION`].

use super::Report;

/// Writes the report as pretty-printed JSON, streaming.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
