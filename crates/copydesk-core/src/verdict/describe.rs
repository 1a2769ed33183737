//! Verdicts in words: the measured values of a relation and the evidence of a content
//! date, as every report format and every finding message says them.

use chrono::NaiveDate;

use crate::date::{Bound, ContentDate, DateEvidence, Strength};
use crate::relate::{self, Kind};
use crate::util::clip;

/// The measured values of a relation, in words an editor reads at a glance.
pub fn measured(kind: Kind, e: &relate::Evidence) -> String {
    if let Some(line) = story_measured(e) {
        return line;
    }
    match kind {
        Kind::Exact => "identical clean text (equal SHA-256)".to_string(),
        _ => format!(
            "jaccard {:.2} · contained {:.2} / {:.2} · {} shared paragraphs · simhash Δ{}",
            e.jaccard,
            e.containment_later_in_earlier,
            e.containment_earlier_in_later,
            e.shared_paragraphs,
            e.simhash_distance
        ),
    }
}

/// The measured values of a pair's story evidence, when it was measured.
pub fn story_measured(e: &relate::Evidence) -> Option<String> {
    e.story.as_ref().map(|story| {
        format!(
            "cosine {:.2} (z {:.1}) · aligned sentences {} ({:.2}) · shared names {} · numbers {} · quotes {} · novelty {:.2} · jaccard {:.2}",
            story.cosine,
            story.cosine_z,
            story.aligned_count,
            story.aligned_sentences,
            story.shared_names,
            story.shared_numbers,
            story.shared_quotes,
            story.novelty,
            e.jaccard
        )
    })
}

/// A relation as a sentence with its measured values: "near duplicate of wire-7: …".
pub fn relation_sentence(kind: Kind, other: &str, evidence: &relate::Evidence) -> String {
    let what = match kind {
        Kind::Exact => "exact copy".to_string(),
        kind => kind.as_str().replace('_', " "),
    };
    format!("{what} of {other}: {}", measured(kind, evidence))
}

/// An item's dating at a glance: its framing date and basis, its content window and age,
/// on one line.
pub fn stale_summary(
    framing_date: Option<NaiveDate>,
    framing_basis: &str,
    content: &ContentDate,
    age_days: Option<i64>,
) -> String {
    let framing = framing_date.map_or_else(|| "(no date)".to_string(), |d| d.to_string());
    let window = match (content.not_before, content.not_after) {
        (Some(a), Some(b)) => format!("{a} – {b}"),
        (None, Some(b)) => format!("on or before {b}"),
        (Some(a), None) => format!("on or after {a}"),
        (None, None) => "unknown".to_string(),
    };
    let age = age_days.map(|d| format!(" · {d} days old")).unwrap_or_default();
    format!("framed {framing} ({framing_basis}) · content {window}{age}")
}

/// A content date's evidence, the bounds that decide first.
pub fn evidence_in_order(content: &ContentDate) -> Vec<&DateEvidence> {
    let mut evidence: Vec<&DateEvidence> = content.evidence.iter().collect();
    let rank = |e: &DateEvidence| match (e.kind, e.bound, e.set_aside) {
        (Strength::Hard, Bound::History, _) => 3,
        (Strength::Hard, _, false) => 0,
        (Strength::Hard, _, true) => 1,
        (Strength::Soft, Bound::History, _) => 3,
        (Strength::Soft, _, _) => 2,
    };
    evidence.sort_by_key(|e| (rank(e), e.offset));
    evidence
}

/// One piece of evidence: “phrase” (line) → what it implies (source).
pub fn evidence_line(e: &DateEvidence) -> String {
    let implies = match e.bound {
        Bound::NotBefore => format!("on or after {}", e.not_before.unwrap_or(e.implies.from)),
        Bound::NotAfter => match e.not_before {
            Some(from) => format!("{from} to {}", e.implies.to),
            None => format!("on or before {}", e.implies.to),
        },
        Bound::Near => e.implies.to_string(),
        Bound::History => format!("history ({})", e.implies),
    };
    let weight = match (e.kind, e.set_aside) {
        (_, true) => ", set aside",
        (Strength::Soft, _) => ", soft",
        _ => "",
    };
    format!("“{}” (line {}) → {implies} ({}{weight})", clip(&e.phrase, 90), e.line, e.source)
}
