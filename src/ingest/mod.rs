//! Ingest: files, folders, feeds and JSON Lines (also on standard input) into [`Item`]s.
//!
//! Reading is split in two so that it can stream and use every core: a sequential
//! [`Reader`] walks the inputs and cuts them into [`Unit`]s (a whole file, or one JSON
//! Lines row), and [`parse`] turns a unit into items on any thread. Problems with an input
//! never stop the run: they become [`Problem`]s with the input's path (and line).

pub mod detect;
pub mod feed;
pub mod html;
pub mod infer;
pub mod jsonl;
pub mod text;

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use detect::{Format, Unreadable};

use crate::model::{Item, Location, Problem};

/// Settings of the ingest stage.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Let manifest rows name files outside the manifest's folder.
    pub allow_outside_paths: bool,
    /// The largest article (file or JSON Lines row) read, in bytes.
    pub max_item_bytes: u64,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions { allow_outside_paths: false, max_item_bytes: 16 * 1024 * 1024 }
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
    /// Standard input, always read as JSON Lines.
    pub stdin: bool,
}

/// The inputs of a run, found before any is read.
#[derive(Debug, Default)]
pub struct Inputs {
    pub files: Vec<InputFile>,
    /// Paths that could not be found or listed.
    pub problems: Vec<Problem>,
    /// Standard input, spooled to a temporary file so that it can be read twice.
    _stdin: Option<tempfile::NamedTempFile>,
}

/// Finds the input files behind the command-line arguments: files as given, folders walked
/// recursively in sorted order with hidden entries skipped, `-` for JSON Lines on standard
/// input. Files a JSON Lines manifest in a walked folder names are read through the
/// manifest, not a second time on their own.
pub fn discover(args: &[String], options: &IngestOptions) -> std::io::Result<Inputs> {
    let mut inputs = Inputs::default();
    for arg in args {
        if arg == "-" {
            if inputs._stdin.is_none() {
                let mut spool = tempfile::NamedTempFile::new()?;
                std::io::copy(&mut std::io::stdin().lock(), &mut spool)?;
                inputs.files.push(InputFile {
                    path: spool.path().to_path_buf(),
                    display: "<stdin>".into(),
                    id: "<stdin>".into(),
                    stdin: true,
                });
                inputs._stdin = Some(spool);
            }
            continue;
        }
        let path = PathBuf::from(arg);
        match std::fs::metadata(&path) {
            Err(e) => inputs.problems.push(Problem::skipped(arg, None, describe_io(&e))),
            Ok(meta) if meta.is_dir() => walk(&path, &path, &mut inputs, options),
            Ok(_) => {
                inputs.files.push(InputFile { path: path.clone(), display: arg.clone(), id: arg.clone(), stdin: false })
            }
        }
    }
    Ok(inputs)
}

fn walk(root: &Path, folder: &Path, inputs: &mut Inputs, options: &IngestOptions) {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) => {
            inputs.problems.push(Problem::skipped(folder.display().to_string(), None, describe_io(&e)));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) if !entry.file_name().to_string_lossy().starts_with('.') => paths.push(entry.path()),
            Ok(_) => {}
            Err(e) => inputs.problems.push(Problem::skipped(folder.display().to_string(), None, describe_io(&e))),
        }
    }
    paths.sort();
    let mut files = Vec::new();
    let mut listed = HashSet::new();
    for path in paths {
        if path.is_dir() {
            walk(root, &path, inputs, options);
            continue;
        }
        if let Some(content) = manifest_content(&path) {
            listed.extend(jsonl::listed_files(&path, &content, options.allow_outside_paths));
        }
        files.push(path);
    }
    for path in files {
        if path.canonicalize().is_ok_and(|real| listed.contains(&real)) {
            continue;
        }
        let relative = path.strip_prefix(root).unwrap_or(&path);
        let id = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        inputs.files.push(InputFile { display: path.display().to_string(), path, id, stdin: false });
    }
}

/// The content of a JSON Lines file that names other files, if `path` is one.
fn manifest_content(path: &Path) -> Option<String> {
    let mut head = Vec::new();
    File::open(path).ok()?.take(detect::SNIFF_BYTES as u64).read_to_end(&mut head).ok()?;
    if detect::detect(&head) != Ok(Format::JsonLines) || !String::from_utf8_lossy(&head).contains("\"path\"") {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

/// A piece of input that [`parse`] turns into items on any thread.
#[derive(Debug)]
pub enum Unit {
    /// A whole file in one of the one-file formats.
    Document { file: usize, format: Format, bytes: Vec<u8> },
    /// One row of a JSON Lines file; `line` counts from 1.
    Row { file: usize, line: usize, bytes: Vec<u8> },
    /// An input that could not be read.
    Problem(Problem),
}

/// Walks the inputs in order and cuts them into units, reading JSON Lines a row at a time.
pub struct Reader<'a> {
    inputs: &'a Inputs,
    options: &'a IngestOptions,
    next_file: usize,
    rows: Option<(usize, usize, BufReader<File>)>,
    pending_problems: std::vec::IntoIter<Problem>,
}

impl<'a> Reader<'a> {
    pub fn new(inputs: &'a Inputs, options: &'a IngestOptions) -> Self {
        Reader { inputs, options, next_file: 0, rows: None, pending_problems: inputs.problems.clone().into_iter() }
    }

    fn next_row(&mut self) -> Option<Unit> {
        let (file, line, reader) = self.rows.as_mut()?;
        let display = &self.inputs.files[*file].display;
        loop {
            *line += 1;
            match read_line_capped(reader, self.options.max_item_bytes) {
                Ok(Line::End) => {
                    self.rows = None;
                    return None;
                }
                Ok(Line::TooLong(length)) => {
                    let message = format!(
                        "line of {} is longer than the {} limit for one item",
                        human_bytes(length),
                        human_bytes(self.options.max_item_bytes)
                    );
                    return Some(Unit::Problem(Problem::skipped(display.clone(), Some(*line), message)));
                }
                Ok(Line::Bytes(bytes)) => {
                    if bytes.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some(Unit::Row { file: *file, line: *line, bytes });
                }
                Err(e) => {
                    let problem = Problem::skipped(display.clone(), Some(*line), format!("read error: {e}"));
                    self.rows = None;
                    return Some(Unit::Problem(problem));
                }
            }
        }
    }

    fn open(&mut self, index: usize) -> Option<Unit> {
        let input = &self.inputs.files[index];
        let problem = |message: String| Some(Unit::Problem(Problem::skipped(input.display.clone(), None, message)));
        let mut file = match File::open(&input.path) {
            Ok(file) => file,
            Err(e) => return problem(describe_io(&e)),
        };
        let mut head = Vec::with_capacity(detect::SNIFF_BYTES);
        if let Err(e) = (&mut file).take(detect::SNIFF_BYTES as u64).read_to_end(&mut head) {
            return problem(describe_io(&e));
        }
        let format = if input.stdin && !head.iter().all(u8::is_ascii_whitespace) {
            Ok(Format::JsonLines)
        } else {
            detect::detect(&head)
        };
        match format {
            Err(Unreadable::Empty) => problem("empty file".into()),
            Err(Unreadable::Binary) => problem("binary file, not an article or feed".into()),
            Ok(Format::JsonLines) => {
                // Read from the start again: the sniffed head holds the first rows.
                let Ok(file) = File::open(&input.path) else { return problem("file vanished while reading".into()) };
                self.rows = Some((index, 0, BufReader::with_capacity(1 << 20, file)));
                self.next_row()
            }
            Ok(format) => {
                // A feed is held whole while it is parsed, so the limit holds for it too.
                let limit = self.options.max_item_bytes;
                let size = file.metadata().map(|m| m.len()).unwrap_or(0);
                if size > limit {
                    return problem(too_large(size, limit));
                }
                let mut bytes = head;
                // The file may have grown since its size was read.
                let rest = (limit + 1).saturating_sub(bytes.len() as u64);
                if let Err(e) = file.take(rest).read_to_end(&mut bytes) {
                    return problem(describe_io(&e));
                }
                if bytes.len() as u64 > limit {
                    return problem(too_large(bytes.len() as u64, limit));
                }
                Some(Unit::Document { file: index, format, bytes })
            }
        }
    }
}

impl Iterator for Reader<'_> {
    type Item = Unit;

    fn next(&mut self) -> Option<Unit> {
        if let Some(problem) = self.pending_problems.next() {
            return Some(Unit::Problem(problem));
        }
        loop {
            if let Some(unit) = self.next_row() {
                return Some(unit);
            }
            if self.next_file >= self.inputs.files.len() {
                return None;
            }
            let index = self.next_file;
            self.next_file += 1;
            if let Some(unit) = self.open(index) {
                return Some(unit);
            }
        }
    }
}

/// What one unit holds.
#[derive(Debug, Default)]
pub struct Parsed {
    pub items: Vec<Item>,
    pub problems: Vec<Problem>,
}

/// Turns a unit into items. Safe to call from any thread.
pub fn parse(unit: Unit, inputs: &Inputs, options: &IngestOptions) -> Parsed {
    let mut parsed = Parsed::default();
    match unit {
        Unit::Problem(problem) => parsed.problems.push(problem),
        Unit::Row { file, line, bytes } => {
            let input = &inputs.files[file];
            match jsonl::read_row(&bytes, &input.path, &input.display, line, options, &mut parsed.problems) {
                Ok(item) => parsed.items.push(item),
                Err(problem) => parsed.problems.push(problem),
            }
        }
        Unit::Document { file, format: Format::Feed, bytes } if detect::declares_other_encoding(&bytes) => {
            // feed-rs decodes the encoding the XML declaration names.
            push_feed(&mut parsed, feed::read_feed(&bytes, &inputs.files[file].display), false);
        }
        Unit::Document { file, format, bytes } => {
            let input = &inputs.files[file];
            let (content, lossy) = decode(bytes);
            if lossy {
                parsed.problems.push(Problem::warning(
                    &input.display,
                    None,
                    "invalid UTF-8, decoded lossily (bad bytes became U+FFFD)",
                ));
            }
            let base = Item {
                id: input.id.clone(),
                location: Some(Location { path: input.display.clone(), line: None }),
                lossy_utf8: lossy,
                ..Item::default()
            };
            match format {
                Format::Feed => push_feed(&mut parsed, feed::read_feed(content.as_bytes(), &input.display), lossy),
                Format::Html => {
                    let page = html::read_page(&content);
                    let item = Item {
                        title: page.title,
                        source: page.site,
                        url: page.url,
                        author: page.author,
                        published: page.published.as_deref().and_then(crate::util::parse_timestamp),
                        ..base
                    };
                    push_article(&mut parsed, text::complete(item, &page.text, false), &input.display);
                }
                Format::Text | Format::JsonLines => {
                    let markdown = input.path.extension().is_some_and(|e| e == "md" || e == "markdown");
                    push_article(&mut parsed, text::complete(base, &content, markdown), &input.display);
                }
            }
        }
    }
    parsed
}

fn push_feed(parsed: &mut Parsed, read: Result<feed::Feed, Problem>, lossy: bool) {
    match read {
        Ok(feed) => {
            parsed.items.extend(feed.items.into_iter().map(|item| Item { lossy_utf8: lossy, ..item }));
            parsed.problems.extend(feed.problem);
        }
        Err(problem) => parsed.problems.push(problem),
    }
}

fn push_article(parsed: &mut Parsed, item: Item, display: &str) {
    if item.text.trim().is_empty() {
        parsed.problems.push(Problem::skipped(display, None, "no article text"));
    } else {
        parsed.items.push(item);
    }
}

/// Decodes UTF-8, lossily where it is invalid; says whether it had to.
fn decode(bytes: Vec<u8>) -> (String, bool) {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.remove(0);
            }
            (s, false)
        }
        Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
    }
}

/// Reads a whole file named by a manifest, within the size limit.
pub(crate) fn read_capped(path: &Path, limit: u64) -> Result<(String, bool), String> {
    let file = File::open(path).map_err(|e| describe_io(&e))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > limit {
        return Err(too_large(size, limit));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|e| describe_io(&e))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64, limit));
    }
    if detect::detect(&bytes) == Err(Unreadable::Binary) {
        return Err("binary file, not an article".into());
    }
    Ok(decode(bytes))
}

fn too_large(size: u64, limit: u64) -> String {
    format!("file of {} is larger than the {} limit for one item", human_bytes(size), human_bytes(limit))
}

enum Line {
    Bytes(Vec<u8>),
    TooLong(u64),
    End,
}

/// Reads one line without ever holding more than `limit` bytes of it.
fn read_line_capped(reader: &mut impl BufRead, limit: u64) -> std::io::Result<Line> {
    let mut line = Vec::new();
    let mut length: u64 = 0;
    let mut too_long = false;
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            break;
        }
        let (chunk, done) = match memchr::memchr(b'\n', buffer) {
            Some(i) => (&buffer[..i], i + 1),
            None => (buffer, buffer.len()),
        };
        length += chunk.len() as u64;
        if length > limit {
            too_long = true;
            line = Vec::new();
        } else {
            line.extend_from_slice(chunk);
        }
        let ended = done > chunk.len();
        reader.consume(done);
        if ended {
            return Ok(if too_long { Line::TooLong(length) } else { Line::Bytes(line) });
        }
    }
    if too_long {
        Ok(Line::TooLong(length))
    } else if length == 0 {
        Ok(Line::End)
    } else {
        Ok(Line::Bytes(line))
    }
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// A byte count in the unit a person reads best.
pub fn human_bytes(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else if bytes >= 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{bytes} bytes")
    }
}

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
