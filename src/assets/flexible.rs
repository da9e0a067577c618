//! Flexible load: energy that must be delivered within each window, at any power up to a
//! maximum, and never outside the window's allowed hours (EV charging, deferrable compute).
//!
//! LP, for a plan covering steps `start..start + n`:
//! - `power[t] ∈ [0, max_mw[t]]` (`max_mw` is already 0 outside the allowed hours);
//! - `energy[w]` for every window w overlapping the plan: `Σ power[t]·dt` over its steps in
//!   the plan `= owed` if the window ends inside the plan, `≤ owed` if it ends later, where
//!   `owed` is the window's energy less what earlier plans already delivered;
//! - bus injection `−power[t]`.

use good_lp::{Expression, constraint};
use serde::Serialize;

use crate::model::{Bus, LpBuilder, VarBlock};

/// A span of steps `start..end` in which `energy_mwh` must be delivered.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EnergyWindow {
    pub start: usize,
    pub end: usize,
    pub energy_mwh: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlexibleLoad {
    pub name: String,
    /// Maximum power per step (MW); zero outside the allowed hours.
    pub max_mw: Vec<f64>,
    /// Windows tiling the horizon in order. A window cut by the horizon's start or end
    /// requires its energy pro rata to the share of its steps inside the horizon.
    pub windows: Vec<EnergyWindow>,
}

impl FlexibleLoad {
    /// Index of the window holding step `t`.
    pub fn window_of(&self, t: usize) -> usize {
        self.windows.partition_point(|w| w.end <= t)
    }

    /// Adds `name.power[t]` and the `name.energy[w]` rows for the bus's window,
    /// where `owed_now_mwh` is what the window holding `start` still needs.
    pub fn add_to_lp(&self, lp: &mut LpBuilder, bus: &mut Bus, owed_now_mwh: f64) -> VarBlock {
        let (start, n, dt) = (bus.start(), bus.len(), bus.dt());
        let end = start + n;
        let max = &self.max_mw[start..end];
        let power = lp.variables(format!("{}.power", self.name), start, n, |t| (0.0, max[t]));
        let first = self.window_of(start);
        let last = self.window_of(end - 1);
        let rows = (first..=last).map(|w| {
            let window = self.windows[w];
            let owed = if w == first {
                owed_now_mwh
            } else {
                window.energy_mwh
            };
            let mut delivered = Expression::with_capacity(window.end - window.start);
            for t in window.start.max(start)..window.end.min(end) {
                delivered.add_mul(dt, power.var(t - start));
            }
            if window.end <= end {
                constraint::eq(delivered, owed)
            } else {
                constraint::leq(delivered, owed)
            }
        });
        lp.rows(format!("{}.energy", self.name), first, rows);
        for t in 0..n {
            bus.inject(t, -1.0, power.var(t));
        }
        power
    }

    /// Realised power for a planned value: within `[0, max]` and never more than is owed.
    pub fn realise(&self, t: usize, planned_mw: f64, owed_mwh: f64, dt: f64) -> f64 {
        planned_mw.clamp(0.0, self.max_mw[t].min(owed_mwh.max(0.0) / dt))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev() -> FlexibleLoad {
        FlexibleLoad {
            name: "ev".into(),
            max_mw: vec![1.0, 1.0, 0.0, 1.0],
            windows: vec![
                EnergyWindow {
                    start: 0,
                    end: 2,
                    energy_mwh: 1.5,
                },
                EnergyWindow {
                    start: 2,
                    end: 4,
                    energy_mwh: 0.5,
                },
            ],
        }
    }

    #[test]
    fn windows_are_found_by_step() {
        let f = ev();
        assert_eq!(
            (0..4).map(|t| f.window_of(t)).collect::<Vec<_>>(),
            [0, 0, 1, 1]
        );
    }

    #[test]
    fn realised_power_stops_when_energy_is_delivered() {
        let f = ev();
        assert_eq!(f.realise(0, 2.0, 1.5, 1.0), 1.0);
        assert_eq!(f.realise(1, 1.0, 0.5, 1.0), 0.5);
        assert_eq!(f.realise(2, 1.0, 0.5, 1.0), 0.0);
    }
}
