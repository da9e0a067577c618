//! LP building with deterministic names, and solving with HiGHS.
//!
//! [`LpBuilder`] holds the LP as plain arrays (column bounds, rows in compressed row form,
//! the objective by term): assets add columns in named blocks and rows as sparse
//! [`Linear`] expressions. Block `battery1.soc_balance` starting at step 16 names its rows
//! `battery1.soc_balance[16]`, `[17]`, …; names are derived from the blocks on demand, so
//! building costs no string per column. [`LpBuilder::finish`] gives the [`Lp`], which a
//! [`Solver`] solves; a solver kept alive is handed the next window's `Lp` and changes its
//! HiGHS model in place where only values moved (see `solve`).

mod bus;
mod fixed;
mod highs;
pub mod objective;
pub mod observe;
mod qp;
mod solve;
mod warm_qp;

pub use bus::{Bus, UnservedCost};
pub use fixed::FixedColumns;
pub use highs::solve_file;
pub use objective::{ObjectiveSpec, Term, Weights};
pub use qp::DiagonalQp;
pub use solve::{
    LpSolution, Method, Presolve, SolveError, Solver, SolverOptions, available_threads,
};
pub use warm_qp::WarmQp;

use objective::TermCosts;

/// A named, contiguous run of LP columns (or rows), indexed from `offset` in its name.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub name: String,
    /// First column (row) index in the model.
    pub first: usize,
    pub len: usize,
    /// Index shown in the name of the first element, e.g. the global step.
    pub offset: usize,
}

/// A block of columns, one per step of a window (or per window, month, …).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VarBlock {
    first: usize,
    len: usize,
}

impl VarBlock {
    /// Model index of the column of local step `t`.
    pub fn col(&self, t: usize) -> usize {
        debug_assert!(t < self.len);
        self.first + t
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Model index of the block's first column.
    pub fn first(&self) -> usize {
        self.first
    }

    /// The block's values among a model's column values.
    pub fn values_in<'a>(&self, columns: &'a [f64]) -> &'a [f64] {
        &columns[self.first..self.first + self.len]
    }

    /// The block's values in a solution.
    pub fn values<'a>(&self, solution: &'a LpSolution) -> &'a [f64] {
        self.values_in(&solution.columns)
    }
}

/// A sparse linear expression over the model's columns, plus a constant.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Linear {
    terms: Vec<(usize, f64)>,
    constant: f64,
}

impl Linear {
    pub fn with_capacity(n: usize) -> Linear {
        Linear {
            terms: Vec::with_capacity(n),
            constant: 0.0,
        }
    }

    /// `self + coefficient · column`.
    pub fn plus(mut self, coefficient: f64, col: usize) -> Linear {
        self.add(coefficient, col);
        self
    }

    /// Adds `coefficient · column`.
    pub fn add(&mut self, coefficient: f64, col: usize) {
        self.terms.push((col, coefficient));
    }

    /// Adds a constant.
    pub fn add_constant(&mut self, value: f64) {
        self.constant += value;
    }

    /// `self − other`.
    pub fn minus(mut self, other: &Linear) -> Linear {
        self.terms.extend(other.terms.iter().map(|&(c, v)| (c, -v)));
        self.constant -= other.constant;
        self
    }

    /// The row `self = rhs`.
    pub fn eq(self, rhs: f64) -> Row {
        self.between(rhs, rhs)
    }

    /// The row `self ≤ rhs`.
    pub fn leq(self, rhs: f64) -> Row {
        self.between(f64::NEG_INFINITY, rhs)
    }

    /// The row `self ≥ rhs`.
    pub fn geq(self, rhs: f64) -> Row {
        self.between(rhs, f64::INFINITY)
    }

    /// The row `lower ≤ self ≤ upper`.
    pub fn between(self, lower: f64, upper: f64) -> Row {
        Row {
            lower: lower - self.constant,
            upper: upper - self.constant,
            terms: self.terms,
        }
    }
}

/// A row `lower ≤ Σ coefficient · column ≤ upper`.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    terms: Vec<(usize, f64)>,
    lower: f64,
    upper: f64,
}

/// A built LP, minimised lexicographically over `levels` (see [`objective`]):
/// `row_lower ≤ A x ≤ row_upper`, `col_lower ≤ x ≤ col_upper`, A in compressed rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Lp {
    pub col_lower: Vec<f64>,
    pub col_upper: Vec<f64>,
    /// Which columns are binary; empty for a pure LP.
    pub integer: Vec<bool>,
    pub row_lower: Vec<f64>,
    pub row_upper: Vec<f64>,
    pub a_start: Vec<usize>,
    pub a_index: Vec<usize>,
    pub a_value: Vec<f64>,
    /// The objectives in solve order, the weighted primary first.
    pub levels: Vec<Vec<f64>>,
    /// Names of the column and row blocks.
    pub column_blocks: Vec<Block>,
    pub row_blocks: Vec<Block>,
}

impl Lp {
    pub fn num_columns(&self) -> usize {
        self.col_lower.len()
    }

    pub fn num_rows(&self) -> usize {
        self.row_lower.len()
    }

    /// Name of column `index`, e.g. `battery1.soc[17]`.
    pub fn column_name(&self, index: usize) -> String {
        name_in(&self.column_blocks, index)
    }

    /// Name of row `index`, e.g. `bus.balance[3]`.
    pub fn row_name(&self, index: usize) -> String {
        name_in(&self.row_blocks, index)
    }

    /// The LP as text, every column and row by name, for review and golden files:
    /// the objective levels in solve order (`minimise level k: +c name …`), the rows
    /// (`name: lower <= +a name … <= upper`), the column bounds and the binary columns. Zero
    /// coefficients are left out; numbers are written in their shortest exact form.
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let names: Vec<String> = (0..self.num_columns())
            .map(|c| self.column_name(c))
            .collect();
        let mut out = format!(
            "\\ vppsim LP: {} columns, {} rows, {} objective level(s), minimised in order\n",
            self.num_columns(),
            self.num_rows(),
            self.levels.len()
        );
        for (k, level) in self.levels.iter().enumerate() {
            let _ = write!(out, "minimise level {k}:");
            for (c, v) in level.iter().enumerate().filter(|(_, v)| **v != 0.0) {
                let _ = write!(out, " {v:+} {}", names[c]);
            }
            out.push('\n');
        }
        out.push_str("subject to\n");
        for r in 0..self.num_rows() {
            let _ = write!(out, " {}: {} <=", self.row_name(r), self.row_lower[r]);
            for e in self.a_start[r]..self.a_start[r + 1] {
                let _ = write!(out, " {:+} {}", self.a_value[e], names[self.a_index[e]]);
            }
            let _ = writeln!(out, " <= {}", self.row_upper[r]);
        }
        out.push_str("bounds\n");
        for (c, name) in names.iter().enumerate() {
            let _ = writeln!(
                out,
                " {} <= {name} <= {}",
                self.col_lower[c], self.col_upper[c]
            );
        }
        let binaries: Vec<&str> = names
            .iter()
            .zip(&self.integer)
            .filter(|(_, b)| **b)
            .map(|(n, _)| n.as_str())
            .collect();
        if !binaries.is_empty() {
            let _ = writeln!(out, "binaries\n {}", binaries.join(" "));
        }
        out
    }

    /// Whether `other` has the same columns, rows and integer columns (values may differ).
    pub fn same_shape(&self, other: &Lp) -> bool {
        self.num_columns() == other.num_columns()
            && self.num_rows() == other.num_rows()
            && self.integer == other.integer
            && self.levels.len() == other.levels.len()
    }
}

/// An LP under construction (see the module documentation).
pub struct LpBuilder {
    col_lower: Vec<f64>,
    col_upper: Vec<f64>,
    integer: Vec<bool>,
    column_blocks: Vec<Block>,
    row_lower: Vec<f64>,
    row_upper: Vec<f64>,
    a_start: Vec<usize>,
    a_index: Vec<usize>,
    a_value: Vec<f64>,
    row_blocks: Vec<Block>,
    costs: TermCosts,
    objective: ObjectiveSpec,
    /// Put before every block name, e.g. `park/` when several sites share one model.
    prefix: String,
}

impl Default for LpBuilder {
    fn default() -> Self {
        LpBuilder::with_capacity(0, 0)
    }
}

impl LpBuilder {
    /// An empty LP with room for `columns` columns and `rows` rows, minimising import with
    /// ties broken ([`ObjectiveSpec::default`]) until [`LpBuilder::set_objective`].
    pub fn with_capacity(columns: usize, rows: usize) -> LpBuilder {
        LpBuilder {
            col_lower: Vec::with_capacity(columns),
            col_upper: Vec::with_capacity(columns),
            integer: Vec::new(),
            column_blocks: Vec::new(),
            row_lower: Vec::with_capacity(rows),
            row_upper: Vec::with_capacity(rows),
            a_start: vec![0],
            a_index: Vec::with_capacity(3 * rows),
            a_value: Vec::with_capacity(3 * rows),
            row_blocks: Vec::new(),
            costs: TermCosts::default(),
            objective: ObjectiveSpec::default(),
            prefix: String::new(),
        }
    }

    /// How the objective's terms are weighted and ties broken.
    pub fn set_objective(&mut self, objective: ObjectiveSpec) {
        self.objective = objective;
    }

    /// The weights of the objective's terms.
    pub fn weights(&self) -> Weights {
        self.objective.weights
    }

    /// Names the blocks added from now on `<prefix><name>`.
    pub fn set_prefix(&mut self, prefix: &str) {
        self.prefix.clear();
        self.prefix.push_str(prefix);
    }

    fn named(&self, name: String) -> String {
        if self.prefix.is_empty() {
            name
        } else {
            format!("{}{name}", self.prefix)
        }
    }

    /// Adds `len` columns named `name[offset..offset+len]` with bounds `bounds(t)`.
    pub fn variables(
        &mut self,
        name: String,
        offset: usize,
        len: usize,
        bounds: impl Fn(usize) -> (f64, f64),
    ) -> VarBlock {
        let first = self.col_lower.len();
        for t in 0..len {
            let (lo, hi) = bounds(t);
            self.col_lower.push(lo);
            self.col_upper.push(hi);
        }
        if !self.integer.is_empty() {
            self.integer.resize(first + len, false);
        }
        self.column_blocks.push(Block {
            name: self.named(name),
            first,
            len,
            offset,
        });
        VarBlock { first, len }
    }

    /// Adds `len` binary columns named `name[offset..offset+len]` (the LP becomes a MIP).
    pub fn binaries(&mut self, name: String, offset: usize, len: usize) -> VarBlock {
        self.integers(name, offset, len, 0.0, 1.0)
    }

    /// Adds `len` integer columns named `name[offset..offset+len]` in `[lower, upper]` (the LP
    /// becomes a MIP).
    pub fn integers(
        &mut self,
        name: String,
        offset: usize,
        len: usize,
        lower: f64,
        upper: f64,
    ) -> VarBlock {
        let block = self.variables(name, offset, len, |_| (lower, upper));
        self.integer.resize(block.first, false);
        self.integer.resize(block.first + len, true);
        block
    }

    /// Adds rows named `name[offset..]`, one per row given.
    pub fn rows(&mut self, name: String, offset: usize, rows: impl IntoIterator<Item = Row>) {
        let first = self.row_lower.len();
        for mut row in rows {
            self.row_lower.push(row.lower);
            self.row_upper.push(row.upper);
            // One entry per column: a column named twice has its coefficients summed.
            row.terms.sort_unstable_by_key(|t| t.0);
            for (col, value) in row.terms {
                if self.a_index.len() > *self.a_start.last().expect("one start at least")
                    && self.a_index.last() == Some(&col)
                {
                    *self.a_value.last_mut().expect("an entry") += value;
                } else {
                    self.a_index.push(col);
                    self.a_value.push(value);
                }
            }
            self.a_start.push(self.a_index.len());
        }
        let len = self.row_lower.len() - first;
        self.row_blocks.push(Block {
            name: self.named(name),
            first,
            len,
            offset,
        });
    }

    /// Adds `amount` of `term` per unit of the column of local step `t` of `block` to the
    /// objective (e.g. `Term::Cost`, `dt·price` CNY per MW imported).
    pub fn cost(&mut self, term: Term, amount: f64, block: &VarBlock, t: usize) {
        self.costs.add(term, amount, block.col(t));
    }

    /// The objective's terms collected so far, to add to.
    pub fn costs_mut(&mut self) -> &mut TermCosts {
        &mut self.costs
    }

    pub fn num_columns(&self) -> usize {
        self.col_lower.len()
    }

    pub fn num_rows(&self) -> usize {
        self.row_lower.len()
    }

    /// Upper bound of column `col`.
    pub fn column_upper(&self, col: usize) -> f64 {
        self.col_upper[col]
    }

    /// The LP as built, its objective levels formed (see [`objective`]).
    pub fn finish(self) -> Lp {
        let levels = self.costs.levels(&self.objective, self.col_lower.len());
        Lp {
            col_lower: self.col_lower,
            col_upper: self.col_upper,
            integer: self.integer,
            row_lower: self.row_lower,
            row_upper: self.row_upper,
            a_start: self.a_start,
            a_index: self.a_index,
            a_value: self.a_value,
            levels,
            column_blocks: self.column_blocks,
            row_blocks: self.row_blocks,
        }
    }

    /// Builds the LP and solves it once with a new HiGHS model.
    pub fn solve(self, options: &SolverOptions) -> Result<LpSolution, SolveError> {
        let mut solver = Solver::once(options)?;
        solver.load(self.finish())?;
        solver.solve()
    }
}

fn name_in(blocks: &[Block], index: usize) -> String {
    let i = blocks.partition_point(|b| b.first + b.len <= index);
    match blocks.get(i) {
        Some(b) if index >= b.first => format!("{}[{}]", b.name, b.offset + index - b.first),
        _ => format!("#{index}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_blocks_and_offsets() {
        let mut lp = LpBuilder::default();
        let a = lp.variables("b.charge".into(), 16, 2, |_| (0.0, 1.0));
        let s = lp.variables("b.soc".into(), 16, 2, |_| (0.0, 1.0));
        lp.rows(
            "b.soc_balance".into(),
            16,
            (0..2).map(|t| {
                Linear::default()
                    .plus(1.0, s.col(t))
                    .plus(-1.0, a.col(t))
                    .eq(0.0)
            }),
        );
        let lp = lp.finish();
        assert_eq!(lp.column_name(1), "b.charge[17]");
        assert_eq!(lp.column_name(2), "b.soc[16]");
        assert_eq!(lp.row_name(1), "b.soc_balance[17]");
        assert_eq!(lp.row_name(5), "#5");
        assert_eq!(
            (lp.a_start.clone(), lp.a_index.clone()),
            (vec![0, 2, 4], vec![0, 2, 1, 3])
        );
    }

    #[test]
    fn a_constant_moves_to_the_bounds() {
        let mut e = Linear::default().plus(2.0, 0);
        e.add_constant(3.0);
        let row = e.between(1.0, 5.0);
        assert_eq!((row.lower, row.upper), (-2.0, 2.0));
    }
}
