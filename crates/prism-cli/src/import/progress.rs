//! Progress on stderr: an `indicatif` bar when stderr is a terminal (rows done, rate, ETA,
//! errors so far), otherwise a plain line every `--progress-every` seconds. Only counts are
//! shown, never a value from a row.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::results::{Category, Tally};

/// The progress display of one run.
pub struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    done: u64,
    tally: Tally,
    started: Instant,
    every: Duration,
}

impl Progress {
    /// A display for `total` rows; a bar on a terminal, else plain lines every `every`.
    pub fn new(total: u64, every: Duration) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{bar:30} {pos}/{len} rows  {per_sec}  ETA {eta}  {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        Progress {
            bar,
            total,
            done: 0,
            tally: Tally::default(),
            started: Instant::now(),
            every,
        }
    }

    /// Whether plain lines are due (no bar) and how often.
    pub fn plain_every(&self) -> Option<Duration> {
        self.bar.is_none().then_some(self.every)
    }

    /// One row finished.
    pub fn row(&mut self, c: Category) {
        self.done += 1;
        self.tally.add(c);
        if let Some(bar) = &self.bar {
            bar.inc(1);
            if c != Category::Created && c != Category::Existing {
                bar.set_message(format!("errors {}", self.tally.problems()));
            }
        }
    }

    /// Rows finished this run, by category.
    pub fn tally(&self) -> Tally {
        self.tally
    }

    /// The plain progress line.
    pub fn line(&self) -> String {
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = self.done as f64 / secs;
        let left = self.total.saturating_sub(self.done);
        let eta = if rate > 0.0 {
            format_secs(left as f64 / rate)
        } else {
            "?".to_owned()
        };
        let pct = if self.total == 0 {
            100.0
        } else {
            self.done as f64 * 100.0 / self.total as f64
        };
        format!(
            "import: {}/{} rows ({pct:.1} %), {rate:.0} rows/s, ETA {eta}, errors {}",
            self.done,
            self.total,
            self.tally.problems()
        )
    }

    /// Prints the plain line (no-op with a bar).
    pub fn print_line(&self) {
        if self.bar.is_none() {
            eprintln!("{}", self.line());
        }
    }

    /// Removes the bar, or prints the last plain line.
    pub fn finish(&self) {
        match &self.bar {
            Some(bar) => bar.finish_and_clear(),
            None => self.print_line(),
        }
    }

    /// Seconds since the run started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

fn format_secs(s: f64) -> String {
    let s = s.round() as u64;
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_line_counts_only() {
        let mut p = Progress::new(10, Duration::from_secs(10));
        p.row(Category::Created);
        p.row(Category::Failed);
        let line = p.line();
        assert!(line.starts_with("import: 2/10 rows (20.0 %)"), "{line}");
        assert!(line.ends_with("errors 1"), "{line}");
        assert_eq!(format_secs(3725.0), "1h02m");
        assert_eq!(format_secs(75.0), "1m15s");
    }
}
