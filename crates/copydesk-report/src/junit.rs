//! JUnit XML, which most CI systems show as test results: one test case per item, a
//! failure for each finding of level error or warning.

use std::fmt::Write as _;

use super::findings::Level;
use super::Report;

pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(document(report).as_bytes())
}

fn document(report: &Report) -> String {
    // Findings known from a baseline are accepted: skipped cases, not failures.
    let findings = report.new_findings();
    let known: Vec<_> = match &report.baseline {
        Some(baseline) => {
            report.findings.clone().into_iter().filter(|f| baseline.state(f) == super::baseline::State::Known).collect()
        }
        None => Vec::new(),
    };
    let failing: Vec<_> = findings.iter().filter(|f| f.level != Level::Note).collect();
    let failed_items = report.items.iter().filter(|i| failing.iter().any(|f| f.item == i.id)).count();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"copydesk\" tests=\"{}\" failures=\"{}\">",
        report.items.len() + report.ignored.len() + known.len(),
        failed_items
    );
    let skipped = report.ignored.len() + known.len();
    let _ = writeln!(
        xml,
        "  <testsuite name=\"copydesk check\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{skipped}\">",
        report.items.len() + skipped,
        failed_items
    );
    let _ = writeln!(
        xml,
        "    <properties><property name=\"configuration\" value=\"{}\"/></properties>",
        escape(&report.configuration.describe())
    );
    for item in &report.items {
        let file = item.location.as_ref().map(|l| format!(" file=\"{}\"", escape(&l.path))).unwrap_or_default();
        let class = escape(item.source.as_deref().unwrap_or("(no source)"));
        let _ = write!(xml, "    <testcase name=\"{}\" classname=\"{class}\"{file}", escape(&item.label()));
        let mine: Vec<_> = failing.iter().filter(|f| f.item == item.id).collect();
        if mine.is_empty() {
            xml.push_str("/>\n");
            continue;
        }
        xml.push_str(">\n");
        for finding in mine {
            let _ = writeln!(
                xml,
                "      <failure type=\"{}\" message=\"{}\">{} {}</failure>",
                finding.code,
                escape(&format!("{} ({})", finding.kind, finding.code)),
                finding.code,
                escape(&finding.message)
            );
        }
        xml.push_str("    </testcase>\n");
    }
    // Each finding an ignore hid is a skipped case, with the ignore's reason.
    for ignored in &report.ignored {
        let finding = &ignored.finding;
        let _ = writeln!(
            xml,
            "    <testcase name=\"{} {}\" classname=\"ignored\"><skipped message=\"{}\"/></testcase>",
            escape(&finding.item),
            finding.code,
            escape(&format!("ignored by the configuration: {}", ignored.reason))
        );
    }
    for finding in &known {
        let _ = writeln!(
            xml,
            "    <testcase name=\"{} {}\" classname=\"baseline\"><skipped message=\"{}\"/></testcase>",
            escape(&finding.item),
            finding.code,
            escape("known from the baseline")
        );
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// Text safe in XML content and attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}
