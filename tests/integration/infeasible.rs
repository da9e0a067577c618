//! Infeasibility is explained in the planner's terms; priced lost load makes it solvable.

use crate::support::{read_json, temp_dir, text, vppsim};

/// Four hours of a 3 MW load behind a 2 MW import limit, with a 2 MWh battery that may
/// empty: 4 MWh of deficit against 2 MWh stored leaves 2 MWh that cannot be served, though
/// every single hour passes the quick power check (3 ≤ 2 + 2 MW).
fn scenario(extra: &str) -> String {
    format!(
        r#"[scenario]
name = "short"
[time]
start = "2025-01-07T00:00:00+08:00"
step = "1h"
duration = "4h"
[[battery]]
name = "b"
energy_capacity = "2 MWh"
charge_power = "2 MW"
discharge_power = "2 MW"
charge_efficiency = 1.0
discharge_efficiency = 1.0
soc_min = 0.0
soc_max = 1.0
soc_initial = 1.0
soc_final = 0.0
[[load]]
name = "office"
power = "3 MW"
[grid]
import_limit = "2 MW"
export_limit = "0 MW"
import_price = "0.5 CNY/kWh"
[dispatch]
{extra}
"#
    )
}

#[test]
fn an_infeasible_scenario_says_which_limit_when_and_by_how_much() {
    let dir = temp_dir("infeasible");
    let path = dir.join("short.toml");
    std::fs::write(&path, scenario("objective = { import = 1.0 }")).unwrap();
    let o = vppsim(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("infeasible from 2025-01-07T00:00:00+08:00 to 2025-01-07T04:00:00+08:00"),
        "{err}"
    );
    assert!(
        err.contains("the site cannot serve")
            && err.contains("with grid import at its limit of 2 MW"),
        "{err}"
    );
    // The spans reported add up to the 2 MWh the battery cannot cover.
    let total: f64 = err
        .lines()
        .filter_map(|l| {
            l.split("cannot serve ")
                .nth(1)?
                .split(" MWh")
                .next()?
                .parse::<f64>()
                .ok()
        })
        .sum();
    assert!((total - 2.0).abs() < 1e-6, "{err}");
    assert!(
        !dir.join("out").exists(),
        "a failed run must not leave a results folder"
    );
}

#[test]
fn priced_lost_load_makes_it_solvable_and_reports_what_was_not_served() {
    let dir = temp_dir("unserved");
    let path = dir.join("short.toml");
    std::fs::write(
        &path,
        scenario("objective = { import = 1.0, cost = 1e-5 }\nunserved_energy = \"20 CNY/kWh\""),
    )
    .unwrap();
    let out = dir.join("out");
    let o = vppsim(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-plots",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let k = &read_json(&out.join("summary.json"))["kpis"];
    assert!(
        (k["unserved_mwh"].as_f64().unwrap() - 2.0).abs() < 1e-6,
        "{k}"
    );
    assert!(
        (k["unserved_cost_cny"].as_f64().unwrap() - 40_000.0).abs() < 1e-3,
        "{k}"
    );
    let csv = std::fs::read_to_string(out.join("timeseries.csv")).unwrap();
    assert!(csv.lines().next().unwrap().contains(",site.unserved [MW],"));
}
