//! Committing planned steps to the realised world: each asset's physics clamps its
//! set-point, the grid takes the rest of the bus balance, and the state advances.

use super::SimState;
use super::invariants::{InvariantError, TOLERANCE};
use crate::dispatch::Plan;
use crate::results::Results;
use crate::scenario::Scenario;

/// Commits the first `steps` steps of `plan`, appending one record per step.
pub fn commit(
    scenario: &Scenario,
    plan: &Plan,
    steps: usize,
    state: &mut SimState,
    results: &mut Results,
) -> Result<(), InvariantError> {
    let dt = scenario.time.dt_hours();
    let grid = &scenario.grid;
    for k in 0..steps {
        let t = state.step;
        // Consumption of all loads, and net demand on the grid (MW, positive is import).
        let mut consumption = 0.0;
        for (load, out) in scenario.loads.iter().zip(&mut results.loads) {
            out.power_mw.push(load.power_mw[t]);
            consumption += load.power_mw[t];
        }
        for (i, (f, out)) in scenario
            .flexible_loads
            .iter()
            .zip(&mut results.flexible)
            .enumerate()
        {
            let power = f.realise(t, plan.flexible_mw[i][k], state.owed_mwh[i], dt);
            state.owed_mwh[i] -= power * dt;
            out.power_mw.push(power);
            consumption += power * f.bus_factor(t);
        }
        for (i, (c, out)) in scenario
            .curtailable_loads
            .iter()
            .zip(&mut results.curtailed)
            .enumerate()
        {
            let power = c.realise(t, plan.curtailed_mw[i][k]);
            out.power_mw.push(power);
            consumption -= power * c.overhead[t];
        }
        let mut net = consumption;
        for (i, (b, out)) in scenario
            .batteries
            .iter()
            .zip(&mut results.batteries)
            .enumerate()
        {
            let (charge, discharge, soc) = b.realise(
                state.soc_mwh[i],
                plan.charge_mw[i][k],
                plan.discharge_mw[i][k],
                dt,
            );
            state.soc_mwh[i] = soc;
            out.charge_mw.push(charge);
            out.discharge_mw.push(discharge);
            out.soc_mwh.push(soc);
            net += charge - discharge;
        }
        for (i, (p, out)) in scenario.pv.iter().zip(&mut results.pv).enumerate() {
            let power = p.realise(t, plan.pv_mw[i][k]);
            out.power_mw.push(power);
            net -= power;
        }
        // Export beyond the limit is curtailed, last PV plant first.
        let mut over = -net - grid.export_limit_mw;
        for out in results.pv.iter_mut().rev() {
            if over <= 0.0 {
                break;
            }
            let power = out.power_mw.last_mut().expect("pushed above");
            let cut = over.min(*power);
            *power -= cut;
            over -= cut;
            net += cut;
        }
        let (mut import, export) = (net.max(0.0), (-net).max(0.0));
        // Where lost load is priced, what the import limit cannot carry goes unserved.
        let mut unserved = 0.0;
        if scenario.dispatch.unserved_cny_per_mwh.is_some() && import > grid.import_limit_mw {
            unserved = import - grid.import_limit_mw;
            import = grid.import_limit_mw;
        }
        if import > grid.import_limit_mw + TOLERANCE {
            return Err(InvariantError::new(
                scenario,
                t,
                format!(
                    "grid import {import:.6} MW exceeds the import limit of {} MW",
                    grid.import_limit_mw
                ),
            ));
        }
        if export > grid.export_limit_mw + TOLERANCE {
            return Err(InvariantError::new(
                scenario,
                t,
                format!(
                    "grid export {export:.6} MW exceeds the export limit of {} MW and no PV is left to curtail",
                    grid.export_limit_mw
                ),
            ));
        }
        results.import_mw.push(import);
        results.export_mw.push(export);
        results.consumption_mw.push(consumption);
        results.unserved_mw.push(unserved);
        state.step += 1;
        close_windows(scenario, state)?;
    }
    Ok(())
}

/// At the end of a flexible load's window, checks its energy was delivered and opens the next.
fn close_windows(scenario: &Scenario, state: &mut SimState) -> Result<(), InvariantError> {
    let t = state.step;
    for (i, f) in scenario.flexible_loads.iter().enumerate() {
        let w = f.window_of(t - 1);
        let Some(&window) = f.windows.get(w).filter(|window| window.end == t) else {
            continue;
        };
        if state.owed_mwh[i] > TOLERANCE {
            return Err(InvariantError::new(
                scenario,
                t - 1,
                format!(
                    "flexible_load '{}' delivered {:.6} of {:.6} MWh in its window {} to {}",
                    f.name,
                    window.energy_mwh - state.owed_mwh[i],
                    window.energy_mwh,
                    scenario.time.timestamp(window.start),
                    scenario.time.timestamp(window.end),
                ),
            ));
        }
        state.owed_mwh[i] = f.windows.get(w + 1).map_or(0.0, |next| next.energy_mwh);
    }
    Ok(())
}
