//! Photovoltaic plant with an availability profile; curtailment allowed.
//!
//! LP: `pv[t] ∈ [0, available[t]]` (MW), injected into the bus. Curtailment is
//! `available[t] − pv[t]`.

use serde::Serialize;

use crate::model::{Bus, LpBuilder, VarBlock};

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
    /// Adds `name.power[t]` for the bus's window, bounded by `available` (MW per step of
    /// the window: the truth, or a forecast), and injects it into the bus.
    pub fn add_to_lp(&self, lp: &mut LpBuilder, bus: &mut Bus, available: &[f64]) -> VarBlock {
        let power = lp.variables(
            format!("{}.power", self.name),
            bus.start(),
            available.len(),
            |t| (0.0, available[t]),
        );
        for t in 0..bus.len() {
            bus.inject(t, 1.0, power.col(t));
        }
        power
    }

    /// Realised output for a planned value: clamped to `[0, available]`.
    pub fn realise(&self, t: usize, planned_mw: f64) -> f64 {
        planned_mw.clamp(0.0, self.available_mw[t])
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
        assert_eq!(pv.realise(0, 0.3), 0.0);
        assert_eq!(pv.realise(1, 1.0), 1.0);
        assert_eq!(pv.realise(1, 1.6), 1.5);
        assert_eq!(pv.realise(1, -1e-9), 0.0);
    }
}
