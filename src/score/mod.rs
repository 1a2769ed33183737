//! Score: per-item signals, then per-source criteria and a 0–100 score.

pub mod signals;
