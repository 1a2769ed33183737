//! GitHub Actions workflow commands: each finding becomes an annotation on the item's file
//! (`::error file=…,line=…,title=…::message`).

use super::findings::Level;
use super::Report;

pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // With a baseline, only new findings are annotated: known ones are accepted.
    for finding in report.new_findings() {
        let command = match finding.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "notice",
        };
        let mut properties = Vec::new();
        if let Some(location) = &finding.location {
            properties.push(format!("file={}", property(&location.path)));
            properties.push(format!("line={}", location.line.unwrap_or(1)));
        }
        properties.push(format!("title={}", property(&format!("copydesk {} {}", finding.code, finding.kind))));
        writeln!(
            out,
            "::{command} {}::{}",
            properties.join(","),
            data(&format!("{}: {}", report.label_of(&finding.item), finding.message))
        )?;
    }
    if !report.ignored.is_empty() || report.configuration.path.is_some() {
        writeln!(
            out,
            "::notice title=copydesk configuration::{}",
            data(&format!(
                "configuration {}; {} ignored by it",
                report.configuration.describe(),
                super::table::count(report.ignored.len(), "finding")
            ))
        )?;
    }
    if let Some(baseline) = &report.baseline {
        writeln!(out, "::notice title=copydesk baseline::{}", data(&baseline.describe()))?;
    }
    Ok(())
}

/// Escapes a workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_workflow_command_values() {
        assert_eq!(data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
