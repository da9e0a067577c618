//! An LP with some of its columns fixed at given values, folded away.
//!
//! Fixing columns `F` at values `y` turns `min cᵀx` over `l ≤ A x ≤ u`, `x_F = y` into a
//! smaller LP: the fixed columns leave the matrix, their terms `A_F y` move into the row
//! bounds, and a row left with a single column `a·x_k` becomes bounds on `x_k`
//! (`(l − A_F y)/a ≤ x_k ≤ (u − A_F y)/a`, intersected with its own). Fixing at other values
//! changes only bounds, so a [`Solver`](super::Solver) holding the folded LP re-solves it
//! from its last basis.
//!
//! **Reduced costs of the fixed columns.** Let `V(y)` be the optimum. From an optimal dual
//! solution of the folded LP (row duals `π`, reduced costs `d`) a dual solution of the whole
//! LP follows: a kept row keeps its `π_r`; a row folded into a bound of `x_k` gets
//! `π_r = d_k / a_rk` if that bound is the one `x_k` rests on, else 0 (its own bound takes
//! `d_k` otherwise). Then `g_j = c_j − Σ_r a_rj π_r` is the reduced cost fixed column `j`
//! has in the whole LP, and by weak duality `V(y') ≥ V(y) + g·(y' − y)` for every `y'`: `g`
//! is a subgradient of the convex `V`, the cut of Benders' decomposition.

use super::{Block, Lp};

/// A row folded into bounds of one column: `lower ≤ coefficient·column + A_F y ≤ upper`.
#[derive(Debug, Clone)]
struct FoldedRow {
    /// The row in the whole LP.
    row: usize,
    /// The column in the folded LP.
    column: usize,
    coefficient: f64,
    lower: f64,
    upper: f64,
}

/// Which constraint gives a folded column its lower and upper bound: its own, or a folded
/// row (its index among the folded rows).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Source {
    Own,
    Row(usize),
}

/// The fold at some fixed values: which constraint bounds each column that folded rows
/// bound (what [`FixedColumns::reduced_costs`] needs from [`FixedColumns::at`]).
pub struct Fold {
    bounded: Vec<Bounded>,
}

/// A column bounded by folded rows: its bounds and where each comes from.
#[derive(Debug, Clone, Copy)]
struct Bounded {
    column: usize,
    lower: f64,
    upper: f64,
    lower_source: Source,
    upper_source: Source,
}

/// The fold of an LP at a set of fixed columns (see the module documentation).
#[derive(Debug, Clone)]
pub struct FixedColumns {
    /// The folded LP with the fixed columns at zero, before folded rows become bounds.
    template: Lp,
    /// The fixed columns, in the whole LP.
    fixed: Vec<usize>,
    /// Their objective coefficients.
    costs: Vec<f64>,
    /// Per fixed column, its entries `(row in the whole LP, coefficient)`.
    entries: Vec<Vec<(usize, f64)>>,
    /// Per row of the whole LP, its row in the folded LP (`None` if folded into bounds).
    kept_row: Vec<Option<usize>>,
    /// Per folded-LP column, its column in the whole LP.
    kept_columns: Vec<usize>,
    /// The folded rows, in the order of their columns.
    folded_rows: Vec<FoldedRow>,
}

impl FixedColumns {
    /// Folds `lp` at the columns `fixed` (their values are given to [`FixedColumns::at`]).
    /// The LP must have a single objective level.
    pub fn new(lp: &Lp, fixed: &[usize]) -> FixedColumns {
        debug_assert_eq!(lp.levels.len(), 1);
        let n = lp.num_columns();
        let mut is_fixed = vec![false; n];
        for &j in fixed {
            is_fixed[j] = true;
        }
        let mut new_index = vec![None; n];
        let kept_columns: Vec<usize> = (0..n).filter(|&j| !is_fixed[j]).collect();
        for (k, &j) in kept_columns.iter().enumerate() {
            new_index[j] = Some(k);
        }
        let position = |j: usize| fixed.iter().position(|&f| f == j);
        let mut entries = vec![Vec::new(); fixed.len()];
        let mut kept_row = vec![None; lp.num_rows()];
        let mut folded_rows = Vec::new();
        let mut template = Lp {
            col_lower: kept_columns.iter().map(|&j| lp.col_lower[j]).collect(),
            col_upper: kept_columns.iter().map(|&j| lp.col_upper[j]).collect(),
            integer: if lp.integer.is_empty() {
                Vec::new()
            } else {
                kept_columns.iter().map(|&j| lp.integer[j]).collect()
            },
            row_lower: Vec::new(),
            row_upper: Vec::new(),
            a_start: vec![0],
            a_index: Vec::new(),
            a_value: Vec::new(),
            levels: vec![kept_columns.iter().map(|&j| lp.levels[0][j]).collect()],
            column_blocks: remap_blocks(&lp.column_blocks, &new_index),
            row_blocks: Vec::new(),
        };
        for (r, kept) in kept_row.iter_mut().enumerate() {
            let row = lp.a_start[r]..lp.a_start[r + 1];
            let mut touched = false;
            for e in row.clone() {
                if let Some(i) = position(lp.a_index[e]) {
                    entries[i].push((r, lp.a_value[e]));
                    touched = true;
                }
            }
            let rest: Vec<(usize, f64)> = row
                .filter_map(|e| new_index[lp.a_index[e]].map(|k| (k, lp.a_value[e])))
                .filter(|&(_, a)| a != 0.0)
                .collect();
            if touched && rest.len() == 1 {
                folded_rows.push(FoldedRow {
                    row: r,
                    column: rest[0].0,
                    coefficient: rest[0].1,
                    lower: lp.row_lower[r],
                    upper: lp.row_upper[r],
                });
                continue;
            }
            *kept = Some(template.num_rows());
            template.row_lower.push(lp.row_lower[r]);
            template.row_upper.push(lp.row_upper[r]);
            for (k, a) in rest {
                template.a_index.push(k);
                template.a_value.push(a);
            }
            template.a_start.push(template.a_index.len());
        }
        template.row_blocks = remap_blocks(&lp.row_blocks, &kept_row);
        folded_rows.sort_by_key(|f| f.column);
        FixedColumns {
            template,
            costs: fixed.iter().map(|&j| lp.levels[0][j]).collect(),
            fixed: fixed.to_vec(),
            entries,
            kept_row,
            kept_columns,
            folded_rows,
        }
    }

    /// Rows of the whole LP folded into column bounds.
    pub fn folded_rows(&self) -> usize {
        self.folded_rows.len()
    }

    /// The folded LP with the fixed columns at `values` (in the order given to `new`), and
    /// its fold (for the reduced costs after it is solved).
    pub fn at(&self, values: &[f64]) -> (Lp, Fold) {
        let mut lp = self.template.clone();
        let (shift, bounded) = self.fold(values);
        for b in &bounded {
            lp.col_lower[b.column] = b.lower;
            lp.col_upper[b.column] = b.upper;
        }
        for (r, s) in shift.iter().enumerate() {
            if let Some(k) = self.kept_row[r] {
                lp.row_lower[k] -= s;
                lp.row_upper[k] -= s;
            }
        }
        (lp, Fold { bounded })
    }

    /// At `values`: each whole-LP row's shift `(A_F y)_r`, and the bounds of the columns
    /// that folded rows bound.
    fn fold(&self, values: &[f64]) -> (Vec<f64>, Vec<Bounded>) {
        let mut shift = vec![0.0; self.kept_row.len()];
        for (list, y) in self.entries.iter().zip(values) {
            for &(r, a) in list {
                shift[r] += a * y;
            }
        }
        let mut bounded: Vec<Bounded> = Vec::new();
        for (i, f) in self.folded_rows.iter().enumerate() {
            let (mut lower, mut upper) = (
                (f.lower - shift[f.row]) / f.coefficient,
                (f.upper - shift[f.row]) / f.coefficient,
            );
            if f.coefficient < 0.0 {
                std::mem::swap(&mut lower, &mut upper);
            }
            let k = f.column;
            if bounded.last().is_none_or(|b| b.column != k) {
                bounded.push(Bounded {
                    column: k,
                    lower: self.template.col_lower[k],
                    upper: self.template.col_upper[k],
                    lower_source: Source::Own,
                    upper_source: Source::Own,
                });
            }
            let b = bounded.last_mut().expect("pushed above");
            if lower > b.lower {
                b.lower = lower;
                b.lower_source = Source::Row(i);
            }
            if upper < b.upper {
                b.upper = upper;
                b.upper_source = Source::Row(i);
            }
        }
        (shift, bounded)
    }

    /// The constant the fixed columns add to the objective at `values`: `Σ c_j y_j`.
    pub fn objective_offset(&self, values: &[f64]) -> f64 {
        self.costs.iter().zip(values).map(|(c, y)| c * y).sum()
    }

    /// The reduced costs of the fixed columns in the whole LP at the values of `fold`, from
    /// the folded LP's optimal duals there (reduced costs per column, duals per row,
    /// HiGHS's signs: `d = c − Aᵀπ`): a subgradient of the optimum in the fixed values.
    pub fn reduced_costs(&self, fold: &Fold, column_duals: &[f64], row_duals: &[f64]) -> Vec<f64> {
        let mut folded_dual = vec![0.0; self.kept_row.len()];
        for b in &fold.bounded {
            let d = column_duals[b.column];
            // A positive reduced cost holds the column at its lower bound, a negative one at
            // its upper bound.
            let source = if d > 0.0 {
                b.lower_source
            } else {
                b.upper_source
            };
            if let Source::Row(i) = source {
                let f = &self.folded_rows[i];
                folded_dual[f.row] = d / f.coefficient;
            }
        }
        self.entries
            .iter()
            .zip(&self.costs)
            .map(|(list, c)| {
                c - list
                    .iter()
                    .map(|&(r, a)| a * self.kept_row[r].map_or(folded_dual[r], |k| row_duals[k]))
                    .sum::<f64>()
            })
            .collect()
    }

    /// The whole LP's column values: the folded LP's `columns` with the fixed `values` put
    /// back in place.
    pub fn expand(&self, values: &[f64], columns: &[f64]) -> Vec<f64> {
        let mut out = vec![0.0; self.kept_columns.len() + self.fixed.len()];
        for (&j, x) in self.kept_columns.iter().zip(columns) {
            out[j] = *x;
        }
        for (&j, y) in self.fixed.iter().zip(values) {
            out[j] = *y;
        }
        out
    }
}

/// Name blocks for a model whose elements moved to `new_index` (`None`: removed): each
/// block split into its runs of kept elements, each run keeping its names.
fn remap_blocks(blocks: &[Block], new_index: &[Option<usize>]) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    for b in blocks {
        let run = &new_index[b.first..b.first + b.len];
        for (i, k) in (b.first..).zip(run) {
            let Some(k) = *k else { continue };
            match out.last_mut() {
                Some(last)
                    if last.name == b.name
                        && last.first + last.len == k
                        && last.offset + last.len == b.offset + i - b.first =>
                {
                    last.len += 1;
                }
                _ => out.push(Block {
                    name: b.name.clone(),
                    first: k,
                    len: 1,
                    offset: b.offset + i - b.first,
                }),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Linear, LpBuilder, Method, Solver, SolverOptions, Term};

    /// Columns x ∈ [0, 2], z ≥ 0, y ∈ [0, 10]; min x + 2z + 0.5y subject to x − y ≤ 0
    /// (y caps x), −2x + y ≥ −1 (another cap, x ≤ (1 + y)/2) and x + z ≥ 3. By hand,
    /// V(y) = 6 − x + 0.5y with x = min(y, (1 + y)/2, 2): 6 − 0.5y up to y = 1, 5.5 up to
    /// y = 3, then 4 + 0.5y.
    fn capped() -> Lp {
        let mut lp = LpBuilder::default();
        let v = lp.variables("v".into(), 0, 3, |j| {
            [(0.0, 2.0), (0.0, f64::INFINITY), (0.0, 10.0)][j]
        });
        for (j, c) in [1.0, 2.0, 0.5].into_iter().enumerate() {
            lp.cost(Term::Penalty, c, &v, j);
        }
        let (x, z, y) = (v.col(0), v.col(1), v.col(2));
        lp.rows(
            "r".into(),
            0,
            [
                Linear::default().plus(1.0, x).plus(-1.0, y).leq(0.0),
                Linear::default().plus(-2.0, x).plus(1.0, y).geq(-1.0),
                Linear::default().plus(1.0, x).plus(1.0, z).geq(3.0),
            ],
        );
        lp.finish()
    }

    fn by_hand(y: f64) -> f64 {
        6.0 - y.min((1.0 + y) / 2.0).min(2.0) + 0.5 * y
    }

    fn options() -> SolverOptions {
        SolverOptions {
            method: Method::Simplex,
            threads: Some(1),
            ..SolverOptions::default()
        }
    }

    /// V(y) and its subgradient through the fold.
    fn folded(fixed: &FixedColumns, y: f64) -> (f64, f64, Vec<f64>) {
        let mut solver = Solver::new(&options()).unwrap();
        let (lp, fold) = fixed.at(&[y]);
        solver.load(lp).unwrap();
        let solution = solver.solve().unwrap();
        let (columns, rows) = solver.duals().unwrap();
        let g = fixed.reduced_costs(&fold, &columns, &rows)[0];
        let v = solution.objective + fixed.objective_offset(&[y]);
        (v, g, fixed.expand(&[y], &solution.columns))
    }

    /// V(y) by the whole LP with y fixed by its bounds: the second method.
    fn whole(y: f64) -> f64 {
        let mut lp = capped();
        lp.col_lower[2] = y;
        lp.col_upper[2] = y;
        let mut solver = Solver::new(&options()).unwrap();
        solver.load(lp).unwrap();
        solver.solve().unwrap().objective
    }

    #[test]
    fn both_caps_fold_into_bounds_and_the_demand_row_stays() {
        let fixed = FixedColumns::new(&capped(), &[2]);
        assert_eq!(fixed.folded_rows(), 2);
        let (lp, _) = fixed.at(&[2.0]);
        assert_eq!(lp.num_columns(), 2);
        assert_eq!(lp.num_rows(), 1);
        // x ≤ min(2, y, (1 + y)/2) = 1.5; the demand row keeps its bounds and its name.
        assert_eq!((lp.col_lower[0], lp.col_upper[0]), (0.0, 1.5));
        assert_eq!((lp.row_lower[0], lp.row_upper[0]), (3.0, f64::INFINITY));
        assert_eq!(lp.row_name(0), "r[2]");
        assert_eq!(lp.column_name(1), "v[1]");
    }

    #[test]
    fn the_optimum_and_its_subgradient_match_the_hand_case_and_the_whole_lp() {
        let fixed = FixedColumns::new(&capped(), &[2]);
        // Slopes by hand: −0.5 while y caps x, 0 while (1 + y)/2 does, 0.5 beyond x's own
        // bound 2 (only y's cost).
        for (y, slope) in [(0.5, -0.5), (2.0, 0.0), (2.5, 0.0), (4.0, 0.5), (9.0, 0.5)] {
            let (v, g, columns) = folded(&fixed, y);
            assert!((v - by_hand(y)).abs() < 1e-9, "V({y}) = {v}");
            assert!((v - whole(y)).abs() < 1e-9, "V({y}) = {v}");
            assert!((g - slope).abs() < 1e-9, "g({y}) = {g}");
            assert_eq!(columns[2], y);
        }
        // At a kink any slope between the one-sided derivatives is a subgradient; every
        // cut stays below V everywhere.
        for y in [0.0, 1.0, 3.0, 10.0] {
            let (v, g, _) = folded(&fixed, y);
            for k in 0..=100 {
                let other = 0.1 * k as f64;
                assert!(
                    v + g * (other - y) <= by_hand(other) + 1e-9,
                    "cut at {y}, {other}"
                );
            }
        }
    }

    /// Columns a, b ∈ [0, 5], c ≥ 0 and the fixed y0, y1 ∈ [0, 4]; min a + 3b + 10c + 0.7y0 +
    /// 0.2y1 subject to a ≤ y0 (folds to an upper bound), b ≥ 0.5·y1 (folds to a lower
    /// bound, which binds), a + b + c = 2 + y1 (kept, its bounds shifted by y1),
    /// −a + y0 + y1 ≥ 0 (folds, negative coefficient) and y0 + y1 ≤ 100 (left empty).
    fn two_fixed() -> Lp {
        let mut lp = LpBuilder::default();
        let upper = [5.0, 5.0, f64::INFINITY, 4.0, 4.0];
        let v = lp.variables("v".into(), 0, 5, |j| (0.0, upper[j]));
        for (j, c) in [1.0, 3.0, 10.0, 0.7, 0.2].into_iter().enumerate() {
            lp.cost(Term::Penalty, c, &v, j);
        }
        let [a, b, c, y0, y1] = [0, 1, 2, 3, 4].map(|j| v.col(j));
        lp.rows(
            "r".into(),
            0,
            [
                Linear::default().plus(1.0, a).plus(-1.0, y0).leq(0.0),
                Linear::default().plus(1.0, b).plus(-0.5, y1).geq(0.0),
                Linear::default()
                    .plus(1.0, a)
                    .plus(1.0, b)
                    .plus(1.0, c)
                    .plus(-1.0, y1)
                    .eq(2.0),
                Linear::default()
                    .plus(-1.0, a)
                    .plus(1.0, y0)
                    .plus(1.0, y1)
                    .geq(0.0),
                Linear::default().plus(1.0, y0).plus(1.0, y1).leq(100.0),
            ],
        );
        lp.finish()
    }

    #[test]
    fn two_fixed_columns_agree_with_the_whole_lp_and_their_cuts_hold() {
        let lp = two_fixed();
        let fixed = FixedColumns::new(&lp, &[3, 4]);
        assert_eq!(fixed.folded_rows(), 3);
        assert_eq!(fixed.at(&[1.0, 2.0]).0.num_rows(), 2);
        let whole = |y: [f64; 2]| {
            let mut lp = two_fixed();
            for (j, v) in [3, 4].into_iter().zip(y) {
                lp.col_lower[j] = v;
                lp.col_upper[j] = v;
            }
            let mut solver = Solver::new(&options()).unwrap();
            solver.load(lp).unwrap();
            solver.solve().unwrap().objective
        };
        let mut solver = Solver::new(&options()).unwrap();
        let mut folded = |y: [f64; 2]| {
            let (lp, fold) = fixed.at(&y);
            solver.load(lp).unwrap();
            let solution = solver.solve().unwrap();
            let (columns, rows) = solver.duals().unwrap();
            let v = solution.objective + fixed.objective_offset(&y);
            (v, fixed.reduced_costs(&fold, &columns, &rows))
        };
        let grid: Vec<[f64; 2]> = (0..=8)
            .flat_map(|i| (0..=8).map(move |k| [0.5 * i as f64, 0.5 * k as f64]))
            .collect();
        let values: Vec<(f64, Vec<f64>)> = grid.iter().map(|&y| folded(y)).collect();
        for (y, (v, g)) in grid.iter().zip(&values) {
            // The same optimum as the whole LP with y fixed by its bounds.
            assert!((v - whole(*y)).abs() < 1e-9, "V({y:?}) = {v}");
            // Every cut stays below V at every other point.
            for (other, (w, _)) in grid.iter().zip(&values) {
                let cut = v + g[0] * (other[0] - y[0]) + g[1] * (other[1] - y[1]);
                assert!(cut <= w + 1e-9, "cut at {y:?} above V at {other:?}");
            }
            // Where V is linear around y along an axis, g is its slope there.
            for i in 0..2 {
                let h = 1e-3;
                let (mut up, mut down) = (*y, *y);
                up[i] += h;
                down[i] -= h;
                if down[i] < 0.0 || up[i] > 4.0 {
                    continue;
                }
                let (forward, backward) = ((whole(up) - v) / h, (v - whole(down)) / h);
                if (forward - backward).abs() < 1e-6 {
                    assert!(
                        (g[i] - forward).abs() < 1e-6,
                        "∂V/∂y{i} at {y:?}: {} against {forward}",
                        g[i]
                    );
                }
            }
        }
        // At y = (4, 2) by hand: b = 1 on its folded lower bound, a = 3 below its caps. One
        // more unit of y1 costs its own 0.2, a unit more demand at a's price 1, and half a
        // unit of b in place of a (3 − 1): 2.2. y0 only costs its 0.7 (a is not capped).
        let (v, g) = folded([4.0, 2.0]);
        assert!((v - 9.2).abs() < 1e-9, "{v}");
        assert!(
            (g[1] - 2.2).abs() < 1e-9 && (g[0] - 0.7).abs() < 1e-9,
            "{g:?}"
        );
    }
}
