//! Dispatchable generator: a diesel or gas genset burning fuel.
//!
//! LP, for each step t of a window (dt in hours), output `p[t]` (MW):
//! - `p[t] ∈ [min, capacity]`; `min > 0` makes it must-run (it never stops);
//! - with a ramp limit `r` (MW/h): `|p[t] − p[t−1]| ≤ r·dt`, `p[−1]` the output of the step
//!   before the window (its state; `min` before the first step);
//! - bus injection `+p[t]`;
//! - objective: fuel `c_fuel·dt·p[t]` (CNY) in the cost term, `e·dt·p[t]` (kg CO2) in the
//!   carbon term, and `dt·p[t]` (MWh) in the import term: fuel is energy drawn from outside
//!   the site, not local renewable energy, so minimising grid draw does not burn fuel to
//!   save import; between the two, ties go to the cheaper, then the cleaner.
//!
//! Sized (see [`super::capacity`]): the capacity `C` may be an LP column, `p[t] ≤ C` (rows
//! `capacity_limit[t]`).
//!
//! Rule strategies run it as the last resort: it covers what the load needs beyond the
//! grid's import limit (and its must-run minimum at any time).

use serde::Serialize;

use super::capacity::{Capacity, Extension};
use super::{
    Asset, At, Columns, Contribution, Figure, Role, Series, Verdict, Window, energy, within,
};
use crate::model::{Linear, LpBuilder, Term};
use crate::time::TimeGrid;

const SERIES: &[Series] = &[Series {
    name: "power",
    unit: "MW",
    role: Role::Generation,
    planned: true,
}];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Generator {
    pub name: String,
    /// Most output (MW).
    pub capacity_mw: f64,
    /// Least output in every step (MW): above zero, it runs all the time (must-run).
    pub min_mw: f64,
    /// Fuel cost per MWh produced (CNY/MWh).
    pub fuel_cny_per_mwh: f64,
    /// CO2 emitted per MWh produced (kg/MWh).
    pub co2_kg_per_mwh: f64,
    /// Largest change of output per hour (MW/h), if limited.
    pub ramp_mw_per_h: Option<f64>,
    /// Its capacity may grow (`capacity_mw` is then what exists).
    pub sizing: Option<Extension>,
}

impl Generator {
    /// The output it may have in a step of `dt` hours after `previous` MW: `[min, capacity]`
    /// narrowed to `previous ± r·dt` by the ramp limit.
    pub fn range(&self, previous: f64, dt: f64) -> (f64, f64) {
        match self.ramp_mw_per_h {
            Some(r) => (
                (previous - r * dt).max(self.min_mw),
                (previous + r * dt).min(self.capacity_mw),
            ),
            None => (self.min_mw, self.capacity_mw),
        }
    }
}

impl Generator {
    /// The generator with `added` capacity (its one extension), no longer sizable.
    pub fn sized(&self, added: &[f64]) -> Generator {
        Generator {
            capacity_mw: self.capacity_mw + added.first().copied().unwrap_or(0.0),
            sizing: None,
            ..self.clone()
        }
    }
}

impl Asset for Generator {
    fn name(&self) -> &str {
        &self.name
    }

    fn describe(&self, _: &TimeGrid) -> (&'static str, String) {
        let mut text = format!(
            "{} MW, fuel {} CNY/MWh, {} kg CO2/MWh",
            self.capacity_mw, self.fuel_cny_per_mwh, self.co2_kg_per_mwh
        );
        if self.min_mw > 0.0 {
            text += &format!(", must-run ≥ {} MW", self.min_mw);
        }
        if let Some(r) = self.ramp_mw_per_h {
            text += &format!(", ramp ≤ {r} MW/h");
        }
        ("generator", text)
    }

    fn series(&self) -> &'static [Series] {
        SERIES
    }

    /// Its output in the step before: it starts from its minimum.
    fn initial_state(&self) -> f64 {
        self.min_mw
    }

    fn most_supply(&self, _t: usize) -> f64 {
        self.capacity_mw
    }

    /// A column per step; two-sided ramp rows when the ramp is limited.
    fn lp_size(&self, len: usize) -> (usize, usize) {
        (len, if self.ramp_mw_per_h.is_some() { len } else { 0 })
    }

    fn bus_coefficient(&self, _i: usize, _t: usize) -> f64 {
        1.0
    }

    fn extensions(&self) -> Vec<&Extension> {
        self.sizing.iter().collect()
    }

    fn add_to_lp(&self, lp: &mut LpBuilder, w: &Window) -> Columns {
        let hours = w.len as f64 * w.dt;
        let capacity = Capacity::new(
            lp,
            self.sizing.as_ref(),
            self.capacity_mw,
            &self.name,
            hours,
        );
        let power = lp.variables(format!("{}.power", self.name), w.start, w.len, |_| {
            (self.min_mw, capacity.most())
        });
        capacity.limit_rows(
            lp,
            format!("{}.capacity_limit", self.name),
            w.start,
            &power,
            |_| 1.0,
        );
        for k in 0..w.len {
            lp.cost(Term::Cost, self.fuel_cny_per_mwh * w.dt, &power, k);
            lp.cost(Term::Carbon, self.co2_kg_per_mwh * w.dt, &power, k);
            lp.cost(Term::Import, w.dt, &power, k);
        }
        if let Some(r) = self.ramp_mw_per_h {
            let step = r * w.dt;
            let rows = (0..w.len).map(|k| {
                let mut change = Linear::with_capacity(2).plus(1.0, power.col(k));
                if k == 0 {
                    change.add_constant(-w.state);
                } else {
                    change.add(-1.0, power.col(k - 1));
                }
                change.between(-step, step)
            });
            lp.rows(format!("{}.ramp", self.name), w.start, rows);
        }
        let mut columns = Columns::whole(&[power]);
        columns.capacities.extend(capacity.column());
        columns
    }

    fn realise(&self, at: At, planned: &[f64], state: &mut f64, out: &mut [f64]) -> Verdict {
        let (lo, hi) = self.range(*state, at.dt());
        out[0] = planned[0].clamp(lo, hi);
        *state = out[0];
        Ok(())
    }

    fn cover(
        &self,
        _t: usize,
        dt: f64,
        state: f64,
        deficit_mw: f64,
        planned: &mut [Vec<f64>],
    ) -> f64 {
        let (lo, hi) = self.range(state, dt);
        planned[0][0] = deficit_mw.clamp(lo, hi);
        planned[0][0]
    }

    fn check(&self, at: At, values: &[f64], before: f64, after: f64) -> Verdict {
        let p = values[0];
        let (lo, hi) = self.range(before, at.dt());
        if !within(p, lo, hi) || (after - p).abs() > 1e-6 {
            return Err(format!(
                "generator '{}' produces {p:.6} MW after {before:.6} MW, outside {lo:.6}..{hi:.6} MW (its minimum, capacity and ramp limit)",
                self.name
            ));
        }
        Ok(())
    }

    fn contribution(&self, values: &[Vec<f64>], dt: f64) -> Contribution {
        let produced = energy(&values[0], dt);
        let running = values[0].iter().filter(|p| **p > 1e-9).count() as f64 * dt;
        let (fuel, co2) = (
            self.fuel_cny_per_mwh * produced,
            self.co2_kg_per_mwh * produced,
        );
        Contribution {
            cost_cny: fuel,
            co2_kg: co2,
            co2_kg_steps: values[0]
                .iter()
                .map(|p| self.co2_kg_per_mwh * p * dt)
                .collect(),
            drawn_mwh: produced,
            totals: Vec::new(),
            figures: vec![
                Figure {
                    label: "generation",
                    value: produced,
                    unit: "MWh",
                },
                Figure {
                    label: "fuel cost",
                    value: fuel,
                    unit: "CNY",
                },
                Figure {
                    label: "running hours",
                    value: running,
                    unit: "h",
                },
                Figure {
                    label: "CO2",
                    value: co2 / 1000.0,
                    unit: "t",
                },
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn genset(ramp: Option<f64>) -> Generator {
        Generator {
            name: "g".into(),
            capacity_mw: 2.0,
            min_mw: 0.5,
            fuel_cny_per_mwh: 1500.0,
            co2_kg_per_mwh: 800.0,
            ramp_mw_per_h: ramp,
            sizing: None,
        }
    }

    #[test]
    fn ramp_narrows_the_range_around_the_previous_output() {
        assert_eq!(genset(None).range(0.5, 0.25), (0.5, 2.0));
        // 1 MW/h over 15 min: ±0.25 MW around 1 MW.
        assert_eq!(genset(Some(1.0)).range(1.0, 0.25), (0.75, 1.25));
        // Never below the minimum nor above capacity.
        assert_eq!(genset(Some(1.0)).range(0.6, 1.0), (0.5, 1.6));
        assert_eq!(genset(Some(1.0)).range(1.8, 1.0), (0.8, 2.0));
    }

    #[test]
    fn commit_and_cover_keep_the_limits_and_contribution_adds_up() {
        let g = genset(Some(1.0));
        let time = TimeGrid {
            start: chrono::DateTime::parse_from_rfc3339("2025-01-01T00:00:00+08:00").unwrap(),
            step_seconds: 1800,
            len: 3,
            zone: None,
        };
        let (mut state, mut out) = (g.initial_state(), [0.0]);
        let at = At { t: 0, time: &time };
        g.realise(at, &[2.0], &mut state, &mut out).unwrap();
        assert_eq!((out[0], state), (1.0, 1.0)); // 0.5 + 1 MW/h × 0.5 h
        assert!(g.check(at, &out, 0.5, 1.0).is_ok());
        assert!(g.check(at, &[1.2], 0.5, 1.2).is_err());
        let mut planned = vec![vec![0.0]];
        assert_eq!(g.cover(1, 0.5, 1.0, 0.0, &mut planned), 0.5);
        assert_eq!(g.cover(1, 0.5, 1.0, 3.0, &mut planned), 1.5);
        assert_eq!(planned[0][0], 1.5);
        // 1, 1 and 0.5 MW for an hour each: 2.5 MWh, 3,750 CNY, 3 running hours, 2 t CO2.
        let c = g.contribution(&[vec![1.0, 1.0, 0.5]], 1.0);
        assert_eq!((c.drawn_mwh, c.cost_cny, c.co2_kg), (2.5, 3750.0, 2000.0));
        assert_eq!(c.figures[2].value, 3.0);
    }
}
