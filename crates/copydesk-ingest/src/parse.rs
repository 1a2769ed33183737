//! Turning a unit into items, on any thread: the format told by the content, the bytes
//! decoded, and the reader of the format (page, feed, JSON Lines row, text).

use super::*;

/// HTML pages read by the first pass, kept for the second so that each page's main text
/// is extracted once: extraction is most of the cost of reading a page. What is kept is
/// bounded by [`KEPT_BYTES`] of text; pages past it are read again.
#[derive(Debug, Default)]
pub(crate) struct Kept {
    pub(crate) pages: std::sync::Mutex<HashMap<usize, Parsed>>,
    pub(crate) bytes: std::sync::atomic::AtomicUsize,
}

/// The most text kept between the passes.
pub(crate) const KEPT_BYTES: usize = 256 * 1024 * 1024;

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
        Unit::Document { file, format: InputFormat::Html, .. } => Some(*file),
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
    if let Unit::Document { file, format: InputFormat::Html, .. } = &unit {
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

pub(crate) fn parse_unit(unit: Unit, inputs: &Inputs, options: &IngestOptions) -> Parsed {
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
                InputFormat::Html => encoding::Markup::Html,
                InputFormat::Feed if !bytes.trim_ascii_start().starts_with(b"{") => encoding::Markup::Xml,
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
                InputFormat::Feed => {
                    let content = encoding::declare_utf8(&content);
                    let read = feed::read_feed(content.as_bytes(), &input.display);
                    push_feed(&mut parsed, read, lossy, text_encoding);
                }
                InputFormat::Html => {
                    let page = html::read_page(&content, None);
                    if let Some(failure) = &page.failure {
                        parsed.problems.push(Problem::skipped(&input.display, None, failure.clone()));
                    } else {
                        let mut item = base;
                        page.apply(&mut item);
                        push_article(&mut parsed, text::complete(item, page.text, false), &input.display);
                    }
                }
                InputFormat::Text | InputFormat::JsonLines => {
                    let markdown = input.path.extension().is_some_and(|e| e == "md" || e == "markdown");
                    push_article(&mut parsed, text::complete(base, content, markdown), &input.display);
                }
            }
        }
    }
    parsed
}

pub(crate) fn push_feed(
    parsed: &mut Parsed,
    read: Result<feed::Feed, Problem>,
    lossy: bool,
    encoding: Option<TextEncoding>,
) {
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

pub(crate) fn push_article(parsed: &mut Parsed, item: Item, display: &str) {
    if item.text.trim().is_empty() {
        parsed.problems.push(Problem::skipped(display, None, "no article text"));
    } else {
        parsed.items.push(item);
    }
}

/// Why a file holding many NUL bytes is not read: text never holds them.
pub(crate) const BINARY_NUL: &str = "binary file (holds NUL bytes), not an article or feed";

/// A file in which one byte in this many or more is NUL is binary; fewer are removed.
pub(crate) const MAX_NUL_SHARE: usize = 100;

/// The warning for a text decoded lossily.
pub(crate) fn lossy_message(decoded: &encoding::Decoded) -> String {
    if decoded.encoding == "UTF-8" {
        "invalid UTF-8, decoded lossily (bad bytes became U+FFFD)".to_string()
    } else {
        format!("invalid {} ({}), decoded lossily (bad bytes became U+FFFD)", decoded.encoding, decoded.basis.as_str())
    }
}

impl encoding::Decoded {
    /// The encoding this text was decoded from, as an item records it.
    pub fn text_encoding(&self) -> TextEncoding {
        TextEncoding { name: self.encoding.to_string(), basis: self.basis.as_str().to_string() }
    }
}
