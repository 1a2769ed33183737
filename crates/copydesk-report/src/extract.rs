//! `copydesk extract`: what copydesk read from each input — metadata with the basis of
//! each field, the language, the clean text that is fingerprinted, and what was removed.
//! Editors use it to see what the tool saw; it is also how extraction is measured.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::model::{Item, Problem};
use crate::normalize::RemovedLine;

/// The version of the extract JSON; it changes when a field changes meaning or goes away.
pub const EXTRACT_VERSION: u32 = 1;

/// What copydesk read from a set of inputs.
#[derive(Debug, Clone, Serialize)]
pub struct Extraction {
    pub version: u32,
    pub items: Vec<Extracted>,
    /// Inputs, or parts of inputs, skipped or read with a caveat (a page whose article
    /// text was not found is one, with the reason).
    pub problems: Vec<Problem>,
}

/// What copydesk read from one item.
#[derive(Debug, Clone, Serialize)]
pub struct Extracted {
    pub id: String,
    /// The file (and line) the item came from.
    pub path: Option<String>,
    pub title: Option<String>,
    pub author: Option<String>,
    /// RFC 3339.
    pub published: Option<String>,
    /// RFC 3339.
    pub modified: Option<String>,
    /// The outlet.
    pub source: Option<String>,
    pub url: Option<String>,
    pub language: Option<String>,
    /// The encoding the input was decoded from, and what it was taken from.
    pub encoding: Option<crate::model::TextEncoding>,
    /// For each field, where it came from: the tag or rule of the page's markup, how it
    /// was inferred from the text, or `given` when the input states it as such.
    pub basis: BTreeMap<String, String>,
    /// Words of the clean text.
    pub words: usize,
    /// The clean text that is fingerprinted: the article text without boilerplate and
    /// metadata lines, one paragraph per line, in its own case.
    pub text: String,
    /// The lines taken out, each with the reason.
    pub removed: Vec<RemovedLine>,
}

impl Extracted {
    /// The record of an item, its clean text the lines `kept` of its text.
    pub fn new(item: &Item, kept: &[usize], removed: Vec<RemovedLine>) -> Extracted {
        let lines: Vec<&str> = item.text.lines().collect();
        let text: Vec<&str> = kept.iter().filter_map(|&i| lines.get(i).map(|l| l.trim())).collect();
        let mut basis = BTreeMap::new();
        let fields = [
            ("title", item.title.is_some()),
            ("author", item.author.is_some()),
            ("published", item.published.is_some()),
            ("modified", item.modified.is_some()),
            ("source", item.source.is_some()),
            ("url", item.url.is_some()),
            ("language", item.language.is_some()),
        ];
        for (field, _) in fields.into_iter().filter(|(_, present)| *present) {
            let how = item.basis.get(field).or_else(|| item.inferred.get(field)).cloned();
            basis.insert(field.to_string(), how.unwrap_or_else(|| "given".to_string()));
        }
        Extracted {
            id: item.id.clone(),
            path: item.location.as_ref().map(ToString::to_string),
            title: item.title.clone(),
            author: item.author.clone(),
            published: item.published.map(|p| p.to_rfc3339()),
            modified: item.modified.map(|p| p.to_rfc3339()),
            source: item.source.clone(),
            url: item.url.clone(),
            language: item.language.clone(),
            encoding: item.encoding.clone(),
            basis,
            words: text.iter().map(|l| l.split_whitespace().count()).sum(),
            text: text.join("\n"),
            removed,
        }
    }
}

/// The extraction as JSON.
pub fn json(extraction: &Extraction) -> serde_json::Result<String> {
    serde_json::to_string_pretty(extraction).map(|s| s + "\n")
}

/// One JSON object per item, one per line; problems are left to standard error.
pub fn jsonl(extraction: &Extraction) -> serde_json::Result<String> {
    let mut out = String::new();
    for item in &extraction.items {
        out.push_str(&serde_json::to_string(item)?);
        out.push('\n');
    }
    Ok(out)
}

/// The lines of text shown per item in the table.
const TABLE_TEXT_LINES: usize = 3;

/// A table for a person: each item's fields with their basis, the start of its text and
/// what was removed, counted by reason.
pub fn table(extraction: &Extraction) -> String {
    let mut out = String::new();
    for item in &extraction.items {
        let _ = writeln!(out, "{}", item.id);
        let field = |out: &mut String, name: &str, value: &Option<String>| {
            if let Some(value) = value {
                let basis = item.basis.get(name).map(|b| format!("  ({b})")).unwrap_or_default();
                let _ = writeln!(out, "    {name:<10} {}{basis}", crate::util::clip(value, 100));
            }
        };
        field(&mut out, "title", &item.title);
        field(&mut out, "author", &item.author);
        field(&mut out, "published", &item.published);
        field(&mut out, "modified", &item.modified);
        field(&mut out, "source", &item.source);
        field(&mut out, "url", &item.url);
        field(&mut out, "language", &item.language);
        if let Some(encoding) = &item.encoding {
            let _ = writeln!(out, "    {:<10} {}  ({})", "encoding", encoding.name, encoding.basis);
        }
        let _ = writeln!(out, "    {:<10} {} words", "text", item.words);
        for line in item.text.lines().take(TABLE_TEXT_LINES) {
            let _ = writeln!(out, "        {}", crate::util::clip(line, 100));
        }
        let more = item.text.lines().count().saturating_sub(TABLE_TEXT_LINES);
        if more > 0 {
            let _ = writeln!(out, "        … {more} more paragraphs");
        }
        if !item.removed.is_empty() {
            let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
            for line in &item.removed {
                let reason = serde_json::to_value(&line.removal)
                    .ok()
                    .and_then(|v| v.get("reason").and_then(|r| r.as_str()).map(str::to_string))
                    .unwrap_or_else(|| "removed".to_string());
                *reasons.entry(reason).or_default() += 1;
            }
            let reasons: Vec<String> = reasons.iter().map(|(r, n)| format!("{r} {n}")).collect();
            let _ = writeln!(out, "    {:<10} {} lines ({})", "removed", item.removed.len(), reasons.join(", "));
        }
        out.push('\n');
    }
    if !extraction.problems.is_empty() {
        let _ = writeln!(out, "Problems with inputs");
        for problem in &extraction.problems {
            let _ = writeln!(out, "    {problem}");
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{} read · {} problems",
        if extraction.items.len() == 1 { "1 item".to_string() } else { format!("{} items", extraction.items.len()) },
        extraction.problems.len()
    );
    out
}
