//! Hands a built LP to HiGHS and maps its outcome to our own types.
//!
//! good_lp builds the model; we take the HiGHS model out of it (`try_into_inner`) to set
//! options, keep HiGHS's status distinctions and read the objective value.

use std::time::{Duration, Instant};

use good_lp::SolverModel;
use good_lp::solvers::highs::highs;
use highs::HighsModelStatus;
use serde::Serialize;

use super::{LpBuilder, PersistentLp};

/// HiGHS options used for every solve.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SolverOptions {
    /// HiGHS `solver` option: `ipm`, `simplex` or `choose`.
    pub method: String,
    /// `off`, `on` (HiGHS `presolve`), or `light`: presolve with only its cheap reductions
    /// (see [`LIGHT_PRESOLVE_RULES_OFF`]).
    pub presolve: String,
    /// HiGHS `time_limit` in seconds.
    pub time_limit_seconds: Option<f64>,
    /// With the simplex method, HiGHS's parallel dual simplex (PAMI, `simplex_strategy` 2),
    /// which works on several pivots at once on all cores.
    pub parallel: bool,
    /// Scale of the dual simplex's random cost perturbation (HiGHS
    /// `dual_simplex_cost_perturbation_multiplier`; HiGHS's default is 1). Dispatch LPs have
    /// many zero-cost columns and so many tied (dual degenerate) vertices; a larger
    /// perturbation breaks the ties sooner. HiGHS removes the perturbation and cleans up
    /// before it reports the optimum, so the optimal value does not change.
    pub cost_perturbation: f64,
}

impl Default for SolverOptions {
    /// Interior point without presolve: the fastest on year-long dispatch LPs here
    /// (see benches/dispatch.rs); crossover stays on so the solution is a vertex.
    fn default() -> Self {
        SolverOptions {
            method: "ipm".into(),
            presolve: "off".into(),
            time_limit_seconds: None,
            parallel: false,
            cost_perturbation: 1.0,
        }
    }
}

/// HiGHS `presolve_rule_off` bits for `presolve = "light"`: every rule except the initial
/// sweep and the empty-row, singleton-row, redundant-row, empty-column and fixed-column
/// reductions (bits 0–4 and 21 of HiGHS's `PresolveRuleType`). On the park year it removes
/// 18k columns (night-time PV; full presolve removes 43k) in 0.6 s instead of 1.7 s, and the
/// dual simplex then needs about as many iterations (181k against 175k).
pub const LIGHT_PRESOLVE_RULES_OFF: i32 = 0xFF_FFFF & !(0b1_1111 | 1 << 21);

/// Why a solve gave no optimal solution, in HiGHS's own distinctions.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SolveError {
    #[error("the dispatch problem is infeasible")]
    Infeasible,
    #[error("the dispatch problem is unbounded")]
    Unbounded,
    #[error("the solver stopped at a limit ({0}) before finding the optimum")]
    Limit(String),
    #[error("the solver failed: {0}")]
    Solver(String),
}

/// An optimal solution with the solver's timings.
#[derive(Debug)]
pub struct LpSolution {
    /// Column values in model order.
    pub columns: Vec<f64>,
    pub objective: f64,
    /// Time to hand the model to HiGHS.
    pub load_time: Duration,
    /// Time HiGHS spent solving.
    pub solve_time: Duration,
}

impl LpBuilder {
    /// Hands the LP to HiGHS with `options` set, ready to solve; the builder is consumed,
    /// so a model is never built twice.
    pub fn into_model(self, options: &SolverOptions) -> Result<ReadyModel, SolveError> {
        let loading = Instant::now();
        let problem = self
            .vars
            .minimise(self.objective)
            .using(highs)
            .with_all(self.constraints);
        let mut model = problem
            .try_into_inner()
            .map_err(|e| SolveError::Solver(e.to_string()))?;
        model.make_quiet();
        set_option(&mut model, "solver", options.method.as_str())?;
        let light = options.presolve == "light";
        let presolve = if light { "on" } else { &options.presolve };
        set_option(&mut model, "presolve", presolve)?;
        if let Some(limit) = options.time_limit_seconds {
            set_option(&mut model, "time_limit", limit)?;
        }
        set_option(
            &mut model,
            "dual_simplex_cost_perturbation_multiplier",
            options.cost_perturbation,
        )?;
        if light {
            set_option(&mut model, "presolve_rule_off", LIGHT_PRESOLVE_RULES_OFF)?;
        }
        if options.parallel && options.method == "simplex" {
            set_option(&mut model, "simplex_strategy", 2)?;
        }
        Ok(ReadyModel {
            model,
            load_time: loading.elapsed(),
        })
    }

    /// Hands the LP to HiGHS as a model to change and re-solve (quiet, one thread, no
    /// presolve, `method` as given: `choose` also solves it once it has a Hessian).
    pub fn into_persistent(self, method: &str) -> Result<PersistentLp, SolveError> {
        let (rows, cols) = (self.num_rows(), self.num_columns());
        let options = SolverOptions {
            method: method.into(),
            ..SolverOptions::default()
        };
        let mut ready = self.into_model(&options)?;
        set_option(&mut ready.model, "threads", 1)?;
        Ok(PersistentLp::from_model(ready.model, rows, cols))
    }

    /// Builds the HiGHS model and solves it.
    pub fn solve(self, options: &SolverOptions) -> Result<LpSolution, SolveError> {
        self.into_model(options)?.solve()
    }
}

/// Sets one HiGHS option; a refusal is a [`SolveError`] naming option and value.
fn set_option<V>(model: &mut highs::Model, key: &str, value: V) -> Result<(), SolveError>
where
    V: highs::HighsOptionValue + std::fmt::Display + Copy,
{
    model
        .try_set_option(key, value)
        .map_err(|e| SolveError::Solver(format!("option {key}={value}: {e:?}")))
}

/// A HiGHS model with its options set, ready to solve.
pub struct ReadyModel {
    model: highs::Model,
    load_time: Duration,
}

impl ReadyModel {
    /// Solves the model; anything but an optimum is a [`SolveError`].
    pub fn solve(self) -> Result<LpSolution, SolveError> {
        let solving = Instant::now();
        let solved = self
            .model
            .try_solve()
            .map_err(|e| SolveError::Solver(format!("{e:?}")))?;
        let solve_time = solving.elapsed();
        match solved.status() {
            HighsModelStatus::Optimal => {}
            HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
                return Err(SolveError::Infeasible);
            }
            HighsModelStatus::Unbounded => return Err(SolveError::Unbounded),
            HighsModelStatus::ReachedTimeLimit => return Err(SolveError::Limit("time".into())),
            HighsModelStatus::ReachedIterationLimit => {
                return Err(SolveError::Limit("iterations".into()));
            }
            other => return Err(SolveError::Solver(format!("HiGHS status {other:?}"))),
        }
        Ok(LpSolution {
            columns: solved.get_solution().columns().to_vec(),
            objective: solved.objective_value(),
            load_time: self.load_time,
            solve_time,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use good_lp::constraint;

    #[test]
    fn solves_a_tiny_lp_and_reports_infeasibility() {
        // min x + 2y  s.t. x + y ≥ 3, x ≤ 2  →  x = 2, y = 1, objective 4.
        let mut lp = LpBuilder::default();
        let v = lp.variables("v".into(), 0, 2, |t| (0.0, if t == 0 { 2.0 } else { 10.0 }));
        lp.cost(1.0, v.var(0));
        lp.cost(2.0, v.var(1));
        lp.rows("r".into(), 0, [constraint::geq(v.var(0) + v.var(1), 3.0)]);
        let s = lp.solve(&SolverOptions::default()).unwrap();
        assert!((s.objective - 4.0).abs() < 1e-9);
        assert!((v.values(&s)[0] - 2.0).abs() < 1e-9);

        let mut lp = LpBuilder::default();
        let v = lp.variables("v".into(), 0, 1, |_| (0.0, 1.0));
        lp.rows("r".into(), 0, [constraint::geq(v.var(0), 2.0)]);
        assert_eq!(
            lp.solve(&SolverOptions::default()).unwrap_err(),
            SolveError::Infeasible
        );
    }
}
