//! The archive's evidence for a content date: an archived exact copy or near-duplicate of
//! an item's text was published, or first seen, on a day, so the content existed by then.
//! It is one more hard `not_after` bound, applied after the text's own evidence.

use chrono::NaiveDate;

use super::{Bound, ContentDate, DateEvidence, Span, Strength};

/// An archived copy of an item's text.
#[derive(Debug, Clone, Copy)]
pub struct Sighting<'a> {
    /// The day the content existed by: the archived item's published day when earlier
    /// than its first sighting, else the sighting.
    pub existed_by: NaiveDate,
    /// The day the archive first saw it.
    pub first_seen: Option<NaiveDate>,
    /// The archived item's id, and its source.
    pub id: &'a str,
    pub source: Option<&'a str>,
    /// What it is of the item's text: "exact", "near duplicate".
    pub kind: &'a str,
}

/// What the sighting changed: the item's age and whether that makes it stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dated {
    /// Days from the sighting to the framing date, when the item has one.
    pub age_days: Option<i64>,
    /// The content existed more than `max_age_days` before the framing date.
    pub stale: bool,
}

/// Bounds a content date by an archived sighting of its text. Nothing changes (`None`)
/// when the content already ends on or before the sighting's day.
pub fn bound_by_sighting(
    content: &mut ContentDate,
    framing_date: Option<NaiveDate>,
    sighting: Sighting<'_>,
    max_age_days: u32,
) -> Option<Dated> {
    let seen = sighting.existed_by;
    if content.not_after.is_some_and(|end| end <= seen) {
        return None;
    }
    let when = if sighting.first_seen == Some(seen) {
        format!("was first seen on {seen}")
    } else {
        let first = sighting.first_seen.map(|d| format!(", first seen by the archive on {d}")).unwrap_or_default();
        format!("was published on {seen}{first}")
    };
    content.evidence.push(DateEvidence {
        phrase: format!("archived {} {}", sighting.kind, sighting.id),
        line: 0,
        offset: 0,
        implies: Span::day(seen),
        bound: Bound::NotAfter,
        kind: Strength::Hard,
        confidence: 0.95,
        not_before: None,
        not_after: Some(seen),
        source: format!("archive:{}", sighting.id),
        note: format!(
            "a {} of this text ({}) {when}: the content existed by then",
            sighting.kind,
            sighting.source.unwrap_or("no source")
        ),
        set_aside: false,
        point: seen,
    });
    content.not_after = Some(seen);
    let age_days = framing_date.map(|framing| (framing - seen).num_days().max(0));
    Some(Dated { age_days, stale: age_days.is_some_and(|age| age > i64::from(max_age_days)) })
}
