//! Cutting the inputs into units, in order and streaming: a whole file, or one JSON Lines
//! row, each read within the size cap.

use std::io::Seek;

use super::*;

/// The buffer a JSON Lines file is read through.
const ROW_BUFFER: usize = 1 << 20;

/// A piece of input that [`parse`] turns into items on any thread.
#[derive(Debug)]
pub enum Unit {
    /// A whole file in one of the one-file formats.
    Document { file: usize, format: InputFormat, bytes: Vec<u8> },
    /// One row of a JSON Lines file; `line` counts from 1.
    Row { file: usize, line: usize, bytes: Vec<u8> },
    /// An input that could not be read.
    Problem(Problem),
}

/// Where a unit stands in reading order: `(0, n)` for the `n`-th problem met while the
/// inputs were discovered, `(file + 1, line)` for the rows of a JSON Lines file (lines
/// counting from 1), `(file + 1, 0)` for any other file, or a file that cannot be read.
/// Readers that share the inputs put what they read back in order by it.
pub type Position = (u64, u64);

/// Walks the inputs in order and cuts them into units, reading JSON Lines a row at a time.
pub struct Reader<'a> {
    inputs: &'a Inputs,
    options: &'a IngestOptions,
    next_file: usize,
    rows: Option<Rows>,
    pending_problems: std::iter::Enumerate<std::vec::IntoIter<Problem>>,
    /// The byte range this reader reads of each file cut among several readers.
    parts: HashMap<usize, Part>,
    /// This reader's place among the readers that share the inputs (0 of 1 alone), and how
    /// many files outside the parts it has passed: each reader takes every `peers`-th of
    /// those, and every `peers`-th problem met while the inputs were discovered.
    index: usize,
    peers: usize,
    turn: usize,
    /// Where the unit last given stands.
    position: Position,
    /// The bytes of rows and documents read so far.
    read: u64,
}

/// The rows of a JSON Lines file being read.
struct Rows {
    file: usize,
    /// The line last read.
    line: usize,
    reader: Box<dyn BufRead>,
    /// For a part of a file, the bytes from the next row to the end of the part: a row
    /// that starts there belongs to the next part.
    left: Option<u64>,
}

impl<'a> Reader<'a> {
    pub fn new(inputs: &'a Inputs, options: &'a IngestOptions) -> Self {
        Reader {
            inputs,
            options,
            next_file: 0,
            rows: None,
            pending_problems: inputs.problems.clone().into_iter().enumerate(),
            parts: HashMap::new(),
            index: 0,
            peers: 1,
            turn: 0,
            position: (0, 0),
            read: 0,
        }
    }

    /// The share of reader `index` of `peers` readers that read the same inputs together:
    /// its [`Part`] of each file [`cuts`] found, and every `peers`-th of the other files,
    /// whole, each unit with its [`Position`]. A file that is not this reader's is not
    /// opened.
    pub fn share(
        inputs: &'a Inputs,
        options: &'a IngestOptions,
        parts: HashMap<usize, Part>,
        index: usize,
        peers: usize,
    ) -> Share<'a> {
        Share(Reader { parts, index, peers: peers.max(1), ..Reader::new(inputs, options) })
    }

    fn next_row(&mut self) -> Option<Unit> {
        let rows = self.rows.as_mut()?;
        let display = &self.inputs.files[rows.file].display;
        loop {
            if rows.left == Some(0) {
                self.rows = None;
                return None;
            }
            rows.line += 1;
            self.position = (rows.file as u64 + 1, rows.line as u64);
            let read = read_line_counted(&mut rows.reader, self.options.max_item_bytes);
            if let Ok((_, consumed)) = &read {
                self.read += consumed;
                if let Some(left) = rows.left.as_mut() {
                    *left = left.saturating_sub(*consumed);
                }
            }
            match read {
                Ok((Line::End, _)) => {
                    self.rows = None;
                    return None;
                }
                Ok((Line::TooLong(length), _)) => {
                    let message = format!(
                        "line of {} is longer than the {} limit for one item",
                        human_bytes(length),
                        human_bytes(self.options.max_item_bytes)
                    );
                    return Some(Unit::Problem(Problem::skipped(display.clone(), Some(rows.line), message)));
                }
                Ok((Line::Bytes(bytes), _)) => {
                    if bytes.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some(Unit::Row { file: rows.file, line: rows.line, bytes });
                }
                Err(e) => {
                    let problem = Problem::skipped(display.clone(), Some(rows.line), format!("read error: {e}"));
                    self.rows = None;
                    return Some(Unit::Problem(problem));
                }
            }
        }
    }

    /// Starts reading this reader's part of a file cut among readers: from the first row
    /// that starts in its range. Only the reader of the first part says when the file
    /// cannot be opened, so that it is said once.
    fn open_part(&mut self, index: usize, part: Part) -> Option<Unit> {
        let input = &self.inputs.files[index];
        let opened = open_regular(&input.path).and_then(|mut file| {
            let before = part.range.start.checked_sub(1);
            if let Some(before) = before {
                file.seek(std::io::SeekFrom::Start(before))?;
            }
            let mut rows = BufReader::with_capacity(ROW_BUFFER, file);
            if before.is_none() {
                return Ok((rows, 0, part.lines_before));
            }
            // The row under way at the start of the range is the previous part's: skip
            // to the end of the line the byte before the range is on (a line end there
            // is counted before the range already).
            let (skipped, ended) = skip_line(&mut rows)?;
            let line = part.lines_before + u64::from(ended && skipped > 1);
            Ok((rows, skipped.saturating_sub(1), line))
        });
        match opened {
            Ok((rows, skipped, line)) => {
                let left = part.range.end.saturating_sub(part.range.start).saturating_sub(skipped);
                let line = usize::try_from(line).unwrap_or(usize::MAX);
                self.rows = Some(Rows { file: index, line, reader: Box::new(rows), left: Some(left) });
                self.next_row()
            }
            Err(e) if part.range.start == 0 => {
                Some(Unit::Problem(Problem::skipped(input.display.clone(), None, describe_io(&e))))
            }
            Err(_) => None,
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
            Ok(InputFormat::JsonLines) if detect::has_wide_bom(&head) => {
                // UTF-16 and UTF-32 rows are decoded whole, within the limit of one item.
                let bytes = match encoding::read_limited(head, stream, limit) {
                    Ok((bytes, _)) => bytes,
                    Err(encoding::ReadError::TooLarge(size)) => return problem(too_large(size, limit)),
                    Err(encoding::ReadError::Io(e)) => return problem(describe_io(&e)),
                };
                let decoded = encoding::decode(&bytes, encoding::Markup::None, None);
                let reader = Box::new(std::io::Cursor::new(decoded.text.into_bytes()));
                self.rows = Some(Rows { file: index, line: 0, reader, left: None });
                self.next_row()
            }
            Ok(InputFormat::JsonLines) => {
                let reader = Box::new(BufReader::with_capacity(ROW_BUFFER, std::io::Cursor::new(head).chain(stream)));
                self.rows = Some(Rows { file: index, line: 0, reader, left: None });
                self.next_row()
            }
            Ok(format) => {
                // A feed is held whole while it is parsed, so the limit holds for it too;
                // for a compressed file it holds for the decompressed bytes.
                if !compressed && size > limit {
                    return problem(too_large(size, limit));
                }
                match encoding::read_limited(head, stream, limit) {
                    Ok((bytes, _)) => {
                        self.read += bytes.len() as u64;
                        Some(Unit::Document { file: index, format, bytes })
                    }
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
        for (n, problem) in self.pending_problems.by_ref() {
            if n % self.peers == self.index {
                self.position = (0, n as u64);
                return Some(Unit::Problem(problem));
            }
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
            self.position = (index as u64 + 1, 0);
            let opened = match self.parts.get(&index).cloned() {
                Some(part) => self.open_part(index, part),
                None => {
                    let turn = self.turn;
                    self.turn += 1;
                    if turn % self.peers != self.index {
                        continue;
                    }
                    self.open(index)
                }
            };
            if let Some(unit) = opened {
                return Some(unit);
            }
        }
    }
}

/// A reader's share of the inputs when several read them together ([`Reader::share`]):
/// its units, each with its [`Position`].
pub struct Share<'a>(Reader<'a>);

impl Share<'_> {
    /// The bytes of rows and documents read so far: this reader's part of each cut file,
    /// and the other files it was given.
    pub fn read(&self) -> u64 {
        self.0.read
    }
}

impl Iterator for Share<'_> {
    type Item = (Position, Unit);

    fn next(&mut self) -> Option<(Position, Unit)> {
        let unit = self.0.next()?;
        Some((self.0.position, unit))
    }
}

/// A JSON Lines file read by several readers, each its own byte range of it, so that none
/// reads the whole file: a file of at least [`MIN_CUT_BYTES`], neither compressed nor in
/// UTF-16 or UTF-32 (those go whole to one reader, as other files do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    /// The file's place in [`Inputs::files`].
    pub file: usize,
    pub size: u64,
}

/// The smallest JSON Lines file cut in byte ranges among readers: a smaller one goes
/// whole to one reader.
pub const MIN_CUT_BYTES: u64 = 256 << 10;

impl Cut {
    /// The bytes reader `index` of `peers` reads: the rows that start in this range.
    pub fn range(&self, index: usize, peers: usize) -> std::ops::Range<u64> {
        let at =
            |i: usize| u64::try_from(u128::from(self.size) * i as u128 / peers.max(1) as u128).unwrap_or(self.size);
        at(index)..at(index + 1)
    }

    /// Reader `index`'s part, given the line ends each reader counted in its range
    /// ([`line_ends`]), in the readers' order.
    pub fn part(&self, index: usize, peers: usize, line_ends: &[u64]) -> Part {
        Part { range: self.range(index, peers), lines_before: line_ends.iter().take(index).sum() }
    }
}

/// A reader's part of a [`Cut`] file: its byte range, and the number of line ends before
/// the range (the other readers' counts, from [`line_ends`]), for the rows' line numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub range: std::ops::Range<u64>,
    pub lines_before: u64,
}

/// The files of `inputs` that several readers share by byte range. Each file is opened
/// and its first bytes read to tell; one that cannot be is not cut (and its problem is
/// said when it is read).
pub fn cuts(inputs: &Inputs) -> Vec<Cut> {
    let cut = |(file, input): (usize, &InputFile)| -> Option<Cut> {
        let mut opened = open_regular(&input.path).ok()?;
        let size = opened.metadata().ok()?.len();
        if size < MIN_CUT_BYTES {
            return None;
        }
        let mut head = Vec::with_capacity(detect::SNIFF_BYTES);
        (&mut opened).take(detect::SNIFF_BYTES as u64).read_to_end(&mut head).ok()?;
        let plain = !encoding::is_gzip(&head) && !detect::has_wide_bom(&head);
        (plain && detect::detect(&head) == Ok(InputFormat::JsonLines)).then_some(Cut { file, size })
    };
    inputs.files.iter().enumerate().filter_map(cut).collect()
}

/// How many line ends (`\n`) the byte `range` of a file holds.
pub fn line_ends(path: &Path, range: std::ops::Range<u64>) -> std::io::Result<u64> {
    let mut file = open_regular(path)?;
    file.seek(std::io::SeekFrom::Start(range.start))?;
    let mut part = file.take(range.end.saturating_sub(range.start));
    let mut buffer = vec![0; ROW_BUFFER];
    let mut ends = 0;
    loop {
        let n = match part.read(&mut buffer) {
            Ok(0) => return Ok(ends),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        ends += memchr::memchr_iter(b'\n', &buffer[..n]).count() as u64;
    }
}

pub(crate) enum Line {
    Bytes(Vec<u8>),
    TooLong(u64),
    End,
}

/// Reads one line without ever holding more than `limit` bytes of it.
pub(crate) fn read_line_capped(reader: &mut impl BufRead, limit: u64) -> std::io::Result<Line> {
    Ok(read_line_counted(reader, limit)?.0)
}

/// [`read_line_capped`], with the number of bytes it took: the line and its line end.
fn read_line_counted(reader: &mut impl BufRead, limit: u64) -> std::io::Result<(Line, u64)> {
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
            return Ok((if too_long { Line::TooLong(length) } else { Line::Bytes(line) }, length + 1));
        }
    }
    let line = if too_long {
        Line::TooLong(length)
    } else if length == 0 {
        Line::End
    } else {
        Line::Bytes(line)
    };
    Ok((line, length))
}

/// Reads past the end of the current line, holding none of it: how many bytes that took
/// (its line end included), and whether a line end was found before the end of the input.
fn skip_line(reader: &mut impl BufRead) -> std::io::Result<(u64, bool)> {
    let mut skipped = 0;
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok((skipped, false));
        }
        let (done, ended) = match memchr::memchr(b'\n', buffer) {
            Some(i) => (i + 1, true),
            None => (buffer.len(), false),
        };
        reader.consume(done);
        skipped += done as u64;
        if ended {
            return Ok((skipped, true));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a reader gives, as text to compare.
    fn describe(unit: Unit) -> String {
        match unit {
            Unit::Row { file, line, bytes } => format!("row {file}:{line} {}", String::from_utf8_lossy(&bytes)),
            Unit::Document { file, .. } => format!("document {file}"),
            Unit::Problem(p) => format!("problem {}:{:?} {}", p.path, p.line, p.message),
        }
    }

    /// Every unit of the inputs as one reader reads them, with its position, and the
    /// bytes read.
    fn alone(inputs: &Inputs, options: &IngestOptions) -> (Vec<(Position, String)>, u64) {
        let mut reader = Reader::new(inputs, options);
        let mut units = Vec::new();
        while let Some(unit) = reader.next() {
            units.push((reader.position, describe(unit)));
        }
        (units, reader.read)
    }

    /// Every unit as `peers` readers read them together, each counting the line ends of
    /// its ranges first, put back in order by position; and the bytes they read.
    fn together(inputs: &Inputs, options: &IngestOptions, peers: usize) -> (Vec<(Position, String)>, u64) {
        let cuts = cuts(inputs);
        let counts: Vec<Vec<u64>> = cuts
            .iter()
            .map(|cut| {
                let path = &inputs.files[cut.file].path;
                (0..peers).map(|i| line_ends(path, cut.range(i, peers)).unwrap()).collect()
            })
            .collect();
        let (mut units, mut read) = (Vec::new(), 0);
        for index in 0..peers {
            let parts = cuts.iter().zip(&counts).map(|(cut, ends)| (cut.file, cut.part(index, peers, ends))).collect();
            let mut share = Reader::share(inputs, options, parts, index, peers);
            units.extend(share.by_ref().map(|(at, unit)| (at, describe(unit))));
            read += share.read();
        }
        units.sort();
        (units, read)
    }

    /// Rows of many lengths: blank and white-space lines, rows over the size limit, and
    /// a last row with no line end when `open_end`.
    fn rows(seed: u64, count: usize, open_end: bool) -> String {
        let mut state = seed;
        let mut next = move || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        let mut text = String::new();
        for n in 0..count {
            match next() % 20 {
                0 => text.push('\n'),
                1 => text.push_str("  \t\n"),
                2 => text.push_str(&format!("{{\"id\":\"r{n}\",\"text\":\"{}\"}}\n", "y".repeat(5000))),
                _ => text.push_str(&format!("{{\"id\":\"r{n}\",\"text\":\"{}\"}}\n", "x".repeat(next() % 1500))),
            }
        }
        if open_end {
            text.push_str("{\"id\":\"last\",\"text\":\"no line end\"}");
        }
        text
    }

    #[test]
    fn readers_sharing_the_inputs_read_every_unit_once_where_one_reader_reads_it() {
        let folder = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = folder.path().join(name);
            std::fs::write(&path, text).unwrap();
            path.display().to_string()
        };
        // Rows of exactly 1 KiB, so that some ranges start right at a row.
        let even: String =
            (0..400).map(|n| format!("{{\"id\":\"e{n:04}\",\"text\":\"{}\"}}\n", "z".repeat(1000))).collect();
        let paths = vec![
            write("a.jsonl", &rows(1, 700, false)),
            write("b.txt", "One article, as plain text.\n"),
            write("c.jsonl", &rows(2, 30, true)),
            folder.path().join("missing.jsonl").display().to_string(),
            write("d.jsonl", &rows(3, 900, true)),
            write("e.jsonl", &even),
            write("f.jsonl", ""),
        ];
        let options = IngestOptions { max_item_bytes: 4000, ..IngestOptions::default() };
        let inputs = discover(&paths, &options).unwrap();
        let cut: Vec<usize> = cuts(&inputs).iter().map(|c| c.file).collect();
        let names: Vec<&str> = cut.iter().map(|&f| inputs.files[f].display.rsplit('/').next().unwrap()).collect();
        assert_eq!(names, ["a.jsonl", "d.jsonl", "e.jsonl"], "the large JSON Lines files are cut");
        let whole = alone(&inputs, &options);
        assert!(whole.0.iter().any(|(_, u)| u.starts_with("problem") && u.contains("longer than")));
        assert!(whole.0.iter().any(|(_, u)| u.contains("no line end")));
        assert!(whole.0.windows(2).all(|w| w[0].0 < w[1].0), "positions follow reading order");
        for peers in [1, 2, 3, 4, 7, 50] {
            // Every unit once, and every byte read once: no reader reads another's.
            assert_eq!(together(&inputs, &options, peers), whole, "{peers} readers");
        }
    }

    #[test]
    fn a_file_cut_anywhere_in_three_is_read_whole_and_once() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("rows.jsonl");
        let text = "{\"a\":1}\n\n{\"b\":22}\n  \n{\"c\":333}\r\n{\"d\":4444}\n\n\n7\n{\"e\":5}";
        std::fs::write(&path, text).unwrap();
        let options = IngestOptions::default();
        let inputs = discover(&[path.display().to_string()], &options).unwrap();
        let (whole, _) = alone(&inputs, &options);
        assert_eq!(whole.len(), 6);
        let size = text.len() as u64;
        for first in 0..=size {
            for second in first..=size {
                let ranges = [0..first, first..second, second..size];
                let ends: Vec<u64> = ranges.iter().map(|r| line_ends(&path, r.clone()).unwrap()).collect();
                let mut units = Vec::new();
                for (index, range) in ranges.iter().enumerate() {
                    let part = Part { range: range.clone(), lines_before: ends[..index].iter().sum() };
                    let parts = HashMap::from([(0, part)]);
                    let share = Reader::share(&inputs, &options, parts, index, 3);
                    units.extend(share.map(|(at, unit)| (at, describe(unit))));
                }
                units.sort();
                assert_eq!(units, whole, "cut at bytes {first} and {second}");
            }
        }
    }
}
