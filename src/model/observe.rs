//! Watching HiGHS at work: a process-wide observer (installed once, by the command line)
//! receives HiGHS's log lines and, during each simplex or interior-point solve, its
//! iteration count, objective and elapsed time. Without an observer HiGHS stays silent and
//! no callback is attached, so library users and tests see no difference.

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
