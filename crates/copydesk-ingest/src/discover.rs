//! Finding the inputs: files and folders given, folders walked in sorted order, JSON Lines
//! manifests that name files, standard input spooled to a file; special files refused.

use super::*;

/// A file found by [`discover`], before files named by manifests and second ways to the
/// same file are left out.
pub(crate) struct Candidate {
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
pub(crate) fn read_once(found: Vec<Candidate>, options: &IngestOptions) -> Vec<InputFile> {
    let mut listed = HashSet::new();
    let mut manifests = HashSet::new();
    // A manifest is read through to its end: with no other candidate, what it names
    // leaves nothing out, and a single large file is not read a third time.
    let others = if found.len() > 1 { &found[..] } else { &[] };
    for candidate in others {
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
pub(crate) fn spool(reader: &mut impl Read, limit: u64) -> std::io::Result<Option<tempfile::NamedTempFile>> {
    let mut spool = tempfile::NamedTempFile::new()?;
    let copied = std::io::copy(&mut reader.take(limit + 1), &mut spool)?;
    Ok((copied <= limit).then_some(spool))
}

pub(crate) fn too_long_stream(limit: u64) -> String {
    format!(
        "input is longer than the {} limit for standard input and pipes ([ingest] max_stdin_bytes)",
        human_bytes(limit)
    )
}

pub(crate) fn spooled(spool: &tempfile::NamedTempFile, name: &str) -> Candidate {
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
pub(crate) fn folder_of(path: &Path) -> PathBuf {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf()
}

pub(crate) const NOT_REGULAR: &str = "not a regular file (a pipe, socket or device)";

#[cfg(unix)]
pub(crate) fn is_pipe(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_fifo()
}

#[cfg(not(unix))]
pub(crate) fn is_pipe(_meta: &std::fs::Metadata) -> bool {
    false
}

/// A folder given on the command line, being walked.
pub(crate) struct Walk<'a> {
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
pub(crate) fn manifest_listing(file: &InputFile, options: &IngestOptions) -> Vec<PathBuf> {
    let Ok(handle) = open_regular(&file.path) else { return Vec::new() };
    let mut reader = BufReader::with_capacity(1 << 16, handle);
    let Ok(head) = reader.fill_buf() else { return Vec::new() };
    let head = &head[..head.len().min(detect::SNIFF_BYTES)];
    if detect::detect(head) != Ok(InputFormat::JsonLines) {
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
