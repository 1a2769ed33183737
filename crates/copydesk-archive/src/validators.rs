//! The validators of the feeds read (ETag, Last-Modified), kept for their next
//! conditional GET.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

use crate::screen::FeedValidators;

/// The validators the archive kept for these URLs.
pub fn load_validators(conn: &Connection, urls: &[String]) -> rusqlite::Result<HashMap<String, FeedValidators>> {
    let mut select = conn.prepare_cached("SELECT etag, last_modified FROM feeds WHERE url = ?1")?;
    let mut found = HashMap::new();
    for url in urls {
        let row = select
            .query_row([url], |row| {
                Ok(FeedValidators {
                    url: url.clone(),
                    etag: row.get::<_, Option<String>>(0)?,
                    last_modified: row.get(1)?,
                })
            })
            .optional()?;
        if let Some(validators) = row.filter(|v| v.etag.is_some() || v.last_modified.is_some()) {
            found.insert(url.clone(), validators);
        }
    }
    Ok(found)
}

/// Keeps the validators of the feeds read in this run, in the run's transaction.
pub(crate) fn save_validators(conn: &Connection, feeds: &[FeedValidators], at: DateTime<Utc>) -> rusqlite::Result<()> {
    let mut upsert = conn.prepare_cached(
        "INSERT INTO feeds (url, etag, last_modified, checked) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, \
         checked = excluded.checked",
    )?;
    for feed in feeds {
        upsert.execute((&feed.url, &feed.etag, &feed.last_modified, at.timestamp()))?;
    }
    Ok(())
}

impl crate::Archive {
    /// The validators the archive kept for these feed URLs.
    pub fn validators(&self, urls: &[String]) -> crate::Result<HashMap<String, FeedValidators>> {
        load_validators(&self.conn, urls).map_err(|e| self.sql(e))
    }
}
