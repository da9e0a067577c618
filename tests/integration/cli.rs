//! Exit codes and messages of the binary.

use crate::support::{run_into, temp_dir, text, vppsim};

#[test]
fn validate_accepts_a_valid_scenario() {
    let o = vppsim(&["validate", "scenarios/reference-96.toml"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("valid (96 steps of 15 min"));
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
