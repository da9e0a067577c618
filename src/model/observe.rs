//! Watching vppsim at work: a process-wide observer (installed once, by the command line)
//! receives HiGHS's log lines and, during each simplex or interior-point solve, its
//! iteration count, objective and elapsed time; and, above single solves, how far a
//! receding-horizon run or an ADMM coordination has come ([`Work`]). Without an observer
//! HiGHS stays silent, no callback is attached and reports cost one atomic load, so library
//! users and tests see no difference.

use std::sync::OnceLock;

/// Which of HiGHS's loops reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Simplex,
    InteriorPoint,
}

/// A solve's progress as HiGHS reports it from its iteration loop. HiGHS 1.x fills what it
/// has: the simplex count reliably; the interior-point count, objective and running time
/// may be negative or infinite (not known at that call).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolveProgress {
    pub method: Method,
    /// Iterations so far (negative when not known).
    pub iterations: i64,
    /// Current objective value (HiGHS's, in the LP's own scaling).
    pub objective: f64,
    /// Seconds since HiGHS started this solve (negative when not known).
    pub seconds: f64,
}

/// How far work made of many solves has come.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Work {
    /// A rolling-horizon run (MPC, daily plans) after committing window `window` of
    /// `windows`: `steps` of `total_steps` simulated.
    Windows {
        window: usize,
        windows: usize,
        steps: usize,
        total_steps: usize,
    },
    /// An ADMM coordination after iteration `iteration` (of at most `max_iterations`):
    /// its primal and dual residuals (RMS, MW) against the stopping tolerance.
    Admm {
        iteration: usize,
        max_iterations: usize,
        primal_residual_mw: f64,
        dual_residual_mw: f64,
        tolerance_mw: f64,
    },
}

/// Receives what HiGHS reports. Called from inside HiGHS's loops, on the solving thread:
/// implementations must be cheap (throttle anything costly) and must not panic.
pub trait SolverObserver: Send + Sync {
    /// Whether to switch HiGHS's log on and receive its lines.
    fn wants_log(&self) -> bool;
    /// Whether to receive iteration progress.
    fn wants_progress(&self) -> bool;
    /// One piece of HiGHS's log (usually a line with its newline).
    fn log(&self, text: &str);
    fn progress(&self, progress: SolveProgress);
    /// Progress above single solves (called once per window or iteration, not throttled).
    fn work(&self, _work: Work) {}
}

static OBSERVER: OnceLock<Box<dyn SolverObserver>> = OnceLock::new();

/// Installs the process's observer; HiGHS instances created afterwards report to it.
/// Returns false (and keeps the first) if one was installed already.
pub fn install(observer: Box<dyn SolverObserver>) -> bool {
    OBSERVER.set(observer).is_ok()
}

/// The installed observer, if any.
pub(crate) fn current() -> Option<&'static dyn SolverObserver> {
    OBSERVER.get().map(|o| o.as_ref())
}

/// Tells the installed observer, if any, how far `work` has come.
pub fn report(work: Work) {
    if let Some(observer) = current() {
        observer.work(work);
    }
}
