//! A convex QP solved again and again with Clarabel (Goulart & Chen, "Clarabel: An
//! interior-point solver for conic programs with quadratic objectives", 2024; pure Rust):
//! an LP read back from HiGHS plus a diagonal Hessian on chosen columns. Between solves only
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

use super::{LpData, SolveError};

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
    /// The QP `min cost·x + ½ weight Σ_{j ∈ cols} x_j²` over `lp`'s constraints; `cols`
    /// increasing.
    pub fn new(lp: &LpData, cols: &[usize], weight: f64) -> Result<DiagonalQp, SolveError> {
        let n = lp.cost.len();
        // Rows of the cone system: equalities first (zero cone), then inequalities.
        let mut eq_row = vec![None; lp.row_lower.len()];
        let mut le_row = vec![None; lp.row_lower.len()];
        let mut ge_row = vec![None; lp.row_lower.len()];
        let mut b = Vec::new();
        let mut next = 0;
        for (r, (&lo, &hi)) in lp.row_lower.iter().zip(&lp.row_upper).enumerate() {
            if lo == hi {
                eq_row[r] = Some(next);
                b.push(lo);
                next += 1;
            }
        }
        let mut eq_col = vec![None; n];
        for (j, (&lo, &hi)) in lp.col_lower.iter().zip(&lp.col_upper).enumerate() {
            if lo == hi {
                eq_col[j] = Some(next);
                b.push(lo);
                next += 1;
            }
        }
        let zero_rows = next;
        for (r, (&lo, &hi)) in lp.row_lower.iter().zip(&lp.row_upper).enumerate() {
            if lo == hi {
                continue;
            }
            if hi.is_finite() && hi < 1e30 {
                le_row[r] = Some(next);
                b.push(hi);
                next += 1;
            }
            if lo.is_finite() && lo > -1e30 {
                ge_row[r] = Some(next);
                b.push(-lo);
                next += 1;
            }
        }
        let (mut rows, mut columns, mut values) = (Vec::new(), Vec::new(), Vec::new());
        let mut push = |row: usize, col: usize, value: f64| {
            rows.push(row);
            columns.push(col);
            values.push(value);
        };
        for (j, fixed) in eq_col.iter().enumerate() {
            for k in lp.a_start[j]..lp.a_start[j + 1] {
                let (r, v) = (lp.a_index[k], lp.a_value[k]);
                if let Some(row) = eq_row[r] {
                    push(row, j, v);
                }
                if let Some(row) = le_row[r] {
                    push(row, j, v);
                }
                if let Some(row) = ge_row[r] {
                    push(row, j, -v);
                }
            }
            if let Some(row) = *fixed {
                push(row, j, 1.0);
                continue;
            }
            let (lo, hi) = (lp.col_lower[j], lp.col_upper[j]);
            if hi.is_finite() && hi < 1e30 {
                push(next, j, 1.0);
                b.push(hi);
                next += 1;
            }
            if lo.is_finite() && lo > -1e30 {
                push(next, j, -1.0);
                b.push(-lo);
                next += 1;
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
            DefaultSolver::new(&p, &lp.cost, &a, &b, &cones, settings).map_err(solver_error)?;
        Ok(DiagonalQp {
            solver,
            q: lp.cost.clone(),
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
    use crate::model::LpBuilder;
    use good_lp::constraint;

    #[test]
    fn solves_a_qp_read_back_from_highs_then_changes_its_costs_and_weight() {
        // min (x − 3)² + y (= ½·2·x² − 6x + y + 9) s.t. x + y ≥ 1, x + z = 5, x, y ∈ [0, 10],
        // z ∈ [0, 4]: x = 3, y = 0, z = 2, objective −9 without the constant.
        let mut lp = LpBuilder::default();
        let v = lp.variables("v".into(), 0, 3, |t| (0.0, if t == 2 { 4.0 } else { 10.0 }));
        lp.cost(crate::model::Term::Penalty, 1.0, &v, 1);
        lp.rows("r".into(), 0, [constraint::geq(v.var(0) + v.var(1), 1.0)]);
        lp.rows("e".into(), 0, [constraint::eq(v.var(0) + v.var(2), 5.0)]);
        let mut persistent = lp.into_persistent("simplex").unwrap();
        let data = persistent.lp_data().unwrap();
        let mut qp = DiagonalQp::new(&data, &[0], 2.0).unwrap();
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
