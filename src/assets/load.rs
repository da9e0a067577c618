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
    /// Withdraws the load from the bus over the bus's window.
    pub fn add_to_lp(&self, bus: &mut Bus) {
        let start = bus.start();
        for t in 0..bus.len() {
            bus.inject_constant(t, -self.power_mw[start + t]);
        }
    }
}
