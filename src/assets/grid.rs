//! Grid connection: import and export limits, prices and carbon intensity.
//!
//! LP, for each step t of a window (dt in hours):
//! - `import[t] ∈ [0, import_limit_mw]`, `export[t] ∈ [0, export_limit_mw]`;
//! - objective terms per step: import `dt·import` (MWh), cost `dt·(p_imp·import −
//!   p_exp·export)` (CNY, prices `p` in CNY/MWh), carbon `dt·c·import` (kg, intensity `c`
//!   in kg/MWh);
//! - bus injection `import[t] − export[t]`;
//! - with a demand charge c (CNY/MW per month): `peak[m] ≥ import[t]` for every step t of
//!   calendar month m, and cost `c · share[m] · peak[m]`, where `share[m]` is the part of
//!   month m inside the horizon (hours of the horizon in m / hours of m): a week's run pays
//!   a week's share of the monthly charge, a whole month pays it whole;
//! - **one meter**: the site cannot import and export at once. Where that could pay — at a
//!   step whose export is worth more than its import costs in the objective,
//!   `w_cost·p_exp > w_import + w_cost·p_imp + w_carbon·c` — a binary `mode[t]` makes them
//!   exclusive: `import[t] ≤ import_limit·mode[t]`, `export[t] ≤ export_limit·(1 − mode[t])`
//!   (rows `grid.import_mode[t]`, `grid.export_mode[t]`; the LP becomes a MIP). Elsewhere
//!   importing and exporting together never lowers the objective, so an optimum has an
//!   equal one without it and the commit's netting changes nothing.
//!
//! Sized (see [`super::capacity`]): the import limit `L` may be an LP column, `import[t] ≤ L`
//! (rows `grid.import_limit[t]`); the one-meter rows then use the most `L` can be.

use serde::Serialize;

use super::capacity::{Capacity, CapacityColumn, Extension};
use crate::model::{Bus, Linear, LpBuilder, Term, VarBlock, Weights};

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
    /// The import limit may grow (`import_limit_mw` is then what exists).
    pub import_sizing: Option<Extension>,
}

/// A monthly charge on each calendar month's peak import.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemandCharge {
    pub cny_per_mw: f64,
    /// Calendar month of each step, numbered `12·year + month0` in local time.
    pub month: Vec<u32>,
    /// Share of each month of the horizon inside it (hours of the horizon in the month /
    /// hours of the month), from the first step's month on.
    pub share: Vec<f64>,
}

impl DemandCharge {
    /// Charge for month `key` (`12·year + month0`) per MW of its peak (CNY/MW), pro rata
    /// to the share of the month inside the horizon.
    pub fn cny_per_mw_in(&self, key: u32) -> f64 {
        let first = self.month.first().copied().unwrap_or(key);
        self.cny_per_mw
            * self
                .share
                .get((key - first) as usize)
                .copied()
                .unwrap_or(0.0)
    }
}

/// The grid's LP columns for one window.
pub struct GridVars {
    pub import: VarBlock,
    pub export: VarBlock,
    /// The import limit's column, when sized.
    pub capacity: Option<CapacityColumn>,
}

impl Grid {
    /// The connection with `added` import capacity, no longer sizable.
    pub fn sized(&self, added: f64) -> Grid {
        Grid {
            import_limit_mw: self.import_limit_mw + added,
            import_sizing: None,
            ..self.clone()
        }
    }

    /// Objective weight of a MWh imported at step `t` (per MWh, MWh-equivalent).
    pub fn import_weight(&self, t: usize, w: &Weights) -> f64 {
        let carbon = self.carbon_kg_per_mwh.as_ref().map_or(0.0, |c| c[t]);
        w.import + w.cost * self.import_price[t] + w.carbon * carbon
    }

    /// Whether importing and exporting at once would lower the objective at step `t`.
    pub fn exclusive_at(&self, t: usize, w: &Weights) -> bool {
        self.import_limit_mw > 0.0
            && self.export_limit_mw > 0.0
            && w.cost * self.export_price[t] > self.import_weight(t, w)
    }

    /// Adds `grid.import[t]`, `grid.export[t]` and their objective terms.
    pub fn add_to_lp(&self, lp: &mut LpBuilder, bus: &mut Bus) -> GridVars {
        let (start, n, dt) = (bus.start(), bus.len(), bus.dt());
        let limit = Capacity::new(
            lp,
            self.import_sizing.as_ref(),
            self.import_limit_mw,
            "grid",
            n as f64 * dt,
        );
        let most = limit.most();
        let import = lp.variables("grid.import".into(), start, n, |_| (0.0, most));
        limit.limit_rows(lp, "grid.import_limit".into(), start, &import, |_| 1.0);
        if let Some(charge) = &self.demand_charge {
            self.add_peaks(lp, &import, charge, start, most);
        }
        let export = lp.variables("grid.export".into(), start, n, |_| {
            (0.0, self.export_limit_mw)
        });
        for t in 0..n {
            let s = start + t;
            lp.cost(Term::Import, dt, &import, t);
            lp.cost(Term::Cost, dt * self.import_price[s], &import, t);
            if let Some(carbon) = &self.carbon_kg_per_mwh {
                lp.cost(Term::Carbon, dt * carbon[s], &import, t);
            }
            lp.cost(Term::Cost, -dt * self.export_price[s], &export, t);
            bus.inject(t, 1.0, import.col(t));
            bus.inject(t, -1.0, export.col(t));
        }
        let weights = lp.weights();
        let exclusive: Vec<usize> = (0..n)
            .filter(|&t| self.exclusive_at(start + t, &weights))
            .collect();
        if !exclusive.is_empty() {
            self.add_modes(lp, (&import, &export), start, &exclusive, most);
        }
        GridVars {
            import,
            export,
            capacity: limit.column(),
        }
    }

    /// Adds, for each run of consecutive local steps in `steps`, binaries
    /// `grid.mode[t]` (1 = importing) and rows `grid.import_mode[t]`, `grid.export_mode[t]`
    /// that let only one of import and export be non-zero at step t.
    fn add_modes(
        &self,
        lp: &mut LpBuilder,
        (import, export): (&VarBlock, &VarBlock),
        start: usize,
        steps: &[usize],
        imax: f64,
    ) {
        let emax = self.export_limit_mw;
        for run in steps.chunk_by(|a, b| b == &(a + 1)) {
            let first = run[0];
            let mode = lp.binaries("grid.mode".into(), start + first, run.len());
            let rows = run.iter().enumerate().map(|(k, &t)| {
                Linear::default()
                    .plus(1.0, import.col(t))
                    .plus(-imax, mode.col(k))
                    .leq(0.0)
            });
            lp.rows("grid.import_mode".into(), start + first, rows);
            let rows = run.iter().enumerate().map(|(k, &t)| {
                Linear::default()
                    .plus(1.0, export.col(t))
                    .plus(emax, mode.col(k))
                    .leq(emax)
            });
            lp.rows("grid.export_mode".into(), start + first, rows);
        }
    }

    /// Adds `grid.peak[k]` for each calendar month k in the window and its rows
    /// `grid.peak_bound[t]`: `import[t] − peak[k] ≤ 0`.
    fn add_peaks(
        &self,
        lp: &mut LpBuilder,
        import: &VarBlock,
        charge: &DemandCharge,
        start: usize,
        most: f64,
    ) {
        let months = &charge.month[start..start + import.len()];
        let first = months[0];
        let count = (months[months.len() - 1] - first + 1) as usize;
        let peak = lp.variables("grid.peak".into(), 0, count, |_| (0.0, most));
        for k in 0..count {
            lp.cost(Term::Cost, charge.cny_per_mw_in(first + k as u32), &peak, k);
        }
        let rows = months.iter().enumerate().map(|(t, m)| {
            Linear::default()
                .plus(1.0, import.col(t))
                .plus(-1.0, peak.col((m - first) as usize))
                .leq(0.0)
        });
        lp.rows("grid.peak_bound".into(), start, rows);
    }
}
