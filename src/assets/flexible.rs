//! Flexible load: energy that must be delivered within each window, at any power up to a
//! maximum, and never outside its windows (EV charging, deferrable AI-training jobs).
//!
//! LP, for a plan covering steps `start..start + n`:
//! - `power[t] ∈ [0, max[t]]`, with columns only for the steps of the plan that some window
//!   covers (`max` is zero elsewhere);
//! - `energy[w]` for every window w overlapping the plan: `Σ power[t]·dt` over its steps in
//!   the plan `= owed` if the window ends inside the plan, `≤ owed` if it ends later, where
//!   `owed` is the window's energy less what earlier plans already delivered; for a window
//!   that ends after the plan, `energy_due[w]` asks at least `owed − Σ max·dt` over its steps
//!   after the plan (what the rest of the window could not take), so a receding horizon
//!   never postpones more than it can catch up;
//! - bus injection `−overhead[t]·power[t]`, where the overhead is 1 for a plain load and the
//!   PUE for compute whose energy is counted at the IT level.
//!
//! A window that ends in the plan and owes exactly what full power over its steps in the
//! plan delivers (`owed = Σ max·dt`, e.g. a charging session asking more than its charger
//! can give, capped to what it can) has only one feasible schedule: full power. It gets no
//! columns and no energy row; its power enters the bus as a constant. The optimum is the
//! same, the LP smaller (on the park year: 1,951 such sessions, 6,179 columns).

use serde::Serialize;

use crate::model::{Bus, Linear, LpBuilder, Row, Term, VarBlock};

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
    /// Maximum power (MW) for steps `first_step..first_step + max_mw.len()`; zero elsewhere
    /// and wherever the load may not run.
    pub first_step: usize,
    pub max_mw: Vec<f64>,
    /// Windows in time order, not overlapping; gaps between them are allowed. A window cut
    /// by the horizon's start or end requires its energy pro rata to its steps inside.
    pub windows: Vec<EnergyWindow>,
    /// Bus power per unit of this load's power (e.g. the PUE) over the same steps as
    /// `max_mw`, if not 1.
    pub overhead: Option<Vec<f64>>,
    /// Outputs show loads of one group (an EV hub's chargers, a data centre's jobs) summed.
    pub group: Option<String>,
}

/// A flexible load's columns in one plan: one block per window, starting at a local step,
/// and the energy shortfall of each window that ends in the plan, when softened; windows
/// that can only run at full power have their power (MW) from a local step instead.
pub struct FlexibleVars {
    pub blocks: Vec<(usize, VarBlock)>,
    pub fixed: Vec<(usize, Vec<f64>)>,
    pub shortfalls: Vec<(usize, VarBlock)>,
}

impl FlexibleLoad {
    /// Maximum power at step `t` (MW).
    pub fn max_at(&self, t: usize) -> f64 {
        t.checked_sub(self.first_step)
            .and_then(|i| self.max_mw.get(i))
            .copied()
            .unwrap_or(0.0)
    }

    /// Bus power per unit of this load's power at step `t` (1 outside its span, where its
    /// power is zero anyway).
    pub fn bus_factor(&self, t: usize) -> f64 {
        let overhead = self.overhead.as_ref();
        overhead
            .and_then(|o| o.get(t.checked_sub(self.first_step)?))
            .copied()
            .unwrap_or(1.0)
    }

    /// Index of the first window that ends after step `t` (the one holding `t`, or the next).
    pub fn window_of(&self, t: usize) -> usize {
        self.windows.partition_point(|w| w.end <= t)
    }

    /// Energy owed before step `t` is committed, for the window [`Self::window_of`] gives.
    pub fn owed_from(&self, t: usize) -> f64 {
        self.windows
            .get(self.window_of(t))
            .map_or(0.0, |w| w.energy_mwh)
    }

    /// Adds `name.power[t]` for the steps of every window overlapping the bus's plan, and
    /// its `name.energy[w]` row, where `owed_now_mwh` is what the first window ending after
    /// the plan's start still needs.
    /// With `shortfall_penalty`, each window ending in the plan may fall short at that
    /// penalty per MWh (used to explain infeasibility).
    pub fn add_to_lp(
        &self,
        lp: &mut LpBuilder,
        bus: &mut Bus,
        owed_now_mwh: f64,
        shortfall_penalty: Option<f64>,
    ) -> FlexibleVars {
        let (start, n, dt) = (bus.start(), bus.len(), bus.dt());
        let end = start + n;
        let first = self.window_of(start);
        let mut blocks = Vec::new();
        let mut fixed = Vec::new();
        let mut shortfalls = Vec::new();
        let mut rows = Vec::new();
        let mut must_now = Vec::new();
        for (w, window) in self
            .windows
            .iter()
            .enumerate()
            .skip(first)
            .take_while(|(_, w)| w.start < end)
        {
            let (from, to) = (window.start.max(start), window.end.min(end));
            let owed = if w == first {
                owed_now_mwh
            } else {
                window.energy_mwh
            };
            if window.end <= end && shortfall_penalty.is_none() {
                let capacity = (from..to).map(|t| self.max_at(t)).sum::<f64>() * dt;
                if (owed - capacity).abs() <= 1e-9 * capacity.max(1.0) {
                    let full: Vec<f64> = (from..to).map(|t| self.max_at(t)).collect();
                    for (t, p) in (from..to).zip(&full) {
                        bus.inject_constant(t - start, -self.bus_factor(t) * p);
                    }
                    fixed.push((from - start, full));
                    continue;
                }
            }
            let power = lp.variables(format!("{}.power", self.name), from, to - from, |k| {
                (0.0, self.max_at(from + k))
            });
            let mut delivered = Linear::with_capacity(to - from + 1);
            for t in from..to {
                delivered.add(dt, power.col(t - from));
                bus.inject(t - start, -self.bus_factor(t), power.col(t - from));
            }
            if let (Some(penalty), true) = (shortfall_penalty, window.end <= end) {
                let short = lp.variables(format!("{}.shortfall", self.name), w, 1, |_| {
                    (0.0, owed.max(0.0))
                });
                lp.cost(Term::Penalty, penalty, &short, 0);
                delivered.add(1.0, short.col(0));
                shortfalls.push((w, short));
            }
            if window.end > end {
                // What the rest of the window cannot take must be delivered in this plan.
                let later: f64 = (end..window.end).map(|t| self.max_at(t)).sum::<f64>() * dt;
                if owed - later > 1e-9 {
                    let lower = (delivered.clone(), owed - later);
                    must_now.push((w, lower.0.geq(lower.1)));
                }
            }
            rows.push((
                w,
                if window.end <= end {
                    delivered.eq(owed)
                } else {
                    delivered.leq(owed)
                },
            ));
            blocks.push((from - start, power));
        }
        add_window_rows(lp, &format!("{}.energy", self.name), rows);
        add_window_rows(lp, &format!("{}.energy_due", self.name), must_now);
        FlexibleVars {
            blocks,
            fixed,
            shortfalls,
        }
    }

    /// Realised power for a planned value: within `[0, max]` and never more than is owed.
    pub fn realise(&self, t: usize, planned_mw: f64, owed_mwh: f64, dt: f64) -> f64 {
        planned_mw.clamp(0.0, self.max_at(t).min(owed_mwh.max(0.0) / dt))
    }
}

/// Adds rows given with their window index, one named block per run of consecutive
/// windows, so that row `name[w]` belongs to window w.
fn add_window_rows(lp: &mut LpBuilder, name: &str, rows: Vec<(usize, Row)>) {
    let mut rows = rows.into_iter().peekable();
    while let Some((first, row)) = rows.next() {
        let mut run = vec![row];
        while let Some((_, next)) = rows.next_if(|(w, _)| *w == first + run.len()) {
            run.push(next);
        }
        lp.rows(name.to_string(), first, run);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev() -> FlexibleLoad {
        FlexibleLoad {
            name: "ev".into(),
            first_step: 0,
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
            overhead: None,
            group: None,
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
    fn a_window_only_full_power_can_serve_gets_no_columns_and_rows_keep_their_window() {
        // Window 0 owes 2 MWh over two 1 MW hourly steps: full power is its only schedule.
        let mut f = ev();
        f.windows[0].energy_mwh = 2.0;
        let mut lp = LpBuilder::default();
        let mut bus = Bus::new(0, 4, 1.0);
        let vars = f.add_to_lp(&mut lp, &mut bus, 2.0, None);
        assert_eq!(vars.fixed, vec![(0, vec![1.0, 1.0])]);
        assert_eq!(vars.blocks.len(), 1);
        assert_eq!(lp.num_columns(), 2, "window 1's steps 2 and 3 only");
        assert_eq!(lp.num_rows(), 1);
        assert_eq!(lp.finish().row_name(0), "ev.energy[1]");
        // Softened (explaining infeasibility), the window keeps its columns and row.
        let mut lp = LpBuilder::default();
        let vars = f.add_to_lp(&mut lp, &mut Bus::new(0, 4, 1.0), 2.0, Some(1e4));
        assert!(vars.fixed.is_empty());
        assert_eq!(lp.finish().row_name(0), "ev.energy[0]");
    }

    #[test]
    fn realised_power_stops_when_energy_is_delivered() {
        let f = ev();
        assert_eq!(f.realise(0, 2.0, 1.5, 1.0), 1.0);
        assert_eq!(f.realise(1, 1.0, 0.5, 1.0), 0.5);
        assert_eq!(f.realise(2, 1.0, 0.5, 1.0), 0.0);
    }
}
