//! The rules explained: what each finding means, how it is measured and the settings that
//! tune it, for `copydesk rule` and for `docs/rules.md`, which SARIF's `helpUri` points to.

use std::fmt::Write as _;

use super::findings::{Rule, RULES};

/// Where the rules are documented; SARIF rules link to their section of it.
pub const DOCS: &str = "https://github.com/copydesk/copydesk/blob/main/docs/rules.md";

/// The rule a code (`CD101`, any case) or a finding kind (`near_duplicate`) names.
pub fn find(name: &str) -> Option<&'static Rule> {
    let name = name.trim();
    let kind = name.replace('-', "_").to_lowercase();
    RULES.iter().find(|r| r.code.eq_ignore_ascii_case(name) || r.kind == kind)
}

/// The rule's section of the documentation (GitHub's anchor for its heading).
pub fn help_uri(rule: &Rule) -> String {
    format!("{DOCS}#{}-{}", rule.code.to_lowercase(), rule.name.to_lowercase())
}

/// A setting's current value, from `section.key`; `None` when there is no such key.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// One rule in plain text, for a terminal.
pub fn text(rule: &Rule, lookup: Lookup<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} {} ({}, level {})", rule.code, rule.name, rule.kind, rule.level.as_str());
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", wrap(rule.description, 88, ""));
    let _ = writeln!(out);
    let _ = writeln!(out, "How it is measured:");
    let _ = writeln!(out, "{}", wrap(rule.measured, 88, "  "));
    let _ = writeln!(out);
    if rule.settings.is_empty() {
        let _ = writeln!(out, "Settings: none; select or ignore it by code or kind.");
    } else {
        let _ = writeln!(out, "Settings (copydesk.toml):");
        for setting in rule.settings {
            let _ = writeln!(out, "  {}", setting_line(setting, lookup));
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Select it with --fail-on {} or --fail-on {}; hide it with [[ignore]] code = \"{}\" and a reason.",
        rule.code, rule.kind, rule.code
    );
    let _ = writeln!(out, "More: {}", help_uri(rule));
    out
}

/// Every rule in one line each, for `copydesk rule` with no code.
pub fn list() -> String {
    let mut out = String::new();
    for rule in RULES {
        let _ = writeln!(out, "{}  {:<8} {:<20} {}", rule.code, rule.level.as_str(), rule.kind, rule.name);
    }
    out
}

/// The whole rule reference in Markdown: the text of `docs/rules.md`, with the values of
/// the settings as `lookup` gives them (the built-in defaults for the docs).
pub fn markdown(lookup: Lookup<'_>) -> String {
    let mut out = String::new();
    out.push_str("# Rules\n\n");
    out.push_str(
        "Every finding copydesk reports has a stable rule code. `--fail-on` selects findings by code or kind, \
         `[[ignore]]` hides them with a reason, and `copydesk rule CODE` prints the section below for one rule, \
         with the values of the settings in effect. This file is written by `copydesk rule --format markdown \
         --no-config`; the test suite checks that it is current.\n\n",
    );
    out.push_str("| Code | Kind | Level | Name |\n|---|---|---|---|\n");
    for rule in RULES {
        let anchor = format!("#{}-{}", rule.code.to_lowercase(), rule.name.to_lowercase());
        let _ =
            writeln!(out, "| [{}]({anchor}) | `{}` | {} | {} |", rule.code, rule.kind, rule.level.as_str(), rule.name);
    }
    for rule in RULES {
        let _ = write!(out, "\n## {} {}\n\n", rule.code, rule.name);
        let _ = writeln!(out, "Kind `{}`, level **{}**.\n", rule.kind, rule.level.as_str());
        let _ = writeln!(out, "{}\n", rule.description);
        let _ = writeln!(out, "**How it is measured.** {}\n", rule.measured);
        if rule.settings.is_empty() {
            out.push_str("**Settings.** None; select or ignore it by code or kind.\n");
        } else {
            out.push_str("**Settings** (defaults):\n\n");
            for setting in rule.settings {
                let _ = writeln!(out, "- `{}`", setting_line(setting, lookup));
            }
        }
    }
    out
}

/// `[section] key = value`, or the name alone when it has no value.
fn setting_line(setting: &str, lookup: Lookup<'_>) -> String {
    let (section, key) = setting.split_once('.').unwrap_or(("", setting));
    match lookup(setting) {
        Some(value) => format!("[{section}] {key} = {value}"),
        None => format!("[{section}] {key}"),
    }
}

/// Words of `text` in lines of at most `width` characters, each after `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::from(indent);
    for word in text.split_whitespace() {
        if line.len() > indent.len() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::replace(&mut line, String::from(indent)));
        }
        if line.len() > indent.len() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_kinds_find_their_rule() {
        assert_eq!(find("cd102").map(|r| r.kind), Some("partial_copy"));
        assert_eq!(find("partial-copy").map(|r| r.code), Some("CD102"));
        assert!(find("CD999").is_none());
    }

    #[test]
    fn the_text_names_the_values_in_effect() {
        let rule = find("CD200").expect("CD200");
        let text = text(rule, &|s| (s == "date.max_age_days").then(|| "45".to_string()));
        assert!(text.contains("[date] max_age_days = 45"), "{text}");
        assert!(text.contains("How it is measured:"));
    }
}
