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

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// The name of copydesk's configuration file, which a folder walk never takes for an input.
pub use copydesk_core::model::CONFIGURATION_FILE_NAME;
use detect::{Format, Unreadable};

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

/// HTML pages read by the first pass, kept for the second so that each page's main text
/// is extracted once: extraction is most of the cost of reading a page. What is kept is
/// bounded by [`KEPT_BYTES`] of text; pages past it are read again.
#[derive(Debug, Default)]
struct Kept {
    pages: std::sync::Mutex<HashMap<usize, Parsed>>,
    bytes: std::sync::atomic::AtomicUsize,
}

/// The most text kept between the passes.
const KEPT_BYTES: usize = 256 * 1024 * 1024;

/// A file found by [`discover`], before files named by manifests and second ways to the
/// same file are left out.
struct Candidate {
    file: InputFile,
    /// The file's real path (symbolic links resolved); none for spooled input.
    real: Option<PathBuf>,
    /// Reached without following a symbolic link.
    direct: bool,
}

/// Finds the input files behind the command-line arguments: files as given, folders walked
/// recursively in sorted order with hidden entries skipped, `-` for standard input (JSON
/// Lines, or any format recognised by its content). Every file is read once, however many ways lead to it, and files a JSON Lines
/// manifest among the inputs names are read through the manifest, not a second time on
/// their own. Symbolic links in folders that lead outside the folder given are refused
/// unless outside paths are allowed.
pub fn discover(args: &[String], options: &IngestOptions) -> std::io::Result<Inputs> {
    let mut inputs = Inputs::default();
    let mut found = Vec::new();
    let mut visited = HashSet::new();
    let mut stdin_read = false;
    for arg in args {
        if arg == "-" {
            if !stdin_read {
                stdin_read = true;
                match spool(&mut std::io::stdin().lock(), options.max_stdin_bytes)? {
                    Some(spool) => {
                        found.push(spooled(&spool, "<stdin>"));
                        inputs._spools.push(spool);
                    }
                    None => inputs.problems.push(Problem::skipped(
                        "<stdin>",
                        None,
                        too_long_stream(options.max_stdin_bytes),
                    )),
                }
            }
            continue;
        }
        let path = PathBuf::from(arg);
        match std::fs::metadata(&path) {
            Err(e) => inputs.problems.push(Problem::skipped(arg, None, describe_missing(&path, &e))),
            Ok(meta) if meta.is_dir() => {
                let root = Walk {
                    root: &path,
                    real_root: path.canonicalize().unwrap_or_else(|_| path.clone()),
                    allow_outside: options.allow_outside_paths,
                };
                visited.insert(root.real_root.clone());
                root.walk(&path, false, &mut visited, &mut found, &mut inputs.problems);
            }
            // A pipe (`<(command)`) can be read once only.
            Ok(meta) if is_pipe(&meta) => match File::open(&path)
                .and_then(|mut pipe| spool(&mut pipe, options.max_stdin_bytes))
            {
                Ok(Some(spool)) => {
                    found.push(spooled(&spool, arg));
                    inputs._spools.push(spool);
                }
                Ok(None) => inputs.problems.push(Problem::skipped(arg, None, too_long_stream(options.max_stdin_bytes))),
                Err(e) => inputs.problems.push(Problem::skipped(arg, None, describe_io(&e))),
            },
            Ok(meta) if !meta.is_file() => inputs.problems.push(Problem::skipped(arg, None, NOT_REGULAR)),
            Ok(_) => found.push(Candidate {
                real: path.canonicalize().ok(),
                file: InputFile {
                    display: arg.clone(),
                    id: arg.clone(),
                    folder: folder_of(&path),
                    path,
                    fetched: None,
                    charset: None,
                },
                direct: true,
            }),
        }
    }
    inputs.files = read_once(found, options);
    Ok(inputs)
}

/// Leaves out second ways to a file (the first way not through a symbolic link wins, else
/// the first) and files that a manifest among the candidates names.
fn read_once(found: Vec<Candidate>, options: &IngestOptions) -> Vec<InputFile> {
    let mut listed = HashSet::new();
    let mut manifests = HashSet::new();
    for candidate in &found {
        let names = manifest_listing(&candidate.file, options);
        if !names.is_empty() {
            manifests.extend(candidate.real.clone());
            listed.extend(names);
        }
    }
    let mut chosen: HashMap<&Path, usize> = HashMap::new();
    for (index, candidate) in found.iter().enumerate() {
        let Some(real) = &candidate.real else { continue };
        let first = chosen.entry(real).or_insert(index);
        if !found[*first].direct && candidate.direct {
            *first = index;
        }
    }
    let keep: Vec<bool> = found
        .iter()
        .enumerate()
        .map(|(index, candidate)| match &candidate.real {
            None => true,
            Some(real) => {
                chosen.get(real.as_path()) == Some(&index) && (!listed.contains(real) || manifests.contains(real))
            }
        })
        .collect();
    found.into_iter().zip(keep).filter(|(_, keep)| *keep).map(|(candidate, _)| candidate.file).collect()
}

/// Copies a stream to a temporary file, none when it holds more than `limit` bytes.
fn spool(reader: &mut impl Read, limit: u64) -> std::io::Result<Option<tempfile::NamedTempFile>> {
    let mut spool = tempfile::NamedTempFile::new()?;
    let copied = std::io::copy(&mut reader.take(limit + 1), &mut spool)?;
    Ok((copied <= limit).then_some(spool))
}

fn too_long_stream(limit: u64) -> String {
    format!(
        "input is longer than the {} limit for standard input and pipes ([ingest] max_stdin_bytes)",
        human_bytes(limit)
    )
}

fn spooled(spool: &tempfile::NamedTempFile, name: &str) -> Candidate {
    let file = InputFile {
        path: spool.path().to_path_buf(),
        display: name.to_string(),
        id: name.to_string(),
        folder: PathBuf::from("."),
        fetched: None,
        charset: None,
    };
    Candidate { file, real: None, direct: true }
}

/// The folder a file is in, `.` for a bare file name.
fn folder_of(path: &Path) -> PathBuf {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf()
}

const NOT_REGULAR: &str = "not a regular file (a pipe, socket or device)";

#[cfg(unix)]
fn is_pipe(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_fifo()
}

#[cfg(not(unix))]
fn is_pipe(_meta: &std::fs::Metadata) -> bool {
    false
}

/// A folder given on the command line, being walked.
struct Walk<'a> {
    root: &'a Path,
    real_root: PathBuf,
    allow_outside: bool,
}

impl Walk<'_> {
    /// Walks `folder` (reached through a symbolic link if `linked`); `visited` holds the
    /// real paths of the folders walked, so that a link back up is not followed.
    fn walk(
        &self,
        folder: &Path,
        linked: bool,
        visited: &mut HashSet<PathBuf>,
        found: &mut Vec<Candidate>,
        problems: &mut Vec<Problem>,
    ) {
        let entries = match std::fs::read_dir(folder) {
            Ok(entries) => entries,
            Err(e) => {
                problems.push(Problem::skipped(folder.display().to_string(), None, describe_io(&e)));
                return;
            }
        };
        let mut paths: Vec<(PathBuf, bool)> = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) if !entry.file_name().to_string_lossy().starts_with('.') => {
                    paths.push((entry.path(), entry.file_type().is_ok_and(|t| t.is_symlink())))
                }
                Ok(_) => {}
                Err(e) => problems.push(Problem::skipped(folder.display().to_string(), None, describe_io(&e))),
            }
        }
        paths.sort();
        for (path, is_link) in paths {
            let display = path.display().to_string();
            let real = match path.canonicalize() {
                Ok(real) => real,
                Err(e) => {
                    problems.push(Problem::skipped(display, None, describe_missing(&path, &e)));
                    continue;
                }
            };
            if is_link && !self.allow_outside && !real.starts_with(&self.real_root) {
                let message = format!(
                    "symbolic link to {} leaves the folder {} (--allow-outside-paths to permit)",
                    real.display(),
                    self.root.display()
                );
                problems.push(Problem::skipped(display, None, message));
                continue;
            }
            let meta = match std::fs::metadata(&path) {
                Ok(meta) => meta,
                Err(e) => {
                    problems.push(Problem::skipped(display, None, describe_io(&e)));
                    continue;
                }
            };
            if meta.is_dir() {
                if visited.insert(real) {
                    self.walk(&path, linked || is_link, visited, found, problems);
                }
                continue;
            }
            if path.file_name().is_some_and(|name| name == CONFIGURATION_FILE_NAME) {
                continue;
            }
            if !meta.is_file() {
                problems.push(Problem::skipped(display, None, NOT_REGULAR));
                continue;
            }
            let relative = path.strip_prefix(self.root).unwrap_or(&path);
            let id = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
            let file = InputFile { folder: folder_of(&path), path, display, id, fetched: None, charset: None };
            found.push(Candidate { file, real: Some(real), direct: !(linked || is_link) });
        }
    }
}

/// The real paths of the files `file` names, if it is a JSON Lines manifest, read a row at
/// a time. Rows that do not parse or name no file are reported when the manifest is read.
fn manifest_listing(file: &InputFile, options: &IngestOptions) -> Vec<PathBuf> {
    let Ok(handle) = open_regular(&file.path) else { return Vec::new() };
    let mut reader = BufReader::with_capacity(1 << 16, handle);
    let Ok(head) = reader.fill_buf() else { return Vec::new() };
    let head = &head[..head.len().min(detect::SNIFF_BYTES)];
    if detect::detect(head) != Ok(Format::JsonLines) {
        return Vec::new();
    }
    let finder = memchr::memmem::Finder::new(b"\"path\"");
    let mut listed = Vec::new();
    loop {
        match read_line_capped(&mut reader, options.max_item_bytes) {
            Ok(Line::Bytes(row)) if finder.find(&row).is_some() => {
                listed.extend(jsonl::listed_file(&row, &file.folder, options.allow_outside_paths))
            }
            Ok(Line::Bytes(_) | Line::TooLong(_)) => {}
            Ok(Line::End) | Err(_) => return listed,
        }
    }
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
    rows: Option<(usize, usize, Box<dyn BufRead>)>,
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
        let mut file = match open_regular(&input.path) {
            Ok(file) => file,
            Err(e) => return problem(describe_io(&e)),
        };
        let limit = self.options.max_item_bytes;
        let mut raw = Vec::with_capacity(detect::SNIFF_BYTES);
        if let Err(e) = (&mut file).take(detect::SNIFF_BYTES as u64).read_to_end(&mut raw) {
            return problem(describe_io(&e));
        }
        let compressed = encoding::is_gzip(&raw);
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut stream: Box<dyn Read> = if compressed {
            Box::new(flate2::read::MultiGzDecoder::new(std::io::Cursor::new(raw).chain(file)))
        } else {
            Box::new(std::io::Cursor::new(raw).chain(file))
        };
        let mut head = Vec::with_capacity(detect::SNIFF_BYTES);
        if let Err(e) = (&mut stream).take(detect::SNIFF_BYTES as u64).read_to_end(&mut head) {
            return problem(if compressed { format!("gzip: {}", describe_io(&e)) } else { describe_io(&e) });
        }
        match detect::detect(&head) {
            Err(Unreadable::Empty) => problem("empty file".into()),
            Err(Unreadable::Binary) => problem("binary file, not an article or feed".into()),
            Err(Unreadable::JsonDocument) => problem("a JSON document, neither JSON Lines nor a JSON Feed".into()),
            Ok(Format::JsonLines) if detect::has_wide_bom(&head) => {
                // UTF-16 and UTF-32 rows are decoded whole, within the limit of one item.
                let bytes = match encoding::read_limited(head, stream, limit) {
                    Ok((bytes, _)) => bytes,
                    Err(encoding::ReadError::TooLarge(size)) => return problem(too_large(size, limit)),
                    Err(encoding::ReadError::Io(e)) => return problem(describe_io(&e)),
                };
                let decoded = encoding::decode(&bytes, encoding::Markup::None, None);
                self.rows = Some((index, 0, Box::new(std::io::Cursor::new(decoded.text.into_bytes()))));
                self.next_row()
            }
            Ok(Format::JsonLines) => {
                let rows = BufReader::with_capacity(1 << 20, std::io::Cursor::new(head).chain(stream));
                self.rows = Some((index, 0, Box::new(rows)));
                self.next_row()
            }
            Ok(format) => {
                // A feed is held whole while it is parsed, so the limit holds for it too;
                // for a compressed file it holds for the decompressed bytes.
                if !compressed && size > limit {
                    return problem(too_large(size, limit));
                }
                match encoding::read_limited(head, stream, limit) {
                    Ok((bytes, _)) => Some(Unit::Document { file: index, format, bytes }),
                    Err(encoding::ReadError::TooLarge(size)) => problem(too_large(size, limit)),
                    Err(encoding::ReadError::Io(e)) => problem(describe_io(&e)),
                }
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
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub items: Vec<Item>,
    pub problems: Vec<Problem>,
}

/// Turns a unit into items, as [`parse`] does, and keeps a page's items for the next
/// [`parse`] of the same unit (within the budget). The first pass reads this way.
pub fn parse_keeping(unit: Unit, inputs: &Inputs, options: &IngestOptions) -> Parsed {
    let page = match &unit {
        Unit::Document { file, format: Format::Html, .. } => Some(*file),
        _ => None,
    };
    let parsed = parse(unit, inputs, options);
    if let Some(file) = page {
        let size: usize = parsed.items.iter().map(|i| i.text.len()).sum();
        let kept = &inputs.kept;
        let before = kept.bytes.fetch_add(size, std::sync::atomic::Ordering::Relaxed);
        if before + size <= KEPT_BYTES {
            if let Ok(mut pages) = kept.pages.lock() {
                pages.insert(file, parsed.clone());
            }
        } else {
            kept.bytes.fetch_sub(size, std::sync::atomic::Ordering::Relaxed);
        }
    }
    parsed
}

/// Turns a unit into items. Safe to call from any thread.
pub fn parse(unit: Unit, inputs: &Inputs, options: &IngestOptions) -> Parsed {
    if let Unit::Document { file, format: Format::Html, .. } = &unit {
        let kept = inputs.kept.pages.lock().ok().and_then(|mut pages| pages.remove(file));
        if let Some(parsed) = kept {
            return parsed;
        }
    }
    let fetched = match &unit {
        Unit::Row { file, .. } | Unit::Document { file, .. } => inputs.files[*file].fetched,
        Unit::Problem(_) => None,
    };
    let mut parsed = parse_unit(unit, inputs, options);
    if let Some(at) = fetched {
        for item in &mut parsed.items {
            item.fetched.get_or_insert(at);
        }
    }
    parsed
}

fn parse_unit(unit: Unit, inputs: &Inputs, options: &IngestOptions) -> Parsed {
    let mut parsed = Parsed::default();
    match unit {
        Unit::Problem(problem) => parsed.problems.push(problem),
        Unit::Row { file, line, bytes } => {
            let input = &inputs.files[file];
            match jsonl::read_row(&bytes, &input.folder, &input.display, line, options, &mut parsed.problems) {
                Ok(item) => parsed.items.push(item),
                Err(problem) => parsed.problems.push(problem),
            }
        }
        Unit::Document { file, format, bytes } => {
            let input = &inputs.files[file];
            let markup = match format {
                Format::Html => encoding::Markup::Html,
                Format::Feed if !bytes.trim_ascii_start().starts_with(b"{") => encoding::Markup::Xml,
                _ => encoding::Markup::None,
            };
            let decoded = encoding::decode(&bytes, markup, input.charset.as_deref());
            drop(bytes);
            if let Some(warning) = &decoded.overruled {
                parsed.problems.push(Problem::warning(&input.display, None, warning.clone()));
            }
            let mut decoded = decoded;
            let nuls = decoded.text.bytes().filter(|&b| b == 0).count();
            if nuls > 0 {
                // A few stray NUL bytes in a text (real pages have them) are removed; a file
                // full of them is binary.
                if nuls * MAX_NUL_SHARE >= decoded.text.len() {
                    parsed.problems.push(Problem::skipped(&input.display, None, BINARY_NUL));
                    return parsed;
                }
                decoded.text.retain(|c| c != '\0');
                let message = format!("{nuls} NUL byte{} removed from the text", if nuls == 1 { "" } else { "s" });
                parsed.problems.push(Problem::warning(&input.display, None, message));
            }
            let lossy = decoded.lossy;
            if lossy {
                parsed.problems.push(Problem::warning(&input.display, None, lossy_message(&decoded)));
            }
            let text_encoding = Some(decoded.text_encoding());
            let content = decoded.text;
            let base = Item {
                id: input.id.clone(),
                location: Some(Location { path: input.display.clone(), line: None }),
                lossy_utf8: lossy,
                encoding: text_encoding.clone(),
                ..Item::default()
            };
            match format {
                Format::Feed => {
                    let content = encoding::declare_utf8(&content);
                    let read = feed::read_feed(content.as_bytes(), &input.display);
                    push_feed(&mut parsed, read, lossy, text_encoding);
                }
                Format::Html => {
                    let page = html::read_page(&content, None);
                    if let Some(failure) = &page.failure {
                        parsed.problems.push(Problem::skipped(&input.display, None, failure.clone()));
                    } else {
                        let mut item = base;
                        page.apply(&mut item);
                        push_article(&mut parsed, text::complete(item, &page.text, false), &input.display);
                    }
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

fn push_feed(parsed: &mut Parsed, read: Result<feed::Feed, Problem>, lossy: bool, encoding: Option<TextEncoding>) {
    match read {
        Ok(feed) => {
            parsed.items.extend(feed.items.into_iter().map(|item| Item {
                lossy_utf8: lossy,
                encoding: encoding.clone(),
                ..item
            }));
            parsed.problems.extend(feed.problems);
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

/// Why a file holding many NUL bytes is not read: text never holds them.
const BINARY_NUL: &str = "binary file (holds NUL bytes), not an article or feed";

/// A file in which one byte in this many or more is NUL is binary; fewer are removed.
const MAX_NUL_SHARE: usize = 100;

/// The warning for a text decoded lossily.
pub(crate) fn lossy_message(decoded: &encoding::Decoded) -> String {
    if decoded.encoding == "UTF-8" {
        "invalid UTF-8, decoded lossily (bad bytes became U+FFFD)".to_string()
    } else {
        format!("invalid {} ({}), decoded lossily (bad bytes became U+FFFD)", decoded.encoding, decoded.basis.as_str())
    }
}

/// The encoding an item's text was decoded from, and what it was taken from.
pub use crate::model::TextEncoding;

impl encoding::Decoded {
    /// The encoding this text was decoded from, as an item records it.
    pub fn text_encoding(&self) -> TextEncoding {
        TextEncoding { name: self.encoding.to_string(), basis: self.basis.as_str().to_string() }
    }
}

/// Opens a file for reading if it is a regular file, judged on the file opened (not on
/// its path, which may change in between). A FIFO is opened without waiting for a writer.
pub fn open_regular(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other(NOT_REGULAR));
    }
    Ok(file)
}

/// Reads a whole file named by a manifest (gzip-compressed or not) within the size limit,
/// and decodes it.
pub(crate) fn read_capped(path: &Path, limit: u64) -> Result<encoding::Decoded, String> {
    let file = open_regular(path).map_err(|e| describe_io(&e))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut head = Vec::new();
    let mut file = file;
    (&mut file).take(2).read_to_end(&mut head).map_err(|e| describe_io(&e))?;
    if !encoding::is_gzip(&head) && size > limit {
        return Err(too_large(size, limit));
    }
    let bytes = match encoding::read_limited(head, file, limit) {
        Ok((bytes, _)) => bytes,
        Err(encoding::ReadError::TooLarge(size)) => return Err(too_large(size, limit)),
        Err(encoding::ReadError::Io(e)) => return Err(describe_io(&e)),
    };
    if detect::detect(&bytes) == Err(Unreadable::Binary) {
        return Err("binary file, not an article".into());
    }
    let start = bytes.trim_ascii_start();
    let markup = if start.starts_with(b"<?xml") {
        encoding::Markup::Xml
    } else if start.starts_with(b"<") {
        encoding::Markup::Html
    } else {
        encoding::Markup::None
    };
    let decoded = encoding::decode(&bytes, markup, None);
    if decoded.text.contains('\0') {
        return Err("binary file (holds NUL bytes), not an article".into());
    }
    Ok(decoded)
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

/// Why a path could not be found, saying so when it is a symbolic link to nothing.
fn describe_missing(path: &Path, e: &std::io::Error) -> String {
    match std::fs::read_link(path) {
        Ok(target) if e.kind() == std::io::ErrorKind::NotFound => {
            format!("broken symbolic link (to {})", target.display())
        }
        _ => describe_io(e),
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
