//! Distributed coordination by ADMM in sharing form (Boyd et al., "Distributed Optimization
//! and Statistical Learning via the Alternating Direction Method of Multipliers", 2011,
//! §7.3), each site an agent.
//!
//! Coupled value c of site i is `x_ic` (MW): its import at an event step, or its net compute
//! received at a step (see [`super::model`]). With `N_c` sites sharing value c, the
//! aggregator's term is `g_c(Σ_i x_ic)`: `π_c·dt·max(0, Σ − cap_c)` for an event step,
//! the indicator of `Σ = 0` for compute. With scaled duals `u_c`, iteration k:
//! - every agent, in parallel: `x_i ← argmin f_i(x_i) + ρ/2 Σ_c (x_ic − z_ic + u_c)²`
//!   towards its target `z_ic`, a convex QP: the site's LP with a diagonal Hessian ρ on its
//!   coupled columns and linear costs `−ρ(z_ic − u_c)`, solved by OSQP (see [`WarmQp`]):
//!   between iterations only those costs change (and ρ when it is rebalanced), so OSQP
//!   keeps its factorisation and starts from its previous iterate; the first iteration is
//!   the site's own LP optimum (HiGHS), from whose primal and dual values the first QP
//!   solve starts. The x-updates are inexact, to a tolerance that tightens as the residuals
//!   shrink ([`qp_tolerance`]);
//! - the aggregator, with over-relaxation α ([`RELAXATION`]; Boyd et al. §3.4.3):
//!   `x̄_c = Σ_i x_ic / N_c`, relaxed `x̂_ic = α x_ic + (1 − α) z_ic` and their mean
//!   `x̂̄_c = α x̄_c + (1 − α) z̄_c`; `z̄_c = argmin g_c(N_c z) + N_c ρ/2 (z − u_c − x̂̄_c)²`,
//!   i.e. `0` for compute, and for events with `v = N_c(u_c + x̂̄_c)`: `v` if `v ≤ cap`,
//!   else `max(cap, v − N_c π_c dt/ρ)`, over `N_c`; `u_c ← u_c + x̂̄_c − z̄_c`; the agents'
//!   targets `z_ic ← x̂_ic − x̂̄_c + z̄_c` (mean `z̄_c`). With α = 1 this is plain sharing
//!   ADMM, `z_ic = x_ic − x̄_c + z̄_c`.
//!
//! Residuals (MW, root mean square over coupled values): primal `N_c(x̄_c − z̄_c)`, the
//! aggregate violation; dual, the change of each agent's target `z_ic`. ρ is
//! balanced (doubled or halved when one residual exceeds ten times the other, u rescaled).
//! The agents start from their own optimum (no coupling terms).
//!
//! After the last iteration the agents make one more x-update, solved exactly by Clarabel
//! (interior point; OSQP's points meet the constraints only to its tolerance), then re-solve
//! their plain LP with the coupled values fixed to a feasible point: each event import
//! bounded by the agent's last value, and net compute scaled so that, per step, compute
//! sent equals compute received (the larger side shrinks).
//!
//! Agents are tokio tasks that receive requests and send replies over channels. Each agent
//! lives on one worker thread of a pool of one thread per core the process may use (or
//! `--threads`), built there and never moved: its OSQP model stays there, and its two HiGHS
//! models (own optimum, feasible plan; a HiGHS instance is not `Send` and its thread pool
//! belongs to the thread) are made there for their one solve. A task hands its requests to
//! its worker and awaits the reply, so at most one solve per pool thread runs at a time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::{mpsc, oneshot};

use super::central::{shortfall_weight, site_reasons};
use super::model::{Coupling, SiteModel, exchange_load};
use super::scenario::VppScenario;
use super::{Outcome, SiteOutcome, VppError};
use crate::dispatch::{DispatchError, Plan};
use crate::model::observe::{self, Work};
use crate::model::{DiagonalQp, Lp, LpBuilder, SolveError, Solver, SolverOptions, WarmQp};
use crate::results::StageTimes;
use crate::scenario::Scenario;
use crate::sim::presolve::lp_size;

/// How far residual balancing may move ρ from its initial value, either way.
const RHO_RANGE: f64 = 1e4;
/// Over-relaxation α of the aggregator's updates (Boyd et al. §3.4.3: α in [1.5, 1.8] often
/// converges faster; 1 is plain ADMM). On the Xining VPP (x-updates to 1e-4): 160 iterations
/// against 183 at ρ = 0.5, 137 against 149 at ρ = 0.25.
const RELAXATION: f64 = 1.6;
/// OSQP's tolerance for the agents' x-updates near convergence (absolute and relative, on
/// OSQP's scaled residuals). On the Xining VPP, 1e-5 took about 4 times as many OSQP
/// iterations as 1e-4 for as many ADMM iterations (183) and the same gap to the joint LP;
/// the last x-update is exact whatever it is (see the module documentation).
pub const QP_TOLERANCE: f64 = 1e-4;
/// OSQP's tolerance while ADMM's residuals are far above its own (see [`qp_tolerance`]).
/// On the Xining VPP (ρ = 0.5): 1e-3 took 159 ADMM iterations and 2.6 s to solve, against
/// 161 and 5.8 s with 1e-4 throughout; 3e-3, 160 and 2.0 s. On a generated fleet of 100
/// sites: 25 iterations with 1e-4 throughout, 80 with 1e-3, 92 with 3e-3, each in 1.6–1.7 s
/// (cheaper iterations); 1e-3 is the smaller change.
const QP_TOLERANCE_LOOSEST: f64 = 1e-3;

/// One ADMM iteration as reported.
#[derive(Debug, Clone, Serialize)]
pub struct Iteration {
    pub iteration: usize,
    pub rho: f64,
    pub primal_residual_mw: f64,
    pub dual_residual_mw: f64,
    /// Σ_i f_i(x_i) plus the event penalties of the iterate's aggregate import.
    pub objective: f64,
}

/// How ADMM went.
#[derive(Debug, Clone, Serialize)]
pub struct Trace {
    pub iterations: Vec<Iteration>,
    pub converged: bool,
    /// Wall time spent by the agents in their solves (HiGHS and OSQP), summed over
    /// agents (s).
    pub agent_solve_seconds: f64,
}

/// What the aggregator asks an agent.
enum Request {
    /// Solve the QP with penalty `rho` towards `aims` (`z_i − u`, one per coupled value of
    /// this agent, in order): by OSQP to `tolerance`, or with `None` exactly, by Clarabel
    /// (interior point, to 1e-8).
    Solve {
        rho: f64,
        aims: Vec<f64>,
        tolerance: Option<f64>,
    },
    /// Solve the plain LP with the coupled values bounded by `bounds` (one per coupled
    /// value of this agent, `(lower, upper)`), and report the plan.
    Finish { bounds: Vec<(f64, f64)> },
}

enum Reply {
    Solved { values: Vec<f64>, objective: f64 },
    Finished(Box<(SiteOutcome, f64)>),
}

struct Message {
    site: usize,
    reply: Result<Reply, SolveError>,
    solve_time: Duration,
}

/// A site's side of ADMM: its QP kept factored in OSQP.
struct Agent {
    site: Arc<Scenario>,
    model: SiteModel,
    /// The site's LP, solved by HiGHS for its own optimum first and the feasible plan last,
    /// each time in a HiGHS model made for that solve (not kept in between: with 1,000
    /// sites, a third of the memory).
    lp: Lp,
    /// The same LP with the ADMM terms, in OSQP.
    qp: WarmQp,
    /// The coupled columns, increasing.
    cols: Vec<usize>,
    /// (coupled value of the VPP, column), in the order of the coupled values.
    coupled: Vec<(usize, usize)>,
    /// This agent's coupled values from its last solve.
    last: Vec<f64>,
}

impl Agent {
    fn build(site: Arc<Scenario>, coupling: &Coupling) -> Result<Agent, SolveError> {
        let mut builder = LpBuilder::default();
        builder.set_objective(site.dispatch.objective);
        let model = SiteModel::add(&mut builder, coupling, &site);
        let mut coupled = Vec::new();
        if let Some(import) = &model.event_import {
            coupled.extend((0..import.len()).map(|k| (k, import.first() + k)));
        }
        if let Some(net) = &model.compute_net {
            let base = coupling.event_steps.len();
            coupled.extend((0..net.len()).map(|t| (base + t, net.first() + t)));
        }
        let lp = builder.finish();
        let mut cols: Vec<usize> = coupled.iter().map(|&(_, col)| col).collect();
        cols.sort_unstable();
        let qp = WarmQp::new(&lp, &cols, 1.0, QP_TOLERANCE)?;
        Ok(Agent {
            last: vec![0.0; coupled.len()],
            site,
            model,
            lp,
            qp,
            cols,
            coupled,
        })
    }

    fn handle(&mut self, request: Request) -> Result<Reply, SolveError> {
        match request {
            Request::Solve {
                rho,
                aims,
                tolerance,
            } => self.solve(rho, &aims, tolerance),
            Request::Finish { bounds } => self.finish(&bounds),
        }
    }

    /// The agent's x-update; with `rho = 0`, its own optimum (HiGHS, dual simplex); with no
    /// tolerance, by Clarabel on a model built for this one solve.
    fn solve(
        &mut self,
        rho: f64,
        aims: &[f64],
        tolerance: Option<f64>,
    ) -> Result<Reply, SolveError> {
        let costs: Vec<(usize, f64)> = self
            .coupled
            .iter()
            .zip(aims)
            .map(|(&(_, col), &aim)| (col, -rho * aim))
            .collect();
        let (columns, objective) = if rho == 0.0 {
            let mut highs = highs(self.lp.clone())?;
            let solution = highs.solve()?;
            self.qp.warm_start(&solution.columns, highs.duals());
            (solution.columns, solution.objective)
        } else if let Some(tolerance) = tolerance {
            self.qp.set_tolerance(tolerance);
            self.qp.solve(rho, &costs)?
        } else {
            DiagonalQp::new(&self.lp, &self.cols, rho)?.solve(rho, &costs)?
        };
        let mut own = objective;
        for ((&(_, col), last), &(_, cost)) in self.coupled.iter().zip(&mut self.last).zip(&costs) {
            let x = columns[col];
            own -= cost * x + 0.5 * rho * x * x;
            *last = x;
        }
        Ok(Reply::Solved {
            values: self.last.clone(),
            objective: own,
        })
    }

    fn finish(&mut self, bounds: &[(f64, f64)]) -> Result<Reply, SolveError> {
        let mut lp = self.lp.clone();
        for (&(_, col), &(lower, upper)) in self.coupled.iter().zip(bounds) {
            lp.col_lower[col] = lower;
            lp.col_upper[col] = upper;
        }
        let solution = highs(lp)?.solve()?;
        let objective = solution.objective;
        let mut plan = Plan::default();
        self.model
            .vars
            .extract(&self.site.devices(), &solution, &mut plan);
        let outcome = SiteOutcome {
            plan,
            exchange_mw: exchange_load(&self.site, &self.model.compute, &solution.columns),
        };
        Ok(Reply::Finished(Box::new((outcome, objective))))
    }
}

/// A HiGHS model of `lp` for the dual simplex on one thread, freed when dropped.
fn highs(lp: Lp) -> Result<Solver, SolveError> {
    let mut solver = Solver::new(&SolverOptions {
        method: crate::model::Method::Simplex,
        threads: Some(1),
        ..SolverOptions::default()
    })?;
    solver.load(lp)?;
    Ok(solver)
}

/// Work for a pool thread: build a site's agent there, or answer a request with it.
enum Job {
    Build {
        site: usize,
        scenario: Arc<Scenario>,
        coupling: Arc<Coupling>,
        done: oneshot::Sender<Result<(), SolveError>>,
    },
    Handle {
        site: usize,
        request: Request,
        done: oneshot::Sender<(Result<Reply, SolveError>, Duration)>,
    },
}

/// Threads that own the agents: each site's agent lives on one thread for good.
struct Pool {
    senders: Vec<std::sync::mpsc::Sender<Job>>,
    threads: Vec<std::thread::JoinHandle<()>>,
    /// The thread of each site.
    thread_of: Vec<usize>,
}

impl Pool {
    /// `threads` threads for sites of LP sizes `sizes` (columns), the largest placed first,
    /// each on the thread with the fewest columns so far (a site's solves take time growing
    /// with its size, and every round waits for the slowest thread).
    fn new(threads: usize, sizes: &[usize]) -> Pool {
        let (senders, handles): (Vec<_>, Vec<_>) = (0..threads.max(1))
            .map(|_| {
                let (sender, jobs) = std::sync::mpsc::channel::<Job>();
                (sender, std::thread::spawn(move || work(jobs)))
            })
            .unzip();
        Pool {
            thread_of: place(senders.len(), sizes),
            senders,
            threads: handles,
        }
    }

    fn sender(&self, site: usize) -> std::sync::mpsc::Sender<Job> {
        self.senders[self.thread_of[site]].clone()
    }

    /// Waits for the threads once every sender is gone.
    fn join(self) {
        drop(self.senders);
        for t in self.threads {
            let _ = t.join();
        }
    }
}

/// The thread of each site of LP size `sizes[i]` among `threads` threads: the largest
/// first, each on the thread with the smallest total so far (ties: the lower index).
fn place(threads: usize, sizes: &[usize]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(sizes[i]), i));
    let mut load = vec![0usize; threads.max(1)];
    let mut thread_of = vec![0; sizes.len()];
    for i in order {
        let t = (0..load.len()).min_by_key(|&t| (load[t], t)).unwrap_or(0);
        load[t] += sizes[i];
        thread_of[i] = t;
    }
    thread_of
}

/// A pool thread: keeps the agents it built and answers their jobs until no one can send.
fn work(jobs: std::sync::mpsc::Receiver<Job>) {
    let mut agents: std::collections::BTreeMap<usize, Agent> = std::collections::BTreeMap::new();
    for job in jobs {
        match job {
            Job::Build {
                site,
                scenario,
                coupling,
                done,
            } => {
                let built = Agent::build(scenario, &coupling).map(|agent| {
                    agents.insert(site, agent);
                });
                let _ = done.send(built);
            }
            Job::Handle {
                site,
                request,
                done,
            } => {
                let started = Instant::now();
                let reply = match agents.get_mut(&site) {
                    Some(agent) => agent.handle(request),
                    None => Err(SolveError::Solver(
                        "an agent was asked before it was built".into(),
                    )),
                };
                let _ = done.send((reply, started.elapsed()));
            }
        }
    }
}

/// An agent task: has its model built on its pool thread, then passes the aggregator's
/// requests to it until the aggregator hangs up.
async fn agent_task(
    index: usize,
    site: Arc<Scenario>,
    coupling: Arc<Coupling>,
    worker: std::sync::mpsc::Sender<Job>,
    mut inbox: mpsc::Receiver<Request>,
    outbox: mpsc::Sender<Message>,
) {
    let lost = || SolveError::Solver("an ADMM worker thread stopped".into());
    let (done, built) = oneshot::channel();
    let job = Job::Build {
        site: index,
        scenario: site,
        coupling,
        done,
    };
    if worker.send(job).is_err() {
        return fail(&outbox, index, lost()).await;
    }
    match built.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return fail(&outbox, index, e).await,
        Err(_) => return fail(&outbox, index, lost()).await,
    }
    while let Some(request) = inbox.recv().await {
        let (done, answered) = oneshot::channel();
        let job = Job::Handle {
            site: index,
            request,
            done,
        };
        if worker.send(job).is_err() {
            return fail(&outbox, index, lost()).await;
        }
        let Ok((reply, solve_time)) = answered.await else {
            return fail(&outbox, index, lost()).await;
        };
        let message = Message {
            site: index,
            reply,
            solve_time,
        };
        if outbox.send(message).await.is_err() {
            return;
        }
    }
}

async fn fail(outbox: &mpsc::Sender<Message>, site: usize, error: SolveError) {
    let _ = outbox
        .send(Message {
            site,
            reply: Err(error),
            solve_time: Duration::ZERO,
        })
        .await;
}

/// Runs ADMM for `vpp` with event caps `caps` (MW) at the coupling's event steps.
pub fn solve(vpp: &VppScenario, coupling: &Coupling, caps: &[f64]) -> Result<Outcome, VppError> {
    // The VPP's thread count (`--threads`, else the cores this process may use).
    let threads = vpp.dispatch.solver.thread_count() as usize;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads)
        .build()
        .map_err(|e| VppError::Admm(format!("cannot start the tokio runtime: {e}")))?;
    let sizes: Vec<usize> = vpp.sites.iter().map(|s| lp_size(s).columns).collect();
    let pool = Pool::new(threads, &sizes);
    let outcome = runtime.block_on(aggregate(vpp, coupling, caps, &pool));
    drop(runtime);
    pool.join();
    outcome
}

/// The aggregator: starts one agent per site and runs the iterations.
async fn aggregate(
    vpp: &VppScenario,
    coupling: &Coupling,
    caps: &[f64],
    pool: &Pool,
) -> Result<Outcome, VppError> {
    let started = Instant::now();
    let n_sites = vpp.sites.len();
    let shared = Arc::new(coupling.clone());
    let (outbox, mut inbox) = mpsc::channel(n_sites.max(1));
    let mut agents = Vec::with_capacity(n_sites);
    let mut tasks = Vec::with_capacity(n_sites);
    for (i, site) in vpp.sites.iter().enumerate() {
        let (to_agent, agent_inbox) = mpsc::channel(1);
        agents.push(to_agent);
        tasks.push(tokio::spawn(agent_task(
            i,
            Arc::new(site.clone()),
            shared.clone(),
            pool.sender(i),
            agent_inbox,
            outbox.clone(),
        )));
    }
    drop(outbox);

    // The coupled values each site shares (events: all; compute: data-centre sites), and
    // how many sites share each.
    let components = coupling.components(vpp.time.len);
    let events = coupling.event_steps.len();
    let shares: Vec<Vec<usize>> = vpp
        .sites
        .iter()
        .map(|s| {
            let computes = coupling.migration_cny_per_mwh.is_some() && !s.datacenters.is_empty();
            (0..components)
                .filter(|&c| c < events || computes)
                .collect()
        })
        .collect();
    let mut counts = vec![0.0; components];
    for c in shares.iter().flatten() {
        counts[*c] += 1.0;
    }
    counts.iter_mut().for_each(|n: &mut f64| *n = n.max(1.0));
    let dt = vpp.time.dt_hours();
    let penalty: Vec<f64> = coupling
        .event_steps
        .iter()
        .map(|&t| shortfall_weight(vpp, vpp.event_at(t).expect("event step")) * dt)
        .collect();

    let mut solve_time = Duration::ZERO;
    let mut rho = 0.0;
    let mut u = vec![0.0; components];
    let mut z_bar = vec![0.0; components];
    // Each agent's target z_i (per coupled value it shares), and what it is asked to aim
    // at, z_i − u.
    let mut targets: Vec<Vec<f64>> = vec![Vec::new(); n_sites];
    let mut aims: Vec<Vec<f64>> = shares.iter().map(|s| vec![0.0; s.len()]).collect();
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); n_sites];
    let mut trace = Trace {
        iterations: Vec::new(),
        converged: false,
        agent_solve_seconds: 0.0,
    };
    let settings = vpp.admm;
    // The larger residual of the last iteration (MW).
    let mut residual = f64::INFINITY;
    // x̄ and its over-relaxed x̂̄ (per coupled component), written afresh each iteration.
    let mut x_bar = vec![0.0; components];
    let mut x_hat_bar = vec![0.0; components];
    for iteration in 0..=settings.max_iterations {
        let tolerance = qp_tolerance(residual, settings.tolerance_mw);
        let solves = aims.iter().map(|aims| Request::Solve {
            rho,
            aims: aims.clone(),
            tolerance: Some(tolerance),
        });
        let replies = round(&agents, &mut inbox, solves, &mut solve_time, vpp).await?;
        let mut objective = 0.0;
        for (reply, slot) in replies.into_iter().zip(&mut values) {
            let Reply::Solved {
                values: v,
                objective: f,
            } = reply
            else {
                return Err(VppError::Admm("an agent answered out of turn".into()));
            };
            objective += f;
            *slot = v;
        }
        // x̄: the mean of each coupled value over the sites sharing it.
        x_bar.fill(0.0);
        for (share, v) in shares.iter().zip(&values) {
            for (&c, x) in share.iter().zip(v) {
                x_bar[c] += x;
            }
        }
        for (x, n) in x_bar.iter_mut().zip(&counts) {
            *x /= n;
        }
        for (k, p) in penalty.iter().enumerate() {
            objective += p * (x_bar[k] * counts[k] - caps[k]).max(0.0);
        }
        // Over-relaxation from the first coupled iteration on (the agents' own optima have
        // no targets to relax towards).
        let alpha = if iteration == 0 { 1.0 } else { RELAXATION };
        if iteration == 0 {
            rho = settings.rho;
        }
        for c in 0..components {
            x_hat_bar[c] = alpha * x_bar[c] + (1.0 - alpha) * z_bar[c];
            z_bar[c] = if c < events {
                event_share(u[c] + x_hat_bar[c], caps[c], counts[c], penalty[c], rho)
            } else {
                0.0
            };
            u[c] += x_hat_bar[c] - z_bar[c];
        }
        let primal = rms((0..components).map(|c| counts[c] * (x_bar[c] - z_bar[c])));
        let mut dual_sq = 0.0;
        for ((share, v), target) in shares.iter().zip(&values).zip(&mut targets) {
            let fresh = target.is_empty();
            if fresh {
                target.resize(v.len(), 0.0);
            }
            for ((&c, x), old) in share.iter().zip(v).zip(target.iter_mut()) {
                let x_hat = if fresh {
                    *x
                } else {
                    alpha * x + (1.0 - alpha) * *old
                };
                let new = x_hat - x_hat_bar[c] + z_bar[c];
                if !fresh {
                    dual_sq += (new - *old).powi(2);
                }
                *old = new;
            }
        }
        let dual = (dual_sq / components.max(1) as f64).sqrt();
        residual = if iteration == 0 {
            primal
        } else {
            primal.max(dual)
        };
        trace.iterations.push(Iteration {
            iteration,
            rho,
            primal_residual_mw: primal,
            dual_residual_mw: if iteration == 0 { f64::NAN } else { dual },
            objective,
        });
        observe::report(Work::Admm {
            iteration,
            max_iterations: settings.max_iterations,
            primal_residual_mw: primal,
            dual_residual_mw: if iteration == 0 { f64::NAN } else { dual },
            tolerance_mw: settings.tolerance_mw,
        });
        let converged = components == 0
            || (iteration > 0 && primal <= settings.tolerance_mw && dual <= settings.tolerance_mw);
        let scale = if iteration == 0 || converged {
            1.0
        } else if primal > 10.0 * dual && rho < settings.rho * RHO_RANGE {
            2.0
        } else if dual > 10.0 * primal && rho > settings.rho / RHO_RANGE {
            0.5
        } else {
            1.0
        };
        rho *= scale;
        u.iter_mut().for_each(|x| *x /= scale);
        for ((share, target), aim) in shares.iter().zip(&targets).zip(&mut aims) {
            for ((&c, z), a) in share.iter().zip(target).zip(aim.iter_mut()) {
                *a = z - u[c];
            }
        }
        if converged {
            trace.converged = true;
            break;
        }
    }

    // One more x-update, exact (Clarabel): OSQP's points meet each site's constraints only
    // to its tolerance, and the coupled values are fixed in the sites' LPs below.
    if components > 0 {
        let exact = aims.iter().map(|aims| Request::Solve {
            rho,
            aims: aims.clone(),
            tolerance: None,
        });
        let replies = round(&agents, &mut inbox, exact, &mut solve_time, vpp).await?;
        for (reply, slot) in replies.into_iter().zip(&mut values) {
            let Reply::Solved { values: v, .. } = reply else {
                return Err(VppError::Admm("an agent answered out of turn".into()));
            };
            *slot = v;
        }
    }

    // A feasible point for the coupled values, then each agent's plain LP on it.
    let bounds = feasible_bounds(&values, &shares, components, events);
    let finishes = bounds.into_iter().map(|bounds| Request::Finish { bounds });
    let replies = round(&agents, &mut inbox, finishes, &mut solve_time, vpp).await?;
    drop(agents);
    for task in tasks {
        let _ = task.await;
    }
    let mut objective = 0.0;
    let mut sites = Vec::with_capacity(n_sites);
    for reply in replies {
        let Reply::Finished(done) = reply else {
            return Err(VppError::Admm("an agent answered out of turn".into()));
        };
        let (outcome, f) = *done;
        objective += f;
        sites.push(outcome);
    }
    for (k, &t) in coupling.event_steps.iter().enumerate() {
        let total: f64 = sites.iter().map(|s| s.plan.import_mw[t]).sum();
        objective += penalty[k] * (total - caps[k]).max(0.0);
    }
    trace.agent_solve_seconds = solve_time.as_secs_f64();
    let wall = started.elapsed();
    let times = StageTimes {
        solve: wall,
        ..StageTimes::default()
    };
    Ok(Outcome {
        sites,
        objective,
        times,
        admm: Some(trace),
    })
}

/// OSQP's tolerance for an x-update after an iteration whose larger residual was `residual`
/// (MW), for ADMM's `tolerance` (MW): [`QP_TOLERANCE`] times how far the residual is from
/// ADMM's tolerance, at most [`QP_TOLERANCE_LOOSEST`]. Inexact ADMM converges when the
/// x-updates' errors are summable (Eckstein and Bertsekas 1992); this schedule only shrinks
/// them with the residuals down to a floor: a heuristic, which converged in every run
/// measured above; however ADMM stops, the exact last x-update and the feasible finish
/// still give each site a feasible plan.
fn qp_tolerance(residual: f64, tolerance: f64) -> f64 {
    (QP_TOLERANCE * residual / tolerance).clamp(QP_TOLERANCE, QP_TOLERANCE_LOOSEST)
}

/// The aggregator's update of an event step's shared value:
/// `argmin_z π·max(0, N z − cap) + (Nρ/2)(z − v)²` with `v = u + x̄`. In the aggregate
/// `w = N z` the objective is `π·max(0, w − cap) + ρ/(2N)·(w − N v)²`: its minimum is `N v`
/// below the cap, else where the slope `π + ρ/N·(w − N v)` vanishes, but not below the cap.
fn event_share(v: f64, cap: f64, n: f64, penalty: f64, rho: f64) -> f64 {
    let w = n * v;
    let w = if w <= cap {
        w
    } else {
        cap.max(w - n * penalty / rho)
    };
    w / n
}

/// Sends each agent its request, then gathers one reply from each, in site order; adds the
/// agents' solve time.
async fn round(
    agents: &[mpsc::Sender<Request>],
    inbox: &mut mpsc::Receiver<Message>,
    requests: impl Iterator<Item = Request>,
    solve_time: &mut Duration,
    vpp: &VppScenario,
) -> Result<Vec<Reply>, VppError> {
    let stopped = || VppError::Admm("an agent stopped".into());
    for (agent, request) in agents.iter().zip(requests) {
        agent.send(request).await.map_err(|_| stopped())?;
    }
    let mut replies: Vec<Option<Reply>> = (0..agents.len()).map(|_| None).collect();
    for _ in 0..agents.len() {
        let message = inbox.recv().await.ok_or_else(stopped)?;
        *solve_time += message.solve_time;
        let reply = message
            .reply
            .map_err(|e| site_failed(vpp, message.site, e))?;
        replies[message.site] = Some(reply);
    }
    replies
        .into_iter()
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| VppError::Admm("an agent gave no reply".into()))
}

/// An agent's failure as the VPP's: an infeasible site is explained as the central
/// dispatch explains it; anything else names the site and the solver's words.
fn site_failed(vpp: &VppScenario, site: usize, error: SolveError) -> VppError {
    match error {
        SolveError::Infeasible => VppError::Dispatch(DispatchError::Infeasible {
            from: vpp.time.timestamp(0),
            to: vpp.time.timestamp(vpp.time.len),
            reasons: site_reasons(vpp),
        }),
        other => VppError::Admm(format!("site '{}': {other}", vpp.sites[site].name)),
    }
}

fn rms(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v * v, n + 1));
    if n == 0 { 0.0 } else { (sum / n as f64).sqrt() }
}

/// Per agent, bounds on its coupled values that make the coupling hold: an event import at
/// most its last value; net compute fixed, scaled per step so that Σ received = Σ sent.
fn feasible_bounds(
    values: &[Vec<f64>],
    shares: &[Vec<usize>],
    components: usize,
    events: usize,
) -> Vec<Vec<(f64, f64)>> {
    let mut received = vec![0.0; components];
    let mut sent = vec![0.0; components];
    for (share, v) in shares.iter().zip(values) {
        for (&c, &x) in share.iter().zip(v).filter(|(c, _)| **c >= events) {
            received[c] += x.max(0.0);
            sent[c] += (-x).max(0.0);
        }
    }
    shares
        .iter()
        .zip(values)
        .map(|(share, v)| {
            share
                .iter()
                .zip(v)
                .map(|(&c, &x)| {
                    if c < events {
                        (0.0, x.max(0.0))
                    } else {
                        let moved = received[c].min(sent[c]);
                        let side = if x >= 0.0 { received[c] } else { sent[c] };
                        let scaled = if side > 0.0 { x * moved / side } else { 0.0 };
                        (scaled, scaled)
                    }
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_share_minimises_its_objective() {
        let objective = |z: f64, v: f64, cap: f64, n: f64, pi: f64, rho: f64| {
            pi * (n * z - cap).max(0.0) + n * rho / 2.0 * (z - v).powi(2)
        };
        for &(v, cap, n, pi, rho) in &[
            (1.0, 5.0, 3.0, 2.0, 1.0),  // below the cap: z = v
            (3.0, 5.0, 3.0, 0.5, 1.0),  // above, cheap penalty: past the cap
            (3.0, 5.0, 3.0, 50.0, 1.0), // above, dear penalty: on the cap
            (2.0, 0.0, 8.0, 1.0, 4.0),
        ] {
            let z = event_share(v, cap, n, pi, rho);
            let best = (-4000..=4000)
                .map(|k| f64::from(k) * 1e-3)
                .map(|z| objective(z, v, cap, n, pi, rho))
                .fold(f64::INFINITY, f64::min);
            assert!(
                objective(z, v, cap, n, pi, rho) <= best + 1e-9,
                "v {v} cap {cap}: z {z}"
            );
        }
    }

    #[test]
    fn x_updates_are_loose_far_from_convergence_and_tight_near_it() {
        // ADMM's tolerance 5 kW: the first update (no residual yet) and residuals of 50 kW
        // or more get the loosest; 20 kW gets 4 × 1e-4; at or below 5 kW, 1e-4.
        assert_eq!(qp_tolerance(f64::INFINITY, 0.005), QP_TOLERANCE_LOOSEST);
        assert_eq!(qp_tolerance(0.5, 0.005), QP_TOLERANCE_LOOSEST);
        assert!((qp_tolerance(0.02, 0.005) - 4e-4).abs() < 1e-15);
        assert!((qp_tolerance(0.005, 0.005) - QP_TOLERANCE).abs() < 1e-15);
        assert_eq!(qp_tolerance(0.001, 0.005), QP_TOLERANCE);
    }

    #[test]
    fn the_largest_sites_are_spread_over_the_threads() {
        // The Xining VPP's shape: one large site first, then seven smaller ones. The large
        // one gets a thread to itself; the others share the second (30 + 6 × 5 = 60 ≤ 100).
        let sizes = [100, 30, 5, 5, 5, 5, 5, 5];
        assert_eq!(place(2, &sizes), [0, 1, 1, 1, 1, 1, 1, 1]);
        // Equal sizes alternate; one thread takes everything.
        assert_eq!(place(2, &[4, 4, 4, 4]), [0, 1, 0, 1]);
        assert_eq!(place(1, &[3, 9]), [0, 0]);
    }

    #[test]
    fn feasible_bounds_balance_compute_and_cap_event_imports() {
        // Two event steps shared by both sites, then one compute step: site 0 sends 2 MW,
        // site 1 receives 3 MW; the receiver shrinks to 2 MW.
        let shares = vec![vec![0, 1, 2], vec![0, 1, 2]];
        let values = vec![vec![4.0, 5.0, -2.0], vec![1.0, 0.0, 3.0]];
        let bounds = feasible_bounds(&values, &shares, 3, 2);
        assert_eq!(bounds[0], vec![(0.0, 4.0), (0.0, 5.0), (-2.0, -2.0)]);
        assert_eq!(bounds[1], vec![(0.0, 1.0), (0.0, 0.0), (2.0, 2.0)]);
    }
}
