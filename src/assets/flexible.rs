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

use super::{
    Asset, At, Columns, Contribution, Role, Segment, Series, Total, Verdict, Window, energy, within,
};
use crate::model::{Linear, LpBuilder, Row, Term};
use crate::time::TimeGrid;

const SERIES: &[Series] = &[Series {
    name: "power",
    unit: "MW",
    role: Role::Load,
    planned: true,
}];

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

    /// Adds `name.power[t]` for the steps of every window overlapping the plan
    /// `start..start + n`, and its `name.energy[w]` row, where `owed_now_mwh` is what the
    /// first window ending after the plan's start still needs.
    /// With `shortfall_penalty`, each window ending in the plan may fall short at that
    /// penalty per MWh (used to explain infeasibility).
    fn add_columns(
        &self,
        lp: &mut LpBuilder,
        (start, n, dt): (usize, usize, f64),
        owed_now_mwh: f64,
        shortfall_penalty: Option<f64>,
    ) -> Columns {
        let end = start + n;
        let first = self.window_of(start);
        let mut segments = Vec::new();
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
                    let values = (from..to).map(|t| self.max_at(t)).collect();
                    segments.push(Segment::Fixed {
                        offset: from - start,
                        values,
                    });
                    continue;
                }
            }
            let power = lp.variables(format!("{}.power", self.name), from, to - from, |k| {
                (0.0, self.max_at(from + k))
            });
            let mut delivered = Linear::with_capacity(to - from + 1);
            for t in from..to {
                delivered.add(dt, power.col(t - from));
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
                // What the rest of the window cannot take must be delivered in this plan
                // (the row is there even when it asks nothing, so that a window's LP keeps
                // its shape as the plan slides).
                let later: f64 = (end..window.end).map(|t| self.max_at(t)).sum::<f64>() * dt;
                must_now.push((w, delivered.clone().geq((owed - later).max(0.0))));
            }
            rows.push((
                w,
                if window.end <= end {
                    delivered.eq(owed)
                } else {
                    delivered.leq(owed)
                },
            ));
            segments.push(Segment::Columns {
                offset: from - start,
                block: power,
            });
        }
        add_window_rows(lp, &format!("{}.energy", self.name), rows);
        add_window_rows(lp, &format!("{}.energy_due", self.name), must_now);
        Columns {
            series: vec![segments],
            slacks: shortfalls,
            capacities: Vec::new(),
        }
    }

    /// Realised power for a planned value: within `[0, max]` and never more than is owed.
    pub fn power(&self, t: usize, planned_mw: f64, owed_mwh: f64, dt: f64) -> f64 {
        planned_mw.clamp(0.0, self.max_at(t).min(owed_mwh.max(0.0) / dt))
    }
}

impl Asset for FlexibleLoad {
    /// A column per step inside a window; a row per window.
    fn lp_size(&self, _len: usize) -> (usize, usize) {
        let steps = self.windows.iter().map(|w| w.end - w.start).sum();
        (steps, self.windows.len())
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn describe(&self, _: &TimeGrid) -> (&'static str, String) {
        let energy: f64 = self.windows.iter().map(|w| w.energy_mwh).sum();
        (
            "flexible load",
            format!("{energy:.1} MWh in {} windows", self.windows.len()),
        )
    }

    /// Listed with its owner (a data centre, an EV hub), not on its own.
    fn summary(&self, _: &TimeGrid) -> Option<(&'static str, String)> {
        None
    }

    fn series(&self) -> &'static [Series] {
        SERIES
    }

    /// A group's members share one column: `<group>.power`, or for a data centre's AI jobs
    /// (counted at the IT level) `<dc>.ai_jobs.it_power`.
    fn column(&self, _i: usize) -> String {
        match &self.group {
            Some(group) if group.ends_with(".ai_jobs") => format!("{group}.it_power"),
            Some(group) => format!("{group}.power"),
            None => format!("{}.power", self.name),
        }
    }

    fn initial_state(&self) -> f64 {
        self.owed_from(0)
    }

    fn bus_coefficient(&self, _i: usize, t: usize) -> f64 {
        -self.bus_factor(t)
    }

    fn add_to_lp(&self, lp: &mut LpBuilder, w: &Window) -> Columns {
        self.add_columns(lp, (w.start, w.len, w.dt), w.state, w.shortfall)
    }

    /// The planned power within `[0, max]` and never more than is owed; when its window
    /// closes, checks the window's energy was delivered and opens the next.
    fn realise(&self, at: At, planned: &[f64], owed: &mut f64, out: &mut [f64]) -> Verdict {
        let (t, time, dt) = (at.t, at.time, at.dt());
        let power = self.power(t, planned[0], *owed, dt);
        *owed -= power * dt;
        out[0] = power;
        let w = self.window_of(t);
        if let Some(window) = self.windows.get(w).filter(|window| window.end == t + 1) {
            if *owed > 1e-6 {
                return Err(format!(
                    "flexible_load '{}' delivered {:.6} of {:.6} MWh in its window {} to {}",
                    self.name,
                    window.energy_mwh - *owed,
                    window.energy_mwh,
                    time.timestamp(window.start),
                    time.timestamp(window.end),
                ));
            }
            *owed = self.windows.get(w + 1).map_or(0.0, |next| next.energy_mwh);
        }
        Ok(())
    }

    fn check(&self, at: At, values: &[f64], _: f64, _: f64) -> Verdict {
        let t = at.t;
        if within(values[0], 0.0, self.max_at(t)) {
            Ok(())
        } else {
            Err(format!(
                "flexible_load '{}' draws {:.6} MW, outside 0..{:.6} MW",
                self.name,
                values[0],
                self.max_at(t)
            ))
        }
    }

    fn explain(&self, slacks: &[(usize, f64)], time: &TimeGrid) -> Vec<String> {
        slacks
            .iter()
            .filter(|(_, missing)| *missing > 1e-6)
            .map(|&(w, missing)| {
                let window = self.windows[w];
                format!(
                    "flexible_load '{}' needs {:.3} MWh from {} to {} but can take at most {:.3} MWh in that window",
                    self.name,
                    window.energy_mwh,
                    time.timestamp(window.start),
                    time.timestamp(window.end),
                    window.energy_mwh - missing
                )
            })
            .collect()
    }

    fn contribution(&self, values: &[Vec<f64>], dt: f64) -> Contribution {
        let group = self.group.clone().unwrap_or_else(|| self.name.clone());
        let required = self.windows.iter().map(|w| w.energy_mwh).sum();
        Contribution {
            totals: vec![
                (
                    Total::FlexibleDeliveredMwh(group.clone()),
                    energy(&values[0], dt),
                ),
                (Total::FlexibleRequiredMwh(group), required),
            ],
            ..Contribution::default()
        }
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
        let planned = f.add_columns(&mut lp, (0, 4, 1.0), 2.0, None);
        let segments = &planned.series[0];
        assert_eq!(segments.len(), 2);
        assert_eq!(
            segments[0],
            Segment::Fixed {
                offset: 0,
                values: vec![1.0, 1.0]
            }
        );
        assert_eq!(lp.num_columns(), 2, "window 1's steps 2 and 3 only");
        assert_eq!(lp.num_rows(), 1);
        assert_eq!(lp.finish().row_name(0), "ev.energy[1]");
        // Softened (explaining infeasibility), the window keeps its columns and row.
        let mut lp = LpBuilder::default();
        let planned = f.add_columns(&mut lp, (0, 4, 1.0), 2.0, Some(1e4));
        assert!(
            planned.series[0]
                .iter()
                .all(|s| matches!(s, Segment::Columns { .. }))
        );
        assert_eq!(lp.finish().row_name(0), "ev.energy[0]");
    }

    #[test]
    fn realised_power_stops_when_energy_is_delivered() {
        let f = ev();
        assert_eq!(f.power(0, 2.0, 1.5, 1.0), 1.0);
        assert_eq!(f.power(1, 1.0, 0.5, 1.0), 0.5);
        assert_eq!(f.power(2, 1.0, 0.5, 1.0), 0.0);
    }
}
