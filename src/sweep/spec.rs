//! The sweep file: a base scenario and studies of cases (parameters, seeds, strategies),
//! as written (a serde mirror with spans) and checked into a [`Spec`], every problem at
//! its position.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Location, Problems};
use crate::scenario::Strategy;
use crate::scenario::resolve::{parse_checked, with_unknown_keys};
use crate::scenario::schema::QUANTITY_PATTERN;
use crate::scenario::values::Checker;

/// A sweep file: a base scenario and the studies of its cases (`vppsim sweep`).
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SweepFile {
    /// The base scenario and what to keep of each case.
    sweep: SweepSection,
    /// Studies, each a set of cases of the base scenario: at least one.
    #[schemars(length(min = 1))]
    study: Vec<StudyTable>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct SweepSection {
    /// The sweep's name (letters, digits, `-`, `_`; default: the file's name); it names
    /// the results folder.
    #[schemars(with = "Option<String>", regex(pattern = r"^[A-Za-z0-9_-]{1,64}$"))]
    name: Option<Spanned<String>>,
    /// The base scenario file, relative to this file.
    #[schemars(with = "String")]
    scenario: Spanned<String>,
    /// `"summary"` (default) keeps each case's KPIs; `"timeseries"` also its results folder
    /// (`timeseries.csv`, `summary.json`, `manifest.json`).
    #[schemars(with = "Option<String>", extend("enum" = ["summary", "timeseries"]))]
    keep: Option<Spanned<String>>,
    /// KPIs (columns of the sweep's table) the report charts (default: `total_cost_cny`,
    /// `grid_import_mwh`).
    #[schemars(with = "Option<Vec<String>>")]
    report: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct StudyTable {
    /// The study's name (letters, digits, `-`, `_`), unique in the file.
    #[schemars(with = "String", regex(pattern = r"^[A-Za-z0-9_-]{1,64}$"))]
    name: Spanned<String>,
    /// How the parameters' values make cases: `"product"` (default; every combination, the
    /// first parameter varying slowest), `"zip"` (the i-th values together) or
    /// `"one-at-a-time"` (the base scenario, then each value alone, for tornado charts).
    #[schemars(
        with = "Option<String>",
        extend("enum" = ["product", "zip", "one-at-a-time"])
    )]
    combine: Option<Spanned<String>>,
    /// Strategies every case is run with (`"none"`, `"rule"`, `"tou"`, `"peak"`, `"lp"`,
    /// `"mpc"`; default: the scenario's own).
    #[schemars(
        with = "Option<Vec<String>>",
        extend("items" = { "enum": ["none", "rule", "tou", "peak", "lp", "mpc"] })
    )]
    strategies: Option<Vec<Spanned<String>>>,
    /// Monte Carlo seeds for `[scenario] seed`: a list (`[1, 7, 42]`) or `{ first, count }`
    /// (default: the scenario's own seed).
    #[schemars(with = "Option<Seeds>")]
    seeds: Option<Spanned<toml::Value>>,
    /// The parameters varied.
    #[serde(default)]
    parameter: Vec<ParameterTable>,
}

/// Seeds as a list or as a run of consecutive ones (schema only; checked by [`seeds`]).
struct Seeds;

impl JsonSchema for Seeds {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Seeds".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Seeds: a list of non-negative integers, or { first, count } for count consecutive seeds from first.",
            "anyOf": [
                { "type": "array", "items": { "type": "integer", "minimum": 0 }, "minItems": 1 },
                {
                    "type": "object",
                    "properties": {
                        "first": { "description": "The first seed (default 0).", "type": "integer", "minimum": 0 },
                        "count": { "description": "How many seeds, from first on.", "type": "integer", "minimum": 1, "maximum": 1000000 }
                    },
                    "required": ["count"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("oneOf" = [{ "required": ["values"] }, { "required": ["range"] }]))]
struct ParameterTable {
    /// Dotted path of a value in the scenario file, arrays of tables by name:
    /// `battery.battery.energy_capacity`, `grid.demand_charge`.
    #[schemars(with = "String")]
    path: Spanned<String>,
    /// The values it takes, written as in the scenario file (`["4 MWh", "8 MWh"]`); or
    /// `range`.
    #[schemars(with = "Option<Vec<serde_json::Value>>", length(min = 1))]
    values: Option<Spanned<Vec<Spanned<toml::Value>>>>,
    /// Evenly spaced values from `from` to `to`; or `values`.
    #[schemars(with = "Option<RangeTable>")]
    range: Option<Spanned<RangeTable>>,
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RangeTable {
    /// The first value, with its unit (`"3 MWh"`) or a plain number where the key takes
    /// one.
    #[schemars(with = "RangeEnd")]
    from: Spanned<toml::Value>,
    /// The last value, in the same unit.
    #[schemars(with = "RangeEnd")]
    to: Spanned<toml::Value>,
    /// How many values, ends included (2 to 10,000).
    #[schemars(with = "i64", range(min = 2, max = 10_000))]
    steps: Spanned<i64>,
}

/// An end of a range: one quantity, with its unit or a plain number (schema only; a series
/// or a tariff cannot be interpolated).
struct RangeEnd;

impl JsonSchema for RangeEnd {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RangeEnd".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A quantity with its unit (\"3 MWh\"), or a plain number where the key takes one.",
            "anyOf": [
                { "type": "string", "pattern": QUANTITY_PATTERN },
                { "type": "number" }
            ]
        })
    }
}

/// What is kept of each case besides its row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// The KPIs only (`case.json`).
    Summary,
    /// Also the case's results folder: `timeseries.csv`, `summary.json`, `manifest.json`.
    Timeseries,
}

/// How a study combines its parameters' values into cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    /// Every combination (the first parameter varies slowest).
    Product,
    /// The i-th values of all parameters together (all have as many values).
    Zip,
    /// The base scenario, then each parameter's values one at a time, the others as in the
    /// scenario (for tornado charts).
    OneAtATime,
}

/// A checked sweep file.
#[derive(Debug, Clone)]
pub struct Spec {
    pub name: String,
    /// The sweep file, and the base scenario (relative to where vppsim runs).
    pub file: PathBuf,
    pub scenario: PathBuf,
    /// Where the base scenario is named in the sweep file.
    pub scenario_at: Location,
    pub keep: Keep,
    /// KPIs (columns of the table) the report charts.
    pub report: Vec<String>,
    pub studies: Vec<Study>,
}

#[derive(Debug, Clone)]
pub struct Study {
    pub name: String,
    pub combine: Combine,
    pub parameters: Vec<Parameter>,
    /// Monte Carlo seeds (`[scenario] seed`); empty: the scenario's own.
    pub seeds: Vec<u64>,
    pub seeds_at: Option<Location>,
    /// Strategies with where each was written; empty: the scenario's own.
    pub strategies: Vec<(Strategy, Location)>,
}

#[derive(Debug, Clone)]
pub struct Parameter {
    /// Dotted path into the scenario file.
    pub path: String,
    pub path_at: Location,
    pub values: Vec<Setting>,
}

/// One value of a parameter: as TOML, and where it was written.
#[derive(Debug, Clone)]
pub struct Setting {
    pub value: toml::Value,
    pub at: Location,
}

/// KPIs charted when the sweep file names none.
const DEFAULT_REPORT: [&str; 2] = ["total_cost_cny", "grid_import_mwh"];

/// Most cases one sweep may have.
pub const MAX_CASES: usize = 1_000_000;

/// Checks the sweep file `text` read from `path`; every problem at once.
pub fn parse_spec(path: &Path, text: &str) -> Result<Spec, Problems> {
    let (raw, unknown_keys) = parse_checked(path, text)?;
    with_unknown_keys(unknown_keys, check_spec(path, text, raw))
}

/// Checks sweep file `raw`, parsed from `text` read from `path`.
fn check_spec(path: &Path, text: &str, raw: SweepFile) -> Result<Spec, Problems> {
    let mut c = Checker::new(path, text);
    let name = match &raw.sweep.name {
        Some(n) => {
            c.plain_name(n, "sweep");
            n.get_ref().clone()
        }
        None => path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let keep = match raw.sweep.keep.as_ref().map(|k| (k.get_ref().as_str(), k)) {
        None | Some(("summary", _)) => Keep::Summary,
        Some(("timeseries", _)) => Keep::Timeseries,
        Some((other, k)) => {
            c.report(
                "sweep-keep",
                format!("keep '{other}' is not one of summary, timeseries"),
                k.span(),
                "keep = \"summary\" keeps each case's KPIs; \"timeseries\" also its results folder",
            );
            Keep::Summary
        }
    };
    let report = match &raw.sweep.report {
        Some(kpis) => kpis.iter().map(|k| k.get_ref().clone()).collect(),
        None => DEFAULT_REPORT.map(String::from).to_vec(),
    };
    if raw.study.is_empty() {
        c.report(
            "sweep-studies",
            "the sweep has no [[study]]".into(),
            raw.sweep.scenario.span(),
            "add a [[study]] with parameters, seeds or strategies",
        );
    }
    let mut studies = Vec::new();
    for (i, s) in raw.study.iter().enumerate() {
        c.plain_name(&s.name, "study");
        if raw.study[..i]
            .iter()
            .any(|t| t.name.get_ref() == s.name.get_ref())
        {
            c.report(
                "duplicate-name",
                format!("study name '{}' is used twice", s.name.get_ref()),
                s.name.span(),
                "give every study a unique name",
            );
        }
        studies.push(study(&mut c, s));
    }
    let scenario = path
        .parent()
        .unwrap_or(Path::new(""))
        .join(raw.sweep.scenario.get_ref());
    let cases: usize = studies.iter().map(Study::case_count).sum();
    if cases > MAX_CASES {
        c.report(
            "sweep-too-large",
            format!("the sweep has {cases} cases, more than the {MAX_CASES} vppsim runs at once"),
            raw.sweep.scenario.span(),
            "split it into several sweeps",
        );
    }
    if !c.problems.is_empty() {
        return Err(Problems(c.problems));
    }
    Ok(Spec {
        name,
        file: path.to_path_buf(),
        scenario,
        scenario_at: Location::in_text(path, text, raw.sweep.scenario.span()),
        keep,
        report,
        studies,
    })
}

fn study(c: &mut Checker, s: &StudyTable) -> Study {
    let name = s.name.get_ref();
    let combine = match s.combine.as_ref().map(|k| (k.get_ref().as_str(), k)) {
        None | Some(("product", _)) => Combine::Product,
        Some(("zip", _)) => Combine::Zip,
        Some(("one-at-a-time", _)) => Combine::OneAtATime,
        Some((other, k)) => {
            c.report(
                "sweep-combine",
                format!("study '{name}': combine '{other}' is not one of product, zip, one-at-a-time"),
                k.span(),
                "product: every combination; zip: the i-th values together; one-at-a-time: each parameter alone",
            );
            Combine::Product
        }
    };
    let mut parameters: Vec<Parameter> = Vec::new();
    for p in &s.parameter {
        let path = p.path.get_ref();
        if parameters.iter().any(|q| q.path == *path) {
            c.report(
                "duplicate-name",
                format!("study '{name}': parameter {path} is given twice"),
                p.path.span(),
                "list each parameter once, with all its values",
            );
        }
        let values = match (&p.values, &p.range) {
            (Some(v), None) if !v.get_ref().is_empty() => v
                .get_ref()
                .iter()
                .map(|x| Setting {
                    value: x.get_ref().clone(),
                    at: c.at(x.span()),
                })
                .collect(),
            (None, Some(r)) => range(c, name, path, r),
            _ => {
                c.report(
                    "sweep-values",
                    format!("study '{name}': parameter {path} needs values = [...] or range = {{ from, to, steps }}, one of them"),
                    p.path.span(),
                    "e.g. values = [\"4 MWh\", \"8 MWh\"] or range = { from = \"4 MWh\", to = \"16 MWh\", steps = 4 }",
                );
                Vec::new()
            }
        };
        parameters.push(Parameter {
            path: path.clone(),
            path_at: c.at(p.path.span()),
            values,
        });
    }
    if combine == Combine::Zip
        && let Some(first) = parameters.first()
        && let Some((bad, p)) = parameters
            .iter()
            .zip(&s.parameter)
            .find(|(q, _)| q.values.len() != first.values.len())
    {
        c.report(
            "sweep-zip",
            format!(
                "study '{name}': zipped parameters need as many values each: {} has {}, {} has {}",
                first.path,
                first.values.len(),
                bad.path,
                bad.values.len()
            ),
            p.path.span(),
            "give every parameter of a zipped study the same number of values, or combine = \"product\"",
        );
    }
    let seeds = s
        .seeds
        .as_ref()
        .map(|v| seeds(c, name, v))
        .unwrap_or_default();
    let mut strategies = Vec::new();
    for t in s.strategies.iter().flatten() {
        match Strategy::parse(t.get_ref()) {
            Some(strategy) => strategies.push((strategy, c.at(t.span()))),
            None => c.report(
                "unknown-strategy",
                format!("study '{name}': unknown strategy '{}'", t.get_ref()),
                t.span(),
                &format!("use some of: {}", Strategy::NAMES.join(", ")),
            ),
        }
    }
    Study {
        name: name.clone(),
        combine,
        parameters,
        seeds,
        seeds_at: s.seeds.as_ref().map(|v| c.at(v.span())),
        strategies,
    }
}

/// The values of `range = { from, to, steps }`: `steps` evenly spaced values, both ends
/// included, as numbers or as quantities in the unit of `from` and `to`.
fn range(c: &mut Checker, study: &str, path: &str, r: &Spanned<RangeTable>) -> Vec<Setting> {
    let t = r.get_ref();
    let bad = |c: &mut Checker, message: String| {
        c.report(
            "sweep-range",
            format!("study '{study}': parameter {path}: {message}"),
            r.span(),
            "e.g. range = { from = \"4 MWh\", to = \"16 MWh\", steps = 4 } or { from = 0.8, to = 0.95, steps = 4 }",
        );
        Vec::new()
    };
    let steps = *t.steps.get_ref();
    if !(2..=10_000).contains(&steps) {
        return bad(c, format!("steps = {steps}: give 2 to 10000 values"));
    }
    let (Some((from, unit)), Some((to, unit_to))) =
        (quantity(t.from.get_ref()), quantity(t.to.get_ref()))
    else {
        return bad(
            c,
            "from and to must be numbers, or quantities such as \"4 MWh\"".into(),
        );
    };
    if unit != unit_to {
        return bad(
            c,
            format!("from is in '{unit}' but to in '{unit_to}': give both in one unit"),
        );
    }
    (0..steps)
        .map(|k| {
            let x = from + (to - from) * k as f64 / (steps - 1) as f64;
            let x = format_number(x);
            let value = if unit.is_empty() {
                toml::Value::Float(x.parse().unwrap_or(f64::NAN))
            } else {
                toml::Value::String(format!("{x} {unit}"))
            };
            Setting {
                value,
                at: c.at(r.span()),
            }
        })
        .collect()
}

/// A number, or a string "number unit", as the number and the unit ("" for a number).
pub fn quantity(v: &toml::Value) -> Option<(f64, String)> {
    match v {
        toml::Value::Integer(i) => Some((*i as f64, String::new())),
        toml::Value::Float(x) if x.is_finite() => Some((*x, String::new())),
        toml::Value::String(s) => {
            let s = s.trim();
            let split = s
                .find(|ch: char| !(ch.is_ascii_digit() || "+-.eE".contains(ch)))
                .unwrap_or(s.len());
            let x: f64 = s[..split].trim().parse().ok()?;
            let unit = s[split..].trim();
            (x.is_finite() && !unit.is_empty()).then(|| (x, unit.to_string()))
        }
        _ => None,
    }
}

/// `x` with at most 12 significant digits and no trailing zeros (0.1 + 0.2 → "0.3").
fn format_number(x: f64) -> String {
    let rounded: f64 = format!("{x:.11e}").parse().unwrap_or(x);
    let text = format!("{rounded}");
    if text == "-0" { "0".into() } else { text }
}

/// `seeds = [1, 2, 3]` or `seeds = { first = 1, count = 20 }`.
fn seeds(c: &mut Checker, study: &str, v: &Spanned<toml::Value>) -> Vec<u64> {
    let seed = |x: &toml::Value| x.as_integer().and_then(|i| u64::try_from(i).ok());
    let listed: Option<Vec<u64>> = match v.get_ref() {
        toml::Value::Array(items) if !items.is_empty() => items.iter().map(seed).collect(),
        toml::Value::Table(t) if t.keys().all(|k| k == "first" || k == "count") => {
            let first = t.get("first").map_or(Some(0), seed);
            let count = t
                .get("count")
                .and_then(seed)
                .filter(|n| (1..=1_000_000).contains(n));
            first
                .zip(count)
                .and_then(|(f, n)| (0..n).map(|k| f.checked_add(k)).collect())
        }
        _ => None,
    };
    listed.unwrap_or_else(|| {
        c.report(
            "sweep-seeds",
            format!(
                "study '{study}': seeds must be a non-empty list of non-negative integers, or {{ first, count }} with first ≥ 0 and count from 1 to 1,000,000"
            ),
            v.span(),
            "e.g. seeds = { first = 1, count = 20 } or seeds = [1, 7, 42]",
        );
        Vec::new()
    })
}

impl Study {
    /// Parameter combinations, each a list of (parameter index, value index).
    pub fn combinations(&self) -> Vec<Vec<(usize, usize)>> {
        let p = &self.parameters;
        match self.combine {
            Combine::Zip => (0..p.first().map_or(1, |q| q.values.len()))
                .map(|i| (0..p.len()).map(|k| (k, i)).collect())
                .collect(),
            Combine::OneAtATime => std::iter::once(Vec::new())
                .chain(
                    p.iter()
                        .enumerate()
                        .flat_map(|(k, q)| (0..q.values.len()).map(move |i| vec![(k, i)])),
                )
                .collect(),
            Combine::Product => p.iter().enumerate().fold(vec![Vec::new()], |acc, (k, q)| {
                acc.into_iter()
                    .flat_map(|combo| {
                        (0..q.values.len()).map(move |i| {
                            let mut next = combo.clone();
                            next.push((k, i));
                            next
                        })
                    })
                    .collect()
            }),
        }
    }

    /// Number of cases: combinations × seeds × strategies.
    pub fn case_count(&self) -> usize {
        let combos = match self.combine {
            Combine::Zip => self.parameters.first().map_or(1, |q| q.values.len()),
            Combine::OneAtATime => {
                1 + self
                    .parameters
                    .iter()
                    .map(|q| q.values.len())
                    .sum::<usize>()
            }
            Combine::Product => self
                .parameters
                .iter()
                .map(|q| q.values.len())
                .fold(1usize, usize::saturating_mul),
        };
        combos
            .saturating_mul(self.seeds.len().max(1))
            .saturating_mul(self.strategies.len().max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> Result<Spec, String> {
        parse_spec(Path::new("scenarios/s.toml"), text).map_err(|p| p.to_string())
    }

    #[test]
    fn ranges_seeds_and_combinations() {
        let s = spec(
            "[sweep]\nscenario = \"base.toml\"\n[[study]]\nname = \"a\"\nseeds = { first = 3, count = 2 }\nstrategies = [\"rule\", \"lp\"]\n[[study.parameter]]\npath = \"battery.b.energy_capacity\"\nrange = { from = \"4 MWh\", to = \"5 MWh\", steps = 4 }\n[[study.parameter]]\npath = \"grid.demand_charge\"\nvalues = [\"20 CNY/kW\", \"30 CNY/kW\"]\n",
        )
        .unwrap();
        assert_eq!(s.name, "s");
        assert_eq!(s.scenario, Path::new("scenarios/base.toml"));
        let study = &s.studies[0];
        let values: Vec<_> = study.parameters[0]
            .values
            .iter()
            .map(|v| v.value.as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            values,
            ["4 MWh", "4.33333333333 MWh", "4.66666666667 MWh", "5 MWh"]
        );
        assert_eq!(study.seeds, [3, 4]);
        assert_eq!(study.combinations().len(), 8);
        assert_eq!(study.combinations()[1], [(0, 0), (1, 1)]);
        assert_eq!(study.case_count(), 8 * 2 * 2);
        let mut oat = study.clone();
        oat.combine = Combine::OneAtATime;
        assert_eq!(oat.combinations().len(), 1 + 4 + 2);
        assert_eq!(oat.case_count(), oat.combinations().len() * 4);
        assert_eq!(format_number(0.1 + 0.2), "0.3");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let e = spec(
            "[sweep]\nscenario = \"base.toml\"\nkeep = \"all\"\n[[study]]\nname = \"a b\"\ncombine = \"zip\"\nseeds = [-1]\nstrategies = [\"greedy\"]\n[[study.parameter]]\npath = \"x\"\nvalues = [1, 2]\n[[study.parameter]]\npath = \"y\"\nvalues = [1]\n[[study.parameter]]\npath = \"z\"\nrange = { from = \"1 MW\", to = \"2 MWh\", steps = 3 }\n",
        )
        .unwrap_err();
        for needle in [
            "keep 'all'",
            "study name 'a b'",
            "seeds must be",
            "unknown strategy 'greedy'",
            "x has 2, y has 1",
            "from is in 'MW' but to in 'MWh'",
            "6 problems found",
        ] {
            assert!(e.contains(needle), "{needle} in {e}");
        }
    }
}
