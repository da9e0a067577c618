//! Every file in `scenarios/invalid/` fails with exactly the diagnostic stored next to it
//! (`NAME.stderr`, ending with the exit code). `VPPSIM_BLESS=1 cargo test` rewrites the
//! snapshots; review the diff before committing.

use crate::support::{root, text, vppsim};

#[test]
fn every_invalid_scenario_fails_with_its_expected_diagnostic() {
    let dir = root().join("scenarios/invalid");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".toml").map(str::to_string))
        .collect();
    names.sort();
    assert!(names.len() >= 30, "only {} invalid scenarios", names.len());
    let bless = std::env::var_os("VPPSIM_BLESS").is_some();
    let mut mismatches = Vec::new();
    for name in &names {
        let o = vppsim(&["validate", &format!("scenarios/invalid/{name}.toml")]);
        let code = o.status.code().unwrap_or(-1);
        assert!(
            code == 2 || code == 3,
            "{name}: exit code {code}, stderr: {}",
            text(&o.stderr)
        );
        assert!(!text(&o.stderr).contains("panicked"), "{name} panicked");
        let actual = format!("{}[exit {code}]\n", text(&o.stderr));
        let snapshot = dir.join(format!("{name}.stderr"));
        if bless {
            std::fs::write(&snapshot, &actual).unwrap();
        } else if std::fs::read_to_string(&snapshot).ok().as_deref() != Some(actual.as_str()) {
            mismatches.push(format!(
                "--- {name}: expected {}\n+++ actual:\n{actual}",
                snapshot.display()
            ));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    let orphans: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| {
            n.ends_with(".stderr") && !names.contains(&n.trim_end_matches(".stderr").to_string())
        })
        .collect();
    assert!(
        orphans.is_empty(),
        "snapshots without a scenario: {orphans:?}"
    );
}
