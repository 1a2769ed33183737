//! Deterministic corpus generator (see the benchmark).
