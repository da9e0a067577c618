//! One site's part of a VPP model: the site's own asset columns (as in single-site dispatch)
//! plus the columns by which it takes part in the VPP's coupling constraints.
//!
//! Coupled values of site i, per step (MW):
//! - `vpp.event_import[k] = grid.import[t_k]` at each event step t_k: the aggregator
//!   asks `Σ_i event_import_i[k] − shortfall[k] ≤ cap[k]`;
//! - with compute shifting, for each data centre d of the site, `compute_received_d[t] ∈
//!   [0, headroom_d[t]]` (IT power run here for jobs of other sites) and `compute_sent_d[t] ≤
//!   Σ_jobs power[t]` (IT power of this site's jobs run elsewhere); the bus sees
//!   `−PUE_d[t]·(received − sent)`; `vpp.compute_net[t] = Σ_d (received_d − sent_d)` and the
//!   aggregator asks `Σ_i compute_net_i[t] = 0` (compute moved is compute received).
//!   Headroom is the IT capacity less general IT and the maximum power of the site's own
//!   jobs active at t, so received compute never competes with them. Received compute
//!   costs `w_cost · migration · dt` per MW.

use super::scenario::VppScenario;
use crate::assets::Segment;
use crate::dispatch::{Context, Inputs, Softening, State, WindowVars, unserved_penalty};
use crate::model::{Linear, LpBuilder, Term, VarBlock};
use crate::scenario::Scenario;

/// Where the VPP couples sites: the event steps, in time order, and whether compute moves
/// (with its migration cost, CNY/MWh).
#[derive(Debug, Clone)]
pub struct Coupling {
    pub event_steps: Vec<usize>,
    pub migration_cny_per_mwh: Option<f64>,
}

impl Coupling {
    /// The VPP's coupling, with its events or without (for the baseline dispatch).
    pub fn of(vpp: &VppScenario, with_events: bool) -> Coupling {
        let events = if with_events { &vpp.events[..] } else { &[] };
        Coupling {
            event_steps: events.iter().flat_map(|e| e.start..e.end).collect(),
            migration_cny_per_mwh: vpp.migration_cny_per_mwh,
        }
    }

    /// Number of coupled values: one per event step, then (with compute shifting) one per
    /// step of the horizon.
    pub fn components(&self, steps: usize) -> usize {
        self.event_steps.len()
            + if self.migration_cny_per_mwh.is_some() {
                steps
            } else {
                0
            }
    }
}

/// Compute exchange columns of one data centre.
pub struct ComputeVars {
    /// Index of the data centre in its site.
    pub datacenter: usize,
    pub received: VarBlock,
    pub sent: VarBlock,
}

/// A site's columns in a VPP model.
pub struct SiteModel {
    pub vars: WindowVars,
    /// Import at the event steps (one column per event step), if there are events.
    pub event_import: Option<VarBlock>,
    /// Net compute received over the horizon, if the site has a data centre and compute
    /// may move.
    pub compute_net: Option<VarBlock>,
    pub compute: Vec<ComputeVars>,
}

impl SiteModel {
    /// Adds site `site` over the whole horizon, from its initial state, to `lp`; block
    /// names are prefixed with `<site>/`.
    pub fn add(lp: &mut LpBuilder, coupling: &Coupling, site: &Scenario) -> SiteModel {
        lp.set_prefix(&format!("{}/", site.name));
        let state = State::initial(site);
        let devices = site.devices();
        let ctx = Context {
            scenario: site,
            devices: &devices,
            state: &state,
            start: 0,
            len: site.time.len,
        };
        let softening = Softening {
            unserved: unserved_penalty(site),
            shortfall: None,
        };
        let (mut vars, mut bus) =
            WindowVars::add_assets(lp, &ctx, softening, &Inputs::truth(&ctx), true);
        let n = site.time.len;
        let dt = site.time.dt_hours();
        let mut compute = Vec::new();
        if let Some(migration) = coupling.migration_cny_per_mwh {
            let cost = migration * dt;
            for (d, dc) in site.datacenters.iter().enumerate() {
                let group = format!("{}.ai_jobs", dc.name);
                let first = site.offsets().flexible;
                let jobs: Vec<_> = site
                    .flexible_loads
                    .iter()
                    .zip(&vars.assets[first..])
                    .filter(|(f, _)| f.group.as_deref() == Some(group.as_str()))
                    .collect();
                let jobs_max: Vec<f64> = (0..n)
                    .map(|t| jobs.iter().map(|(f, _)| f.max_at(t)).sum())
                    .collect();
                let received = lp.variables(format!("{}.compute_received", dc.name), 0, n, |t| {
                    (
                        0.0,
                        (dc.it_capacity_mw - dc.it_mw[t] - jobs_max[t]).max(0.0),
                    )
                });
                let sent = lp.variables(format!("{}.compute_sent", dc.name), 0, n, |t| {
                    (0.0, jobs_max[t])
                });
                let mut running: Vec<Linear> = (0..n).map(|_| Linear::default()).collect();
                for segment in jobs.iter().flat_map(|(_, job)| &job.series[0]) {
                    match segment {
                        Segment::Columns { offset, block } => {
                            for k in 0..block.len() {
                                running[offset + k].add(1.0, block.col(k));
                            }
                        }
                        Segment::Fixed { offset, values } => {
                            for (k, p) in values.iter().enumerate() {
                                running[offset + k].add_constant(*p);
                            }
                        }
                    }
                }
                // One row per step from the first to the last step any job may run, so row
                // `compute_sent_limit[t]` is step t (in gaps it repeats the bound sent ≤ 0).
                let first = jobs_max.iter().position(|&m| m > 0.0).unwrap_or(0);
                let end = jobs_max.iter().rposition(|&m| m > 0.0).map_or(0, |t| t + 1);
                let rows =
                    running
                        .into_iter()
                        .enumerate()
                        .take(end)
                        .skip(first)
                        .map(|(t, jobs_power)| {
                            Linear::default()
                                .plus(1.0, sent.col(t))
                                .minus(&jobs_power)
                                .leq(0.0)
                        });
                lp.rows(format!("{}.compute_sent_limit", dc.name), first, rows);
                for t in 0..n {
                    lp.cost(Term::Cost, cost, &received, t);
                    bus.inject(t, -dc.pue[t], received.col(t));
                    bus.inject(t, dc.pue[t], sent.col(t));
                }
                compute.push(ComputeVars {
                    datacenter: d,
                    received,
                    sent,
                });
            }
        }
        vars.close(bus, lp, softening);
        let compute_net = (!compute.is_empty()).then(|| {
            let net = lp.variables("vpp.compute_net".into(), 0, n, |_| {
                (f64::NEG_INFINITY, f64::INFINITY)
            });
            let rows = (0..n).map(|t| {
                let mut moved = Linear::with_capacity(2 * compute.len() + 1);
                for c in &compute {
                    moved.add(-1.0, c.received.col(t));
                    moved.add(1.0, c.sent.col(t));
                }
                moved.plus(1.0, net.col(t)).eq(0.0)
            });
            lp.rows("vpp.compute_net".into(), 0, rows);
            net
        });
        let event_import = (!coupling.event_steps.is_empty()).then(|| {
            let steps = &coupling.event_steps;
            let copy = lp.variables("vpp.event_import".into(), 0, steps.len(), |_| {
                (0.0, site.grid.import_limit_mw)
            });
            let rows = steps.iter().enumerate().map(|(k, &t)| {
                Linear::default()
                    .plus(1.0, copy.col(k))
                    .plus(-1.0, vars.grid.import.col(t))
                    .eq(0.0)
            });
            lp.rows("vpp.event_import".into(), 0, rows);
            copy
        });
        lp.set_prefix("");
        SiteModel {
            vars,
            event_import,
            compute_net,
            compute,
        }
    }
}

/// The power site `site` moves through the VPP per step, as seen on its bus (MW; positive
/// when it runs more compute than its own): `Σ_d PUE_d · (received_d − sent_d)`.
pub fn exchange_load(site: &Scenario, compute: &[ComputeVars], columns: &[f64]) -> Vec<f64> {
    let mut load = vec![0.0; site.time.len];
    for c in compute {
        let dc = &site.datacenters[c.datacenter];
        let received = c.received.values_in(columns);
        let sent = c.sent.values_in(columns);
        for (t, out) in load.iter_mut().enumerate() {
            *out += dc.pue[t] * (received[t] - sent[t]);
        }
    }
    load
}
