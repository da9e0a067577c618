//! Writing a VPP results folder, atomically like a single-site one:
//! - `sites/<site>/`: each site's own results folder (time series, summary, manifest and,
//!   unless `--no-plots`, charts and reports);
//! - `timeseries.csv`: aggregate series per step (MW), each site's import, and during
//!   events the baseline and cap;
//! - `events.csv`: per event step, requested, delivered, shortfall, payment and penalty;
//! - `admm.csv` (ADMM only): ρ, residuals and objective per iteration;
//! - `summary.json` and `manifest.json`;
//! - unless `--no-plots`: `aggregate_import.svg` / `.png` (each site's import stacked, the
//!   baseline and the event caps) and `report.html` linking each site's report.

use std::time::{Duration, Instant};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::do_nothing::DoNothing;
use super::{EXCHANGE_LOAD, VppRun, VppScenario};
use crate::assets::Role;
use crate::output::{RunOutput, write_run};
use crate::report::fleet::{FleetImport, aggregate_import};
use crate::results::StageTimes;
use crate::results::{Claim, Manifest, WriteError, csv_table, fixed, pretty};
use crate::scenario::InputFile;
use crate::series::hex;

/// Writes the VPP run into the claimed folder; returns the time spent writing.
/// `do_nothing`, when given, goes into `summary.json` and the report's savings.
pub fn write(
    claim: &Claim,
    with_report: bool,
    vpp: &VppScenario,
    run: &VppRun,
    do_nothing: Option<&DoNothing>,
    inputs: &[InputFile],
) -> Result<Duration, WriteError> {
    let writing = Instant::now();
    let staging = claim.stage("vpp")?;
    for site in &run.sites {
        let folder = staging.nested(&format!("sites/{}", site.scenario.name))?;
        let output = RunOutput {
            scenario: &site.scenario,
            results: &site.run.results,
            kpis: &site.kpis,
            solver_objective: None,
            forecast_errors: &[],
            sizing: None,
            baseline: None,
            parquet: false,
        };
        write_run(&folder, with_report, &output, |_| {
            Manifest::new(
                &site.scenario,
                &site.run.results.strategy,
                Some(&vpp.dispatch.solver),
                inputs,
                1,
                site.run.times,
            )
        })?;
    }
    staging.write("timeseries.csv", aggregate_csv(vpp, run).as_bytes())?;
    if !run.events.is_empty() {
        staging.write("events.csv", events_csv(vpp, run).as_bytes())?;
    }
    if let Some(trace) = &run.admm {
        let header = [
            "iteration",
            "rho",
            "primal_residual_mw",
            "dual_residual_mw",
            "objective",
        ]
        .map(String::from);
        let rows = trace.iterations.iter().map(|i| {
            vec![
                i.iteration.to_string(),
                format!("{:e}", i.rho),
                format!("{:e}", i.primal_residual_mw),
                format!("{:e}", i.dual_residual_mw),
                fixed(i.objective, 6),
            ]
        });
        let csv = csv_table(&header, rows);
        staging.write("admm.csv", csv.as_bytes())?;
    }
    // Money named in the VPP's currency, as a site's summary (see `output::write_run`).
    let mut summary = summary(vpp, run);
    if let Some(d) = do_nothing {
        summary["do_nothing"] = serde_json::json!({ "strategy": "none", "aggregate": d });
    }
    let mut summary = vpp.currency.rename_keys(summary);
    if vpp.currency != crate::currency::Currency::CNY {
        summary["currency"] = serde_json::json!(vpp.currency);
    }
    staging.write("summary.json", &pretty(&summary))?;
    let mut times = run.times;
    times.write = writing.elapsed();
    let manifest =
        serde_json::to_value(manifest(vpp, inputs, times)).expect("a manifest serialises");
    staging.write("manifest.json", &pretty(&manifest))?;
    if with_report {
        let svg = aggregate_import(
            &fleet_import(vpp, run),
            Some(&staging.path().join("aggregate_import.png")),
        )
        .map_err(WriteError::Report)?;
        staging.write("aggregate_import.svg", svg.as_bytes())?;
        let html = crate::report::page::vpp_html(&summary, &manifest, Some(&svg));
        staging.write("report.html", html.as_bytes())?;
    }
    staging.commit()?;
    Ok(writing.elapsed())
}

/// The aggregate chart's data: each site's import, the baseline and every event's caps.
fn fleet_import<'a>(vpp: &VppScenario, run: &'a VppRun) -> FleetImport<'a> {
    FleetImport {
        start: vpp.time.start,
        dt_hours: vpp.time.dt_hours(),
        sites: run
            .sites
            .iter()
            .map(|s| (s.scenario.name.as_str(), &s.run.results.import_mw[..]))
            .collect(),
        baseline: run.baseline_mw.as_deref(),
        events: vpp
            .events
            .iter()
            .map(|e| {
                let caps = run
                    .events
                    .iter()
                    .filter(|s| s.event == e.name)
                    .map(|s| s.cap_mw)
                    .collect();
                (e.start, e.end, caps)
            })
            .collect(),
    }
}

/// A site's series that play `role`.
fn role(r: &crate::Results, role: Role) -> Vec<&[f64]> {
    r.assets
        .iter()
        .flat_map(|a| a.roles.iter().zip(&a.values))
        .filter(|(r, _)| **r == role)
        .map(|(_, v)| &v[..])
        .collect()
}

fn aggregate_csv(vpp: &VppScenario, run: &VppRun) -> String {
    let import = run.total(|r| &r.import_mw);
    let export = run.total(|r| &r.export_mw);
    let consumption = run.total(|r| &r.consumption_mw);
    let pv = sum_sites(run, |r| role(r, Role::Supply));
    let charge = sum_sites(run, |r| role(r, Role::Charge));
    let discharge = sum_sites(run, |r| role(r, Role::Discharge));
    // Generation from fuel, where any site has a generator.
    let generation = run
        .sites
        .iter()
        .any(|site| !role(&site.run.results, Role::Generation).is_empty())
        .then(|| sum_sites(run, |r| role(r, Role::Generation)));
    let mut header: Vec<String> = [
        "timestamp",
        "import_mw",
        "export_mw",
        "pv_mw",
        "consumption_mw",
        "battery_charge_mw",
        "battery_discharge_mw",
    ]
    .map(String::from)
    .to_vec();
    if generation.is_some() {
        header.push("generation_mw".into());
    }
    header.extend(
        run.sites
            .iter()
            .map(|site| format!("{}_import_mw", site.scenario.name)),
    );
    if run.baseline_mw.is_some() {
        header.extend(["baseline_import_mw", "event", "event_cap_mw"].map(String::from));
    }
    let mut events = run.events.iter().peekable();
    let rows = (0..vpp.time.len).map(|t| {
        let mut row = vec![vpp.time.timestamp(t)];
        row.extend(
            [
                import[t],
                export[t],
                pv[t],
                consumption[t],
                charge[t],
                discharge[t],
            ]
            .map(|v| fixed(v, 6)),
        );
        row.extend(generation.as_ref().map(|g| fixed(g[t], 6)));
        row.extend(
            run.sites
                .iter()
                .map(|site| fixed(site.run.results.import_mw[t], 6)),
        );
        if let Some(baseline) = &run.baseline_mw {
            row.push(fixed(baseline[t], 6));
            match events.next_if(|e| e.step == t) {
                Some(e) => row.extend([e.event.clone(), fixed(e.cap_mw, 6)]),
                None => row.extend([String::new(), String::new()]),
            }
        }
        row
    });
    csv_table(&header, rows)
}

fn sum_sites<'a>(
    run: &'a VppRun,
    series: impl Fn(&'a crate::Results) -> Vec<&'a [f64]>,
) -> Vec<f64> {
    let mut total = vec![0.0; run.sites.first().map_or(0, |s| s.run.results.len())];
    for site in &run.sites {
        for s in series(&site.run.results) {
            for (out, v) in total.iter_mut().zip(s) {
                *out += v;
            }
        }
    }
    total
}

fn events_csv(vpp: &VppScenario, run: &VppRun) -> String {
    let header = [
        "timestamp",
        "event",
        "baseline_mw",
        "cap_mw",
        "requested_mw",
        "import_mw",
        "delivered_mw",
        "shortfall_mw",
        "payment_cny",
        "penalty_cny",
    ]
    .map(|h| vpp.currency.rename(h));
    let rows = run.events.iter().map(|e| {
        let mut row = vec![vpp.time.timestamp(e.step), e.event.clone()];
        row.extend(
            [
                e.baseline_mw,
                e.cap_mw,
                e.requested_mw,
                e.import_mw,
                e.delivered_mw,
                e.shortfall_mw,
                e.payment_cny,
                e.penalty_cny,
            ]
            .map(|v| fixed(v, 6)),
        );
        row
    });
    csv_table(&header, rows)
}

fn summary(vpp: &VppScenario, run: &VppRun) -> serde_json::Value {
    let dt = vpp.time.dt_hours();
    let energy = |series: &[f64]| series.iter().sum::<f64>() * dt;
    let import = run.total(|r| &r.import_mw);
    let exchange = |site: &super::SiteRun, sign: f64| {
        site.run
            .results
            .asset(EXCHANGE_LOAD)
            .into_iter()
            .flat_map(|l| &l.values[0])
            .map(|p| (sign * p).max(0.0))
            .fold(0.0, |a, b| a + b)
            * dt
    };
    let events = run.event_totals(vpp);
    let sites: Vec<_> = run
        .sites
        .iter()
        .map(|s| {
            serde_json::json!({
                "name": s.scenario.name,
                "grid_import_mwh": s.kpis.grid_import_mwh,
                "peak_import_mw": s.kpis.peak_import_mw,
                "pv_generation_mwh": s.kpis.pv_generation_mwh,
                "total_cost_cny": s.kpis.total_cost_cny,
                "co2_t": s.kpis.co2_t,
                "compute_received_mwh": exchange(s, 1.0),
                "compute_sent_mwh": exchange(s, -1.0),
            })
        })
        .collect();
    let sum_kpi = |f: fn(&crate::Kpis) -> f64| run.sites.iter().map(|s| f(&s.kpis)).sum::<f64>();
    let admm = run.admm.as_ref().map(|trace| {
        let last = trace.iterations.last();
        serde_json::json!({
            "iterations": trace.iterations.len().saturating_sub(1),
            "converged": trace.converged,
            "primal_residual_mw": last.map(|i| i.primal_residual_mw),
            "dual_residual_mw": last.map(|i| i.dual_residual_mw),
            "rho": last.map(|i| i.rho),
            "agent_solve_seconds": trace.agent_solve_seconds,
        })
    });
    serde_json::json!({
        "vpp": vpp.name,
        "description": vpp.description,
        "coordination": vpp.coordination,
        "baseline": vpp.baseline,
        "start": vpp.time.timestamp(0),
        "steps": vpp.time.len,
        "step_minutes": vpp.time.step_seconds as f64 / 60.0,
        "objective": run.objective,
        "central_objective": run.central_objective,
        "gap_to_central": run.gap_to_central(),
        "admm": admm,
        "aggregate": {
            "grid_import_mwh": energy(&import),
            "peak_import_mw": import.iter().copied().fold(0.0, f64::max),
            "grid_export_mwh": sum_kpi(|k| k.grid_export_mwh),
            "pv_generation_mwh": sum_kpi(|k| k.pv_generation_mwh),
            "consumption_mwh": sum_kpi(|k| k.consumption_mwh),
            "total_cost_cny": sum_kpi(|k| k.total_cost_cny),
            "co2_t": sum_kpi(|k| k.co2_t.unwrap_or(0.0)),
            "compute_moved_mwh": run.sites.iter().map(|s| exchange(s, 1.0)).sum::<f64>(),
            "event_payment_cny": events.iter().map(|e| e.payment_cny).sum::<f64>(),
            "event_penalty_cny": events.iter().map(|e| e.penalty_cny).sum::<f64>(),
        },
        "events": events,
        "sites": sites,
    })
}

#[derive(Serialize)]
struct VppManifest<'a> {
    vppsim_version: &'static str,
    vpp: &'a str,
    coordination: super::Coordination,
    seed: u64,
    steps: usize,
    sites: usize,
    solver: &'a crate::model::SolverOptions,
    highs_sys: &'static str,
    resolved_scenario_sha256: String,
    inputs: &'a [InputFile],
    stage_seconds: StageTimes,
}

fn manifest<'a>(
    vpp: &'a VppScenario,
    inputs: &'a [InputFile],
    times: StageTimes,
) -> VppManifest<'a> {
    let resolved = serde_json::to_vec(vpp).unwrap_or_default();
    VppManifest {
        vppsim_version: env!("CARGO_PKG_VERSION"),
        vpp: &vpp.name,
        coordination: vpp.coordination,
        seed: vpp.seed,
        steps: vpp.time.len,
        sites: vpp.sites.len(),
        solver: &vpp.dispatch.solver,
        highs_sys: crate::results::manifest::HIGHS_SYS_VERSION,
        resolved_scenario_sha256: hex(&Sha256::digest(&resolved)),
        inputs,
        stage_seconds: times,
    }
}
