//! Battery storage with charge/discharge efficiencies and state-of-charge limits.
//!
//! LP, for each step t of a window (dt in hours, energies in MWh, powers in MW):
//! - `charge[t] ∈ [0, charge_mw]`, `discharge[t] ∈ [0, discharge_mw]`,
//!   `soc[t] ∈ [soc_min_mwh, soc_max_mwh]` (stored energy at the end of step t);
//! - `soc_balance[t]`: `soc[t] = soc[t−1] + η_c·charge[t]·dt − discharge[t]·dt/η_d`, with
//!   `soc[−1]` the state of charge when the window starts;
//! - `soc_final`: `soc[last] ≥ soc_final_mwh` when the window ends the horizon (softened to
//!   `soc[last] + shortfall ≥ soc_final_mwh`, at a penalty per MWh, when explaining
//!   infeasibility);
//! - objective: cost `throughput_cost · dt · (charge[t] + discharge[t])` (CNY);
//! - series `charge`, `discharge` (MW) and `soc` (MWh at the end of the step); bus injection
//!   `discharge[t] − charge[t]`;
//! - at steps where the site is paid to draw power (an import weighted below zero, e.g. a
//!   negative price), charging and discharging at once would burn energy for money, which
//!   a battery cannot do: a binary `mode[t]` makes them exclusive there
//!   (`charge ≤ charge_mw·mode`, `discharge ≤ discharge_mw·(1 − mode)`; rows
//!   `charge_mode[t]`, `discharge_mode[t]`). Elsewhere doing both never lowers the objective.

use serde::Serialize;

use super::{Asset, Columns, Contribution, Role, Series, Total, Window, energy, within};
use crate::model::{Linear, LpBuilder, Term, VarBlock};
use crate::time::TimeGrid;

const SERIES: &[Series] = &[
    Series {
        name: "charge",
        unit: "MW",
        role: Role::Charge,
        planned: true,
    },
    Series {
        name: "discharge",
        unit: "MW",
        role: Role::Discharge,
        planned: true,
    },
    Series {
        name: "soc",
        unit: "MWh",
        role: Role::Stored,
        planned: true,
    },
];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Battery {
    pub name: String,
    /// Usable nameplate energy (MWh).
    pub energy_mwh: f64,
    pub charge_mw: f64,
    pub discharge_mw: f64,
    /// Fraction of charged energy that is stored.
    pub charge_efficiency: f64,
    /// Fraction of drawn stored energy that reaches the bus.
    pub discharge_efficiency: f64,
    pub soc_min_mwh: f64,
    pub soc_max_mwh: f64,
    pub soc_initial_mwh: f64,
    /// Minimum stored energy at the end of the horizon.
    pub soc_final_mwh: f64,
    /// Wear cost per MWh charged and per MWh discharged (CNY/MWh).
    pub throughput_cost_cny_per_mwh: f64,
}

impl Battery {
    /// Adds the battery's columns and rows for the window, starting at `soc_start_mwh`; at
    /// the local steps `exclusive` it may not charge and discharge at once. Returns the
    /// charge, discharge and energy columns and, when softened, the end shortfall.
    fn add_columns(
        &self,
        lp: &mut LpBuilder,
        (start, n, dt): (usize, usize, f64),
        soc_start_mwh: f64,
        ends_horizon: bool,
        shortfall_penalty: Option<f64>,
        exclusive: &[usize],
    ) -> ([VarBlock; 3], Option<VarBlock>) {
        let name = &self.name;
        let charge = lp.variables(format!("{name}.charge"), start, n, |_| {
            (0.0, self.charge_mw)
        });
        let discharge = lp.variables(format!("{name}.discharge"), start, n, |_| {
            (0.0, self.discharge_mw)
        });
        let soc = lp.variables(format!("{name}.soc"), start, n, |_| {
            (self.soc_min_mwh, self.soc_max_mwh)
        });
        let rows = (0..n).map(|t| {
            let mut row = Linear::with_capacity(4)
                .plus(1.0, soc.col(t))
                .plus(-self.charge_efficiency * dt, charge.col(t))
                .plus(dt / self.discharge_efficiency, discharge.col(t));
            if t == 0 {
                row.add_constant(-soc_start_mwh);
            } else {
                row.add(-1.0, soc.col(t - 1));
            }
            row.eq(0.0)
        });
        lp.rows(format!("{name}.soc_balance"), start, rows);
        let mut final_shortfall = None;
        if ends_horizon {
            let mut last = Linear::default().plus(1.0, soc.col(n - 1));
            if let Some(penalty) = shortfall_penalty {
                let short = lp.variables(format!("{name}.soc_final_shortfall"), 0, 1, |_| {
                    (0.0, self.soc_final_mwh)
                });
                lp.cost(Term::Penalty, penalty, &short, 0);
                last.add(1.0, short.col(0));
                final_shortfall = Some(short);
            }
            lp.rows(
                format!("{name}.soc_final"),
                0,
                [last.geq(self.soc_final_mwh)],
            );
        }
        let wear = self.throughput_cost_cny_per_mwh * dt;
        for t in 0..n {
            lp.cost(Term::Cost, wear, &charge, t);
            lp.cost(Term::Cost, wear, &discharge, t);
        }
        for run in exclusive.chunk_by(|a, b| b == &(a + 1)) {
            let first = start + run[0];
            let mode = lp.binaries(format!("{name}.mode"), first, run.len());
            let (cmax, dmax) = (self.charge_mw, self.discharge_mw);
            let rows = run.iter().enumerate().map(|(k, &t)| {
                Linear::default()
                    .plus(1.0, charge.col(t))
                    .plus(-cmax, mode.col(k))
                    .leq(0.0)
            });
            lp.rows(format!("{name}.charge_mode"), first, rows);
            let rows = run.iter().enumerate().map(|(k, &t)| {
                Linear::default()
                    .plus(1.0, discharge.col(t))
                    .plus(dmax, mode.col(k))
                    .leq(dmax)
            });
            lp.rows(format!("{name}.discharge_mode"), first, rows);
        }
        ([charge, discharge, soc], final_shortfall)
    }

    /// Stored energy after one step from `soc_mwh` with the given powers.
    pub fn next_soc(&self, soc_mwh: f64, charge_mw: f64, discharge_mw: f64, dt: f64) -> f64 {
        soc_mwh + self.charge_efficiency * charge_mw * dt
            - discharge_mw * dt / self.discharge_efficiency
    }

    /// Realised `(charge, discharge, soc)` for planned powers: clamped to the power limits,
    /// then reduced so the state of charge stays within its bounds.
    pub fn step(
        &self,
        soc_mwh: f64,
        charge_mw: f64,
        discharge_mw: f64,
        dt: f64,
    ) -> (f64, f64, f64) {
        let mut charge = charge_mw.clamp(0.0, self.charge_mw);
        let mut discharge = discharge_mw.clamp(0.0, self.discharge_mw);
        let soc = self.next_soc(soc_mwh, charge, discharge, dt);
        if soc > self.soc_max_mwh {
            let excess = soc - self.soc_max_mwh;
            charge = (charge - excess / (self.charge_efficiency * dt)).max(0.0);
        } else if soc < self.soc_min_mwh {
            let deficit = self.soc_min_mwh - soc;
            discharge = (discharge - deficit * self.discharge_efficiency / dt).max(0.0);
        }
        (
            charge,
            discharge,
            self.next_soc(soc_mwh, charge, discharge, dt),
        )
    }
}

impl Asset for Battery {
    fn name(&self) -> &str {
        &self.name
    }

    fn describe(&self, _: &TimeGrid) -> (&'static str, String) {
        (
            "battery",
            format!(
                "{} MWh, charge {} MW, discharge {} MW, efficiencies {}/{}, SoC {:.0}–{:.0} %, start {:.0} %, end ≥ {:.0} %, wear {} CNY/MWh",
                self.energy_mwh,
                self.charge_mw,
                self.discharge_mw,
                self.charge_efficiency,
                self.discharge_efficiency,
                100.0 * self.soc_min_mwh / self.energy_mwh,
                100.0 * self.soc_max_mwh / self.energy_mwh,
                100.0 * self.soc_initial_mwh / self.energy_mwh,
                100.0 * self.soc_final_mwh / self.energy_mwh,
                self.throughput_cost_cny_per_mwh
            ),
        )
    }

    fn series(&self) -> &'static [Series] {
        SERIES
    }

    fn initial_state(&self) -> f64 {
        self.soc_initial_mwh
    }

    fn bus_coefficient(&self, i: usize, _t: usize) -> f64 {
        [-1.0, 1.0, 0.0][i]
    }

    fn add_to_lp(&self, lp: &mut LpBuilder, w: &Window) -> Columns {
        let (blocks, shortfall) = self.add_columns(
            lp,
            (w.start, w.len, w.dt),
            w.state,
            w.terminal,
            w.shortfall,
            w.paid_to_draw,
        );
        let mut planned = Columns::whole(&blocks);
        planned.slacks.extend(shortfall.map(|s| (0, s)));
        planned
    }

    fn realise(
        &self,
        _t: usize,
        planned: &[f64],
        state: &mut f64,
        time: &TimeGrid,
        out: &mut [f64],
    ) -> Result<(), String> {
        let (charge, discharge, soc) = self.step(*state, planned[0], planned[1], time.dt_hours());
        *state = soc;
        out.copy_from_slice(&[charge, discharge, soc]);
        Ok(())
    }

    fn check(
        &self,
        _t: usize,
        values: &[f64],
        before: f64,
        after: f64,
        dt: f64,
    ) -> Result<(), String> {
        let (c, d, soc) = (values[0], values[1], values[2]);
        if !within(c, 0.0, self.charge_mw) || !within(d, 0.0, self.discharge_mw) {
            return Err(format!(
                "battery '{}' charge {c:.6} MW / discharge {d:.6} MW exceed 0..{} / 0..{} MW",
                self.name, self.charge_mw, self.discharge_mw
            ));
        }
        if !within(soc, self.soc_min_mwh, self.soc_max_mwh) {
            return Err(format!(
                "battery '{}' holds {soc:.6} MWh, outside {}..{} MWh",
                self.name, self.soc_min_mwh, self.soc_max_mwh
            ));
        }
        let expected = self.next_soc(before, c, d, dt);
        if (soc - expected).abs() > 1e-6 || (after - soc).abs() > 1e-6 {
            return Err(format!(
                "battery '{}' holds {soc:.6} MWh but its charge and discharge give {expected:.6} MWh",
                self.name
            ));
        }
        Ok(())
    }

    fn check_end(&self, state: f64) -> Result<(), String> {
        if state < self.soc_final_mwh - 1e-6 {
            return Err(format!(
                "battery '{}' ends with {state:.6} MWh, below its soc_final of {:.6} MWh",
                self.name, self.soc_final_mwh
            ));
        }
        Ok(())
    }

    fn explain(&self, slacks: &[(usize, f64)], _: &TimeGrid) -> Vec<String> {
        slacks
            .iter()
            .filter(|(_, missing)| *missing > 1e-6)
            .map(|(_, missing)| {
                format!(
                    "battery '{}' can end with at most {:.3} MWh, below its soc_final of {:.3} MWh",
                    self.name,
                    self.soc_final_mwh - missing,
                    self.soc_final_mwh
                )
            })
            .collect()
    }

    fn contribution(&self, values: &[Vec<f64>], dt: f64) -> Contribution {
        let (charged, discharged) = (energy(&values[0], dt), energy(&values[1], dt));
        let wear = self.throughput_cost_cny_per_mwh * (charged + discharged);
        Contribution {
            totals: vec![
                (Total::BatteryCapacityMwh, self.energy_mwh),
                (Total::BatteryDischargedMwh, discharged),
                (Total::BatteryWearCny, wear),
            ],
            ..Contribution::default()
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// 1 MW / 2 MWh, 90 % each way, 10–90 % SoC, starting half full.
    pub(crate) fn battery() -> Battery {
        Battery {
            name: "b".into(),
            energy_mwh: 2.0,
            charge_mw: 1.0,
            discharge_mw: 1.0,
            charge_efficiency: 0.9,
            discharge_efficiency: 0.9,
            soc_min_mwh: 0.2,
            soc_max_mwh: 1.8,
            soc_initial_mwh: 1.0,
            soc_final_mwh: 1.0,
            throughput_cost_cny_per_mwh: 0.0,
        }
    }

    #[test]
    fn soc_recursion_by_hand() {
        let b = battery();
        // 1 MW for 1 h stores 0.9 MWh; 0.9 MW discharged for 1 h draws 1.0 MWh.
        assert!((b.next_soc(1.0, 1.0, 0.0, 1.0) - 1.9).abs() < 1e-12);
        assert!((b.next_soc(1.0, 0.0, 0.9, 1.0) - 0.0).abs() < 1e-12);
    }

    #[test]
    fn realise_respects_power_and_soc_limits() {
        let b = battery();
        // Charging 2 MW for 1 h from 1.0 MWh: power capped at 1 MW, then SoC at 1.8 caps
        // the charge at 0.8/0.9 MW.
        let (c, d, soc) = b.step(1.0, 2.0, 0.0, 1.0);
        assert!((c - 0.8 / 0.9).abs() < 1e-12 && d == 0.0);
        assert!((soc - 1.8).abs() < 1e-12);
        // Discharging 1 MW for 1 h from 0.5 MWh: only 0.3 MWh above the floor → 0.27 MW.
        let (c, d, soc) = b.step(0.5, 0.0, 1.0, 1.0);
        assert!(c == 0.0 && (d - 0.27).abs() < 1e-12);
        assert!((soc - 0.2).abs() < 1e-12);
    }
}
