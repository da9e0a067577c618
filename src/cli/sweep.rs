//! `vppsim sweep SWEEP.toml`: every case of a sweep, on local threads or as one shard of
//! several (SLURM job arrays, Kubernetes Indexed Jobs); `--slurm` writes the job array
//! script; `vppsim sweep collect DIR` merges the shards' cases into one table.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use clap::{Args, Subcommand};

use vppsim::diagnostic::{Location, Problem, Problems};
use vppsim::results::{Claim, WriteError};
use vppsim::sweep::plan::{self, Plan, Resolved};
use vppsim::sweep::run::{Record, run_case};
use vppsim::sweep::shard::{self, Shard, Slurm};
use vppsim::sweep::spec::{Spec, parse_spec};
use vppsim::sweep::store::{self, KIND, SHARD_KIND, Store};
use vppsim::sweep::{pool, table::Table};

use super::{EXIT_BAD_INPUT, EXIT_FAILED, write_failed};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct SweepArgs {
    #[command(subcommand)]
    action: Option<Action>,
    /// Sweep file (TOML): a base scenario and studies of parameters, seeds and strategies.
    #[arg(required = true)]
    sweep: Option<PathBuf>,
    /// Results folder [default: results/<sweep name>]. A rerun into it skips the cases
    /// already finished.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Cases run side by side, each with a single-threaded solver [default: the cores
    /// this process may use].
    #[arg(long)]
    jobs: Option<usize>,
    /// Run only shard K of N (K/N, 1 ≤ K ≤ N), or `slurm`: the shard of this SLURM array
    /// task. Cases go to <out>/shard-K-of-N; `vppsim sweep collect <out>` merges them.
    #[arg(long, value_name = "K/N|slurm")]
    shard: Option<String>,
    /// Run the cases that failed before, too (by default a rerun skips every case that
    /// finished, failed or not).
    #[arg(long)]
    retry_failed: bool,
    /// Skip the sensitivity report (report.html and its charts).
    #[arg(long)]
    no_report: bool,
    /// Write a SLURM job-array script (<out>/sweep.sbatch) that runs the sweep as shards,
    /// instead of running it.
    #[arg(long)]
    slurm: bool,
    /// With --slurm: number of array tasks [default: one per 10 cases].
    #[arg(long, requires = "slurm")]
    shards: Option<usize>,
    /// With --slurm: partition (sbatch --partition).
    #[arg(long, requires = "slurm")]
    partition: Option<String>,
    /// With --slurm: wall-time limit per task (sbatch --time, e.g. 2:00:00).
    #[arg(long, requires = "slurm")]
    time: Option<String>,
    /// With --slurm: memory per task (sbatch --mem, e.g. 4G).
    #[arg(long, requires = "slurm")]
    mem: Option<String>,
    /// With --slurm: submit the script with sbatch.
    #[arg(long, requires = "slurm")]
    submit: bool,
}

#[derive(Subcommand)]
enum Action {
    /// Merge the cases of a sweep's shards (and of local runs) under DIR into sweep.csv,
    /// sweep.parquet and the report; list missing and failed cases.
    Collect {
        /// The sweep's results folder (--out of its shards).
        dir: PathBuf,
        /// Skip the sensitivity report.
        #[arg(long)]
        no_report: bool,
    },
}

pub fn run(args: SweepArgs) -> u8 {
    if let Some(Action::Collect { dir, no_report }) = &args.action {
        return collect(dir, !no_report);
    }
    let Some(file) = args.sweep.as_deref() else {
        eprintln!("error: give a sweep file, or `collect DIR`");
        return EXIT_BAD_INPUT;
    };
    let jobs = match args.jobs {
        Some(0) => {
            eprintln!("error: --jobs 0: run at least one case at a time");
            return EXIT_BAD_INPUT;
        }
        Some(n) => n,
        None => pool::available(),
    };
    let shard = match args
        .shard
        .as_deref()
        .map(|a| shard::parse(a, |k| std::env::var(k).ok()))
    {
        Some(Err(e)) => {
            eprintln!("error: {e}");
            return EXIT_BAD_INPUT;
        }
        Some(Ok(s)) => Some(s),
        None => None,
    };
    if shard.is_some() && args.slurm {
        eprintln!(
            "error: --slurm writes the script that runs the shards; give --shard to the shards only"
        );
        return EXIT_BAD_INPUT;
    }
    let spec = match read_spec(file) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let resolving = Instant::now();
    let resolved = match plan::resolve(&spec, jobs) {
        Ok(r) => r,
        Err(problems) => {
            eprintln!("{problems}");
            eprintln!(
                "the sweep was not run: fix the problems above (every case is checked before any runs)"
            );
            return EXIT_BAD_INPUT;
        }
    };
    for (warning, cases) in &resolved.warnings {
        noteln!(
            "{warning}\n  (in {cases} of {} cases)\n",
            resolved.plan.cases.len()
        );
    }
    let resolve_seconds = resolving.elapsed().as_secs_f64();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("results").join(&spec.name));
    if args.slurm {
        let slurm = Slurm {
            shards: args
                .shards
                .unwrap_or(resolved.plan.cases.len().div_ceil(10)),
            jobs: args.jobs.unwrap_or(1),
            partition: args.partition.clone(),
            time: args.time.clone(),
            mem: args.mem.clone(),
        };
        return write_slurm(&spec, &resolved.plan, &out, &slurm, args.submit);
    }
    outln!(
        "{}: {} cases resolved and checked in {resolve_seconds:.2} s",
        file.display(),
        resolved.plan.cases.len()
    );
    run_local(&resolved, &out, shard, jobs, &args)
}

/// Reads and checks the sweep file, or prints every problem and gives exit code 2.
fn read_spec(file: &Path) -> Result<Spec, u8> {
    let text = vppsim::series::read_regular_file(file, 16 << 20)
        .map_err(|e| e.to_string())
        .and_then(|b| String::from_utf8(b).map_err(|_| "it is not valid UTF-8".into()));
    let text = match text {
        Ok(t) => t,
        Err(e) => {
            let problem = Problem::new(
                "sweep-unreadable",
                format!("cannot read sweep file: {e}"),
                Location::File(file.to_path_buf()),
            )
            .hint("check the path; a sweep file has a [sweep] table naming its base scenario and [[study]] tables (see the README's Sweeps, e.g. scenarios/xining-park-sweep.toml)");
            eprintln!("{}", Problems(vec![problem]));
            return Err(EXIT_BAD_INPUT);
        }
    };
    if let Some(kind) = not_a_sweep(&text) {
        eprintln!(
            "error: {} is a {kind} file, not a sweep file\n  = hint: `vppsim run {}` runs it; a sweep file names it as its base, `[sweep] scenario = \"{}\"`, and varies it in [[study]] tables (see the README's Sweeps)",
            file.display(),
            file.display(),
            file.file_name().unwrap_or_default().to_string_lossy()
        );
        return Err(EXIT_BAD_INPUT);
    }
    parse_spec(file, &text).map_err(|problems| {
        eprintln!("{problems}");
        EXIT_BAD_INPUT
    })
}

/// `"scenario"` or `"VPP"` when `text` is TOML without a `[sweep]` table but with the tables
/// of a scenario or VPP file (given where a sweep file was asked for).
fn not_a_sweep(text: &str) -> Option<&'static str> {
    let table: toml::Table = toml::from_str(text).ok()?;
    if table.contains_key("sweep") || !table.contains_key("scenario") {
        return None;
    }
    Some(if table.contains_key("vpp") {
        "VPP"
    } else {
        "scenario"
    })
}

/// Runs the cases of `shard` (all without one) not finished yet under `out`, then (for a
/// whole sweep) writes the table and report.
fn run_local(r: &Resolved, out: &Path, shard: Option<Shard>, jobs: usize, args: &SweepArgs) -> u8 {
    let plan = &r.plan;
    let kind = if shard.is_some() { SHARD_KIND } else { KIND };
    let (store, notes) = match Store::open(&store::shard_dir(out, shard), kind, plan) {
        Ok(s) => s,
        Err(e) => return write_failed(&e),
    };
    for note in notes {
        noteln!("note: {note}");
    }
    let mut done = store::finished_cases(out, plan.keeps_timeseries());
    if args.retry_failed {
        done.retain(|_, r| r.ok());
    }
    // The cases of this shard not finished yet, each key once (cases that resolve to
    // the same scenario share one run).
    let mut todo: Vec<usize> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let (mut mine, mut before) = (0, 0);
    for (i, case) in plan.cases.iter().enumerate() {
        if shard::owns(shard, i) {
            mine += 1;
            if done.contains_key(&case.key) {
                before += 1;
            } else if seen.insert(case.key.clone()) {
                todo.push(i);
            }
        }
    }
    if before > 0 {
        outln!("{before} of {mine} cases finished before: skipped");
    }
    if mine > before + todo.len() {
        outln!(
            "{} cases run the same scenario as another case: run once",
            mine - before - todo.len()
        );
    }
    let bar = super::progress::cases(todo.len());
    let written: Mutex<Vec<(usize, Record)>> = Mutex::new(Vec::new());
    let write_errors: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let start = Instant::now();
    pool::for_each(todo.len(), jobs, |t| {
        let i = todo[t];
        let case = &plan.cases[i];
        let (record, finished) = run_case(&r.base, &r.overrides[case.id - 1], &case.key);
        match store.write_case(record, finished.as_ref()) {
            Ok(record) => {
                if !record.ok() {
                    bar.println(format!(
                        "failed: {} (exit {}): {}",
                        case.label,
                        record.exit_code,
                        first_line(record.error.as_deref())
                    ));
                }
                lock(&written).push((i, record));
            }
            Err(e) => lock(&write_errors).push(format!("{}: {e}", case.label)),
        }
        bar.inc(1);
    });
    bar.finish_and_clear();
    let wall = start.elapsed().as_secs_f64();
    let written = written.into_inner().unwrap_or_else(|e| e.into_inner());
    let (ok, failed) = written.iter().fold(
        (0, 0),
        |(o, f), (_, r)| if r.ok() { (o + 1, f) } else { (o, f + 1) },
    );
    let busy = written.iter().fold(0.0, |sum, (_, r)| {
        sum + r.seconds.resolve + r.seconds.simulate + r.seconds.write
    });
    outln!(
        "ran {} cases in {wall:.2} s on {jobs} threads ({ok} ok, {failed} failed; {busy:.2} s of case time)",
        written.len()
    );
    let errors = write_errors.into_inner().unwrap_or_else(|e| e.into_inner());
    for e in &errors {
        eprintln!("error: cannot write case {e}");
    }
    if let Some((k, n)) = shard {
        outln!(
            "shard {k} of {n} written to {}; when every shard has run: vppsim sweep collect {}",
            store::shard_dir(out, shard).display(),
            out.display()
        );
        return if errors.is_empty() { 0 } else { EXIT_FAILED };
    }
    let records = store::finished_cases(out, plan.keeps_timeseries());
    let code = finish(store.claim(), plan, &records, !args.no_report, out);
    if errors.is_empty() { code } else { EXIT_FAILED }
}

/// Writes the table and report of `plan` into the claimed folder; prints what became of
/// the cases. Exit code: 0 when every case has a record, 4 otherwise.
fn finish(
    claim: &Claim,
    plan: &Plan,
    records: &BTreeMap<String, Record>,
    report: bool,
    out: &Path,
) -> u8 {
    let table = match store::write_tables(claim, plan, records, report) {
        Ok(t) => t,
        Err(e) => return write_failed(&e),
    };
    describe(plan, &table, records);
    outln!("table written to {}", out.join("sweep.csv").display());
    if report {
        note_unknown_kpis(plan, &table);
        outln!("report written to {}", out.join("report.html").display());
    }
    let (_, _, missing) = table.counts();
    if missing == 0 { 0 } else { EXIT_FAILED }
}

/// Says which KPIs named in `[sweep] report` are no column of the table (misspelt, or
/// absent from this scenario's KPIs), and so have no chart. The columns come from the
/// cases' KPIs, so this is known only once they have run.
fn note_unknown_kpis(plan: &Plan, table: &Table) {
    for kpi in plan.report.iter().filter(|k| table.column(k).is_none()) {
        let names = table.columns.iter().map(|c| c.name.as_str());
        let hint = match vppsim::spelling::closest(kpi, names, 1).first() {
            Some(name) => format!(" (did you mean '{name}'?)"),
            None => String::new(),
        };
        noteln!(
            "note: [sweep] report names '{kpi}', which is no column of sweep.csv{hint}: it has no chart"
        );
    }
}

/// Prints the count of cases by status, and the failed and missing ones (at most 10 each).
fn describe(plan: &Plan, table: &Table, records: &BTreeMap<String, Record>) {
    let (ok, failed, missing) = table.counts();
    outln!(
        "{} cases: {ok} ok, {failed} failed, {missing} missing",
        plan.cases.len()
    );
    let failures: Vec<_> = plan
        .cases
        .iter()
        .filter_map(|c| records.get(&c.key).filter(|r| !r.ok()).map(|r| (c, r)))
        .collect();
    for (c, r) in failures.iter().take(10) {
        outln!(
            "  failed: {} (exit {}): {}",
            c.label,
            r.exit_code,
            first_line(r.error.as_deref())
        );
    }
    let absent: Vec<_> = plan
        .cases
        .iter()
        .enumerate()
        .filter(|(_, c)| !records.contains_key(&c.key))
        .collect();
    for (i, c) in absent.iter().take(10) {
        outln!("  missing: {} (case index {i})", c.label);
    }
    if failures.len() > 10 || absent.len() > 10 {
        outln!("  (the status column of sweep.csv lists every case)");
    }
}

fn first_line(text: Option<&str>) -> &str {
    text.and_then(|t| t.lines().next()).unwrap_or("")
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// `vppsim sweep collect DIR`.
fn collect(dir: &Path, report: bool) -> u8 {
    let mut plans: Vec<(PathBuf, Plan)> = Vec::new();
    let mut unreadable = Vec::new();
    let candidates = std::iter::once(dir.to_path_buf()).chain(store::shard_dirs(dir));
    for d in candidates {
        if !d.join("plan.json").exists() {
            continue;
        }
        match plan::read_plan(&d) {
            Ok(p) => plans.push((d, p)),
            Err(e) => unreadable.push(e),
        }
    }
    for e in &unreadable {
        eprintln!("error: {e}");
    }
    let Some((_, first)) = plans.first() else {
        eprintln!(
            "error: {} holds no sweep plan (plan.json, or shard-*/plan.json)\n  = hint: give the --out folder of the sweep's shards",
            dir.display()
        );
        return EXIT_BAD_INPUT;
    };
    let differing: Vec<String> = plans
        .iter()
        .filter(|(_, p)| p.sweep_sha256 != first.sweep_sha256)
        .map(|(d, _)| d.display().to_string())
        .collect();
    if !differing.is_empty() || !unreadable.is_empty() {
        if !differing.is_empty() {
            eprintln!(
                "error: the shards under {} come from different sweeps (or versions of the sweep file): {} differ from {}\n  = hint: rerun the stale shards, or move them away",
                dir.display(),
                differing.join(", "),
                plans[0].0.display()
            );
        }
        return EXIT_BAD_INPUT;
    }
    let plan = first.clone();
    let claim = match Claim::open(dir, KIND) {
        Ok(c) => c,
        Err(e) => return write_failed(&e),
    };
    if !dir.join("plan.json").exists() {
        let staged = claim.stage(KIND).and_then(|s| {
            s.write("plan.json", &vppsim::results::pretty(&plan))?;
            claim.replace_files(s.path(), &[("plan.json".into(), "plan.json".into())])
        });
        if let Err(e) = staged {
            return write_failed(&e);
        }
    }
    let records = store::finished_cases(dir, plan.keeps_timeseries());
    finish(&claim, &plan, &records, report, dir)
}

/// Writes `<out>/sweep.sbatch` (and submits it with `submit`).
fn write_slurm(spec: &Spec, plan: &Plan, out: &Path, slurm: &Slurm, submit: bool) -> u8 {
    if !(1..=shard::MAX_SHARDS).contains(&slurm.shards) {
        eprintln!(
            "error: --shards {}: give 1 to {}",
            slurm.shards,
            shard::MAX_SHARDS
        );
        return EXIT_BAD_INPUT;
    }
    let absolute = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (out_abs, workdir) = (absolute(out), absolute(Path::new(".")));
    let vppsim = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("vppsim"));
    let logs = out_abs.with_file_name(format!(
        "{}-slurm-logs",
        out_abs
            .file_name()
            .map_or("sweep".into(), |n| n.to_string_lossy())
    ));
    let script = shard::sbatch_script(
        slurm,
        &plan.sweep,
        &vppsim,
        &workdir,
        &absolute(&spec.file),
        &out_abs,
        &logs,
    );
    let claim = match Claim::open(out, KIND) {
        Ok(c) => c,
        Err(e) => return write_failed(&e),
    };
    let written = claim.stage(KIND).and_then(|s| {
        s.write("sweep.sbatch", script.as_bytes())?;
        s.write("plan.json", &vppsim::results::pretty(plan))?;
        let files = ["sweep.sbatch", "plan.json"].map(|f| (f.to_string(), f.to_string()));
        claim.replace_files(s.path(), &files)
    });
    if let Err(e) = written.and_then(|()| {
        std::fs::create_dir_all(&logs).map_err(|source| WriteError::Io {
            path: logs.clone(),
            source,
        })
    }) {
        return write_failed(&e);
    }
    let script_path = out.join("sweep.sbatch");
    outln!(
        "{} cases in {} shards: job array script written to {}",
        plan.cases.len(),
        slurm.shards,
        script_path.display()
    );
    if !submit {
        outln!("submit it with: sbatch {}", script_path.display());
        outln!(
            "then, when the array has finished: vppsim sweep collect {}",
            out.display()
        );
        return 0;
    }
    match std::process::Command::new("sbatch")
        .arg(&script_path)
        .output()
    {
        Ok(o) if o.status.success() => {
            outln!("{}", String::from_utf8_lossy(&o.stdout).trim());
            outln!(
                "when the array has finished: vppsim sweep collect {}",
                out.display()
            );
            0
        }
        Ok(o) => {
            eprintln!(
                "error: sbatch failed: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            );
            EXIT_FAILED
        }
        Err(e) => {
            eprintln!(
                "error: cannot run sbatch: {e}\n  = hint: submit {} from a SLURM login node",
                script_path.display()
            );
            EXIT_FAILED
        }
    }
}
