//! The JSON report: the contract scripts and CI rely on, documented field by field in
//! `docs/json.md` and versioned by [`super::SCHEMA_VERSION`].

use super::Report;

pub fn render(report: &Report) -> String {
    let mut out = serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
