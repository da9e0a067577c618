//! Progress on standard error while vppsim works: one spinner line saying the stage
//! (loading, solving, writing; compare's strategy n of N), then how far the stage has come:
//! a receding-horizon run's window n of N, an ADMM coordination's iteration with its
//! residuals, and during each HiGHS solve its iterations and objective from HiGHS's own
//! callback (see `vppsim::model::observe`). Hidden when standard error is not a terminal or
//! under `-q`; `-v` sends HiGHS's log to standard error through the same observer. A sweep
//! replaces the spinner by its own bar of cases ([`cases`]).

use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use vppsim::model::observe::{self, Method, SolveProgress, SolverObserver, Work};

/// Least time between two updates of the figures (a simplex solve calls back at every
/// iteration; only a cheap comparison runs between updates).
const THROTTLE_MS: u64 = 100;

static BAR: OnceLock<ProgressBar> = OnceLock::new();

/// The stage's last work progress (`window 3 of 365`), shown before a solve's figures.
static WORK: Mutex<Option<Work>> = Mutex::new(None);

fn last_work() -> std::sync::MutexGuard<'static, Option<Work>> {
    WORK.lock().unwrap_or_else(|e| e.into_inner())
}

struct Observer {
    log: bool,
    bar: &'static ProgressBar,
    started: Instant,
    /// Milliseconds after `started` of the last update.
    last: AtomicU64,
}

impl Observer {
    /// Whether an update now would come sooner than [`THROTTLE_MS`] after the last one;
    /// if not, now becomes the last update.
    fn too_soon(&self) -> bool {
        let now = self.started.elapsed().as_millis() as u64;
        if now < self.last.load(Ordering::Relaxed) + THROTTLE_MS {
            return true;
        }
        self.last.store(now, Ordering::Relaxed);
        false
    }
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
        // A solve's first call (0 iterations) says nothing yet; short MPC windows would
        // show little else.
        if p.iterations == 0 || self.bar.is_finished() || self.too_soon() {
            return;
        }
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
        let work = match *last_work() {
            Some(work) => describe(work) + " · ",
            None => String::new(),
        };
        self.bar
            .set_message(format!(": {work}{method}{iterations}{objective}"));
    }

    fn work(&self, work: Work) {
        *last_work() = Some(work);
        if !self.bar.is_finished() && !self.too_soon() {
            self.bar.set_message(format!(": {}", describe(work)));
        }
    }
}

/// What work progress says on the spinner line.
fn describe(work: Work) -> String {
    match work {
        Work::Windows {
            window,
            windows,
            steps,
            total_steps,
        } => format!(
            "window {window} of {windows} ({:.0} % of the steps)",
            100.0 * steps as f64 / total_steps.max(1) as f64
        ),
        Work::Admm {
            iteration,
            max_iterations,
            primal_residual_mw,
            dual_residual_mw,
            tolerance_mw,
        } => format!(
            "ADMM iteration {iteration} of at most {max_iterations}, residuals: primal \
             {primal_residual_mw:.1e} MW, dual {dual_residual_mw:.1e} MW (stop at \
             {tolerance_mw:.0e})"
        ),
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
        if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed} {prefix}{msg}") {
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

/// Says what vppsim is doing now (the figures of the stage before are dropped).
pub fn stage(what: impl Into<String>) {
    *last_work() = None;
    if let Some(bar) = BAR.get() {
        // The figures first: a tick between the two never shows the old ones on the new stage.
        bar.set_message("");
        bar.set_prefix(what.into());
    }
}

/// A bar of `len` cases with its ETA in place of the spinner, which is cleared (and with it
/// the solve figures of the cases running side by side); hidden where the spinner is.
pub fn cases(len: usize) -> ProgressBar {
    clear();
    if BAR.get().is_none_or(|bar| bar.is_hidden()) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} cases, {elapsed} elapsed, ETA {eta}")
    {
        bar.set_style(style);
    }
    bar
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_reads_as_a_planner_would_say_it() {
        let windows = Work::Windows {
            window: 12,
            windows: 365,
            steps: 1152,
            total_steps: 35040,
        };
        assert_eq!(describe(windows), "window 12 of 365 (3 % of the steps)");
        let admm = Work::Admm {
            iteration: 40,
            max_iterations: 300,
            primal_residual_mw: 0.0123,
            dual_residual_mw: 0.5,
            tolerance_mw: 5e-3,
        };
        assert_eq!(
            describe(admm),
            "ADMM iteration 40 of at most 300, residuals: primal 1.2e-2 MW, dual 5.0e-1 MW (stop at 5e-3)"
        );
    }
}
