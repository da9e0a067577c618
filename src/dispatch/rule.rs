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
//! 3. what remains is exported up to the export limit, then curtailed; or imported;
//! 4. a battery never drops below the level from which it can still reach its end-of-horizon
//!    requirement by charging at full power, and is charged from the grid when it must.

use super::{Context, DispatchError, Dispatcher, Plan};
use crate::scenario::Scenario;
use crate::sim::StageTimes;

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
}

impl RuleDispatcher {
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

/// Lowest and highest import price of the local day holding step `t` (within the horizon).
fn day_price_range(s: &Scenario, t: usize) -> (f64, f64) {
    let step = s.time.step_seconds;
    let first = t.saturating_sub((s.time.local_second_of_day(t) / step) as usize);
    let end = (first + (86_400 / step).max(1) as usize).min(s.time.len);
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

    fn plan(
        &mut self,
        ctx: &Context,
        plan: &mut Plan,
        _: &mut StageTimes,
    ) -> Result<Option<f64>, DispatchError> {
        let s = ctx.scenario;
        let t = ctx.start;
        let dt = s.time.dt_hours();
        let steps_after = (s.time.len - 1 - t) as f64;
        plan.reset(s, 1);

        let mut net = s.loads.iter().map(|l| l.power_mw[t]).sum::<f64>();
        for (i, f) in s.flexible_loads.iter().enumerate() {
            let power = f.max_at(t).min(ctx.state.owed_mwh[i].max(0.0) / dt);
            plan.flexible_mw[i][0] = power;
            net += power * f.bus_factor(t);
        }
        let available: f64 = s.pv.iter().map(|p| p.available_mw[t]).sum();
        net -= available;

        let price_band = (self.rule == Rule::TimeOfUse).then(|| day_price_range(s, t));
        for (i, b) in s.batteries.iter().enumerate() {
            let soc = ctx.state.soc_mwh[i];
            // Lowest end-of-step energy from which soc_final is still reachable.
            let floor = b
                .soc_min_mwh
                .max(b.soc_final_mwh - steps_after * b.charge_mw * b.charge_efficiency * dt);
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
                let charge = (-wanted).min(b.charge_mw).min(room);
                plan.charge_mw[i][0] = charge;
                net += charge;
            } else {
                let reserve = (soc - floor).max(0.0) * b.discharge_efficiency / dt;
                let discharge = wanted.min(b.discharge_mw).min(reserve);
                plan.discharge_mw[i][0] = discharge;
                net -= discharge;
            }
            let after = b.next_soc(soc, plan.charge_mw[i][0], plan.discharge_mw[i][0], dt);
            if after < floor {
                let top_up = ((floor - after) / (b.charge_efficiency * dt))
                    .min(b.charge_mw - plan.charge_mw[i][0]);
                plan.charge_mw[i][0] += top_up;
                net += top_up;
            }
        }

        let export = (-net).clamp(0.0, s.grid.export_limit_mw);
        let curtail = (-net - export).max(0.0);
        let kept = if available > 0.0 {
            1.0 - curtail / available
        } else {
            0.0
        };
        for (i, p) in s.pv.iter().enumerate() {
            plan.pv_mw[i][0] = p.available_mw[t] * kept;
        }
        plan.import_mw[0] = net.max(0.0);
        plan.export_mw[0] = export;
        Ok(None)
    }
}
