//! Dispatch benches on the reference scenario at 96 / 672 / 8,736 / 35,040 steps:
//! - `build`: scenario loaded → HiGHS model ready (every asset's columns and rows);
//! - `solve`: HiGHS solving that model (the build is excluded from the timing);
//! - `run`: a whole perfect-foresight simulation (build, solve, commit, invariants);
//! - `highs_options`: the year solved with each HiGHS method/presolve choice;
//! - `mpc`: receding horizon, daily over a year and every step over a week.
//!
//! Run with `make bench`; compare figures as ratios within one run.

use std::path::Path;
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use vppsim::dispatch::{Context, Inputs, State, WindowModel, built_in};
use vppsim::model::{Method, Presolve, Solver, SolverOptions};
use vppsim::scenario::{self, Scenario, Strategy};
use vppsim::sim::simulate;

const SIZES: [usize; 4] = [96, 672, 8736, 35040];

fn reference(steps: usize) -> Scenario {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/reference-{steps}.toml"));
    scenario::load(&path)
        .expect("reference scenario loads")
        .scenario
}

/// The whole horizon's LP built and handed to a new HiGHS model.
fn ready_model(s: &Scenario, state: &State, options: &SolverOptions) -> Solver {
    let devices = s.devices();
    let ctx = Context {
        scenario: s,
        devices: &devices,
        state,
        start: 0,
        len: s.time.len,
    };
    let lp = WindowModel::build(&ctx, Default::default(), &Inputs::truth(&ctx), true)
        .lp
        .finish();
    let mut solver = Solver::new(options).expect("HiGHS starts");
    solver.load(lp).expect("model loads");
    solver
}

fn dispatch(c: &mut Criterion) {
    let mut group = c.benchmark_group("dispatch");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for steps in SIZES {
        let s = reference(steps);
        let state = State::initial(&s);
        let options = s.dispatch.solver.clone();
        group.bench_with_input(BenchmarkId::new("build", steps), &steps, |b, _| {
            b.iter(|| ready_model(&s, &state, &options))
        });
        group.bench_with_input(BenchmarkId::new("solve", steps), &steps, |b, _| {
            b.iter_batched(
                || ready_model(&s, &state, &options),
                |mut m| m.solve().expect("optimal"),
                BatchSize::PerIteration,
            )
        });
        group.bench_with_input(BenchmarkId::new("run", steps), &steps, |b, _| {
            b.iter(|| {
                simulate(&s, built_in(s.dispatch.strategy, &s).as_mut()).expect("run succeeds")
            })
        });
    }
    group.finish();
}

fn highs_options(c: &mut Criterion) {
    let mut group = c.benchmark_group("highs_options");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(40));
    let s = reference(35040);
    let state = State::initial(&s);
    for (method, presolve) in [
        (Method::Ipm, Presolve::Off),
        (Method::Ipm, Presolve::On),
        (Method::Simplex, Presolve::On),
        (Method::Simplex, Presolve::Off),
    ] {
        let options = SolverOptions {
            method,
            presolve,
            ..SolverOptions::default()
        };
        let name = format!("{}-presolve-{}", method.name(), presolve.name());
        group.bench_function(name, |b| {
            b.iter_batched(
                || ready_model(&s, &state, &options),
                |mut m| m.solve().expect("optimal"),
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

/// Receding horizon (96-step plans) on the reference scenario, keeping one HiGHS model alive
/// or rebuilding each window's LP: a year re-planned daily (365 solves), a week and a year
/// re-planned every step (672 and 35,040 solves).
fn mpc(c: &mut Criterion) {
    let mut group = c.benchmark_group("mpc");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(40));
    let runs = [
        ("daily_year_persistent", 35040, 96, true),
        ("daily_year_rebuild", 35040, 96, false),
        ("every_step_week_persistent", 672, 1, true),
        ("every_step_week_rebuild", 672, 1, false),
        ("every_step_year_persistent", 35040, 1, true),
    ];
    for (name, steps, replan, persistent) in runs {
        let mut s = reference(steps);
        s.dispatch.mpc.horizon = 96;
        s.dispatch.mpc.replan = replan;
        s.dispatch.mpc.persistent = persistent;
        group.bench_function(name, |b| {
            b.iter(|| simulate(&s, built_in(Strategy::Mpc, &s).as_mut()).expect("runs"))
        });
    }
    group.finish();
}

criterion_group!(benches, dispatch, highs_options, mpc);
criterion_main!(benches);
