//! Measures page reading against labelled pages: main text and metadata.
//!
//! Reads a folder holding `labels.json` (address → `file`, `date`, `title`, `author`,
//! `with`: snippets the main text must hold, `without`: page furniture it must not) and
//! the pages as `pages/<file>.gz`, reads each page as `copydesk check` does, and prints
//! the snippet recall and leak rate of the main text, the pages whose text was not found,
//! the share of dated pages whose published day equals the label, the share of exact
//! titles and of matching authors, the language as copydesk settles it (declared, read
//! from the text, declarations the text overrules), and the pages read per second.
//!
//! ```sh
//! cargo run --release --example eval-pages -- ../shared/real/pages-dev [--misses] [--dated] [--text]
//! ```
//!
//! `--misses` lists every page whose date is missed or wrong, with the basis of the answer;
//! `--dated` lists every dated page so; `--text` lists, page by page, the snippets the main
//! text misses and the furniture it keeps.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use copydesk_core::language;
use copydesk_core::model::Item;
use copydesk_ingest::html::{read_page, Page};
use serde::Deserialize;

#[derive(Deserialize)]
struct Label {
    file: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    author: String,
    #[serde(default)]
    with: Vec<String>,
    #[serde(default)]
    without: Vec<String>,
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let misses = args.iter().any(|a| a == "--misses");
    let every_date = args.iter().any(|a| a == "--dated");
    let text_misses = args.iter().any(|a| a == "--text");
    let folder = args.iter().find(|a| !a.starts_with("--")).map_or("../shared/real/pages-dev", String::as_str);
    let folder = Path::new(folder);
    let labels: BTreeMap<String, Label> = serde_json::from_slice(&std::fs::read(folder.join("labels.json"))?)?;

    let (mut dated, mut answered, mut right, mut wrong, mut invalid) = (0, 0, 0, 0, 0);
    let (mut titled, mut titles) = (0, 0);
    let (mut authored, mut authors) = (0, 0);
    let (mut pages, mut elapsed) = (0, Duration::ZERO);
    let (mut declared, mut from_text, mut overruled) = (0, 0, 0);
    let (mut snippets, mut found, mut furniture, mut leaked, mut failed) = (0, 0, 0, 0, 0);
    for (key, label) in &labels {
        let path = folder.join("pages").join(format!("{}.gz", label.file));
        let Ok(gz) = std::fs::read(&path) else {
            eprintln!("missing {}", path.display());
            continue;
        };
        let start = Instant::now();
        let Some(text) = gunzip(&gz).map(|bytes| decode(&bytes)) else {
            eprintln!("not gzip: {}", path.display());
            continue;
        };
        let url = key.starts_with("http").then_some(key.as_str());
        let page = read_page(&text, url);
        elapsed += start.elapsed();
        pages += 1;
        failed += usize::from(page.failure.is_some());
        let body = collapse(&page.text);
        snippets += label.with.len();
        found += label.with.iter().filter(|s| body.contains(&collapse(s))).count();
        furniture += label.without.len();
        leaked += label.without.iter().filter(|s| body.contains(&collapse(s))).count();
        if text_misses {
            let missed = label.with.iter().filter(|s| !body.contains(&collapse(s)));
            let kept = label.without.iter().filter(|s| body.contains(&collapse(s)));
            let lines: Vec<String> =
                missed.map(|s| format!("    missed {s:?}")).chain(kept.map(|s| format!("    kept   {s:?}"))).collect();
            if !lines.is_empty() {
                println!("{key}\n{}", lines.join("\n"));
            }
        }
        if misses && page.failure.is_some() {
            println!("{key}\n    {}", page.failure.as_deref().unwrap_or_default());
        }

        declared += usize::from(page.language.is_some());
        let mut item = Item { text: page.text.clone(), language: page.language.clone(), ..Item::default() };
        language::settle(&mut item);
        let basis = item.basis.get("language").map_or("", String::as_str);
        from_text += usize::from(basis.starts_with("the text") && !basis.contains("not the declared"));
        if basis.contains("not the declared") {
            overruled += 1;
            if misses {
                println!("{key}\n    language {}: {basis}", item.language.as_deref().unwrap_or_default());
            }
        }

        if !label.date.is_empty() {
            dated += 1;
            invalid += usize::from(chrono::NaiveDate::parse_from_str(&label.date, "%Y-%m-%d").is_err());
            let day = page.published.map(|p| p.date_naive().to_string());
            match &day {
                Some(day) if *day == label.date => right += 1,
                Some(_) => wrong += 1,
                None => {}
            }
            answered += usize::from(day.is_some());
            if every_date || misses && day.as_deref() != Some(label.date.as_str()) {
                let basis = page.basis.get("published").map_or("", String::as_str);
                println!("{key}\n    label {}  got {}  {basis}", label.date, day.as_deref().unwrap_or("-"));
            }
        }
        if !label.title.trim().is_empty() {
            titled += 1;
            titles += usize::from(page.title.as_ref().is_some_and(|t| t.trim() == label.title.trim()));
        }
        if !label.author.trim().is_empty() {
            authored += 1;
            authors += usize::from(same_authors(&page, &label.author));
        }
    }
    let share = |n: usize, of: usize| if of == 0 { 0.0 } else { 100.0 * n as f64 / of as f64 };
    println!("pages read: {pages}; article text not found on {failed}");
    println!(
        "main text: snippet recall {:.1}% ({found}/{snippets}), furniture leaked {:.1}% ({leaked}/{furniture})",
        share(found, snippets),
        share(leaked, furniture)
    );
    println!(
        "date: {right}/{dated} day-exact = {:.1}% (answered {answered}, wrong {wrong}, precision {:.1}%)",
        share(right, dated),
        share(right, answered)
    );
    println!("labels that are not a valid YYYY-MM-DD date (never matched): {invalid}");
    println!("title: {titles}/{titled} exact = {:.1}%", share(titles, titled));
    println!("author: {authors}/{authored} = {:.1}%", share(authors, authored));
    println!("language: declared on {declared}, read from the text on {from_text}, declaration overruled by the text on {overruled}");
    println!(
        "speed: {:.0} pages/s (main text and metadata, one thread)",
        pages as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    Ok(())
}

/// Text with every run of white space made one space.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether the authors read are the label's, in any order and case.
fn same_authors(page: &Page, label: &str) -> bool {
    let Some(found) = &page.author else { return false };
    let mut found: Vec<String> = found.split(", ").map(|a| a.to_lowercase()).collect();
    let mut wanted: Vec<String> =
        label.split([';', ',']).map(|a| a.trim().to_lowercase()).filter(|a| !a.is_empty()).collect();
    found.sort();
    wanted.sort();
    found == wanted
}

fn gunzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).ok()?;
    Some(out)
}

/// Decodes a page by its byte-order mark, else the charset its head declares, else UTF-8.
fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding.decode_without_bom_handling(&bytes[bom..]).0.into_owned();
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let declared = head.find("charset=").and_then(|at| {
        let rest = head[at + 8..].trim_start_matches(['"', '\'', ' ']);
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')).unwrap_or(rest.len());
        encoding_rs::Encoding::for_label(&rest.as_bytes()[..end])
    });
    // A page declared as UTF-16 in its head is not UTF-16: it could not be read as ASCII.
    let encoding = declared.filter(|e| *e != encoding_rs::UTF_16LE && *e != encoding_rs::UTF_16BE);
    encoding.unwrap_or(encoding_rs::UTF_8).decode_without_bom_handling(bytes).0.into_owned()
}
