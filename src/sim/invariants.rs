//! Invariants checked on every committed step: each asset's own checks (limits, state
//! recursion; see [`Asset::check`]), the grid's limits, unserved load only where priced, and
//! the bus balance recomputed from the committed values; at the end of the horizon each
//! asset's end requirement; and, for plans made on the truth, the commit equal to the plan.

use crate::assets::{Asset, At};
use crate::dispatch::{Plan, State};
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

/// One committed step: every asset's values per series, its state before and after, and
/// the grid's.
pub struct Step<'a> {
    pub t: usize,
    pub import: f64,
    pub export: f64,
    pub unserved: f64,
    pub values: &'a [Vec<f64>],
    pub before: &'a [f64],
    pub after: &'a [f64],
}

/// Checks one committed step.
pub fn check(
    scenario: &Scenario,
    devices: &[&dyn Asset],
    step: &Step,
) -> Result<(), InvariantError> {
    let t = step.t;
    let fail = |what: String| Err(InvariantError::new(scenario, t, what));
    let mut balance = step.import - step.export + step.unserved;
    for (i, device) in devices.iter().enumerate() {
        let values = &step.values[i];
        let at = At {
            t,
            time: &scenario.time,
        };
        if let Err(what) = device.check(at, values, step.before[i], step.after[i]) {
            return fail(what);
        }
        balance += values
            .iter()
            .enumerate()
            .map(|(s, v)| device.bus_coefficient(s, t) * v)
            .sum::<f64>();
    }
    let grid = &scenario.grid;
    if step.import > grid.import_limit_mw + TOLERANCE {
        return fail(format!(
            "grid import {:.6} MW exceeds the import limit of {} MW",
            step.import, grid.import_limit_mw
        ));
    }
    if step.export > grid.export_limit_mw + TOLERANCE {
        return fail(format!(
            "grid export {:.6} MW exceeds the export limit of {} MW and no supply is left to shed",
            step.export, grid.export_limit_mw
        ));
    }
    let unserved = step.unserved;
    if unserved < 0.0 || (unserved > 0.0 && scenario.dispatch.unserved_cny_per_mwh.is_none()) {
        return fail(format!(
            "{unserved:.6} MW of load left unserved where the scenario does not allow it"
        ));
    }
    if balance.abs() > TOLERANCE {
        return fail(format!("bus balance is off by {balance:.3e} MW"));
    }
    Ok(())
}

/// Checks every asset's end-of-horizon requirement on the final state.
pub fn at_end(
    scenario: &Scenario,
    devices: &[&dyn Asset],
    state: &State,
) -> Result<(), InvariantError> {
    let last = scenario.time.len.saturating_sub(1);
    for (device, s) in devices.iter().zip(&state.assets) {
        device
            .check_end(*s)
            .map_err(|what| InvariantError::new(scenario, last, what))?;
    }
    Ok(())
}

/// Largest difference between a planned and a committed power (MW) where they must agree:
/// the solver's feasibility tolerance (1e-7) magnified by clamping a battery's energy
/// through `η·dt` at steps down to a minute.
pub const PLAN_TOLERANCE_MW: f64 = 1e-5;

/// Checks that steps `from..to` of `results` were committed as `plan` (which starts at
/// step `from`) set them: what is written is what was planned. A planned series set to ∞
/// means "as available" (the MPC where it does not curtail PV).
pub fn as_planned(
    scenario: &Scenario,
    devices: &[&dyn Asset],
    plan: &Plan,
    results: &Results,
    from: usize,
    to: usize,
) -> Result<(), InvariantError> {
    // Names are formatted only for the difference reported: this runs after every commit.
    let differs = |t: usize, what: &dyn Fn() -> String, planned: f64, committed: f64| {
        ((planned - committed).abs() > PLAN_TOLERANCE_MW).then(|| {
            InvariantError::new(
                scenario,
                t,
                format!(
                    "the committed dispatch differs from the plan: {} {committed:.6} committed, {planned:.6} planned",
                    what()
                ),
            )
        })
    };
    for t in from..to {
        let k = t - from;
        for (what, planned, committed) in [
            ("grid import", plan.import_mw[k], results.import_mw[t]),
            ("grid export", plan.export_mw[k], results.export_mw[t]),
            ("unserved load", plan.unserved_mw[k], results.unserved_mw[t]),
        ] {
            if let Some(e) = differs(t, &|| what.to_string(), planned, committed) {
                return Err(e);
            }
        }
        for ((device, planned), committed) in devices.iter().zip(&plan.assets).zip(&results.assets)
        {
            for (s, series) in device
                .series()
                .iter()
                .enumerate()
                .filter(|(_, s)| s.planned)
            {
                let committed = committed.values[s][t];
                let planned = if planned[s][k].is_infinite() {
                    committed
                } else {
                    planned[s][k]
                };
                let what = || format!("{}.{}", device.name(), series.name);
                if let Some(e) = differs(t, &what, planned, committed) {
                    return Err(e);
                }
            }
        }
    }
    Ok(())
}
