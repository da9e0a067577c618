//! Greedy self-consumption rules, one step at a time:
//! 1. flexible loads run as early as their window allows (full power until the energy owed
//!    is delivered);
//! 2. PV serves the load; a surplus charges the batteries (in file order), then is exported
//!    up to the export limit, then curtailed;
//! 3. a deficit is met by discharging the batteries, then by import;
//! 4. a battery never drops below the level from which it can still reach its end-of-horizon
//!    requirement by charging at full power, and is charged from the grid when it must.

use super::{Context, DispatchError, Dispatcher, Plan};
use crate::scenario::Scenario;
use crate::sim::StageTimes;

/// The rule-based yardstick the LP must beat; without batteries (`use_batteries: false`)
/// it is the do-nothing baseline `none`: batteries idle, flexible loads as early as allowed.
pub struct RuleDispatcher {
    pub use_batteries: bool,
}

impl Dispatcher for RuleDispatcher {
    fn name(&self) -> &'static str {
        if self.use_batteries { "rule" } else { "none" }
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

        for (i, b) in s
            .batteries
            .iter()
            .enumerate()
            .filter(|_| self.use_batteries)
        {
            let soc = ctx.state.soc_mwh[i];
            // Lowest end-of-step energy from which soc_final is still reachable.
            let floor = b
                .soc_min_mwh
                .max(b.soc_final_mwh - steps_after * b.charge_mw * b.charge_efficiency * dt);
            if net < 0.0 {
                let room = (b.soc_max_mwh - soc).max(0.0) / (b.charge_efficiency * dt);
                let charge = (-net).min(b.charge_mw).min(room);
                plan.charge_mw[i][0] = charge;
                net += charge;
            } else {
                let reserve = (soc - floor).max(0.0) * b.discharge_efficiency / dt;
                let discharge = net.min(b.discharge_mw).min(reserve);
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
