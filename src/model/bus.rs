//! The site bus: for each step of a window, the sum of all injections must be zero:
//! `pv + discharge + import − load − flexible − charge − export = 0` (MW).

use super::objective::TermCosts;
use super::{Linear, LpBuilder, Term, VarBlock, Weights};

/// What a MWh of unserved load costs in the objective.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UnservedCost {
    /// Load shed where the scenario prices lost load: counted as if imported at the
    /// dirtiest hour, plus its value (so load is shed only where import cannot serve it).
    Priced {
        value_cny_per_mwh: f64,
        dirtiest_kg_per_mwh: f64,
    },
    /// A penalty in objective units (the elastic model that explains infeasibility).
    Penalty(f64),
}

impl UnservedCost {
    /// Adds the cost of unserved power in column `col` for a step of `dt` hours.
    pub fn add_to(&self, terms: &mut TermCosts, col: usize, dt: f64) {
        match *self {
            UnservedCost::Priced {
                value_cny_per_mwh,
                dirtiest_kg_per_mwh,
            } => {
                terms.add(Term::Import, dt, col);
                terms.add(Term::Cost, value_cny_per_mwh * dt, col);
                terms.add(Term::Carbon, dirtiest_kg_per_mwh * dt, col);
            }
            UnservedCost::Penalty(penalty) => terms.add(Term::Penalty, penalty * dt, col),
        }
    }

    /// Its weight per MWh in the primary objective.
    pub fn weighted(&self, w: &Weights) -> f64 {
        match *self {
            UnservedCost::Priced {
                value_cny_per_mwh,
                dirtiest_kg_per_mwh,
            } => w.import + w.cost * value_cny_per_mwh + w.carbon * dirtiest_kg_per_mwh,
            UnservedCost::Penalty(penalty) => penalty,
        }
    }
}

/// Injections into the bus for each step of a window.
pub struct Bus {
    start: usize,
    dt: f64,
    terms: Vec<Linear>,
}

impl Bus {
    /// An empty bus for the window `start..start + len` with steps of `dt` hours.
    pub fn new(start: usize, len: usize, dt: f64) -> Bus {
        Bus {
            start,
            dt,
            terms: (0..len).map(|_| Linear::with_capacity(8)).collect(),
        }
    }

    /// First global step of the window.
    pub fn start(&self) -> usize {
        self.start
    }

    /// Number of steps in the window.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Step length in hours.
    pub fn dt(&self) -> f64 {
        self.dt
    }

    /// Adds `coefficient · power` flowing into the bus at local step `t` (a negative
    /// coefficient: out of the bus), `power` a column.
    pub fn inject(&mut self, t: usize, coefficient: f64, power: usize) {
        self.terms[t].add(coefficient, power);
    }

    /// Adds a fixed power (MW) flowing into the bus at local step `t`.
    pub fn inject_constant(&mut self, t: usize, power_mw: f64) {
        self.terms[t].add_constant(power_mw);
    }

    /// Adds the rows `bus.balance[t]`: all injections sum to zero. With an `unserved`
    /// cost, load may go unserved: a column `bus.unserved[t] ≥ 0` (MW) injects into each
    /// row at that cost.
    pub fn add_balance_rows(
        mut self,
        lp: &mut LpBuilder,
        unserved: Option<UnservedCost>,
    ) -> Option<VarBlock> {
        let unserved = unserved.map(|cost| {
            let unserved = lp.variables("bus.unserved".into(), self.start, self.len(), |_| {
                (0.0, f64::INFINITY)
            });
            for t in 0..self.len() {
                cost.add_to(lp.costs_mut(), unserved.col(t), self.dt);
                self.terms[t].add(1.0, unserved.col(t));
            }
            unserved
        });
        let rows = self.terms.into_iter().map(|e| e.eq(0.0));
        lp.rows("bus.balance".into(), self.start, rows);
        unserved
    }
}
