//! Command-line interface. Exit codes (also in README.md):
//! 0 success; 2 bad input (scenario, CSV, arguments, results folder exists);
//! 3 infeasible scenario; 4 run failed (solver error, broken invariant, cannot write);
//! 130 interrupted (Ctrl-C or SIGTERM; nothing written).

/// `println!` that exits quietly when stdout is a closed pipe (`vppsim run … | head -1`)
/// instead of panicking; the work is done by the time anything is printed.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::say::print_line(format_args!($($arg)*))
    };
}

/// `eprintln!` for notes and warnings: silent under `-q`.
macro_rules! noteln {
    ($($arg:tt)*) => {
        $crate::cli::say::print_note(format_args!($($arg)*))
    };
}

mod compare;
mod manual;
mod progress;
mod say;
mod sizing;
mod sweep;
mod vpp;
mod weather;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use vppsim::dispatch::{self, DispatchError};
use vppsim::model::{SolverOptions, available_threads};
use vppsim::output::{RunOutput, write_results};
use vppsim::results::{Claim, Kpis, Manifest, WriteError, folder};
use vppsim::scenario::overrides::Override;
use vppsim::scenario::{self, Source, Strategy};
use vppsim::sim::{self, SimError, presolve};
use vppsim::vpp::Coordination;

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
    /// Print only errors: no figures, notes or warnings.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Show the solver's log (HiGHS) on standard error.
    #[arg(short, long, global = true)]
    verbose: bool,
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
        #[arg(long, value_enum)]
        strategy: Option<Strategy>,
        /// Replace an existing results folder.
        #[arg(long)]
        force: bool,
        /// Skip the charts and reports.
        #[arg(long)]
        no_plots: bool,
        /// VPP files only: coordinate the sites centrally or by ADMM, overriding [vpp].
        #[arg(long, value_enum)]
        coordination: Option<Coordination>,
        /// Override a value of the scenario file, checked like the file: a dotted path,
        /// arrays of tables by name (battery.battery.energy_capacity="8 MWh"). Repeatable.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
        /// Threads for the solver (and the ADMM agents' pool) [default: the cores this
        /// process may use, after affinity and cgroup quota]. A sweep running several cases
        /// at once should give each case `--threads 1`.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        threads: Option<u32>,
        /// Print the KPIs as one JSON document on standard output instead of the table.
        #[arg(long)]
        json: bool,
        /// Strategy lp only: also write the LP HiGHS solves to FILE, to benchmark other
        /// solvers on it: .mps keeps every column's and row's name; .lp (HiGHS's LP format)
        /// gets generic names.
        #[arg(long, value_name = "FILE")]
        write_lp: Option<PathBuf>,
        /// Single sites: parquet also writes timeseries.parquet (the CSV's columns, units in
        /// the Arrow fields' metadata) beside timeseries.csv, which the reports read.
        #[arg(long, value_parser = ["csv", "parquet"], default_value = "csv")]
        format: String,
    },
    /// Run several strategies on one scenario and write comparison.csv with every KPI and
    /// each strategy's regret against perfect foresight (lp).
    Compare {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Strategies, comma-separated.
        #[arg(long, value_enum, value_delimiter = ',', default_values_t = Strategy::ALL.to_vec())]
        strategies: Vec<Strategy>,
        /// Output folder [default: results/<scenario name>-compare].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace an existing output folder.
        #[arg(long)]
        force: bool,
        /// Threads for the solver (and the ADMM agents' pool) [default: the cores this
        /// process may use, after affinity and cgroup quota]. A sweep running several cases
        /// at once should give each case `--threads 1`.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        threads: Option<u32>,
        /// Print the KPIs as one JSON document on standard output instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Rebuild the charts and report.html / report.md of a results folder without re-running
    /// (of each site's folder and the aggregate report.html, for a VPP).
    Report {
        /// A folder written by `vppsim run`.
        results: PathBuf,
    },
    /// Check a scenario without solving it; reports every problem found.
    Validate {
        /// Scenario file (TOML).
        scenario: PathBuf,
        /// Override a value of the scenario file (as for `run`). Repeatable.
        #[arg(long = "set", value_name = "PATH=VALUE")]
        set: Vec<String>,
    },
    /// Run many cases of a base scenario (parameters, Monte Carlo seeds, strategies) in
    /// parallel or as shards of a SLURM job array, resumably; write sweep.csv,
    /// sweep.parquet and a sensitivity report. `vppsim sweep collect DIR` merges shards.
    Sweep(sweep::SweepArgs),
    /// Print a shell completion script on standard output, e.g.
    /// `vppsim completions bash > ~/.local/share/bash-completion/completions/vppsim`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) on standard output: `vppsim man > vppsim.1`.
    Man,
    /// Print the JSON Schema of scenario (or VPP, or sweep) files, for editors (taplo / Even
    /// Better TOML) and validators; shipped as docs/schema/*.schema.json.
    Schema {
        /// Which file format.
        #[arg(value_enum, default_value = "scenario")]
        format: manual::SchemaFormat,
        /// Print the key reference of every format as Markdown instead
        /// (docs/scenario-keys.md).
        #[arg(long)]
        markdown: bool,
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
    stop_cleanly_on_interrupt();
    say::set_quiet(cli.quiet);
    progress::start(cli.quiet, cli.verbose);
    let code = match cli.command {
        Command::Validate { scenario, set } => match read_scenario(&scenario) {
            Ok(source) if source.is_vpp() && !set.is_empty() => no_set_for_vpp(),
            Ok(source) if source.is_vpp() => vpp::validate(source),
            Ok(source) => match with_overrides(source, &set) {
                Ok(source) => validate(source),
                Err(code) => code,
            },
            Err(code) => code,
        },
        Command::Weather {
            scenario,
            out,
            force,
        } => match read_scenario(&scenario) {
            Ok(source) => weather::run(source, out, force),
            Err(code) => code,
        },
        Command::Run {
            scenario,
            out,
            strategy,
            force,
            no_plots,
            coordination,
            set,
            threads,
            json,
            write_lp,
            format,
        } => match read_scenario(&scenario) {
            Err(code) => code,
            Ok(source) if source.is_vpp() && !set.is_empty() => no_set_for_vpp(),
            Ok(source) if source.is_vpp() && format != "csv" => {
                eprintln!("error: --format parquet applies to single sites, not yet to a VPP file");
                EXIT_BAD_INPUT
            }
            Ok(source) if source.is_vpp() && write_lp.is_some() => {
                eprintln!(
                    "error: --write-lp applies to single sites dispatched by strategy lp, not to a VPP file"
                );
                EXIT_BAD_INPUT
            }
            Ok(_) if strategy.is_some() && coordination.is_some() => {
                eprintln!(
                    "error: --strategy applies to single sites, --coordination to VPP files: give one"
                );
                EXIT_BAD_INPUT
            }
            Ok(source) if source.is_vpp() && strategy.is_some() => {
                eprintln!(
                    "error: --strategy does not apply to a VPP file\n  = hint: a VPP is dispatched by its joint LP; choose [vpp] coordination = \"central\" or \"admm\""
                );
                EXIT_BAD_INPUT
            }
            Ok(source) if source.is_vpp() => {
                say::set_json(json);
                vpp::run(source, out, force, !no_plots, coordination, threads)
            }
            Ok(_) if coordination.is_some() => {
                eprintln!(
                    "error: --coordination applies to VPP files only (files with a [vpp] table)"
                );
                EXIT_BAD_INPUT
            }
            Ok(source) => match with_overrides(source, &set) {
                Ok(source) => {
                    say::set_json(json);
                    run_scenario(
                        source,
                        out,
                        strategy,
                        force,
                        !no_plots,
                        threads,
                        Outputs {
                            write_lp,
                            parquet: format == "parquet",
                        },
                    )
                }
                Err(code) => code,
            },
        },
        Command::Compare {
            scenario,
            strategies,
            out,
            force,
            threads,
            json,
        } => match read_scenario(&scenario) {
            Err(code) => code,
            Ok(source) if source.is_vpp() => {
                eprintln!(
                    "error: compare runs the strategies of one site; {} is a VPP file\n  = hint: compare a site of the VPP by writing it as a scenario of its own, or run the VPP with --coordination central and admm",
                    scenario.display()
                );
                EXIT_BAD_INPUT
            }
            Ok(source) => {
                say::set_json(json);
                compare::run(source, &strategies, out, force, threads)
            }
        },
        Command::Sweep(args) => sweep::run(args),
        Command::Completions { shell } => manual::completions(shell),
        Command::Man => manual::man(),
        Command::Schema { format, markdown } => manual::schema(format, markdown),
        Command::Report { results } => match not_a_run_folder(&results) {
            Some(code) => code,
            None => report(&results),
        },
    };
    progress::clear();
    ExitCode::from(code)
}

/// Says why `dir` is not a folder `vppsim report` can rebuild (a compare folder, or one
/// without the files a run writes) and gives the bad-input exit code; `None` if it may be.
fn not_a_run_folder(dir: &Path) -> Option<u8> {
    if !dir.is_dir() || dir.join("sites").is_dir() {
        return None;
    }
    let missing: Vec<&str> = ["timeseries.csv", "summary.json", "manifest.json"]
        .into_iter()
        .filter(|f| !dir.join(f).is_file())
        .collect();
    if missing.is_empty() {
        return None;
    }
    if dir.join("comparison.csv").is_file() {
        eprintln!(
            "error: {} is a folder of `vppsim compare` (comparison.csv, kpi_bars.svg): `vppsim report` rebuilds the charts and reports of a folder written by `vppsim run`\n  = hint: compare draws its chart itself; to redraw it, run `vppsim compare SCENARIO --out {} --force`",
            dir.display(),
            dir.display()
        );
    } else {
        eprintln!(
            "error: {} is not a results folder of `vppsim run`: it has no {}\n  = hint: give the folder `vppsim run` wrote (results/<scenario name> by default)",
            dir.display(),
            missing.join(", ")
        );
    }
    Some(EXIT_BAD_INPUT)
}

/// `vppsim report DIR`: rebuilds the charts and reports of a run's folder.
fn report(results: &Path) -> u8 {
    match vppsim::report::rebuild(results) {
        Ok(()) => {
            let page = results.join("report.html");
            if results.join("sites").is_dir() {
                let sites = results.join("sites/*/report.html");
                outln!(
                    "reports written to {} and {}",
                    page.display(),
                    sites.display()
                );
            } else {
                outln!("report written to {}", page.display());
            }
            0
        }
        // The folder's files are the input here: unreadable or broken ones are bad input.
        Err(e @ (WriteError::Io { .. } | WriteError::Report(_))) => {
            eprintln!("error: {e}");
            EXIT_BAD_INPUT
        }
        Err(e) => write_failed(&e),
    }
}

fn validate(source: Source) -> u8 {
    let path = source.path.clone();
    let path = path.as_path();
    let loaded = match load_or_report(source) {
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
    // Assets counted by kind, in the order the kinds first appear.
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for d in s.devices() {
        let kind = d.describe(&s.time).0;
        match kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((kind, 1)),
        }
    }
    let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
    outln!(
        "{}: valid ({} steps of {} min from {}; assets: {}; {} data centres with {jobs} AI jobs, {} EV hubs with {sessions} sessions)",
        path.display(),
        s.time.len,
        s.time.step_seconds / 60,
        s.time.timestamp(0),
        if kinds.is_empty() {
            "none".to_string()
        } else {
            kinds.join(", ")
        },
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
            noteln!(
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
            noteln!(
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

/// Reads a scenario or VPP file once, or prints why not and gives the bad-input exit code.
fn read_scenario(path: &Path) -> Result<Source, u8> {
    Source::read(path).map_err(|problems| {
        eprintln!("{problems}");
        EXIT_BAD_INPUT
    })
}

/// Applies `--set` overrides to a scenario file, or prints every problem with them and
/// with the file (all at once) and gives the bad-input exit code.
fn with_overrides(source: Source, set: &[String]) -> Result<Source, u8> {
    let mut unread = Vec::new();
    let overrides: Vec<Override> = set
        .iter()
        .filter_map(|arg| Override::from_arg(arg).map_err(|p| unread.push(p)).ok())
        .collect();
    source
        .with_overrides(&overrides, unread)
        .map_err(|problems| {
            eprintln!("{problems}");
            EXIT_BAD_INPUT
        })
}

fn no_set_for_vpp() -> u8 {
    eprintln!(
        "error: --set applies to single-site scenarios; a VPP file's values are set in the file"
    );
    eprintln!(
        "  = hint: edit a copy of the VPP file, or run one of its sites as a scenario file of its own with --set"
    );
    EXIT_BAD_INPUT
}

/// Loads a scenario, or prints every problem found and gives the bad-input exit code.
fn load_or_report(source: Source) -> Result<scenario::Loaded, u8> {
    let loaded = scenario::load_source(source).map_err(|problems| {
        eprintln!("{problems}");
        EXIT_BAD_INPUT
    })?;
    for warning in &loaded.warnings {
        noteln!("{warning}\n");
    }
    check_memory(&[presolve::lp_size(&loaded.scenario)])?;
    Ok(loaded)
}

/// Refuses a run whose LPs (`sizes`, solved together) would need more memory than
/// [`presolve::MAX_MEMORY_BYTES`]; warns when they would need more than is free now.
fn check_memory(sizes: &[presolve::LpSize]) -> Result<(), u8> {
    let bytes: u64 = sizes.iter().map(|s| s.bytes).sum();
    let columns: usize = sizes.iter().map(|s| s.columns).sum();
    let gb = |b: u64| b as f64 / 1e9;
    if bytes > presolve::MAX_MEMORY_BYTES {
        eprintln!(
            "error: the dispatch LP would have {columns} columns and need about {:.0} GB of memory, more than the {:.0} GB vppsim allows\n  = hint: shorten the horizon, lengthen the step, or split the study into runs",
            gb(bytes),
            gb(presolve::MAX_MEMORY_BYTES)
        );
        return Err(EXIT_BAD_INPUT);
    }
    if let Some(free) = available_memory()
        && bytes > free
    {
        noteln!(
            "warning: the dispatch LP ({columns} columns) may need about {:.1} GB of memory; {:.1} GB is free",
            gb(bytes),
            gb(free)
        );
    }
    Ok(())
}

/// Memory the system says is available now (Linux `MemAvailable`), in bytes.
fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn report_infeasible(found: &[presolve::Infeasibility]) {
    for f in found {
        eprintln!("infeasible: {}", f.message);
    }
    eprintln!(
        "the scenario cannot be dispatched: relax the limits above or lower the energy required"
    );
}

/// What a run writes beyond its results folder's usual files.
struct Outputs {
    /// `--write-lp FILE`: the LP HiGHS solves.
    write_lp: Option<PathBuf>,
    /// `--format parquet`: `timeseries.parquet` too.
    parquet: bool,
}

fn run_scenario(
    source: Source,
    out: Option<PathBuf>,
    strategy: Option<Strategy>,
    force: bool,
    plots: bool,
    threads: Option<u32>,
    Outputs { write_lp, parquet }: Outputs,
) -> u8 {
    let loading = Instant::now();
    progress::stage("loading the scenario");
    let path = source.path.clone();
    let path = path.as_path();
    let mut loaded = match load_or_report(source) {
        Ok(l) => l,
        Err(code) => return code,
    };
    set_threads(&mut loaded.scenario.dispatch.solver, threads);
    let s = &loaded.scenario;
    if let Some(lp_path) = &write_lp
        && let Some((problem, hint)) = write_lp_problem(lp_path, s, strategy)
    {
        eprintln!("error: --write-lp {}: {problem}", lp_path.display());
        eprintln!("  = hint: {hint}");
        return EXIT_BAD_INPUT;
    }
    let out = out.unwrap_or_else(|| Path::new("results").join(&s.name));
    let claim = match claim_out(&out, force, path) {
        Ok(claim) => claim,
        Err(code) => return code,
    };
    if vppsim::sizing::is_sizing(s) {
        if strategy.is_some_and(|chosen| chosen != Strategy::Lp) {
            eprintln!(
                "error: a scenario with extendable capacities is sized with the LP over the whole horizon"
            );
            eprintln!("  = hint: drop --strategy, or give fixed capacities to compare strategies");
            return EXIT_BAD_INPUT;
        }
        return sizing::run(&loaded, &claim, &out, plots, loading);
    }
    let infeasible = presolve::check(s);
    if !infeasible.is_empty() {
        report_infeasible(&infeasible);
        return EXIT_INFEASIBLE;
    }
    warn_unmet_sessions(s);
    // A strategy other than the file's is an override of it, named as `--set` would name it.
    let strategy_override = strategy
        .filter(|&chosen| chosen != s.dispatch.strategy)
        .map(|chosen| format!("dispatch.strategy=\"{}\"", chosen.name()));
    let strategy = strategy.unwrap_or(s.dispatch.strategy);
    // `--write-lp` was checked above: it comes with strategy lp.
    let mut dispatcher: Box<dyn dispatch::Dispatcher> = match write_lp {
        Some(path) => {
            Box::new(dispatch::LpDispatcher::new(s.dispatch.solver.clone()).writing_model_to(path))
        }
        None => dispatch::built_in(strategy, s),
    };
    let load_time = loading.elapsed();
    progress::stage(format!("solving ({})", dispatcher.name()));
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
    if let Some(Err(e)) = run.objective.map(|o| kpis.check_objective(o)) {
        eprintln!("error: {e}");
        return EXIT_FAILED;
    }
    progress::stage("simulating the do-nothing baseline (strategy none)");
    let baseline = baseline_kpis(s, strategy);
    let manifest = |write| {
        let times = vppsim::results::StageTimes { write, ..run.times };
        let mut manifest = Manifest::new(
            s,
            dispatcher.name(),
            dispatcher.solver(),
            &loaded.inputs,
            run.plans,
            times,
        );
        manifest.overrides = loaded.overrides.clone();
        manifest.overrides.extend(strategy_override.clone());
        manifest
    };
    let output = RunOutput {
        scenario: s,
        results: &run.results,
        kpis: &kpis,
        solver_objective: run.objective,
        forecast_errors: &run.forecast_errors,
        sizing: None,
        baseline: baseline.as_ref(),
        parquet,
    };
    progress::stage("writing the results");
    if let Err(e) = write_results(&claim, plots, &output, manifest) {
        return write_failed(&e);
    }
    progress::clear();
    print_kpis(s, dispatcher.name(), &kpis);
    outln!("results written to {}", out.display());
    say::emit_json(&serde_json::json!({
        "scenario": s.name,
        "strategy": dispatcher.name(),
        "results": out,
        "kpis": kpis,
    }));
    0
}

/// What is wrong with `--write-lp path` for scenario `s` run with `strategy` (the file's
/// when `None`), before anything is solved, and how to fix it: a sizing run (it solves an
/// LP of its own), a strategy other than lp (no single LP), a file that exists (vppsim does
/// not overwrite files), a format HiGHS does not write (by extension), a folder that does
/// not exist.
fn write_lp_problem(
    path: &Path,
    s: &vppsim::Scenario,
    strategy: Option<Strategy>,
) -> Option<(String, String)> {
    let problem = |what: &str, hint: &str| Some((what.to_string(), hint.to_string()));
    if vppsim::sizing::is_sizing(s) {
        return problem(
            "the scenario has extendable capacities: a sizing run solves its own LP, not the dispatch LP that --write-lp writes",
            "drop --write-lp, or give fixed capacities to write the dispatch LP",
        );
    }
    let strategy = strategy.unwrap_or(s.dispatch.strategy);
    if strategy != Strategy::Lp {
        return problem(
            &format!(
                "it writes the LP of strategy lp (one model over the horizon); this run uses strategy {}",
                strategy.name()
            ),
            "add --strategy lp, or drop --write-lp",
        );
    }
    if path.exists() {
        return problem(
            "the file exists; vppsim does not overwrite files",
            "remove it yourself, or give another file name",
        );
    }
    if !matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("mps" | "lp")
    ) {
        return problem(
            "the format is chosen by the extension, and this one is neither .mps nor .lp",
            "name the file model.mps (MPS) or model.lp (CPLEX LP)",
        );
    }
    match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() && !folder.is_dir() => problem(
            &format!("the folder {} does not exist", folder.display()),
            "create the folder first, or give a file in an existing one",
        ),
        _ => None,
    }
}

/// The KPIs of `s` dispatched with strategy `none` (batteries idle: rule-based, no LP),
/// the do-nothing baseline a report measures savings against; `None` when the run itself
/// is that baseline, or when the baseline cannot be simulated (said on standard error). It
/// runs on the same immutable scenario with its own dispatcher, after the main run: it
/// cannot change the main run's results.
fn baseline_kpis(s: &vppsim::Scenario, strategy: Strategy) -> Option<Kpis> {
    if strategy == Strategy::None {
        return None;
    }
    let mut idle = dispatch::built_in(Strategy::None, s);
    match sim::simulate(s, idle.as_mut()) {
        Ok(run) => Some(Kpis::compute(&run.results)),
        Err(e) => {
            eprintln!(
                "note: no do-nothing baseline in the report: strategy none fails on this scenario ({e})"
            );
            None
        }
    }
}

/// Gives the solver `threads` (`--threads`) when set; else it uses the cores this process
/// may use. Says so when more threads are asked for than that.
fn set_threads(solver: &mut SolverOptions, threads: Option<u32>) {
    let Some(n) = threads else { return };
    let cores = available_threads();
    if n > cores {
        noteln!(
            "note: --threads {n} is more than the {cores} core(s) this process may use; threads will share cores"
        );
    }
    solver.threads = Some(n);
}

/// Claims the results folder `out` for a run of the scenario file `scenario` (see
/// [`Claim`]): the scenario's folder is never replaced. Prints what was cleaned up.
fn claim_out(out: &Path, force: bool, scenario: &Path) -> Result<Claim, u8> {
    let folder = scenario
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match Claim::new(out, force, &[folder.to_path_buf()]) {
        Ok(claim) => {
            for note in &claim.notes {
                noteln!("note: {note}");
            }
            Ok(claim)
        }
        Err(e) => Err(write_failed(&e)),
    }
}

/// Reports a failed or refused write with a hint; its exit code.
fn write_failed(e: &WriteError) -> u8 {
    eprintln!("error: {e}");
    let hint = match e {
        WriteError::Exists(_) => "pass --force to replace it, or --out to write elsewhere",
        WriteError::Refused { .. } => {
            "vppsim replaces only folders it wrote itself: choose another --out, or move the folder away yourself"
        }
        WriteError::Locked { .. } => {
            "wait for that run to finish, or write elsewhere with --out (if no such run is alive, the lock is released already: try again)"
        }
        WriteError::Io { .. } | WriteError::Report(_) => return EXIT_FAILED,
    };
    eprintln!("  = hint: {hint}");
    EXIT_BAD_INPUT
}

/// On Ctrl-C (SIGINT) or SIGTERM: remove this run's unfinished staging folders, say exactly
/// what state each results folder is in, and exit with 130.
fn stop_cleanly_on_interrupt() {
    let installed = ctrlc::set_handler(|| {
        let said = folder::interrupted();
        eprintln!("interrupted: the run stopped before it finished");
        for line in said {
            eprintln!("  {line}");
        }
        std::process::exit(EXIT_INTERRUPTED.into());
    });
    if let Err(e) = installed {
        noteln!(
            "warning: cannot catch Ctrl-C ({e}); an interrupted run may leave a hidden partial folder, removed by the next run"
        );
    }
}

fn print_kpis(scenario: &vppsim::Scenario, strategy: &str, kpis: &Kpis) {
    outln!("{} ({strategy})", scenario.name);
    let rows = kpis.table(scenario.currency);
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    for (label, value, unit) in rows {
        outln!("  {label:<width$}  {value:>14} {unit}");
    }
}
