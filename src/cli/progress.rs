//! Progress on standard error while vppsim works: one spinner line saying the stage
//! (loading, solving, writing; compare's strategy n of N) and, during each HiGHS solve, its
//! iterations, objective and elapsed time from HiGHS's own callback (see
//! `vppsim::model::observe`). Hidden when standard error is not a terminal or under `-q`;
//! `-v` sends HiGHS's log to standard error through the same observer.

use std::io::Write as _;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use vppsim::model::observe::{self, Method, SolveProgress, SolverObserver};

/// Least time between two updates of the solve figures (a simplex solve calls back at
/// every iteration; only a cheap comparison runs between updates).
const THROTTLE_MS: u64 = 100;

static BAR: OnceLock<ProgressBar> = OnceLock::new();

struct Observer {
    log: bool,
    bar: &'static ProgressBar,
    started: Instant,
    /// Milliseconds after `started` of the last update.
    last: AtomicU64,
}

impl SolverObserver for Observer {
    fn wants_log(&self) -> bool {
        self.log
    }

    fn wants_progress(&self) -> bool {
        !self.bar.is_hidden()
    }

    fn log(&self, text: &str) {
        self.bar.suspend(|| {
            let _ = std::io::stderr().write_all(text.as_bytes());
        });
    }

    fn progress(&self, p: SolveProgress) {
        let now = self.started.elapsed().as_millis() as u64;
        if now < self.last.load(Ordering::Relaxed) + THROTTLE_MS {
            return;
        }
        self.last.store(now, Ordering::Relaxed);
        let objective = match p.objective.is_finite() {
            true => format!(", objective {:.6e}", p.objective),
            false => String::new(),
        };
        let method = match p.method {
            Method::Simplex => "simplex",
            Method::InteriorPoint => "interior point",
        };
        let iterations = match p.iterations {
            n if n >= 0 => format!(", {n} iterations"),
            _ => String::new(),
        };
        self.bar
            .set_message(format!("solving: {method}{iterations}{objective}"));
    }
}

/// Starts the spinner (unless `quiet` or standard error is not a terminal) and attaches
/// the solver observer when there is anything to observe.
pub fn start(quiet: bool, verbose: bool) {
    let bar = BAR.get_or_init(|| {
        if quiet {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed} {msg}") {
            bar.set_style(style);
        }
        bar
    });
    if !bar.is_hidden() {
        bar.enable_steady_tick(Duration::from_millis(120));
    }
    if verbose || !bar.is_hidden() {
        observe::install(Box::new(Observer {
            log: verbose,
            bar,
            started: Instant::now(),
            last: AtomicU64::new(0),
        }));
    }
}

/// Says what vppsim is doing now.
pub fn stage(what: impl Into<String>) {
    if let Some(bar) = BAR.get() {
        bar.set_message(what.into());
    }
}

/// Runs `print` with the spinner line lifted, so that a note does not share its line.
pub fn suspend(print: impl FnOnce()) {
    match BAR.get() {
        Some(bar) => bar.suspend(print),
        None => print(),
    }
}

/// Removes the spinner line (before the figures are printed, and at the end).
pub fn clear() {
    if let Some(bar) = BAR.get() {
        bar.finish_and_clear();
    }
}
