//! Small helpers shared by several stages.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// A 64-bit finaliser (splitmix64): spreads the bits of `x` over the whole word.
#[inline]
pub fn mix64(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Hashes bytes with xxh3, the one general-purpose hash of the project.
#[inline]
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Parses the date forms feeds and manifests use: RFC 3339, RFC 2822, `YYYY-MM-DD`,
/// `YYYY-MM-DD HH:MM[:SS]` (read as UTC).
pub fn parse_timestamp(value: &str) -> Option<DateTime<FixedOffset>> {
    let value = value.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Some(t);
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(value) {
        return Some(t);
    }
    if let Ok(d) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|t| utc(t).fixed_offset());
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(value, format) {
            return Some(utc(t).fixed_offset());
        }
    }
    None
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    Utc.from_utc_datetime(&t)
}

/// Shortens `text` to at most `max` characters, marking the cut with an ellipsis.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_usual_date_forms() {
        for value in [
            "2024-11-22",
            "2024-11-22T10:00:00Z",
            "2024-11-22T10:00:00+02:00",
            "Fri, 22 Nov 2024 10:00:00 GMT",
            "2024-11-22 10:00",
        ] {
            let t = parse_timestamp(value).expect(value);
            assert_eq!(t.date_naive().to_string(), "2024-11-22", "{value}");
        }
        assert!(parse_timestamp("yesterday").is_none());
    }

    #[test]
    fn clip_marks_the_cut() {
        assert_eq!(clip("abcdef", 4), "abc…");
        assert_eq!(clip("abc", 4), "abc");
    }
}

/// A hasher for keys that are already well-mixed 64-bit hashes: it passes them through.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = mix64(self.0 ^ u64::from(b));
        }
    }

    fn write_u64(&mut self, value: u64) {
        // Tuples of keys are folded, single keys pass through.
        self.0 = if self.0 == 0 { value } else { mix64(self.0 ^ value) };
    }

    fn write_u32(&mut self, value: u32) {
        self.write_u64(mix64(u64::from(value)));
    }
}

/// A hash map keyed by 64-bit hashes.
pub type KeyMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<KeyHasher>>;
