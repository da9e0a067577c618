//! `vppsim sweep`: cases run through the CLI into temporary folders, the table checked
//! against single runs, bad sweep files, resume after an interrupted sweep, shards merged
//! by `collect`.

use std::path::Path;

use crate::support::{assert_says, temp_dir, text, vppsim};

/// A sweep of the small site: 3 battery sizes × 2 strategies, plus a one-at-a-time study.
fn small_sweep(dir: &Path) -> std::path::PathBuf {
    let scenario = crate::support::root().join("scenarios/small-site.toml");
    let file = dir.join("small.toml");
    std::fs::write(
        &file,
        format!(
            "[sweep]\nname = \"small\"\nscenario = \"{}\"\n\n[[study]]\nname = \"size\"\nstrategies = [\"rule\", \"lp\"]\n[[study.parameter]]\npath = \"battery.battery.energy_capacity\"\nvalues = [\"1 MWh\", \"2.5 MWh\", \"4 MWh\"]\n\n[[study]]\nname = \"oat\"\ncombine = \"one-at-a-time\"\n[[study.parameter]]\npath = \"grid.import_limit\"\nvalues = [\"3 MW\", \"1 MW\"]\n[[study.parameter]]\npath = \"battery.battery.charge_power\"\nrange = {{ from = \"0.5 MW\", to = \"1.5 MW\", steps = 3 }}\n",
            scenario.display()
        ),
    )
    .unwrap();
    file
}

/// `dir/sweep.toml`: a sweep of `base` (a path from the repository's root) with more
/// `[sweep]` keys, and one study of one parameter (its keys as TOML lines).
fn one_study_sweep(
    dir: &Path,
    base: &str,
    sweep_keys: &str,
    parameter: &str,
) -> std::path::PathBuf {
    let base = crate::support::root().join(base);
    let file = dir.join("sweep.toml");
    let text = format!(
        "[sweep]\nscenario = \"{}\"\n{sweep_keys}\n[[study]]\nname = \"a\"\n[[study.parameter]]\n{parameter}\n",
        base.display()
    );
    std::fs::write(&file, text).unwrap();
    file
}

/// Runs `vppsim sweep file --out out`.
fn sweep_into(file: &Path, out: &Path) -> std::process::Output {
    vppsim(&[
        "sweep",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let mut rows = vec![header];
    rows.extend(
        r.records()
            .map(|x| x.unwrap().iter().map(String::from).collect()),
    );
    rows
}

fn cell<'a>(rows: &'a [Vec<String>], row: usize, column: &str) -> &'a str {
    let j = rows[0].iter().position(|c| c == column).unwrap();
    &rows[row][j]
}

#[test]
fn a_sweep_matches_single_runs_records_failures_and_resumes() {
    let dir = temp_dir("sweep-local");
    let file = small_sweep(&dir);
    let out = dir.join("out");
    let args = [
        "sweep",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--jobs",
        "2",
    ];
    let o = vppsim(&args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let rows = csv_rows(&out.join("sweep.csv"));
    // 6 + 1 + 2 + 3 cases; the 1 MW import limit cannot meet the site's load.
    assert_eq!(rows.len(), 1 + 12);
    assert_eq!(cell(&rows, 1, "battery.battery.energy_capacity"), "1 MWh");
    assert_eq!(cell(&rows, 2, "strategy"), "lp");
    let failed: Vec<usize> = (1..rows.len())
        .filter(|&i| cell(&rows, i, "status") == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{rows:?}");
    assert_eq!(cell(&rows, failed[0], "grid.import_limit"), "1 MW");
    assert_eq!(cell(&rows, failed[0], "exit_code"), "3");
    assert!(cell(&rows, failed[0], "error").contains("infeasible"));
    // The KPIs of a case equal those of `vppsim run` with the same overrides.
    let single = dir.join("single");
    crate::support::run_into(
        "scenarios/small-site.toml",
        &single,
        &[
            "--set",
            "battery.battery.energy_capacity=2.5 MWh",
            "--strategy",
            "rule",
            "--no-plots",
        ],
    );
    let summary = crate::support::read_json(&single.join("summary.json"));
    for kpi in [
        "grid_import_mwh",
        "total_cost_cny",
        "peak_import_mw",
        "battery_full_cycles",
    ] {
        let swept: f64 = cell(&rows, 3, kpi).parse().unwrap();
        assert_eq!(swept, summary["kpis"][kpi].as_f64().unwrap(), "{kpi}");
    }
    for f in [
        "sweep.parquet",
        "report.html",
        "heatmap-size-total_cost_cny-lp.svg",
    ] {
        assert!(
            !out.join(f).exists() || f != "heatmap-size-total_cost_cny-lp.svg",
            "a one-parameter product gets no heat map"
        );
        let _ = f;
    }
    assert!(out.join("sweep.parquet").is_file());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("Tornado: total_cost_cny [CNY], study 'oat', lp"),
        "{html}"
    );
    assert!(out.join("tornado-oat-total_cost_cny-lp.png").is_file());

    // An interrupted sweep: two finished cases lost, a staging folder left behind.
    let table = std::fs::read(out.join("sweep.csv")).unwrap();
    let cases: Vec<_> = std::fs::read_dir(out.join("cases"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(
        cases.len(),
        12 - 1,
        "two cases run the same scenario (2.5 MWh is not the base's 2 MWh; the oat base is)"
    );
    for c in &cases[..2] {
        std::fs::remove_dir_all(c).unwrap();
    }
    let leftover = out
        .join("cases")
        .join(format!(".{}.partial-999999", "0123456789abcdef"));
    std::fs::create_dir(&leftover).unwrap();
    std::fs::write(
        leftover.join(".vppsim"),
        r#"{"format":"vppsim-folder/1","kind":"staging","files":[]}"#,
    )
    .unwrap();
    let o = vppsim(&args);
    let said = text(&o.stdout);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        said.contains("10 of 12 cases finished before: skipped"),
        "{said}"
    );
    assert!(said.contains("ran 2 cases"), "{said}");
    assert!(
        !leftover.exists(),
        "the stopped run's staging folder is removed"
    );
    assert_eq!(
        std::fs::read(out.join("sweep.csv")).unwrap(),
        table,
        "the same table, byte for byte"
    );
}

#[test]
fn bad_sweep_files_report_every_problem_naming_case_and_parameter() {
    let dir = temp_dir("sweep-bad");
    let scenario = crate::support::root().join("scenarios/small-site.toml");
    let file = dir.join("bad.toml");
    std::fs::write(
        &file,
        format!(
            "[sweep]\nscenario = \"{}\"\nkeep = \"everything\"\n\n[[study]]\nname = \"a\"\nstrategies = [\"greedy\"]\n[[study.parameter]]\npath = \"battery.battery.energy_capacity\"\nvalues = [\"2 MWh\", \"3 MW\"]\n\n[[study]]\nname = \"b\"\n[[study.parameter]]\npath = \"battery.nosuch.energy_capacity\"\nvalues = [\"1 MWh\"]\n",
            scenario.display()
        ),
    )
    .unwrap();
    let o = vppsim(&[
        "sweep",
        file.to_str().unwrap(),
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("keep 'everything' is not one of summary, timeseries"),
        "{err}"
    );
    assert!(err.contains("unknown strategy 'greedy'"), "{err}");
    assert!(
        err.contains("2 problems found"),
        "the file's own problems first: {err}"
    );
    assert!(!dir.join("out").exists(), "nothing runs or is written");
    // The file fixed, the cases' problems: each once, at the value in the sweep file.
    let text2 = std::fs::read_to_string(&file)
        .unwrap()
        .replace("keep = \"everything\"\n", "")
        .replace("\"greedy\"", "\"lp\"");
    std::fs::write(&file, text2).unwrap();
    let o = vppsim(&[
        "sweep",
        file.to_str().unwrap(),
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("case 2 (study 'a': battery.battery.energy_capacity = \"3 MW\", lp)"),
        "{err}"
    );
    assert!(
        err.contains("bad.toml:9:20"),
        "at the value in the sweep file: {err}"
    );
    assert!(
        err.contains("case 3 (study 'b': battery.nosuch.energy_capacity = \"1 MWh\")"),
        "{err}"
    );
    assert!(
        err.contains("bad.toml:14:8"),
        "at the path in the sweep file: {err}"
    );
    assert!(err.contains("there is no battery named 'nosuch'"), "{err}");
    assert!(err.contains("2 problems found"), "{err}");
    assert!(err.contains("the sweep was not run"), "{err}");
    assert!(!dir.join("out").exists());
}

#[test]
fn shards_collected_equal_a_local_run_and_missing_ones_are_named() {
    let dir = temp_dir("sweep-shards");
    let file = small_sweep(&dir);
    let (local, sharded) = (dir.join("local"), dir.join("sharded"));
    let f = file.to_str().unwrap();
    let o = vppsim(&["sweep", f, "--out", local.to_str().unwrap(), "--no-report"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    for k in ["1/3", "3/3"] {
        let o = vppsim(&[
            "sweep",
            f,
            "--out",
            sharded.to_str().unwrap(),
            "--shard",
            k,
            "--jobs",
            "1",
        ]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert!(text(&o.stdout).contains("vppsim sweep collect"));
    }
    let o = vppsim(&["sweep", "collect", sharded.to_str().unwrap(), "--no-report"]);
    assert_eq!(
        o.status.code(),
        Some(4),
        "shard 2 is missing: {}",
        text(&o.stderr)
    );
    let said = text(&o.stdout);
    // Shard 2 holds cases 2, 5, 8 and 11; case 11 (charge power 1 MW) runs the base
    // scenario, as case 7 of shard 1 does, so it is not missing.
    assert!(said.contains("3 missing"), "{said}");
    assert!(said.contains("missing: case 2 (study 'size'"), "{said}");
    // Shard 2 from SLURM's environment (array 0-2: task 1 is the second).
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_vppsim"))
        .args([
            "sweep",
            f,
            "--out",
            sharded.to_str().unwrap(),
            "--shard",
            "slurm",
        ])
        .env("SLURM_ARRAY_TASK_ID", "1")
        .env("SLURM_ARRAY_TASK_MIN", "0")
        .env("SLURM_ARRAY_TASK_COUNT", "3")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(sharded.join("shard-2-of-3/plan.json").is_file());
    let o = vppsim(&["sweep", "collect", sharded.to_str().unwrap(), "--no-report"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(sharded.join("sweep.csv")).unwrap(),
        std::fs::read_to_string(local.join("sweep.csv")).unwrap()
    );
}

#[test]
fn the_slurm_script_runs_each_array_task_as_a_shard() {
    let dir = temp_dir("sweep-slurm");
    let file = small_sweep(&dir);
    let out = dir.join("out");
    let o = vppsim(&[
        "sweep",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--slurm",
        "--shards",
        "4",
        "--partition",
        "debug",
        "--time",
        "0:10:00",
        "--mem",
        "1G",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let script = std::fs::read_to_string(out.join("sweep.sbatch")).unwrap();
    for line in [
        "#SBATCH --array=1-4",
        "#SBATCH --partition=debug",
        "#SBATCH --time=0:10:00",
        "#SBATCH --mem=1G",
        "--shard slurm",
    ] {
        assert!(script.contains(line), "{line} in {script}");
    }
    assert!(!out.join("cases").exists(), "--slurm runs nothing");
}

#[test]
fn a_scenario_or_vpp_file_given_to_sweep_is_named_for_what_it_is() {
    for (file, kind) in [
        ("scenarios/small-site.toml", "a scenario file"),
        ("scenarios/small-vpp.toml", "a VPP file"),
    ] {
        let o = vppsim(&["sweep", file, "--out", "/nonexistent/never-written"]);
        assert_eq!(o.status.code(), Some(2));
        let err = text(&o.stderr);
        assert!(
            err.contains(&format!("{file} is {kind}, not a sweep file")),
            "{err}"
        );
        assert!(
            err.contains(&format!("`vppsim run {file}` runs it")),
            "{err}"
        );
        assert!(!err.contains("unknown field"), "{err}");
    }
}

#[test]
fn a_report_kpi_that_is_no_column_is_named_with_the_closest_one() {
    let dir = temp_dir("sweep-report-kpi");
    let file = one_study_sweep(
        &dir,
        "scenarios/small-site.toml",
        "report = [\"grid_import_mwh\", \"total_cost_cmy\"]\n",
        "path = \"battery.battery.energy_capacity\"\nvalues = [\"1 MWh\", \"2 MWh\"]",
    );
    let out = dir.join("out");
    let o = sweep_into(&file, &out);
    let said = format!("{}{}", text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "{said}");
    assert!(
        said.contains("note: [sweep] report names 'total_cost_cmy', which is no column of sweep.csv (did you mean 'total_cost_cny'?): it has no chart"),
        "{said}"
    );
    assert!(!said.contains("'grid_import_mwh'"), "{said}");
}

#[test]
fn a_vpp_or_sweep_file_as_the_base_scenario_is_one_clear_error() {
    let dir = temp_dir("sweep-base-kind");
    for (base, said) in [
        (
            "scenarios/small-vpp.toml",
            "is a VPP file; a sweep runs a single-site scenario",
        ),
        (
            "scenarios/xining-park-sweep.toml",
            "is a sweep file; a sweep's base is a single-site scenario",
        ),
    ] {
        let file = one_study_sweep(
            &dir,
            base,
            "",
            "path = \"grid.import_limit\"\nvalues = [\"1 MW\"]",
        );
        let out = dir.join("out");
        let o = sweep_into(&file, &out);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(said) && err.contains("= hint:"), "{err}");
        assert_eq!(err.matches("error[").count(), 1, "{err}");
        assert!(!out.exists());
    }
}

#[test]
fn a_missing_sweep_file_or_base_scenario_is_located_with_a_hint() {
    let dir = temp_dir("sweep-missing");
    let out = dir.join("out");
    let o = vppsim(&["sweep", "nosuch-sweep.toml", "--out", out.to_str().unwrap()]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("error[sweep-unreadable]: cannot read sweep file"),
        "{err}"
    );
    assert!(err.contains("--> nosuch-sweep.toml"), "{err}");
    assert!(
        err.contains("= hint: check the path; a sweep file has a [sweep] table"),
        "{err}"
    );

    // The base scenario is missing: said at the sweep file's `scenario =` line (line 2).
    let file = one_study_sweep(
        &dir,
        "scenarios/no-such-site.toml",
        "",
        "path = \"grid.import_limit\"\nvalues = [\"1 MW\"]",
    );
    let o = sweep_into(&file, &out);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("base scenario of the sweep, "), "{err}");
    assert!(
        err.contains("no-such-site.toml: cannot read scenario file"),
        "{err}"
    );
    assert!(
        err.contains(&format!("--> {}:2:12", file.display())),
        "{err}"
    );
    assert!(
        err.contains("= hint: the path is relative to the sweep file"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn unknown_keys_in_a_sweep_file_do_not_hide_its_other_problems() {
    let dir = temp_dir("sweep-unknown-keys");
    let file = one_study_sweep(
        &dir,
        "scenarios/small-site.toml",
        "kep = \"summary\"\nkeep = \"sumary\"\n",
        "path = \"grid.import_limit\"\nvalues = [\"1 MW\"]\ncombine = \"zip\"\nrang = 1",
    );
    let out = dir.join("out");
    let o = sweep_into(&file, &out);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_says(
        &err,
        &[
            "unknown key 'kep' in [sweep]",
            "unknown key 'combine' in [[study.parameter]]",
            "unknown key 'rang' in [[study.parameter]]",
            "keep 'sumary' is not one of summary, timeseries",
            "4 problems found",
        ],
    );
}
