//! Curtailable load: part of a load that may be given up at a price (a data centre capping
//! a share of its general IT power, losing that compute).
//!
//! LP, for each step t of a window (dt in hours):
//! - `curtailed[t] ∈ [0, max[t]]` (MW at the load's own level, e.g. IT power);
//! - bus injection `+overhead[t]·curtailed[t]`: the power the site no longer draws (IT × PUE
//!   for a data centre), against the full load withdrawn as fixed;
//! - objective: cost `price · dt · curtailed[t]` (CNY, price per MWh curtailed).

use serde::Serialize;

use crate::model::{Bus, LpBuilder, Term, VarBlock};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurtailableLoad {
    pub name: String,
    /// Most that may be curtailed in each step (MW at the load's level).
    pub max_mw: Vec<f64>,
    /// Bus power per unit curtailed in each step (e.g. the PUE).
    pub overhead: Vec<f64>,
    /// Price of a curtailed MWh (CNY/MWh).
    pub price_cny_per_mwh: f64,
}

impl CurtailableLoad {
    /// Adds `name.curtailed[t]` for the bus's window with its cost and bus injection.
    pub fn add_to_lp(&self, lp: &mut LpBuilder, bus: &mut Bus) -> VarBlock {
        let (start, n, dt) = (bus.start(), bus.len(), bus.dt());
        let curtailed = lp.variables(format!("{}.curtailed", self.name), start, n, |k| {
            (0.0, self.max_mw[start + k])
        });
        let cost = self.price_cny_per_mwh * dt;
        for k in 0..n {
            lp.cost(Term::Cost, cost, &curtailed, k);
            bus.inject(k, self.overhead[start + k], curtailed.col(k));
        }
        curtailed
    }

    /// Realised curtailment for a planned value: within `[0, max]`.
    pub fn realise(&self, t: usize, planned_mw: f64) -> f64 {
        planned_mw.clamp(0.0, self.max_mw[t])
    }
}
