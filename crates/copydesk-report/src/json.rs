//! The JSON report: the contract scripts and CI rely on, documented field by field in
//! `docs/json.md` and versioned by [`super::SCHEMA_VERSION`].

use std::io::Write;

use rayon::prelude::*;
use serde::Serialize;

use super::{baseline, findings, ArchiveRun, ClusterReport, Configuration, ItemReport, Report, Summary, Tool};
use crate::model::Problem;
use crate::score::SourceScore;

/// Elements of an array rendered at once, on all cores, before they are written.
const ELEMENTS_AT_ONCE: usize = 256;

/// How deep the elements of the report's arrays stand: in an array of the top object.
const ELEMENT_DEPTH: usize = 2;

/// Writes the report as pretty-printed JSON, streaming: the bytes `serde_json`'s pretty
/// printer writes for the whole report, with its large arrays — the items, most of a
/// large report, the clusters and the source scores with their items — rendered on all
/// cores a block of elements at a time.
pub fn write(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    // The report with those arrays empty, each then written in its place.
    let skeleton = serde_json::to_vec_pretty(&skeleton(report))?;
    let rest = write_array(&skeleton, "items", &report.items, out)?;
    let rest = write_array(rest, "clusters", &report.clusters, out)?;
    let rest = write_array(rest, "sources", &report.sources, out)?;
    out.write_all(rest)?;
    out.write_all(b"\n")
}

/// Writes `skeleton` up to the empty array of the top object's field `key`, then
/// `elements` in its place; returns the rest of the skeleton. A line break inside a JSON
/// string is written `\n`, so a line break and two spaces open a field of the top object.
fn write_array<'s, T: Serialize + Sync>(
    skeleton: &'s [u8],
    key: &str,
    elements: &[T],
    out: &mut dyn Write,
) -> std::io::Result<&'s [u8]> {
    let field = format!("\n  \"{key}\": ");
    let at = skeleton
        .windows(field.len() + 2)
        .position(|window| window.starts_with(field.as_bytes()) && window.ends_with(b"[]"))
        .ok_or_else(|| std::io::Error::other(format!("the report's {key} are not where expected")))?;
    let (before, rest) = skeleton.split_at(at + field.len());
    out.write_all(before)?;
    write_elements(elements, out)?;
    Ok(&rest[2..])
}

/// An array of the top object, as the pretty printer writes it there: a thread renders
/// the next block of elements on all cores while this one writes the last.
fn write_elements<T: Serialize + Sync>(elements: &[T], out: &mut dyn Write) -> std::io::Result<()> {
    if elements.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    let blocks = elements.chunks(ELEMENTS_AT_ONCE).map(|chunk| chunk.par_iter().map(render).collect());
    if rayon::current_thread_index().is_some() {
        // A thread of the pool renders the blocks itself: waiting on another thread for
        // work that needs the pool could wait for ever.
        write_blocks(blocks, out)?;
    } else {
        std::thread::scope(|scope| {
            // One block rendered ahead: the renderer keeps pace, and holds no more.
            let (sender, rendered) = std::sync::mpsc::sync_channel(1);
            scope.spawn(move || {
                for block in blocks {
                    if sender.send(block).is_err() {
                        break;
                    }
                }
            });
            write_blocks(rendered.into_iter(), out)
        })?;
    }
    out.write_all(b"\n  ]")
}

/// Writes blocks of rendered elements, a comma between every two.
fn write_blocks(
    blocks: impl Iterator<Item = serde_json::Result<Vec<Vec<u8>>>>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for (block, rendered) in blocks.enumerate() {
        for (i, element) in rendered?.iter().enumerate() {
            if block > 0 || i > 0 {
                out.write_all(b",")?;
            }
            out.write_all(element)?;
        }
    }
    Ok(())
}

/// One element, pretty-printed at its depth, opening with its line break.
fn render<T: Serialize>(element: &T) -> serde_json::Result<Vec<u8>> {
    let mut rendered = Vec::with_capacity(4096);
    let deep = Deep { depth: ELEMENT_DEPTH, has_value: false };
    // Its line break and indent, as the array's first value.
    deep.next(&mut rendered, true).map_err(serde_json::Error::io)?;
    element.serialize(&mut serde_json::Serializer::with_formatter(&mut rendered, deep))?;
    Ok(rendered)
}

/// `serde_json`'s pretty printer (`PrettyFormatter`, two spaces a level), writing from
/// `depth` levels down: what it writes for a value at that depth of a larger one.
struct Deep {
    depth: usize,
    has_value: bool,
}

impl Deep {
    fn indent<W: ?Sized + Write>(&self, writer: &mut W) -> std::io::Result<()> {
        (0..self.depth).try_for_each(|_| writer.write_all(b"  "))
    }

    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            writer.write_all(b"\n")?;
            self.indent(writer)?;
        }
        writer.write_all(bracket)
    }

    fn next<W: ?Sized + Write>(&self, writer: &mut W, first: bool) -> std::io::Result<()> {
        writer.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(writer)
    }
}

impl serde_json::ser::Formatter for Deep {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> std::io::Result<()> {
        self.next(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> std::io::Result<()> {
        self.next(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// The report as [`Report`] serializes it, with its large arrays empty.
#[derive(Serialize)]
struct Skeleton<'a> {
    version: u32,
    tool: &'a Tool,
    as_of: Option<chrono::NaiveDate>,
    summary: &'a Summary,
    items: [ItemReport; 0],
    clusters: [ClusterReport; 0],
    sources: [SourceScore; 0],
    configuration: &'a Configuration,
    ignores: &'a [findings::IgnoreReport],
    ignored: &'a [findings::Ignored],
    problems: &'a [Problem],
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a baseline::Applied>,
    #[serde(skip_serializing_if = "Option::is_none")]
    archive: Option<&'a ArchiveRun>,
}

fn skeleton(report: &Report) -> Skeleton<'_> {
    // Every field named: a field added to the report cannot be left out here.
    let Report {
        version,
        tool,
        as_of,
        summary,
        items: _,
        clusters: _,
        sources: _,
        configuration,
        ignores,
        ignored,
        problems,
        baseline,
        archive,
        findings: _,
    } = report;
    Skeleton {
        version: *version,
        tool,
        as_of: *as_of,
        summary,
        items: [],
        clusters: [],
        sources: [],
        configuration,
        ignores,
        ignored,
        problems,
        baseline: baseline.as_ref(),
        archive: archive.as_ref(),
    }
}
