//! EV sessions read from a CSV file: rounded to whole steps, placed on chargers, unmet
//! energy and left-out sessions reported.

use crate::support::{read_json, run_into, temp_dir, text, vppsim};

#[test]
fn sessions_from_a_file_are_rounded_placed_and_reported() {
    let dir = temp_dir("ev-sessions");
    std::fs::write(
        dir.join("sessions.csv"),
        "arrival,departure,energy_kwh,max_kw\n\
         2025-07-14T08:10:00+08:00,2025-07-14T12:50:00+08:00,10,7\n\
         2025-07-14T09:30:00+08:00,2025-07-14T10:10:00+08:00,5,7\n\
         2025-07-14T13:00:00+08:00,2025-07-14T14:00:00+08:00,80,60\n\
         2025-07-14T10:00:00+08:00,2025-07-14T11:00:00+08:00,5,7\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("hub.toml"),
        r#"[scenario]
name = "hub"
[time]
start = "2025-07-14T00:00:00+08:00"
step = "1h"
duration = "1d"
[[ev_hub]]
name = "hub"
sessions = { file = "sessions.csv" }
[grid]
import_limit = "1 MW"
export_limit = "0 MW"
import_price = "0.5 CNY/kWh"
"#,
    )
    .unwrap();
    let scenario = dir.join("hub.toml");
    let v = vppsim(&["validate", scenario.to_str().unwrap()]);
    assert!(v.status.success(), "{}", text(&v.stderr));
    let warnings = text(&v.stderr);
    // 09:30–10:10 holds no whole hour; the 60 kW car can take 60 of its 80 kWh in one hour.
    assert!(
        warnings.contains("1 sessions of the file have no whole 60-minute step"),
        "{warnings}"
    );
    assert!(
        warnings.contains("1 of 3 sessions ask for more than their charger can deliver"),
        "{warnings}"
    );
    let out = dir.join("out");
    run_into(scenario.to_str().unwrap(), &out, &["--no-plots"]);
    let k = &read_json(&out.join("summary.json"))["kpis"];
    let hub = &k["ev_hubs"][0];
    assert_eq!(hub["sessions"], 3);
    assert!(
        (hub["unmet_mwh"].as_f64().unwrap() - 0.020).abs() < 1e-9,
        "{hub}"
    );
    assert!(
        (k["grid_import_mwh"].as_f64().unwrap() - 0.075).abs() < 1e-9,
        "{k}"
    );
}
