//! Ingest: files, folders, feeds and JSON Lines (also on standard input) into [`Item`]s.
//!
//! Reading is split in two so that it can stream and use every core: a sequential
//! [`Reader`] walks the inputs and cuts them into [`Unit`]s (a whole file, or one JSON
//! Lines row), and [`parse`] turns a unit into items on any thread. Problems with an input
//! never stop the run: they become [`Problem`]s with the input's path (and line).

pub mod detect;
pub mod encoding;
pub mod feed;
pub mod feedlist;
pub mod fetch;
pub mod html;
pub use copydesk_core::infer;
pub mod jsonl;
pub mod page;
pub mod text;

mod discover;
mod open;
mod parse;
mod reader;

pub use discover::discover;
pub(crate) use discover::*;
pub(crate) use open::*;
pub use open::{human_bytes, open_regular};
pub(crate) use parse::*;
pub use parse::{parse, parse_keeping, Parsed};
pub(crate) use reader::*;
pub use reader::{cuts, line_ends, Cut, Part, Position, Reader, Share, Unit, MIN_CUT_BYTES};

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// The name of copydesk's configuration file, which a folder walk never takes for an input.
pub use copydesk_core::model::CONFIGURATION_FILE_NAME;
use detect::{InputFormat, Unreadable};

// The core's modules at the paths the readers have always used.
pub(crate) use copydesk_core::{model, normalize, util};

use crate::model::{Item, Location, Problem};

/// Settings of the ingest stage.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Let manifest rows name files outside the manifest's folder.
    pub allow_outside_paths: bool,
    /// The largest article (file or JSON Lines row) read, in bytes.
    pub max_item_bytes: u64,
    /// The most read from standard input or a pipe, which is spooled to a temporary file.
    pub max_stdin_bytes: u64,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions { allow_outside_paths: false, max_item_bytes: 16 * 1024 * 1024, max_stdin_bytes: 1 << 30 }
    }
}

/// An input file, as given on the command line or found in a folder.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub path: PathBuf,
    /// The path as shown in reports.
    pub display: String,
    /// The id of the item a one-article file becomes: its path relative to the folder
    /// given on the command line, or the path as given.
    pub id: String,
    /// The folder the `path`s of a JSON Lines manifest are relative to: the file's own
    /// folder, or the current folder for standard input and pipes.
    pub folder: PathBuf,
    /// When the file was fetched, for a feed read over HTTP: the framing date of items
    /// that carry no date of their own.
    pub fetched: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// The charset of the HTTP `Content-Type` a fetched file came with.
    pub charset: Option<String>,
}

/// The inputs of a run, found before any is read.
#[derive(Debug, Default)]
pub struct Inputs {
    pub files: Vec<InputFile>,
    /// Paths that could not be found or listed.
    pub problems: Vec<Problem>,
    /// Standard input and named pipes, spooled to temporary files so that they can be
    /// read twice.
    _spools: Vec<tempfile::NamedTempFile>,
    /// Pages read by the first pass, kept for the second (see [`parse_keeping`]).
    kept: Kept,
}

/// The encoding an item's text was decoded from, and what it was taken from.
pub use crate::model::TextEncoding;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_lines_never_hold_more_than_the_limit() {
        let data = b"short\n0123456789abcdef\nlast";
        let mut reader = BufReader::with_capacity(4, &data[..]);
        assert!(matches!(read_line_capped(&mut reader, 10).unwrap(), Line::Bytes(b) if b == b"short"));
        assert!(matches!(read_line_capped(&mut reader, 10).unwrap(), Line::TooLong(16)));
        assert!(matches!(read_line_capped(&mut reader, 10).unwrap(), Line::Bytes(b) if b == b"last"));
        assert!(matches!(read_line_capped(&mut reader, 10).unwrap(), Line::End));
    }
}
