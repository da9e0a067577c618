//! Writing a run's results folder (through a [`Claim`], atomically: see `folder`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::folder::{Claim, write_file};
use super::{Kpis, Manifest, Results};
use crate::forecast::ErrorStats;
use crate::scenario::Scenario;

/// One line per asset with its main parameters, for the report.
fn describe(s: &Scenario) -> Vec<serde_json::Value> {
    let line = |kind: &str, name: &str, parameters: String| serde_json::json!({ "kind": kind, "name": name, "parameters": parameters });
    let mut out = Vec::new();
    for p in &s.pv {
        let dc = p.dc_capacity_mw.map_or(String::new(), |d| {
            format!(", {d} MWp DC (modelled from weather)")
        });
        let energy: f64 = p.available_mw.iter().sum::<f64>() * s.time.dt_hours();
        out.push(line(
            "PV",
            &p.name,
            format!("{} MW AC{dc}; {energy:.1} MWh available", p.capacity_mw),
        ));
    }
    for b in &s.batteries {
        out.push(line(
            "battery",
            &b.name,
            format!(
                "{} MWh, charge {} MW, discharge {} MW, efficiencies {}/{}, SoC {:.0}–{:.0} %, start {:.0} %, end ≥ {:.0} %, wear {} CNY/MWh",
                b.energy_mwh,
                b.charge_mw,
                b.discharge_mw,
                b.charge_efficiency,
                b.discharge_efficiency,
                100.0 * b.soc_min_mwh / b.energy_mwh,
                100.0 * b.soc_max_mwh / b.energy_mwh,
                100.0 * b.soc_initial_mwh / b.energy_mwh,
                100.0 * b.soc_final_mwh / b.energy_mwh,
                b.throughput_cost_cny_per_mwh
            ),
        ));
    }
    for l in &s.loads {
        let energy: f64 = l.power_mw.iter().sum::<f64>() * s.time.dt_hours();
        let peak = l.power_mw.iter().copied().fold(0.0, f64::max);
        out.push(line(
            "fixed load",
            &l.name,
            format!("{energy:.1} MWh, peak {peak:.3} MW"),
        ));
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

/// Flexible loads by output column: each group (or ungrouped load) with its members, in
/// order of first appearance.
fn flexible_groups(r: &Results) -> Vec<(String, Vec<usize>)> {
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, f) in r.flexible.iter().enumerate() {
        let name = f.group.clone().unwrap_or_else(|| f.name.clone());
        match groups.iter_mut().find(|g| g.0 == name) {
            Some(g) => g.1.push(i),
            None => groups.push((name, vec![i])),
        }
    }
    groups
}

/// One row per step: timestamp with UTC offset, then every column with its unit.
pub fn timeseries_csv(r: &Results) -> String {
    let mut header = vec!["timestamp".to_string()];
    for p in &r.pv {
        header.push(format!("{}.power [MW]", p.name));
        header.push(format!("{}.curtailment [MW]", p.name));
    }
    for b in &r.batteries {
        header.push(format!("{}.charge [MW]", b.name));
        header.push(format!("{}.discharge [MW]", b.name));
        header.push(format!("{}.soc [MWh]", b.name));
    }
    for l in &r.loads {
        header.push(format!("{}.power [MW]", l.name));
    }
    let groups = flexible_groups(r);
    for (name, _) in &groups {
        let label = if r
            .datacenters
            .iter()
            .any(|d| *name == format!("{}.ai_jobs", d.name))
        {
            "it_power"
        } else {
            "power"
        };
        header.push(format!("{name}.{label} [MW]"));
    }
    for c in &r.curtailed {
        header.push(format!("{}.curtailed [MW]", c.name));
    }
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
    let mut out = String::with_capacity(r.len() * 16 * header.len());
    out.push_str(&header.join(","));
    out.push('\n');
    for t in 0..r.len() {
        out.push_str(&r.time.timestamp(t));
        let mut cell = |v: f64, digits: usize| {
            let v = if v.abs() < 0.5 * 10f64.powi(-(digits as i32)) {
                0.0
            } else {
                v
            };
            let _ = write!(out, ",{v:.digits$}");
        };
        for p in &r.pv {
            cell(p.power_mw[t], 6);
            cell(p.available_mw[t] - p.power_mw[t], 6);
        }
        for b in &r.batteries {
            cell(b.charge_mw[t], 6);
            cell(b.discharge_mw[t], 6);
            cell(b.soc_mwh[t], 6);
        }
        for l in &r.loads {
            cell(l.power_mw[t], 6);
        }
        for (_, members) in &groups {
            cell(members.iter().map(|&i| r.flexible[i].power_mw[t]).sum(), 6);
        }
        for c in &r.curtailed {
            cell(c.power_mw[t], 6);
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
        out.push('\n');
    }
    out
}
