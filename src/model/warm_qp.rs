//! A convex QP solved again and again with OSQP (Stellato et al., "OSQP: an operator
//! splitting solver for quadratic programs", Math. Prog. Comp. 2020; C library through the
//! `osqp` crate): a built LP plus a diagonal Hessian `w·I` on chosen columns, where between
//! solves only linear costs change (and now and then the weight `w`).
//!
//! OSQP solves `min ½xᵀPx + qᵀx` s.t. `l ≤ Ax ≤ u`. `A` is the LP's rows followed by one
//! identity row per column with a finite bound; `P` is diagonal. OSQP factors its KKT matrix
//! `[P + σI, Aᵀ; A, −diag(1/ρ_OSQP)]` once at setup; a change of `q` keeps that
//! factorisation, and the next solve starts from the previous primal and dual iterate (warm
//! start), so a solve after a small change of costs is a few dozen back-solves. A change of
//! `w`, or of OSQP's own step ρ_OSQP when it adapts it, refactors numerically (same
//! sparsity, no new symbolic analysis).
//!
//! OSQP is a first-order method: its solution meets the constraints and optimality only to
//! the tolerance given (absolute and relative, on OSQP's scaled residuals), so a point it
//! returns may violate a bound by about that much: a caller that needs an exact point
//! re-solves there with an interior-point or simplex method. Polishing (an
//! equality-constrained solve on the guessed active set) is off: on the Xining VPP's sites
//! it failed more often than not and cost a factorisation each time. Infinite bounds are
//! passed as OSQP's infinity, 1e30.

use osqp::{CscMatrix, Problem, Settings, Status};

use super::{Lp, SolveError};

/// OSQP's infinity: bounds at or beyond it are absent.
const INFINITY: f64 = 1e30;
/// OSQP iterations allowed per solve.
const MAX_ITERATIONS: u32 = 50_000;
/// Iterations between OSQP's checks of its termination criteria (OSQP's default is 25).
/// Warm-started solves in ADMM's tail need only a few iterations, so a check every 25 made
/// 25 the least any solve took. On the Xining VPP's ADMM run (tolerance 1e-3): every 25,
/// 32,125 OSQP iterations in all; every 10, 15,060; every 5, 9,735; every 2, ADMM did not
/// converge in 300 iterations; every iteration, 5,025 iterations but no faster (the checks,
/// norms and products over every row, then cost more than the iterations they save).
const TERMINATION_INTERVAL: u32 = 5;
/// OSQP's own step ρ to start from. OSQP adapts it (refactoring the KKT matrix) when its
/// residuals ask for a 5-fold change, checked every [`RHO_INTERVAL`] iterations; the value
/// reached carries over to the next solve, so each site settles on its own ρ. On the Xining
/// VPP's ADMM run, mean OSQP iterations per solve of the park site (14,381 columns) and of
/// the seven others: fixed 0.1, 130 and 39; fixed 0.01, 46 and 188; adaptive from 0.1,
/// 81 and 36.
const OSQP_RHO: f64 = 0.1;
/// Iterations between OSQP's checks of its ρ. Fixed (OSQP's default ties it to the setup
/// time measured, which would make results depend on the machine's speed).
const RHO_INTERVAL: u32 = 25;

/// An LP with a diagonal Hessian `weight · I` on some of its columns, kept factored in OSQP.
pub struct WarmQp {
    problem: Problem,
    q: Vec<f64>,
    /// Columns carrying the Hessian (increasing), and the weight they hold now.
    cols: Vec<usize>,
    weight: f64,
    /// Columns with a finite bound, in the order of their identity rows after the LP's rows.
    bounded: Vec<usize>,
    tolerance: f64,
    /// OSQP iterations of the last solve.
    iterations: u32,
}

fn solver_error(e: impl std::fmt::Debug) -> SolveError {
    SolveError::Solver(format!("OSQP: {e:?}"))
}

/// `P = weight · I` on `cols` (increasing) of `n`, upper triangular CSC.
fn diagonal(n: usize, cols: &[usize], weight: f64) -> CscMatrix<'static> {
    let mut indptr = Vec::with_capacity(n + 1);
    let mut marked = cols.iter().peekable();
    let mut count = 0;
    for j in 0..n {
        indptr.push(count);
        if marked.next_if(|&&c| c == j).is_some() {
            count += 1;
        }
    }
    indptr.push(count);
    CscMatrix {
        nrows: n,
        ncols: n,
        indptr: indptr.into(),
        indices: cols.to_vec().into(),
        data: vec![weight; cols.len()].into(),
    }
}

/// The columns of `lp` with a finite bound, increasing.
fn bounded_columns(lp: &Lp) -> Vec<usize> {
    (0..lp.num_columns())
        .filter(|&j| lp.col_lower[j] > -INFINITY || lp.col_upper[j] < INFINITY)
        .collect()
}

/// The constraint matrix `[rows of lp; I on bounded columns]` in CSC, with its bounds.
fn constraints(lp: &Lp, bounded: &[usize]) -> (CscMatrix<'static>, Vec<f64>, Vec<f64>) {
    let (n, m) = (lp.num_columns(), lp.num_rows());
    let clamp = |x: f64| x.clamp(-INFINITY, INFINITY);
    // Row-wise LP → column-wise: count, then place.
    let mut count = vec![0usize; n];
    for &j in &lp.a_index {
        count[j] += 1;
    }
    for &j in bounded {
        count[j] += 1;
    }
    let mut indptr = Vec::with_capacity(n + 1);
    indptr.push(0);
    for j in 0..n {
        indptr.push(indptr[j] + count[j]);
    }
    let mut next = indptr[..n].to_vec();
    let mut indices = vec![0; indptr[n]];
    let mut data = vec![0.0; indptr[n]];
    for r in 0..m {
        for k in lp.a_start[r]..lp.a_start[r + 1] {
            let j = lp.a_index[k];
            indices[next[j]] = r;
            data[next[j]] = lp.a_value[k];
            next[j] += 1;
        }
    }
    for (i, &j) in bounded.iter().enumerate() {
        indices[next[j]] = m + i;
        data[next[j]] = 1.0;
        next[j] += 1;
    }
    let mut lower: Vec<f64> = lp.row_lower.iter().map(|&x| clamp(x)).collect();
    let mut upper: Vec<f64> = lp.row_upper.iter().map(|&x| clamp(x)).collect();
    lower.extend(bounded.iter().map(|&j| clamp(lp.col_lower[j])));
    upper.extend(bounded.iter().map(|&j| clamp(lp.col_upper[j])));
    let a = CscMatrix {
        nrows: m + bounded.len(),
        ncols: n,
        indptr: indptr.into(),
        indices: indices.into(),
        data: data.into(),
    };
    (a, lower, upper)
}

impl WarmQp {
    /// The QP `min cost·x + ½ weight Σ_{j ∈ cols} x_j²` over `lp`'s constraints, `cost` its
    /// primary objective; `cols` increasing; solved to OSQP's absolute and relative
    /// `tolerance`.
    pub fn new(lp: &Lp, cols: &[usize], weight: f64, tolerance: f64) -> Result<WarmQp, SolveError> {
        let n = lp.num_columns();
        let p = diagonal(n, cols, weight);
        let bounded = bounded_columns(lp);
        let (a, lower, upper) = constraints(lp, &bounded);
        let settings = Settings::default()
            .verbose(false)
            .eps_abs(tolerance)
            .eps_rel(tolerance)
            .max_iter(MAX_ITERATIONS)
            .rho(OSQP_RHO)
            .adaptive_rho(true)
            .adaptive_rho_interval(Some(RHO_INTERVAL))
            .polish(false)
            .check_termination(Some(TERMINATION_INTERVAL))
            .warm_start(true);
        let q = lp.levels[0].clone();
        let problem = Problem::new(p, &q, a, &lower, &upper, &settings).map_err(solver_error)?;
        Ok(WarmQp {
            problem,
            q,
            cols: cols.to_vec(),
            weight,
            bounded,
            tolerance,
            iterations: 0,
        })
    }

    /// Starts the next solve from the LP's optimum: its column values `x`, and where known
    /// its duals in HiGHS's signs (`(reduced costs, row duals)`, see `Highs::duals`). OSQP's
    /// stationarity is `Px + q + Aᵀy = 0` against HiGHS's `c = Aᵀy_H + z`, so OSQP's `y` is
    /// `−y_H` on the LP's rows and `−z_j` on column j's bound row.
    pub fn warm_start(&mut self, x: &[f64], duals: Option<(Vec<f64>, Vec<f64>)>) {
        match duals {
            Some((reduced, rows)) => {
                let y: Vec<f64> = rows
                    .iter()
                    .map(|y| -y)
                    .chain(self.bounded.iter().map(|&j| -reduced[j]))
                    .collect();
                self.problem.warm_start(x, &y);
            }
            None => self.problem.warm_start_x(x),
        }
    }

    /// OSQP iterations of the last solve.
    pub fn iterations(&self) -> u32 {
        self.iterations
    }

    /// Sets OSQP's absolute and relative tolerance for the next solves.
    pub fn set_tolerance(&mut self, tolerance: f64) {
        if tolerance != self.tolerance {
            self.problem.update_eps_abs(tolerance);
            self.problem.update_eps_rel(tolerance);
            self.tolerance = tolerance;
        }
    }

    /// Sets the Hessian weight and the costs `(column, cost)` given (others keep theirs),
    /// solves from the last iterate, and returns the column values and the objective value
    /// `q·x + ½ weight Σ x_j²`.
    pub fn solve(
        &mut self,
        weight: f64,
        costs: &[(usize, f64)],
    ) -> Result<(Vec<f64>, f64), SolveError> {
        if weight != self.weight {
            let n = self.q.len();
            self.problem.update_P(diagonal(n, &self.cols, weight));
            self.weight = weight;
        }
        for &(col, cost) in costs {
            self.q[col] = cost;
        }
        self.problem.update_lin_cost(&self.q);
        let status = self.problem.solve();
        self.iterations = status.iter();
        match status {
            Status::Solved(s) | Status::SolvedInaccurate(s) => {
                let x = s.x().to_vec();
                let quadratic: f64 = self.cols.iter().map(|&j| x[j] * x[j]).sum();
                let linear: f64 = self.q.iter().zip(&x).map(|(q, x)| q * x).sum();
                Ok((x, linear + 0.5 * weight * quadratic))
            }
            Status::PrimalInfeasible(_) | Status::PrimalInfeasibleInaccurate(_) => {
                Err(SolveError::Infeasible)
            }
            Status::DualInfeasible(_) | Status::DualInfeasibleInaccurate(_) => {
                Err(SolveError::Unbounded)
            }
            Status::MaxIterationsReached(_) => Err(SolveError::Limit(format!(
                "OSQP iterations ({MAX_ITERATIONS})"
            ))),
            Status::TimeLimitReached(_) => Err(SolveError::Limit("OSQP time".into())),
            other => Err(solver_error(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Linear, LpBuilder, Term};

    #[test]
    fn solves_a_qp_over_a_built_lp_then_changes_its_costs_and_weight() {
        // The case of `qp::tests`, by hand: min (x − 3)² + y (= ½·2·x² − 6x + y + 9)
        // s.t. x + y ≥ 1, x + z = 5, x, y ∈ [0, 10], z ∈ [0, 4]: x = 3, y = 0, z = 2,
        // objective −9 without the constant.
        let mut lp = LpBuilder::default();
        let v = lp.variables("v".into(), 0, 3, |t| (0.0, if t == 2 { 4.0 } else { 10.0 }));
        lp.cost(Term::Penalty, 1.0, &v, 1);
        let sum = |a: usize, b: usize| Linear::default().plus(1.0, v.col(a)).plus(1.0, v.col(b));
        lp.rows("r".into(), 0, [sum(0, 1).geq(1.0)]);
        lp.rows("e".into(), 0, [sum(0, 2).eq(5.0)]);
        let mut qp = WarmQp::new(&lp.finish(), &[0], 2.0, 1e-9).unwrap();
        let (x, objective) = qp.solve(2.0, &[(0, -6.0)]).unwrap();
        assert!((x[0] - 3.0).abs() < 1e-6 && x[1].abs() < 1e-6, "{x:?}");
        assert!((x[2] - 2.0).abs() < 1e-6, "{x:?}");
        assert!((objective + 9.0).abs() < 1e-6, "{objective}");
        // Weight 1: min ½x² − 6x + y wants x = 6, but x + z = 5 with z ≥ 0 caps x at 5:
        // objective 12.5 − 30 = −17.5.
        let (x, objective) = qp.solve(1.0, &[(0, -6.0)]).unwrap();
        assert!((x[0] - 5.0).abs() < 1e-6, "{x:?}");
        assert!((objective + 17.5).abs() < 1e-6, "{objective}");
        // A cost alone changed (warm start, same factorisation): min ½x² − 2x + y → x = 2,
        // objective 2 − 4 = −2.
        let (x, objective) = qp.solve(1.0, &[(0, -2.0)]).unwrap();
        assert!((x[0] - 2.0).abs() < 1e-6, "{x:?}");
        assert!((objective + 2.0).abs() < 1e-6, "{objective}");
    }

    #[test]
    fn a_warm_start_from_the_lps_primal_and_dual_optimum_stops_at_the_first_check() {
        // min x + 2y s.t. x + y ≥ 3, x ∈ [0, 2], y ∈ [0, 10]: x = 2, y = 1; row dual 2,
        // reduced costs −1 (x at its upper bound) and 0. The QP adds ½·w·y² − w·y, whose
        // gradient vanishes at y = 1, so the LP's primal-dual optimum is the QP's too.
        let lp = super::super::solve::two_column_lp();
        let mut highs = crate::model::Solver::new(&crate::model::SolverOptions {
            method: crate::model::Method::Simplex,
            ..crate::model::SolverOptions::default()
        })
        .unwrap();
        highs.load(lp.clone()).unwrap();
        let x = highs.solve().unwrap().columns;
        let duals = highs.duals().unwrap();
        let w = 4.0;
        let iterations = |duals: Option<(Vec<f64>, Vec<f64>)>| {
            let mut qp = WarmQp::new(&lp, &[1], w, 1e-6).unwrap();
            qp.warm_start(&x, duals);
            let (y, _) = qp.solve(w, &[(1, 2.0 - w)]).unwrap();
            assert!(
                (y[0] - 2.0).abs() < 1e-4 && (y[1] - 1.0).abs() < 1e-4,
                "{y:?}"
            );
            qp.iterations()
        };
        let (flipped_cols, flipped_rows) = (
            duals.0.iter().map(|d| -d).collect(),
            duals.1.iter().map(|d| -d).collect(),
        );
        let with_duals = iterations(Some(duals));
        assert_eq!(with_duals, TERMINATION_INTERVAL);
        assert!(iterations(None) > with_duals);
        assert!(iterations(Some((flipped_cols, flipped_rows))) > with_duals);
    }

    #[test]
    fn an_infeasible_qp_is_reported_as_such() {
        // x ≥ 2 and x ≤ 1 through a row.
        let mut lp = LpBuilder::default();
        let v = lp.variables("v".into(), 0, 1, |_| (2.0, 10.0));
        lp.rows(
            "r".into(),
            0,
            [Linear::default().plus(1.0, v.col(0)).leq(1.0)],
        );
        let mut qp = WarmQp::new(&lp.finish(), &[0], 1.0, 1e-6).unwrap();
        assert_eq!(qp.solve(1.0, &[]).unwrap_err(), SolveError::Infeasible);
    }
}
