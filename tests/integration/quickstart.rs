//! The README's quick start, run as written: the shell block between `<!-- quickstart -->`
//! and `<!-- /quickstart -->` in a fresh folder next to a copy of the shipped data, with the
//! built `vppsim` first on `PATH`. What a newcomer types must work, and its result must be a
//! complete results folder.

use std::path::Path;
use std::process::Command;

use crate::support::{root, temp_dir};

/// The shell code of the README's quick start block.
fn quickstart_script() -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md reads");
    let start = readme
        .find("<!-- quickstart -->")
        .expect("README has a quick start block");
    let end = readme[start..]
        .find("<!-- /quickstart -->")
        .expect("the quick start block is closed")
        + start;
    let block = &readme[start..end];
    let code = block
        .split_once("```sh\n")
        .and_then(|(_, rest)| rest.rsplit_once("```"))
        .map(|(code, _)| code)
        .expect("the quick start block holds a sh code block");
    code.to_string()
}

#[test]
fn the_readme_quick_start_runs_as_written() {
    let dir = temp_dir("quickstart");
    std::os::unix::fs::symlink(root().join("data"), dir.join("data")).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_vppsim")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &quickstart_script()])
        .current_dir(&dir)
        .env("PATH", path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "quick start failed:\n{stdout}\n{stderr}"
    );
    assert!(!stderr.contains("warning"), "{stderr}");

    let results = dir.join("my-site/results/my-site");
    for file in [
        "summary.json",
        "timeseries.csv",
        "manifest.json",
        "report.html",
    ] {
        assert!(results.join(file).is_file(), "{file} missing");
    }
    // The load CSV the block writes: 7 days of 96 steps, 10 hours a day at 900 kW.
    let load = std::fs::read_to_string(dir.join("my-site/load.csv")).unwrap();
    let rows: Vec<&str> = load.lines().skip(1).collect();
    assert_eq!(rows.len(), 7 * 96);
    assert_eq!(rows.iter().filter(|r| r.ends_with(",900")).count(), 7 * 40);
    assert_eq!(rows[32], "2025-07-14T08:00:00+08:00,900");
    assert_eq!(rows[31], "2025-07-14T07:45:00+08:00,300");

    // The run's energy balance over the week, from the files the newcomer reads: consumption
    // is the CSV's load, 7 × (14 h × 0.3 MW + 10 h × 0.9 MW) = 92.4 MWh.
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(results.join("summary.json")).unwrap())
            .unwrap();
    let ts = std::fs::read_to_string(results.join("timeseries.csv")).unwrap();
    let header: Vec<&str> = ts.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| h.starts_with(name)).unwrap();
    let (office, import) = (col("office.power"), col("grid.import ["));
    let (mut load_mwh, mut import_mwh) = (0.0, 0.0);
    for line in ts.lines().skip(1) {
        let cells: Vec<f64> = line
            .split(',')
            .skip(1)
            .map(|c| c.parse().unwrap())
            .collect();
        load_mwh += cells[office - 1] * 0.25;
        import_mwh += cells[import - 1] * 0.25;
    }
    assert!((load_mwh - 92.4).abs() < 1e-6, "load {load_mwh} MWh");
    assert!(
        import_mwh > 0.0 && import_mwh < load_mwh,
        "import {import_mwh} MWh"
    );
    assert!(summary["kpis"].is_object(), "{summary}");
}
