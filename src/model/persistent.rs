//! One HiGHS model kept alive across solves, changed in place between them (costs, bounds,
//! coefficients) so the dual simplex warm-starts from the previous basis.
//!
//! The `highs` crate has no safe call for row bounds or coefficients; the raw `highs-sys`
//! calls are wrapped here once, with every index checked against the model's size.

use std::time::{Duration, Instant};

use highs::{Model, RowProblem, Sense};

use super::solve::outcome;
use super::{SolveError, objective};

/// A persistent LP: build once with [`PersistentLp::new`], then change and re-solve.
pub struct PersistentLp {
    model: Option<Model>,
    /// Rows and columns of the LP itself (the rows that pin tie-break levels come after).
    rows: usize,
    cols: usize,
    /// The objectives solved in order, primary first (see `objective`); the model's costs
    /// are the primary's between solves.
    levels: Vec<Vec<f64>>,
    /// Coefficients of each pinning row, `rows + i` pinning level `i`.
    pins: Vec<Vec<f64>>,
    /// The solver method and simplex strategy of the primary solve (tie-break levels run
    /// the primal simplex method from the basis the previous level left).
    method: String,
    simplex_strategy: i32,
    /// HiGHS's objective value of the last solve (used without levels).
    objective: f64,
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
        Ok(PersistentLp::from_model(
            model,
            rows,
            cols,
            ("simplex", 1),
            Vec::new(),
        ))
    }

    /// Keeps a model built elsewhere (with its options set, solver `method` and HiGHS
    /// `simplex_strategy`, costs `levels[0]` if any) alive for changes and re-solves.
    pub(super) fn from_model(
        model: Model,
        rows: usize,
        cols: usize,
        (method, simplex_strategy): (&str, i32),
        levels: Vec<Vec<f64>>,
    ) -> PersistentLp {
        PersistentLp {
            model: Some(model),
            rows,
            cols,
            levels,
            pins: Vec::new(),
            method: method.to_string(),
            simplex_strategy,
            objective: 0.0,
        }
    }

    /// The objectives to solve in order (see `objective`): the model's costs become
    /// `levels[0]`; each further level breaks the ties of those before it.
    pub fn set_levels(&mut self, levels: Vec<Vec<f64>>) -> Result<(), SolveError> {
        if levels.iter().any(|l| l.len() != self.cols) {
            return Err(SolveError::Solver(
                "objective levels of the wrong size".into(),
            ));
        }
        if let Some(primary) = levels.first() {
            self.set_cols_cost(0, primary)?;
        }
        self.levels = levels;
        Ok(())
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

    /// Checks `row` is a row of the model, the pinning rows included.
    fn check_row(&self, row: usize) -> Result<(), SolveError> {
        if row >= self.rows + self.pins.len() {
            return Err(SolveError::Solver(format!(
                "row {row} out of {}",
                self.rows
            )));
        }
        self.check(None, None)
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
    fn set_cols_cost(&mut self, first: usize, cost: &[f64]) -> Result<(), SolveError> {
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
        self.check_row(last)?;
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

    /// Solves from the previous basis, lexicographically over the objective levels if more
    /// than one is set; returns the column values, the primary objective's value and the
    /// solve time. The model stays alive for the next change.
    pub fn solve(&mut self) -> Result<(Vec<f64>, f64, Duration), SolveError> {
        let solving = Instant::now();
        let mut x = self.solve_once()?;
        let tie_breaks = self.levels.len().saturating_sub(1);
        for level in 1..=tie_breaks {
            let pinned = &self.levels[level - 1];
            let bound = objective::value(pinned, &x);
            self.pin(level - 1, bound + objective::tolerance(bound))?;
            let costs = std::mem::take(&mut self.levels[level]);
            let changed = self.set_cols_cost(0, &costs);
            self.levels[level] = costs;
            changed?;
            if level == 1 {
                self.set_option("solver", "simplex")?;
                self.set_int_option("simplex_strategy", 4)?;
            }
            x = self.solve_once()?;
        }
        if tie_breaks > 0 {
            let primary = std::mem::take(&mut self.levels[0]);
            let restored = self.set_cols_cost(0, &primary);
            self.levels[0] = primary;
            restored?;
            for pin in 0..tie_breaks {
                self.set_row_bounds(self.rows + pin, f64::NEG_INFINITY, f64::INFINITY)?;
            }
            let method = self.method.clone();
            self.set_option("solver", method.as_str())?;
            self.set_int_option("simplex_strategy", self.simplex_strategy)?;
        }
        let objective = match self.levels.first() {
            Some(primary) => objective::value(primary, &x),
            None => self.objective,
        };
        Ok((x, objective, solving.elapsed()))
    }

    /// One solve of the model as it stands; its column values.
    fn solve_once(&mut self) -> Result<Vec<f64>, SolveError> {
        let model = self
            .model
            .take()
            .ok_or_else(|| SolveError::Solver("the model was lost in a failed solve".into()))?;
        let solved = model
            .try_solve()
            .map_err(|e| SolveError::Solver(format!("{e:?}")))?;
        let result = outcome(&solved).map(|()| {
            self.objective = solved.objective_value();
            solved.get_solution().columns().to_vec()
        });
        self.model = Some(Model::from(solved));
        result
    }

    /// Makes row `rows + pin` read `levels[pin]·x ≤ upper`: added the first time (whole),
    /// afterwards only the coefficients that changed.
    fn pin(&mut self, pin: usize, upper: f64) -> Result<(), SolveError> {
        let ptr = self.ptr();
        let costs = &self.levels[pin];
        if pin == self.pins.len() {
            let (index, value): (Vec<highs_sys::HighsInt>, Vec<f64>) = costs
                .iter()
                .enumerate()
                .filter(|(_, c)| **c != 0.0)
                .map(|(i, c)| (i as highs_sys::HighsInt, *c))
                .unzip();
            // SAFETY: the live model's pointer; `index` and `value` hold `len` entries each,
            // every index a column of the model, and outlive the call.
            let code = unsafe {
                highs_sys::Highs_addRow(
                    ptr,
                    f64::NEG_INFINITY,
                    upper,
                    index.len() as highs_sys::HighsInt,
                    index.as_ptr(),
                    value.as_ptr(),
                )
            };
            Self::status(code, "the rows that pin an objective")?;
            self.pins.push(costs.clone());
            return Ok(());
        }
        let row = self.rows + pin;
        for col in 0..self.cols {
            let new = self.levels[pin][col];
            if self.pins[pin][col] != new {
                // SAFETY: as above; `row` is a pinning row added before, `col` a column.
                let code = unsafe {
                    highs_sys::Highs_changeCoeff(
                        ptr,
                        row as highs_sys::HighsInt,
                        col as highs_sys::HighsInt,
                        new,
                    )
                };
                Self::status(code, "a pinning coefficient")?;
                self.pins[pin][col] = new;
            }
        }
        // SAFETY: as above, the row exists.
        let code = unsafe {
            highs_sys::Highs_changeRowBounds(
                ptr,
                row as highs_sys::HighsInt,
                f64::NEG_INFINITY,
                upper,
            )
        };
        Self::status(code, "a pinning bound")
    }

    fn set_int_option(&mut self, key: &str, value: i32) -> Result<(), SolveError> {
        let model = self
            .model
            .as_mut()
            .ok_or_else(|| SolveError::Solver("the model was lost in a failed solve".into()))?;
        model
            .try_set_option(key, value)
            .map_err(|e| SolveError::Solver(format!("option {key}={value}: {e:?}")))
    }

    fn set_option(&mut self, key: &str, value: &str) -> Result<(), SolveError> {
        let model = self
            .model
            .as_mut()
            .ok_or_else(|| SolveError::Solver("the model was lost in a failed solve".into()))?;
        model
            .try_set_option(key, value)
            .map_err(|e| SolveError::Solver(format!("option {key}={value}: {e:?}")))
    }
}
