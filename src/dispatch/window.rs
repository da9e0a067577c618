//! The MPC's window LP kept alive in HiGHS: built once for `horizon` steps, then changed in
//! place for each new window (forecast PV bounds, load right-hand sides, prices, the battery's
//! starting energy, which steps belong to which flexible-load window) and re-solved from the
//! previous basis.
//!
//! The model is the one `WindowModel` builds (see the asset files for the rows), laid out so
//! that its structure does not depend on where the window starts:
//! - per step k: PV output, battery charge/discharge/energy, flexible power, import, export
//!   (and unserved load where priced);
//! - per step: bus balance (right-hand side = fixed load), battery energy balance (the first
//!   one's right-hand side = the energy at the start), and at the end `soc ≥ soc_final`;
//! - per flexible load two energy rows, A for the window holding the plan's first step and B
//!   for the next, ranged `[due, owed]`, whose coefficients say which steps are in which.
//!
//! This holds when every flexible load's windows tile the horizon and none is shorter than
//! the plan (then at most two meet a plan), without a demand charge (whose monthly peak
//! columns would move) and without curtailable loads (not in the template);
//! [`PersistentWindow::supports`] checks it, and the MPC rebuilds each window's LP otherwise.
//! Steps past the end of the horizon are switched off (zero bounds).

use highs::RowProblem;

use super::lp::{Inputs, check_balance, unserved_penalty};
use super::{Context, DispatchError, Plan};
use crate::model::objective::TermCosts;
use crate::model::{PersistentLp, SolveError, Term};
use crate::scenario::Scenario;
use crate::sim::StageTimes;

/// Column and row indices of one battery.
struct BatteryIndex {
    charge: usize,
    discharge: usize,
    /// First energy-balance row.
    balance: usize,
}

/// Column and row indices of one flexible load, and its current energy-row coefficients.
struct FlexibleIndex {
    power: usize,
    rows: [usize; 2],
    coefficients: [Vec<f64>; 2],
}

pub struct PersistentWindow {
    lp: PersistentLp,
    cols: usize,
    horizon: usize,
    pv: Vec<usize>,
    batteries: Vec<BatteryIndex>,
    flexible: Vec<FlexibleIndex>,
    import: usize,
    export: usize,
    unserved: Option<usize>,
    balance: usize,
    /// Steps switched on by the last update (all of them until the horizon's end nears).
    active: usize,
    /// Scratch buffers for the per-window values, one per step.
    lower: Vec<f64>,
    upper: Vec<f64>,
}

impl PersistentWindow {
    /// Whether the scenario's structure stays fixed as a window of `horizon` steps slides.
    pub fn supports(s: &Scenario, horizon: usize) -> bool {
        let tiles = |f: &crate::assets::FlexibleLoad| {
            f.windows.first().is_some_and(|w| w.start == 0)
                && f.windows.last().is_some_and(|w| w.end == s.time.len)
                && f.windows.windows(2).all(|p| p[0].end == p[1].start)
                && f.windows
                    .iter()
                    .enumerate()
                    .all(|(i, w)| w.end - w.start >= horizon || i == 0 || i + 1 == f.windows.len())
        };
        let w = &s.dispatch.objective.weights;
        let binaries = (0..s.time.len).any(|t| {
            s.grid.exclusive_at(t, w)
                || (!s.batteries.is_empty() && s.grid.import_weight(t, w) < 0.0)
        });
        s.grid.demand_charge.is_none()
            && s.curtailable_loads.is_empty()
            && !binaries
            && s.flexible_loads.iter().all(tiles)
    }

    /// Builds the template LP for `horizon` steps.
    pub fn new(s: &Scenario, horizon: usize) -> Result<PersistentWindow, SolveError> {
        let dt = s.time.dt_hours();
        let mut p = RowProblem::default();
        // Every column handle, in the order added: the column index is its position.
        let mut handles: Vec<highs::Col> = Vec::new();
        let mut columns = |p: &mut RowProblem, cost: f64, lo: f64, hi: f64| {
            let first = handles.len();
            handles.extend((0..horizon).map(|_| p.add_column(cost, lo..=hi)));
            first
        };
        let pv: Vec<usize> =
            s.pv.iter()
                .map(|_| columns(&mut p, 0.0, 0.0, 0.0))
                .collect();
        let battery_cols: Vec<(usize, usize, usize)> = s
            .batteries
            .iter()
            .map(|b| {
                (
                    columns(&mut p, 0.0, 0.0, b.charge_mw),
                    columns(&mut p, 0.0, 0.0, b.discharge_mw),
                    columns(&mut p, 0.0, b.soc_min_mwh, b.soc_max_mwh),
                )
            })
            .collect();
        let flex_cols: Vec<usize> = s
            .flexible_loads
            .iter()
            .map(|_| columns(&mut p, 0.0, 0.0, 0.0))
            .collect();
        let import = columns(&mut p, 0.0, 0.0, s.grid.import_limit_mw);
        let export = columns(&mut p, 0.0, 0.0, s.grid.export_limit_mw);
        let unserved = unserved_penalty(s).map(|_| columns(&mut p, 0.0, 0.0, f64::INFINITY));
        let col = |first: usize, k: usize| handles[first + k];
        // Rows: bus balance per step.
        let mut row = 0usize;
        let balance = row;
        for k in 0..horizon {
            let mut terms: Vec<(highs::Col, f64)> = pv.iter().map(|&c| (col(c, k), 1.0)).collect();
            for &(ch, dis, _) in &battery_cols {
                terms.extend([(col(dis, k), 1.0), (col(ch, k), -1.0)]);
            }
            terms.extend(flex_cols.iter().map(|&c| (col(c, k), -1.0)));
            terms.extend([(col(import, k), 1.0), (col(export, k), -1.0)]);
            if let Some(u) = unserved {
                terms.push((col(u, k), 1.0));
            }
            p.add_row(0.0..=0.0, terms);
            row += 1;
        }
        let mut batteries = Vec::new();
        for (b, &(charge, discharge, soc)) in s.batteries.iter().zip(&battery_cols) {
            let first = row;
            for k in 0..horizon {
                let mut terms = vec![
                    (col(soc, k), 1.0),
                    (col(charge, k), -b.charge_efficiency * dt),
                    (col(discharge, k), dt / b.discharge_efficiency),
                ];
                if k > 0 {
                    terms.push((col(soc, k - 1), -1.0));
                }
                p.add_row(0.0..=0.0, terms);
                row += 1;
            }
            p.add_row(
                b.soc_final_mwh..=f64::INFINITY,
                [(col(soc, horizon - 1), 1.0)],
            );
            row += 1;
            batteries.push(BatteryIndex {
                charge,
                discharge,
                balance: first,
            });
        }
        let mut flexible = Vec::new();
        for &power in &flex_cols {
            let rows = [row, row + 1];
            for _ in 0..2 {
                p.add_row(
                    f64::NEG_INFINITY..=f64::INFINITY,
                    (0..horizon).map(|k| (col(power, k), dt)),
                );
            }
            row += 2;
            flexible.push(FlexibleIndex {
                power,
                rows,
                coefficients: [vec![dt; horizon], vec![dt; horizon]],
            });
        }
        // Built with every step switched on.
        Ok(PersistentWindow {
            cols: handles.len(),
            lp: PersistentLp::new(p)?,
            horizon,
            pv,
            batteries,
            flexible,
            import,
            export,
            unserved,
            balance,
            active: horizon,
            lower: vec![0.0; horizon],
            upper: vec![0.0; horizon],
        })
    }

    /// Sets the window starting at `ctx.start` planned on `inputs`, solves it from the
    /// previous basis and fills `plan`. Returns the objective value.
    pub fn solve(
        &mut self,
        ctx: &Context,
        inputs: &Inputs,
        plan: &mut Plan,
        times: &mut StageTimes,
    ) -> Result<f64, DispatchError> {
        let s = ctx.scenario;
        let updating = std::time::Instant::now();
        self.update(ctx, inputs)
            .map_err(|source| DispatchError::Solve {
                source,
                from: s.time.timestamp(ctx.start),
                to: s.time.timestamp(ctx.start + ctx.len),
            })?;
        times.build += updating.elapsed();
        let (x, objective, solve_time) =
            self.lp.solve().map_err(|source| DispatchError::Solve {
                source,
                from: s.time.timestamp(ctx.start),
                to: s.time.timestamp(ctx.start + ctx.len),
            })?;
        times.solve += solve_time;
        let n = ctx.len;
        plan.reset(s, n);
        for (out, &c) in plan.pv_mw.iter_mut().zip(&self.pv) {
            out.copy_from_slice(&x[c..c + n]);
        }
        for (i, b) in self.batteries.iter().enumerate() {
            plan.charge_mw[i].copy_from_slice(&x[b.charge..b.charge + n]);
            plan.discharge_mw[i].copy_from_slice(&x[b.discharge..b.discharge + n]);
        }
        for (out, f) in plan.flexible_mw.iter_mut().zip(&self.flexible) {
            out.copy_from_slice(&x[f.power..f.power + n]);
        }
        plan.import_mw
            .copy_from_slice(&x[self.import..self.import + n]);
        plan.export_mw
            .copy_from_slice(&x[self.export..self.export + n]);
        if let Some(u) = self.unserved {
            plan.unserved_mw.copy_from_slice(&x[u..u + n]);
        }
        check_balance(ctx, inputs, plan)?;
        Ok(objective)
    }

    /// The objective's terms for the window of `n` steps from `start` (as the asset files
    /// state them), solved lexicographically as the rebuilt LP is.
    fn set_costs(&mut self, s: &Scenario, start: usize, n: usize) -> Result<(), SolveError> {
        let dt = s.time.dt_hours();
        let mut terms = TermCosts::default();
        for k in 0..n {
            let t = start + k;
            terms.add(Term::Import, dt, self.import + k);
            terms.add(Term::Cost, dt * s.grid.import_price[t], self.import + k);
            if let Some(c) = &s.grid.carbon_kg_per_mwh {
                terms.add(Term::Carbon, dt * c[t], self.import + k);
            }
            terms.add(Term::Cost, -dt * s.grid.export_price[t], self.export + k);
            for (b, asset) in self.batteries.iter().zip(&s.batteries) {
                let wear = asset.throughput_cost_cny_per_mwh * dt;
                terms.add(Term::Cost, wear, b.charge + k);
                terms.add(Term::Cost, wear, b.discharge + k);
            }
            if let (Some(u), Some(cost)) = (self.unserved, unserved_penalty(s)) {
                cost.add_to(&mut terms, u + k, dt);
            }
        }
        self.lp
            .set_levels(terms.levels(&s.dispatch.objective, self.cols))
    }

    /// Changes the template into the window of `ctx`.
    fn update(&mut self, ctx: &Context, inputs: &Inputs) -> Result<(), SolveError> {
        let s = ctx.scenario;
        let dt = s.time.dt_hours();
        let (start, n) = (ctx.start, ctx.len);
        // Per-step data, one range call per block: load, PV, prices, flexible limits.
        let on = |k: usize| k < n;
        let (lower, upper) = (&mut self.lower, &mut self.upper);
        for (k, (lo, hi)) in lower.iter_mut().zip(upper.iter_mut()).enumerate() {
            let load: f64 = if on(k) {
                inputs.loads.iter().map(|l| l[k]).sum()
            } else {
                0.0
            };
            (*lo, *hi) = (load, load);
        }
        self.lp.set_rows_bounds(self.balance, lower, upper)?;
        lower.fill(0.0);
        for (&c, available) in self.pv.iter().zip(&inputs.pv) {
            for (k, hi) in upper.iter_mut().enumerate() {
                *hi = if on(k) { available[k] } else { 0.0 };
            }
            self.lp.set_cols_bounds(c, lower, upper)?;
        }
        for (f, load) in self.flexible.iter().zip(&s.flexible_loads) {
            for (k, hi) in upper.iter_mut().enumerate() {
                *hi = if on(k) { load.max_at(start + k) } else { 0.0 };
            }
            self.lp.set_cols_bounds(f.power, lower, upper)?;
        }
        self.set_costs(s, start, n)?;
        for k in 0..self.horizon {
            let on = k < n;
            let t = start + k;
            // Limits that only change when a step is switched on or off.
            if on != (k < self.active) {
                for (b, asset) in self.batteries.iter().zip(&s.batteries) {
                    self.lp.set_col_bounds(
                        b.charge + k,
                        0.0,
                        if on { asset.charge_mw } else { 0.0 },
                    )?;
                    self.lp.set_col_bounds(
                        b.discharge + k,
                        0.0,
                        if on { asset.discharge_mw } else { 0.0 },
                    )?;
                }
                let limit = |x: f64| if on { x } else { 0.0 };
                self.lp
                    .set_col_bounds(self.import + k, 0.0, limit(s.grid.import_limit_mw))?;
                self.lp
                    .set_col_bounds(self.export + k, 0.0, limit(s.grid.export_limit_mw))?;
                if let Some(u) = self.unserved {
                    self.lp
                        .set_col_bounds(u + k, 0.0, if on { f64::INFINITY } else { 0.0 })?;
                }
            }
            for (f, load) in self.flexible.iter().zip(&s.flexible_loads) {
                if load.overhead.is_some() && on {
                    self.lp
                        .set_coeff(self.balance + k, f.power + k, -load.bus_factor(t))?;
                }
            }
        }
        self.active = n;
        for (b, soc) in self.batteries.iter().zip(&ctx.state.soc_mwh) {
            self.lp.set_row_bounds(b.balance, *soc, *soc)?;
        }
        for (i, (f, load)) in self.flexible.iter_mut().zip(&s.flexible_loads).enumerate() {
            let first = load.window_of(start);
            for (r, w) in [first, first + 1].into_iter().enumerate() {
                let window = load
                    .windows
                    .get(w)
                    .filter(|window| window.start < start + n);
                let (from, to) = window.map_or((0, 0), |window| {
                    (
                        window.start.max(start) - start,
                        window.end.min(start + n) - start,
                    )
                });
                for k in 0..self.horizon {
                    let new = if (from..to).contains(&k) { dt } else { 0.0 };
                    if f.coefficients[r][k] != new {
                        self.lp.set_coeff(f.rows[r], f.power + k, new)?;
                        f.coefficients[r][k] = new;
                    }
                }
                let (lower, upper) = match window {
                    None => (f64::NEG_INFINITY, f64::INFINITY),
                    Some(window) => {
                        let owed = if r == 0 {
                            ctx.state.owed_mwh[i]
                        } else {
                            window.energy_mwh
                        };
                        if window.end <= start + n {
                            (owed, owed)
                        } else {
                            let later: f64 =
                                (start + n..window.end).map(|t| load.max_at(t)).sum::<f64>() * dt;
                            ((owed - later).max(0.0), owed)
                        }
                    }
                };
                self.lp.set_row_bounds(f.rows[r], lower, upper)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispatch::lp::solve_window;
    use crate::forecast::Forecaster;
    use crate::sim::SimState;

    /// Window by window, on the same state and the same noisy forecasts, the model changed in
    /// place has the optimum of the model built anew (with noisy forecasts, different but
    /// equally good plans would let whole runs drift apart, so runs are not compared).
    #[test]
    fn each_changed_window_has_the_rebuilt_window_s_optimum() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/reference-672.toml");
        let s = crate::scenario::load(&path).unwrap().scenario;
        let state = SimState::initial(&s);
        let horizon = 48;
        let mut window = PersistentWindow::new(&s, horizon).unwrap();
        let noisy = Forecaster::Noisy {
            sigma_mw: 0.3,
            autocorrelation: 0.9,
            seed: 3,
        };
        let (mut pv, mut load) = (Vec::new(), Vec::new());
        let (mut plan, mut times) = (Plan::default(), StageTimes::default());
        // Starts inside a day, at a day boundary, and in the last, shortened window.
        for start in [0, 37, 96, 300, 611, 640] {
            let len = horizon.min(s.time.len - start);
            let ctx = Context {
                scenario: &s,
                state: &state,
                start,
                len,
            };
            noisy.forecast(&s.pv[0].available_mw, start, len, 0, &mut pv);
            noisy.forecast(&s.loads[0].power_mw, start, len, 1, &mut load);
            let inputs = Inputs {
                pv: vec![&pv],
                loads: vec![&load],
            };
            let kept = window.solve(&ctx, &inputs, &mut plan, &mut times).unwrap();
            let rebuilt = solve_window(
                &ctx,
                &inputs,
                true,
                &s.dispatch.solver,
                &mut plan,
                &mut times,
            )
            .unwrap();
            assert!(
                (kept - rebuilt).abs() <= 1e-7 * (1.0 + rebuilt.abs()),
                "start {start}: {kept} vs {rebuilt}"
            );
        }
    }

    #[test]
    fn scenarios_whose_structure_moves_fall_back_to_rebuilding() {
        let load = |name: &str| {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
            crate::scenario::load(&path).unwrap().scenario
        };
        assert!(PersistentWindow::supports(
            &load("scenarios/reference-672.toml"),
            96
        ));
        // Day-long energy windows cannot hold a two-day plan.
        assert!(!PersistentWindow::supports(
            &load("scenarios/reference-672.toml"),
            192
        ));
        // A demand charge and EV sessions shorter than a plan move the structure.
        assert!(!PersistentWindow::supports(
            &load("scenarios/xining-park-week.toml"),
            96
        ));
    }
}
