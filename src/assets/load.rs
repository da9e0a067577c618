//! Fixed (inflexible) load from a series: a constant on the bus, no LP variables.

use serde::Serialize;

use crate::model::Bus;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixedLoad {
    pub name: String,
    /// Consumption in each step (MW, ≥ 0).
    pub power_mw: Vec<f64>,
}

impl FixedLoad {
    /// Withdraws `power` (MW per step of the bus's window: the truth, or a forecast).
    pub fn add_to_lp(bus: &mut Bus, power: &[f64]) {
        for (t, p) in power.iter().enumerate() {
            bus.inject_constant(t, -p);
        }
    }
}
