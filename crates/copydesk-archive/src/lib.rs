//! The archive: an embedded SQLite database that keeps every item copydesk has ingested
//! — its fingerprints, when it was first seen, its source and metadata — so that each new
//! feed is screened against history and source reports can cover weeks instead of one
//! run.
//!
//! The database holds, per item version, one row in `items` (the MinHash signature is one
//! BLOB of 4-byte positions, the paragraph hashes another), one row per LSH band key in
//! `bands` and one row per paragraph hash in `paragraphs`, both indexed by key. Screening
//! a new item therefore never scans the archive: its candidates come from one indexed
//! query per band key and per paragraph hash, and only those candidates are read and
//! measured with [`copydesk_core::relate::verify`]. The relations found at ingest are kept in
//! `relations`, which the per-source reports read; `feeds` keeps the validators of
//! conditional GET (ETag, Last-Modified) per feed URL.
//!
//! An archive is marked as such by SQLite's `application_id` and versioned by its
//! `user_version`; opening an archive of an older version upgrades it through the
//! migrations in [`schema`]. A file that is not an archive (random bytes, another
//! application's database) is refused with a clear error and never written to.
//!
//! Every ingest is one write transaction: a process killed half-way leaves the archive
//! as it was before. The journal is a write-ahead log, so readers never block the writer
//! and two ingests into one archive take turns.

pub mod schema;
pub mod screen;
pub mod sources;
mod story_index;
mod validators;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};

use copydesk_core::fingerprint::{Fingerprint, FingerprintOptions, ParagraphHash, SignerKind};
use copydesk_core::profile::Profile;
use copydesk_core::relate::{Banding, RelateOptions, StoryOptions};
use copydesk_core::score::ItemFacts;
use copydesk_core::util::{hash_bytes, mix64};

pub use copydesk_core::history::timestamp;
pub use screen::{Batch, FeedValidators, Ingest};

/// The file name of the default archive, inside the platform's data folder.
pub const FILE_NAME: &str = "archive.sqlite3";

/// The `application_id` that marks a copydesk archive ("CDSK").
pub const APPLICATION_ID: i32 = 0x4344_534b;

/// Settings of the archive that a configuration file may set (`[archive]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ArchiveConfig {
    /// Where the archive lives; relative paths are taken from the configuration file's
    /// folder. By default the platform's data folder (see [`default_path`]).
    pub path: Option<PathBuf>,
    /// How long a run waits for another run that is writing to the same archive.
    pub busy_timeout_seconds: u64,
    /// Memory for SQLite's page cache, in MiB.
    pub cache_mib: u64,
}

impl Default for ArchiveConfig {
    fn default() -> Self {
        ArchiveConfig { path: None, busy_timeout_seconds: 120, cache_mib: 64 }
    }
}

/// An error of the archive. Each stops the run: the archive is never left half-written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArchiveError {
    #[error("{path} is not a copydesk archive ({reason}); it was left untouched")]
    Foreign { path: PathBuf, reason: String },
    #[error(
        "{path} is an archive of schema version {found}, newer than this copydesk knows ({known}); \
         it was left untouched"
    )]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("no archive at {path} (copydesk ingest creates one)")]
    Missing { path: PathBuf },
    #[error(
        "{path} was built with {setting} = {archived}, but this run uses {current}; fingerprints made \
         with other settings cannot be compared (set [fingerprint] {setting} = {archived} or use another archive)"
    )]
    Settings { path: PathBuf, setting: &'static str, archived: String, current: String },
    #[error("archive {path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("archive {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("archive {path} is damaged ({problems}); nothing was stored (copydesk archive verify tells more)")]
    Corrupt { path: PathBuf, problems: String },
    #[error("archive {path}: stored item {item} cannot be read: {reason}")]
    Damaged { path: PathBuf, item: i64, reason: String },
}

pub type Result<T, E = ArchiveError> = std::result::Result<T, E>;

/// The archive path when neither `--archive` nor `[archive] path` names one:
/// `$XDG_DATA_HOME/copydesk/archive.sqlite3`, else
/// `~/.local/share/copydesk/archive.sqlite3` (on Windows, under `%LOCALAPPDATA%`).
pub fn default_path() -> Option<PathBuf> {
    let from_env = |name: &str| std::env::var_os(name).map(PathBuf::from).filter(|p| p.is_absolute());
    let data = from_env("XDG_DATA_HOME")
        .or_else(|| from_env("HOME").map(|home| home.join(".local").join("share")))
        .or_else(|| from_env("LOCALAPPDATA"))?;
    Some(data.join("copydesk").join(FILE_NAME))
}

/// The archive a run uses: the one named on the command line, else the configured one
/// (`[archive] path`, relative to the configuration file's folder), else [`default_path`].
pub fn resolve_path(
    explicit: Option<&Path>,
    configured: &ArchiveConfig,
    config_file: Option<&Path>,
) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_path_buf());
    }
    if let Some(path) = &configured.path {
        let base = config_file.and_then(Path::parent).unwrap_or_else(|| Path::new(""));
        return Some(if path.is_absolute() { path.clone() } else { base.join(path) });
    }
    default_path()
}

/// The fingerprint settings an archive was built with. Signatures and paragraph hashes
/// made with other settings cannot be compared, so a run with other settings is refused;
/// the LSH banding is the archive's own and stays as it was chosen at creation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub shingle_words: usize,
    pub minhash_hashes: usize,
    pub min_paragraph_words: usize,
    pub signer: String,
    pub banding: Banding,
}

impl Settings {
    /// The settings a new archive takes from the run's fingerprint and relate settings.
    pub fn of(f: &FingerprintOptions, r: &RelateOptions) -> Settings {
        Settings {
            shingle_words: f.shingle_words,
            minhash_hashes: f.minhash_hashes,
            min_paragraph_words: f.min_paragraph_words,
            signer: signer_name(f.signer).to_string(),
            banding: Banding::for_threshold(
                f.minhash_hashes,
                r.trimmed_jaccard.min(r.near_duplicate_jaccard),
                r.lsh_recall,
            ),
        }
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("shingle_words", self.shingle_words.to_string()),
            ("minhash_hashes", self.minhash_hashes.to_string()),
            ("min_paragraph_words", self.min_paragraph_words.to_string()),
            ("signer", self.signer.clone()),
            ("bands", self.banding.bands.to_string()),
            ("rows", self.banding.rows.to_string()),
        ]
    }
}

fn signer_name(kind: SignerKind) -> &'static str {
    match kind {
        SignerKind::OnePermutation => "one-permutation",
        SignerKind::Reference => "reference",
    }
}

/// An open archive.
pub struct Archive {
    conn: Connection,
    path: PathBuf,
    settings: Settings,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive").field("path", &self.path).field("settings", &self.settings).finish()
    }
}

/// What opening an archive takes: its own settings, and the fingerprint and relate
/// settings of the run (a new archive is built with them; an existing one must match).
#[derive(Debug, Clone, Copy)]
pub struct OpenSettings<'a> {
    pub archive: &'a ArchiveConfig,
    pub fingerprint: &'a FingerprintOptions,
    pub relate: &'a RelateOptions,
}

/// Whether [`Archive::open`] may create a new archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Create the archive (and its folder) when there is none.
    Create,
    /// The archive must exist.
    Existing,
    /// The archive must exist and is only read: nothing is written to it or beside it
    /// (no write-ahead log, no upgrade), so that it can be read from a read-only folder
    /// or mount.
    ReadOnly,
}

/// What SQLite's integrity check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integrity {
    /// `PRAGMA integrity_check` (every page, index and constraint) rather than the
    /// quicker `quick_check`.
    pub full: bool,
    /// The problems found; none when the archive is sound.
    pub problems: Vec<String>,
}

impl Archive {
    /// Opens the archive at `path`, creating it in [`Mode::Create`]. A file that is not a
    /// copydesk archive is refused before anything is written to it; an archive of an
    /// older schema is upgraded; a new archive takes its fingerprint settings from
    /// `settings`.
    pub fn open(path: &Path, mode: Mode, settings: OpenSettings<'_>) -> Result<Archive> {
        let exists = precheck(path, mode)?;
        if !exists {
            if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(folder)
                    .map_err(|source| ArchiveError::Io { path: folder.to_path_buf(), source })?;
            }
        }
        let sql = |source| ArchiveError::Sqlite { path: path.to_path_buf(), source };
        if mode == Mode::ReadOnly {
            return Archive::open_read_only(path, settings.archive);
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if mode == Mode::Create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let conn = Connection::open_with_flags(path, flags).map_err(sql)?;
        conn.busy_timeout(Duration::from_secs(settings.archive.busy_timeout_seconds)).map_err(sql)?;
        // Read the marker before anything else touches the file, and the tables with it, in
        // one read transaction: another process may be creating the archive, whose marker
        // and tables come in one transaction, between two reads.
        let (application_id, tables) = {
            let read = conn.unchecked_transaction().map_err(sql)?;
            let application_id: i32 = read
                .query_row("PRAGMA application_id", [], |row| row.get(0))
                .map_err(|e| foreign_or_sqlite(path, e))?;
            let tables = has_tables(&read).map_err(sql)?;
            read.commit().map_err(sql)?;
            (application_id, tables)
        };
        if application_id != APPLICATION_ID && application_id != 0 {
            return Err(ArchiveError::Foreign {
                path: path.to_path_buf(),
                reason: format!("an SQLite database of another application, application_id {application_id:#010x}"),
            });
        }
        if application_id == 0 && tables {
            return Err(ArchiveError::Foreign {
                path: path.to_path_buf(),
                reason: "an SQLite database without the copydesk archive marker".into(),
            });
        }
        schema_version(&conn, path)?;
        set_wal(&conn).map_err(sql)?;
        let cache = format!("PRAGMA cache_size = -{}", settings.archive.cache_mib.max(1) * 1024);
        for pragma in ["PRAGMA synchronous = NORMAL", &cache] {
            conn.query_row(pragma, [], |_| Ok(())).optional().map_err(sql)?;
        }
        let mut conn = conn;
        schema::migrate(&mut conn, path, &Settings::of(settings.fingerprint, settings.relate))?;
        let settings = schema::read_settings(&conn).map_err(sql)?;
        Ok(Archive { conn, path: path.to_path_buf(), settings })
    }

    /// Opens an existing archive read-only. In a folder where the write-ahead log's
    /// index cannot be created, the archive is opened as immutable (SQLite then takes no
    /// locks: nothing may write to it meanwhile, which a read-only folder ensures).
    fn open_read_only(path: &Path, config: &ArchiveConfig) -> Result<Archive> {
        let sql = |source| ArchiveError::Sqlite { path: path.to_path_buf(), source };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let readable = |conn: &Connection| conn.query_row("PRAGMA application_id", [], |row| row.get::<_, i32>(0));
        let conn = Connection::open_with_flags(path, flags).map_err(sql)?;
        let (conn, application_id) = match readable(&conn) {
            Ok(id) => (conn, id),
            Err(first) => {
                let uri =
                    immutable_uri(path).map_err(|source| ArchiveError::Io { path: path.to_path_buf(), source })?;
                let conn = Connection::open_with_flags(uri, flags).map_err(sql)?;
                match readable(&conn) {
                    Ok(id) => (conn, id),
                    Err(_) => return Err(foreign_or_sqlite(path, first)),
                }
            }
        };
        conn.busy_timeout(Duration::from_secs(config.busy_timeout_seconds)).map_err(sql)?;
        if application_id != APPLICATION_ID {
            return Err(ArchiveError::Foreign {
                path: path.to_path_buf(),
                reason: "an SQLite database without the copydesk archive marker".into(),
            });
        }
        let version = schema_version(&conn, path)?;
        if version < schema::VERSION {
            return Err(ArchiveError::Foreign {
                path: path.to_path_buf(),
                reason: format!(
                    "schema version {version}, older than this copydesk's {}: run copydesk ingest on it once to upgrade it",
                    schema::VERSION
                ),
            });
        }
        let cache = format!("PRAGMA cache_size = -{}", config.cache_mib.max(1) * 1024);
        conn.query_row(&cache, [], |_| Ok(())).optional().map_err(sql)?;
        let settings = schema::read_settings(&conn).map_err(sql)?;
        Ok(Archive { conn, path: path.to_path_buf(), settings })
    }

    /// Runs SQLite's integrity check: `full` reads every page and index
    /// (`integrity_check`), else the quicker `quick_check`.
    pub fn integrity(&self, full: bool) -> Result<Integrity> {
        let pragma = if full { "PRAGMA integrity_check" } else { "PRAGMA quick_check" };
        let mut statement = self.conn.prepare(pragma).map_err(|e| self.sql(e))?;
        let rows = statement.query_map([], |row| row.get::<_, String>(0)).map_err(|e| self.sql(e))?;
        let mut problems = Vec::new();
        for row in rows {
            match row {
                Ok(line) if line == "ok" => {}
                Ok(line) => problems.extend(
                    line.lines()
                        .filter(|l| !l.trim().is_empty() && !l.starts_with("*** in database"))
                        .map(str::to_string),
                ),
                Err(e) => problems.push(e.to_string()),
            }
        }
        Ok(Integrity { full, problems })
    }

    /// The archive's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The fingerprint settings and banding the archive was built with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The SQLite connection, for tests and tools that inspect the archive.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Refuses a run whose fingerprints could not be compared with the archived ones.
    pub fn check_settings(&self, fingerprint: &FingerprintOptions, relate: &RelateOptions) -> Result<()> {
        let current = Settings::of(fingerprint, relate);
        for ((setting, archived), (_, now)) in self.settings.pairs().into_iter().zip(current.pairs()) {
            if setting == "bands" || setting == "rows" {
                continue;
            }
            if archived != now {
                return Err(ArchiveError::Settings { path: self.path.clone(), setting, archived, current: now });
            }
        }
        Ok(())
    }

    /// Item versions stored. Rows are never deleted, so the largest row number is their
    /// count, found without reading the table.
    pub fn count(&self) -> Result<u64> {
        count(&self.conn).map_err(|e| self.sql(e))
    }

    pub(crate) fn sql(&self, source: rusqlite::Error) -> ArchiveError {
        ArchiveError::Sqlite { path: self.path.clone(), source }
    }

    /// Stores items without screening them, for loading a large collection at once: each
    /// item whose identity (URL, else source and SHA-256) already holds the same text is
    /// left out. The whole batch is one transaction. Returns how many were stored.
    pub fn append(
        &mut self,
        items: &[ArchivedItem<'_>],
        seen_at: DateTime<Utc>,
        story: &StoryOptions,
    ) -> Result<usize> {
        let path = self.path.clone();
        let banding = self.settings.banding;
        let sql = |source| ArchiveError::Sqlite { path: path.clone(), source };
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(sql)?;
        let mut frequencies =
            story_index::Frequencies::new(&tx, items.iter().filter_map(|i| i.profile)).map_err(sql)?;
        let mut stories = story_index::StoryRows::default();
        let mut bands: Vec<(i64, i64)> = Vec::with_capacity(items.len() * banding.bands);
        let mut paragraphs: Vec<(i64, i64)> = Vec::new();
        let mut stored = 0;
        {
            let mut latest = tx
                .prepare_cached("SELECT version, sha256 FROM items WHERE ident = ?1 ORDER BY version DESC LIMIT 1")
                .map_err(sql)?;
            let mut insert = tx.prepare_cached(INSERT_ITEM).map_err(sql)?;
            for item in items {
                let ident = identity_key(item.url, item.source, &item.fingerprint.sha256);
                let previous: Option<(i64, Vec<u8>)> =
                    latest.query_row([ident], |row| Ok((row.get(0)?, row.get(1)?))).optional().map_err(sql)?;
                let version = match previous {
                    Some((_, sha)) if sha == item.fingerprint.sha256 => continue,
                    Some((version, _)) => version + 1,
                    None => 1,
                };
                let Some(rowid) = insert_item(&mut insert, item, ident, version, seen_at).map_err(sql)? else {
                    continue;
                };
                stored += 1;
                if !item.fingerprint.is_empty() {
                    bands.extend(band_keys(&item.fingerprint.signature, banding).into_iter().map(|k| (k, rowid)));
                }
                paragraphs.extend(paragraph_keys(&item.fingerprint.paragraphs).into_iter().map(|h| (h, rowid)));
                if let Some(profile) = item.profile {
                    let vector = frequencies.weigh(&tx, profile).map_err(sql)?;
                    stories.add(rowid, profile, &story_index::keys(profile, &vector, story));
                }
                if let Some(facts) = item.facts {
                    insert_facts(&tx, rowid, facts).map_err(sql)?;
                }
            }
            insert_postings(&tx, &mut bands, &mut paragraphs).map_err(sql)?;
            stories.write(&tx).map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(stored)
    }
}

pub(crate) fn count(conn: &Connection) -> rusqlite::Result<u64> {
    conn.query_row("SELECT coalesce(max(rowid), 0) FROM items", [], |row| row.get::<_, i64>(0)).map(|n| n.max(0) as u64)
}

/// What the archive stores of an item: its metadata and fingerprint.
#[derive(Debug, Clone, Copy)]
pub struct ArchivedItem<'a> {
    pub id: &'a str,
    pub source: Option<&'a str>,
    pub url: Option<&'a str>,
    pub title: Option<&'a str>,
    /// RFC 3339.
    pub published: Option<&'a str>,
    pub fingerprint: &'a Fingerprint,
    /// The content profile, for finding rewrites and reports of the same story.
    pub profile: Option<&'a Profile>,
    /// The item's standing on the score criteria, for per-source scores.
    pub facts: Option<&'a ItemFacts>,
}

/// Stores an item's score facts: the criteria it fails, each with the reason.
pub(crate) fn insert_facts(conn: &Connection, rowid: i64, facts: &ItemFacts) -> rusqlite::Result<()> {
    let data = serde_json::to_string(facts).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    conn.prepare_cached("INSERT OR REPLACE INTO facts (item, data) VALUES (?1, ?2)")?
        .execute(rusqlite::params![rowid, data])?;
    Ok(())
}

pub(crate) const INSERT_ITEM: &str = "INSERT INTO items \
    (ident, version, id, source, url, title, published, first_seen, sha256, signature, simhash, shingles, words, paragraphs) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) \
    ON CONFLICT (ident, version) DO NOTHING RETURNING rowid";

/// Inserts one item version; `None` when that version is already stored.
pub(crate) fn insert_item(
    insert: &mut rusqlite::CachedStatement<'_>,
    item: &ArchivedItem<'_>,
    ident: i64,
    version: i64,
    seen_at: DateTime<Utc>,
) -> rusqlite::Result<Option<i64>> {
    let f = item.fingerprint;
    insert
        .query_row(
            rusqlite::params![
                ident,
                version,
                item.id,
                item.source,
                item.url,
                item.title,
                item.published,
                seen_at.timestamp(),
                &f.sha256[..],
                encode_signature(&f.signature),
                f.simhash as i64,
                f.shingles,
                f.words,
                encode_paragraphs(&f.paragraphs),
            ],
            |row| row.get(0),
        )
        .optional()
}

/// Inserts band and paragraph postings, sorted by key so that the index pages are
/// visited in order.
pub(crate) fn insert_postings(
    conn: &Connection,
    bands: &mut [(i64, i64)],
    paragraphs: &mut [(i64, i64)],
) -> rusqlite::Result<()> {
    bands.sort_unstable();
    paragraphs.sort_unstable();
    let mut insert = conn.prepare_cached("INSERT OR IGNORE INTO bands (key, item) VALUES (?1, ?2)")?;
    for (key, item) in bands.iter() {
        insert.execute([key, item])?;
    }
    let mut insert = conn.prepare_cached("INSERT OR IGNORE INTO paragraphs (hash, item) VALUES (?1, ?2)")?;
    for (hash, item) in paragraphs.iter() {
        insert.execute([hash, item])?;
    }
    Ok(())
}

/// Checks a file given as an archive before SQLite opens it: a non-empty file must start
/// like an SQLite database and carry no other application's marker. Says whether the
/// file exists.
/// A `file:` URI that opens `path` as immutable.
fn immutable_uri(path: &Path) -> std::io::Result<String> {
    let absolute = std::path::absolute(path)?;
    let mut uri = String::from("file:");
    for byte in absolute.to_string_lossy().bytes() {
        match byte {
            b'/' | b'-' | b'_' | b'.' | b'~' => uri.push(byte as char),
            b if b.is_ascii_alphanumeric() => uri.push(b as char),
            b => uri.push_str(&format!("%{b:02X}")),
        }
    }
    uri.push_str("?immutable=1");
    Ok(uri)
}

fn precheck(path: &Path, mode: Mode) -> Result<bool> {
    let foreign = |reason: &str| ArchiveError::Foreign { path: path.to_path_buf(), reason: reason.to_string() };
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(foreign("a folder")),
        Ok(meta) if meta.len() == 0 => Ok(true),
        Ok(_) => {
            let mut header = Vec::with_capacity(100);
            std::fs::File::open(path)
                .and_then(|file| file.take(100).read_to_end(&mut header))
                .map_err(|source| ArchiveError::Io { path: path.to_path_buf(), source })?;
            if header.len() < 100 || !header.starts_with(b"SQLite format 3\0") {
                return Err(foreign("not an SQLite database"));
            }
            let application_id = i32::from_be_bytes([header[68], header[69], header[70], header[71]]);
            if application_id != 0 && application_id != APPLICATION_ID {
                return Err(foreign(&format!(
                    "an SQLite database of another application, application_id {application_id:#010x}"
                )));
            }
            Ok(true)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => match mode {
            Mode::Create => Ok(false),
            Mode::Existing | Mode::ReadOnly => Err(ArchiveError::Missing { path: path.to_path_buf() }),
        },
        Err(source) => Err(ArchiveError::Io { path: path.to_path_buf(), source }),
    }
}

fn foreign_or_sqlite(path: &Path, error: rusqlite::Error) -> ArchiveError {
    match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => {
            ArchiveError::Foreign { path: path.to_path_buf(), reason: "not an SQLite database".into() }
        }
        _ => ArchiveError::Sqlite { path: path.to_path_buf(), source: error },
    }
}

fn has_tables(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get::<_, i64>(0)).map(|n| n > 0)
}

/// Switches to the write-ahead log, waiting for another process that holds the file.
fn set_wal(conn: &Connection) -> rusqlite::Result<()> {
    let mut attempt = 0;
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get::<_, String>(0)) {
            Ok(_) => return Ok(()),
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) && attempt < 600 => {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => return Err(e),
        }
    }
}

/// The key under which an item's versions are found: its URL when it has one, else its
/// source and the SHA-256 of its clean text.
pub fn identity_key(url: Option<&str>, source: Option<&str>, sha256: &[u8; 32]) -> i64 {
    let mut bytes = Vec::with_capacity(128);
    match url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => {
            bytes.extend_from_slice(b"url\0");
            bytes.extend_from_slice(url.as_bytes());
        }
        None => {
            bytes.extend_from_slice(b"source\0");
            bytes.extend_from_slice(source.unwrap_or("").as_bytes());
            bytes.push(0);
            bytes.extend_from_slice(sha256);
        }
    }
    hash_bytes(&bytes) as i64
}

/// The integer keys of a signature's LSH bands, one per band. A key hashes the band's
/// number with its positions and keeps 47 bits, so that SQLite stores it in 6 bytes while
/// two unrelated bands share a key with negligible probability. Keys are persisted: this
/// function never changes without a migration that recomputes them.
pub fn band_keys(signature: &[u32], banding: Banding) -> Vec<i64> {
    (0..banding.bands)
        .filter_map(|band| {
            let rows = signature.get(band * banding.rows..(band + 1) * banding.rows)?;
            let bytes: Vec<u8> = rows.iter().flat_map(|v| v.to_le_bytes()).collect();
            let key = mix64(hash_bytes(&bytes) ^ (band as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
            Some((key >> 17) as i64)
        })
        .collect()
}

/// The distinct paragraph hashes of an item, as stored.
pub fn paragraph_keys(paragraphs: &[ParagraphHash]) -> Vec<i64> {
    copydesk_core::relate::paragraph_keys(paragraphs).map(|hash| hash as i64).collect()
}

/// A signature as one BLOB of little-endian 4-byte positions.
pub fn encode_signature(signature: &[u32]) -> Vec<u8> {
    signature.iter().flat_map(|v| v.to_le_bytes()).collect()
}

pub fn decode_signature(bytes: &[u8]) -> Option<Box<[u32]>> {
    if bytes.len() % 4 != 0 {
        return None;
    }
    Some(bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
}

/// Paragraph hashes as one BLOB: per paragraph, the 8-byte hash and the 4-byte word count.
pub fn encode_paragraphs(paragraphs: &[ParagraphHash]) -> Vec<u8> {
    let mut out = Vec::with_capacity(paragraphs.len() * 12);
    for p in paragraphs {
        out.extend_from_slice(&p.hash.to_le_bytes());
        out.extend_from_slice(&p.words.to_le_bytes());
    }
    out
}

pub fn decode_paragraphs(bytes: &[u8]) -> Option<Vec<ParagraphHash>> {
    if bytes.len() % 12 != 0 {
        return None;
    }
    Some(
        bytes
            .chunks_exact(12)
            .map(|c| {
                let mut hash = [0u8; 8];
                hash.copy_from_slice(&c[..8]);
                ParagraphHash { hash: u64::from_le_bytes(hash), words: u32::from_le_bytes([c[8], c[9], c[10], c[11]]) }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests;

/// The archive's schema version; an archive written by a newer copydesk is refused.
fn schema_version(conn: &Connection, path: &Path) -> Result<i64> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(|source| ArchiveError::Sqlite { path: path.to_path_buf(), source })?;
    if version > schema::VERSION {
        return Err(ArchiveError::TooNew { path: path.to_path_buf(), found: version, known: schema::VERSION });
    }
    Ok(version)
}
