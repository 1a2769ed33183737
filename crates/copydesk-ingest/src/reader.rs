//! Cutting the inputs into units, in order and streaming: a whole file, or one JSON Lines
//! row, each read within the size cap.

use super::*;

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
            Ok(InputFormat::JsonLines) if detect::has_wide_bom(&head) => {
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
            Ok(InputFormat::JsonLines) => {
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

pub(crate) enum Line {
    Bytes(Vec<u8>),
    TooLong(u64),
    End,
}

/// Reads one line without ever holding more than `limit` bytes of it.
pub(crate) fn read_line_capped(reader: &mut impl BufRead, limit: u64) -> std::io::Result<Line> {
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
