//! Golden LP files per asset kind: a tiny scenario per kind, its perfect-foresight LP as text
//! (`Lp::to_text`: every objective level, row and column by name) compared with
//! `tests/golden/lp/<kind>.lp`, so a change of formulation shows in review. The same LP also
//! loads into HiGHS, which must report the names back when it writes the model.
//! `VPPSIM_BLESS=1 cargo test lp_files` rewrites them.

use std::path::Path;

use vppsim::dispatch::{Context, Inputs, State, WindowModel};
use vppsim::model::Solver;

use crate::support::{root, temp_dir};

/// Three hourly steps, a 1 MW office load, the grid, and `tables`.
fn scenario(tables: &str) -> vppsim::Scenario {
    let text = format!(
        r#"[scenario]
name = "lp"

[time]
start = "2025-06-01T00:00:00+08:00"
step = "1h"
duration = "3h"

[[load]]
name = "office"
power = "1 MW"

{tables}

[grid]
import_limit = "5 MW"
export_limit = "1 MW"
import_price = "0.5 CNY/kWh"
export_price = "0.2 CNY/kWh"
carbon_intensity = "570 g/kWh"
"#
    );
    vppsim::scenario::from_str(Path::new("lp.toml"), &text).expect("the tiny scenario is valid")
}

const KINDS: &[(&str, &str)] = &[
    ("load", ""),
    (
        "pv",
        r#"[[pv]]
name = "pv"
capacity = "2 MW"
availability = "1 MW""#,
    ),
    (
        "battery",
        r#"[[battery]]
name = "bat"
energy_capacity = "2 MWh"
charge_power = "1 MW"
discharge_power = "1 MW"
charge_efficiency = 0.95
discharge_efficiency = 0.9
soc_min = 0.1
soc_max = 0.9
soc_initial = 0.5
throughput_cost = "0.05 CNY/kWh""#,
    ),
    (
        "flexible",
        r#"[[flexible_load]]
name = "ev"
max_power = "1 MW"
energy = "1.5 MWh"
window = "3h""#,
    ),
    (
        "generator",
        r#"[[generator]]
name = "diesel"
capacity = "1 MW"
min_power = "0.2 MW"
fuel_cost = "1.6 CNY/kWh"
carbon_intensity = "780 g/kWh"
ramp_per_hour = "0.5 MW""#,
    ),
];

#[test]
fn each_asset_kind_writes_its_golden_lp() {
    let bless = std::env::var_os("VPPSIM_BLESS").is_some();
    let dir = temp_dir("lp-files");
    let mut changed = Vec::new();
    for (kind, tables) in KINDS {
        let s = scenario(tables);
        let devices = s.devices();
        let state = State::initial(&s);
        let ctx = Context {
            scenario: &s,
            devices: &devices,
            state: &state,
            start: 0,
            len: s.time.len,
        };
        let lp = WindowModel::build(&ctx, Default::default(), &Inputs::truth(&ctx), true)
            .lp
            .finish();
        let text = lp.to_text();
        let mut solver = Solver::new(&s.dispatch.solver).unwrap();
        solver.load(lp).unwrap();
        let mps = dir.join(format!("{kind}.mps"));
        solver.write(&mps).unwrap();
        let mps = std::fs::read_to_string(&mps).unwrap();
        assert!(
            mps.contains("bus.balance[2]") && mps.contains("grid.import[0]"),
            "{mps}"
        );
        let written = dir.join(format!("{kind}.lp"));
        std::fs::write(&written, &text).unwrap();
        let golden = root().join("tests/golden/lp").join(format!("{kind}.lp"));
        if bless {
            std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
            std::fs::write(&golden, &text).unwrap();
        } else if std::fs::read_to_string(&golden).unwrap_or_default() != text {
            changed.push(format!(
                "{kind}: {} differs from {}",
                written.display(),
                golden.display()
            ));
        }
    }
    assert!(
        changed.is_empty(),
        "{}\n(if the formulation changed on purpose, re-bless with VPPSIM_BLESS=1 and say why)",
        changed.join("\n")
    );
}
