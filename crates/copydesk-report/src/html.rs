//! The HTML report: one self-contained page (no network resources) an editor opens in a
//! browser. The summary first; each copy cluster with its members beside their origin and
//! the shared passages marked; each story cluster with what ties it; each stale item with
//! its dating phrases marked in context and its window on a small timeline; the sources'
//! scores as a chart. Filters by finding kind and source; headings, landmarks, labelled
//! controls and titled charts for keyboard and screen-reader use.
//!
//! The text shown is read again from the inputs by the caller, for the items shown only
//! ([`wanted`]); an item whose text is not at hand (standard input, a fetched page) is
//! shown by its measured values alone.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use chrono::NaiveDate;

use super::{ClusterReport, ItemReport, Report};

/// Clusters and stale items shown with their text; the rest are listed.
pub const MAX_SHOWN: usize = 100;
/// Characters of an item's text shown at most.
const MAX_TEXT_CHARS: usize = 20_000;
/// Words in a row two texts must share for a passage to be marked.
const SHARED_RUN_WORDS: usize = 5;

/// The texts of the items the page shows, by item id.
pub type Texts = HashMap<String, String>;

/// The ids of the items whose text the page shows.
pub fn wanted(report: &Report) -> HashSet<String> {
    let mut ids = HashSet::new();
    for cluster in report.clusters.iter().filter(|c| c.kind == "copy").take(MAX_SHOWN) {
        ids.extend(cluster.members.iter().map(|m| m.id.clone()));
    }
    ids.extend(report.items.iter().filter(|i| i.stale).take(MAX_SHOWN).map(|i| i.id.clone()));
    ids
}

pub fn write(report: &Report, texts: &Texts, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    out.write_all(render(report, texts).as_bytes())
}

/// The page.
pub fn render(report: &Report, texts: &Texts) -> String {
    let index = report.index();
    let mut page = String::with_capacity(64 * 1024);
    let _ = write!(
        page,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n\
         <title>copydesk report{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        report.as_of.map(|d| format!(" · {d}")).unwrap_or_default()
    );
    let _ = writeln!(
        page,
        "<header><h1>copydesk report</h1><p>copydesk {} · {}{}</p></header>",
        esc(report.tool.version),
        count(report.summary.items, "item"),
        report.as_of.map(|d| format!(" · as of {d}")).unwrap_or_default()
    );
    filters(&mut page, report);
    page.push_str("<main>\n");
    summary(&mut page, report);
    copies(&mut page, report, &index, texts);
    stories(&mut page, report, &index);
    stale(&mut page, report, texts);
    sources(&mut page, report);
    problems(&mut page, report);
    page.push_str("</main>\n<script>");
    page.push_str(SCRIPT);
    page.push_str("</script>\n</body>\n</html>\n");
    page
}

fn filters(page: &mut String, report: &Report) {
    page.push_str(
        "<nav aria-label=\"Filters\"><form id=\"filters\"><fieldset><legend>Show</legend>\
         <label><input type=\"checkbox\" name=\"kind\" value=\"copy\" checked> copies</label>\
         <label><input type=\"checkbox\" name=\"kind\" value=\"story\" checked> stories</label>\
         <label><input type=\"checkbox\" name=\"kind\" value=\"stale\" checked> stale items</label>\
         <label><input type=\"checkbox\" name=\"kind\" value=\"sources\" checked> sources</label>\
         </fieldset><label>Source <select id=\"source-filter\" name=\"source\"><option value=\"\">every source</option>",
    );
    let mut names: Vec<&str> = report.items.iter().filter_map(|i| i.source.as_deref()).collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let _ = write!(page, "<option value=\"{0}\">{0}</option>", esc(name));
    }
    page.push_str("</select></label></form></nav>\n");
}

fn summary(page: &mut String, report: &Report) {
    let s = &report.summary;
    page.push_str(
        "<section id=\"summary\" aria-labelledby=\"summary-h\"><h2 id=\"summary-h\">Summary</h2><dl class=\"summary\">",
    );
    let copies: usize = ["exact", "near_duplicate", "partial_copy"].iter().filter_map(|k| s.relations.get(k)).sum();
    let rows = [
        ("Items", s.items.to_string()),
        ("Copies", copies.to_string()),
        ("Copy clusters", s.clusters.to_string()),
        ("Story clusters", s.story_clusters.to_string()),
        ("Stale", s.stale.to_string()),
        ("Undated", s.undated.to_string()),
        ("Skipped inputs", s.skipped.to_string()),
        ("Warnings", s.warnings.to_string()),
        ("Ignored findings", report.ignored.len().to_string()),
    ];
    for (name, value) in rows {
        let _ = write!(page, "<div><dt>{name}</dt><dd>{value}</dd></div>");
    }
    page.push_str("</dl>");
    let _ = write!(page, "<p>Configuration: {}.</p>", esc(&report.configuration.describe()));
    if let Some(baseline) = &report.baseline {
        let _ = write!(page, "<p>Baseline: {}.</p>", esc(&baseline.describe()));
    }
    page.push_str("</section>\n");
}

fn copies(page: &mut String, report: &Report, index: &HashMap<&str, &ItemReport>, texts: &Texts) {
    let clusters: Vec<&ClusterReport> = report.clusters.iter().filter(|c| c.kind == "copy").collect();
    let _ = write!(
        page,
        "<section id=\"copies\" data-kind=\"copy\" aria-labelledby=\"copies-h\"><h2 id=\"copies-h\">Copy clusters ({})</h2>",
        clusters.len()
    );
    if clusters.is_empty() {
        page.push_str("<p>No copies found.</p>");
    }
    for (n, cluster) in clusters.iter().enumerate() {
        let sources = cluster_sources(cluster);
        let _ = write!(
            page,
            "<article class=\"cluster\" data-sources=\"{}\" aria-labelledby=\"{}-h\"><h3 id=\"{}-h\">{} · origin {}</h3>",
            esc(&sources),
            esc(&cluster.id),
            esc(&cluster.id),
            esc(&cluster.id),
            esc(&label(index, &cluster.origin))
        );
        let origin = texts.get(&cluster.origin);
        for member in cluster.members.iter().filter(|m| m.role != "origin") {
            let of = member.of.as_deref().unwrap_or(&cluster.origin);
            let relation = index
                .get(member.id.as_str())
                .and_then(|i| i.relations.iter().find(|r| r.other == of))
                .map(super::table::measured)
                .unwrap_or_default();
            let _ = write!(
                page,
                "<div class=\"pair\"><p class=\"tie\"><strong>{}</strong> {} of {}: {}</p>",
                esc(&label(index, &member.id)),
                esc(&member.role.replace('_', " ")),
                esc(of),
                esc(&relation)
            );
            let earlier = if of == cluster.origin { origin } else { texts.get(of) };
            match (n < MAX_SHOWN, earlier, texts.get(&member.id)) {
                (true, Some(earlier), Some(later)) => {
                    let (a, b) = mark_shared(earlier, later);
                    let _ = write!(
                        page,
                        "<div class=\"sides\"><figure><figcaption>{}</figcaption><div class=\"text\">{a}</div></figure>\
                         <figure><figcaption>{}</figcaption><div class=\"text\">{b}</div></figure></div>",
                        esc(&label(index, of)),
                        esc(&label(index, &member.id))
                    );
                }
                _ => page.push_str(
                    "<p class=\"note\">The texts are not shown (not at hand, or past the first clusters).</p>",
                ),
            }
            page.push_str("</div>");
        }
        page.push_str("</article>");
    }
    page.push_str("</section>\n");
}

fn stories(page: &mut String, report: &Report, index: &HashMap<&str, &ItemReport>) {
    let clusters: Vec<&ClusterReport> = report.clusters.iter().filter(|c| c.kind == "story").collect();
    let _ = write!(
        page,
        "<section id=\"stories\" data-kind=\"story\" aria-labelledby=\"stories-h\"><h2 id=\"stories-h\">Story clusters ({})</h2>",
        clusters.len()
    );
    if clusters.is_empty() {
        page.push_str("<p>No story clusters.</p>");
    }
    for cluster in clusters {
        let _ = write!(
            page,
            "<article class=\"cluster\" data-sources=\"{}\"><h3>{} · {} reports, first {}</h3>\
             <table><caption class=\"visually-hidden\">Members of {}</caption><thead><tr><th scope=\"col\">Item</th><th scope=\"col\">Source</th>\
             <th scope=\"col\">Published</th><th scope=\"col\">Tie</th><th scope=\"col\">What ties it</th></tr></thead><tbody>",
            esc(&cluster_sources(cluster)),
            esc(&cluster.id),
            cluster.size,
            esc(&label(index, &cluster.origin)),
            esc(&cluster.id)
        );
        for member in &cluster.members {
            let tie = match (&member.of, &member.held_by) {
                (_, Some(held)) => {
                    format!("{} (held in by {}, z {:.1})", member.role.replace('_', " "), held.other, held.cosine_z)
                }
                (Some(of), None) => format!("{} of {of}", member.role.replace('_', " ")),
                (None, None) => member.role.replace('_', " "),
            };
            let evidence = member
                .of
                .as_deref()
                .and_then(|of| index.get(member.id.as_str()).and_then(|i| i.relations.iter().find(|r| r.other == of)))
                .map(super::table::measured)
                .unwrap_or_default();
            let _ = write!(
                page,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&label(index, &member.id)),
                esc(member.source.as_deref().unwrap_or("(no source)")),
                esc(member.published.as_deref().map_or("(no date)", |p| p.get(..10).unwrap_or(p))),
                esc(&tie),
                esc(&evidence)
            );
        }
        page.push_str("</tbody></table></article>");
    }
    page.push_str("</section>\n");
}

fn stale(page: &mut String, report: &Report, texts: &Texts) {
    let items: Vec<&ItemReport> = report.items.iter().filter(|i| i.stale).collect();
    let _ = write!(
        page,
        "<section id=\"stale\" data-kind=\"stale\" aria-labelledby=\"stale-h\"><h2 id=\"stale-h\">Stale items ({})</h2>",
        items.len()
    );
    if items.is_empty() {
        page.push_str("<p>No stale items.</p>");
    }
    for (n, item) in items.iter().enumerate() {
        let _ = write!(
            page,
            "<article class=\"stale\" data-sources=\"{}\"><h3>{}</h3><p>{}</p>",
            esc(item.source.as_deref().unwrap_or("")),
            esc(&item.label()),
            esc(&super::table::stale_summary(item))
        );
        page.push_str(&timeline(item));
        page.push_str("<ul class=\"evidence\">");
        let evidence = super::table::evidence_in_order(item);
        for e in &evidence {
            let _ = write!(page, "<li>{}</li>", esc(&super::table::evidence_line(e)));
        }
        page.push_str("</ul>");
        let phrases: Vec<&str> =
            evidence.iter().filter(|e| !e.source.starts_with("archive:")).map(|e| e.phrase.as_str()).collect();
        if let Some(text) = texts.get(&item.id).filter(|_| n < MAX_SHOWN) {
            let context = mark_phrases(text, &phrases);
            if !context.is_empty() {
                let _ = write!(
                    page,
                    "<div class=\"text context\" aria-label=\"The dating phrases in context\">{context}</div>"
                );
            }
        }
        page.push_str("</article>");
    }
    page.push_str("</section>\n");
}

/// The content window and the framing date on a line, as an inline SVG.
fn timeline(item: &ItemReport) -> String {
    let window = &item.content_date;
    let Some(framing) = item.framing_date else { return String::new() };
    let end = window.not_after.or(window.estimate).unwrap_or(framing);
    let start = window.not_before.unwrap_or(end);
    let first = start.min(framing);
    let last = end.max(framing);
    let days = (last - first).num_days().max(1) as f64;
    let (width, left, right) = (640.0, 20.0, 20.0);
    let x = |d: NaiveDate| left + (d - first).num_days() as f64 / days * (width - left - right);
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"timeline\" role=\"img\" viewBox=\"0 0 {width} 64\" width=\"{width}\" height=\"64\" aria-labelledby=\"tl-{0}\">\
         <title id=\"tl-{0}\">Content from {start} to {end}; framed {framing}</title>\
         <line x1=\"{left}\" y1=\"32\" x2=\"{1}\" y2=\"32\" class=\"axis\"/>\
         <rect x=\"{2:.1}\" y=\"24\" width=\"{3:.1}\" height=\"16\" class=\"window\"/>\
         <line x1=\"{4:.1}\" y1=\"14\" x2=\"{4:.1}\" y2=\"50\" class=\"framing\"/>\
         <text x=\"{2:.1}\" y=\"60\" class=\"label\">{start}</text>\
         <text x=\"{4:.1}\" y=\"12\" class=\"label\" text-anchor=\"end\">framed {framing}</text></svg>",
        esc(&item.id),
        width - right,
        x(start),
        (x(end) - x(start)).max(3.0),
        x(framing),
    );
    svg
}

fn sources(page: &mut String, report: &Report) {
    let mut scores: Vec<&crate::score::SourceScore> = report.sources.iter().collect();
    scores.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.name.cmp(&b.name)));
    let _ = write!(
        page,
        "<section id=\"sources\" data-kind=\"sources\" aria-labelledby=\"sources-h\"><h2 id=\"sources-h\">Sources ({})</h2>",
        scores.len()
    );
    if scores.is_empty() {
        page.push_str("<p>No source was scored.</p></section>\n");
        return;
    }
    let shown = &scores[..scores.len().min(60)];
    let (row, label_width, bar_width) = (22.0, 220.0, 400.0);
    let height = row * shown.len() as f64 + 10.0;
    let _ = write!(
        page,
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {0} {height}\" width=\"{0}\" height=\"{height}\" aria-labelledby=\"chart-title\">\
         <title id=\"chart-title\">Source scores out of 100</title>",
        label_width + bar_width + 80.0
    );
    for (n, source) in shown.iter().enumerate() {
        let y = 5.0 + row * n as f64;
        let _ = write!(
            page,
            "<g class=\"grade-{}\" data-sources=\"{}\"><title>{}: {:.0} (grade {}, {})</title>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" class=\"label\">{}</text>\
             <rect x=\"{label_width}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"label\">{:.0} {}</text></g>",
            source.grade,
            esc(&source.name),
            esc(&source.name),
            source.score,
            source.grade,
            count(source.items.len(), "item"),
            label_width - 8.0,
            y + 14.0,
            esc(&clip(&source.name, 32)),
            source.score.clamp(0.0, 100.0) / 100.0 * bar_width,
            row - 6.0,
            label_width + source.score.clamp(0.0, 100.0) / 100.0 * bar_width + 6.0,
            y + 14.0,
            source.score,
            source.grade
        );
    }
    page.push_str("</svg>");
    for source in &scores {
        let _ = write!(
            page,
            "<details data-sources=\"{}\"><summary>{} · {:.0} {} · {}</summary><table><caption class=\"visually-hidden\">Criteria of {}</caption>\
             <thead><tr><th scope=\"col\">Criterion</th><th scope=\"col\">Value</th><th scope=\"col\">Threshold</th>\
             <th scope=\"col\">Weight</th><th scope=\"col\">Points</th><th scope=\"col\">Measure</th></tr></thead><tbody>",
            esc(&source.name),
            esc(&source.name),
            source.score,
            source.grade,
            count(source.items.len(), "item"),
            esc(&source.name)
        );
        for c in &source.criteria {
            let _ = write!(
                page,
                "<tr class=\"{}\"><td>{}</td><td>{:.2}</td><td>{}</td><td>{}</td><td>{:.1}</td><td>{}</td></tr>",
                if c.pass { "pass" } else { "fail" },
                esc(c.name),
                c.value,
                c.threshold,
                c.weight,
                c.points,
                esc(c.note.as_deref().unwrap_or(&c.measure))
            );
        }
        page.push_str("</tbody></table></details>");
    }
    page.push_str("</section>\n");
}

fn problems(page: &mut String, report: &Report) {
    if report.problems.is_empty() {
        return;
    }
    let _ = write!(page, "<section id=\"problems\" aria-labelledby=\"problems-h\"><h2 id=\"problems-h\">Problems with inputs ({})</h2><ul>", report.problems.len());
    for problem in report.problems.iter().take(500) {
        let _ = write!(page, "<li>{}</li>", esc(&problem.to_string()));
    }
    page.push_str("</ul></section>\n");
}

/// Both texts, escaped, with the passages they share (runs of [`SHARED_RUN_WORDS`] words
/// or more, compared without case and punctuation) marked.
pub fn mark_shared(a: &str, b: &str) -> (String, String) {
    let (a, b) = (clip(a, MAX_TEXT_CHARS), clip(b, MAX_TEXT_CHARS));
    let (words_a, words_b) = (words(&a), words(&b));
    let shingles =
        |words: &[(usize, usize, String)]| -> HashSet<u64> { words.windows(SHARED_RUN_WORDS).map(shingle).collect() };
    let (in_a, in_b) = (shingles(&words_a), shingles(&words_b));
    (marked(&a, &words_a, &in_b), marked(&b, &words_b, &in_a))
}

fn shingle(words: &[(usize, usize, String)]) -> u64 {
    let mut key = String::new();
    for (_, _, word) in words {
        key.push_str(word);
        key.push(' ');
    }
    crate::util::hash_bytes(key.as_bytes())
}

/// The words of a text: byte range and lower-cased form.
fn words(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i, text[s..i].to_lowercase()));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The text escaped, with the words covered by a shared shingle in `<mark>`.
fn marked(text: &str, words: &[(usize, usize, String)], other: &HashSet<u64>) -> String {
    let mut covered = vec![false; words.len()];
    for (i, window) in words.windows(SHARED_RUN_WORDS).enumerate() {
        if other.contains(&shingle(window)) {
            covered[i..i + SHARED_RUN_WORDS].iter_mut().for_each(|c| *c = true);
        }
    }
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for (i, (start, end, _)) in words.iter().enumerate() {
        if !covered[i] {
            continue;
        }
        match spans.last_mut() {
            Some(last) if i > 0 && covered[i - 1] => last.1 = *end,
            _ => spans.push((*start, *end)),
        }
    }
    with_marks(text, &spans)
}

/// The paragraphs of `text` that hold one of the phrases, escaped, each phrase marked.
pub fn mark_phrases(text: &str, phrases: &[&str]) -> String {
    let text = clip(text, MAX_TEXT_CHARS);
    let lower = text.to_lowercase();
    let mut out = String::new();
    let mut offset = 0;
    for paragraph in text.split('\n') {
        let start = offset;
        offset += paragraph.len() + 1;
        // Lower-casing can change lengths; where it did, positions are not comparable.
        let Some(lower_paragraph) = lower.get(start..start + paragraph.len()).filter(|_| lower.len() == text.len())
        else {
            continue;
        };
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for phrase in phrases.iter().map(|p| p.trim().to_lowercase()).filter(|p| !p.is_empty()) {
            let mut from = 0;
            while let Some(at) = lower_paragraph[from..].find(&phrase) {
                spans.push((from + at, from + at + phrase.len()));
                from += at + phrase.len();
            }
        }
        if spans.is_empty() {
            continue;
        }
        spans.sort_unstable();
        spans.dedup_by(|b, a| {
            b.0 < a.1 && {
                a.1 = a.1.max(b.1);
                true
            }
        });
        let _ = write!(out, "<p>{}</p>", with_marks(paragraph, &spans));
    }
    out
}

/// `text` escaped, with the byte spans (ordered, not overlapping) in `<mark>`.
fn with_marks(text: &str, spans: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len() + spans.len() * 13);
    let mut at = 0;
    for &(start, end) in spans {
        if start < at || end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        out.push_str(&esc(&text[at..start]));
        let _ = write!(out, "<mark>{}</mark>", esc(&text[start..end]));
        at = end;
    }
    out.push_str(&esc(&text[at..]));
    out.replace("\n\n", "<br><br>")
}

fn cluster_sources(cluster: &ClusterReport) -> String {
    let mut names: Vec<&str> = cluster.members.iter().filter_map(|m| m.source.as_deref()).collect();
    names.sort_unstable();
    names.dedup();
    names.join("\u{1f}")
}

fn label(index: &HashMap<&str, &ItemReport>, id: &str) -> String {
    index.get(id).map_or_else(|| id.to_string(), |item| item.label())
}

fn count(n: usize, noun: &str) -> String {
    super::table::count(n, noun)
}

/// At most `max` characters, cut at a character boundary.
fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

fn esc(text: &str) -> String {
    html_escape::encode_double_quoted_attribute(text).into_owned()
}

const STYLE: &str = "\
:root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#5a5a5a;--line:#d0d0d0;--mark:#ffe08a;--bad:#b3261e;--warn:#8a5a00;--good:#1e6b30}\
@media (prefers-color-scheme:dark){:root{--fg:#eee;--bg:#161616;--muted:#aaa;--line:#444;--mark:#6b5300;--bad:#ff8a80;--warn:#ffd180;--good:#8fdc9a}}\
body{font:15px/1.5 system-ui,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;max-width:1200px;padding:0 1rem 3rem}\
header h1{margin:.8rem 0 0}header p{color:var(--muted);margin:.2rem 0 1rem}\
nav form{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;border:1px solid var(--line);padding:.5rem .8rem;border-radius:6px}\
fieldset{border:0;margin:0;padding:0;display:flex;gap:.8rem;flex-wrap:wrap}legend{float:left;margin-right:.5rem;font-weight:600}\
section{margin-top:1.5rem}h2{border-bottom:2px solid var(--line);padding-bottom:.2rem}\
dl.summary{display:flex;flex-wrap:wrap;gap:.6rem;margin:0}dl.summary div{border:1px solid var(--line);border-radius:6px;padding:.3rem .7rem}\
dt{font-size:.8rem;color:var(--muted)}dd{margin:0;font-size:1.3rem;font-weight:600}\
article{border:1px solid var(--line);border-radius:6px;padding:.3rem .9rem .8rem;margin:.8rem 0}\
.sides{display:grid;grid-template-columns:1fr 1fr;gap:.8rem}figure{margin:0}figcaption{font-weight:600;font-size:.9rem}\
.text{max-height:24rem;overflow:auto;border:1px solid var(--line);padding:.4rem .6rem;border-radius:4px;white-space:pre-wrap}\
.context{white-space:normal}mark{background:var(--mark);color:inherit}\
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid var(--line);text-align:left;padding:.2rem .4rem;vertical-align:top}\
tr.fail td:first-child{color:var(--bad);font-weight:600}.note{color:var(--muted)}\
svg .axis{stroke:var(--muted)}svg .window{fill:var(--mark);stroke:var(--warn)}svg .framing{stroke:var(--bad);stroke-width:2}\
svg .label{fill:var(--fg);font-size:12px}svg rect{fill:var(--good)}svg .grade-C rect{fill:var(--warn)}svg .grade-D rect,svg .grade-F rect{fill:var(--bad)}\
svg.timeline rect.window{fill:var(--mark)}\
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}\
[hidden]{display:none!important}\
@media (max-width:800px){.sides{grid-template-columns:1fr}}";

const SCRIPT: &str = "\
(function(){\
var form=document.getElementById('filters');\
function apply(){\
var kinds={};form.querySelectorAll('input[name=kind]').forEach(function(c){kinds[c.value]=c.checked;});\
document.querySelectorAll('section[data-kind]').forEach(function(s){s.hidden=!kinds[s.dataset.kind];});\
var source=document.getElementById('source-filter').value;\
document.querySelectorAll('[data-sources]').forEach(function(e){\
e.hidden=source!==''&&e.dataset.sources.split('\\u001f').indexOf(source)<0;});}\
form.addEventListener('change',apply);apply();})();";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_runs_are_marked_in_both_texts() {
        let (a, b) = mark_shared(
            "The storm cut power to thousands of homes on the coast, the utility said.",
            "Officials said the storm cut power to thousands of homes overnight.",
        );
        assert!(a.contains("<mark>The storm cut power to thousands of homes</mark> on the coast"), "{a}");
        assert!(b.contains("said <mark>the storm cut power to thousands of homes</mark> overnight"), "{b}");
        assert!(!b.contains("<mark>Officials"), "{b}");
    }

    #[test]
    fn phrases_are_marked_in_their_paragraph_only() {
        let text = "A first paragraph.\nPresident Tod Wolters spoke on Monday.\nA last one.";
        let marked = mark_phrases(text, &["Tod Wolters"]);
        assert_eq!(marked, "<p>President <mark>Tod Wolters</mark> spoke on Monday.</p>");
    }

    #[test]
    fn text_is_escaped() {
        let (a, _) = mark_shared("<script>alert(1)</script> & more", "nothing alike");
        assert!(a.contains("&lt;script&gt;") && !a.contains("<script>"), "{a}");
    }
}
