//! Opening files safely and naming what went wrong: regular files only, reads capped,
//! and problems said in words.

use super::*;

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

pub(crate) fn too_large(size: u64, limit: u64) -> String {
    format!("file of {} is larger than the {} limit for one item", human_bytes(size), human_bytes(limit))
}

/// Why a path could not be found, saying so when it is a symbolic link to nothing.
pub(crate) fn describe_missing(path: &Path, e: &std::io::Error) -> String {
    match std::fs::read_link(path) {
        Ok(target) if e.kind() == std::io::ErrorKind::NotFound => {
            format!("broken symbolic link (to {})", target.display())
        }
        _ => describe_io(e),
    }
}

pub(crate) fn describe_io(e: &std::io::Error) -> String {
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
