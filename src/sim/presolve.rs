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
/// - a step whose fixed load exceeds the import limit plus the most every asset can supply
///   ([`Asset::most_supply`]: PV available, battery discharge power, …).
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
    // Where lost load is priced, load beyond the supply goes unserved instead.
    let must_serve = scenario.dispatch.unserved_cny_per_mwh.is_none();
    let devices = scenario.devices();
    for t in (0..time.len).filter(|_| must_serve) {
        let load: f64 = scenario.loads.iter().map(|l| l.power_mw[t]).sum();
        let on_site: f64 = devices.iter().map(|d| d.most_supply(t)).sum();
        if load > scenario.grid.import_limit_mw + on_site + 1e-9 {
            let parts: Vec<String> = devices
                .iter()
                .filter(|d| d.most_supply(t) > 0.0)
                .map(|d| format!("'{}' {:.3} MW", d.name(), d.most_supply(t)))
                .collect();
            found.push(Infeasibility {
                asset: "grid".into(),
                from: time.timestamp(t),
                message: format!(
                    "at {} the fixed load of {load:.3} MW exceeds the grid import limit ({} MW) plus the most the site's assets can supply ({on_site:.3} MW{})",
                    time.timestamp(t),
                    scenario.grid.import_limit_mw,
                    if parts.is_empty() { String::new() } else { format!(": {}", parts.join(", ")) }
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
    let (assets_columns, assets_rows) = scenario
        .devices()
        .iter()
        .map(|d| d.lp_size(n))
        .fold((0, 0), |(c, r), (dc, dr)| (c + dc, r + dr));
    // The grid: import and export per step; the bus balance per step, and the peak rows of
    // a demand charge.
    let peaks = if scenario.grid.demand_charge.is_some() {
        n
    } else {
        0
    };
    let columns = assets_columns + 2 * n;
    let rows = assets_rows + n + peaks;
    LpSize {
        columns,
        rows,
        bytes: 900 * columns as u64 + 300 * rows as u64,
    }
}
