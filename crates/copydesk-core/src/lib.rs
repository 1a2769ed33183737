//! The model and the pure stages of copydesk, with no command line, database, network or
//! terminal in them:
//!
//! ```text
//! Item -> normalize -> fingerprint -> profile -> relate
//!                                  \-> date
//! ```
//!
//! Each stage's entry point takes data and its own settings type ([`normalize::NormalizeOptions`],
//! [`fingerprint::FingerprintOptions`], [`relate::RelateOptions`], [`relate::StoryOptions`],
//! [`date::DateOptions`]); composing them from `copydesk.toml` is the binary's work.
//! [`infer`] reads bylines, credits and datelines out of plain text, which both the
//! readers of the inputs and the content profile need.

pub mod analysis;
pub mod date;
pub mod error;
pub mod fingerprint;
pub mod history;
pub mod infer;
pub mod language;
pub mod model;
pub mod normalize;
pub mod profile;
pub mod relate;
pub mod score;
pub mod util;
pub mod verdict;
pub mod wire;

pub use error::{Error, Result};
