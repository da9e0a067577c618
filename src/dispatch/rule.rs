//! Rule-based dispatch, one step at a time:
//! 1. flexible loads run as early as their window allows (full power until the energy owed
//!    is delivered);
//! 2. each battery's power follows its rule from the net load (load − PV) of the step:
//!    - `rule` (self-consumption): a surplus charges it, a deficit discharges it;
//!    - `tou` (time-of-use arbitrage): in the day's cheapest price period it charges at
//!      full power (from PV or the grid), in the day's dearest it discharges to cover the
//!      deficit, otherwise it only stores PV surplus;
//!    - `peak` (peak shaving): it discharges what the net load has above the threshold, and
//!      below it charges up to the threshold (import never exceeds it while it can help);
//!    - `none`: the battery idles (the do-nothing baseline);
//! 3. dispatchable sources (generators) cover what exceeds the import limit;
//! 4. what remains is exported up to the export limit, then curtailed; or imported;
//! 5. a battery never drops below the level from which it can still reach its end-of-horizon
//!    requirement, and is charged from the grid when it must. That level is computed
//!    backwards from the end: `floor[T−1] = soc_final`, `floor[t−1] = max(soc_min,
//!    floor[t] − η_c·dt·room[t])`, where `room[t]` is what the battery can charge at step t
//!    without import exceeding its limit: `min(charge_mw, import_limit + PV − fixed loads −
//!    flexible loads as early as allowed − what earlier batteries may charge)`. So the energy
//!    still owed at the end is spread over the headroom under the limit, not put into the
//!    last steps at full power.

use super::lp::{Inputs, solve_error, solve_window};
use super::{Context, DispatchError, Dispatcher, Plan, PlanOutcome};
use crate::model::Solver;
use crate::scenario::Scenario;

/// What the batteries do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    Idle,
    SelfConsumption,
    TimeOfUse,
    /// Shave import above this threshold (MW).
    PeakShaving(f64),
}

/// The rule-based strategies (`none`, `rule`, `tou`, `peak`): the yardsticks the LP must beat.
pub struct RuleDispatcher {
    pub rule: Rule,
    /// Per battery, the lowest energy (MWh) from which `soc_final` is still reachable,
    /// before the first step and at the end of each; computed at the first plan.
    floors: Vec<Vec<f64>>,
}

impl RuleDispatcher {
    pub fn new(rule: Rule) -> RuleDispatcher {
        RuleDispatcher {
            rule,
            floors: Vec::new(),
        }
    }

    /// Before the first step: where a battery cannot reach its `soc_final` within the import
    /// limit as the rule runs the site, says whether any dispatch can (the LP): if none can,
    /// the scenario is infeasible; if one can, this rule cannot keep the limit.
    fn check_reachable(&self, ctx: &Context) -> Result<(), DispatchError> {
        let s = ctx.scenario;
        let short = s
            .batteries
            .iter()
            .zip(&self.floors)
            .find(|(b, floor)| floor[0] > b.soc_initial_mwh + 1e-9);
        let Some((b, floor)) = short else {
            return Ok(());
        };
        let whole = Context {
            scenario: s,
            devices: ctx.devices,
            state: ctx.state,
            start: 0,
            len: s.time.len,
        };
        let mut plan = Plan::default();
        let mut solver = Solver::new(&s.dispatch.solver).map_err(|e| solve_error(&whole, e))?;
        solve_window(&whole, &Inputs::truth(&whole), true, &mut solver, &mut plan)?;
        Err(DispatchError::Rule(format!(
            "the {} rule cannot bring battery '{}' to its soc_final of {:.3} MWh without exceeding the import limit of {} MW: it would have to start with {:.3} MWh, not {:.3} MWh; the LP strategy can (--strategy lp)",
            self.name(),
            b.name,
            b.soc_final_mwh,
            s.grid.import_limit_mw,
            floor[0],
            b.soc_initial_mwh
        )))
    }

    /// Each battery's floor (see the module doc): entry 0 before the first step, entry
    /// `t + 1` at the end of step t.
    fn floors(s: &Scenario) -> Vec<Vec<f64>> {
        let (n, dt) = (s.time.len, s.time.dt_hours());
        // Net load with flexible loads as early as allowed, as the rule runs them.
        let mut net: Vec<f64> = (0..n)
            .map(|t| {
                s.loads.iter().map(|l| l.power_mw[t]).sum::<f64>()
                    - s.pv.iter().map(|p| p.available_mw[t]).sum::<f64>()
            })
            .collect();
        for f in &s.flexible_loads {
            let mut owed = f.owed_from(0);
            for (t, net) in net.iter_mut().enumerate() {
                let power = f.max_at(t).min(owed.max(0.0) / dt);
                *net += power * f.bus_factor(t);
                owed -= power * dt;
                if f.windows
                    .get(f.window_of(t))
                    .is_some_and(|w| w.end == t + 1)
                {
                    owed = f
                        .windows
                        .get(f.window_of(t) + 1)
                        .map_or(0.0, |w| w.energy_mwh);
                }
            }
        }
        let mut headroom: Vec<f64> = net
            .iter()
            .map(|x| (s.grid.import_limit_mw - x).max(0.0))
            .collect();
        s.batteries
            .iter()
            .map(|b| {
                let mut floor = vec![b.soc_final_mwh; n + 1];
                for t in (0..n).rev() {
                    let room = b.charge_mw.min(headroom[t]);
                    floor[t] = b
                        .soc_min_mwh
                        .max(floor[t + 1] - b.charge_efficiency * dt * room);
                }
                for room in &mut headroom {
                    *room = (*room - b.charge_mw).max(0.0);
                }
                floor
            })
            .collect()
    }
    /// Peak shaving at the 90th percentile of the net load (load − PV available), the
    /// default threshold when the scenario gives none.
    pub fn default_peak_threshold(s: &Scenario) -> f64 {
        let mut net: Vec<f64> = (0..s.time.len)
            .map(|t| {
                s.loads.iter().map(|l| l.power_mw[t]).sum::<f64>()
                    - s.pv.iter().map(|p| p.available_mw[t]).sum::<f64>()
            })
            .collect();
        net.sort_by(f64::total_cmp);
        net.get(net.len() * 9 / 10).copied().unwrap_or(0.0).max(0.0)
    }
}

/// Lowest and highest import price of the local day holding step `t` (within the horizon):
/// a day of steps from the one holding local midnight, or with a time zone the steps of the
/// local calendar day (23 or 25 hours on a daylight-saving change).
fn day_price_range(s: &Scenario, t: usize) -> (f64, f64) {
    let step = s.time.step_seconds;
    let (first, end) = if s.time.zone.is_some() {
        let day = s.time.window_index(t, 86_400);
        let same = |k: &usize| s.time.window_index(*k, 86_400) == day;
        let first = (0..t).rev().take_while(same).last().unwrap_or(t);
        let end = (t..s.time.len)
            .take_while(same)
            .last()
            .map_or(t + 1, |k| k + 1);
        (first, end)
    } else {
        let first = t.saturating_sub((s.time.local_second_of_day(t) / step) as usize);
        (
            first,
            (first + (86_400 / step).max(1) as usize).min(s.time.len),
        )
    };
    s.grid.import_price[first..end]
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(*p), hi.max(*p)))
}

impl Dispatcher for RuleDispatcher {
    fn name(&self) -> &'static str {
        match self.rule {
            Rule::Idle => "none",
            Rule::SelfConsumption => "rule",
            Rule::TimeOfUse => "tou",
            Rule::PeakShaving(_) => "peak",
        }
    }

    fn window(&self, _: &Scenario) -> (usize, usize) {
        (1, 1)
    }

    fn commits_as_planned(&self) -> bool {
        true
    }

    fn plan(&mut self, ctx: &Context, plan: &mut Plan) -> Result<PlanOutcome, DispatchError> {
        let s = ctx.scenario;
        let t = ctx.start;
        let dt = s.time.dt_hours();
        let o = s.offsets();
        if self.floors.len() != s.batteries.len() {
            self.floors = Self::floors(s);
            self.check_reachable(ctx)?;
        }
        plan.reset(ctx.devices, 1);

        let mut net = 0.0;
        for (i, l) in s.loads.iter().enumerate() {
            plan.assets[o.loads + i][0][0] = l.power_mw[t];
            net += l.power_mw[t];
        }
        for (i, f) in s.flexible_loads.iter().enumerate() {
            let owed = ctx.state.assets[o.flexible + i];
            let power = f.max_at(t).min(owed.max(0.0) / dt);
            plan.assets[o.flexible + i][0][0] = power;
            net += power * f.bus_factor(t);
        }
        let available: f64 = s.pv.iter().map(|p| p.available_mw[t]).sum();
        net -= available;

        let price_band = (self.rule == Rule::TimeOfUse).then(|| day_price_range(s, t));
        for (i, b) in s.batteries.iter().enumerate() {
            let soc = ctx.state.assets[o.batteries + i];
            let [charge, discharge, stored] = &mut plan.assets[o.batteries + i][..] else {
                unreachable!("a battery has three series");
            };
            // Lowest end-of-step energy from which soc_final is still reachable.
            let floor = self.floors[i][t + 1];
            // Wanted battery power: positive discharges, negative charges.
            let wanted = match (self.rule, price_band) {
                (Rule::Idle, _) => 0.0,
                (Rule::SelfConsumption, _) => net,
                (Rule::TimeOfUse, Some((low, high))) => {
                    let price = s.grid.import_price[t];
                    if price <= low + 1e-9 && high > low + 1e-9 {
                        -f64::INFINITY
                    } else if price >= high - 1e-9 && high > low + 1e-9 {
                        net.max(0.0)
                    } else {
                        net.min(0.0)
                    }
                }
                (Rule::TimeOfUse, None) => net.min(0.0),
                (Rule::PeakShaving(threshold), _) => net - threshold,
            };
            if wanted < 0.0 {
                let room = (b.soc_max_mwh - soc).max(0.0) / (b.charge_efficiency * dt);
                charge[0] = (-wanted).min(b.charge_mw).min(room);
                net += charge[0];
            } else {
                let reserve = (soc - floor).max(0.0) * b.discharge_efficiency / dt;
                discharge[0] = wanted.min(b.discharge_mw).min(reserve);
                net -= discharge[0];
            }
            let after = b.next_soc(soc, charge[0], discharge[0], dt);
            if after < floor {
                let top_up =
                    ((floor - after) / (b.charge_efficiency * dt)).min(b.charge_mw - charge[0]);
                charge[0] += top_up;
                net += top_up;
            }
            stored[0] = b.next_soc(soc, charge[0], discharge[0], dt);
        }

        // Dispatchable sources (generators) cover what the grid cannot carry, the last
        // resort before load goes unserved; a must-run one runs at its minimum anyway.
        for (k, d) in ctx.devices.iter().enumerate() {
            let deficit = (net - s.grid.import_limit_mw).max(0.0);
            net -= d.cover(t, dt, ctx.state.assets[k], deficit, &mut plan.assets[k]);
        }

        let export = (-net).clamp(0.0, s.grid.export_limit_mw);
        let curtail = (-net - export).max(0.0);
        let kept = if available > 0.0 {
            1.0 - curtail / available
        } else {
            0.0
        };
        for (i, p) in s.pv.iter().enumerate() {
            plan.assets[o.pv + i][0][0] = p.available_mw[t] * kept;
        }
        plan.import_mw[0] = net.max(0.0);
        plan.export_mw[0] = export;
        Ok(PlanOutcome::default())
    }
}

#[cfg(test)]
mod dst_tests {
    use super::*;

    #[test]
    fn a_daylight_saving_day_is_one_price_day() {
        let mut s = crate::dispatch::tests::site(49);
        s.time.start = chrono::DateTime::parse_from_rfc3339("2025-10-25T00:00:00+02:00").unwrap();
        s.time.zone = Some(chrono_tz::Europe::Berlin);
        s.grid.import_price = (0..49).map(f64::from).collect();
        // By hand: the 25th is steps 0–23; the 26th, 25 hours long, steps 24–48.
        assert_eq!(day_price_range(&s, 23), (0.0, 23.0));
        assert_eq!(day_price_range(&s, 24), (24.0, 48.0));
        assert_eq!(day_price_range(&s, 48), (24.0, 48.0));
    }
}
