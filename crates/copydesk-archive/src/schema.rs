//! The archive's schema and its migrations. `PRAGMA user_version` holds the version; a
//! new archive runs every migration from the first, an older one the missing ones, each
//! step in the same transaction as the version it sets.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::{ArchiveError, Result, Settings, APPLICATION_ID};
use copydesk_core::relate::Banding;

/// The migrations, in order: the archive's version is the number applied.
pub const MIGRATIONS: &[&str] = &[
    // 1: items with their fingerprints, the LSH band keys and paragraph postings that
    //    find candidates, the relations found at ingest, and the settings.
    "CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE items (
        rowid INTEGER PRIMARY KEY,
        ident INTEGER NOT NULL,
        version INTEGER NOT NULL,
        id TEXT NOT NULL,
        source TEXT,
        url TEXT,
        title TEXT,
        published TEXT,
        first_seen INTEGER NOT NULL,
        sha256 BLOB NOT NULL,
        signature BLOB NOT NULL,
        simhash INTEGER NOT NULL,
        shingles INTEGER NOT NULL,
        words INTEGER NOT NULL,
        paragraphs BLOB NOT NULL,
        UNIQUE (ident, version)
    );
    CREATE TABLE bands (
        key INTEGER NOT NULL,
        item INTEGER NOT NULL,
        PRIMARY KEY (key, item)
    ) WITHOUT ROWID;
    CREATE TABLE paragraphs (
        hash INTEGER NOT NULL,
        item INTEGER NOT NULL,
        PRIMARY KEY (hash, item)
    ) WITHOUT ROWID;
    CREATE TABLE relations (
        later INTEGER NOT NULL,
        earlier INTEGER NOT NULL,
        kind INTEGER NOT NULL,
        score REAL NOT NULL,
        PRIMARY KEY (later, earlier)
    ) WITHOUT ROWID;
    CREATE INDEX relations_earlier ON relations (earlier);",
    // 2: the validators of conditional GET per feed URL.
    "CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        checked INTEGER NOT NULL
    );",
    // 3: per-source reports read the items of a time window.
    "CREATE INDEX items_first_seen ON items (first_seen);",
    // 4: content profiles and the index that finds rewrites and reports of the same story
    //    (postings of names, numbers and telling words; document frequencies of words),
    //    and each item's standing on the score criteria, for per-source scores.
    "CREATE TABLE profiles (
        item INTEGER PRIMARY KEY,
        data BLOB NOT NULL
    );
    CREATE TABLE story_keys (
        key INTEGER NOT NULL,
        item INTEGER NOT NULL,
        PRIMARY KEY (key, item)
    ) WITHOUT ROWID;
    CREATE TABLE term_df (
        term INTEGER PRIMARY KEY,
        df INTEGER NOT NULL
    );
    CREATE TABLE facts (
        item INTEGER PRIMARY KEY,
        data TEXT NOT NULL
    );
    INSERT OR IGNORE INTO meta (key, value) VALUES ('profiles', '0');",
    // 5: content profiles written from now on keep each sentence's names and how names
    //    and numbers are written (profile encoding 2; those of encoding 1 are still read),
    //    which an older copydesk cannot decode: the version keeps it from opening them.
    "INSERT OR REPLACE INTO meta (key, value) VALUES ('profile_encoding', '2');",
];

/// The schema version this copydesk writes.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the archive to [`VERSION`]: a new (empty) database gets the marker, the
/// settings and every migration; an older archive the missing migrations. Another
/// process doing the same at the same time is waited for.
pub fn migrate(conn: &mut Connection, path: &Path, settings: &Settings) -> Result<()> {
    let sql = |source| ArchiveError::Sqlite { path: path.to_path_buf(), source };
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(sql)?;
    if version == VERSION {
        return Ok(());
    }
    if version > VERSION {
        return Err(ArchiveError::TooNew { path: path.to_path_buf(), found: version, known: VERSION });
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(sql)?;
    // Read again under the write lock: another process may have got there first.
    let version: i64 = tx.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(sql)?;
    let application_id: i32 = tx.query_row("PRAGMA application_id", [], |row| row.get(0)).map_err(sql)?;
    if version > VERSION {
        return Err(ArchiveError::TooNew { path: path.to_path_buf(), found: version, known: VERSION });
    }
    if version == 0 && application_id == 0 {
        tx.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID}")).map_err(sql)?;
    }
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.execute_batch(migration).map_err(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", index + 1)).map_err(sql)?;
    }
    if version == 0 {
        let mut insert = tx.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES (?1, ?2)").map_err(sql)?;
        for (key, value) in settings.pairs() {
            insert.execute([key, value.as_str()]).map_err(sql)?;
        }
        insert.execute(["created", &chrono::Utc::now().to_rfc3339()]).map_err(sql)?;
    }
    tx.commit().map_err(sql)
}

/// The settings recorded in the archive.
pub fn read_settings(conn: &Connection) -> rusqlite::Result<Settings> {
    let get = |key: &str| -> rusqlite::Result<Option<String>> {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| row.get(0)).optional()
    };
    let number = |key: &str, default: usize| -> rusqlite::Result<usize> {
        Ok(get(key)?.and_then(|v| v.parse().ok()).unwrap_or(default))
    };
    Ok(Settings {
        shingle_words: number("shingle_words", 5)?,
        minhash_hashes: number("minhash_hashes", 128)?,
        min_paragraph_words: number("min_paragraph_words", 8)?,
        signer: get("signer")?.unwrap_or_else(|| "one-permutation".into()),
        banding: Banding { bands: number("bands", 32)?, rows: number("rows", 4)? },
    })
}
