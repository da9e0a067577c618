//! Virtual power plant: several sites, each with its own assets and grid connection,
//! dispatched together by an aggregator that answers the grid operator's demand-response
//! events and may move AI-training compute between data centres.
//!
//! A VPP run is the single-site pipeline over every site plus the aggregator:
//! VPP file → [`VppScenario`] (each site a resolved [`Scenario`]) → baseline (when there
//! are events) → coordination ([`central`] joint LP or [`admm`] agents) → one plan per site
//! → each site simulated on its plan by the ordinary simulator (commit, invariants, KPIs),
//! with the compute it exchanges as a load named `vpp_compute` → aggregate series, event
//! performance and per-site results folders ([`output`]).

pub mod admm;
pub mod central;
pub mod do_nothing;
pub mod file;
pub mod fleet;
pub mod model;
pub mod output;
pub mod scenario;

use std::time::Instant;

use serde::Serialize;

pub use scenario::{Baseline, Coordination, Event, LoadedVpp, Request, VppScenario};

use crate::assets::FixedLoad;
use crate::dispatch::{
    BALANCE_TOLERANCE_MW, Context, DispatchError, Dispatcher, Plan, PlanOutcome, check_balance,
};
use crate::results::StageTimes;
use crate::results::{Kpis, Results};
use crate::scenario::Scenario;
use crate::sim::{Run, SimError, simulate};
use model::Coupling;

/// One site's share of a coordinated dispatch.
#[derive(Debug)]
pub struct SiteOutcome {
    pub plan: Plan,
    /// Bus power of the compute the site runs for others less the compute it sends away,
    /// per step (MW; zero without compute shifting).
    pub exchange_mw: Vec<f64>,
}

/// What a coordination mode produced.
#[derive(Debug)]
pub struct Outcome {
    pub sites: Vec<SiteOutcome>,
    /// Σ of the sites' objectives plus event penalties (objective units).
    pub objective: f64,
    pub times: StageTimes,
    pub admm: Option<admm::Trace>,
}

#[derive(Debug, thiserror::Error)]
pub enum VppError {
    #[error(transparent)]
    Dispatch(#[from] DispatchError),
    #[error("ADMM failed: {0}")]
    Admm(String),
    #[error("site '{site}': {source}")]
    Site { site: String, source: SimError },
}

/// The name of a site's load that carries the compute it exchanges with other sites.
pub const EXCHANGE_LOAD: &str = "vpp_compute";

/// One site after the run.
pub struct SiteRun {
    /// The site as simulated: with its [`EXCHANGE_LOAD`] where it exchanged compute.
    pub scenario: Scenario,
    pub run: Run,
    pub kpis: Kpis,
}

/// Performance of the VPP in one step of an event.
#[derive(Debug, Clone, Serialize)]
pub struct EventStep {
    pub event: String,
    pub step: usize,
    pub baseline_mw: f64,
    /// Highest aggregate import the event allows.
    pub cap_mw: f64,
    /// Reduction asked against the baseline, `max(0, baseline − cap)`.
    pub requested_mw: f64,
    pub import_mw: f64,
    /// Reduction achieved against the baseline, `max(0, baseline − import)`.
    pub delivered_mw: f64,
    /// Import above the cap, `max(0, import − cap)`.
    pub shortfall_mw: f64,
    /// Compensation for `min(delivered, requested)` over the step (CNY).
    pub payment_cny: f64,
    /// Penalty for the shortfall over the step (CNY).
    pub penalty_cny: f64,
}

/// One event summed over its steps.
#[derive(Debug, Clone, Serialize)]
pub struct EventTotal {
    pub name: String,
    pub from: String,
    pub to: String,
    pub requested_mwh: f64,
    /// Reduction delivered, up to the request.
    pub delivered_mwh: f64,
    pub shortfall_mwh: f64,
    pub peak_import_mw: f64,
    pub payment_cny: f64,
    pub penalty_cny: f64,
}

/// A finished VPP run.
pub struct VppRun {
    pub sites: Vec<SiteRun>,
    /// Aggregate import of the baseline per step (MW), when there are events.
    pub baseline_mw: Option<Vec<f64>>,
    pub events: Vec<EventStep>,
    /// The coordination's objective (ADMM: after its final feasible re-solve).
    pub objective: f64,
    /// The joint LP's objective, also solved when coordinating by ADMM, for the gap.
    pub central_objective: Option<f64>,
    pub admm: Option<admm::Trace>,
    /// The do-nothing case, when the events' baseline was it (`baseline = "idle"`).
    pub do_nothing: Option<do_nothing::DoNothing>,
    pub times: StageTimes,
}

impl VppRun {
    /// Relative gap of the objective to the joint LP's, when both were solved (ADMM).
    pub fn gap_to_central(&self) -> Option<f64> {
        self.central_objective
            .map(|c| (self.objective - c) / c.abs().max(1e-9))
    }

    /// Each event of `vpp` summed over its steps.
    pub fn event_totals(&self, vpp: &VppScenario) -> Vec<EventTotal> {
        let dt = vpp.time.dt_hours();
        vpp.events
            .iter()
            .map(|event| {
                let steps: Vec<&EventStep> = self
                    .events
                    .iter()
                    .filter(|e| e.event == event.name)
                    .collect();
                let sum = |f: fn(&EventStep) -> f64| steps.iter().map(|e| f(e)).sum::<f64>();
                EventTotal {
                    name: event.name.clone(),
                    from: vpp.time.timestamp(event.start),
                    to: vpp.time.timestamp(event.end),
                    requested_mwh: sum(|e| e.requested_mw) * dt,
                    delivered_mwh: sum(|e| e.delivered_mw.min(e.requested_mw)) * dt,
                    shortfall_mwh: sum(|e| e.shortfall_mw) * dt,
                    peak_import_mw: steps.iter().map(|e| e.import_mw).fold(0.0, f64::max),
                    payment_cny: sum(|e| e.payment_cny),
                    penalty_cny: sum(|e| e.penalty_cny),
                }
            })
            .collect()
    }

    /// Aggregate of a per-site results series, per step.
    pub fn total(&self, series: impl Fn(&Results) -> &[f64]) -> Vec<f64> {
        let mut total = vec![0.0; self.sites.first().map_or(0, |s| s.run.results.len())];
        for site in &self.sites {
            for (out, v) in total.iter_mut().zip(series(&site.run.results)) {
                *out += v;
            }
        }
        total
    }
}

/// Runs the VPP: baseline, coordination, then every site simulated on its plan.
pub fn run(vpp: &VppScenario) -> Result<VppRun, VppError> {
    let mut times = StageTimes::default();
    let (baseline_mw, do_nothing) = if vpp.events.is_empty() {
        (None, None)
    } else {
        let (baseline_mw, do_nothing) = baseline(vpp, &mut times)?;
        (Some(baseline_mw), do_nothing)
    };
    let coupling = Coupling::of(vpp, true);
    let caps: Vec<f64> = coupling
        .event_steps
        .iter()
        .map(|&t| {
            let event = vpp.event_at(t).expect("event step");
            event.cap_mw(baseline_mw.as_ref().map_or(0.0, |b| b[t]))
        })
        .collect();
    // ADMM's gap is measured against the joint LP, solved first: after ADMM, the memory its
    // agents freed is still held by their threads' malloc arenas, and the joint LP's added
    // to it in the peak.
    let central_objective = match vpp.coordination {
        Coordination::Central => None,
        Coordination::Admm => Some(central::solve(vpp, &coupling, &caps)?.objective),
    };
    let outcome = match vpp.coordination {
        Coordination::Central => central::solve(vpp, &coupling, &caps)?,
        Coordination::Admm => admm::solve(vpp, &coupling, &caps)?,
    };
    add(&mut times, &outcome.times);
    let name = match vpp.coordination {
        Coordination::Central => "vpp-central",
        Coordination::Admm => "vpp-admm",
    };
    let committing = Instant::now();
    let sites = vpp
        .sites
        .iter()
        .zip(outcome.sites)
        .map(|(site, outcome)| simulate_site(site, outcome, name))
        .collect::<Result<Vec<_>, _>>()?;
    times.commit += committing.elapsed();
    let mut vpp_run = VppRun {
        sites,
        baseline_mw,
        events: Vec::new(),
        objective: outcome.objective,
        central_objective,
        admm: outcome.admm,
        do_nothing,
        times,
    };
    vpp_run.events = event_steps(vpp, &vpp_run, &coupling, &caps);
    Ok(vpp_run)
}

fn add(times: &mut StageTimes, more: &StageTimes) {
    times.build += more.build;
    times.solve += more.solve;
    times.extract += more.extract;
    times.commit += more.commit;
}

/// Aggregate import per step of the baseline the events are measured against, and the
/// do-nothing case when it is that baseline.
fn baseline(
    vpp: &VppScenario,
    times: &mut StageTimes,
) -> Result<(Vec<f64>, Option<do_nothing::DoNothing>), VppError> {
    match vpp.baseline {
        Baseline::Dispatch => {
            let outcome = central::solve(vpp, &Coupling::of(vpp, false), &[])?;
            add(times, &outcome.times);
            let mut total = vec![0.0; vpp.time.len];
            for site in &outcome.sites {
                for (out, v) in total.iter_mut().zip(&site.plan.import_mw) {
                    *out += v;
                }
            }
            Ok((total, None))
        }
        Baseline::Idle => {
            let idle = do_nothing::simulate_sites(vpp)
                .map_err(|(site, source)| VppError::Site { site, source })?;
            Ok((idle.import_mw.clone(), Some(idle)))
        }
    }
}

/// Replays a plan made elsewhere (by the VPP's coordination), checking its bus balance.
struct FixedPlan {
    plan: Option<Plan>,
    name: &'static str,
}

impl Dispatcher for FixedPlan {
    fn name(&self) -> &'static str {
        self.name
    }

    fn window(&self, scenario: &Scenario) -> (usize, usize) {
        (scenario.time.len, scenario.time.len)
    }

    fn plan(&mut self, ctx: &Context, plan: &mut Plan) -> Result<PlanOutcome, DispatchError> {
        if let Some(fixed) = self.plan.take() {
            *plan = fixed;
        }
        check_balance(ctx, plan)?;
        Ok(PlanOutcome::default())
    }
}

/// Simulates one site on its plan, with the compute it exchanged as a load.
fn simulate_site(
    site: &Scenario,
    outcome: SiteOutcome,
    name: &'static str,
) -> Result<SiteRun, VppError> {
    let mut scenario = site.clone();
    let mut plan = outcome.plan;
    if outcome.exchange_mw.iter().any(|&p| p != 0.0) {
        // The exchange is the site's last fixed load, its plan the exchange itself.
        plan.assets
            .insert(site.offsets().flexible, vec![outcome.exchange_mw.clone()]);
        scenario.loads.push(FixedLoad {
            name: EXCHANGE_LOAD.into(),
            power_mw: outcome.exchange_mw,
        });
    }
    let mut fixed = FixedPlan {
        plan: Some(plan),
        name,
    };
    let run = simulate(&scenario, &mut fixed).map_err(|source| VppError::Site {
        site: site.name.clone(),
        source,
    })?;
    let kpis = Kpis::compute(&run.results);
    Ok(SiteRun {
        scenario,
        run,
        kpis,
    })
}

/// Requested, delivered, paid and penalised, per event step.
fn event_steps(
    vpp: &VppScenario,
    run: &VppRun,
    coupling: &Coupling,
    caps: &[f64],
) -> Vec<EventStep> {
    let Some(baseline) = &run.baseline_mw else {
        return Vec::new();
    };
    let import = run.total(|r| &r.import_mw);
    let dt = vpp.time.dt_hours();
    coupling
        .event_steps
        .iter()
        .zip(caps)
        .map(|(&t, &cap)| {
            let event = vpp.event_at(t).expect("event step");
            // Differences within the balance tolerance are solver round-off, not power.
            let positive = |x: f64| if x > BALANCE_TOLERANCE_MW { x } else { 0.0 };
            let requested = positive(baseline[t] - cap);
            let delivered = positive(baseline[t] - import[t]);
            let shortfall = positive(import[t] - cap);
            EventStep {
                event: event.name.clone(),
                step: t,
                baseline_mw: baseline[t],
                cap_mw: cap,
                requested_mw: requested,
                import_mw: import[t],
                delivered_mw: delivered,
                shortfall_mw: shortfall,
                payment_cny: event.compensation_cny_per_mwh * delivered.min(requested) * dt,
                penalty_cny: event.penalty_cny_per_mwh * shortfall * dt,
            }
        })
        .collect()
}
