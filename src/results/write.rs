//! Writing a run's results folder (through a [`Claim`], atomically: see `folder`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::folder::{Claim, write_file};
use super::{Kpis, Manifest, Results};
use crate::forecast::ErrorStats;
use crate::scenario::Scenario;

/// One line per asset with its main parameters, for the report: the primitive assets that
/// stand on their own (a data centre's or EV hub's parts are described with their owner),
/// the data centres, the EV hubs and the grid.
fn describe(s: &Scenario) -> Vec<serde_json::Value> {
    let line = |kind: &str, name: &str, parameters: String| serde_json::json!({ "kind": kind, "name": name, "parameters": parameters });
    let mut out = Vec::new();
    for device in s.devices() {
        if let Some((kind, parameters)) = device.summary(&s.time) {
            out.push(line(kind, device.name(), parameters));
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
        format!(", demand charge {} CNY/kW per month", d.cny_per_mw / 1000.0)
    });
    out.push(line(
        "grid",
        "grid",
        format!(
            "import ≤ {} MW, export ≤ {} MW, import price {:.3}–{:.3} CNY/kWh{demand}",
            g.import_limit_mw,
            g.export_limit_mw,
            lo / 1000.0,
            hi / 1000.0
        ),
    ));
    out
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("results folder {0} already exists")]
    Exists(PathBuf),
    #[error("{dir} cannot be replaced: {reason}")]
    Refused { dir: PathBuf, reason: String },
    #[error("{dir} is being written by another vppsim run ({holder}; lock file {lock})")]
    Locked {
        dir: PathBuf,
        holder: String,
        lock: PathBuf,
    },
    #[error("cannot write results to {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot draw the report: {0}")]
    Report(String),
}

impl WriteError {
    /// Whether the cause is the user's choice of folder (bad input) rather than a failure.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            WriteError::Exists(_) | WriteError::Refused { .. } | WriteError::Locked { .. }
        )
    }
}

/// What a run produced, to be written.
pub struct RunOutput<'a> {
    pub scenario: &'a Scenario,
    pub results: &'a Results,
    pub kpis: &'a Kpis,
    /// The solver's own objective value, where the strategy optimises.
    pub solver_objective: Option<f64>,
    pub forecast_errors: &'a [ErrorStats],
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
    } = *run;
    let writing = Instant::now();
    let summary = serde_json::json!({
        "scenario": results.scenario,
        "strategy": results.strategy,
        "start": results.time.timestamp(0),
        "steps": results.time.len,
        "step_minutes": results.time.step_seconds as f64 / 60.0,
        "description": scenario.description,
        "assets": describe(scenario),
        "kpis": kpis,
        "solver_objective": solver_objective,
        "forecast_errors": forecast_errors,
    });
    let csv = timeseries_csv(results);
    write_file(dir, "timeseries.csv", csv.as_bytes())?;
    write_file(dir, "summary.json", &pretty(&summary))?;
    // The write stage covers the CSV and the summary; charts and reports come after and
    // show this same manifest (versions, solver, hashes, timings).
    let manifest =
        serde_json::to_value(manifest(writing.elapsed())).expect("a manifest serialises");
    write_file(dir, "manifest.json", &pretty(&manifest))?;
    // Synthetic weather is part of the run's outcome: kept beside it, and charted.
    let weather = match scenario.weather.as_ref().filter(|w| w.synthetic) {
        Some(_) => super::weather_csv(scenario)
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

pub fn pretty<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).expect("JSON values serialise");
    out.push(b'\n');
    out
}

/// `v` with `digits` decimals, written as 0 below half a unit of its last digit (so
/// rounding noise such as 2e-16 never shows).
pub fn fixed(v: f64, digits: usize) -> String {
    let v = if v.abs() < 0.5 * 10f64.powi(-(digits as i32)) {
        0.0
    } else {
        v
    };
    format!("{v:.digits$}")
}

/// A CSV table written with the csv crate (fields quoted where they need it): a header,
/// then the rows.
pub fn csv_table(header: &[String], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let written = out.write_record(header).and_then(|()| {
        for row in rows {
            out.write_record(&row)?;
        }
        out.flush().map_err(csv::Error::from)
    });
    written.expect("a CSV writer into memory does not fail");
    String::from_utf8(out.into_inner().expect("flushed above")).expect("the CSV is UTF-8")
}

/// One row per step: timestamp with UTC offset, then every asset's series with its unit
/// (series sharing a column, like an EV hub's chargers, summed into it, at its first
/// place), each data centre's PUE, the site's and the grid's. Powers have 6 decimals, PUE 4,
/// carbon intensity 3; a value below half a unit of its last digit is written as 0.
pub fn timeseries_csv(r: &Results) -> String {
    // Output columns of the assets' series, each with the (asset, series) it sums.
    let mut columns: Vec<(String, Vec<(usize, usize)>)> = Vec::new();
    for (a, asset) in r.assets.iter().enumerate() {
        for (s, column) in asset.columns.iter().enumerate() {
            let header = format!("{column} [{}]", asset.units[s]);
            match columns.iter_mut().find(|c| c.0 == header) {
                Some(c) => c.1.push((a, s)),
                None => columns.push((header, vec![(a, s)])),
            }
        }
    }
    let mut header: Vec<String> = vec!["timestamp".into()];
    header.extend(columns.iter().map(|c| c.0.clone()));
    for d in &r.datacenters {
        header.push(format!("{}.pue [-]", d.name));
    }
    header.push("site.consumption [MW]".into());
    if r.unserved_cny_per_mwh.is_some() {
        header.push("site.unserved [MW]".into());
    }
    header.extend(
        [
            "grid.import [MW]",
            "grid.export [MW]",
            "grid.import_price [CNY/kWh]",
            "grid.export_price [CNY/kWh]",
        ]
        .map(String::from),
    );
    if r.carbon_kg_per_mwh.is_some() {
        header.push("grid.carbon_intensity [g/kWh]".into());
    }
    let rows = (0..r.len()).map(|t| {
        let mut row: Vec<String> = Vec::with_capacity(header.len());
        row.push(r.time.timestamp(t));
        let mut cell = |v: f64, digits: usize| row.push(fixed(v, digits));
        {
            for (_, members) in &columns {
                cell(
                    members.iter().map(|&(a, s)| r.assets[a].values[s][t]).sum(),
                    6,
                );
            }
            for d in &r.datacenters {
                cell(d.pue[t], 4);
            }
            cell(r.consumption_mw[t], 6);
            if r.unserved_cny_per_mwh.is_some() {
                cell(r.unserved_mw[t], 6);
            }
            cell(r.import_mw[t], 6);
            cell(r.export_mw[t], 6);
            cell(r.import_price[t] / 1000.0, 6);
            cell(r.export_price[t] / 1000.0, 6);
            if let Some(c) = &r.carbon_kg_per_mwh {
                cell(c[t], 3);
            }
        }
        row
    });
    csv_table(&header, rows)
}
