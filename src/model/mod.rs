//! LP building with deterministic names, on good_lp's modelling layer.
//!
//! Columns and rows are added in named blocks: block `battery1.soc_balance` starting at
//! step 16 names its rows `battery1.soc_balance[16]`, `[17]`, …. Names are derived from the
//! blocks on demand, so building costs no string per column.

mod bus;
pub mod objective;
mod persistent;
mod qp;
mod solve;

pub use bus::{Bus, UnservedCost};
pub use objective::{ObjectiveSpec, Term, Weights};
pub use persistent::{LpData, PersistentLp};
pub use qp::DiagonalQp;
pub use solve::{LpSolution, ReadyModel, SolveError, SolverOptions};

use good_lp::{Constraint, ProblemVariables, Variable, VariableDefinition, variable};

use objective::TermCosts;

/// A named, contiguous run of LP columns (or rows), indexed from `offset` in its name.
#[derive(Debug, Clone)]
pub struct Block {
    pub name: String,
    /// First column (row) index in the model.
    pub first: usize,
    pub len: usize,
    /// Index shown in the name of the first element, e.g. the global step.
    pub offset: usize,
}

/// A block of columns, one per step of a window.
#[derive(Debug, Clone)]
pub struct VarBlock {
    vars: Vec<Variable>,
    first: usize,
}

impl VarBlock {
    /// Column of local step `t`.
    pub fn var(&self, t: usize) -> Variable {
        self.vars[t]
    }

    /// Model index of the column of local step `t`.
    pub fn col(&self, t: usize) -> usize {
        self.first + t
    }

    pub fn len(&self) -> usize {
        self.vars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }

    /// Model index of the block's first column.
    pub fn first(&self) -> usize {
        self.first
    }

    /// The block's values among a model's column values.
    pub fn values_in<'a>(&self, columns: &'a [f64]) -> &'a [f64] {
        &columns[self.first..self.first + self.vars.len()]
    }

    /// The block's values in a solution.
    pub fn values<'a>(&self, solution: &'a LpSolution) -> &'a [f64] {
        &solution.columns[self.first..self.first + self.vars.len()]
    }
}

/// An LP under construction: minimise the objective (see [`objective`]) subject to `rows`
/// and column bounds.
pub struct LpBuilder {
    vars: ProblemVariables,
    /// Every column, in model order.
    handles: Vec<Variable>,
    columns: Vec<Block>,
    constraints: Vec<Constraint>,
    rows: Vec<Block>,
    costs: TermCosts,
    objective: ObjectiveSpec,
    /// Some column is integer.
    integer: bool,
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
            vars: ProblemVariables::new(),
            handles: Vec::with_capacity(columns),
            columns: Vec::new(),
            constraints: Vec::with_capacity(rows),
            rows: Vec::new(),
            costs: TermCosts::default(),
            objective: ObjectiveSpec::default(),
            integer: false,
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

    /// Adds `len` binary columns named `name[offset..offset+len]` (the LP becomes a MIP).
    pub fn binaries(&mut self, name: String, offset: usize, len: usize) -> VarBlock {
        let first = self.vars.len();
        let vars: Vec<Variable> = (0..len)
            .map(|_| self.vars.add(variable().binary()))
            .collect();
        self.handles.extend(&vars);
        self.integer = true;
        self.columns.push(Block {
            name: self.named(name),
            first,
            len,
            offset,
        });
        VarBlock { vars, first }
    }

    /// Whether the LP has integer columns (it is a MIP).
    pub fn is_mip(&self) -> bool {
        self.integer
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
        let first = self.vars.len();
        let vars: Vec<Variable> = (0..len)
            .map(|t| {
                let (lo, hi) = bounds(t);
                let def: VariableDefinition = variable().min(lo).max(hi);
                self.vars.add(def)
            })
            .collect();
        self.handles.extend(&vars);
        self.columns.push(Block {
            name: self.named(name),
            first,
            len,
            offset,
        });
        VarBlock { vars, first }
    }

    /// Adds rows named `name[offset..]`, one per constraint.
    pub fn rows(
        &mut self,
        name: String,
        offset: usize,
        rows: impl IntoIterator<Item = Constraint>,
    ) {
        let first = self.constraints.len();
        self.constraints.extend(rows);
        let len = self.constraints.len() - first;
        self.rows.push(Block {
            name: self.named(name),
            first,
            len,
            offset,
        });
    }

    /// The objective's terms collected so far, to add to.
    pub fn costs_mut(&mut self) -> &mut TermCosts {
        &mut self.costs
    }

    /// Adds `amount` of `term` per unit of the column of local step `t` of `block` to the
    /// objective (e.g. `Term::Cost`, `dt·price` CNY per MW imported).
    pub fn cost(&mut self, term: Term, amount: f64, block: &VarBlock, t: usize) {
        self.costs.add(term, amount, block.col(t));
    }

    pub fn num_columns(&self) -> usize {
        self.vars.len()
    }

    pub fn num_rows(&self) -> usize {
        self.constraints.len()
    }

    /// Name of column `index`, e.g. `battery1.soc[17]`.
    pub fn column_name(&self, index: usize) -> String {
        name_in(&self.columns, index)
    }

    /// Name of row `index`, e.g. `bus.balance[3]`.
    pub fn row_name(&self, index: usize) -> String {
        name_in(&self.rows, index)
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
    use good_lp::constraint;

    #[test]
    fn names_follow_blocks_and_offsets() {
        let mut lp = LpBuilder::default();
        let a = lp.variables("b.charge".into(), 16, 2, |_| (0.0, 1.0));
        let s = lp.variables("b.soc".into(), 16, 2, |_| (0.0, 1.0));
        lp.rows(
            "b.soc_balance".into(),
            16,
            (0..2).map(|t| constraint::eq(s.var(t) - a.var(t), 0.0)),
        );
        assert_eq!(lp.column_name(1), "b.charge[17]");
        assert_eq!(lp.column_name(2), "b.soc[16]");
        assert_eq!(lp.row_name(1), "b.soc_balance[17]");
        assert_eq!(lp.row_name(5), "#5");
    }
}
