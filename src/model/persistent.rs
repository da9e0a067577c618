//! One HiGHS model kept alive across solves, changed in place between them (costs, bounds,
//! coefficients) so the dual simplex warm-starts from the previous basis.
//!
//! The `highs` crate has no safe call for row bounds or coefficients; the raw `highs-sys`
//! calls are wrapped here once, with every index checked against the model's size.

use std::time::{Duration, Instant};

use highs::{HighsModelStatus, Model, RowProblem, Sense};

use super::SolveError;

/// A persistent LP: build once with [`PersistentLp::new`], then change and re-solve.
pub struct PersistentLp {
    model: Option<Model>,
    rows: usize,
    cols: usize,
}

// SAFETY: a `PersistentLp` owns its HiGHS instance alone (no other handle to it exists) and
// every call on it takes `&mut self`, so moving it to another thread hands the instance over
// whole. HiGHS keeps no per-instance thread affinity: its task scheduler is per calling thread
// (HiGHS PR #818), and its C API resets no global scheduler behind the caller's back.
unsafe impl Send for PersistentLp {}

/// HiGHS's `kHighsStatusError`.
const HIGHS_ERROR: highs_sys::HighsInt = -1;

impl PersistentLp {
    /// Passes `problem` (minimised) to HiGHS with dual simplex, quiet.
    pub fn new(problem: RowProblem) -> Result<PersistentLp, SolveError> {
        let (rows, cols) = (problem.num_rows(), problem.num_cols());
        let mut model = problem
            .try_optimise(Sense::Minimise)
            .map_err(|e| SolveError::Solver(format!("{e:?}")))?;
        model.make_quiet();
        model
            .try_set_option("solver", "simplex")
            .map_err(|e| SolveError::Solver(format!("{e:?}")))?;
        Ok(PersistentLp {
            model: Some(model),
            rows,
            cols,
        })
    }

    /// Keeps a model built elsewhere (with its options set) alive for changes and re-solves.
    pub(super) fn from_model(model: Model, rows: usize, cols: usize) -> PersistentLp {
        PersistentLp {
            model: Some(model),
            rows,
            cols,
        }
    }

    /// Makes the objective `cᵀx + ½ · weight · Σ_{j ∈ cols} x_j²` (a diagonal Hessian over
    /// `cols`, which must be increasing); HiGHS then solves a convex QP.
    pub fn set_diagonal_hessian(&mut self, cols: &[usize], weight: f64) -> Result<(), SolveError> {
        if let Some(&last) = cols.last() {
            self.check(None, Some(last))?;
        }
        if cols.windows(2).any(|w| w[0] >= w[1]) {
            return Err(SolveError::Solver("Hessian columns not increasing".into()));
        }
        // Lower triangle in compressed sparse columns: column j holds its diagonal entry
        // when j is in `cols`.
        let mut start = Vec::with_capacity(self.cols);
        let mut next = cols.iter().peekable();
        let mut nz = 0;
        for j in 0..self.cols {
            start.push(nz as highs_sys::HighsInt);
            if next.next_if(|&&c| c == j).is_some() {
                nz += 1;
            }
        }
        let index: Vec<highs_sys::HighsInt> =
            cols.iter().map(|&c| c as highs_sys::HighsInt).collect();
        let value = vec![weight; cols.len()];
        const TRIANGULAR: highs_sys::HighsInt = 1;
        // SAFETY: the live model's pointer; `start` has one entry per column, `index` and
        // `value` one per non-zero, every index a column of the model; all outlive the call.
        let code = unsafe {
            highs_sys::Highs_passHessian(
                self.ptr(),
                self.cols as highs_sys::HighsInt,
                nz as highs_sys::HighsInt,
                TRIANGULAR,
                start.as_ptr(),
                index.as_ptr(),
                value.as_ptr(),
            )
        };
        if code == HIGHS_ERROR {
            // SAFETY: the live model's pointer.
            let highs_cols = unsafe { highs_sys::Highs_getNumCol(self.ptr()) };
            return Err(SolveError::Solver(format!(
                "HiGHS refused the Hessian: {} columns here, {highs_cols} in HiGHS, {nz} non-zeros",
                self.cols
            )));
        }
        Ok(())
    }

    fn ptr(&mut self) -> *mut std::os::raw::c_void {
        self.model
            .as_mut()
            .map_or(std::ptr::null_mut(), Model::as_mut_ptr)
    }

    fn check(&self, row: Option<usize>, col: Option<usize>) -> Result<(), SolveError> {
        match (row, col) {
            (Some(r), _) if r >= self.rows => {
                Err(SolveError::Solver(format!("row {r} out of {}", self.rows)))
            }
            (_, Some(c)) if c >= self.cols => Err(SolveError::Solver(format!(
                "column {c} out of {}",
                self.cols
            ))),
            _ if self.model.is_none() => Err(SolveError::Solver(
                "the model was lost in a failed solve".into(),
            )),
            _ => Ok(()),
        }
    }

    fn status(code: highs_sys::HighsInt, what: &str) -> Result<(), SolveError> {
        if code == HIGHS_ERROR {
            Err(SolveError::Solver(format!(
                "HiGHS refused to change {what}"
            )))
        } else {
            Ok(())
        }
    }

    pub fn set_col_bounds(&mut self, col: usize, lower: f64, upper: f64) -> Result<(), SolveError> {
        self.set_cols_bounds(col, &[lower], &[upper])
    }

    pub fn set_row_bounds(&mut self, row: usize, lower: f64, upper: f64) -> Result<(), SolveError> {
        self.set_rows_bounds(row, &[lower], &[upper])
    }

    /// Costs of columns `first..first + cost.len()`.
    pub fn set_cols_cost(&mut self, first: usize, cost: &[f64]) -> Result<(), SolveError> {
        let Some(last) = (first + cost.len()).checked_sub(1) else {
            return Ok(());
        };
        self.check(None, Some(last))?;
        // SAFETY: the live model's pointer; columns first..=last exist; `cost` holds one value
        // per column and outlives the call.
        let code = unsafe {
            highs_sys::Highs_changeColsCostByRange(
                self.ptr(),
                first as highs_sys::HighsInt,
                last as highs_sys::HighsInt,
                cost.as_ptr(),
            )
        };
        Self::status(code, "column costs")
    }

    /// Index of the last of `lower.len()` elements from `first`, checking `upper` matches;
    /// `None` for an empty range.
    fn last_of(first: usize, lower: &[f64], upper: &[f64]) -> Result<Option<usize>, SolveError> {
        if upper.len() != lower.len() {
            return Err(SolveError::Solver("bounds of unequal lengths".into()));
        }
        Ok((first + lower.len()).checked_sub(1))
    }

    /// Bounds of columns `first..first + lower.len()`; `upper` has the same length.
    pub fn set_cols_bounds(
        &mut self,
        first: usize,
        lower: &[f64],
        upper: &[f64],
    ) -> Result<(), SolveError> {
        let Some(last) = Self::last_of(first, lower, upper)? else {
            return Ok(());
        };
        self.check(None, Some(last))?;
        // SAFETY: as above, both slices one value per column.
        let code = unsafe {
            highs_sys::Highs_changeColsBoundsByRange(
                self.ptr(),
                first as highs_sys::HighsInt,
                last as highs_sys::HighsInt,
                lower.as_ptr(),
                upper.as_ptr(),
            )
        };
        Self::status(code, "column bounds")
    }

    /// Bounds of rows `first..first + lower.len()`; `upper` has the same length.
    pub fn set_rows_bounds(
        &mut self,
        first: usize,
        lower: &[f64],
        upper: &[f64],
    ) -> Result<(), SolveError> {
        let Some(last) = Self::last_of(first, lower, upper)? else {
            return Ok(());
        };
        self.check(Some(last), None)?;
        // SAFETY: as above, rows first..=last exist.
        let code = unsafe {
            highs_sys::Highs_changeRowsBoundsByRange(
                self.ptr(),
                first as highs_sys::HighsInt,
                last as highs_sys::HighsInt,
                lower.as_ptr(),
                upper.as_ptr(),
            )
        };
        Self::status(code, "row bounds")
    }

    pub fn set_coeff(&mut self, row: usize, col: usize, value: f64) -> Result<(), SolveError> {
        self.check(Some(row), Some(col))?;
        // SAFETY: as above, both indices checked.
        let code = unsafe {
            highs_sys::Highs_changeCoeff(
                self.ptr(),
                row as highs_sys::HighsInt,
                col as highs_sys::HighsInt,
                value,
            )
        };
        Self::status(code, "a coefficient")
    }

    /// Solves from the previous basis; returns the column values, the objective and the
    /// solve time. The model stays alive for the next change.
    pub fn solve(&mut self) -> Result<(Vec<f64>, f64, Duration), SolveError> {
        let model = self
            .model
            .take()
            .ok_or_else(|| SolveError::Solver("the model was lost in a failed solve".into()))?;
        let solving = Instant::now();
        let solved = model
            .try_solve()
            .map_err(|e| SolveError::Solver(format!("{e:?}")))?;
        let time = solving.elapsed();
        let status = solved.status();
        let result = match status {
            HighsModelStatus::Optimal => Ok((
                solved.get_solution().columns().to_vec(),
                solved.objective_value(),
                time,
            )),
            HighsModelStatus::Infeasible | HighsModelStatus::UnboundedOrInfeasible => {
                Err(SolveError::Infeasible)
            }
            HighsModelStatus::Unbounded => Err(SolveError::Unbounded),
            other => Err(SolveError::Solver(format!("HiGHS status {other:?}"))),
        };
        self.model = Some(Model::from(solved));
        result
    }
}

#[cfg(test)]
mod tests {
    use crate::model::LpBuilder;
    use good_lp::constraint;

    #[test]
    fn a_diagonal_hessian_makes_a_qp_and_can_be_removed() {
        // min (x − 3)² + y = ½·2·x² − 6x + y + 9,  x + y ≥ 1,  x, y ∈ [0, 10]:
        // x = 3, y = 0, objective −9 without the constant.
        let mut lp = LpBuilder::default();
        let v = lp.variables("v".into(), 0, 2, |_| (0.0, 10.0));
        lp.cost(1.0, v.var(1));
        lp.rows("r".into(), 0, [constraint::geq(v.var(0) + v.var(1), 1.0)]);
        let mut model = lp.into_persistent("choose").unwrap();
        model.set_diagonal_hessian(&[0], 2.0).unwrap();
        model.set_cols_cost(0, &[-6.0]).unwrap();
        let (x, objective, _) = model.solve().unwrap();
        assert!((x[0] - 3.0).abs() < 1e-6 && x[1].abs() < 1e-6, "{x:?}");
        assert!((objective + 9.0).abs() < 1e-6, "{objective}");
        // Without the Hessian, the LP min −6x + y: x = 10.
        model.set_diagonal_hessian(&[], 0.0).unwrap();
        let (x, objective, _) = model.solve().unwrap();
        assert!((x[0] - 10.0).abs() < 1e-6, "{x:?}");
        assert!((objective + 60.0).abs() < 1e-6, "{objective}");
    }
}
