//! The shared reference LP (`../shared/reference/README.md`), run through scenario files.

use crate::support::{read_json, run_into, temp_dir};

/// Runs `scenarios/reference-<steps>.toml` and returns (objective, grid import MWh).
fn run_reference(steps: usize, strategy: &str) -> (f64, f64) {
    let out = temp_dir(&format!("ref-{steps}-{strategy}"));
    let scenario = format!("scenarios/reference-{steps}.toml");
    run_into(&scenario, &out, &["--strategy", strategy]);
    let summary = read_json(&out.join("summary.json"));
    let kpis = &summary["kpis"];
    (
        kpis["objective"].as_f64().unwrap(),
        kpis["grid_import_mwh"].as_f64().unwrap(),
    )
}

fn assert_relative(found: f64, expected: f64, what: &str) {
    let rel = ((found - expected) / expected).abs();
    assert!(
        rel <= 1e-6,
        "{what}: {found} vs published {expected} (relative error {rel:.2e})"
    );
}

#[test]
fn reproduces_the_published_optimum_for_one_day() {
    let (objective, import) = run_reference(96, "lp");
    assert_relative(objective, 68.077805121675, "objective");
    assert_relative(import, 68.048649, "grid import");
}

#[test]
fn reproduces_the_published_optimum_for_one_week() {
    let (objective, import) = run_reference(672, "lp");
    assert_relative(objective, 470.8655985329375, "objective");
    assert_relative(import, 470.663579, "grid import");
}

#[test]
fn the_lp_beats_the_rule_baseline_which_runs_within_every_limit() {
    // The rule dispatcher passes every invariant check (the run would fail otherwise) and
    // the optimum can only be better.
    let (lp, _) = run_reference(672, "lp");
    let (rule, _) = run_reference(672, "rule");
    assert!(lp <= rule + 1e-9, "lp {lp} vs rule {rule}");
}
