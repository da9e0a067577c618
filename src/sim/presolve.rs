//! Cheap checks that prove a scenario infeasible before any solve, naming asset and time.

use crate::scenario::Scenario;

/// Why no dispatch can satisfy the scenario, in the planner's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Infeasibility {
    pub asset: String,
    /// Start of the time span concerned.
    pub from: String,
    pub message: String,
}

/// Every infeasibility these checks can prove:
/// - a flexible load whose window energy exceeds `Σ max_power · dt` over the window;
/// - a step whose fixed load exceeds import limit + all PV available + all battery
///   discharge power.
pub fn check(scenario: &Scenario) -> Vec<Infeasibility> {
    let time = &scenario.time;
    let dt = time.dt_hours();
    let mut found = Vec::new();
    for f in &scenario.flexible_loads {
        for w in &f.windows {
            let most: f64 = (w.start..w.end).map(|t| f.max_at(t)).sum::<f64>() * dt;
            if w.energy_mwh > most + 1e-9 {
                found.push(Infeasibility {
                    asset: f.name.clone(),
                    from: time.timestamp(w.start),
                    message: format!(
                        "flexible_load '{}' needs {:.3} MWh from {} to {} but can take at most {:.3} MWh in that window",
                        f.name,
                        w.energy_mwh,
                        time.timestamp(w.start),
                        time.timestamp(w.end),
                        most
                    ),
                });
            }
        }
    }
    let discharge: f64 = scenario.batteries.iter().map(|b| b.discharge_mw).sum();
    // Where lost load is priced, load beyond the supply goes unserved instead.
    let must_serve = scenario.dispatch.unserved_cny_per_mwh.is_none();
    for t in (0..time.len).filter(|_| must_serve) {
        let load: f64 = scenario.loads.iter().map(|l| l.power_mw[t]).sum();
        let pv: f64 = scenario.pv.iter().map(|p| p.available_mw[t]).sum();
        let supply = scenario.grid.import_limit_mw + pv + discharge;
        if load > supply + 1e-9 {
            found.push(Infeasibility {
                asset: "grid".into(),
                from: time.timestamp(t),
                message: format!(
                    "at {} the fixed load of {load:.3} MW exceeds the grid import limit ({} MW) plus PV available ({pv:.3} MW) plus battery discharge power ({discharge:.3} MW)",
                    time.timestamp(t),
                    scenario.grid.import_limit_mw
                ),
            });
            break;
        }
    }
    found
}

/// Size of the perfect-foresight LP of a scenario, and the memory its solve needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LpSize {
    pub columns: usize,
    pub rows: usize,
    /// Peak memory of a run (bytes): about 900 B per column and 300 B per row, measured on
    /// the park year (645,880 columns and 124,736 rows: 610 MB peak).
    pub bytes: u64,
}

/// Most memory a run may be estimated to need (64 GiB); beyond it the scenario is refused.
pub const MAX_MEMORY_BYTES: u64 = 64 << 30;

/// The LP size of `scenario` over its whole horizon, counted as the assets build it.
pub fn lp_size(scenario: &Scenario) -> LpSize {
    let n = scenario.time.len;
    let flexible: usize = scenario
        .flexible_loads
        .iter()
        .map(|f| f.windows.iter().map(|w| w.end - w.start).sum::<usize>())
        .sum();
    let windows: usize = scenario
        .flexible_loads
        .iter()
        .map(|f| f.windows.len())
        .sum();
    let columns = n
        * (scenario.pv.len() + 3 * scenario.batteries.len() + scenario.curtailable_loads.len() + 2)
        + flexible;
    let peaks = if scenario.grid.demand_charge.is_some() {
        n
    } else {
        0
    };
    let rows = n * (scenario.batteries.len() + 1) + windows + peaks;
    LpSize {
        columns,
        rows,
        bytes: 900 * columns as u64 + 300 * rows as u64,
    }
}
