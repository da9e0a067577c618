//! Fixed (inflexible) load from a series: a constant on the bus, no LP columns.
//!
//! Series: `power` (MW drawn). In the LP it is the load as planned on (the truth or a
//! forecast), fixed; at commit it is the true load.

use serde::Serialize;

use super::{Asset, At, Columns, Contribution, Role, Segment, Series, Verdict, Window, energy};
use crate::model::LpBuilder;
use crate::time::TimeGrid;

const SERIES: &[Series] = &[Series {
    name: "power",
    unit: "MW",
    role: Role::Load,
    planned: false,
}];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixedLoad {
    pub name: String,
    /// Consumption in each step (MW, ≥ 0).
    pub power_mw: Vec<f64>,
}

impl Asset for FixedLoad {
    /// Fixed values, no columns.
    fn lp_size(&self, _len: usize) -> (usize, usize) {
        (0, 0)
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn describe(&self, time: &TimeGrid) -> (&'static str, String) {
        let peak = self.power_mw.iter().copied().fold(0.0, f64::max);
        (
            "fixed load",
            format!(
                "{:.1} MWh, peak {peak:.3} MW",
                energy(&self.power_mw, time.dt_hours())
            ),
        )
    }

    fn series(&self) -> &'static [Series] {
        SERIES
    }

    fn input(&self) -> Option<&[f64]> {
        Some(&self.power_mw)
    }

    fn bus_coefficient(&self, _i: usize, _t: usize) -> f64 {
        -1.0
    }

    fn add_to_lp(&self, _lp: &mut LpBuilder, w: &Window) -> Columns {
        let power = w.input.unwrap_or(&self.power_mw[w.start..w.start + w.len]);
        Columns {
            series: vec![vec![Segment::Fixed {
                offset: 0,
                values: power.to_vec(),
            }]],
            slacks: Vec::new(),
            capacities: Vec::new(),
        }
    }

    fn realise(&self, at: At, _planned: &[f64], _state: &mut f64, out: &mut [f64]) -> Verdict {
        out[0] = self.power_mw[at.t];
        Ok(())
    }

    fn contribution(&self, _: &[Vec<f64>], _: f64) -> Contribution {
        Contribution::default()
    }
}
