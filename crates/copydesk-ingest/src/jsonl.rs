//! JSON Lines rows: one article per row, given by `text`, `html` or a `path` to a file
//! beside the JSON Lines file (which makes it a manifest for a folder of files).

use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

use super::{html, read_capped, text, IngestOptions};
use crate::model::{Item, Location, Problem};
use crate::util::parse_timestamp;

#[derive(Debug, Deserialize)]
struct Row {
    id: Option<serde_json::Value>,
    source: Option<String>,
    url: Option<String>,
    title: Option<String>,
    published: Option<String>,
    author: Option<String>,
    text: Option<String>,
    html: Option<String>,
    path: Option<String>,
}

/// Reads one row. `folder` is the folder its `path` is relative to, `line` counts from 1.
/// Caveats that do not stop the row from being read (a lossy decoding, a date that does
/// not parse) go to `warnings`.
pub fn read_row(
    bytes: &[u8],
    folder: &Path,
    display: &str,
    line: usize,
    options: &IngestOptions,
    warnings: &mut Vec<Problem>,
) -> Result<Item, Problem> {
    let problem = |message: String| Problem::skipped(display, Some(line), message);
    let (row, lossy) = parse_row(bytes).map_err(|e| problem(format!("not a JSON object: {e}")))?;
    if lossy {
        warnings.push(Problem::warning(
            display,
            Some(line),
            "invalid UTF-8, decoded lossily (bad bytes became U+FFFD)",
        ));
    }
    let id = match &row.id {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => row.path.clone().unwrap_or_else(|| format!("{display}:{line}")),
    };
    let mut item = Item {
        id,
        location: Some(Location { path: display.to_string(), line: Some(line) }),
        source: row.source.filter(|s| !s.trim().is_empty()),
        url: row.url.filter(|s| !s.trim().is_empty()),
        title: row.title.filter(|s| !s.trim().is_empty()),
        author: row.author.filter(|s| !s.trim().is_empty()),
        lossy_utf8: lossy,
        ..Item::default()
    };
    if let Some(published) = row.published.as_deref().filter(|p| !p.trim().is_empty()) {
        // A bad date must not keep the article from being screened: it is read undated.
        item.published = parse_timestamp(published);
        if item.published.is_none() {
            warnings.push(Problem::warning(
                display,
                Some(line),
                format!("`published` is {published:?}: expected YYYY-MM-DD, RFC 3339 or RFC 2822; read without it"),
            ));
        }
    }
    let (body, markdown) = if let Some(text) = row.text {
        (text, false)
    } else if let Some(markup) = row.html {
        let page = html::read_page(&markup, item.url.as_deref());
        if let Some(failure) = page.failure.clone() {
            return Err(problem(failure));
        }
        page.apply(&mut item);
        (page.text, false)
    } else if let Some(relative) = row.path {
        let file = resolve(folder, &relative, options.allow_outside_paths).map_err(problem)?;
        item.location = Some(Location { path: folder.join(&relative).display().to_string(), line: None });
        let decoded =
            read_capped(&file, options.max_item_bytes).map_err(|e| problem(format!("`path` {relative:?}: {e}")))?;
        if let Some(warning) = &decoded.overruled {
            warnings.push(Problem::warning(display, Some(line), format!("`path` {relative:?}: {warning}")));
        }
        if decoded.lossy {
            item.lossy_utf8 = true;
            warnings.push(Problem::warning(
                display,
                Some(line),
                format!("`path` {relative:?}: {}", super::lossy_message(&decoded)),
            ));
        }
        item.encoding = Some(decoded.text_encoding());
        let content = decoded.text;
        let markdown = file.extension().is_some_and(|e| e == "md" || e == "markdown");
        if content.trim_start().starts_with('<') {
            let page = html::read_page(&content, item.url.as_deref());
            if let Some(failure) = page.failure.clone() {
                return Err(problem(format!("`path` {relative:?}: {failure}")));
            }
            page.apply(&mut item);
            (page.text, false)
        } else {
            (content, markdown)
        }
    } else {
        return Err(problem("row has none of `text`, `html` or `path`".into()));
    };
    if body.trim().is_empty() {
        return Err(problem("empty article text".into()));
    }
    Ok(text::complete(item, body, markdown))
}

/// Parses a row, decoding invalid UTF-8 lossily (and saying whether it had to) and
/// ignoring a byte order mark.
fn parse_row(bytes: &[u8]) -> serde_json::Result<(Row, bool)> {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((serde_json::from_str(text)?, false)),
        Err(_) => Ok((serde_json::from_str(&String::from_utf8_lossy(bytes))?, true)),
    }
}

/// The file a manifest row names: relative to `folder`, the manifest's folder, and inside
/// it unless outside paths are allowed.
pub fn resolve(folder: &Path, relative: &str, allow_outside: bool) -> Result<PathBuf, String> {
    let given = Path::new(relative);
    if !allow_outside {
        if given.is_absolute() || given.has_root() {
            return Err(format!("`path` {relative:?} is absolute; manifest paths must stay inside the manifest's folder (--allow-outside-paths to permit)"));
        }
        if given.components().any(|c| matches!(c, Component::ParentDir | Component::Prefix(_))) {
            return Err(format!("`path` {relative:?} leaves the manifest's folder (--allow-outside-paths to permit)"));
        }
    }
    let file = folder.join(given);
    if !allow_outside {
        // A symbolic link inside the folder may still point outside it.
        let (Ok(real_folder), Ok(real_file)) = (folder.canonicalize(), file.canonicalize()) else {
            return Err(format!("`path` {relative:?}: no such file"));
        };
        if !real_file.starts_with(&real_folder) {
            return Err(format!(
                "`path` {relative:?} resolves outside the manifest's folder (--allow-outside-paths to permit)"
            ));
        }
        // Open the path that was checked, not one a link could change in between.
        return Ok(real_file);
    }
    Ok(file)
}

/// The real path of the file a manifest row names, if it names one, for leaving it out of
/// a folder walk. Unreadable or malformed rows are reported when the manifest is read.
pub fn listed_file(row: &[u8], folder: &Path, allow_outside: bool) -> Option<PathBuf> {
    let relative = parse_row(row).ok()?.0.path?;
    resolve(folder, &relative, allow_outside).ok()?.canonicalize().ok()
}
