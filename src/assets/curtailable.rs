//! Curtailable load: part of a load that may be given up at a price (a data centre capping
//! a share of its general IT power, losing that compute).
//!
//! LP, for each step t of a window (dt in hours):
//! - `curtailed[t] ∈ [0, max[t]]` (MW at the load's own level, e.g. IT power);
//! - bus injection `+overhead[t]·curtailed[t]`: the power the site no longer draws (IT × PUE
//!   for a data centre), against the full load withdrawn as fixed;
//! - objective: cost `price · dt · curtailed[t]` (CNY, price per MWh curtailed).

use serde::Serialize;

use super::{Asset, Columns, Contribution, Role, Series, Total, Window, energy, within};
use crate::model::{LpBuilder, Term};
use crate::time::TimeGrid;

const SERIES: &[Series] = &[Series {
    name: "curtailed",
    unit: "MW",
    role: Role::Curtailed,
    planned: true,
}];

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

impl Asset for CurtailableLoad {
    fn name(&self) -> &str {
        &self.name
    }

    fn describe(&self, _: &TimeGrid) -> (&'static str, String) {
        (
            "curtailable load",
            format!("at {} CNY/MWh given up", self.price_cny_per_mwh),
        )
    }

    /// Listed with its owner (a data centre, an EV hub), not on its own.
    fn summary(&self, _: &TimeGrid) -> Option<(&'static str, String)> {
        None
    }

    fn series(&self) -> &'static [Series] {
        SERIES
    }

    fn bus_coefficient(&self, _i: usize, t: usize) -> f64 {
        self.overhead[t]
    }

    fn add_to_lp(&self, lp: &mut LpBuilder, w: &Window) -> Columns {
        let curtailed = lp.variables(format!("{}.curtailed", self.name), w.start, w.len, |k| {
            (0.0, self.max_mw[w.start + k])
        });
        for k in 0..w.len {
            lp.cost(Term::Cost, self.price_cny_per_mwh * w.dt, &curtailed, k);
        }
        Columns::whole(&[curtailed])
    }

    fn realise(
        &self,
        t: usize,
        planned: &[f64],
        _state: &mut f64,
        _time: &TimeGrid,
        out: &mut [f64],
    ) -> Result<(), String> {
        out[0] = planned[0].clamp(0.0, self.max_mw[t]);
        Ok(())
    }

    fn check(&self, t: usize, values: &[f64], _: f64, _: f64, _: f64) -> Result<(), String> {
        if within(values[0], 0.0, self.max_mw[t]) {
            Ok(())
        } else {
            Err(format!(
                "'{}' curtails {:.6} MW, outside 0..{:.6} MW",
                self.name, values[0], self.max_mw[t]
            ))
        }
    }

    fn contribution(&self, values: &[Vec<f64>], dt: f64) -> Contribution {
        let cost = self.price_cny_per_mwh * energy(&values[0], dt);
        Contribution {
            totals: vec![(Total::CurtailmentCostCny, cost)],
            ..Contribution::default()
        }
    }
}
