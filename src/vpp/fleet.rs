//! Generated fleets for benches and scale tests: `n` sites × 96 hourly steps (four days
//! from 2025-07-14). Sites cycle through three kinds, sizes varied by site index: a
//! PV–battery microgrid with a flexible load, a data centre with two AI jobs, and a solar
//! data centre with spare IT capacity; AI compute may move between data centres
//! (migration 0.02 CNY/kWh); one evening import cap of 1.15 MW per site (18:00–21:00 on the
//! second day) that binds. [`write`] puts a fleet's VPP file and its PV profile in a folder,
//! for `vppsim run` (see `benches/vpp.rs`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Steps of a generated fleet (hourly).
pub const STEPS: usize = 96;

/// The fleet's shared per-unit PV profile as CSV (column `pv_pu`): a clear summer day,
/// `0.85·max(0, sin(π(h − 6)/13))` at each hour's middle `h`, repeated.
pub fn pv_csv() -> String {
    let mut csv = String::from("pv_pu\n");
    for t in 0..STEPS {
        let hour = (t % 24) as f64 + 0.5;
        let sun = ((hour - 6.0) / 13.0 * std::f64::consts::PI).sin().max(0.0);
        let _ = writeln!(csv, "{:.4}", 0.85 * sun);
    }
    csv
}

/// Writes `fleet-<n>.toml` and the `pv.csv` it reads into `dir` (created if missing);
/// returns the VPP file's path.
pub fn write(dir: &Path, n: usize) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("pv.csv"), pv_csv())?;
    let path = dir.join(format!("fleet-{n}.toml"));
    std::fs::write(&path, toml(n))?;
    Ok(path)
}

/// The VPP file for `n` sites (reads `pv.csv` beside it).
pub fn toml(n: usize) -> String {
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
