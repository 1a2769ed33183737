//! `--statistics`: how many findings of each rule a run reported, how many of them a
//! baseline already knew and how many the configuration ignored.

use std::fmt::Write as _;

use serde::Serialize;

use super::baseline::State;
use super::findings::{Level, RULES};
use super::Report;

/// The counts of one rule.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCount {
    pub code: &'static str,
    pub kind: &'static str,
    pub level: Level,
    /// Findings reported (ignored ones not included).
    pub count: usize,
    /// Of those, findings a baseline did not know (all of them without a baseline).
    pub new: usize,
    /// Findings the configuration's ignores hid.
    pub ignored: usize,
}

/// The counts of every rule with a finding, most findings first.
#[derive(Debug, Clone, Serialize)]
pub struct Statistics {
    pub rules: Vec<RuleCount>,
}

impl Statistics {
    pub fn of(report: &Report) -> Statistics {
        let findings = report.findings.clone();
        let mut rules: Vec<RuleCount> = RULES
            .iter()
            .map(|rule| {
                let mine: Vec<_> = findings.iter().filter(|f| f.code == rule.code).collect();
                let new = match &report.baseline {
                    Some(baseline) => mine.iter().filter(|f| baseline.state(f) == State::New).count(),
                    None => mine.len(),
                };
                let ignored = report.ignored.iter().filter(|i| i.finding.code == rule.code).count();
                RuleCount { code: rule.code, kind: rule.kind, level: rule.level, count: mine.len(), new, ignored }
            })
            .filter(|r| r.count + r.ignored > 0)
            .collect();
        rules.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
        Statistics { rules }
    }

    /// A table, one rule per line.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{:>7} {:>7} {:>7}  {:<6} {:<8} kind", "count", "new", "ignored", "code", "level");
        for rule in &self.rules {
            let _ = writeln!(
                out,
                "{:>7} {:>7} {:>7}  {:<6} {:<8} {}",
                rule.count,
                rule.new,
                rule.ignored,
                rule.code,
                rule.level.as_str(),
                rule.kind
            );
        }
        let total: usize = self.rules.iter().map(|r| r.count).sum();
        let new: usize = self.rules.iter().map(|r| r.new).sum();
        let ignored: usize = self.rules.iter().map(|r| r.ignored).sum();
        let _ = writeln!(out, "{total:>7} {new:>7} {ignored:>7}  total");
        out
    }

    pub fn json(&self) -> serde_json::Result<String> {
        serde_json::to_string_pretty(self).map(|s| s + "\n")
    }
}
