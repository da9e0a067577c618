//! VPP benches: central dispatch (one joint LP) and ADMM on generated fleets of 10, 100 and
//! 1,000 sites × 96 hourly steps (see `vppsim::vpp::fleet`). Before timing, each size
//! prints how the cap binds, the compute moved, and one ADMM run: its iterations, its gap
//! to the joint LP and its wall time. `vpp_x_update` times one ADMM x-update of a site of
//! the Xining VPP (its QP after a change of its linear costs) with Clarabel from scratch
//! and with OSQP kept factored and warm-started, in one run.
//!
//! `VPPSIM_FLEET=N:DIR cargo bench --bench vpp` writes the fleet of N sites to DIR (for
//! `vppsim run DIR/fleet-N.toml`) and exits without benchmarking.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group};
use vppsim::model::{DiagonalQp, LpBuilder, WarmQp};
use vppsim::vpp::model::{Coupling, SiteModel};
use vppsim::vpp::{VppScenario, admm, central, fleet};

/// A fresh folder for the fleets' files.
fn profile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vppsim-bench-vpp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn load(dir: &Path, n: usize) -> VppScenario {
    let path = fleet::write(dir, n).expect("fleet written");
    vppsim::vpp::scenario::load(&path)
        .expect("the fleet resolves")
        .vpp
}

fn vpp(c: &mut Criterion) {
    let dir = profile_dir();
    let mut group = c.benchmark_group("vpp");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for n in [10, 100, 1000] {
        let v = load(&dir, n);
        let coupling = Coupling::of(&v, true);
        let caps: Vec<f64> = coupling
            .event_steps
            .iter()
            .map(|&t| v.event_at(t).expect("event").cap_mw(0.0))
            .collect();
        let joint = central::solve(&v, &coupling, &caps).expect("central solves");
        let imports: Vec<(f64, f64)> = coupling
            .event_steps
            .iter()
            .zip(&caps)
            .map(|(&t, &cap)| (joint.sites.iter().map(|s| s.plan.import_mw[t]).sum(), cap))
            .collect();
        let binding = imports.iter().filter(|(i, cap)| *i > cap - 1e-6).count();
        let shortfall: f64 = imports.iter().map(|(i, cap)| (i - cap).max(0.0)).sum();
        let moved: f64 = joint
            .sites
            .iter()
            .flat_map(|s| &s.exchange_mw)
            .map(|p| p.max(0.0))
            .sum();
        eprintln!(
            "vpp/{n} sites: the cap binds at {binding} of {} event steps (shortfall {shortfall:.3} MWh); {moved:.1} MWh of compute moved",
            caps.len()
        );
        // ADMM once per size (its gap and a single wall time), then benched up to 100 sites;
        // at 1,000 sites ten samples would take several minutes.
        let started = std::time::Instant::now();
        let distributed = admm::solve(&v, &coupling, &caps).expect("ADMM solves");
        let trace = distributed.admm.as_ref().expect("trace");
        eprintln!(
            "vpp/{n} sites: central objective {:.6}, ADMM {:.6} (gap {:+.4} %) in {} iterations ({}), {:.2} s once",
            joint.objective,
            distributed.objective,
            100.0 * (distributed.objective - joint.objective) / joint.objective.abs(),
            trace.iterations.len() - 1,
            if trace.converged {
                "converged"
            } else {
                "iteration limit"
            },
            started.elapsed().as_secs_f64()
        );
        if n <= 100 {
            group.bench_with_input(BenchmarkId::new("admm", n), &n, |b, _| {
                b.iter(|| admm::solve(&v, &coupling, &caps).expect("ADMM solves"))
            });
        }
        group.bench_with_input(BenchmarkId::new("central", n), &n, |b, _| {
            b.iter(|| central::solve(&v, &coupling, &caps).expect("central solves"))
        });
    }
    group.finish();
    let _ = std::fs::remove_dir_all(dir);
}

/// One ADMM x-update of the Xining VPP's data-centre site with the most coupled values: the
/// site LP plus `ρ/2 Σ x_c²` on its coupled columns, whose linear costs move a little each
/// iteration (as late in ADMM), solved by Clarabel (from scratch: an interior-point method
/// cannot warm-start) and by OSQP (factorisation kept, warm-started).
fn x_update(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/xining-vpp.toml");
    let v = vppsim::vpp::scenario::load(&path).expect("loads").vpp;
    let coupling = Coupling::of(&v, true);
    let (site, model, lp) = v
        .sites
        .iter()
        .map(|site| {
            let mut builder = LpBuilder::default();
            builder.set_objective(site.dispatch.objective);
            let model = SiteModel::add(&mut builder, &coupling, site);
            (site, model, builder.finish())
        })
        .max_by_key(|(_, m, _)| m.compute_net.as_ref().map_or(0, |b| b.len()))
        .expect("sites");
    let mut cols: Vec<usize> = model
        .event_import
        .iter()
        .chain(&model.compute_net)
        .flat_map(|b| (0..b.len()).map(move |k| b.col(k)))
        .collect();
    cols.sort_unstable();
    let rho = 0.5;
    // Targets: a site-sized ramp, moved by ±1 % each iteration.
    let costs = |k: usize| -> Vec<(usize, f64)> {
        let shift = if k.is_multiple_of(2) { 1.01 } else { 0.99 };
        cols.iter()
            .enumerate()
            .map(|(i, &col)| (col, -rho * shift * (0.5 + (i % 24) as f64 / 24.0)))
            .collect()
    };
    eprintln!(
        "vpp_x_update: site '{}', {} columns, {} rows, {} coupled values",
        site.name,
        lp.num_columns(),
        lp.num_rows(),
        cols.len()
    );
    let mut clarabel = DiagonalQp::new(&lp, &cols, rho).expect("Clarabel sets up");
    let mut osqp = WarmQp::new(&lp, &cols, rho, admm::QP_TOLERANCE).expect("OSQP sets up");
    let (a, fa) = clarabel.solve(rho, &costs(0)).expect("Clarabel solves");
    let (b, fb) = osqp.solve(rho, &costs(0)).expect("OSQP solves");
    let diff = a
        .iter()
        .zip(&b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max);
    eprintln!(
        "vpp_x_update: objective Clarabel {fa:.9}, OSQP {fb:.9} (relative difference {:.1e}); largest column difference {diff:.1e}",
        (fa - fb).abs() / fa.abs().max(1.0)
    );
    let mut group = c.benchmark_group("vpp_x_update");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    let mut k = 0;
    group.bench_function("clarabel", |bench| {
        bench.iter(|| {
            k += 1;
            clarabel.solve(rho, &costs(k)).expect("Clarabel solves")
        })
    });
    group.bench_function("osqp_warm", |bench| {
        bench.iter(|| {
            k += 1;
            osqp.solve(rho, &costs(k)).expect("OSQP solves")
        })
    });
    group.finish();
}

criterion_group!(benches, x_update, vpp);

fn main() {
    if let Ok(spec) = std::env::var("VPPSIM_FLEET") {
        let (n, dir) = spec
            .split_once(':')
            .and_then(|(n, dir)| Some((n.parse::<usize>().ok()?, dir)))
            .expect("VPPSIM_FLEET=N:DIR");
        let path = fleet::write(Path::new(dir), n).expect("fleet written");
        eprintln!("wrote {}", path.display());
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
