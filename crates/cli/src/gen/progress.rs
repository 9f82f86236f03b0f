//! Progress on stderr: a bar on a terminal, else a line every few seconds.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

pub(super) struct Progress {
    total: u64,
    done: u64,
    started: Instant,
    last: Instant,
    tty: bool,
}

impl Progress {
    pub(super) fn new(total: u64) -> Self {
        let now = Instant::now();
        Progress {
            total,
            done: 0,
            started: now,
            last: now,
            tty: std::io::stderr().is_terminal(),
        }
    }

    #[inline]
    pub(super) fn tick(&mut self, file: &str) {
        self.done += 1;
        if self.done & 8191 == 0 {
            self.show(file, false);
        }
    }

    pub(super) fn show(&mut self, file: &str, last: bool) {
        let now = Instant::now();
        let every = if self.tty {
            Duration::from_millis(100)
        } else {
            Duration::from_secs(5)
        };
        if !last && now.duration_since(self.last) < every {
            return;
        }
        self.last = now;
        let share = self.done as f64 / self.total.max(1) as f64;
        let secs = now.duration_since(self.started).as_secs_f64();
        let rate = self.done as f64 / secs.max(1e-9);
        if self.tty {
            let width = 30;
            let filled = ((share * width as f64) as usize).min(width);
            eprint!(
                "\r[{}{}] {:>3.0} % {:<14} {}/{} rows, {:.0} rows/s ",
                "#".repeat(filled),
                "-".repeat(width - filled),
                share * 100.0,
                file,
                self.done,
                self.total,
                rate
            );
            if last {
                eprintln!();
            }
        } else if !last {
            eprintln!(
                "gen: {:.0} % ({} of {} rows, {file}), {:.0} s",
                share * 100.0,
                self.done,
                self.total,
                secs
            );
        }
    }
}
