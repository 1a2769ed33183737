//! How a run tells how far it is. The engine calls a [`Progress`]; the command line shows
//! it on a terminal, a library caller may ignore it ([`Silent`]).

use std::time::Duration;

/// Receives the progress of a run: its phases, its steps, its end.
pub trait Progress: Sync {
    /// A phase begins (`reading (1/2)`, `analysing (2/2)`), with its number of items when
    /// known.
    fn phase(&self, _name: &str, _total: Option<u64>) {}

    /// `n` more items are done.
    fn advance(&self, _n: u64) {}

    /// The run read and analysed `items` in `elapsed`.
    fn finish(&self, _items: usize, _elapsed: Duration) {}

    /// The run ended without analysing (`extract`).
    fn done(&self) {}
}

/// Progress nobody watches.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {}
