//! A convex QP solved again and again with Clarabel (Goulart & Chen, "Clarabel: An
//! interior-point solver for conic programs with quadratic objectives", 2024; pure Rust):
//! a built LP plus a diagonal Hessian on chosen columns. Between solves only
//! linear costs and the Hessian's weight change, so Clarabel keeps its KKT structure and the
//! symbolic analysis of its factorisation.
//!
//! Clarabel solves `min ½xᵀPx + qᵀx` s.t. `Ax + s = b`, `s ∈ K`. Each LP row
//! `lo ≤ a·x ≤ hi` becomes one zero-cone row `a·x = lo` where `lo = hi`, else one
//! non-negative row per finite side (`a·x ≤ hi`, `−a·x ≤ −lo`); column bounds likewise.
//!
//! HiGHS's own QP solver (active set) was tried first: on the park's week (14,457 columns)
//! it took 13 s for one ADMM step and ended in a solve error, so it is not used.

use clarabel::algebra::CscMatrix;
use clarabel::solver::{
    DefaultSettingsBuilder, DefaultSolver, IPSolver, SolverStatus, SupportedConeT,
};

use super::{Lp, SolveError};

/// An LP with a diagonal Hessian `weight · I` on some of its columns.
pub struct DiagonalQp {
    solver: DefaultSolver<f64>,
    q: Vec<f64>,
    /// Number of Hessian entries, and the weight they hold now.
    hessian_len: usize,
    weight: f64,
}

fn solver_error(e: impl std::fmt::Display) -> SolveError {
    SolveError::Solver(format!("Clarabel: {e}"))
}

impl DiagonalQp {
    /// The QP `min cost·x + ½ weight Σ_{j ∈ cols} x_j²` over `lp`'s constraints, `cost` its
    /// primary objective; `cols` increasing.
    pub fn new(lp: &Lp, cols: &[usize], weight: f64) -> Result<DiagonalQp, SolveError> {
        let n = lp.num_columns();
        let cost = &lp.levels[0];
        let (mut rows, mut columns, mut values) = (Vec::new(), Vec::new(), Vec::new());
        let mut b = Vec::new();
        let mut next = 0;
        let mut push = |row: usize, col: usize, value: f64| {
            rows.push(row);
            columns.push(col);
            values.push(value);
        };
        // Equalities first (zero cone): rows, then fixed columns.
        for r in (0..lp.num_rows()).filter(|&r| lp.row_lower[r] == lp.row_upper[r]) {
            for k in lp.a_start[r]..lp.a_start[r + 1] {
                push(next, lp.a_index[k], lp.a_value[k]);
            }
            b.push(lp.row_lower[r]);
            next += 1;
        }
        for j in (0..n).filter(|&j| lp.col_lower[j] == lp.col_upper[j]) {
            push(next, j, 1.0);
            b.push(lp.col_lower[j]);
            next += 1;
        }
        let zero_rows = next;
        let finite = |x: f64| x.is_finite() && x.abs() < 1e30;
        for r in (0..lp.num_rows()).filter(|&r| lp.row_lower[r] != lp.row_upper[r]) {
            for (bound, sign) in [(lp.row_upper[r], 1.0), (-lp.row_lower[r], -1.0)] {
                if finite(bound) {
                    for k in lp.a_start[r]..lp.a_start[r + 1] {
                        push(next, lp.a_index[k], sign * lp.a_value[k]);
                    }
                    b.push(bound);
                    next += 1;
                }
            }
        }
        for j in (0..n).filter(|&j| lp.col_lower[j] != lp.col_upper[j]) {
            for (bound, sign) in [(lp.col_upper[j], 1.0), (-lp.col_lower[j], -1.0)] {
                if finite(bound) {
                    push(next, j, sign);
                    b.push(bound);
                    next += 1;
                }
            }
        }
        let a = CscMatrix::new_from_triplets(next, n, rows, columns, values);
        let mut colptr = Vec::with_capacity(n + 1);
        let mut marked = cols.iter().peekable();
        let mut count = 0;
        for j in 0..n {
            colptr.push(count);
            if marked.next_if(|&&c| c == j).is_some() {
                count += 1;
            }
        }
        colptr.push(count);
        let p = CscMatrix::new(n, n, colptr, cols.to_vec(), vec![weight; cols.len()]);
        let cones = [
            SupportedConeT::ZeroConeT(zero_rows),
            SupportedConeT::NonnegativeConeT(next - zero_rows),
        ];
        let settings = DefaultSettingsBuilder::default()
            .verbose(false)
            .presolve_enable(false)
            .input_sparse_dropzeros(false)
            .build()
            .map_err(solver_error)?;
        let solver =
            DefaultSolver::new(&p, cost, &a, &b, &cones, settings).map_err(solver_error)?;
        Ok(DiagonalQp {
            solver,
            q: cost.clone(),
            hessian_len: cols.len(),
            weight,
        })
    }

    /// Sets the Hessian weight and the costs `(column, cost)` given (others keep theirs),
    /// solves, and returns the column values and the objective value.
    pub fn solve(
        &mut self,
        weight: f64,
        costs: &[(usize, f64)],
    ) -> Result<(Vec<f64>, f64), SolveError> {
        if weight != self.weight {
            self.solver
                .update_P(&vec![weight; self.hessian_len])
                .map_err(solver_error)?;
            self.weight = weight;
        }
        for &(col, cost) in costs {
            self.q[col] = cost;
        }
        self.solver.update_q(&self.q).map_err(solver_error)?;
        self.solver.solve();
        let solution = &self.solver.solution;
        match solution.status {
            SolverStatus::Solved | SolverStatus::AlmostSolved => {
                Ok((solution.x.clone(), solution.obj_val))
            }
            SolverStatus::PrimalInfeasible | SolverStatus::AlmostPrimalInfeasible => {
                Err(SolveError::Infeasible)
            }
            SolverStatus::DualInfeasible | SolverStatus::AlmostDualInfeasible => {
                Err(SolveError::Unbounded)
            }
            other => Err(SolveError::Limit(format!("Clarabel status {other:?}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Linear, LpBuilder};

    #[test]
    fn solves_a_qp_over_a_built_lp_then_changes_its_costs_and_weight() {
        // min (x − 3)² + y (= ½·2·x² − 6x + y + 9) s.t. x + y ≥ 1, x + z = 5, x, y ∈ [0, 10],
        // z ∈ [0, 4]: x = 3, y = 0, z = 2, objective −9 without the constant.
        let mut lp = LpBuilder::default();
        let v = lp.variables("v".into(), 0, 3, |t| (0.0, if t == 2 { 4.0 } else { 10.0 }));
        lp.cost(crate::model::Term::Penalty, 1.0, &v, 1);
        let sum = |a: usize, b: usize| Linear::default().plus(1.0, v.col(a)).plus(1.0, v.col(b));
        lp.rows("r".into(), 0, [sum(0, 1).geq(1.0)]);
        lp.rows("e".into(), 0, [sum(0, 2).eq(5.0)]);
        let mut qp = DiagonalQp::new(&lp.finish(), &[0], 2.0).unwrap();
        let (x, objective) = qp.solve(2.0, &[(0, -6.0)]).unwrap();
        assert!((x[0] - 3.0).abs() < 1e-6 && x[1].abs() < 1e-6, "{x:?}");
        assert!((x[2] - 2.0).abs() < 1e-6, "{x:?}");
        assert!((objective + 9.0).abs() < 1e-6, "{objective}");
        // Weight 1: min ½x² − 6x + y wants x = 6, but x + z = 5 with z ≥ 0 caps x at 5:
        // objective 12.5 − 30 = −17.5.
        let (x, objective) = qp.solve(1.0, &[(0, -6.0)]).unwrap();
        assert!((x[0] - 5.0).abs() < 1e-6, "{x:?}");
        assert!((objective + 17.5).abs() < 1e-6, "{objective}");
    }
}
