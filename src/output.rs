//! Writing a run's results folder, atomically through a [`Claim`] (see `results::folder`):
//! `timeseries.csv`, `summary.json`, `manifest.json`, synthetic weather and, when asked, the
//! charts and reports. It sits after `results` and `report`, so neither depends on the other's
//! writer.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::forecast::ErrorStats;
use crate::results::{
    Claim, Kpis, Manifest, Results, WriteError, pretty, series_roles, timeseries_csv, write_file,
};
use crate::scenario::Scenario;

/// One line per asset with its main parameters, for the report: the primitive assets that
/// stand on their own (a data centre's or EV hub's parts are described with their owner),
/// the data centres, the EV hubs and the grid.
fn describe(s: &Scenario) -> Vec<serde_json::Value> {
    let line = |kind: &str, name: &str, parameters: String| serde_json::json!({ "kind": kind, "name": name, "parameters": parameters });
    let mut out = Vec::new();
    for device in s.devices() {
        if let Some((kind, parameters)) = device.summary(&s.time) {
            // Asset kinds describe their prices in CNY, the engine's name for the currency.
            out.push(line(kind, device.name(), s.currency.relabel(&parameters)));
        }
    }
    for d in &s.datacenters {
        out.push(line(
            "data centre",
            &d.name,
            format!(
                "IT capacity {} MW, {} AI jobs",
                d.it_capacity_mw,
                d.jobs.len()
            ),
        ));
    }
    for h in &s.ev_hubs {
        let mode = if h.managed { "managed" } else { "uncontrolled" };
        out.push(line(
            "EV hub",
            &h.name,
            format!(
                "{} chargers, {} sessions, {mode}",
                h.chargers.len(),
                h.sessions().count()
            ),
        ));
    }
    let g = &s.grid;
    let (lo, hi) = g
        .import_price
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(*p), b.max(*p)));
    let demand = g.demand_charge.as_ref().map_or(String::new(), |d| {
        format!(
            ", demand charge {} {}/kW per month",
            d.cny_per_mw / 1000.0,
            s.currency
        )
    });
    out.push(line(
        "grid",
        "grid",
        format!(
            "import ≤ {} MW, export ≤ {} MW, import price {:.3}–{:.3} {}/kWh{demand}",
            g.import_limit_mw,
            g.export_limit_mw,
            lo / 1000.0,
            hi / 1000.0,
            s.currency
        ),
    ));
    out
}

/// What a run produced, to be written.
pub struct RunOutput<'a> {
    pub scenario: &'a Scenario,
    pub results: &'a Results,
    pub kpis: &'a Kpis,
    /// The solver's own objective value, where the strategy optimises.
    pub solver_objective: Option<f64>,
    pub forecast_errors: &'a [ErrorStats],
    /// What sizing found, for a sizing scenario (written as `sizing` in `summary.json`).
    pub sizing: Option<&'a crate::sizing::Economics>,
    /// The KPIs of the same scenario run with strategy `none` (the do-nothing baseline the
    /// report's savings are measured against), written as `baseline` in `summary.json`.
    pub baseline: Option<&'a Kpis>,
    /// Also write `timeseries.parquet` (`--format parquet`).
    pub parquet: bool,
}

/// Writes `timeseries.csv`, `summary.json` and `manifest.json` (and with `with_report` the
/// charts and reports) into the claimed folder, atomically.
/// `manifest` receives the time spent writing the CSV and summary; returns the total write
/// time, charts and reports included.
pub fn write_results(
    claim: &Claim,
    with_report: bool,
    run: &RunOutput,
    manifest: impl FnOnce(Duration) -> Manifest,
) -> Result<Duration, WriteError> {
    let writing = Instant::now();
    let staging = claim.stage("run")?;
    write_run(staging.path(), with_report, run, manifest)?;
    staging.commit()?;
    Ok(writing.elapsed())
}

/// Writes the files of one run into the folder `dir` (see [`write_results`]).
pub fn write_run(
    dir: &Path,
    with_report: bool,
    run: &RunOutput,
    manifest: impl FnOnce(Duration) -> Manifest,
) -> Result<(), WriteError> {
    let RunOutput {
        scenario,
        results,
        kpis,
        solver_objective,
        forecast_errors,
        sizing,
        baseline,
        parquet,
    } = *run;
    let writing = Instant::now();
    let mut summary = serde_json::json!({
        "scenario": results.scenario,
        "strategy": results.strategy,
        "start": results.time.timestamp(0),
        "steps": results.time.len,
        "step_minutes": results.time.step_seconds as f64 / 60.0,
        "description": scenario.description,
        "assets": describe(scenario),
        "series": series_roles(results),
        "kpis": kpis,
        "solver_objective": solver_objective,
        "forecast_errors": forecast_errors,
    });
    if let Some(economics) = sizing {
        summary["sizing"] = serde_json::to_value(economics).expect("sizing figures serialise");
    }
    if let Some(kpis) = baseline {
        summary["baseline"] = serde_json::json!({ "strategy": "none", "kpis": kpis });
    }
    // Money figures are named in the scenario's currency (`total_cost_eur`); a CNY summary
    // keeps the names it always had, and records no currency (the default).
    let currency = scenario.currency;
    let mut summary = currency.rename_keys(summary);
    if currency != crate::currency::Currency::CNY {
        summary["currency"] = serde_json::json!(currency);
    }
    let csv = timeseries_csv(results);
    write_file(dir, "timeseries.csv", csv.as_bytes())?;
    if parquet {
        let bytes = crate::results::parquet::timeseries_parquet(&csv)
            .map_err(|e| WriteError::Report(format!("timeseries.parquet: {e}")))?;
        write_file(dir, "timeseries.parquet", &bytes)?;
    }
    write_file(dir, "summary.json", &pretty(&summary))?;
    // The write stage covers the CSV and the summary; charts and reports come after and
    // show this same manifest (versions, solver, hashes, timings).
    let manifest =
        serde_json::to_value(manifest(writing.elapsed())).expect("a manifest serialises");
    write_file(dir, "manifest.json", &pretty(&manifest))?;
    // Synthetic weather is part of the run's outcome: kept beside it, and charted.
    let weather = match scenario.weather.as_ref().filter(|w| w.synthetic) {
        Some(_) => crate::results::weather_csv(scenario)
            .transpose()
            .map_err(|e| WriteError::Report(format!("weather.csv: {e}")))?,
        None => None,
    };
    if let Some(bytes) = &weather {
        write_file(dir, "weather.csv", bytes)?;
    }
    if with_report {
        let weather = weather.as_deref().map(String::from_utf8_lossy);
        crate::report::write_report(dir, &csv, weather.as_deref(), &summary, &manifest)?;
    }
    Ok(())
}
