//! How much the binary says: `-q` only errors, `-v` the solver's log on stderr, `--json`
//! the KPIs as one JSON document on stdout; exit codes unchanged.

use std::process::{Command, Stdio};

use crate::support::{read_json, root, temp_dir, text, vppsim, vppsim_closed_stdout};

#[test]
fn json_prints_the_kpis_of_summary_json_as_one_document() {
    let out = temp_dir("json-run");
    let r = out.join("r");
    let o = vppsim(&[
        "run",
        "scenarios/small-site.toml",
        "--out",
        r.to_str().unwrap(),
        "--no-plots",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON");
    let summary = read_json(&r.join("summary.json"));
    assert_eq!(printed["kpis"], summary["kpis"]);
    assert_eq!(printed["scenario"], "small-site");
    assert_eq!(printed["strategy"], "lp");
    assert!(printed["kpis"]["grid_import_mwh"].as_f64().unwrap() > 0.0);
}

#[test]
fn json_of_compare_has_every_strategy_with_its_regret() {
    let out = temp_dir("json-compare");
    let o = vppsim(&[
        "compare",
        "scenarios/small-site.toml",
        "--strategies",
        "none,lp",
        "--out",
        out.join("c").to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON");
    let rows = printed["strategies"].as_array().unwrap();
    let names: Vec<_> = rows
        .iter()
        .map(|r| r["strategy"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["none", "lp"]);
    let lp = &rows[1];
    assert_eq!(lp["regret_cost_cny"].as_f64(), Some(0.0));
    let none = &rows[0];
    let regret = none["kpis"]["total_cost_cny"].as_f64().unwrap()
        - lp["kpis"]["total_cost_cny"].as_f64().unwrap();
    assert_eq!(none["regret_cost_cny"].as_f64(), Some(regret));
    assert!(
        regret >= 0.0,
        "perfect foresight costs at most what idling does"
    );
}

#[test]
fn quiet_prints_nothing_on_success_and_still_every_error() {
    let out = temp_dir("quiet");
    let o = vppsim(&[
        "-q",
        "run",
        "scenarios/small-site.toml",
        "--out",
        out.join("r").to_str().unwrap(),
        "--no-plots",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(o.stdout.is_empty(), "{}", text(&o.stdout));
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
    assert!(out.join("r/summary.json").is_file());
    let bad = vppsim(&[
        "validate",
        "-q",
        "scenarios/invalid/misspelt-and-missing-keys.toml",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("did you mean 'soc_initial'?"));
}

#[test]
fn verbose_shows_the_solver_log_on_stderr_only() {
    let out = temp_dir("verbose");
    let run = |flag: Option<&str>, name: &str| {
        let r = out.join(name);
        let mut args = vec![
            "run",
            "scenarios/small-site.toml",
            "--no-plots",
            "--out",
            r.to_str().unwrap(),
        ];
        args.extend(flag);
        let o = vppsim(&args);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        o
    };
    let plain = run(None, "a");
    let verbose = run(Some("-v"), "b");
    let log = text(&verbose.stderr);
    assert!(log.contains("Coefficient ranges"), "{log}");
    assert!(!text(&plain.stderr).contains("Coefficient ranges"));
    // The figures on stdout are the same; only the folder named at the end differs.
    let figures = |o: &std::process::Output| {
        let t = text(&o.stdout);
        t.lines()
            .filter(|l| !l.starts_with("results written"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(figures(&plain), figures(&verbose));
}

#[test]
fn json_on_a_closed_stdout_pipe_ends_the_run_quietly() {
    let out = temp_dir("json-closed-pipe");
    let r = out.join("r");
    let o = vppsim_closed_stdout(&[
        "run",
        "scenarios/small-site.toml",
        "--no-plots",
        "--json",
        "--out",
        r.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
    assert!(out.join("r/summary.json").is_file());
}

#[test]
fn progress_is_hidden_when_stderr_is_not_a_terminal() {
    let out = temp_dir("progress-hidden");
    let o = vppsim(&[
        "run",
        "scenarios/small-site.toml",
        "--no-plots",
        "--out",
        out.join("r").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        o.stderr.is_empty(),
        "progress bytes on a pipe: {:?}",
        text(&o.stderr)
    );
}

#[test]
fn progress_is_shown_on_a_terminal() {
    // `script` (util-linux, on every Debian) runs the command under a pseudo-terminal.
    let out = temp_dir("progress-pty");
    let command = format!(
        "{} run scenarios/xining-park-week.toml --no-plots --out {}",
        env!("CARGO_BIN_EXE_vppsim"),
        out.join("r").display()
    );
    let o = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(root())
        .stdin(Stdio::null())
        .output()
        .expect("`script` (util-linux) runs");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    let shown = text(&o.stdout);
    for stage in ["loading the scenario", "solving (", "writing the results"] {
        assert!(shown.contains(stage), "no '{stage}' in {shown:?}");
    }
    // The figures follow once the spinner line is cleared.
    assert!(shown.contains("grid import"), "{shown:?}");
}
