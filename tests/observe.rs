//! What a progress observer receives (`vppsim::model::observe`): a receding-horizon run
//! reports each window once, in order, up to its last step; an ADMM coordination reports
//! each iteration with the residuals its trace records. Its own test binary, because the
//! observer is process-wide and installed once.

use std::path::Path;
use std::sync::Mutex;

use vppsim::model::observe::{self, SolveProgress, SolverObserver, Work};
use vppsim::{Strategy, dispatch, simulate, vpp};

/// Every work report received so far.
static REPORTS: Mutex<Vec<Work>> = Mutex::new(Vec::new());

/// Keeps every work report in [`REPORTS`] (solve progress and log are not asked for).
struct Recorder;

impl SolverObserver for Recorder {
    fn wants_log(&self) -> bool {
        false
    }
    fn wants_progress(&self) -> bool {
        false
    }
    fn log(&self, _: &str) {}
    fn progress(&self, _: SolveProgress) {}
    fn work(&self, work: Work) {
        REPORTS.lock().unwrap().push(work);
    }
}

/// The reports since the last call.
fn take() -> Vec<Work> {
    std::mem::take(&mut REPORTS.lock().unwrap())
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// One test, so nothing else reports to the process-wide observer meanwhile.
#[test]
fn windows_then_admm_iterations_are_reported() {
    assert!(observe::install(Box::new(Recorder)));

    // MPC on the reference week (daily windows): one report per window, in order.
    let s = vppsim::load(&root().join("scenarios/reference-672.toml"))
        .unwrap()
        .scenario;
    let mut mpc = dispatch::built_in(Strategy::Mpc, &s);
    let run = simulate(&s, mpc.as_mut()).unwrap();
    let reports = take();
    assert_eq!(run.plans, 7);
    assert_eq!(reports.len(), run.plans, "one report per plan");
    for (i, w) in reports.iter().enumerate() {
        let Work::Windows {
            window,
            windows,
            steps,
            total_steps,
        } = *w
        else {
            panic!("{w:?}")
        };
        assert_eq!(window, i + 1);
        assert_eq!(windows, run.plans, "the total is known from the start");
        assert_eq!(total_steps, s.time.len);
        assert!(steps <= total_steps);
    }
    assert!(matches!(
        reports.last(),
        Some(Work::Windows { steps, .. }) if *steps == s.time.len
    ));

    // The perfect-foresight LP plans once: nothing to report.
    let mut lp = dispatch::built_in(Strategy::Lp, &s);
    simulate(&s, lp.as_mut()).unwrap();
    assert!(take().is_empty());

    // ADMM on the small VPP: each iteration, with the residuals of its trace.
    let mut v = vpp::scenario::load(&root().join("scenarios/small-vpp.toml"))
        .unwrap()
        .vpp;
    v.coordination = vpp::Coordination::Admm;
    let run = vpp::run(&v).unwrap();
    let trace = run.admm.expect("an ADMM trace");
    let reports = take();
    let iterations: Vec<_> = reports
        .iter()
        .filter_map(|w| match *w {
            Work::Admm {
                iteration,
                primal_residual_mw,
                dual_residual_mw,
                max_iterations,
                tolerance_mw,
            } => Some((
                iteration,
                primal_residual_mw,
                dual_residual_mw,
                max_iterations,
                tolerance_mw,
            )),
            Work::Windows { .. } => None,
        })
        .collect();
    assert_eq!(iterations.len(), trace.iterations.len());
    for (reported, traced) in iterations.iter().zip(&trace.iterations) {
        assert_eq!(reported.0, traced.iteration);
        assert_eq!(reported.1, traced.primal_residual_mw);
        assert!(
            reported.2 == traced.dual_residual_mw
                || reported.2.is_nan() && traced.dual_residual_mw.is_nan()
        );
        assert_eq!(reported.3, v.admm.max_iterations);
        assert_eq!(reported.4, v.admm.tolerance_mw);
    }
}
