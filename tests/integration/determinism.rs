//! Same scenario, same outputs: byte for byte, except the timings in manifest.json.

use crate::support::{run_into, temp_dir};

#[test]
fn two_runs_write_identical_timeseries_and_summary() {
    let dirs = [temp_dir("same-a"), temp_dir("same-b")];
    for dir in &dirs {
        run_into("scenarios/reference-672.toml", dir, &[]);
    }
    for file in ["timeseries.csv", "summary.json"] {
        let a = std::fs::read(dirs[0].join(file)).unwrap();
        let b = std::fs::read(dirs[1].join(file)).unwrap();
        assert!(a == b, "{file} differs between identical runs");
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dirs[0].join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["inputs"][1]["sha256"],
        "9f5f6f8319a75a71c2a4baaa4013d68fa0a7705c115018ea9384f5b913c45ccc"
    );
    assert_eq!(manifest["solver"]["options"]["method"], "ipm");
    // The thread count the solver was given: the usable cores without --threads.
    assert_eq!(
        manifest["solver"]["options"]["threads"],
        vppsim::model::available_threads()
    );
    for stage in ["load", "build", "solve", "extract", "commit", "write"] {
        assert!(
            manifest["stage_seconds"][stage].as_f64().unwrap() >= 0.0,
            "{stage}"
        );
    }
}

#[test]
fn the_manifest_records_the_threads_given() {
    let dir = temp_dir("threads-1");
    run_into("scenarios/reference-96.toml", &dir, &["--threads", "1"]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["solver"]["options"]["threads"], 1);
}
