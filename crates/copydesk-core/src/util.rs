//! Small helpers shared by several stages.

use chrono::{DateTime, FixedOffset};

/// A 64-bit finaliser (splitmix64): spreads the bits of `x` over the whole word.
#[inline]
pub fn mix64(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Hashes bytes with xxh3, the one general-purpose hash of the project.
#[inline]
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Parses a timestamp as feeds, manifests and web pages write it; see [`read_timestamp`]
/// for the forms read. A value without a time of day is read as midnight UTC.
pub fn parse_timestamp(value: &str) -> Option<DateTime<FixedOffset>> {
    read_timestamp(value).map(|t| t.at)
}

/// A point in time read from a written value, and whether the value gave its time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    pub at: DateTime<FixedOffset>,
    /// False when the value was a date alone, read as midnight UTC.
    pub has_time: bool,
}

/// Reads a timestamp leniently. Besides RFC 3339 and RFC 2822 it takes the forms found in
/// the wild: `T` or a space between date and time, slashes or dots between the parts of a
/// date (`2020/03/12`; `12.03.2020` day first; `03/12/2020` month first unless the first
/// number cannot be a month), compact `20201203`, times without seconds or with fractional
/// seconds, `AM`/`PM`, offsets as `+03:00`, `+0300` or `+03`, the suffixes `Z`, `UTC` and
/// `GMT` and the common North American and European zone names, and English month names
/// with or without a weekday (`Sat, Dec 16 2023 02:02:33 PM`, `December 16, 2023`,
/// `16 Dec 2023 14:00`). A value without an offset is read as UTC; anything after the
/// timestamp is ignored.
pub fn read_timestamp(value: &str) -> Option<Timestamp> {
    read_timestamp_with(value, false)
}

/// Reads a timestamp as [`read_timestamp`] does, but with `day_first` reads `03/12/2020`
/// day first, as most of the world writes it, unless the second number cannot be a month.
pub fn read_timestamp_with(value: &str, day_first: bool) -> Option<Timestamp> {
    let value = value.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        return Some(Timestamp { at, has_time: true });
    }
    if let Ok(at) = DateTime::parse_from_rfc2822(value) {
        return Some(Timestamp { at, has_time: true });
    }
    stamp::read(&stamp::tokens(value), day_first)
}

/// The pieces of the lenient timestamp reader: a tokenizer and a small recursive reader.
mod stamp {
    use super::Timestamp;
    use chrono::{FixedOffset, NaiveDate, NaiveTime, TimeZone};

    #[derive(Debug, Clone, PartialEq)]
    pub(super) enum Token {
        /// A run of digits: its value (saturated) and its length.
        Num(u32, usize),
        /// A run of letters, in lower case; dots inside it are kept (`a.m.`).
        Word(String),
        /// One other character; a run of white space becomes one `' '`.
        Punct(char),
    }
    use Token::{Num, Punct, Word};

    pub(super) fn tokens(value: &str) -> Vec<Token> {
        let mut out = Vec::new();
        let mut chars = value.chars().peekable();
        while let Some(&c) = chars.peek() {
            if c.is_ascii_digit() {
                let (mut n, mut len) = (0u32, 0usize);
                while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                    n = n.saturating_mul(10).saturating_add(d);
                    len += 1;
                    chars.next();
                }
                out.push(Num(n, len));
            } else if c.is_alphabetic() {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    // A dot after a single letter belongs to it: `a.m.`, `p.m.`.
                    let dotted = c == '.' && word.chars().last().is_some_and(|l| l.is_alphabetic()) && word.len() <= 3;
                    if c.is_alphabetic() || dotted && word.starts_with(['a', 'p']) && word.len() < 4 {
                        word.extend(c.to_lowercase());
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push(Word(word));
            } else if c.is_whitespace() {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                out.push(Punct(' '));
            } else {
                out.push(Punct(c));
                chars.next();
            }
        }
        out
    }

    /// A cursor over the tokens.
    struct Cursor<'a> {
        tokens: &'a [Token],
        at: usize,
    }

    impl Cursor<'_> {
        fn peek(&self) -> Option<&Token> {
            self.tokens.get(self.at)
        }

        fn advance(&mut self) {
            self.at += 1;
        }

        fn num(&mut self, lengths: std::ops::RangeInclusive<usize>) -> Option<u32> {
            match self.peek() {
                Some(Num(n, len)) if lengths.contains(len) => {
                    let n = *n;
                    self.at += 1;
                    Some(n)
                }
                _ => None,
            }
        }

        fn punct(&mut self, wanted: &[char]) -> Option<char> {
            match self.peek() {
                Some(Punct(c)) if wanted.contains(c) => {
                    let c = *c;
                    self.at += 1;
                    Some(c)
                }
                _ => None,
            }
        }

        fn spaces(&mut self) {
            while self.punct(&[' ']).is_some() {}
        }

        /// Skips spaces and the given separators.
        fn skip(&mut self, separators: &[char]) {
            while self.punct(&[' ']).or_else(|| self.punct(separators)).is_some() {}
        }

        fn word(&self) -> Option<&str> {
            match self.peek() {
                Some(Word(w)) => Some(w.as_str()),
                _ => None,
            }
        }
    }

    /// The month an English month name or its abbreviation names.
    pub(super) fn month_name(word: &str) -> Option<u32> {
        crate::date::calendar::month_number(word)
    }

    fn weekday(word: &str) -> bool {
        const DAYS: [&str; 7] = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
        let word = word.trim_end_matches('.');
        word.len() >= 3 && DAYS.iter().any(|day| day.starts_with(word))
    }

    pub(super) fn read(tokens: &[Token], day_first: bool) -> Option<Timestamp> {
        let mut c = Cursor { tokens, at: 0 };
        c.spaces();
        if c.word().is_some_and(weekday) {
            c.advance();
            c.skip(&[',']);
        }
        let (date, mut time, mut offset) = date(&mut c, day_first)?;
        if time.is_none() {
            let before = c.at;
            c.skip(&[',', '-', '|', '@']);
            if c.word().is_some_and(|w| matches!(w, "t" | "at" | "um" | "à" | "a")) {
                c.advance();
                c.spaces();
            }
            time = clock(&mut c);
            if time.is_none() {
                c.at = before;
            }
        }
        let Some(time) = time else {
            let at = FixedOffset::east_opt(0)?.from_utc_datetime(&date.and_hms_opt(0, 0, 0)?);
            return Some(Timestamp { at, has_time: false });
        };
        if offset.is_none() {
            c.spaces();
            offset = zone(&mut c);
        }
        let zone = FixedOffset::east_opt(offset.unwrap_or(0))?;
        let at = zone.from_local_datetime(&date.and_time(time)).single()?;
        Some(Timestamp { at, has_time: true })
    }

    type Parts = (NaiveDate, Option<NaiveTime>, Option<i32>);

    /// Reads the date, and the time and zone when they sit inside it (asctime puts the year
    /// last) or are glued to a compact date.
    fn date(c: &mut Cursor, day_first: bool) -> Option<Parts> {
        let start = c.at;
        // Year first: 2020-03-12, 2020/03/12, 2020.03.12.
        if let Some(year) = c.num(4..=4) {
            let sep = c.punct(&['-', '/', '.'])?;
            let month = c.num(1..=2)?;
            c.punct(&[sep])?;
            let day = c.num(1..=2)?;
            return Some((NaiveDate::from_ymd_opt(year as i32, month, day)?, None, None));
        }
        // Compact: 20200312, 20200312T101500.
        if let Some(n) = c.num(8..=8) {
            let date = NaiveDate::from_ymd_opt((n / 10000) as i32, n / 100 % 100, n % 100)?;
            let mut time = None;
            if c.word() == Some("t") {
                c.advance();
                if let Some(&Num(t, len @ (4 | 6))) = c.peek() {
                    c.advance();
                    let (h, m, s) = if len == 4 { (t / 100, t % 100, 0) } else { (t / 10000, t / 100 % 100, t % 100) };
                    time = NaiveTime::from_hms_opt(h, m, s);
                }
            }
            return Some((date, time, None));
        }
        // Day or month first: 12.03.2020, 12-03-2020, 03/12/2020.
        if let Some(first) = c.num(1..=2) {
            if let Some(sep) = c.punct(&['-', '/', '.']) {
                if let Some(second) = c.num(1..=2) {
                    c.punct(&[sep])?;
                    let year = c.num(4..=4)? as i32;
                    let month_first = sep == '/' && !day_first && first <= 12 || second > 12;
                    let (month, day) = if month_first { (first, second) } else { (second, first) };
                    let date = NaiveDate::from_ymd_opt(year, month, day)?;
                    return Some((date, None, None));
                }
            }
            c.at = start;
        }
        // Month name first: Dec 16 2023, December 16, 2023, Dec 16 14:00:00 UTC 2023.
        if let Some(month) = c.word().and_then(month_name) {
            c.advance();
            c.skip(&['.', ',']);
            let day = c.num(1..=2)?;
            if c.word().is_some_and(|w| matches!(w, "st" | "nd" | "rd" | "th")) {
                c.advance();
            }
            c.skip(&[',']);
            if let Some(year) = c.num(4..=4) {
                return Some((NaiveDate::from_ymd_opt(year as i32, month, day)?, None, None));
            }
            let time = clock(c)?;
            c.spaces();
            let offset = zone(c);
            c.spaces();
            let year = c.num(4..=4)?;
            return Some((NaiveDate::from_ymd_opt(year as i32, month, day)?, Some(time), offset));
        }
        // Day first with a month name: 16 Dec 2023, 16. December 2023, 16-Dec-2023.
        let day = c.num(1..=2)?;
        c.skip(&['.', '-']);
        let month = c.word().and_then(month_name)?;
        c.advance();
        c.skip(&['.', ',', '-']);
        let year = c.num(4..=4)?;
        Some((NaiveDate::from_ymd_opt(year as i32, month, day)?, None, None))
    }

    /// Reads a time of day: `14:30`, `14:30:05`, `14:30:05.123`, `2:30 PM`, `14h30`.
    fn clock(c: &mut Cursor) -> Option<NaiveTime> {
        let start = c.at;
        let mut hour = c.num(1..=2)?;
        let separated = c.punct(&[':']).is_some()
            || c.word() == Some("h") && {
                c.advance();
                true
            };
        let Some(minute) = separated.then(|| c.num(2..=2)).flatten() else {
            c.at = start;
            return None;
        };
        let mut second = 0;
        if c.punct(&[':']).is_some() {
            second = c.num(2..=2)?.min(59);
            if c.punct(&['.', ',']).is_some() {
                c.num(1..=12)?;
            }
        }
        let before = c.at;
        c.spaces();
        match c.word() {
            Some("am" | "a.m.") if (1..=12).contains(&hour) => {
                c.advance();
                hour %= 12;
            }
            Some("pm" | "p.m.") if (1..=12).contains(&hour) => {
                c.advance();
                hour = hour % 12 + 12;
            }
            _ => c.at = before,
        }
        NaiveTime::from_hms_opt(hour, minute, second)
    }

    /// Reads a zone name alone; its offset in seconds.
    fn zone_name(c: &mut Cursor) -> Option<i32> {
        let hours = match c.word()? {
            "z" | "utc" | "gmt" | "ut" | "wet" => 0,
            "est" => -5,
            "edt" => -4,
            "cst" => -6,
            "cdt" => -5,
            "mst" => -7,
            "mdt" => -6,
            "pst" => -8,
            "pdt" => -7,
            "bst" | "cet" | "west" | "mez" => 1,
            "cest" | "eet" | "mesz" => 2,
            "eest" | "msk" => 3,
            _ => return None,
        };
        c.advance();
        Some(hours * 3600)
    }

    /// Reads a zone: a name, `+03:00`, `+0300`, `+03`, or `GMT+2`; its offset in seconds.
    fn zone(c: &mut Cursor) -> Option<i32> {
        let named = zone_name(c);
        let start = c.at;
        let Some(sign) = c.punct(&['+', '-', '\u{2212}']) else { return named };
        let sign = if sign == '+' { 1 } else { -1 };
        let (hours, minutes) = match c.peek() {
            Some(&Num(n, 4)) => {
                c.advance();
                (n / 100, n % 100)
            }
            Some(&Num(h, 1 | 2)) => {
                c.advance();
                let m = if c.punct(&[':']).is_some() { c.num(2..=2).unwrap_or(0) } else { 0 };
                (h, m)
            }
            _ => (99, 0),
        };
        if hours > 14 || minutes > 59 {
            c.at = start;
            return named;
        }
        Some(named.unwrap_or(0) + sign * (hours * 3600 + minutes * 60) as i32)
    }
}

/// The maximal runs of bytes that `part` takes, in order, as ranges of `bytes`: the words
/// of ASCII text, say, found without decoding characters.
///
/// The bytes are read a block of 64 at a time into a mask (a bit a byte, set where `part`
/// takes it; see `run_mask`); a run's start and end are the next set and unset bits of
/// the masks. That is twice as fast as reading a byte at a
/// time, where the end of every word is a branch the processor cannot foresee.
pub fn byte_runs<'a>(
    bytes: &'a [u8],
    part: impl Fn(u8) -> bool + 'a,
) -> impl Iterator<Item = std::ops::Range<usize>> + 'a {
    let blocks = bytes.len().div_ceil(RUN_BLOCK);
    let mut block = 0;
    // The mask of the block, and its bits not yet passed.
    let mut taken = run_mask(bytes, 0, &part);
    let mut ahead = taken;
    std::iter::from_fn(move || {
        while ahead == 0 {
            block += 1;
            if block >= blocks {
                return None;
            }
            taken = run_mask(bytes, block, &part);
            ahead = taken;
        }
        let start = block * RUN_BLOCK + ahead.trailing_zeros() as usize;
        // The run ends at the first byte not taken after its start.
        let mut left = !taken & (u64::MAX << (start % RUN_BLOCK));
        while left == 0 {
            block += 1;
            if block >= blocks {
                ahead = 0;
                return Some(start..bytes.len());
            }
            taken = run_mask(bytes, block, &part);
            left = !taken;
        }
        let end = left.trailing_zeros() as usize;
        ahead = taken & (u64::MAX << end);
        Some(start..(block * RUN_BLOCK + end).min(bytes.len()))
    })
}

/// The lines of a text, as [`str::lines`] gives them (a line feed ends a line, and a
/// carriage return before it is dropped; a last line feed opens no empty line), found
/// with the vector search of `memchr`.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text).filter(|t| !t.is_empty());
    std::iter::from_fn(move || {
        let current = rest?;
        let line = match memchr::memchr(b'\n', current.as_bytes()) {
            Some(end) => {
                rest = Some(&current[end + 1..]).filter(|r| !r.is_empty());
                let line = &current[..end];
                line.strip_suffix('\r').unwrap_or(line)
            }
            None => {
                rest = None;
                current
            }
        };
        Some(line)
    })
}

/// Whether `bytes` hold an ASCII digit: 64 bytes at a time, each block tested whole in
/// vector lanes, where stopping at the first digit would read a byte at a time.
pub fn has_ascii_digit(bytes: &[u8]) -> bool {
    bytes.chunks(RUN_BLOCK).any(|block| block.iter().fold(false, |found, b| found | b.is_ascii_digit()))
}

/// A text cut into lines once, with its copy in ASCII lower case, for the per-item stages
/// that read its lines or search it for lower-case words: the copy keeps every byte
/// offset, so a line of the copy is where the line stands in the text.
#[derive(Debug)]
pub struct TextLines<'t> {
    text: &'t str,
    lines: Vec<&'t str>,
    lowered: String,
}

impl<'t> TextLines<'t> {
    pub fn new(text: &'t str) -> TextLines<'t> {
        TextLines { text, lines: lines(text).collect(), lowered: text.to_ascii_lowercase() }
    }

    /// The text.
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// The lines, as [`lines`] cuts them.
    pub fn lines(&self) -> &[&'t str] {
        &self.lines
    }

    /// The text in ASCII lower case.
    pub fn lowered(&self) -> &str {
        &self.lowered
    }

    /// Line `index` in ASCII lower case.
    pub fn lowered_line(&self, index: usize) -> &str {
        let Some(line) = self.lines.get(index) else { return "" };
        let start = self.start_of(line);
        self.lowered.get(start..start + line.len()).unwrap_or("")
    }

    /// The lines in ASCII lower case.
    pub fn lowered_lines(&self) -> Vec<&str> {
        (0..self.lines.len()).map(|index| self.lowered_line(index)).collect()
    }

    /// The line a byte offset of the text falls on (the last line, past the end).
    pub fn line_at(&self, at: usize) -> usize {
        self.lines.partition_point(|line| self.start_of(line) <= at).saturating_sub(1)
    }

    /// The lines, each with where it starts in the text.
    pub fn placed_lines(&self) -> impl Iterator<Item = (usize, &'t str)> + '_ {
        self.lines.iter().map(|line| (self.start_of(line), *line))
    }

    /// Where one of the lines starts in the text.
    fn start_of(&self, line: &str) -> usize {
        line.as_ptr() as usize - self.text.as_ptr() as usize
    }
}

/// The bytes [`byte_runs`] reads at a time.
const RUN_BLOCK: usize = 64;

/// The mask of block `block` of `bytes`: bit `i` set where `part` takes its byte `i`.
/// Bits past the end of the bytes are unset.
fn run_mask(bytes: &[u8], block: usize, part: &impl Fn(u8) -> bool) -> u64 {
    let start = block * RUN_BLOCK;
    match bytes.get(start..start + RUN_BLOCK) {
        Some(whole) => {
            // A lane a byte, 0 or 1, which the compiler computes in vector lanes; then each
            // 8 lanes, read as one word, are gathered into 8 bits by one multiplication:
            // the factor's byte `j` is `1 << (7 - j)`, so lane `i` lands on bit `56 + i`
            // alone, and no two products meet. Twice as fast as or-ing each lane's bit into
            // the mask, which the compiler vectorizes into a long chain of shuffles.
            let mut lanes = [0u8; RUN_BLOCK];
            for (lane, &b) in lanes.iter_mut().zip(whole) {
                *lane = u8::from(part(b));
            }
            lanes.chunks_exact(8).enumerate().fold(0, |mask, (k, eight)| {
                let word = u64::from_le_bytes(eight.try_into().unwrap_or_default());
                mask | (word.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k)
            })
        }
        None => {
            bytes.get(start..).unwrap_or(&[]).iter().enumerate().fold(0, |mask, (i, &b)| mask | u64::from(part(b)) << i)
        }
    }
}

/// How many words `text` splits into at white space, as `text.split_whitespace().count()`
/// says: where the text is ASCII, by counting the bytes that begin a word, in vector lanes.
pub fn word_count(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    // The ASCII characters that `char::is_whitespace` holds to be white space.
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r');
    let bytes = text.as_bytes();
    let mut count = usize::from(bytes.first().is_some_and(|&b| !space(b)));
    // A word starts where a space comes before a word byte. The pairs of neighbouring
    // bytes are counted a block at a time in byte lanes, which 255 pairs cannot overflow.
    let mut start = 0;
    while start + 1 < bytes.len() {
        let block = &bytes[start..bytes.len().min(start + 256)];
        let starts = block.iter().zip(&block[1..]).fold(0u8, |n, (&a, &b)| n + u8::from(space(a) & !space(b)));
        count += usize::from(starts);
        start += block.len() - 1;
    }
    count
}

/// Shortens `text` to at most `max` characters, marking the cut with an ellipsis.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_runs_are_the_maximal_runs_in_order() {
        fn runs(text: &str) -> Vec<&str> {
            byte_runs(text.as_bytes(), |b| b.is_ascii_alphabetic()).map(|r| &text[r]).collect()
        }
        assert_eq!(runs(""), Vec::<&str>::new());
        assert_eq!(runs("--"), Vec::<&str>::new());
        assert_eq!(runs("a"), ["a"]);
        assert_eq!(runs(" Ab, cd9ef "), ["Ab", "cd", "ef"]);
        assert_eq!(runs("tail"), ["tail"]);
    }

    #[test]
    fn lines_are_those_of_str_lines() {
        let texts = [
            "",
            "\n",
            "\n\n",
            "a",
            "a\n",
            "a\nb",
            "a\r\nb\r\n",
            "a\r",
            "a\r\r\n",
            "\r\n",
            "\r",
            "a\n\nb\n\n\n",
            "é\r\nü",
        ];
        for text in texts {
            assert_eq!(lines(text).collect::<Vec<_>>(), text.lines().collect::<Vec<_>>(), "{text:?}");
        }
    }

    #[test]
    fn a_digit_is_found_wherever_it_stands() {
        for length in [0, 1, 63, 64, 65, 130] {
            let mut bytes = vec![b'a'; length];
            assert!(!has_ascii_digit(&bytes));
            for at in 0..length {
                bytes[at] = b'7';
                assert!(has_ascii_digit(&bytes), "{length} {at}");
                bytes[at] = b'a';
            }
        }
        assert!(!has_ascii_digit("٣ ³ Ⅻ /:".as_bytes()));
    }

    #[test]
    fn byte_runs_across_blocks_are_those_of_a_byte_by_byte_reading() {
        fn one_by_one(bytes: &[u8], part: impl Fn(u8) -> bool) -> Vec<std::ops::Range<usize>> {
            let (mut runs, mut at) = (Vec::new(), 0);
            while at < bytes.len() {
                at += bytes[at..].iter().take_while(|&&b| !part(b)).count();
                let start = at;
                at += bytes[at..].iter().take_while(|&&b| part(b)).count();
                if at > start {
                    runs.push(start..at);
                }
            }
            runs
        }
        let mut texts: Vec<String> = Vec::new();
        for length in [0, 1, 31, 32, 33, 63, 64, 65, 127, 128, 129, 200] {
            texts.push("x".repeat(length));
            texts.push(" ".repeat(length));
            texts.push(format!("{} {}", "y".repeat(length), "z".repeat(length)));
            texts.push(format!("{}ab", " ".repeat(length)));
        }
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..50 {
            let text: String = (0..300)
                .map(|_| {
                    state = mix64(state);
                    ['a', 'b', ' ', '.', 'é', '9'][(state % 6) as usize]
                })
                .collect();
            texts.push(text);
        }
        for text in &texts {
            let bytes = text.as_bytes();
            let letters = |b: u8| b.is_ascii_alphabetic();
            assert_eq!(byte_runs(bytes, letters).collect::<Vec<_>>(), one_by_one(bytes, letters), "{text:?}");
            let not_space = |b: u8| b != b' ';
            assert_eq!(byte_runs(bytes, not_space).collect::<Vec<_>>(), one_by_one(bytes, not_space), "{text:?}");
        }
    }

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for text in [
            "",
            " ",
            "one",
            "  two  words ",
            "tab\tvertical\x0btab\x0cfeed\r\nline",
            "no-break\u{a0}space and next\u{85}line",
            "\u{2003}em space\u{3000}ideographic",
            "ascii\x1funit separator",
        ] {
            assert_eq!(word_count(text), text.split_whitespace().count(), "{text:?}");
        }
        // Long texts, counted in blocks: words that cross every block boundary.
        let long: String = (0..1_000).map(|i| if i % 7 == 0 || i % 11 == 0 { ' ' } else { 'x' }).collect();
        for start in 0..20 {
            let text = &long[start..];
            assert_eq!(word_count(text), text.split_whitespace().count(), "from {start}");
        }
    }

    #[test]
    fn parses_the_usual_date_forms() {
        for value in [
            "2024-11-22",
            "2024-11-22T10:00:00Z",
            "2024-11-22T10:00:00+02:00",
            "Fri, 22 Nov 2024 10:00:00 GMT",
            "2024-11-22 10:00",
        ] {
            let t = parse_timestamp(value).expect(value);
            assert_eq!(t.date_naive().to_string(), "2024-11-22", "{value}");
        }
        assert!(parse_timestamp("yesterday").is_none());
    }

    #[test]
    fn reads_the_forms_found_on_pages_and_in_feeds() {
        for (value, expected, has_time) in [
            ("2024-11-22T10:00:00+0300", "2024-11-22T10:00:00+03:00", true),
            ("2024-11-22T10:00+03:00", "2024-11-22T10:00:00+03:00", true),
            ("2024-11-22 10:00:00 UTC", "2024-11-22T10:00:00+00:00", true),
            ("2024-11-22 10:00:00 +03", "2024-11-22T10:00:00+03:00", true),
            ("2024/11/22 10:00", "2024-11-22T10:00:00+00:00", true),
            ("2024-11-22T10:00:00.123456Z", "2024-11-22T10:00:00+00:00", true),
            ("2024-11-22T10:00:00.000-05:00", "2024-11-22T10:00:00-05:00", true),
            ("22.11.2024", "2024-11-22T00:00:00+00:00", false),
            ("11/22/2024", "2024-11-22T00:00:00+00:00", false),
            ("22/11/2024 08:15", "2024-11-22T08:15:00+00:00", true),
            ("20241122", "2024-11-22T00:00:00+00:00", false),
            ("20241122T101500", "2024-11-22T10:15:00+00:00", true),
            ("Sat, Dec 16 2023 02:02:33 PM", "2023-12-16T14:02:33+00:00", true),
            ("Saturday, December 16, 2023", "2023-12-16T00:00:00+00:00", false),
            ("16 Dec 2023 14:00 EST", "2023-12-16T14:00:00-05:00", true),
            ("Mon Dec 18 14:00:00 UTC 2023", "2023-12-18T14:00:00+00:00", true),
            ("Fri, 22 Nov 2024 10:00:00 GMT+0100", "2024-11-22T10:00:00+01:00", true),
            ("Nov. 22, 2024, 7:05 a.m.", "2024-11-22T07:05:00+00:00", true),
            ("2024-11-22, 12:00 am", "2024-11-22T00:00:00+00:00", true),
        ] {
            let t = read_timestamp(value).unwrap_or_else(|| panic!("{value} not read"));
            assert_eq!(t.at.format("%Y-%m-%dT%H:%M:%S%:z").to_string(), expected, "{value}");
            assert_eq!(t.has_time, has_time, "{value}");
        }
        let t = read_timestamp_with("10/05/2022 05:22 pm", true).map(|t| t.at.to_rfc3339());
        assert_eq!(t.as_deref(), Some("2022-05-10T17:22:00+00:00"));
        for value in ["", "2024-13-40", "32.11.2024", "soon", "12:30", "2024", "May 2024"] {
            assert!(read_timestamp(value).is_none(), "{value}");
        }
    }

    #[test]
    fn clip_marks_the_cut() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
    }
}

/// A hasher for keys that are already well-mixed 64-bit hashes: it passes them through.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = mix64(self.0 ^ u64::from(b));
        }
    }

    fn write_u64(&mut self, value: u64) {
        // Tuples of keys are folded, single keys pass through.
        self.0 = if self.0 == 0 { value } else { mix64(self.0 ^ value) };
    }

    fn write_u32(&mut self, value: u32) {
        self.write_u64(mix64(u64::from(value)));
    }
}

/// A hash map keyed by 64-bit hashes.
pub type KeyMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<KeyHasher>>;

/// The line (from 1) a byte offset of `text` falls on.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|b| **b == b'\n').count() + 1
}

/// The host of a URL, without `www.`.
pub fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?.split(':').next()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (!host.is_empty()).then_some(host)
}
