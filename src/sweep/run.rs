//! Running one case of a sweep: resolve it, dispatch it with a single-threaded solver,
//! compute its KPIs; a failure is an outcome (error and exit code), never a stop.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Problems;
use crate::dispatch::{DispatchError, built_in};
use crate::forecast::ErrorStats;
use crate::results::{Kpis, Manifest, Results, StageTimes};
use crate::scenario::overrides::Override;
use crate::scenario::{self, Loaded, Source};
use crate::sim::{self, SimError, presolve};

/// The exit codes `vppsim run` gives, recorded for a failed case: bad input, infeasible,
/// run failed (solver error, broken invariant, internal error).
pub const EXIT_BAD_INPUT: u8 = 2;
pub const EXIT_INFEASIBLE: u8 = 3;
pub const EXIT_FAILED: u8 = 4;

/// What became of a case, as kept in its `case.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub key: String,
    /// `ok` or `failed`.
    pub status: String,
    /// 0, or the exit code `vppsim run` would give for the failure.
    pub exit_code: u8,
    pub error: Option<String>,
    /// Every KPI as a flat, ordered map (see [`flatten`]); empty for a failed case.
    pub kpis: serde_json::Map<String, serde_json::Value>,
    /// Wall time (s) of resolving, dispatching and writing the case.
    pub seconds: CaseSeconds,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseSeconds {
    pub resolve: f64,
    pub simulate: f64,
    pub write: f64,
}

impl Record {
    pub fn ok(&self) -> bool {
        self.status == "ok"
    }
}

/// A successful case's outputs, kept to write its results folder.
pub struct Finished {
    pub loaded: Loaded,
    pub strategy: &'static str,
    pub results: Results,
    pub kpis: Kpis,
    pub objective: Option<f64>,
    pub forecast_errors: Vec<ErrorStats>,
    pub plans: usize,
    pub times: StageTimes,
}

impl Finished {
    /// The manifest of the case's results folder.
    pub fn manifest(&self, write: Duration) -> Manifest {
        let s = &self.loaded.scenario;
        let solver = (self.objective.is_some()).then_some(&s.dispatch.solver);
        let mut m = Manifest::new(
            s,
            self.strategy,
            solver,
            &self.loaded.inputs,
            self.plans,
            StageTimes {
                write,
                ..self.times
            },
        );
        m.overrides = self.loaded.overrides.clone();
        m
    }
}

/// Runs the case of `base` with `overrides`, with a single-threaded, serial solver (cases
/// run side by side). Returns its record (without write time) and, when it succeeded, its
/// outputs. A panic is caught and recorded as an internal error.
pub fn run_case(base: &Source, overrides: &[Override], key: &str) -> (Record, Option<Finished>) {
    let mut seconds = CaseSeconds::default();
    let outcome = catch_unwind(AssertUnwindSafe(|| attempt(base, overrides, &mut seconds)))
        .unwrap_or_else(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err((
                EXIT_FAILED,
                format!("internal error (a bug in vppsim): {what}"),
            ))
        });
    match outcome {
        Ok(finished) => {
            // Money named in the case's currency, as in its summary.json.
            let currency = finished.loaded.scenario.currency;
            let kpis = flatten(
                &currency.rename_keys(serde_json::to_value(&finished.kpis).unwrap_or_default()),
            );
            let record = Record {
                key: key.into(),
                status: "ok".into(),
                exit_code: 0,
                error: None,
                kpis,
                seconds,
            };
            (record, Some(finished))
        }
        Err((exit_code, error)) => {
            let record = Record {
                key: key.into(),
                status: "failed".into(),
                exit_code,
                error: Some(error),
                kpis: serde_json::Map::new(),
                seconds,
            };
            (record, None)
        }
    }
}

fn attempt(
    base: &Source,
    overrides: &[Override],
    seconds: &mut CaseSeconds,
) -> Result<Finished, (u8, String)> {
    let start = Instant::now();
    let bad = |p: Problems| (EXIT_BAD_INPUT, p.to_string());
    let source = base
        .clone()
        .with_overrides(overrides, Vec::new())
        .map_err(bad)?;
    let mut loaded = scenario::load_source(source).map_err(bad)?;
    let solver = &mut loaded.scenario.dispatch.solver;
    solver.threads = Some(1);
    solver.parallel = false;
    seconds.resolve = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let s = &loaded.scenario;
    let infeasible = presolve::check(s);
    if !infeasible.is_empty() {
        let reasons: Vec<String> = infeasible.into_iter().map(|i| i.message).collect();
        return Err((
            EXIT_INFEASIBLE,
            format!("infeasible: {}", reasons.join("; ")),
        ));
    }
    let mut dispatcher = built_in(s.dispatch.strategy, s);
    let run = sim::simulate(s, dispatcher.as_mut()).map_err(|e| {
        let code = match e {
            SimError::Dispatch(DispatchError::Infeasible { .. }) => EXIT_INFEASIBLE,
            _ => EXIT_FAILED,
        };
        (code, e.to_string())
    })?;
    let kpis = Kpis::compute(&run.results);
    if let Some(Err(e)) = run.objective.map(|o| kpis.check_objective(o)) {
        return Err((EXIT_FAILED, e));
    }
    let mut times = run.times;
    times.load = Duration::from_secs_f64(seconds.resolve);
    seconds.simulate = start.elapsed().as_secs_f64();
    Ok(Finished {
        strategy: dispatcher.name(),
        loaded,
        results: run.results,
        kpis,
        objective: run.objective,
        forecast_errors: run.forecast_errors,
        plans: run.plans,
        times,
    })
}

/// A JSON value's numbers as one flat, ordered map: nested objects join their keys with
/// `.`; an array of objects is entered by each element's `name` (or `label`), and an
/// element with a `value` is that value (`assets.genset.fuel`). Text fields are left out;
/// a null stays (a KPI that does not apply).
pub fn flatten(value: &serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::Value;
    fn walk(prefix: &str, v: &Value, out: &mut serde_json::Map<String, Value>) {
        let join = |k: &str| {
            if prefix.is_empty() {
                k.to_string()
            } else {
                format!("{prefix}.{k}")
            }
        };
        match v {
            Value::Number(_) | Value::Null => {
                out.insert(prefix.to_string(), v.clone());
            }
            Value::Object(map) => match map.get("value") {
                Some(x @ Value::Number(_)) => {
                    out.insert(prefix.to_string(), x.clone());
                }
                _ => {
                    for (k, x) in map {
                        if k != "name" && k != "label" {
                            walk(&join(k), x, out);
                        }
                    }
                }
            },
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let name = item
                        .get("name")
                        .or_else(|| item.get("label"))
                        .and_then(Value::as_str)
                        .map_or_else(|| i.to_string(), str::to_string);
                    walk(&join(&name), item, out);
                }
            }
            Value::Bool(_) | Value::String(_) => {}
        }
    }
    let mut out = serde_json::Map::new();
    walk("", value, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_nested_kpis_by_name() {
        let v = serde_json::json!({
            "grid_import_mwh": 1.5,
            "co2_t": null,
            "ev_hubs": [{ "name": "hub", "sessions": 3, "unmet_mwh": 0.25 }],
            "assets": [{ "name": "g", "figures": [{ "label": "fuel", "value": 2.0, "unit": "l" }] }],
        });
        let flat = flatten(&v);
        let keys: Vec<&str> = flat.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "grid_import_mwh",
                "co2_t",
                "ev_hubs.hub.sessions",
                "ev_hubs.hub.unmet_mwh",
                "assets.g.figures.fuel"
            ]
        );
        assert_eq!(flat["assets.g.figures.fuel"], 2.0);
    }

    #[test]
    fn a_case_runs_and_an_infeasible_one_is_recorded_with_its_exit_code() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let base = Source::read(&root.join("scenarios/small-site.toml")).unwrap();
        let (record, finished) = run_case(&base, &[], "k");
        assert!(record.ok(), "{record:?}");
        let f = finished.unwrap();
        assert_eq!(record.kpis["grid_import_mwh"], f.kpis.grid_import_mwh);
        let o = Override::from_arg("grid.import_limit=\"0.1 MW\"").unwrap();
        let (record, finished) = run_case(&base, &[o], "k");
        assert!(finished.is_none());
        assert_eq!((record.status.as_str(), record.exit_code), ("failed", 3));
        assert!(record.error.unwrap().contains("infeasible"));
    }
}
