use std::path::Path;

use chrono::{TimeZone, Utc};
use rusqlite::Connection;

use super::screen::Status;
use super::*;
use copydesk_core::analysis::{self, AnalysisSettings, Analyzed};
use copydesk_core::history::{summarize, WindowBy};
use copydesk_core::model::Item;
use copydesk_core::normalize::{NormalizeOptions, Templates};
use copydesk_core::relate::Kind;
use copydesk_core::score::ScoreOptions;

/// The stage settings these tests run with: the defaults.
#[derive(Default)]
struct Config {
    normalize: NormalizeOptions,
    fingerprint: FingerprintOptions,
    relate: RelateOptions,
    story: StoryOptions,
    score: ScoreOptions,
    archive: ArchiveConfig,
}

impl Config {
    fn open(&self) -> OpenSettings<'_> {
        OpenSettings { archive: &self.archive, fingerprint: &self.fingerprint, relate: &self.relate }
    }
}

/// A paragraph of 40 pseudo-random words from a vocabulary of 5,000.
fn paragraph(seed: usize) -> String {
    (0..40).map(|i| format!("w{}", mix64((seed * 1000 + i) as u64) % 5000)).collect::<Vec<_>>().join(" ")
}

fn text(seeds: std::ops::Range<usize>) -> String {
    seeds.map(paragraph).collect::<Vec<_>>().join("\n\n")
}

fn item(id: &str, source: &str, url: Option<&str>, text: &str) -> Item {
    Item {
        id: id.into(),
        source: Some(source.into()),
        url: url.map(str::to_string),
        title: Some(format!("Title of {id}")),
        text: text.into(),
        ..Item::default()
    }
}

fn analyze(items: Vec<Item>) -> Vec<Analyzed> {
    let config = Config::default();
    let signer = config.fingerprint.signer();
    // These items are screened for copies only; no timeline dates them.
    let timeline = copydesk_core::date::Timeline::default();
    let undated = copydesk_core::date::Context { timeline: &timeline, as_of: None, max_age_days: 30 };
    items
        .into_iter()
        .enumerate()
        .map(|(seq, item)| {
            let settings = AnalysisSettings {
                normalize: &config.normalize,
                fingerprint: &config.fingerprint,
                story: &config.story,
                score: &config.score,
            };
            let mut one = analysis::analyze(item, &Templates::default(), settings, signer.as_ref(), &undated);
            one.seq = seq;
            one
        })
        .collect()
}

fn ingest(archive: &mut Archive, items: Vec<Item>, day: u32) -> (Vec<Analyzed>, screen::Screening) {
    let config = Config::default();
    let analyzed = analyze(items);
    let related = analysis::relate(&analyzed, &config.relate, &config.story).expect("relate");
    let at = Utc.with_ymd_and_hms(2025, 3, day, 12, 0, 0).single().expect("time");
    let batch = screen::Batch { analyzed: &analyzed, related: &related, seen_at: at, feeds: &[] };
    let mut ingest = archive.begin_ingest().expect("begin");
    let screening = ingest.screen(&analyzed, &config.relate, &config.story).expect("screen");
    ingest.store(batch, &screening, &[]).expect("store");
    ingest.commit().expect("commit");
    (analyzed, screening)
}

fn open(path: &Path) -> Archive {
    Archive::open(path, Mode::Create, Config::default().open()).expect("open")
}

#[test]
fn codecs_round_trip() {
    let signature: Vec<u32> = (0..128).map(|i| mix64(i) as u32).collect();
    assert_eq!(decode_signature(&encode_signature(&signature)).as_deref(), Some(&signature[..]));
    let paragraphs = vec![ParagraphHash { hash: u64::MAX, words: 12 }, ParagraphHash { hash: 7, words: 80 }];
    assert_eq!(decode_paragraphs(&encode_paragraphs(&paragraphs)), Some(paragraphs));
    assert!(decode_signature(&[1, 2, 3]).is_none());
    let keys = band_keys(&signature, Banding { bands: 32, rows: 4 });
    assert_eq!(keys.len(), 32);
    assert!(keys.iter().all(|&k| (0..1 << 47).contains(&k)), "{keys:?}");
    let mut distinct = keys.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), 32, "the band number is part of the key");
}

#[test]
fn default_path_follows_xdg() {
    let path = default_path().expect("a data folder");
    assert!(path.ends_with("copydesk/archive.sqlite3"), "{}", path.display());
    let mut config = Config::default();
    config.archive.path = Some("data/history.sqlite3".into());
    let resolved = resolve_path(None, &config.archive, Some(Path::new("/srv/desk/copydesk.toml")));
    assert_eq!(resolved.as_deref(), Some(Path::new("/srv/desk/data/history.sqlite3")));
    let explicit = resolve_path(Some(Path::new("x.db")), &config.archive, None);
    assert_eq!(explicit.as_deref(), Some(Path::new("x.db")));
}

#[test]
fn a_new_archive_is_marked_and_versioned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("nested/folder/archive.sqlite3");
    let archive = open(&path);
    let conn = archive.connection();
    let id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).expect("id");
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
    let journal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("journal");
    assert_eq!(id, APPLICATION_ID);
    assert_eq!(version, schema::VERSION);
    assert_eq!(journal, "wal");
    assert_eq!(archive.settings().banding, Banding { bands: 32, rows: 4 });
    drop(archive);
    // Reopening changes nothing.
    let again = open(&path);
    assert_eq!(again.count().expect("count"), 0);
}

#[test]
fn archives_of_every_earlier_schema_are_migrated() {
    for version in 1..schema::VERSION {
        migrates_from(version);
    }
}

/// Writes an archive as copydesk wrote it at schema `version`, with one item, opens it and
/// screens against it.
fn migrates_from(version: i64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(format!("v{version}.sqlite3"));
    {
        let conn = Connection::open(&path).expect("create");
        conn.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID};")).expect("marker");
        for migration in &schema::MIGRATIONS[..version as usize] {
            conn.execute_batch(migration).expect("earlier schema");
        }
        conn.execute_batch(&format!(
            "PRAGMA user_version = {version};
             INSERT INTO meta VALUES ('shingle_words', '5'), ('minhash_hashes', '128'),
                 ('min_paragraph_words', '8'), ('signer', 'one-permutation'), ('bands', '32'), ('rows', '4');"
        ))
        .expect("meta");
        let analyzed = analyze(vec![item("old-1", "Old Wire", Some("https://old.example/1"), &text(0..6))]);
        let f = &analyzed[0].fingerprint;
        conn.execute(
            "INSERT INTO items (ident, version, id, source, url, title, published, first_seen, sha256, signature,
                 simhash, shingles, words, paragraphs)
             VALUES (?1, 1, 'old-1', 'Old Wire', 'https://old.example/1', NULL, NULL, 1700000000, ?2, ?3, ?4, ?5, ?6, ?7)",
            rusqlite::params![
                identity_key(Some("https://old.example/1"), Some("Old Wire"), &f.sha256),
                &f.sha256[..],
                encode_signature(&f.signature),
                f.simhash as i64,
                f.shingles,
                f.words,
                encode_paragraphs(&f.paragraphs)
            ],
        )
        .expect("item");
        for key in band_keys(&f.signature, Banding { bands: 32, rows: 4 }) {
            conn.execute("INSERT INTO bands VALUES (?1, 1)", [key]).expect("band");
        }
    }
    let mut archive = open(&path);
    let conn = archive.connection();
    let migrated: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
    assert_eq!(migrated, schema::VERSION, "from version {version}");
    for table in ["feeds", "profiles", "story_keys", "term_df", "facts"] {
        let rows: i64 = conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).expect(table);
        assert_eq!(rows, 0, "{table} from version {version}");
    }
    let index: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'items_first_seen'", [], |r| r.get(0))
        .expect("index");
    assert_eq!(index, 1);
    assert_eq!(archive.count().expect("count"), 1);
    // The migrated archive screens as a new one does; its old item, stored without a
    // profile, is found as a copy.
    let copy = format!("{}\n\n{}", text(0..6), paragraph(999));
    let (_, screening) = ingest(&mut archive, vec![item("copy-1", "Other Wire", None, &copy)], 2);
    assert_eq!(screening.items[0].matches.len(), 1);
    assert_eq!(screening.items[0].matches[0].other.id, "old-1");
    assert_eq!(screening.items[0].matches[0].other.first_seen, 1_700_000_000);
    let profiles: String = archive
        .connection()
        .query_row("SELECT value FROM meta WHERE key = 'profiles'", [], |r| r.get(0))
        .expect("profile count");
    assert_eq!(profiles, "1", "from version {version}");
}

#[test]
fn an_empty_sqlite_file_becomes_an_archive() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v0.sqlite3");
    Connection::open(&path).and_then(|c| c.execute_batch("PRAGMA user_version = 0; VACUUM;")).expect("v0");
    let archive = open(&path);
    assert_eq!(archive.count().expect("count"), 0);
    std::fs::write(dir.path().join("empty.sqlite3"), b"").expect("empty file");
    assert!(Archive::open(&dir.path().join("empty.sqlite3"), Mode::Create, Config::default().open()).is_ok());
}

fn assert_refused(path: &Path, expected: &str) {
    let before = std::fs::read(path).expect("read");
    let error = Archive::open(path, Mode::Create, Config::default().open()).expect_err("refused").to_string();
    assert!(error.contains(expected), "{error}");
    assert!(error.contains("left untouched"), "{error}");
    assert!(std::fs::read(path).expect("read") == before, "the file was changed");
    let wal = path.with_file_name(format!("{}-wal", path.file_name().and_then(|n| n.to_str()).unwrap_or("")));
    assert!(!wal.exists(), "a write-ahead log was created");
}

#[test]
fn foreign_files_are_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let random = dir.path().join("random.bin");
    let bytes: Vec<u8> = (0..8192u64).map(|i| mix64(i) as u8).collect();
    std::fs::write(&random, &bytes).expect("write");
    assert_refused(&random, "not an SQLite database");

    let other = dir.path().join("notes.sqlite3");
    Connection::open(&other)
        .and_then(|c| c.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me');"))
        .expect("foreign database");
    assert_refused(&other, "without the copydesk archive marker");

    let marked = dir.path().join("marked.sqlite3");
    Connection::open(&marked)
        .and_then(|c| c.execute_batch("PRAGMA application_id = 1234; CREATE TABLE t (x);"))
        .expect("marked database");
    assert_refused(&marked, "another application");

    let newer = dir.path().join("newer.sqlite3");
    drop(open(&newer));
    Connection::open(&newer)
        .and_then(|c| c.execute_batch("PRAGMA journal_mode = DELETE; PRAGMA user_version = 99;"))
        .expect("newer");
    let before = std::fs::read(&newer).expect("read");
    let error = Archive::open(&newer, Mode::Create, Config::default().open()).expect_err("too new").to_string();
    assert!(error.contains("schema version 99"), "{error}");
    assert!(std::fs::read(&newer).expect("read") == before, "the file was changed");

    let missing = dir.path().join("missing.sqlite3");
    let error = Archive::open(&missing, Mode::Existing, Config::default().open()).expect_err("missing").to_string();
    assert!(error.contains("no archive"), "{error}");
    assert!(!missing.exists());
}

#[test]
fn other_fingerprint_settings_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = open(&dir.path().join("a.sqlite3"));
    let mut config = Config::default();
    config.fingerprint.shingle_words = 4;
    let error = archive.check_settings(&config.fingerprint, &config.relate).expect_err("settings").to_string();
    assert!(error.contains("shingle_words = 5"), "{error}");
    config = Config::default();
    config.relate.lsh_recall = 0.5;
    assert!(archive.check_settings(&config.fingerprint, &config.relate).is_ok(), "the banding is the archive's own");
}

#[test]
fn ingest_reports_new_unchanged_edited_and_copies_of_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut archive = open(&dir.path().join("a.sqlite3"));
    let original = text(0..8);
    let (_, first) = ingest(
        &mut archive,
        vec![
            item("a", "Harbour News", Some("https://harbour.example/a"), &original),
            item("b", "Valley Daily", None, &text(100..106)),
        ],
        1,
    );
    assert!(first.items.iter().all(|s| s.status == Status::New && s.matches.is_empty()));
    assert_eq!(archive.count().expect("count"), 2);

    // The same items again change nothing.
    let (_, again) = ingest(
        &mut archive,
        vec![
            item("a", "Harbour News", Some("https://harbour.example/a"), &original),
            item("b", "Valley Daily", None, &text(100..106)),
        ],
        2,
    );
    assert!(again.items.iter().all(|s| s.status == Status::Unchanged), "{:?}", again.items);
    assert_eq!(archive.count().expect("count"), 2);

    // An edit at the same URL is a new version; a copy elsewhere repeats history.
    let edited = format!("{original}\n\n{}", paragraph(900));
    let copy = text(0..7);
    let partial = format!("{}\n\n{}", text(300..306), text(100..103));
    let (_, third) = ingest(
        &mut archive,
        vec![
            item("a-v2", "Harbour News", Some("https://harbour.example/a"), &edited),
            item("c", "Copy Farm", Some("https://farm.example/c"), &copy),
            item("d", "Digest", None, &partial),
            item("e", "Copy Farm", Some("https://farm.example/e"), &original),
        ],
        3,
    );
    let a = &third.items[0];
    assert_eq!(a.status, Status::Edited);
    assert_eq!(a.version, 2);
    assert!(a.matches.is_empty(), "its own earlier version is no copy: {:?}", a.matches);
    let previous = a.previous.as_ref().expect("previous version");
    assert_eq!(previous.other.version, 1);
    assert!(previous.jaccard > 0.8, "{previous:?}");
    assert_eq!(a.first_seen, Some(Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap().timestamp()));

    let c = &third.items[1];
    assert_eq!(c.status, Status::New);
    assert_eq!(c.matches.len(), 1, "{:?}", c.matches);
    assert_eq!(c.matches[0].kind, Kind::NearDuplicate);
    assert_eq!(c.matches[0].other.id, "a");
    assert_eq!(c.earliest_match().map(|m| m.other.id.as_str()), Some("a"));

    let d = &third.items[2];
    assert_eq!(d.matches.len(), 1);
    assert_eq!(d.matches[0].kind, Kind::PartialCopy);
    assert_eq!(d.matches[0].other.id, "b");
    assert!(d.earliest_match().is_none(), "a partial copy does not date the content");

    let e = &third.items[3];
    assert_eq!(e.matches[0].kind, Kind::Exact);
    assert_eq!(archive.count().expect("count"), 6);

    // Relations were kept: to archived items and within the run.
    let relations: i64 =
        archive.connection().query_row("SELECT count(*) FROM relations", [], |r| r.get(0)).expect("relations");
    assert!(relations >= 3, "{relations}");

    // Seen again, the first item is unchanged and repeats nothing: the copies of it were
    // archived after it.
    let (_, fourth) =
        ingest(&mut archive, vec![item("a", "Harbour News", Some("https://harbour.example/b"), &original)], 4);
    assert_eq!(fourth.items[0].status, Status::New, "another URL is another item");
    assert_eq!(fourth.items[0].matches.len(), 3, "{:?}", fourth.items[0].matches);
    let (_, fifth) = ingest(&mut archive, vec![item("b", "Valley Daily", None, &text(100..106))], 5);
    assert_eq!(fifth.items[0].status, Status::Unchanged);
    assert!(fifth.items[0].matches.is_empty(), "{:?}", fifth.items[0].matches);

    // The earliest sighting of the content of `e`: the first item, first seen on day 1.
    let fingerprint = analyze(vec![item("x", "X", None, &original)]).remove(0).fingerprint;
    let sighting = archive.earliest_sighting(&fingerprint, &Config::default().relate).expect("lookup").expect("found");
    assert_eq!(sighting.other.id, "a");
    assert_eq!(sighting.kind, Kind::Exact);
}

#[test]
fn an_item_twice_in_one_run_is_stored_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut archive = open(&dir.path().join("a.sqlite3"));
    let body = text(0..5);
    let (_, screening) = ingest(
        &mut archive,
        vec![
            item("a", "S", Some("https://s.example/a"), &body),
            item("a", "S", Some("https://s.example/a"), &body),
            item("a2", "S", Some("https://s.example/a"), &format!("{body}\n\n{}", paragraph(77))),
        ],
        1,
    );
    let statuses: Vec<Status> = screening.items.iter().map(|s| s.status).collect();
    assert_eq!(statuses, [Status::New, Status::Unchanged, Status::Edited]);
    assert_eq!(screening.items[2].version, 2);
    assert_eq!(archive.count().expect("count"), 2);
}

#[test]
fn bulk_append_skips_what_is_stored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut archive = open(&dir.path().join("a.sqlite3"));
    let analyzed = analyze((0..20).map(|i| item(&format!("i{i}"), "S", None, &text(i * 10..i * 10 + 5))).collect());
    let items: Vec<ArchivedItem<'_>> = analyzed
        .iter()
        .map(|a| ArchivedItem {
            id: &a.item.id,
            source: a.item.source.as_deref(),
            url: None,
            title: None,
            published: None,
            fingerprint: &a.fingerprint,
            profile: Some(&a.profile),
            facts: None,
        })
        .collect();
    let config = Config::default();
    assert_eq!(archive.append(&items, Utc::now(), &config.story).expect("append"), 20);
    assert_eq!(archive.append(&items, Utc::now(), &config.story).expect("append"), 0);
    let bands: i64 = archive.connection().query_row("SELECT count(*) FROM bands", [], |r| r.get(0)).expect("bands");
    assert_eq!(bands, 20 * 32);
}

#[test]
fn sources_count_copies_over_windows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut archive = open(&dir.path().join("a.sqlite3"));
    ingest(&mut archive, vec![item("o1", "Origin", None, &text(0..6)), item("o2", "Origin", None, &text(10..16))], 1);
    ingest(&mut archive, vec![item("c1", "Farm", None, &format!("{}\n\n{}", text(0..6), paragraph(999)))], 20);
    ingest(&mut archive, vec![item("c2", "Farm", None, &text(10..15)), item("o3", "Origin", None, &text(20..26))], 25);
    let until = Utc.with_ymd_and_hms(2025, 3, 31, 0, 0, 0).single().expect("time");
    let window = |archive: &Archive, from, until| {
        archive.source_histories(from, until, WindowBy::FirstSeen, &[]).expect("histories")
    };
    let since = until - chrono::Duration::days(15);
    let (now, before) = (window(&archive, since, until), window(&archive, since - chrono::Duration::days(15), since));
    let farm = summarize(&now["Farm"]);
    assert_eq!(farm.items, 2);
    assert_eq!(farm.copies_of_others, 2);
    assert!(!before.contains_key("Farm"));
    let origin = summarize(&now["Origin"]);
    assert_eq!(origin.items, 1);
    assert_eq!(origin.copied_by_others, 2);
    assert_eq!(summarize(&before["Origin"]).items, 2, "day 1 is in the previous window");
    let longer = window(&archive, until - chrono::Duration::days(30), until);
    assert_eq!(summarize(&longer["Origin"]).items, 3);
    // A window that ends within the second an item was stored holds it.
    let stored = Utc.with_ymd_and_hms(2025, 3, 25, 12, 0, 0).single().expect("time");
    let just_after = stored + chrono::Duration::milliseconds(300);
    let last_hour = window(&archive, just_after - chrono::Duration::hours(1), just_after);
    assert_eq!(summarize(&last_hour["Farm"]).items, 1);
}
