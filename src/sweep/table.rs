//! The sweep's table: one row per case of the plan (its parameters, seed, strategy,
//! status and every KPI), as `sweep.csv`. The same rows go to Parquet (see `parquet`).
//! Nothing in it varies between identical sweeps (times are in each `case.json`), so a
//! sweep run locally and one run as shards give the same bytes.

use std::collections::BTreeMap;

use crate::results::csv_table;

use super::plan::Plan;
use super::run::Record;

/// A cell of the table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Int(i64),
    Text(String),
    Number(f64),
    Empty,
}

/// The kind of a column, for typed outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
    Number,
}

/// A column: name, kind and unit (from the KPI's name; empty where it has none).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
    pub unit: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

/// Status of a case with no record: not run (yet), e.g. a shard that did not finish.
pub const MISSING: &str = "missing";

/// The unit of a KPI from its name's suffix (money: its currency's code, `_eur` → EUR).
pub fn unit_of(kpi: &str) -> &'static str {
    let last = kpi.rsplit('.').next().unwrap_or(kpi);
    [
        ("_kwh_per_kwp", "kWh/kWp"),
        ("_mwh", "MWh"),
        ("_mw", "MW"),
        ("_t", "t"),
    ]
    .iter()
    .find(|(suffix, _)| last.ends_with(suffix))
    .map(|(_, unit)| *unit)
    .or_else(|| crate::currency::Currency::of_name(last).map(|c| c.code()))
    .or_else(|| {
        let share = ["share", "self_consumption", "self_sufficiency"]
            .iter()
            .any(|s| last.ends_with(s));
        share.then_some("fraction")
    })
    .or_else(|| (last == "objective").then_some("MWh-eq"))
    .or_else(|| (last.ends_with("cycles")).then_some("cycles"))
    .unwrap_or("")
}

/// The table of `plan` with the `records` found (by key).
pub fn build(plan: &Plan, records: &BTreeMap<String, Record>) -> Table {
    let mut kpis: Vec<String> = Vec::new();
    for case in &plan.cases {
        if let Some(r) = records.get(&case.key) {
            for k in r.kpis.keys() {
                if !kpis.contains(k) {
                    kpis.push(k.clone());
                }
            }
        }
    }
    let col = |name: &str, kind: Kind| Column {
        name: name.to_string(),
        kind,
        unit: "",
    };
    let mut columns = vec![
        col("case", Kind::Int),
        col("study", Kind::Text),
        col("key", Kind::Text),
    ];
    columns.extend(plan.parameters.iter().map(|p| col(p, Kind::Text)));
    columns.extend([
        col("seed", Kind::Int),
        col("strategy", Kind::Text),
        col("status", Kind::Text),
        col("exit_code", Kind::Int),
        col("error", Kind::Text),
    ]);
    columns.extend(kpis.iter().map(|k| Column {
        name: k.clone(),
        kind: Kind::Number,
        unit: unit_of(k),
    }));
    let rows = plan
        .cases
        .iter()
        .map(|case| {
            let record = records.get(&case.key);
            let mut row = vec![
                Cell::Int(case.id as i64),
                Cell::Text(case.study.clone()),
                Cell::Text(case.key.clone()),
            ];
            row.extend(plan.parameters.iter().map(|p| {
                case.parameters
                    .get(p)
                    .map_or(Cell::Empty, |v| Cell::Text(unquote(v)))
            }));
            row.push(Cell::Int(case.seed as i64));
            row.push(Cell::Text(case.strategy.clone()));
            match record {
                Some(r) => {
                    row.push(Cell::Text(r.status.clone()));
                    row.push(Cell::Int(r.exit_code.into()));
                    row.push(r.error.clone().map_or(Cell::Empty, Cell::Text));
                }
                None => row.extend([Cell::Text(MISSING.into()), Cell::Empty, Cell::Empty]),
            }
            row.extend(kpis.iter().map(|k| {
                record
                    .and_then(|r| r.kpis.get(k))
                    .and_then(serde_json::Value::as_f64)
                    .map_or(Cell::Empty, Cell::Number)
            }));
            row
        })
        .collect();
    Table { columns, rows }
}

/// A value as written in the sweep file, without the quotes of a TOML string.
fn unquote(v: &str) -> String {
    match toml::from_str::<toml::Table>(&format!("v = {v}")) {
        Ok(t) => match t.get("v") {
            Some(toml::Value::String(s)) => s.clone(),
            _ => v.to_string(),
        },
        Err(_) => v.to_string(),
    }
}

impl Table {
    /// The table as CSV: numbers in full (shortest round-trip form), empty cells for what
    /// does not apply.
    pub fn csv(&self) -> String {
        let header: Vec<String> = self.columns.iter().map(|c| c.name.clone()).collect();
        let rows = self.rows.iter().map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Cell::Int(i) => i.to_string(),
                    Cell::Text(t) => t.clone(),
                    Cell::Number(x) => x.to_string(),
                    Cell::Empty => String::new(),
                })
                .collect()
        });
        csv_table(&header, rows)
    }

    /// Index of column `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// Cases by status: (ok, failed, missing).
    pub fn counts(&self) -> (usize, usize, usize) {
        let Some(status) = self.column("status") else {
            return (0, 0, 0);
        };
        let count = |s: &str| {
            self.rows
                .iter()
                .filter(|r| r[status] == Cell::Text(s.into()))
                .count()
        };
        (count("ok"), count("failed"), count(MISSING))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::plan::PlannedCase;
    use crate::sweep::run::CaseSeconds;

    #[test]
    fn one_row_per_case_with_missing_and_failed_ones() {
        let case = |id: usize, key: &str, size: Option<&str>| PlannedCase {
            id,
            study: "s".into(),
            label: String::new(),
            key: key.into(),
            parameters: size
                .map(|v| ("battery.b.energy_capacity".to_string(), v.to_string()))
                .into_iter()
                .collect(),
            seed: 7,
            strategy: "lp".into(),
        };
        let plan = Plan {
            sweep: "t".into(),
            sweep_sha256: String::new(),
            keep: "summary".into(),
            report: vec![],
            parameters: vec!["battery.b.energy_capacity".into()],
            studies: vec![],
            cases: vec![
                case(1, "a", Some("\"2 MWh\"")),
                case(2, "b", None),
                case(3, "c", Some("\"4 MWh\"")),
            ],
        };
        let mut kpis = serde_json::Map::new();
        kpis.insert("grid_import_mwh".into(), 1.25.into());
        kpis.insert("co2_t".into(), serde_json::Value::Null);
        let record = |key: &str, ok: bool| Record {
            key: key.into(),
            status: if ok { "ok" } else { "failed" }.into(),
            exit_code: if ok { 0 } else { 3 },
            error: (!ok).then(|| "infeasible, \"really\"".into()),
            kpis: if ok { kpis.clone() } else { Default::default() },
            seconds: CaseSeconds::default(),
        };
        let records: BTreeMap<_, _> = [
            ("a".into(), record("a", true)),
            ("c".into(), record("c", false)),
        ]
        .into_iter()
        .collect();
        let t = build(&plan, &records);
        assert_eq!(
            t.csv(),
            "case,study,key,battery.b.energy_capacity,seed,strategy,status,exit_code,error,grid_import_mwh,co2_t\n\
             1,s,a,2 MWh,7,lp,ok,0,,1.25,\n\
             2,s,b,,7,lp,missing,,,,\n\
             3,s,c,4 MWh,7,lp,failed,3,\"infeasible, \"\"really\"\"\",,\n"
        );
        assert_eq!(t.counts(), (1, 1, 1));
        assert_eq!(t.columns[9].unit, "MWh");
        assert_eq!(unit_of("datacenters.dc.onsite_share"), "fraction");
        assert_eq!(unit_of("ev_hubs.hub.sessions"), "");
    }
}
