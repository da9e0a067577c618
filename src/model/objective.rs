//! The dispatch objective, in terms measured in their own units:
//!
//! `primary = w_import·import [MWh] + w_cost·cost [CNY] + w_carbon·CO2 [kg] + penalties`
//!
//! Ties in the primary objective are broken **lexicographically**, by cost and then by
//! carbon: with `f*` the primary optimum, the LP is solved again minimising cost subject to
//! `primary ≤ f* + tol(f*)`, then minimising carbon subject to that and
//! `cost ≤ g* + tol(g*)`, where `tol(f) = 1e-9·max(1, |f|)`. So the default objective
//! (`import = 1`, others 0) never wastes what costs no import: among the dispatches with
//! the least import it takes the cheapest (PV exported where export pays rather than
//! curtailed, a battery shifting energy to cheaper hours), and among those the cleanest.
//! A level runs only for a term with no weight in the primary objective and present in the
//! LP, and not proportional to import or an earlier level (a constant price or carbon
//! intensity): a term already weighted in the primary can only break ties of the primary
//! where it trades exactly at the weight ratio against the others, and a proportional term
//! breaks no tie the others have not.

use serde::Serialize;

/// Objective weights, in MWh-equivalent per unit of each term.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Weights {
    /// Per MWh of grid import.
    pub import: f64,
    /// Per CNY of cost (import cost − export revenue + battery wear + demand charge + …).
    pub cost: f64,
    /// Per kg of CO2 from imports.
    pub carbon: f64,
}

impl Weights {
    /// Weight of `term` in the primary objective (penalties are already in its units).
    pub fn of(&self, term: Term) -> f64 {
        match term {
            Term::Import => self.import,
            Term::Cost => self.cost,
            Term::Carbon => self.carbon,
            Term::Penalty => 1.0,
        }
    }
}

/// What a coefficient of the objective measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    /// MWh of grid import (or what counts as it, e.g. unserved load).
    Import,
    /// CNY.
    Cost,
    /// kg of CO2.
    Carbon,
    /// Objective units directly (penalties of elastic models).
    Penalty,
}

/// How the objective is formed and solved.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ObjectiveSpec {
    pub weights: Weights,
    /// Break ties in the primary objective by cost, then carbon (see the module doc).
    pub tie_break: bool,
}

impl Default for ObjectiveSpec {
    /// Import alone, ties broken.
    fn default() -> Self {
        ObjectiveSpec {
            weights: Weights {
                import: 1.0,
                cost: 0.0,
                carbon: 0.0,
            },
            tie_break: true,
        }
    }
}

/// Coefficients of each term by column, as the model's builder collected them.
#[derive(Debug, Clone, Default)]
pub struct TermCosts {
    terms: [Vec<(usize, f64)>; 4],
}

fn slot(term: Term) -> usize {
    match term {
        Term::Import => 0,
        Term::Cost => 1,
        Term::Carbon => 2,
        Term::Penalty => 3,
    }
}

impl TermCosts {
    /// Adds `amount` of `term` per unit of column `col`.
    pub fn add(&mut self, term: Term, amount: f64, col: usize) {
        if amount != 0.0 {
            self.terms[slot(term)].push((col, amount));
        }
    }

    /// Dense coefficients of `term` over `columns` columns.
    fn dense(&self, term: Term, columns: usize) -> Vec<f64> {
        let mut out = vec![0.0; columns];
        for &(c, a) in &self.terms[slot(term)] {
            out[c] += a;
        }
        out
    }

    /// The objectives to solve in order: the weighted primary first, then the tie-breaking
    /// levels that can change something (see the module doc).
    pub fn levels(&self, spec: &ObjectiveSpec, columns: usize) -> Vec<Vec<f64>> {
        let w = &spec.weights;
        let mut primary = vec![0.0; columns];
        for term in [Term::Import, Term::Cost, Term::Carbon, Term::Penalty] {
            let weight = w.of(term);
            if weight != 0.0 {
                for &(c, a) in &self.terms[slot(term)] {
                    primary[c] += weight * a;
                }
            }
        }
        let mut levels = vec![primary];
        if spec.tie_break {
            let import = self.dense(Term::Import, columns);
            for term in [Term::Cost, Term::Carbon] {
                if self.terms[slot(term)].is_empty() || w.of(term) != 0.0 {
                    continue;
                }
                let level = self.dense(term, columns);
                // A term proportional to import (a constant price or intensity) or to an
                // earlier level breaks no tie those have not broken.
                if std::iter::once(&import)
                    .chain(&levels)
                    .all(|earlier| !proportional(&level, earlier))
                {
                    levels.push(level);
                }
            }
        }
        levels
    }
}

/// Whether `a = k·b` for some k, column by column (to 1e-12 relative).
fn proportional(a: &[f64], b: &[f64]) -> bool {
    let Some((i, &bi)) = b.iter().enumerate().find(|(_, x)| **x != 0.0) else {
        return a.iter().all(|x| *x == 0.0);
    };
    let k = a[i] / bi;
    a.iter().zip(b).all(|(x, y)| {
        (x - k * y).abs() <= 1e-12 * x.abs().max((k * y).abs()).max(f64::MIN_POSITIVE)
    })
}

/// How far a level's optimum may be given up for the next level: `1e-9·max(1, |f|)`.
pub fn tolerance(optimum: f64) -> f64 {
    1e-9 * optimum.abs().max(1.0)
}

/// `Σ costs·x`.
pub fn value(costs: &[f64], x: &[f64]) -> f64 {
    costs.iter().zip(x).map(|(c, v)| c * v).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_weight_the_primary_and_skip_what_cannot_break_a_tie() {
        let mut t = TermCosts::default();
        t.add(Term::Import, 0.25, 0);
        t.add(Term::Cost, 100.0, 0);
        t.add(Term::Cost, -50.0, 1);
        t.add(Term::Carbon, 140.0, 0);
        t.add(Term::Carbon, 10.0, 1);
        let spec = ObjectiveSpec::default();
        let levels = t.levels(&spec, 2);
        assert_eq!(
            levels,
            [vec![0.25, 0.0], vec![100.0, -50.0], vec![140.0, 10.0]]
        );
        // Cost weighted already: no level of its own; carbon still breaks ties.
        let cost_only = ObjectiveSpec {
            weights: Weights {
                import: 0.0,
                cost: 1.0,
                carbon: 0.0,
            },
            tie_break: true,
        };
        assert_eq!(
            t.levels(&cost_only, 2),
            [vec![100.0, -50.0], vec![140.0, 10.0]]
        );
        // A carbon intensity that never changes follows import: no level of its own.
        let mut flat = TermCosts::default();
        flat.add(Term::Import, 0.25, 0);
        flat.add(Term::Import, 0.25, 1);
        flat.add(Term::Cost, 30.0, 1);
        flat.add(Term::Carbon, 140.0, 0);
        flat.add(Term::Carbon, 140.0, 1);
        assert_eq!(flat.levels(&spec, 2), [vec![0.25, 0.25], vec![0.0, 30.0]]);
        let plain = ObjectiveSpec {
            tie_break: false,
            ..spec
        };
        assert_eq!(t.levels(&plain, 2).len(), 1);
    }
}
