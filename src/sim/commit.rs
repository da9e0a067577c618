//! Committing planned steps to the realised world: each asset realises its series within
//! its physics, supply the export limit cannot carry is shed (last asset first), the grid
//! takes the rest of the bus balance, every invariant is checked, and the state advances.

use super::invariants::{self, InvariantError};
use crate::assets::{Asset, Role};
use crate::dispatch::{Plan, State};
use crate::results::Results;
use crate::scenario::Scenario;

/// Buffers for committing steps, sized once per run.
pub struct Committer {
    /// Per asset: planned and realised values of its series at the step being committed.
    planned: Vec<Vec<f64>>,
    realised: Vec<Vec<f64>>,
    before: Vec<f64>,
}

impl Committer {
    pub fn new(devices: &[&dyn Asset]) -> Committer {
        let buffers = || {
            devices
                .iter()
                .map(|d| vec![0.0; d.series().len()])
                .collect()
        };
        Committer {
            planned: buffers(),
            realised: buffers(),
            before: vec![0.0; devices.len()],
        }
    }

    /// Commits the first `steps` steps of `plan`, appending one record per step.
    pub fn commit(
        &mut self,
        scenario: &Scenario,
        devices: &[&dyn Asset],
        plan: &Plan,
        steps: usize,
        state: &mut State,
        results: &mut Results,
    ) -> Result<(), InvariantError> {
        let grid = &scenario.grid;
        let time = &scenario.time;
        for k in 0..steps {
            let t = state.step;
            let fail = |what: String| InvariantError::new(scenario, t, what);
            // MW the assets put into the bus (negative: they draw), and what loads draw.
            let (mut supply, mut consumption) = (0.0, 0.0);
            for (i, device) in devices.iter().enumerate() {
                for (p, series) in self.planned[i].iter_mut().zip(&plan.assets[i]) {
                    *p = series[k];
                }
                self.before[i] = state.assets[i];
                device
                    .realise(
                        t,
                        &self.planned[i],
                        &mut state.assets[i],
                        time,
                        &mut self.realised[i],
                    )
                    .map_err(fail)?;
                for (s, v) in self.realised[i].iter().enumerate() {
                    let injection = device.bus_coefficient(s, t) * v;
                    supply += injection;
                    if matches!(device.series()[s].role, Role::Load | Role::Curtailed) {
                        consumption -= injection;
                    }
                }
            }
            // Supply the export limit cannot carry is shed, last asset first.
            let mut over = supply - grid.export_limit_mw;
            for (device, values) in devices.iter().zip(&mut self.realised).rev() {
                if over <= 0.0 {
                    break;
                }
                let cut = device.shed(t, values, over);
                over -= cut;
                supply -= cut;
            }
            let (mut import, export) = ((-supply).max(0.0), supply.max(0.0));
            // Where lost load is priced, what the import limit cannot carry goes unserved.
            let mut unserved = 0.0;
            if scenario.dispatch.unserved_cny_per_mwh.is_some() && import > grid.import_limit_mw {
                unserved = import - grid.import_limit_mw;
                import = grid.import_limit_mw;
            }
            let committed = invariants::Step {
                t,
                import,
                export,
                unserved,
                values: &self.realised,
                before: &self.before,
                after: &state.assets,
            };
            invariants::check(scenario, devices, &committed)?;
            for (i, values) in self.realised.iter().enumerate() {
                for (s, v) in values.iter().enumerate() {
                    results.assets[i].values[s].push(*v);
                }
            }
            results.import_mw.push(import);
            results.export_mw.push(export);
            results.consumption_mw.push(consumption);
            results.unserved_mw.push(unserved);
            state.step += 1;
        }
        Ok(())
    }
}
