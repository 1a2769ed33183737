//! The JSON report: the contract scripts and CI rely on, documented field by field in
//! `docs/json.md` and versioned by [`super::SCHEMA_VERSION`].

use std::io::Write;

use rayon::prelude::*;
use serde::Serialize;

use super::{baseline, findings, ArchiveRun, ClusterReport, Configuration, ItemReport, Report, Summary, Tool};
use crate::model::Problem;
use crate::score::SourceScore;

/// Items rendered at once, on all cores, before they are written.
const ITEMS_AT_ONCE: usize = 256;

/// How deep the items stand in the report: in the `items` array of the top object.
const ITEM_INDENT: &[u8] = b"\n    ";

/// Writes the report as pretty-printed JSON, streaming: the bytes `serde_json`'s pretty
/// printer writes for the whole report, with the items, most of a large report, rendered
/// on all cores a block at a time.
pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let (head, tail) = parts(report);
    // The fields before the items, ending in an empty `items` array: written up to it.
    let head = serde_json::to_vec_pretty(&head)?;
    let cut = head
        .strip_suffix(b"[]\n}")
        .ok_or_else(|| std::io::Error::other("the report's items are not where expected"))?;
    out.write_all(cut)?;
    write_items(&report.items, out)?;
    // The fields after the items: an object of its own, whose `{` becomes the items' `,`.
    out.write_all(b",")?;
    serde_json::to_writer_pretty(SkipFirst { out: &mut *out, skipped: false }, &tail)?;
    out.write_all(b"\n")
}

/// The `items` array, as the pretty printer writes it two levels deep.
fn write_items(items: &[ItemReport], out: &mut dyn Write) -> std::io::Result<()> {
    if items.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    for (block, chunk) in items.chunks(ITEMS_AT_ONCE).enumerate() {
        let rendered: Vec<Vec<u8>> = chunk.par_iter().map(render_item).collect::<serde_json::Result<_>>()?;
        for (i, item) in rendered.iter().enumerate() {
            if block > 0 || i > 0 {
                out.write_all(b",")?;
            }
            out.write_all(item)?;
        }
    }
    out.write_all(b"\n  ]")
}

/// One item, pretty-printed two levels deep, opening with its line break.
fn render_item(item: &ItemReport) -> serde_json::Result<Vec<u8>> {
    let mut deep = Indented(Vec::with_capacity(4096));
    deep.0.extend_from_slice(ITEM_INDENT);
    serde_json::to_writer_pretty(&mut deep, item)?;
    Ok(deep.0)
}

/// Bytes written two levels deeper: a JSON string holds no line break, so every line
/// break the pretty printer writes opens one of its lines.
struct Indented(Vec<u8>);

impl Write for Indented {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut lines = bytes.split(|&b| b == b'\n');
        if let Some(first) = lines.next() {
            self.0.extend_from_slice(first);
        }
        for line in lines {
            self.0.extend_from_slice(ITEM_INDENT);
            self.0.extend_from_slice(line);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The fields of the report before its items, and an empty `items` array.
#[derive(Serialize)]
struct Head<'a> {
    version: u32,
    tool: &'a Tool,
    as_of: Option<chrono::NaiveDate>,
    summary: &'a Summary,
    items: [ItemReport; 0],
}

/// The fields of the report after its items.
#[derive(Serialize)]
struct Tail<'a> {
    clusters: &'a [ClusterReport],
    sources: &'a [SourceScore],
    configuration: &'a Configuration,
    ignores: &'a [findings::IgnoreReport],
    ignored: &'a [findings::Ignored],
    problems: &'a [Problem],
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a baseline::Applied>,
    #[serde(skip_serializing_if = "Option::is_none")]
    archive: Option<&'a ArchiveRun>,
}

/// The report as [`Report`] serializes it, in the fields before and after its items.
fn parts(report: &Report) -> (Head<'_>, Tail<'_>) {
    // Every field named: a field added to the report cannot be left out here.
    let Report {
        version,
        tool,
        as_of,
        summary,
        items: _,
        clusters,
        sources,
        configuration,
        ignores,
        ignored,
        problems,
        baseline,
        archive,
        findings: _,
    } = report;
    let head = Head { version: *version, tool, as_of: *as_of, summary, items: [] };
    let tail = Tail {
        clusters,
        sources,
        configuration,
        ignores,
        ignored,
        problems,
        baseline: baseline.as_ref(),
        archive: archive.as_ref(),
    };
    (head, tail)
}

/// A writer that passes on all but the first byte written to it.
struct SkipFirst<'a> {
    out: &'a mut dyn Write,
    skipped: bool,
}

impl Write for SkipFirst<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        match bytes.split_first() {
            Some((_, rest)) if !self.skipped => {
                self.skipped = true;
                self.out.write_all(rest)?;
            }
            _ => self.out.write_all(bytes)?,
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}
