//! Per-source histories over a time window, from the archive: each source's archived
//! items of the window with the copy relations they take part in and the score facts
//! stored with them at ingest, and the copies of its items that other sources made in the
//! window. Sources are named as in `copydesk check`: by the configured `[[source]]` names
//! and aliases, else as the items give them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::screen::kind_from_code;
use crate::{Archive, Result};
use copydesk_core::history::{Link, SourceHistory, SourceItem, WindowBy};
use copydesk_core::score::{source_identity, SourceConfig};

impl Archive {
    /// Every source's items first seen in `[from, until)` (or published then, `by`), with
    /// their copy relations and score facts; sources named by their configured names.
    pub fn source_histories(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        by: WindowBy,
        sources: &[SourceConfig],
    ) -> Result<BTreeMap<String, SourceHistory>> {
        let name_of = |source: Option<&str>, url: Option<&str>| source_identity(source, url, sources);
        // First-seen times are whole seconds: a bound within a second is taken to the end of
        // it, so that a window ending now holds what was stored this second.
        let whole = |t: DateTime<Utc>| t.timestamp() + i64::from(t.timestamp_subsec_nanos() > 0);
        let (from, until) = (whole(from), whole(until));
        let mut histories: BTreeMap<String, SourceHistory> = BTreeMap::new();
        let mut rows: BTreeMap<i64, (String, usize)> = BTreeMap::new();
        let sql = |e| self.sql(e);
        // Published dates are text with their own offsets: windowing by them reads every
        // item and compares instants; first sightings are windowed by the index.
        let window = match by {
            WindowBy::FirstSeen => "WHERE i.first_seen >= ?1 AND i.first_seen < ?2",
            WindowBy::Published => "WHERE ?1 <= ?2",
        };
        let mut select = self
            .conn
            .prepare_cached(&format!(
                "SELECT i.rowid, i.id, i.source, i.url, i.title, i.published, i.first_seen, i.version, f.data, i.ident \
                 FROM items i LEFT JOIN facts f ON f.item = i.rowid {window} ORDER BY i.first_seen, i.rowid"
            ))
            .map_err(sql)?;
        let items = select
            .query_map([from, until], |row| {
                Ok((
                    row.get::<_, Option<String>>(2)?,
                    SourceItem {
                        rowid: row.get(0)?,
                        ident: row.get(9)?,
                        id: row.get(1)?,
                        url: row.get(3)?,
                        title: row.get(4)?,
                        published: row.get(5)?,
                        first_seen: row.get(6)?,
                        version: row.get(7)?,
                        copies: Vec::new(),
                        facts: row.get::<_, Option<String>>(8)?.and_then(|data| serde_json::from_str(&data).ok()),
                    },
                ))
            })
            .map_err(sql)?;
        for row in items {
            let (source, item) = row.map_err(sql)?;
            if by == WindowBy::Published && !(from..until).contains(&item.dated()) {
                continue;
            }
            let name = name_of(source.as_deref(), item.url.as_deref());
            let history = histories
                .entry(name.clone())
                .or_insert_with(|| SourceHistory { name: name.clone(), ..Default::default() });
            rows.insert(item.rowid, (name, history.items.len()));
            history.items.push(item);
        }
        let window = match by {
            WindowBy::FirstSeen => "WHERE l.first_seen >= ?1 AND l.first_seen < ?2",
            WindowBy::Published => "WHERE ?1 <= ?2",
        };
        let mut select = self
            .conn
            .prepare_cached(&format!(
                "SELECT r.later, l.id, l.source, l.url, r.earlier, e.id, e.source, e.url, r.kind \
                 FROM items l JOIN relations r ON r.later = l.rowid JOIN items e ON e.rowid = r.earlier {window}"
            ))
            .map_err(sql)?;
        let relations = select
            .query_map([from, until], |row| {
                Ok((
                    (row.get::<_, i64>(0)?, row.get::<_, String>(1)?),
                    name_of(row.get::<_, Option<String>>(2)?.as_deref(), row.get::<_, Option<String>>(3)?.as_deref()),
                    (row.get::<_, i64>(4)?, row.get::<_, String>(5)?),
                    name_of(row.get::<_, Option<String>>(6)?.as_deref(), row.get::<_, Option<String>>(7)?.as_deref()),
                    row.get::<_, i64>(8)?,
                ))
            })
            .map_err(sql)?;
        for row in relations {
            let ((later, later_id), later_source, (earlier, earlier_id), earlier_source, kind) = row.map_err(sql)?;
            let Some(kind) = kind_from_code(kind) else { continue };
            // The later item is in the window (by published date, only its rows are).
            if by == WindowBy::Published && !rows.contains_key(&later) {
                continue;
            }
            if let Some((name, index)) = rows.get(&later) {
                if let Some(item) = histories.get_mut(name).and_then(|h| h.items.get_mut(*index)) {
                    item.copies.push(Link {
                        kind,
                        other: earlier,
                        other_id: earlier_id,
                        other_source: Some(earlier_source.clone()),
                    });
                }
            }
            if later_source != earlier_source {
                histories
                    .entry(earlier_source.clone())
                    .or_insert_with(|| SourceHistory { name: earlier_source, ..Default::default() })
                    .copied_by
                    .push(Link { kind, other: later, other_id: later_id, other_source: Some(later_source) });
            }
        }
        Ok(histories)
    }
}
