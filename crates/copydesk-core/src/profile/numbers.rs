//! Numbers with their units: "15,600 soldiers", "3.9 million", "300 km", "$4.2 billion",
//! "51 percent", and scores and tallies ("2-1", "52–48"). Dates, times of day, years,
//! ordinals and small bare counts are left out: they say when, not what, and unrelated
//! stories share them. So are the labels of names ("FTSE 100", "Boeing 737"): they belong
//! to the name ([`label`]), not to the facts.

use super::lexicon;
use super::text::{Paragraph, TokenKind};

/// A number read from the text, in canonical form: the value with its scale applied, then
/// the canonical unit (`%`, `km`, `usd`, `year`…) if there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// Index of the number's token in the paragraph.
    pub token: usize,
    /// Index of the token after the quantity's scale and unit words.
    pub end: usize,
    pub value: f64,
    pub unit: Option<&'static str>,
    /// For a score or a tally ("2-1"), the second number; `value` is the first.
    pub second: Option<f64>,
}

impl Quantity {
    /// The canonical text numbers are compared by: `4200000000 usd`, `3.9 %`, `15600`.
    pub fn canonical(&self) -> String {
        if let Some(second) = self.second {
            // "Rovers won 2-1" and "Hollins lost 1-2" tell one score.
            let (high, low) = if self.value >= second { (self.value, second) } else { (second, self.value) };
            return format!("{high}-{low} score");
        }
        let value = if self.value.fract() == 0.0 && self.value.abs() < 1e15 {
            format!("{}", self.value as i64)
        } else {
            let text = format!("{:.3}", self.value);
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        };
        match self.unit {
            Some(unit) => format!("{value} {unit}"),
            None => value,
        }
    }
}

/// Bare integers below this are left out (counts such as "two officers" are written in
/// words as often as in digits).
const MIN_BARE: f64 = 10.0;

/// The largest side of a score or a tally ("102-98", "52–48"); a pair of larger numbers
/// is a range or a span of years.
const MAX_SCORE: f64 = 200.0;

/// The smallest number read as the label of a name ("Route 66", "FTSE 100"); below it a
/// number after a name is more often a score ("Rovers 2 Hollins 1").
const MIN_LABEL: f64 = 10.0;

/// Whether token `i` is a plain whole number (no separator, no decimal point).
fn plain_integer(text: &str, paragraph: &Paragraph, i: usize) -> Option<f64> {
    let token = paragraph.tokens.get(i).filter(|t| t.kind == TokenKind::Number)?;
    let raw = token.text(text);
    raw.bytes().all(|b| b.is_ascii_digit()).then(|| raw.parse::<f64>().ok()).flatten()
}

/// Whether the number at token `i` is the label of the name just before it: "FTSE 100",
/// "Stoxx 600", "Boeing 737", "Route 66". A plain whole number of at least `MIN_LABEL`,
/// after a capitalised content word (not a month or a weekday; written in capitals if it
/// opens the sentence, where any word has a capital: "Roughly 900 households"), with
/// neither a unit, a scale, a percent sign nor a hyphen after it: the index, the model or
/// the road, not a figure of the story. "FTSE 100 rose 0.4% to 8,120" states one figure,
/// 8,120.
pub fn label(text: &str, paragraph: &Paragraph, i: usize) -> bool {
    let tokens = &paragraph.tokens;
    let Some(value) = plain_integer(text, paragraph, i) else { return false };
    if value < MIN_LABEL || i == 0 || !tokens[i].spaced || !tokens[i - 1].capital || !paragraph.is_word(i - 1) {
        return false;
    }
    let name = paragraph.lower(i - 1);
    if lexicon::is_stop(name) || lexicon::is_calendar(name) || lexicon::is_clock(name) {
        return false;
    }
    let opens = i < 2 || matches!(tokens[i - 2].kind, TokenKind::Punct('.' | '!' | '?' | ':' | '"' | '“' | '(' | '—'));
    if opens && tokens[i - 1].text(text).chars().any(char::is_lowercase) {
        return false;
    }
    match tokens.get(i + 1) {
        None => true,
        Some(next) if next.is_word() => {
            let word = paragraph.lower(i + 1);
            next.spaced
                && lexicon::unit(word).is_none()
                && lexicon::scale(word).is_none()
                && !lexicon::is_clock(word)
                && !lexicon::is_calendar(word)
                && word != "per"
        }
        Some(next) => !matches!(next.kind, TokenKind::Punct('%' | '-' | '–' | ':' | '/')) || next.spaced,
    }
}

/// A score or a tally at token `i`: two plain whole numbers of at most `MAX_SCORE` joined
/// by a hyphen or an en dash without spaces ("2-1", "52–48"), not part of a longer run
/// (a date, a phone number) and with no unit after them (a range: "200-300 meters").
/// Returns the two numbers and the token after them.
fn score(text: &str, paragraph: &Paragraph, i: usize) -> Option<(f64, f64, usize)> {
    let tokens = &paragraph.tokens;
    let dash = |k: usize| tokens.get(k).is_some_and(|t| (t.is_punct('-') || t.is_punct('–')) && !t.spaced);
    if i > 0
        && (dash(i - 1) || tokens[i - 1].is_punct('$') || tokens[i - 1].is_punct('£') || tokens[i - 1].is_punct('€'))
    {
        return None;
    }
    let first = plain_integer(text, paragraph, i)?;
    if !dash(i + 1) || tokens.get(i + 2).is_none_or(|t| t.spaced) {
        return None;
    }
    let second = plain_integer(text, paragraph, i + 2)?;
    if first > MAX_SCORE || second > MAX_SCORE || dash(i + 3) {
        return None;
    }
    if tokens.get(i + 3).is_some_and(|t| !t.spaced && t.is_word() || t.is_punct('%')) {
        return None;
    }
    if paragraph.is_word(i + 3) {
        let word = paragraph.lower(i + 3);
        if lexicon::unit(word).is_some() || lexicon::scale(word).is_some() || lexicon::is_clock(word) || word == "per" {
            return None;
        }
    }
    Some((first, second, i + 3))
}

/// The quantities of a tokenized paragraph.
pub fn quantities(text: &str, paragraph: &Paragraph) -> Vec<Quantity> {
    let tokens = &paragraph.tokens;
    let mut out = Vec::new();
    let mut skip_next_number = false;
    for (i, token) in tokens.iter().enumerate() {
        if token.kind != TokenKind::Number {
            continue;
        }
        if std::mem::take(&mut skip_next_number) {
            continue;
        }
        if let Some((value, second, end)) = score(text, paragraph, i) {
            out.push(Quantity { token: i, end, value, unit: None, second: Some(second) });
            skip_next_number = true;
            continue;
        }
        if label(text, paragraph, i) {
            continue;
        }
        let raw = token.text(text);
        let Ok(mut value) = raw.replace(',', "").parse::<f64>() else { continue };
        let next = tokens.get(i + 1);
        let attached = next.is_some_and(|n| !n.spaced);
        // Ordinals (21st) and times of day (12:14, 10 p.m., 1330 GMT).
        if attached && next.is_some_and(|n| n.is_word()) && matches!(paragraph.lower(i + 1), "st" | "nd" | "rd" | "th")
        {
            continue;
        }
        if attached && next.is_some_and(|n| n.is_punct(':')) && tokens.get(i + 2).is_some_and(|n| !n.spaced) {
            skip_next_number = true;
            continue;
        }
        if paragraph.is_word(i + 1) && lexicon::is_clock(paragraph.lower(i + 1)) {
            continue;
        }
        // Dates: a month name just before ("Nov. 22") or after ("22 November").
        let month_at = |j: usize| {
            paragraph.is_word(j) && {
                let word = tokens[j].text(text);
                word.chars().next().is_some_and(char::is_uppercase) && lexicon::is_calendar(paragraph.lower(j))
            }
        };
        let before = if i >= 2 && tokens[i - 1].is_punct('.') { i - 2 } else { i.wrapping_sub(1) };
        if (i >= 1 && month_at(before)) || month_at(i + 1) {
            continue;
        }
        let mut currency = match i.checked_sub(1).map(|p| tokens[p].kind) {
            Some(TokenKind::Punct(c)) => lexicon::currency_symbol(c),
            _ => None,
        };
        if currency.is_none() && i >= 1 && paragraph.is_word(i - 1) {
            // "US$" is read as a word and a symbol; "USD 40" and "EUR 40" as a code.
            currency = lexicon::unit(paragraph.lower(i - 1)).filter(|u| matches!(*u, "usd" | "eur" | "gbp"));
        }
        let mut j = i + 1;
        if tokens.get(j).is_some_and(|t| t.is_punct('-') && !t.spaced) {
            j += 1;
        }
        if paragraph.is_word(j) {
            if let Some(scale) = lexicon::scale(paragraph.lower(j)) {
                value *= scale;
                j += 1;
            }
        }
        let mut unit = None;
        if tokens.get(j).is_some_and(|t| t.is_punct('%')) {
            unit = Some("%");
            j += 1;
        } else if paragraph.is_word(j) {
            let word = paragraph.lower(j);
            if word == "per" && paragraph.lower(j + 1) == "cent" {
                unit = Some("%");
                j += 2;
            } else if let Some(u) = lexicon::unit(word) {
                unit = Some(u);
                j += 1;
            }
        }
        let unit = match (currency, unit) {
            (Some(currency), Some("usd" | "eur" | "gbp" | "jpy")) => Some(currency),
            (Some(currency), None) => Some(currency),
            (_, unit) => unit,
        };
        if unit.is_none() {
            let integer = value.fract() == 0.0;
            let year = integer && !raw.contains(',') && (1800.0..=2100.0).contains(&value);
            if year || (integer && value < MIN_BARE) {
                continue;
            }
        }
        out.push(Quantity { token: i, end: j, value, unit, second: None });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<String> {
        let mut paragraph = Paragraph::default();
        paragraph.read(text);
        quantities(text, &paragraph).iter().map(Quantity::canonical).collect()
    }

    #[test]
    fn reads_numbers_with_their_units() {
        assert_eq!(read("The army estimated that 15,600 Russian soldiers were killed."), ["15600"]);
        assert_eq!(read("Almost 3.9 million people have left the country."), ["3900000"]);
        assert_eq!(read("three missiles, with a range of 300 km, were fired"), ["300 km"]);
        assert_eq!(read("a $4.2 billion contract"), ["4200000000 usd"]);
        assert_eq!(read("committing 38 billion crowns ($3.4 billion)"), ["38000000000 crown", "3400000000 usd"]);
        assert_eq!(read("shares rose 4.2% and 51 percent, then 3.5 per cent"), ["4.2 %", "51 %", "3.5 %"]);
        assert_eq!(read("the 1.1-gigawatt farm, 60 kilometres off the coast"), ["1.1 gw", "60 km"]);
    }

    #[test]
    fn leaves_out_dates_times_years_and_small_counts() {
        assert_eq!(read("On Nov. 22, 2024 at 12:14 and on 23 November, by 1330 GMT, at 10 p.m."), Vec::<String>::new());
        assert_eq!(read("the 21st meeting since 2019 had two or 5 votes"), Vec::<String>::new());
        assert_eq!(read("advancing 200-300 meters per day"), ["200", "300 m"]);
    }

    #[test]
    fn reads_scores_and_tallies_as_one_figure() {
        assert_eq!(read("Rovers beat Hollins Town 2-1 on Saturday"), ["2-1 score"]);
        assert_eq!(read("Hollins lost 1–2, and the vote went 52-48."), ["2-1 score", "52-48 score"]);
        assert_eq!(read("a goalless 0-0 draw"), ["0-0 score"]);
        // A date, a span of years and a range with a unit are not scores.
        assert_eq!(read("on 2024-03-01 and in the 2008-2009 season"), Vec::<String>::new());
        assert!(!read("advancing 200-300 meters per day").iter().any(|q| q.ends_with("score")));
    }

    #[test]
    fn the_label_of_a_name_is_no_figure() {
        assert_eq!(read("The FTSE 100 index rose 0.8 percent to 8,412 points."), ["0.8 %", "8412"]);
        assert_eq!(read("the mid-cap FTSE 250 gained 0.5 percent"), ["0.5 %"]);
        assert_eq!(read("a Boeing 737 with 157 people on board"), ["157"]);
        // A count after a name that is a figure: a unit, a percent sign, a weekday.
        assert_eq!(read("Shares in Karrow 42% higher"), ["42 %"]);
        assert_eq!(read("Storm Idris brought gusts of 80 mph"), ["80 mph"]);
        assert_eq!(read("In 300 cases the court agreed"), ["300"]);
        // A word that opens a sentence has a capital whatever it is.
        assert_eq!(read("Roughly 900 households are enrolled. Nearly 40 homes flooded."), ["900", "40"]);
        assert_eq!(read("FTSE 100 futures rose 0.2 percent."), ["0.2 %"]);
    }
}
