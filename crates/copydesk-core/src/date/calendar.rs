//! Calendar arithmetic and the written forms of dates: month and weekday names, complete
//! written dates, spans of days, and the year a date written without one most likely
//! belongs to.

use std::sync::LazyLock;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use regex::Regex;
use serde::Serialize;

/// A closed range of days: the content falls somewhere in it, as far as one piece of
/// evidence says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Span {
    /// A span of one day.
    pub fn day(date: NaiveDate) -> Span {
        Span { from: date, to: date }
    }

    /// A span between two days, in either order.
    pub fn new(a: NaiveDate, b: NaiveDate) -> Span {
        Span { from: a.min(b), to: a.max(b) }
    }

    /// The whole of a month.
    pub fn month(year: i32, month: u32) -> Option<Span> {
        let from = NaiveDate::from_ymd_opt(year, month, 1)?;
        let to = from.checked_add_months(Months::new(1))?.pred_opt()?;
        Some(Span { from, to })
    }

    /// The whole of a year.
    pub fn year(year: i32) -> Option<Span> {
        Some(Span { from: NaiveDate::from_ymd_opt(year, 1, 1)?, to: NaiveDate::from_ymd_opt(year, 12, 31)? })
    }

    /// The day in the middle.
    pub fn middle(&self) -> NaiveDate {
        let half = (self.to - self.from).num_days() / 2;
        self.from.checked_add_days(Days::new(half as u64)).unwrap_or(self.from)
    }

    /// The span moved by a number of days (negative moves it back).
    pub fn shift(&self, days: i64) -> Span {
        Span { from: add_days(self.from, days), to: add_days(self.to, days) }
    }

    /// Whether a day falls inside.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

impl std::fmt::Display for Span {
    /// One day as `YYYY-MM-DD`, a longer span as an ISO 8601 interval `YYYY-MM-DD/YYYY-MM-DD`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}/{}", self.from, self.to)
        }
    }
}

impl Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A day moved by a number of days; dates out of chrono's range stay where they are.
pub fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        date.checked_add_days(Days::new(days as u64)).unwrap_or(date)
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs())).unwrap_or(date)
    }
}

/// A day moved by a number of months, clamped to the end of shorter months.
pub fn add_months(date: NaiveDate, months: i64) -> NaiveDate {
    let m = Months::new(months.unsigned_abs().min(u32::MAX as u64) as u32);
    let moved = if months >= 0 { date.checked_add_months(m) } else { date.checked_sub_months(m) };
    moved.unwrap_or(date)
}

/// Days from `earlier` to `later` (negative when `later` is earlier).
pub fn days_between(earlier: NaiveDate, later: NaiveDate) -> i64 {
    (later - earlier).num_days()
}

static WRITTEN_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})|(\d{1,2})\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})|(\d{4})-(\d{2})-(\d{2}))\b",
    )
    .expect("date pattern")
});

/// The first complete written date (`November 23, 2024`, `23 Nov 2024`, `2024-11-23`).
pub fn find_written_date(text: &str) -> Option<NaiveDate> {
    let caps = WRITTEN_DATE.captures(text)?;
    let (year, month, day) = if let Some(month) = caps.get(1) {
        (caps.get(3)?.as_str(), month_number(month.as_str())?, caps.get(2)?.as_str())
    } else if let Some(month) = caps.get(5) {
        (caps.get(6)?.as_str(), month_number(month.as_str())?, caps.get(4)?.as_str())
    } else {
        let month: u32 = caps.get(8)?.as_str().parse().ok()?;
        (caps.get(7)?.as_str(), month, caps.get(9)?.as_str())
    };
    NaiveDate::from_ymd_opt(year.parse().ok()?, month, day.parse().ok()?)
}

/// The full English month names, January first.
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// January is 1. Takes full names and the usual abbreviations, in any case, with or
/// without a final dot.
pub fn month_number(name: &str) -> Option<u32> {
    let lower = name.trim_end_matches('.').to_ascii_lowercase();
    if lower.len() < 3 {
        return None;
    }
    let position = MONTHS.iter().position(|month| {
        *month == lower || (lower.len() <= 4 && month.starts_with(&lower) && (lower.len() == 3 || lower == "sept"))
    })?;
    Some(position as u32 + 1)
}

/// The full English weekday names, Monday first, with their weekdays.
pub const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Mon),
    ("tuesday", Weekday::Tue),
    ("wednesday", Weekday::Wed),
    ("thursday", Weekday::Thu),
    ("friday", Weekday::Fri),
    ("saturday", Weekday::Sat),
    ("sunday", Weekday::Sun),
];

/// The weekday a name stands for (`Thursday`, `Thu`, `Thurs`), in any case.
pub fn weekday(name: &str) -> Option<Weekday> {
    let lower = name.trim_end_matches('.').to_ascii_lowercase();
    if lower.len() < 3 {
        return None;
    }
    WEEKDAYS.iter().find(|(full, _)| *full == lower || (full.starts_with(&lower) && lower.len() <= 5)).map(|(_, d)| *d)
}

/// The English name of a weekday.
pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// Which way a date written without a year is read from its anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The text reports it as past or present: the latest such day not more than
    /// [`FUTURE_TOLERANCE_DAYS`] after the anchor.
    Past,
    /// The text looks ahead to it: the first such day not more than the tolerance before
    /// the anchor.
    Future,
}

/// How far after the anchor a date reported as past or present may still fall: a story
/// framed on Saturday may name Monday's scheduled vote without saying "next".
pub const FUTURE_TOLERANCE_DAYS: i64 = 3;

/// The year a month and day without a year belong to, seen from `anchor`: the nearest one
/// in the given direction. `None` for a day that does not exist (February 30).
pub fn resolve_month_day(month: u32, day: u32, anchor: NaiveDate, direction: Direction) -> Option<NaiveDate> {
    let candidates = (anchor.year() - 1..=anchor.year() + 1).filter_map(|y| NaiveDate::from_ymd_opt(y, month, day));
    pick(candidates, anchor, direction).or_else(|| {
        // February 29: look further for a leap year.
        let wider = (anchor.year() - 4..=anchor.year() + 4).filter_map(|y| NaiveDate::from_ymd_opt(y, month, day));
        pick(wider, anchor, direction)
    })
}

/// How many years back (and one ahead) a weekday is searched for to place a month and day.
pub const WEEKDAY_SEARCH_YEARS: i32 = 10;

/// The years in which a month and day fell on a weekday, searched from
/// [`WEEKDAY_SEARCH_YEARS`] before the anchor to one year after it, and the one picked:
/// the nearest in the given direction.
pub fn resolve_with_weekday(
    month: u32,
    day: u32,
    weekday: Weekday,
    anchor: NaiveDate,
    direction: Direction,
) -> (Option<NaiveDate>, Vec<i32>) {
    let fits: Vec<NaiveDate> = (anchor.year() - WEEKDAY_SEARCH_YEARS..=anchor.year() + 1)
        .filter_map(|y| NaiveDate::from_ymd_opt(y, month, day))
        .filter(|d| d.weekday() == weekday)
        .collect();
    let years = fits.iter().map(|d| d.year()).collect();
    (pick(fits.into_iter(), anchor, direction), years)
}

fn pick(candidates: impl Iterator<Item = NaiveDate>, anchor: NaiveDate, direction: Direction) -> Option<NaiveDate> {
    let candidates: Vec<NaiveDate> = candidates.collect();
    match direction {
        Direction::Past => {
            let limit = add_days(anchor, FUTURE_TOLERANCE_DAYS);
            candidates.iter().filter(|d| **d <= limit).max().or_else(|| candidates.iter().min()).copied()
        }
        Direction::Future => {
            let limit = add_days(anchor, -FUTURE_TOLERANCE_DAYS);
            candidates.iter().filter(|d| **d >= limit).min().or_else(|| candidates.iter().max()).copied()
        }
    }
}

/// The day a weekday named without a date ("on Tuesday") most likely is: the latest such
/// day on or before the anchor, or for a forward-looking mention the first one after it.
pub fn resolve_weekday(weekday: Weekday, anchor: NaiveDate, direction: Direction) -> NaiveDate {
    let today = anchor.weekday().num_days_from_monday() as i64;
    let wanted = weekday.num_days_from_monday() as i64;
    match direction {
        Direction::Past => add_days(anchor, -((today - wanted).rem_euclid(7))),
        Direction::Future => add_days(anchor, (wanted - today).rem_euclid(7).max(1)),
    }
}

/// The latest whole month named `month` that began on or before the anchor (or, looking
/// ahead, the first one after it).
pub fn resolve_month(month: u32, anchor: NaiveDate, direction: Direction) -> Option<Span> {
    let this_year = Span::month(anchor.year(), month)?;
    match direction {
        Direction::Past if this_year.from <= anchor => Some(this_year),
        Direction::Past => Span::month(anchor.year() - 1, month),
        Direction::Future if this_year.from > anchor => Some(this_year),
        Direction::Future => Span::month(anchor.year() + 1, month),
    }
}

/// Monday of the week a day falls in.
pub fn week_start(date: NaiveDate) -> NaiveDate {
    add_days(date, -(date.weekday().num_days_from_monday() as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn reads_written_dates() {
        let date = Some(d(2024, 11, 22));
        assert_eq!(find_written_date("on Nov. 22, 2024 at noon"), date);
        assert_eq!(find_written_date("22 November 2024"), date);
        assert_eq!(find_written_date("2024-11-22"), date);
        assert_eq!(find_written_date("November 22"), None);
    }

    #[test]
    fn month_and_weekday_names() {
        assert_eq!(month_number("Sept."), Some(9));
        assert_eq!(month_number("MAY"), Some(5));
        assert_eq!(month_number("Ma"), None);
        assert_eq!(weekday("Thurs"), Some(Weekday::Thu));
        assert_eq!(weekday("sunday"), Some(Weekday::Sun));
        assert_eq!(weekday("Sundays"), None);
    }

    #[test]
    fn a_month_and_day_without_year_is_the_nearest_past_one_around_new_year() {
        assert_eq!(resolve_month_day(12, 30, d(2025, 1, 2), Direction::Past), Some(d(2024, 12, 30)));
        assert_eq!(resolve_month_day(1, 3, d(2025, 1, 2), Direction::Past), Some(d(2025, 1, 3)));
        assert_eq!(resolve_month_day(1, 9, d(2025, 1, 2), Direction::Past), Some(d(2024, 1, 9)));
        assert_eq!(resolve_month_day(1, 9, d(2024, 12, 30), Direction::Future), Some(d(2025, 1, 9)));
        assert_eq!(resolve_month_day(2, 29, d(2025, 3, 1), Direction::Past), Some(d(2024, 2, 29)));
        assert_eq!(resolve_month_day(2, 30, d(2025, 3, 1), Direction::Past), None);
    }

    #[test]
    fn a_weekday_narrows_the_year() {
        // November 18 fell on a Thursday in 2021 and 2010; 2027 is in the future.
        let (date, years) = resolve_with_weekday(11, 18, Weekday::Thu, d(2024, 11, 20), Direction::Past);
        assert_eq!(date, Some(d(2021, 11, 18)));
        assert_eq!(years, vec![2021]);
        let (date, _) = resolve_with_weekday(4, 2, Weekday::Wed, d(2025, 3, 12), Direction::Future);
        assert_eq!(date, Some(d(2025, 4, 2)));
        let (date, _) = resolve_with_weekday(6, 3, Weekday::Tue, d(2025, 6, 3), Direction::Past);
        assert_eq!(date, Some(d(2025, 6, 3)));
    }

    #[test]
    fn weekdays_and_months_from_an_anchor() {
        // 2024-11-20 is a Wednesday.
        let anchor = d(2024, 11, 20);
        assert_eq!(resolve_weekday(Weekday::Wed, anchor, Direction::Past), anchor);
        assert_eq!(resolve_weekday(Weekday::Mon, anchor, Direction::Past), d(2024, 11, 18));
        assert_eq!(resolve_weekday(Weekday::Fri, anchor, Direction::Past), d(2024, 11, 15));
        assert_eq!(resolve_weekday(Weekday::Fri, anchor, Direction::Future), d(2024, 11, 22));
        assert_eq!(resolve_month(3, d(2023, 8, 2), Direction::Past), Span::month(2023, 3));
        assert_eq!(resolve_month(10, d(2023, 8, 2), Direction::Past), Span::month(2022, 10));
        assert_eq!(resolve_month(10, d(2023, 8, 2), Direction::Future), Span::month(2023, 10));
    }

    #[test]
    fn spans_print_as_a_day_or_an_interval() {
        assert_eq!(Span::day(d(2022, 3, 29)).to_string(), "2022-03-29");
        assert_eq!(Span::month(2022, 2).map(|s| s.to_string()).as_deref(), Some("2022-02-01/2022-02-28"));
        assert_eq!(Span::new(d(2022, 3, 1), d(2022, 3, 5)).middle(), d(2022, 3, 3));
    }
}
