//! The one place vppsim calls HiGHS's C API (`highs-sys`): [`Highs`] owns one HiGHS
//! instance and offers safe calls on it. Every index passed in is checked against the sizes
//! HiGHS reports for its model, and every buffer HiGHS writes into is sized from them.
//!
//! A `Highs` holds a raw pointer and is therefore neither `Send` nor `Sync`: a model lives
//! and dies on the thread that made it (the ADMM agents are pinned to their threads).

#![allow(unsafe_code)]

use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::ptr::NonNull;

use highs_sys::HighsInt;

use super::SolveError;
use super::observe::{self, Method, SolveProgress};

/// HiGHS's `kHighsStatusError`.
const STATUS_ERROR: HighsInt = -1;
/// HiGHS's `kHighsInf`.
const INF: f64 = f64::INFINITY;
/// Row-wise matrix format of `Highs_passLp`.
const ROW_WISE: HighsInt = 2;
/// `ObjSense::kMinimize`.
const MINIMISE: HighsInt = 1;

/// An option value for [`Highs::set_option`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OptionValue<'a> {
    Str(&'a str),
    Int(i32),
    Float(f64),
    Bool(bool),
}

impl std::fmt::Display for OptionValue<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OptionValue::Str(s) => write!(f, "{s}"),
            OptionValue::Int(i) => write!(f, "{i}"),
            OptionValue::Float(x) => write!(f, "{x}"),
            OptionValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// The outcome of a solve, in HiGHS's distinctions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Optimal,
    Infeasible,
    Unbounded,
    TimeLimit,
    IterationLimit,
    /// Any other model status, with HiGHS's code.
    Other(HighsInt),
}

/// An LP in row-wise compressed form, minimised: `row_lower ≤ A x ≤ row_upper`,
/// `col_lower ≤ x ≤ col_upper`; `a_start` has one entry per row and a last one.
pub struct Arrays<'a> {
    pub cost: &'a [f64],
    pub col_lower: &'a [f64],
    pub col_upper: &'a [f64],
    pub row_lower: &'a [f64],
    pub row_upper: &'a [f64],
    pub a_start: &'a [usize],
    pub a_index: &'a [usize],
    pub a_value: &'a [f64],
    /// Columns that must be integer, if any.
    pub integer: Option<&'a [bool]>,
}

/// One HiGHS instance (see the module documentation).
pub struct Highs {
    ptr: NonNull<c_void>,
}

impl Drop for Highs {
    fn drop(&mut self) {
        // SAFETY: the pointer came from Highs_create and is destroyed exactly once.
        unsafe { highs_sys::Highs_destroy(self.ptr.as_ptr()) }
    }
}

fn index(i: usize) -> Result<HighsInt, SolveError> {
    HighsInt::try_from(i)
        .map_err(|_| SolveError::Solver(format!("index {i} is too large for HiGHS")))
}

fn check(code: HighsInt, what: &str) -> Result<(), SolveError> {
    if code == STATUS_ERROR {
        Err(SolveError::Solver(format!("HiGHS refused {what}")))
    } else {
        Ok(())
    }
}

fn c_string(text: &str) -> Result<CString, SolveError> {
    CString::new(text).map_err(|_| SolveError::Solver(format!("'{text}' holds a NUL byte")))
}

/// HiGHS's callback: passes log text and iteration progress to the observer. Never unwinds
/// into HiGHS (a panic in the observer is caught and dropped).
unsafe extern "C" fn observed(
    kind: c_int,
    message: *const c_char,
    out: *const highs_sys::HighsCallbackDataOut,
    _data_in: *mut highs_sys::HighsCallbackDataIn,
    _user: *mut c_void,
) {
    let Some(observer) = observe::current() else {
        return;
    };
    if kind == highs_sys::kHighsCallbackLogging {
        if message.is_null() {
            return;
        }
        // SAFETY: HiGHS passes a NUL-terminated message valid for this call.
        let text = unsafe { CStr::from_ptr(message) }.to_string_lossy();
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| observer.log(&text)));
        return;
    }
    // SAFETY: HiGHS passes its output data, valid for this call, or null.
    let Some(out) = (unsafe { out.as_ref() }) else {
        return;
    };
    let (method, iterations) = if kind == highs_sys::kHighsCallbackSimplexInterrupt {
        (Method::Simplex, out.simplex_iteration_count)
    } else if kind == highs_sys::kHighsCallbackIpmInterrupt {
        (Method::InteriorPoint, out.ipm_iteration_count)
    } else {
        return;
    };
    let progress = SolveProgress {
        method,
        iterations: i64::from(iterations),
        objective: out.objective_function_value,
        seconds: out.running_time,
    };
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| observer.progress(progress)));
}

impl Highs {
    /// A new, empty, quiet HiGHS instance (reporting to the installed observer, if any).
    pub fn new() -> Result<Highs, SolveError> {
        // SAFETY: Highs_create has no preconditions; a null result means it failed.
        let ptr = NonNull::new(unsafe { highs_sys::Highs_create() })
            .ok_or_else(|| SolveError::Solver("HiGHS could not be created".into()))?;
        let mut highs = Highs { ptr };
        highs.set_option("output_flag", OptionValue::Bool(false))?;
        highs.attach_observer()?;
        Ok(highs)
    }

    /// Hands HiGHS's log and iteration progress to the installed observer, if any (see
    /// [`observe`]): the log goes through the callback, never to HiGHS's console output.
    fn attach_observer(&mut self) -> Result<(), SolveError> {
        let Some(observer) = observe::current() else {
            return Ok(());
        };
        let (log, progress) = (observer.wants_log(), observer.wants_progress());
        if !log && !progress {
            return Ok(());
        }
        if log {
            self.set_option("output_flag", OptionValue::Bool(true))?;
            self.set_option("log_to_console", OptionValue::Bool(false))?;
        }
        // SAFETY: the live instance; `observed` is a plain function that reads only what
        // HiGHS passes for the duration of each call, and takes no user data.
        let code = unsafe {
            highs_sys::Highs_setCallback(self.raw(), Some(observed), std::ptr::null_mut())
        };
        check(code, "a callback")?;
        let mut kinds = Vec::new();
        if log {
            kinds.push(highs_sys::kHighsCallbackLogging);
        }
        if progress {
            kinds.push(highs_sys::kHighsCallbackSimplexInterrupt);
            kinds.push(highs_sys::kHighsCallbackIpmInterrupt);
        }
        for kind in kinds {
            // SAFETY: the live instance and a callback type HiGHS defines.
            check(
                unsafe { highs_sys::Highs_startCallback(self.raw(), kind) },
                "a callback type",
            )?;
        }
        Ok(())
    }

    fn raw(&self) -> *mut c_void {
        self.ptr.as_ptr()
    }

    /// Number of columns and rows of the model HiGHS holds.
    pub fn size(&self) -> (usize, usize) {
        // SAFETY: the live instance; these calls only read counts.
        let (cols, rows) = unsafe {
            (
                highs_sys::Highs_getNumCol(self.raw()),
                highs_sys::Highs_getNumRow(self.raw()),
            )
        };
        (cols.max(0) as usize, rows.max(0) as usize)
    }

    /// Sets one option; a refusal is an error naming option and value.
    pub fn set_option(&mut self, key: &str, value: OptionValue) -> Result<(), SolveError> {
        let name = c_string(key)?;
        // SAFETY: the live instance and a NUL-terminated name; string values are
        // NUL-terminated copies that outlive the call.
        let code = unsafe {
            match value {
                OptionValue::Str(s) => {
                    let v = c_string(s)?;
                    highs_sys::Highs_setStringOptionValue(self.raw(), name.as_ptr(), v.as_ptr())
                }
                OptionValue::Int(i) => {
                    highs_sys::Highs_setIntOptionValue(self.raw(), name.as_ptr(), i as HighsInt)
                }
                OptionValue::Float(x) => {
                    highs_sys::Highs_setDoubleOptionValue(self.raw(), name.as_ptr(), x)
                }
                OptionValue::Bool(b) => highs_sys::Highs_setBoolOptionValue(
                    self.raw(),
                    name.as_ptr(),
                    HighsInt::from(b),
                ),
            }
        };
        check(code, &format!("option {key}={value}"))
    }

    /// Replaces the model with `lp` (forgetting any basis).
    pub fn pass(&mut self, lp: &Arrays) -> Result<(), SolveError> {
        let (n, m) = (lp.col_lower.len(), lp.row_lower.len());
        let nz = lp.a_index.len();
        let sized = lp.cost.len() == n
            && lp.col_upper.len() == n
            && lp.row_upper.len() == m
            && lp.a_start.len() == m + 1
            && lp.a_value.len() == nz
            && lp.a_start.last() == Some(&nz)
            && lp.a_index.iter().all(|&c| c < n)
            && lp.integer.is_none_or(|i| i.len() == n);
        if !sized {
            return Err(SolveError::Solver("an LP of inconsistent sizes".into()));
        }
        let start: Vec<HighsInt> = lp
            .a_start
            .iter()
            .map(|&s| index(s))
            .collect::<Result<_, _>>()?;
        let idx: Vec<HighsInt> = lp
            .a_index
            .iter()
            .map(|&c| index(c))
            .collect::<Result<_, _>>()?;
        let (n, m, nz) = (index(n)?, index(m)?, index(nz)?);
        // SAFETY: the live instance; every array holds the length the counts say (checked
        // above) and outlives the call, which copies them.
        let code = unsafe {
            match lp.integer {
                Some(integer) => {
                    let kinds: Vec<HighsInt> = integer.iter().map(|&i| HighsInt::from(i)).collect();
                    highs_sys::Highs_passMip(
                        self.raw(),
                        n,
                        m,
                        nz,
                        ROW_WISE,
                        MINIMISE,
                        0.0,
                        lp.cost.as_ptr(),
                        lp.col_lower.as_ptr(),
                        lp.col_upper.as_ptr(),
                        lp.row_lower.as_ptr(),
                        lp.row_upper.as_ptr(),
                        start.as_ptr(),
                        idx.as_ptr(),
                        lp.a_value.as_ptr(),
                        kinds.as_ptr(),
                    )
                }
                None => highs_sys::Highs_passLp(
                    self.raw(),
                    n,
                    m,
                    nz,
                    ROW_WISE,
                    MINIMISE,
                    0.0,
                    lp.cost.as_ptr(),
                    lp.col_lower.as_ptr(),
                    lp.col_upper.as_ptr(),
                    lp.row_lower.as_ptr(),
                    lp.row_upper.as_ptr(),
                    start.as_ptr(),
                    idx.as_ptr(),
                    lp.a_value.as_ptr(),
                ),
            }
        };
        check(code, "the model")
    }

    /// Solves the model from where the last solve left it (its basis, if any).
    pub fn run(&mut self) -> Result<Status, SolveError> {
        // SAFETY: the live instance.
        let code = unsafe { highs_sys::Highs_run(self.raw()) };
        check(code, "to solve the model")?;
        // SAFETY: as above; reads the status only.
        let status = unsafe { highs_sys::Highs_getModelStatus(self.raw()) };
        Ok(match status {
            highs_sys::kHighsModelStatusOptimal => Status::Optimal,
            highs_sys::kHighsModelStatusInfeasible
            | highs_sys::kHighsModelStatusUnboundedOrInfeasible => Status::Infeasible,
            highs_sys::kHighsModelStatusUnbounded => Status::Unbounded,
            highs_sys::kHighsModelStatusTimeLimit => Status::TimeLimit,
            highs_sys::kHighsModelStatusIterationLimit => Status::IterationLimit,
            other => Status::Other(other),
        })
    }

    /// The column values of the last solution.
    pub fn columns(&self) -> Vec<f64> {
        self.solution(false).0
    }

    /// The duals of the last solution: per column (reduced costs `c − Aᵀy`) and per row
    /// (`y`, HiGHS's sign: positive where a row's lower bound holds, for minimisation).
    pub fn duals(&self) -> (Vec<f64>, Vec<f64>) {
        self.solution(true)
    }

    /// One half of the last solution, per column and per row: the primal values (column
    /// values, row activities) or, with `duals`, the dual values.
    fn solution(&self, duals: bool) -> (Vec<f64>, Vec<f64>) {
        let (n, m) = self.size();
        let mut cols = vec![0.0; n];
        let mut rows = vec![0.0; m];
        let (col_ptr, row_ptr) = (cols.as_mut_ptr(), rows.as_mut_ptr());
        let null = std::ptr::null_mut();
        let (col_value, col_dual, row_value, row_dual) = if duals {
            (null, col_ptr, null, row_ptr)
        } else {
            (col_ptr, null, row_ptr, null)
        };
        // SAFETY: the live instance; the buffers are sized from the model's own counts; the
        // half not asked for is null.
        unsafe {
            highs_sys::Highs_getSolution(self.raw(), col_value, col_dual, row_value, row_dual);
        }
        (cols, rows)
    }

    fn range(
        &self,
        first: usize,
        len: usize,
        rows: bool,
    ) -> Result<Option<(HighsInt, HighsInt)>, SolveError> {
        if len == 0 {
            return Ok(None);
        }
        let (n, m) = self.size();
        let limit = if rows { m } else { n };
        if first + len > limit {
            return Err(SolveError::Solver(format!(
                "{} {first}..{} out of {limit}",
                if rows { "rows" } else { "columns" },
                first + len
            )));
        }
        Ok(Some((index(first)?, index(first + len - 1)?)))
    }

    /// Costs of columns `first..first + cost.len()`.
    pub fn set_costs(&mut self, first: usize, cost: &[f64]) -> Result<(), SolveError> {
        let Some((from, to)) = self.range(first, cost.len(), false)? else {
            return Ok(());
        };
        // SAFETY: the live instance; the range exists; `cost` holds one value per column.
        let code =
            unsafe { highs_sys::Highs_changeColsCostByRange(self.raw(), from, to, cost.as_ptr()) };
        check(code, "column costs")
    }

    /// Bounds of columns `first..first + lower.len()`.
    pub fn set_col_bounds(
        &mut self,
        first: usize,
        lower: &[f64],
        upper: &[f64],
    ) -> Result<(), SolveError> {
        if lower.len() != upper.len() {
            return Err(SolveError::Solver("bounds of unequal lengths".into()));
        }
        let Some((from, to)) = self.range(first, lower.len(), false)? else {
            return Ok(());
        };
        // SAFETY: as above, both slices one value per column.
        let code = unsafe {
            highs_sys::Highs_changeColsBoundsByRange(
                self.raw(),
                from,
                to,
                lower.as_ptr(),
                upper.as_ptr(),
            )
        };
        check(code, "column bounds")
    }

    /// Bounds of rows `first..first + lower.len()`.
    pub fn set_row_bounds(
        &mut self,
        first: usize,
        lower: &[f64],
        upper: &[f64],
    ) -> Result<(), SolveError> {
        if lower.len() != upper.len() {
            return Err(SolveError::Solver("bounds of unequal lengths".into()));
        }
        let Some((from, to)) = self.range(first, lower.len(), true)? else {
            return Ok(());
        };
        // SAFETY: as above, rows first..=last exist.
        let code = unsafe {
            highs_sys::Highs_changeRowsBoundsByRange(
                self.raw(),
                from,
                to,
                lower.as_ptr(),
                upper.as_ptr(),
            )
        };
        check(code, "row bounds")
    }

    /// Coefficient of column `col` in row `row` (zero removes it).
    pub fn set_coeff(&mut self, row: usize, col: usize, value: f64) -> Result<(), SolveError> {
        self.range(row, 1, true)?;
        self.range(col, 1, false)?;
        // SAFETY: the live instance; both indices exist.
        let code =
            unsafe { highs_sys::Highs_changeCoeff(self.raw(), index(row)?, index(col)?, value) };
        check(code, "a coefficient")
    }

    /// Appends the row `lower ≤ Σ value·x[index] ≤ upper`.
    pub fn add_row(
        &mut self,
        lower: f64,
        upper: f64,
        cols: &[usize],
        value: &[f64],
    ) -> Result<(), SolveError> {
        let (n, _) = self.size();
        if cols.len() != value.len() || cols.iter().any(|&c| c >= n) {
            return Err(SolveError::Solver(
                "a row with columns out of the model".into(),
            ));
        }
        let idx: Vec<HighsInt> = cols.iter().map(|&c| index(c)).collect::<Result<_, _>>()?;
        let lower = if lower == f64::NEG_INFINITY {
            -INF
        } else {
            lower
        };
        // SAFETY: the live instance; `idx` and `value` hold the same number of entries,
        // every one a column of the model, and outlive the call.
        let code = unsafe {
            highs_sys::Highs_addRow(
                self.raw(),
                lower,
                upper,
                index(cols.len())?,
                idx.as_ptr(),
                value.as_ptr(),
            )
        };
        check(code, "a row")
    }

    /// Names the columns and rows (for files written by [`Highs::write`]).
    pub fn set_names(&mut self, columns: &[String], rows: &[String]) -> Result<(), SolveError> {
        let (n, m) = self.size();
        if columns.len() != n || rows.len() != m {
            return Err(SolveError::Solver("names for another model".into()));
        }
        for (i, name) in columns.iter().enumerate() {
            let name = c_string(name)?;
            // SAFETY: the live instance, an existing column and a NUL-terminated name.
            let code =
                unsafe { highs_sys::Highs_passColName(self.raw(), index(i)?, name.as_ptr()) };
            check(code, "a column name")?;
        }
        for (i, name) in rows.iter().enumerate() {
            let name = c_string(name)?;
            // SAFETY: as above, an existing row.
            let code =
                unsafe { highs_sys::Highs_passRowName(self.raw(), index(i)?, name.as_ptr()) };
            check(code, "a row name")?;
        }
        Ok(())
    }

    /// Replaces the model by the one in the file `path` (`.lp` or `.mps`, by extension), as
    /// HiGHS reads it: to check a model written by [`Highs::write`] solves the same.
    pub fn read(&mut self, path: &std::path::Path) -> Result<(), SolveError> {
        let (text, name) = c_path(path)?;
        // SAFETY: the live instance and a NUL-terminated path.
        let code = unsafe { highs_sys::Highs_readModel(self.raw(), name.as_ptr()) };
        check(code, &format!("to read {text}"))
    }

    /// The objective value of the last solution (the model's own costs and offset).
    pub fn objective_value(&self) -> f64 {
        // SAFETY: the live instance; reads a value only.
        unsafe { highs_sys::Highs_getObjectiveValue(self.raw()) }
    }

    /// Writes the model to `path` in the format its extension names (`.lp`, `.mps`).
    pub fn write(&mut self, path: &std::path::Path) -> Result<(), SolveError> {
        let (text, name) = c_path(path)?;
        // SAFETY: the live instance and a NUL-terminated path.
        let code = unsafe { highs_sys::Highs_writeModel(self.raw(), name.as_ptr()) };
        check(code, &format!("to write {text}"))
    }
}

/// A file path as text (for messages) and as the C string HiGHS takes; HiGHS's C API takes
/// UTF-8 paths only.
fn c_path(path: &std::path::Path) -> Result<(&str, CString), SolveError> {
    let text = path
        .to_str()
        .ok_or_else(|| SolveError::Solver(format!("{} is not valid UTF-8", path.display())))?;
    Ok((text, c_string(text)?))
}

/// Reads the model in the file `path` (`.mps` or `.lp`) into a fresh HiGHS with its default
/// options and solves it; its optimal objective value. For checking a model written by
/// `vppsim run --write-lp` solves to the run's objective.
pub fn solve_file(path: &std::path::Path) -> Result<f64, SolveError> {
    let mut highs = Highs::new()?;
    highs.read(path)?;
    match highs.run()? {
        Status::Optimal => Ok(highs.objective_value()),
        Status::Infeasible => Err(SolveError::Infeasible),
        Status::Unbounded => Err(SolveError::Unbounded),
        other => Err(SolveError::Solver(format!("HiGHS status {other:?}"))),
    }
}
