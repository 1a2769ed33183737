//! The output formats: one renderer per format, behind one trait, for every document
//! copydesk writes — the report of `check`, `ingest` and `watch`, the per-source report of
//! `sources`, and what `extract` read. A format that has no form for a document says so
//! ([`Format::writes`]), so that a command refuses it before it runs.

use std::io::{self, Write};

use crate::extract::Extraction;
use crate::html::Texts;
use crate::sources::SourcesReport;
use crate::table::Paint;
use crate::{archive_section, extract, github, html, json, jsonl, junit, markdown, sarif, sources, table, Report};

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[non_exhaustive]
pub enum Format {
    Table,
    Json,
    Markdown,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// JUnit XML, one test case per item.
    Junit,
    /// GitHub Actions annotations.
    Github,
    /// One finding per line.
    Jsonl,
    /// One self-contained page for a browser (the texts shown are read again by
    /// `copydesk check`; elsewhere the page shows measured values only).
    Html,
}

/// The kinds of document copydesk writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DocumentKind {
    /// The report of `check`, `ingest` and `watch`.
    Report,
    /// The per-source report of `sources`.
    Sources,
    /// What `extract` read.
    Extraction,
}

/// A document to write.
#[derive(Debug, Clone, Copy)]
pub enum Document<'a> {
    Report(&'a Report),
    Sources(&'a SourcesReport),
    Extraction(&'a Extraction),
}

impl Document<'_> {
    pub fn kind(&self) -> DocumentKind {
        match self {
            Document::Report(_) => DocumentKind::Report,
            Document::Sources(_) => DocumentKind::Sources,
            Document::Extraction(_) => DocumentKind::Extraction,
        }
    }
}

/// What a renderer takes besides the document: how the table is painted, and the texts the
/// HTML page shows.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    pub paint: Paint,
    pub texts: Texts,
}

/// How one format writes each document. A format without a form for a document refuses it
/// with an error of kind [`io::ErrorKind::Unsupported`].
pub trait Renderer {
    fn report(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;

    fn sources(&self, _report: &SourcesReport, _out: &mut dyn Write) -> io::Result<()> {
        Err(unsupported(self.name(), "a per-source report"))
    }

    fn extraction(&self, _extraction: &Extraction, _out: &mut dyn Write) -> io::Result<()> {
        Err(unsupported(self.name(), "an extraction"))
    }

    /// The format's name, for messages.
    fn name(&self) -> &'static str;

    /// Writes any document.
    fn write(&self, document: Document<'_>, out: &mut dyn Write) -> io::Result<()> {
        match document {
            Document::Report(report) => self.report(report, out),
            Document::Sources(report) => self.sources(report, out),
            Document::Extraction(extraction) => self.extraction(extraction, out),
        }
    }
}

fn unsupported(format: &str, document: &str) -> io::Error {
    io::Error::new(io::ErrorKind::Unsupported, format!("the {format} format has no form for {document}"))
}

impl Format {
    /// Whether the format has a form for a kind of document.
    pub fn writes(self, kind: DocumentKind) -> bool {
        match kind {
            DocumentKind::Report => true,
            DocumentKind::Sources => matches!(self, Format::Table | Format::Json | Format::Markdown),
            DocumentKind::Extraction => matches!(self, Format::Table | Format::Json | Format::Jsonl),
        }
    }

    /// The format's renderer.
    pub fn renderer(self, options: RenderOptions) -> Box<dyn Renderer> {
        match self {
            Format::Table => Box::new(TableFormat { paint: options.paint }),
            Format::Json => Box::new(JsonFormat),
            Format::Markdown => Box::new(MarkdownFormat),
            Format::Sarif => Box::new(SarifFormat),
            Format::Junit => Box::new(JunitFormat),
            Format::Github => Box::new(GithubFormat),
            Format::Jsonl => Box::new(JsonlFormat),
            Format::Html => Box::new(HtmlFormat { texts: options.texts }),
        }
    }

    /// Renders a report in this format, unpainted, into a string.
    pub fn render(self, report: &Report) -> String {
        let mut out = Vec::new();
        // Writing to memory cannot fail.
        let _ = self.renderer(RenderOptions::default()).report(report, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// The table for a terminal; a run against the archive opens with the archive's section.
struct TableFormat {
    paint: Paint,
}

impl Renderer for TableFormat {
    fn report(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(archive_section::table(report).as_bytes())?;
        out.write_all(table::render_painted(report, self.paint).as_bytes())
    }

    fn sources(&self, report: &SourcesReport, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(sources::render_table(report).as_bytes())
    }

    fn extraction(&self, extraction: &Extraction, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(extract::table(extraction).as_bytes())
    }

    fn name(&self) -> &'static str {
        "table"
    }
}

/// The JSON contract, streamed.
struct JsonFormat;

impl Renderer for JsonFormat {
    fn report(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        json::write(report, out)
    }

    fn sources(&self, report: &SourcesReport, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(sources::render_json(report).as_bytes())
    }

    fn extraction(&self, extraction: &Extraction, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(extract::json(extraction).map_err(io::Error::other)?.as_bytes())
    }

    fn name(&self) -> &'static str {
        "json"
    }
}

/// Markdown for a pull request; a run against the archive opens with the archive's section.
struct MarkdownFormat;

impl Renderer for MarkdownFormat {
    fn report(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(archive_section::markdown(report).as_bytes())?;
        out.write_all(markdown::render(report).as_bytes())
    }

    fn sources(&self, report: &SourcesReport, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(sources::render_markdown(report).as_bytes())
    }

    fn name(&self) -> &'static str {
        "markdown"
    }
}

struct SarifFormat;

impl Renderer for SarifFormat {
    fn report(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        sarif::write(report, out)
    }

    fn name(&self) -> &'static str {
        "sarif"
    }
}

struct JunitFormat;

impl Renderer for JunitFormat {
    fn report(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        junit::write(report, out)
    }

    fn name(&self) -> &'static str {
        "junit"
    }
}

struct GithubFormat;

impl Renderer for GithubFormat {
    fn report(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        github::write(report, out)
    }

    fn name(&self) -> &'static str {
        "github"
    }
}

/// One finding per line for a report; one item per line for an extraction.
struct JsonlFormat;

impl Renderer for JsonlFormat {
    fn report(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        jsonl::write(report, out)
    }

    fn extraction(&self, extraction: &Extraction, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(extract::jsonl(extraction).map_err(io::Error::other)?.as_bytes())
    }

    fn name(&self) -> &'static str {
        "jsonl"
    }
}

/// The page for a browser, with the texts it was given.
struct HtmlFormat {
    texts: Texts,
}

impl Renderer for HtmlFormat {
    fn report(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        html::write(report, &self.texts, out)
    }

    fn name(&self) -> &'static str {
        "html"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_format_without_a_form_for_a_document_refuses_it() {
        let sources = SourcesReport::empty("archive.sqlite3");
        for format in [Format::Sarif, Format::Junit, Format::Github, Format::Jsonl, Format::Html] {
            assert!(!format.writes(DocumentKind::Sources));
            let error = format.renderer(RenderOptions::default()).sources(&sources, &mut Vec::new());
            assert_eq!(error.map_err(|e| e.kind()), Err(io::ErrorKind::Unsupported), "{format:?}");
        }
        for format in [Format::Table, Format::Json, Format::Markdown] {
            assert!(format.writes(DocumentKind::Sources));
            let mut out = Vec::new();
            format.renderer(RenderOptions::default()).sources(&sources, &mut out).expect("written");
            assert!(!out.is_empty(), "{format:?}");
        }
    }
}
