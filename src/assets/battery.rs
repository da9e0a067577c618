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
//!
//! Sized (see [`super::capacity`]), the energy capacity `E` and the power rating `P` may be
//! LP columns: the state-of-charge limits, start and end requirement become fractions of `E`
//! (`f_min·E ≤ soc[t] ≤ f_max·E`, rows `soc_min[t]`, `soc_max[t]`; `soc[−1] = f_init·E`;
//! `soc[last] ≥ f_final·E`), and `charge[t], discharge[t] ≤ P` (rows `charge_limit[t]`,
//! `discharge_limit[t]`), with `P` its own column or `P = E / duration` (a fixed ratio).

use serde::Serialize;

use super::capacity::{Capacity, Extension};
use super::{
    Asset, At, Columns, Contribution, Role, Series, Total, Verdict, Window, energy, within,
};
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
    /// How it may be sized; the fields above are then its existing capacity.
    pub sizing: Option<BatterySizing>,
}

/// How a battery may grow: its energy capacity, its power rating (charge and discharge
/// alike) or both, with the state-of-charge limits as fractions of the energy capacity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatterySizing {
    pub energy: Option<Extension>,
    pub power: Option<Extension>,
    /// Or power follows energy: `P = E / duration` (h).
    pub duration_h: Option<f64>,
    /// State-of-charge bounds, start and end requirement as fractions of `E`.
    pub soc_min: f64,
    pub soc_max: f64,
    pub soc_initial: f64,
    pub soc_final: f64,
}

/// The battery's capacities in a window's LP.
struct Ratings {
    energy: Capacity,
    /// Power rating, when sized (charge and discharge alike).
    power: Option<Capacity>,
    /// `P = E / duration`, when power follows energy.
    duration_h: Option<f64>,
}

impl Ratings {
    /// Most charge and discharge power.
    fn most_power(&self, b: &Battery) -> (f64, f64) {
        match (&self.power, self.duration_h) {
            (Some(p), _) => (p.most(), p.most()),
            (None, Some(h)) => (self.energy.most() / h, self.energy.most() / h),
            (None, None) => (b.charge_mw, b.discharge_mw),
        }
    }
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
    ) -> (
        [VarBlock; 3],
        Option<VarBlock>,
        super::capacity::CapacityColumns,
    ) {
        let name = &self.name;
        let ratings = self.ratings(lp, n as f64 * dt);
        let (cmax, dmax) = ratings.most_power(self);
        let charge = lp.variables(format!("{name}.charge"), start, n, |_| (0.0, cmax));
        let discharge = lp.variables(format!("{name}.discharge"), start, n, |_| (0.0, dmax));
        // State-of-charge fractions of the energy capacity, when it is sized.
        let fractions = self
            .sizing
            .as_ref()
            .filter(|_| ratings.energy.column().is_some());
        let soc = match fractions {
            Some(f) => lp.variables(format!("{name}.soc"), start, n, |_| {
                (0.0, f.soc_max * ratings.energy.most())
            }),
            None => lp.variables(format!("{name}.soc"), start, n, |_| {
                (self.soc_min_mwh, self.soc_max_mwh)
            }),
        };
        if let Some(f) = fractions {
            ratings
                .energy
                .limit_rows(lp, format!("{name}.soc_max"), start, &soc, |_| f.soc_max);
            let rows = (0..n).map(|t| {
                let mut row = Linear::with_capacity(2).plus(-1.0, soc.col(t));
                ratings.energy.add_to(&mut row, f.soc_min);
                row.leq(0.0)
            });
            lp.rows(format!("{name}.soc_min"), start, rows);
        }
        match (&ratings.power, ratings.duration_h) {
            (Some(p), _) => {
                p.limit_rows(lp, format!("{name}.charge_limit"), start, &charge, |_| 1.0);
                p.limit_rows(
                    lp,
                    format!("{name}.discharge_limit"),
                    start,
                    &discharge,
                    |_| 1.0,
                );
            }
            (None, Some(h)) => {
                let e = &ratings.energy;
                e.limit_rows(lp, format!("{name}.charge_limit"), start, &charge, |_| {
                    1.0 / h
                });
                e.limit_rows(
                    lp,
                    format!("{name}.discharge_limit"),
                    start,
                    &discharge,
                    |_| 1.0 / h,
                );
            }
            (None, None) => {}
        }
        let rows = (0..n).map(|t| {
            let mut row = Linear::with_capacity(4)
                .plus(1.0, soc.col(t))
                .plus(-self.charge_efficiency * dt, charge.col(t))
                .plus(dt / self.discharge_efficiency, discharge.col(t));
            if t == 0 {
                match fractions {
                    Some(f) => ratings.energy.add_to(&mut row, -f.soc_initial),
                    None => row.add_constant(-soc_start_mwh),
                }
            } else {
                row.add(-1.0, soc.col(t - 1));
            }
            row.eq(0.0)
        });
        lp.rows(format!("{name}.soc_balance"), start, rows);
        let mut final_shortfall = None;
        if ends_horizon {
            let mut last = Linear::default().plus(1.0, soc.col(n - 1));
            let required = match fractions {
                Some(f) => {
                    ratings.energy.add_to(&mut last, -f.soc_final);
                    f.soc_final * ratings.energy.most()
                }
                None => self.soc_final_mwh,
            };
            if let Some(penalty) = shortfall_penalty {
                let short = lp.variables(format!("{name}.soc_final_shortfall"), 0, 1, |_| {
                    (0.0, required)
                });
                lp.cost(Term::Penalty, penalty, &short, 0);
                last.add(1.0, short.col(0));
                final_shortfall = Some(short);
            }
            let least = if fractions.is_some() {
                0.0
            } else {
                self.soc_final_mwh
            };
            lp.rows(format!("{name}.soc_final"), 0, [last.geq(least)]);
        }
        let wear = self.throughput_cost_cny_per_mwh * dt;
        for t in 0..n {
            lp.cost(Term::Cost, wear, &charge, t);
            lp.cost(Term::Cost, wear, &discharge, t);
        }
        for run in exclusive.chunk_by(|a, b| b == &(a + 1)) {
            let first = start + run[0];
            let mode = lp.binaries(format!("{name}.mode"), first, run.len());
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
        let capacities = [Some(ratings.energy), ratings.power]
            .into_iter()
            .flatten()
            .filter_map(|c| c.column())
            .collect();
        ([charge, discharge, soc], final_shortfall, capacities)
    }

    /// Its energy capacity and power rating in the LP: fixed, or columns when sized over a
    /// horizon of `hours`.
    fn ratings(&self, lp: &mut LpBuilder, hours: f64) -> Ratings {
        let sizing = self.sizing.as_ref();
        let energy = Capacity::new(
            lp,
            sizing.and_then(|s| s.energy.as_ref()),
            self.energy_mwh,
            &self.name,
            hours,
        );
        let power = sizing
            .and_then(|s| s.power.as_ref())
            .map(|e| Capacity::new(lp, Some(e), self.charge_mw, &self.name, hours));
        Ratings {
            energy,
            power,
            duration_h: sizing.and_then(|s| s.duration_h),
        }
    }

    /// The battery with `added` capacity (per extension, in [`Asset::extensions`] order), no
    /// longer sizable: its energy, power and state-of-charge limits at the totals.
    pub fn sized(&self, added: &[f64]) -> Battery {
        let Some(s) = &self.sizing else {
            return self.clone();
        };
        let mut added = added.iter();
        let energy = match &s.energy {
            Some(e) => e.existing + added.next().copied().unwrap_or(0.0),
            None => self.energy_mwh,
        };
        let (charge, discharge) = match (&s.power, s.duration_h) {
            (Some(p), _) => {
                let p = p.existing + added.next().copied().unwrap_or(0.0);
                (p, p)
            }
            (None, Some(h)) => (energy / h, energy / h),
            (None, None) => (self.charge_mw, self.discharge_mw),
        };
        Battery {
            energy_mwh: energy,
            charge_mw: charge,
            discharge_mw: discharge,
            soc_min_mwh: s.soc_min * energy,
            soc_max_mwh: s.soc_max * energy,
            soc_initial_mwh: s.soc_initial * energy,
            soc_final_mwh: s.soc_final * energy,
            sizing: None,
            ..self.clone()
        }
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
    fn most_supply(&self, _t: usize) -> f64 {
        self.discharge_mw
    }

    /// Charge, discharge and stored energy per step; the energy balance per step.
    fn lp_size(&self, len: usize) -> (usize, usize) {
        (3 * len, len)
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn describe(&self, _: &TimeGrid) -> (&'static str, String) {
        if self.energy_mwh <= 0.0 {
            return ("battery", "none built (0 MWh)".into());
        }
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
        let (blocks, shortfall, capacities) = self.add_columns(
            lp,
            (w.start, w.len, w.dt),
            w.state,
            w.terminal,
            w.shortfall,
            w.paid_to_draw,
        );
        let mut planned = Columns::whole(&blocks);
        planned.slacks.extend(shortfall.map(|s| (0, s)));
        planned.capacities = capacities;
        planned
    }

    fn extensions(&self) -> Vec<&Extension> {
        self.sizing
            .iter()
            .flat_map(|s| [s.energy.as_ref(), s.power.as_ref()])
            .flatten()
            .collect()
    }

    fn realise(&self, at: At, planned: &[f64], state: &mut f64, out: &mut [f64]) -> Verdict {
        let (charge, discharge, soc) = self.step(*state, planned[0], planned[1], at.dt());
        *state = soc;
        out.copy_from_slice(&[charge, discharge, soc]);
        Ok(())
    }

    fn check(&self, at: At, values: &[f64], before: f64, after: f64) -> Verdict {
        let dt = at.dt();
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

    fn check_end(&self, state: f64) -> Verdict {
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
            sizing: None,
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
