//! Grid connection: import and export limits, prices and carbon intensity.
//!
//! LP, for each step t of a window (dt in hours):
//! - `import[t] ∈ [0, import_limit_mw]`, `export[t] ∈ [0, export_limit_mw]`;
//! - objective `dt · (w_import·import + w_cost·(p_imp·import − p_exp·export) +
//!   w_carbon·c·import)` per step, prices `p` in CNY/MWh and carbon intensity `c` in kg/MWh;
//! - bus injection `import[t] − export[t]`;
//! - with a demand charge c (CNY/MW per month): `peak[m] ≥ import[t]` for every step t of
//!   calendar month m, and `w_cost · c · peak[m]` in the objective.

use good_lp::constraint;
use serde::Serialize;

use crate::model::{Bus, LpBuilder, VarBlock};

/// Objective weights, in MWh-equivalent per unit of each term.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Weights {
    /// Per MWh of grid import.
    pub import: f64,
    /// Per CNY of cost (import cost − export revenue + battery throughput cost).
    pub cost: f64,
    /// Per kg of CO2 from imports.
    pub carbon: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grid {
    pub import_limit_mw: f64,
    pub export_limit_mw: f64,
    /// Import price per step (CNY/MWh).
    pub import_price: Vec<f64>,
    /// Export price per step (CNY/MWh); zero when export earns nothing.
    pub export_price: Vec<f64>,
    /// Carbon intensity of imports per step (kg/MWh), when known.
    pub carbon_kg_per_mwh: Option<Vec<f64>>,
    pub demand_charge: Option<DemandCharge>,
}

/// A monthly charge on each calendar month's peak import.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemandCharge {
    pub cny_per_mw: f64,
    /// Calendar month of each step, numbered `12·year + month0` in local time.
    pub month: Vec<u32>,
}

/// The grid's LP columns for one window.
pub struct GridVars {
    pub import: VarBlock,
    pub export: VarBlock,
}

impl Grid {
    /// Adds `grid.import[t]`, `grid.export[t]` and their objective terms.
    pub fn add_to_lp(&self, lp: &mut LpBuilder, bus: &mut Bus, weights: &Weights) -> GridVars {
        let (start, n, dt) = (bus.start(), bus.len(), bus.dt());
        let import = lp.variables("grid.import".into(), start, n, |_| {
            (0.0, self.import_limit_mw)
        });
        if let Some(charge) = &self.demand_charge {
            self.add_peaks(lp, &import, charge, start, weights);
        }
        let export = lp.variables("grid.export".into(), start, n, |_| {
            (0.0, self.export_limit_mw)
        });
        for t in 0..n {
            let s = start + t;
            let carbon = self.carbon_kg_per_mwh.as_ref().map_or(0.0, |c| c[s]);
            let import_cost =
                weights.import + weights.cost * self.import_price[s] + weights.carbon * carbon;
            lp.cost(dt * import_cost, import.var(t));
            let export_value = weights.cost * self.export_price[s];
            if export_value != 0.0 {
                lp.cost(-dt * export_value, export.var(t));
            }
            bus.inject(t, 1.0, import.var(t));
            bus.inject(t, -1.0, export.var(t));
        }
        GridVars { import, export }
    }

    /// Adds `grid.peak[k]` for each calendar month k in the window and its rows
    /// `grid.peak_bound[t]`: `import[t] − peak[k] ≤ 0`.
    fn add_peaks(
        &self,
        lp: &mut LpBuilder,
        import: &VarBlock,
        charge: &DemandCharge,
        start: usize,
        weights: &Weights,
    ) {
        let months = &charge.month[start..start + import.len()];
        let first = months[0];
        let count = (months[months.len() - 1] - first + 1) as usize;
        let peak = lp.variables("grid.peak".into(), 0, count, |_| {
            (0.0, self.import_limit_mw)
        });
        for k in 0..count {
            lp.cost(weights.cost * charge.cny_per_mw, peak.var(k));
        }
        let rows = months
            .iter()
            .enumerate()
            .map(|(t, m)| constraint::leq(import.var(t) - peak.var((m - first) as usize), 0.0));
        lp.rows("grid.peak_bound".into(), start, rows);
    }
}
