//! The progress display on standard error: a spinner while the items are counted, then a
//! bar with the total, the share done, the rate and the time left, and one line at the end.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The engine's progress, drawn with indicatif (hidden when not shown).
pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    /// A display on standard error when `show`, else one that draws nothing.
    pub fn new(show: bool) -> Bar {
        let target = if show { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg}: {human_pos} items · {rate} · {elapsed}")
                .map(with_rate)
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Bar { bar }
    }
}

impl copydesk_engine::Progress for Bar {
    fn phase(&self, name: &str, total: Option<u64>) {
        self.bar.set_message(name.to_string());
        if let Some(total) = total {
            self.bar.set_length(total);
            self.bar.set_style(bar_style());
            self.bar.set_position(0);
        }
    }

    fn advance(&self, n: u64) {
        self.bar.inc(n);
    }

    fn finish(&self, items: usize, elapsed: Duration) {
        let shown = !self.bar.is_hidden();
        self.bar.finish_and_clear();
        if shown {
            let seconds = elapsed.as_secs_f64();
            let rate = if seconds > 0.0 { items as f64 / seconds } else { 0.0 };
            eprintln!(
                "copydesk: {} items read and analysed in {seconds:.1} s ({rate:.0} items/s)",
                copydesk_report::thousands(items)
            );
        }
    }

    fn done(&self) {
        self.bar.finish_and_clear();
    }
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template(
        "{msg} [{bar:30}] {human_pos}/{human_len} items ({percent}%) · {rate} · {elapsed} · about {eta} left",
    )
    .map(|style| with_rate(style).progress_chars("=> "))
    .unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// Items per second as a whole number.
fn with_rate(style: ProgressStyle) -> ProgressStyle {
    style.with_key("rate", |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
        let _ = write!(w, "{:.0} items/s", state.per_sec());
    })
}
