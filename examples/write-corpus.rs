//! Writes a generated collection as JSON Lines, for benchmarks and output comparisons.
//!
//! ```sh
//! cargo run --release --example write-corpus -- 20000 corpus.jsonl          # plain text
//! cargo run --release --example write-corpus -- 20000 corpus.jsonl --facts  # names and numbers
//! ```

use std::io::Write;

use copydesk::synth::{self, CorpusSpec};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(documents), Some(path)) = (args.first(), args.get(1)) else {
        anyhow::bail!("usage: write-corpus DOCUMENTS FILE [--facts]");
    };
    let documents: usize = documents.parse().map_err(|e| anyhow::anyhow!("DOCUMENTS {documents:?}: {e}"))?;
    let spec = CorpusSpec { documents, facts: args.iter().any(|a| a == "--facts"), ..CorpusSpec::default() };
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for document in synth::generate(&spec) {
        writeln!(out, "{}", synth::to_json_line(&document))?;
    }
    out.flush()?;
    Ok(())
}
