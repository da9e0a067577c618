//! The dispatchable generator on hand-computed cases, through the CLI: the LP, the rule
//! strategy as last resort, must-run, ramp limits, KPIs, CSV, report and a VPP site.

use std::path::{Path, PathBuf};

use crate::support::{read_json, run_into, temp_dir, text, vppsim};

/// A 4-hour site with a constant `load`, an import limit and the generator table `genset`.
fn scenario(dir: &Path, load: &str, import_limit: &str, price: &str, genset: &str) -> PathBuf {
    let path = dir.join("site.toml");
    std::fs::write(
        &path,
        format!(
            r#"[scenario]
name = "genset"

[time]
start = "2025-06-01T00:00:00+08:00"
step = "1h"
duration = "4h"

[[load]]
name = "office"
power = {load}

[[generator]]
name = "diesel"
{genset}

[grid]
import_limit = "{import_limit}"
export_limit = "1 MW"
import_price = "{price}"
carbon_intensity = "500 g/kWh"
"#
        ),
    )
    .unwrap();
    path
}

/// Runs and returns (summary, timeseries column `diesel.power [MW]`).
fn run(path: &Path, out: &Path, extra: &[&str]) -> (serde_json::Value, Vec<f64>) {
    run_into(path.to_str().unwrap(), out, extra);
    let summary = read_json(&out.join("summary.json"));
    let csv = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = header
        .iter()
        .position(|h| *h == "diesel.power [MW]")
        .unwrap();
    let power = lines
        .map(|l| l.split(',').nth(column).unwrap().parse().unwrap())
        .collect();
    (summary, power)
}

fn figure(summary: &serde_json::Value, label: &str) -> f64 {
    summary["kpis"]["assets"][0]["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["label"] == label)
        .unwrap()["value"]
        .as_f64()
        .unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

const GENSET: &str = r#"capacity = "1 MW"
fuel_cost = "2 CNY/kWh"
carbon_intensity = "800 g/kWh""#;

#[test]
fn covers_what_the_import_limit_cannot_and_reports_fuel_hours_and_co2() {
    // 1.5 MW of load, import ≤ 1 MW: 0.5 MW from the genset in each of 4 hours, by the LP
    // and by the rule. 2 MWh × 2,000 CNY/MWh = 4,000 CNY; 4 running hours; 1.6 t CO2 plus
    // 4 MWh imported × 0.5 t/MWh = 3.6 t. Default objective (import): 4 + 2 drawn = 6.
    let dir = temp_dir("genset-limit");
    let path = scenario(&dir, "\"1.5 MW\"", "1 MW", "0.5 CNY/kWh", GENSET);
    for strategy in ["lp", "rule"] {
        let (summary, power) = run(&path, &dir.join(strategy), &["--strategy", strategy]);
        assert!(
            power.iter().all(|p| close(*p, 0.5)),
            "{strategy}: {power:?}"
        );
        let k = &summary["kpis"];
        assert!(close(figure(&summary, "generation"), 2.0));
        assert!(close(figure(&summary, "fuel cost"), 4000.0));
        assert!(close(figure(&summary, "running hours"), 4.0));
        assert!(close(figure(&summary, "CO2"), 1.6));
        assert!(close(k["co2_t"].as_f64().unwrap(), 3.6), "{k}");
        // Energy cost 4 MWh × 500 + fuel 4,000.
        assert!(close(k["total_cost_cny"].as_f64().unwrap(), 6000.0), "{k}");
        assert!(close(k["objective"].as_f64().unwrap(), 6.0), "{k}");
        assert_eq!(summary["series"]["diesel.power [MW]"], "generation");
    }
}

#[test]
fn runs_only_where_fuel_is_cheaper_than_import_under_the_default_objective() {
    // Import is not limited; fuel counts as drawn energy like import, so the tie in the
    // import term goes to the cheaper: fuel 2 CNY/kWh against import 0.5 → off; against
    // import 3 → on at capacity (1 MW), the rest imported.
    let dir = temp_dir("genset-price");
    let path = scenario(&dir, "\"1.5 MW\"", "10 MW", "0.5 CNY/kWh", GENSET);
    let (_, power) = run(&path, &dir.join("cheap-grid"), &[]);
    assert!(power.iter().all(|p| close(*p, 0.0)), "{power:?}");
    let path = scenario(&dir, "\"1.5 MW\"", "10 MW", "3 CNY/kWh", GENSET);
    let (summary, power) = run(&path, &dir.join("dear-grid"), &[]);
    assert!(power.iter().all(|p| close(*p, 1.0)), "{power:?}");
    assert!(close(
        summary["kpis"]["grid_import_mwh"].as_f64().unwrap(),
        2.0
    ));
}

#[test]
fn a_must_run_minimum_holds_in_every_step() {
    let dir = temp_dir("genset-must-run");
    let genset = format!("{GENSET}\nmin_power = \"0.3 MW\"");
    let path = scenario(&dir, "\"1 MW\"", "10 MW", "0.5 CNY/kWh", &genset);
    for strategy in ["lp", "rule"] {
        let (summary, power) = run(&path, &dir.join(strategy), &["--strategy", strategy]);
        assert!(
            power.iter().all(|p| close(*p, 0.3)),
            "{strategy}: {power:?}"
        );
        assert!(close(
            summary["kpis"]["grid_import_mwh"].as_f64().unwrap(),
            2.8
        ));
    }
}

#[test]
fn a_ramp_limit_makes_the_lp_start_early_and_stops_a_rule_that_cannot() {
    // Load 0, 0, 0, 1.5 MW; import ≤ 0.5 MW; ramp 0.5 MW/h from 0: the genset must reach
    // 1 MW in hour 4, so it runs 0.5 MW in hour 3 (exported) — the LP's only plan of least
    // drawn energy: 1.5 MWh of fuel, 0.5 MWh imported, objective 2.
    let dir = temp_dir("genset-ramp");
    let genset = format!("{GENSET}\nramp_per_hour = \"0.5 MW\"");
    std::fs::write(dir.join("load.csv"), "load_mw\n0\n0\n0\n1.5\n").unwrap();
    let load = r#"{ file = "load.csv", column = "load_mw", unit = "MW" }"#;
    let path = scenario(&dir, load, "0.5 MW", "0.5 CNY/kWh", &genset);
    let (summary, power) = run(&path, &dir.join("lp"), &[]);
    let expected = [0.0, 0.0, 0.5, 1.0];
    assert!(
        power.iter().zip(expected).all(|(p, e)| close(*p, e)),
        "{power:?}"
    );
    assert!(close(summary["kpis"]["objective"].as_f64().unwrap(), 2.0));
    assert!(close(
        summary["kpis"]["grid_export_mwh"].as_f64().unwrap(),
        0.5
    ));
    // The rule does not look ahead: in hour 4 the genset can reach 0.5 MW only, and the
    // import limit breaks; the run stops naming the step (exit 4), writing nothing.
    let out = dir.join("rule");
    let o = vppsim(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--strategy",
        "rule",
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("import"), "{}", text(&o.stderr));
    assert!(!out.join("summary.json").exists());
}

#[test]
fn bad_generator_tables_are_reported_all_at_once() {
    let dir = temp_dir("genset-bad");
    let genset = r#"capacity = "1 MW"
min_power = "2 MW"
fuel_cost = "-1 CNY/kWh"
carbon_intensity = "800 MW"
ramp_per_hour = "0 MW""#;
    let path = scenario(&dir, "\"1 MW\"", "10 MW", "0.5 CNY/kWh", genset);
    let o = vppsim(&["validate", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    for expected in [
        "min_power (2 MW) is above capacity (1 MW)",
        "fuel_cost must not be negative",
        "carbon_intensity",
        "ramp_per_hour of 0",
    ] {
        assert!(err.contains(expected), "{expected}: {err}");
    }
}

#[test]
fn a_vpp_site_with_a_generator_keeps_the_aggregate_balance() {
    // The small VPP with a cheap 0.5 MW genset at the microgrid: the aggregate CSV gains
    // generation_mw, and in every step import − export + PV + generation + discharge −
    // charge = consumption.
    let dir = temp_dir("genset-vpp");
    let data = crate::support::root().join("data");
    let text = std::fs::read_to_string(crate::support::root().join("scenarios/small-vpp.toml"))
        .unwrap()
        .replace("../data", data.to_str().unwrap())
        .replacen(
            "[site.grid]",
            "[[site.generator]]\nname = \"diesel\"\ncapacity = \"0.5 MW\"\nfuel_cost = \"0.3 CNY/kWh\"\ncarbon_intensity = \"780 g/kWh\"\n\n[site.grid]",
            1,
        );
    let path = dir.join("vpp.toml");
    std::fs::write(&path, text).unwrap();
    let out = dir.join("out");
    run_into(path.to_str().unwrap(), &out, &["--no-plots"]);
    let csv = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let mut generated = 0.0;
    for line in lines {
        let v: Vec<f64> = line
            .split(',')
            .map(|c| c.parse().unwrap_or(f64::NAN))
            .collect();
        let balance = v[at("import_mw")] - v[at("export_mw")]
            + v[at("pv_mw")]
            + v[at("generation_mw")]
            + v[at("battery_discharge_mw")]
            - v[at("battery_charge_mw")]
            - v[at("consumption_mw")];
        assert!(balance.abs() < 1e-5, "{line}: {balance}");
        generated += v[at("generation_mw")];
    }
    assert!(generated > 1.0, "the cheap genset runs: {generated} MWh");
}
