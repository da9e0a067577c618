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

/// An LP read back from HiGHS: minimise `cost·x` subject to `row_lower ≤ A x ≤ row_upper`
/// and `col_lower ≤ x ≤ col_upper`, with A in compressed sparse columns.
#[derive(Debug, Clone)]
pub struct LpData {
    pub cost: Vec<f64>,
    pub col_lower: Vec<f64>,
    pub col_upper: Vec<f64>,
    pub row_lower: Vec<f64>,
    pub row_upper: Vec<f64>,
    pub a_start: Vec<usize>,
    pub a_index: Vec<usize>,
    pub a_value: Vec<f64>,
}

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

    /// The LP as HiGHS holds it, columns-wise.
    pub fn lp_data(&mut self) -> Result<LpData, SolveError> {
        self.check(None, None)?;
        let ptr = self.ptr();
        // SAFETY: the live model's pointer; HiGHS only reads the model here.
        let nz = unsafe { highs_sys::Highs_getNumNz(ptr) }.max(0) as usize;
        let (n, m) = (self.cols, self.rows);
        let mut lp = LpData {
            cost: vec![0.0; n],
            col_lower: vec![0.0; n],
            col_upper: vec![0.0; n],
            row_lower: vec![0.0; m],
            row_upper: vec![0.0; m],
            a_start: vec![0; n + 1],
            a_index: vec![0; nz],
            a_value: vec![0.0; nz],
        };
        let (mut num_col, mut num_row, mut num_nz, mut sense) = (0, 0, 0, 0);
        let mut offset = 0.0;
        let mut start: Vec<highs_sys::HighsInt> = vec![0; n + 1];
        let mut index: Vec<highs_sys::HighsInt> = vec![0; nz];
        const COLUMNWISE: highs_sys::HighsInt = 1;
        // SAFETY: every output array is sized from the model's own counts (columns, rows,
        // non-zeros; `start` has one extra entry HiGHS may leave alone); integrality is not
        // asked for (null).
        let code = unsafe {
            highs_sys::Highs_getLp(
                ptr,
                COLUMNWISE,
                &mut num_col,
                &mut num_row,
                &mut num_nz,
                &mut sense,
                &mut offset,
                lp.cost.as_mut_ptr(),
                lp.col_lower.as_mut_ptr(),
                lp.col_upper.as_mut_ptr(),
                lp.row_lower.as_mut_ptr(),
                lp.row_upper.as_mut_ptr(),
                start.as_mut_ptr(),
                index.as_mut_ptr(),
                lp.a_value.as_mut_ptr(),
                std::ptr::null_mut(),
            )
        };
        Self::status(code, "(reading) the model")?;
        if num_col as usize != n || num_row as usize != m || num_nz as usize != nz {
            return Err(SolveError::Solver(
                "HiGHS returned an LP of another size".into(),
            ));
        }
        start[n] = nz as highs_sys::HighsInt;
        lp.a_start = start.iter().map(|&v| v as usize).collect();
        lp.a_index = index.iter().map(|&v| v as usize).collect();
        Ok(lp)
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
