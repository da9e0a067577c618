//! Command-line interface. Exit codes (also in README.md):
//! 0 success; 2 bad input (scenario, CSV, arguments, results folder exists);
//! 3 infeasible scenario; 4 run failed (solver error, broken invariant, cannot write);
//! 130 interrupted (Ctrl-C or SIGTERM; nothing written).

mod compare;
mod vpp;
mod weather;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use vppsim::dispatch::{self, DispatchError};
use vppsim::results::{Kpis, Manifest, RunOutput, Staging, WriteError, write_results};
use vppsim::scenario::{self, Strategy};
use vppsim::sim::{self, SimError, presolve};

pub const EXIT_BAD_INPUT: u8 = 2;
pub const EXIT_INFEASIBLE: u8 = 3;
pub const EXIT_FAILED: u8 = 4;
pub const EXIT_INTERRUPTED: u8 = 130;

#[derive(Parser)]
#[command(
    name = "vppsim",
    version,
    about = "Simulate and dispatch microgrids and virtual power plants"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Simulate a scenario and write its results folder: timeseries.csv, summary.json,
    /// manifest.json, charts and reports. A VPP file (with a [vpp] table) writes one
    /// folder per site under sites/ plus the aggregate series, events and summary.
    Run {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Results folder [default: results/<scenario name>].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Dispatch strategy, overriding the scenario's [dispatch] strategy.
        #[arg(long, value_parser = ["none", "rule", "tou", "peak", "lp", "mpc"])]
        strategy: Option<String>,
        /// Replace an existing results folder.
        #[arg(long)]
        force: bool,
        /// Skip the charts and reports.
        #[arg(long)]
        no_plots: bool,
        /// VPP files only: coordinate the sites centrally or by ADMM, overriding [vpp].
        #[arg(long, value_parser = ["central", "admm"])]
        coordination: Option<String>,
    },
    /// Run several strategies on one scenario and write comparison.csv with every KPI and
    /// each strategy's regret against perfect foresight (lp).
    Compare {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Strategies, comma-separated.
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "none,rule,tou,peak,lp,mpc"
        )]
        strategies: Vec<String>,
        /// Output folder [default: results/<scenario name>-compare].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing output folder.
        #[arg(long)]
        force: bool,
    },
    /// Rebuild the charts and report.html / report.md of a results folder without re-running
    /// (of each site's folder, for a VPP).
    Report {
        /// A folder written by `vppsim run`.
        results: PathBuf,
    },
    /// Check a scenario without solving it; reports every problem found.
    Validate {
        /// Scenario file (TOML).
        scenario: PathBuf,
    },
    /// Write the weather a scenario runs on as CSV: GHI, DNI, DHI, temperature, wind and the
    /// plane-of-array irradiance of each PV modelled from physics.
    Weather {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Output CSV file [default: standard output].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing output file.
        #[arg(long)]
        force: bool,
    },
}

/// Runs the parsed command and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    let code = match cli.command {
        Command::Validate { scenario } if vpp::is_vpp_file(&scenario) => vpp::validate(&scenario),
        Command::Validate { scenario } => validate(&scenario),
        Command::Weather {
            scenario,
            out,
            force,
        } => weather::run(&scenario, out, force),
        Command::Run {
            scenario,
            strategy: Some(_),
            ..
        } if vpp::is_vpp_file(&scenario) => {
            eprintln!(
                "error: --strategy does not apply to a VPP file\n  = hint: a VPP is dispatched by its joint LP; choose [vpp] coordination = \"central\" or \"admm\""
            );
            EXIT_BAD_INPUT
        }
        Command::Run {
            scenario,
            out,
            force,
            no_plots,
            coordination,
            ..
        } if vpp::is_vpp_file(&scenario) => {
            vpp::run(&scenario, out, force, !no_plots, coordination.as_deref())
        }
        Command::Run {
            coordination: Some(_),
            ..
        } => {
            eprintln!("error: --coordination applies to VPP files only (files with a [vpp] table)");
            EXIT_BAD_INPUT
        }
        Command::Run {
            scenario,
            out,
            strategy,
            force,
            no_plots,
            ..
        } => run_scenario(&scenario, out, strategy.as_deref(), force, !no_plots),
        Command::Compare {
            scenario,
            strategies,
            out,
            force,
        } => compare::run(&scenario, &strategies, out, force),
        Command::Report { results } => match vppsim::report::rebuild(&results) {
            Ok(()) => {
                let written = if results.join("sites").is_dir() {
                    results.join("sites/*/report.html")
                } else {
                    results.join("report.html")
                };
                println!("report written to {}", written.display());
                0
            }
            Err(e) => {
                eprintln!("error: {e}");
                if matches!(e, WriteError::Io { .. }) {
                    EXIT_BAD_INPUT
                } else {
                    EXIT_FAILED
                }
            }
        },
    };
    ExitCode::from(code)
}

fn validate(path: &Path) -> u8 {
    let loaded = match load_or_report(path) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let infeasible = presolve::check(&loaded.scenario);
    if !infeasible.is_empty() {
        report_infeasible(&infeasible);
        return EXIT_INFEASIBLE;
    }
    let s = &loaded.scenario;
    warn_unmet_sessions(s);
    let jobs: usize = s.datacenters.iter().map(|d| d.jobs.len()).sum();
    let sessions: usize = s.ev_hubs.iter().map(|h| h.sessions().count()).sum();
    println!(
        "{}: valid ({} steps of {} min from {}; {} PV, {} batteries, {} fixed and {} flexible loads, {} data centres with {jobs} AI jobs, {} EV hubs with {sessions} sessions)",
        path.display(),
        s.time.len,
        s.time.step_seconds / 60,
        s.time.timestamp(0),
        s.pv.len(),
        s.batteries.len(),
        s.loads.len(),
        s.flexible_loads.len(),
        s.datacenters.len(),
        s.ev_hubs.len(),
    );
    0
}

/// Warns of EV sessions that ask for more than their charger can give before departure.
fn warn_unmet_sessions(s: &vppsim::Scenario) {
    let dt = s.time.dt_hours();
    for hub in &s.ev_hubs {
        if hub.skipped > 0 {
            eprintln!(
                "warning: ev_hub '{}': {} sessions of the file have no whole {}-minute step inside the horizon and are left out",
                hub.name,
                hub.skipped,
                s.time.step_seconds / 60
            );
        }
        let short: Vec<_> = hub
            .sessions()
            .filter(|x| x.energy_mwh > x.deliverable_mwh(dt) + 1e-12)
            .collect();
        if let Some(first) = short.first() {
            eprintln!(
                "warning: ev_hub '{}': {} of {} sessions ask for more than their charger can deliver before departure ({:.3} MWh unmet in all); the first arrives {} asking {:.1} kWh, {:.1} kWh deliverable",
                hub.name,
                short.len(),
                hub.sessions().count(),
                hub.unmet_mwh(dt),
                s.time.timestamp(first.arrival),
                first.energy_mwh * 1000.0,
                first.deliverable_mwh(dt) * 1000.0
            );
        }
    }
}

/// Loads a scenario, or prints every problem found and gives the bad-input exit code.
fn load_or_report(path: &Path) -> Result<scenario::Loaded, u8> {
    scenario::load(path).map_err(|problems| {
        eprintln!("{problems}");
        EXIT_BAD_INPUT
    })
}

fn report_infeasible(found: &[presolve::Infeasibility]) {
    for f in found {
        eprintln!("infeasible: {}", f.message);
    }
    eprintln!(
        "the scenario cannot be dispatched: relax the limits above or lower the energy required"
    );
}

fn run_scenario(
    path: &Path,
    out: Option<PathBuf>,
    strategy: Option<&str>,
    force: bool,
    plots: bool,
) -> u8 {
    let loading = Instant::now();
    let loaded = match load_or_report(path) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let s = &loaded.scenario;
    let out = out.unwrap_or_else(|| Path::new("results").join(&s.name));
    if let Err(code) = prepare_out(&out, force) {
        return code;
    }
    let infeasible = presolve::check(s);
    if !infeasible.is_empty() {
        report_infeasible(&infeasible);
        return EXIT_INFEASIBLE;
    }
    warn_unmet_sessions(s);
    let strategy = strategy
        .and_then(Strategy::parse)
        .unwrap_or(s.dispatch.strategy);
    let mut dispatcher = dispatch::built_in(strategy, s);
    let load_time = loading.elapsed();
    let mut run = match sim::simulate(s, dispatcher.as_mut()) {
        Ok(run) => run,
        Err(e) => {
            eprintln!("error: {e}");
            return match e {
                SimError::Dispatch(DispatchError::Infeasible { .. }) => {
                    eprintln!(
                        "  = hint: relax the limits named above, or price lost load with [dispatch] unserved_energy"
                    );
                    EXIT_INFEASIBLE
                }
                _ => EXIT_FAILED,
            };
        }
    };
    run.times.load = load_time;
    let kpis = Kpis::compute(&run.results);
    let manifest = |write| {
        let times = sim::StageTimes { write, ..run.times };
        Manifest::new(
            s,
            dispatcher.name(),
            dispatcher.solver(),
            &loaded.inputs,
            run.plans,
            times,
        )
    };
    let output = RunOutput {
        scenario: s,
        results: &run.results,
        kpis: &kpis,
        solver_objective: run.objective,
        forecast_errors: &run.forecast_errors,
    };
    if let Err(e) = write_results(&out, force, plots, &output, manifest) {
        return write_failed(&e);
    }
    print_kpis(&s.name, dispatcher.name(), &kpis);
    println!("results written to {}", out.display());
    0
}

/// Before a run that writes `out`: stop cleanly on interrupt, and refuse an existing
/// folder unless `force`.
fn prepare_out(out: &Path, force: bool) -> Result<(), u8> {
    stop_cleanly_on_interrupt(out);
    if out.exists() && !force {
        eprintln!(
            "error: results folder {} already exists\n  = hint: pass --force to replace it, or --out to write elsewhere",
            out.display()
        );
        return Err(EXIT_BAD_INPUT);
    }
    Ok(())
}

/// Reports a failed write; its exit code.
fn write_failed(e: &WriteError) -> u8 {
    eprintln!("error: {e}");
    match e {
        WriteError::Exists(_) => EXIT_BAD_INPUT,
        WriteError::Io { .. } | WriteError::Report(_) => EXIT_FAILED,
    }
}

/// On Ctrl-C (SIGINT) or SIGTERM: remove this run's unfinished staging folder, say what was
/// kept, and exit with 130. An earlier results folder at `out` is never touched: it is only
/// ever replaced by a rename once the new one is complete.
fn stop_cleanly_on_interrupt(out: &Path) {
    let staging = Staging::path_for(out);
    let out = out.to_path_buf();
    let installed = ctrlc::set_handler(move || {
        let _ = std::fs::remove_dir_all(&staging);
        let kept = if out.exists() {
            "the results folder there is unchanged"
        } else {
            "no results folder was made"
        };
        eprintln!(
            "interrupted: the run stopped before its results were complete; nothing was written to {} ({kept})",
            out.display()
        );
        std::process::exit(EXIT_INTERRUPTED.into());
    });
    if let Err(e) = installed {
        eprintln!(
            "warning: cannot catch Ctrl-C ({e}); an interrupted run may leave a hidden partial folder"
        );
    }
}

fn print_kpis(scenario: &str, strategy: &str, kpis: &Kpis) {
    println!("{scenario} ({strategy})");
    let rows = kpis.table();
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    for (label, value, unit) in rows {
        println!("  {label:<width$}  {value:>14} {unit}");
    }
}
