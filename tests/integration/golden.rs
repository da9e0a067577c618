//! Golden outputs: every shipped scenario that runs in seconds writes exactly the
//! `summary.json` and `timeseries.csv` stored in `tests/golden/<scenario>/` (the CSV as its
//! SHA-256). A change of any figure is visible in review: `VPPSIM_BLESS=1 cargo test golden`
//! rewrites them, and the commit that does says why they changed.

use sha2::{Digest, Sha256};

use crate::support::{root, run_into, temp_dir};

/// Scenario (in `scenarios/`) and extra arguments of its run.
const GOLDEN: &[(&str, &[&str])] = &[
    ("reference-96", &[]),
    ("reference-672", &[]),
    ("small-site", &[]),
    ("small-vpp", &[]),
    ("xining-park-week", &[]),
    ("xining-vpp", &["--coordination", "central"]),
];

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn shipped_scenarios_write_their_golden_outputs() {
    let bless = std::env::var_os("VPPSIM_BLESS").is_some();
    let mut changed = Vec::new();
    for (name, extra) in GOLDEN {
        let out = temp_dir(&format!("golden-{name}"));
        let mut args = vec!["--no-plots"];
        args.extend_from_slice(extra);
        run_into(&format!("scenarios/{name}.toml"), &out, &args);
        let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
        let csv_hash = hex(&Sha256::digest(
            std::fs::read(out.join("timeseries.csv")).unwrap(),
        ));
        let golden = root().join("tests/golden").join(name);
        if bless {
            std::fs::create_dir_all(&golden).unwrap();
            std::fs::write(golden.join("summary.json"), &summary).unwrap();
            std::fs::write(
                golden.join("timeseries.csv.sha256"),
                format!("{csv_hash}\n"),
            )
            .unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(golden.join("summary.json")).unwrap_or_default();
        if expected != summary {
            changed.push(format!(
                "{name}: summary.json differs from {}",
                golden.display()
            ));
        }
        let expected =
            std::fs::read_to_string(golden.join("timeseries.csv.sha256")).unwrap_or_default();
        if expected.trim() != csv_hash {
            changed.push(format!(
                "{name}: timeseries.csv has SHA-256 {csv_hash}, golden {}",
                expected.trim()
            ));
        }
    }
    assert!(
        changed.is_empty(),
        "{}\n(if intended, re-bless with VPPSIM_BLESS=1 and say why in the commit)",
        changed.join("\n")
    );
}
