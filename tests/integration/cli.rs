//! Exit codes and messages of the binary.

use crate::support::{assert_says, run_into, temp_dir, text, vppsim};

#[test]
fn validate_accepts_a_valid_scenario() {
    let o = vppsim(&["validate", "scenarios/reference-96.toml"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("valid (96 steps of 15 min"));
}

#[test]
fn every_problem_with_overrides_and_the_file_is_reported_at_once() {
    // An override that cannot be read, one set twice, a table and a key that the file
    // does not take, and two bad values: none hides another.
    let o = vppsim(&[
        "validate",
        "scenarios/small-site.toml",
        "--set",
        "no-equals-sign",
        "--set",
        "nosuch.key=1",
        "--set",
        "battery.battery.soc_max=2",
        "--set",
        "battery.battery.soc_max=0.8",
        "--set",
        "grid.import_limt=5 MW",
        "--set",
        "battery.battery.energy_capacity=2 parsec",
    ]);
    let said = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{said}");
    assert_says(
        &said,
        &[
            "--set no-equals-sign: expected PATH=VALUE",
            "unknown key 'nosuch' in the top level",
            "battery.battery.soc_max is set twice",
            "unknown key 'import_limt' in [grid]",
            "soc_max 2 is outside 0..1",
            "unknown unit 'parsec'",
            "6 problems found",
        ],
    );
}

#[test]
fn an_existing_results_folder_is_kept_without_force() {
    let out = temp_dir("exists");
    std::fs::write(out.join("keep.txt"), "earlier results").unwrap();
    let o = vppsim(&[
        "run",
        "scenarios/reference-96.toml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("already exists"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("keep.txt")).unwrap(),
        "earlier results"
    );
}

#[test]
fn a_run_writes_every_output_and_replaces_a_folder_with_force() {
    let out = temp_dir("force");
    run_into("scenarios/reference-96.toml", &out, &["--no-plots"]);
    std::fs::write(out.join("summary.json"), "old").unwrap();
    let o = run_into("scenarios/reference-96.toml", &out, &[]);
    assert_ne!(
        std::fs::read_to_string(out.join("summary.json")).unwrap(),
        "old"
    );
    for file in ["timeseries.csv", "summary.json", "manifest.json"] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    let csv = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("timestamp,pv.power [MW],pv.curtailment [MW],battery.charge [MW]"),
        "{header}"
    );
    assert!(header.contains("grid.import [MW]") && header.contains("grid.import_price [CNY/kWh]"));
    assert_eq!(lines.clone().count(), 96);
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("2025-01-01T00:00:00+08:00,")
    );
    let stdout = text(&o.stdout);
    assert!(
        stdout.contains("grid import") && stdout.contains("68.049 MWh"),
        "{stdout}"
    );
}

#[test]
fn an_interrupted_run_leaves_the_earlier_results_intact_and_nothing_half_written() {
    let out = temp_dir("interrupt");
    run_into("scenarios/reference-96.toml", &out, &["--no-plots"]);
    let earlier = std::fs::read_to_string(out.join("summary.json")).unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_vppsim"))
        .args([
            "run",
            "scenarios/xining-park.toml",
            "--out",
            out.to_str().unwrap(),
            "--force",
        ])
        .current_dir(crate::support::root())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The year takes several seconds to solve: interrupt it while it solves.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains(&format!("interrupted: the run stopped before it finished\n  nothing was written: {} is unchanged", out.display())),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("summary.json")).unwrap(),
        earlier
    );
    let leftovers: Vec<_> = std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.contains(".partial-") && n.contains("interrupt"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn validate_warns_of_clock_times_inside_a_step_and_of_steps_that_do_not_tile_a_day() {
    let dir = temp_dir("warnings");
    let scenario =
        std::fs::read_to_string(crate::support::root().join("scenarios/small-site.toml"))
            .unwrap()
            .replace(
                "../data/",
                &format!("{}/data/", crate::support::root().display()),
            )
            .replace(
                "hours = [\"08:00\", \"18:00\"]",
                "hours = [\"08:30\", \"18:00\"]",
            );
    std::fs::write(dir.join("site.toml"), &scenario).unwrap();
    let o = vppsim(&["validate", dir.join("site.toml").to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stderr = text(&o.stderr);
    assert!(
        stderr.contains("warning[clock-inside-step]: flexible_load 'ev_hub': hours: 08:30 falls inside a 60-minute step"),
        "{stderr}"
    );
    // 7-hour steps over two days with the default 1-day window.
    let seven = scenario
        .replace("step = \"1h\"", "step = \"7h\"")
        .replace("duration = \"1d\"", "duration = \"42h\"")
        .replace("{ file = \"", "{ repeat = true, file = \"")
        .replace(", time_column = \"timestamp\"", "")
        .replace("window = \"1d\"\n", "");
    std::fs::write(dir.join("seven.toml"), &seven).unwrap();
    let o = vppsim(&["validate", dir.join("seven.toml").to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("warning[window-step]: flexible_load 'ev_hub': 420-minute steps do not tile its default 1-day window"),
        "{}",
        text(&o.stderr)
    );
    // Day one holds four 7-hour steps (28 h), day two two (14 h): 6 MWh a day asks
    // 7 + 3.5 MWh, 6 MWh × 42 h / 24 h in all (whole days for partial ones gave 12).
    let s = vppsim::scenario::load(&dir.join("seven.toml"))
        .unwrap()
        .scenario;
    let energies: Vec<f64> = s.flexible_loads[0]
        .windows
        .iter()
        .map(|w| w.energy_mwh)
        .collect();
    assert_eq!(energies, [7.0, 3.5]);
}

#[test]
fn completions_and_the_manual_page_name_every_subcommand() {
    let subcommands = ["run", "compare", "report", "validate", "sweep", "weather"];
    for shell in ["bash", "zsh", "fish"] {
        let o = vppsim(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let script = text(&o.stdout);
        for name in subcommands {
            assert!(script.contains(name), "{shell} completions lack '{name}'");
        }
        assert!(
            script.contains("strategy") && script.contains("coordination"),
            "{shell} completions lack the options of run"
        );
    }
    let o = vppsim(&["man"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let page = text(&o.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH vppsim"),
        "{page}"
    );
    for name in subcommands {
        assert!(page.contains(name), "the manual page lacks '{name}'");
    }
}

#[test]
fn report_on_a_compare_folder_says_what_it_is_and_what_to_do() {
    let dir = temp_dir("report-compare");
    let c = dir.join("c");
    let o = vppsim(&[
        "compare",
        "scenarios/small-site.toml",
        "--strategies",
        "lp",
        "--out",
        c.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let o = vppsim(&["report", c.to_str().unwrap()]);
    let said = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{said}");
    assert!(said.contains("is a folder of `vppsim compare`"), "{said}");
    assert!(said.contains("--force"), "{said}");
    assert!(!said.contains("cannot write"), "{said}");
    let empty = dir.join("empty");
    std::fs::create_dir(&empty).unwrap();
    let o = vppsim(&["report", empty.to_str().unwrap()]);
    let said = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{said}");
    assert!(
        said.contains("is not a results folder of `vppsim run`: it has no timeseries.csv"),
        "{said}"
    );
}

#[test]
fn set_values_out_of_range_say_so() {
    let said = |set: &str| {
        let o = vppsim(&["validate", "scenarios/small-site.toml", "--set", set]);
        assert_eq!(o.status.code(), Some(2), "--set {set}");
        text(&o.stderr)
    };
    let stderr = said("battery.battery.charge_efficiency=1e309");
    assert!(
        stderr.starts_with("error[out-of-range]: the number 1e309 is out of range: a number is at most 1.7976931348623157e308 in size\n  --> --set battery.battery.charge_efficiency\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "= hint: check its digits and exponent: no value in a scenario comes near this"
        ),
        "{stderr}"
    );
    // TOML reads -1e309 as minus infinity; it is said as written, with the range.
    let stderr = said("battery.battery.charge_efficiency=-1e309");
    assert!(
        stderr.starts_with("error[not-finite]: battery 'battery': charge_efficiency is -1e309, out of range: a number is at most 1.7976931348623157e308 in size\n"),
        "{stderr}"
    );
    let stderr = said("scenario.seed=-1");
    assert!(
        stderr.starts_with("error[seed]: seed -1 is not a whole number from 0 to 9223372036854775807\n  --> --set scenario.seed\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("= hint: write a whole number without quotes, e.g. seed = 42"),
        "{stderr}"
    );
}
