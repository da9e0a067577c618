//! VPP benches: central dispatch (one joint LP) and ADMM on generated fleets of 10, 100 and
//! 1,000 sites × 96 hourly steps. Sites cycle through three kinds: a PV–battery microgrid
//! with a flexible load, a data centre with two AI jobs, and a solar data centre with
//! spare IT capacity; AI compute may move between data centres; one evening import cap.
//! Before timing, each size prints how the cap binds, the compute moved, and one ADMM run:
//! its iterations, its gap to the joint LP and its wall time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use vppsim::vpp::model::Coupling;
use vppsim::vpp::{VppScenario, admm, central};

const STEPS: usize = 96;

/// A folder with the fleet's shared per-unit PV profile (a clear summer day, repeated).
fn profile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vppsim-bench-vpp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut csv = String::from("pv_pu\n");
    for t in 0..STEPS {
        let hour = (t % 24) as f64 + 0.5;
        let sun = ((hour - 6.0) / 13.0 * std::f64::consts::PI).sin().max(0.0);
        let _ = writeln!(csv, "{:.4}", 0.85 * sun);
    }
    std::fs::write(dir.join("pv.csv"), csv).expect("profile written");
    dir
}

/// The VPP file for `n` sites, sizes varied by site index.
fn fleet(n: usize) -> String {
    let mut s = format!(
        r#"[scenario]
name = "fleet-{n}"
[time]
start = "2025-07-14T00:00:00+08:00"
step = "1h"
duration = "4d"
[dispatch]
objective = {{ import = 1.0, cost = 1e-3 }}
solver = {{ method = "simplex", presolve = "on" }}
[vpp]
compute_shifting = {{ migration_cost = "0.02 CNY/kWh" }}
admm = {{ rho = 0.5, max_iterations = 400, tolerance = "5 kW" }}
[[vpp.event]]
name = "cap"
from = "2025-07-15T18:00:00+08:00"
to = "2025-07-15T21:00:00+08:00"
import_limit = "{cap} MW"
compensation = "2 CNY/kWh"
shortfall_penalty = "5 CNY/kWh"
"#,
        cap = 1.15 * n as f64
    );
    let pv = r#"availability = { file = "pv.csv", column = "pv_pu", unit = "pu", repeat = true }"#;
    let grid = r#"[site.grid]
import_limit = "20 MW"
export_limit = "0 MW"
import_price = { time_of_use = [
  { from = "00:00", to = "09:00", price = "0.42 CNY/kWh" },
  { from = "09:00", to = "17:00", price = "0.21 CNY/kWh" },
  { from = "17:00", to = "00:00", price = "0.63 CNY/kWh" },
] }
"#;
    for i in 0..n {
        let k = 1.0 + (i % 7) as f64 * 0.1;
        let _ = writeln!(s, "[[site]]\nname = \"s{i}\"");
        match i % 3 {
            0 => {
                let _ = writeln!(
                    s,
                    r#"[[site.pv]]
name = "pv"
capacity = "{pv_mw} MW"
{pv}
[[site.battery]]
name = "battery"
energy_capacity = "{b2} MWh"
charge_power = "{b1} MW"
discharge_power = "{b1} MW"
charge_efficiency = 0.95
discharge_efficiency = 0.95
soc_min = 0.1
soc_max = 0.9
soc_initial = 0.5
[[site.load]]
name = "load"
power = "{load} MW"
[[site.flexible_load]]
name = "ev"
max_power = "0.5 MW"
energy = "2 MWh"
hours = ["08:00", "20:00"]"#,
                    pv_mw = 2.0 * k,
                    b1 = k,
                    b2 = 2.0 * k,
                    load = 1.2 * k
                );
            }
            1 => {
                let _ = writeln!(
                    s,
                    r#"[[site.datacenter]]
name = "dc"
it_capacity = "{cap} MW"
it_load = "{it} MW"
job = [
  {{ name = "a", release = "2025-07-14T06:00:00+08:00", deadline = "2025-07-16T06:00:00+08:00", energy = "{e} MWh", max_power = "1 MW" }},
  {{ name = "b", release = "2025-07-15T12:00:00+08:00", deadline = "2025-07-17T12:00:00+08:00", energy = "{e} MWh", max_power = "1 MW" }},
]"#,
                    cap = 3.0 * k,
                    it = 1.5 * k,
                    e = 12.0 * k
                );
            }
            _ => {
                let _ = writeln!(
                    s,
                    r#"[[site.pv]]
name = "pv"
capacity = "{pv_mw} MW"
{pv}
[[site.datacenter]]
name = "dc"
it_capacity = "3 MW"
it_load = "{it} MW""#,
                    pv_mw = 3.0 * k,
                    it = 0.8 * k
                );
            }
        }
        s.push_str(grid);
    }
    s
}

fn load(dir: &Path, n: usize) -> VppScenario {
    let path = dir.join(format!("fleet-{n}.toml"));
    vppsim::vpp::scenario::from_str(&path, &fleet(n)).expect("the fleet resolves")
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

criterion_group!(benches, vpp);
criterion_main!(benches);
