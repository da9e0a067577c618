//! Virtual power plants: hand-checked dispatch of the small VPP, ADMM against the joint LP,
//! events honoured or paid for, compute moving to the sun, determinism and the CLI.

use std::path::Path;

use vppsim::dispatch::DispatchError;
use vppsim::vpp::{self, Coordination, VppRun, VppScenario};

use crate::support::{read_json, root, run_into, temp_dir, text, vppsim};

fn load(file: &str) -> VppScenario {
    vpp::scenario::load(&root().join(file)).unwrap().vpp
}

/// The Xining VPP cut to three days from Tuesday (with Wednesday's evening event).
fn xining_days() -> VppScenario {
    let path = root().join("scenarios/xining-vpp.toml");
    let source = std::fs::read_to_string(&path).unwrap();
    let day = source
        .replace("2025-07-14T00:00:00+08:00", "2025-07-15T00:00:00+08:00")
        .replace("duration = \"7d\"", "duration = \"3d\"");
    // Friday's event lies past the three days: drop it.
    let cut = day.find("# A cap on aggregate import").unwrap();
    let rest = &day[cut..];
    let next = rest.find("\n# 1.").unwrap();
    let day = format!("{}{}", &day[..cut], &rest[next..]);
    vpp::scenario::from_str(&path, &day).unwrap()
}

fn total(run: &VppRun, site: &str, series: fn(&vppsim::Results) -> &[f64]) -> f64 {
    let s = run.sites.iter().find(|s| s.scenario.name == site).unwrap();
    series(&s.run.results).iter().sum()
}

/// ADMM's objective within 0.5 % of the joint LP's.
fn assert_agrees_with_central(run: &VppRun) {
    let gap = run.gap_to_central().unwrap();
    assert!(
        gap.abs() < 0.005,
        "ADMM {} vs central {:?}",
        run.objective,
        run.central_objective
    );
}

/// Every event step within its cap, and its reduction paid.
fn assert_events_honoured(run: &VppRun, tolerance_mw: f64) {
    assert!(!run.events.is_empty());
    for e in &run.events {
        assert!(
            e.import_mw <= e.cap_mw + tolerance_mw,
            "{} step {}: import {} above cap {}",
            e.event,
            e.step,
            e.import_mw,
            e.cap_mw
        );
        assert!(e.shortfall_mw <= tolerance_mw, "{e:?}");
        assert!(e.delivered_mw >= e.requested_mw - tolerance_mw, "{e:?}");
    }
}

#[test]
fn small_vpp_moves_the_job_to_the_sun_and_answers_the_event() {
    let v = load("scenarios/small-vpp.toml");
    let run = vpp::run(&v).unwrap();
    assert_events_honoured(&run, 1e-6);
    // By hand: dc-solar's roof (2 MW × pv_pu) feeds its 0.5 MW general load; the surplus,
    // up to the job's 1 MW, can run dc-city's 6 MWh training job on the sun (PUE 1 at
    // both, migration 0.002 per MWh ≪ import 1 per MWh). The pair then imports dc-city's
    // 2 MW all day, dc-solar's deficit, and whatever of the job the surplus cannot take.
    let csv = std::fs::read_to_string(root().join("data/examples/small_site_day.csv")).unwrap();
    let pv: Vec<f64> = csv
        .lines()
        .skip(1)
        .map(|l| 2.0 * l.split(',').nth(1).unwrap().parse::<f64>().unwrap())
        .collect();
    let deficit: f64 = pv.iter().map(|p| (0.5 - p).max(0.0)).sum();
    let absorbable: f64 = pv.iter().map(|p| (p - 0.5).clamp(0.0, 1.0)).sum();
    let expected = 2.0 * 24.0 + deficit + (6.0 - absorbable).max(0.0);
    let import =
        total(&run, "dc-city", |r| &r.import_mw) + total(&run, "dc-solar", |r| &r.import_mw);
    assert!(
        (import - expected).abs() < 1e-6,
        "data centres import {import} MWh, by hand {expected}"
    );
    assert!(absorbable > 0.0);
}

#[test]
fn admm_agrees_with_the_joint_lp_on_the_small_vpp_and_repeats_itself() {
    let mut v = load("scenarios/small-vpp.toml");
    v.coordination = Coordination::Admm;
    let run = vpp::run(&v).unwrap();
    let again = vpp::run(&v).unwrap();
    assert_eq!(run.objective.to_bits(), again.objective.to_bits());
    for (a, b) in run.sites.iter().zip(&again.sites) {
        assert_eq!(a.run.results.import_mw, b.run.results.import_mw);
    }
    assert_agrees_with_central(&run);
    let trace = run.admm.as_ref().unwrap();
    assert!(trace.converged, "{} iterations", trace.iterations.len());
    assert_events_honoured(&run, 0.05);
}

#[test]
fn admm_agrees_with_the_joint_lp_on_three_days_of_the_xining_vpp() {
    let mut v = xining_days();
    v.coordination = Coordination::Admm;
    v.admm.max_iterations = 200;
    let run = vpp::run(&v).unwrap();
    assert_agrees_with_central(&run);
    assert_events_honoured(&run, 0.1);
}

#[test]
fn the_xining_week_honours_both_events_and_runs_ai_compute_on_the_solar_site() {
    let v = load("scenarios/xining-vpp.toml");
    assert_eq!(v.sites.len(), 8);
    let run = vpp::run(&v).unwrap();
    assert_events_honoured(&run, 1e-6);
    for site in &run.sites {
        let (grid, r) = (&site.scenario.grid, &site.run.results);
        assert!(
            r.import_mw
                .iter()
                .all(|&p| p <= grid.import_limit_mw + 1e-6)
        );
        assert!(
            r.export_mw
                .iter()
                .all(|&p| p <= grid.export_limit_mw + 1e-6)
        );
    }
    let received = |site: &str| {
        let s = run.sites.iter().find(|s| s.scenario.name == site).unwrap();
        s.run
            .results
            .asset(vpp::EXCHANGE_LOAD)
            .into_iter()
            .flat_map(|l| &l.values[0])
            .map(|p| p.max(0.0))
            .sum::<f64>()
            * v.time.dt_hours()
    };
    assert!(
        received("dc-solar") > 10.0,
        "dc-solar ran {} MWh for others",
        received("dc-solar")
    );
    // Every AI job is delivered where it ran (checked by the simulator's invariants); the
    // compute sent equals the compute received, per step, at the IT level.
    for t in 0..v.time.len {
        let moved: f64 = run
            .sites
            .iter()
            .flat_map(|s| {
                let pue = s.scenario.datacenters.first().map(|d| d.pue[t]);
                s.run
                    .results
                    .asset(vpp::EXCHANGE_LOAD)
                    .map(move |l| l.values[0][t] / pue.unwrap())
            })
            .sum();
        assert!(moved.abs() < 1e-6, "step {t}: {moved} MW of IT unaccounted");
    }
}

#[test]
fn an_idle_baseline_is_every_site_left_alone() {
    let mut v = load("scenarios/small-vpp.toml");
    v.baseline = vpp::Baseline::Idle;
    let run = vpp::run(&v).unwrap();
    let baseline = run.baseline_mw.as_ref().unwrap();
    // By hand at the event's first step (18:00): the microgrid's office load less its PV,
    // dc-city's 2 MW (its job ran from midnight, as soon as it could), dc-solar's 0.5 MW
    // less its roof (flexible loads idle-run as soon as they may; EV charging ends at 18:00).
    let csv = std::fs::read_to_string(root().join("data/examples/small_site_day.csv")).unwrap();
    let row: Vec<f64> = csv
        .lines()
        .nth(1 + 18)
        .unwrap()
        .split(',')
        .skip(1)
        .map(|x| x.parse().unwrap())
        .collect();
    let (pv, office) = (2.0 * row[0], row[1] / 1000.0);
    let expected = (office - pv).max(0.0) + 2.0 + (0.5 - pv).max(0.0);
    let t = v.events[0].start;
    assert!(
        (baseline[t] - expected).abs() < 1e-9,
        "idle baseline {} MW at 18:00, by hand {expected}",
        baseline[t]
    );
    assert_events_honoured(&run, 1e-6);
}

#[test]
fn the_do_nothing_case_imports_what_the_idle_baseline_does() {
    // The do-nothing figures and the idle DR baseline (hand-checked at 18:00 above) come
    // from the same idle runs of the sites, simulated once by the run: their sums must
    // agree, and a separate simulation must give the same figures.
    let mut v = load("scenarios/small-vpp.toml");
    v.baseline = vpp::Baseline::Idle;
    let run = vpp::run(&v).unwrap();
    let idle = run.baseline_mw.as_ref().unwrap();
    let none = run
        .do_nothing
        .as_ref()
        .expect("the idle baseline's do-nothing case");
    assert_eq!(&none.import_mw, idle);
    let again = vpp::do_nothing::simulate_sites(&v).unwrap();
    assert_eq!(
        serde_json::to_value(&again).unwrap(),
        serde_json::to_value(none).unwrap()
    );
    let dt = v.time.dt_hours();
    let idle_mwh = idle.iter().sum::<f64>() * dt;
    assert!(
        (none.grid_import_mwh - idle_mwh).abs() < 1e-9,
        "{none:?} against {idle_mwh} MWh"
    );
    let idle_peak = idle.iter().copied().fold(0.0, f64::max);
    assert!((none.peak_import_mw - idle_peak).abs() < 1e-9);
    // The same loads are served either way; coordinating saves import here.
    let served: f64 = run.sites.iter().map(|s| s.kpis.consumption_mwh).sum();
    assert!((none.consumption_mwh - served).abs() < 1e-9);
    let imported: f64 = run.sites.iter().map(|s| s.kpis.grid_import_mwh).sum();
    assert!(
        imported < none.grid_import_mwh - 1.0,
        "{imported} against {none:?}"
    );
}

#[test]
fn a_vpp_run_writes_site_folders_events_and_the_aggregate_identically_twice() {
    let dirs = [temp_dir("vpp-a"), temp_dir("vpp-b")];
    for dir in &dirs {
        let o = run_into("scenarios/small-vpp.toml", dir, &["--no-plots"]);
        assert!(text(&o.stdout).contains("event evening-peak"));
    }
    let files = [
        "timeseries.csv",
        "events.csv",
        "summary.json",
        "sites/microgrid/timeseries.csv",
        "sites/dc-city/timeseries.csv",
        "sites/dc-solar/summary.json",
    ];
    for file in files {
        let a = std::fs::read(dirs[0].join(file)).unwrap();
        let b = std::fs::read(dirs[1].join(file)).unwrap();
        assert!(a == b, "{file} differs between identical runs");
    }
    let summary = read_json(&dirs[0].join("summary.json"));
    assert_eq!(summary["sites"].as_array().unwrap().len(), 3);
    assert_eq!(summary["events"][0]["requested_mwh"], 1.0);
    let header = std::fs::read_to_string(dirs[0].join("sites/dc-city/timeseries.csv")).unwrap();
    assert!(header.starts_with("timestamp,") && header.contains("vpp_compute.power [MW]"));
    assert!(Path::new(&dirs[0].join("manifest.json")).exists());
}

#[test]
fn an_infeasible_vpp_names_the_site_the_time_and_the_limit() {
    // The microgrid's night load exceeds its 1.5 MW import limit for longer than its
    // battery can bridge: each step passes the pre-solve power check, the energy does not.
    let path = root().join("scenarios/small-vpp.toml");
    let source = std::fs::read_to_string(&path).unwrap().replacen(
        "import_limit = \"5 MW\"\nexport_limit = \"1 MW\"",
        "import_limit = \"1.5 MW\"\nexport_limit = \"1 MW\"",
        1,
    );
    let v = vpp::scenario::from_str(&path, &source).unwrap();
    let Err(vpp::VppError::Dispatch(DispatchError::Infeasible { reasons, .. })) = vpp::run(&v)
    else {
        panic!("the VPP should be infeasible");
    };
    assert!(
        reasons.iter().any(
            |r| r.starts_with("site 'microgrid': from 2025-06-01T00:00:00+08:00")
                && r.contains("cannot serve")
                && r.contains("limit of 1.5 MW")
        ),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().all(|r| r.starts_with("site 'microgrid'")),
        "{reasons:?}"
    );
}

#[test]
fn a_strategy_on_the_command_line_is_refused_for_a_vpp() {
    let o = vppsim(&["run", "scenarios/small-vpp.toml", "--strategy", "rule"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--strategy does not apply to a VPP file"));
    let o = vppsim(&[
        "run",
        "scenarios/small-vpp.toml",
        "--set",
        "vpp.baseline=\"idle\"",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let said = text(&o.stderr);
    assert!(said.contains("--set applies to single-site scenarios") && said.contains("= hint:"));
}

#[test]
fn a_vpp_report_shows_the_aggregate_chart_and_links_every_site_report() {
    let dir = temp_dir("vpp-report");
    run_into("scenarios/small-vpp.toml", &dir, &[]);
    let svg = std::fs::read_to_string(dir.join("aggregate_import.svg")).unwrap();
    for label in ["microgrid", "dc-city", "dc-solar", "baseline", "event cap"] {
        assert!(svg.contains(label), "the chart lacks '{label}'");
    }
    let png = std::fs::read(dir.join("aggregate_import.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    for site in ["microgrid", "dc-city", "dc-solar"] {
        let link = format!("sites/{site}/report.html");
        assert!(
            html.contains(&format!("href=\"{link}\"")),
            "no link to {link}"
        );
        assert!(dir.join(&link).exists(), "{link} missing");
    }
    assert!(html.contains("evening-peak") && html.contains("<svg"));
    // The executive summary measures the VPP against its do-nothing case, kept in the summary.
    let summary = read_json(&dir.join("summary.json"));
    assert_eq!(summary["do_nothing"]["strategy"], "none");
    assert!(html.contains("every site run on its own with strategy none"));
    assert!(html.contains("vs doing nothing"), "no savings on the cards");
    // Rebuilding the reports of a VPP folder rebuilds each site's and keeps the rest.
    let o = vppsim(&["report", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(dir.join("events.csv").exists() && dir.join("sites/dc-city/report.html").exists());
}
