//! Tests of the date stage, one expression form at a time.

use std::path::Path;

use chrono::NaiveDate;

use super::*;

const TIMELINE: &str = r#"
[[event]]
name = "WHO declares COVID-19 a pandemic"
date = "2020-03-11"
terms = ["declared a pandemic", "declared COVID-19 a pandemic"]

[[event]]
name = "Russia invades Ukraine"
date = "2022-02-24"
terms = ["invaded Ukraine", "invasion of Ukraine"]

[[event]]
name = "Kinzhal first used"
date = "2022-03-19"
terms = ["Kinzhal"]

[[event]]
name = "Peace talks in Istanbul"
date = "2022-03-29"
terms = ["talks in Istanbul"]

[[event]]
name = "Oreshnik first used"
date = "2024-11-21"
terms = ["Oreshnik", "Orechnik"]

[[event]]
name = "Snap election"
date = 2025-02-23
terms = ["snap election"]

[[role]]
name = "Tod Wolters, commander of US European Command"
from = "2019-05-03"
until = "2022-07-01"
terms = ["Tod Wolters"]

[[role]]
name = "Joe Biden, President of the United States"
from = "2021-01-20"
until = "2025-01-20"
terms = ["President Joe Biden", "US President Joe Biden"]
holder = ["Joe Biden", "Biden"]
titles = ["President", "US President"]

[[role]]
name = "Angela Merkel, Chancellor of Germany"
from = "2005-11-22"
until = "2021-12-08"
terms = ["Chancellor Angela Merkel"]

[[role]]
name = "Jens Stoltenberg, Secretary General of NATO"
from = "2014-10-01"
until = "2024-10-01"
terms = ["Jens Stoltenberg"]

[[role]]
name = "Pope Francis"
from = "2013-03-13"
until = "2025-04-21"
terms = ["Pope Francis"]

[[role]]
name = "Donald Trump, President (first term)"
from = "2017-01-20"
until = "2021-01-20"
terms = ["President Donald Trump"]

[[role]]
name = "Donald Trump, President (second term)"
from = "2025-01-20"
terms = ["President Donald Trump"]

[[role]]
name = "Keir Starmer, Prime Minister"
from = "2024-07-05"
terms = ["Prime Minister Keir Starmer"]
"#;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

fn timeline() -> Timeline {
    Timeline::from_toml(TIMELINE, Path::new("test.toml")).expect("test timeline")
}

/// Assesses a text framed (and published) on a day.
fn check(text: &str, framed: NaiveDate) -> Assessment {
    let timeline = timeline();
    let context = Context { timeline: &timeline, as_of: None, max_age_days: 30 };
    assess_text(text, &[], Some(framed), Some(framed), &context)
}

/// Assesses a text framed on a day with no stated published date.
fn check_unpublished(text: &str, framed: NaiveDate) -> Assessment {
    let timeline = timeline();
    let context = Context { timeline: &timeline, as_of: None, max_age_days: 30 };
    assess_text(text, &[], Some(framed), None, &context)
}

/// The evidence whose phrase is `needle`, else the first that contains it.
fn evidence<'a>(assessment: &'a Assessment, needle: &str) -> &'a DateEvidence {
    let all = &assessment.content.evidence;
    all.iter()
        .find(|e| e.phrase == needle)
        .or_else(|| all.iter().find(|e| e.phrase.contains(needle)))
        .unwrap_or_else(|| panic!("no evidence with {needle:?} in {:#?}", assessment.content.evidence))
}

fn no_evidence(assessment: &Assessment, needle: &str) -> bool {
    !assessment.content.evidence.iter().any(|e| e.phrase.contains(needle))
}

// ------------------------------------------------------------------ explicit dates

#[test]
fn a_full_date_bounds_the_content_from_below() {
    let a = check("The agency said the project was approved on Nov. 22, 2024, after a long wait.\n\nThe second paragraph says it again on 22 November 2024 and cites a report dated 2024-11-20.", d(2024, 12, 1));
    let e = evidence(&a, "Nov. 22, 2024");
    assert_eq!((e.bound, e.kind), (Bound::Near, Strength::Hard), "a lead's date is the reported day");
    assert_eq!(e.implies.from, d(2024, 11, 22));
    let e = evidence(&a, "22 November 2024");
    assert_eq!((e.bound, e.not_before), (Bound::NotBefore, Some(d(2024, 11, 22))));
    let e = evidence(&a, "2024-11-20");
    assert_eq!(e.not_before, Some(d(2024, 11, 20)));
    assert_eq!(e.line, 3);
    assert_eq!(&"The agency said the project was approved on Nov. 22, 2024, after a long wait.\n\nThe second paragraph says it again on 22 November 2024 and cites a report dated 2024-11-20."[e.offset..e.offset + 10], "2024-11-20");
    assert!(!a.stale);
}

#[test]
fn months_and_years_bound_from_their_start() {
    let a = check("Trading on the exchange opened quietly today for the first time in years.\nThe plan dates from March 2022 and was revised in 2019.", d(2024, 5, 1));
    assert_eq!(evidence(&a, "March 2022").not_before, Some(d(2022, 3, 1)));
    assert_eq!(evidence(&a, "2019").not_before, Some(d(2019, 1, 1)));
    assert_eq!(a.content.not_before, Some(d(2022, 3, 1)));
}

#[test]
fn a_lead_date_in_the_past_makes_an_item_stale() {
    let a = check(
        "MILLBROOK, March 3 (Wire) - The city council voted on Wednesday, March 3, 2021, to build a network of protected cycle lanes.",
        d(2024, 3, 6),
    );
    let e = evidence(&a, "Wednesday, March 3, 2021");
    assert!(e.note.contains("Wednesday fits 2021-03-03"), "{}", e.note);
    let dateline = evidence(&a, "March 3");
    assert_eq!(dateline.implies.from, d(2021, 3, 3), "the dateline takes the year written elsewhere");
    assert!(a.stale);
    assert_eq!(a.content.not_after, Some(d(2021, 3, 10)));
    assert_eq!(a.age_days, Some(1092));
}

#[test]
fn a_weekday_that_does_not_fit_lowers_the_confidence() {
    let a =
        check("Later paragraphs only.\nThe vote took place on Tuesday, March 3, 2021, in the hall.", d(2021, 3, 10));
    let e = evidence(&a, "March 3, 2021");
    assert!(e.note.contains("does not fit"), "{}", e.note);
    assert!(e.confidence < 0.9);
}

// ---------------------------------------------------------- dates without a year

#[test]
fn a_month_and_day_without_year_is_the_nearest_past_one_around_new_year() {
    let a = check_unpublished("Opening line of the story, long enough to be a lead sentence for sure.\nThe storm hit on December 30 and again on January 1.", d(2025, 1, 2));
    let e = evidence(&a, "December 30");
    assert_eq!(e.implies.from, d(2024, 12, 30));
    assert_eq!(e.kind, Strength::Soft, "a year read from the framing date is soft");
    assert_eq!(evidence(&a, "January 1").implies.from, d(2025, 1, 1));
    // A few days ahead is still this year; further ahead is last year.
    let a = check_unpublished("Opening line of the story, long enough to be a lead sentence for sure.\nIt opened on January 4 and closed on March 9.", d(2025, 1, 2));
    assert_eq!(evidence(&a, "January 4").implies.from, d(2025, 1, 4));
    assert_eq!(evidence(&a, "March 9").implies.from, d(2024, 3, 9));
}

#[test]
fn a_date_looked_forward_to_is_the_next_one() {
    let a = check(
        "Germans are due to vote on February 23 after the coalition broke up this month in a row over money.",
        d(2024, 11, 26),
    );
    let e = evidence(&a, "February 23");
    assert_eq!((e.bound, e.implies.from), (Bound::NotAfter, d(2025, 2, 23)));
}

#[test]
fn a_weekday_narrows_the_year_of_a_month_and_day() {
    let a = check(
        "PORTHAVEN (Wire) - The captain told a public inquiry on Thursday, November 18, that a steering fault had been reported.",
        d(2024, 11, 20),
    );
    let e = evidence(&a, "Thursday, November 18");
    assert_eq!(e.implies.from, d(2021, 11, 18));
    assert_eq!(e.kind, Strength::Hard);
    assert!(e.note.contains("2021"), "{}", e.note);
    assert!(a.stale, "November 18 was a Monday in 2024: the story is from 2021");

    // The same form in the framing year fits and is current.
    let a = check(
        "KENDAL (Wire) - The water company announced on Tuesday, June 3, that it will impose a hosepipe ban from Friday, June 20.",
        d(2025, 6, 3),
    );
    assert_eq!(evidence(&a, "Tuesday, June 3").implies.from, d(2025, 6, 3));
    let e = evidence(&a, "Friday, June 20");
    assert_eq!((e.bound, e.implies.from), (Bound::NotAfter, d(2025, 6, 20)));
    assert!(!a.stale);
}

#[test]
fn a_month_and_day_takes_the_year_of_an_event_named_beside_it() {
    let a = check(
        "Residents returned on Tuesday after more than a month of fighting since Russian forces invaded Ukraine on February 24.",
        d(2024, 4, 2),
    );
    let e = evidence(&a, "February 24");
    assert_eq!((e.implies.from, e.kind, e.bound), (d(2022, 2, 24), Strength::Hard, Bound::NotBefore));
    let e = evidence(&a, "more than a month of fighting since");
    assert_eq!(e.implies, Span::new(d(2022, 3, 24), d(2022, 4, 24)));
    assert_eq!(e.bound, Bound::Near);
    assert!(a.stale);
}

// -------------------------------------------------------------- relative words

#[test]
fn relative_words_are_read_from_the_framing_date() {
    // 2024-11-23 is a Saturday.
    let a = check_unpublished(
        "Putin ordered mass production this Friday, the day after the strike this Thursday. Biden lifted his veto last weekend. Officials met earlier today. The inquiry opened last March and reports next week.",
        d(2024, 11, 23),
    );
    assert_eq!(evidence(&a, "this Friday").implies.from, d(2024, 11, 22));
    assert_eq!(evidence(&a, "this Thursday").implies.from, d(2024, 11, 21));
    assert_eq!(evidence(&a, "last weekend").implies, Span::new(d(2024, 11, 16), d(2024, 11, 17)));
    assert_eq!(evidence(&a, "earlier today").implies, Span::day(d(2024, 11, 23)));
    assert_eq!(evidence(&a, "last March").implies, Span::new(d(2024, 3, 1), d(2024, 3, 31)));
    assert_eq!(evidence(&a, "next week").bound, Bound::NotAfter);
    assert!(a.content.evidence.iter().all(|e| e.kind == Strength::Soft));
    assert!(!a.undated && !a.stale);
    assert_eq!(a.content.not_after, None, "soft evidence bounds nothing");
}

#[test]
fn ago_counts_back_from_the_framing_date_or_forward_from_a_named_event() {
    let a = check_unpublished(
        "The depot was hit ten days ago, officials said in a statement on the matter.",
        d(2024, 11, 23),
    );
    let e = evidence(&a, "ten days ago");
    assert_eq!((e.kind, e.implies), (Strength::Soft, Span::new(d(2024, 11, 12), d(2024, 11, 14))));

    let a = check_unpublished(
        "Just ten days ago, Russia announced that it used hypersonic Kinzhal missiles.",
        d(2024, 11, 23),
    );
    let e = evidence(&a, "ten days ago");
    assert_eq!((e.kind, e.bound), (Strength::Hard, Bound::Near));
    assert_eq!(e.implies, Span::new(d(2022, 3, 28), d(2022, 3, 30)));
    assert!(e.phrase.contains("Kinzhal"));
    assert!(a.stale);
}

#[test]
fn durations_after_a_named_event_date_the_content() {
    let a = check(
        "The hospital cancelled surgery on Monday, nearly two weeks after the World Health Organization declared a pandemic.",
        d(2024, 3, 25),
    );
    let e = evidence(&a, "nearly two weeks after");
    assert_eq!(e.implies, Span::new(d(2020, 3, 22), d(2020, 3, 25)));
    assert_eq!(e.kind, Strength::Hard);
    assert!(a.stale);
}

#[test]
fn a_duration_of_fighting_counts_from_the_start_of_the_fighting_mentioned_before() {
    let a = check_unpublished(
        "Talks are currently taking place in Istanbul.\nIt was the first concession since the invasion of Ukraine began on February 24.\nMore soldiers died in around a month of fighting than in a decade in Afghanistan.",
        d(2024, 11, 23),
    );
    let e = evidence(&a, "around a month of fighting");
    assert_eq!(e.bound, Bound::Near);
    assert!(e.implies.contains(d(2022, 3, 24)), "{}", e.implies);
    assert!(e.note.contains("Russia invades Ukraine"), "{}", e.note);
}

#[test]
fn nearly_three_years_ago_is_history_without_an_event_and_an_estimate_with_one() {
    let a = check_unpublished(
        "Kyiv relies on Western support against the Russian onslaught that began nearly three years ago.",
        d(2024, 11, 23),
    );
    assert_eq!(evidence(&a, "nearly three years ago").bound, Bound::History);
    assert!(a.undated);
    let a = check_unpublished(
        "Ukraine has fought the invasion of Ukraine that began nearly three years ago, officials said.",
        d(2024, 11, 23),
    );
    let e = evidence(&a, "nearly three years ago");
    assert_eq!((e.bound, e.kind), (Bound::Near, Strength::Soft));
    assert!(e.implies.contains(d(2024, 11, 23)), "{}", e.implies);
}

// ------------------------------------------------------------------- timeline

#[test]
fn an_event_named_bounds_the_content_from_below() {
    let a =
        check_unpublished("Russia fired an Orechnik missile at the city of Dnipro, officials said.", d(2024, 11, 23));
    let e = evidence(&a, "Orechnik");
    assert_eq!((e.bound, e.not_before), (Bound::NotBefore, Some(d(2024, 11, 21))));
    assert_eq!(e.source, "timeline:Oreshnik first used");
    // Matching is case-insensitive and on word boundaries only.
    let a = check_unpublished("The ORESHNIK system was shown; the Oreshnikov family was not.", d(2024, 11, 23));
    assert_eq!(a.content.evidence.iter().filter(|e| e.source.starts_with("timeline:")).count(), 1);
}

#[test]
fn an_event_under_way_pins_the_content_near_its_date() {
    let a = check_unpublished(
        "Moscow said this was meant to build trust at the talks in Istanbul, which are currently under way.",
        d(2024, 11, 23),
    );
    let e = evidence(&a, "talks in Istanbul, which are currently");
    assert_eq!(e.bound, Bound::Near);
    assert_eq!(e.implies, Span::new(d(2022, 3, 28), d(2022, 4, 12)));
    assert!(a.stale);
    // A long-running event is never pinned by "currently".
    let a = check_unpublished("The invasion of Ukraine is currently in its third year.", d(2024, 11, 23));
    assert_eq!(evidence(&a, "invasion of Ukraine").bound, Bound::NotBefore);
    assert!(!a.stale);
}

#[test]
fn an_event_looked_forward_to_bounds_from_above() {
    let a = check("Germans are due to vote in a snap election early next year, the chancellor said.", d(2024, 11, 26));
    let e = evidence(&a, "snap election");
    assert_eq!((e.bound, e.implies.to), (Bound::NotAfter, d(2025, 2, 23)));
    assert!(!a.date_conflict);
}

#[test]
fn a_role_holder_named_as_current_bounds_the_content_by_the_tenure() {
    let a = check_unpublished(
        "Air Force General Tod Wolters, the top US military commander in Europe, told a Senate hearing.",
        d(2024, 11, 23),
    );
    let e = evidence(&a, "Tod Wolters");
    assert_eq!((e.bound, e.not_before, e.not_after), (Bound::NotAfter, Some(d(2019, 5, 3)), Some(d(2022, 7, 1))));
    assert!(a.stale);
    let a = check_unpublished("US President Joe Biden lifted his veto on the strikes last weekend.", d(2024, 11, 23));
    assert_eq!(evidence(&a, "US President Joe Biden").not_after, Some(d(2025, 1, 20)));
    assert!(!a.stale);
}

#[test]
fn a_holder_named_with_a_title_in_apposition_counts_as_current() {
    let a = check_unpublished("Joe Biden, the US president, said the aid would go ahead.", d(2023, 5, 1));
    let e = evidence(&a, "Joe Biden, the US president");
    assert_eq!(e.not_after, Some(d(2025, 1, 20)));
    let a = check_unpublished("Joe Biden, a former president, spoke at the event.", d(2025, 5, 1));
    assert!(no_evidence(&a, "Joe Biden"));
    let a = check_unpublished("Joe Biden said the aid would go ahead.", d(2023, 5, 1));
    assert!(no_evidence(&a, "Joe Biden"), "a bare name says nothing about office");
}

#[test]
fn former_then_ex_late_and_past_framing_mark_a_holder_as_not_current() {
    for text in [
        "Former Chancellor Angela Merkel presented her memoir in Berlin.",
        "The monument was designated by then-Chancellor Angela Merkel at the time.",
        "The deal was struck by ex-Chancellor Angela Merkel and her cabinet.",
        "Crowds mourned the late Pope Francis in St Peter's Square.",
        "Jens Stoltenberg, now Norway's finance minister, led NATO for ten years.",
        "Jens Stoltenberg, who was NATO's chief for a decade, spoke in Oslo.",
        "She served as Chancellor Angela Merkel's spokeswoman for years.",
    ] {
        let a = check_unpublished(text, d(2025, 6, 1));
        assert!(!a.stale, "{text}");
        assert!(
            a.content.evidence.iter().filter(|e| e.source.starts_with("timeline:")).all(|e| e.bound == Bound::History),
            "{text}: {:#?}",
            a.content.evidence
        );
    }
    let a = check_unpublished(
        "German Chancellor Angela Merkel said on Tuesday that Germany must move faster.",
        d(2025, 2, 11),
    );
    assert_eq!(evidence(&a, "Chancellor Angela Merkel").bound, Bound::NotAfter);
    assert!(a.stale);
}

#[test]
fn a_phrase_shared_by_two_tenures_takes_the_one_around_the_framing_date() {
    let text = "US President Donald Trump said on Wednesday that farmers would get more aid.";
    let a = check(text, d(2023, 10, 4));
    assert_eq!(evidence(&a, "President Donald Trump").not_after, Some(d(2021, 1, 20)));
    assert!(a.stale, "between the two terms the first one applies");
    // A bare title is how outlets name former holders too: it shapes the estimate only.
    let bare = check("President Donald Trump said on Wednesday that farmers would get more aid.", d(2023, 10, 4));
    assert_eq!(evidence(&bare, "President Donald Trump").kind, Strength::Soft);
    assert!(!bare.stale);
    let a = check(text, d(2025, 6, 14));
    assert_eq!(evidence(&a, "President Donald Trump").not_before, Some(d(2025, 1, 20)));
    assert!(!a.stale);
    let a = check_unpublished("Incoming President Donald Trump promised to end the war.", d(2024, 11, 23));
    assert_eq!(evidence(&a, "President Donald Trump").bound, Bound::History);
    assert!(!a.stale);
}

// -------------------------------------------------------------------- history

#[test]
fn anniversaries_and_retrospectives_are_history() {
    let a = check(
        "GENEVA (Wire) - The world is not ready, Tedros said on Tuesday, five years after the WHO declared COVID-19 a pandemic.\nOn Wednesday, March 11, 2020, Tedros announced the outbreak was a pandemic.",
        d(2025, 3, 11),
    );
    assert_eq!(evidence(&a, "declared COVID-19 a pandemic").bound, Bound::History);
    let e = evidence(&a, "five years after");
    assert_eq!((e.bound, e.kind), (Bound::Near, Strength::Soft));
    assert!(e.implies.contains(d(2025, 3, 11)));
    assert_eq!(evidence(&a, "March 11, 2020").bound, Bound::History, "the day of an event told as history");
    assert!(!a.stale);

    for (text, needle) in [
        ("The city marked the tenth anniversary of the Nepal earthquake of 2015 with a silence.", "2015"),
        ("In 2020, when the pandemic began, nearly half of the workers were at home.", "2020"),
        ("Ashcombe Town won the cup for the first time since 1998 on Sunday.", "1998"),
        ("A former finance director was charged on Wednesday over a 2019 fraud.", "2019"),
    ] {
        let a = check(text, d(2025, 5, 18));
        assert_eq!(evidence(&a, needle).bound, Bound::History, "{text}");
        assert!(!a.stale, "{text}");
    }
    let a = check_unpublished("The centre opened a decade ago, its founder recalled.", d(2025, 5, 18));
    assert_eq!(evidence(&a, "a decade ago").bound, Bound::History);
    let a = check("Ashcombe Town won the cup for the first time since 1998 on Sunday.", d(2025, 5, 18));
    assert_eq!(evidence(&a, "on Sunday").bound, Bound::Near, "history ends with the year");
}

#[test]
fn the_years_of_an_obituary_are_history() {
    let a = check(
        "The conductor has died at the age of 91, the orchestra said on Monday.\nBorn in Malmo in 1933, he made his debut in 1958 and led the orchestra until 2004.",
        d(2025, 5, 12),
    );
    for year in ["1933", "1958", "2004"] {
        assert_eq!(evidence(&a, year).bound, Bound::History, "{year}");
    }
    assert!(!a.stale && !a.undated);
}

// ------------------------------------------------------------------- verdicts

#[test]
fn an_item_with_nothing_datable_is_undated() {
    let a = check(
        "Tides rise and fall twice a day, every 24 hours and 50 minutes. The cycle from spring to neap tides takes about two weeks. A hedgehog may travel a mile in a night.",
        d(2025, 1, 20),
    );
    assert!(a.undated, "{:#?}", a.content.evidence);
    assert_eq!(a.flags(), vec![crate::model::Flag::Undated]);
    assert_eq!(a.age_days, None);
}

#[test]
fn a_published_date_before_the_content_is_a_date_conflict() {
    let a = check("Russia fired an Oreshnik missile at Dnipro, officials said.", d(2024, 6, 1));
    assert!(a.date_conflict);
    assert!(a.flags().contains(&crate::model::Flag::DateConflict));
    assert!(a.content.conflicts[0].message.contains("2024-11-21"), "{:?}", a.content.conflicts);
}

#[test]
fn contradicting_evidence_is_reported_not_hidden() {
    let a = check_unpublished(
        "German Chancellor Angela Merkel spoke about the Oreshnik missile strike on Dnipro.",
        d(2024, 11, 25),
    );
    assert_eq!(a.content.conflicts.len(), 1, "{:#?}", a.content);
    assert!(a.content.evidence.iter().any(|e| e.set_aside));
    assert!(a.content.conflicts[0].phrases.iter().any(|p| p.contains("Merkel")));
}

#[test]
fn the_maximum_age_is_configurable() {
    let timeline = timeline();
    let text = "NATO chief Jens Stoltenberg said on Monday the allies would strengthen air defences.";
    let strict = Context { timeline: &timeline, as_of: None, max_age_days: 30 };
    let lenient = Context { timeline: &timeline, as_of: None, max_age_days: 365 };
    let framed = Some(d(2025, 1, 13));
    assert!(assess_text(text, &[], framed, framed, &strict).stale);
    assert!(!assess_text(text, &[], framed, framed, &lenient).stale);
}

#[test]
fn skipped_lines_are_not_read() {
    let timeline = timeline();
    let context = Context { timeline: &timeline, as_of: None, max_age_days: 30 };
    let text = "Sign up: our Oreshnik explainer from 2019.\nThe council met on Monday to discuss the budget.";
    let a = assess_text(text, &[1], Some(d(2025, 1, 1)), None, &context);
    assert!(no_evidence(&a, "Oreshnik") && no_evidence(&a, "2019"));
}

#[test]
fn the_framing_date_is_published_then_fetched_then_as_of() {
    let as_of = Some(d(2024, 11, 23));
    let mut item = Item::default();
    assert_eq!(framing(&item, as_of), (as_of, FramingBasis::AsOf));
    item.fetched = crate::util::parse_timestamp("2024-11-20");
    assert_eq!(framing(&item, as_of), (Some(d(2024, 11, 20)), FramingBasis::Fetched));
    item.published = crate::util::parse_timestamp("2024-11-19T10:00:00Z");
    assert_eq!(framing(&item, as_of), (Some(d(2024, 11, 19)), FramingBasis::Published));
}

// ------------------------------------------------------------------ timelines

#[test]
fn a_bad_timeline_names_the_file_and_the_entry() {
    let bad = "[[event]]\nname = \"Summit\"\ndate = \"2024-13-01\"\nterms = [\"summit\"]\n";
    let error = Timeline::from_toml(bad, Path::new("beat.toml")).expect_err("bad date").to_string();
    assert!(
        error.contains("beat.toml") && error.contains("[[event]] 1 \"Summit\"") && error.contains("2024-13-01"),
        "{error}"
    );
    let bad = "[[role]]\nname = \"Someone\"\nfrom = \"2020-01-01\"\n";
    let error = Timeline::from_toml(bad, Path::new("beat.toml")).expect_err("no terms").to_string();
    assert!(error.contains("[[role]] 1 \"Someone\"") && error.contains("terms"), "{error}");
    let bad = "[[event]]\nname = \"Summit\"\ndate = \"2024-01-01\"\nterms = [\"summit\"]\nwhen = 3\n";
    let error = Timeline::from_toml(bad, Path::new("beat.toml")).expect_err("unknown key").to_string();
    assert!(error.contains("beat.toml") && error.contains("line 5") && error.contains("when"), "{error}");
    let bad =
        "[[role]]\nname = \"Someone\"\nfrom = \"2020-01-01\"\nuntil = \"2019-01-01\"\nterms = [\"Someone Else\"]\n";
    assert!(Timeline::from_toml(bad, Path::new("beat.toml")).is_err());
}

#[test]
fn user_entries_win_on_the_same_name_or_term() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("mine.toml");
    std::fs::write(
        &path,
        "[[event]]\nname = \"Oreshnik missile first used, on Dnipro\"\ndate = \"2024-11-22\"\nterms = [\"Oreshnik\"]\n\n[[event]]\nname = \"My own event\"\ndate = \"2020-01-01\"\nterms = [\"Orechnik\"]\n",
    )
    .expect("write");
    let merged = Timeline::load(true, &[path]).expect("load");
    let named: Vec<_> = merged.events.iter().filter(|e| e.name == "Oreshnik missile first used, on Dnipro").collect();
    assert_eq!(named.len(), 1);
    assert_eq!(named[0].date, d(2024, 11, 22));
    let orechnik: Vec<_> = merged.events.iter().filter(|e| e.terms.iter().any(|t| t == "Orechnik")).collect();
    assert_eq!(orechnik.len(), 1);
    assert_eq!(orechnik[0].name, "My own event");
}

#[test]
fn the_built_in_timeline_parses() {
    let builtin = Timeline::builtin().expect("built-in timeline");
    assert!(builtin.events.len() > 10 && builtin.roles.len() > 10);
}

#[test]
fn terms_match_typographic_apostrophes_and_quotes() {
    let timeline = Timeline::from_toml(
        "[[event]]\nname = \"First phase\"\ndate = \"2022-03-25\"\nterms = [\"\\\"first phase\\\" of operations\", \"Norway's fund\"]\n",
        Path::new("t.toml"),
    )
    .expect("timeline");
    assert_eq!(timeline.find("the “first phase” of operations was done").len(), 1);
    assert_eq!(timeline.find("Norway’s fund grew").len(), 1);
}

#[test]
fn terms_are_found_on_word_boundaries_only() {
    let timeline = Timeline::from_toml(
        "[[event]]\nname = \"Summit\"\ndate = \"2022-03-25\"\nterms = [\"Abe\", \"Kim\", \"-Abe\"]\n",
        Path::new("t.toml"),
    )
    .expect("timeline");
    let text = "Aberdeen's label Abe met Kim in a Kimchi; Abe. xAbe,Abe bKim-Abe maKim Kim";
    let found: Vec<&str> = timeline.find(text).iter().map(|m| &text[m.start..m.end]).collect();
    let starts: Vec<usize> = timeline.find(text).iter().map(|m| m.start).collect();
    assert_eq!(found, ["Abe", "Kim", "Abe", "Abe", "-Abe", "Kim"]);
    assert_eq!(starts, [17, 25, 42, 52, 60, 71]);
}

#[test]
fn looking_ahead_needs_a_verb_of_the_future() {
    for text in [
        "Patients waiting for planned treatment rose, a report published on Thursday said.",
        "Trains were cancelled due to the storm on Thursday, the operator said.",
        "Only a fifth of scheduled trains ran on Thursday, the operator said.",
    ] {
        let a = check_unpublished(text, d(2024, 6, 1));
        assert_eq!(evidence(&a, "on Thursday").bound, Bound::Near, "{text}");
    }
    let a = check_unpublished("The minister is due to meet the unions on Thursday.", d(2024, 6, 1));
    assert_eq!(evidence(&a, "on Thursday").bound, Bound::NotAfter);
}

#[test]
fn text_full_of_multibyte_characters_is_read_without_panicking() {
    let pieces = [
        "“Five years after” — the ’anniversary’ of the “Oreshnik” strike, ",
        "ten days ago ‒ Kinzhal, currently “under way” – in 2019, when… ",
        "Jens Stoltenberg, « now » Norway’s minister, said on Tuesday, 3 März 2024; ",
        "Former Chancellor Angela Merkel – née Kasner – born in 1954 ",
        "日本 on Friday, March 3, 2021 — 2022-03-29 — the 1980s ",
    ];
    let timeline = timeline();
    let context = Context { timeline: &timeline, as_of: None, max_age_days: 30 };
    for start in 0..pieces.len() {
        let text: String = pieces.iter().cycle().skip(start).take(7).copied().collect();
        for cut in (0..text.len()).filter(|i| text.is_char_boundary(*i)).step_by(7) {
            let _ = assess_text(&text[..cut], &[], Some(d(2024, 11, 23)), None, &context);
            let _ = assess_text(&text[cut..], &[1], Some(d(2024, 11, 23)), None, &context);
        }
    }
}

#[test]
fn a_duration_since_a_written_date_counts_from_that_date() {
    let a = check_unpublished(
        "Moscow has lost more troops in around a month of fighting since February 24 than in Afghanistan.",
        d(2022, 3, 28),
    );
    let e = evidence(&a, "around a month of fighting since");
    assert_eq!(e.bound, Bound::Near);
    assert!(e.implies.contains(d(2022, 3, 24)), "{}", e.implies);
    assert!(e.note.contains("February 24"), "{}", e.note);
}

#[test]
fn a_holder_named_beside_a_past_date_of_the_tenure_is_history() {
    let a =
        check("In 2016, Chancellor Angela Merkel opened the border to refugees, the book recalls.", d(2024, 11, 26));
    let e = evidence(&a, "Chancellor Angela Merkel");
    assert_eq!(e.bound, Bound::History);
    assert!(e.note.contains("2016"), "{}", e.note);
    assert!(!a.stale);
    // A date outside the tenure does not make it history.
    let a = check("Chancellor Angela Merkel said the 1990 reunification was a gift.", d(2025, 2, 11));
    assert_eq!(evidence(&a, "Chancellor Angela Merkel").bound, Bound::NotAfter);
}

#[test]
fn the_reported_day_is_the_first_full_date_of_the_lead() {
    let a = check_unpublished(
        "Storm closes harbour\n\nPosted: April 28, 2009\n\nThe harbour of Millbrook was closed on Tuesday as \
         the storm reached the coast, the port authority said.\n\nThe last such closure, on December 11, 2008, \
         lasted three days.",
        d(2009, 4, 30),
    );
    assert_eq!(a.reported, Some(d(2009, 4, 28)));
    assert_eq!(a.days_named, vec![d(2008, 12, 11), d(2009, 4, 28)]);
    // A full date only later in the text is named, not reported.
    let a = check_unpublished(
        "The harbour of Millbrook was closed again as the storm reached the coast, the port authority said.\n\n\
         The last closure, on December 11, 2008, lasted three days.",
        d(2009, 4, 30),
    );
    assert_eq!(a.reported, None);
    assert_eq!(a.days_named, vec![d(2008, 12, 11)]);
}
