//! Invariants checked on the committed records after every plan: bus balance, state-of-
//! charge recursion and bounds, every power limit, and end-of-horizon requirements.
//! (Flexible energy per window is checked as each window closes, in `commit`.)

use crate::dispatch::Plan;
use crate::results::Results;
use crate::scenario::Scenario;

/// Largest violation tolerated (MW for powers, MWh for energies).
pub const TOLERANCE: f64 = 1e-6;

/// A broken invariant: which step, when, and what.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invariant broken at step {step} ({timestamp}): {what}")]
pub struct InvariantError {
    pub step: usize,
    pub timestamp: String,
    pub what: String,
}

impl InvariantError {
    pub fn new(scenario: &Scenario, step: usize, what: String) -> InvariantError {
        InvariantError {
            step,
            timestamp: scenario.time.timestamp(step),
            what,
        }
    }
}

/// Largest difference between a planned and a committed power (MW) where they must agree:
/// the solver's feasibility tolerance (1e-7) magnified by clamping a battery's energy
/// through `η·dt` at steps down to a minute.
pub const PLAN_TOLERANCE_MW: f64 = 1e-5;

/// Checks that steps `from..to` of `results` were committed as `plan` (which starts at
/// step `from`) set them: what is written is what was planned.
pub fn as_planned(
    scenario: &Scenario,
    plan: &Plan,
    results: &Results,
    from: usize,
    to: usize,
) -> Result<(), InvariantError> {
    for t in from..to {
        let k = t - from;
        let mut pairs: Vec<(String, f64, f64)> = vec![
            (
                "grid import".into(),
                plan.import_mw[k],
                results.import_mw[t],
            ),
            (
                "grid export".into(),
                plan.export_mw[k],
                results.export_mw[t],
            ),
            (
                "unserved load".into(),
                plan.unserved_mw[k],
                results.unserved_mw[t],
            ),
        ];
        for (i, b) in results.batteries.iter().enumerate() {
            pairs.push((
                format!("battery '{}' charge", b.name),
                plan.charge_mw[i][k],
                b.charge_mw[t],
            ));
            pairs.push((
                format!("battery '{}' discharge", b.name),
                plan.discharge_mw[i][k],
                b.discharge_mw[t],
            ));
        }
        // A plan may ask for PV "as available" (∞: the MPC where it does not curtail).
        for (i, p) in results.pv.iter().enumerate() {
            let planned = plan.pv_mw[i][k].min(p.available_mw[t]);
            pairs.push((format!("pv '{}' output", p.name), planned, p.power_mw[t]));
        }
        for (i, f) in results.flexible.iter().enumerate() {
            pairs.push((
                format!("flexible_load '{}'", f.name),
                plan.flexible_mw[i][k],
                f.power_mw[t],
            ));
        }
        for (i, c) in results.curtailed.iter().enumerate() {
            pairs.push((
                format!("'{}' curtailed", c.name),
                plan.curtailed_mw[i][k],
                c.power_mw[t],
            ));
        }
        if let Some((what, planned, committed)) = pairs
            .into_iter()
            .find(|(_, p, c)| (p - c).abs() > PLAN_TOLERANCE_MW)
        {
            return Err(InvariantError::new(
                scenario,
                t,
                format!(
                    "the committed dispatch differs from the plan: {what} {committed:.6} MW committed, {planned:.6} MW planned"
                ),
            ));
        }
    }
    Ok(())
}

/// Checks steps `from..to` of `results` against `scenario`.
pub fn check(
    scenario: &Scenario,
    results: &Results,
    from: usize,
    to: usize,
) -> Result<(), InvariantError> {
    let dt = scenario.time.dt_hours();
    let fail = |t: usize, what: String| Err(InvariantError::new(scenario, t, what));
    let within = |v: f64, lo: f64, hi: f64| v >= lo - TOLERANCE && v <= hi + TOLERANCE;
    for t in from..to {
        let mut balance = results.import_mw[t] - results.export_mw[t] + results.unserved_mw[t];
        for (p, r) in scenario.pv.iter().zip(&results.pv) {
            if !within(r.power_mw[t], 0.0, p.available_mw[t]) {
                return fail(
                    t,
                    format!(
                        "pv '{}' output {:.6} MW is outside 0..{:.6} MW available",
                        p.name, r.power_mw[t], p.available_mw[t]
                    ),
                );
            }
            balance += r.power_mw[t];
        }
        for (b, r) in scenario.batteries.iter().zip(&results.batteries) {
            let (c, d, soc) = (r.charge_mw[t], r.discharge_mw[t], r.soc_mwh[t]);
            if !within(c, 0.0, b.charge_mw) || !within(d, 0.0, b.discharge_mw) {
                return fail(
                    t,
                    format!(
                        "battery '{}' charge {c:.6} MW / discharge {d:.6} MW exceed 0..{} / 0..{} MW",
                        b.name, b.charge_mw, b.discharge_mw
                    ),
                );
            }
            if !within(soc, b.soc_min_mwh, b.soc_max_mwh) {
                return fail(
                    t,
                    format!(
                        "battery '{}' holds {soc:.6} MWh, outside {}..{} MWh",
                        b.name, b.soc_min_mwh, b.soc_max_mwh
                    ),
                );
            }
            let before = if t == 0 {
                b.soc_initial_mwh
            } else {
                r.soc_mwh[t - 1]
            };
            let expected = b.next_soc(before, c, d, dt);
            if (soc - expected).abs() > TOLERANCE {
                return fail(
                    t,
                    format!(
                        "battery '{}' holds {soc:.6} MWh but its charge and discharge give {expected:.6} MWh",
                        b.name
                    ),
                );
            }
            balance += d - c;
        }
        for r in &results.loads {
            balance -= r.power_mw[t];
        }
        for (f, r) in scenario.flexible_loads.iter().zip(&results.flexible) {
            if !within(r.power_mw[t], 0.0, f.max_at(t)) {
                return fail(
                    t,
                    format!(
                        "flexible_load '{}' draws {:.6} MW, outside 0..{:.6} MW",
                        f.name,
                        r.power_mw[t],
                        f.max_at(t)
                    ),
                );
            }
            balance -= r.power_mw[t] * f.bus_factor(t);
        }
        for (c, r) in scenario.curtailable_loads.iter().zip(&results.curtailed) {
            if !within(r.power_mw[t], 0.0, c.max_mw[t]) {
                return fail(
                    t,
                    format!(
                        "'{}' curtails {:.6} MW, outside 0..{:.6} MW",
                        c.name, r.power_mw[t], c.max_mw[t]
                    ),
                );
            }
            balance += r.power_mw[t] * c.overhead[t];
        }
        let grid = &scenario.grid;
        if !within(results.import_mw[t], 0.0, grid.import_limit_mw)
            || !within(results.export_mw[t], 0.0, grid.export_limit_mw)
        {
            return fail(
                t,
                format!(
                    "grid import {:.6} MW / export {:.6} MW exceed the limits",
                    results.import_mw[t], results.export_mw[t]
                ),
            );
        }
        let unserved = results.unserved_mw[t];
        if unserved < 0.0 || (unserved > 0.0 && scenario.dispatch.unserved_cny_per_mwh.is_none()) {
            return fail(
                t,
                format!(
                    "{unserved:.6} MW of load left unserved where the scenario does not allow it"
                ),
            );
        }
        if balance.abs() > TOLERANCE {
            return fail(t, format!("bus balance is off by {balance:.3e} MW"));
        }
    }
    if to == scenario.time.len && to > 0 {
        for (b, r) in scenario.batteries.iter().zip(&results.batteries) {
            let last = r.soc_mwh[to - 1];
            if last < b.soc_final_mwh - TOLERANCE {
                return fail(
                    to - 1,
                    format!(
                        "battery '{}' ends with {last:.6} MWh, below its soc_final of {:.6} MWh",
                        b.name, b.soc_final_mwh
                    ),
                );
            }
        }
    }
    Ok(())
}
