//! Central coordination: one joint LP over every site with the coupling rows.
//!
//! min Σ_i f_i(x_i) + Σ_k π_k·dt·shortfall[k]
//! s.t. each site's own rows (see the asset files and [`super::model`]);
//!      Σ_i event_import_i[k] − shortfall[k] ≤ cap[k]   for each event step k;
//!      Σ_i compute_net_i[t] = 0                          for each step t, with shifting.
//! The shortfall weight π_k is [`shortfall_weight`].

use std::time::Instant;

use super::model::{Coupling, SiteModel, exchange_load};
use super::scenario::{Event, VppScenario};
use super::{Outcome, SiteOutcome, VppError};
use crate::dispatch::{DispatchError, LpDispatcher, Plan};
use crate::model::{Linear, LpBuilder, SolveError, Term};
use crate::results::StageTimes;
use crate::sim::{SimError, simulate};

/// Objective weight of a MWh of aggregate import above an event's cap: the event's penalty
/// (`w_cost · penalty`) on top of what that MWh would weigh if imported at the dirtiest
/// intensity of any site, so honouring the event never looks dearer than ignoring it
/// unless the penalty is what makes it so.
pub fn shortfall_weight(vpp: &VppScenario, event: &Event) -> f64 {
    let w = &vpp.dispatch.objective.weights;
    w.import + w.carbon * dirtiest(vpp) + w.cost * event.penalty_cny_per_mwh
}

/// Highest carbon intensity of any site's import at any step (kg/MWh).
fn dirtiest(vpp: &VppScenario) -> f64 {
    vpp.sites
        .iter()
        .filter_map(|s| s.grid.carbon_kg_per_mwh.as_ref())
        .flat_map(|c| c.iter().copied())
        .fold(0.0, f64::max)
}

/// Why the joint LP is infeasible, site by site. Event caps are soft and moving compute is
/// optional, so the joint LP is infeasible exactly when some site alone is: each site is
/// dispatched alone, and the explanations of those that fail are returned.
pub(super) fn site_reasons(vpp: &VppScenario) -> Vec<String> {
    let mut reasons = Vec::new();
    for site in &vpp.sites {
        let mut alone = LpDispatcher::new(site.dispatch.solver.clone());
        if let Err(SimError::Dispatch(DispatchError::Infeasible { reasons: why, .. })) =
            simulate(site, &mut alone)
        {
            reasons.extend(why.iter().map(|r| format!("site '{}': {r}", site.name)));
        }
    }
    if reasons.is_empty() {
        reasons.push("the joint LP is infeasible though every site alone is feasible; this is a bug, please report it with the VPP file".into());
    }
    reasons
}

/// Solves the joint LP with the event caps `caps[k]` (MW) at the coupling's event steps.
pub fn solve(vpp: &VppScenario, coupling: &Coupling, caps: &[f64]) -> Result<Outcome, VppError> {
    let mut times = StageTimes::default();
    let building = Instant::now();
    let mut lp = LpBuilder::default();
    lp.set_objective(vpp.dispatch.objective);
    let sites: Vec<SiteModel> = vpp
        .sites
        .iter()
        .map(|s| SiteModel::add(&mut lp, coupling, s))
        .collect();
    let dt = vpp.time.dt_hours();
    if !coupling.event_steps.is_empty() {
        let steps = &coupling.event_steps;
        let shortfall = lp.variables("vpp.event_shortfall".into(), 0, steps.len(), |_| {
            (0.0, f64::INFINITY)
        });
        for (k, &t) in steps.iter().enumerate() {
            let event = vpp.event_at(t).expect("event steps come from events");
            lp.cost(Term::Import, dt, &shortfall, k);
            lp.cost(Term::Carbon, dirtiest(vpp) * dt, &shortfall, k);
            lp.cost(Term::Cost, event.penalty_cny_per_mwh * dt, &shortfall, k);
        }
        let rows = (0..steps.len()).map(|k| {
            let mut total = Linear::with_capacity(sites.len() + 1);
            for site in &sites {
                let import = site.event_import.as_ref().expect("added with events");
                total.add(1.0, import.col(k));
            }
            total.plus(-1.0, shortfall.col(k)).leq(caps[k])
        });
        lp.rows("vpp.event_cap".into(), 0, rows);
    }
    if sites.iter().any(|s| s.compute_net.is_some()) {
        let rows = (0..vpp.time.len).map(|t| {
            let mut total = Linear::with_capacity(sites.len());
            for net in sites.iter().filter_map(|s| s.compute_net.as_ref()) {
                total.add(1.0, net.col(t));
            }
            total.eq(0.0)
        });
        lp.rows("vpp.compute_balance".into(), 0, rows);
    }
    times.build += building.elapsed();
    let solution = lp.solve(&vpp.dispatch.solver).map_err(|source| {
        let (from, to) = (vpp.time.timestamp(0), vpp.time.timestamp(vpp.time.len));
        match source {
            SolveError::Infeasible => VppError::Dispatch(DispatchError::Infeasible {
                from,
                to,
                reasons: site_reasons(vpp),
            }),
            source => VppError::Dispatch(DispatchError::Solve { source, from, to }),
        }
    })?;
    times.build += solution.load_time;
    times.solve += solution.solve_time;
    let extracting = Instant::now();
    let outcomes = vpp
        .sites
        .iter()
        .zip(&sites)
        .map(|(site, model)| {
            let mut plan = Plan::default();
            model.vars.extract(&site.devices(), &solution, &mut plan);
            SiteOutcome {
                plan,
                exchange_mw: exchange_load(site, &model.compute, &solution.columns),
            }
        })
        .collect();
    times.extract += extracting.elapsed();
    Ok(Outcome {
        sites: outcomes,
        objective: solution.objective,
        times,
        admm: None,
    })
}
