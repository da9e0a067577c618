//! The sensitivity report of a sweep: `report.html` (charts inline, no network) and each
//! chart as SVG and PNG. For every KPI the sweep file names (`report`), and per strategy:
//! - a one-at-a-time study gets a **tornado**: each parameter's lowest and highest change
//!   of the KPI from the base case (the study's case without parameters);
//! - a product study of exactly two parameters gets a **heat map** of the KPI over them;
//! - a study with two or more seeds gets **box plots** of the KPI across seeds per
//!   strategy and, when it has `lp`, of each strategy's regret against `lp` on the same
//!   seed and parameters (KPI − KPI of lp: the price of not knowing the future).
//!
//! Where a study also has seeds, tornado and heat map show the mean over its seeds.
//! Only finished (`ok`) cases count.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::report::charts::{Drawing, svg_and_png};
use crate::results::WriteError;

use super::charts::{Boxes, HeatMap, Tornado, TornadoBar};
use super::plan::{Plan, PlannedStudy};
use super::table::{Cell, Table, unit_of};

/// A chart of the report: file stem, caption and SVG.
struct Drawn {
    stem: String,
    caption: String,
    svg: String,
}

/// Writes the charts (`<stem>.svg`, `<stem>.png`) and `report.html` into `dir`; returns
/// the files written.
pub fn write(dir: &Path, plan: &Plan, table: &Table) -> Result<Vec<String>, WriteError> {
    let mut drawn: Vec<Drawn> = Vec::new();
    let mut files = Vec::new();
    let kpis: Vec<&String> = plan
        .report
        .iter()
        .filter(|k| table.column(k).is_some())
        .collect();
    let mut draw = |stem: String,
                    caption: String,
                    chart: &dyn Fn(&Path) -> Result<String, String>| {
        let png = format!("{stem}.png");
        let svg = chart(&dir.join(&png)).map_err(|e| WriteError::Report(format!("{stem}: {e}")))?;
        crate::results::folder::write_file(dir, &format!("{stem}.svg"), svg.as_bytes())?;
        files.push(format!("{stem}.svg"));
        files.push(png);
        drawn.push(Drawn { stem, caption, svg });
        Ok::<(), WriteError>(())
    };
    for study in &plan.studies {
        let rows = Rows::of(table, &study.name);
        for kpi in &kpis {
            let unit = unit_of(kpi);
            for strategy in rows.strategies() {
                let tag = format!("{}-{}-{}", study.name, file_safe(kpi), strategy);
                if study.combine == "one-at-a-time"
                    && !study.parameters.is_empty()
                    && let Some(t) = tornado(&rows, study, kpi, &strategy)
                {
                    let caption = format!(
                        "Tornado: {kpi} [{unit}], study '{}', {strategy}",
                        study.name
                    );
                    draw(format!("tornado-{tag}"), caption, &|png| render(&t, png))?;
                }
                if study.combine == "product" && study.parameters.len() == 2 {
                    let h = heat_map(&rows, study, kpi, &strategy);
                    let caption = format!(
                        "Heat map: {kpi} [{unit}], study '{}', {strategy}",
                        study.name
                    );
                    draw(format!("heatmap-{tag}"), caption, &|png| render(&h, png))?;
                }
            }
            if study.seeds >= 2 {
                let tag = format!("{}-{}", study.name, file_safe(kpi));
                let b = Boxes {
                    title: format!(
                        "{kpi} across {} seeds per strategy (study '{}')",
                        study.seeds, study.name
                    ),
                    y_label: format!("{kpi} [{unit}]"),
                    groups: rows
                        .strategies()
                        .into_iter()
                        .map(|s| {
                            let v = rows.values(kpi, |r| rows.text(r, "strategy") == Some(&s));
                            (s, v)
                        })
                        .collect(),
                };
                let caption = format!(
                    "Distribution across seeds: {kpi} [{unit}], study '{}'",
                    study.name
                );
                draw(format!("seeds-{tag}"), caption, &|png| render(&b, png))?;
                if let Some(r) = regret(&rows, study, kpi) {
                    let caption = format!(
                        "Regret against perfect foresight (lp): {kpi} [{unit}], study '{}'",
                        study.name
                    );
                    draw(format!("regret-{tag}"), caption, &|png| render(&r, png))?;
                }
            }
        }
    }
    let html = page(plan, table, &drawn);
    crate::results::folder::write_file(dir, "report.html", html.as_bytes())?;
    files.push("report.html".into());
    Ok(files)
}

fn render<D: Drawing>(d: &D, png: &Path) -> Result<String, String> {
    svg_and_png(d, Some(png)).map(|(svg, _)| svg)
}

/// `name` with anything but ASCII letters, digits, `-` and `_` as `_`.
fn file_safe(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The finished rows of one study.
struct Rows<'a> {
    table: &'a Table,
    rows: Vec<&'a [Cell]>,
}

impl<'a> Rows<'a> {
    fn of(table: &'a Table, study: &str) -> Rows<'a> {
        let (s, status) = (table.column("study"), table.column("status"));
        let rows = table
            .rows
            .iter()
            .filter(|r| {
                s.is_some_and(|i| r[i] == Cell::Text(study.into()))
                    && status.is_some_and(|i| r[i] == Cell::Text("ok".into()))
            })
            .map(Vec::as_slice)
            .collect();
        Rows { table, rows }
    }

    /// The text in `column` of `row` (`None` if empty).
    fn text(&self, row: &'a [Cell], column: &str) -> Option<&'a str> {
        match self.table.column(column).map(|i| &row[i]) {
            Some(Cell::Text(t)) => Some(t),
            _ => None,
        }
    }

    fn number(&self, row: &[Cell], column: &str) -> Option<f64> {
        match self.table.column(column).map(|i| &row[i]) {
            Some(Cell::Number(x)) => Some(*x),
            Some(Cell::Int(i)) => Some(*i as f64),
            _ => None,
        }
    }

    /// The strategies of the rows, in order of first appearance.
    fn strategies(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in &self.rows {
            if let Some(s) = self.text(r, "strategy")
                && !out.iter().any(|o| o == s)
            {
                out.push(s.to_string());
            }
        }
        out
    }

    /// The values of parameter `path` in the rows, in order of first appearance.
    fn settings(&self, path: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in &self.rows {
            if let Some(v) = self.text(r, path)
                && !out.iter().any(|o| o == v)
            {
                out.push(v.to_string());
            }
        }
        out
    }

    /// The KPI's values in the rows that `keep`.
    fn values(&self, kpi: &str, keep: impl Fn(&'a [Cell]) -> bool) -> Vec<f64> {
        self.rows
            .iter()
            .filter(|r| keep(r))
            .filter_map(|r| self.number(r, kpi))
            .collect()
    }

    /// The mean of the KPI over the rows that `keep` (over seeds), if any.
    fn mean(&self, kpi: &str, keep: impl Fn(&'a [Cell]) -> bool) -> Option<f64> {
        let v = self.values(kpi, keep);
        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
    }
}

/// The tornado of `kpi` for `strategy` in a one-at-a-time study: each parameter's values
/// give the KPI's change from the base case (the rows that set no parameter).
fn tornado(rows: &Rows, study: &PlannedStudy, kpi: &str, strategy: &str) -> Option<Tornado> {
    let of = |r: &[Cell]| rows.text(r, "strategy") == Some(strategy);
    let base = rows.mean(kpi, |r| {
        of(r) && study.parameters.iter().all(|p| rows.text(r, p).is_none())
    })?;
    let mut bars = Vec::new();
    for p in &study.parameters {
        let effects: Vec<(String, f64)> = rows
            .settings(p)
            .into_iter()
            .filter_map(|v| {
                let mean = rows.mean(kpi, |r| of(r) && rows.text(r, p) == Some(&v))?;
                Some((v, mean - base))
            })
            .collect();
        let low = effects.iter().min_by(|a, b| a.1.total_cmp(&b.1));
        let high = effects.iter().max_by(|a, b| a.1.total_cmp(&b.1));
        if let (Some(low), Some(high)) = (low, high) {
            bars.push(TornadoBar {
                parameter: p.clone(),
                low: low.1,
                high: high.1,
                low_value: low.0.clone(),
                high_value: high.0.clone(),
            });
        }
    }
    Some(Tornado {
        title: format!(
            "{kpi}: one parameter at a time (study '{}', {strategy})",
            study.name
        ),
        kpi: kpi.into(),
        unit: unit_of(kpi).into(),
        base,
        bars,
    })
}

/// The heat map of `kpi` for `strategy` over the two parameters of a product study.
fn heat_map(rows: &Rows, study: &PlannedStudy, kpi: &str, strategy: &str) -> HeatMap {
    let (px, py) = (&study.parameters[0], &study.parameters[1]);
    let (x, y) = (rows.settings(px), rows.settings(py));
    let values = y
        .iter()
        .map(|vy| {
            x.iter()
                .map(|vx| {
                    rows.mean(kpi, |r| {
                        rows.text(r, "strategy") == Some(strategy)
                            && rows.text(r, px) == Some(vx)
                            && rows.text(r, py) == Some(vy)
                    })
                })
                .collect()
        })
        .collect();
    HeatMap {
        title: format!(
            "{kpi} [{}] (study '{}', {strategy})",
            unit_of(kpi),
            study.name
        ),
        x_label: px.clone(),
        y_label: py.clone(),
        x,
        y,
        values,
        kpi: kpi.into(),
        unit: unit_of(kpi).into(),
    }
}

/// Each strategy's regret against `lp`: its KPI minus lp's on the same seed and
/// parameters, per pair found; `None` without lp or another strategy.
fn regret(rows: &Rows, study: &PlannedStudy, kpi: &str) -> Option<Boxes> {
    let strategies = rows.strategies();
    if !strategies.iter().any(|s| s == "lp") || strategies.len() < 2 {
        return None;
    }
    // Rows by (parameters, seed) → strategy → KPI.
    type Id<'a> = (Vec<Option<&'a str>>, Option<f64>);
    let mut by: Vec<(Id, BTreeMap<&str, f64>)> = Vec::new();
    for r in &rows.rows {
        let id: Id = (
            study.parameters.iter().map(|p| rows.text(r, p)).collect(),
            rows.number(r, "seed"),
        );
        if let (Some(s), Some(v)) = (rows.text(r, "strategy"), rows.number(r, kpi)) {
            match by.iter_mut().find(|(i, _)| *i == id) {
                Some((_, m)) => {
                    m.insert(s, v);
                }
                None => by.push((id, BTreeMap::from([(s, v)]))),
            }
        }
    }
    let groups = strategies
        .iter()
        .filter(|s| *s != "lp")
        .map(|s| {
            let v = by
                .iter()
                .map(|(_, m)| m)
                .filter_map(|m| Some(m.get(s.as_str())? - m.get("lp")?))
                .collect();
            (s.clone(), v)
        })
        .collect();
    Some(Boxes {
        title: format!(
            "Regret against lp: {kpi} of the strategy − {kpi} of lp, same seed (study '{}')",
            study.name
        ),
        y_label: format!("regret in {kpi} [{}]", unit_of(kpi)),
        groups,
    })
}

/// `report.html`: what the sweep ran, the counts by status, and every chart inline.
fn page(plan: &Plan, table: &Table, drawn: &[Drawn]) -> String {
    let esc = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let (ok, failed, missing) = table.counts();
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>vppsim sweep: {n}</title>\n<style>\
         body{{font-family:'DejaVu Sans',sans-serif;max-width:1060px;margin:2em auto;color:#222;padding:0 1em}}\
         table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #bbb;padding:3px 8px;text-align:left}}\
         td.num{{text-align:right;font-variant-numeric:tabular-nums}}figure{{margin:2em 0}}figcaption{{font-weight:bold}}\
         </style></head><body>\n<h1>vppsim sweep: {n}</h1>\n",
        n = esc(&plan.sweep)
    );
    let _ = writeln!(
        h,
        "<p>{} cases: {ok} ok, {failed} failed, {missing} missing. Every case is a row of <code>sweep.csv</code> / <code>sweep.parquet</code>.</p>",
        plan.cases.len()
    );
    h.push_str("<table><tr><th>study</th><th>combined</th><th>parameters</th><th>seeds</th><th>strategies</th></tr>\n");
    for s in &plan.studies {
        let strategies = if s.strategies.is_empty() {
            "the scenario's".to_string()
        } else {
            s.strategies.join(", ")
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            esc(&s.name),
            esc(&s.combine),
            esc(&s.parameters.join(", ")),
            s.seeds,
            esc(&strategies)
        );
    }
    h.push_str("</table>\n");
    if drawn.is_empty() {
        h.push_str("<p>No chart: a tornado needs a one-at-a-time study, a heat map a product of two parameters, a distribution two or more seeds (with finished cases).</p>\n");
    }
    for d in drawn {
        let svg = d.svg.find("<svg").map_or(d.svg.as_str(), |i| &d.svg[i..]);
        let _ = writeln!(
            h,
            "<figure id=\"{}\"><figcaption>{}</figcaption>\n{svg}\n</figure>",
            esc(&d.stem),
            esc(&d.caption)
        );
    }
    let _ = writeln!(
        h,
        "<p>Values are means over a study's seeds where it has several; base and heat-map cells count finished cases only. Generated by vppsim {}.</p>\n</body></html>",
        env!("CARGO_PKG_VERSION")
    );
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::table::{Column, Kind};

    fn table(rows: Vec<Vec<Cell>>) -> Table {
        let col = |name: &str, kind| Column {
            name: name.into(),
            kind,
            unit: "",
        };
        Table {
            columns: vec![
                col("study", Kind::Text),
                col("a", Kind::Text),
                col("b", Kind::Text),
                col("seed", Kind::Int),
                col("strategy", Kind::Text),
                col("status", Kind::Text),
                col("total_cost_cny", Kind::Number),
            ],
            rows,
        }
    }

    fn row(a: Option<&str>, b: Option<&str>, seed: i64, strategy: &str, cost: f64) -> Vec<Cell> {
        let t = |s: Option<&str>| s.map_or(Cell::Empty, |s| Cell::Text(s.into()));
        vec![
            Cell::Text("s".into()),
            t(a),
            t(b),
            Cell::Int(seed),
            Cell::Text(strategy.into()),
            Cell::Text("ok".into()),
            Cell::Number(cost),
        ]
    }

    fn study(combine: &str, seeds: usize) -> PlannedStudy {
        PlannedStudy {
            name: "s".into(),
            combine: combine.into(),
            parameters: vec!["a".into(), "b".into()],
            seeds,
            strategies: vec![],
        }
    }

    #[test]
    fn tornado_bars_are_changes_from_the_base_case_averaged_over_seeds() {
        let t = table(vec![
            row(None, None, 1, "lp", 100.0),
            row(None, None, 2, "lp", 110.0),
            row(Some("1"), None, 1, "lp", 90.0),
            row(Some("1"), None, 2, "lp", 100.0),
            row(Some("3"), None, 1, "lp", 120.0),
            row(Some("3"), None, 2, "lp", 120.0),
            row(None, Some("x"), 1, "lp", 105.0),
            row(None, Some("x"), 2, "lp", 105.0),
        ]);
        let rows = Rows::of(&t, "s");
        let tornado = tornado(&rows, &study("one-at-a-time", 2), "total_cost_cny", "lp").unwrap();
        assert_eq!(tornado.base, 105.0);
        let a = &tornado.bars[0];
        assert_eq!(
            (a.low, a.high, a.low_value.as_str(), a.high_value.as_str()),
            (-10.0, 15.0, "1", "3")
        );
        assert_eq!((tornado.bars[1].low, tornado.bars[1].high), (0.0, 0.0));
    }

    #[test]
    fn heat_map_cells_and_regret_pairs() {
        let t = table(vec![
            row(Some("1"), Some("x"), 1, "lp", 10.0),
            row(Some("1"), Some("x"), 1, "mpc", 12.5),
            row(Some("2"), Some("x"), 1, "lp", 20.0),
            row(Some("2"), Some("x"), 1, "mpc", 21.0),
            row(Some("1"), Some("y"), 1, "lp", 30.0),
        ]);
        let rows = Rows::of(&t, "s");
        let h = heat_map(&rows, &study("product", 1), "total_cost_cny", "lp");
        assert_eq!(
            (h.x.clone(), h.y.clone()),
            (
                vec!["1".to_string(), "2".into()],
                vec!["x".to_string(), "y".into()]
            )
        );
        assert_eq!(
            h.values,
            vec![vec![Some(10.0), Some(20.0)], vec![Some(30.0), None]]
        );
        let r = regret(&rows, &study("product", 2), "total_cost_cny").unwrap();
        assert_eq!(r.groups, vec![("mpc".to_string(), vec![2.5, 1.0])]);
    }
}
