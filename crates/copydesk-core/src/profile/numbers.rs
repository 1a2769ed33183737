//! Numbers with their units: "15,600 soldiers", "3.9 million", "300 km", "$4.2 billion",
//! "51 percent". Dates, times of day, years, ordinals and small bare counts are left out:
//! they say when, not what, and unrelated stories share them.

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
}

impl Quantity {
    /// The canonical text numbers are compared by: `4200000000 usd`, `3.9 %`, `15600`.
    pub fn canonical(&self) -> String {
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
        out.push(Quantity { token: i, end: j, value, unit });
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
}
