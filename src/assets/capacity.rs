//! Extendable capacities (sizing): a capacity an asset may have more of, stated once per
//! asset as one LP column with its bounds and its annualised cost.
//!
//! With `E0` the existing capacity, `a ≥ 0` what is added and `E = E0 + a` the total (MW or
//! MWh): `max(E0, min) ≤ E ≤ max`. With a block size `b`, `a = b·n` for an integer `n ≥ 0`
//! (the LP becomes a MIP). The column holds `a` (or `n`), named `<asset>.<field>_added`.
//! Its cost is the annualised cost of what is added, `(CRF·capex + fixed_om)·a` (CNY/yr;
//! the capital recovery factor at the scenario's discount rate over the lifetime, see
//! `scenario::finance`), counted for the share of a year the horizon covers,
//! `hours / 8760`, so that it weighs against the horizon's operating cost as the annualised
//! total cost would.

use std::ops::Range;

use serde::Serialize;

use crate::model::{Linear, LpBuilder, Term, VarBlock};

/// Hours in the year the annualised figures refer to (365 days).
pub const HOURS_PER_YEAR: f64 = 8760.0;

/// An extendable capacity: what exists, how far it may grow, and what growing costs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Extension {
    /// The field it sizes, e.g. `energy_capacity`.
    pub field: &'static str,
    /// Unit of the capacity: `MW` or `MWh`.
    pub unit: &'static str,
    pub existing: f64,
    /// Least and most total capacity (existing + added).
    pub min: f64,
    pub max: f64,
    /// Capacity is added in whole blocks of this size, when given.
    pub block: Option<f64>,
    /// Investment per unit added (CNY/MW or CNY/MWh).
    pub capex: f64,
    pub lifetime_years: f64,
    /// Fixed operation and maintenance per unit added and year (CNY/MW/yr or CNY/MWh/yr).
    pub fixed_om: f64,
    /// Capital recovery factor over the lifetime (1/yr), set from `[finance]`.
    pub crf: f64,
    /// Where the field is in the scenario file.
    #[serde(skip)]
    pub span: Range<usize>,
}

impl Extension {
    /// Annualised cost per unit added: `CRF·capex + fixed_om` (CNY per MW or MWh and year).
    pub fn annualised(&self) -> f64 {
        self.crf * self.capex + self.fixed_om
    }

    /// Most that may be added.
    pub fn most_added(&self) -> f64 {
        (self.max - self.existing).max(0.0)
    }

    /// Least that must be added.
    pub fn least_added(&self) -> f64 {
        (self.min - self.existing).max(0.0)
    }

    /// Adds the column of what is added, named `<asset>.<field>_added`, with its bounds and
    /// its cost over a horizon of `hours` (see the module documentation).
    pub fn add_column(&self, lp: &mut LpBuilder, asset: &str, hours: f64) -> CapacityColumn {
        let name = format!("{asset}.{}_added", self.field);
        let (block, scale) = match self.block {
            Some(b) => {
                let (lo, hi) = (
                    (self.least_added() / b - 1e-9).ceil(),
                    (self.most_added() / b + 1e-9).floor(),
                );
                (lp.integers(name, 0, 1, lo, hi), b)
            }
            None => (
                lp.variables(name, 0, 1, |_| (self.least_added(), self.most_added())),
                1.0,
            ),
        };
        lp.cost(
            Term::Cost,
            self.annualised() * scale * hours / HOURS_PER_YEAR,
            &block,
            0,
        );
        CapacityColumn {
            block,
            scale,
            existing: self.existing,
            least: self.existing + self.least_added(),
            most: self.existing + self.most_added(),
        }
    }
}

/// The LP column of an extendable capacity: total = `existing + scale·column`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CapacityColumn {
    pub block: VarBlock,
    /// Capacity per unit of the column (1, or the block size).
    pub scale: f64,
    pub existing: f64,
    /// Least and most total capacity.
    pub least: f64,
    pub most: f64,
}

impl CapacityColumn {
    /// Capacity added in a solution's column values.
    pub fn added(&self, columns: &[f64]) -> f64 {
        self.scale * self.block.values_in(columns)[0]
    }
}

/// A capacity in an LP row: fixed, or existing plus an added column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Capacity {
    Fixed(f64),
    Extendable(CapacityColumn),
}

impl Capacity {
    /// The capacity of `extension` (its column added to `lp`), or `fixed` without one.
    pub fn new(
        lp: &mut LpBuilder,
        extension: Option<&Extension>,
        fixed: f64,
        asset: &str,
        hours: f64,
    ) -> Capacity {
        match extension {
            Some(e) => Capacity::Extendable(e.add_column(lp, asset, hours)),
            None => Capacity::Fixed(fixed),
        }
    }

    /// Adds `coefficient · capacity` to `row`.
    pub fn add_to(&self, row: &mut Linear, coefficient: f64) {
        match self {
            Capacity::Fixed(v) => row.add_constant(coefficient * v),
            Capacity::Extendable(c) => {
                row.add_constant(coefficient * c.existing);
                row.add(coefficient * c.scale, c.block.col(0));
            }
        }
    }

    /// Most the capacity can be (for column bounds and big-M rows).
    pub fn most(&self) -> f64 {
        match self {
            Capacity::Fixed(v) => *v,
            Capacity::Extendable(c) => c.most,
        }
    }

    /// The column, when extendable.
    pub fn column(&self) -> Option<CapacityColumn> {
        match self {
            Capacity::Fixed(_) => None,
            Capacity::Extendable(c) => Some(*c),
        }
    }

    /// Rows `name[offset + t]`: `x[t] ≤ factor[t] · capacity` for each column of `x`, when
    /// the capacity is extendable (a fixed one is a column bound instead), except where the
    /// column's upper bound already keeps it within the least capacity (e.g. PV at night):
    /// one block of rows per run of steps that need them.
    pub fn limit_rows(
        &self,
        lp: &mut LpBuilder,
        name: String,
        offset: usize,
        x: &VarBlock,
        factor: impl Fn(usize) -> f64,
    ) {
        let Capacity::Extendable(c) = self else {
            return;
        };
        let needed: Vec<usize> = (0..x.len())
            .filter(|&t| lp.column_upper(x.col(t)) > factor(t) * c.least)
            .collect();
        for run in needed.chunk_by(|a, b| b == &(a + 1)) {
            let rows = run.iter().map(|&t| {
                let mut row = Linear::with_capacity(2).plus(1.0, x.col(t));
                self.add_to(&mut row, -factor(t));
                row.leq(0.0)
            });
            lp.rows(name.clone(), offset + run[0], rows);
        }
    }
}

/// The capacity columns an asset added to a window's LP, in the order of its extensions.
pub type CapacityColumns = Vec<CapacityColumn>;

#[cfg(test)]
mod tests {
    use super::*;

    fn extension(block: Option<f64>) -> Extension {
        Extension {
            field: "energy_capacity",
            unit: "MWh",
            existing: 2.0,
            min: 0.0,
            max: 10.0,
            block,
            capex: 1000.0,
            lifetime_years: 10.0,
            fixed_om: 5.0,
            crf: 0.1,
            span: 0..0,
        }
    }

    #[test]
    fn column_bounds_and_cost_by_hand() {
        let mut lp = LpBuilder::default();
        let c = extension(None).add_column(&mut lp, "b", 4380.0);
        let lp_ = lp.finish();
        assert_eq!((lp_.col_lower[0], lp_.col_upper[0]), (0.0, 8.0));
        // (0.1·1000 + 5)·(4380/8760) = 52.5 per MWh added, weighted by cost only.
        assert_eq!(lp_.column_name(0), "b.energy_capacity_added[0]");
        assert_eq!(c.most, 10.0);
        let mut lp = LpBuilder::default();
        let c = extension(Some(3.0)).add_column(&mut lp, "b", 8760.0);
        let lp_ = lp.finish();
        // Whole blocks of 3 MWh: at most floor(8/3) = 2.
        assert_eq!((lp_.col_lower[0], lp_.col_upper[0]), (0.0, 2.0));
        assert_eq!(lp_.integer, vec![true]);
        assert_eq!(c.added(&[2.0]), 6.0);
    }

    #[test]
    fn capacity_terms_by_hand() {
        let mut lp = LpBuilder::default();
        let cap = Capacity::new(&mut lp, Some(&extension(None)), 0.0, "b", 8760.0);
        let mut row = Linear::default();
        cap.add_to(&mut row, -0.9);
        // −0.9·(2 + a) ≤ 0  ⇔  −0.9·a ≤ 1.8
        let r = row.leq(0.0);
        assert_eq!(r, Linear::default().plus(-0.9, 0).leq(1.8));
        assert_eq!(Capacity::Fixed(3.0).most(), 3.0);
    }
}
