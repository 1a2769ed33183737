//! Writes a generated collection as JSON Lines, for benchmarks and output comparisons.
//!
//! ```sh
//! cargo run --release --example write-corpus -- 20000 corpus.jsonl          # plain text
//! cargo run --release --example write-corpus -- 20000 corpus.jsonl --facts  # names and numbers
//! cargo run --release --example write-corpus -- 20000 corpus.jsonl --truth planted.tsv
//! ```
//!
//! `--truth FILE` writes the planted near-duplicates, one per line: the copy's id, the id of
//! the document it copies, and their exact Jaccard similarity over 5-word shingles.

use std::io::Write;

use copydesk_engine::synth::{self, CorpusSpec};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(documents), Some(path)) = (args.first(), args.get(1)) else {
        anyhow::bail!("usage: write-corpus DOCUMENTS FILE [--facts] [--truth FILE]");
    };
    let documents: usize = documents.parse().map_err(|e| anyhow::anyhow!("DOCUMENTS {documents:?}: {e}"))?;
    let spec = CorpusSpec { documents, facts: args.iter().any(|a| a == "--facts"), ..CorpusSpec::default() };
    let corpus = synth::generate(&spec);
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for document in &corpus {
        writeln!(out, "{}", synth::to_json_line(document))?;
    }
    out.flush()?;
    if let Some(truth) = args.iter().position(|a| a == "--truth").and_then(|i| args.get(i + 1)) {
        let mut out = std::io::BufWriter::new(std::fs::File::create(truth)?);
        for document in &corpus {
            if let Some((original, jaccard)) = document.copy_of {
                writeln!(out, "{}\t{}\t{jaccard:.4}", document.id, corpus[original].id)?;
            }
        }
        out.flush()?;
    }
    Ok(())
}
