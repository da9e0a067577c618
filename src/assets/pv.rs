//! Photovoltaic plant with an availability profile; curtailment allowed.
//!
//! Series: `power` (MW, into the bus) and `curtailment = available − power` (MW).
//! LP: `power[t] ∈ [0, available[t]]`, the availability as planned on (truth or forecast).
//! Commit: the planned output clamped to what is available; where the export limit cannot
//! carry a surplus, output is shed (last plant first).

use serde::Serialize;

use super::{Asset, Columns, Contribution, Role, Segment, Series, Total, Window, energy, within};
use crate::model::LpBuilder;
use crate::time::TimeGrid;

const SERIES: &[Series] = &[
    Series {
        name: "power",
        unit: "MW",
        role: Role::Supply,
        planned: true,
    },
    Series {
        name: "curtailment",
        unit: "MW",
        role: Role::Curtailment,
        planned: false,
    },
];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pv {
    pub name: String,
    /// Nameplate AC power (MW).
    pub capacity_mw: f64,
    /// DC nameplate at STC (MWp), when modelled from physics.
    pub dc_capacity_mw: Option<f64>,
    /// Power the plant could deliver in each step (MW), `≤ capacity_mw`.
    pub available_mw: Vec<f64>,
    /// The physics model `available_mw` came from, if any.
    pub model: Option<crate::solar::PvModel>,
}

impl Pv {
    /// Realised output for a planned value: clamped to `[0, available]`.
    pub fn output(&self, t: usize, planned_mw: f64) -> f64 {
        planned_mw.clamp(0.0, self.available_mw[t])
    }
}

impl Asset for Pv {
    fn name(&self) -> &str {
        &self.name
    }

    fn describe(&self, time: &TimeGrid) -> (&'static str, String) {
        let dc = self.dc_capacity_mw.map_or(String::new(), |d| {
            format!(", {d} MWp DC (modelled from weather)")
        });
        let available = energy(&self.available_mw, time.dt_hours());
        (
            "PV",
            format!(
                "{} MW AC{dc}; {available:.1} MWh available",
                self.capacity_mw
            ),
        )
    }

    fn series(&self) -> &'static [Series] {
        SERIES
    }

    fn input(&self) -> Option<&[f64]> {
        Some(&self.available_mw)
    }

    fn bus_coefficient(&self, i: usize, _t: usize) -> f64 {
        if i == 0 { 1.0 } else { 0.0 }
    }

    fn add_to_lp(&self, lp: &mut LpBuilder, w: &Window) -> Columns {
        let available = w
            .input
            .unwrap_or(&self.available_mw[w.start..w.start + w.len]);
        let power = lp.variables(format!("{}.power", self.name), w.start, w.len, |t| {
            (0.0, available[t])
        });
        Columns {
            series: vec![
                vec![Segment::Columns {
                    offset: 0,
                    block: power,
                }],
                Vec::new(),
            ],
            slacks: Vec::new(),
        }
    }

    fn realise(
        &self,
        t: usize,
        planned: &[f64],
        _state: &mut f64,
        _time: &TimeGrid,
        out: &mut [f64],
    ) -> Result<(), String> {
        out[0] = self.output(t, planned[0]);
        out[1] = self.available_mw[t] - out[0];
        Ok(())
    }

    fn shed(&self, t: usize, values: &mut [f64], excess: f64) -> f64 {
        let cut = excess.min(values[0]).max(0.0);
        values[0] -= cut;
        values[1] = self.available_mw[t] - values[0];
        cut
    }

    fn check(&self, t: usize, values: &[f64], _: f64, _: f64, _: f64) -> Result<(), String> {
        if within(values[0], 0.0, self.available_mw[t]) {
            Ok(())
        } else {
            Err(format!(
                "pv '{}' output {:.6} MW is outside 0..{:.6} MW available",
                self.name, values[0], self.available_mw[t]
            ))
        }
    }

    fn contribution(&self, values: &[Vec<f64>], dt: f64) -> Contribution {
        let n = values[0].len();
        let generation = energy(&values[0], dt);
        let mut totals = vec![
            (Total::PvAvailableMwh, energy(&self.available_mw[..n], dt)),
            (Total::PvGenerationMwh, generation),
        ];
        if let Some(dc) = self.dc_capacity_mw {
            totals.push((Total::PvModelledDcMw, dc));
            totals.push((Total::PvModelledGenerationMwh, generation));
        }
        Contribution {
            totals,
            ..Contribution::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn realised_output_never_exceeds_availability() {
        let pv = Pv {
            name: "pv".into(),
            capacity_mw: 2.0,
            dc_capacity_mw: None,
            available_mw: vec![0.0, 1.5],
            model: None,
        };
        assert_eq!(pv.output(0, 0.3), 0.0);
        assert_eq!(pv.output(1, 1.0), 1.0);
        assert_eq!(pv.output(1, 1.6), 1.5);
        assert_eq!(pv.output(1, -1e-9), 0.0);
    }
}
