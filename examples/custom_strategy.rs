//! A dispatch strategy of your own, in 70 lines: copy this file, change `plan`, and run
//! `cargo run --release --example custom_strategy -- scenarios/small-site.toml`.
//!
//! The strategy below charges every battery at full power while the import price is below
//! the day's mean and discharges to cover the load while it is above; the simulator commits
//! each plan to the realised world (clamping to every physical limit) and checks every
//! invariant, exactly as for the built-in strategies.

use std::path::PathBuf;

use vppsim::dispatch::{Context, DispatchError, Dispatcher, Plan, PlanOutcome};
use vppsim::sim::simulate;
use vppsim::{Kpis, Scenario, scenario};

/// Charges below the mean import price of the whole run, discharges above it.
struct BelowMeanPrice {
    mean_price: f64,
}

impl Dispatcher for BelowMeanPrice {
    fn name(&self) -> &'static str {
        "below-mean-price"
    }

    /// Plan one step at a time and commit it (the LP plans the whole run instead).
    fn window(&self, _: &Scenario) -> (usize, usize) {
        (1, 1)
    }

    /// `plan.assets[asset][series][step]` holds the set-points, assets in
    /// `Scenario::devices` order (`Scenario::offsets` says where each kind starts) and series
    /// in each asset's `series()` order; `ctx.state.assets` holds each asset's state
    /// (a battery's stored MWh, a flexible load's energy still owed).
    fn plan(&mut self, ctx: &Context, plan: &mut Plan) -> Result<PlanOutcome, DispatchError> {
        let s = ctx.scenario;
        let t = ctx.start;
        let at = s.offsets();
        plan.reset(ctx.devices, 1);
        // Flexible loads: as early as allowed. PV: all that is available (the commit
        // curtails what the export limit cannot take). The grid takes the rest at commit.
        let dt = s.time.dt_hours();
        for (i, f) in s.flexible_loads.iter().enumerate() {
            let owed = ctx.state.assets[at.flexible + i];
            plan.assets[at.flexible + i][0][0] = f.max_at(t).min(owed / dt);
        }
        for (i, p) in s.pv.iter().enumerate() {
            plan.assets[at.pv + i][0][0] = p.available_mw[t];
        }
        let cheap = s.grid.import_price[t] < self.mean_price;
        for (i, b) in s.batteries.iter().enumerate() {
            // Series: charge, discharge (MW), stored energy (MWh).
            let [charge, discharge, _] = &mut plan.assets[at.batteries + i][..] else {
                unreachable!("a battery plans three series")
            };
            if cheap {
                charge[0] = b.charge_mw;
            } else {
                // Never below the end-of-run requirement, which the simulator enforces.
                let soc = ctx.state.assets[at.batteries + i];
                let spare = (soc - b.soc_final_mwh).max(0.0) * b.discharge_efficiency / dt;
                let load: f64 = s.loads.iter().map(|l| l.power_mw[t]).sum();
                discharge[0] = load.min(b.discharge_mw).min(spare);
            }
        }
        Ok(PlanOutcome::default())
    }
}

fn main() {
    let path: PathBuf = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "scenarios/small-site.toml".into())
        .into();
    let loaded = match scenario::load(&path) {
        Ok(l) => l,
        Err(problems) => {
            eprintln!("{problems}");
            std::process::exit(2);
        }
    };
    let s = &loaded.scenario;
    let mean_price = s.grid.import_price.iter().sum::<f64>() / s.time.len as f64;
    match simulate(s, &mut BelowMeanPrice { mean_price }) {
        Ok(run) => {
            let k = Kpis::compute(&run.results);
            println!(
                "{}: import {:.3} MWh, energy cost {:.2} CNY",
                path.display(),
                k.grid_import_mwh,
                k.energy_cost_cny
            );
        }
        Err(e) => {
            // A plan that breaks a requirement (an import limit, energy owed, the battery's
            // end state) stops the run here, naming the step, time and quantity.
            eprintln!("error: {e}");
            std::process::exit(4);
        }
    }
}
