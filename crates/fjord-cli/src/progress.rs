//! The ingest progress bar (indicatif), drawn only when stderr is a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar for one ingest.
pub struct Bar(ProgressBar);

impl Bar {
    /// A hidden bar; [`fjord_ingest::Progress::start`] gives it a length and style.
    pub fn new() -> Bar {
        Bar(ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()))
    }
}

impl fjord_ingest::Progress for Bar {
    fn start(&self, total: Option<u64>) {
        let style = match total {
            Some(n) => {
                self.0.set_length(n);
                ProgressStyle::with_template("{spinner} {bar:40} {pos}/{len} features  {per_sec}  eta {eta}")
            }
            None => ProgressStyle::with_template("{spinner} {pos} features  {per_sec}"),
        };
        if let Ok(style) = style {
            self.0.set_style(style);
        }
    }

    fn at(&self, read: u64) {
        self.0.set_position(read);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}
