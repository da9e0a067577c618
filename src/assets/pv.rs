//! Photovoltaic plant with an availability profile; curtailment allowed.
//!
//! Series: `power` (MW, into the bus) and `curtailment = available − power` (MW).
//! LP: `power[t] ∈ [0, available[t]]`, the availability as planned on (truth or forecast).
//! Commit: the planned output clamped to what is available; where the export limit cannot
//! carry a surplus, output is shed (last plant first).
//!
//! Sized (see [`super::capacity`]): with `u[t]` the output per MW of the capacity that
//! scales availability — per MWp of DC for a plant modelled from weather (before the
//! inverter's limit), per MW of `capacity` for an availability series — and `D` that
//! capacity, `power[t] ≤ u[t]·D` (rows `available[t]`) and, for a modelled plant,
//! `power[t] ≤ A` with `A` the inverter (AC) rating (rows `inverter[t]`); `D` and `A` may
//! each be LP columns.

use serde::Serialize;

use super::capacity::{Capacity, CapacityColumns, Extension};
use super::{
    Asset, At, Columns, Contribution, Role, Segment, Series, Total, Verdict, Window, energy, within,
};
use crate::model::{LpBuilder, VarBlock};
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
    /// How it may be sized; the fields above are then its existing plant.
    pub sizing: Option<PvSizing>,
}

/// How a PV plant may grow (see the module documentation).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PvSizing {
    /// Output per MW of the scaling capacity in each step (MW/MW).
    pub per_unit: Vec<f64>,
    /// Modelled from weather: availability scales with the DC capacity, limited by the
    /// AC rating; otherwise it scales with `capacity`.
    pub modelled: bool,
    /// DC capacity (modelled plants only).
    pub dc: Option<Extension>,
    /// AC rating (`capacity`).
    pub ac: Option<Extension>,
}

impl Pv {
    /// Realised output for a planned value: clamped to `[0, available]`.
    pub fn output(&self, t: usize, planned_mw: f64) -> f64 {
        planned_mw.clamp(0.0, self.available_mw[t])
    }

    /// The plant with `added` capacity (per extension, in [`Asset::extensions`] order), no
    /// longer sizable: availability `min(u·D, A)` at the totals.
    pub fn sized(&self, added: &[f64]) -> Pv {
        let Some(s) = &self.sizing else {
            return self.clone();
        };
        let mut added = added.iter();
        let mut total = |e: &Option<Extension>, fixed: f64| match e {
            Some(e) => e.existing + added.next().copied().unwrap_or(0.0),
            None => fixed,
        };
        let dc = if s.modelled {
            Some(total(&s.dc, self.dc_capacity_mw.unwrap_or(0.0)))
        } else {
            None
        };
        let ac = total(&s.ac, self.capacity_mw);
        let scale = dc.unwrap_or(ac);
        let mut model = self.model.clone();
        if let (Some(m), Some(dc)) = (model.as_mut(), dc) {
            m.electrical.dc_mw = dc;
            m.electrical.ac_mw = ac;
        }
        Pv {
            name: self.name.clone(),
            capacity_mw: ac,
            dc_capacity_mw: dc,
            available_mw: s.per_unit.iter().map(|u| (u * scale).min(ac)).collect(),
            model,
            sizing: None,
        }
    }

    /// Adds the power columns of a sized plant over the window (the truth: sizing plans the
    /// whole horizon at once) and its capacity columns.
    fn add_sized(
        &self,
        s: &PvSizing,
        lp: &mut LpBuilder,
        w: &Window,
    ) -> (VarBlock, CapacityColumns) {
        let hours = w.len as f64 * w.dt;
        let name = &self.name;
        let dc = s.modelled.then(|| {
            Capacity::new(
                lp,
                s.dc.as_ref(),
                self.dc_capacity_mw.unwrap_or(0.0),
                name,
                hours,
            )
        });
        let ac = Capacity::new(lp, s.ac.as_ref(), self.capacity_mw, name, hours);
        let scale = dc.unwrap_or(ac);
        let u = &s.per_unit[w.start..w.start + w.len];
        let power = lp.variables(format!("{name}.power"), w.start, w.len, |t| {
            (0.0, (u[t] * scale.most()).min(ac.most()))
        });
        scale.limit_rows(lp, format!("{name}.available"), w.start, &power, |t| u[t]);
        if dc.is_some() {
            ac.limit_rows(lp, format!("{name}.inverter"), w.start, &power, |_| 1.0);
        }
        let columns = [dc, Some(ac)]
            .into_iter()
            .flatten()
            .filter_map(|c| c.column())
            .collect();
        (power, columns)
    }
}

impl Asset for Pv {
    fn most_supply(&self, t: usize) -> f64 {
        self.available_mw[t]
    }

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

    fn extensions(&self) -> Vec<&Extension> {
        self.sizing
            .iter()
            .flat_map(|s| [s.dc.as_ref(), s.ac.as_ref()])
            .flatten()
            .collect()
    }

    fn add_to_lp(&self, lp: &mut LpBuilder, w: &Window) -> Columns {
        let (power, capacities) = match &self.sizing {
            Some(s) => self.add_sized(s, lp, w),
            None => {
                let available = w
                    .input
                    .unwrap_or(&self.available_mw[w.start..w.start + w.len]);
                let power = lp.variables(format!("{}.power", self.name), w.start, w.len, |t| {
                    (0.0, available[t])
                });
                (power, Vec::new())
            }
        };
        Columns {
            series: vec![
                vec![Segment::Columns {
                    offset: 0,
                    block: power,
                }],
                Vec::new(),
            ],
            slacks: Vec::new(),
            capacities,
        }
    }

    fn realise(&self, at: At, planned: &[f64], _state: &mut f64, out: &mut [f64]) -> Verdict {
        out[0] = self.output(at.t, planned[0]);
        out[1] = self.available_mw[at.t] - out[0];
        Ok(())
    }

    fn shed(&self, t: usize, values: &mut [f64], excess: f64) -> f64 {
        let cut = excess.min(values[0]).max(0.0);
        values[0] -= cut;
        values[1] = self.available_mw[t] - values[0];
        cut
    }

    fn check(&self, at: At, values: &[f64], _: f64, _: f64) -> Verdict {
        let t = at.t;
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
            sizing: None,
        };
        assert_eq!(pv.output(0, 0.3), 0.0);
        assert_eq!(pv.output(1, 1.0), 1.0);
        assert_eq!(pv.output(1, 1.6), 1.5);
        assert_eq!(pv.output(1, -1e-9), 0.0);
    }
}
