//! Usable anywhere: a scenario's currency names its outputs, an IANA time zone's clock (with
//! daylight saving) drives time-of-use prices, daily windows and billing months, and the
//! per-step money and CO2 columns of `timeseries.csv` add up to the KPIs.

use std::path::{Path, PathBuf};

use crate::support::{read_json, run_into, temp_dir, vppsim};

/// The columns of a `timeseries.csv`: header names and rows of cells.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn read(path: &Path) -> Table {
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap().split(',').map(String::from).collect();
        let rows = lines
            .map(|l| l.split(',').map(String::from).collect())
            .collect();
        Table { header, rows }
    }

    fn column(&self, name: &str) -> Vec<&str> {
        let i = self
            .header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column '{name}' in {:?}", self.header));
        self.rows.iter().map(|r| r[i].as_str()).collect()
    }

    fn numbers(&self, name: &str) -> Vec<f64> {
        self.column(name)
            .iter()
            .map(|c| c.parse().unwrap())
            .collect()
    }
}

/// A Berlin site with a constant 1 MW load, a 07:00 time-of-use edge (0.10 EUR/kWh before,
/// 0.30 after), a 10 MWh-a-day flexible load and a demand charge, from `start` for
/// `duration`, not dispatched (import = load + flexible).
fn berlin(dir: &Path, start: &str, duration: &str) -> PathBuf {
    let path = dir.join("berlin.toml");
    std::fs::write(
        &path,
        format!(
            r#"[scenario]
name = "berlin"
currency = "EUR"

[time]
start = "{start}"
timezone = "Europe/Berlin"
step = "1h"
duration = "{duration}"

[[load]]
name = "office"
power = "1 MW"

[[flexible_load]]
name = "ev"
max_power = "2 MW"
energy = "10 MWh"

[grid]
import_limit = "10 MW"
export_limit = "1 MW"
import_price = {{ time_of_use = [
  {{ from = "00:00", to = "07:00", price = "0.10 EUR/kWh" }},
  {{ from = "07:00", to = "24:00", price = "0.30 EUR/kWh" }},
] }}
export_price = "0.05 EUR/kWh"
carbon_intensity = "400 g/kWh"
demand_charge = "12 EUR/kW"

[dispatch]
strategy = "rule"
"#
        ),
    )
    .unwrap();
    path
}

/// Indices of the steps at the higher price, 0.30 EUR/kWh.
fn expensive(prices: &[f64]) -> Vec<usize> {
    (0..prices.len()).filter(|&t| prices[t] > 0.2).collect()
}

#[test]
fn the_end_of_summer_time_moves_the_tariff_edge_with_the_local_clock() {
    let dir = temp_dir("dst-autumn");
    // 25 and 26 October 2025, 49 hourly steps from 2025-10-24T22:00Z. By hand: step k starts
    // at 22:00Z + k h. On the 25th (+02:00) step k is local hour k, so 07:00 is step 7. On
    // the 26th, steps 24, 25, 26 are 00:00, 01:00, 02:00 +02:00; at 01:00Z the clock goes
    // back, so step 27 is 02:00 +01:00 again, step 28 03:00 +01:00, … and 07:00 +01:00
    // (06:00Z) is step 32. A fixed +02:00 clock would put the edge at step 31 (06:00 local).
    let path = berlin(&dir, "2025-10-25T00:00:00+02:00", "49h");
    let out = dir.join("out");
    run_into(path.to_str().unwrap(), &out, &["--no-plots"]);
    let csv = Table::read(&out.join("timeseries.csv"));
    let stamps = csv.column("timestamp");
    assert_eq!(stamps[0], "2025-10-25T00:00:00+02:00");
    assert_eq!(stamps[26], "2025-10-26T02:00:00+02:00");
    assert_eq!(stamps[27], "2025-10-26T02:00:00+01:00");
    assert_eq!(stamps[31], "2025-10-26T06:00:00+01:00");
    assert_eq!(stamps[32], "2025-10-26T07:00:00+01:00");
    assert_eq!(stamps[48], "2025-10-26T23:00:00+01:00");
    let prices = csv.numbers("grid.import_price [EUR/kWh]");
    let hand: Vec<usize> = (7..24).chain(32..49).collect();
    assert_eq!(expensive(&prices), hand);
    // The 26th is one 25-step window asking the full 10 MWh, as the 25th's 24 steps do.
    let summary = read_json(&out.join("summary.json"));
    let k = &summary["kpis"];
    let ev = &k["flexible"][0];
    assert_eq!(ev["required_mwh"].as_f64(), Some(20.0));
    assert!((ev["delivered_mwh"].as_f64().unwrap() - 20.0).abs() < 1e-6);
    // Billed on October's 745 real hours: 49 of them, at a peak of 1 MW plus what the
    // flexible load draws in its peak hour.
    let peak_kw = k["peak_import_mw"].as_f64().unwrap() * 1000.0;
    let demand = k["demand_charge_eur"].as_f64().unwrap();
    assert!(
        (demand - 12.0 * peak_kw * 49.0 / 745.0).abs() < 1e-9 * demand,
        "{demand}"
    );
}

#[test]
fn the_start_of_summer_time_gives_a_23_hour_day() {
    let dir = temp_dir("dst-spring");
    // 30 March 2025 from 00:00 +01:00 (23:00Z on the 29th), 23 hourly steps. By hand: steps
    // 0 and 1 are 00:00 and 01:00 +01:00; at 01:00Z the clock skips to 03:00 +02:00, so
    // step k ≥ 2 is local hour k + 1 and 07:00 +02:00 (05:00Z) is step 6. The 23 steps are
    // the whole local day.
    let path = berlin(&dir, "2025-03-30T00:00:00+01:00", "23h");
    let out = dir.join("out");
    run_into(path.to_str().unwrap(), &out, &["--no-plots"]);
    let csv = Table::read(&out.join("timeseries.csv"));
    let stamps = csv.column("timestamp");
    assert_eq!(stamps[1], "2025-03-30T01:00:00+01:00");
    assert_eq!(stamps[2], "2025-03-30T03:00:00+02:00");
    assert_eq!(stamps[6], "2025-03-30T07:00:00+02:00");
    assert_eq!(stamps[22], "2025-03-30T23:00:00+02:00");
    let prices = csv.numbers("grid.import_price [EUR/kWh]");
    assert_eq!(expensive(&prices), (6..23).collect::<Vec<_>>());
    let summary = read_json(&out.join("summary.json"));
    // One whole 23-hour day: the full 10 MWh, not 23/24 of it.
    assert_eq!(
        summary["kpis"]["flexible"][0]["required_mwh"].as_f64(),
        Some(10.0)
    );
}

/// Asserts that the per-step columns of `csv` add up to the KPIs of `summary`, money named
/// with `suffix`: each cell is rounded to 6 decimals (CO2 to 3), so the sums agree within
/// half a unit of the last digit per step.
fn assert_columns_add_up(csv: &Table, summary: &serde_json::Value, suffix: &str) {
    let k = &summary["kpis"];
    let n = csv.rows.len() as f64;
    for (column, kpi, tolerance) in [
        (
            format!("import_cost_{suffix}"),
            k[format!("import_cost_{suffix}")].as_f64(),
            5e-7,
        ),
        (
            format!("export_revenue_{suffix}"),
            k[format!("export_revenue_{suffix}")].as_f64(),
            5e-7,
        ),
        (
            "co2_kg".into(),
            k["co2_t"].as_f64().map(|t| t * 1000.0),
            5e-4,
        ),
    ] {
        let kpi = kpi.unwrap_or_else(|| panic!("no KPI for {column}"));
        let sum: f64 = csv.numbers(&column).iter().sum();
        assert!(
            (sum - kpi).abs() <= n * tolerance + 1e-9 * kpi.abs(),
            "{column}: columns sum to {sum}, KPI {kpi}"
        );
    }
}

#[test]
fn a_euro_scenario_names_its_outputs_in_euros() {
    let dir = temp_dir("berlin-office");
    let out = dir.join("run");
    run_into("scenarios/berlin-office.toml", &out, &["--no-plots"]);
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["currency"], "EUR");
    let text = serde_json::to_string(&summary).unwrap();
    assert!(!text.contains("_cny"), "a CNY name left: {text}");
    for key in [
        "import_cost_eur",
        "export_revenue_eur",
        "energy_cost_eur",
        "demand_charge_eur",
        "total_cost_eur",
    ] {
        assert!(summary["kpis"][key].is_number(), "{key}");
    }
    assert_eq!(read_json(&out.join("manifest.json"))["currency"], "EUR");
    let csv = Table::read(&out.join("timeseries.csv"));
    assert!(
        csv.header
            .contains(&"grid.export_price [EUR/kWh]".to_string())
    );
    assert_columns_add_up(&csv, &summary, "eur");
    // The four local days: 24, 24, 25 hours and 23 of the 27th's 24 (the horizon is 96
    // real hours); offsets +02:00 until the change, +01:00 after.
    let stamps = csv.column("timestamp");
    assert_eq!(stamps.len(), 96);
    assert_eq!(stamps.iter().filter(|s| s.ends_with("+02:00")).count(), 51);
    assert_eq!(stamps[95], "2025-10-27T22:00:00+01:00");
    // Each whole local day asks 60 kWh; the 27th, cut after 23 of its 24 hours, 23/24 of it.
    let ev = &summary["kpis"]["flexible"][0];
    let required = ev["required_mwh"].as_f64().unwrap();
    assert!(
        (required - (0.18 + 0.06 * 23.0 / 24.0)).abs() < 1e-12,
        "{required}"
    );
    // The comparison table is named in euros too.
    let compare = dir.join("compare");
    let o = vppsim(&[
        "compare",
        "scenarios/berlin-office.toml",
        "--out",
        compare.to_str().unwrap(),
        "--strategies",
        "none,lp",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let table = std::fs::read_to_string(compare.join("comparison.csv")).unwrap();
    let header = table.lines().next().unwrap();
    assert!(header.contains(",total_cost_eur,"), "{header}");
    assert!(
        header.ends_with(",regret_cost_eur,regret_co2_t"),
        "{header}"
    );
    assert!(!header.contains("cny"), "{header}");
}

#[test]
fn per_step_money_and_co2_add_up_to_the_kpis_in_cny() {
    let dir = temp_dir("per-step-cny");
    run_into("scenarios/small-site.toml", &dir, &["--no-plots"]);
    let summary = read_json(&dir.join("summary.json"));
    assert!(
        summary.get("currency").is_none(),
        "CNY, the default, is not written"
    );
    let csv = Table::read(&dir.join("timeseries.csv"));
    assert_columns_add_up(&csv, &summary, "cny");
}

#[test]
fn per_step_co2_counts_a_generators_emissions() {
    // 2 MW of load behind a 1 MW import limit for 4 hours: the rule strategy runs the
    // diesel for the other 1 MW. By hand, each step emits 1 MWh × 500 kg/MWh from the grid
    // and 1 MWh × 780 kg/MWh from the diesel: 1,280 kg, 5.12 t in all; each step imports
    // 1 MWh at 0.5 CNY/kWh: 500 CNY.
    let dir = temp_dir("per-step-genset");
    let path = dir.join("genset.toml");
    std::fs::write(
        &path,
        r#"[scenario]
name = "genset"

[time]
start = "2025-06-01T00:00:00+08:00"
step = "1h"
duration = "4h"

[[load]]
name = "office"
power = "2 MW"

[[generator]]
name = "diesel"
capacity = "2 MW"
fuel_cost = "1.6 CNY/kWh"
carbon_intensity = "780 g/kWh"

[grid]
import_limit = "1 MW"
export_limit = "1 MW"
import_price = "0.5 CNY/kWh"
carbon_intensity = "500 g/kWh"

[dispatch]
strategy = "rule"
"#,
    )
    .unwrap();
    let out = dir.join("out");
    run_into(path.to_str().unwrap(), &out, &["--no-plots"]);
    let csv = Table::read(&out.join("timeseries.csv"));
    assert_eq!(csv.column("co2_kg"), ["1280.000"; 4]);
    assert_eq!(csv.column("import_cost_cny"), ["500.000000"; 4]);
    let summary = read_json(&out.join("summary.json"));
    assert!((summary["kpis"]["co2_t"].as_f64().unwrap() - 5.12).abs() < 1e-9);
    assert_columns_add_up(&csv, &summary, "cny");
}

#[test]
fn a_euro_vpp_names_events_and_sites_in_euros() {
    // The small VPP priced in euros: the same numbers (no conversion), named `_eur`.
    let dir = temp_dir("vpp-eur");
    let data = crate::support::root().join("data");
    let base = std::fs::read_to_string(crate::support::root().join("scenarios/small-vpp.toml"))
        .unwrap()
        .replace("../data", data.to_str().unwrap());
    let euro =
        base.replace("CNY/", "EUR/")
            .replacen("seed = 0\n", "seed = 0\ncurrency = \"EUR\"\n", 1);
    let (cny_path, eur_path) = (dir.join("cny.toml"), dir.join("eur.toml"));
    std::fs::write(&cny_path, base).unwrap();
    std::fs::write(&eur_path, euro).unwrap();
    let (cny_out, eur_out) = (dir.join("cny"), dir.join("eur"));
    run_into(cny_path.to_str().unwrap(), &cny_out, &["--no-plots"]);
    run_into(eur_path.to_str().unwrap(), &eur_out, &["--no-plots"]);
    let (cny, eur) = (
        read_json(&cny_out.join("summary.json")),
        read_json(&eur_out.join("summary.json")),
    );
    assert_eq!(eur["currency"], "EUR");
    let text = serde_json::to_string(&eur).unwrap();
    assert!(!text.contains("_cny"), "a CNY name left: {text}");
    // Same figures under the new names.
    let renamed = serde_json::to_string(&cny).unwrap().replace("_cny", "_eur");
    let mut expected: serde_json::Value = serde_json::from_str(&renamed).unwrap();
    expected["currency"] = "EUR".into();
    assert_eq!(eur, expected);
    let events = std::fs::read_to_string(eur_out.join("events.csv")).unwrap();
    assert!(
        events
            .lines()
            .next()
            .unwrap()
            .ends_with(",payment_eur,penalty_eur"),
        "{events}"
    );
}
